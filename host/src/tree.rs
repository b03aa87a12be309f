//! Durable storage: a tree of path steps with an optional value at each node,
//! and its incrementally updated Merkle root.
//!
//! # Node encoding (the rollup's state commitment)
//!
//! ```text
//! node  = H(0x01 ‖ has_value: u8 ‖ [H(0x00 ‖ value) if has_value] ‖ children: u64 BE ‖ index_root)
//! ```
//!
//! where `index_root` commits to the children by name (see [`crate::index`]),
//! `H` is BLAKE2b-256 and the root of durable storage is the hash of the node
//! for the empty path. A node with neither value nor children does not exist:
//! deleting the last thing under a node removes the node, so the root depends
//! only on the set of `(path, value)` pairs stored, never on the order in which
//! they were written.
//!
//! # Incremental hashing
//!
//! Each node caches its hash and the names of the children changed since the
//! last [`Durable::root`]. A change marks the nodes on its path; `root`
//! rehashes just those nodes, each at the cost of its changed children's index
//! paths. Copies keep their caches, so copying a large subtree costs no hashing.

use alloc::{
    boxed::Box,
    collections::{BTreeMap, BTreeSet},
    vec::Vec,
};

use crate::{
    HostError, MAX_VALUE_SIZE,
    hash::{Hash, hash_parts, tag, value_hash},
    index::ChildIndex,
    path::Path,
};

/// What `store_has` reports for a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum ValueType {
    /// Nothing at the path.
    None = 0,
    /// A value and no subtree.
    Value = 1,
    /// A subtree and no value.
    Subtree = 2,
    /// Both.
    ValueWithSubtree = 3,
}

#[derive(Debug, Clone, Default)]
struct Node {
    value: Option<Vec<u8>>,
    children: BTreeMap<Box<[u8]>, Node>,
    index: ChildIndex,
    /// Children whose hash may differ from the one in `index` (or that are gone).
    changed: BTreeSet<Box<[u8]>>,
    /// `None` when this node or something below it changed since the last hash.
    hash: Option<Hash>,
}

impl Node {
    fn is_empty(&self) -> bool {
        self.value.is_none() && self.children.is_empty()
    }

    fn get(&self, path: Path<'_>) -> Option<&Node> {
        path.steps().try_fold(self, |node, step| node.children.get(step))
    }

    /// Runs `f` on the node at `steps`, creating it if `create`, marking the
    /// path as changed and removing nodes that end up empty.
    fn update<R>(
        &mut self,
        steps: &[&[u8]],
        create: bool,
        f: impl FnOnce(&mut Node) -> R,
    ) -> Option<R> {
        let Some((first, rest)) = steps.split_first() else {
            self.hash = None;
            return Some(f(self));
        };
        if !self.children.contains_key(*first) {
            if !create {
                return None;
            }
            self.children.insert((*first).into(), Node::default());
        }
        let child = self.children.get_mut(*first)?;
        let result = child.update(rest, create, f);
        if child.is_empty() {
            self.children.remove(*first);
        }
        self.changed.insert((*first).into());
        self.hash = None;
        result
    }

    fn hash(&mut self) -> Hash {
        if let Some(h) = self.hash {
            return h;
        }
        for name in core::mem::take(&mut self.changed) {
            match self.children.get_mut(&name) {
                Some(child) => {
                    let h = child.hash();
                    self.index.insert(&name, &h);
                }
                None => self.index.remove(&name),
            }
        }
        let count = (self.children.len() as u64).to_be_bytes();
        let index = self.index.root();
        let h = match &self.value {
            Some(v) => hash_parts(&[&[tag::NODE, 1], &value_hash(v), &count, &index]),
            None => hash_parts(&[&[tag::NODE, 0], &count, &index]),
        };
        self.hash = Some(h);
        h
    }

    fn for_each_value(&self, prefix: &mut Vec<u8>, f: &mut dyn FnMut(&[u8], &[u8])) {
        if let Some(v) = &self.value {
            f(prefix, v);
        }
        for (name, child) in &self.children {
            let len = prefix.len();
            prefix.push(b'/');
            prefix.extend_from_slice(name);
            child.for_each_value(prefix, f);
            prefix.truncate(len);
        }
    }
}

