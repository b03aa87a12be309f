//! What a level added, changed and deleted in durable storage.
//!
//! Durable storage tells which subtrees changed since it was last asked
//! ([`Durable::take_touched`], the same list the runner's redb store
//! rewrites after each level); a copy of the values as they were before the
//! level answers what those subtrees held. Only the touched subtrees are
//! compared, so a level costs what it changed, not the size of the state.

use std::collections::BTreeMap;

use host::{Durable, Path};
use serde::Serialize;

/// The values of durable storage as they were at the end of the last level.
#[derive(Debug, Clone, Default)]
pub struct Shadow {
    values: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// How one path changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A value where there was none.
    Added,
    /// Another value.
    Changed,
    /// No value any more.
    Deleted,
}

/// One path's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The path.
    pub path: Vec<u8>,
    /// Its value before the level.
    pub before: Option<Vec<u8>>,
    /// Its value after the level.
    pub after: Option<Vec<u8>>,
}

impl Change {
    /// Added, changed or deleted.
    pub fn kind(&self) -> ChangeKind {
        match (&self.before, &self.after) {
            (None, _) => ChangeKind::Added,
            (Some(_), Some(_)) => ChangeKind::Changed,
            (Some(_), None) => ChangeKind::Deleted,
        }
    }
}

/// Whether `path` is `prefix` or lies below it.
fn covered(path: &[u8], prefix: &[u8]) -> bool {
    path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest[0] == b'/')
}

impl Shadow {
    /// A copy of every value of `durable`; forgets what `durable` had
    /// marked as touched, which this copy already holds.
    pub fn of(durable: &mut Durable) -> Self {
        durable.take_touched();
        Self { values: durable.values().into_iter().collect() }
    }

    /// The changes since the last call (or [`Shadow::of`]), in path order;
    /// the copy is brought up to date.
    pub fn advance(&mut self, durable: &mut Durable) -> Vec<Change> {
        let mut changes: BTreeMap<Vec<u8>, Change> = BTreeMap::new();
        for prefix in durable.take_touched() {
            let mut now: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
            if let Ok(p) = Path::new(&prefix) {
                durable.for_each_value(Some(p), &mut |p, v| {
                    now.insert(p.to_vec(), v.to_vec());
                });
            }
            let before: Vec<Vec<u8>> = self
                .values
                .range(prefix.clone()..)
                .map(|(k, _)| k)
                .take_while(|k| k.starts_with(&prefix))
                .filter(|k| covered(k, &prefix))
                .cloned()
                .collect();
            for path in before {
                if !now.contains_key(&path)
                    && let Some(old) = self.values.remove(&path)
                {
                    changes
                        .entry(path.clone())
                        .or_insert(Change { path, before: Some(old), after: None })
                        .after = None;
                }
            }
            for (path, value) in now {
                let old = self.values.insert(path.clone(), value.clone());
                if old.as_ref() == Some(&value) {
                    continue;
                }
                changes
                    .entry(path.clone())
                    .or_insert(Change { path, before: old, after: None })
                    .after = Some(value);
            }
        }
        // A path set and then put back as it was is no change.
        changes.into_values().filter(|c| c.before != c.after).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::set;

    #[test]
    fn added_changed_and_deleted_values_are_told_apart() {
        let mut d = Durable::new();
        set(&mut d, "/a/x", b"1");
        set(&mut d, "/a/y", b"2");
        set(&mut d, "/b", b"3");
        let mut shadow = Shadow::of(&mut d);
        assert!(shadow.advance(&mut d).is_empty(), "nothing changed since the copy");

        set(&mut d, "/a/x", b"10");
        d.delete(Path::new(b"/a/y").unwrap());
        set(&mut d, "/c/z", b"4");
        set(&mut d, "/b", b"3"); // written again, same value
        let changes = shadow.advance(&mut d);
        let summary: Vec<(&[u8], ChangeKind)> =
            changes.iter().map(|c| (c.path.as_slice(), c.kind())).collect();
        assert_eq!(
            summary,
            [
                (&b"/a/x"[..], ChangeKind::Changed),
                (&b"/a/y"[..], ChangeKind::Deleted),
                (&b"/c/z"[..], ChangeKind::Added),
            ]
        );
        assert_eq!(changes[0].before.as_deref(), Some(&b"1"[..]));
        assert_eq!(changes[0].after.as_deref(), Some(&b"10"[..]));

        // The copy moved on: the next level starts from these values.
        d.delete(Path::new(b"/a").unwrap());
        let changes = shadow.advance(&mut d);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, b"/a/x");
        assert_eq!(changes[0].before.as_deref(), Some(&b"10"[..]));
    }

    #[test]
    fn a_sibling_sharing_a_prefix_is_not_inside_the_subtree() {
        let mut d = Durable::new();
        set(&mut d, "/ab", b"1");
        set(&mut d, "/a/x", b"2");
        let mut shadow = Shadow::of(&mut d);
        d.delete(Path::new(b"/a").unwrap());
        let changes = shadow.advance(&mut d);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].path, b"/a/x");
    }
}
