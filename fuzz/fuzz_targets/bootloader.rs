//! Any bytes, split on 0xff into external messages framed for the rollup,
//! through a whole level of the bootloader: every kernel_run must return.
#![no_main]

use host::InboxMessage;
use libfuzzer_sys::fuzz_target;
use mock_host::MockHost;

fuzz_target!(|data: &[u8]| {
    let messages: Vec<InboxMessage> = data
        .split(|b| *b == 0xff)
        .map(|chunk| {
            let framed = [&[0u8][..], &[0x5a; 20], chunk].concat();
            InboxMessage::External(framed)
        })
        .collect();
    let mut mock = MockHost::default();
    let report = mock.run_level(&messages, zkos_kernel::bootloader::run);
    assert!(
        report.runs.iter().all(|r| r.failure.is_none()),
        "the kernel trapped: {:?}",
        report.runs
    );
});
