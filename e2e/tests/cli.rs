//! The CLI as a user runs it: output snapshots, errors, and a state
//! directory that survives SIGKILL.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Output, Stdio},
};

use e2e::{guest_path, kernel_path};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pvm-runner-e2e"))
}

fn run(args: &[&str]) -> Output {
    cli().args(args).output().expect("the CLI starts")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, contents: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p.to_string_lossy().into_owned()
}

const INBOX: &str = r#"[
  [{"external_text": "hello"}],
  [{"external_text": "burn 10"}, {"external": "0a0b"}],
  {"timestamp": 1700000100, "messages": []}
]"#;

#[test]
fn run_prints_each_level_identically_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = write(dir.path(), "inbox.json", INBOX);
    let kernel = kernel_path("counter_kernel");
    let kernel = kernel.to_str().unwrap();
    let mut outputs = Vec::new();
    for engine in ["fast", "pvm"] {
        let o = run(&["run", "--kernel", kernel, "--inbox", &inbox, "--engine", engine, "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let lines: Vec<serde_json::Value> =
            stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 3);
        outputs.push(lines);
    }
    for (f, p) in outputs[0].iter().zip(&outputs[1]) {
        assert_eq!(f["state_root"], p["state_root"]);
        assert_eq!(f["outbox"], p["outbox"]);
        assert_eq!(f["outbox_commitment"], p["outbox_commitment"]);
    }
    // The text a person reads, with the pvm engine's ticks.
    let o = run(&["run", "--kernel", kernel, "--inbox", &inbox, "--engine", "pvm"]);
    assert!(o.status.success());
    // Roots cover the kernel's bytes, which change with any dependency
    // bump; the engines' agreement on them is asserted above.
    insta::with_settings!({filters => vec![(r"root [0-9a-f]{64}", "root [root]")]}, {
        insta::assert_snapshot!("counter_pvm_text", stdout(&o));
    });
    assert!(stderr(&o).contains("counter: burned 10 rounds"), "debug output on stderr");
}

#[test]
fn an_invalid_kernel_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = write(dir.path(), "inbox.json", "[[]]");
    let not_wasm = write(dir.path(), "k.wasm", "definitely not wasm");
    let o = run(&["run", "--kernel", &not_wasm, "--inbox", &inbox]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("invalid WebAssembly"), "{}", stderr(&o));
    let no_entry = dir.path().join("empty.wasm");
    std::fs::write(&no_entry, wat::parse_str("(module (memory (export \"m\") 1))").unwrap())
        .unwrap();
    let o = run(&["run", "--kernel", no_entry.to_str().unwrap(), "--inbox", &inbox]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no entry point"), "{}", stderr(&o));
    let o = run(&["run", "--kernel", "/no/such/file.wasm", "--inbox", &inbox]);
    assert!(stderr(&o).contains("cannot read the kernel"), "{}", stderr(&o));
}

