//! Any bytes through the transaction decoder and its static checks: must
//! return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = zkos_kernel::tx::decode(data) {
        let _ = zkos_kernel::tx::check_static(&tx, 0x5a4b);
    }
});
