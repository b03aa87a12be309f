//! Checking a committed level by replaying it from its witness alone.
//!
//! The runner recorded the level's witness while it ran it (`run
//! --witness`). [`prove_level`] replays that witness statelessly — in the
//! RISC-V proving guest run by ckb-vm ([`riscv`]), or natively with the
//! same code ([`pvm::replay`]) — and compares the statement it reaches with
//! what the runner committed: the pre-state root (the previous level's
//! root, or the root at origination), the post-state root, the outbox
//! commitment, and the hash of the inbox kept for the level.

pub mod guest;
pub mod memory;
pub mod riscv;

use std::time::{Duration, Instant};

use host::{Hash, witness::inbox_hash};
use pvm::{
    oracle::Exit,
    replay::{ReplayError, Statement, replay},
};

/// What the runner committed for a level (the pre-state root is known
/// when the state keeps the previous level's, or the origination root).
pub use pvm::replay::Committed;

use crate::state::{State, StateError};

/// Why a level could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The state database failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The level is not committed.
    #[error("level {0} is not committed in this state")]
    NoLevel(u32),
    /// The level was run without recording its witness.
    #[error("level {0} has no witness: run it with `pvm-runner run --witness`")]
    NoWitness(u32),
    /// The replay gave no statement.
    #[error("the replay of level {0} failed: {1}")]
    Replay(u32, ReplayError),
    /// The guest could not be found or built.
    #[error(transparent)]
    Guest(#[from] guest::GuestError),
    /// ckb-vm stopped the guest (a fault, or the cycle limit).
    #[error("the RISC-V guest stopped on level {0}: {1}")]
    Vm(u32, ckb_vm::Error),
    /// The guest ended without a statement.
    #[error("the RISC-V guest gave no statement for level {level} (exit {exit}): {debug}")]
    GuestExit {
        /// The level.
        level: u32,
        /// How it ended.
        exit: String,
        /// What it printed.
        debug: String,
    },
}

/// Where a level is replayed.
#[derive(Debug, Clone)]
pub enum Replayer {
    /// The `zkos-pvm` replay, natively.
    Native,
    /// The proving guest (an rv64imac ELF) in ckb-vm.
    Riscv {
        /// The guest's bytes.
        elf: Vec<u8>,
        /// The most cycles it may run.
        max_cycles: u64,
    },
}

/// A level replayed from its witness.
#[derive(Debug, Clone)]
pub struct Proved {
    /// What the replay established.
    pub statement: Statement,
    /// What the runner committed.
    pub committed: Committed,
    /// The witness's size in bytes.
    pub witness_bytes: usize,
    /// Ticks of each `kernel_run` in the replay (native replays only).
    pub ticks: Vec<u64>,
    /// RISC-V cycles (RISC-V replays only).
    pub cycles: Option<u64>,
    /// How long the replay took.
    pub wall: Duration,
}

impl Proved {
    /// The fields where the replay and the commitment differ (none: it matches).
    pub fn mismatches(&self) -> Vec<&'static str> {
        self.committed.mismatches(&self.statement)
    }
}

fn hash_of(hex_str: &str) -> Result<Hash, StateError> {
    let bytes = hex::decode(hex_str).map_err(|e| StateError::Corrupt(format!("root: {e}")))?;
    bytes.try_into().map_err(|_| StateError::Corrupt("root length".into()))
}

/// What the state committed for `level`.
pub fn committed(state: &State, level: u32) -> Result<Committed, ProveError> {
    let record = state.level(level)?.ok_or(ProveError::NoLevel(level))?;
    let pre_root = match level > state.first_level()? {
        true => state.level(level - 1)?.map(|r| hash_of(&r.state_root)).transpose()?,
        false => state.genesis_root()?,
    };
    let inbox = state.inbox(level)?.ok_or(ProveError::NoLevel(level))?;
    Ok(Committed {
        pre_root,
        post_root: hash_of(&record.state_root)?,
        inbox_hash: inbox_hash(&inbox),
        outbox_commitment: hash_of(&record.outbox_commitment)?,
    })
}

/// Replays `level` from its witness and sets the result beside what the
/// state committed.
pub fn prove_level(state: &State, level: u32, how: &Replayer) -> Result<Proved, ProveError> {
    let committed = committed(state, level)?;
    let witness = state.witness(level)?.ok_or(ProveError::NoWitness(level))?;
    let (statement, ticks, cycles, wall) = match how {
        Replayer::Native => {
            let start = Instant::now();
            let replayed = replay(&witness).map_err(|e| ProveError::Replay(level, e))?;
            (replayed.statement, replayed.ticks, None, start.elapsed())
        }
        Replayer::Riscv { elf, max_cycles } => {
            let run = riscv::run_guest(elf, &witness, *max_cycles)
                .map_err(|e| ProveError::Vm(level, e))?;
            let Some(statement) = run.statement else {
                return Err(ProveError::GuestExit {
                    level,
                    exit: match run.exit {
                        Ok(e) => format!("{e:?}"),
                        Err(code) => code.to_string(),
                    },
                    debug: run.debug,
                });
            };
            debug_assert_eq!(run.exit, Ok(Exit::Proved));
            (statement, Vec::new(), Some(run.cycles), run.wall)
        }
    };
    Ok(Proved { statement, committed, witness_bytes: witness.len(), ticks, cycles, wall })
}
