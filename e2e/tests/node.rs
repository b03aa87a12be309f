//! The node end to end: the OS kernel sequenced by `zkos-node` (as a
//! library, in this process), reached over HTTP JSON-RPC with a real client
//! (jsonrpsee's), and the node's history replayed by `pvm-runner` on the
//! `pvm` engine to the same roots.

use std::time::Duration;

use alloy_primitives::{Address, keccak256};
use e2e::kernel;
use jsonrpsee::{
    core::{ClientError, client::ClientT},
    http_client::{HttpClient, HttpClientBuilder},
    rpc_params,
};
use pvm_runner::{EngineKind, genesis::Genesis};
use serde_json::Value;
use wallet::{Call, Wallet};
use zkos_node::{ChainOptions, Node, NodeConfig, Sealing, chain::Store, rpc::RpcLimits};

const CHAIN_ID: u64 = 23_115;
const GWEI: u128 = 1_000_000_000;

pub(crate) fn genesis() -> Genesis {
    let path = e2e::workspace_root().join("kernels-examples/genesis/dev.json");
    Genesis::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A node on the OS kernel and the dev genesis, sealing at once, with a
/// client for it (the client tests use it too).
pub(crate) async fn start(state: &std::path::Path) -> (Node, HttpClient) {
    start_with(state, Default::default()).await
}

async fn start_with(state: &std::path::Path, limits: RpcLimits) -> (Node, HttpClient) {
    start_node(state, limits, Sealing::Instant).await
}

/// A node as [`start`] makes it, sealing as `sealing` says.
pub(crate) async fn start_sealing(state: &std::path::Path, sealing: Sealing) -> (Node, HttpClient) {
    start_node(state, Default::default(), sealing).await
}

async fn start_node(
    state: &std::path::Path,
    limits: RpcLimits,
    sealing: Sealing,
) -> (Node, HttpClient) {
    let config = NodeConfig {
        state: Some(state.to_path_buf()),
        chain: ChainOptions {
            kernel: Some(kernel("zkos_kernel")),
            genesis: Some(genesis()),
            ..ChainOptions::default()
        },
        rpc: "127.0.0.1:0".parse().unwrap(),
        sealing,
        pool: Default::default(),
        limits,
    };
    let node = Node::start(config).await.unwrap();
    let client = HttpClientBuilder::default().build(format!("http://{}", node.addr)).unwrap();
    (node, client)
}

pub(crate) async fn call(
    c: &HttpClient,
    method: &str,
    params: jsonrpsee::core::params::ArrayParams,
) -> Value {
    c.request(method, params).await.unwrap_or_else(|e| panic!("{method}: {e}"))
}

pub(crate) fn quantity(v: &Value) -> u128 {
    u128::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// The error message of a refused call.
pub(crate) async fn refused(
    c: &HttpClient,
    method: &str,
    params: jsonrpsee::core::params::ArrayParams,
) -> String {
    match c.request::<Value, _>(method, params).await {
        Err(ClientError::Call(e)) => format!("{} {}", e.code(), e.message()),
        other => panic!("{method} should be refused, got {other:?}"),
    }
}

pub(crate) async fn receipt(c: &HttpClient, hash: &str) -> Value {
    for _ in 0..400 {
        let r = call(c, "eth_getTransactionReceipt", rpc_params![hash]).await;
        if !r.is_null() {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no receipt for {hash}");
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    format!("0x{}", ::hex::encode(bytes))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_sent_over_json_rpc_is_sealed_read_back_and_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = start(dir.path()).await;
    let alice = Wallet::from_seed(1);
    let bob = Address::repeat_byte(0xb0);

    assert_eq!(quantity(&call(&c, "eth_chainId", rpc_params![]).await), u128::from(CHAIN_ID));
    assert_eq!(call(&c, "net_version", rpc_params![]).await, "23115");
    assert_eq!(quantity(&call(&c, "eth_blockNumber", rpc_params![]).await), 0, "block 0 at start");
    let balance = quantity(&call(&c, "eth_getBalance", rpc_params![alice.address()]).await);
    assert_eq!(balance, 1000 * 10u128.pow(18), "the dev genesis funds seed 1");
    // The key the README gives for the first dev account.
    let readme = std::fs::read_to_string(e2e::workspace_root().join("README.md")).unwrap();
    let key = "e797d4f6b718ea5782c3885c7dfe359ee792fdabab3418fcc856f0cbf11951ad";
    assert!(readme.contains(key), "the README names the dev key");
    let secret: [u8; 32] = ::hex::decode(key).unwrap().try_into().unwrap();
    assert_eq!(Wallet::from_secret(&secret).unwrap().address(), alice.address());
    assert_eq!(quantity(&call(&c, "eth_gasPrice", rpc_params![]).await), GWEI);

    let raw = alice.sign_1559(CHAIN_ID, &Call::transfer(bob, 7), 0, 2 * GWEI, 0, 21_000);
    let hash = call(&c, "eth_sendRawTransaction", rpc_params![hex(&raw)]).await;
    assert_eq!(hash.as_str().unwrap(), format!("{}", keccak256(&raw)));
    let r = receipt(&c, hash.as_str().unwrap()).await;
    assert_eq!(r["status"], "0x1");
    assert_eq!(r["from"], format!("{:#x}", alice.address()));
    assert_eq!(r["to"], format!("{bob:#x}"));
    assert_eq!(quantity(&r["gasUsed"]), 21_000);
    assert_eq!(quantity(&r["effectiveGasPrice"]), GWEI);
    let block = quantity(&r["blockNumber"]);
    assert_eq!(block, 1);

    assert_eq!(quantity(&call(&c, "eth_getBalance", rpc_params![bob]).await), 7);
    let spent = 7 + 21_000 * GWEI;
    assert_eq!(
        quantity(&call(&c, "eth_getBalance", rpc_params![alice.address(), "latest"]).await),
        balance - spent
    );
    assert_eq!(
        quantity(&call(&c, "eth_getTransactionCount", rpc_params![alice.address()]).await),
        1
    );
    let b = call(&c, "eth_getBlockByNumber", rpc_params!["latest", true]).await;
    assert_eq!(quantity(&b["number"]), 1);
    assert_eq!(b["hash"], r["blockHash"]);
    assert_eq!(b["transactions"][0]["hash"], hash);
    assert_eq!(b["transactions"][0]["from"], format!("{:#x}", alice.address()));
    let by_hash = call(&c, "eth_getBlockByHash", rpc_params![b["hash"].clone(), false]).await;
    assert_eq!(by_hash["transactions"][0], hash);
    let parent = call(&c, "eth_getBlockByNumber", rpc_params!["0x0", false]).await;
    assert_eq!(b["parentHash"], parent["hash"]);
    let tx = call(&c, "eth_getTransactionByHash", rpc_params![hash.clone()]).await;
    assert_eq!(quantity(&tx["blockNumber"]), 1);
    assert_eq!(quantity(&tx["nonce"]), 0);
    let count = call(&c, "eth_getBlockTransactionCountByNumber", rpc_params!["0x1"]).await;
    assert_eq!(quantity(&count), 1);
    let root = call(&c, "zkos_stateRoot", rpc_params!["latest"]).await;
    assert_eq!(quantity(&root["level"]), 2);

    // Refused before inclusion, with the messages clients know.
    let again = refused(&c, "eth_sendRawTransaction", rpc_params![hex(&raw)]).await;
    assert_eq!(again, "-32000 already known");
    let reused = alice.sign_1559(CHAIN_ID, &Call::transfer(bob, 8), 0, 2 * GWEI, 0, 21_000);
    let low = refused(&c, "eth_sendRawTransaction", rpc_params![hex(&reused)]).await;
    assert!(low.starts_with("-32000 nonce too low: next nonce 1, tx nonce 0"), "{low}");
    let poor = Wallet::from_seed(99);
    let unfunded = poor.sign_1559(CHAIN_ID, &Call::transfer(bob, 1), 0, 2 * GWEI, 0, 21_000);
    let funds = refused(&c, "eth_sendRawTransaction", rpc_params![hex(&unfunded)]).await;
    assert!(funds.starts_with("-32000 insufficient funds for gas * price + value"), "{funds}");
    let short = alice.sign_1559(CHAIN_ID, &Call::transfer(bob, 1), 1, 2 * GWEI, 0, 20_000);
    let gas = refused(&c, "eth_sendRawTransaction", rpc_params![hex(&short)]).await;
    assert!(gas.starts_with("-32000 intrinsic gas too low"), "{gas}");
    let cheap = alice.sign_1559(CHAIN_ID, &Call::transfer(bob, 1), 1, GWEI - 1, 0, 21_000);
    let under = refused(&c, "eth_sendRawTransaction", rpc_params![hex(&cheap)]).await;
    assert!(under.starts_with("-32000 transaction underpriced"), "{under}");
    let other = alice.sign_1559(CHAIN_ID + 1, &Call::transfer(bob, 1), 1, 2 * GWEI, 0, 21_000);
    let chain = refused(&c, "eth_sendRawTransaction", rpc_params![hex(&other)]).await;
    assert!(chain.starts_with("-32000 invalid chain id"), "{chain}");
    let junk = refused(&c, "eth_sendRawTransaction", rpc_params!["0xdeadbeef"]).await;
    assert!(junk.starts_with("-32000 failed to decode transaction"), "{junk}");
    let typed = refused(&c, "eth_getBalance", rpc_params!["not an address"]).await;
    assert!(typed.starts_with("-32602"), "{typed}");
    // Past blocks read through the runner's undo records: at block 0, before
    // the transfer, bob had nothing and alice all of her genesis balance.
    assert_eq!(quantity(&call(&c, "eth_getBalance", rpc_params![bob, "0x0"]).await), 0);
    let at_genesis = call(&c, "eth_getBalance", rpc_params![alice.address(), "earliest"]).await;
    assert_eq!(quantity(&at_genesis), balance);
    let nonce0 = call(&c, "eth_getTransactionCount", rpc_params![alice.address(), "0x0"]).await;
    assert_eq!(quantity(&nonce0), 0);
    assert_eq!(quantity(&call(&c, "eth_getBalance", rpc_params![bob, "0x1"]).await), 7);
    let future = refused(&c, "eth_getBalance", rpc_params![bob, "0x9"]).await;
    assert!(future.contains("not found: the latest is 1"), "{future}");
    let unknown = refused(&c, "eth_noSuchMethod", rpc_params![]).await;
    assert!(unknown.starts_with("-32601"), "{unknown}");

    // `pending` counts a run of waiting nonces; a gap waits.
    let later = alice.sign_1559(CHAIN_ID, &Call::transfer(bob, 1), 2, 2 * GWEI, 0, 21_000);
    call(&c, "eth_sendRawTransaction", rpc_params![hex(&later)]).await;
    let waiting =
        call(&c, "eth_getTransactionByHash", rpc_params![hex(keccak256(&later).as_slice())]).await;
    assert!(waiting["blockNumber"].is_null());
    let next = alice.sign_1559(CHAIN_ID, &Call::transfer(bob, 1), 1, 2 * GWEI, 0, 21_000);
    let next_hash = call(&c, "eth_sendRawTransaction", rpc_params![hex(&next)]).await;
    receipt(&c, next_hash.as_str().unwrap()).await;
    receipt(&c, &hex(keccak256(&later).as_slice())).await;
    assert_eq!(quantity(&call(&c, "eth_getBalance", rpc_params![bob]).await), 9);
    let pending =
        call(&c, "eth_getTransactionCount", rpc_params![alice.address(), "pending"]).await;
    assert_eq!(quantity(&pending), 3);

    // A deposit from the (emulated) L1 bridge is credited in the next block.
    let carol = Address::repeat_byte(0xca);
    assert_eq!(call(&c, "zkos_deposit", rpc_params![carol, "0x4c4b40"]).await, true);
    for _ in 0..400 {
        if quantity(&call(&c, "eth_getBalance", rpc_params![carol]).await) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let credited = quantity(&call(&c, "eth_getBalance", rpc_params![carol]).await);
    assert_eq!(credited, 5_000_000 * 10u128.pow(12), "5 tez as wei");
    let zero = refused(&c, "zkos_deposit", rpc_params![carol, "0x0"]).await;
    assert!(zero.starts_with("-32602"), "{zero}");

    // Simulations leave nothing behind: the history still replays.
    let plain = serde_json::json!({"from": alice.address(), "to": bob, "value": "0x1"});
    assert_eq!(quantity(&call(&c, "eth_estimateGas", rpc_params![plain]).await), 21_000);

    // The node's history, replayed by the runner on the deterministic engine.
    let state = node.shared.reader.snapshot().unwrap();
    let mut replay = e2e::runner_with_genesis(EngineKind::Pvm, kernel("zkos_kernel"), &genesis());
    let mut level = 1;
    while let Some(record) = state.level(level).unwrap() {
        let inbox = state.inbox(level).unwrap().unwrap();
        let outcome = replay.run_level(inbox).unwrap();
        assert_eq!(::hex::encode(outcome.root), record.state_root, "level {level}");
        assert_eq!(::hex::encode(outcome.outbox_commitment), record.outbox_commitment);
        level += 1;
    }
    assert!(level >= 4, "block 0's level and the transfers' levels were replayed");
    // The simulator eth_call runs on was brought along level by level to
    // the chain's storage, value for value.
    let simulated = node.shared.simulator.lock().unwrap().durable().values();
    assert_eq!(simulated, node.shared.chain.lock().unwrap().runner().durable().values());
    node.stop().await;
}

fn word(bytes: &[u8]) -> String {
    format!("{:0>64}", ::hex::encode(bytes))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erc20_logs_are_filtered_by_address_topic_and_block() {
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = start(dir.path()).await;
    let alice = Wallet::from_seed(1);
    let (bob, carol) = (Address::repeat_byte(0xb0), Address::repeat_byte(0xca));
    let json = std::fs::read_to_string(e2e::workspace_root().join("contracts/build/ZkToken.json"));
    let json: Value = serde_json::from_str(&json.unwrap()).unwrap();
    let supply = alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(24));
    let initcode = [
        ::hex::decode(json["bytecode"].as_str().unwrap()).unwrap(),
        supply.to_be_bytes::<32>().to_vec(),
    ]
    .concat();
    let deploy = alice.sign_1559(CHAIN_ID, &Call::create(initcode), 0, 2 * GWEI, 0, 3_000_000);
    let hash = call(&c, "eth_sendRawTransaction", rpc_params![hex(&deploy)]).await;
    let r = receipt(&c, hash.as_str().unwrap()).await;
    assert_eq!(r["status"], "0x1");
    let token: Address = r["contractAddress"].as_str().unwrap().parse().unwrap();
    assert!(!call(&c, "eth_getCode", rpc_params![token]).await.as_str().unwrap().is_empty());
    let mut last = Value::Null;
    for (nonce, (to, amount)) in [(bob, 5u8), (carol, 6)].into_iter().enumerate() {
        let data = ::hex::decode(format!("a9059cbb{}{}", word(to.as_slice()), word(&[amount])));
        let tx = alice.sign_1559(
            CHAIN_ID,
            &Call::with_input(token, data.unwrap()),
            nonce as u64 + 1,
            2 * GWEI,
            0,
            100_000,
        );
        let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&tx)]).await;
        last = receipt(&c, h.as_str().unwrap()).await;
        assert_eq!(last["status"], "0x1");
        assert_eq!(last["logs"][0]["address"], format!("{token:#x}"));
    }
    let transfer = format!("{:#x}", keccak256("Transfer(address,address,uint256)"));
    let all = call(
        &c,
        "eth_getLogs",
        rpc_params![serde_json::json!({"address": token, "fromBlock": "earliest"})],
    )
    .await;
    assert_eq!(all.as_array().unwrap().len(), 3, "the mint and two transfers: {all}");
    assert!(all.as_array().unwrap().iter().all(|l| l["topics"][0] == transfer));
    let to_bob = serde_json::json!({
        "fromBlock": "0x0",
        "toBlock": "latest",
        "topics": [transfer, null, format!("0x{}", word(bob.as_slice()))],
    });
    let logs = call(&c, "eth_getLogs", rpc_params![to_bob]).await;
    assert_eq!(logs.as_array().unwrap().len(), 1, "{logs}");
    assert_eq!(logs[0]["data"], format!("0x{}", word(&[5])));
    let at_last = serde_json::json!({"blockHash": last["blockHash"], "address": token});
    let logs = call(&c, "eth_getLogs", rpc_params![at_last]).await;
    assert_eq!(logs.as_array().unwrap().len(), 1);
    assert_eq!(logs[0]["transactionHash"], last["transactionHash"]);
    assert_eq!(logs[0]["logIndex"], last["logs"][0]["logIndex"]);
    let elsewhere = serde_json::json!({"address": Address::repeat_byte(1), "fromBlock": "0x0"});
    assert_eq!(call(&c, "eth_getLogs", rpc_params![elsewhere]).await, serde_json::json!([]));

    // eth_call runs the kernel's simulation entry on the latest state.
    let balance_of = |who: Address| format!("0x70a08231{}", word(who.as_slice()));
    let bob_balance = call(
        &c,
        "eth_call",
        rpc_params![serde_json::json!({"to": token, "data": balance_of(bob)}), "latest"],
    )
    .await;
    assert_eq!(bob_balance, format!("0x{}", word(&[5])));
    // A transfer from an account without tokens reverts with OpenZeppelin's
    // custom error ERC20InsufficientBalance(address,uint256,uint256).
    let poor = Address::repeat_byte(0x99);
    let too_much = format!("0xa9059cbb{}{}", word(bob.as_slice()), word(&[1]));
    let req = serde_json::json!({"from": poor, "to": token, "data": too_much});
    let err = match c.request::<Value, _>("eth_call", rpc_params![req.clone()]).await {
        Err(ClientError::Call(e)) => e,
        other => panic!("the call should revert: {other:?}"),
    };
    assert_eq!(err.code(), 3);
    assert_eq!(err.message(), "execution reverted");
    let selector =
        ::hex::encode(&keccak256("ERC20InsufficientBalance(address,uint256,uint256)")[..4]);
    let data = err.data().unwrap().get().trim_matches('"').to_owned();
    assert!(data.starts_with(&format!("0x{selector}")), "{data}");
    let estimate_err = refused(&c, "eth_estimateGas", rpc_params![req]).await;
    assert!(estimate_err.starts_with("3 execution reverted"), "{estimate_err}");
    // The estimate is enough, and not more than a little above what it uses.
    let send = format!("0xa9059cbb{}{}", word(carol.as_slice()), word(&[1]));
    let req = serde_json::json!({"from": alice.address(), "to": token, "data": send});
    let estimate = quantity(&call(&c, "eth_estimateGas", rpc_params![req]).await) as u64;
    let tx = alice.sign_1559(
        CHAIN_ID,
        &Call::with_input(token, ::hex::decode(&send[2..]).unwrap()),
        3,
        2 * GWEI,
        0,
        estimate,
    );
    let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&tx)]).await;
    let r = receipt(&c, h.as_str().unwrap()).await;
    assert_eq!(r["status"], "0x1");
    let used = quantity(&r["gasUsed"]) as u64;
    assert!(used <= estimate && estimate <= used + used / 10, "used {used}, estimated {estimate}");
    let carol_balance = call(
        &c,
        "eth_call",
        rpc_params![serde_json::json!({"to": token, "data": balance_of(carol)})],
    )
    .await;
    assert_eq!(carol_balance, format!("0x{}", word(&[7])));
    let plain = serde_json::json!({"from": alice.address(), "to": bob, "value": "0x1"});
    assert_eq!(quantity(&call(&c, "eth_estimateGas", rpc_params![plain]).await), 21_000);

    // The same request sent through the inbox is never simulated: the
    // level treats it as a (malformed) transaction, and no result is kept.
    let request = zkos_node::chain::Request {
        from: alice.address(),
        to: Some(token),
        value: alloy_primitives::U256::ZERO,
        gas: 100_000,
        gas_price: 0,
        data: ::hex::decode(&balance_of(bob)[2..]).unwrap(),
    };
    let sealed = node.shared.chain.lock().unwrap().seal(&[request.encode()], &[], 0).unwrap();
    assert!(
        String::from_utf8_lossy(&sealed.outcome.debug).contains("refused"),
        "{:?}",
        String::from_utf8_lossy(&sealed.outcome.debug)
    );
    let view = node.shared.view().unwrap();
    assert_eq!(view.get(b"/zkos/simulation/result").unwrap(), None);
    assert_eq!(view.get(b"/zkos/simulation").unwrap(), None);
    node.stop().await;
}

