//! The node against the client libraries people use: `e2e/clients/viem.mjs`
//! (viem) and `e2e/clients/ethers.mjs` (ethers v6), run by Node.js against
//! a `zkos-node` started here with the OS kernel and the dev genesis. The
//! scripts assert what each library sees (their `node:assert` failures fail
//! the test with their output) and write a summary; this side then checks
//! that summary against the node's own answers, so a script that stopped
//! early or read the wrong thing cannot pass.
//!
//! The libraries are installed by the test command (`npm ci` in
//! `e2e/clients`, lockfile committed).

use std::{path::Path, process::Command};

use e2e::{contract, riscv_contract, workspace_root};
use jsonrpsee::{core::client::ClientT, http_client::HttpClient, rpc_params};
use serde_json::Value;
use zkos_node::Node;

/// The first dev account's key, as the README gives it.
const DEV_KEY: &str = "0xe797d4f6b718ea5782c3885c7dfe359ee792fdabab3418fcc856f0cbf11951ad";

fn clients_dir() -> std::path::PathBuf {
    workspace_root().join("e2e/clients")
}

/// The Rust ERC-20's init data for one VM, as hex, with a supply of
/// 1,000,000 tokens.
fn rust_token(code: &[u8], name: &str, symbol: &str) -> String {
    let supply = alloy_primitives::U256::from(1_000_000u64)
        * alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(18));
    format!("0x{}", hex::encode(crate::node::rust_token(code, name, symbol, supply)))
}

/// Writes `text` to `name` in `dir`; answers its path.
fn write(dir: &Path, name: &str, text: String) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `script` in Node.js against `node`; answers the summary it wrote.
async fn run_script(node: &Node, script: &str, out: &Path) -> Value {
    let dir = clients_dir();
    assert!(
        dir.join("node_modules/viem").is_dir() && dir.join("node_modules/ethers").is_dir(),
        "the client libraries are not installed: run `npm ci` in e2e/clients (scripts/test.sh does)"
    );
    let summary = out.join(format!("{script}.json"));
    let mut command = Command::new("node");
    command
        .current_dir(&dir)
        .arg(script)
        .env("ZKOS_RPC_URL", format!("http://{}", node.addr))
        .env("ZKOS_WS_URL", format!("ws://{}", node.addr))
        .env("ZKOS_DEV_KEY", DEV_KEY)
        .env("ZKOS_CONTRACTS", workspace_root().join("contracts/build"))
        .env(
            "ZKOS_WASM_TOKEN",
            write(out, "wasm-token.hex", rust_token(&contract("zkos_erc20"), "Rust Token", "RST")),
        )
        .env(
            "ZKOS_RISCV_TOKEN",
            write(
                out,
                "riscv-token.hex",
                rust_token(&riscv_contract("zkos_erc20"), "RISC-V Token", "RVT"),
            ),
        )
        .env("ZKOS_SUMMARY", &summary);
    let output = tokio::task::spawn_blocking(move || command.output()).await.unwrap();
    let output = output.unwrap_or_else(|e| panic!("node {script} did not start: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(output.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap()
}

/// Checks what a script reported against the node: the token's balances,
/// the withdrawal's outbox message, the transactions it counted.
async fn cross_check(c: &HttpClient, summary: &Value) {
    for (token, holder, balance) in
        summary["balances"].as_array().unwrap().iter().map(|b| (&b[0], &b[1], &b[2]))
    {
        // balanceOf(holder), through eth_call.
        let data = format!("0x70a08231{:0>64}", holder.as_str().unwrap().trim_start_matches("0x"));
        let answer: String = c
            .request("eth_call", rpc_params![serde_json::json!({"to": token, "data": data})])
            .await
            .unwrap();
        let answer = u128::from_str_radix(answer.trim_start_matches("0x"), 16).unwrap();
        assert_eq!(answer.to_string(), balance.as_str().unwrap(), "{token} {holder}");
    }
    let level = summary["withdrawal"]["level"].as_str().unwrap();
    let outbox: Value = c.request("zkos_outbox", rpc_params![level]).await.unwrap();
    let message = &outbox.as_array().unwrap()[0];
    assert_eq!(message["withdrawal"]["receiver"], summary["withdrawal"]["receiver"]);
    assert_eq!(message["withdrawal"]["amountWei"], summary["withdrawal"]["amountWei"]);
    for hash in summary["transactions"].as_array().unwrap() {
        let r: Value = c.request("eth_getTransactionReceipt", rpc_params![hash]).await.unwrap();
        assert!(!r.is_null(), "the node has no receipt for {hash}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viem_deploys_transfers_watches_reverts_and_withdraws() {
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = crate::node::start(dir.path()).await;
    let summary = run_script(&node, "viem.mjs", dir.path()).await;
    assert!(summary["transactions"].as_array().unwrap().len() >= 200, "the 200 back to back");
    cross_check(&c, &summary).await;
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ethers_deploys_transfers_reverts_withdraws_and_sends_every_type() {
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = crate::node::start(dir.path()).await;
    let summary = run_script(&node, "ethers.mjs", dir.path()).await;
    cross_check(&c, &summary).await;
    node.stop().await;
}
