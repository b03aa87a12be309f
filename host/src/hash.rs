//! The one hash of the state commitment: BLAKE2b with a 32-byte digest, as
//! Tezos uses for its own state hashes, with a one-byte domain tag in front
//! of every preimage so a value can never be mistaken for a node.

use blake2::{Blake2b, Digest, digest::consts::U32};

/// A 32-byte BLAKE2b digest.
pub type Hash = [u8; 32];

/// Domain tags, the first byte hashed for each kind of object.
pub(crate) mod tag {
    /// A stored value: `H(0x00 ‖ value)`.
    pub(crate) const VALUE: u8 = 0x00;
    /// A tree node (a path step): see [`crate::tree`].
    pub(crate) const NODE: u8 = 0x01;
    /// A leaf of a node's child index: one named child.
    pub(crate) const INDEX_LEAF: u8 = 0x02;
    /// A branch of a node's child index: up to 16 slots.
    pub(crate) const INDEX_BRANCH: u8 = 0x03;
    /// The position of a child name in the index (not part of any node hash).
    pub(crate) const INDEX_KEY: u8 = 0x04;
}

/// Hashes the concatenation of `parts`.
pub fn hash_parts(parts: &[&[u8]]) -> Hash {
    let mut h = Blake2b::<U32>::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// Hashes a stored value.
pub fn value_hash(value: &[u8]) -> Hash {
    hash_parts(&[&[tag::VALUE], value])
}