/// The node as a process, killed with SIGKILL while it seals a stream of
/// transactions, restarts at its last committed level: every block it
/// serves has all its receipts, balances agree with them, and the history
/// replays on the `pvm` engine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_while_sealing_restarts_at_a_committed_level() {
    use std::{io::BufRead, process::Stdio};
    let dir = tempfile::tempdir().unwrap();
    let genesis_path = e2e::workspace_root().join("kernels-examples/genesis/dev.json");
    let spawn = || {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zkos-node-e2e"))
            .args(["run", "--instant", "--rpc", "127.0.0.1:0", "--state"])
            .arg(dir.path())
            .arg("--kernel")
            .arg(e2e::kernel_path("zkos_kernel"))
            .arg("--genesis")
            .arg(&genesis_path)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| {
                Some(l.split("JSON-RPC on ").nth(1)?.split_whitespace().next()?.to_owned())
            })
            .expect("the node prints its address");
        // The rest of its output is drained, so the node never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        let client = HttpClientBuilder::default().build(addr).unwrap();
        (child, client)
    };
    let alice = Wallet::from_seed(1);
    let bob = Address::repeat_byte(0xb0);
    let (mut child, c) = spawn();
    let txs: Vec<Vec<u8>> = (0..60)
        .map(|n| alice.sign_1559(CHAIN_ID, &Call::transfer(bob, 1), n, 2 * GWEI, 0, 21_000))
        .collect();
    for tx in &txs[..40] {
        call(&c, "eth_sendRawTransaction", rpc_params![hex(tx)]).await;
    }
    // Killed as soon as some of them are sealed, likely mid-level.
    receipt(&c, &hex(keccak256(&txs[0]).as_slice())).await;
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, c) = spawn();
    let head = quantity(&call(&c, "eth_blockNumber", rpc_params![]).await) as u64;
    assert!(head >= 1);
    let mut included = 0u64;
    for n in 0..=head {
        let b = call(&c, "eth_getBlockByNumber", rpc_params![format!("{n:#x}"), false]).await;
        for h in b["transactions"].as_array().unwrap() {
            let r = call(&c, "eth_getTransactionReceipt", rpc_params![h.clone()]).await;
            assert_eq!(r["status"], "0x1", "block {n}");
            included += 1;
        }
    }
    let nonce = call(&c, "eth_getTransactionCount", rpc_params![alice.address()]).await;
    assert_eq!(quantity(&nonce) as u64, included, "every included transfer has its receipt");
    assert_eq!(quantity(&call(&c, "eth_getBalance", rpc_params![bob]).await) as u64, included);
    // What was waiting is gone with the pool; the wallet sends again.
    for tx in &txs[included as usize..] {
        call(&c, "eth_sendRawTransaction", rpc_params![hex(tx)]).await;
    }
    receipt(&c, &hex(keccak256(&txs[59]).as_slice())).await;
    assert_eq!(quantity(&call(&c, "eth_getBalance", rpc_params![bob]).await), 60);
    child.kill().unwrap();
    child.wait().unwrap();

    // The runner's CLI replays the node's history from its exported inboxes
    // on the deterministic engine, level by level to the same roots.
    let inbox = dir.path().join("history.json");
    let runner = env!("CARGO_BIN_EXE_pvm-runner-e2e");
    let export = std::process::Command::new(runner)
        .args(["export", "--state"])
        .arg(dir.path())
        .arg("--out")
        .arg(&inbox)
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let replay = std::process::Command::new(runner)
        .args(["run", "--engine", "pvm", "--json", "--inbox"])
        .arg(&inbox)
        .arg("--kernel")
        .arg(e2e::kernel_path("zkos_kernel"))
        .arg("--genesis")
        .arg(&genesis_path)
        .output()
        .unwrap();
    assert!(replay.status.success(), "{}", String::from_utf8_lossy(&replay.stderr));
    let state = pvm_runner::state::State::open(Some(dir.path())).unwrap();
    let lines: Vec<Value> = String::from_utf8(replay.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut level = 1;
    while let Some(record) = state.level(level).unwrap() {
        let line = &lines[level as usize - 1];
        assert_eq!(line["state_root"], record.state_root, "level {level}");
        assert_eq!(line["outbox_commitment"], record.outbox_commitment, "level {level}");
        level += 1;
    }
    assert_eq!(lines.len() as u32, level - 1, "every level, and no other, was replayed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_subscribers_see_each_sealed_head_and_matching_log() {
    use jsonrpsee::core::client::{Subscription, SubscriptionClientT};
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = start(dir.path()).await;
    let ws = jsonrpsee_ws_client::WsClientBuilder::default()
        .build(format!("ws://{}", node.addr))
        .await
        .unwrap();
    let mut heads: Subscription<Value> =
        ws.subscribe("eth_subscribe", rpc_params!["newHeads"], "eth_unsubscribe").await.unwrap();
    let alice = Wallet::from_seed(1);
    let json = std::fs::read_to_string(e2e::workspace_root().join("contracts/build/ZkToken.json"));
    let json: Value = serde_json::from_str(&json.unwrap()).unwrap();
    let supply = ::hex::decode(word(&[100])).unwrap();
    let initcode = [::hex::decode(json["bytecode"].as_str().unwrap()).unwrap(), supply].concat();
    let deploy = alice.sign_1559(CHAIN_ID, &Call::create(initcode), 0, 2 * GWEI, 0, 3_000_000);
    let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&deploy)]).await;
    let r = receipt(&c, h.as_str().unwrap()).await;
    let head = tokio::time::timeout(Duration::from_secs(20), heads.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(head["number"], r["blockNumber"]);
    assert_eq!(head["hash"], r["blockHash"]);
    let token = r["contractAddress"].clone();
    let mut logs: Subscription<Value> = ws
        .subscribe(
            "eth_subscribe",
            rpc_params!["logs", serde_json::json!({"address": token})],
            "eth_unsubscribe",
        )
        .await
        .unwrap();
    let bob = Address::repeat_byte(0xb0);
    let data = ::hex::decode(format!("a9059cbb{}{}", word(bob.as_slice()), word(&[3]))).unwrap();
    let to: Address = token.as_str().unwrap().parse().unwrap();
    let tx = alice.sign_1559(CHAIN_ID, &Call::with_input(to, data), 1, 2 * GWEI, 0, 100_000);
    let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&tx)]).await;
    let log =
        tokio::time::timeout(Duration::from_secs(20), logs.next()).await.unwrap().unwrap().unwrap();
    assert_eq!(log["transactionHash"], h);
    assert_eq!(log["data"], format!("0x{}", word(&[3])));
    let bad =
        ws.subscribe::<Value, _>("eth_subscribe", rpc_params!["nonsense"], "eth_unsubscribe").await;
    assert!(bad.is_err());
    node.stop().await;
}

