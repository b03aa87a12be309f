//! Hostile input: random bytes, truncated and mutated transactions,
//! truncated and mutated deposits and transfers of random payloads from the
//! bridge, and valid transactions that create and call contracts of random
//! EVM code, as inbox messages (on a chain with a bridge). The kernel must never trap (every `kernel_run` returns), and no
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
    /// A creation whose initcode is random bytes, from funded wallet `k`.
    RandomInitcode(u64, Vec<u8>),
    /// Deploys random runtime code from wallet `k`, then calls it with
    /// random calldata.
    DeployAndCall(u64, Vec<u8>, Vec<u8>),
    /// A valid deposit cut short.
    DepositTruncated(usize),
    /// A valid deposit with one byte of its framing, structure, sender,
    /// ticketer or destination changed (never its receiver, amount or
    /// source, whose changes make another valid deposit).
    DepositMutated(usize, u8),
    /// A transfer from the bridge with a random payload.
    BridgeTransfer(Vec<u8>),
    /// A signed transfer with any gas limit (up to 2^64 − 1).
    GasLimit(u64),
    /// A chunk of a large transaction with any header (hash from a few
    /// values, so chunks of the same "transaction" meet) and data.
    Chunk(u8, u16, u16, Vec<u8>),
    /// A valid transaction in chunks, one of them mutated.
    ChunksMutated(usize, usize, u8),
}

const BRIDGE: [u8; 20] = [0xb1; 20];

/// A valid deposit of 1 tez to wallet 1, encoded.
fn valid_deposit() -> Vec<u8> {
    use tezos_data_encoding::enc::BinWriter;
    use tezos_smart_rollup_encoding::michelson::{MichelsonBytes, MichelsonPair};
    let ticket = zkos_kernel::system::ticket::native(&BRIDGE, 1_000_000).unwrap();
    let receiver = Wallet::from_seed(1).address().to_vec();
    let mut payload = Vec::new();
    MichelsonPair(MichelsonBytes(receiver), ticket).bin_write(&mut payload).unwrap();
    InboxMessage::Transfer { payload, sender: BRIDGE, source: [0; 21], destination: [0x5a; 20] }
        .encode()
}

/// The byte positions of [`valid_deposit`] a mutation may change: tags,
/// the payload's first structure bytes, the ticketer, sender, destination.
fn mutable_positions(len: usize) -> Vec<usize> {
    // [0, 0] ‖ 07 07 0a <len 4> <receiver 20> 07 07 0a <len 4> <ticketer 22> ...
    let mut v: Vec<usize> = (0..9).collect();
    v.extend(29..29 + 7 + 22);
    v.extend(len - 61..len - 41);
    v.extend(len - 20..len);
    v
}

/// Wallets that sign the contract cases (seeds 10..18), each funded.
const CODE_WALLETS: std::ops::Range<u64> = 10..18;

/// Initcode that returns `code` as the contract's code:
/// PUSH2 len, DUP1, PUSH1 10, PUSH0, CODECOPY, PUSH0, RETURN, then `code`.
fn deploying(code: &[u8]) -> Vec<u8> {
    let len = u16::try_from(code.len()).unwrap().to_be_bytes();
    let mut v = vec![0x61, len[0], len[1], 0x80, 0x60, 10, 0x5f, 0x39, 0x5f, 0xf3];
    v.extend_from_slice(code);
    v
}

fn hostile() -> impl Strategy<Value = Hostile> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300).prop_map(Hostile::Random),
        (0..3usize, any::<usize>()).prop_map(|(i, n)| Hostile::Truncated(i, n)),
        (0..3usize, any::<usize>(), any::<u8>()).prop_map(|(i, at, x)| Hostile::Mutated(i, at, x)),
        (0..3usize).prop_map(Hostile::Valid),
        prop::collection::vec(any::<u8>(), 0..100).prop_map(Hostile::Unframed),
        (CODE_WALLETS, prop::collection::vec(any::<u8>(), 0..200))
            .prop_map(|(k, c)| Hostile::RandomInitcode(k, c)),
        (
            CODE_WALLETS,
            prop::collection::vec(any::<u8>(), 1..200),
            prop::collection::vec(any::<u8>(), 0..68)
        )
            .prop_map(|(k, c, d)| Hostile::DeployAndCall(k, c, d)),
        any::<usize>().prop_map(Hostile::DepositTruncated),
        (any::<usize>(), any::<u8>()).prop_map(|(at, x)| Hostile::DepositMutated(at, x)),
        prop::collection::vec(any::<u8>(), 0..120).prop_map(Hostile::BridgeTransfer),
        any::<u64>().prop_map(Hostile::GasLimit),
        (0..3u8, 0..4u16, 0..5u16, prop::collection::vec(any::<u8>(), 0..64))
            .prop_map(|(h, i, n, d)| Hostile::Chunk(h, i, n, d)),
        (0..3usize, any::<usize>(), any::<u8>())
            .prop_map(|(i, at, x)| Hostile::ChunksMutated(i, at, x)),
    ]
}

