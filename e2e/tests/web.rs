//! The browser build's session (`zkos-web`, run natively here; the page
//! runs the same code compiled to wasm32, see web/tests) against the CLI:
//! the same kernel, genesis and inbox give the same roots, outboxes and
//! ticks as `pvm-runner run --engine pvm`, and each level's report says
//! what a person needs to read. With witnesses on, it records the CLI's
//! witnesses and replays them to the CLI's statements.

use std::{ffi::OsStr, process::Command};

use e2e::{kernel, kernel_path, workspace_root};
use zkos_web::{LevelView, Session, Settings};

fn example(path: &str) -> String {
    workspace_root().join("kernels-examples").join(path).to_string_lossy().into_owned()
}

/// `pvm-runner run --engine pvm --json` with `extra` arguments, one JSON
/// object per level.
fn cli(
    kernel: &str,
    inbox: &str,
    genesis: Option<&str>,
    extra: &[&OsStr],
) -> Vec<serde_json::Value> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pvm-runner-e2e"));
    cmd.args(["run", "--engine", "pvm", "--json", "--kernel", kernel, "--inbox", inbox]);
    if let Some(g) = genesis {
        cmd.args(["--genesis", g]);
    }
    cmd.args(extra);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn session(stem: &str, inbox: &str, genesis: Option<&str>) -> Vec<LevelView> {
    let genesis = genesis.map(|g| std::fs::read_to_string(g).unwrap());
    let inbox = std::fs::read_to_string(inbox).unwrap();
    let mut s =
        Session::new(kernel(stem), genesis.as_deref(), &inbox, Settings::default()).unwrap();
    std::iter::from_fn(|| s.step().unwrap()).collect()
}

fn assert_same_as_cli(stem: &str, inbox: &str, genesis: Option<&str>) -> Vec<LevelView> {
    let path = kernel_path(stem);
    let expected = cli(path.to_str().unwrap(), inbox, genesis, &[]);
    let views = session(stem, inbox, genesis);
    assert_eq!(views.len(), expected.len());
    for (v, e) in views.iter().zip(&expected) {
        assert_eq!(serde_json::json!(v.level), e["level"]);
        assert_eq!(v.state_root, e["state_root"].as_str().unwrap(), "level {}", v.level);
        assert_eq!(v.outbox_commitment, e["outbox_commitment"].as_str().unwrap());
        let outbox: Vec<String> =
            v.outbox.iter().map(|o| o.hex.trim_start_matches("0x").to_owned()).collect();
        assert_eq!(serde_json::json!(outbox), e["outbox"], "level {}", v.level);
        assert_eq!(serde_json::json!(v.ticks), e["ticks"], "level {}", v.level);
        assert_eq!(serde_json::json!(v.failures), e["failures"], "level {}", v.level);
    }
    views
}

#[test]
fn the_erc20_scenario_gives_the_clis_roots_outbox_and_ticks() {
    let views = assert_same_as_cli(
        "zkos_kernel",
        &example("inboxes/erc20.json"),
        Some(&example("genesis/dev.json")),
    );
    // What a person reads of the scenario, level by level.
    let summary: Vec<serde_json::Value> = views.iter().map(summarise).collect();
    insta::assert_json_snapshot!("web_erc20_levels", summary);
}

#[test]
fn the_transfers_and_counter_examples_give_the_clis_roots() {
    assert_same_as_cli(
        "zkos_kernel",
        &example("inboxes/transfers.json"),
        Some(&example("genesis/dev.json")),
    );
    let views = assert_same_as_cli("counter_kernel", &example("inboxes/counter.json"), None);
    assert!(views.iter().any(|v| v.reboots > 0), "the counter reboots");
    assert!(views.iter().any(|v| !v.failures.is_empty()), "and one level traps");
}

