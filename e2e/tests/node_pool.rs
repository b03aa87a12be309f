//! What the node does with transactions the kernel may refuse: any gas
//! limit up to the block gas limit is sealed, a transaction the kernel
//! refuses at sealing leaves the pool with its reason kept, its sender's
//! later transactions wait behind the gap, and `--instant` seals no level
//! for transactions that cannot be included.

use std::{sync::Arc, time::Duration};

use alloy_primitives::Address;
use jsonrpsee::rpc_params;
use serde_json::Value;
use wallet::{Call, Wallet};
use zkos_node::{Sealing, mempool::Pending, sequencer::Shared};

use crate::node::{call, hex, quantity, receipt, refused, start, start_sealing};

const CHAIN_ID: u64 = 23_115;
const GWEI: u128 = 1_000_000_000;
const ETH: u128 = 1_000_000_000_000_000_000;

fn transfer(w: &Wallet, nonce: u64, wei: u128, gas: u64) -> Vec<u8> {
    w.sign_1559(CHAIN_ID, &Call::transfer(Address::repeat_byte(0x77), wei), nonce, 2 * GWEI, 0, gas)
}

async fn block_number(c: &jsonrpsee::http_client::HttpClient) -> u128 {
    quantity(&call(c, "eth_blockNumber", rpc_params![]).await)
}

/// The bytes of every file under `dir`.
fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() { dir_size(&e.path()) } else { meta.len() }
        })
        .sum()
}

