//! `echo`: the smallest useful kernel. Each external inbox message's payload
//! (the bytes after the external tag `0x01`) is written to the outbox; protocol
//! messages are read and ignored. A message the outbox refuses (over 4096
//! bytes, or past 100 this level) is reported with `write_debug` and skipped.

use tezos_smart_rollup_host::runtime::Runtime;

/// One `kernel_run`.
pub fn run<H: Runtime>(host: &mut H) {
    while let Ok(Some(msg)) = host.read_input() {
        if let [1, payload @ ..] = msg.as_ref()
            && let Err(e) = host.write_output(payload)
        {
            host.write_debug(&format!("echo: message {} not echoed: {e}\n", msg.id));
        }
    }
}

kernel_entry::entry!(run);

#[cfg(test)]
mod tests {
    use super::*;
    use host::InboxMessage;
    use mock_host::MockHost;

    #[test]
    fn echoes_external_messages_in_order() {
        let mut mock = MockHost::default();
        let report = mock.run_level(
            &[InboxMessage::External(b"one".to_vec()), InboxMessage::External(b"two".to_vec())],
            run,
        );
        assert_eq!(report.outbox, vec![b"one".to_vec(), b"two".to_vec()]);
        assert_eq!(report.messages_read, 5);
    }

    #[test]
    fn a_refused_message_is_reported_and_skipped() {
        let mut mock = MockHost::default();
        let msgs: Vec<_> = (0..101u8).map(|i| InboxMessage::External(vec![i])).collect();
        let report = mock.run_level(&msgs, run);
        assert_eq!(report.outbox.len(), 100);
        assert!(mock.debug_log().contains("not echoed"), "{}", mock.debug_log());
    }
}
