//! The stateless replay of one level: a witness in, the level's public
//! outputs out. This is the state transition a proof of the level proves;
//! the RISC-V guest (`pvm-runner/guest`) is this function and an `ecall`
//! oracle around it.

use alloc::{
    string::{String, ToString},
    vec::Vec,
};

use host::{
    Hash, Host, Outbox,
    witness::{LevelWitness, WitnessError},
};

use crate::{engine::PvmEngine, level};

/// What a replay establishes about a level: its public inputs and outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The level.
    pub level: u32,
    /// The durable-storage root before the level.
    pub pre_root: Hash,
    /// The root after it.
    pub post_root: Hash,
    /// [`LevelWitness::inbox_hash`] of the level's inbox.
    pub inbox_hash: Hash,
    /// [`Outbox::commitment`] of the level's outbox.
    pub outbox_commitment: Hash,
}

impl Statement {
    /// The 132 bytes a guest writes back: level (u32 BE) and the four hashes
    /// in field order.
    pub fn encode(&self) -> [u8; STATEMENT_SIZE] {
        let mut out = [0u8; STATEMENT_SIZE];
        out[..4].copy_from_slice(&self.level.to_be_bytes());
        for (i, h) in [self.pre_root, self.post_root, self.inbox_hash, self.outbox_commitment]
            .iter()
            .enumerate()
        {
            out[4 + 32 * i..36 + 32 * i].copy_from_slice(h);
        }
        out
    }

    /// Reads what [`Statement::encode`] wrote.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; STATEMENT_SIZE] = bytes.try_into().ok()?;
        let h = |i: usize| {
            let mut out = [0u8; 32];
            out.copy_from_slice(&bytes[4 + 32 * i..36 + 32 * i]);
            out
        };
        Some(Self {
            level: u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
            pre_root: h(0),
            post_root: h(1),
            inbox_hash: h(2),
            outbox_commitment: h(3),
        })
    }
}

/// What a run of a level committed, to hold a replay's [`Statement`]
/// against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The root before the level, when it is known.
    pub pre_root: Option<Hash>,
    /// The root after it.
    pub post_root: Hash,
    /// The hash of the level's inbox ([`host::witness::inbox_hash`]).
    pub inbox_hash: Hash,
    /// Its outbox commitment.
    pub outbox_commitment: Hash,
}

impl Committed {
    /// The fields where `statement` differs from what was committed (none:
    /// the replay reached the same level).
    pub fn mismatches(&self, statement: &Statement) -> Vec<&'static str> {
        let s = statement;
        let mut out = Vec::new();
        if self.pre_root.is_some_and(|r| r != s.pre_root) {
            out.push("pre-state root");
        }
        if self.post_root != s.post_root {
            out.push("post-state root");
        }
        if self.inbox_hash != s.inbox_hash {
            out.push("inbox hash");
        }
        if self.outbox_commitment != s.outbox_commitment {
            out.push("outbox commitment");
        }
        out
    }
}

/// The size of an encoded [`Statement`].
pub const STATEMENT_SIZE: usize = 4 + 4 * 32;

/// A level, replayed.
#[derive(Debug, Clone)]
pub struct Replayed {
    /// What the replay establishes.
    pub statement: Statement,
    /// Ticks of each `kernel_run`.
    pub ticks: Vec<u64>,
    /// The level's outbox.
    pub outbox: Vec<Vec<u8>>,
}

/// Why a replay gave no statement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// The witness does not decode, or does not match its pre-state root.
    #[error(transparent)]
    Witness(#[from] WitnessError),
    /// The level needed something the witness does not hold.
    #[error("the level needs {0}, which the witness does not hold")]
    Outside(String),
}

/// Replays the level of an encoded witness with the `pvm` engine's rules
/// (ticks, tick limit, reboots, the upgrade rule, rollback of failed calls).
pub fn replay(witness: &[u8]) -> Result<Replayed, ReplayError> {
    let decoded = LevelWitness::decode(witness)?;
    let w = decoded.witness;
    let inbox_hash = w.inbox_hash();
    let mut host = Host::new(decoded.durable, w.metadata);
    host.preimages = decoded.preimages;
    let mut engine = PvmEngine::new();
    let mut loaded = None;
    let run = level::run_level(&mut host, w.level, w.inbox, &mut loaded, |host, kernel| {
        engine.run(host, kernel, w.tick_limit)
    });
    if let Some(what) = host.outside_witness() {
        return Err(ReplayError::Outside(what));
    }
    // A witness's preimages are partial: a hash it lacks is outside it.
    let run = run.map_err(|e| ReplayError::Outside(e.to_string()))?;
    let post_root =
        host.durable.try_root().map_err(|o| ReplayError::Outside(alloc::format!("{o}")))?;
    let statement = Statement {
        level: w.level,
        pre_root: w.pre_root,
        post_root,
        inbox_hash,
        outbox_commitment: Outbox::commitment(&run.report.outbox),
    };
    Ok(Replayed { statement, ticks: run.report.ticks_per_run(), outbox: run.report.outbox })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatches_name_each_field_that_differs() {
        let statement = Statement {
            level: 3,
            pre_root: [1; 32],
            post_root: [2; 32],
            inbox_hash: [3; 32],
            outbox_commitment: [4; 32],
        };
        let same = Committed {
            pre_root: Some([1; 32]),
            post_root: [2; 32],
            inbox_hash: [3; 32],
            outbox_commitment: [4; 32],
        };
        assert!(same.mismatches(&statement).is_empty());
        let unknown_pre = Committed { pre_root: None, ..same.clone() };
        assert!(unknown_pre.mismatches(&statement).is_empty(), "an unknown pre-root is not held");
        let other = Committed {
            pre_root: Some([9; 32]),
            post_root: [9; 32],
            inbox_hash: [9; 32],
            outbox_commitment: [9; 32],
        };
        assert_eq!(
            other.mismatches(&statement),
            ["pre-state root", "post-state root", "inbox hash", "outbox commitment"]
        );
        assert_eq!(Statement::decode(&statement.encode()), Some(statement));
    }
}
