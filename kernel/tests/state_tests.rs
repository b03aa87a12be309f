//! Ethereum's GeneralStateTests (Cancun) end to end through the kernel.
//!
//! For every `post.Cancun[i]` of every test in
//! `../shared/conformance/ethereum-tests/GeneralStateTests`: write `pre` and
//! a chain configuration matching `env` into a fresh rollup (mock-host),
//! deliver `txbytes` as an external inbox message, run `kernel_run`, read
//! every account back from durable storage, and compare Ethereum's state
//! root (alloy-trie) and the logs hash with the test's.
//!
//! Adaptations, all of them documented deviations of the rollup:
//! - the base fee is credited to the chain's fee account instead of being
//!   burned; the harness leaves that account out of the state root (it is
//!   not in any test);
//! - `PREVRANDAO` answers zero and `BLOCKHASH` reads the rollup's own
//!   headers (none exist before the test's block), so tests that depend on
//!   `currentRandom` or on earlier block hashes fail and are counted so;
//! - blob transactions (type 3) have no meaning on the rollup, and a
//!   transaction larger than one inbox message (4096 bytes less framing)
//!   cannot reach it: both "not applicable", never passed.
//!
//! The run prints passed / failed / not applicable per folder and fails if
//! fewer tests pass than the floor below. `ZKOS_STATE_TESTS=<substring>`
//! runs only matching files and lists each failure.

#![allow(clippy::unwrap_used)] // a test harness: a bad vector should stop it loudly

mod common;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::Mutex,
};

use alloy_consensus::ReceiptEnvelope;
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, B256, KECCAK256_EMPTY, U256, keccak256};
use alloy_trie::TrieAccount;
use mock_host::MockHost;
use serde_json::Value;
use zkos_kernel::bootloader::config::FEE_ACCOUNT;

/// The largest transaction one external inbox message carries: 4096 bytes
/// less the framing tag and the rollup address (and the inbox's own tag).
const MAX_TX_IN_MESSAGE: usize = 4096 - 1 - 1 - 20;

/// Tests that must pass; raise it when the kernel gets better.
const PASS_FLOOR: usize = 18_687;

#[derive(Default, Clone, Copy, Debug)]
struct Tally {
    passed: usize,
    failed: usize,
    not_applicable: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Self) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.not_applicable += o.not_applicable;
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/conformance/ethereum-tests/GeneralStateTests")
}

fn hex_bytes(v: &Value) -> Vec<u8> {
    let s = v.as_str().unwrap_or_default();
    hex::decode(s.trim_start_matches("0x")).expect("hex")
}

fn u256(v: &Value) -> U256 {
    let s = v.as_str().unwrap_or("0x0");
    U256::from_str_radix(s.trim_start_matches("0x"), 16).expect("number")
}

fn u64_of(v: &Value) -> u64 {
    u64::try_from(u256(v)).expect("fits u64")
}

fn addr(s: &str) -> Address {
    s.parse().expect("address")
}

/// Writes `pre` and the configuration for `env`.
fn prepare(env: &Value, pre: &Value) -> MockHost {
    let mut mock = MockHost::default();
    let config = layout::ChainConfig {
        chain_id: 1,
        coinbase: addr(env["currentCoinbase"].as_str().unwrap_or_default()),
        block_gas_limit: u64_of(&env["currentGasLimit"]),
        base_fee_per_gas: u64_of(&env["currentBaseFee"]),
        ticketer: [0; 20],
        fee_account: FEE_ACCOUNT,
        // Ethereum's tests give gas limits far beyond what one PVM run can
        // hold; natively there is no tick limit, so nothing is carried over.
        ticks_per_run: u64::MAX,
    };
    mock.set(layout::CONFIG, &config.encode()).unwrap();
    let number = u64_of(&env["currentNumber"]);
    if number > 0 {
        let mut latest = (number - 1).to_be_bytes().to_vec();
        latest.extend_from_slice(&[0; 32]);
        mock.set(layout::LATEST_BLOCK, &latest).unwrap();
    }
    let timestamp = i64::try_from(u64_of(&env["currentTimestamp"])).unwrap_or(i64::MAX);
    mock.set_timestamp(timestamp);
    for (a, acc) in pre.as_object().expect("pre") {
        let a = addr(a);
        let balance = u256(&acc["balance"]);
        if !balance.is_zero() {
            mock.set(layout::balance(&a).as_bytes(), &layout::encode_u256(&balance)).unwrap();
        }
        let nonce = u64_of(&acc["nonce"]);
        if nonce != 0 {
            mock.set(layout::nonce(&a).as_bytes(), &nonce.to_be_bytes()).unwrap();
        }
        let code = hex_bytes(&acc["code"]);
        if !code.is_empty() {
            mock.set(layout::code(&a).as_bytes(), &code).unwrap();
            mock.set(layout::code_hash(&a).as_bytes(), keccak256(&code).as_slice()).unwrap();
        }
        for (k, v) in acc["storage"].as_object().expect("storage") {
            let v = u256(v);
            if !v.is_zero() {
                let k = u256(&Value::String(k.clone()));
                mock.set(layout::storage(&a, &k).as_bytes(), &layout::encode_u256(&v)).unwrap();
            }
        }
    }
    mock
}

#[derive(Default)]
struct Account {
    balance: U256,
    nonce: u64,
    code_hash: Option<B256>,
    storage: BTreeMap<B256, U256>,
}