#[test]
fn bad_inbox_files_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let kernel = kernel_path("echo_kernel");
    let kernel = kernel.to_str().unwrap();
    let state = dir.path().join("state");
    let cases = [
        ("not json", "inbox file is not valid"),
        (r#"[[{"external": "xyz"}]]"#, "level 1 (index 0 in the file), message 0: external"),
        (
            r#"[[], [{"payload": "Pair 1", "sender": "KT1nope"}]]"#,
            "level 2 (index 1 in the file), message 0: sender",
        ),
        (r#"[[{"external_text": 5}]]"#, "inbox file is not valid"),
    ];
    for (i, (contents, expected)) in cases.into_iter().enumerate() {
        let inbox = write(dir.path(), &format!("bad{i}.json"), contents);
        let o = run(&[
            "run",
            "--kernel",
            kernel,
            "--inbox",
            &inbox,
            "--state",
            state.to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "{contents}");
        assert!(stderr(&o).contains(expected), "{contents}: {}", stderr(&o));
        assert!(!state.exists(), "nothing was written for a bad inbox");
    }
}

#[test]
fn a_state_killed_mid_run_reopens_at_a_committed_level_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    // Enough levels that the run is still going when we kill it.
    let levels: Vec<String> =
        (0..400).map(|i| format!(r#"[{{"external_text": "burn {}"}}]"#, 20_000 + i)).collect();
    let inbox = write(dir.path(), "long.json", &format!("[{}]", levels.join(",")));
    let kernel = kernel_path("counter_kernel");
    let kernel = kernel.to_str().unwrap();

    // The reference: the whole run, uninterrupted, in memory.
    let full = run(&["run", "--kernel", kernel, "--inbox", &inbox, "--engine", "pvm", "--json"]);
    assert!(full.status.success(), "{}", stderr(&full));
    let reference: Vec<serde_json::Value> =
        stdout(&full).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(reference.len(), 400);

    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let mut child = cli()
        .args([
            "run", "--kernel", kernel, "--inbox", &inbox, "--engine", "pvm", "--json", "--state",
            state,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..20 {
        lines.next().unwrap().unwrap();
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let o = run(&["inspect", "--state", state, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let committed = summary["next_level"].as_u64().unwrap() - 1;
    assert!((20..400).contains(&committed), "killed after {committed} levels");
    assert_eq!(summary["state_root"], reference[committed as usize - 1]["state_root"]);

    let resumed = run(&["run", "--inbox", &inbox, "--engine", "pvm", "--json", "--state", state]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(stderr(&resumed).contains("resuming"));
    let rest: Vec<serde_json::Value> =
        stdout(&resumed).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rest.len(), 400 - committed as usize);
    assert_eq!(rest.last().unwrap()["state_root"], reference[399]["state_root"]);
}

#[test]
fn inspect_reads_values_and_children() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = write(dir.path(), "inbox.json", r#"[[{"external_text": "x"}]]"#);
    let state = dir.path().join("s");
    let state = state.to_str().unwrap();
    let kernel = kernel_path("counter_kernel");
    let o =
        run(&["run", "--kernel", kernel.to_str().unwrap(), "--inbox", &inbox, "--state", state]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["inspect", "--state", state, "/counter"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "/counter/externals\n/counter/levels\n");
    let o = run(&["inspect", "--state", state, "/counter/levels"]);
    assert_eq!(stdout(&o), "value (8 bytes): 0100000000000000\n");
    let o = run(&["inspect", "--state", state, "/nothing"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("nothing at /nothing"));
    let o = run(&["inspect", "--state", dir.path().join("none").to_str().unwrap()]);
    assert!(stderr(&o).contains("holds no state"));
    // A reader that stops early (`| head`): the kernel's hex is far more
    // than a pipe holds, so the CLI meets the closed pipe, and ends quietly.
    let mut child = cli()
        .args(["inspect", "--state", state, "/kernel/boot.wasm"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut head = [0u8; 7];
    std::io::Read::read_exact(&mut out, &mut head).unwrap();
    assert_eq!(&head, b"value (");
    drop(out);
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert!(o.status.success() && err.is_empty(), "{err}");
}

/// A kernel that keeps each level's InfoPerLevel and level number (the
/// values a kernel reads from its inbox) at `/info` and `/level`.
const INFO_KERNEL: &str = r#"(module
  (import "smart_rollup_core" "read_input" (func $read (param i32 i32 i32) (result i32)))
  (import "smart_rollup_core" "store_write"
    (func $write (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "/info")
  (data (i32.const 8) "/level")
  (func (export "kernel_run") (local $n i32)
    (drop (call $read (i32.const 16) (i32.const 64) (i32.const 4096)))
    (local.set $n (call $read (i32.const 16) (i32.const 64) (i32.const 4096)))
    (drop (call $write (i32.const 0) (i32.const 5) (i32.const 0) (i32.const 64) (local.get $n)))
    (drop (call $write (i32.const 8) (i32.const 6) (i32.const 0) (i32.const 16) (i32.const 4)))))"#;

#[test]
fn a_level_can_give_the_kernel_what_octez_wasm_debugger_gives() {
    let dir = tempfile::tempdir().unwrap();
    let kernel = dir.path().join("info.wasm");
    std::fs::write(&kernel, wat::parse_str(INFO_KERNEL).unwrap()).unwrap();
    // The debugger's InfoPerLevel: the zero block hash at the epoch, from level 0.
    let zero = "BKiHLREqU3JkXfzEDYAkmmfX48gBDtYhMrpA98s7Aq4SzbUAB6M";
    let levels = format!(
        r#"[{{"timestamp": 0, "predecessor": "{zero}", "messages": []}},
            {{"timestamp": 0, "predecessor": "{zero}", "messages": []}}]"#
    );
    let inbox = write(dir.path(), "inbox.json", &levels);
    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let kernel = kernel.to_str().unwrap();
    let args = ["run", "--kernel", kernel, "--inbox", &inbox, "--state", state, "--first-level"];
    let o = run(&[&args[..], &["0"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("level 0:"), "{}", stdout(&o));
    let info = format!("0003{}{}", "00".repeat(8), "00".repeat(32));
    let o = run(&["inspect", "--state", state, "/info"]);
    assert_eq!(stdout(&o), format!("value (42 bytes): {info}\n"));
    let o = run(&["inspect", "--state", state, "/level"]);
    assert_eq!(stdout(&o), "value (4 bytes): 01000000\n", "the second level is 1");
    // The state remembers where it started: a resumed run agrees, another refuses.
    let o = run(&[&args[..], &["0"]].concat());
    assert!(o.status.success() && stdout(&o).is_empty(), "{}", stderr(&o));
    let o = run(&[&args[..], &["1"]].concat());
    assert!(stderr(&o).contains("the state's first level is 0"), "{}", stderr(&o));
    // The exported history says so too, and carries the predecessors.
    let o = run(&["export", "--state", state]);
    assert!(stdout(&o).contains(zero) && stderr(&o).contains("--first-level 0"));
}

#[test]
fn prove_replays_a_recorded_level_in_risc_v_and_natively() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = write(dir.path(), "inbox.json", INBOX);
    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let kernel = kernel_path("counter_kernel");
    let kernel = kernel.to_str().unwrap();
    // Witnesses live in the state: --witness needs one.
    let o = run(&["run", "--kernel", kernel, "--inbox", &inbox, "--witness"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--state"), "{}", stderr(&o));
    // Level 1 without a witness, then levels 2 and 3 with one.
    let first = write(dir.path(), "first.json", "[[{\"external_text\": \"hello\"}]]");
    assert!(
        run(&["run", "--kernel", kernel, "--inbox", &first, "--state", state]).status.success()
    );
    let o = run(&["run", "--inbox", &inbox, "--state", state, "--witness", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let roots: Vec<String> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["state_root"].to_string())
        .collect();
    let guest = guest_path().to_str().unwrap();
    for (level, extra) in [("2", vec!["--guest", guest]), ("3", vec!["--native"])] {
        let mut args = vec!["prove", "--state", state, "--level", level, "--json"];
        args.extend(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let line: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert_eq!(line["matches"], true);
        let index = level.parse::<usize>().unwrap() - 2;
        assert_eq!(line["post_root"].to_string(), roots[index]);
        assert!(line["witness_bytes"].as_u64().unwrap() > 0);
    }
    let o = run(&["prove", "--state", state, "--level", "1", "--native"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("level 1 has no witness"), "{}", stderr(&o));
    let o = run(&["prove", "--state", state, "--level", "9", "--native"]);
    assert!(stderr(&o).contains("level 9 is not committed"), "{}", stderr(&o));
}