/// One raw HTTP/1.1 POST of `body` to the node; the response body.
fn post(addr: std::net::SocketAddr, body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // A server may answer (and close) before reading an oversized body.
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_json_rpc_errors_and_blocks_keep_coming() {
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = start(dir.path()).await;
    let addr = node.addr;
    let answers = tokio::task::spawn_blocking(move || {
        let malformed = post(addr, b"{\"jsonrpc\":\"2.0\",\"method\":");
        let batch: Vec<Value> = (0..3)
            .map(|i| serde_json::json!({"jsonrpc": "2.0", "id": i, "method": "eth_chainId"}))
            .collect();
        let batch = post(addr, serde_json::to_string(&batch).unwrap().as_bytes());
        let big: Vec<Value> = (0..101)
            .map(|i| serde_json::json!({"jsonrpc": "2.0", "id": i, "method": "eth_chainId"}))
            .collect();
        let too_big = post(addr, serde_json::to_string(&big).unwrap().as_bytes());
        let huge = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_sendRawTransaction\",\"params\":[\"0x{}\"]}}",
            "00".repeat(6 * 1024 * 1024)
        );
        let oversized = post(addr, huge.as_bytes());
        let tx = post(addr, br#"{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x02"]}"#);
        (malformed, batch, too_big, oversized, tx)
    })
    .await
    .unwrap();
    let (malformed, batch, too_big, oversized, tx) = answers;
    assert!(malformed.1.contains("-32700"), "a parse error: {malformed:?}");
    let batch: Value = serde_json::from_str(&batch.1).unwrap();
    assert_eq!(batch.as_array().unwrap().len(), 3);
    assert!(too_big.1.contains("-32010"), "the batch limit: {too_big:?}");
    assert_eq!(oversized.0, 413, "an oversized body is refused: {oversized:?}");
    assert!(tx.1.contains("failed to decode transaction"), "{tx:?}");
    // The node still seals.
    let alice = Wallet::from_seed(1);
    let raw = alice.sign_1559(
        CHAIN_ID,
        &Call::transfer(Address::repeat_byte(1), 1),
        0,
        2 * GWEI,
        0,
        21_000,
    );
    let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&raw)]).await;
    assert_eq!(receipt(&c, h.as_str().unwrap()).await["status"], "0x1");
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_client_is_limited_and_blocks_keep_coming() {
    let dir = tempfile::tempdir().unwrap();
    let limits = RpcLimits { rate_per_second: 20, rate_burst: 20, ..RpcLimits::default() };
    let (node, c) = start_with(dir.path(), limits).await;
    let addr = node.addr;
    // 60 calls in one batch: each takes a token, the burst covers 20.
    let flood: Vec<Value> = (0..60)
        .map(|i| serde_json::json!({"jsonrpc": "2.0", "id": i, "method": "eth_blockNumber"}))
        .collect();
    let body = serde_json::to_string(&flood).unwrap();
    let (status, answer) =
        tokio::task::spawn_blocking(move || post(addr, body.as_bytes())).await.unwrap();
    assert_eq!(status, 200);
    let answers: Vec<Value> = serde_json::from_str(&answer).unwrap();
    assert_eq!(answers.len(), 60, "every call is answered");
    let limited = answers.iter().filter(|a| a["error"]["code"] == -32005).count();
    let served = answers.iter().filter(|a| a["result"].is_string()).count();
    assert!((20..=21).contains(&served), "the burst, and what refilled meanwhile: {served}");
    assert_eq!(limited + served, 60, "the rest are limited: {answer}");
    // Single calls over the limit too, then the rate refills.
    let mut refused_once = false;
    for _ in 0..5 {
        refused_once |= c.request::<Value, _>("eth_chainId", rpc_params![]).await.is_err();
    }
    assert!(refused_once, "a single call past the limit is refused");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(quantity(&call(&c, "eth_chainId", rpc_params![]).await), u128::from(CHAIN_ID));
    // The node sealed a transaction through it all.
    let alice = Wallet::from_seed(1);
    let raw = alice.sign_1559(
        CHAIN_ID,
        &Call::transfer(Address::repeat_byte(2), 1),
        0,
        2 * GWEI,
        0,
        21_000,
    );
    let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&raw)]).await;
    // Polled at 10 calls a second, under the limit.
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let r = call(&c, "eth_getTransactionReceipt", rpc_params![h.clone()]).await;
        if !r.is_null() {
            assert_eq!(r["status"], "0x1");
            node.stop().await;
            return;
        }
    }
    panic!("no receipt for {h}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_load_generator_sees_every_transfer_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let (node, _) = start(dir.path()).await;
    let artefact =
        std::fs::read_to_string(e2e::workspace_root().join("contracts/build/ZkToken.json"));
    let artefact: Value = serde_json::from_str(&artefact.unwrap()).unwrap();
    let key = "e797d4f6b718ea5782c3885c7dfe359ee792fdabab3418fcc856f0cbf11951ad";
    let config = zkos_load::LoadConfig {
        rpc: format!("http://{}", node.addr),
        funder: ::hex::decode(key).unwrap().try_into().unwrap(),
        token_initcode: ::hex::decode(artefact["bytecode"].as_str().unwrap()).unwrap(),
        accounts: 4,
        transfers: 40,
        calls: 20,
        timeout: Duration::from_secs(120),
    };
    let report = zkos_load::run(&config).await.unwrap();
    assert_eq!(report.transfers, 40);
    assert_eq!((report.send.count, report.call.count), (40, 20));
    assert!(report.blocks >= 1 && report.transfers_per_second > 0.0, "{report:?}");
    assert!(report.client.starts_with("zkos-node/"), "{}", report.client);
    // A second run on the same chain goes on from the accounts' nonces.
    let again = zkos_load::run(&zkos_load::LoadConfig { transfers: 8, calls: 1, ..config }).await;
    assert_eq!(again.unwrap().transfers, 8);
    node.stop().await;
}

