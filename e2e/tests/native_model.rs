//! The kernel's native cost model (`zkos_kernel::system::resources`)
//! against the ticks the `pvm` engine counts: every kind of work a
//! transaction can ask for — bare EVM steps, hashing, storage, logs,
//! memory, every precompile — measured in one level per transaction, and
//! the level's ticks must stay below what the bootloader planned for it.
//! Run with `--nocapture` to print the table recorded in BENCHMARKS.md.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, sol};
use e2e::kernel;
use pvm_runner::{EngineKind, genesis::Genesis, runner::Runner};
use wallet::{Call, Wallet};
use zkos_kernel::system::resources::native;

sol! {
    function calls(address target, bytes input, uint256 n) returns (uint256 failed);
    function spin(uint256 reserve);
    function hash(uint256 size, uint256 reserve) returns (bytes32 h);
    function store(uint256 reserve) returns (uint256 n);
    function logs(uint256 size, uint256 reserve);
    function copy(uint256 size, uint256 reserve);
}

const GWEI: u128 = 1_000_000_000;

struct Bench {
    r: Runner,
    alice: Wallet,
    nonce: u64,
    level: u32,
    burner: Address,
}

/// What one measured transaction did.
struct Measured {
    ticks: u64,
    planned: u64,
    gas_used: u64,
    ok: bool,
}

impl Bench {
    fn new() -> Self {
        let json = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../kernels-examples/genesis/dev.json"
        ))
        .unwrap();
        let genesis = Genesis::parse(&json).unwrap();
        let r = e2e::runner_with_genesis(EngineKind::Pvm, kernel("zkos_kernel"), &genesis);
        let alice = Wallet::from_seed(1);
        let burner = alice.address().create(0);
        let mut b = Self { r, alice, nonce: 0, level: 1, burner };
        let artefact = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../contracts/build/Burner.json"
        ))
        .unwrap();
        let json: serde_json::Value = serde_json::from_str(&artefact).unwrap();
        let code = hex::decode(json["bytecode"].as_str().unwrap()).unwrap();
        assert!(b.send(Call::create(code), 1_000_000).ok, "Burner deployed");
        b
    }

    /// Runs `call` alone in a level; its ticks against the plan.
    fn send(&mut self, call: Call, gas: u64) -> Measured {
        let raw = self.alice.sign_1559(23115, &call, self.nonce, 2 * GWEI, GWEI, gas);
        self.nonce += 1;
        let msgs = e2e::messages([raw.as_slice()]);
        let encoded = e2e::level(self.level, &msgs);
        self.level += 1;
        // What the bootloader plans: the run, every message, the seal.
        let planned = native::RUN_BASE
            + encoded.len() as u64 * native::PER_MESSAGE
            + native::transaction(gas, raw.len())
            + native::SEAL_BASE
            + native::SEAL_PER_TX;
        let o = self.r.run_level(encoded).unwrap();
        assert_eq!(o.report.runs.len(), 1);
        let (receipt, info) = e2e::receipt_of(&self.r, &raw)
            .unwrap_or_else(|| panic!("not included: {:?}", o.report));
        Measured {
            ticks: o.report.ticks(),
            planned,
            gas_used: info.gas_used,
            ok: receipt.is_success(),
        }
    }

    fn call(&mut self, input: Vec<u8>, gas: u64) -> Measured {
        self.send(Call::with_input(self.burner, input), gas)
    }
}

fn word(v: U256) -> [u8; 32] {
    v.to_be_bytes()
}

/// Inputs that make each precompile do its full work.
fn precompile_inputs() -> Vec<(&'static str, u8, Vec<u8>)> {
    let signer = Wallet::from_seed(7);
    let digest = B256::repeat_byte(0x42);
    let sig = signer.sign_hash(&digest);
    let mut ecrecover = digest.to_vec();
    ecrecover.extend(word(U256::from(27 + u64::from(sig.v()))));
    ecrecover.extend(word(sig.r()));
    ecrecover.extend(word(sig.s()));
    let kib = vec![0xab; 1024];
    let mut modexp = Vec::new();
    for len in [64u64, 64, 64] {
        modexp.extend(word(U256::from(len)));
    }
    modexp.extend([0x07; 64]);
    modexp.extend([0xff; 64]);
    modexp.extend([0xfd; 64]);
    let g1: Vec<u8> = [word(U256::from(1)), word(U256::from(2))].concat();
    let add = [g1.clone(), g1.clone()].concat();
    let mul = [g1.clone(), word(U256::MAX >> 4).to_vec()].concat();
    let g2: Vec<u8> = [
        "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2",
        "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed",
        "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b",
        "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa",
    ]
    .iter()
    .flat_map(|h| hex::decode(h).unwrap())
    .collect();
    let pairing = [g1.clone(), g2.clone(), g1, g2].concat();
    let mut blake = 1000u32.to_be_bytes().to_vec();
    blake.extend([0x11; 64 + 128 + 16]);
    blake.push(1);
    // The zero polynomial: commitment and proof at infinity, p(0) = 0.
    let infinity = [&[0xc0u8][..], &[0; 47]].concat();
    let mut versioned: [u8; 32] = sha2::Digest::finalize(sha2::Digest::chain_update(
        <sha2::Sha256 as sha2::Digest>::new(),
        &infinity,
    ))
    .into();
    versioned[0] = 1;
    let point = [versioned.to_vec(), vec![0; 64], infinity.clone(), infinity].concat();
    vec![
        ("ecrecover", 1, ecrecover),
        ("sha256 1 KiB", 2, kib.clone()),
        ("ripemd160 1 KiB", 3, kib.clone()),
        ("identity 1 KiB", 4, kib),
        ("modexp 512-bit", 5, modexp),
        ("bn254 add", 6, add),
        ("bn254 mul", 7, mul),
        ("bn254 pairing, 2 pairs", 8, pairing),
        ("blake2f 1000 rounds", 9, blake),
        ("point evaluation", 10, point),
    ]
}

