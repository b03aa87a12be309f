//! EVM contracts through the bootloader's transaction path and the system
//! layer: real Solidity (contracts/src/Probe.sol, compiled by solc-js).

mod common;

use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, B256, U256, keccak256};
use alloy_sol_types::{SolCall, SolError, SolEvent, sol};
use common::{Chain, ETH, bytecode};
use wallet::{Call, Wallet};
use zkos_kernel::{
    bootloader::config::DEV,
    ee::{
        deploy::{Meta, VmKind},
        evm::Status,
    },
};

sol! {
    error Refused(uint256 code);
    error Error(string message);
    event Stored(uint256 indexed key, uint256 value);
    function store(uint256 key, uint256 value);
    function slots(uint256 key) returns (uint256);
    function storeThenRevert(uint256 key, uint256 value);
    function failWithMessage();
    function storeAroundFailedCall(uint256 key);
    function transientRoundTrip(uint256 value) returns (uint256);
    function transientLeftover() returns (uint256);
    function deployChild(bytes32 salt) returns (address a, address b);
    function deployAndDestroy() returns (address a);
    function hashes(bytes data) returns (bytes32 sha, bytes20 ripemd, bytes same);
    function recover(bytes32 digest, uint8 v, bytes32 r, bytes32 s) returns (address);
    function environment() returns (uint256 number, uint256 time, address coinbase, uint256 chain, uint256 baseFee, uint256 gasLimit);
    function pay(address to, uint256 amount);
    function recurse(uint256 depth) returns (uint256);
}

fn setup() -> (Chain, Wallet, Address) {
    let alice = Wallet::from_seed(1);
    let mut chain = Chain::funded(&[&alice]);
    let probe = chain.deploy(&alice, bytecode("Probe"));
    (chain, alice, probe)
}

#[test]
fn deploy_stores_code_its_hash_and_jumpdest_bitmap() {
    let (chain, alice, probe) = setup();
    assert_eq!(probe, alice.address().create(0));
    let code = chain.mock.get(layout::code(&probe).as_bytes()).expect("code stored");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../contracts/build/Probe.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(hex::encode(&code), json["deployedBytecode"].as_str().unwrap());
    assert_eq!(
        chain.mock.get(layout::code_hash(&probe).as_bytes()),
        Some(keccak256(&code).to_vec())
    );
    let record = chain.mock.get(layout::prepared(&probe).as_bytes()).expect("record stored");
    let meta = Meta::decode(&record).expect("a record");
    assert_eq!(meta.kind, VmKind::Evm);
    assert!(meta.constants.is_empty());
    assert_eq!(meta.prepared, zkos_kernel::ee::evm::jumpdest::analyze(&code));
    assert_eq!(chain.nonce(&probe), 1, "EIP-161: a new contract starts at nonce 1");
}

#[test]
fn storage_and_logs_reach_state_and_receipt() {
    let (mut chain, alice, probe) = setup();
    let inc = chain.call(
        &alice,
        probe,
        storeCall { key: U256::from(5), value: U256::from(77) }.abi_encode(),
    );
    assert_eq!(inc.status, Status::Success);
    assert_eq!(chain.slot(&probe, slot(5)), U256::from(77));
    let logs = inc.receipt.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, probe);
    let ev = Stored::decode_log(&logs[0]).unwrap();
    assert_eq!((ev.key, ev.value), (U256::from(5), U256::from(77)));
    assert!(
        inc.receipt
            .logs_bloom()
            .contains_input(alloy_primitives::BloomInput::Raw(probe.as_slice()))
    );
}

/// The slot of `slots[key]` (mapping at slot 0): keccak(key ‖ 0).
fn slot(key: u64) -> U256 {
    let mut preimage = U256::from(key).to_be_bytes::<32>().to_vec();
    preimage.extend_from_slice(&[0u8; 32]);
    keccak256(&preimage).into()
}

fn supply(chain: &Chain, accounts: &[Address]) -> U256 {
    accounts.iter().fold(U256::ZERO, |s, a| s + chain.balance(a))
}

