//! Helpers for the end-to-end tests: building the kernels for wasm32 and
//! running them through the runner.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::OnceLock,
};

pub mod hostile;

use host::{Hash, InboxMessage, RollupMetadata};
use pvm_runner::{
    EngineKind, LevelOutcome, Runner, RunnerConfig, inbox_file::FileLevel,
    runner::DEFAULT_ROLLUP_ADDRESS,
};

/// The kernels of the workspace, by package name and file stem.
pub const KERNELS: [(&str, &str); 3] = [
    ("zkos-kernel", "zkos_kernel"),
    ("echo-kernel", "echo_kernel"),
    ("counter-kernel", "counter_kernel"),
];

/// The workspace this crate lies in.
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

/// `rustc` flags that make the kernels' bytes independent of where the
/// checkout and the cargo home lie (panic messages embed source paths), so
/// roots and ticks are the same on every machine.
fn reproducible_rustflags(root: &Path) -> String {
    let mut flags = vec![format!("--remap-path-prefix={}=/zkos", root.display())];
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|_| std::env::var("HOME").map(|h| Path::new(&h).join(".cargo")));
    if let Ok(home) = home {
        flags.push(format!("--remap-path-prefix={}=/cargo", home.display()));
    }
    flags.join("\x1f")
}

/// Builds `packages` for `wasm32-unknown-unknown` with cargo `profile`, in
/// a target directory of their own so the build never waits on the lock of
/// the `cargo test` that runs us; returns the directory of the `.wasm`
/// files. Each package is built on its own, so one's dependencies cannot
/// change another's features (and bytes).
fn build_wasm32(packages: &[(&str, &str)], profile: &str) -> PathBuf {
    build(packages, profile, WASM32, &["build"])
}

const WASM32: &str = "wasm32-unknown-unknown";
const RISCV64: &str = "riscv64imac-unknown-none-elf";

/// Builds contract `packages` for `riscv64imac-unknown-none-elf` as
/// executables (`cargo rustc --crate-type bin`: the same library crate the
/// wasm32 build makes a module of), as [`build_wasm32`] does.
fn build_riscv64(packages: &[(&str, &str)], profile: &str) -> PathBuf {
    build(packages, profile, RISCV64, &["rustc", "--crate-type", "bin"])
}

fn build(packages: &[(&str, &str)], profile: &str, target: &str, how: &[&str]) -> PathBuf {
    let root = workspace_root();
    let dir = root.join("target").join("e2e-kernels");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for (package, _) in packages {
        let status = Command::new(&cargo)
            .current_dir(&root)
            .env("CARGO_ENCODED_RUSTFLAGS", reproducible_rustflags(&root))
            .args(how)
            .args(["--profile", profile, "--locked", "--target", target, "--target-dir"])
            .arg(&dir)
            .args(["-p", package])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building {package} for {target} failed");
    }
    dir.join(target).join(profile)
}

/// Builds every kernel (release) once per test process; returns the
/// directory of the `.wasm` files.
pub fn kernels_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_wasm32(&KERNELS, "release"))
}

/// The Rust contracts of the workspace, by package name and file stem.
pub const CONTRACTS: [(&str, &str); 2] =
    [("zkos-erc20", "zkos_erc20"), ("zkos-vault", "zkos_vault")];

/// Builds every Rust contract with the `contract` profile (size-optimised)
/// once per test process; returns the directory of the `.wasm` files.
pub fn contracts_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_wasm32(&CONTRACTS, "contract"))
}

/// The bytes of a built Rust contract (`zkos_erc20`, `zkos_vault`).
pub fn contract(stem: &str) -> Vec<u8> {
    read_wasm(contracts_dir(), stem)
}

/// The Rust contracts built for RISC-V.
pub const RISCV_CONTRACTS: [(&str, &str); 3] =
    [("zkos-erc20", "zkos_erc20"), ("zkos-vault", "zkos_vault"), ("zkos-probe", "zkos_probe")];

/// Builds the RISC-V contracts once per test process; returns the
/// directory of the ELF files.
pub fn riscv_contracts_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_riscv64(&RISCV_CONTRACTS, "contract"))
}

