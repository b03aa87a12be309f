//! Writes `kernels-examples/inboxes/erc20.json`: OpenZeppelin's ERC-20
//! (`contracts/build/ZkToken.json`, compiled by solc-js) deployed and used
//! by the dev genesis accounts, in the runner's inbox format:
//!
//! 1. the dev bridge (`KT1SFmmwk4NmRS36tqKYjW4SmRG7PNVBP9aG`) deposits 5 tez
//!    for dave, who has nothing at genesis; alice deploys ZkToken with
//!    1 000 000 ZKT minted to her;
//! 2. alice sends 1000 ZKT to bob and 500 to carol; bob sends 100 to carol;
//! 3. carol tries to send 10 000 ZKT to dave — more than she has, so the
//!    transaction is included but reverts (`ERC20InsufficientBalance`,
//!    receipt status 0, nonce used, gas paid) — then sends 50;
//! 4. dave withdraws 2 tez to `tz1gs33GtCxxoC5hAQuyXGax9oWZVG9fpdkn` on L1
//!    through the withdrawal contract: an outbox message for the bridge.
//!
//! Signatures are deterministic (RFC 6979), so the file is reproducible:
//!
//! ```sh
//! cargo run -p zkos-wallet --example erc20_inbox > kernels-examples/inboxes/erc20.json
//! ```

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolValue, sol};
use wallet::{Call, Wallet};

sol! {
    function transfer(address to, uint256 value) returns (bool);
    function withdraw(string l1Receiver) returns (uint256 id);
}

/// The dev genesis' bridge contract: its KT1 and its 20-byte hash.
const BRIDGE: &str = "KT1SFmmwk4NmRS36tqKYjW4SmRG7PNVBP9aG";
const BRIDGE_HASH: &str = "c1da893f4fc579a6b5cb8a1956d2f9097ed9e04b";
/// Dave's account on L1.
const L1_RECEIVER: &str = "tz1gs33GtCxxoC5hAQuyXGax9oWZVG9fpdkn";
/// The withdrawal system contract.
const WITHDRAWAL: Address =
    alloy_primitives::address!("0xff00000000000000000000000000000000000001");
const MUTEZ: u128 = 1_000_000_000_000;

/// An L1 deposit of `mutez` for `to`: the bridge's ticket in a transfer
/// (the payload of `kernel/src/bootloader/deposit.rs`).
fn deposit(to: Address, mutez: u64) -> String {
    format!(
        "{{\"payload\": \"Pair 0x{} (Pair 0x01{BRIDGE_HASH}00 (Pair (Pair 0 None) {mutez}))\", \
         \"sender\": \"{BRIDGE}\", \"source\": \"{L1_RECEIVER}\"}}",
        hex::encode(to)
    )
}

const CHAIN_ID: u64 = 23115;
const ROLLUP: [u8; 20] = [0x5a; 20];
const GWEI: u128 = 1_000_000_000;

fn zkt(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

fn framed(tx: &[u8]) -> String {
    let mut bytes = vec![0u8];
    bytes.extend_from_slice(&ROLLUP);
    bytes.extend_from_slice(tx);
    format!("{{\"external\": \"{}\"}}", hex::encode(&bytes))
}

fn initcode() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../contracts/build/ZkToken.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("ZkToken artefact"))
            .expect("artefact json");
    let mut code = hex::decode(json["bytecode"].as_str().expect("bytecode")).expect("hex");
    code.extend_from_slice(&zkt(1_000_000).abi_encode());
    code
}

fn send(from: &Wallet, token: Address, to: Address, amount: U256, nonce: u64) -> String {
    let input = transferCall { to, value: amount }.abi_encode();
    framed(&from.sign_1559(
        CHAIN_ID,
        &Call::with_input(token, input),
        nonce,
        2 * GWEI,
        GWEI,
        100_000,
    ))
}

fn main() {
    let [alice, bob, carol] = [1, 2, 3].map(Wallet::from_seed);
    let dave = Wallet::from_seed(4).address();
    let token = alice.address().create(0);
    let dave_wallet = Wallet::from_seed(4);
    let mut withdraw =
        Call::with_input(WITHDRAWAL, withdrawCall { l1Receiver: L1_RECEIVER.into() }.abi_encode());
    withdraw.value = U256::from(2_000_000 * MUTEZ);
    let levels = [
        vec![
            deposit(dave, 5_000_000),
            framed(&alice.sign_1559(
                CHAIN_ID,
                &Call::create(initcode()),
                0,
                2 * GWEI,
                GWEI,
                2_000_000,
            )),
        ],
        vec![
            send(&alice, token, bob.address(), zkt(1000), 1),
            send(&alice, token, carol.address(), zkt(500), 2),
            send(&bob, token, carol.address(), zkt(100), 0),
        ],
        vec![send(&carol, token, dave, zkt(10_000), 0), send(&carol, token, dave, zkt(50), 1)],
        vec![framed(&dave_wallet.sign_1559(CHAIN_ID, &withdraw, 0, 2 * GWEI, GWEI, 100_000))],
    ];
    let body: Vec<String> =
        levels.iter().map(|l| format!("  [\n    {}\n  ]", l.join(",\n    "))).collect();
    println!("[\n{}\n]", body.join(",\n"));
}
