//! Tezos' control-flow rules through the real runner: reboot, upgrade,
//! out-of-ticks rollback, invalid kernels.

use e2e::{kernel, level, run_both, runner};
use host::{InboxMessage, Path};
use pvm_runner::{EngineKind, Kernel, KernelError, runner::DEFAULT_TICK_LIMIT};

fn ext(s: &[u8]) -> InboxMessage {
    InboxMessage::External(s.to_vec())
}

fn get(r: &pvm_runner::Runner, path: &str) -> Option<Vec<u8>> {
    r.durable().get(Path::new(path.as_bytes()).unwrap()).map(<[u8]>::to_vec)
}

#[test]
fn counter_reboots_once_per_level_on_both_engines() {
    let levels = vec![vec![ext(b"a")], vec![ext(b"b"), ext(b"c")]];
    let [fast, pvm] = run_both(&kernel("counter_kernel"), DEFAULT_TICK_LIMIT, &[], &levels);
    for runs in [&fast, &pvm] {
        assert!(runs.iter().all(|(o, _)| o.runs == 2), "two kernel_run per level");
    }
    assert_eq!(pvm[1].0.outbox, vec![2u64.to_le_bytes().to_vec()]);
}

/// Splits `wasm` into 4096-byte pages and a root page listing their hashes,
/// as the counter kernel's installer expects; returns (preimages, root hash).
fn pages(wasm: &[u8]) -> (Vec<Vec<u8>>, [u8; 33]) {
    let mut preimages: Vec<Vec<u8>> = wasm.chunks(4096).map(<[u8]>::to_vec).collect();
    let list: Vec<u8> = preimages.iter().flat_map(|p| host::reveal::preimage_hash(p)).collect();
    assert!(list.len() <= 4096, "kernel too large for one root page");
    let root = host::reveal::preimage_hash(&list);
    preimages.push(list);
    (preimages, root)
}

#[test]
fn upgrade_runs_the_new_kernel_from_the_next_call() {
    let (preimages, root) = pages(&kernel("echo_kernel"));
    let upgrade = [b"upgrade ".as_slice(), &root].concat();
    let levels = vec![
        vec![ext(b"one")],
        vec![ext(&upgrade)],
        // the echo kernel now runs: it echoes and never reboots
        vec![ext(b"echo me")],
    ];
    let [fast, pvm] = run_both(&kernel("counter_kernel"), DEFAULT_TICK_LIMIT, &preimages, &levels);
    for (f, p) in fast.iter().zip(&pvm) {
        assert_eq!(f.0, p.0);
    }
    assert_eq!(pvm[0].0.outbox, vec![1u64.to_le_bytes().to_vec()]);
    assert_eq!(pvm[2].0.runs, 1);
    assert_eq!(pvm[2].0.outbox, vec![b"echo me".to_vec()]);
}

#[test]
fn a_preimage_the_runner_lacks_stops_the_level_with_nothing_committed() {
    let (preimages, root) = pages(&kernel("echo_kernel"));
    let upgrade = [b"upgrade ".as_slice(), &root].concat();
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let mut r = runner(engine, DEFAULT_TICK_LIMIT, kernel("counter_kernel"));
        r.run_level(level(1, &[ext(b"one")])).unwrap();
        let before = (r.root(), r.durable().values(), r.next_level());
        // The root page is there, one page of the kernel is not.
        let (missing, rest) = preimages.split_first().unwrap();
        for p in rest {
            r.add_preimage(p.clone());
        }
        let err = r.run_level(level(2, &[ext(&upgrade)])).unwrap_err();
        let hash = hex::encode(host::reveal::preimage_hash(missing));
        let text = err.to_string();
        assert!(text.contains("level 2 stopped, nothing committed") && text.contains(&hash));
        assert_eq!((r.root(), r.durable().values(), r.next_level()), before, "{engine:?}");
        assert!(r.state().level(2).unwrap().is_none(), "no record of level 2");
        // Once the preimage is there, the same level runs, and the upgrade with it.
        r.add_preimage(missing.clone());
        r.run_level(level(2, &[ext(&upgrade)])).unwrap();
        let o = r.run_level(level(3, &[ext(b"echo me")])).unwrap();
        assert_eq!(o.report.outbox, vec![b"echo me".to_vec()], "{engine:?}");
    }
}