/// Ethereum's state root of every account in durable storage but the fee
/// account.
fn state_root(mock: &MockHost) -> B256 {
    let mut accounts: BTreeMap<Address, Account> = BTreeMap::new();
    let prefix = b"/zkos/accounts/";
    for (path, value) in mock.host().durable.values() {
        let Some(rest) = path.strip_prefix(prefix) else { continue };
        let rest = std::str::from_utf8(rest).expect("utf-8 path");
        let (a, field) = rest.split_once('/').expect("account field");
        let acc = accounts.entry(addr(a)).or_default();
        match field {
            "balance" => acc.balance = layout::decode_u256(&value).unwrap(),
            "nonce" => acc.nonce = layout::decode_u64(&value).unwrap(),
            "code_hash" => acc.code_hash = Some(B256::from_slice(&value)),
            "code" | "prepared" => {}
            f => {
                let slot = f.strip_prefix("storage/").expect("storage slot");
                let slot = B256::from_slice(&hex::decode(slot).unwrap());
                acc.storage.insert(slot, layout::decode_u256(&value).unwrap());
            }
        }
    }
    accounts.remove(&FEE_ACCOUNT);
    alloy_trie::root::state_root_unhashed(accounts.into_iter().map(|(a, acc)| {
        let trie = TrieAccount {
            nonce: acc.nonce,
            balance: acc.balance,
            storage_root: alloy_trie::root::storage_root_unhashed(acc.storage),
            code_hash: acc.code_hash.unwrap_or(KECCAK256_EMPTY),
        };
        (a, trie)
    }))
}

fn logs_hash(mock: &MockHost, txbytes: &[u8]) -> B256 {
    let logs = mock
        .get(layout::receipt(&keccak256(txbytes)).as_bytes())
        .map(|r| ReceiptEnvelope::decode_2718(&mut r.as_slice()).expect("receipt").logs().to_vec())
        .unwrap_or_default();
    keccak256(alloy_rlp::encode(&logs))
}

/// Runs one post entry; `Some(true)` passed, `Some(false)` failed, `None`
/// not applicable.
fn run_case(test: &Value, post: &Value) -> Option<bool> {
    let txbytes = hex_bytes(&post["txbytes"]);
    if txbytes.first() == Some(&3) || txbytes.len() > MAX_TX_IN_MESSAGE {
        return None;
    }
    let mut mock = prepare(&test["env"], &test["pre"]);
    mock.run_level(&[common::framed(&txbytes)], zkos_kernel::bootloader::run);
    let root_ok = state_root(&mock) == B256::from_slice(&hex_bytes(&post["hash"]));
    let logs_ok = logs_hash(&mock, &txbytes) == B256::from_slice(&hex_bytes(&post["logs"]));
    if !(root_ok && logs_ok) && std::env::var_os("ZKOS_STATE_TESTS_LOG").is_some() {
        println!(
            "root ok {root_ok}, logs ok {logs_ok}; tx {}…; kernel log:\n{}",
            hex::encode(&txbytes[..txbytes.len().min(8)]),
            mock.debug_log()
        );
    }
    Some(root_ok && logs_ok)
}

fn run_file(path: &Path, failures: &Mutex<Vec<String>>) -> Tally {
    let text = std::fs::read_to_string(path).expect("readable test file");
    let tests: BTreeMap<String, Value> = serde_json::from_str(&text).expect("test json");
    let mut tally = Tally::default();
    for (name, test) in &tests {
        let Some(posts) = test["post"]["Cancun"].as_array() else { continue };
        for (i, post) in posts.iter().enumerate() {
            let outcome = std::panic::catch_unwind(|| run_case(test, post)).unwrap_or(Some(false));
            match outcome {
                Some(true) => tally.passed += 1,
                Some(false) => {
                    tally.failed += 1;
                    failures.lock().unwrap().push(format!("{} {name}[{i}]", path.display()));
                }
                None => tally.not_applicable += 1,
            }
        }
    }
    tally
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("dir").flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

#[test]
fn general_state_tests_cancun() {
    let root = root();
    let filter = std::env::var("ZKOS_STATE_TESTS").ok();
    let mut all = Vec::new();
    files(&root, &mut all);
    all.retain(|p| filter.as_deref().is_none_or(|f| p.to_string_lossy().contains(f)));
    // Each folder's files, run on every core.
    let next = Mutex::new(all.into_iter());
    let by_folder: Mutex<BTreeMap<String, Tally>> = Mutex::default();
    let failures = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let Some(path) = next.lock().unwrap().next() else { break };
                    let t = run_file(&path, &failures);
                    let folder = path
                        .parent()
                        .and_then(|p| p.strip_prefix(&root).ok())
                        .map_or_else(String::new, |p| p.display().to_string());
                    *by_folder.lock().unwrap().entry(folder).or_default() += t;
                }
            });
        }
    });
    let by_folder = by_folder.into_inner().unwrap();
    let mut total = Tally::default();
    println!("| folder | passed | failed | not applicable |\n| --- | ---: | ---: | ---: |");
    for (folder, t) in &by_folder {
        println!("| {folder} | {} | {} | {} |", t.passed, t.failed, t.not_applicable);
        total += *t;
    }
    println!("| **total** | {} | {} | {} |", total.passed, total.failed, total.not_applicable);
    if filter.is_some() {
        let mut f = failures.into_inner().unwrap();
        f.sort();
        for line in f {
            println!("FAILED {line}");
        }
    }
    assert!(total.passed >= PASS_FLOOR, "{} passed, below the floor {PASS_FLOOR}", total.passed);
}
