//! Reveal data: preimages by hash and the rollup's metadata.
//!
//! A preimage hash is 33 bytes: a tag byte (0 = BLAKE2b-256, the only one the
//! PVM defines) then the 32-byte BLAKE2b digest of the data. Octez's PVM
//! never answers "unknown": it waits until the rollup node supplies the
//! preimage. Answering by what one node happens to have would let two
//! honest nodes compute different states, so a hash this host does not
//! hold is noted ([`Preimages::missing`]) and the engines stop the kernel
//! at once; the level then stops with nothing committed (`pvm::level`),
//! naming the hash. Only a malformed request (a hash that is not 33 bytes)
//! is answered [`crate::HostError::GenericInvalidAccess`].

use alloc::{
    collections::{BTreeMap, BTreeSet},
    vec::Vec,
};

use crate::hash::hash_parts;

/// The size of a preimage hash.
pub const PREIMAGE_HASH_SIZE: usize = 33;
/// The largest preimage (a page) the PVM reveals.
pub const MAX_PREIMAGE_SIZE: usize = 4096;
/// The size of the metadata `reveal_metadata` writes.
pub const METADATA_SIZE: usize = 24;

/// The hash under which `data` is revealed.
pub fn preimage_hash(data: &[u8]) -> [u8; PREIMAGE_HASH_SIZE] {
    let mut out = [0u8; PREIMAGE_HASH_SIZE];
    out[1..].copy_from_slice(&hash_parts(&[data]));
    out
}

/// The preimages the runner can reveal.
#[derive(Debug, Clone, Default)]
pub struct Preimages {
    by_hash: BTreeMap<[u8; PREIMAGE_HASH_SIZE], Vec<u8>>,
    /// Hashes revealed since the last [`Preimages::take_used`]: what a
    /// witness of the level must carry.
    used: BTreeSet<[u8; PREIMAGE_HASH_SIZE]>,
    /// The preimages of a witness: only those the level used. A hash not
    /// among them is outside the witness, not unknown to the rollup.
    partial: bool,
    /// The first hash a partial set was asked for and does not hold.
    outside: Option<[u8; PREIMAGE_HASH_SIZE]>,
    /// The first hash a whole set was asked for and does not hold.
    missing: Option<[u8; PREIMAGE_HASH_SIZE]>,
}

impl Preimages {
    /// Adds `data` and returns its hash.
    pub fn insert(&mut self, data: Vec<u8>) -> [u8; PREIMAGE_HASH_SIZE] {
        let hash = preimage_hash(&data);
        self.by_hash.insert(hash, data);
        hash
    }

    /// The preimage of `hash`.
    pub fn get(&self, hash: &[u8]) -> Option<&[u8]> {
        let key: [u8; PREIMAGE_HASH_SIZE] = hash.try_into().ok()?;
        self.by_hash.get(&key).map(Vec::as_slice)
    }

    /// The preimages a witness carries: a hash not among them is outside
    /// the witness ([`Preimages::outside_witness`]).
    pub fn from_witness(data: impl IntoIterator<Item = Vec<u8>>) -> Self {
        let mut p = Self { partial: true, ..Self::default() };
        for d in data {
            p.insert(d);
        }
        p
    }

    /// The preimage of `hash`, noted as used.
    pub fn reveal(&mut self, hash: &[u8]) -> Option<&[u8]> {
        let key: [u8; PREIMAGE_HASH_SIZE] = hash.try_into().ok()?;
        let Some(data) = self.by_hash.get(&key) else {
            let first = if self.partial { &mut self.outside } else { &mut self.missing };
            first.get_or_insert(key);
            return None;
        };
        self.used.insert(key);
        Some(data)
    }

    /// The first hash a witness's preimages were asked for and do not hold.
    pub fn outside_witness(&self) -> Option<&[u8; PREIMAGE_HASH_SIZE]> {
        self.outside.as_ref()
    }

    /// The first hash the kernel asked for that this (whole) set does not
    /// hold: the level must stop until the preimage is supplied.
    pub fn missing(&self) -> Option<&[u8; PREIMAGE_HASH_SIZE]> {
        self.missing.as_ref()
    }

    /// Forgets the missing hash (the level that asked for it was stopped).
    pub fn take_missing(&mut self) -> Option<[u8; PREIMAGE_HASH_SIZE]> {
        self.missing.take()
    }

    /// The preimages revealed since the last call, in hash order.
    pub fn take_used(&mut self) -> Vec<Vec<u8>> {
        let used = core::mem::take(&mut self.used);
        used.iter().filter_map(|h| self.by_hash.get(h).cloned()).collect()
    }
}

/// The rollup's address and origination level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RollupMetadata {
    /// The rollup's sr1 address hash.
    pub address: [u8; 20],
    /// The L1 level at which the rollup was originated.
    pub origination_level: u32,
}

impl RollupMetadata {
    /// The 24 bytes `reveal_metadata` writes: address then big-endian level.
    pub fn encode(&self) -> [u8; METADATA_SIZE] {
        let mut out = [0u8; METADATA_SIZE];
        out[..20].copy_from_slice(&self.address);
        out[20..].copy_from_slice(&self.origination_level.to_be_bytes());
        out
    }
}
