//! Recording what a level's replay needs of the pre-state.
//!
//! While the level runs, durable storage logs every operation (reads
//! included). Afterwards the recorder replays that log on a partial tree
//! that starts as the pre-state root alone, and before each operation
//! opens, from a copy of the pre-state, exactly what the operation will
//! look at: the nodes on its path, the index slots that decide whether a
//! child exists, the values it reads. The replay runs the same tree code a
//! replay from the witness runs, so what it opened is what that replay
//! needs; the recorder checks it by comparing the partial tree's root at
//! the end with the real one.
//!
//! A `store_copy` or `store_move` opens its whole source subtree: the copy
//! lands at another path, and everything a later operation reads there must
//! already be in the witness.

use alloc::vec::Vec;

use crate::{
    Durable, Path,
    hash::Hash,
    index::{self, Slot},
    tree::{Fill, Node, Op, Value},
};

use super::{WitnessError, codec::Opened};

/// What an operation needs at the end of its path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Whether the node exists (a delete, the target of a copy).
    Presence,
    /// The node's value kind, child count and index.
    Open,
    /// Its value's bytes.
    Value,
    /// Every child's name.
    Children,
    /// Everything below it.
    Everything,
}

/// Records the witness of one level: create it before the level runs,
/// [`Recorder::finish`] it after.
#[derive(Debug)]
pub struct Recorder {
    pre: Durable,
    pre_root: Hash,
}

impl Recorder {
    /// Starts recording on `durable`: keeps a copy of it as the pre-state and
    /// turns its operation log on.
    pub fn start(durable: &mut Durable) -> Self {
        let pre_root = durable.root();
        let pre = durable.clone();
        durable.start_log();
        Self { pre, pre_root }
    }

    /// The root of the pre-state.
    pub fn pre_root(&self) -> Hash {
        self.pre_root
    }

    /// Stops recording without a witness (the level it recorded did not
    /// happen: the runner undid it).
    pub fn abandon(self, durable: &mut Durable) {
        durable.take_log();
    }

    /// Stops recording and returns the encoded partial tree: the pre-state
    /// as the level's replay needs it. Fails when replaying the log on that
    /// tree does not reach `durable`'s root, which would be a bug here.
    pub fn finish(self, durable: &mut Durable) -> Result<Vec<u8>, WitnessError> {
        let ops = durable.take_log();
        let post_root = durable.root();
        let mut open = Opener { pre: &self.pre, opened: Opened::default() };
        let mut partial = Durable::from_root(Node::pruned(self.pre_root));
        for op in ops {
            open.prepare(&mut partial.root, &op);
            apply(&mut partial, op);
        }
        let root = partial.root_with(&mut open);
        let inconsistent = |what: &str| WitnessError::Inconsistent(what.into());
        if let Some(p) = partial.outside_witness() {
            let p = alloc::string::String::from_utf8_lossy(p);
            return Err(inconsistent(&alloc::format!("the replay read {p} outside the witness")));
        }
        match root {
            Ok(r) if r == post_root => {}
            Ok(_) => return Err(inconsistent("the replay reached another root")),
            Err(_) => return Err(inconsistent("the replay's root needs more than the witness")),
        }
        let mut out = Vec::new();
        super::codec::encode_tree(&mut out, &self.pre, &open.opened);
        Ok(out)
    }
}

/// Applies one logged operation to the partial tree. Results are those
/// of the run that was logged, so they are not needed here; a replay that
/// goes wrong shows in the final root.
fn apply(d: &mut Durable, op: Op) {
    // Logged paths were valid when logged.
    fn at(p: &[u8], f: impl FnOnce(Path<'_>)) {
        if let Ok(p) = Path::new(p) {
            f(p);
        }
    }
    fn both(a: &[u8], b: &[u8], f: impl FnOnce(Path<'_>, Path<'_>)) {
        if let (Ok(a), Ok(b)) = (Path::new(a), Path::new(b)) {
            f(a, b);
        }
    }
    match op {
        Op::Open(_) | Op::Value(_) | Op::Children(_) | Op::Everything(_) => {}
        Op::Write(p, offset, bytes) => at(&p, |p| {
            let _ = d.write(p, offset, &bytes);
        }),
        Op::Set(p, v) => at(&p, |p| {
            let _ = d.set(p, v);
        }),
        Op::Delete(p) => at(&p, |p| d.delete(p)),
        Op::DeleteValue(p) => at(&p, |p| d.delete_value(p)),
        Op::Copy(from, to) => both(&from, &to, |f, t| {
            let _ = d.copy(f, t);
        }),
        Op::Move(from, to) => both(&from, &to, |f, t| {
            let _ = d.move_to(f, t);
        }),
        Op::Checkpoint => d.checkpoint(),
        Op::Commit => d.commit(),
        Op::Rollback => d.rollback(),
    }
}

/// Opens parts of the partial tree from the pre-state, noting each.
struct Opener<'a> {
    pre: &'a Durable,
    opened: Opened,
}