/// The durable storage of one rollup.
///
/// Methods take validated [`Path`]s and apply no access rules: the
/// `/readonly` rule is the ABI's ([`crate::Host`]), because the runner itself
/// writes there.
#[derive(Debug, Clone, Default)]
pub struct Durable {
    root: Node,
    /// While a checkpoint is open: how to undo each change since, in order.
    journal: Option<Vec<Undo>>,
    /// Paths whose value or subtree changed since the last
    /// [`Durable::take_touched`]: what a persistent store must rewrite.
    touched: BTreeSet<Vec<u8>>,
}

/// Where a write of `len` bytes at `offset` ends, if the value may be that big.
fn value_end(offset: usize, len: usize) -> Result<usize, HostError> {
    offset.checked_add(len).filter(|end| *end <= MAX_VALUE_SIZE).ok_or(HostError::ValueSizeExceeded)
}

/// How to undo one change.
#[derive(Debug, Clone)]
enum Undo {
    /// Put this value (or none) back at the path.
    Value(Vec<u8>, Option<Vec<u8>>),
    /// Put this subtree (or nothing) back at the path.
    Subtree(Vec<u8>, Option<Node>),
}

fn steps_of(path: Path<'_>) -> Vec<&[u8]> {
    path.steps().collect()
}

impl Durable {
    /// An empty storage.
    pub fn new() -> Self {
        Self::default()
    }

    /// What lies at `path`.
    pub fn has(&self, path: Path<'_>) -> ValueType {
        match self.root.get(path) {
            None => ValueType::None,
            Some(n) => match (n.value.is_some(), !n.children.is_empty()) {
                (false, false) => ValueType::None,
                (true, false) => ValueType::Value,
                (false, true) => ValueType::Subtree,
                (true, true) => ValueType::ValueWithSubtree,
            },
        }
    }

    /// The whole value at `path`.
    pub fn get(&self, path: Path<'_>) -> Option<&[u8]> {
        self.root.get(path)?.value.as_deref()
    }

    /// Up to `max` bytes of the value at `path` from `offset`.
    pub fn read(&self, path: Path<'_>, offset: usize, max: usize) -> Result<&[u8], HostError> {
        let value = self.get(path).ok_or(HostError::NotAValue)?;
        if offset > value.len() {
            return Err(HostError::InvalidAccess);
        }
        let end = offset + max.min(value.len() - offset);
        Ok(&value[offset..end])
    }

    /// The size of the value at `path`.
    pub fn value_size(&self, path: Path<'_>) -> Result<usize, HostError> {
        self.get(path).map(<[u8]>::len).ok_or(HostError::NotAValue)
    }

    /// Writes `bytes` at `offset` into the value at `path`, creating it when
    /// `offset` is 0. The value grows when the write passes its end.
    pub fn write(&mut self, path: Path<'_>, offset: usize, bytes: &[u8]) -> Result<(), HostError> {
        let current = self.get(path).map_or(0, <[u8]>::len);
        if offset > current {
            return Err(HostError::InvalidAccess);
        }
        let end = value_end(offset, bytes.len())?;
        self.touch(path);
        self.journal_value(path);
        self.root.update(&steps_of(path), true, |node| {
            let value = node.value.get_or_insert_with(Vec::new);
            if end > value.len() {
                value.resize(end, 0);
            }
            value[offset..end].copy_from_slice(bytes);
        });
        Ok(())
    }

    /// Replaces the whole value at `path`.
    pub fn set(&mut self, path: Path<'_>, value: Vec<u8>) -> Result<(), HostError> {
        if value.len() > MAX_VALUE_SIZE {
            return Err(HostError::ValueSizeExceeded);
        }
        self.touch(path);
        self.journal_value(path);
        self.root.update(&steps_of(path), true, |node| node.value = Some(value));
        Ok(())
    }

    /// Removes the value at `path` and everything below it. Removing nothing is
    /// not an error.
    pub fn delete(&mut self, path: Path<'_>) {
        self.touch(path);
        let old = self.root.update(&steps_of(path), false, core::mem::take);
        self.journal_subtree(path, old);
    }

    /// Removes the value at `path`, keeping what lies below it.
    pub fn delete_value(&mut self, path: Path<'_>) {
        self.touch(path);
        self.journal_value(path);
        self.root.update(&steps_of(path), false, |node| node.value = None);
    }