fn messages(h: &Hostile, valid: &[Vec<u8>]) -> Vec<InboxMessage> {
    let gwei = u128::from(DEV.base_fee_per_gas);
    match h {
        Hostile::RandomInitcode(k, code) => {
            let w = Wallet::from_seed(*k);
            vec![framed(&w.sign_legacy(
                DEV.chain_id,
                &Call::create(code.clone()),
                0,
                gwei,
                300_000,
            ))]
        }
        Hostile::DeployAndCall(k, code, data) => {
            let w = Wallet::from_seed(*k);
            let at = w.address().create(0);
            vec![
                framed(&w.sign_legacy(
                    DEV.chain_id,
                    &Call::create(deploying(code)),
                    0,
                    gwei,
                    300_000,
                )),
                framed(&w.sign_legacy(
                    DEV.chain_id,
                    &Call::with_input(at, data.clone()),
                    1,
                    gwei,
                    300_000,
                )),
            ]
        }
        Hostile::ChunksMutated(i, at, x) => {
            let mut parts = zkos_kernel::bootloader::chunks::split(&valid[*i], 60);
            let n = parts.len();
            let part = &mut parts[at % n];
            let len = part.len();
            part[(at / n) % len] ^= x | 1;
            parts.iter().map(|p| framed(p)).collect()
        }
        other => vec![message(other, valid)],
    }
}

fn message(h: &Hostile, valid: &[Vec<u8>]) -> InboxMessage {
    match h {
        Hostile::RandomInitcode(..) | Hostile::DeployAndCall(..) | Hostile::ChunksMutated(..) => {
            framed(&[])
        }
        Hostile::Chunk(h, index, count, data) => {
            let mut c = vec![0x80];
            c.extend_from_slice(&[*h; 32]);
            c.extend_from_slice(&index.to_be_bytes());
            c.extend_from_slice(&count.to_be_bytes());
            c.extend_from_slice(data);
            framed(&c)
        }
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
        Hostile::DepositTruncated(n) => {
            // at least the tag byte: no inbox message is empty
            let d = valid_deposit();
            InboxMessage::Raw(d[..1 + n % (d.len() - 1)].to_vec())
        }
        Hostile::DepositMutated(at, x) => {
            let mut d = valid_deposit();
            let positions = mutable_positions(d.len());
            d[positions[at % positions.len()]] ^= x | 1;
            InboxMessage::Raw(d)
        }
        Hostile::GasLimit(gas) => {
            let w = Wallet::from_seed(2);
            let gwei = u128::from(DEV.base_fee_per_gas);
            framed(&w.sign_legacy(DEV.chain_id, &Call::transfer(w.address(), 1), 0, gwei, *gas))
        }
        Hostile::BridgeTransfer(payload) => InboxMessage::Transfer {
            payload: payload.clone(),
            sender: BRIDGE,
            source: [0; 21],
            destination: [0x5a; 20],
        },
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
        let config = layout::ChainConfig { ticketer: BRIDGE, ..DEV };
        mock.set(layout::CONFIG, &config.encode()).unwrap();
        let wallets = [1, 2].into_iter().chain(CODE_WALLETS).map(Wallet::from_seed);
        for w in wallets {
            mock.set(layout::balance(&w.address()).as_bytes(), &layout::encode_u256(&U256::from(ETH))).unwrap();
        }
        let supply = total_balance(&mock);
        for level in &levels {
            let msgs: Vec<_> = level.iter().flat_map(|h| messages(h, &valid)).collect();
            let report = mock.run_level(&msgs, run);
            prop_assert!(report.runs.iter().all(|r| r.failure.is_none()), "a run failed: {:?}", report.runs);
            prop_assert_eq!(report.messages_read, report.messages_total);
            prop_assert_eq!(total_balance(&mock), supply);
        }
    }
}

/// The deposit cases are one mutation away from a real deposit: the
/// unmutated message credits.
#[test]
fn the_valid_deposit_credits() {
    let mut mock = MockHost::default();
    mock.set(layout::CONFIG, &layout::ChainConfig { ticketer: BRIDGE, ..DEV }.encode()).unwrap();
    mock.run_level(&[InboxMessage::Raw(valid_deposit())], run);
    assert_eq!(total_balance(&mock), U256::from(10u64.pow(18)));
    assert_eq!(mutable_positions(valid_deposit().len()).len(), 9 + 29 + 20 + 20);
}

/// The contract cases really reach the EVM: deployed code runs when called.
#[test]
fn deploy_and_call_cases_execute() {
    let mut mock = MockHost::default();
    let w = Wallet::from_seed(CODE_WALLETS.start);
    mock.set(layout::balance(&w.address()).as_bytes(), &layout::encode_u256(&U256::from(ETH)))
        .unwrap();
    // PUSH1 1, PUSH1 0, SSTORE, STOP
    let case =
        Hostile::DeployAndCall(CODE_WALLETS.start, vec![0x60, 1, 0x60, 0, 0x55, 0x00], vec![]);
    mock.run_level(&messages(&case, &[]), run);
    let at = w.address().create(0);
    assert_eq!(mock.get(layout::code(&at).as_bytes()), Some(vec![0x60, 1, 0x60, 0, 0x55, 0x00]));
    assert_eq!(
        mock.get(layout::storage(&at, &U256::ZERO).as_bytes()),
        Some(layout::encode_u256(&U256::from(1)).to_vec())
    );
}