/// The page records each level's witness as `pvm-runner run --witness`
/// does, byte for byte, and its replay in the session reaches the
/// statement `pvm-runner prove --native` prints for the level.
#[test]
fn the_witnesses_the_page_records_are_the_clis_and_replay_alike() {
    let examples = [
        ("zkos_kernel", example("inboxes/erc20.json"), Some(example("genesis/dev.json"))),
        ("counter_kernel", example("inboxes/counter.json"), None),
    ];
    for (stem, inbox, genesis) in examples {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let kernel_file = kernel_path(stem);
        let extra = [OsStr::new("--witness"), OsStr::new("--state"), state.as_os_str()];
        cli(kernel_file.to_str().unwrap(), &inbox, genesis.as_deref(), &extra);

        let genesis = genesis.map(|g| std::fs::read_to_string(g).unwrap());
        let settings = Settings { record_witness: true, ..Settings::default() };
        let mut s = Session::new(
            kernel(stem),
            genesis.as_deref(),
            &std::fs::read_to_string(&inbox).unwrap(),
            settings,
        )
        .unwrap();
        let views: Vec<LevelView> = std::iter::from_fn(|| s.step().unwrap()).collect();
        let levels = views.len() as u32;
        assert!(levels > 1);
        for level in 1..=levels {
            let file = dir.path().join(format!("witness-{level}"));
            let out = Command::new(env!("CARGO_BIN_EXE_pvm-runner-e2e"))
                .args(["prove", "--native", "--json", "--level", &level.to_string(), "--state"])
                .arg(&state)
                .arg("--witness-out")
                .arg(&file)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let proved: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(proved["matches"], true, "{stem} level {level}: {proved}");
            assert!(
                std::fs::read(&file).unwrap() == s.witness(level).unwrap(),
                "{stem} level {level}: the witness differs from the CLI's"
            );
            let replayed = s.replay(level).unwrap();
            assert!(replayed.mismatches.is_empty(), "{stem} level {level}: {replayed:?}");
            let ours = serde_json::to_value(&replayed).unwrap();
            for field in ["pre_root", "post_root", "inbox_hash", "outbox_commitment"] {
                assert_eq!(ours[field], proved[field], "{stem} level {level}: {field}");
            }
            assert_eq!(serde_json::json!(replayed.ticks), proved["ticks"]);
            // A replay starts with a fresh engine, the run did not: the
            // ticks must not tell them apart.
            assert_eq!(replayed.ticks, views[level as usize - 1].ticks, "{stem} level {level}");
        }
    }
}

/// A log as a person reads it: the event with its arguments, if the page
/// names it.
fn event(l: &zkos_web::decode::log::LogView) -> Option<String> {
    let args: Vec<_> = l.args.iter().map(|a| format!("{}: {}", a.name, a.value)).collect();
    l.event.as_ref().map(|e| format!("{} {{ {} }}", e, args.join(", ")))
}

/// A level without its hex and hashes that change with the kernel's bytes:
/// messages, receipts, outbox and the kinds of storage changes.
fn summarise(v: &LevelView) -> serde_json::Value {
    let messages: Vec<_> = v.messages.iter().map(|m| &m.decoded).collect();
    let receipts: Vec<_> = v
        .blocks
        .iter()
        .flat_map(|b| &b.transactions)
        .map(|t| {
            serde_json::json!({
                "from": t.from, "to": t.to, "status": t.status, "vm": t.vm,
                "gas_used": t.gas_used, "created": t.created,
                "events": t.logs.iter().map(event).collect::<Vec<_>>(),
            })
        })
        .collect();
    let changes: Vec<_> = v
        .changes
        .iter()
        .filter(|c| c.decoded.is_some())
        .map(|c| serde_json::json!({ "path": c.path, "kind": c.kind, "decoded": c.decoded }))
        .collect();
    serde_json::json!({
        "level": v.level,
        "runs": v.ticks.len(),
        "messages": messages,
        "receipts": receipts,
        "deposits": v.blocks.iter().flat_map(|b| &b.deposits).collect::<Vec<_>>(),
        "withdrawals": v.outbox.iter().map(|o| &o.withdrawal).collect::<Vec<_>>(),
        "changes": changes,
    })
}
