//! The worst transactions a user can send within the gas limit (see
//! `e2e::hostile`), one per level through the OS kernel on the `fast`
//! engine: each is included with a receipt, and what its level writes to
//! durable storage stays bounded. Their time and memory per level on each
//! engine is the benchmark's (`benches/hostile.rs`, BENCHMARKS.md).

use e2e::{hostile, kernel, receipt_of, runner_with_genesis};
use pvm_runner::EngineKind;

/// What the largest case (the log bytes: 30 M gas pays for about 3.7 MB of
/// log data, kept in the receipt) may write, with room to spare.
const MOST_WRITTEN: usize = 8 << 20;

#[test]
fn every_hostile_transaction_gets_a_receipt_and_bounded_storage() {
    let genesis = hostile::genesis();
    let mut r = runner_with_genesis(EngineKind::Fast, kernel("zkos_kernel"), &genesis);
    let setup = hostile::setup();
    let o = r.run_level(e2e::level(1, &e2e::messages(setup.iter().map(Vec::as_slice)))).unwrap();
    for tx in &setup {
        let debug = String::from_utf8_lossy(&o.debug);
        let (receipt, _) = receipt_of(&r, tx).unwrap_or_else(|| panic!("setup: {debug}"));
        assert!(receipt.is_success(), "setup: {debug}");
    }
    for (i, case) in hostile::cases().iter().enumerate() {
        let level = 2 + i as u32;
        let o = r.run_level(e2e::level(level, &e2e::messages([case.tx.as_slice()]))).unwrap();
        assert!(o.report.runs.iter().all(|r| r.failure.is_none()), "{}: {:?}", case.name, o.report);
        let (receipt, info) =
            receipt_of(&r, &case.tx).unwrap_or_else(|| panic!("{}: no receipt", case.name));
        let written = hostile::bytes_written(&o);
        assert!(info.gas_used <= hostile::GAS, "{}", case.name);
        assert!(written <= MOST_WRITTEN, "{}: {written} bytes written", case.name);
        // How each ends: the loop runs out of gas; the recursion goes until
        // the 63/64 rule leaves a frame too little gas, which fails and
        // reverts every frame above (returning their gas); the others
        // finish within their gas.
        match i {
            0 => assert!(!receipt.is_success() && info.gas_used == hostile::GAS),
            1 | 2 | 3 | 5 | 6 => assert!(receipt.is_success(), "{}", case.name),
            _ => {}
        }
        if i == 2 {
            assert!(receipt.logs().len() > 100, "{} logs", receipt.logs().len());
        }
        if let Some(created) = info.created {
            let code = r.durable().get(host::Path::new(layout::code(&created).as_bytes()).unwrap());
            assert_eq!(code.map(<[u8]>::len), Some(24_576), "the largest code");
        }
        eprintln!(
            "{}: status {}, {} gas, {} logs, {written} bytes written",
            case.name,
            receipt.is_success(),
            info.gas_used,
            receipt.logs().len()
        );
    }
}
