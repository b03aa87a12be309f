//! Both engines give identical roots and outboxes.

use e2e::{kernel, run_both};
use host::InboxMessage;
use pvm_runner::runner::DEFAULT_TICK_LIMIT;

fn ext(s: &str) -> InboxMessage {
    InboxMessage::External(s.as_bytes().to_vec())
}

fn framed(payload: &[u8]) -> InboxMessage {
    InboxMessage::External([&[0u8][..], &[0x5a; 20], payload].concat())
}

fn assert_agree(stem: &str, levels: &[Vec<InboxMessage>]) -> Vec<host::Hash> {
    let [fast, pvm] = run_both(&kernel(stem), DEFAULT_TICK_LIMIT, &[], levels);
    assert_eq!(fast.len(), levels.len());
    let mut roots = Vec::new();
    for ((f, _), (p, outcome)) in fast.iter().zip(&pvm) {
        assert_eq!(f, p, "{stem}: engines disagree at level {}", f.level);
        assert!(f.failed.is_empty(), "{stem}: level {} failed: {:?}", f.level, outcome.report.runs);
        assert!(outcome.report.ticks() > 0, "pvm counts ticks");
        roots.push(p.root);
    }
    roots
}

#[test]
fn echo_agrees_and_echoes() {
    let levels = vec![vec![ext("a"), ext("bb")], vec![], vec![ext("ccc")]];
    assert_agree("echo_kernel", &levels);
    let [_, pvm] = run_both(&kernel("echo_kernel"), DEFAULT_TICK_LIMIT, &[], &levels);
    assert_eq!(pvm[0].0.outbox, vec![b"a".to_vec(), b"bb".to_vec()]);
    assert_eq!(pvm[2].0.outbox, vec![b"ccc".to_vec()]);
}

#[test]
fn counter_agrees_and_changes_the_root_every_level() {
    let levels = vec![vec![ext("x")], vec![ext("burn 1000"), ext("y")], vec![]];
    let roots = assert_agree("counter_kernel", &levels);
    assert_ne!(roots[0], roots[1]);
    assert_ne!(roots[1], roots[2]);
}

#[test]
fn engines_agree_on_failed_calls_too() {
    // level 2's second run panics (a trap); level 3's burns past the limit
    let levels = vec![vec![ext("a")], vec![ext("panic")], vec![ext("burn 100000000")], vec![]];
    let [fast, pvm] = run_both(&kernel("counter_kernel"), 5_000_000, &[], &levels);
    for ((f, _), (p, _)) in fast.iter().zip(&pvm) {
        assert_eq!(f, p, "engines disagree at level {}", f.level);
    }
    assert_eq!(pvm[1].0.failed, vec![1]);
    assert_eq!(pvm[2].0.failed, vec![0]);
}

#[test]
fn os_kernel_refuses_underpriced_and_malformed_transactions_on_both_engines() {
    use wallet::{Call, Wallet};
    let alice = Wallet::from_seed(1);
    let bob = Wallet::from_seed(2).address();
    let chain = 0x5a4b;
    let transfer = alice.sign_1559(chain, &Call::transfer(bob, 10), 0, 2, 1, 21_000);
    let legacy = alice.sign_legacy(chain, &Call::transfer(bob, 10), 1, 2, 21_000);
    let levels = vec![
        vec![framed(&transfer), framed(&legacy), framed(b"not a transaction"), ext("elsewhere")],
        vec![InboxMessage::Raw(vec![7])],
    ];
    assert_agree("zkos_kernel", &levels);
    let mut r = e2e::runner(pvm_runner::EngineKind::Pvm, DEFAULT_TICK_LIMIT, kernel("zkos_kernel"));
    let o = r.run_level(e2e::level(1, &levels[0])).unwrap();
    let counts = r.durable().get(host::Path::new(b"/zkos/head/counts").unwrap()).unwrap().to_vec();
    let n = |i: usize| u32::from_le_bytes(counts[i * 4..i * 4 + 4].try_into().unwrap());
    assert_eq!((n(2), n(5), n(6)), (3, 0, 3), "3 framed, all refused");
    let debug = String::from_utf8_lossy(&o.debug).into_owned();
    assert_eq!(debug.matches("below the base fee").count(), 2, "{debug}");
    assert!(debug.contains("malformed transaction"), "{debug}");
}

#[test]
fn os_kernel_transfers_agree_on_both_engines_and_conserve_supply() {
    use alloy_primitives::U256;
    use pvm_runner::{EngineKind, genesis::Genesis};
    use wallet::{Call, Wallet};
    let genesis_json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../kernels-examples/genesis/dev.json"
    ))
    .unwrap();
    let genesis = Genesis::parse(&genesis_json).unwrap();
    let chain = genesis.config.chain_id;
    let gwei = 1_000_000_000u128;
    let [alice, bob, carol] = [1, 2, 4].map(Wallet::from_seed);
    let levels = [
        vec![
            framed(&alice.sign_1559(
                chain,
                &Call::transfer(bob.address(), 5_000),
                0,
                2 * gwei,
                gwei,
                21_000,
            )),
            framed(&alice.sign_legacy(chain, &Call::transfer(carol.address(), 7), 1, gwei, 21_000)),
        ],
        vec![
            framed(&bob.sign_legacy(chain, &Call::transfer(carol.address(), 1), 0, gwei, 21_000)),
            // replayed: refused for its nonce
            framed(&bob.sign_legacy(chain, &Call::transfer(carol.address(), 1), 0, gwei, 21_000)),
        ],
    ];
    let mut observed = Vec::new();
    let mut balances = Vec::new();
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let mut r = e2e::runner_with_genesis(engine, kernel("zkos_kernel"), &genesis);
        let roots: Vec<_> = levels
            .iter()
            .enumerate()
            .map(|(i, l)| r.run_level(e2e::level(i as u32 + 1, l)).unwrap().root)
            .collect();
        observed.push(roots);
        let balance = |a: &alloy_primitives::Address| {
            r.durable()
                .get(host::Path::new(layout::balance(a).as_bytes()).unwrap())
                .map_or(U256::ZERO, |b| layout::decode_u256(b).unwrap())
        };
        let mut all = vec![balance(&bob.address()), balance(&carol.address())];
        let total = genesis
            .alloc
            .keys()
            .chain(
                [
                    genesis.config.coinbase,
                    genesis.config.fee_account,
                    bob.address(),
                    carol.address(),
                ]
                .iter(),
            )
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .fold(U256::ZERO, |s, a| s + balance(a));
        all.push(total);
        balances.push(all);
    }
    assert_eq!(observed[0], observed[1], "roots agree");
    assert_eq!(balances[0], balances[1]);
    let supply: U256 = genesis.alloc.values().map(|a| a.balance).sum();
    let [bob_balance, carol_balance, total] = [balances[1][0], balances[1][1], balances[1][2]];
    assert_eq!(carol_balance, U256::from(8));
    let bob_expected = genesis.alloc[&bob.address()].balance + U256::from(5_000 - 1)
        - U256::from(21_000u128 * gwei);
    assert_eq!(bob_balance, bob_expected, "received 5000, sent 1, paid 21000 gas at the base fee");
    assert_eq!(total, supply, "fees go to accounts: the supply is conserved");
}