#[test]
fn an_invalid_upgrade_falls_back_and_records_the_error() {
    let (preimages, root) = pages(b"this is not a wasm module");
    let upgrade = [b"upgrade ".as_slice(), &root].concat();
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let mut r = runner(engine, DEFAULT_TICK_LIMIT, kernel("counter_kernel"));
        for p in &preimages {
            r.add_preimage(p.clone());
        }
        r.run_level(level(1, &[ext(&upgrade)])).unwrap();
        let o = r.run_level(level(2, &[ext(b"x")])).unwrap();
        assert!(!o.refused_upgrades.is_empty(), "{engine:?}");
        assert_eq!(o.report.outbox, vec![2u64.to_le_bytes().to_vec()], "the counter still runs");
        assert_eq!(get(&r, "/kernel/boot.wasm"), Some(kernel("counter_kernel")));
        let err = get(&r, "/readonly/kernel/env/upgrade_error").unwrap();
        assert!(String::from_utf8_lossy(&err).contains("invalid WebAssembly"));
    }
}

#[test]
fn running_out_of_ticks_rolls_the_call_back_and_the_next_level_runs() {
    let tick_limit = 5_000_000;
    let levels = vec![
        vec![ext(b"a")],
        // the second run of level 2 burns far more than the limit
        vec![ext(b"b"), ext(b"burn 100000000")],
        vec![ext(b"c")],
    ];
    let [fast, pvm] = run_both(&kernel("counter_kernel"), tick_limit, &[], &levels);
    for (f, p) in fast.iter().zip(&pvm) {
        assert_eq!(f.0, p.0, "engines agree, failures included");
    }
    let (l2, outcome) = &pvm[1];
    assert_eq!(l2.failed, vec![1]);
    assert_eq!(outcome.report.runs[1].failure, Some(host::control::Failure::OutOfTicks));
    assert!(l2.outbox.is_empty(), "the failed call's outbox is discarded");
    // The level after runs normally; the failed call's writes are gone:
    // level 2's second run never finished, so the counter stays at 3 levels
    // but its reboot flag from level 2's first run was kept.
    let (l3, _) = &pvm[2];
    assert!(l3.failed.is_empty());
    let mut r = runner(EngineKind::Pvm, tick_limit, kernel("counter_kernel"));
    for (i, msgs) in levels.iter().enumerate() {
        r.run_level(level(i as u32 + 1, msgs)).unwrap();
    }
    assert_eq!(get(&r, "/counter/burning"), None, "the burning write was rolled back");
    assert_eq!(get(&r, "/readonly/kernel/env/stuck").as_deref(), Some(&b"out of ticks"[..]));
}

#[test]
fn invalid_kernels_are_refused_with_the_reason() {
    type Expect = fn(&KernelError) -> bool;
    let cases: [(&str, Expect); 6] = [
        ("(module)", |e| matches!(e, KernelError::NoEntryPoint)),
        (
            r#"(module (memory (export "memory") 1) (func (export "kernel_run") (param i32)))"#,
            |e| matches!(e, KernelError::EntryPointType(..)),
        ),
        (r#"(module (func (export "kernel_run")))"#, |e| matches!(e, KernelError::Memories(0))),
        (
            r#"(module (import "env" "f" (func)) (memory (export "memory") 1) (func (export "kernel_run")))"#,
            |e| matches!(e, KernelError::ForeignImport { .. }),
        ),
        (
            r#"(module (import "smart_rollup_core" "write_debug" (func (param i32))) (memory (export "memory") 1) (func (export "kernel_run")))"#,
            |e| matches!(e, KernelError::HostFunctionType { .. }),
        ),
        ("not wasm at all", |e| matches!(e, KernelError::Invalid(_))),
    ];
    for (wat, expected) in cases {
        let wasm = wat::parse_str(wat).unwrap_or_else(|_| wat.as_bytes().to_vec());
        let err = Kernel::new(wasm).unwrap_err();
        assert!(expected(&err), "{wat}: {err}");
    }
    // the old entry point name is accepted
    let old =
        wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "kernel_next")))"#)
            .unwrap();
    assert_eq!(Kernel::new(old).unwrap().entry, "kernel_next");
}

