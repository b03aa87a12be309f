//! Native (mock-host) against `fast` (wasmer) against `pvm` (wasmi): the same
//! kernel and the same level, side by side in one run.
//!
//! `cargo bench -p zkos-e2e --bench engines`. Each iteration runs one whole
//! level (all its `kernel_run` calls) through `host::control::run_level`, the
//! same control flow for all three; state persistence is left out so only
//! the engines differ. The ticks of each level under `pvm` are printed before
//! the measurements.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use e2e::{kernel, level, metadata};
use host::{Durable, Host, InboxMessage, control::run_level};
use mock_host::MockHost;
use pvm_runner::{
    EngineKind, Kernel, engine::Engine, genesis::Genesis, runner::DEFAULT_TICK_LIMIT,
};
use wallet::{Call, Wallet};

struct Scenario {
    name: &'static str,
    stem: &'static str,
    native: fn(&mut MockHost),
    messages: Vec<InboxMessage>,
    genesis: Option<Genesis>,
}

/// Ten signed EIP-1559 transfers from one funded account, framed for the
/// rollup, over the dev genesis.
fn transfers() -> (Vec<InboxMessage>, Genesis) {
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../kernels-examples/genesis/dev.json"
    ))
    .expect("dev genesis");
    let genesis = Genesis::parse(&json).expect("valid genesis");
    let alice = Wallet::from_seed(1);
    let to = Wallet::from_seed(4).address();
    let fee = u128::from(genesis.config.base_fee_per_gas);
    let messages = (0..10)
        .map(|nonce| {
            let tx = alice.sign_1559(
                genesis.config.chain_id,
                &Call::transfer(to, 1_000),
                nonce,
                2 * fee,
                fee,
                21_000,
            );
            InboxMessage::External([&[0u8][..], &[0x5a; 20], &tx].concat())
        })
        .collect();
    (messages, genesis)
}

alloy_sol_types::sol! {
    function transfer(address to, uint256 value) returns (bool);
}

/// Ten ERC-20 `transfer`s from one holder to ten new holders (each writes a
/// fresh balance slot and emits a `Transfer` event). The token is
/// OpenZeppelin's ERC-20 (`contracts/build/ZkToken.json`), pre-deployed in
/// the genesis with the holder's balance and the total supply in their
/// slots (`_balances` is slot 0, `_totalSupply` slot 2).
fn erc20_transfers() -> (Vec<InboxMessage>, Genesis) {
    use alloy_primitives::{U256, keccak256};
    use alloy_sol_types::SolCall;
    let (_, mut genesis) = transfers();
    let artefact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../contracts/build/ZkToken.json"
        ))
        .expect("ZkToken artefact"),
    )
    .expect("artefact json");
    let code = hex::decode(artefact["deployedBytecode"].as_str().expect("code")).expect("hex");
    let alice = Wallet::from_seed(1);
    let token = alloy_primitives::Address::repeat_byte(0x70);
    let supply = U256::from(10u64).pow(U256::from(24));
    let mut key = alice.address().into_word().to_vec();
    key.extend_from_slice(&[0; 32]);
    let account = pvm_runner::genesis::GenesisAccount {
        balance: U256::ZERO,
        nonce: 1,
        code: Some(code),
        storage: [(keccak256(&key).into(), supply), (U256::from(2), supply)].into(),
    };
    genesis.alloc.insert(token, account);
    let fee = u128::from(genesis.config.base_fee_per_gas);
    let messages = (0..10u8)
        .map(|i| {
            let to = alloy_primitives::Address::repeat_byte(0xa0 + i);
            let input = transferCall { to, value: U256::from(1_000) }.abi_encode();
            let tx = alice.sign_1559(
                genesis.config.chain_id,
                &Call::with_input(token, input),
                u64::from(i),
                2 * fee,
                fee,
                100_000,
            );
            InboxMessage::External([&[0u8][..], &[0x5a; 20], &tx].concat())
        })
        .collect();
    (messages, genesis)
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "counter-compute",
            stem: "counter_kernel",
            native: counter_kernel::run::<MockHost>,
            // ten messages each burning 20,000 rounds of arithmetic
            messages: (0..10).map(|_| InboxMessage::External(b"burn 20000".to_vec())).collect(),
            genesis: None,
        },
        Scenario {
            name: "echo-io",
            stem: "echo_kernel",
            native: echo_kernel::run::<MockHost>,
            // a hundred 1 KiB messages read and written to the outbox
            messages: (0..100).map(|i| InboxMessage::External(vec![i as u8; 1024])).collect(),
            genesis: None,
        },
        {
            let (messages, genesis) = transfers();
            Scenario {
                name: "os-transfers",
                stem: "zkos_kernel",
                native: zkos_kernel::bootloader::run::<MockHost>,
                // ten signed transfers: decode, recover the signer, check, apply, seal the block
                messages,
                genesis: Some(genesis),
            }
        },
        {
            let (messages, genesis) = erc20_transfers();
            Scenario {
                name: "os-erc20",
                stem: "zkos_kernel",
                native: zkos_kernel::bootloader::run::<MockHost>,
                // ten OpenZeppelin ERC-20 transfers through the EVM
                messages,
                genesis: Some(genesis),
            }
        },
    ]
}

fn bench(c: &mut Criterion) {
    for s in scenarios() {
        let wasm = kernel(s.stem);
        let msgs = level(1, &s.messages);
        let kernel = Kernel::new(wasm).expect("valid kernel");
        let genesis = s.genesis.clone();
        let with_genesis = move |durable: &mut Durable| {
            if let Some(g) = &genesis {
                g.apply(durable).expect("genesis applies");
            }
        };
        let fresh = || {
            let mut host = Host::new(Durable::new(), metadata());
            with_genesis(&mut host.durable);
            host
        };
        let fresh_mock = || {
            let mut mock = MockHost::default();
            with_genesis(&mut mock.host_mut().durable);
            mock
        };
        let mut engines = [("fast", EngineKind::Fast), ("pvm", EngineKind::Pvm)]
            .map(|(name, kind)| (name, Engine::new(kind)));
        for (_, engine) in &mut engines {
            // compile and warm the module cache outside the measurement
            let mut host = fresh();
            let r = run_level(&mut host, 1, msgs.clone(), |h| {
                engine.run(h, &kernel, DEFAULT_TICK_LIMIT)
            });
            assert!(r.runs.iter().all(|r| r.failure.is_none()));
            let debug = String::from_utf8_lossy(&host.take_debug()).into_owned();
            assert!(!debug.contains("refused"), "the scenario must be valid: {debug}");
            assert!(r.messages_read == r.messages_total);
            if r.ticks() > 0 {
                eprintln!(
                    "{}: {} kernel_run calls, {} ticks per level (pvm)",
                    s.name,
                    r.runs.len(),
                    r.ticks()
                );
            }
        }
        let mut group = c.benchmark_group(s.name);
        group.sample_size(30);
        // Each iteration starts from a fresh, empty rollup (set-up not timed),
        // so nothing accumulates across iterations.
        group.bench_function("native", |b| {
            b.iter_batched(
                || (fresh_mock(), msgs.clone()),
                |(mut mock, m)| mock.run_raw_level(m, s.native),
                BatchSize::SmallInput,
            );
        });
        for (name, engine) in &mut engines {
            group.bench_function(*name, |b| {
                b.iter_batched(
                    || (fresh(), msgs.clone()),
                    |(mut host, m)| {
                        run_level(&mut host, 1, m, |h| engine.run(h, &kernel, DEFAULT_TICK_LIMIT))
                    },
                    BatchSize::SmallInput,
                );
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