#[test]
fn a_revert_keeps_nothing_but_charges_gas_and_bumps_the_nonce() {
    let (mut chain, alice, probe) = setup();
    let before = chain.balance(&alice.address());
    let inc = chain.call(
        &alice,
        probe,
        storeThenRevertCall { key: U256::from(1), value: U256::from(9) }.abi_encode(),
    );
    assert_eq!(inc.status, Status::Reverted);
    assert!(!inc.receipt.is_success());
    assert!(inc.receipt.logs().is_empty());
    assert_eq!(Refused::abi_decode(&inc.output).unwrap().code, U256::from(9));
    assert_eq!(chain.slot(&probe, slot(1)), U256::ZERO);
    assert_eq!(chain.nonce(&alice.address()), 2);
    assert!(
        inc.info.gas_used > 21_000 && inc.info.gas_used < 1_000_000,
        "unused gas returned: {}",
        inc.info.gas_used
    );
    let price = U256::from(inc.info.effective_gas_price);
    assert_eq!(chain.balance(&alice.address()), before - U256::from(inc.info.gas_used) * price);
}

#[test]
fn a_require_message_comes_back_as_revert_data() {
    let (mut chain, alice, probe) = setup();
    let inc = chain.call(&alice, probe, failWithMessageCall {}.abi_encode());
    assert_eq!(inc.status, Status::Reverted);
    assert_eq!(Error::abi_decode(&inc.output).unwrap().message, "probe says no");
}

#[test]
fn a_failed_inner_call_loses_only_its_own_writes() {
    let (mut chain, alice, probe) = setup();
    let inc =
        chain.call(&alice, probe, storeAroundFailedCallCall { key: U256::from(10) }.abi_encode());
    assert_eq!(inc.status, Status::Success);
    assert_eq!(chain.slot(&probe, slot(10)), U256::from(1));
    assert_eq!(chain.slot(&probe, slot(11)), U256::from(3));
    assert!(inc.receipt.logs().is_empty(), "the reverted frame's log is gone");
}

#[test]
fn transient_storage_lives_for_one_transaction() {
    let (mut chain, alice, probe) = setup();
    let inc =
        chain.call(&alice, probe, transientRoundTripCall { value: U256::from(42) }.abi_encode());
    assert_eq!(U256::from_be_slice(&inc.output), U256::from(42));
    assert_eq!(chain.slot(&probe, slot(100)), U256::from(42));
    let inc = chain.call(&alice, probe, transientLeftoverCall {}.abi_encode());
    assert_eq!(U256::from_be_slice(&inc.output), U256::ZERO);
    assert!(
        !chain
            .mock
            .host()
            .durable
            .values()
            .iter()
            .any(|(p, _)| p.windows(9).any(|w| w == b"transient"))
    );
}

#[test]
fn create_and_create2_land_at_ethereums_addresses() {
    let (mut chain, alice, probe) = setup();
    let salt = B256::repeat_byte(7);
    let inc = chain.call(&alice, probe, deployChildCall { salt }.abi_encode());
    assert_eq!(inc.status, Status::Success);
    let r = deployChildCall::abi_decode_returns(&inc.output).unwrap();
    assert_eq!(r.a, probe.create(1));
    assert_eq!(r.b, probe.create2(salt, keccak256(bytecode("Child"))));
    for a in [r.a, r.b] {
        assert!(chain.mock.get(layout::code(&a).as_bytes()).is_some(), "code at {a}");
    }
    assert_eq!(chain.nonce(&probe), 3);
}

#[test]
fn selfdestruct_in_the_creating_transaction_removes_the_account() {
    let (mut chain, alice, probe) = setup();
    let inc = chain.call(&alice, probe, deployAndDestroyCall {}.abi_encode());
    assert_eq!(inc.status, Status::Success);
    let child = deployAndDestroyCall::abi_decode_returns(&inc.output).unwrap();
    let prefix = layout::account(&child);
    assert!(
        !chain.mock.host().durable.values().iter().any(|(p, _)| p.starts_with(prefix.as_bytes()))
    );
}

#[test]
fn precompiles_answer_from_solidity() {
    let (mut chain, alice, probe) = setup();
    let inc = chain.call(&alice, probe, hashesCall { data: b"abc".to_vec().into() }.abi_encode());
    let r = hashesCall::abi_decode_returns(&inc.output).unwrap();
    assert_eq!(
        r.sha,
        B256::from(alloy_primitives::hex!(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        ))
    );
    assert_eq!(r.ripemd.0, alloy_primitives::hex!("8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"));
    assert_eq!(r.same.as_ref(), b"abc");

    let digest = keccak256(b"zk os");
    let sig = alice.sign_hash(&digest);
    let call =
        recoverCall { digest, v: 27 + u8::from(sig.v()), r: sig.r().into(), s: sig.s().into() };
    let inc = chain.call(&alice, probe, call.abi_encode());
    assert_eq!(recoverCall::abi_decode_returns(&inc.output).unwrap(), alice.address());
}