async fn seal(shared: &Arc<Shared>) -> zkos_node::chain::Sealed {
    let s = Arc::clone(shared);
    tokio::task::spawn_blocking(move || s.seal_once()).await.unwrap().unwrap().expect("a level")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_gas_limit_up_to_the_block_gas_limit_is_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = start(dir.path()).await;
    let alice = Wallet::from_seed(1);
    let latest = call(&c, "eth_getBlockByNumber", rpc_params!["latest", false]).await;
    assert_eq!(quantity(&latest["gasLimit"]), 30_000_000);
    // The whole block gas limit, and Ethereum's per-transaction cap.
    for (nonce, gas) in [(0, 30_000_000u64), (1, 1 << 24)] {
        let h =
            call(&c, "eth_sendRawTransaction", rpc_params![hex(&transfer(&alice, nonce, 1, gas))]);
        let r = receipt(&c, h.await.as_str().unwrap()).await;
        assert_eq!(r["status"], "0x1", "gas limit {gas}");
        assert_eq!(quantity(&r["gasUsed"]), 21_000);
    }
    // A deployment with the margin tools add to the estimate (the 4.8 M
    // deployment sent with 7.2 M that the 5 M ceiling used to lose).
    let json = std::fs::read_to_string(e2e::workspace_root().join("contracts/build/ZkToken.json"));
    let json: Value = serde_json::from_str(&json.unwrap()).unwrap();
    let initcode = [
        ::hex::decode(json["bytecode"].as_str().unwrap()).unwrap(),
        alloy_primitives::U256::from(1_000u64).to_be_bytes::<32>().to_vec(),
    ]
    .concat();
    let deploy = alice.sign_1559(CHAIN_ID, &Call::create(initcode), 2, 2 * GWEI, 0, 7_200_000);
    let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&deploy)]).await;
    assert_eq!(receipt(&c, h.as_str().unwrap()).await["status"], "0x1");
    // Over the block gas limit: refused at once, in geth's words.
    let over = hex(&transfer(&alice, 3, 1, 30_000_001));
    let why = refused(&c, "eth_sendRawTransaction", rpc_params![over]).await;
    assert!(why.contains("exceeds block gas limit"), "{why}");
    // eth_estimateGas searches up to the same ceiling.
    let request = serde_json::json!({"from": alice.address(), "to": Address::repeat_byte(1)});
    assert_eq!(quantity(&call(&c, "eth_estimateGas", rpc_params![request]).await), 21_000);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_the_kernel_refuses_leaves_the_pool_and_seals_no_more_levels() {
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = start(dir.path()).await;
    let first = block_number(&c).await;
    // A transaction admission would refuse, put in the pool as one the
    // state overtook after admission would be: its sender has nothing.
    let poor = Wallet::from_seed(99);
    let raw = transfer(&poor, 0, 1, 21_000);
    let tx = zkos_kernel::tx::decode(&raw).unwrap();
    let hash = tx.hash;
    node.shared.pool().insert(Pending { raw, tx }, 0).unwrap();
    // And one that waits behind a nonce gap, which no level can include.
    let bob = Wallet::from_seed(2);
    call(&c, "eth_sendRawTransaction", rpc_params![hex(&transfer(&bob, 3, 1, 21_000))]).await;
    node.shared.arrived.notify_one();
    let mut refusal = Value::Null;
    for _ in 0..400 {
        refusal = call(&c, "zkos_refusedTransaction", rpc_params![hash]).await;
        if !refusal.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let reason = refusal["reason"].as_str().unwrap_or_else(|| panic!("no refusal: {refusal}"));
    assert!(reason.contains("insufficient funds"), "{reason}");
    assert_eq!(quantity(&refusal["block"]), first + 1);
    let size = dir_size(dir.path());
    // With only the gapped transaction waiting, nothing more is sealed.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(block_number(&c).await, first + 1, "one level for the refused transaction");
    assert_eq!(node.shared.pool().len(), 1, "only the gapped transaction waits");
    assert!(call(&c, "eth_getTransactionByHash", rpc_params![hash]).await.is_null());
    assert!(dir_size(dir.path()) <= size + (1 << 20), "the state directory does not grow");
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_transactions_successors_wait_behind_the_gap_until_it_is_filled() {
    let dir = tempfile::tempdir().unwrap();
    // Levels are sealed by the test alone.
    let (node, c) = start_sealing(dir.path(), Sealing::Every(Duration::from_secs(3600))).await;
    let alice = Wallet::from_seed(1);
    let send = |raw: Vec<u8>| {
        let c = c.clone();
        async move {
            let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&raw)]).await;
            h.as_str().unwrap().to_owned()
        }
    };
    // Each is admitted against the committed balance; in the level, the
    // first spends what the second needs.
    let spend = send(transfer(&alice, 0, 999 * ETH, 21_000)).await;
    let short = send(transfer(&alice, 1, 2 * ETH, 21_000)).await;
    let later = send(transfer(&alice, 2, ETH / 100, 21_000)).await;
    let sealed = seal(&node.shared).await;
    let refused: Vec<String> = sealed.refused.iter().map(|r| format!("{:#x}", r.hash)).collect();
    assert_eq!(refused, [short.clone(), later.clone()]);
    assert_eq!(receipt(&c, &spend).await["status"], "0x1");
    let why = call(&c, "zkos_refusedTransaction", rpc_params![short.clone()]).await;
    assert!(why["reason"].as_str().unwrap().contains("insufficient funds"), "{why}");
    assert!(call(&c, "eth_getTransactionByHash", rpc_params![short]).await.is_null());
    // The later one was refused for its nonce alone: it waits, pending.
    assert!(call(&c, "zkos_refusedTransaction", rpc_params![later.clone()]).await.is_null());
    let pending = call(&c, "eth_getTransactionByHash", rpc_params![later.clone()]).await;
    assert!(pending["blockNumber"].is_null(), "{pending}");
    let next = call(&c, "eth_getTransactionCount", rpc_params![alice.address(), "pending"]).await;
    assert_eq!(quantity(&next), 1, "the gap at nonce 1");
    // A transaction at the gap makes it executable again.
    let fill = send(transfer(&alice, 1, ETH / 100, 21_000)).await;
    let sealed = seal(&node.shared).await;
    assert!(sealed.refused.is_empty(), "{:?}", sealed.refused);
    for h in [fill, later] {
        assert_eq!(receipt(&c, &h).await["status"], "0x1");
    }
    assert!(node.shared.pool().is_empty());
    node.stop().await;
}
