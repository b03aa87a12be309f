//! Ethereum's GeneralStateTests (Cancun) as cases for Zk OS.
//!
//! A test file holds tests; each test's `post.Cancun[i]` is one [`Case`]:
//! the accounts of `pre`, the chain configuration and block that `env`
//! describes, the signed transaction `txbytes`, and the expected state root
//! and logs hash. Whoever runs a case (the kernel's native harness through
//! `mock-host`, or the end-to-end sample through `pvm-runner`) writes the
//! accounts into a fresh rollup, delivers the transaction as an external
//! inbox message, and hands what durable storage holds afterwards to
//! [`state_root`] and [`logs_hash`].
//!
//! A case is [`NotApplicable`] when it carries a blob transaction (no blobs
//! on this rollup). A transaction larger than one inbox message
//! ([`MAX_TX_IN_MESSAGE`]) is sent in chunks by the caller.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy_consensus::ReceiptEnvelope;
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, B256, KECCAK256_EMPTY, U256, keccak256};
use alloy_trie::TrieAccount;
use layout::ChainConfig;
use serde_json::Value;

/// The largest transaction one external inbox message carries: 4096 bytes
/// less the framing tag and the rollup address (and the inbox's own tag).
pub const MAX_TX_IN_MESSAGE: usize = 4096 - 1 - 1 - 20;

/// The tests shipped in `../shared/conformance` beside the repository.
pub fn tests_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/conformance/ethereum-tests/GeneralStateTests")
}

/// One account of `pre`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// Wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Code (empty for none).
    pub code: Vec<u8>,
    /// Non-zero slots.
    pub storage: BTreeMap<U256, U256>,
}

/// One `post.Cancun[i]` of a test.
#[derive(Debug, Clone)]
pub struct Case {
    /// The test's name and the index of the post entry.
    pub name: String,
    /// The chain configuration matching `env` (chain id 1, the test's
    /// coinbase, gas limit and base fee; base fees go to `fee_account`).
    pub config: ChainConfig,
    /// The block number the transaction runs in.
    pub number: u64,
    /// The block's timestamp.
    pub timestamp: i64,
    /// The accounts before.
    pub pre: BTreeMap<Address, Account>,
    /// The signed transaction.
    pub txbytes: Vec<u8>,
    /// Ethereum's state root after it.
    pub hash: B256,
    /// The keccak of the RLP list of its logs.
    pub logs: B256,
}

/// Why a case cannot run on the rollup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotApplicable {
    /// A type-3 (blob) transaction.
    #[error("blob transaction")]
    Blob,
}

/// A test file that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// Not readable.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Not the tests' JSON.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// A field of the wrong shape.
    #[error("field {0}")]
    Field(&'static str),
}

fn hex_bytes(v: &Value) -> Result<Vec<u8>, CaseError> {
    hex::decode(v.as_str().unwrap_or_default().trim_start_matches("0x"))
        .map_err(|_| CaseError::Field("hex"))
}

fn u256(s: &str) -> Result<U256, CaseError> {
    U256::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|_| CaseError::Field("number"))
}

fn u256_of(v: &Value) -> Result<U256, CaseError> {
    u256(v.as_str().unwrap_or("0x0"))
}

fn u64_of(v: &Value) -> Result<u64, CaseError> {
    Ok(u64::try_from(u256_of(v)?).unwrap_or(u64::MAX))
}

fn address(s: &str) -> Result<Address, CaseError> {
    s.parse().map_err(|_| CaseError::Field("address"))
}

fn b256(v: &Value) -> Result<B256, CaseError> {
    let b = hex_bytes(v)?;
    if b.len() != 32 {
        return Err(CaseError::Field("hash"));
    }
    Ok(B256::from_slice(&b))
}

/// A post entry's name and its case, or why it does not apply.
pub type Named = (String, Result<Case, NotApplicable>);

/// Every post entry of every test in `path`, in order.
pub fn cases(path: &Path, fee_account: Address) -> Result<Vec<Named>, CaseError> {
    let text = std::fs::read_to_string(path)?;
    let tests: BTreeMap<String, Value> = serde_json::from_str(&text)?;
    let mut out = Vec::new();
    for (name, test) in &tests {
        let Some(posts) = test["post"]["Cancun"].as_array() else { continue };
        for (i, post) in posts.iter().enumerate() {
            let name = format!("{name}[{i}]");
            let txbytes = hex_bytes(&post["txbytes"])?;
            if txbytes.first() == Some(&3) {
                out.push((name, Err(NotApplicable::Blob)));
                continue;
            }
            let case = case(name.clone(), test, post, txbytes, fee_account)?;
            out.push((name, Ok(case)));
        }
    }
    Ok(out)
}