    /// The number of children of `path`, counting its own value as one, as the
    /// PVM does (it stores a value as the child `@`).
    pub fn list_size(&self, path: Path<'_>) -> Result<u64, HostError> {
        let node = self.root.get(path).ok_or(HostError::NotANode)?;
        Ok(node.children.len() as u64 + u64::from(node.value.is_some()))
    }

    /// The name of the `index`-th child of `path` in byte order (the value, if
    /// any, is not a child here).
    pub fn child_name(&self, path: Path<'_>, index: usize) -> Option<&[u8]> {
        self.root.get(path)?.children.keys().nth(index).map(|k| &**k)
    }

    /// Copies the value and subtree at `from` over whatever is at `to`.
    pub fn copy(&mut self, from: Path<'_>, to: Path<'_>) -> Result<(), HostError> {
        let node = self.root.get(from).ok_or(HostError::NotANode)?.clone();
        self.touch(to);
        let old = self.root.update(&steps_of(to), true, |dst| core::mem::replace(dst, node));
        self.journal_subtree(to, old);
        Ok(())
    }

    /// Moves the value and subtree at `from` over whatever is at `to`.
    pub fn move_to(&mut self, from: Path<'_>, to: Path<'_>) -> Result<(), HostError> {
        if from == to {
            return self.root.get(from).map(|_| ()).ok_or(HostError::NotANode);
        }
        let node =
            self.root.update(&steps_of(from), false, core::mem::take).ok_or(HostError::NotANode)?;
        self.touch(from);
        self.touch(to);
        self.journal_subtree(from, Some(node.clone()));
        let old = self.root.update(&steps_of(to), true, |dst| core::mem::replace(dst, node));
        self.journal_subtree(to, old);
        Ok(())
    }

    /// Starts recording changes so [`Durable::rollback`] can undo them; the
    /// PVM's rollback of a failed `kernel_run` costs what the call changed,
    /// not the size of the storage.
    pub fn checkpoint(&mut self) {
        self.journal = Some(Vec::new());
    }

    /// Keeps the changes since [`Durable::checkpoint`] and stops recording.
    pub fn commit(&mut self) {
        self.journal = None;
    }

    /// Undoes every change since [`Durable::checkpoint`] and stops recording.
    pub fn rollback(&mut self) {
        let Some(journal) = self.journal.take() else { return };
        for undo in journal.into_iter().rev() {
            match undo {
                Undo::Value(path, old) => {
                    let Ok(p) = Path::new(&path) else { continue };
                    self.root.update(&steps_of(p), true, |n| n.value = old);
                }
                Undo::Subtree(path, old) => {
                    let Ok(p) = Path::new(&path) else { continue };
                    let old = old.unwrap_or_default();
                    self.root.update(&steps_of(p), true, |n| *n = old);
                }
            }
        }
    }

    fn journal_value(&mut self, path: Path<'_>) {
        if self.journal.is_some() {
            let old = self.get(path).map(<[u8]>::to_vec);
            if let Some(j) = &mut self.journal {
                j.push(Undo::Value(path.as_bytes().to_vec(), old));
            }
        }
    }

    fn journal_subtree(&mut self, path: Path<'_>, old: Option<Node>) {
        if let Some(j) = &mut self.journal {
            j.push(Undo::Subtree(path.as_bytes().to_vec(), old.filter(|n| !n.is_empty())));
        }
    }

    fn touch(&mut self, path: Path<'_>) {
        if !self.touched.contains(path.as_bytes()) {
            self.touched.insert(path.as_bytes().to_vec());
        }
    }

    /// The paths changed (value or subtree) since the last call, each to be
    /// re-read with [`Durable::for_each_value`] by whoever persists storage.
    pub fn take_touched(&mut self) -> BTreeSet<Vec<u8>> {
        core::mem::take(&mut self.touched)
    }

    /// The Merkle root of the whole storage, rehashing only what changed.
    pub fn root(&mut self) -> Hash {
        self.root.hash()
    }