#[test]
fn measured_ticks_stay_below_the_native_cost_model() {
    let mut b = Bench::new();
    let mut table = vec![format!(
        "| work | gas used | ticks | planned | ticks per gas |\n| --- | --- | --- | --- | --- |"
    )];
    let mut over = Vec::new();
    let mut check = |what: &str, m: &Measured| {
        table.push(format!(
            "| {what} | {} | {} | {} | {} |",
            m.gas_used,
            m.ticks,
            m.planned,
            m.ticks / m.gas_used.max(1)
        ));
        if m.ticks > m.planned {
            over.push(format!("{what}: {} ticks, planned {}", m.ticks, m.planned));
        }
    };
    let gas = 2_000_000;
    let reserve = U256::from(5_000);
    let kinds: Vec<(&str, Vec<u8>)> = vec![
        ("bare loop", spinCall { reserve }.abi_encode()),
        ("keccak of 32 bytes", hashCall { size: U256::from(32), reserve }.abi_encode()),
        ("keccak of 1 KiB", hashCall { size: U256::from(1024), reserve }.abi_encode()),
        ("fresh storage slots", storeCall { reserve }.abi_encode()),
        ("empty LOG4", logsCall { size: U256::ZERO, reserve }.abi_encode()),
        ("LOG4 of 1 KiB", logsCall { size: U256::from(1024), reserve }.abi_encode()),
        ("MCOPY of 1 KiB", copyCall { size: U256::from(1024), reserve }.abi_encode()),
    ];
    for (what, input) in kinds {
        let m = b.call(input, gas);
        check(what, &m);
    }
    // calls: the loop alone, and 20 calls of a contract that returns at once
    let burner = b.burner;
    let nothing = callsCall { target: burner, input: vec![].into(), n: U256::ZERO }.abi_encode();
    let m = b.call(nothing, 4_000_000);
    check("the call loop, no call", &m);
    let quick = spinCall { reserve: U256::MAX }.abi_encode();
    let input = callsCall { target: burner, input: quick.into(), n: U256::from(20) }.abi_encode();
    let m = b.call(input, 4_000_000);
    check("20 × a call of a contract that returns", &m);
    // precompiles: 20 calls each, as much gas as they want
    for (what, p, input) in precompile_inputs() {
        let target = Address::with_last_byte(p);
        let input = callsCall { target, input: input.into(), n: U256::from(20) }.abi_encode();
        let m = b.call(input.clone(), 4_000_000);
        assert!(m.ok, "{what}");
        check(&format!("20 × {what}"), &m);
        // Again with just the gas the calls need: now the precompile
        // allowance (not the gas) is what limits expensive precompiles.
        let tight = m.gas_used + m.gas_used / 10;
        let m = b.call(input, tight);
        check(&format!("20 × {what}, gas limit {tight}"), &m);
    }
    // WASM contracts (kernel/tests/contracts/probe.wat): a loop that burns
    // all its gas in fuel, and a counter (storage, a log).
    let probe = wat::parse_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../kernel/tests/contracts/probe.wat"
    ))
    .unwrap();
    let init = zkos_kernel::ee::deploy::Envelope { code: &probe, constants: &[], args: &[0; 32] };
    let wasm = b.alice.address().create(b.nonce);
    let m = b.send(Call::create(init.join()), 1_000_000);
    assert!(m.ok, "the WASM probe deploys");
    check("deploy a WASM contract (1.5 KB)", &m);
    let m = b.send(Call::with_input(wasm, vec![4]), gas);
    check("WASM bare loop", &m);
    let m = b.send(Call::with_input(wasm, vec![0]), 300_000);
    check("WASM counter (storage, log)", &m);
    // A call across VMs against one within the EVM (the row above with
    // Burner as its own target): the EVM loop calls the probe, which
    // returns its (empty) constants area.
    let input = callsCall { target: wasm, input: vec![8].into(), n: U256::from(20) }.abi_encode();
    let m = b.call(input, 4_000_000);
    assert!(m.ok, "calls into WASM");
    check("20 × a call of a WASM contract that returns", &m);
    // The same for RISC-V (kernels-examples/contracts/probe, the same
    // protocol in Rust).
    let elf = e2e::riscv_contract("zkos_probe");
    let init = zkos_kernel::ee::deploy::Envelope { code: &elf, constants: &[], args: &[0; 32] };
    let riscv = b.alice.address().create(b.nonce);
    let m = b.send(Call::create(init.join()), 1_000_000);
    assert!(m.ok, "the RISC-V probe deploys");
    check(&format!("deploy a RISC-V contract ({:.1} KB)", elf.len() as f64 / 1000.0), &m);
    let m = b.send(Call::with_input(riscv, vec![4]), gas);
    check("RISC-V bare loop", &m);
    let m = b.send(Call::with_input(riscv, vec![0]), 300_000);
    check("RISC-V counter (storage, log)", &m);
    let input = callsCall { target: riscv, input: vec![8].into(), n: U256::from(20) }.abi_encode();
    let m = b.call(input, 4_000_000);
    assert!(m.ok, "calls into RISC-V");
    check("20 × a call of a RISC-V contract that returns", &m);
    println!("{}", table.join("\n"));
    assert!(over.is_empty(), "over the model: {over:#?}");
}
