//! The worst transactions a user can send within the gas limit, one per
//! level: what the e2e test (`tests/hostile.rs`, each gets a receipt and
//! bounded storage) and the benchmark (`benches/hostile.rs`, time and
//! memory per level on each engine) run.
//!
//! Every case has the whole block gas limit (30 M) and is sent by the dev
//! genesis' first account. The EVM ones are hand-assembled bytecode put in
//! the genesis; the cross-VM ones use the Solidity relay
//! (`contracts/src/Relay.sol`), the WASM probe of the cross-VM tests, and
//! two WASM modules made to cost the most at every call (the most
//! functions, the most memory).

use alloy_primitives::{Address, U256, address};
use alloy_sol_types::{SolCall, sol};
use pvm_runner::LevelOutcome;
use pvm_runner::genesis::{Genesis, GenesisAccount};
use wallet::{Call, Wallet};
use zkos_kernel::ee::deploy::Envelope;

sol! {
    function ping(address peer, uint256 depth) returns (uint256);
}

/// The gas of every case: the dev genesis' block gas limit.
pub const GAS: u64 = 30_000_000;

const GWEI: u128 = 1_000_000_000;

/// `JUMPDEST PUSH1 0 JUMP`: loops until the gas is gone.
const LOOP: &str = "5b600056";
/// Writes slot i := i for i = 1, 2, … while more than 50,000 gas is left.
const SSTORES: &str = "60015b5a6200c35011601657808055600101600256005b00";
/// `LOG0` of 32 KiB of memory while more than 327,680 gas is left.
const LOGS: &str = "5b5a62050000116012576180005fa05f56005b00";
/// Calls the address in the first calldata word, with 60,000 gas and no
/// data, while more than 100,000 gas is left.
const CALLS: &str = "5b5a620186a0116018575f5f5f5f5f5f3561ea60f1505f565b00";

/// Where the genesis puts each EVM case.
pub const LOOP_AT: Address = address!("0x00000000000000000000000000000000000010a1");
/// See [`SSTORES`].
pub const SSTORES_AT: Address = address!("0x00000000000000000000000000000000000010a2");
/// See [`LOGS`].
pub const LOGS_AT: Address = address!("0x00000000000000000000000000000000000010a3");
/// See [`CALLS`].
pub const CALLS_AT: Address = address!("0x00000000000000000000000000000000000010a4");

/// The sender of every transaction (funded by the dev genesis).
pub fn sender() -> Wallet {
    Wallet::from_seed(1)
}

/// The dev genesis with the EVM cases' code.
pub fn genesis() -> Genesis {
    let path = crate::workspace_root().join("kernels-examples/genesis/dev.json");
    let json = std::fs::read_to_string(path).expect("the dev genesis");
    let mut g = Genesis::parse(&json).expect("the dev genesis parses");
    for (at, code) in [(LOOP_AT, LOOP), (SSTORES_AT, SSTORES), (LOGS_AT, LOGS), (CALLS_AT, CALLS)] {
        let code = hex::decode(code).expect("hex");
        g.alloc.insert(at, GenesisAccount { code: Some(code), ..GenesisAccount::default() });
    }
    g
}

/// A WASM contract that does nothing, made as slow to load as the
/// init-data limit allows: thousands of functions, each parsed (and its
/// type checked) whenever the module is loaded for a call.
pub fn slow_wasm() -> Vec<u8> {
    let mut wat = String::from(
        "(module (memory (export \"memory\") 1) (func (export \"call\")) (func (export \"deploy\"))",
    );
    for i in 0..5_000 {
        wat.push_str(&format!(" (func (result i32) i32.const {i})"));
    }
    wat.push(')');
    wat::parse_str(&wat).expect("valid WAT")
}

