//! The runner: a rollup's state, an engine, and the level loop.
//!
//! ```text
//! open(state dir) ─► originate(kernel) ─► run_level(messages) ─► … (each level committed)
//! ```
//!
//! A level runs through [`pvm::level::run_level`] (the control flow and the
//! upgrade rule, shared with the stateless replay). With
//! [`RunnerConfig::record_witness`] each level's witness
//! ([`host::witness`]) is recorded and committed with the level, for
//! `pvm-runner prove`.

use std::path::Path as FsPath;

use host::{
    Durable, Hash, Host, Outbox, Path, READONLY_BOOT_PATH, RollupMetadata, control::LevelReport,
    witness::WitnessError,
};
use pvm::{level, record::Recording};

use crate::{
    engine::{Engine, EngineKind},
    genesis::{Genesis, GenesisError},
    kernel::{Kernel, KernelError},
    state::{LevelCommit, LevelRecord, Rewrite, State, StateError},
};

pub use pvm::level::UPGRADE_ERROR_PATH;

pub use pvm::level::{DEFAULT_ROLLUP_ADDRESS, DEFAULT_TICK_LIMIT};

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
    /// The state holds no kernel to simulate with.
    #[error("no kernel at {} to simulate with", String::from_utf8_lossy(READONLY_BOOT_PATH))]
    NoKernel,
    /// The level to re-run is not among the committed ones whose pre-state
    /// can be rebuilt.
    #[error("level {level} cannot be re-run: the levels that can are {first} to {last}")]
    NotReplayable {
        /// The level asked for.
        level: u32,
        /// The oldest level whose pre-state can be rebuilt.
        first: u32,
        /// The latest committed level.
        last: u32,
    },
    /// A path given for a simulation's request or a re-run's results is
    /// not a durable-storage path.
    #[error("{path} is not a durable-storage path: {why}")]
    Path {
        /// The path.
        path: String,
        /// Why.
        why: String,
    },
    /// The level stopped with nothing committed: the kernel asked for a
    /// preimage the runner does not have (give it, then run the level again).
    #[error("level {level} stopped, nothing committed: {why}")]
    Stopped {
        /// The level.
        level: u32,
        /// Why.
        why: level::Stopped,
    },
    /// A simulation's request could not be written where the kernel reads it.
    #[error("the simulation request cannot be written at {path}: {why}")]
    SimulationRequest {
        /// The path.
        path: String,
        /// The host's error.
        why: String,
    },
}

/// What a [`Runner::simulate`] call left.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// The value the kernel wrote at the result path, if any.
    pub result: Option<Vec<u8>>,
    /// How the call failed, if it did.
    pub failure: Option<host::control::Failure>,
    /// What the kernel wrote with `write_debug`.
    pub debug: Vec<u8>,
}

/// `path` as a durable-storage path, or the error naming it.
fn durable_path(path: &[u8]) -> Result<Path<'_>, RunnerError> {
    Path::new(path).map_err(|e| RunnerError::Path {
        path: String::from_utf8_lossy(path).into_owned(),
        why: format!("{e:?}"),
    })
}

/// What a [`Runner::rerun_level`] call left.
#[derive(Debug, Clone)]
pub struct Rerun {
    /// Every value the kernel left at or below the asked prefix: (path, value).
    pub results: Vec<(Vec<u8>, Vec<u8>)>,
    /// The control flow of the re-run (its `kernel_run` calls and failures).
    pub report: LevelReport,
}

/// Settings of a run.
#[derive(Debug, Clone, Copy)]
pub struct RunnerConfig {
    /// The engine.
    pub engine: EngineKind,
    /// Ticks per `kernel_run` (enforced by `pvm`; a safety net for `fast`).
    pub tick_limit: u64,
    /// Record each level's witness and keep it with the level.
    pub record_witness: bool,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self { engine: EngineKind::Fast, tick_limit: DEFAULT_TICK_LIMIT, record_witness: false }
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
    /// The encoded witness, when recorded.
    pub witness: Option<Vec<u8>>,
    /// Why the witness was asked for and not recorded.
    pub witness_error: Option<WitnessError>,
    /// What the level wrote to durable storage (every subtree it touched,
    /// with its new values): applied to a copy of the storage before the
    /// level ([`Runner::apply_level`]), it brings the copy up to date.
    pub written: Rewrite,
}