#[test]
fn the_block_environment_is_the_chains() {
    let (mut chain, alice, probe) = setup();
    chain.env.number = 12;
    let inc = chain.call(&alice, probe, environmentCall {}.abi_encode());
    let r = environmentCall::abi_decode_returns(&inc.output).unwrap();
    assert_eq!(r.number, U256::from(12));
    assert_eq!(r.time, U256::from(1_700_000_000u64));
    assert_eq!(r.coinbase, DEV.coinbase);
    assert_eq!(r.chain, U256::from(DEV.chain_id));
    assert_eq!(r.baseFee, U256::from(DEV.base_fee_per_gas));
    assert_eq!(r.gasLimit, U256::from(DEV.block_gas_limit));
}

#[test]
fn value_moves_through_contracts_and_supply_is_conserved() {
    let (mut chain, alice, probe) = setup();
    let bob = Wallet::from_seed(2).address();
    let inc = chain.send(
        &alice,
        Call { to: Some(probe), value: U256::from(ETH), input: Default::default() },
        100_000,
    );
    assert_eq!(inc.status, Status::Success);
    let inc =
        chain.call(&alice, probe, payCall { to: bob, amount: U256::from(ETH / 4) }.abi_encode());
    assert_eq!(inc.status, Status::Success);
    assert_eq!(chain.balance(&probe), U256::from(3 * ETH / 4));
    assert_eq!(chain.balance(&bob), U256::from(ETH / 4));
    let all = [alice.address(), bob, probe, DEV.coinbase, DEV.fee_account];
    assert_eq!(supply(&chain, &all), U256::from(100 * ETH), "fees are moved, not burned");
    // an overdraft inside the contract fails the transaction, not the system
    let inc = chain.call(&alice, probe, payCall { to: bob, amount: U256::from(ETH) }.abi_encode());
    assert_eq!(inc.status, Status::Reverted);
    assert_eq!(supply(&chain, &all), U256::from(100 * ETH));
}

#[test]
fn deep_recursion_runs_on_the_heap() {
    let (mut chain, alice, probe) = setup();
    let raw = chain.sign(
        &alice,
        &Call::with_input(probe, recurseCall { depth: U256::from(200) }.abi_encode()),
        29_000_000,
    );
    let inc = chain.apply(&raw).unwrap();
    assert_eq!(inc.status, Status::Success);
    assert_eq!(U256::from_be_slice(&inc.output), U256::from(200));
}

#[test]
fn out_of_gas_spends_the_whole_limit() {
    let (mut chain, alice, probe) = setup();
    let raw = chain.sign(
        &alice,
        &Call::with_input(
            probe,
            storeCall { key: U256::from(1), value: U256::from(1) }.abi_encode(),
        ),
        30_000,
    );
    let inc = chain.apply(&raw).unwrap();
    assert!(matches!(inc.status, Status::Failed(_)), "{:?}", inc.status);
    assert_eq!(inc.info.gas_used, 30_000);
    assert_eq!(chain.slot(&probe, slot(1)), U256::ZERO);
}

#[test]
fn a_level_stores_what_receipts_leave_out() {
    let alice = Wallet::from_seed(1);
    let mut chain = Chain::funded(&[&alice]);
    let create = chain.sign(&alice, &Call::create(bytecode("Probe")), 3_000_000);
    chain.run_level(std::slice::from_ref(&create));
    let hash = keccak256(&create);
    let info = chain.mock.get(layout::receipt_info(&hash).as_bytes()).expect("receipt info");
    let info = layout::ReceiptInfo::decode(&info).unwrap();
    assert_eq!(info.created, Some(alice.address().create(0)));
    // 2 gwei cap, 1 gwei tip over a 1 gwei base fee: 2 gwei per gas
    assert_eq!(info.effective_gas_price, 2_000_000_000);
    let receipt = chain.mock.get(layout::receipt(&hash).as_bytes()).unwrap();
    let receipt = alloy_consensus::ReceiptEnvelope::decode_2718(&mut receipt.as_slice()).unwrap();
    assert_eq!(receipt.cumulative_gas_used(), info.gas_used, "the only transaction of its block");
}