    /// Calls `f(path, value)` for every value at or below `prefix` (the whole
    /// storage when `prefix` is `None`), in path order.
    pub fn for_each_value(&self, prefix: Option<Path<'_>>, f: &mut dyn FnMut(&[u8], &[u8])) {
        let mut buf = Vec::new();
        let node = match prefix {
            None => Some(&self.root),
            Some(p) => {
                buf.extend_from_slice(p.as_bytes());
                self.root.get(p)
            }
        };
        if let Some(node) = node {
            node.for_each_value(&mut buf, f);
        }
    }

    /// Every `(path, value)` pair, in path order.
    pub fn values(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut out = Vec::new();
        self.for_each_value(None, &mut |p, v| out.push((p.to_vec(), v.to_vec())));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn p(s: &'static str) -> Path<'static> {
        Path::new(s.as_bytes()).unwrap()
    }

    #[test]
    fn write_then_read_in_chunks() {
        let mut d = Durable::new();
        d.write(p("/a/b"), 0, b"hello").unwrap();
        d.write(p("/a/b"), 5, b" world").unwrap();
        assert_eq!(d.get(p("/a/b")), Some(&b"hello world"[..]));
        assert_eq!(d.read(p("/a/b"), 6, 3).unwrap(), b"wor");
        assert_eq!(d.read(p("/a/b"), 11, 3).unwrap(), b"");
        assert_eq!(d.read(p("/a/b"), 12, 3), Err(HostError::InvalidAccess));
        d.write(p("/a/b"), 0, b"J").unwrap();
        assert_eq!(d.get(p("/a/b")), Some(&b"Jello world"[..]));
    }

    #[test]
    fn write_past_the_end_is_invalid_access() {
        let mut d = Durable::new();
        assert_eq!(d.write(p("/x"), 1, b"a"), Err(HostError::InvalidAccess));
        d.write(p("/x"), 0, b"ab").unwrap();
        assert_eq!(d.write(p("/x"), 3, b"a"), Err(HostError::InvalidAccess));
    }

    #[test]
    fn has_reports_value_and_subtree() {
        let mut d = Durable::new();
        assert_eq!(d.has(p("/a")), ValueType::None);
        d.write(p("/a/b"), 0, b"1").unwrap();
        assert_eq!(d.has(p("/a")), ValueType::Subtree);
        assert_eq!(d.has(p("/a/b")), ValueType::Value);
        d.write(p("/a"), 0, b"1").unwrap();
        assert_eq!(d.has(p("/a")), ValueType::ValueWithSubtree);
    }

    #[test]
    fn list_size_counts_the_value_and_children() {
        let mut d = Durable::new();
        assert_eq!(d.list_size(p("/a")), Err(HostError::NotANode));
        d.write(p("/a/b"), 0, b"1").unwrap();
        d.write(p("/a/c/d"), 0, b"1").unwrap();
        assert_eq!(d.list_size(p("/a")), Ok(2));
        d.write(p("/a"), 0, b"1").unwrap();
        assert_eq!(d.list_size(p("/a")), Ok(3));
    }

    #[test]
    fn delete_removes_subtree_and_prunes_empty_parents() {
        let mut d = Durable::new();
        let empty = d.root();
        d.write(p("/a/b/c"), 0, b"1").unwrap();
        d.write(p("/a/b/c/d"), 0, b"2").unwrap();
        d.delete(p("/a/b"));
        assert_eq!(d.has(p("/a")), ValueType::None);
        assert_eq!(d.root(), empty);
        d.delete(p("/nothing/here"));
        assert_eq!(d.root(), empty);
    }

    #[test]
    fn delete_value_keeps_the_subtree() {
        let mut d = Durable::new();
        d.write(p("/a"), 0, b"1").unwrap();
        d.write(p("/a/b"), 0, b"2").unwrap();
        d.delete_value(p("/a"));
        assert_eq!(d.has(p("/a")), ValueType::Subtree);
        assert_eq!(d.get(p("/a/b")), Some(&b"2"[..]));
    }

    #[test]
    fn copy_and_move_carry_value_and_subtree() {
        let mut d = Durable::new();
        d.write(p("/a"), 0, b"v").unwrap();
        d.write(p("/a/b"), 0, b"w").unwrap();
        d.write(p("/t/old"), 0, b"x").unwrap();
        d.copy(p("/a"), p("/t")).unwrap();
        assert_eq!(d.get(p("/t")), Some(&b"v"[..]));
        assert_eq!(d.get(p("/t/b")), Some(&b"w"[..]));
        assert_eq!(d.get(p("/t/old")), None, "the destination is overwritten");
        d.move_to(p("/a"), p("/m/n")).unwrap();
        assert_eq!(d.has(p("/a")), ValueType::None);
        assert_eq!(d.get(p("/m/n/b")), Some(&b"w"[..]));
        assert_eq!(d.copy(p("/zz"), p("/y")), Err(HostError::NotANode));
        assert_eq!(d.move_to(p("/zz"), p("/y")), Err(HostError::NotANode));
    }

    #[test]
    fn copied_trees_hash_like_written_ones() {
        let mut a = Durable::new();
        a.write(p("/s/x"), 0, b"1").unwrap();
        a.root();
        a.copy(p("/s"), p("/t")).unwrap();
        let mut b = Durable::new();
        b.write(p("/t/x"), 0, b"1").unwrap();
        b.write(p("/s/x"), 0, b"1").unwrap();
        assert_eq!(a.root(), b.root());
    }

    #[test]
    fn value_size_limit_is_enforced() {
        let mut d = Durable::new();
        d.write(p("/v"), 0, b"abc").unwrap();
        assert_eq!(d.write(p("/v"), 3, &[]), Ok(()));
        assert_eq!(d.value_size(p("/v")), Ok(3));
        assert_eq!(d.value_size(p("/w")), Err(HostError::NotAValue));
        assert_eq!(d.set(p("/v"), vec![0; 0]).and_then(|_| d.value_size(p("/v"))), Ok(0));
    }

    #[test]
    fn a_write_may_not_grow_a_value_past_the_maximum() {
        assert_eq!(value_end(MAX_VALUE_SIZE - 1, 1), Ok(MAX_VALUE_SIZE));
        assert_eq!(value_end(MAX_VALUE_SIZE, 1), Err(HostError::ValueSizeExceeded));
        assert_eq!(value_end(usize::MAX, 2), Err(HostError::ValueSizeExceeded));
    }

    #[test]
    fn touched_paths_cover_every_change() {
        let mut d = Durable::new();
        d.write(p("/a/b"), 0, b"1").unwrap();
        d.copy(p("/a"), p("/c")).unwrap();
        d.move_to(p("/c"), p("/e")).unwrap();
        d.delete(p("/x"));
        let t: Vec<_> = d.take_touched().into_iter().collect();
        assert_eq!(t, vec![b"/a/b".to_vec(), b"/c".to_vec(), b"/e".to_vec(), b"/x".to_vec()]);
        assert!(d.take_touched().is_empty());
    }

    #[test]
    fn rollback_undoes_every_kind_of_change() {
        let mut d = Durable::new();
        d.write(p("/a/b"), 0, b"1").unwrap();
        d.write(p("/a"), 0, b"0").unwrap();
        d.write(p("/c/d"), 0, b"2").unwrap();
        let before = d.root();
        let values = d.values();
        d.checkpoint();
        d.write(p("/a/b"), 1, b"more").unwrap();
        d.set(p("/new/x"), b"n".to_vec()).unwrap();
        d.delete_value(p("/a"));
        d.copy(p("/a"), p("/c")).unwrap();
        d.move_to(p("/c"), p("/e/f")).unwrap();
        d.delete(p("/a"));
        d.root();
        d.rollback();
        assert_eq!(d.values(), values);
        assert_eq!(d.root(), before);
        // after a commit, nothing is undone
        d.checkpoint();
        d.delete(p("/c"));
        d.commit();
        d.rollback();
        assert_eq!(d.get(p("/c/d")), None);
    }

    #[test]
    fn values_lists_every_pair_in_path_order() {
        let mut d = Durable::new();
        d.write(p("/b"), 0, b"2").unwrap();
        d.write(p("/a/c"), 0, b"1").unwrap();
        d.write(p("/a"), 0, b"0").unwrap();
        let vs = d.values();
        assert_eq!(
            vs,
            vec![
                (b"/a".to_vec(), b"0".to_vec()),
                (b"/a/c".to_vec(), b"1".to_vec()),
                (b"/b".to_vec(), b"2".to_vec()),
            ]
        );
    }
}