/// A rollup being run.
pub struct Runner {
    state: State,
    host: Host,
    engine: Engine,
    config: RunnerConfig,
    next_level: u32,
    /// The first level run after origination.
    first_level: u32,
    originated: bool,
    /// The kernel the last call ran, to notice upgrades without re-checking.
    loaded: Option<Kernel>,
    /// The kernel simulations run (see [`Runner::simulate`]).
    simulation_kernel: Option<Kernel>,
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
            first_level: loaded.first_level,
            originated,
            loaded: None,
            simulation_kernel: None,
        })
    }

    /// Whether a kernel was installed.
    pub fn is_originated(&self) -> bool {
        self.originated
    }

    /// Installs the first kernel and the metadata, as L1 origination does,
    /// and the genesis state if one is given; the first level is 1.
    pub fn originate(
        &mut self,
        wasm: Vec<u8>,
        metadata: RollupMetadata,
        genesis: Option<&Genesis>,
    ) -> Result<(), RunnerError> {
        self.originate_at(wasm, metadata, genesis, 1)
    }

    /// [`Runner::originate`], with the levels numbered from `first_level`
    /// (the level the kernel sees in its first inbox): to reproduce a run
    /// of Octez's wasm debugger, which starts at level 0.
    pub fn originate_at(
        &mut self,
        wasm: Vec<u8>,
        metadata: RollupMetadata,
        genesis: Option<&Genesis>,
        first_level: u32,
    ) -> Result<(), RunnerError> {
        if self.originated {
            return Err(RunnerError::AlreadyOriginated(self.next_level));
        }
        let kernel = Kernel::new(wasm)?;
        let durable = &mut self.host.durable;
        if let Some(g) = genesis {
            g.apply(durable)?;
        }
        level::install_kernel(durable, &kernel);
        self.host.metadata = metadata;
        self.state.commit_origination(&mut self.host.durable, &metadata, first_level)?;
        self.first_level = first_level;
        self.next_level = first_level;
        self.originated = true;
        self.loaded = Some(kernel);
        Ok(())
    }

    /// The rollup's metadata (address and origination level).
    pub fn metadata(&self) -> RollupMetadata {
        self.host.metadata
    }

    /// The level the next [`Runner::run_level`] runs.
    pub fn next_level(&self) -> u32 {
        self.next_level
    }

    /// The first level run after origination (1 unless chosen).
    pub fn first_level(&self) -> u32 {
        self.first_level
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
        let recording =
            self.config.record_witness.then(|| Recording::start(&mut self.host, &mut self.loaded));
        let engine = &mut self.engine;
        let run = level::run_level(
            &mut self.host,
            level,
            messages.clone(),
            &mut self.loaded,
            |host, kernel| engine.run(host, kernel, tick_limit),
        );
        let run = match run {
            Ok(run) => run,
            Err(why) => {
                // Storage is as before the level; the recording's witness
                // would be of a level that did not happen.
                if let Some(r) = recording {
                    r.abandon(&mut self.host);
                }
                self.host.take_debug();
                return Err(RunnerError::Stopped { level, why });
            }
        };
        let (report, refused_upgrades) = (run.report, run.refused_upgrades);
        // A witness that cannot be recorded (a bug in the recorder) does not
        // cost the level: it is committed without one, and the outcome says why.
        let (witness, witness_error) = match recording
            .map(|r| r.finish(&mut self.host, level, tick_limit, messages.clone()))
        {
            None => (None, None),
            Some(Ok(w)) => (Some(w), None),
            Some(Err(e)) => (None, Some(e)),
        };
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
        let written = self.state.commit_level(
            &mut self.host.durable,
            &LevelCommit {
                record: &record,
                outbox: &report.outbox,
                inbox: &messages,
                root,
                witness: witness.as_deref(),
            },
        )?;
        self.next_level += 1;
        let debug = self.host.take_debug();
        Ok(LevelOutcome {
            report,
            root,
            outbox_commitment,
            debug,
            refused_upgrades,
            witness,
            witness_error,
            written,
        })
    }

    /// An in-memory runner over a copy of this one's storage, to simulate
    /// calls beside it: a node keeps one for `eth_call`, so calls never wait
    /// for a level being sealed, and brings it up to date with each level's
    /// [`LevelOutcome::written`] ([`Runner::apply_level`]).
    pub fn simulator(&self) -> Result<Runner, RunnerError> {
        let mut copy = Runner::open(None, self.config)?;
        copy.host = Host::new(self.host.durable.clone(), self.host.metadata);
        copy.next_level = self.next_level;
        copy.first_level = self.first_level;
        copy.originated = self.originated;
        Ok(copy)
    }

    /// Brings a [`Runner::simulator`] copy past one more level of the
    /// runner it copies (nothing is committed: the copy's own state is in
    /// memory and unused).
    pub fn apply_level(&mut self, written: &Rewrite) -> Result<(), RunnerError> {
        written.apply(&mut self.host.durable)?;
        self.host.durable.take_touched();
        self.next_level += 1;
        Ok(())
    }

    /// Calls the kernel's export `entry` once on a throwaway copy of the
    /// committed state, with `request` written at the durable path
    /// `request_path` of that copy and an empty inbox, and answers what it
    /// wrote at `result`: a node's `eth_call`. (Durable storage, not an inbox
    /// message, carries the request because a message is at most 4 KiB and
    /// calldata or init code is not.) Nothing it does stays (durable storage
    /// is rolled back, its outbox and debug output are set aside), and the
    /// PVM never calls anything but `kernel_run`, so no inbox message can
    /// reach `entry`. The kernel is the one the last level accepted
    /// (`/readonly/kernel/boot.wasm`).
    pub fn simulate(
        &mut self,
        entry: &'static str,
        request_path: &[u8],
        request: Vec<u8>,
        result: &[u8],
    ) -> Result<Simulation, RunnerError> {
        if !self.originated {
            return Err(RunnerError::NotOriginated);
        }
        let (request_path, result) = (durable_path(request_path)?, durable_path(result)?);
        let boot = Path::new(READONLY_BOOT_PATH).map_err(|_| RunnerError::NoKernel)?;
        let hash = self.host.durable.value_hash(boot).ok_or(RunnerError::NoKernel)?;
        let mut kernel = match self.simulation_kernel.take() {
            Some(k) if k.hash == hash => k,
            _ => {
                let wasm = self.host.durable.get(boot).ok_or(RunnerError::NoKernel)?.to_vec();
                Kernel::checked(wasm, hash)?
            }
        };
        kernel.entry = entry;
        let next_level = self.next_level;
        let (run, debug) = self.aside(|r| {
            r.host.durable.checkpoint();
            if let Err(e) = r.host.durable.set(request_path, request) {
                r.host.durable.rollback();
                return Err(e);
            }
            r.host.start_level(next_level, Vec::new());
            let (_, failure) = r.engine.run(&mut r.host, &kernel, r.config.tick_limit);
            let answer = r.host.durable.get(result).map(<[u8]>::to_vec);
            r.host.durable.rollback();
            Ok((failure, answer))
        });
        self.simulation_kernel = Some(kernel);
        let (failure, answer) = run.map_err(|e| RunnerError::SimulationRequest {
            path: String::from_utf8_lossy(request_path.as_bytes()).into_owned(),
            why: format!("{e:?}"),
        })?;
        Ok(Simulation { result: answer, failure, debug })
    }

    /// Runs `f` with the host's inbox, outbox and debug output set aside,
    /// as a throwaway run must leave them, and its ticks dropped; answers
    /// what `f` answered and the debug output it wrote.
    fn aside<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> (T, Vec<u8>) {
        let inbox = std::mem::take(&mut self.host.inbox);
        let outbox = std::mem::take(&mut self.host.outbox);
        let debug = std::mem::take(&mut self.host.debug);
        let answer = f(self);
        self.host.take_ticks();
        self.host.inbox = inbox;
        self.host.outbox = outbox;
        (answer, std::mem::replace(&mut self.host.debug, debug))
    }

    /// Runs committed `level` again on a throwaway copy of the storage as it
    /// was before that level (rebuilt from the state's undo records, and
    /// checked against the root the previous level committed), calling the
    /// kernel's export `entry` in place of `kernel_run` with the same inbox,
    /// reboots and tick limit; answers the values the kernel left under
    /// `results`. A node traces a transaction this way (the kernel's
    /// `zkos_trace`). Nothing stays: the copy is dropped, the outbox and
    /// debug output are set aside, and the PVM never calls `entry`. The
    /// copy costs a clone of the storage tree, which is why this is for
    /// debugging, not for every call.
    pub fn rerun_level(
        &mut self,
        level: u32,
        entry: &'static str,
        results: &[u8],
    ) -> Result<Rerun, RunnerError> {
        let last = self.next_level.saturating_sub(1);
        let first = self.next_level.saturating_sub(crate::state::UNDO_LEVELS).max(self.first_level);
        let refused = RunnerError::NotReplayable { level, first, last };
        if level < self.first_level || level >= self.next_level {
            return Err(refused);
        }
        let messages = self.state.inbox(level)?.ok_or(refused)?;
        let pre_root = match level == self.first_level {
            true => self.state.genesis_root()?.map(|r| r.to_vec()),
            false => self.state.level(level - 1)?.and_then(|r| hex::decode(r.state_root).ok()),
        };
        let mut undos = Vec::new();
        for l in (level..=last).rev() {
            let Some(undo) = self.state.undo(l)? else {
                return Err(RunnerError::NotReplayable { level, first: l + 1, last });
            };
            undos.push(undo);
        }
        let results = durable_path(results)?;
        // On a copy of the whole storage, not a checkpoint of it: the copy
        // goes back to the level's pre-state through the undo records, and
        // nothing of that may reach the live storage.
        let copy = self.host.durable.clone();
        let live = std::mem::replace(&mut self.host.durable, copy);
        let (rerun, _) =
            self.aside(|r| r.rerun_on_copy(level, messages, undos, pre_root, entry, results));
        self.host.durable = live;
        rerun
    }

    fn rerun_on_copy(
        &mut self,
        level: u32,
        messages: Vec<Vec<u8>>,
        undos: Vec<Rewrite>,
        pre_root: Option<Vec<u8>>,
        entry: &'static str,
        results: Path<'_>,
    ) -> Result<Rerun, RunnerError> {
        for undo in &undos {
            undo.apply(&mut self.host.durable)?;
        }
        let root = self.host.durable.root();
        if pre_root.as_deref() != Some(root.as_slice()) {
            return Err(StateError::Corrupt(format!(
                "the storage rebuilt before level {level} hashes to {}, not the committed {}",
                hex::encode(root),
                pre_root.map(hex::encode).unwrap_or_default()
            ))
            .into());
        }
        // A kernel of its own: the pre-state's, not the one loaded now.
        let mut loaded = None;
        let (engine, tick_limit) = (&mut self.engine, self.config.tick_limit);
        let run = level::run_level(&mut self.host, level, messages, &mut loaded, |host, kernel| {
            engine.run(host, &Kernel { entry, ..kernel.clone() }, tick_limit)
        })
        .map_err(|why| RunnerError::Stopped { level, why })?;
        let mut values = Vec::new();
        self.host.durable.for_each_value(Some(results), &mut |p, v| {
            values.push((p.to_vec(), v.to_vec()));
        });
        Ok(Rerun { results: values, report: run.report })
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
