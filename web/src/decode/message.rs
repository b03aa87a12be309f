//! Inbox messages as the kernel reads them, for people: each one parsed by
//! the kernel's own readers (framing, deposits, chunks, transactions with
//! their recovered sender), so the page shows what the OS made of it.

use kernel::{
    bootloader::{chunks, deposit, inbox::Message},
    tx,
};
use serde::Serialize;

use super::{eth, hex0x};

/// One inbox message, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageView {
    /// Opens the level.
    StartOfLevel,
    /// The predecessor L1 block.
    InfoPerLevel {
        /// Its timestamp (seconds since the Unix epoch).
        timestamp: i64,
        /// Its hash.
        predecessor: String,
    },
    /// Closes the level.
    EndOfLevel,
    /// A protocol migration.
    ProtocolMigration,
    /// An L1 ticket the OS credits (its checks passed).
    Deposit {
        /// The L2 account credited.
        receiver: String,
        /// The ticket's amount.
        mutez: u64,
        /// What the receiver is credited, in wei (decimal).
        wei: String,
        /// The same in ETH, for reading.
        eth: String,
    },
    /// A transfer from L1 that is not a deposit the OS credits.
    Transfer {
        /// Why the OS does not credit it.
        refused: String,
    },
    /// A signed Ethereum transaction.
    Transaction {
        /// Its hash.
        hash: String,
        /// legacy, eip2930 or eip1559.
        tx_type: String,
        /// The recovered signer.
        sender: String,
        /// The callee; `None` for a creation.
        to: Option<String>,
        /// Wei sent (decimal).
        value: String,
        /// The sender's nonce.
        nonce: u64,
        /// The gas limit.
        gas_limit: u64,
        /// The first four bytes of the calldata, when there are four.
        selector: Option<String>,
        /// Bytes of calldata (or init code).
        input_len: usize,
    },
    /// One part of a transaction too large for one message.
    Chunk {
        /// The whole transaction's hash.
        hash: String,
        /// Which part.
        index: u16,
        /// Of how many.
        count: u16,
        /// Its bytes.
        len: usize,
    },
    /// An external message for this rollup that the OS refuses.
    Refused {
        /// Why.
        reason: String,
    },
    /// An external message for another rollup (or not framed).
    NotForUs,
    /// Bytes that are no inbox message.
    Undecodable {
        /// Why.
        reason: String,
    },
}

/// Decodes the inbox message `bytes` for `rollup`, whose bridge is
/// `ticketer` (the chain configuration's).
pub fn decode(bytes: &[u8], rollup: &[u8; 20], ticketer: &[u8; 20]) -> MessageView {
    let message = match Message::parse(bytes, rollup) {
        Ok(m) => m,
        Err(e) => return MessageView::Undecodable { reason: e.to_string() },
    };
    match message {
        Message::StartOfLevel => MessageView::StartOfLevel,
        Message::InfoPerLevel { predecessor_timestamp, predecessor } => MessageView::InfoPerLevel {
            timestamp: predecessor_timestamp,
            predecessor: hex0x(predecessor),
        },
        Message::EndOfLevel => MessageView::EndOfLevel,
        Message::ProtocolMigration => MessageView::ProtocolMigration,
        Message::Transfer(_) => match deposit::parse(bytes, rollup, ticketer) {
            Ok(d) => MessageView::Deposit {
                receiver: d.receiver.to_checksum(None),
                mutez: d.mutez,
                wei: d.wei().to_string(),
                eth: eth(&d.wei()),
            },
            Err(e) => MessageView::Transfer { refused: e.to_string() },
        },
        Message::ForUs(contents) if chunks::is_chunk(contents) => match chunks::parse(contents) {
            Ok(c) => MessageView::Chunk {
                hash: hex0x(c.hash.as_slice()),
                index: c.index,
                count: c.count,
                len: c.data.len(),
            },
            Err(e) => MessageView::Refused { reason: format!("chunk: {e}") },
        },
        Message::ForUs(contents) => match tx::decode(contents) {
            Ok(t) => MessageView::Transaction {
                hash: hex0x(t.hash.as_slice()),
                tx_type: format!("{:?}", t.tx_type).to_lowercase(),
                sender: t.sender.to_checksum(None),
                to: t.to.map(|a| a.to_checksum(None)),
                value: t.value.to_string(),
                nonce: t.nonce,
                gas_limit: t.gas_limit,
                selector: t.input.get(..4).map(hex0x),
                input_len: t.input.len(),
            },
            Err(e) => MessageView::Refused { reason: e.to_string() },
        },
        Message::NotForUs => MessageView::NotForUs,
    }
}

#[cfg(test)]
mod tests {
    use host::InboxMessage;

    use super::*;

    const ROLLUP: [u8; 20] = [0x5a; 20];

    fn external(contents: &[u8]) -> Vec<u8> {
        InboxMessage::External([&[0u8][..], &ROLLUP, contents].concat()).encode()
    }

    #[test]
    fn protocol_messages_and_framing_are_named() {
        assert_eq!(decode(&InboxMessage::StartOfLevel.encode(), &ROLLUP, &[0; 20]), {
            MessageView::StartOfLevel
        });
        let other = InboxMessage::External([&[0u8][..], &[1; 20], b"x"].concat()).encode();
        assert_eq!(decode(&other, &ROLLUP, &[0; 20]), MessageView::NotForUs);
        assert!(matches!(decode(&[9], &ROLLUP, &[0; 20]), MessageView::Undecodable { .. }));
    }

    #[test]
    fn garbage_for_this_rollup_is_refused_with_the_kernels_reason() {
        let MessageView::Refused { reason } = decode(&external(b"\x02nope"), &ROLLUP, &[0; 20])
        else {
            panic!("not refused");
        };
        assert!(reason.contains("malformed"), "{reason}");
    }
}
