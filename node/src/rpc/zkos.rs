//! The `zkos_` methods' answers: what only a rollup has.

use alloy_primitives::{B256, Bytes, U64};
use serde::Serialize;

/// What `zkos_stateRoot` answers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateRoot {
    /// The block.
    pub block: U64,
    /// The inbox level that sealed it.
    pub level: U64,
    /// The durable-storage Merkle root after the level: the rollup's state
    /// commitment, the one the proving mode proves.
    pub state_root: B256,
    /// The commitment to the level's outbox.
    pub outbox_commitment: B256,
}

/// One outbox message, as `zkos_outbox` answers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    /// Its index in the level's outbox.
    pub index: U64,
    /// The encoded message, as the L1 executes it.
    pub bytes: Bytes,
}
