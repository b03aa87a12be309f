//! Ethereum's own TransactionTests (Cancun results), run against the OS's
//! transaction decoder and static checks. Prints passed/failed per folder
//! and fails below the pass rate this code reaches.

#![allow(clippy::unwrap_used, reason = "a conformance harness fails loudly on bad test files")]

use std::{collections::BTreeMap, path::Path};

use zkos_kernel::tx::{check_static, decode};

fn conformance_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/conformance/ethereum-tests/TransactionTests")
}

fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    hex::decode(s.trim_start_matches("0x")).ok()
}

/// `Ok(())` when our verdict matches the expected Cancun result.
fn check(test: &serde_json::Value) -> Result<(), String> {
    let expected = &test["result"]["Cancun"];
    let Some(bytes) = test["txbytes"].as_str().and_then(hex_bytes) else {
        // Unparsable hex is itself a malformed transaction.
        return if expected.get("exception").is_some() {
            Ok(())
        } else {
            Err("bad txbytes".into())
        };
    };
    // The tests are filled for mainnet, chain id 1.
    let ours = decode(&bytes).and_then(|tx| check_static(&tx, 1).map(|gas| (tx, gas)));
    match (expected.get("exception"), ours) {
        (Some(_), Err(_)) => Ok(()),
        (Some(e), Ok(_)) => Err(format!("accepted, expected {e}")),
        (None, Err(e)) => Err(format!("refused ({e}), expected valid")),
        (None, Ok((tx, gas))) => {
            let sender = expected["sender"].as_str().unwrap_or_default();
            let hash = expected["hash"].as_str().unwrap_or_default();
            let intrinsic = expected["intrinsicGas"].as_str().unwrap_or("0x0");
            let intrinsic =
                u64::from_str_radix(intrinsic.trim_start_matches("0x"), 16).unwrap_or(0);
            if format!("{:#x}", tx.sender) != sender.to_lowercase() {
                return Err(format!("sender {:#x}, expected {sender}", tx.sender));
            }
            if format!("{:#x}", tx.hash) != hash.to_lowercase() {
                return Err(format!("hash {:#x}, expected {hash}", tx.hash));
            }
            if gas != intrinsic {
                return Err(format!("intrinsic gas {gas}, expected {intrinsic}"));
            }
            Ok(())
        }
    }
}

#[test]
fn transaction_tests_cancun() {
    let dir = conformance_dir();
    assert!(dir.is_dir(), "conformance data missing at {}", dir.display());
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    files.sort();
    let mut per_folder: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for file in &files {
        let folder = file.parent().unwrap().strip_prefix(&dir).unwrap().display().to_string();
        let tests: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for (name, test) in tests {
            if test["result"].get("Cancun").is_none() {
                continue;
            }
            let entry = per_folder.entry(folder.clone()).or_default();
            match check(&test) {
                Ok(()) => entry.0 += 1,
                Err(why) => {
                    entry.1 += 1;
                    failures.push(format!("{folder}/{name}: {why}"));
                }
            }
        }
    }
    let (passed, failed) = per_folder.values().fold((0, 0), |(p, f), (a, b)| (p + a, f + b));
    println!("{:<24} {:>6} {:>6}", "folder", "passed", "failed");
    for (folder, (p, f)) in &per_folder {
        println!("{folder:<24} {p:>6} {f:>6}");
    }
    println!("{:<24} {passed:>6} {failed:>6}", "total");
    for f in &failures {
        println!("FAIL {f}");
    }
    // What this decoder reaches today: raise it, never lower it. The three
    // failures are fees above 2^128 wei, which alloy's u128 fee fields
    // cannot hold (see `zkos_kernel::tx`).
    const REQUIRED_PASSED: usize = 146;
    assert!(
        passed >= REQUIRED_PASSED,
        "{passed} passed, below {REQUIRED_PASSED} ({failed} failed)"
    );
    assert!(failed <= 3, "{failed} failed, more than the 3 known");
}
