//! Level witnesses: everything a stateless replay of one level needs.
//!
//! A replay that holds only a witness, not the rollup's state, can run a
//! level and compute its post-state root: the witness carries the level's
//! inbox, the preimages the kernel revealed, and the part of durable
//! storage the level touched, as a *partial tree* — the pre-state with every
//! subtree, value and index slot the level did not look at replaced by its
//! hash. Decoding checks the partial tree against the pre-state root it
//! claims; a replay that then asks for something the witness left out is
//! stopped ([`crate::Durable::outside_witness`]), so a witness can make a
//! replay fail but never reach a wrong root. The kernel itself is the value
//! at `/kernel/boot.wasm`, shown in full because every level reads it.
//!
//! # Format (all integers big-endian unless varint, varint = unsigned LEB128)
//!
//! ```text
//! witness   = "ZKOSWIT" 0x01
//!             level: u32 ‖ tick_limit: u64 ‖ metadata: 24 bytes (address ‖ origination level)
//!             pre_root: 32 bytes
//!             inbox_count: varint ‖ (len: varint ‖ message)*
//!             preimage_count: varint ‖ (len: varint ‖ data)*
//!             tree: node
//! node      = 0x00 hash:32                      a node left out
//!           | 0x01 value count:varint slot      a node shown: value, number of children, index
//! value     = 0x00 | 0x01 value_hash:32 | 0x02 len:varint bytes
//! slot      = 0x00                              empty index (only as a node's index root)
//!           | 0x01 hash:32                      a slot left out (leaf or branch)
//!           | 0x02 len:u8 name node            a leaf: the child's name and the child
//!           | 0x03 bitmap:u16 slot*            a branch: one slot per bit set, in nibble order
//! ```
//!
//! Hashes are those of [`crate::tree`] and [`crate::index`], so decoding a
//! tree recomputes every hash from what is shown and from the hashes of
//! what is not, and the result must be `pre_root`.

mod codec;
mod record;

use alloc::{string::String, vec::Vec};

use crate::{Durable, Hash, Preimages, RollupMetadata, hash::hash_parts};

pub use record::Recorder;

/// The first bytes of every witness (the last is the format version).
pub const MAGIC: &[u8; 8] = b"ZKOSWIT\x01";

/// A witness that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// The bytes end too soon.
    #[error("witness truncated at byte {0}")]
    Truncated(usize),
    /// Not a witness of this format.
    #[error("not a Zk OS level witness (bad magic or version)")]
    Magic,
    /// A field does not decode.
    #[error("malformed witness at byte {0}: {1}")]
    Malformed(usize, &'static str),
    /// Bytes after the tree.
    #[error("{0} bytes after the end of the witness")]
    Trailing(usize),
    /// The tree does not hash to the root the witness claims.
    #[error("the witness does not match its pre-state root {}: its tree hashes to {}", hex::encode(.claimed), hex::encode(.found))]
    Root {
        /// The root in the witness's header.
        claimed: Hash,
        /// What the tree hashes to.
        found: Hash,
    },
    /// The recorder could not make a witness that replays (a bug).
    #[error("witness recording is inconsistent: {0}")]
    Inconsistent(String),
}

/// One level and what its replay needs.
#[derive(Debug, Clone)]
pub struct LevelWitness {
    /// The level.
    pub level: u32,
    /// Ticks per `kernel_run`.
    pub tick_limit: u64,
    /// What `reveal_metadata` answers.
    pub metadata: RollupMetadata,
    /// The durable-storage root before the level.
    pub pre_root: Hash,
    /// The level's inbox, StartOfLevel to EndOfLevel.
    pub inbox: Vec<Vec<u8>>,
    /// The preimages the level revealed.
    pub preimages: Vec<Vec<u8>>,
    /// The encoded partial tree (see the module docs).
    pub tree: Vec<u8>,
}

/// A decoded witness, ready to replay.
#[derive(Debug)]
pub struct Replayable {
    /// The header and inbox.
    pub witness: LevelWitness,
    /// The partial pre-state, checked against `witness.pre_root`.
    pub durable: Durable,
    /// The preimages, as a set that knows it is partial.
    pub preimages: Preimages,
}

impl LevelWitness {
    /// The encoded witness.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.tree.len() + 256);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.level.to_be_bytes());
        out.extend_from_slice(&self.tick_limit.to_be_bytes());
        out.extend_from_slice(&self.metadata.encode());
        out.extend_from_slice(&self.pre_root);
        for list in [&self.inbox, &self.preimages] {
            codec::put_varint(&mut out, list.len() as u64);
            for item in list {
                codec::put_bytes(&mut out, item);
            }
        }
        out.extend_from_slice(&self.tree);
        out
    }

    /// Decodes a witness and checks its tree against its pre-state root.
    pub fn decode(bytes: &[u8]) -> Result<Replayable, WitnessError> {
        let mut r = codec::Reader::new(bytes);
        if r.take(MAGIC.len()).map_err(|_| WitnessError::Magic)? != MAGIC {
            return Err(WitnessError::Magic);
        }
        let level = u32::from_be_bytes(r.array()?);
        let tick_limit = u64::from_be_bytes(r.array()?);
        let address = r.array::<20>()?;
        let origination_level = u32::from_be_bytes(r.array()?);
        let pre_root = r.array::<32>()?;
        let mut lists = [Vec::new(), Vec::new()];
        for list in &mut lists {
            let n = r.varint()?;
            for _ in 0..n {
                list.push(r.bytes()?.to_vec());
            }
        }
        let [inbox, preimages] = lists;
        let tree_start = r.position();
        let mut durable = codec::decode_tree(&mut r)?;
        if !r.is_at_end() {
            return Err(WitnessError::Trailing(bytes.len() - r.position()));
        }
        let found = durable.root();
        if found != pre_root {
            return Err(WitnessError::Root { claimed: pre_root, found });
        }
        let witness = LevelWitness {
            level,
            tick_limit,
            metadata: RollupMetadata { address, origination_level },
            pre_root,
            inbox,
            preimages: preimages.clone(),
            tree: bytes[tree_start..].to_vec(),
        };
        Ok(Replayable { witness, durable, preimages: Preimages::from_witness(preimages) })
    }

    /// The commitment to the inbox a proof states: BLAKE2b-256 over each
    /// message's length (u32 big-endian) and bytes, in order.
    pub fn inbox_hash(&self) -> Hash {
        inbox_hash(&self.inbox)
    }
}

/// See [`LevelWitness::inbox_hash`].
pub fn inbox_hash(inbox: &[Vec<u8>]) -> Hash {
    let mut parts: Vec<&[u8]> = Vec::with_capacity(inbox.len() * 2);
    let lens: Vec<[u8; 4]> =
        inbox.iter().map(|m| u32::try_from(m.len()).unwrap_or(u32::MAX).to_be_bytes()).collect();
    for (m, l) in inbox.iter().zip(&lens) {
        parts.push(l);
        parts.push(m);
    }
    hash_parts(&parts)
}

#[cfg(test)]
mod tests;
