//! The Merkle index of one node's children.
//!
//! A node may have many children (every account, every storage slot), so
//! hashing the sorted list of children again on each change would cost time
//! proportional to the directory's size. Instead each node keeps its
//! children's hashes in a 16-ary trie keyed by `H(0x04 ‖ name)`: a change
//! rehashes one leaf and the branches above it, about `log16(children)` hashes.
//!
//! Shape (canonical, so the root depends only on the set of children): a slot
//! holds nothing, a leaf, or a branch; a branch exists only while at least two
//! leaves lie below it (removing down to one leaf collapses it into that leaf).
//! A leaf sits at the shallowest depth where its key's nibbles are unique.
//!
//! - leaf   = `H(0x02 ‖ len(name) as u8 ‖ name ‖ child_node_hash)`
//! - branch = `H(0x03 ‖ bitmap as u16 big-endian ‖ hash of each present slot, slot order)`,
//!   bit `i` of the bitmap set when slot `i` (nibble value `i`) is present
//! - empty index = 32 zero bytes.

use alloc::boxed::Box;

use crate::hash::{Hash, hash_parts, tag};

/// The index root of a node with no children.
pub const EMPTY_INDEX: Hash = [0; 32];

/// Where a name lies in the index.
pub(crate) fn index_key(name: &[u8]) -> Hash {
    hash_parts(&[&[tag::INDEX_KEY], name])
}

fn nibble(key: &Hash, depth: usize) -> usize {
    let byte = key[depth / 2];
    usize::from(if depth.is_multiple_of(2) { byte >> 4 } else { byte & 0x0f })
}

#[derive(Debug, Clone)]
enum Slot {
    Leaf { key: Hash, hash: Hash },
    Branch { slots: Box<[Option<Slot>; 16]>, hash: Option<Hash> },
}

impl Slot {
    fn leaf(key: Hash, name: &[u8], child: &Hash) -> Self {
        // Names are path steps: at most 240 bytes, so the length fits a byte.
        let len = [u8::try_from(name.len()).unwrap_or(u8::MAX)];
        Slot::Leaf { key, hash: hash_parts(&[&[tag::INDEX_LEAF], &len, name, child]) }
    }

    fn hash(&mut self) -> Hash {
        match self {
            Slot::Leaf { hash, .. } => *hash,
            Slot::Branch { slots, hash } => {
                if let Some(h) = hash {
                    return *h;
                }
                let mut bitmap = 0u16;
                let mut hashes = [[0u8; 32]; 16];
                let mut n = 0;
                for (i, slot) in slots.iter_mut().enumerate() {
                    if let Some(s) = slot {
                        bitmap |= 1 << i;
                        hashes[n] = s.hash();
                        n += 1;
                    }
                }
                let mut parts: [&[u8]; 18] = [&[]; 18];
                let tag = [tag::INDEX_BRANCH];
                let bm = bitmap.to_be_bytes();
                parts[0] = &tag;
                parts[1] = &bm;
                for (i, h) in hashes[..n].iter().enumerate() {
                    parts[2 + i] = h;
                }
                let h = hash_parts(&parts[..2 + n]);
                *hash = Some(h);
                h
            }
        }
    }
}

/// The children index of one node.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChildIndex {
    root: Option<Slot>,
}

impl ChildIndex {
    /// Sets the hash of child `name`, adding it if new.
    pub(crate) fn insert(&mut self, name: &[u8], child: &Hash) {
        let key = index_key(name);
        insert(&mut self.root, 0, key, name, child);
    }

    /// Removes child `name`, if present.
    pub(crate) fn remove(&mut self, name: &[u8]) {
        let key = index_key(name);
        remove(&mut self.root, 0, &key);
    }

    /// The index's root hash.
    pub(crate) fn root(&mut self) -> Hash {
        self.root.as_mut().map_or(EMPTY_INDEX, Slot::hash)
    }
}

fn insert(slot: &mut Option<Slot>, depth: usize, key: Hash, name: &[u8], child: &Hash) {
    match slot {
        None => *slot = Some(Slot::leaf(key, name, child)),
        Some(Slot::Leaf { key: k, .. }) if *k == key => *slot = Some(Slot::leaf(key, name, child)),
        Some(Slot::Leaf { .. }) => {
            // Split: the old leaf moves one level down into a new branch.
            let old = slot.take();
            let mut slots: Box<[Option<Slot>; 16]> = Box::default();
            if let Some(old @ Slot::Leaf { key: old_key, .. }) = old {
                slots[nibble(&old_key, depth)] = Some(old);
            }
            let mut branch = Slot::Branch { slots, hash: None };
            if let Slot::Branch { slots, .. } = &mut branch {
                insert(&mut slots[nibble(&key, depth)], depth + 1, key, name, child);
            }
            *slot = Some(branch);
        }
        Some(Slot::Branch { slots, hash }) => {
            *hash = None;
            insert(&mut slots[nibble(&key, depth)], depth + 1, key, name, child);
        }
    }
}

fn remove(slot: &mut Option<Slot>, depth: usize, key: &Hash) {
    match slot {
        Some(Slot::Leaf { key: k, .. }) if k == key => *slot = None,
        None | Some(Slot::Leaf { .. }) => {}
        Some(Slot::Branch { slots, hash }) => {
            *hash = None;
            remove(&mut slots[nibble(key, depth)], depth + 1, key);
            let mut present = slots.iter_mut().filter(|s| s.is_some());
            let first = present.next();
            let more = present.next().is_some();
            match (first, more) {
                (None, _) => *slot = None,
                (Some(only @ Some(Slot::Leaf { .. })), false) => {
                    let leaf = only.take();
                    *slot = leaf;
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{format, vec::Vec};

    fn names(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("child{i}").into_bytes()).collect()
    }

    #[test]
    fn root_is_independent_of_insertion_order() {
        let ns = names(200);
        let mut a = ChildIndex::default();
        let mut b = ChildIndex::default();
        for n in &ns {
            a.insert(n, &[1; 32]);
        }
        for n in ns.iter().rev() {
            b.insert(n, &[1; 32]);
        }
        assert_eq!(a.root(), b.root());
        assert_ne!(a.root(), EMPTY_INDEX);
    }

    #[test]
    fn removing_restores_the_previous_root() {
        let ns = names(100);
        let mut idx = ChildIndex::default();
        for n in &ns[..50] {
            idx.insert(n, &[7; 32]);
        }
        let before = idx.root();
        for n in &ns[50..] {
            idx.insert(n, &[8; 32]);
        }
        assert_ne!(idx.root(), before);
        for n in &ns[50..] {
            idx.remove(n);
        }
        assert_eq!(idx.root(), before);
        for n in &ns[..50] {
            idx.remove(n);
        }
        assert_eq!(idx.root(), EMPTY_INDEX);
    }

    #[test]
    fn a_changed_child_hash_changes_the_root() {
        let mut idx = ChildIndex::default();
        for n in names(20) {
            idx.insert(&n, &[0; 32]);
        }
        let before = idx.root();
        idx.insert(b"child3", &[9; 32]);
        assert_ne!(idx.root(), before);
        idx.insert(b"child3", &[0; 32]);
        assert_eq!(idx.root(), before);
    }
}
