//! Tokens of all three VMs traded by a Solidity contract, through the whole
//! stack on both engines: the Rust ERC-20 (`kernels-examples/contracts/erc20`)
//! built for wasm32 and, from the same source, for riscv64, and
//! OpenZeppelin's ERC-20 (`contracts/src/ZkToken.sol`), swapped by
//! `contracts/src/Swap.sol`, which calls them all through the same `IERC20`
//! interface; and the Rust vault (`kernels-examples/contracts/vault`), on
//! WASM and on RISC-V, calling the Solidity token to take and return
//! deposits. Each of the first transfers runs alone in a level so its ticks
//! can be read; run with `--nocapture` for the figures recorded in
//! BENCHMARKS.md.

use alloy_primitives::{Address, U256, keccak256};
use alloy_sol_types::{SolCall, SolValue, sol};
use e2e::{contract, kernel, riscv_contract, runner_with_genesis};
use pvm_runner::{EngineKind, genesis::Genesis, runner::Runner};
use wallet::{Call, Wallet};
use zkos_kernel::ee::deploy::Envelope;

sol! {
    function transfer(address to, uint256 value) returns (bool);
    function approve(address spender, uint256 value) returns (bool);
    function offer(address give, uint256 giveAmount, address want, uint256 wantAmount) returns (uint256);
    function take(uint256 id);
    function deposit(address token, uint256 amount);
    function withdraw(address token, uint256 amount);
}

const GWEI: u128 = 1_000_000_000;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn solidity(name: &str) -> Vec<u8> {
    let json =
        std::fs::read_to_string(root().join(format!("contracts/build/{name}.json"))).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    hex::decode(json["bytecode"].as_str().unwrap()).unwrap()
}

