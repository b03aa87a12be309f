//! Contracts of all three VMs calling each other through the whole stack:
//! the OS kernel built for wasm32, run by `pvm-runner` on both engines over
//! the dev genesis. A probe — `kernel/tests/contracts/probe.wat` for WASM,
//! `kernels-examples/contracts/probe` (Rust, the same protocol) built for
//! RISC-V — meets the Solidity `contracts/src/Relay.sol`: deployment, EVM →
//! probe with value, a revert crossing VMs both ways, a static-call
//! violation in the probe, out of gas in the probe, reentrancy, a probe that
//! loops forever, mixed recursion 60 deep, the EVM creating a probe, the
//! probe creating and calling a probe of the third VM, and the EVM
//! delegate-calling the probe (its code on the caller's storage). The same steps run
//! with each probe; receipts are snapshotted.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, sol};
use e2e::{kernel, riscv_contract, runner_with_genesis};
use pvm_runner::{EngineKind, genesis::Genesis, runner::Runner};
use wallet::{Call, Wallet};
use zkos_kernel::ee::deploy::Envelope;

sol! {
    function relay(address to, bytes data) returns (bytes);
    function tryRelay(address to, bytes data, uint256 gas) returns (bool ok, bytes ret);
    function relayStatic(address to, bytes data) returns (bool ok, bytes ret);
    function relayDelegate(address to, bytes data) returns (bool ok, bytes ret);
    function create(bytes init) returns (address a);
    function ping(address peer, uint256 depth) returns (uint256);
}

const GWEI: u128 = 1_000_000_000;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The probe of one VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Probe {
    Wasm,
    RiscV,
}

impl Probe {
    fn vm(self) -> &'static str {
        match self {
            Probe::Wasm => "WASM",
            Probe::RiscV => "RISC-V",
        }
    }

    /// The init data: code, constants, and `arg` for the constructor.
    fn init(self, constants: &[u8], arg: u64) -> Vec<u8> {
        let code = match self {
            Probe::Wasm => {
                wat::parse_file(root().join("kernel/tests/contracts/probe.wat")).unwrap()
            }
            Probe::RiscV => riscv_contract("zkos_probe"),
        };
        let args = U256::from(arg).to_be_bytes::<32>();
        Envelope { code: &code, constants, args: &args }.join()
    }

    /// The VM the probe creates a contract of.
    fn other(self) -> Probe {
        match self {
            Probe::Wasm => Probe::RiscV,
            Probe::RiscV => Probe::Wasm,
        }
    }
}

