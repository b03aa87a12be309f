//! `zkos-load`: the node benchmark's load generator. It speaks only
//! standard Ethereum JSON-RPC, so the same load runs against `zkos-node`
//! and against a reference dev node (Hardhat) in one benchmark run.
//!
//! What one [`run`] does:
//! 1. from a funded key, deploys OpenZeppelin's ERC-20 (`ZkToken`, the
//!    artefact in `contracts/build`) and gives each of `accounts` fresh
//!    accounts ether and tokens;
//! 2. has every account send its share of `transfers` signed EIP-1559
//!    token transfers back to back (`eth_sendRawTransaction`, its own
//!    nonces), all accounts at once, while one more task reads
//!    `balanceOf` with `eth_call` — the latency of each request is kept;
//! 3. waits until every transfer has a successful receipt, and checks the
//!    recipient's token balance equals the number of transfers.
//!
//! The throughput is transfers divided by the time from the first send to
//! the last receipt: transfers sealed into blocks, not merely accepted.
//!
//! ```sh
//! zkos-load --rpc http://127.0.0.1:8545 --key 0x… --token contracts/build/ZkToken.json
//! ```

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use alloy_primitives::{Address, U256, keccak256};
use alloy_sol_types::{SolCall, SolValue, sol};
use jsonrpsee::{
    core::{ClientError, client::ClientT},
    http_client::{HttpClient, HttpClientBuilder},
    rpc_params,
};
use serde::Serialize;
use serde_json::Value;
use wallet::{Call, Wallet};

sol! {
    function transfer(address to, uint256 value) returns (bool);
    function balanceOf(address owner) view returns (uint256);
}

/// What to send, and where.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// The node's HTTP JSON-RPC URL.
    pub rpc: String,
    /// A key funded on that node (its dev account).
    pub funder: [u8; 32],
    /// `ZkToken`'s init code (without constructor arguments).
    pub token_initcode: Vec<u8>,
    /// How many accounts send at once.
    pub accounts: usize,
    /// How many transfers in all (split evenly over the accounts).
    pub transfers: usize,
    /// How many `eth_call` latencies to sample while the load runs.
    pub calls: usize,
    /// How long to wait for receipts before giving up.
    pub timeout: Duration,
}

/// Why a load run failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A request failed.
    #[error("{method}: {source}")]
    Rpc {
        /// The method.
        method: &'static str,
        /// The client's error.
        source: ClientError,
    },
    /// An answer was not what the method returns.
    #[error("{method}: unexpected answer {answer}")]
    Answer {
        /// The method.
        method: &'static str,
        /// What came back.
        answer: String,
    },
    /// The funder's key is not a key.
    #[error("the funder's key is not a secp256k1 secret key")]
    Key,
    /// A transaction did not succeed.
    #[error("transaction {0} failed: {1}")]
    Failed(String, String),
    /// Receipts did not come in time.
    #[error("no receipt for {0} within the timeout")]
    Timeout(String),
    /// The token's balances do not add up.
    #[error("the recipient holds {got} token units, expected {expected}")]
    Balance {
        /// Held.
        got: U256,
        /// Sent.
        expected: U256,
    },
}

/// Latency percentiles of one kind of request, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    /// How many requests were timed.
    pub count: usize,
    /// The median.
    pub p50_ms: f64,
    /// The 99th percentile.
    pub p99_ms: f64,
}

impl Latency {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort();
        let at = |q: f64| {
            let i = ((samples.len() as f64 * q).ceil() as usize).saturating_sub(1);
            samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
        };
        Self { count: samples.len(), p50_ms: at(0.50), p99_ms: at(0.99) }
    }
}

/// What a run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The node's `web3_clientVersion`.
    pub client: String,
    /// Transfers sent (all succeeded).
    pub transfers: usize,
    /// Accounts that sent them.
    pub accounts: usize,
    /// From the first send to the last receipt, in seconds.
    pub seconds: f64,
    /// Transfers per second, sealed.
    pub transfers_per_second: f64,
    /// Blocks the transfers went into.
    pub blocks: u64,
    /// `eth_sendRawTransaction`.
    pub send: Latency,
    /// `eth_call` of `balanceOf` during the load.
    pub call: Latency,
}

/// The node as the load sees it.
#[derive(Clone)]
struct Node {
    client: Arc<HttpClient>,
    chain_id: u64,
    max_fee: u128,
    tip: u128,
}

