//! The runner: a rollup's state, an engine, and the level loop.
//!
//! ```text
//! open(state dir) ─► originate(kernel) ─► run_level(messages) ─► … (each level committed)
//! ```
//!
//! Each `kernel_run` loads the kernel from `/kernel/boot.wasm`. When those
//! bytes changed (an upgrade), the new kernel is checked as at origination;
//! if it is valid it becomes the fallback (`/readonly/kernel/boot.wasm`), if
//! not the fallback is put back in `/kernel/boot.wasm`, the reason is written
//! to `/readonly/kernel/env/upgrade_error`, and the fallback runs — the
//! PVM's rule for a kernel that fails to decode or link.

use std::path::Path as FsPath;

use host::{
    Durable, Hash, Host, KERNEL_BOOT_PATH, Outbox, Path, READONLY_BOOT_PATH, RollupMetadata,
    control::{self, Failure, LevelReport},
};

use crate::{
    engine::{Engine, EngineKind},
    genesis::{Genesis, GenesisError},
    kernel::{Kernel, KernelError},
    state::{LevelCommit, LevelRecord, State, StateError},
};

/// Where the reason of a refused upgrade is written.
pub const UPGRADE_ERROR_PATH: &[u8] = b"/readonly/kernel/env/upgrade_error";

/// Tezos' ticks per `kernel_run` in the protocols Mumbai to Oxford.
pub const DEFAULT_TICK_LIMIT: u64 = 11_000_000_000;

/// The rollup address used when none is configured (`sr1` of 20 × 0x5a).
pub const DEFAULT_ROLLUP_ADDRESS: [u8; 20] = [0x5a; 20];

/// A runner failure (never a kernel failure: those are part of a level).
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    /// The state database failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The kernel given at origination is not valid.
    #[error("kernel refused")]
    Kernel(#[from] KernelError),
    /// A level was run before origination.
    #[error("the state has no kernel yet: originate it with a kernel first")]
    NotOriginated,
    /// The genesis does not apply.
    #[error(transparent)]
    Genesis(#[from] GenesisError),
    /// Origination of a state that already has a kernel.
    #[error("the state is already originated (next level {0})")]
    AlreadyOriginated(u32),
}

/// Settings of a run.
#[derive(Debug, Clone, Copy)]
pub struct RunnerConfig {
    /// The engine.
    pub engine: EngineKind,
    /// Ticks per `kernel_run` (enforced by `pvm`; a safety net for `fast`).
    pub tick_limit: u64,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self { engine: EngineKind::Fast, tick_limit: DEFAULT_TICK_LIMIT }
    }
}

/// What one level produced.
#[derive(Debug, Clone)]
pub struct LevelOutcome {
    /// The control-flow report (runs, ticks, messages read, outbox).
    pub report: LevelReport,
    /// The durable-storage root after the level.
    pub root: Hash,
    /// The outbox commitment.
    pub outbox_commitment: Hash,
    /// Debug output of the level.
    pub debug: Vec<u8>,
    /// Upgrades refused during the level.
    pub refused_upgrades: Vec<String>,
}

/// A rollup being run.
pub struct Runner {
    state: State,
    host: Host,
    engine: Engine,
    config: RunnerConfig,
    next_level: u32,
    originated: bool,
    /// The kernel the last call ran, to notice upgrades without re-checking.
    loaded: Option<Kernel>,
}

impl Runner {
    /// Opens the state in `dir` (or in memory).
    pub fn open(dir: Option<&FsPath>, config: RunnerConfig) -> Result<Self, RunnerError> {
        let state = State::open(dir)?;
        let loaded = state.load()?;
        let originated = loaded.metadata.is_some();
        let host = Host::new(loaded.durable, loaded.metadata.unwrap_or_default());
        Ok(Self {
            state,
            host,
            engine: Engine::new(config.engine),
            config,
            next_level: loaded.next_level,
            originated,
            loaded: None,
        })
    }

    /// Whether a kernel was installed.
    pub fn is_originated(&self) -> bool {
        self.originated
    }

    /// Installs the first kernel and the metadata, as L1 origination does,
    /// and the genesis state if one is given.
    pub fn originate(
        &mut self,
        wasm: Vec<u8>,
        metadata: RollupMetadata,
        genesis: Option<&Genesis>,
    ) -> Result<(), RunnerError> {
        if self.originated {
            return Err(RunnerError::AlreadyOriginated(self.next_level));
        }
        let kernel = Kernel::new(wasm)?;
        let durable = &mut self.host.durable;
        if let Some(g) = genesis {
            g.apply(durable)?;
        }
        for p in [KERNEL_BOOT_PATH, READONLY_BOOT_PATH] {
            set(durable, p, kernel.wasm.clone());
        }
        self.host.metadata = metadata;
        self.state.commit_origination(&mut self.host.durable, &metadata)?;
        self.originated = true;
        self.loaded = Some(kernel);
        Ok(())
    }

