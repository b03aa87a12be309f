//! The proving mode end to end: levels of real scenarios replayed by the
//! RISC-V guest in ckb-vm from their witnesses alone, checked against what
//! the runner (fast engine) committed; and witnesses, kernels and inboxes
//! tampered with.

use e2e::{guest_elf, kernel, runner, runner_with_genesis};
use host::witness::LevelWitness;
use pvm::{
    oracle::Exit,
    replay::{ReplayError, replay},
};
use pvm_runner::{
    EngineKind, Runner,
    genesis::Genesis,
    inbox_file,
    prove::{Replayer, prove_level, riscv::run_guest},
    runner::DEFAULT_TICK_LIMIT,
};

/// No replay here comes near this; a runaway guest stops.
const MAX_CYCLES: u64 = 40_000_000_000;

fn example(path: &str) -> String {
    std::fs::read_to_string(e2e::workspace_root().join("kernels-examples").join(path)).unwrap()
}

/// The counter kernel over its example inbox: a reboot every level, a
/// panic in level 4 that is rolled back.
fn counter() -> Runner {
    let mut r = runner(EngineKind::Fast, DEFAULT_TICK_LIMIT, kernel("counter_kernel"));
    let levels = inbox_file::parse(&example("inboxes/counter.json"), 1, [0x5a; 20]).unwrap();
    for (i, l) in levels.iter().enumerate() {
        r.run_level(l.encode(i as u32 + 1)).unwrap();
    }
    r
}

/// The OS kernel over the ERC-20 example (deposit, deployment, transfers,
/// a failing transfer, a withdrawal).
fn erc20() -> Runner {
    let genesis = Genesis::parse(&example("genesis/dev.json")).unwrap();
    let levels = inbox_file::parse(&example("inboxes/erc20.json"), 1, [0x5a; 20]).unwrap();
    let mut r = runner_with_genesis(EngineKind::Fast, kernel("zkos_kernel"), &genesis);
    for (i, l) in levels.iter().enumerate() {
        r.run_level(l.encode(i as u32 + 1)).unwrap();
    }
    r
}

fn witness(r: &Runner, level: u32) -> Vec<u8> {
    r.state().witness(level).unwrap().expect("the test runner records witnesses")
}

fn riscv() -> Replayer {
    Replayer::Riscv { elf: guest_elf().to_vec(), max_cycles: MAX_CYCLES }
}

#[test]
fn the_riscv_guest_replays_every_level_of_the_counter_kernel() {
    let r = counter();
    assert_eq!(r.next_level(), 6);
    for level in 1..r.next_level() {
        let proved = prove_level(r.state(), level, &riscv()).unwrap();
        assert!(proved.mismatches().is_empty(), "level {level}: {:?}", proved.mismatches());
        assert!(proved.cycles.is_some_and(|c| c > 0));
        // The guest states what the native replay states.
        let native = prove_level(r.state(), level, &Replayer::Native).unwrap();
        assert_eq!(proved.statement, native.statement, "level {level}");
    }
}

#[test]
fn the_riscv_guest_replays_an_os_kernel_transfer_level() {
    let r = erc20();
    // Level 3: ERC-20 transfers among several accounts, one of them failing.
    let proved = prove_level(r.state(), 3, &riscv()).unwrap();
    assert!(proved.mismatches().is_empty(), "{:?}", proved.mismatches());
    let native = prove_level(r.state(), 3, &Replayer::Native).unwrap();
    assert_eq!(proved.statement, native.statement);
}

#[test]
fn a_tampered_witness_or_kernel_is_refused_by_the_guest() {
    let r = counter();
    let good = witness(&r, 1);
    let tree_len = LevelWitness::decode(&good).unwrap().witness.tree.len();
    // A byte of the tree (near its start: a node or slot of the path to
    // the counter), and a byte inside the kernel's own code.
    let kernel_wasm = kernel("counter_kernel");
    let at_kernel = good
        .windows(kernel_wasm.len())
        .position(|w| w == kernel_wasm.as_slice())
        .expect("the witness holds /kernel/boot.wasm in full");
    for at in [good.len() - tree_len + 2, at_kernel + kernel_wasm.len() / 2] {
        let mut bad = good.clone();
        bad[at] ^= 0x40;
        assert!(matches!(replay(&bad), Err(ReplayError::Witness(_))), "byte {at}");
        let run = run_guest(guest_elf(), &bad, MAX_CYCLES).unwrap();
        assert_eq!(run.exit, Ok(Exit::BadWitness), "byte {at}: {}", run.debug);
        assert!(run.statement.is_none(), "no statement from a bad witness");
    }
}

#[test]
fn a_tampered_inbox_is_told_apart_from_the_committed_one() {
    let r = counter();
    let mut w = LevelWitness::decode(&witness(&r, 1)).unwrap().witness;
    let honest = prove_level(r.state(), 1, &Replayer::Native).unwrap();
    // Another external message in place of the first one.
    let i = w.inbox.iter().position(|m| m.first() == Some(&1)).expect("an external message");
    w.inbox[i] = [&[1u8][..], b"goodbye"].concat();
    let replayed = replay(&w.encode()).expect("the counter kernel reads the same paths");
    assert_ne!(replayed.statement.inbox_hash, honest.committed.inbox_hash);
    assert_eq!(replayed.statement.pre_root, honest.committed.pre_root.unwrap());
}

#[test]
fn an_inbox_that_needs_more_than_the_witness_stops_the_native_replay() {
    let r = erc20();
    // Level 4's witness holds what level 4 touched; level 2's transactions
    // (the deployment) touch accounts and code it does not hold.
    let mut w = LevelWitness::decode(&witness(&r, 4)).unwrap().witness;
    w.inbox = LevelWitness::decode(&witness(&r, 2)).unwrap().witness.inbox;
    assert!(matches!(replay(&w.encode()), Err(ReplayError::Outside(_))));
}

#[test]
fn a_witness_that_leaves_out_what_the_level_reads_stops_the_guest() {
    let r = counter();
    let good = witness(&r, 1);
    // Show the kernel by its hash only: the tree still hashes to the
    // pre-state root, but the level cannot load its kernel from it.
    let wasm = kernel("counter_kernel");
    let at = good.windows(wasm.len()).position(|w| w == wasm.as_slice()).unwrap();
    let mut len = Vec::new();
    let mut n = wasm.len();
    while n >= 0x80 {
        len.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    len.push(n as u8);
    let start = at - len.len() - 1;
    assert_eq!(&good[start..at], [&[2u8][..], &len].concat(), "value tag and length");
    let hidden =
        [&good[..start], &[1u8][..], &host::hash::value_hash(&wasm), &good[at + wasm.len()..]]
            .concat();
    let decoded = LevelWitness::decode(&hidden).expect("still the pre-state root");
    assert_eq!(decoded.witness.pre_root, LevelWitness::decode(&good).unwrap().witness.pre_root);
    match replay(&hidden) {
        Err(ReplayError::Outside(what)) => assert!(what.contains("/kernel/boot.wasm"), "{what}"),
        other => panic!("{other:?}"),
    }
    let run = run_guest(guest_elf(), &hidden, MAX_CYCLES).unwrap();
    assert_eq!(run.exit, Ok(Exit::OutsideWitness), "{}", run.debug);
    assert!(run.statement.is_none());
    assert!(run.debug.contains("/kernel/boot.wasm"), "{}", run.debug);
}