impl Fill for Opener<'_> {
    fn slot(&mut self, path: &[u8], prefix: &[u8]) -> Option<Slot> {
        let slot = self.pre.node_at(path)?.index.slot_at(prefix)?.one_level()?;
        self.opened.slots.insert((path.to_vec(), prefix.to_vec()));
        Some(slot)
    }
}

impl Opener<'_> {
    fn prepare(&mut self, root: &mut Node, op: &Op) {
        match op {
            Op::Open(p) | Op::DeleteValue(p) | Op::Set(p, _) => self.reach(root, p, Need::Open),
            Op::Value(p) | Op::Write(p, _, _) => self.reach(root, p, Need::Value),
            Op::Children(p) => self.reach(root, p, Need::Children),
            Op::Everything(p) => self.reach(root, p.as_deref().unwrap_or(b""), Need::Everything),
            Op::Delete(p) => self.reach(root, p, Need::Presence),
            Op::Copy(from, to) | Op::Move(from, to) => {
                self.reach(root, from, Need::Everything);
                self.reach(root, to, Need::Presence);
            }
            Op::Checkpoint | Op::Commit | Op::Rollback => {}
        }
    }

    /// Opens what an operation at `path` with `need` looks at.
    fn reach(&mut self, root: &mut Node, path: &[u8], need: Need) {
        let mut node = root;
        let mut here = Vec::with_capacity(path.len());
        let steps: Vec<&[u8]> = path.split(|b| *b == b'/').skip(1).collect();
        for step in steps {
            self.open_node(node, &here);
            self.decide(node, &here, step);
            here.push(b'/');
            here.extend_from_slice(step);
            match node.children.get_mut(step) {
                Some(child) => node = child,
                None => return,
            }
        }
        match need {
            Need::Presence => {}
            Need::Open => self.open_node(node, &here),
            Need::Value => {
                self.open_node(node, &here);
                self.open_value(node, &here);
            }
            Need::Children => {
                self.open_node(node, &here);
                self.open_index(node, &here);
            }
            Need::Everything => self.open_all(node, &mut here),
        }
    }

    /// Shows a pruned node's header.
    fn open_node(&mut self, node: &mut Node, path: &[u8]) {
        if !node.opaque {
            return;
        }
        let Some(src) = self.pre.node_at(path) else { return };
        node.value = src.value.as_ref().map(|v| match v {
            Value::Bytes(b) => Value::Pruned(crate::hash::value_hash(b)),
            Value::Pruned(h) => Value::Pruned(*h),
        });
        node.hidden = src.child_count();
        node.index.root = src.index.root.as_ref().and_then(|s| {
            let hash = s.cached_hash()?;
            Some(Slot::Pruned { hash })
        });
        node.opaque = false;
        self.opened.nodes.insert(path.to_vec());
    }

    fn open_value(&mut self, node: &mut Node, path: &[u8]) {
        if !matches!(node.value, Some(Value::Pruned(_))) {
            return;
        }
        if let Some(Value::Bytes(b)) = self.pre.node_at(path).and_then(|n| n.value.as_ref()) {
            node.value = Some(Value::Bytes(b.clone()));
            self.opened.values.insert(path.to_vec());
        }
    }

    /// Opens index slots along `step`'s key until the index tells whether
    /// the child exists.
    fn decide(&mut self, node: &mut Node, path: &[u8], step: &[u8]) {
        if node.children.contains_key(step) || node.hidden == 0 {
            return;
        }
        while let Err(gap) = node.index.lookup(step) {
            let prefix = index::prefix(&gap.key, gap.depth);
            if !self.open_slot(node, path, &prefix) {
                return;
            }
        }
    }

    /// Shows the slot at `prefix`; a leaf shown is a child the node learns.
    fn open_slot(&mut self, node: &mut Node, path: &[u8], prefix: &[u8]) -> bool {
        let Some(slot) = self.slot(path, prefix) else { return false };
        if let Slot::Leaf { name, child, .. } = &slot {
            node.children.insert(name.clone(), Node::pruned(*child));
            node.hidden = node.hidden.saturating_sub(1);
        }
        node.index.fill(prefix, slot);
        true
    }

    fn open_index(&mut self, node: &mut Node, path: &[u8]) {
        loop {
            let pruned = node.index.pruned();
            if pruned.is_empty() {
                return;
            }
            for prefix in pruned {
                if !self.open_slot(node, path, &prefix) {
                    return;
                }
            }
        }
    }

    fn open_all(&mut self, node: &mut Node, path: &mut Vec<u8>) {
        self.open_node(node, path);
        self.open_value(node, path);
        self.open_index(node, path);
        for (name, child) in node.children.iter_mut() {
            let len = path.len();
            path.push(b'/');
            path.extend_from_slice(name);
            self.open_all(child, path);
            path.truncate(len);
        }
    }
}
