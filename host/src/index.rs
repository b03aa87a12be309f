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

use alloc::{boxed::Box, vec::Vec};

use crate::hash::{Hash, hash_parts, tag};

/// The index root of a node with no children.
pub const EMPTY_INDEX: Hash = [0; 32];

/// Where a name lies in the index.
pub(crate) fn index_key(name: &[u8]) -> Hash {
    hash_parts(&[&[tag::INDEX_KEY], name])
}

/// The nibble of `key` at `depth` (high nibble first).
pub(crate) fn nibble(key: &Hash, depth: usize) -> usize {
    let byte = key[depth / 2];
    usize::from(if depth.is_multiple_of(2) { byte >> 4 } else { byte & 0x0f })
}

/// The first `depth` nibbles of `key`: where a slot lies in the trie.
pub(crate) fn prefix(key: &Hash, depth: usize) -> Vec<u8> {
    (0..depth).map(|d| nibble(key, d) as u8).collect()
}

/// A part of the index a partial tree does not hold: the first `depth`
/// nibbles of `key` lead to a [`Slot::Pruned`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gap {
    pub(crate) key: Hash,
    pub(crate) depth: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Slot {
    Leaf {
        key: Hash,
        name: Box<[u8]>,
        child: Hash,
        hash: Hash,
    },
    Branch {
        slots: Box<[Option<Slot>; 16]>,
        hash: Option<Hash>,
    },
    /// Known only by its hash: a partial tree (a witness) leaves it out. It
    /// may be a leaf or a branch; nothing that depends on which may use it.
    Pruned {
        hash: Hash,
    },
}

impl Slot {
    pub(crate) fn leaf(name: &[u8], child: &Hash) -> Self {
        // Names are path steps: at most 240 bytes, so the length fits a byte.
        let len = [u8::try_from(name.len()).unwrap_or(u8::MAX)];
        Slot::Leaf {
            key: index_key(name),
            name: name.into(),
            child: *child,
            hash: hash_parts(&[&[tag::INDEX_LEAF], &len, name, child]),
        }
    }

    /// A branch over `slots`, its hash computed on first use.
    pub(crate) fn branch(slots: Box<[Option<Slot>; 16]>) -> Self {
        Slot::Branch { slots, hash: None }
    }

    /// The hash, if known without rehashing (always, in a tree whose root
    /// was just computed).
    pub(crate) fn cached_hash(&self) -> Option<Hash> {
        match self {
            Slot::Leaf { hash, .. } | Slot::Pruned { hash } => Some(*hash),
            Slot::Branch { hash, .. } => *hash,
        }
    }

    /// This slot seen one level deep: a leaf as it is, a branch with its
    /// slots pruned. What a witness reveals when it opens the slot.
    pub(crate) fn one_level(&self) -> Option<Slot> {
        match self {
            Slot::Leaf { .. } => Some(self.clone()),
            Slot::Pruned { .. } => None,
            Slot::Branch { slots, .. } => {
                let mut out: Box<[Option<Slot>; 16]> = Box::default();
                for (o, s) in out.iter_mut().zip(slots.iter()) {
                    if let Some(s) = s {
                        *o = Some(Slot::Pruned { hash: s.cached_hash()? });
                    }
                }
                Some(Slot::branch(out))
            }
        }
    }

