//! Checking a committed level by replaying it from its witness alone.
//!
//! The runner recorded the level's witness while it ran it (`run
//! --witness`). [`prove_level`] replays that witness statelessly
//! ([`pvm::replay`]) and compares the statement it reaches with what the
//! runner committed: the pre-state root (the previous level's root, or the
//! root at origination), the post-state root, the outbox commitment, and
//! the hash of the inbox kept for the level.

use std::time::{Duration, Instant};

use host::{Hash, witness::inbox_hash};
use pvm::replay::{ReplayError, Statement, replay};

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
}

/// What the runner committed for a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The root before the level, when the state knows it.
    pub pre_root: Option<Hash>,
    /// The root after it.
    pub post_root: Hash,
    /// The hash of the inbox kept for the level.
    pub inbox_hash: Hash,
    /// Its outbox commitment.
    pub outbox_commitment: Hash,
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
    /// Ticks of each `kernel_run` in the replay.
    pub ticks: Vec<u64>,
    /// How long the replay took.
    pub wall: Duration,
}

impl Proved {
    /// The fields where the replay and the commitment differ (none: it matches).
    pub fn mismatches(&self) -> Vec<&'static str> {
        let (s, c) = (&self.statement, &self.committed);
        let mut out = Vec::new();
        if c.pre_root.is_some_and(|r| r != s.pre_root) {
            out.push("pre-state root");
        }
        if c.post_root != s.post_root {
            out.push("post-state root");
        }
        if c.inbox_hash != s.inbox_hash {
            out.push("inbox hash");
        }
        if c.outbox_commitment != s.outbox_commitment {
            out.push("outbox commitment");
        }
        out
    }
}

fn hash_of(hex_str: &str) -> Result<Hash, StateError> {
    let bytes = hex::decode(hex_str).map_err(|e| StateError::Corrupt(format!("root: {e}")))?;
    bytes.try_into().map_err(|_| StateError::Corrupt("root length".into()))
}

/// What the state committed for `level`.
pub fn committed(state: &State, level: u32) -> Result<Committed, ProveError> {
    let record = state.level(level)?.ok_or(ProveError::NoLevel(level))?;
    let pre_root = match level.checked_sub(1).filter(|l| *l > 0) {
        Some(prev) => state.level(prev)?.map(|r| hash_of(&r.state_root)).transpose()?,
        None => state.genesis_root()?,
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
pub fn prove_level(state: &State, level: u32) -> Result<Proved, ProveError> {
    let committed = committed(state, level)?;
    let witness = state.witness(level)?.ok_or(ProveError::NoWitness(level))?;
    let start = Instant::now();
    let replayed = replay(&witness).map_err(|e| ProveError::Replay(level, e))?;
    let wall = start.elapsed();
    Ok(Proved {
        statement: replayed.statement,
        committed,
        witness_bytes: witness.len(),
        ticks: replayed.ticks,
        wall,
    })
}
