//! A level that does not fit in one `kernel_run`'s tick budget, natively
//! through `mock-host`: the bootloader saves the block, asks for a reboot
//! and goes on where it stopped — transfers, a deposit and a transaction
//! completed by its last chunk, in inbox order.

#![allow(clippy::unwrap_used, reason = "a test fails loudly on a broken set-up")]

mod common;

use alloy_primitives::keccak256;
use common::{Chain, framed};
use layout::ChainConfig;
use wallet::{Call, Wallet};
use zkos_kernel::{
    bootloader::{chunks, config::DEV},
    system::resources::native,
};

#[test]
fn a_level_over_budget_continues_after_reboots_in_inbox_order() {
    let (alice, bob) = (Wallet::from_seed(1), Wallet::from_seed(2));
    // Room for the large transaction in a run of its own, and for two
    // transfers, not more.
    let big_gas = 21_000 + 4 * 6000;
    let room = native::transaction(big_gas, 6200);
    let config = ChainConfig { ticks_per_run: native::RUN_BASE + room + 30_000_000, ..DEV };
    let mut chain = Chain::with_config(config);
    for w in [&alice, &bob] {
        let eth = alloy_primitives::U256::from(common::ETH);
        chain
            .mock
            .set(layout::balance(&w.address()).as_bytes(), &layout::encode_u256(&eth))
            .unwrap();
    }
    let gwei = common::GWEI;
    let txs: Vec<Vec<u8>> = (0..4)
        .map(|n| {
            alice.sign_1559(
                DEV.chain_id,
                &Call::transfer(bob.address(), 1),
                n,
                2 * gwei,
                gwei,
                21_000,
            )
        })
        .collect();
    // bob's transfer with a long calldata, in chunks
    let big = bob.sign_1559(
        DEV.chain_id,
        &Call::with_input(alice.address(), vec![0; 6000]),
        0,
        2 * gwei,
        gwei,
        big_gas,
    );
    let mut msgs = vec![framed(&txs[0]), framed(&txs[1])];
    msgs.extend(chunks::split(&big, 4000).iter().map(|c| framed(c)));
    msgs.extend([framed(&txs[2]), framed(&txs[3])]);
    let report = chain.mock.run_level(&msgs, zkos_kernel::bootloader::run);
    assert!(report.runs.len() >= 3, "{} runs", report.runs.len());
    assert_eq!(report.messages_read, report.messages_total);
    let hashes = chain.mock.get(layout::block_transactions(0).as_bytes()).unwrap();
    let order = [&txs[0], &txs[1], &big, &txs[2], &txs[3]];
    let expected: Vec<u8> = order.iter().flat_map(|t| keccak256(t).0).collect();
    assert_eq!(hashes, expected, "every transaction once, in inbox order");
    assert!(chain.mock.get(layout::PENDING_BLOCK).is_none(), "the saved block is gone");
    assert_eq!(chain.nonce(&alice.address()), 4);
    assert_eq!(chain.nonce(&bob.address()), 1);
    // the next level starts a new block after it
    chain.mock.run_level(&[], zkos_kernel::bootloader::run);
    assert!(chain.mock.get(layout::block_header(1).as_bytes()).is_some());
}
