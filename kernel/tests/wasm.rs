//! WASM contracts through the bootloader's transaction path, and calls
//! between WASM and the EVM in every direction: the WASM side is
//! `tests/contracts/probe.wat` (hand-written against the host ABI), the
//! Solidity side `contracts/src/Relay.sol` (compiled by solc-js).

mod common;

use alloy_primitives::{Address, B256, U256, keccak256};
use alloy_sol_types::{SolCall, SolError, SolValue, sol};
use common::{Chain, bytecode};
use wallet::{Call, Wallet};
use zkos_kernel::ee::{
    deploy::{Envelope, Meta, VmKind},
    evm::Status,
};

sol! {
    function relay(address to, bytes data) returns (bytes);
    function tryRelay(address to, bytes data, uint256 gas) returns (bool ok, bytes ret);
    function relayStatic(address to, bytes data) returns (bool ok, bytes ret);
    function relayDelegate(address to, bytes data) returns (bool ok, bytes ret);
    function create(bytes init) returns (address a);
    function slot(uint256 key) returns (uint256 v);
    function ping(address peer, uint256 depth) returns (uint256);
    function store(uint256 key, uint256 value);
    function name() returns (string);
    function constantsOf(address account) returns (bytes);
    function rename(string name);
    error Error(string message);
}

fn probe_wasm() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/contracts/probe.wat");
    wat::parse_file(path).expect("probe.wat assembles")
}

/// The probe's init data: code, constants, and `arg` for `deploy`.
fn probe_init(constants: &[u8], arg: u64) -> Vec<u8> {
    let code = probe_wasm();
    let args = U256::from(arg).to_be_bytes::<32>();
    Envelope { code: &code, constants, args: &args }.join()
}

fn op(code: u8, to: Address, data: &[u8]) -> Vec<u8> {
    [&[code][..], to.as_slice(), data].concat()
}

/// Where `Probe.slots[key]` lives (a mapping at slot 0).
fn probe_slot(key: u64) -> U256 {
    U256::from_be_bytes(keccak256([word(key), word(0)].concat()).0)
}

fn word(v: u64) -> Vec<u8> {
    U256::from(v).to_be_bytes::<32>().to_vec()
}

struct Setup {
    chain: Chain,
    alice: Wallet,
    wasm: Address,
    relay: Address,
}

fn setup() -> Setup {
    let alice = Wallet::from_seed(1);
    let mut chain = Chain::funded(&[&alice]);
    let wasm = chain.deploy(&alice, probe_init(b"constants!", 41));
    let relay = chain.deploy(&alice, bytecode("Relay"));
    Setup { chain, alice, wasm, relay }
}

#[test]
fn a_wasm_deployment_stores_code_constants_and_runs_its_constructor() {
    let Setup { chain, alice, wasm, .. } = setup();
    assert_eq!(wasm, alice.address().create(0));
    let code = chain.mock.get(layout::code(&wasm).as_bytes()).expect("code stored");
    assert_eq!(code, probe_wasm(), "the module alone is the code, without the envelope");
    let hash = chain.mock.get(layout::code_hash(&wasm).as_bytes()).expect("hash stored");
    assert_eq!(hash, keccak256(&code).to_vec());
    let record = chain.mock.get(layout::prepared(&wasm).as_bytes()).expect("record");
    let meta = Meta::decode(&record).expect("a record");
    assert_eq!((meta.kind, meta.constants), (VmKind::Wasm, &b"constants!"[..]));
    // `deploy` stored its argument and the constants' size.
    assert_eq!(chain.slot(&wasm, U256::ZERO), U256::from(41));
    assert_eq!(chain.slot(&wasm, U256::from(1)), U256::from(10));
    assert_eq!(chain.nonce(&wasm), 1);
}

