//! The `zkos_` methods' answers: what only a rollup has.

use alloy_primitives::{B256, Bytes, U64, U256};
use serde::Serialize;
use zkos_kernel::system::{contracts::withdrawal, ticket};

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

/// What `zkos_refusedTransaction` answers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedTransaction {
    /// The transaction.
    pub hash: B256,
    /// The block that was sealed without it.
    pub block: U64,
    /// The inbox level that sealed that block.
    pub level: U64,
    /// Why the kernel refused it.
    pub reason: String,
}

/// One outbox message, as `zkos_outbox` answers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    /// Its index in the level's outbox.
    pub index: U64,
    /// The encoded message, as the L1 executes it.
    pub bytes: Bytes,
    /// The message read back, when it is a withdrawal the kernel wrote
    /// (`null` for any other message).
    pub withdrawal: Option<Withdrawal>,
}

/// A withdrawal in the outbox: the L1 call it makes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Withdrawal {
    /// The L1 contract called (the bridge).
    pub destination: String,
    /// Its entrypoint.
    pub entrypoint: String,
    /// Who the bridge pays on L1.
    pub receiver: String,
    /// The ticket's creator.
    pub ticketer: String,
    /// The amount in mutez.
    pub amount_mutez: U64,
    /// The same amount in wei, as it left the L2 balance.
    pub amount_wei: U256,
}

impl OutboxMessage {
    /// The `index`th message of a level's outbox, decoded where it can be.
    pub fn new(index: usize, bytes: Vec<u8>) -> Self {
        let withdrawal = withdrawal::decode(&bytes).map(|w| Withdrawal {
            destination: w.destination,
            entrypoint: w.entrypoint,
            receiver: w.receiver,
            ticketer: w.ticketer,
            amount_mutez: U64::from(w.mutez),
            amount_wei: ticket::to_wei(w.mutez),
        });
        Self { index: U64::from(index), bytes: bytes.into(), withdrawal }
    }
}
