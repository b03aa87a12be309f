//! The rollup state on disk: a redb database committed once per level.
//!
//! Tables (keys and values are bytes unless noted):
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `durable` | path | value: every durable-storage value |
//! | `meta` | name (str) | `next_level` (u32 BE), `first_level` (u32 BE, the first level run after origination; 1 when absent), `root` (32 bytes), `genesis_root` (32 bytes, the root at origination), `metadata` (24 bytes) |
//! | `levels` | level (u32) | JSON [`LevelRecord`] |
//! | `outbox` | (level, index) (u32, u32) | message |
//! | `inbox` | level (u32) | the level's messages: u32 BE count, then (u32 BE length ‖ bytes)* |
//! | `witness` | level (u32) | the level's witness (`host::witness`), when the run recorded one |
//! | `undo` | level (u32) | what the level overwrote: for each subtree it touched, the values that subtree held before (see [`Rewrite`]); kept for the last [`UNDO_LEVELS`] levels |
//!
//! A level's durable changes, its outbox, its inbox, its record and the new
//! `next_level` and `root` are written in one redb write transaction, which is
//! durable when `commit` returns. A process killed at any moment leaves either
//! the whole level or none of it. On open, storage is loaded and its Merkle
//! root recomputed and checked against `root`.
//!
//! Readers in other threads (a node's RPC server) take a [`Snapshot`]: a
//! redb read transaction, so they see exactly the last committed level —
//! never half of one — and never wait for the level being run.

use std::{path::Path as FsPath, sync::Arc};

use host::{Durable, Hash, Path, RollupMetadata};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

const DURABLE: TableDefinition<'_, &[u8], &[u8]> = TableDefinition::new("durable");
const META: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("meta");
const LEVELS: TableDefinition<'_, u32, &[u8]> = TableDefinition::new("levels");
const OUTBOX: TableDefinition<'_, (u32, u32), &[u8]> = TableDefinition::new("outbox");
const INBOX: TableDefinition<'_, u32, &[u8]> = TableDefinition::new("inbox");
const WITNESS: TableDefinition<'_, u32, &[u8]> = TableDefinition::new("witness");
const UNDO: TableDefinition<'_, u32, &[u8]> = TableDefinition::new("undo");

/// How many recent levels keep their [`Rewrite`]: the pre-state of any of them
/// can be rebuilt (a node traces their transactions). Older ones are
/// dropped as levels are committed.
pub const UNDO_LEVELS: u32 = 1024;

/// Subtrees of durable storage and every value each holds, in the order a
/// level rewrote them. A level's *undo record* holds what those subtrees
/// held before it: applied from the latest level down ([`Rewrite::apply`]),
/// undo records rebuild the storage as it was before any of the last
/// [`UNDO_LEVELS`] levels. What a level wrote (its [`LevelCommit`]'s
/// answer) is the same shape with the values after it: applied to a copy of
/// the storage before the level, it brings the copy to the level's end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewrite {
    /// (prefix, the (path, value) pairs at or below it).
    pub subtrees: Vec<(Vec<u8>, Values)>,
}

/// (path, value) pairs of durable storage.
pub type Values = Vec<(Vec<u8>, Vec<u8>)>;

