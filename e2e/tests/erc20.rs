//! OpenZeppelin's ERC-20 through the whole stack: the OS kernel built for
//! wasm32, run by `pvm-runner` on both engines over the dev genesis and
//! `kernels-examples/inboxes/erc20.json` (a deposit from the L1 bridge,
//! deploy, transfers among several accounts, a failing transfer, a
//! withdrawal to L1 whose outbox message is checked).

use alloy_consensus::ReceiptEnvelope;
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, U256, address, keccak256};
use e2e::kernel;
use host::InboxMessage;
use pvm_runner::{EngineKind, genesis::Genesis, inbox_file, runner::Runner};
use wallet::Wallet;

fn example(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../kernels-examples/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

fn value(r: &Runner, path: &str) -> Option<Vec<u8>> {
    r.durable().get(host::Path::new(path.as_bytes()).unwrap()).map(|v| v.to_vec())
}

fn eth(r: &Runner, a: &Address) -> U256 {
    value(r, &layout::balance(a)).map_or(U256::ZERO, |b| layout::decode_u256(&b).unwrap())
}

/// `balanceOf(a)`: OpenZeppelin's `_balances` mapping is slot 0.
fn tokens(r: &Runner, token: &Address, a: &Address) -> U256 {
    let mut key = a.into_word().to_vec();
    key.extend_from_slice(&[0; 32]);
    let slot: U256 = keccak256(&key).into();
    value(r, &layout::storage(token, &slot))
        .map_or(U256::ZERO, |b| layout::decode_u256(&b).unwrap())
}

fn zkt(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

#[test]
fn erc20_scenario_agrees_on_both_engines() {
    let genesis = Genesis::parse(&example("genesis/dev.json")).unwrap();
    let levels = inbox_file::parse(&example("inboxes/erc20.json"), 1, [0x5a; 20]).unwrap();
    let mut runs = Vec::new();
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let mut r = e2e::runner_with_genesis(engine, kernel("zkos_kernel"), &genesis);
        let outcomes: Vec<_> = levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let o = r.run_level(l.encode(i as u32 + 1)).unwrap();
                (o.root, o.report.outbox)
            })
            .collect();
        runs.push((outcomes, r));
    }
    assert_eq!(runs[0].0, runs[1].0, "fast and pvm reach the same roots and outboxes");
    // Every level the fast engine ran replays from its witness alone.
    e2e::assert_committed_levels_replay(&runs[0].1);
    let r = &runs[1].1;
    let outboxes: Vec<&Vec<Vec<u8>>> = runs[1].0.iter().map(|(_, o)| o).collect();

    let [alice, bob, carol] = [1, 2, 3].map(|s| Wallet::from_seed(s).address());
    let dave = Wallet::from_seed(4).address();
    let token = alice.create(0);
    assert!(value(r, &layout::code(&token)).is_some(), "ZkToken deployed");
    assert_eq!(tokens(r, &token, &alice), zkt(1_000_000 - 1500));
    assert_eq!(tokens(r, &token, &bob), zkt(900));
    assert_eq!(tokens(r, &token, &carol), zkt(550));
    assert_eq!(tokens(r, &token, &dave), zkt(50));

    // Receipts, block by block, as a person would read them.
    let transfer_topic = keccak256("Transfer(address,address,uint256)");
    let mut summary = String::new();
    for (n, level) in levels.iter().enumerate() {
        summary += &format!("block {n}\n");
        for m in &level.messages {
            let InboxMessage::External(framed) = m else { continue };
            let tx = &framed[21..];
            let hash = keccak256(tx);
            let raw = value(r, &layout::receipt(&hash)).expect("every transaction has a receipt");
            let receipt = ReceiptEnvelope::decode_2718(&mut raw.as_slice()).unwrap();
            let transfers = receipt
                .logs()
                .iter()
                .filter(|l| l.address == token && l.topics().first() == Some(&transfer_topic))
                .count();
            summary += &format!(
                "  status {} cumulative gas {} logs {} (ERC-20 Transfer events {})\n",
                u8::from(receipt.status()),
                receipt.cumulative_gas_used(),
                receipt.logs().len(),
                transfers
            );
        }
    }
    insta::assert_snapshot!("erc20_receipts", summary);
    // the failing transfer: status 0, and carol's nonce counts it
    assert!(summary.contains("status 0"));
    assert_eq!(value(r, &layout::nonce(&carol)), Some(2u64.to_be_bytes().to_vec()));

    // The withdrawal: one outbox message in the last level, nothing before.
    assert!(outboxes[..outboxes.len() - 1].iter().all(|o| o.is_empty()));
    let last = outboxes[outboxes.len() - 1];
    assert_eq!(last.len(), 1);
    insta::assert_snapshot!("erc20_withdrawal_outbox", describe_outbox(&last[0]));
    let withdrawal = address!("0xff00000000000000000000000000000000000001");
    assert_eq!(eth(r, &withdrawal), U256::ZERO, "the withdrawn value is burned");

    // Fees move value, they do not create or destroy it: genesis funds plus
    // deposits minus withdrawals are every balance.
    let mutez = U256::from(10u64.pow(12));
    let mut everyone: Vec<Address> = genesis.alloc.keys().copied().collect();
    everyone.extend([dave, token, withdrawal, genesis.config.coinbase, genesis.config.fee_account]);
    everyone.sort();
    everyone.dedup();
    let genesis_supply: U256 = genesis.alloc.values().map(|a| a.balance).sum();
    let after: U256 = everyone.iter().map(|a| eth(r, a)).sum();
    assert_eq!(
        after,
        genesis_supply + U256::from(5_000_000) * mutez - U256::from(2_000_000) * mutez
    );
    assert!(eth(r, &dave) < U256::from(3_000_000) * mutez, "dave paid his fees");
}

/// An outbox message as a person reads it (decoded with the SDK's types).
fn describe_outbox(message: &[u8]) -> String {
    use tezos_data_encoding::nom::NomReader;
    use tezos_smart_rollup_encoding::{
        michelson::{MichelsonInt, MichelsonOption, MichelsonPair},
        outbox::OutboxMessage,
    };
    use zkos_kernel::system::contracts::withdrawal::WithdrawalParameters;
    let (rest, m) = OutboxMessage::<WithdrawalParameters>::nom_read(message).unwrap();
    assert!(rest.is_empty(), "the whole message decodes");
    let OutboxMessage::AtomicTransactionBatch(batch) = m;
    let mut out = format!("{} bytes: hex {}\n", message.len(), hex::encode(message));
    for i in 0..batch.len() {
        let tx = &batch[i];
        let ticket = &tx.parameters.1;
        let MichelsonPair(MichelsonInt(id), MichelsonOption(meta)) = ticket.contents();
        let meta =
            meta.as_ref().map_or("None".to_owned(), |b| format!("Some 0x{}", hex::encode(&b.0)));
        out += &format!(
            "transaction {i}: {}%{} receiver {} ticket {{ ticketer {}, contents Pair {} {meta}, amount {} }}\n",
            tx.destination.to_b58check(),
            tx.entrypoint.name(),
            tx.parameters.0.0.to_b58check(),
            ticket.creator().0.to_b58check(),
            id.0,
            ticket.amount(),
        );
    }
    out
}
