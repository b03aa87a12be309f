//! The bridge through whole levels: deposits from L1 tickets, withdrawals
//! through the system contract (from an account and from Solidity), the
//! outbox messages they write, and the supply invariant.

#![allow(clippy::unwrap_used, reason = "a test fails loudly on a broken set-up")]

mod common;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent, SolValue, sol};
use common::{Chain, bytecode, framed};
use host::InboxMessage;
use layout::ChainConfig;
use tezos_data_encoding::{enc::BinWriter, nom::NomReader};
use tezos_smart_rollup_encoding::{
    contract::Contract,
    michelson::{MichelsonBytes, MichelsonPair},
    outbox::OutboxMessage,
};
use wallet::{Call, Wallet};
use zkos_kernel::{
    bootloader::config::DEV,
    system::{
        contracts::withdrawal::{self, WithdrawalParameters},
        ticket::{self, NativeTicket},
    },
};

sol! {
    function withdraw(string l1Receiver) returns (uint256 id);
    function withdrawThenRevert(string l1Receiver);
    function withdrawStatic(string l1Receiver) returns (bool ok);
    function withdrawDelegated(string l1Receiver) returns (bool ok);
}

const BRIDGE: [u8; 20] = [0xb1; 20];
/// Tezos' first bootstrap account.
const TZ1: &str = "tz1KqTpEZ7Yob7QbPE4Hy4Wo8fHG8LhKxZSx";
const TEZ: u64 = 1_000_000;

fn config() -> ChainConfig {
    ChainConfig { ticketer: BRIDGE, ..DEV }
}

/// An L1 transfer of `ticket` for `receiver`, sent by `sender`.
fn transfer(receiver: &[u8], ticket: NativeTicket, sender: [u8; 20]) -> InboxMessage {
    let mut payload = Vec::new();
    MichelsonPair(MichelsonBytes(receiver.to_vec()), ticket).bin_write(&mut payload).unwrap();
    InboxMessage::Transfer { payload, sender, source: [0; 21], destination: [0x5a; 20] }
}

fn deposit(receiver: Address, mutez: u64) -> InboxMessage {
    transfer(receiver.as_slice(), ticket::native(&BRIDGE, mutez).unwrap(), BRIDGE)
}

/// Runs one level of `msgs`; answers the outbox it wrote.
fn level(chain: &mut Chain, msgs: &[InboxMessage]) -> Vec<Vec<u8>> {
    let report = chain.mock.run_level(msgs, zkos_kernel::bootloader::run);
    report.outbox
}

fn decode_outbox(message: &[u8]) -> OutboxMessage<WithdrawalParameters> {
    let (rest, m) = OutboxMessage::<WithdrawalParameters>::nom_read(message).unwrap();
    assert!(rest.is_empty());
    m
}

fn withdraw_call(receiver: &str, wei: U256) -> Call {
    let mut call = Call::with_input(
        withdrawal::ADDRESS,
        withdrawCall { l1Receiver: receiver.into() }.abi_encode(),
    );
    call.value = wei;
    call
}

#[test]
fn a_deposit_credits_its_receiver_and_is_recorded_in_the_block() {
    let mut chain = Chain::with_config(config());
    let alice = Wallet::from_seed(1).address();
    level(&mut chain, &[deposit(alice, 7 * TEZ)]);
    assert_eq!(chain.balance(&alice), ticket::to_wei(7 * TEZ));
    let recorded = chain.mock.get(layout::block_deposits(0).as_bytes()).unwrap();
    assert_eq!(&recorded[..20], alice.as_slice());
    assert_eq!(&recorded[20..], &layout::encode_u256(&ticket::to_wei(7 * TEZ)));
}

#[test]
fn transfers_that_are_not_deposits_of_the_bridge_credit_nothing() {
    let mut chain = Chain::with_config(config());
    let alice = Wallet::from_seed(1).address();
    let foreign = ticket::native(&[3; 20], TEZ).unwrap();
    let mut other_rollup = deposit(alice, TEZ);
    if let InboxMessage::Transfer { destination, .. } = &mut other_rollup {
        *destination = [1; 20];
    }
    level(
        &mut chain,
        &[
            transfer(alice.as_slice(), ticket::native(&BRIDGE, TEZ).unwrap(), [2; 20]),
            transfer(alice.as_slice(), foreign, BRIDGE),
            transfer(&alice.as_slice()[..19], ticket::native(&BRIDGE, TEZ).unwrap(), BRIDGE),
            InboxMessage::Transfer {
                payload: vec![0x03, 0x0b],
                sender: BRIDGE,
                source: [0; 21],
                destination: [0x5a; 20],
            },
            other_rollup,
        ],
    );
    assert_eq!(chain.total_balance(), U256::ZERO);
    let log = chain.mock.debug_log();
    for why in [
        "is not the bridge contract",
        "not the bridge's native token",
        "receiver of 19",
        "payload is not",
    ] {
        assert!(log.contains(why), "{why}: {log}");
    }
    assert_eq!(log.matches("deposit refused").count(), 4, "{log}");
    // and a chain without a bridge takes no deposit at all
    let mut bare = Chain::with_config(DEV);
    level(&mut bare, &[deposit(alice, TEZ)]);
    assert_eq!(bare.total_balance(), U256::ZERO);
    assert!(bare.mock.debug_log().contains("no bridge"));
}