#[test]
fn same_code_with_other_constants_has_the_same_code_hash() {
    let Setup { mut chain, alice, wasm, .. } = setup();
    let other = chain.deploy(&alice, probe_init(b"other constants", 1));
    let hash = |c: &Chain, a: &Address| c.mock.get(layout::code_hash(a).as_bytes());
    assert_eq!(hash(&chain, &wasm), hash(&chain, &other));
    let read = |c: &mut Chain, a| c.call(&alice, a, vec![8]).output;
    assert_eq!(read(&mut chain, wasm), b"constants!");
    assert_eq!(read(&mut chain, other), b"other constants");
}

#[test]
fn invalid_wasm_fails_the_creation_with_a_reason_and_keeps_nothing() {
    let alice = Wallet::from_seed(1);
    let mut chain = Chain::funded(&[&alice]);
    let float = wat::parse_str(
        r#"(module (memory (export "memory") 1)
             (func (export "call") (drop (f32.add (f32.const 1) (f32.const 2)))))"#,
    )
    .unwrap();
    for init in [float, b"\0asm\x01\0\0\0garbage".to_vec()] {
        let inc = chain.send(&alice, Call::create(init), 1_000_000);
        assert!(matches!(&inc.status, Status::Failed(why) if why.contains("invalid WASM")));
        let created = alice.address().create(chain.nonce(&alice.address()) - 1);
        assert_eq!(chain.mock.get(layout::code(&created).as_bytes()), None);
    }
}

#[test]
fn a_wasm_call_from_an_account_writes_storage_logs_and_returns() {
    let Setup { mut chain, alice, wasm, .. } = setup();
    let inc = chain.call(&alice, wasm, vec![0]);
    assert_eq!(inc.status, Status::Success);
    assert_eq!(inc.output, word(42));
    assert_eq!(chain.slot(&wasm, U256::ZERO), U256::from(42));
    let logs = inc.receipt.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!((logs[0].address, logs[0].topics()), (wasm, &[B256::repeat_byte(0xaa)][..]));
    // 21,000 + calldata + a cold slot read (2,100) and a reset (2,900) + a log.
    assert!(inc.info.gas_used > 21_000 + 5_000 + 375, "gas used {}", inc.info.gas_used);
}

#[test]
fn evm_calls_wasm_and_wasm_calls_evm_with_value() {
    let Setup { mut chain, alice, wasm, relay } = setup();
    let input = relayCall { to: wasm, data: vec![0].into() }.abi_encode();
    let inc = chain.send(
        &alice,
        Call { value: U256::from(7), ..Call::with_input(relay, input) },
        1_000_000,
    );
    assert_eq!(inc.status, Status::Success);
    let out = relayCall::abi_decode_returns(&inc.output).unwrap();
    assert_eq!(out.to_vec(), word(42));
    assert_eq!(chain.balance(&wasm), U256::from(7), "the EVM sent value to WASM");
    // WASM forwards what it receives to the relay's `receive`.
    let call = Call { value: U256::from(5), ..Call::with_input(wasm, op(1, relay, &[])) };
    assert_eq!(chain.send(&alice, call, 1_000_000).status, Status::Success);
    assert_eq!(chain.balance(&relay), U256::from(5), "WASM sent value to the EVM");
    assert_eq!(chain.balance(&wasm), U256::from(7));
}

#[test]
fn a_revert_crosses_vms_with_its_data_both_ways() {
    let Setup { mut chain, alice, wasm, relay } = setup();
    let input = relayCall { to: wasm, data: vec![5].into() }.abi_encode();
    let inc = chain.call(&alice, relay, input.clone());
    assert_eq!((inc.status, inc.output), (Status::Reverted, b"nope".to_vec()));
    // WASM → EVM → WASM: the innermost revert comes out of the outermost frame.
    let inc = chain.call(&alice, wasm, op(1, relay, &input));
    assert_eq!((inc.status, inc.output), (Status::Reverted, b"nope".to_vec()));
}