    /// The level the next [`Runner::run_level`] runs.
    pub fn next_level(&self) -> u32 {
        self.next_level
    }

    /// Adds a preimage the kernel may reveal.
    pub fn add_preimage(&mut self, data: Vec<u8>) -> [u8; 33] {
        self.host.preimages.insert(data)
    }

    /// Runs the next level over `messages` (already encoded, StartOfLevel to
    /// EndOfLevel) and commits it.
    pub fn run_level(&mut self, messages: Vec<Vec<u8>>) -> Result<LevelOutcome, RunnerError> {
        if !self.originated {
            return Err(RunnerError::NotOriginated);
        }
        let level = self.next_level;
        let tick_limit = self.config.tick_limit;
        let mut refused_upgrades = Vec::new();
        let (engine, loaded) = (&mut self.engine, &mut self.loaded);
        let report = control::run_level(&mut self.host, level, messages.clone(), |host| {
            let kernel = match current_kernel(host, loaded, &mut refused_upgrades) {
                Ok(k) => k,
                Err(f) => return (0, Some(f)),
            };
            engine.run(host, &kernel, tick_limit)
        });
        let root = self.host.durable.root();
        let outbox_commitment = Outbox::commitment(&report.outbox);
        let record = LevelRecord {
            level,
            state_root: hex::encode(root),
            outbox_commitment: hex::encode(outbox_commitment),
            outbox_messages: report.outbox.len(),
            messages_total: report.messages_total,
            messages_read: report.messages_read,
            ticks: report.ticks_per_run(),
            failures: report.failures(),
        };
        self.state.commit_level(
            &mut self.host.durable,
            &LevelCommit { record: &record, outbox: &report.outbox, inbox: &messages, root },
        )?;
        self.next_level += 1;
        let debug = self.host.take_debug();
        Ok(LevelOutcome { report, root, outbox_commitment, debug, refused_upgrades })
    }

    /// Durable storage.
    pub fn durable(&self) -> &Durable {
        &self.host.durable
    }

    /// The root of durable storage.
    pub fn root(&mut self) -> Hash {
        self.host.durable.root()
    }

    /// The state database (records, outboxes and inboxes of past levels).
    pub fn state(&self) -> &State {
        &self.state
    }
}

fn set(durable: &mut Durable, path: &[u8], value: Vec<u8>) {
    if let Ok(p) = Path::new(path) {
        // Kernels are far below the maximum value size.
        let _ = durable.set(p, value);
    }
}

/// The kernel to run now, applying the upgrade rule.
fn current_kernel(
    host: &mut Host,
    loaded: &mut Option<Kernel>,
    refused: &mut Vec<String>,
) -> Result<Kernel, Failure> {
    let boot = Path::new(KERNEL_BOOT_PATH).map_err(|e| Failure::Load(e.to_string()))?;
    let bytes = host.durable.get(boot).map(<[u8]>::to_vec);
    if let (Some(k), Some(b)) = (loaded.as_ref(), bytes.as_ref())
        && k.wasm == *b
    {
        return Ok(k.clone());
    }
    let candidate = match bytes {
        Some(b) => Kernel::new(b).map_err(|e| e.to_string()),
        None => Err("/kernel/boot.wasm is missing".to_owned()),
    };
    match candidate {
        Ok(k) => {
            set(&mut host.durable, READONLY_BOOT_PATH, k.wasm.clone());
            *loaded = Some(k.clone());
            Ok(k)
        }
        Err(reason) => {
            refused.push(reason.clone());
            set(&mut host.durable, UPGRADE_ERROR_PATH, reason.into_bytes());
            let fallback = Path::new(READONLY_BOOT_PATH)
                .ok()
                .and_then(|p| host.durable.get(p))
                .map(<[u8]>::to_vec)
                .ok_or_else(|| Failure::Load("no fallback kernel".into()))?;
            set(&mut host.durable, KERNEL_BOOT_PATH, fallback.clone());
            let k = Kernel::new(fallback).map_err(|e| Failure::Load(e.to_string()))?;
            *loaded = Some(k.clone());
            Ok(k)
        }
    }
}
