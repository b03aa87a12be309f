//! Hostile input: random bytes, truncated and mutated transactions, as inbox
//! messages. The kernel must never trap (every `kernel_run` returns), and no
//! input may create or destroy value: the sum of all balances stays what
//! genesis gave. Fixed seed, so a failure reproduces.

#![allow(clippy::unwrap_used, reason = "a property test fails loudly on a broken set-up")]

use alloy_primitives::U256;
use host::InboxMessage;
use mock_host::MockHost;
use proptest::{
    prelude::*,
    test_runner::{Config, RngSeed},
};
use wallet::{Call, Wallet};
use zkos_kernel::bootloader::{config::DEV, run};

const ETH: u128 = 1_000_000_000_000_000_000;

fn framed(contents: &[u8]) -> InboxMessage {
    InboxMessage::External([&[0u8][..], &[0x5a; 20], contents].concat())
}

/// Valid transactions from two funded wallets, for mutation.
fn valid_transactions() -> Vec<Vec<u8>> {
    let alice = Wallet::from_seed(1);
    let bob = Wallet::from_seed(2);
    let gwei = u128::from(DEV.base_fee_per_gas);
    vec![
        alice.sign_1559(
            DEV.chain_id,
            &Call::transfer(bob.address(), 10),
            0,
            2 * gwei,
            gwei,
            21_000,
        ),
        alice.sign_legacy(DEV.chain_id, &Call::transfer(bob.address(), 20), 1, gwei, 30_000),
        bob.sign_legacy(DEV.chain_id, &Call::with_input(alice.address(), vec![]), 0, gwei, 21_000),
    ]
}

#[derive(Debug, Clone)]
enum Hostile {
    Random(Vec<u8>),
    Truncated(usize, usize),
    Mutated(usize, usize, u8),
    Valid(usize),
    Unframed(Vec<u8>),
}

fn hostile() -> impl Strategy<Value = Hostile> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300).prop_map(Hostile::Random),
        (0..3usize, any::<usize>()).prop_map(|(i, n)| Hostile::Truncated(i, n)),
        (0..3usize, any::<usize>(), any::<u8>()).prop_map(|(i, at, x)| Hostile::Mutated(i, at, x)),
        (0..3usize).prop_map(Hostile::Valid),
        prop::collection::vec(any::<u8>(), 0..100).prop_map(Hostile::Unframed),
    ]
}

fn message(h: &Hostile, valid: &[Vec<u8>]) -> InboxMessage {
    match h {
        Hostile::Random(b) => framed(b),
        Hostile::Truncated(i, n) => {
            let v = &valid[*i];
            framed(&v[..n % v.len()])
        }
        Hostile::Mutated(i, at, x) => {
            let mut v = valid[*i].clone();
            let at = at % v.len();
            v[at] ^= x | 1;
            framed(&v)
        }
        Hostile::Valid(i) => framed(&valid[*i]),
        Hostile::Unframed(b) => InboxMessage::External(b.clone()),
    }
}

fn total_balance(mock: &MockHost) -> U256 {
    mock.host()
        .durable
        .values()
        .iter()
        .filter(|(p, _)| p.starts_with(b"/zkos/accounts/") && p.ends_with(b"/balance"))
        .map(|(_, v)| layout::decode_u256(v).unwrap())
        .fold(U256::ZERO, |s, b| s + b)
}

proptest! {
    #![proptest_config(Config { cases: 256, rng_seed: RngSeed::Fixed(0x5a4b), ..Config::default() })]

    #[test]
    fn hostile_messages_never_trap_and_never_mint(levels in prop::collection::vec(prop::collection::vec(hostile(), 0..8), 1..4)) {
        let valid = valid_transactions();
        let mut mock = MockHost::default();
        for w in [Wallet::from_seed(1), Wallet::from_seed(2)] {
            mock.set(layout::balance(&w.address()).as_bytes(), &layout::encode_u256(&U256::from(ETH))).unwrap();
        }
        let supply = total_balance(&mock);
        for level in &levels {
            let msgs: Vec<_> = level.iter().map(|h| message(h, &valid)).collect();
            let report = mock.run_level(&msgs, run);
            prop_assert!(report.runs.iter().all(|r| r.failure.is_none()), "a run failed: {:?}", report.runs);
            prop_assert_eq!(report.messages_read, report.messages_total);
            prop_assert_eq!(total_balance(&mock), supply);
        }
    }
}