/// The proving guest (`pvm-runner/guest`), built for RISC-V with the
/// `guest` profile once per test process.
pub fn guest_elf() -> &'static [u8] {
    static ELF: OnceLock<Vec<u8>> = OnceLock::new();
    ELF.get_or_init(|| read(guest_path()))
}

/// Where [`guest_elf`] is built.
pub fn guest_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        build(&[("zkos-pvm-guest", "")], "guest", RISCV64, &["build"]).join("zkos-pvm-guest")
    })
}

/// The bytes of a Rust contract built for RISC-V (a static ELF).
pub fn riscv_contract(stem: &str) -> Vec<u8> {
    read(&riscv_contracts_dir().join(stem))
}

fn read_wasm(dir: &Path, stem: &str) -> Vec<u8> {
    read(&dir.join(format!("{stem}.wasm")))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The path of a built kernel (`echo_kernel`, `counter_kernel`, `zkos_kernel`).
pub fn kernel_path(stem: &str) -> PathBuf {
    kernels_dir().join(format!("{stem}.wasm"))
}

/// The bytes of a built kernel.
pub fn kernel(stem: &str) -> Vec<u8> {
    read_wasm(kernels_dir(), stem)
}

/// The metadata every test rollup uses.
pub fn metadata() -> RollupMetadata {
    RollupMetadata { address: DEFAULT_ROLLUP_ADDRESS, origination_level: 0 }
}

/// An in-memory runner with `wasm` originated.
pub fn runner(engine: EngineKind, tick_limit: u64, wasm: Vec<u8>) -> Runner {
    let mut r = Runner::open(None, RunnerConfig { engine, tick_limit, record_witness: true })
        .expect("in-memory state");
    r.originate(wasm, metadata(), None).expect("valid kernel");
    r
}

/// An in-memory runner with `wasm` originated over `genesis`.
pub fn runner_with_genesis(
    engine: EngineKind,
    wasm: Vec<u8>,
    genesis: &pvm_runner::genesis::Genesis,
) -> Runner {
    runner_with_genesis_and_limit(engine, pvm_runner::runner::DEFAULT_TICK_LIMIT, wasm, genesis)
}

/// An in-memory runner with `wasm` originated over `genesis`, whose
/// `kernel_run`s may take at most `tick_limit` ticks.
pub fn runner_with_genesis_and_limit(
    engine: EngineKind,
    tick_limit: u64,
    wasm: Vec<u8>,
    genesis: &pvm_runner::genesis::Genesis,
) -> Runner {
    let mut r = Runner::open(None, RunnerConfig { engine, tick_limit, record_witness: true })
        .expect("in-memory state");
    r.originate(wasm, metadata(), Some(genesis)).expect("valid kernel and genesis");
    r
}

/// What an inbox message holds after the rollup's framing.
pub use zkos_node::chain::MAX_MESSAGE;

/// Signed transactions as the external messages that carry them (as the
/// node frames them): each in one message, or in chunks when it is larger
/// than a message holds (a contract deployment of tens of KB).
pub fn messages<'a>(txs: impl IntoIterator<Item = &'a [u8]>) -> Vec<InboxMessage> {
    txs.into_iter().flat_map(|t| zkos_node::chain::frame(&DEFAULT_ROLLUP_ADDRESS, t)).collect()
}

/// `tx` as one external message framed for the test rollup.
pub fn framed(tx: &[u8]) -> InboxMessage {
    InboxMessage::External([&[0u8][..], &DEFAULT_ROLLUP_ADDRESS, tx].concat())
}

/// Wraps `messages` as level `level` the way the CLI does.
pub fn level(level: u32, messages: &[InboxMessage]) -> Vec<Vec<u8>> {
    FileLevel::new(messages.to_vec()).encode(level)
}

/// What a level left behind, for comparing engines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The level.
    pub level: u32,
    /// The state root.
    pub root: Hash,
    /// The outbox.
    pub outbox: Vec<Vec<u8>>,
    /// How many kernel_run calls, and which failed (by index).
    pub runs: usize,
    /// Indices of failed runs.
    pub failed: Vec<usize>,
}

