//! The binary form of a partial tree (see the format in [`super`]).

use alloc::{boxed::Box, collections::BTreeMap, collections::BTreeSet, vec::Vec};

use crate::{
    Durable,
    index::{ChildIndex, Slot},
    path::MAX_PATH_LEN,
    tree::{Node, Value},
};

use super::WitnessError;

/// Node tags.
const NODE_PRUNED: u8 = 0;
const NODE_OPEN: u8 = 1;
/// Value tags.
const VALUE_NONE: u8 = 0;
const VALUE_HASH: u8 = 1;
const VALUE_BYTES: u8 = 2;
/// Slot tags.
const SLOT_EMPTY: u8 = 0;
const SLOT_PRUNED: u8 = 1;
const SLOT_LEAF: u8 = 2;
const SLOT_BRANCH: u8 = 3;

/// A key is 32 bytes: 64 nibbles, so no branch lies deeper.
const MAX_SLOT_DEPTH: usize = 64;
/// Every step is at least one byte plus its slash.
const MAX_NODE_DEPTH: usize = MAX_PATH_LEN / 2;

/// What of the pre-state a witness opens, by location in the pre-state.
#[derive(Debug, Default)]
pub(crate) struct Opened {
    /// Nodes whose value kind, child count and index are shown.
    pub(crate) nodes: BTreeSet<Vec<u8>>,
    /// Values shown in full.
    pub(crate) values: BTreeSet<Vec<u8>>,
    /// Index slots shown one level deep: (node path, nibbles).
    pub(crate) slots: BTreeSet<(Vec<u8>, Vec<u8>)>,
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Writes `bytes` with a varint length in front.
pub(crate) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Encodes the part of the full tree `pre` that `opened` names.
pub(crate) fn encode_tree(out: &mut Vec<u8>, pre: &Durable, opened: &Opened) {
    encode_node(out, &pre.root, &mut Vec::new(), opened);
}

fn encode_node(out: &mut Vec<u8>, node: &Node, path: &mut Vec<u8>, opened: &Opened) {
    if !opened.nodes.contains(path.as_slice()) {
        out.push(NODE_PRUNED);
        out.extend_from_slice(&node.hash.unwrap_or_default());
        return;
    }
    out.push(NODE_OPEN);
    match &node.value {
        None => out.push(VALUE_NONE),
        Some(Value::Bytes(b)) if opened.values.contains(path.as_slice()) => {
            out.push(VALUE_BYTES);
            put_bytes(out, b);
        }
        Some(v) => {
            out.push(VALUE_HASH);
            out.extend_from_slice(&v.hash());
        }
    }
    put_varint(out, node.child_count());
    encode_slot(out, node.index.root.as_ref(), node, path, &mut Vec::new(), opened);
}

fn encode_slot(
    out: &mut Vec<u8>,
    slot: Option<&Slot>,
    node: &Node,
    path: &mut Vec<u8>,
    prefix: &mut Vec<u8>,
    opened: &Opened,
) {
    let Some(slot) = slot else {
        out.push(SLOT_EMPTY);
        return;
    };
    if !opened.slots.contains(&(path.clone(), prefix.clone())) {
        out.push(SLOT_PRUNED);
        out.extend_from_slice(&slot.cached_hash().unwrap_or_default());
        return;
    }
    match slot {
        Slot::Leaf { name, .. } => {
            out.push(SLOT_LEAF);
            out.push(name.len() as u8);
            out.extend_from_slice(name);
            let len = path.len();
            path.push(b'/');
            path.extend_from_slice(name);
            match node.children.get(name) {
                Some(child) => encode_node(out, child, path, opened),
                None => {
                    // A full tree has every child of its index.
                    out.push(NODE_PRUNED);
                    out.extend_from_slice(&[0; 32]);
                }
            }
            path.truncate(len);
        }
        Slot::Branch { slots, .. } => {
            out.push(SLOT_BRANCH);
            let bitmap = slots
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_some())
                .fold(0u16, |b, (i, _)| b | 1 << i);
            out.extend_from_slice(&bitmap.to_be_bytes());
            for (i, s) in slots.iter().enumerate() {
                if s.is_some() {
                    prefix.push(i as u8);
                    encode_slot(out, s.as_ref(), node, path, prefix, opened);
                    prefix.pop();
                }
            }
        }
        Slot::Pruned { hash } => {
            out.push(SLOT_PRUNED);
            out.extend_from_slice(hash);
        }
    }
}