impl Rewrite {
    /// Puts every subtree in place as recorded (an undo record: as it was
    /// before the level).
    pub fn apply(&self, durable: &mut Durable) -> Result<(), StateError> {
        fn path(p: &[u8]) -> Result<Path<'_>, StateError> {
            Path::new(p).map_err(|e| StateError::Corrupt(format!("undo path: {e}")))
        }
        // In reverse: a subtree rewritten after another (one nested in it)
        // recorded what the first rewrite left, so it is undone first.
        for (prefix, values) in self.subtrees.iter().rev() {
            durable.delete(path(prefix)?);
            for (p, v) in values {
                durable
                    .set(path(p)?, v.clone())
                    .map_err(|e| StateError::Corrupt(format!("undo value: {e:?}")))?;
            }
        }
        Ok(())
    }

    /// What `path` held before the level, if the level touched it: the
    /// first subtree (in the order they were rewritten) that covers it
    /// recorded the stored state before any of the level's rewrites.
    pub fn value_before(&self, path: &[u8]) -> Option<Option<Vec<u8>>> {
        let covers = |prefix: &[u8]| {
            path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest[0] == b'/')
        };
        let (_, values) = self.subtrees.iter().find(|(prefix, _)| covers(prefix))?;
        Some(values.iter().find(|(p, _)| p == path).map(|(_, v)| v.clone()))
    }

    /// As a list of tagged byte strings: `P` prefix, then `K` path and `V`
    /// value for each value below it (stored with the inbox's list encoding).
    fn encode(&self) -> Vec<u8> {
        let mut items = Vec::new();
        let tagged = |tag: u8, bytes: &[u8]| [&[tag][..], bytes].concat();
        for (prefix, values) in &self.subtrees {
            items.push(tagged(b'P', prefix));
            for (p, v) in values {
                items.push(tagged(b'K', p));
                items.push(tagged(b'V', v));
            }
        }
        encode_messages(&items)
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let mut undo = Rewrite::default();
        let mut key = None;
        for item in decode_messages(bytes)? {
            let (&tag, rest) = item.split_first()?;
            match (tag, key.take()) {
                (b'P', None) => undo.subtrees.push((rest.to_vec(), Vec::new())),
                (b'K', None) => key = Some(rest.to_vec()),
                (b'V', Some(k)) => undo.subtrees.last_mut()?.1.push((k, rest.to_vec())),
                _ => return None,
            }
        }
        key.is_none().then_some(undo)
    }
}

const NEXT_LEVEL: &str = "next_level";
const FIRST_LEVEL: &str = "first_level";
const ROOT: &str = "root";
const GENESIS_ROOT: &str = "genesis_root";
const METADATA: &str = "metadata";

/// The database file inside a state directory.
pub const DB_FILE: &str = "state.redb";

/// What is kept about each committed level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelRecord {
    /// The level.
    pub level: u32,
    /// Durable-storage root after the level (hex).
    pub state_root: String,
    /// Commitment to the level's outbox (hex), see `host::Outbox::commitment`.
    pub outbox_commitment: String,
    /// Outbox messages.
    pub outbox_messages: usize,
    /// Inbox messages in the level and read by the kernel.
    pub messages_total: usize,
    /// Inbox messages the kernel read.
    pub messages_read: usize,
    /// Ticks per `kernel_run` (0 with the fast engine).
    pub ticks: Vec<u64>,
    /// Failures, by run index.
    pub failures: Vec<(usize, String)>,
}

