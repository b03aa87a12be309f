//! What deploy-time preparation saves each call of a WASM or RISC-V
//! contract: the kernel validates a module once, at deployment
//! (`prepare::prepare`, wasmi's `Module::new`), and every call after loads
//! it unchecked and instantiates it (`WasmVm::frame`); it checks and parses
//! an ELF once (`riscv::prepare::prepare`) and every call loads its pages
//! from the kept plan (`RiscvFrame::new`). Natively, on the Rust ERC-20
//! (`kernels-examples/contracts/erc20`) built for each VM, side by side in
//! one run; and the RISC-V interpreter's speed on a loop.
//!
//! `cargo bench -p zkos-e2e --bench wasm_load`. Figures in BENCHMARKS.md.

use std::rc::Rc;

use alloy_primitives::{Address, U256};
use criterion::{Criterion, criterion_group, criterion_main};
use zkos_kernel::ee::{
    guest::{Context, Exit, GuestFrame, Step},
    riscv::{self, frame::RiscvFrame},
    wasm::{frame::WasmVm, prepare},
};

fn context() -> Context {
    Context {
        calldata: Vec::new(),
        caller: Address::ZERO,
        origin: Address::ZERO,
        address: Address::ZERO,
        value: U256::ZERO,
        gas_limit: 1_000_000,
        is_static: false,
        constants: Rc::default(),
        block: (1, 1, 1),
        coinbase: Address::ZERO,
        base_fee: U256::ZERO,
    }
}

fn bench(c: &mut Criterion) {
    let code = Rc::new(e2e::contract("zkos_erc20"));
    let mut g = c.benchmark_group("erc20 module (44 KB)");
    g.bench_function("validate and prepare (once, at deploy)", |b| {
        b.iter(|| prepare::prepare(&code).expect("valid"))
    });
    g.bench_function("validate, load and instantiate (what each call would do)", |b| {
        b.iter(|| {
            prepare::prepare(&code).expect("valid");
            WasmVm::new().expect("an engine").frame(&code, "call", context()).expect("loads")
        })
    });
    g.bench_function("load unchecked and instantiate (each call)", |b| {
        b.iter(|| WasmVm::new().expect("an engine").frame(&code, "call", context()).expect("loads"))
    });
    g.finish();

    let elf = e2e::riscv_contract("zkos_erc20");
    let mut g = c.benchmark_group(format!("erc20 ELF ({} KB)", elf.len() / 1000));
    g.bench_function("check and parse (once, at deploy)", |b| {
        b.iter(|| riscv::prepare::prepare(&elf).expect("valid"))
    });
    let plan = riscv::prepare::prepare(&elf).expect("valid");
    let stored = riscv::prepare::encode(&plan);
    g.bench_function("check, parse and load (what each call would do)", |b| {
        b.iter(|| {
            let plan = riscv::prepare::prepare(&elf).expect("valid");
            RiscvFrame::new(&elf, &plan, 0, context()).expect("loads")
        })
    });
    g.bench_function("load from the kept plan (each call)", |b| {
        b.iter(|| {
            let plan = riscv::prepare::decode(&stored).expect("a plan");
            RiscvFrame::new(&elf, &plan, 0, context()).expect("loads")
        })
    });
    g.finish();

    // The probe's operation 4 loops until its gas is gone: 100,000 gas of
    // cycles.
    let probe = e2e::riscv_contract("zkos_probe");
    let plan = riscv::prepare::prepare(&probe).expect("valid");
    let mut g = c.benchmark_group("RISC-V interpreter");
    let cycles = 100_000 * riscv::frame::CYCLES_PER_GAS;
    g.throughput(criterion::Throughput::Elements(cycles));
    g.bench_function(format!("a loop of {cycles} cycles"), |b| {
        b.iter(|| {
            let ctx = Context { calldata: vec![4], gas_limit: 100_000, ..context() };
            let mut f = RiscvFrame::new(&probe, &plan, 0, ctx).expect("loads");
            assert!(matches!(f.start(), Step::Exit(Exit::OutOfGas)));
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