#[test]
fn reentrancy_across_vms_sees_the_callers_writes() {
    let Setup { mut chain, alice, wasm, relay } = setup();
    // WASM (op 1) → Relay → the same WASM (counter), twice nested.
    let inner = relayCall { to: wasm, data: vec![0].into() }.abi_encode();
    let inc = chain.call(&alice, wasm, op(1, relay, &inner));
    assert_eq!(inc.status, Status::Success);
    assert_eq!(chain.slot(&wasm, U256::ZERO), U256::from(42));
}

#[test]
fn static_calls_are_enforced_in_the_callee_whatever_its_vm() {
    let Setup { mut chain, alice, wasm, relay } = setup();
    // EVM → WASM: a write in a static call fails the WASM callee.
    let input = relayStaticCall { to: wasm, data: vec![3].into() }.abi_encode();
    let inc = chain.call(&alice, relay, input);
    let out = relayStaticCall::abi_decode_returns(&inc.output).unwrap();
    assert!(!out.ok);
    // A read is fine.
    let input = relayStaticCall { to: wasm, data: vec![8].into() }.abi_encode();
    let out =
        relayStaticCall::abi_decode_returns(&chain.call(&alice, relay, input).output).unwrap();
    assert!(out.ok);
    assert_eq!(out.ret.to_vec(), b"constants!");
    // WASM → EVM: an SSTORE under a WASM static call fails the EVM callee.
    let store = storeCall { key: U256::from(1), value: U256::from(1) }.abi_encode();
    let probe = chain.deploy(&alice, bytecode("Probe"));
    let inc = chain.call(&alice, wasm, op(2, probe, &store));
    assert_eq!(inc.status, Status::Success);
    assert_eq!(inc.output, [2], "status byte: the callee failed");
    assert_eq!(chain.slot(&probe, probe_slot(1)), U256::ZERO);
}

#[test]
fn a_delegate_call_into_wasm_runs_on_the_callers_storage() {
    let Setup { mut chain, alice, wasm, relay } = setup();
    let input = relayDelegateCall { to: wasm, data: vec![0].into() }.abi_encode();
    let inc = chain.call(&alice, relay, input);
    let out = relayDelegateCall::abi_decode_returns(&inc.output).unwrap();
    assert!(out.ok);
    assert_eq!(chain.slot(&relay, U256::ZERO), U256::from(1), "the relay's slot, from zero");
    assert_eq!(chain.slot(&wasm, U256::ZERO), U256::from(41), "the code's own slot untouched");
    assert_eq!(inc.receipt.logs()[0].address, relay, "the log is the relay's");
    // And WASM delegating to EVM code: Probe.store writes the WASM's slot.
    let probe = chain.deploy(&alice, bytecode("Probe"));
    let store = storeCall { key: U256::from(9), value: U256::from(3) }.abi_encode();
    let inc = chain.call(&alice, wasm, op(6, probe, &store));
    assert_eq!(inc.output, [0]);
    assert_eq!(chain.slot(&wasm, probe_slot(9)), U256::from(3));
    assert_eq!(chain.slot(&probe, probe_slot(9)), U256::ZERO);
}

#[test]
fn out_of_gas_in_a_callee_of_another_vm_fails_only_the_callee() {
    let Setup { mut chain, alice, wasm, relay } = setup();
    let input = tryRelayCall { to: wasm, data: vec![4].into(), gas: U256::from(100_000) };
    let inc = chain.call(&alice, relay, input.abi_encode());
    assert_eq!(inc.status, Status::Success);
    let out = tryRelayCall::abi_decode_returns(&inc.output).unwrap();
    assert!(!out.ok);
    assert!(inc.info.gas_used > 100_000, "the loop burned the gas it was given");
    assert!(inc.info.gas_used < 300_000, "and only that: {}", inc.info.gas_used);
}

#[test]
fn a_wasm_contract_that_loops_forever_fails_its_transaction_with_all_gas_spent() {
    let Setup { mut chain, alice, wasm, .. } = setup();
    let inc = chain.call(&alice, wasm, vec![4]);
    assert!(matches!(inc.status, Status::Failed(_)));
    assert_eq!(inc.info.gas_used, 1_000_000);
}

