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
use core::cell::{OnceCell, RefCell};

use crate::{
    HostError, MAX_VALUE_SIZE,
    hash::{Hash, hash_parts, tag, value_hash},
    index::{ChildIndex, Opener, Slot},
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

/// A stored value, or, in a partial tree, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Bytes(Vec<u8>),
    Pruned(Hash),
}

impl Value {
    pub(crate) fn hash(&self) -> Hash {
        match self {
            Value::Bytes(b) => value_hash(b),
            Value::Pruned(h) => *h,
        }
    }
}

/// Something a partial tree was asked for and does not hold: where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Missing(pub(crate) Vec<u8>);

#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub(crate) value: Option<Value>,
    pub(crate) children: BTreeMap<Box<[u8]>, Node>,
    /// Children a partial tree knows only through the hashes in `index`
    /// (always 0 in a full tree, where every child is in `children`).
    pub(crate) hidden: u64,
    pub(crate) index: ChildIndex,
    /// Children whose hash may differ from the one in `index` (or that are gone).
    pub(crate) changed: BTreeSet<Box<[u8]>>,
    /// `None` when this node or something below it changed since the last hash.
    pub(crate) hash: Option<Hash>,
    /// Known only by `hash`: a partial tree leaves its content out.
    pub(crate) opaque: bool,
}

fn missing_at(path: Path<'_>, steps: usize) -> Missing {
    let mut out = Vec::new();
    for s in path.steps().take(steps) {
        out.push(b'/');
        out.extend_from_slice(s);
    }
    Missing(out)
}

impl Node {
    /// A node known only by its hash.
    pub(crate) fn pruned(hash: Hash) -> Self {
        Self { hash: Some(hash), opaque: true, ..Self::default() }
    }

    fn is_empty(&self) -> bool {
        !self.opaque && self.value.is_none() && self.children.is_empty() && self.hidden == 0
    }

    fn has_children(&self) -> bool {
        !self.children.is_empty() || self.hidden > 0
    }

    /// The number of children, hidden ones included.
    pub(crate) fn child_count(&self) -> u64 {
        self.children.len() as u64 + self.hidden
    }

    /// Whether child `step` exists: `Err` when a partial tree cannot tell.
    fn has_child(&self, step: &[u8]) -> Result<bool, ()> {
        if self.opaque {
            return Err(());
        }
        if self.children.contains_key(step) {
            return Ok(true);
        }
        if self.hidden == 0 {
            return Ok(false);
        }
        // A leaf in the index for a name not among the children is a child
        // deleted since the last hash; a gap hides a child that may exist.
        self.index.lookup(step).map(|_| false).map_err(|_| ())
    }

    /// The node at `path` (`None` when nothing is there).
    fn find(&self, path: Path<'_>) -> Result<Option<&Node>, Missing> {
        let mut node = self;
        for (i, step) in path.steps().enumerate() {
            if !node.has_child(step).map_err(|()| missing_at(path, i + 1))? {
                return Ok(None);
            }
            match node.children.get(step) {
                Some(c) => node = c,
                None => return Ok(None),
            }
        }
        Ok(Some(node))
    }

    /// Like [`Node::find`], but a node known only by its hash is missing too.
    fn find_open(&self, path: Path<'_>) -> Result<Option<&Node>, Missing> {
        match self.find(path)? {
            Some(n) if n.opaque => Err(Missing(path.as_bytes().to_vec())),
            found => Ok(found),
        }
    }

    /// Runs `f` on the node at `steps`, creating it if `create`, marking the
    /// path as changed and removing nodes that end up empty. `f` needs the
    /// node's content when `open` (it is missing if the node is opaque).
    fn update<R>(
        &mut self,
        steps: &[&[u8]],
        create: bool,
        open: bool,
        f: impl FnOnce(&mut Node) -> R,
    ) -> Result<Option<R>, Missing> {
        let Some((first, rest)) = steps.split_first() else {
            if open && self.opaque {
                return Err(Missing(Vec::new()));
            }
            // `f` replaces an opaque node whole (or takes it, hash and all).
            if !self.opaque {
                self.hash = None;
            }
            return Ok(Some(f(self)));
        };
        let here = |m: Missing| {
            let mut p = Vec::with_capacity(first.len() + 1 + m.0.len());
            p.push(b'/');
            p.extend_from_slice(first);
            p.extend_from_slice(&m.0);
            Missing(p)
        };
        if !self.has_child(first).map_err(|()| here(Missing(Vec::new())))? {
            if !create {
                return Ok(None);
            }
            self.children.insert((*first).into(), Node::default());
        }
        let Some(child) = self.children.get_mut(*first) else { return Ok(None) };
        let result = child.update(rest, create, open, f).map_err(here)?;
        if child.is_empty() {
            self.children.remove(*first);
        }
        self.changed.insert((*first).into());
        self.hash = None;
        Ok(result)
    }

