//! The inbox file: the levels a run feeds the kernel.
//!
//! It follows the inputs file of Octez's `octez-smart-rollup-wasm-debugger`:
//! a JSON array of levels, each an array of messages, where a message is
//!
//! - `{"external": "<hex>"}` — an external message's payload (the runner
//!   adds the external tag `0x01`);
//! - `{"payload": "<Michelson>", "sender": "KT1…", "source": "tz1…",
//!   "destination": "sr1…"}` — an internal transfer from an L1 contract; the
//!   Michelson data expression is encoded as binary Micheline (ints,
//!   strings, `0x` bytes, sequences and the data primitives `Unit`, `True`,
//!   `False`, `Pair`, `Left`, `Right`, `Some`, `None`, `Elt`; no annotations);
//!   `destination` defaults to this rollup and `source` to `tz1` zero;
//! - `{"serialized": "<hex>"}` — a whole inbox message, as `read_input`
//!   returns it.
//!
//! Zk OS adds two conveniences: `{"external_text": "…"}` (the UTF-8 bytes
//! as payload), and a level written as `{"timestamp": <unix seconds>,
//! "predecessor": "B…", "messages": [...]}` to set the level's
//! InfoPerLevel (both fields optional: the predecessor timestamp is
//! otherwise `1_700_000_000 + level`, and the predecessor block hash a hash
//! of the level number). As the debugger does, the runner adds
//! StartOfLevel, InfoPerLevel and EndOfLevel itself; the debugger's own
//! InfoPerLevel is the zero block hash
//! (`BKiHLREqU3JkXfzEDYAkmmfX48gBDtYhMrpA98s7Aq4SzbUAB6M`) at timestamp 0,
//! from level 0, so `{"timestamp": 0, "predecessor": "BKiHL…"}` levels run
//! with `pvm-runner run --first-level 0` give a kernel the values the
//! debugger gives it.

use host::{InboxMessage, hash::hash_parts, inbox::MAX_INPUT_MESSAGE_SIZE};
use serde::Deserialize;

use crate::micheline;

/// Default predecessor timestamp of level `n` is this plus `n`.
pub const BASE_TIMESTAMP: i64 = 1_700_000_000;

/// The most messages a Tezos inbox level holds.
pub const MAX_MESSAGES_PER_LEVEL: usize = 1_000_000;

/// Why an inbox file was refused: the position and the reason.
#[derive(Debug, thiserror::Error)]
pub enum InboxFileError {
    /// Not the expected JSON.
    #[error("inbox file is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// A message that does not encode.
    #[error("level {level} (index {index} in the file), message {message}: {reason}")]
    Message {
        /// Index of the level in the file (0-based).
        index: usize,
        /// The level number it would run as.
        level: u32,
        /// Index of the message in the level (0-based).
        message: usize,
        /// What is wrong.
        reason: String,
    },
    /// Too many messages in one level.
    #[error("level {0} has more than {MAX_MESSAGES_PER_LEVEL} messages")]
    TooManyMessages(usize),
    /// A predecessor that is not a block hash.
    #[error("level {level} (index {index} in the file), predecessor: {reason}")]
    Predecessor {
        /// Index of the level in the file (0-based).
        index: usize,
        /// The level number it would run as.
        level: u32,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawLevel {
    Messages(Vec<RawMessage>),
    WithInfo(RawInfoLevel),
}

/// A level that sets its InfoPerLevel.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfoLevel {
    timestamp: Option<i64>,
    predecessor: Option<String>,
    messages: Vec<RawMessage>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum RawMessage {
    External {
        external: String,
    },
    ExternalText {
        external_text: String,
    },
    Serialized {
        serialized: String,
    },
    Transfer {
        payload: String,
        sender: String,
        source: Option<String>,
        destination: Option<String>,
    },
}

/// One level of the file, encoded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileLevel {
    /// The predecessor timestamp for InfoPerLevel, if the file gives one.
    pub timestamp: Option<i64>,
    /// The predecessor block hash for InfoPerLevel, if the file gives one.
    pub predecessor: Option<[u8; 32]>,
    /// The level's own messages (without StartOfLevel, InfoPerLevel, EndOfLevel).
    pub messages: Vec<InboxMessage>,
}

impl FileLevel {
    /// A level of `messages` with the default InfoPerLevel.
    pub fn new(messages: Vec<InboxMessage>) -> Self {
        Self { messages, ..Self::default() }
    }

