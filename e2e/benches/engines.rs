//! Native (mock-host) against `fast` (wasmer) against `pvm` (wasmi): the same
//! kernel and the same level, side by side in one run.
//!
//! `cargo bench -p zkos-e2e --bench engines`. Each iteration runs one whole
//! level (all its `kernel_run` calls, the commit to an in-memory redb state
//! included for the runner engines). The ticks of each level under `pvm` are
//! printed before the measurements.

use criterion::{Criterion, criterion_group, criterion_main};
use e2e::{kernel, level, runner};
use host::InboxMessage;
use mock_host::MockHost;
use pvm_runner::{EngineKind, runner::DEFAULT_TICK_LIMIT};

struct Scenario {
    name: &'static str,
    stem: &'static str,
    native: fn(&mut MockHost),
    messages: Vec<InboxMessage>,
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "counter-compute",
            stem: "counter_kernel",
            native: counter_kernel::run::<MockHost>,
            // ten messages each burning 20,000 rounds of arithmetic
            messages: (0..10).map(|_| InboxMessage::External(b"burn 20000".to_vec())).collect(),
        },
        Scenario {
            name: "echo-io",
            stem: "echo_kernel",
            native: echo_kernel::run::<MockHost>,
            // a hundred 1 KiB messages read and written to the outbox
            messages: (0..100).map(|i| InboxMessage::External(vec![i as u8; 1024])).collect(),
        },
    ]
}

fn bench(c: &mut Criterion) {
    for s in scenarios() {
        let wasm = kernel(s.stem);
        let msgs = level(1, &s.messages);
        {
            let mut r = runner(EngineKind::Pvm, DEFAULT_TICK_LIMIT, wasm.clone());
            let o = r.run_level(msgs.clone()).expect("level runs");
            eprintln!(
                "{}: {} kernel_run calls, {} ticks per level (pvm)",
                s.name,
                o.report.runs.len(),
                o.report.ticks()
            );
        }
        let mut group = c.benchmark_group(s.name);
        group.sample_size(20);
        let mut mock = MockHost::default();
        group.bench_function("native", |b| {
            b.iter(|| mock.run_raw_level(msgs.clone(), s.native));
        });
        for (name, engine) in [("fast", EngineKind::Fast), ("pvm", EngineKind::Pvm)] {
            let mut r = runner(engine, DEFAULT_TICK_LIMIT, wasm.clone());
            // compile and warm the module cache outside the measurement
            r.run_level(msgs.clone()).expect("level runs");
            group.bench_function(name, |b| {
                b.iter(|| r.run_level(msgs.clone()).expect("level runs"));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