#[test]
fn logs_of_every_vm_are_in_the_receipt_in_order() {
    let Setup { mut chain, alice, wasm, relay } = setup();
    let input = tryRelayCall { to: wasm, data: vec![0].into(), gas: U256::from(200_000) };
    let inc = chain.call(&alice, relay, input.abi_encode());
    let from: Vec<_> = inc.receipt.logs().iter().map(|l| l.address).collect();
    assert_eq!(from, [wasm, relay]);
}

#[test]
fn any_vm_creates_contracts_of_any_vm() {
    let Setup { mut chain, alice, wasm, relay } = setup();
    // EVM creates WASM.
    let input = createCall { init: probe_init(b"k", 5).into() }.abi_encode();
    let inc = chain.call(&alice, relay, input);
    let made = createCall::abi_decode_returns(&inc.output).unwrap();
    assert_eq!(made, relay.create(1));
    assert_eq!(chain.slot(&made, U256::ZERO), U256::from(5));
    // WASM creates EVM.
    let inc = chain.send(
        &alice,
        Call::with_input(wasm, [&[7][..], &bytecode("Relay")].concat()),
        2_000_000,
    );
    let evm = Address::from_slice(&inc.output);
    assert_eq!(evm, wasm.create(1));
    assert!(chain.mock.get(layout::code(&evm).as_bytes()).is_some());
    // WASM creates WASM.
    let inc = chain.send(
        &alice,
        Call::with_input(wasm, [&[7][..], &probe_init(b"", 9)].concat()),
        3_000_000,
    );
    let child = Address::from_slice(&inc.output);
    assert_eq!(child, wasm.create(2));
    assert_eq!(chain.slot(&child, U256::ZERO), U256::from(9));
}

#[test]
fn mixed_recursion_goes_deep_without_native_recursion() {
    let Setup { mut chain, alice, wasm, relay } = setup();
    let input = pingCall { peer: wasm, depth: U256::from(200) }.abi_encode();
    let inc = chain.send(&alice, Call::with_input(relay, input), 25_000_000);
    assert_eq!(inc.status, Status::Success, "{:?}", inc.output);
    assert_eq!(pingCall::abi_decode_returns(&inc.output).unwrap(), U256::from(200));
}

/// `Named(name)`'s creation bytecode (contracts/src/Named.sol).
fn named(name: &str) -> Vec<u8> {
    [bytecode("Named"), (name.to_owned(),).abi_encode_params()].concat()
}

#[test]
fn a_solidity_contract_sets_its_constants_in_its_constructor_and_reads_them() {
    let Setup { mut chain, alice, wasm, .. } = setup();
    let (a, b) = (chain.deploy(&alice, named("first")), chain.deploy(&alice, named("second")));
    let name = |c: &mut Chain, at| {
        let out = c.call(&alice, at, nameCall {}.abi_encode()).output;
        nameCall::abi_decode_returns(&out).unwrap()
    };
    assert_eq!(name(&mut chain, a), "first");
    assert_eq!(name(&mut chain, b), "second");
    let hash = |c: &Chain, at: &Address| c.mock.get(layout::code_hash(at).as_bytes());
    assert_eq!(hash(&chain, &a), hash(&chain, &b), "the name is not in the code");
    // Solidity reads a WASM contract's constants area.
    let out = chain.call(&alice, a, constantsOfCall { account: wasm }.abi_encode()).output;
    assert_eq!(constantsOfCall::abi_decode_returns(&out).unwrap().to_vec(), b"constants!");
    // ... and may not set its own after construction.
    let inc = chain.call(&alice, a, renameCall { name: "third".into() }.abi_encode());
    assert_eq!(inc.status, Status::Reverted);
    let why = Error::abi_decode(&inc.output).unwrap().message;
    assert_eq!(why, "setConstants: only during the caller's construction");
    assert_eq!(name(&mut chain, a), "first");
}