    fn hash(&mut self) -> Hash {
        match self {
            Slot::Leaf { hash, .. } | Slot::Pruned { hash } => *hash,
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

/// Opens pruned slots during a removal, where the canonical shape depends
/// on whether the one slot left beside the removed leaf is a leaf. A
/// replay from a witness has nothing to open them with (the witness must
/// already hold them); the recorder opens them from the pre-state.
pub(crate) trait Opener {
    /// The slot at `prefix` (nibbles), one level deep, or `None`.
    fn open_slot(&mut self, prefix: &[u8]) -> Option<Slot>;
}

/// Opens nothing.
#[cfg(test)]
pub(crate) struct NoOpener;

#[cfg(test)]
impl Opener for NoOpener {
    fn open_slot(&mut self, _: &[u8]) -> Option<Slot> {
        None
    }
}

/// The children index of one node.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChildIndex {
    pub(crate) root: Option<Slot>,
}

impl ChildIndex {
    /// Sets the hash of child `name`, adding it if new.
    pub(crate) fn insert(&mut self, name: &[u8], child: &Hash) -> Result<(), Gap> {
        let leaf = Slot::leaf(name, child);
        insert(&mut self.root, 0, leaf)
    }

    /// Removes child `name`, if present. Leaves revealed by `opener` are
    /// pushed to `revealed`: the node must learn those children.
    pub(crate) fn remove(
        &mut self,
        name: &[u8],
        opener: &mut dyn Opener,
        revealed: &mut Vec<(Box<[u8]>, Hash)>,
    ) -> Result<(), Gap> {
        let key = index_key(name);
        remove(&mut self.root, 0, &key, opener, revealed)
    }

    /// Whether the index holds a leaf for `name`, or the gap that hides it.
    pub(crate) fn lookup(&self, name: &[u8]) -> Result<bool, Gap> {
        let key = index_key(name);
        let mut slot = &self.root;
        let mut depth = 0;
        loop {
            match slot {
                None => return Ok(false),
                Some(Slot::Leaf { key: k, .. }) => return Ok(*k == key),
                Some(Slot::Pruned { .. }) => return Err(Gap { key, depth }),
                Some(Slot::Branch { slots, .. }) => {
                    slot = &slots[nibble(&key, depth)];
                    depth += 1;
                }
            }
        }
    }

    /// The slot at `prefix` (nibbles), if the index holds one there.
    pub(crate) fn slot_at(&self, prefix: &[u8]) -> Option<&Slot> {
        let mut slot = self.root.as_ref()?;
        for n in prefix {
            match slot {
                Slot::Branch { slots, .. } => slot = slots.get(usize::from(*n))?.as_ref()?,
                _ => return None,
            }
        }
        Some(slot)
    }

    /// Puts `new` in the place of the pruned slot at `prefix`.
    pub(crate) fn fill(&mut self, prefix: &[u8], new: Slot) {
        let mut slot = &mut self.root;
        for n in prefix {
            match slot {
                Some(Slot::Branch { slots, .. }) => match slots.get_mut(usize::from(*n)) {
                    Some(s) => slot = s,
                    None => return,
                },
                _ => return,
            }
        }
        if let Some(Slot::Pruned { .. }) = slot {
            *slot = Some(new);
        }
    }

    /// The prefixes of every pruned slot.
    pub(crate) fn pruned(&self) -> Vec<Vec<u8>> {
        fn walk(slot: &Slot, prefix: &mut Vec<u8>, out: &mut Vec<Vec<u8>>) {
            match slot {
                Slot::Pruned { .. } => out.push(prefix.clone()),
                Slot::Leaf { .. } => {}
                Slot::Branch { slots, .. } => {
                    for (i, s) in slots.iter().enumerate() {
                        if let Some(s) = s {
                            prefix.push(i as u8);
                            walk(s, prefix, out);
                            prefix.pop();
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        if let Some(s) = &self.root {
            walk(s, &mut Vec::new(), &mut out);
        }
        out
    }

    /// The index's root hash.
    pub(crate) fn root(&mut self) -> Hash {
        self.root.as_mut().map_or(EMPTY_INDEX, Slot::hash)
    }
}

fn insert(slot: &mut Option<Slot>, depth: usize, leaf: Slot) -> Result<(), Gap> {
    let Slot::Leaf { key, .. } = &leaf else { return Ok(()) };
    let key = *key;
    match slot {
        None => *slot = Some(leaf),
        Some(Slot::Leaf { key: k, .. }) if *k == key => *slot = Some(leaf),
        Some(Slot::Leaf { key: old_key, .. }) => {
            // Split: the old leaf moves one level down into a new branch.
            let at = nibble(old_key, depth);
            let mut slots: Box<[Option<Slot>; 16]> = Box::default();
            slots[at] = slot.take();
            insert(&mut slots[nibble(&key, depth)], depth + 1, leaf)?;
            *slot = Some(Slot::branch(slots));
        }
        Some(Slot::Pruned { .. }) => return Err(Gap { key, depth }),
        Some(Slot::Branch { slots, hash }) => {
            *hash = None;
            insert(&mut slots[nibble(&key, depth)], depth + 1, leaf)?;
        }
    }
    Ok(())
}

fn remove(
    slot: &mut Option<Slot>,
    depth: usize,
    key: &Hash,
    opener: &mut dyn Opener,
    revealed: &mut Vec<(Box<[u8]>, Hash)>,
) -> Result<(), Gap> {
    match slot {
        Some(Slot::Leaf { key: k, .. }) if k == key => *slot = None,
        None | Some(Slot::Leaf { .. }) => {}
        Some(Slot::Pruned { .. }) => return Err(Gap { key: *key, depth }),
        Some(Slot::Branch { slots, hash }) => {
            *hash = None;
            remove(&mut slots[nibble(key, depth)], depth + 1, key, opener, revealed)?;
            let mut present = slots.iter_mut().enumerate().filter(|(_, s)| s.is_some());
            let first = present.next();
            let more = present.next().is_some();
            match (first, more) {
                (None, _) => *slot = None,
                (Some((at, only)), false) => {
                    if let Some(Slot::Pruned { .. }) = only {
                        // Leaf or branch decides the shape: open it.
                        let mut p = prefix(key, depth);
                        p.push(at as u8);
                        let opened = opener.open_slot(&p).ok_or(Gap { key: *key, depth })?;
                        if let Slot::Leaf { name, child, .. } = &opened {
                            revealed.push((name.clone(), *child));
                        }
                        *only = Some(opened);
                    }
                    if let Some(Slot::Leaf { .. }) = only {
                        let leaf = only.take();
                        *slot = leaf;
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{format, vec::Vec};

    fn remove(idx: &mut ChildIndex, name: &[u8]) {
        idx.remove(name, &mut NoOpener, &mut Vec::new()).unwrap();
    }

    fn names(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("child{i}").into_bytes()).collect()
    }

    #[test]
    fn root_is_independent_of_insertion_order() {
        let ns = names(200);
        let mut a = ChildIndex::default();
        let mut b = ChildIndex::default();
        for n in &ns {
            a.insert(n, &[1; 32]).unwrap();
        }
        for n in ns.iter().rev() {
            b.insert(n, &[1; 32]).unwrap();
        }
        assert_eq!(a.root(), b.root());
        assert_ne!(a.root(), EMPTY_INDEX);
    }

    #[test]
    fn removing_restores_the_previous_root() {
        let ns = names(100);
        let mut idx = ChildIndex::default();
        for n in &ns[..50] {
            idx.insert(n, &[7; 32]).unwrap();
        }
        let before = idx.root();
        for n in &ns[50..] {
            idx.insert(n, &[8; 32]).unwrap();
        }
        assert_ne!(idx.root(), before);
        for n in &ns[50..] {
            remove(&mut idx, n);
        }
        assert_eq!(idx.root(), before);
        for n in &ns[..50] {
            remove(&mut idx, n);
        }
        assert_eq!(idx.root(), EMPTY_INDEX);
    }

    #[test]
    fn a_changed_child_hash_changes_the_root() {
        let mut idx = ChildIndex::default();
        for n in names(20) {
            idx.insert(&n, &[0; 32]).unwrap();
        }
        let before = idx.root();
        idx.insert(b"child3", &[9; 32]).unwrap();
        assert_ne!(idx.root(), before);
        idx.insert(b"child3", &[0; 32]).unwrap();
        assert_eq!(idx.root(), before);
    }
}