/// A failure of the state database.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// redb reported an error.
    #[error("state database: {0}")]
    Db(#[from] redb::Error),
    /// The directory could not be created.
    #[error("state directory: {0}")]
    Io(#[from] std::io::Error),
    /// Stored data does not decode, or its root does not match.
    #[error("state is corrupt: {0}")]
    Corrupt(String),
    /// The undo record of a level is not kept (it is older than the last
    /// [`UNDO_LEVELS`], or the state predates undo records).
    #[error("the undo record of level {0} is not kept")]
    NotKept(u32),
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StateError {
            fn from(e: $t) -> Self {
                StateError::Db(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// Everything loaded from a state database.
pub struct Loaded {
    /// Durable storage.
    pub durable: Durable,
    /// The next level to run (the first level for a new rollup).
    pub next_level: u32,
    /// The first level run after origination (1 unless chosen).
    pub first_level: u32,
    /// The rollup's metadata, if originated.
    pub metadata: Option<RollupMetadata>,
}

/// What one committed level writes.
pub struct LevelCommit<'a> {
    /// The record.
    pub record: &'a LevelRecord,
    /// Its outbox.
    pub outbox: &'a [Vec<u8>],
    /// Its inbox.
    pub inbox: &'a [Vec<u8>],
    /// The root after it.
    pub root: Hash,
    /// Its witness, if recorded.
    pub witness: Option<&'a [u8]>,
}

/// A state database (on disk, or in memory when no directory is given).
pub struct State {
    db: Arc<Database>,
}

/// A handle other threads read the committed state through (see
/// [`State::reader`]).
#[derive(Clone)]
pub struct StateReader {
    db: Arc<Database>,
}

impl StateReader {
    /// The state as of the last committed level, for as long as it is held.
    pub fn snapshot(&self) -> Result<Snapshot, StateError> {
        Ok(Snapshot { tx: self.db.begin_read()? })
    }
}

/// One consistent view of the committed state: every read sees the same
/// level, whatever is committed meanwhile.
pub struct Snapshot {
    tx: redb::ReadTransaction,
}

impl Snapshot {
    /// The durable-storage value at `path`, if any.
    pub fn durable(&self, path: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.tx.open_table(DURABLE)?.get(path)?.map(|v| v.value().to_vec()))
    }

    /// The level the next run would commit (the first level before any).
    pub fn next_level(&self) -> Result<u32, StateError> {
        self.meta_u32(NEXT_LEVEL).and_then(|n| n.map_or_else(|| self.first_level(), Ok))
    }

    /// The first level run after origination (1 unless it was chosen).
    pub fn first_level(&self) -> Result<u32, StateError> {
        Ok(self.meta_u32(FIRST_LEVEL)?.unwrap_or(1))
    }

    fn meta_u32(&self, key: &str) -> Result<Option<u32>, StateError> {
        let Some(b) = self.tx.open_table(META)?.get(key)? else { return Ok(None) };
        let bytes = b.value().try_into().map_err(|_| StateError::Corrupt(key.into()))?;
        Ok(Some(u32::from_be_bytes(bytes)))
    }

    /// The record of `level`, if committed.
    pub fn level(&self, level: u32) -> Result<Option<LevelRecord>, StateError> {
        let Some(v) = self.tx.open_table(LEVELS)?.get(level)? else { return Ok(None) };
        serde_json::from_slice(v.value())
            .map(Some)
            .map_err(|e| StateError::Corrupt(format!("level record {level}: {e}")))
    }

    /// The outbox of `level`.
    pub fn outbox(&self, level: u32) -> Result<Vec<Vec<u8>>, StateError> {
        let table = self.tx.open_table(OUTBOX)?;
        let mut out = Vec::new();
        for entry in table.range((level, 0)..=(level, u32::MAX))? {
            out.push(entry?.1.value().to_vec());
        }
        Ok(out)
    }

    /// The inbox of `level`, as committed.
    pub fn inbox(&self, level: u32) -> Result<Option<Vec<Vec<u8>>>, StateError> {
        let Some(v) = self.tx.open_table(INBOX)?.get(level)? else { return Ok(None) };
        decode_messages(v.value())
            .map(Some)
            .ok_or_else(|| StateError::Corrupt(format!("inbox {level}")))
    }

    /// The undo table; `None` for a state written before undo records were kept.
    fn undo_table(&self) -> Result<Option<redb::ReadOnlyTable<u32, &'static [u8]>>, StateError> {
        match self.tx.open_table(UNDO) {
            Ok(t) => Ok(Some(t)),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `level`'s undo record is kept (without decoding it).
    pub fn keeps_undo(&self, level: u32) -> Result<bool, StateError> {
        let Some(table) = self.undo_table()? else { return Ok(false) };
        Ok(table.get(level)?.is_some())
    }

    /// What `level` overwrote, if it is one of the last [`UNDO_LEVELS`].
    pub fn undo(&self, level: u32) -> Result<Option<Rewrite>, StateError> {
        let Some(table) = self.undo_table()? else { return Ok(None) };
        let Some(v) = table.get(level)? else { return Ok(None) };
        Rewrite::decode(v.value())
            .map(Some)
            .ok_or_else(|| StateError::Corrupt(format!("undo of level {level}")))
    }

    /// The durable-storage value at `path` as it was before `level` ran
    /// (after `level - 1`): the value the first level from `level` on that
    /// touched `path` overwrote, or the current one if none did. Fails with
    /// [`StateError::NotKept`] when a level in between has no undo record
    /// (older than the last [`UNDO_LEVELS`]).
    pub fn durable_before(&self, path: &[u8], level: u32) -> Result<Option<Vec<u8>>, StateError> {
        for l in level..self.next_level()? {
            let undo = self.undo(l)?.ok_or(StateError::NotKept(l))?;
            if let Some(before) = undo.value_before(path) {
                return Ok(before);
            }
        }
        self.durable(path)
    }
}

impl State {
    /// Opens (or creates) the state in `dir`, or an in-memory state.
    pub fn open(dir: Option<&FsPath>) -> Result<Self, StateError> {
        let db = match dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                Database::create(dir.join(DB_FILE))?
            }
            None => {
                Database::builder().create_with_backend(redb::backends::InMemoryBackend::new())?
            }
        };
        let tx = db.begin_write()?;
        tx.open_table(DURABLE)?;
        tx.open_table(META)?;
        tx.open_table(LEVELS)?;
        tx.open_table(OUTBOX)?;
        tx.open_table(INBOX)?;
        tx.open_table(WITNESS)?;
        tx.commit()?;
        Ok(Self { db: Arc::new(db) })
    }

    /// A reader of the committed state for other threads.
    pub fn reader(&self) -> StateReader {
        StateReader { db: Arc::clone(&self.db) }
    }

    fn snapshot(&self) -> Result<Snapshot, StateError> {
        Ok(Snapshot { tx: self.db.begin_read()? })
    }

    /// Loads durable storage and checks its root.
    pub fn load(&self) -> Result<Loaded, StateError> {
        let snapshot = self.snapshot()?;
        let tx = &snapshot.tx;
        let mut durable = Durable::new();
        for entry in tx.open_table(DURABLE)?.iter()? {
            let (k, v) = entry?;
            let path = Path::new(k.value())
                .map_err(|e| StateError::Corrupt(format!("stored path: {e}")))?;
            durable
                .set(path, v.value().to_vec())
                .map_err(|e| StateError::Corrupt(format!("stored value: {e}")))?;
        }
        durable.take_touched();
        let meta = tx.open_table(META)?;
        let get = |k: &str| -> Result<Option<Vec<u8>>, StateError> {
            Ok(meta.get(k)?.map(|v| v.value().to_vec()))
        };
        let (first_level, next_level) = (snapshot.first_level()?, snapshot.next_level()?);
        if let Some(root) = get(ROOT)?
            && root != durable.root()
        {
            return Err(StateError::Corrupt(format!(
                "stored root {} but storage hashes to {}",
                hex::encode(root),
                hex::encode(durable.root())
            )));
        }
        let metadata = match get(METADATA)? {
            Some(b) if b.len() == 24 => {
                let mut address = [0u8; 20];
                address.copy_from_slice(&b[..20]);
                let level = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
                Some(RollupMetadata { address, origination_level: level })
            }
            Some(_) => return Err(StateError::Corrupt("metadata".into())),
            None => None,
        };
        Ok(Loaded { durable, next_level, first_level, metadata })
    }

    /// Writes origination: the metadata, the first level to run and the
    /// initial storage.
    pub fn commit_origination(
        &self,
        durable: &mut Durable,
        metadata: &RollupMetadata,
        first_level: u32,
    ) -> Result<(), StateError> {
        let tx = self.db.begin_write()?;
        {
            let mut meta = tx.open_table(META)?;
            meta.insert(METADATA, metadata.encode().as_slice())?;
            meta.insert(FIRST_LEVEL, first_level.to_be_bytes().as_slice())?;
            meta.insert(NEXT_LEVEL, first_level.to_be_bytes().as_slice())?;
            meta.insert(ROOT, durable.root().as_slice())?;
            meta.insert(GENESIS_ROOT, durable.root().as_slice())?;
            write_durable(&mut tx.open_table(DURABLE)?, durable)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Writes one level atomically; answers what it wrote to durable
    /// storage (the subtrees the level touched, with their new values).
    pub fn commit_level(
        &self,
        durable: &mut Durable,
        c: &LevelCommit<'_>,
    ) -> Result<Rewrite, StateError> {
        let level = c.record.level;
        let tx = self.db.begin_write()?;
        let rewritten;
        {
            let (undo, written) = write_durable(&mut tx.open_table(DURABLE)?, durable)?;
            rewritten = written;
            let mut undos = tx.open_table(UNDO)?;
            undos.insert(level, undo.encode().as_slice())?;
            if let Some(old) = level.checked_sub(UNDO_LEVELS) {
                undos.remove(old)?;
            }
            let json = serde_json::to_vec(c.record)
                .map_err(|e| StateError::Corrupt(format!("level record: {e}")))?;
            tx.open_table(LEVELS)?.insert(level, json.as_slice())?;
            let mut outbox = tx.open_table(OUTBOX)?;
            for (i, m) in c.outbox.iter().enumerate() {
                outbox.insert((level, i as u32), m.as_slice())?;
            }
            tx.open_table(INBOX)?.insert(level, encode_messages(c.inbox).as_slice())?;
            if let Some(w) = c.witness {
                tx.open_table(WITNESS)?.insert(level, w)?;
            }
            let mut meta = tx.open_table(META)?;
            meta.insert(NEXT_LEVEL, (level + 1).to_be_bytes().as_slice())?;
            meta.insert(ROOT, c.root.as_slice())?;
        }
        tx.commit()?;
        Ok(rewritten)
    }

    /// The record of `level`, if committed.
    pub fn level(&self, level: u32) -> Result<Option<LevelRecord>, StateError> {
        self.snapshot()?.level(level)
    }

    /// The outbox of `level`.
    pub fn outbox(&self, level: u32) -> Result<Vec<Vec<u8>>, StateError> {
        self.snapshot()?.outbox(level)
    }

    /// The inbox of `level`, as committed.
    pub fn inbox(&self, level: u32) -> Result<Option<Vec<Vec<u8>>>, StateError> {
        self.snapshot()?.inbox(level)
    }
}

impl State {
    /// The first level run after origination (1 unless it was chosen).
    pub fn first_level(&self) -> Result<u32, StateError> {
        self.snapshot()?.first_level()
    }

    /// The root durable storage had when the rollup was originated.
    pub fn genesis_root(&self) -> Result<Option<Hash>, StateError> {
        let tx = self.db.begin_read()?;
        let Some(v) = tx.open_table(META)?.get(GENESIS_ROOT)? else { return Ok(None) };
        v.value().try_into().map(Some).map_err(|_| StateError::Corrupt("genesis_root".into()))
    }

    /// What `level` overwrote, if it is one of the last [`UNDO_LEVELS`].
    pub fn undo(&self, level: u32) -> Result<Option<Rewrite>, StateError> {
        self.snapshot()?.undo(level)
    }

    /// The witness of `level`, if the run that committed it recorded one.
    pub fn witness(&self, level: u32) -> Result<Option<Vec<u8>>, StateError> {
        let tx = self.db.begin_read()?;
        Ok(tx.open_table(WITNESS)?.get(level)?.map(|v| v.value().to_vec()))
    }
}

/// Rewrites every touched subtree of `durable` into `table`; answers what
/// those subtrees held before and what they hold now.
fn write_durable(
    table: &mut redb::Table<'_, &[u8], &[u8]>,
    durable: &mut Durable,
) -> Result<(Rewrite, Rewrite), StateError> {
    let mut undo = Rewrite::default();
    let mut written = Rewrite::default();
    for prefix in durable.take_touched() {
        // Keys strictly below `prefix` lie in [prefix + "/", prefix + "0"):
        // '0' is the byte after '/'.
        let lo = [prefix.as_slice(), b"/"].concat();
        let hi = [prefix.as_slice(), b"0"].concat();
        let mut before = Vec::new();
        if let Some(v) = table.get(prefix.as_slice())? {
            before.push((prefix.clone(), v.value().to_vec()));
        }
        for entry in table.range(lo.as_slice()..hi.as_slice())? {
            let (k, v) = entry?;
            before.push((k.value().to_vec(), v.value().to_vec()));
        }
        undo.subtrees.push((prefix.clone(), before));
        table.remove(prefix.as_slice())?;
        table.retain_in(lo.as_slice()..hi.as_slice(), |_, _| false)?;
        let path =
            Path::new(&prefix).map_err(|e| StateError::Corrupt(format!("touched path: {e}")))?;
        let mut result = Ok(());
        let mut now = Vec::new();
        durable.for_each_value(Some(path), &mut |p, v| {
            if result.is_ok() {
                result = table.insert(p, v).map(|_| ());
                now.push((p.to_vec(), v.to_vec()));
            }
        });
        result?;
        written.subtrees.push((prefix, now));
    }
    Ok((undo, written))
}

fn encode_messages(messages: &[Vec<u8>]) -> Vec<u8> {
    let mut out = (messages.len() as u32).to_be_bytes().to_vec();
    for m in messages {
        out.extend_from_slice(&(m.len() as u32).to_be_bytes());
        out.extend_from_slice(m);
    }
    out
}

fn decode_messages(mut bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut take = |n: usize| -> Option<&[u8]> {
        let (a, b) = bytes.split_at_checked(n)?;
        bytes = b;
        Some(a)
    };
    let count = u32::from_be_bytes(take(4)?.try_into().ok()?);
    let mut out = Vec::new();
    for _ in 0..count {
        let len = u32::from_be_bytes(take(4)?.try_into().ok()?) as usize;
        out.push(take(len)?.to_vec());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &'static str) -> Path<'static> {
        Path::new(s.as_bytes()).unwrap()
    }

    #[test]
    fn a_committed_level_reloads_with_the_same_root() {
        let dir = tempfile::tempdir().unwrap();
        let state = State::open(Some(dir.path())).unwrap();
        let mut d = Durable::new();
        d.set(p("/a/b"), b"1".to_vec()).unwrap();
        d.set(p("/a/c"), b"2".to_vec()).unwrap();
        state.commit_origination(&mut d, &RollupMetadata::default(), 1).unwrap();
        d.delete(p("/a/b"));
        d.set(p("/z"), b"3".to_vec()).unwrap();
        d.move_to(p("/a"), p("/m")).unwrap();
        let record = LevelRecord {
            level: 1,
            state_root: hex::encode(d.root()),
            outbox_commitment: String::new(),
            outbox_messages: 1,
            messages_total: 2,
            messages_read: 2,
            ticks: vec![5],
            failures: vec![],
        };
        let inbox = vec![vec![0, 1], vec![]];
        let root = d.root();
        state
            .commit_level(
                &mut d,
                &LevelCommit {
                    record: &record,
                    outbox: &[b"out".to_vec()],
                    inbox: &inbox,
                    root,
                    witness: Some(b"w"),
                },
            )
            .unwrap();
        drop(state);
        let state = State::open(Some(dir.path())).unwrap();
        let mut loaded = state.load().unwrap();
        assert_eq!(loaded.next_level, 2);
        assert_eq!(loaded.durable.root(), root);
        assert_eq!(loaded.durable.values(), d.values());
        assert_eq!(state.level(1).unwrap(), Some(record));
        assert_eq!(state.outbox(1).unwrap(), vec![b"out".to_vec()]);
        assert_eq!(state.inbox(1).unwrap(), Some(inbox));
        assert_eq!(state.witness(1).unwrap(), Some(b"w".to_vec()));
        assert_eq!(state.witness(2).unwrap(), None);
        // The level's undo rebuilds the origination storage.
        let undo = state.undo(1).unwrap().unwrap();
        assert_eq!(Rewrite::decode(&undo.encode()), Some(undo.clone()));
        let mut before = loaded.durable;
        undo.apply(&mut before).unwrap();
        assert_eq!(
            before.values(),
            vec![(b"/a/b".to_vec(), b"1".to_vec()), (b"/a/c".to_vec(), b"2".to_vec())]
        );
        assert_eq!(state.undo(2).unwrap(), None);
        // Reads before level 1 see the origination storage; before level 2, the current one.
        let snap = state.snapshot().unwrap();
        assert_eq!(snap.durable_before(b"/a/b", 1).unwrap(), Some(b"1".to_vec()));
        assert_eq!(snap.durable_before(b"/z", 1).unwrap(), None, "written by level 1");
        assert_eq!(snap.durable_before(b"/z", 2).unwrap(), Some(b"3".to_vec()));
        assert_eq!(snap.durable_before(b"/m/c", 1).unwrap(), None, "moved there by level 1");
        assert_eq!(snap.durable_before(b"/a/bb", 1).unwrap(), None, "/a/b does not cover /a/bb");
    }

    #[test]
    fn undo_records_decode_only_when_well_formed() {
        let undo = Rewrite { subtrees: vec![(b"/a".to_vec(), vec![(b"/a/x".to_vec(), vec![])])] };
        assert_eq!(Rewrite::decode(&undo.encode()), Some(undo));
        assert_eq!(
            Rewrite::decode(&encode_messages(&[b"K/a".to_vec()])),
            None,
            "a key without a prefix"
        );
        assert_eq!(
            Rewrite::decode(&encode_messages(&[b"P/a".to_vec(), b"K/a/x".to_vec()])),
            None,
            "a key without a value"
        );
        assert_eq!(Rewrite::decode(&encode_messages(&[b"X".to_vec()])), None);
    }

    #[test]
    fn a_snapshot_keeps_seeing_its_level_while_the_next_commits() {
        let state = State::open(None).unwrap();
        let mut d = Durable::new();
        d.set(p("/v"), b"old".to_vec()).unwrap();
        state.commit_origination(&mut d, &RollupMetadata::default(), 1).unwrap();
        let before = state.reader().snapshot().unwrap();
        d.set(p("/v"), b"new".to_vec()).unwrap();
        let record = LevelRecord {
            level: 1,
            state_root: String::new(),
            outbox_commitment: String::new(),
            outbox_messages: 0,
            messages_total: 0,
            messages_read: 0,
            ticks: vec![],
            failures: vec![],
        };
        let root = d.root();
        let commit = LevelCommit { record: &record, outbox: &[], inbox: &[], root, witness: None };
        state.commit_level(&mut d, &commit).unwrap();
        assert_eq!(before.durable(b"/v").unwrap(), Some(b"old".to_vec()));
        assert_eq!(before.next_level().unwrap(), 1);
        let after = state.reader().snapshot().unwrap();
        assert_eq!(after.durable(b"/v").unwrap(), Some(b"new".to_vec()));
        assert_eq!(after.next_level().unwrap(), 2);
        assert_eq!(after.level(1).unwrap(), Some(record));
    }

    #[test]
    fn messages_round_trip() {
        let ms = vec![vec![], vec![1, 2, 3], vec![9; 300]];
        assert_eq!(decode_messages(&encode_messages(&ms)), Some(ms));
        assert_eq!(decode_messages(&[0, 0, 0, 1, 0, 0, 0, 5, 1]), None);
    }
}