fn case(
    name: String,
    test: &Value,
    post: &Value,
    txbytes: Vec<u8>,
    fee_account: Address,
) -> Result<Case, CaseError> {
    let env = &test["env"];
    let config = ChainConfig {
        chain_id: 1,
        coinbase: address(env["currentCoinbase"].as_str().unwrap_or_default())?,
        block_gas_limit: u64_of(&env["currentGasLimit"])?,
        base_fee_per_gas: u64_of(&env["currentBaseFee"])?,
        ticketer: [0; 20],
        fee_account,
        // Ethereum's tests give gas limits far beyond what one PVM run can
        // plan for; their runs have no tick limit, so nothing is carried.
        ticks_per_run: u64::MAX,
    };
    let mut pre = BTreeMap::new();
    for (a, acc) in test["pre"].as_object().ok_or(CaseError::Field("pre"))? {
        let mut storage = BTreeMap::new();
        for (k, v) in acc["storage"].as_object().ok_or(CaseError::Field("storage"))? {
            let v = u256_of(v)?;
            if !v.is_zero() {
                storage.insert(u256(k)?, v);
            }
        }
        let account = Account {
            balance: u256_of(&acc["balance"])?,
            nonce: u64_of(&acc["nonce"])?,
            code: hex_bytes(&acc["code"])?,
            storage,
        };
        pre.insert(address(a)?, account);
    }
    Ok(Case {
        name,
        config,
        number: u64_of(&env["currentNumber"])?,
        timestamp: i64::try_from(u64_of(&env["currentTimestamp"])?).unwrap_or(i64::MAX),
        pre,
        txbytes,
        hash: b256(&post["hash"])?,
        logs: b256(&post["logs"])?,
    })
}

/// The durable-storage writes that put `pre` into a rollup (the layout of
/// `zkos-layout`; zero values are absent).
pub fn pre_writes(pre: &BTreeMap<Address, Account>) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (a, acc) in pre {
        if !acc.balance.is_zero() {
            out.push((layout::balance(a), layout::encode_u256(&acc.balance).to_vec()));
        }
        if acc.nonce != 0 {
            out.push((layout::nonce(a), acc.nonce.to_be_bytes().to_vec()));
        }
        if !acc.code.is_empty() {
            out.push((layout::code(a), acc.code.clone()));
            out.push((layout::code_hash(a), keccak256(&acc.code).to_vec()));
        }
        for (k, v) in &acc.storage {
            out.push((layout::storage(a, k), layout::encode_u256(v).to_vec()));
        }
    }
    out
}

#[derive(Default)]
struct TrieInput {
    balance: U256,
    nonce: u64,
    code_hash: Option<B256>,
    storage: BTreeMap<B256, U256>,
}

/// Ethereum's state root of every account in `values` (durable storage's
/// path/value pairs), leaving out `exclude` (the fee account, in no test).
pub fn state_root<'a>(
    values: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
    exclude: &Address,
) -> Result<B256, CaseError> {
    let mut accounts: BTreeMap<Address, TrieInput> = BTreeMap::new();
    for (path, value) in values {
        let Some(rest) = path.strip_prefix(b"/zkos/accounts/") else { continue };
        let rest = std::str::from_utf8(rest).map_err(|_| CaseError::Field("path"))?;
        let (a, field) = rest.split_once('/').ok_or(CaseError::Field("account field"))?;
        let acc = accounts.entry(address(a)?).or_default();
        let bad = |_| CaseError::Field("stored value");
        match field {
            "balance" => acc.balance = layout::decode_u256(value).map_err(bad)?,
            "nonce" => acc.nonce = layout::decode_u64(value).map_err(bad)?,
            "code_hash" => {
                acc.code_hash =
                    Some(B256::try_from(value).map_err(|_| CaseError::Field("code hash"))?)
            }
            "code" | "prepared" => {}
            f => {
                let slot = f.strip_prefix("storage/").ok_or(CaseError::Field("account field"))?;
                let slot = hex::decode(slot).map_err(|_| CaseError::Field("slot"))?;
                let slot = B256::try_from(slot.as_slice()).map_err(|_| CaseError::Field("slot"))?;
                acc.storage.insert(slot, layout::decode_u256(value).map_err(bad)?);
            }
        }
    }
    accounts.remove(exclude);
    Ok(alloy_trie::root::state_root_unhashed(accounts.into_iter().map(|(a, acc)| {
        let trie = TrieAccount {
            nonce: acc.nonce,
            balance: acc.balance,
            storage_root: alloy_trie::root::storage_root_unhashed(acc.storage),
            code_hash: acc.code_hash.unwrap_or(KECCAK256_EMPTY),
        };
        (a, trie)
    })))
}

/// The logs hash of the stored EIP-2718 receipt (none: no logs).
pub fn logs_hash(receipt: Option<&[u8]>) -> Result<B256, CaseError> {
    let logs = match receipt {
        Some(mut r) => ReceiptEnvelope::decode_2718(&mut r)
            .map_err(|_| CaseError::Field("receipt"))?
            .logs()
            .to_vec(),
        None => Vec::new(),
    };
    Ok(keccak256(alloy_rlp::encode(&logs)))
}

/// Every `.json` file under `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}
