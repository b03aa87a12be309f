//! Outbox messages: withdrawals read back by the kernel's own reader of
//! the message it writes; anything else stays bytes.

use serde::Serialize;

use super::hex0x;

/// One outbox message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxView {
    /// The message, hex.
    pub hex: String,
    /// What the L1 will do with it, when it is a withdrawal.
    pub withdrawal: Option<Withdrawal>,
}

/// A withdrawal as the L1 bridge will execute it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    /// The L1 contract called (the bridge).
    pub destination: String,
    /// Its entrypoint.
    pub entrypoint: String,
    /// Who is paid on L1.
    pub receiver: String,
    /// The ticket's creator.
    pub ticketer: String,
    /// The amount, in mutez.
    pub mutez: u64,
}

/// Decodes one outbox message.
pub fn decode(bytes: &[u8]) -> OutboxView {
    let withdrawal = kernel::system::contracts::withdrawal::decode(bytes).map(|d| Withdrawal {
        destination: d.destination,
        entrypoint: d.entrypoint,
        receiver: d.receiver,
        ticketer: d.ticketer,
        mutez: d.mutez,
    });
    OutboxView { hex: hex0x(bytes), withdrawal }
}