fn tokens(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

fn value(r: &Runner, path: &str) -> Option<Vec<u8>> {
    r.durable().get(host::Path::new(path.as_bytes()).unwrap()).map(|v| v.to_vec())
}

/// `balanceOf(a)` of either token: both keep `_balances` at slot 0.
fn balance(r: &Runner, token: &Address, a: &Address) -> U256 {
    let key = [a.into_word().to_vec(), vec![0; 32]].concat();
    let slot: U256 = keccak256(&key).into();
    value(r, &layout::storage(token, &slot))
        .map_or(U256::ZERO, |b| layout::decode_u256(&b).unwrap())
}

#[test]
fn a_solidity_swap_trades_tokens_of_all_three_vms() {
    let genesis = Genesis::parse(
        &std::fs::read_to_string(root().join("kernels-examples/genesis/dev.json")).unwrap(),
    )
    .unwrap();
    let [alice, bob, carol] = [1, 2, 3].map(Wallet::from_seed);
    let (rst, zkt, swap) = (0, 1, 2).map_tuple(|n| alice.address().create(n));
    let vault = alice.address().create(3);
    let (rvt, rvault) = (alice.address().create(4), alice.address().create(5));
    let code = contract("zkos_erc20");
    let constants = zkos_erc20::constants("Rust Token", "RST", 18);
    let supply = tokens(1_000_000).abi_encode();
    let rust_token = Envelope { code: &code, constants: &constants, args: &supply }.join();
    let elf = riscv_contract("zkos_erc20");
    let constants = zkos_erc20::constants("RISC-V Token", "RVT", 18);
    let riscv_token = Envelope { code: &elf, constants: &constants, args: &supply }.join();
    let zk_token = [solidity("ZkToken"), supply.clone()].concat();
    let to = |t: Address, input: Vec<u8>| Call::with_input(t, input);
    let transfer = |who: &Wallet, v| transferCall { to: who.address(), value: v }.abi_encode();
    let approve = |v| approveCall { spender: swap, value: v }.abi_encode();
    let mut levels: Vec<Vec<(&str, &Wallet, Call, u64)>> = vec![
        vec![
            ("deploy the Rust ERC-20 (WASM)", &alice, Call::create(rust_token), 4_900_000),
            ("deploy OpenZeppelin's ERC-20 (EVM)", &alice, Call::create(zk_token), 2_000_000),
            ("deploy the Solidity swap", &alice, Call::create(solidity("Swap")), 2_000_000),
            (
                "deploy the Rust vault (WASM)",
                &alice,
                Call::create(contract("zkos_vault")),
                4_900_000,
            ),
            ("deploy the Rust ERC-20 (RISC-V)", &alice, Call::create(riscv_token), 4_900_000),
            (
                "deploy the Rust vault (RISC-V)",
                &alice,
                Call::create(riscv_contract("zkos_vault")),
                4_900_000,
            ),
        ],
        vec![("WASM token transfer", &alice, to(rst, transfer(&bob, tokens(1000))), 1_500_000)],
        vec![("EVM token transfer", &alice, to(zkt, transfer(&bob, tokens(1000))), 1_500_000)],
        vec![("RISC-V token transfer", &alice, to(rvt, transfer(&bob, tokens(1000))), 1_500_000)],
        vec![
            ("bob approves the swap (WASM)", &bob, to(rst, approve(tokens(500))), 1_500_000),
            (
                "bob offers 500 RST for 200 ZKT",
                &bob,
                to(
                    swap,
                    offerCall {
                        give: rst,
                        giveAmount: tokens(500),
                        want: zkt,
                        wantAmount: tokens(200),
                    }
                    .abi_encode(),
                ),
                1_500_000,
            ),
            ("alice approves the swap (EVM)", &alice, to(zkt, approve(tokens(200))), 1_500_000),
            (
                "alice takes the offer",
                &alice,
                to(swap, takeCall { id: U256::ZERO }.abi_encode()),
                1_500_000,
            ),
            (
                "carol takes it again",
                &carol,
                to(swap, takeCall { id: U256::ZERO }.abi_encode()),
                1_500_000,
            ),
            (
                "bob sends more RST than he has",
                &bob,
                to(rst, transfer(&carol, tokens(10_000))),
                1_500_000,
            ),
            ("bob approves the swap (RISC-V)", &bob, to(rvt, approve(tokens(300))), 1_500_000),
            (
                "bob offers 300 RVT for 100 RST",
                &bob,
                to(
                    swap,
                    offerCall {
                        give: rvt,
                        giveAmount: tokens(300),
                        want: rst,
                        wantAmount: tokens(100),
                    }
                    .abi_encode(),
                ),
                1_500_000,
            ),
            ("alice approves the swap (WASM)", &alice, to(rst, approve(tokens(100))), 1_500_000),
            (
                "alice takes the RISC-V for WASM offer",
                &alice,
                to(swap, takeCall { id: U256::from(1) }.abi_encode()),
                1_500_000,
            ),
            (
                "bob offers RST he has not approved",
                &bob,
                to(
                    swap,
                    offerCall {
                        give: rst,
                        giveAmount: tokens(1),
                        want: zkt,
                        wantAmount: tokens(1),
                    }
                    .abi_encode(),
                ),
                1_500_000,
            ),
        ],
    ];
    // The Rust vault calls OpenZeppelin's Solidity token.
    let deposit = |v| depositCall { token: zkt, amount: v }.abi_encode();
    let withdraw = |v| withdrawCall { token: zkt, amount: v }.abi_encode();
    let approve_vault = approveCall { spender: vault, value: tokens(100) }.abi_encode();
    levels.push(vec![
        ("alice approves the vault (EVM)", &alice, to(zkt, approve_vault), 200_000),
        (
            "alice deposits 100 ZKT in the Rust vault",
            &alice,
            to(vault, deposit(tokens(100))),
            1_500_000,
        ),
        ("alice withdraws 40", &alice, to(vault, withdraw(tokens(40))), 1_500_000),
        ("alice withdraws more than is left", &alice, to(vault, withdraw(tokens(100))), 1_500_000),
        ("carol deposits without an allowance", &carol, to(vault, deposit(tokens(1))), 1_500_000),
    ]);
    // The same vault's source, built for RISC-V.
    let approve_rvault = approveCall { spender: rvault, value: tokens(50) }.abi_encode();
    levels.push(vec![
        ("alice approves the RISC-V vault (EVM)", &alice, to(zkt, approve_rvault), 200_000),
        (
            "alice deposits 50 ZKT in the RISC-V vault",
            &alice,
            to(rvault, deposit(tokens(50))),
            1_500_000,
        ),
        ("alice withdraws 20 from it", &alice, to(rvault, withdraw(tokens(20))), 1_500_000),
        ("alice withdraws 31 from it", &alice, to(rvault, withdraw(tokens(31))), 1_500_000),
    ]);
    let chain_id = genesis.config.chain_id;
    let mut nonces = std::collections::BTreeMap::new();
    let signed: Vec<Vec<(&str, Vec<u8>)>> = levels
        .iter()
        .map(|txs| {
            txs.iter()
                .map(|(what, w, call, gas)| {
                    let nonce = nonces.entry(w.address()).or_insert(0u64);
                    let raw = w.sign_1559(chain_id, call, *nonce, 2 * GWEI, GWEI, *gas);
                    *nonce += 1;
                    (*what, raw)
                })
                .collect()
        })
        .collect();
    let mut runs = Vec::new();
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let mut r = runner_with_genesis(engine, kernel("zkos_kernel"), &genesis);
        let outcomes: Vec<_> = signed
            .iter()
            .enumerate()
            .map(|(i, txs)| {
                // A 44 KB deployment is more than one inbox message: chunks.
                let msgs = e2e::messages(txs.iter().map(|(_, t)| t.as_slice()));
                let o = r.run_level(e2e::level(i as u32 + 1, &msgs)).unwrap();
                (o.root, o.report.ticks())
            })
            .collect();
        runs.push((outcomes, r));
    }
    let roots = |i: usize| runs[i].0.iter().map(|(root, _)| *root).collect::<Vec<_>>();
    assert_eq!(roots(0), roots(1), "fast and pvm reach the same roots");
    e2e::assert_committed_levels_replay(&runs[0].1);
    let r = &runs[1].1;

    let mut summary = String::new();
    let mut gas = Vec::new();
    for (what, tx) in signed.iter().flatten() {
        let (receipt, info) = e2e::receipt_of(r, tx).expect("a receipt");
        let name = |a: &Address| match *a {
            a if a == rst => "RST",
            a if a == zkt => "ZKT",
            a if a == swap => "swap",
            a if a == vault => "vault",
            a if a == rvt => "RVT",
            a if a == rvault => "RISC-V vault",
            _ => "?",
        };
        let logs: Vec<_> = receipt.logs().iter().map(|l| name(&l.address)).collect();
        summary += &format!(
            "{what}: status {} gas {} logs [{}]\n",
            u8::from(receipt.status()),
            info.gas_used,
            logs.join(", ")
        );
        gas.push((*what, info.gas_used));
    }
    insta::assert_snapshot!("tokens_across_vms_receipts", summary);
    // What the figures in BENCHMARKS.md come from: one transfer per level.
    let ticks = |level: usize| runs[1].0[level].1;
    println!("| ERC-20 transfer | gas | ticks (level) |\n| --- | --- | --- |");
    let gas_of = |name: &str| gas.iter().find(|(w, _)| *w == name).map(|(_, g)| *g).unwrap();
    println!("| Rust, WASM | {} | {} |", gas_of("WASM token transfer"), ticks(1));
    println!("| OpenZeppelin, EVM | {} | {} |", gas_of("EVM token transfer"), ticks(2));
    println!("| Rust, RISC-V | {} | {} |", gas_of("RISC-V token transfer"), ticks(3));

    let [a, b, c] = [&alice, &bob, &carol].map(|w| w.address());
    assert_eq!(balance(r, &rst, &a), tokens(1_000_000 - 1000 + 500 - 100));
    assert_eq!(balance(r, &rst, &b), tokens(1000 - 500 + 100));
    assert_eq!(balance(r, &rvt, &a), tokens(1_000_000 - 1000 + 300));
    assert_eq!(balance(r, &rvt, &b), tokens(1000 - 300));
    assert_eq!(balance(r, &rvt, &swap), U256::ZERO);
    assert_eq!(balance(r, &rst, &c), U256::ZERO);
    assert_eq!(balance(r, &rst, &swap), U256::ZERO);
    assert_eq!(balance(r, &zkt, &a), tokens(1_000_000 - 1000 - 200 - 100 + 40 - 50 + 20));
    assert_eq!(balance(r, &zkt, &vault), tokens(60));
    assert_eq!(balance(r, &zkt, &rvault), tokens(30));
    assert!(summary.contains("alice withdraws 31 from it: status 0"));
    assert!(summary.contains("alice withdraws more than is left: status 0"));
    assert!(summary.contains("carol deposits without an allowance: status 0"));
    assert_eq!(balance(r, &zkt, &b), tokens(1000 + 200));
    assert!(summary.contains("carol takes it again: status 0"));
    assert!(summary.contains("bob offers RST he has not approved: status 0"));
}

trait MapTuple<T> {
    fn map_tuple<U>(self, f: impl Fn(T) -> U) -> (U, U, U);
}

impl<T> MapTuple<T> for (T, T, T) {
    fn map_tuple<U>(self, f: impl Fn(T) -> U) -> (U, U, U) {
        (f(self.0), f(self.1), f(self.2))
    }
}
