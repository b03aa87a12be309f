//! A level in progress: the block being built, the level's message counts
//! and the message carried over to the next `kernel_run`, saved at
//! `/zkos/pending/block` when the level continues after a reboot and
//! deleted when its block is sealed.

use alloy_primitives::Bytes;
use tezos_smart_rollup_host::{path::RefPath, runtime::Runtime};

use super::{block::BlockBuilder, inbox::MessageCounts};
use crate::system::{SystemError, read};

const PENDING: RefPath<'static> = RefPath::assert_from(layout::PENDING_BLOCK);

/// An inbox message read in one run and processed in the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    /// Its level.
    pub level: u32,
    /// Its index in the level.
    pub id: u32,
    /// The whole message as `read_input` gave it.
    pub bytes: Vec<u8>,
}

/// Everything a level has done so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The block being built.
    pub block: BlockBuilder,
    /// The level's messages by kind.
    pub counts: MessageCounts,
    /// The level, once a message of it was read.
    pub level: Option<u32>,
    /// Its InfoPerLevel timestamp, once read.
    pub timestamp: Option<i64>,
    /// A message to process before reading the next.
    pub carry: Option<Carried>,
}

impl Progress {
    /// Resumes the saved level, or starts a new block; also answers the
    /// size of the saved record (what resuming cost).
    pub fn start<H: Runtime>(host: &H) -> Result<(Self, usize), SystemError> {
        let path = String::from_utf8_lossy(layout::PENDING_BLOCK).into_owned();
        match read(host, path)? {
            Some(bytes) => Ok((Self::decode(&bytes)?, bytes.len())),
            None => Ok((
                Self {
                    block: BlockBuilder::start(host)?,
                    counts: MessageCounts::default(),
                    level: None,
                    timestamp: None,
                    carry: None,
                },
                0,
            )),
        }
    }

    /// Saves the level to continue it after a reboot; answers the bytes
    /// written.
    pub fn save<H: Runtime>(&self, host: &mut H) -> Result<usize, SystemError> {
        let bytes = self.encode();
        host.store_write_all(&PENDING, &bytes)?;
        Ok(bytes.len())
    }

    /// Forgets the saved level (its block is sealed).
    pub fn clear<H: Runtime>(host: &mut H) -> Result<(), SystemError> {
        match host.store_delete(&PENDING) {
            Ok(()) | Err(tezos_smart_rollup_host::runtime::RuntimeError::PathNotFound) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn encode(&self) -> Vec<u8> {
        let carry = self.carry.as_ref();
        alloy_rlp::encode(&Record {
            block: self.block.encode().into(),
            counts: self.counts.to_array().to_vec(),
            has_level: self.level.is_some(),
            level: self.level.unwrap_or_default(),
            has_timestamp: self.timestamp.is_some(),
            timestamp: self.timestamp.unwrap_or_default() as u64,
            has_carry: carry.is_some(),
            carry_level: carry.map_or(0, |c| c.level),
            carry_id: carry.map_or(0, |c| c.id),
            carry_bytes: carry.map_or_else(Bytes::new, |c| Bytes::copy_from_slice(&c.bytes)),
        })
    }

    fn decode(mut bytes: &[u8]) -> Result<Self, SystemError> {
        let bad = || SystemError::Corrupt(layout::LayoutError::Size("pending level", 0));
        let r = <Record as alloy_rlp::Decodable>::decode(&mut bytes).map_err(|_| bad())?;
        Ok(Self {
            block: BlockBuilder::decode(&r.block)?,
            counts: MessageCounts::from_slice(&r.counts).ok_or_else(bad)?,
            level: r.has_level.then_some(r.level),
            timestamp: r.has_timestamp.then_some(r.timestamp as i64),
            carry: r.has_carry.then(|| Carried {
                level: r.carry_level,
                id: r.carry_id,
                bytes: r.carry_bytes.to_vec(),
            }),
        })
    }
}

#[derive(alloy_rlp::RlpEncodable, alloy_rlp::RlpDecodable)]
struct Record {
    block: Bytes,
    counts: Vec<u32>,
    has_level: bool,
    level: u32,
    has_timestamp: bool,
    timestamp: u64,
    has_carry: bool,
    carry_level: u32,
    carry_id: u32,
    carry_bytes: Bytes,
}
