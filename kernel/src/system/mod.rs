//! The system layer: the only part of the OS that touches durable storage
//! for accounts, code, slots, logs and blocks. Execution environments reach
//! state only through it, so the EVM is one environment among others.
//!
//! - [`world::World`]: the journaled world state of a transaction
//!   (accounts, code with its prepared form, slots, transient slots, warm
//!   sets, logs), written back once per transaction.
//! - [`env::BlockEnv`]: what a contract may ask of the block.
//! - [`precompiles`]: Ethereum's precompiles 0x01–0x0a, for every VM.
//! - [`contracts`]: the system contracts (withdrawal to L1, constants), for every VM.
//! - [`code_record`]: the record kept beside code (VM, constants area,
//!   prepared form).
//! - [`ticket`]: the native token's L1 ticket and the mutez/wei rate.
//! - [`resources`]: gas and the native (tick) cost model.

pub mod code_record;
pub mod contracts;
pub mod env;
pub mod precompiles;
pub mod resources;
pub mod ticket;
pub mod world;

use tezos_smart_rollup_host::{
    path::OwnedPath,
    runtime::{Runtime, RuntimeError},
};

/// A layout path as the SDK's path type.
pub(crate) fn path(p: String) -> Result<OwnedPath, SystemError> {
    OwnedPath::try_from(p.clone()).map_err(|_| SystemError::Path(p))
}

/// The value at a layout path: `None` when there is none, an error when
/// durable storage fails (which must never be mistaken for "absent").
pub(crate) fn read<H: Runtime>(host: &H, p: String) -> Result<Option<Vec<u8>>, SystemError> {
    match host.store_read_all(&path(p)?) {
        Ok(v) => Ok(Some(v)),
        Err(RuntimeError::PathNotFound) => Ok(None),
        Err(RuntimeError::HostErr(tezos_smart_rollup_host::Error::StoreNotAValue)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A failure of the system itself, not of a transaction: the host refused
/// an access, or a stored value does not decode. The transaction in
/// progress is refused and nothing it did is kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SystemError {
    /// Durable storage refused an access.
    #[error("durable storage: {0}")]
    Host(String),
    /// A stored value of the wrong shape.
    #[error("stored state: {0}")]
    Corrupt(#[from] layout::LayoutError),
    /// A rule the system relies on did not hold (a bug, reported instead of
    /// trapping).
    #[error("internal invariant broken: {0}")]
    Invariant(&'static str),
    /// A path the layout builds was refused by the SDK.
    #[error("bad path `{0}`")]
    Path(String),
}

impl From<RuntimeError> for SystemError {
    fn from(e: RuntimeError) -> Self {
        SystemError::Host(e.to_string())
    }
}