impl Node {
    async fn request<T: serde::de::DeserializeOwned>(
        &self,
        method: &'static str,
        params: jsonrpsee::core::params::ArrayParams,
    ) -> Result<T, LoadError> {
        self.client
            .request(method, params)
            .await
            .map_err(|source| LoadError::Rpc { method, source })
    }

    async fn quantity(
        &self,
        method: &'static str,
        params: jsonrpsee::core::params::ArrayParams,
    ) -> Result<u128, LoadError> {
        let answer: String = self.request(method, params).await?;
        u128::from_str_radix(answer.trim_start_matches("0x"), 16)
            .map_err(|_| LoadError::Answer { method, answer })
    }

    fn sign(&self, from: &Wallet, call: &Call, nonce: u64, gas: u64) -> String {
        let raw = from.sign_1559(self.chain_id, call, nonce, self.max_fee, self.tip, gas);
        format!("0x{}", hex::encode(raw))
    }

    async fn send(&self, raw: String) -> Result<String, LoadError> {
        self.request("eth_sendRawTransaction", rpc_params![raw]).await
    }

    /// Polls for a receipt; fails unless its status is 1.
    async fn receipt(&self, hash: &str, timeout: Duration) -> Result<Value, LoadError> {
        let until = Instant::now() + timeout;
        loop {
            let r: Value = self.request("eth_getTransactionReceipt", rpc_params![hash]).await?;
            if !r.is_null() {
                if r["status"] != "0x1" {
                    return Err(LoadError::Failed(hash.to_owned(), r.to_string()));
                }
                return Ok(r);
            }
            if Instant::now() > until {
                return Err(LoadError::Timeout(hash.to_owned()));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn balance_of(&self, token: Address, owner: Address) -> Result<U256, LoadError> {
        let data = format!("0x{}", hex::encode(balanceOfCall { owner }.abi_encode()));
        let call = serde_json::json!({ "to": token, "data": data });
        let answer: String = self.request("eth_call", rpc_params![call, "latest"]).await?;
        let bytes = hex::decode(answer.trim_start_matches("0x"))
            .map_err(|_| LoadError::Answer { method: "eth_call", answer: answer.clone() })?;
        U256::abi_decode(&bytes).map_err(|_| LoadError::Answer { method: "eth_call", answer })
    }
}

/// The `i`th load account: a key derived from a fixed seed, so runs are
/// repeatable and never collide with a node's dev accounts.
fn account(i: usize) -> Wallet {
    let mut seed = keccak256(format!("zkos-load account {i}"));
    loop {
        if let Some(w) = Wallet::from_secret(&seed.0) {
            return w;
        }
        seed = keccak256(seed);
    }
}

const TOKEN: u128 = 1_000_000_000_000_000_000;
const TRANSFER_GAS: u64 = 60_000;

/// Runs the load described by `config` (see the crate docs).
pub async fn run(config: &LoadConfig) -> Result<Report, LoadError> {
    let client = HttpClientBuilder::default()
        .request_timeout(Duration::from_secs(120))
        .max_concurrent_requests(4 * config.accounts + 64)
        .build(&config.rpc)
        .map_err(|source| LoadError::Rpc { method: "connect", source })?;
    let mut node = Node { client: Arc::new(client), chain_id: 0, max_fee: 0, tip: 0 };
    let version: String = node.request("web3_clientVersion", rpc_params![]).await?;
    node.chain_id = node.quantity("eth_chainId", rpc_params![]).await? as u64;
    node.tip = node.quantity("eth_maxPriorityFeePerGas", rpc_params![]).await?;
    // Room for the base fee to rise while the load runs (Hardhat's does).
    node.max_fee = 4 * node.quantity("eth_gasPrice", rpc_params![]).await? + node.tip;

    let funder = Wallet::from_secret(&config.funder).ok_or(LoadError::Key)?;
    let accounts: Vec<Wallet> = (0..config.accounts.max(1)).map(account).collect();
    let (token, recipient) = setup(&node, &funder, &accounts, config).await?;

    let before = node.balance_of(token, recipient).await?;
    let per_account = config.transfers.div_ceil(accounts.len());
    let first_block = node.quantity("eth_blockNumber", rpc_params![]).await?;
    let start = Instant::now();
    let readers = {
        let node = node.clone();
        let calls = config.calls;
        tokio::spawn(async move {
            let mut samples = Vec::with_capacity(calls);
            for _ in 0..calls {
                let t = Instant::now();
                node.balance_of(token, recipient).await?;
                samples.push(t.elapsed());
            }
            Ok::<_, LoadError>(samples)
        })
    };
    let mut senders = Vec::new();
    let mut remaining = config.transfers;
    for from in accounts {
        let count = per_account.min(remaining);
        remaining -= count;
        let node = node.clone();
        senders.push(tokio::spawn(async move {
            let transfer = Call::with_input(
                token,
                transferCall { to: recipient, value: U256::from(1) }.abi_encode(),
            );
            // An account used by an earlier run goes on from its nonce.
            let from_nonce = node
                .quantity("eth_getTransactionCount", rpc_params![from.address(), "pending"])
                .await? as u64;
            let mut samples = Vec::with_capacity(count);
            let mut last = None;
            for nonce in from_nonce..from_nonce + count as u64 {
                let raw = node.sign(&from, &transfer, nonce, TRANSFER_GAS);
                let t = Instant::now();
                last = Some(node.send(raw).await?);
                samples.push(t.elapsed());
            }
            Ok::<_, LoadError>((samples, last))
        }));
    }
    let mut sends = Vec::new();
    let mut lasts = Vec::new();
    for s in senders {
        let (samples, last) =
            s.await.map_err(|e| LoadError::Failed("a sender".into(), e.to_string()))??;
        sends.extend(samples);
        lasts.extend(last);
    }
    // An account's transactions are sealed in nonce order: its last one's
    // receipt means all of its transfers are in.
    let mut last_block = first_block;
    for hash in &lasts {
        let r = node.receipt(hash, config.timeout).await?;
        let block = r["blockNumber"].as_str().unwrap_or("0x0");
        last_block =
            last_block.max(u128::from_str_radix(block.trim_start_matches("0x"), 16).unwrap_or(0));
    }
    let seconds = start.elapsed().as_secs_f64();
    let calls =
        readers.await.map_err(|e| LoadError::Failed("the reader".into(), e.to_string()))??;

    let held = node.balance_of(token, recipient).await? - before;
    let expected = U256::from(config.transfers);
    if held != expected {
        return Err(LoadError::Balance { got: held, expected });
    }
    Ok(Report {
        client: version,
        transfers: config.transfers,
        accounts: config.accounts,
        seconds,
        transfers_per_second: config.transfers as f64 / seconds,
        blocks: (last_block - first_block) as u64,
        send: Latency::of(sends),
        call: Latency::of(calls),
    })
}

/// Deploys the token and funds the accounts; answers the token and a fresh
/// recipient of every transfer.
async fn setup(
    node: &Node,
    funder: &Wallet,
    accounts: &[Wallet],
    config: &LoadConfig,
) -> Result<(Address, Address), LoadError> {
    let from = funder.address();
    let mut nonce =
        node.quantity("eth_getTransactionCount", rpc_params![from, "pending"]).await? as u64;
    let supply = U256::from(TOKEN) * U256::from(1_000_000_000u64);
    let init = [config.token_initcode.clone(), supply.abi_encode()].concat();
    let deploy = node.send(node.sign(funder, &Call::create(init), nonce, 3_000_000)).await?;
    nonce += 1;
    let receipt = node.receipt(&deploy, config.timeout).await?;
    let token: Address =
        serde_json::from_value(receipt["contractAddress"].clone()).map_err(|_| {
            LoadError::Answer { method: "eth_getTransactionReceipt", answer: receipt.to_string() }
        })?;
    let mut last = deploy;
    for a in accounts {
        let ether = Call::transfer(a.address(), 10 * TOKEN);
        last = node.send(node.sign(funder, &ether, nonce, 21_000)).await?;
        let tokens = transferCall { to: a.address(), value: U256::from(TOKEN) }.abi_encode();
        let tokens = Call::with_input(token, tokens);
        node.send(node.sign(funder, &tokens, nonce + 1, TRANSFER_GAS)).await.map(|h| last = h)?;
        nonce += 2;
    }
    node.receipt(&last, config.timeout).await?;
    let recipient = account(usize::MAX).address();
    Ok((token, recipient))
}