impl From<&LevelOutcome> for Observed {
    fn from(o: &LevelOutcome) -> Self {
        Self {
            level: o.report.level,
            root: o.root,
            outbox: o.report.outbox.clone(),
            runs: o.report.runs.len(),
            failed: o
                .report
                .runs
                .iter()
                .enumerate()
                .filter(|(_, r)| r.failure.is_some())
                .map(|(i, _)| i)
                .collect(),
        }
    }
}

/// Runs `levels` on a fresh runner of each engine, returning what each saw.
pub fn run_both(
    wasm: &[u8],
    tick_limit: u64,
    preimages: &[Vec<u8>],
    levels: &[Vec<InboxMessage>],
) -> [Vec<(Observed, LevelOutcome)>; 2] {
    [EngineKind::Fast, EngineKind::Pvm].map(|engine| {
        let mut r = runner(engine, tick_limit, wasm.to_vec());
        for p in preimages {
            r.add_preimage(p.clone());
        }
        let pre_root = r.root();
        let outcomes: Vec<_> = levels
            .iter()
            .enumerate()
            .map(|(i, msgs)| {
                let o = r.run_level(level(i as u32 + 1, msgs)).expect("level runs");
                (Observed::from(&o), o)
            })
            .collect();
        assert_replays(pre_root, outcomes.iter().map(|(_, o)| o));
        outcomes
    })
}

/// Replays each of `outcomes` — consecutive levels, the first starting
/// from `pre_root` — from its witness alone (the stateless replay the
/// proving guest runs, here natively) and checks that it reaches the roots
/// and outbox the runner committed.
pub fn assert_replays<'a>(
    mut pre_root: Hash,
    outcomes: impl IntoIterator<Item = &'a LevelOutcome>,
) {
    for o in outcomes {
        let level = o.report.level;
        let witness = o
            .witness
            .as_deref()
            .unwrap_or_else(|| panic!("level {level}: no witness recorded: {:?}", o.witness_error));
        let replayed = pvm::replay::replay(witness)
            .unwrap_or_else(|e| panic!("level {level} does not replay from its witness: {e}"));
        let s = replayed.statement;
        assert_eq!(s.pre_root, pre_root, "level {level}: pre-state root");
        assert_eq!(s.post_root, o.root, "level {level}: post-state root");
        assert_eq!(s.outbox_commitment, o.outbox_commitment, "level {level}: outbox");
        assert_eq!(replayed.outbox, o.report.outbox, "level {level}: outbox messages");
        pre_root = o.root;
    }
}

/// Replays every level `runner` committed from its witness alone and
/// checks each against the commitment (see [`assert_replays`]).
pub fn assert_committed_levels_replay(runner: &Runner) {
    use pvm_runner::prove::{Replayer, prove_level};
    for level in 1..runner.next_level() {
        let proved = prove_level(runner.state(), level, &Replayer::Native)
            .unwrap_or_else(|e| panic!("level {level}: {e}"));
        assert!(proved.mismatches().is_empty(), "level {level}: {:?}", proved.mismatches());
    }
}

/// The receipt of transaction `raw` and what the OS recorded beside it
/// (gas used, price, created contract), from the runner's durable storage.
pub fn receipt_of(
    r: &pvm_runner::runner::Runner,
    raw: &[u8],
) -> Option<(alloy_consensus::ReceiptEnvelope, layout::ReceiptInfo)> {
    use alloy_eips::eip2718::Decodable2718;
    let hash = alloy_primitives::keccak256(raw);
    let get = |p: String| r.durable().get(host::Path::new(p.as_bytes()).ok()?).map(<[u8]>::to_vec);
    let receipt = get(layout::receipt(&hash))?;
    let receipt = alloy_consensus::ReceiptEnvelope::decode_2718(&mut receipt.as_slice()).ok()?;
    let info = layout::ReceiptInfo::decode(&get(layout::receipt_info(&hash))?).ok()?;
    Some((receipt, info))
}