#[test]
fn a_withdrawal_burns_its_value_and_writes_a_ticket_to_the_outbox() {
    let mut chain = Chain::with_config(config());
    let alice = Wallet::from_seed(1);
    level(&mut chain, &[deposit(alice.address(), 10 * TEZ)]);
    let raw = chain.sign(&alice, &withdraw_call(TZ1, ticket::to_wei(3 * TEZ)), 100_000);
    let outbox = level(&mut chain, &[framed(&raw)]);

    let hash = zkos_kernel::tx::decode(&raw).unwrap().hash;
    let receipt = chain.receipt(&hash);
    assert!(receipt.is_success());
    let logs = receipt.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, withdrawal::ADDRESS);
    let event = withdrawal::IWithdrawal::Withdrawal::decode_log_data(&logs[0].data).unwrap();
    assert_eq!(
        (event.sender, event.l1Receiver.as_str(), event.amount, event.id),
        (alice.address(), TZ1, ticket::to_wei(3 * TEZ), U256::ZERO)
    );
    assert_eq!(chain.balance(&withdrawal::ADDRESS), U256::ZERO, "the value is burned");

    assert_eq!(outbox.len(), 1);
    let OutboxMessage::AtomicTransactionBatch(batch) = decode_outbox(&outbox[0]);
    assert_eq!(batch.len(), 1);
    let tx = &batch[0];
    assert_eq!(tx.destination, ticket::ticketer_contract(&BRIDGE));
    assert_eq!(tx.entrypoint.name(), "withdraw");
    let MichelsonPair(receiver, ticket) = &tx.parameters;
    assert_eq!(receiver.0, Contract::from_b58check(TZ1).unwrap());
    assert!(ticket::is_native(ticket, &BRIDGE));
    assert_eq!(ticket.amount_as::<u64, _>(), Ok(3 * TEZ));

    // deposits − withdrawals = every balance, fees included
    assert_eq!(chain.total_balance(), ticket::to_wei(7 * TEZ));
    // the id counts withdrawals
    let raw = chain.sign(&alice, &withdraw_call(TZ1, ticket::to_wei(TEZ)), 100_000);
    level(&mut chain, &[framed(&raw)]);
    let hash = zkos_kernel::tx::decode(&raw).unwrap().hash;
    let event =
        withdrawal::IWithdrawal::Withdrawal::decode_log_data(&chain.receipt(&hash).logs()[0].data)
            .unwrap();
    assert_eq!(event.id, U256::from(1));
}

#[test]
fn a_refused_withdrawal_reverts_and_keeps_the_value() {
    let mut chain = Chain::with_config(config());
    let alice = Wallet::from_seed(1);
    level(&mut chain, &[deposit(alice.address(), 10 * TEZ)]);
    let cases = [
        (withdraw_call(TZ1, ticket::to_wei(TEZ) + U256::from(1)), "whole number of mutez"),
        (withdraw_call(TZ1, U256::ZERO), "whole number of mutez"),
        (withdraw_call("tz1notanaddress", ticket::to_wei(TEZ)), "not a Tezos address"),
        (
            Call { input: vec![1, 2, 3].into(), ..withdraw_call(TZ1, ticket::to_wei(TEZ)) },
            "calldata",
        ),
    ];
    for (call, why) in cases {
        let before = chain.balance(&alice.address());
        let raw = chain.sign(&alice, &call, 100_000);
        let outbox = level(&mut chain, &[framed(&raw)]);
        assert!(outbox.is_empty(), "{why}");
        let t = zkos_kernel::tx::decode(&raw).unwrap();
        let receipt = chain.receipt(&t.hash);
        assert!(!receipt.is_success(), "{why}");
        let info = chain.receipt_info(&t.hash);
        let fee = U256::from(info.gas_used) * U256::from(info.effective_gas_price);
        assert_eq!(chain.balance(&alice.address()), before - fee, "{why}: only the fee is spent");
    }
    assert_eq!(chain.total_balance(), ticket::to_wei(10 * TEZ));
    // the reasons are the revert data an RPC would return
    let raw = chain.sign(&alice, &withdraw_call("KT1?", ticket::to_wei(TEZ)), 100_000);
    let inc = chain.apply(&raw).unwrap();
    assert_eq!(inc.status, zkos_kernel::ee::evm::Status::Reverted);
    let reason = String::abi_decode(&inc.output[4..]).unwrap();
    assert_eq!(reason, "withdraw: l1Receiver is not a Tezos address");
    assert_eq!(&inc.output[..4], &[0x08, 0xc3, 0x79, 0xa0]);
}