#[test]
fn a_kernel_that_traps_at_every_call_loses_only_its_own_writes() {
    let wat = r#"(module
        (import "smart_rollup_core" "store_write" (func $w (param i32 i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "/x")
        (func (export "kernel_run") (drop (call $w (i32.const 0) (i32.const 2) (i32.const 0) (i32.const 0) (i32.const 2))) unreachable))"#;
    let wasm = wat::parse_str(wat).unwrap();
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let mut r = runner(engine, DEFAULT_TICK_LIMIT, wasm.clone());
        let before = r.root();
        let o = r.run_level(level(1, &[])).unwrap();
        assert!(matches!(o.report.runs[0].failure, Some(host::control::Failure::Trap(_))));
        assert_eq!(get(&r, "/x"), None);
        assert_ne!(r.root(), before, "only the stuck marker was added");
        r.run_level(level(2, &[])).unwrap();
    }
}

/// Every instruction whose NaN result the WebAssembly spec leaves to the
/// engine, fed NaNs with a sign bit and a payload: each result is stored,
/// and both engines must write the canonical NaN (`0x7fc00000`,
/// `0x7ff8000000000000`).
#[test]
fn float_nans_are_canonical_and_equal_on_both_engines() {
    const OPS: [&str; 11] =
        ["add", "sub", "mul", "div", "min", "max", "sqrt", "ceil", "floor", "trunc", "nearest"];
    const UNARY: [&str; 5] = ["sqrt", "ceil", "floor", "trunc", "nearest"];
    const CANONICAL_32: u64 = 0x7fc0_0000;
    const CANONICAL_64: u64 = 0x7ff8_0000_0000_0000;
    // A negative NaN with a payload: not canonical.
    let (n32, n64) = (
        "(f32.reinterpret_i32 (i32.const 0xffc00123))",
        "(f64.reinterpret_i64 (i64.const 0xfff8000000000abc))",
    );
    let bits32: fn(&str) -> String = |e| format!("(i64.extend_i32_u (i32.reinterpret_f32 {e}))");
    let bits64: fn(&str) -> String = |e| format!("(i64.reinterpret_f64 {e})");
    // Each expression gives a result's bits as i64, with the bits expected.
    let mut cases: Vec<(String, u64)> = Vec::new();
    for (width, nan, bits, canonical) in
        [("f32", n32, bits32, CANONICAL_32), ("f64", n64, bits64, CANONICAL_64)]
    {
        for op in OPS {
            let args = if UNARY.contains(&op) {
                nan.to_owned()
            } else {
                format!("{nan} ({width}.const 1)")
            };
            cases.push((bits(&format!("({width}.{op} {args})")), canonical));
        }
    }
    // 0/0 and inf-inf make a NaN from no NaN; promote and demote carry one.
    cases.push((bits32("(f32.div (f32.const 0) (f32.const 0))"), CANONICAL_32));
    cases.push((bits64("(f64.sub (f64.const inf) (f64.const inf))"), CANONICAL_64));
    cases.push((bits64(&format!("(f64.promote_f32 {n32})")), CANONICAL_64));
    cases.push((bits32(&format!("(f32.demote_f64 {n64})")), CANONICAL_32));
    let body: String = cases
        .iter()
        .enumerate()
        .map(|(i, (e, _))| format!("(i64.store (i32.const {}) {e})\n", 64 + i * 8))
        .collect();
    let total = cases.len();
    let wat = format!(
        r#"(module
        (import "smart_rollup_core" "store_write" (func $w (param i32 i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "/nans")
        (func (export "kernel_run")
          {body}
          (drop (call $w (i32.const 0) (i32.const 5) (i32.const 0) (i32.const 64) (i32.const {len})))))"#,
        len = total * 8
    );
    let wasm = wat::parse_str(&wat).unwrap();
    let mut results = Vec::new();
    for engine in [EngineKind::Fast, EngineKind::Pvm] {
        let mut r = runner(engine, DEFAULT_TICK_LIMIT, wasm.clone());
        r.run_level(level(1, &[])).unwrap();
        results.push(get(&r, "/nans").expect("the kernel wrote its results"));
    }
    assert_eq!(results[0], results[1], "fast and pvm agree bit for bit");
    let words: Vec<u64> =
        results[0].chunks(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect();
    let expected: Vec<u64> = cases.iter().map(|(_, bits)| *bits).collect();
    assert_eq!(words, expected);
}