    /// The hash, rehashing what changed. `fill` opens index slots that a
    /// removal must see (see [`Fill`]).
    fn hash(&mut self, path: &mut Vec<u8>, fill: &mut dyn Fill) -> Result<Hash, Missing> {
        if let Some(h) = self.hash {
            return Ok(h);
        }
        let mut revealed = Vec::new();
        for name in core::mem::take(&mut self.changed) {
            match self.children.get_mut(&name) {
                Some(child) => {
                    let len = path.len();
                    path.push(b'/');
                    path.extend_from_slice(&name);
                    let h = child.hash(path, fill)?;
                    path.truncate(len);
                    self.index.insert(&name, &h).map_err(|_| Missing(path.clone()))?;
                }
                None => {
                    let mut at = At { path, fill };
                    self.index
                        .remove(&name, &mut at, &mut revealed)
                        .map_err(|_| Missing(path.clone()))?;
                }
            }
        }
        for (name, child) in revealed {
            self.children.insert(name, Node::pruned(child));
            self.hidden = self.hidden.saturating_sub(1);
        }
        let h = self.header_hash();
        self.hash = Some(h);
        Ok(h)
    }

    /// The node's hash from its value, child count and index root.
    pub(crate) fn header_hash(&mut self) -> Hash {
        let count = self.child_count().to_be_bytes();
        let index = self.index.root();
        match &self.value {
            Some(v) => hash_parts(&[&[tag::NODE, 1], &v.hash(), &count, &index]),
            None => hash_parts(&[&[tag::NODE, 0], &count, &index]),
        }
    }

    fn for_each_value(
        &self,
        prefix: &mut Vec<u8>,
        f: &mut dyn FnMut(&[u8], &[u8]),
    ) -> Result<(), Missing> {
        if self.opaque || self.hidden > 0 || matches!(self.value, Some(Value::Pruned(_))) {
            return Err(Missing(prefix.clone()));
        }
        if let Some(Value::Bytes(v)) = &self.value {
            f(prefix, v);
        }
        for (name, child) in &self.children {
            let len = prefix.len();
            prefix.push(b'/');
            prefix.extend_from_slice(name);
            child.for_each_value(prefix, f)?;
            prefix.truncate(len);
        }
        Ok(())
    }
}

/// Opens what a partial tree needs while hashing: the index slot at
/// `prefix` of the node at `path`, one level deep (see
/// [`crate::index::Opener`]). A replay from a witness opens nothing; the
/// witness recorder opens from the pre-state.
pub(crate) trait Fill {
    fn slot(&mut self, path: &[u8], prefix: &[u8]) -> Option<Slot>;
}

/// Fills nothing.
pub(crate) struct NoFill;

impl Fill for NoFill {
    fn slot(&mut self, _: &[u8], _: &[u8]) -> Option<Slot> {
        None
    }
}

struct At<'a> {
    path: &'a [u8],
    fill: &'a mut dyn Fill,
}

impl Opener for At<'_> {
    fn open_slot(&mut self, prefix: &[u8]) -> Option<Slot> {
        self.fill.slot(self.path, prefix)
    }
}