#[test]
fn contracts_withdraw_by_call_only_and_a_revert_takes_the_message_back() {
    let mut chain = Chain::with_config(config());
    let alice = Wallet::from_seed(1);
    level(&mut chain, &[deposit(alice.address(), 10 * TEZ)]);
    let raw = chain.sign(&alice, &Call::create(bytecode("Withdrawer")), 1_000_000);
    level(&mut chain, &[framed(&raw)]);
    let withdrawer = alice.address().create(0);
    assert!(chain.mock.get(layout::code(&withdrawer).as_bytes()).is_some());

    let call = |input: Vec<u8>, wei: U256| {
        let mut c = Call::with_input(withdrawer, input);
        c.value = wei;
        c
    };
    let receiver = || TZ1.to_string();
    let txs = [
        call(withdrawCall { l1Receiver: receiver() }.abi_encode(), ticket::to_wei(2 * TEZ)),
        call(withdrawThenRevertCall { l1Receiver: receiver() }.abi_encode(), ticket::to_wei(TEZ)),
        call(withdrawStaticCall { l1Receiver: receiver() }.abi_encode(), U256::ZERO),
        call(withdrawDelegatedCall { l1Receiver: receiver() }.abi_encode(), ticket::to_wei(TEZ)),
    ];
    let raws: Vec<Vec<u8>> = txs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let n = chain.nonce(&alice.address()) + i as u64;
            alice.sign_1559(DEV.chain_id, c, n, 2 * common::GWEI, common::GWEI, 200_000)
        })
        .collect();
    let msgs: Vec<_> = raws.iter().map(|r| framed(r)).collect();
    let outbox = level(&mut chain, &msgs);
    let h = |i: usize| zkos_kernel::tx::decode(&raws[i]).unwrap().hash;
    let ok: Vec<bool> = (0..4).map(|i| chain.receipt(&h(i)).is_success()).collect();
    assert_eq!(ok, [true, false, true, true], "plain call, caller reverted, the two probes");
    // the probes logged nothing: the system contract refused them
    assert!(chain.receipt(&h(2)).logs().is_empty());
    assert!(chain.receipt(&h(3)).logs().is_empty());
    assert_eq!(outbox.len(), 1, "only the first withdrawal reached the outbox");
    let OutboxMessage::AtomicTransactionBatch(batch) = decode_outbox(&outbox[0]);
    assert_eq!(batch[0].parameters.1.amount_as::<u64, _>(), Ok(2 * TEZ));
    let event =
        withdrawal::IWithdrawal::Withdrawal::decode_log_data(&chain.receipt(&h(0)).logs()[0].data)
            .unwrap();
    assert_eq!(event.sender, withdrawer, "msg.sender is the contract");
    // the delegated call's value stayed with the Withdrawer
    assert_eq!(chain.balance(&withdrawer), ticket::to_wei(TEZ));
    assert_eq!(chain.total_balance(), ticket::to_wei(8 * TEZ));
}

#[test]
fn deposits_minus_withdrawals_equal_all_balances() {
    let mut chain = Chain::with_config(config());
    let (alice, bob, carol) = (Wallet::from_seed(1), Wallet::from_seed(2), Wallet::from_seed(3));
    let mut deposited = 0u64;
    let mut withdrawn = 0u64;
    for (w, amount) in [(&alice, 50 * TEZ), (&bob, 20 * TEZ), (&alice, 5 * TEZ)] {
        level(&mut chain, &[deposit(w.address(), amount)]);
        deposited += amount;
    }
    // a token, transfers, a failing transaction, withdrawals, in mixed levels
    let token = bytecode("ZkToken");
    let raw = chain.sign(&alice, &Call::create(token), 3_000_000);
    level(&mut chain, &[framed(&raw)]);
    let raws = [
        chain.sign(&bob, &Call::transfer(carol.address(), 10u128.pow(18)), 21_000),
        chain.sign(&alice, &withdraw_call(TZ1, ticket::to_wei(4 * TEZ)), 100_000),
    ];
    withdrawn += 4 * TEZ;
    level(&mut chain, &[framed(&raws[0]), framed(&raws[1]), deposit(carol.address(), TEZ)]);
    deposited += TEZ;
    // not a whole number of mutez: reverted, nothing withdrawn
    let raw = chain.sign(&carol, &withdraw_call(TZ1, ticket::to_wei(TEZ) / U256::from(3)), 100_000);
    level(&mut chain, &[framed(&raw)]);
    let raw = chain.sign(&carol, &withdraw_call(TZ1, ticket::to_wei(TEZ / 2)), 100_000);
    level(&mut chain, &[framed(&raw)]);
    withdrawn += TEZ / 2;
    assert_eq!(chain.total_balance(), ticket::to_wei(deposited - withdrawn));
}
