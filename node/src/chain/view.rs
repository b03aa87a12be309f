//! Reads of the committed chain, from the kernel's durable-storage layout
//! (`zkos-layout`) as the runner's state database holds it.
//!
//! Every answer of the node about blocks, transactions, receipts and
//! accounts comes from here, so it cannot disagree with the kernel: there is
//! no second bookkeeping. A [`View`] is one redb read transaction, so one
//! RPC answer reads one level, however many paths it needs. The reads
//! themselves are [`layout::read::ChainRead`]'s, which the browser page
//! uses too.

use layout::read::ReadError;
use pvm_runner::state::{Snapshot, StateError};

pub use layout::read::{ChainRead, Included, Store};

/// A failure to read the committed chain: the state database failed, or a
/// stored value does not decode as the layout says.
pub type ViewError = ReadError<StateError>;

/// One consistent view of the committed chain: as the last level left it,
/// or as it was before an earlier level (for reads at past blocks).
pub struct View {
    snapshot: Snapshot,
    before: Option<u32>,
}

impl View {
    /// A view over `snapshot`.
    pub fn new(snapshot: Snapshot) -> Self {
        Self { snapshot, before: None }
    }

    /// A view of storage as it was before `level` ran, through the state's
    /// undo records (the caller has checked they reach that far).
    pub fn before_level(snapshot: Snapshot, level: u32) -> Self {
        Self { snapshot, before: Some(level) }
    }

    /// The snapshot, given back.
    pub fn into_snapshot(self) -> Snapshot {
        self.snapshot
    }

    /// The snapshot, for what the layout does not cover (levels, outboxes).
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The level the next seal commits.
    pub fn next_level(&self) -> Result<u32, ViewError> {
        Ok(self.snapshot.next_level()?)
    }
}

impl Store for View {
    type Error = StateError;

    fn get(&self, path: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.before {
            Some(level) => self.snapshot.durable_before(path, level),
            None => self.snapshot.durable(path),
        }
    }
}