/// One operation on durable storage, as the witness recorder replays it.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// A read that needs the node at the path (`has`, `list_size`).
    Open(Vec<u8>),
    /// A read of the value (`get`, `read`, `value_size`).
    Value(Vec<u8>),
    /// A read that needs every child's name.
    Children(Vec<u8>),
    /// A read of everything below (`None`: the whole tree).
    Everything(Option<Vec<u8>>),
    Write(Vec<u8>, usize, Vec<u8>),
    Set(Vec<u8>, Vec<u8>),
    Delete(Vec<u8>),
    DeleteValue(Vec<u8>),
    Copy(Vec<u8>, Vec<u8>),
    Move(Vec<u8>, Vec<u8>),
    Checkpoint,
    Commit,
    Rollback,
}

/// The durable storage of one rollup.
///
/// Methods take validated [`Path`]s and apply no access rules: the
/// `/readonly` rule is the ABI's ([`crate::Host`]), because the runner itself
/// writes there.
///
/// # Partial trees
///
/// A `Durable` decoded from a witness ([`crate::witness`]) holds only part
/// of the state: nodes, values and index slots outside the witness are kept
/// as their hashes, so the root is still computed exactly. Asking such a
/// tree for something it does not hold answers as if nothing were there and
/// marks the tree: [`Durable::outside_witness`] then names the path, and
/// [`Durable::try_root`] refuses to give a root. A full tree is never marked.
#[derive(Debug, Clone, Default)]
pub struct Durable {
    pub(crate) root: Node,
    /// One entry per open checkpoint, innermost last: how to undo each
    /// change since it, in order.
    journals: Vec<Journal>,
    /// Paths whose value or subtree changed since the last
    /// [`Durable::take_touched`]: what a persistent store must rewrite.
    touched: BTreeSet<Vec<u8>>,
    /// The first thing a partial tree was asked for and does not hold.
    outside: OnceCell<Vec<u8>>,
    /// While recording a witness: every operation, in order.
    log: Option<RefCell<Vec<Op>>>,
}

/// A partial tree was asked for something outside its witness.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("outside the witness: {}", alloc::string::String::from_utf8_lossy(.0))]
pub struct OutsideWitness(pub Vec<u8>);

/// Where a write of `len` bytes at `offset` ends, if the value may be that big.
fn value_end(offset: usize, len: usize) -> Result<usize, HostError> {
    offset.checked_add(len).filter(|end| *end <= MAX_VALUE_SIZE).ok_or(HostError::ValueSizeExceeded)
}

/// How to undo the changes since one checkpoint.
#[derive(Debug, Clone, Default)]
struct Journal {
    /// In the order they were made.
    undo: Vec<Undo>,
    /// The paths whose value is already in `undo`: a later write to one
    /// needs no second copy (undoing in reverse order ends with the first,
    /// the value before the checkpoint). Without this, a large value
    /// written 2 KiB at a time (as `store_write` must) was copied whole at
    /// every write: 3.7 MB of receipt cost 3.3 GB.
    valued: BTreeSet<Vec<u8>>,
}

/// How to undo one change.
#[derive(Debug, Clone)]
enum Undo {
    /// Put this value (or none) back at the path.
    Value(Vec<u8>, Option<Value>),
    /// Put this subtree (or nothing) back at the path.
    Subtree(Vec<u8>, Option<Box<Node>>),
}

fn steps_of(path: Path<'_>) -> Vec<&[u8]> {
    path.steps().collect()
}

