//! The proving mode measured: for each level of the OS kernel's ERC-20
//! example (deposit, deployment, transfers, withdrawal, then an empty
//! level) and of the counter kernel's example, side by side in one run:
//!
//! - the level on the `fast` engine (wasmer) and on the `pvm` engine
//!   (wasmi), as the runner runs it (no witness recorded);
//! - the witness the runner records, in bytes, and without the kernel;
//! - the stateless replay from the witness natively (`zkos-pvm`'s
//!   `replay`, the guest's code compiled for this machine);
//! - the same replay as the RISC-V guest in ckb-vm: cycles (one per
//!   instruction) and wall time.
//!
//! `cargo bench -p zkos-e2e --bench proving`. Figures in BENCHMARKS.md.

#![allow(clippy::unwrap_used, reason = "a benchmark fails loudly on a broken set-up")]

use std::time::{Duration, Instant};

use host::InboxMessage;
use pvm_runner::{
    EngineKind, Runner, RunnerConfig, genesis::Genesis, inbox_file, prove::riscv::run_guest,
    runner::DEFAULT_TICK_LIMIT,
};

fn example(path: &str) -> String {
    std::fs::read_to_string(e2e::workspace_root().join("kernels-examples").join(path)).unwrap()
}

/// A runner with `wasm` originated (over `genesis`, if any).
fn runner(engine: EngineKind, record: bool, wasm: &[u8], genesis: Option<&Genesis>) -> Runner {
    let config = RunnerConfig { engine, tick_limit: DEFAULT_TICK_LIMIT, record_witness: record };
    let mut r = Runner::open(None, config).unwrap();
    r.originate(wasm.to_vec(), e2e::metadata(), genesis).unwrap();
    r
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Measures every level of one scenario and prints its rows.
fn scenario(
    name: &str,
    wasm: &[u8],
    genesis: Option<&Genesis>,
    levels: &[Vec<Vec<u8>>],
    txs: &[usize],
) {
    let mut fast = runner(EngineKind::Fast, false, wasm, genesis);
    let mut pvm = runner(EngineKind::Pvm, false, wasm, genesis);
    let mut recorder = runner(EngineKind::Fast, true, wasm, genesis);
    let elf = e2e::guest_elf();
    println!("\n{name} (kernel {} bytes)\n", wasm.len());
    println!(
        "| level | txs | witness bytes | without kernel | fast ms | pvm ms | native replay ms | RISC-V cycles | RISC-V s | RISC-V ÷ native | RISC-V ÷ fast |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (i, messages) in levels.iter().enumerate() {
        let time = |r: &mut Runner| {
            let t = Instant::now();
            let o = r.run_level(messages.clone()).unwrap();
            (t.elapsed(), o)
        };
        let (t_fast, _) = time(&mut fast);
        let (t_pvm, _) = time(&mut pvm);
        let (_, recorded) = time(&mut recorder);
        let witness = recorded.witness.expect("recorded");
        let t = Instant::now();
        let native = pvm::replay::replay(&witness).unwrap();
        let t_native = t.elapsed();
        assert_eq!(native.statement.post_root, recorded.root);
        let run = run_guest(elf, &witness, u64::MAX).unwrap();
        assert_eq!(run.statement.as_ref(), Some(&native.statement), "{}", run.debug);
        println!(
            "| {} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.3} G | {:.2} | {:.0} | {:.0} |",
            i + 1,
            txs[i],
            witness.len(),
            witness.len() - wasm.len(),
            ms(t_fast),
            ms(t_pvm),
            ms(t_native),
            run.cycles as f64 / 1e9,
            run.wall.as_secs_f64(),
            run.wall.as_secs_f64() / t_native.as_secs_f64(),
            run.wall.as_secs_f64() / t_fast.as_secs_f64(),
        );
    }
}

fn external_count(level: &inbox_file::FileLevel) -> usize {
    level.messages.iter().filter(|m| matches!(m, InboxMessage::External(_))).count()
}

fn main() {
    // `cargo bench` passes --bench; nothing here takes arguments.
    let genesis = Genesis::parse(&example("genesis/dev.json")).unwrap();
    let mut levels = inbox_file::parse(&example("inboxes/erc20.json"), 1, [0x5a; 20]).unwrap();
    levels.push(inbox_file::FileLevel::default());
    let txs: Vec<usize> = levels.iter().map(external_count).collect();
    let encoded: Vec<_> = levels.iter().enumerate().map(|(i, l)| l.encode(i as u32 + 1)).collect();
    scenario(
        "Zk OS kernel, ERC-20 example + an empty level",
        &e2e::kernel("zkos_kernel"),
        Some(&genesis),
        &encoded,
        &txs,
    );

    let levels = inbox_file::parse(&example("inboxes/counter.json"), 1, [0x5a; 20]).unwrap();
    let txs: Vec<usize> = levels.iter().map(external_count).collect();
    let encoded: Vec<_> = levels.iter().enumerate().map(|(i, l)| l.encode(i as u32 + 1)).collect();
    scenario(
        "counter kernel, its example inbox",
        &e2e::kernel("counter_kernel"),
        None,
        &encoded,
        &txs,
    );
}
