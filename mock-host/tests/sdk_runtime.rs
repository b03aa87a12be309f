//! The SDK's safe `Runtime` layer over the mock host: kernels see the PVM's
//! semantics, and the inbox encodings agree with the SDK's decoder.

use host::{InboxMessage, control::MAX_REBOOTS};
use mock_host::MockHost;

use tezos_smart_rollup_encoding::{
    inbox::{InboxMessage as SdkInbox, InternalInboxMessage},
    michelson::MichelsonUnit,
};
use tezos_smart_rollup_host::{
    Error,
    path::RefPath,
    runtime::{Runtime, RuntimeError, ValueType},
};

const COUNTER: RefPath<'static> = RefPath::assert_from(b"/counter");

#[test]
fn sdk_decodes_every_message_the_mock_delivers() {
    let mut mock = MockHost::default();
    let transfer = InboxMessage::Transfer {
        // Micheline `Unit`: prim tag 0x03, primitive 0x0b
        payload: vec![0x03, 0x0b],
        sender: [1; 20],
        source: [0; 21],
        destination: [0x5a; 20],
    };
    let mut kinds = Vec::new();
    mock.run_level(&[InboxMessage::External(vec![7, 7]), transfer], |h| {
        while let Ok(Some(msg)) = h.read_input() {
            let (rest, parsed) =
                SdkInbox::<MichelsonUnit>::parse(msg.as_ref()).expect("SDK parses our encoding");
            assert!(rest.is_empty());
            kinds.push(match parsed {
                SdkInbox::Internal(InternalInboxMessage::StartOfLevel) => "sol".to_owned(),
                SdkInbox::Internal(InternalInboxMessage::InfoPerLevel(i)) => {
                    format!("info {}", i.predecessor_timestamp.i64())
                }
                SdkInbox::Internal(InternalInboxMessage::Transfer(t)) => {
                    format!("transfer from {}", t.sender)
                }
                SdkInbox::Internal(InternalInboxMessage::EndOfLevel) => "eol".to_owned(),
                SdkInbox::External(b) => format!("external {b:?}"),
            });
        }
    });
    assert_eq!(kinds.len(), 5);
    assert_eq!(kinds[0], "sol");
    assert!(kinds[1].starts_with("info 17000000"));
    assert_eq!(kinds[2], "external [7, 7]");
    assert!(kinds[3].starts_with("transfer from KT1"));
    assert_eq!(kinds[4], "eol");
}

#[test]
fn store_errors_reach_the_kernel_as_sdk_errors() {
    let mut mock = MockHost::default();
    mock.run_level(&[], |h| {
        let mut buf = [0u8; 8];
        assert_eq!(
            h.store_read_slice(&COUNTER, 0, &mut buf),
            Err(RuntimeError::HostErr(Error::StoreNotAValue))
        );
        h.store_write(&COUNTER, &[1, 2, 3], 0).unwrap();
        assert_eq!(
            h.store_write(&COUNTER, &[1], 10),
            Err(RuntimeError::HostErr(Error::StoreInvalidAccess))
        );
        // The SDK refuses to build a `/readonly` path, so ask the raw ABI.
        let path = b"/readonly/x";
        // SAFETY: both slices are valid for their lengths.
        let code = unsafe {
            tezos_smart_rollup_core::SmartRollupCore::store_write(
                &*h,
                path.as_ptr(),
                path.len(),
                0,
                [1u8].as_ptr(),
                1,
            )
        };
        assert_eq!(code, Error::StoreReadonlyValue.code());
        assert_eq!(h.store_has(&COUNTER), Ok(Some(ValueType::Value)));
        assert_eq!(h.store_count_subkeys(&COUNTER), Ok(1));
        assert_eq!(h.store_value_size(&COUNTER), Ok(3));
        let big = vec![9u8; 5000];
        h.store_write_all(&RefPath::assert_from(b"/big"), &big).unwrap();
        assert_eq!(h.store_read_all(&RefPath::assert_from(b"/big")).unwrap(), big);
    });
    assert_eq!(mock.get(b"/counter"), Some(vec![1, 2, 3]));
}

#[test]
fn reboots_run_the_kernel_again_in_the_same_level() {
    let mut mock = MockHost::default();
    let report = mock.run_level(&[InboxMessage::External(vec![1])], |h| {
        let n = h.store_read(&COUNTER, 0, 1).map(|v| v[0]).unwrap_or(0);
        h.store_write(&COUNTER, &[n + 1], 0).unwrap();
        // read one input per run
        let _ = h.read_input();
        if n < 3 {
            h.mark_for_reboot().unwrap();
        }
    });
    assert_eq!(report.runs.len(), 4);
    assert_eq!(mock.get(b"/counter"), Some(vec![4]));
    assert_eq!(report.messages_read, 4);
}

#[test]
fn endless_reboots_stop_at_the_pvm_limit() {
    let mut mock = MockHost::default();
    let report = mock.run_level(&[], |h| h.mark_for_reboot().unwrap());
    assert_eq!(report.runs.len(), MAX_REBOOTS + 1);
    assert!(report.too_many_reboots);
    assert!(mock.get(b"/readonly/kernel/env/too_many_reboot").is_some());
}

#[test]
fn a_panicking_run_is_rolled_back_like_a_trap() {
    let mut mock = MockHost::default();
    mock.run_level(&[], |h| h.store_write(&COUNTER, b"kept", 0).unwrap());
    let root = mock.root();
    let report = mock.run_level(&[InboxMessage::External(vec![1])], |h| {
        h.store_write(&COUNTER, b"lost", 0).unwrap();
        h.write_output(b"lost too").unwrap();
        panic!("kernel bug");
    });
    assert_eq!(mock.get(b"/counter"), Some(b"kept".to_vec()));
    assert!(report.outbox.is_empty());
    assert!(report.runs[0].failure.is_some());
    // only the runner's stuck marker differs from before
    assert_eq!(mock.get(b"/readonly/kernel/env/stuck"), Some(b"trap".to_vec()));
    mock.host_mut().durable.delete(host::Path::new(b"/readonly").unwrap());
    assert_eq!(mock.root(), root);
}

#[test]
fn reveal_and_metadata_through_the_sdk() {
    let mut mock = MockHost::default();
    let hash = mock.add_preimage(b"page contents".to_vec());
    mock.run_level(&[], |h| {
        let mut buf = [0u8; 64];
        let n = h.reveal_preimage(&hash, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"page contents");
        let meta = h.reveal_metadata();
        assert_eq!(meta.origination_level, 0);
        h.write_debug("debug line\n");
    });
    assert_eq!(mock.debug_log(), "debug line\n");
}

#[test]
fn outbox_is_kept_per_level_with_the_limits() {
    let mut mock = MockHost::default();
    mock.run_level(&[], |h| {
        for i in 0..100u8 {
            h.write_output(&[i]).unwrap();
        }
        assert_eq!(h.write_output(&[0]), Err(RuntimeError::HostErr(Error::FullOutbox)));
    });
    assert_eq!(mock.outbox(1).len(), 100);
    assert!(mock.outbox(2).is_empty());
}
