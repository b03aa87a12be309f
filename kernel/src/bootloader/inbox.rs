//! Inbox messages as the kernel reads them, decoded by hand.
//!
//! The skeleton needs only the tags and the external framing, so it decodes
//! them itself instead of pulling the SDK's `data-encoding` (which brings
//! `tezos_crypto_rs` and `blst`, C code that needs clang for wasm32). The
//! encodings are the SDK's (`tezos-smart-rollup-encoding` 0.2.2); a test in
//! `mock-host` checks our host's encoder against the SDK's decoder.

/// A decoded inbox message (borrowing its payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<'a> {
    /// Opens the level.
    StartOfLevel,
    /// The predecessor L1 block.
    InfoPerLevel {
        /// Seconds since the Unix epoch.
        predecessor_timestamp: i64,
        /// The block hash.
        predecessor: &'a [u8],
    },
    /// A transfer from L1 (undecoded payload: Micheline, sender, source, destination).
    Transfer(&'a [u8]),
    /// Closes the level.
    EndOfLevel,
    /// A protocol migration.
    ProtocolMigration,
    /// An external message framed for this rollup: its contents.
    ForUs(&'a [u8]),
    /// An external message for another rollup, or unframed.
    NotForUs,
}

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Nothing at all.
    #[error("empty message")]
    Empty,
    /// An external message with no framing byte.
    #[error("empty external message")]
    EmptyExternal,
    /// A tag we do not know.
    #[error("unknown tag {0:#04x}")]
    UnknownTag(u8),
    /// A message shorter than its kind requires.
    #[error("truncated {0}")]
    Truncated(&'static str),
}

impl<'a> Message<'a> {
    /// Decodes `bytes`; `rollup` is this rollup's 20-byte address.
    pub fn parse(bytes: &'a [u8], rollup: &[u8; 20]) -> Result<Self, DecodeError> {
        match bytes {
            [] => Err(DecodeError::Empty),
            [0, rest @ ..] => Self::internal(rest),
            [1] => Err(DecodeError::EmptyExternal),
            [1, 0, rest @ ..] => match rest.split_at_checked(20) {
                Some((addr, contents)) if addr == rollup => Ok(Message::ForUs(contents)),
                Some(_) => Ok(Message::NotForUs),
                None => Err(DecodeError::Truncated("framed external message")),
            },
            [1, ..] => Ok(Message::NotForUs),
            [tag, ..] => Err(DecodeError::UnknownTag(*tag)),
        }
    }

    fn internal(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        match bytes {
            [0, rest @ ..] => Ok(Message::Transfer(rest)),
            [1] => Ok(Message::StartOfLevel),
            [2] => Ok(Message::EndOfLevel),
            [3, rest @ ..] => {
                let (ts, hash) =
                    rest.split_first_chunk::<8>().ok_or(DecodeError::Truncated("InfoPerLevel"))?;
                if hash.len() != 32 {
                    return Err(DecodeError::Truncated("InfoPerLevel"));
                }
                Ok(Message::InfoPerLevel {
                    predecessor_timestamp: i64::from_be_bytes(*ts),
                    predecessor: hash,
                })
            }
            [4, ..] => Ok(Message::ProtocolMigration),
            [] => Err(DecodeError::Truncated("internal message")),
            [tag, ..] => Err(DecodeError::UnknownTag(*tag)),
        }
    }
}

/// Messages of one level by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageCounts {
    /// StartOfLevel, InfoPerLevel, EndOfLevel, ProtocolMigration.
    pub protocol: u32,
    /// Transfers from L1.
    pub transfers: u32,
    /// External messages framed for this rollup.
    pub ours: u32,
    /// External messages for others.
    pub others: u32,
    /// Messages that could not be decoded.
    pub undecodable: u32,
    /// External messages for this rollup holding a well-formed transaction.
    pub transactions: u32,
    /// External messages for this rollup whose transaction was refused.
    pub refused: u32,
    /// Transfers credited as deposits.
    pub deposits: u32,
}

impl MessageCounts {
    /// Counts `m`.
    pub fn add(&mut self, m: &Message<'_>) {
        let slot = match m {
            Message::Transfer(_) => &mut self.transfers,
            Message::ForUs(_) => &mut self.ours,
            Message::NotForUs => &mut self.others,
            _ => &mut self.protocol,
        };
        *slot += 1;
    }

    /// The counts in field order.
    pub fn to_array(&self) -> [u32; 8] {
        [
            self.protocol,
            self.transfers,
            self.ours,
            self.others,
            self.undecodable,
            self.transactions,
            self.refused,
            self.deposits,
        ]
    }

    /// The counts [`MessageCounts::to_array`] gave, if there are eight.
    pub fn from_slice(n: &[u32]) -> Option<Self> {
        let [protocol, transfers, ours, others, undecodable, transactions, refused, deposits] =
            *<&[u32; 8]>::try_from(n).ok()?;
        Some(Self {
            protocol,
            transfers,
            ours,
            others,
            undecodable,
            transactions,
            refused,
            deposits,
        })
    }

    /// Eight little-endian u32s in field order.
    pub fn encode(&self) -> Vec<u8> {
        self.to_array().iter().flat_map(|n| n.to_le_bytes()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: [u8; 20] = [7; 20];

    #[test]
    fn decodes_protocol_messages() {
        assert_eq!(Message::parse(&[0, 1], &ME), Ok(Message::StartOfLevel));
        assert_eq!(Message::parse(&[0, 2], &ME), Ok(Message::EndOfLevel));
        let mut info = vec![0, 3, 0, 0, 0, 0, 0, 0, 1, 0];
        info.extend_from_slice(&[9; 32]);
        assert_eq!(
            Message::parse(&info, &ME),
            Ok(Message::InfoPerLevel { predecessor_timestamp: 256, predecessor: &[9; 32] })
        );
    }

    #[test]
    fn rejects_malformed_messages_with_a_reason() {
        assert_eq!(Message::parse(&[], &ME), Err(DecodeError::Empty));
        assert_eq!(Message::parse(&[2], &ME), Err(DecodeError::UnknownTag(2)));
        assert_eq!(Message::parse(&[0, 9], &ME), Err(DecodeError::UnknownTag(9)));
        assert_eq!(Message::parse(&[0, 3, 1], &ME), Err(DecodeError::Truncated("InfoPerLevel")));
        assert_eq!(
            Message::parse(&[1, 0, 7, 7], &ME),
            Err(DecodeError::Truncated("framed external message"))
        );
    }

    #[test]
    fn frames_select_this_rollup() {
        let mine = [&[1u8, 0][..], &ME, b"data"].concat();
        assert_eq!(Message::parse(&mine, &ME), Ok(Message::ForUs(b"data")));
        let other = [&[1u8, 0][..], &[8; 20], b"data"].concat();
        assert_eq!(Message::parse(&other, &ME), Ok(Message::NotForUs));
    }
}