fn relay_initcode() -> Vec<u8> {
    let json = std::fs::read_to_string(root().join("contracts/build/Relay.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    hex::decode(json["bytecode"].as_str().unwrap()).unwrap()
}

fn op(code: u8, to: Address, data: &[u8]) -> Vec<u8> {
    [&[code][..], to.as_slice(), data].concat()
}

fn value(r: &Runner, path: &str) -> Option<Vec<u8>> {
    r.durable().get(host::Path::new(path.as_bytes()).unwrap()).map(|v| v.to_vec())
}

fn slot(r: &Runner, a: &Address, key: U256) -> U256 {
    value(r, &layout::storage(a, &key)).map_or(U256::ZERO, |b| layout::decode_u256(&b).unwrap())
}

#[test]
fn evm_and_wasm_contracts_call_each_other_alike_on_both_engines() {
    across_vms(Probe::Wasm, "cross_vm_receipts");
}

#[test]
fn evm_and_riscv_contracts_call_each_other_alike_on_both_engines() {
    across_vms(Probe::RiscV, "cross_vm_riscv_receipts");
}

fn across_vms(probe: Probe, snapshot: &str) {
    let genesis = Genesis::parse(
        &std::fs::read_to_string(root().join("kernels-examples/genesis/dev.json")).unwrap(),
    )
    .unwrap();
    let alice = Wallet::from_seed(1);
    let (wasm, relay) = (alice.address().create(0), alice.address().create(1));
    let (vm, other) = (probe.vm(), probe.other().vm());
    let probe_init = |constants: &[u8], arg| probe.init(constants, arg);
    let label = |what: &str| what.replace("WASM", vm).replace("OTHER", other);
    let created = wasm.create(1);
    let steps: Vec<(&str, Call, u64)> = vec![
        ("deploy the WASM probe", Call::create(probe_init(b"constants", 41)), 3_000_000),
        ("deploy the Solidity relay", Call::create(relay_initcode()), 3_000_000),
        (
            "EVM calls WASM with value",
            Call {
                value: U256::from(7),
                ..Call::with_input(relay, relayCall { to: wasm, data: vec![0].into() }.abi_encode())
            },
            500_000,
        ),
        (
            "a WASM revert crosses the EVM and WASM again",
            Call::with_input(
                wasm,
                op(1, relay, &relayCall { to: wasm, data: vec![5].into() }.abi_encode()),
            ),
            500_000,
        ),
        (
            "a write in a static call fails the WASM callee",
            Call::with_input(
                relay,
                relayStaticCall { to: wasm, data: vec![3].into() }.abi_encode(),
            ),
            500_000,
        ),
        (
            "out of gas in a WASM callee fails only the callee",
            Call::with_input(
                relay,
                tryRelayCall { to: wasm, data: vec![4].into(), gas: U256::from(50_000) }
                    .abi_encode(),
            ),
            500_000,
        ),
        (
            "reentrancy: WASM through the EVM into itself",
            Call::with_input(
                wasm,
                op(1, relay, &relayCall { to: wasm, data: vec![0].into() }.abi_encode()),
            ),
            500_000,
        ),
        ("a WASM contract that loops forever", Call::with_input(wasm, vec![4]), 200_000),
        (
            "EVM and WASM recurse into each other 60 deep",
            Call::with_input(relay, pingCall { peer: wasm, depth: U256::from(60) }.abi_encode()),
            2_000_000,
        ),
        (
            "the EVM creates a WASM contract",
            Call::with_input(relay, createCall { init: probe_init(b"", 5).into() }.abi_encode()),
            3_000_000,
        ),
        (
            "the WASM probe creates a contract of OTHER",
            Call::with_input(wasm, [vec![7], probe.other().init(b"", 9)].concat()),
            3_000_000,
        ),
        (
            "WASM calls the OTHER contract it created",
            Call::with_input(wasm, op(1, created, &[0])),
            500_000,
        ),
        (
            "the EVM delegate-calls WASM: its code on the relay's storage",
            Call::with_input(
                relay,
                relayDelegateCall { to: wasm, data: vec![0].into() }.abi_encode(),
            ),
            500_000,
        ),
    ];
    let chain_id = genesis.config.chain_id;
    let txs: Vec<Vec<u8>> = steps
        .iter()
        .enumerate()
        .map(|(nonce, (_, call, gas))| {
            alice.sign_1559(chain_id, call, nonce as u64, 2 * GWEI, GWEI, *gas)
        })
        .collect();
    let levels = [&txs[..2], &txs[2..]];
    let mut runs = Vec::new();
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let mut r = runner_with_genesis(engine, kernel("zkos_kernel"), &genesis);
        let roots: Vec<_> = levels
            .iter()
            .enumerate()
            .map(|(i, txs)| {
                let msgs = e2e::messages(txs.iter().map(Vec::as_slice));
                r.run_level(e2e::level(i as u32 + 1, &msgs)).unwrap().root
            })
            .collect();
        runs.push((roots, r));
    }
    assert_eq!(runs[0].0, runs[1].0, "fast and pvm reach the same roots");
    e2e::assert_committed_levels_replay(&runs[0].1);
    let r = &runs[1].1;

    let mut summary = String::new();
    let mut statuses = Vec::new();
    for ((what, _, _), tx) in steps.iter().zip(&txs) {
        let (receipt, info) = e2e::receipt_of(r, tx).expect("a receipt");
        let name = |a: &Address| match *a {
            a if a == wasm => "probe".to_owned(),
            a if a == created => "created".to_owned(),
            a if a == relay => "relay".to_owned(),
            a => format!("{a}"),
        };
        let logs: Vec<_> = receipt.logs().iter().map(|l| name(&l.address)).collect();
        statuses.push(receipt.status());
        summary += &format!(
            "{}: status {} gas {} logs [{}]\n",
            label(what),
            u8::from(receipt.status()),
            info.gas_used,
            logs.join(", ")
        );
    }
    insta::assert_snapshot!(snapshot, summary);
    let expected = [true, true, true, false, true, true, true, false, true, true, true, true, true];
    assert_eq!(statuses, expected);

    let eth = |a: &Address| {
        value(r, &layout::balance(a)).map_or(U256::ZERO, |b| layout::decode_u256(&b).unwrap())
    };
    assert_eq!(eth(&wasm), U256::from(7), "the value the EVM sent");
    // 41 from the constructor, +1 from the EVM's call, +1 by reentrancy.
    assert_eq!(slot(r, &wasm, U256::ZERO), U256::from(43));
    let by_evm = relay.create(1);
    assert_eq!(slot(r, &by_evm, U256::ZERO), U256::from(5));
    assert_eq!(value(r, &layout::code(&by_evm)), value(r, &layout::code(&wasm)));
    // The delegate call counted on the relay's storage, not the probe's.
    assert_eq!(slot(r, &relay, U256::ZERO), U256::from(1));
    // The probe of the other VM, created by this one, counted once from 9.
    assert_eq!(slot(r, &created, U256::ZERO), U256::from(10));
    assert_ne!(value(r, &layout::code(&created)), value(r, &layout::code(&wasm)));
}
