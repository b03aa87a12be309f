//! SCORU inbox messages, encoded as the PVM hands them to `read_input`.
//!
//! Byte 0 is 0 for an internal message (sent by the protocol) and 1 for an
//! external one (anyone's bytes). Internal messages then carry a tag:
//! 0 `Transfer`, 1 `StartOfLevel`, 2 `EndOfLevel`, 3 `InfoPerLevel`,
//! 4 `ProtocolMigration` (the encodings of `tezos-smart-rollup-encoding`
//! 0.2.2, `inbox.rs`).

use alloc::vec::Vec;

/// The largest message `read_input` delivers.
pub const MAX_INPUT_MESSAGE_SIZE: usize = 4096;

/// One inbox message, before encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxMessage {
    /// Opens every level.
    StartOfLevel,
    /// Follows `StartOfLevel`: the predecessor L1 block.
    InfoPerLevel {
        /// Unix time (seconds) of the predecessor block.
        predecessor_timestamp: i64,
        /// Hash of the predecessor block.
        predecessor: [u8; 32],
    },
    /// A transfer from an L1 smart contract (a deposit carries a ticket in its payload).
    Transfer {
        /// The Micheline payload, binary encoded.
        payload: Vec<u8>,
        /// The calling contract (KT1 hash).
        sender: [u8; 20],
        /// The implicit account that started the operation: a tag (0 tz1, 1 tz2,
        /// 2 tz3, 3 tz4) then the 20-byte hash.
        source: [u8; 21],
        /// The rollup (sr1 hash).
        destination: [u8; 20],
    },
    /// Sent in the first level of a new protocol; the protocol's name.
    ProtocolMigration(Vec<u8>),
    /// Closes every level.
    EndOfLevel,
    /// Bytes anyone posted to the rollups' shared inbox.
    External(Vec<u8>),
    /// A message already encoded, delivered as it is.
    Raw(Vec<u8>),
}

impl InboxMessage {
    /// The bytes `read_input` delivers.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            InboxMessage::Raw(bytes) => out.extend_from_slice(bytes),
            InboxMessage::External(bytes) => {
                out.push(1);
                out.extend_from_slice(bytes);
            }
            InboxMessage::Transfer { payload, sender, source, destination } => {
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(payload);
                out.extend_from_slice(sender);
                out.extend_from_slice(source);
                out.extend_from_slice(destination);
            }
            InboxMessage::StartOfLevel => out.extend_from_slice(&[0, 1]),
            InboxMessage::EndOfLevel => out.extend_from_slice(&[0, 2]),
            InboxMessage::InfoPerLevel { predecessor_timestamp, predecessor } => {
                out.extend_from_slice(&[0, 3]);
                out.extend_from_slice(&predecessor_timestamp.to_be_bytes());
                out.extend_from_slice(predecessor);
            }
            InboxMessage::ProtocolMigration(name) => {
                out.extend_from_slice(&[0, 4]);
                let len = u32::try_from(name.len()).unwrap_or(u32::MAX);
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(name);
            }
        }
        out
    }
}

/// The index in its level of the first message [`level_messages`] is given
/// (`StartOfLevel` and `InfoPerLevel` come before it).
pub const FIRST_BODY_ID: u32 = 2;

/// A whole level as the PVM delivers it: `StartOfLevel`, `InfoPerLevel`, the
/// given messages, `EndOfLevel`, each encoded.
pub fn level_messages(
    predecessor_timestamp: i64,
    predecessor: [u8; 32],
    body: &[InboxMessage],
) -> Vec<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() + 3);
    out.push(InboxMessage::StartOfLevel.encode());
    out.push(InboxMessage::InfoPerLevel { predecessor_timestamp, predecessor }.encode());
    out.extend(body.iter().map(InboxMessage::encode));
    out.push(InboxMessage::EndOfLevel.encode());
    out
}

/// The inbox of the level being run, and how far the kernel has read it.
#[derive(Debug, Clone, Default)]
pub struct Inbox {
    level: u32,
    messages: Vec<Vec<u8>>,
    next: usize,
}

impl Inbox {
    /// The inbox of `level`, unread.
    pub fn new(level: u32, messages: Vec<Vec<u8>>) -> Self {
        Self { level, messages, next: 0 }
    }

    /// The level number.
    pub fn level(&self) -> u32 {
        self.level
    }

    /// The next unread message and its index, marking it read.
    pub fn next_message(&mut self) -> Option<(u32, &[u8])> {
        let id = self.next;
        let msg = self.messages.get(id)?;
        self.next += 1;
        Some((u32::try_from(id).unwrap_or(u32::MAX), msg))
    }

    /// Puts back the message just taken (when delivering it failed).
    pub fn unread_last(&mut self) {
        self.next = self.next.saturating_sub(1);
    }

    /// Drops whatever was not read, as the PVM does when a `kernel_run` ends
    /// without asking for a reboot.
    pub fn drain(&mut self) {
        self.next = self.messages.len();
    }

    /// How many messages are left.
    pub fn remaining(&self) -> usize {
        self.messages.len() - self.next
    }

    /// How many messages were read.
    pub fn read_count(&self) -> usize {
        self.next
    }

    /// All messages of the level.
    pub fn messages(&self) -> &[Vec<u8>] {
        &self.messages
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn encodes_the_sdk_tags() {
        assert_eq!(InboxMessage::StartOfLevel.encode(), vec![0, 1]);
        assert_eq!(InboxMessage::EndOfLevel.encode(), vec![0, 2]);
        assert_eq!(InboxMessage::External(vec![9, 9]).encode(), vec![1, 9, 9]);
        let info = InboxMessage::InfoPerLevel { predecessor_timestamp: 1, predecessor: [7; 32] };
        let bytes = info.encode();
        assert_eq!(&bytes[..10], &[0, 3, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(bytes.len(), 2 + 8 + 32);
    }

    #[test]
    fn inbox_reads_in_order_then_runs_dry() {
        let mut inbox = Inbox::new(5, vec![vec![1], vec![2]]);
        assert_eq!(inbox.next_message(), Some((0, &[1u8][..])));
        assert_eq!(inbox.remaining(), 1);
        assert_eq!(inbox.next_message(), Some((1, &[2u8][..])));
        assert_eq!(inbox.next_message(), None);
        assert_eq!(inbox.read_count(), 2);
    }
}