alloy_sol_types::sol! {
    function relay(address to, bytes data) returns (bytes);
    function tryRelay(address to, bytes data, uint256 gas) returns (bool ok, bytes ret);
    function transfer(address to, uint256 value) returns (bool);
}

/// Init data of the Rust ERC-20 (`code` built for WASM or RISC-V): the
/// deployment envelope with its metadata and `supply` to its deployer.
pub(crate) fn rust_token(
    code: &[u8],
    name: &str,
    symbol: &str,
    supply: alloy_primitives::U256,
) -> Vec<u8> {
    use alloy_sol_types::SolValue;
    let constants = zkos_erc20::constants(name, symbol, 18);
    let args = supply.abi_encode();
    zkos_kernel::ee::deploy::Envelope { code, constants: &constants, args: &args }.join()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_trace_transaction_shows_calls_across_vms_from_the_kernel() {
    use alloy_sol_types::SolCall;
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = start(dir.path()).await;
    let alice = Wallet::from_seed(1);
    let bob = Address::repeat_byte(0xb0);
    let json = std::fs::read_to_string(e2e::workspace_root().join("contracts/build/Relay.json"));
    let json: Value = serde_json::from_str(&json.unwrap()).unwrap();
    let relay_code = ::hex::decode(json["bytecode"].as_str().unwrap()).unwrap();
    let mut nonce = 0;
    let mut send = async |what: Call, gas: u64| {
        let tx = alice.sign_1559(CHAIN_ID, &what, nonce, 2 * GWEI, 0, gas);
        nonce += 1;
        let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&tx)]).await;
        receipt(&c, h.as_str().unwrap()).await
    };
    let created =
        |r: &Value| -> Address { r["contractAddress"].as_str().unwrap().parse().unwrap() };
    let relay = created(&send(Call::create(relay_code), 2_000_000).await);
    let thousand = alloy_primitives::U256::from(1_000u64);
    let wasm = created(
        &send(
            Call::create(rust_token(&e2e::contract("zkos_erc20"), "Rust Token", "RST", thousand)),
            4_900_000,
        )
        .await,
    );
    let riscv = created(
        &send(
            Call::create(rust_token(
                &e2e::riscv_contract("zkos_erc20"),
                "Rust Token",
                "RST",
                thousand,
            )),
            4_900_000,
        )
        .await,
    );

    // The EVM relays a transfer of 0 (from the relay's empty balance) to WASM.
    let move_zero = transferCall { to: bob, value: alloy_primitives::U256::ZERO }.abi_encode();
    let input = relayCall { to: wasm, data: move_zero.into() }.abi_encode();
    let through_wasm = send(Call::with_input(relay, input.clone()), 1_500_000).await;
    assert_eq!(through_wasm["status"], "0x1");
    // The EVM tries a transfer the RISC-V token refuses (the relay holds none).
    let move_five = transferCall { to: bob, value: alloy_primitives::U256::from(5) }.abi_encode();
    let gas = alloy_primitives::U256::from(500_000);
    let input2 = tryRelayCall { to: riscv, data: move_five.into(), gas }.abi_encode();
    let through_riscv = send(Call::with_input(relay, input2), 1_500_000).await;
    assert_eq!(through_riscv["status"], "0x1", "the relay catches the refusal");

    let call_tracer = serde_json::json!({"tracer": "callTracer"});
    let trace = |r: &Value| rpc_params![r["transactionHash"].clone(), call_tracer.clone()];
    let t = call(&c, "debug_traceTransaction", trace(&through_wasm)).await;
    assert_eq!(t["type"], "CALL");
    assert_eq!(t["vm"], "evm");
    assert_eq!(t["from"], format!("{:#x}", alice.address()));
    assert_eq!(t["to"], format!("{relay:#x}"));
    assert_eq!(t["input"], hex(&input));
    assert_eq!(t["gasUsed"], through_wasm["gasUsed"], "the top frame's gas is the receipt's");
    let inner = &t["calls"][0];
    assert_eq!((inner["type"].as_str(), inner["vm"].as_str()), (Some("CALL"), Some("wasm")));
    assert_eq!(inner["from"], format!("{relay:#x}"));
    assert_eq!(inner["to"], format!("{wasm:#x}"));
    assert_eq!(
        inner["input"],
        hex(&transferCall { to: bob, value: alloy_primitives::U256::ZERO }.abi_encode())
    );
    assert!(inner.get("error").is_none(), "{inner}");
    assert!(
        quantity(&inner["gasUsed"]) > 0 && quantity(&inner["gasUsed"]) < quantity(&inner["gas"])
    );

    let t = call(&c, "debug_traceTransaction", trace(&through_riscv)).await;
    assert!(t.get("error").is_none(), "the top call succeeded: {t}");
    let inner = &t["calls"][0];
    assert_eq!(inner["vm"], "riscv");
    assert_eq!(inner["error"], "execution reverted");
    // OpenZeppelin's ERC20InsufficientBalance(address,uint256,uint256).
    assert!(inner["output"].as_str().unwrap().starts_with("0xe450d38c"), "{inner}");

    // Later levels do not change an earlier transaction's trace: its
    // level's pre-state is rebuilt through all of them.
    send(Call::transfer(bob, 1), 21_000).await;
    let again = call(&c, "debug_traceTransaction", trace(&through_wasm)).await;
    assert_eq!(again["calls"][0]["vm"], "wasm");
    assert_eq!(again["gasUsed"], through_wasm["gasUsed"]);

    let opcode_logger = rpc_params![through_wasm["transactionHash"].clone()];
    assert!(refused(&c, "debug_traceTransaction", opcode_logger).await.contains("callTracer"));
    let unknown = rpc_params![alloy_primitives::B256::repeat_byte(7), call_tracer.clone()];
    assert!(refused(&c, "debug_traceTransaction", unknown).await.contains("not found"));
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_and_traces_past_the_undo_records_name_the_oldest_that_can() {
    let dir = tempfile::tempdir().unwrap();
    let (node, c) = start(dir.path()).await;
    let alice = Wallet::from_seed(1);
    let bob = Address::repeat_byte(0xb0);
    let tx = alice.sign_1559(CHAIN_ID, &Call::transfer(bob, 5), 0, 2 * GWEI, 0, 21_000);
    let h = call(&c, "eth_sendRawTransaction", rpc_params![hex(&tx)]).await;
    assert_eq!(receipt(&c, h.as_str().unwrap()).await["blockNumber"], "0x1");
    // Empty levels past the undo records' reach (sealed directly: nothing waits).
    {
        let mut chain = node.shared.chain.lock().unwrap();
        for _ in 0..pvm_runner::state::UNDO_LEVELS + 2 {
            chain.seal(&[], &[], zkos_node::chain::now()).unwrap();
        }
    }
    let head = quantity(&call(&c, "eth_blockNumber", rpc_params![]).await);
    // Block n's state is what level n + 2 found; undo records reach back
    // to level head + 2 - 1024.
    let oldest = head - u128::from(pvm_runner::state::UNDO_LEVELS);
    let old = refused(&c, "eth_getBalance", rpc_params![bob, "0x1"]).await;
    assert!(old.contains(&format!("the oldest readable block is {oldest}")), "{old}");
    let at = |n: u128| rpc_params![bob, format!("{n:#x}")];
    assert_eq!(quantity(&call(&c, "eth_getBalance", at(oldest)).await), 5);
    assert!(refused(&c, "eth_getBalance", at(oldest - 1)).await.contains("not kept"));
    let traced = rpc_params![h.clone(), serde_json::json!({"tracer": "callTracer"})];
    let refused_trace = refused(&c, "debug_traceTransaction", traced).await;
    assert!(refused_trace.contains("cannot be re-run"), "{refused_trace}");
    node.stop().await;
}
