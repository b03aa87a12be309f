//! Property tests of the state commitment: the root is a function of the
//! stored contents only.

#![allow(clippy::unwrap_used, reason = "a property test fails loudly on a broken set-up")]

use host::{Durable, Path};
use proptest::prelude::*;

fn path_strategy() -> impl Strategy<Value = Vec<u8>> {
    // Few distinct steps so paths share prefixes and nest.
    prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "d0", "x.y", "e-f"]), 1..4)
        .prop_map(|steps| {
            steps.iter().flat_map(|s| [b"/".as_slice(), s.as_bytes()].concat()).collect()
        })
}

fn writes() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>)>> {
    prop::collection::vec((path_strategy(), prop::collection::vec(any::<u8>(), 0..40)), 0..40)
}

/// The final contents of a sequence of whole-value writes: the last write to each path wins.
fn contents(ws: &[(Vec<u8>, Vec<u8>)]) -> std::collections::BTreeMap<Vec<u8>, Vec<u8>> {
    ws.iter().cloned().collect()
}

proptest! {
    #[test]
    fn root_depends_only_on_contents_not_write_order(ws in writes(), seed in any::<u64>()) {
        let mut a = Durable::new();
        for (p, v) in &ws {
            a.set(Path::new(p).unwrap(), v.clone()).unwrap();
            // interleave root computations so cached hashes are exercised
            if v.len() % 3 == 0 { a.root(); }
        }
        // the same contents written once each, in a shuffled order
        let mut final_pairs: Vec<_> = contents(&ws).into_iter().collect();
        let n = final_pairs.len();
        if n > 1 {
            let mut s = seed;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                final_pairs.swap(i, (s >> 33) as usize % (i + 1));
            }
        }
        let mut b = Durable::new();
        for (p, v) in &final_pairs {
            b.set(Path::new(p).unwrap(), v.clone()).unwrap();
        }
        prop_assert_eq!(a.root(), b.root());
        prop_assert_eq!(a.values(), b.values());
    }

    #[test]
    fn deleting_what_was_written_restores_the_root(base in writes(), extra in writes()) {
        let mut d = Durable::new();
        for (p, v) in &base {
            d.set(Path::new(p).unwrap(), v.clone()).unwrap();
        }
        let before = d.root();
        let existing: std::collections::BTreeSet<_> = contents(&base).into_keys().collect();
        let mut added = Vec::new();
        for (p, v) in &extra {
            if existing.iter().any(|e| e.starts_with(p) || p.starts_with(e)) {
                continue; // only fresh paths, unrelated to the base, so deleting them undoes them
            }
            d.set(Path::new(p).unwrap(), v.clone()).unwrap();
            added.push(p.clone());
        }
        d.root();
        for p in added.iter().rev() {
            d.delete(Path::new(p).unwrap());
        }
        prop_assert_eq!(d.root(), before);
    }

    #[test]
    fn chunked_writes_equal_one_whole_write(value in prop::collection::vec(any::<u8>(), 0..6000)) {
        let p = Path::new(b"/big/value").unwrap();
        let mut chunked = Durable::new();
        if value.is_empty() {
            chunked.write(p, 0, &[]).unwrap();
        }
        for (i, chunk) in value.chunks(2048).enumerate() {
            chunked.write(p, i * 2048, chunk).unwrap();
        }
        let mut whole = Durable::new();
        whole.set(p, value.clone()).unwrap();
        prop_assert_eq!(chunked.root(), whole.root());
    }
}

#[derive(Debug, Clone)]
enum Op {
    Set(Vec<u8>, Vec<u8>),
    Write(Vec<u8>, usize, Vec<u8>),
    Delete(Vec<u8>),
    DeleteValue(Vec<u8>),
    Copy(Vec<u8>, Vec<u8>),
    Move(Vec<u8>, Vec<u8>),
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let value = || prop::collection::vec(any::<u8>(), 0..20);
    let op = prop_oneof![
        (path_strategy(), value()).prop_map(|(p, v)| Op::Set(p, v)),
        (path_strategy(), 0usize..25, value()).prop_map(|(p, o, v)| Op::Write(p, o, v)),
        path_strategy().prop_map(Op::Delete),
        path_strategy().prop_map(Op::DeleteValue),
        (path_strategy(), path_strategy()).prop_map(|(a, b)| Op::Copy(a, b)),
        (path_strategy(), path_strategy()).prop_map(|(a, b)| Op::Move(a, b)),
    ];
    prop::collection::vec(op, 0..30)
}

fn apply(d: &mut Durable, op: &Op) {
    fn p(b: &[u8]) -> Path<'_> {
        Path::new(b).unwrap()
    }
    // Errors (a write past the end, a copy of nothing) change nothing.
    let _ = match op {
        Op::Set(a, v) => d.set(p(a), v.clone()),
        Op::Write(a, o, v) => d.write(p(a), *o, v),
        Op::Delete(a) => {
            d.delete(p(a));
            Ok(())
        }
        Op::DeleteValue(a) => {
            d.delete_value(p(a));
            Ok(())
        }
        Op::Copy(a, b) => d.copy(p(a), p(b)),
        Op::Move(a, b) => d.move_to(p(a), p(b)),
    };
}

proptest! {
    #[test]
    fn rollback_restores_contents_and_root(base in writes(), changes in ops()) {
        let mut d = Durable::new();
        for (p, v) in &base {
            d.set(Path::new(p).unwrap(), v.clone()).unwrap();
        }
        let root = d.root();
        let values = d.values();
        d.checkpoint();
        for op in &changes {
            apply(&mut d, op);
        }
        d.rollback();
        prop_assert_eq!(d.values(), values);
        prop_assert_eq!(d.root(), root);
    }

    #[test]
    fn any_history_hashes_like_its_final_contents(changes in ops()) {
        let mut d = Durable::new();
        for op in &changes {
            apply(&mut d, op);
            d.root();
        }
        let mut fresh = Durable::new();
        for (p, v) in d.values() {
            fresh.set(Path::new(&p).unwrap(), v).unwrap();
        }
        prop_assert_eq!(d.root(), fresh.root());
    }
}