impl Durable {
    /// An empty storage.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn from_root(root: Node) -> Self {
        Self { root, ..Self::default() }
    }

    fn log(&self, op: impl FnOnce() -> Op) {
        if let Some(log) = &self.log {
            log.borrow_mut().push(op());
        }
    }

    /// Starts logging every operation (for [`crate::witness::record`]).
    pub(crate) fn start_log(&mut self) {
        self.log = Some(RefCell::new(Vec::new()));
    }

    /// Stops logging and returns the operations since [`Durable::start_log`].
    pub(crate) fn take_log(&mut self) -> Vec<Op> {
        self.log.take().map(RefCell::into_inner).unwrap_or_default()
    }

    /// Marks the tree: it was asked for something it does not hold.
    fn outside(&self, m: Missing) {
        let _ = self.outside.set(m.0);
    }

    fn or_outside<T>(&self, r: Result<T, Missing>, default: T) -> T {
        r.unwrap_or_else(|m| {
            self.outside(m);
            default
        })
    }

    /// The first path a partial tree was asked for and does not hold, if
    /// any: every answer it gave since may be wrong.
    pub fn outside_witness(&self) -> Option<&[u8]> {
        self.outside.get().map(Vec::as_slice)
    }

    /// The node at `path` given as bytes (`""` is the root), in a full tree.
    pub(crate) fn node_at(&self, path: &[u8]) -> Option<&Node> {
        let mut node = &self.root;
        for step in path.split(|b| *b == b'/').skip(1) {
            node = node.children.get(step)?;
        }
        Some(node)
    }

    /// What lies at `path`.
    pub fn has(&self, path: Path<'_>) -> ValueType {
        self.log(|| Op::Open(path.as_bytes().to_vec()));
        match self.or_outside(self.root.find_open(path), None) {
            None => ValueType::None,
            Some(n) => match (n.value.is_some(), n.has_children()) {
                (false, false) => ValueType::None,
                (true, false) => ValueType::Value,
                (false, true) => ValueType::Subtree,
                (true, true) => ValueType::ValueWithSubtree,
            },
        }
    }

    fn value_at(&self, path: Path<'_>) -> Option<&[u8]> {
        let found =
            self.root.find_open(path).and_then(|n| match n.and_then(|n| n.value.as_ref()) {
                None => Ok(None),
                Some(Value::Bytes(b)) => Ok(Some(b.as_slice())),
                Some(Value::Pruned(_)) => Err(Missing(path.as_bytes().to_vec())),
            });
        self.or_outside(found, None)
    }

    /// The whole value at `path`.
    pub fn get(&self, path: Path<'_>) -> Option<&[u8]> {
        self.log(|| Op::Value(path.as_bytes().to_vec()));
        self.value_at(path)
    }

    /// The hash of the value at `path` (`H(0x00 ‖ value)`), which a partial
    /// tree knows even where the witness leaves the value itself out.
    pub fn value_hash(&self, path: Path<'_>) -> Option<Hash> {
        self.log(|| Op::Open(path.as_bytes().to_vec()));
        let found = self.root.find_open(path);
        self.or_outside(found, None)?.value.as_ref().map(Value::hash)
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

    fn change<R>(
        &mut self,
        path: Path<'_>,
        create: bool,
        open: bool,
        f: impl FnOnce(&mut Node) -> R,
    ) -> Option<R> {
        let r = self.root.update(&steps_of(path), create, open, f);
        self.or_outside(r, None)
    }

    /// Writes `bytes` at `offset` into the value at `path`, creating it when
    /// `offset` is 0. The value grows when the write passes its end.
    pub fn write(&mut self, path: Path<'_>, offset: usize, bytes: &[u8]) -> Result<(), HostError> {
        self.log(|| Op::Write(path.as_bytes().to_vec(), offset, bytes.to_vec()));
        let current = self.value_at(path).map_or(0, <[u8]>::len);
        if offset > current {
            return Err(HostError::InvalidAccess);
        }
        let end = value_end(offset, bytes.len())?;
        self.touch(path);
        self.journal_value(path);
        self.change(path, true, true, |node| {
            let value = node.value.get_or_insert_with(|| Value::Bytes(Vec::new()));
            // A pruned value was reported missing by `value_at` above.
            if let Value::Bytes(value) = value {
                if end > value.len() {
                    value.resize(end, 0);
                }
                value[offset..end].copy_from_slice(bytes);
            }
        });
        Ok(())
    }

    /// Replaces the whole value at `path`.
    pub fn set(&mut self, path: Path<'_>, value: Vec<u8>) -> Result<(), HostError> {
        if value.len() > MAX_VALUE_SIZE {
            return Err(HostError::ValueSizeExceeded);
        }
        self.log(|| Op::Set(path.as_bytes().to_vec(), value.clone()));
        self.touch(path);
        self.journal_value(path);
        self.change(path, true, true, |node| node.value = Some(Value::Bytes(value)));
        Ok(())
    }

    /// Removes the value at `path` and everything below it. Removing nothing is
    /// not an error.
    pub fn delete(&mut self, path: Path<'_>) {
        self.log(|| Op::Delete(path.as_bytes().to_vec()));
        self.touch(path);
        let old = self.change(path, false, false, core::mem::take);
        self.journal_subtree(path, old);
    }

    /// Removes the value at `path`, keeping what lies below it.
    pub fn delete_value(&mut self, path: Path<'_>) {
        self.log(|| Op::DeleteValue(path.as_bytes().to_vec()));
        self.touch(path);
        self.journal_value(path);
        self.change(path, false, true, |node| node.value = None);
    }

    /// The number of children of `path`, counting its own value as one, as the
    /// PVM does (it stores a value as the child `@`).
    pub fn list_size(&self, path: Path<'_>) -> Result<u64, HostError> {
        self.log(|| Op::Open(path.as_bytes().to_vec()));
        let node = self.or_outside(self.root.find_open(path), None).ok_or(HostError::NotANode)?;
        Ok(node.child_count() + u64::from(node.value.is_some()))
    }

    /// The name of the `index`-th child of `path` in byte order (the value, if
    /// any, is not a child here).
    pub fn child_name(&self, path: Path<'_>, index: usize) -> Option<&[u8]> {
        self.log(|| Op::Children(path.as_bytes().to_vec()));
        let found = self.root.find_open(path).and_then(|n| match n {
            Some(n) if n.hidden > 0 => Err(Missing(path.as_bytes().to_vec())),
            n => Ok(n),
        });
        self.or_outside(found, None)?.children.keys().nth(index).map(|k| &**k)
    }

    /// Copies the value and subtree at `from` over whatever is at `to`.
    pub fn copy(&mut self, from: Path<'_>, to: Path<'_>) -> Result<(), HostError> {
        self.log(|| Op::Copy(from.as_bytes().to_vec(), to.as_bytes().to_vec()));
        let found = self.or_outside(self.root.find(from), None);
        let node = found.ok_or(HostError::NotANode)?.clone();
        self.touch(to);
        let old = self.change(to, true, false, |dst| core::mem::replace(dst, node));
        self.journal_subtree(to, old);
        Ok(())
    }

    /// Moves the value and subtree at `from` over whatever is at `to`.
    pub fn move_to(&mut self, from: Path<'_>, to: Path<'_>) -> Result<(), HostError> {
        self.log(|| Op::Move(from.as_bytes().to_vec(), to.as_bytes().to_vec()));
        if from == to {
            let found = self.or_outside(self.root.find(from), None);
            return found.map(|_| ()).ok_or(HostError::NotANode);
        }
        let node = self.change(from, false, false, core::mem::take).ok_or(HostError::NotANode)?;
        self.touch(from);
        self.touch(to);
        self.journal_subtree(from, Some(node.clone()));
        let old = self.change(to, true, false, |dst| core::mem::replace(dst, node));
        self.journal_subtree(to, old);
        Ok(())
    }

    /// Starts recording changes so [`Durable::rollback`] can undo them; the
    /// PVM's rollback of a failed `kernel_run` costs what the call changed,
    /// not the size of the storage. Checkpoints nest: the runner opens one
    /// around a whole level (undone if the level must stop, see
    /// `pvm::level`) and the control flow one around each call in it.
    pub fn checkpoint(&mut self) {
        self.log(|| Op::Checkpoint);
        self.journals.push(Journal::default());
    }

    /// Keeps the changes since the innermost [`Durable::checkpoint`]; an
    /// enclosing checkpoint can still undo them.
    pub fn commit(&mut self) {
        self.log(|| Op::Commit);
        if let Some(inner) = self.journals.pop()
            && let Some(outer) = self.journals.last_mut()
        {
            outer.undo.extend(inner.undo);
            outer.valued.extend(inner.valued);
        }
    }

    /// Undoes every change since the innermost [`Durable::checkpoint`].
    pub fn rollback(&mut self) {
        self.log(|| Op::Rollback);
        let Some(journal) = self.journals.pop() else { return };
        for undo in journal.undo.into_iter().rev() {
            match undo {
                Undo::Value(path, old) => {
                    let Ok(p) = Path::new(&path) else { continue };
                    self.change(p, true, true, |n| n.value = old);
                }
                Undo::Subtree(path, old) => {
                    let Ok(p) = Path::new(&path) else { continue };
                    let old = old.map(|b| *b).unwrap_or_default();
                    self.change(p, true, false, |n| *n = old);
                }
            }
        }
    }

    fn journal_value(&mut self, path: Path<'_>) {
        match self.journals.last() {
            Some(j) if !j.valued.contains(path.as_bytes()) => {}
            _ => return,
        }
        let found = self.root.find_open(path);
        let old = self.or_outside(found, None).and_then(|n| n.value.clone());
        if let Some(j) = self.journals.last_mut() {
            j.undo.push(Undo::Value(path.as_bytes().to_vec(), old));
            j.valued.insert(path.as_bytes().to_vec());
        }
    }

    fn journal_subtree(&mut self, path: Path<'_>, old: Option<Node>) {
        if let Some(j) = self.journals.last_mut() {
            let old = old.filter(|n| !n.is_empty()).map(Box::new);
            j.undo.push(Undo::Subtree(path.as_bytes().to_vec(), old));
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
    ///
    /// For a partial tree, use [`Durable::try_root`]: this one cannot say
    /// that the root it returns is not the state's.
    pub fn root(&mut self) -> Hash {
        let r = self.root_with(&mut NoFill);
        self.or_outside(r, [0; 32])
    }

    pub(crate) fn root_with(&mut self, fill: &mut dyn Fill) -> Result<Hash, Missing> {
        self.root.hash(&mut Vec::new(), fill)
    }

    /// The root, unless this tree was asked for something outside its
    /// witness (then no root it could give is known to be right).
    pub fn try_root(&mut self) -> Result<Hash, OutsideWitness> {
        let root = self.root();
        match self.outside_witness() {
            Some(p) => Err(OutsideWitness(p.to_vec())),
            None => Ok(root),
        }
    }

    /// Calls `f(path, value)` for every value at or below `prefix` (the whole
    /// storage when `prefix` is `None`), in path order.
    pub fn for_each_value(&self, prefix: Option<Path<'_>>, f: &mut dyn FnMut(&[u8], &[u8])) {
        self.log(|| Op::Everything(prefix.map(|p| p.as_bytes().to_vec())));
        let mut buf = Vec::new();
        let node = match prefix {
            None => Ok(Some(&self.root)),
            Some(p) => {
                buf.extend_from_slice(p.as_bytes());
                self.root.find(p)
            }
        };
        let walked = node.and_then(|n| n.map_or(Ok(()), |n| n.for_each_value(&mut buf, f)));
        self.or_outside(walked, ());
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
    fn a_value_written_piece_by_piece_is_kept_once_and_rolls_back() {
        let mut d = Durable::new();
        d.set(p("/big"), b"old".to_vec()).unwrap();
        d.set(p("/dir/x"), b"x".to_vec()).unwrap();
        let before = d.values();
        d.checkpoint();
        for i in 0..100usize {
            d.write(p("/big"), i * 2048, &[7; 2048]).unwrap();
        }
        assert_eq!(d.journals[0].undo.len(), 1, "the old value is copied once");
        // Changes of a subtree between writes of a path under it.
        d.write(p("/dir/x"), 0, b"1").unwrap();
        d.delete(p("/dir"));
        d.write(p("/dir/x"), 0, b"2").unwrap();
        d.move_to(p("/dir"), p("/moved")).unwrap();
        d.write(p("/dir/x"), 0, b"3").unwrap();
        d.rollback();
        assert_eq!(d.values(), before);
    }

    #[test]
    fn an_enclosing_checkpoint_undoes_what_inner_ones_kept() {
        let mut d = Durable::new();
        d.set(p("/a"), b"0".to_vec()).unwrap();
        let before = d.values();
        d.checkpoint(); // the level
        d.checkpoint(); // a run that keeps its writes
        d.set(p("/a"), b"1".to_vec()).unwrap();
        d.set(p("/b"), b"1".to_vec()).unwrap();
        d.commit();
        d.checkpoint(); // a run that fails
        d.delete(p("/a"));
        d.rollback();
        assert_eq!(d.get(p("/a")), Some(&b"1"[..]), "the failed run alone is undone");
        d.set(p("/stuck"), b"trap".to_vec()).unwrap();
        d.rollback();
        assert_eq!(d.values(), before, "the whole level is undone");
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
