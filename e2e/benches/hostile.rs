//! The worst transactions a user can send within the gas limit
//! (`e2e::hostile`), one per level, on both engines in one run: wall time,
//! peak memory (the process's resident set, reset before each level),
//! ticks (`pvm`) and the bytes the level writes to durable storage.
//!
//! `cargo bench -p zkos-e2e --bench hostile`. Figures in BENCHMARKS.md.

use std::time::Instant;

use e2e::{hostile, kernel, runner_with_genesis};
use pvm_runner::EngineKind;

/// The process's peak resident set since the last [`reset_peak`], in MiB
/// (Linux's `VmHWM`; 0 where it cannot be read).
fn peak_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    kib / 1024
}

/// Resets the peak resident set to the current one (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let genesis = hostile::genesis();
    let setup = hostile::setup();
    println!("| case | engine | status | gas used | ms | peak RSS MiB | ticks | bytes written |");
    println!("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let mut r = runner_with_genesis(engine, kernel("zkos_kernel"), &genesis);
        r.run_level(e2e::level(1, &e2e::messages(setup.iter().map(Vec::as_slice))))
            .expect("the setup level runs");
        for (i, case) in hostile::cases().iter().enumerate() {
            let messages = e2e::messages([case.tx.as_slice()]);
            reset_peak();
            let t0 = Instant::now();
            let o = r.run_level(e2e::level(2 + i as u32, &messages)).expect("the level runs");
            let ms = t0.elapsed().as_secs_f64() * 1e3;
            let peak = peak_mib();
            let (status, gas) = match e2e::receipt_of(&r, &case.tx) {
                Some((receipt, info)) => {
                    (if receipt.is_success() { "1" } else { "0" }, info.gas_used)
                }
                None => ("none", 0),
            };
            let written = hostile::bytes_written(&o);
            println!(
                "| {} | {engine:?} | {status} | {gas} | {ms:.0} | {peak} | {} | {written} |",
                case.name,
                o.report.ticks()
            );
        }
    }
}
