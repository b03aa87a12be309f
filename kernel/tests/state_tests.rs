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
//! - blob transactions (type 3) have no meaning on the rollup: "not
//!   applicable", never passed;
//! - a transaction larger than one inbox message (4096 bytes less framing)
//!   arrives in chunks (`bootloader::chunks`), all in the same level.
//!
//! The run prints passed / failed / not applicable per folder and fails if
//! fewer tests pass than the floor below. `ZKOS_STATE_TESTS=<substring>`
//! runs only matching files and lists each failure. The cases and the
//! state root come from `zkos-conformance`, which the end-to-end sample
//! through `pvm-runner` shares.

#![allow(clippy::unwrap_used)] // a test harness: a bad vector should stop it loudly

mod common;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::Mutex,
};

use conformance::Case;
use mock_host::MockHost;
use zkos_kernel::bootloader::{chunks, config::FEE_ACCOUNT};

/// Tests that must pass; raise it when the kernel gets better.
const PASS_FLOOR: usize = 18_753;

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

/// A fresh rollup holding the case's configuration, block and accounts.
fn prepare(case: &Case) -> MockHost {
    let mut mock = MockHost::default();
    mock.set(layout::CONFIG, &case.config.encode()).unwrap();
    if case.number > 0 {
        let mut latest = (case.number - 1).to_be_bytes().to_vec();
        latest.extend_from_slice(&[0; 32]);
        mock.set(layout::LATEST_BLOCK, &latest).unwrap();
    }
    mock.set_timestamp(case.timestamp);
    for (path, value) in conformance::pre_writes(&case.pre) {
        mock.set(path.as_bytes(), &value).unwrap();
    }
    mock
}

/// Runs one case; whether it passed.
fn run_case(case: &Case) -> bool {
    let mut mock = prepare(case);
    let messages: Vec<_> = if case.txbytes.len() <= conformance::MAX_TX_IN_MESSAGE {
        vec![common::framed(&case.txbytes)]
    } else {
        chunks::split(&case.txbytes, conformance::MAX_TX_IN_MESSAGE)
            .iter()
            .map(|c| common::framed(c))
            .collect()
    };
    mock.run_level(&messages, zkos_kernel::bootloader::run);
    let values = mock.host().durable.values();
    let root = conformance::state_root(values.iter().map(|(p, v)| (&p[..], &v[..])), &FEE_ACCOUNT);
    let receipt = mock.get(layout::receipt(&alloy_primitives::keccak256(&case.txbytes)).as_bytes());
    let root_ok = root.ok() == Some(case.hash);
    let logs_ok = conformance::logs_hash(receipt.as_deref()).ok() == Some(case.logs);
    if !(root_ok && logs_ok) && std::env::var_os("ZKOS_STATE_TESTS_LOG").is_some() {
        println!(
            "{}: root ok {root_ok}, logs ok {logs_ok}; kernel log:\n{}",
            case.name,
            mock.debug_log()
        );
    }
    root_ok && logs_ok
}

fn run_file(path: &Path, failures: &Mutex<Vec<String>>) -> Tally {
    let cases = conformance::cases(path, FEE_ACCOUNT).expect("a readable test file");
    let mut tally = Tally::default();
    for (name, case) in cases {
        match case {
            Ok(case) => {
                if std::panic::catch_unwind(|| run_case(&case)).unwrap_or(false) {
                    tally.passed += 1;
                } else {
                    tally.failed += 1;
                    failures.lock().unwrap().push(format!("{} {name}", path.display()));
                }
            }
            Err(_) => tally.not_applicable += 1,
        }
    }
    tally
}

#[test]
fn general_state_tests_cancun() {
    let root: PathBuf = conformance::tests_root();
    let filter = std::env::var("ZKOS_STATE_TESTS").ok();
    let mut all = conformance::files(&root);
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
