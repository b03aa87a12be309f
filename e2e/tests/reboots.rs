//! A level whose block needs more ticks than one `kernel_run` has
//! continues after reboots: the OS kernel on both engines under a low PVM
//! tick limit, with a matching budget in the genesis, against the same
//! level in a single run where the limit is Tezos' own.

use e2e::kernel;
use host::InboxMessage;
use pvm_runner::{EngineKind, genesis::Genesis, runner::Runner};
use wallet::{Call, Wallet};

/// The kernel's planned ticks per run, and the PVM's limit above it.
const BUDGET: u64 = 100_000_000;
const TICK_LIMIT: u64 = 120_000_000;
const GWEI: u128 = 1_000_000_000;

fn genesis(ticks_per_run: u64) -> Genesis {
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../kernels-examples/genesis/dev.json"
    ))
    .unwrap();
    let mut g = Genesis::parse(&json).unwrap();
    g.config.ticks_per_run = ticks_per_run;
    g
}

/// Sixteen transfers from alice and bob, interleaved.
fn level() -> (Vec<Vec<u8>>, Vec<InboxMessage>) {
    let (alice, bob) = (Wallet::from_seed(1), Wallet::from_seed(2));
    let mut txs = Vec::new();
    for i in 0..8u64 {
        for (w, n) in [(&alice, i), (&bob, i)] {
            let to = Wallet::from_seed(10 + i).address();
            txs.push(w.sign_1559(
                23115,
                &Call::transfer(to, 1000 + u128::from(i)),
                n,
                2 * GWEI,
                GWEI,
                21_000,
            ));
        }
    }
    let msgs = txs.iter().map(|t| e2e::framed(t)).collect();
    (txs, msgs)
}

/// Every stored value but the chain configuration (which holds the budget).
fn state(r: &Runner) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut v = r.durable().values();
    v.retain(|(p, _)| p.as_slice() != layout::CONFIG);
    v
}

fn run(
    engine: EngineKind,
    tick_limit: u64,
    ticks_per_run: u64,
) -> (Runner, pvm_runner::runner::LevelOutcome) {
    let g = genesis(ticks_per_run);
    let mut r = e2e::runner_with_genesis_and_limit(engine, tick_limit, kernel("zkos_kernel"), &g);
    let (_, msgs) = level();
    let outcome = r.run_level(e2e::level(1, &msgs)).unwrap();
    (r, outcome)
}

#[test]
fn a_block_too_big_for_one_run_continues_after_reboots_in_order() {
    let (txs, _) = level();
    let default = pvm_runner::runner::DEFAULT_TICK_LIMIT;
    let (single, one) = run(EngineKind::Pvm, default, layout::DEFAULT_TICKS_PER_RUN);
    assert_eq!(one.report.runs.len(), 1, "the default budget takes the level in one run");
    assert!(one.report.ticks() > TICK_LIMIT, "one run would not fit under the low limit");
    // Without a matching budget the kernel runs out of ticks and the level is lost.
    let (lost, o) = run(EngineKind::Pvm, TICK_LIMIT, layout::DEFAULT_TICKS_PER_RUN);
    assert!(o.report.runs.iter().any(|r| r.failure.is_some()));
    // The replay from the witness runs out of ticks in the same place.
    e2e::assert_committed_levels_replay(&lost);
    assert!(
        lost.durable()
            .get(host::Path::new(layout::block_transactions(0).as_bytes()).unwrap())
            .is_none()
    );

    let mut roots = Vec::new();
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let (r, o) = run(engine, TICK_LIMIT, BUDGET);
        let runs = &o.report.runs;
        assert!(runs.len() >= 3, "{engine:?}: {} runs", runs.len());
        assert!(runs.iter().all(|r| r.failure.is_none()), "{engine:?}: {runs:?}");
        assert_eq!(o.report.messages_read, o.report.messages_total, "every message read");
        if engine == EngineKind::Pvm {
            // The cost model is an upper bound: no run used more than planned.
            let ticks = o.report.ticks_per_run();
            assert!(ticks.iter().all(|&t| t <= BUDGET), "ticks per run {ticks:?}");
        }
        // One block with every transaction, in inbox order, none twice.
        let hashes = r
            .durable()
            .get(host::Path::new(layout::block_transactions(0).as_bytes()).unwrap())
            .unwrap()
            .to_vec();
        let expected: Vec<u8> = txs.iter().flat_map(|t| alloy_primitives::keccak256(t).0).collect();
        assert_eq!(hashes, expected, "{engine:?}");
        assert!(r.durable().get(host::Path::new(layout::PENDING_BLOCK).unwrap()).is_none());
        // The same state as the level run at once.
        assert_eq!(state(&r), state(&single), "{engine:?}");
        // Reboots and all, the level replays from its witness alone.
        e2e::assert_committed_levels_replay(&r);
        roots.push(o.root);
    }
    assert_eq!(roots[0], roots[1], "both engines agree");
}

#[test]
fn a_transaction_no_run_can_hold_is_refused_and_the_level_goes_on() {
    let (alice, bob) = (Wallet::from_seed(1), Wallet::from_seed(2));
    let to = bob.address();
    // 25 M gas: far over what a 100 M tick budget lets a transaction have
    let huge = alice.sign_1559(23115, &Call::transfer(to, 1), 0, 2 * GWEI, GWEI, 25_000_000);
    let small = bob.sign_1559(23115, &Call::transfer(to, 1), 0, 2 * GWEI, GWEI, 21_000);
    let g = genesis(BUDGET);
    let mut r =
        e2e::runner_with_genesis_and_limit(EngineKind::Pvm, TICK_LIMIT, kernel("zkos_kernel"), &g);
    let o = r.run_level(e2e::level(1, &[e2e::framed(&huge), e2e::framed(&small)])).unwrap();
    assert!(o.report.runs.iter().all(|r| r.failure.is_none()));
    let debug = String::from_utf8_lossy(&o.debug).into_owned();
    let ceiling = zkos_kernel::bootloader::budget::gas_ceiling(&g.config, huge.len());
    assert!(ceiling < 25_000_000);
    let why = format!("gas limit 25000000 above the {ceiling} a transaction may have");
    assert!(debug.contains(&why), "{debug}");
    let hashes = r
        .durable()
        .get(host::Path::new(layout::block_transactions(0).as_bytes()).unwrap())
        .unwrap()
        .to_vec();
    assert_eq!(hashes, alloy_primitives::keccak256(&small).to_vec(), "only the small one is in");
    assert!(
        r.durable()
            .get(host::Path::new(layout::nonce(&alice.address()).as_bytes()).unwrap())
            .is_none()
    );
}