    /// Every message of `level` as the PVM delivers it.
    pub fn encode(&self, level: u32) -> Vec<Vec<u8>> {
        let ts = self.timestamp.unwrap_or(BASE_TIMESTAMP + i64::from(level));
        let predecessor = self.predecessor.unwrap_or_else(|| default_predecessor(level));
        host::inbox::level_messages(ts, predecessor, &self.messages)
    }
}

/// The predecessor block hash of `level` when the file gives none: a hash
/// of the level number, so each level's differs.
pub fn default_predecessor(level: u32) -> [u8; 32] {
    hash_parts(&[b"zkos-runner-level", &level.to_be_bytes()])
}

/// Parses an inbox file; `first_level` is the level number of its first
/// entry (used in error messages) and `rollup` the default destination.
pub fn parse(
    json: &str,
    first_level: u32,
    rollup: [u8; 20],
) -> Result<Vec<FileLevel>, InboxFileError> {
    let raw: Vec<RawLevel> = serde_json::from_str(json)?;
    raw.into_iter()
        .enumerate()
        .map(|(index, level)| {
            let (timestamp, predecessor, messages) = match level {
                RawLevel::Messages(m) => (None, None, m),
                RawLevel::WithInfo(RawInfoLevel { timestamp, predecessor, messages }) => {
                    let predecessor = predecessor
                        .map(|p| base58::block_hash(&p))
                        .transpose()
                        .map_err(|reason| InboxFileError::Predecessor {
                            index,
                            level: first_level.saturating_add(index as u32),
                            reason,
                        })?;
                    (timestamp, predecessor, messages)
                }
            };
            if messages.len() > MAX_MESSAGES_PER_LEVEL {
                return Err(InboxFileError::TooManyMessages(index));
            }
            let messages = messages
                .into_iter()
                .enumerate()
                .map(|(message, m)| {
                    encode(m, rollup).map_err(|reason| InboxFileError::Message {
                        index,
                        level: first_level.saturating_add(index as u32),
                        message,
                        reason,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(FileLevel { timestamp, predecessor, messages })
        })
        .collect()
}

fn encode(m: RawMessage, rollup: [u8; 20]) -> Result<InboxMessage, String> {
    let msg = match m {
        RawMessage::External { external } => InboxMessage::External(
            hex::decode(external.trim_start_matches("0x")).map_err(|e| format!("external: {e}"))?,
        ),
        RawMessage::ExternalText { external_text } => {
            InboxMessage::External(external_text.into_bytes())
        }
        RawMessage::Serialized { serialized } => {
            let bytes = hex::decode(serialized.trim_start_matches("0x"))
                .map_err(|e| format!("serialized: {e}"))?;
            if bytes.is_empty() {
                return Err("serialized: an inbox message has at least a tag byte".into());
            }
            InboxMessage::Raw(bytes)
        }
        RawMessage::Transfer { payload, sender, source, destination } => {
            let payload = micheline::encode_data(&payload).map_err(|e| format!("payload: {e}"))?;
            let sender = base58::kt1(&sender).map_err(|e| format!("sender: {e}"))?;
            let source = match source {
                Some(s) => base58::implicit(&s).map_err(|e| format!("source: {e}"))?,
                None => [0; 21],
            };
            let destination = match destination {
                Some(d) => base58::sr1(&d).map_err(|e| format!("destination: {e}"))?,
                None => rollup,
            };
            InboxMessage::Transfer { payload, sender, source, destination }
        }
    };
    let len = msg.encode().len();
    if len > MAX_INPUT_MESSAGE_SIZE {
        return Err(format!(
            "{len} bytes, over the {MAX_INPUT_MESSAGE_SIZE}-byte limit of an inbox message"
        ));
    }
    Ok(msg)
}

/// Base58Check addresses of Tezos.
pub mod base58 {
    const KT1: [u8; 3] = [2, 90, 121];
    const TZ: [([u8; 3], u8); 4] =
        [([6, 161, 159], 0), ([6, 161, 161], 1), ([6, 161, 164], 2), ([6, 161, 166], 3)];
    const SR1: [u8; 3] = [6, 124, 117];
    /// A block hash (`B…`).
    const BLOCK: [u8; 2] = [1, 52];

    fn decode(s: &str, prefix: &[u8; 3]) -> Result<[u8; 20], String> {
        let bytes = bs58::decode(s).with_check(None).into_vec().map_err(|e| e.to_string())?;
        match bytes.strip_prefix(prefix.as_slice()) {
            Some(hash) if hash.len() == 20 => {
                let mut out = [0u8; 20];
                out.copy_from_slice(hash);
                Ok(out)
            }
            _ => Err(format!("`{s}` is not of the expected kind")),
        }
    }

    /// A `KT1…` contract hash.
    pub fn kt1(s: &str) -> Result<[u8; 20], String> {
        decode(s, &KT1)
    }

    /// An `sr1…` rollup address.
    pub fn sr1(s: &str) -> Result<[u8; 20], String> {
        decode(s, &SR1)
    }

    /// A `tz1…`–`tz4…` implicit account: its tag then its hash.
    pub fn implicit(s: &str) -> Result<[u8; 21], String> {
        for (prefix, tag) in TZ {
            if let Ok(h) = decode(s, &prefix) {
                let mut out = [0u8; 21];
                out[0] = tag;
                out[1..].copy_from_slice(&h);
                return Ok(out);
            }
        }
        Err(format!("`{s}` is not a tz1, tz2, tz3 or tz4 address"))
    }

    /// A block hash: `B…` (Base58Check), or 32 bytes as `0x` hex.
    pub fn block_hash(s: &str) -> Result<[u8; 32], String> {
        let bytes = match s.strip_prefix("0x") {
            Some(h) => hex::decode(h).map_err(|e| e.to_string())?,
            None => {
                let b = bs58::decode(s).with_check(None).into_vec().map_err(|e| e.to_string())?;
                b.strip_prefix(BLOCK.as_slice())
                    .ok_or_else(|| format!("`{s}` is not a block hash"))?
                    .to_vec()
            }
        };
        bytes.try_into().map_err(|b: Vec<u8>| format!("{} bytes, a block hash has 32", b.len()))
    }

    /// Encodes a block hash as `B…`.
    pub fn encode_block_hash(hash: &[u8; 32]) -> String {
        bs58::encode([BLOCK.as_slice(), hash].concat()).with_check().into_string()
    }

    /// Encodes a 20-byte hash with a prefix, for messages and tests.
    pub fn encode_kt1(hash: &[u8; 20]) -> String {
        bs58::encode([KT1.as_slice(), hash].concat()).with_check().into_string()
    }

    /// Encodes an sr1 address.
    pub fn encode_sr1(hash: &[u8; 20]) -> String {
        bs58::encode([SR1.as_slice(), hash].concat()).with_check().into_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_message_form() {
        let kt1 = base58::encode_kt1(&[1; 20]);
        let json = format!(
            r#"[
              [{{"external": "0a0b"}}, {{"external_text": "hi"}}, {{"serialized": "0001"}}],
              {{"timestamp": 42, "messages": [{{"payload": "Pair 1 \"x\"", "sender": "{kt1}"}}]}},
              []
            ]"#
        );
        let levels = parse(&json, 1, [9; 20]).unwrap();
        assert_eq!(levels.len(), 3);
        assert_eq!(levels[0].messages[0], InboxMessage::External(vec![10, 11]));
        assert_eq!(levels[0].messages[1], InboxMessage::External(b"hi".to_vec()));
        assert_eq!(levels[0].messages[2].encode(), vec![0, 1]);
        assert_eq!(levels[1].timestamp, Some(42));
        match &levels[1].messages[0] {
            InboxMessage::Transfer { sender, destination, payload, .. } => {
                assert_eq!(sender, &[1; 20]);
                assert_eq!(destination, &[9; 20]);
                assert_eq!(payload[0], 0x07, "Pair with two arguments");
            }
            other => panic!("{other:?}"),
        }
        let encoded = levels[2].encode(3);
        assert_eq!(encoded.len(), 3, "SoL, InfoPerLevel, EoL");
    }

    #[test]
    fn bad_files_are_refused_with_their_position() {
        let err = parse(r#"[[], [{"external": "zz"}]]"#, 5, [0; 20]).unwrap_err().to_string();
        assert!(
            err.contains("level 6") && err.contains("message 0") && err.contains("external"),
            "{err}"
        );
        let err = parse(r#"[[{"nope": 1}]]"#, 1, [0; 20]).unwrap_err().to_string();
        assert!(err.contains("not valid"), "{err}");
        let err = parse("{", 1, [0; 20]).unwrap_err().to_string();
        assert!(err.contains("not valid"), "{err}");
        let big = format!(r#"[[{{"external": "{}"}}]]"#, "00".repeat(4096));
        let err = parse(&big, 1, [0; 20]).unwrap_err().to_string();
        assert!(err.contains("4096-byte limit"), "{err}");
        let err = parse(r#"[[{"payload": "Unit", "sender": "tz1abc"}]]"#, 1, [0; 20])
            .unwrap_err()
            .to_string();
        assert!(err.contains("sender"), "{err}");
    }

    #[test]
    fn base58_addresses_round_trip() {
        let kt1 = base58::encode_kt1(&[7; 20]);
        assert!(kt1.starts_with("KT1"));
        assert_eq!(base58::kt1(&kt1), Ok([7; 20]));
        let sr1 = base58::encode_sr1(&[3; 20]);
        assert!(sr1.starts_with("sr1"));
        assert_eq!(base58::sr1(&sr1), Ok([3; 20]));
        assert!(base58::kt1(&sr1).is_err());
        // a well-known tz1 (the zero address of the Octez docs)
        let tz1 = base58::implicit("tz1Ke2h7sDdakHJQh8WX4Z372du1KChsksyU").unwrap();
        assert_eq!(tz1, [0; 21]);
    }

    /// The zero block hash as `octez-smart-rollup-wasm-debugger` prints its
    /// InfoPerLevel ("block predecessor: BKiHL…, predecessor_timestamp:
    /// 1970-01-01T00:00:00Z").
    const DEBUGGER_PREDECESSOR: &str = "BKiHLREqU3JkXfzEDYAkmmfX48gBDtYhMrpA98s7Aq4SzbUAB6M";

    #[test]
    fn a_level_sets_its_predecessor_as_the_debugger_prints_it() {
        assert_eq!(base58::block_hash(DEBUGGER_PREDECESSOR), Ok([0; 32]));
        assert_eq!(base58::encode_block_hash(&[0; 32]), DEBUGGER_PREDECESSOR);
        let json = format!(
            r#"[{{"timestamp": 0, "predecessor": "{DEBUGGER_PREDECESSOR}", "messages": []}},
                {{"predecessor": "0x{}", "messages": []}}, []]"#,
            "ab".repeat(32)
        );
        let levels = parse(&json, 0, [0; 20]).unwrap();
        let info = |l: &FileLevel, n| l.encode(n)[1].clone();
        let expected =
            InboxMessage::InfoPerLevel { predecessor_timestamp: 0, predecessor: [0; 32] };
        assert_eq!(info(&levels[0], 0), expected.encode());
        assert_eq!(levels[1].predecessor, Some([0xab; 32]));
        assert_eq!(levels[1].timestamp, None);
        let default = InboxMessage::InfoPerLevel {
            predecessor_timestamp: BASE_TIMESTAMP + 2,
            predecessor: default_predecessor(2),
        };
        assert_eq!(info(&levels[2], 2), default.encode());
        let bad =
            r#"[[], {"predecessor": "KT1SFmmwk4NmRS36tqKYjW4SmRG7PNVBP9aG", "messages": []}]"#;
        let err = parse(bad, 1, [0; 20]).unwrap_err().to_string();
        assert!(err.contains("level 2 (index 1") && err.contains("not a block hash"), "{err}");
        let err = parse(r#"[{"predecessor": "0x00", "messages": []}]"#, 1, [0; 20]).unwrap_err();
        assert!(err.to_string().contains("1 bytes, a block hash has 32"), "{err}");
    }
}