/// A WASM contract that does nothing with the most memory a contract may
/// start with ([`zkos_kernel::ee::wasm::prepare::MAX_MEMORY_PAGES`]),
/// which every call's fresh instance allocates.
pub fn big_memory_wasm() -> Vec<u8> {
    let pages = zkos_kernel::ee::wasm::prepare::MAX_MEMORY_PAGES;
    let wat = format!(
        "(module (memory (export \"memory\") {pages}) (func (export \"call\")) (func (export \"deploy\")))"
    );
    wat::parse_str(&wat).expect("valid WAT")
}

/// The setup level: the relay, the WASM probe, the slow module and the
/// big-memory module deployed (nonces 0 to 3); answers the signed
/// transactions.
pub fn setup() -> Vec<Vec<u8>> {
    let root = crate::workspace_root();
    let relay = std::fs::read_to_string(root.join("contracts/build/Relay.json")).expect("Relay");
    let relay: serde_json::Value = serde_json::from_str(&relay).expect("JSON");
    let relay = hex::decode(relay["bytecode"].as_str().expect("bytecode")).expect("hex");
    let probe = wat::parse_file(root.join("kernel/tests/contracts/probe.wat")).expect("probe");
    let arg = [0u8; 32];
    let probe = Envelope { code: &probe, constants: &[], args: &arg }.join();
    let slow = slow_wasm();
    let slow = Envelope { code: &slow, constants: &[], args: &arg }.join();
    let big = big_memory_wasm();
    let big = Envelope { code: &big, constants: &[], args: &arg }.join();
    [relay, probe, slow, big]
        .into_iter()
        .enumerate()
        .map(|(n, init)| sign(n as u64, &Call::create(init), 10_000_000))
        .collect()
}

fn sign(nonce: u64, call: &Call, gas: u64) -> Vec<u8> {
    sender().sign_1559(23_115, call, nonce, 2 * GWEI, GWEI, gas)
}

/// One hostile transaction.
pub struct Case {
    /// What it does.
    pub name: &'static str,
    /// The signed transaction.
    pub tx: Vec<u8>,
}

/// The cases, in order after [`setup`] (nonces 4 on).
pub fn cases() -> Vec<Case> {
    let me = sender().address();
    let (relay, probe, slow, big) = (me.create(0), me.create(1), me.create(2), me.create(3));
    let word = |a: Address| U256::from_be_slice(a.as_slice()).to_be_bytes::<32>().to_vec();
    // Init code returning the largest code (24,576 zero bytes), padded with
    // bytes it never runs to the largest init code (49,152 bytes).
    let mut largest = hex::decode("6160005ff3").expect("hex");
    largest.resize(49_152, 0xfe);
    let calls = [
        ("an infinite loop", Call::with_input(LOOP_AT, Vec::new())),
        ("as many new storage slots as the gas pays", Call::with_input(SSTORES_AT, Vec::new())),
        ("as many log bytes as the gas pays", Call::with_input(LOGS_AT, Vec::new())),
        ("the largest contract deployment", Call::create(largest)),
        (
            "EVM and WASM recursing into each other as deep as the gas allows",
            Call::with_input(
                relay,
                pingCall { peer: probe, depth: U256::from(1_024) }.abi_encode(),
            ),
        ),
        (
            "a WASM contract made slow to load, called as often as the gas allows",
            Call::with_input(CALLS_AT, word(slow)),
        ),
        (
            "a WASM contract of the most memory, called as often as the gas allows",
            Call::with_input(CALLS_AT, word(big)),
        ),
    ];
    calls
        .into_iter()
        .enumerate()
        .map(|(i, (name, call))| Case { name, tx: sign(4 + i as u64, &call, GAS) })
        .collect()
}

/// The bytes (paths and values) of every subtree `level` rewrote in
/// durable storage: what the state database got, an upper bound of what
/// the level's transactions wrote.
pub fn bytes_written(level: &LevelOutcome) -> usize {
    let values = level.written.subtrees.iter().flat_map(|(_, values)| values);
    values.map(|(p, v)| p.len() + v.len()).sum()
}