/// Reads a witness's bytes in order.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], WitnessError> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or(WitnessError::Truncated(self.at))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    pub(crate) fn byte(&mut self) -> Result<u8, WitnessError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], WitnessError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(crate) fn varint(&mut self) -> Result<u64, WitnessError> {
        let start = self.at;
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(WitnessError::Malformed(start, "varint longer than 64 bits"))
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], WitnessError> {
        let at = self.at;
        let n = usize::try_from(self.varint()?).map_err(|_| WitnessError::Truncated(at))?;
        self.take(n)
    }

    pub(crate) fn position(&self) -> usize {
        self.at
    }

    pub(crate) fn is_at_end(&self) -> bool {
        self.at == self.bytes.len()
    }
}

/// Decodes a partial tree, hashing it on the way.
pub(crate) fn decode_tree(r: &mut Reader<'_>) -> Result<Durable, WitnessError> {
    let root = decode_node(r, 0)?;
    Ok(Durable::from_root(root))
}

fn decode_node(r: &mut Reader<'_>, depth: usize) -> Result<Node, WitnessError> {
    if depth > MAX_NODE_DEPTH {
        return Err(WitnessError::Malformed(r.position(), "nodes nested deeper than a path"));
    }
    let at = r.position();
    match r.byte()? {
        NODE_PRUNED => Ok(Node::pruned(r.array()?)),
        NODE_OPEN => {
            let value = match r.byte()? {
                VALUE_NONE => None,
                VALUE_HASH => Some(Value::Pruned(r.array()?)),
                VALUE_BYTES => Some(Value::Bytes(r.bytes()?.to_vec())),
                _ => return Err(WitnessError::Malformed(at, "unknown value tag")),
            };
            let count = r.varint()?;
            let mut children = BTreeMap::new();
            let root = decode_slot(r, depth, 0, &mut children)?;
            let shown = children.len() as u64;
            let hidden = count
                .checked_sub(shown)
                .ok_or(WitnessError::Malformed(at, "more children shown than the node has"))?;
            let mut node =
                Node { value, children, hidden, index: ChildIndex { root }, ..Node::default() };
            let h = node.header_hash();
            node.hash = Some(h);
            Ok(node)
        }
        _ => Err(WitnessError::Malformed(at, "unknown node tag")),
    }
}

fn decode_slot(
    r: &mut Reader<'_>,
    node_depth: usize,
    depth: usize,
    children: &mut BTreeMap<Box<[u8]>, Node>,
) -> Result<Option<Slot>, WitnessError> {
    let at = r.position();
    match r.byte()? {
        SLOT_EMPTY if depth == 0 => Ok(None),
        SLOT_PRUNED => Ok(Some(Slot::Pruned { hash: r.array::<32>()? })),
        SLOT_LEAF => {
            let len = usize::from(r.byte()?);
            let name = r.take(len)?;
            let valid = crate::Path::new(&[b"/", name].concat()).is_ok() && !name.contains(&b'/');
            if !valid {
                return Err(WitnessError::Malformed(at, "a child name that is not a path step"));
            }
            let mut child = decode_node(r, node_depth + 1)?;
            let child_hash = child.hash.unwrap_or_else(|| child.header_hash());
            if children.insert(name.into(), child).is_some() {
                return Err(WitnessError::Malformed(at, "a child shown twice"));
            }
            Ok(Some(Slot::leaf(name, &child_hash)))
        }
        SLOT_BRANCH if depth < MAX_SLOT_DEPTH => {
            let bitmap = u16::from_be_bytes(r.array()?);
            let mut slots: Box<[Option<Slot>; 16]> = Box::default();
            for (i, slot) in slots.iter_mut().enumerate() {
                if bitmap & (1 << i) != 0 {
                    let s = decode_slot(r, node_depth, depth + 1, children)?;
                    *slot =
                        Some(s.ok_or(WitnessError::Malformed(at, "an empty slot in a branch"))?);
                }
            }
            Ok(Some(Slot::branch(slots)))
        }
        _ => Err(WitnessError::Malformed(at, "unknown or misplaced slot tag")),
    }
}
