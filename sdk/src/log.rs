//! Events.

use alloy_primitives::B256;
use alloy_sol_types::SolEvent;

use crate::sys;

/// Emits a log with up to four topics (a static call fails the frame).
pub fn raw(topics: &[B256], data: &[u8]) {
    sys::emit(topics, data)
}

/// Emits a Solidity event, encoded as Solidity would.
pub fn emit<E: SolEvent>(event: &E) {
    let log = event.encode_log_data();
    raw(log.topics(), &log.data)
}
