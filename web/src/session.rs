//! A rollup run one level at a time, as `pvm-runner run --engine pvm` runs
//! it, but in memory and reporting each level for people.
//!
//! The state transition is the runner's own code: the kernel checks and the
//! upgrade rule of [`pvm::level::run_level`], the SCORU control flow of
//! [`host::control`], the wasmi engine metered in ticks
//! ([`pvm::PvmEngine`]), and the genesis and inbox file readers of
//! `zkos-inputs`. Only the reporting is this crate's.

use host::{Durable, Hash, Host, Outbox, Path, RollupMetadata, witness::inbox_hash};
use inputs::{
    genesis::{Genesis, GenesisError},
    inbox_file::{self, FileLevel, InboxFileError},
};
use pvm::{
    Kernel, KernelError, PvmEngine,
    level::{self, DEFAULT_ROLLUP_ADDRESS, DEFAULT_TICK_LIMIT},
    record::Recording,
    replay::{Committed, ReplayError, replay},
};
use serde::Serialize;

use crate::{
    decode::{self, block, hex0x, message, outbox, value},
    diff::{ChangeKind, Shadow},
};

/// The most bytes of a value a level's report carries (the storage browser
/// reads whole values with [`Session::read`]).
pub const VALUE_PREVIEW: usize = 256;

/// Why a session could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The kernel file is not a kernel the PVM would originate.
    #[error("not a kernel: {0}")]
    Kernel(#[from] KernelError),
    /// The genesis file does not apply.
    #[error("genesis: {0}")]
    Genesis(#[from] GenesisError),
    /// The inbox file does not parse.
    #[error("inbox: {0}")]
    Inbox(#[from] InboxFileError),
    /// A rollup address that is not an `sr1…` address.
    #[error("rollup address: {0}")]
    Rollup(String),
    /// A path that is not a durable-storage path.
    #[error("{path:?} is not a durable-storage path")]
    Path {
        /// The path.
        path: String,
    },
    /// The level has not run, or ran without recording its witness.
    #[error("level {0} has no witness: it has not run, or ran with witnesses off")]
    NoWitness(u32),
    /// The replay of a witness gave no statement.
    #[error("the replay of level {0} failed: {1}")]
    Replay(u32, ReplayError),
    /// The level stopped with nothing committed (a preimage the session
    /// was not given): add it and step again.
    #[error("level {0} stopped, nothing committed: {1}; add the preimage and run the level again")]
    Stopped(u32, level::Stopped),
}

/// Settings of a session.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Ticks per `kernel_run`.
    pub tick_limit: u64,
    /// The rollup's address.
    pub rollup: [u8; 20],
    /// Record each level's witness, for [`Session::replay`] (as `pvm-runner
    /// run --witness` does): a copy of the state per level, so off unless
    /// asked for.
    pub record_witness: bool,
}

impl Settings {
    /// The rollup's address from its `sr1…` form.
    pub fn with_rollup_address(mut self, sr1: &str) -> Result<Self, SessionError> {
        self.rollup = inputs::inbox_file::base58::sr1(sr1).map_err(SessionError::Rollup)?;
        Ok(self)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            tick_limit: DEFAULT_TICK_LIMIT,
            rollup: DEFAULT_ROLLUP_ADDRESS,
            record_witness: false,
        }
    }
}

/// A rollup: originated with a kernel (and a genesis), and the levels of
/// an inbox file still to run.
pub struct Session {
    host: Host,
    engine: PvmEngine,
    loaded: Option<Kernel>,
    levels: Vec<FileLevel>,
    /// Levels run so far (level numbers start at 1, in file order).
    done: usize,
    settings: Settings,
    shadow: Shadow,
    /// The witnesses recorded, by level index (level `n` at `n - 1`).
    witnesses: Vec<Option<Witnessed>>,
}

/// A level's witness and what its run committed.
struct Witnessed {
    bytes: Vec<u8>,
    committed: Committed,
}

/// What one level did, for the page.
#[derive(Debug, Clone, Serialize)]
pub struct LevelView {
    /// The level.
    pub level: u32,
    /// The durable-storage root after it.
    pub state_root: String,
    /// The outbox commitment.
    pub outbox_commitment: String,
    /// Ticks of each `kernel_run`, in order.
    pub ticks: Vec<u64>,
    /// The tick limit each run had.
    pub tick_limit: u64,
    /// Reboots (runs after the first).
    pub reboots: usize,
    /// Whether the level ended at the reboot limit.
    pub too_many_reboots: bool,
    /// Failed runs: index and cause (their writes were rolled back).
    pub failures: Vec<(usize, String)>,
    /// Upgrades the PVM refused.
    pub refused_upgrades: Vec<String>,
    /// Inbox messages the kernel read, of those in the level.
    pub messages_read: usize,
    /// The inbox messages, decoded.
    pub messages: Vec<MessageEntry>,
    /// The outbox messages, decoded.
    pub outbox: Vec<outbox::OutboxView>,
    /// Blocks the OS made in the level.
    pub blocks: Vec<block::BlockView>,
    /// Blocks that could not be read back.
    pub block_errors: Vec<String>,
    /// What the kernel wrote with `write_debug`.
    pub debug: String,
    /// What the level did to durable storage.
    pub changes: Vec<ChangeView>,
    /// The size of the witness recorded for the level, if one was.
    pub witness_bytes: Option<usize>,
    /// Why no witness could be recorded (a bug of the recorder; the level
    /// stands).
    pub witness_error: Option<String>,
}

/// A level replayed from its witness alone: what the replay established,
/// held against what the session's run committed.
#[derive(Debug, Clone, Serialize)]
pub struct ReplayView {
    /// The level.
    pub level: u32,
    /// The witness's size.
    pub witness_bytes: usize,
    /// The root before the level, as the witness proves it.
    pub pre_root: String,
    /// The root the replay reached.
    pub post_root: String,
    /// The hash of the inbox it read.
    pub inbox_hash: String,
    /// The commitment of the outbox it wrote.
    pub outbox_commitment: String,
    /// Ticks of each `kernel_run` in the replay.
    pub ticks: Vec<u64>,
    /// Where the replay and the run differ: empty when they agree.
    pub mismatches: Vec<String>,
}

/// One inbox message.
#[derive(Debug, Clone, Serialize)]
pub struct MessageEntry {
    /// Its bytes, hex (at most [`VALUE_PREVIEW`] bytes).
    pub hex: String,
    /// Its length.
    pub len: usize,
    /// What the OS makes of it.
    pub decoded: message::MessageView,
}

/// One changed path.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// The path.
    pub path: String,
    /// Added, changed or deleted.
    pub kind: ChangeKind,
    /// The value before (a preview), hex.
    pub before: Option<String>,
    /// The value after (a preview), hex.
    pub after: Option<String>,
    /// Its length after (or before, for a deletion).
    pub len: usize,
    /// The value after in words, where the layout says.
    pub decoded: Option<String>,
}

/// A durable-storage path as the storage browser shows it.
#[derive(Debug, Clone, Serialize)]
pub struct NodeView {
    /// The path.
    pub path: String,
    /// Its value (a preview), hex.
    pub value: Option<String>,
    /// The value's length.
    pub len: usize,
    /// The value in words, where the layout says.
    pub decoded: Option<String>,
    /// Its children's names, in order.
    pub children: Vec<String>,
}

fn preview(bytes: &[u8]) -> String {
    hex0x(&bytes[..bytes.len().min(VALUE_PREVIEW)])
}

impl Session {
    /// Originates `kernel` (with `genesis`, a genesis file's JSON) and
    /// reads `inbox` (an inbox file's JSON); no level runs yet.
    pub fn new(
        kernel: Vec<u8>,
        genesis: Option<&str>,
        inbox: &str,
        settings: Settings,
    ) -> Result<Self, SessionError> {
        let kernel = Kernel::new(kernel)?;
        let genesis = genesis.map(Genesis::parse).transpose()?;
        let levels = inbox_file::parse(inbox, 1, settings.rollup)?;
        let metadata = RollupMetadata { address: settings.rollup, origination_level: 0 };
        let mut durable = Durable::new();
        if let Some(g) = &genesis {
            g.apply(&mut durable)?;
        }
        level::install_kernel(&mut durable, &kernel);
        let shadow = Shadow::of(&mut durable);
        Ok(Self {
            host: Host::new(durable, metadata),
            engine: PvmEngine::new(),
            loaded: Some(kernel),
            levels,
            done: 0,
            settings,
            shadow,
            witnesses: Vec::new(),
        })
    }

    /// Adds a preimage the kernel may reveal (`reveal_preimage`), as
    /// `pvm-runner run --preimages` does for each file; answers its
    /// 33-byte hash, hex.
    pub fn add_preimage(&mut self, data: Vec<u8>) -> String {
        hex::encode(self.host.preimages.insert(data))
    }

    /// Levels in the inbox file.
    pub fn levels(&self) -> usize {
        self.levels.len()
    }

    /// Levels run so far.
    pub fn done(&self) -> usize {
        self.done
    }

    /// The durable-storage root now.
    pub fn root(&mut self) -> String {
        hex::encode(self.host.durable.root())
    }

    /// Runs the next level of the inbox file; `None` when all have run. A
    /// level that stops ([`SessionError::Stopped`]) changes nothing and
    /// runs again at the next step.
    pub fn step(&mut self) -> Result<Option<LevelView>, SessionError> {
        let Some(file_level) = self.levels.get(self.done) else { return Ok(None) };
        let number = self.done as u32 + 1;
        let messages = file_level.encode(number);
        // A latest block that does not decode is reported below, after the run.
        let before = block::latest(&self.host.durable).ok().flatten();
        let recording = self
            .settings
            .record_witness
            .then(|| Recording::start(&mut self.host, &mut self.loaded));
        let (engine, tick_limit) = (&mut self.engine, self.settings.tick_limit);
        let run = level::run_level(
            &mut self.host,
            number,
            messages.clone(),
            &mut self.loaded,
            |host, kernel| engine.run(host, kernel, tick_limit),
        );
        let run = match run {
            Ok(run) => run,
            Err(why) => {
                if let Some(r) = recording {
                    r.abandon(&mut self.host);
                }
                return Err(SessionError::Stopped(number, why));
            }
        };
        self.done += 1;
        let report = run.report;
        let outbox_commitment = Outbox::commitment(&report.outbox);
        let (witness_bytes, witness_error) =
            self.keep_witness(recording, number, &messages, outbox_commitment);
        let ticketer = decode::config(&self.host.durable).map(|c| c.ticketer).unwrap_or([0; 20]);
        let durable = &self.host.durable;
        let (mut blocks, mut block_errors) = (Vec::new(), Vec::new());
        match block::latest(durable) {
            Ok(Some(after)) => {
                let first = before.map_or(0, |b| b + 1);
                for n in first..=after {
                    match block::read(durable, n) {
                        Ok(b) => blocks.push(b),
                        Err(e) => block_errors.push(e.to_string()),
                    }
                }
            }
            Ok(None) => {}
            Err(e) => block_errors.push(e.to_string()),
        }
        let messages = messages
            .iter()
            .map(|m| MessageEntry {
                hex: preview(m),
                len: m.len(),
                decoded: message::decode(m, &self.settings.rollup, &ticketer),
            })
            .collect();
        let changes = self
            .shadow
            .advance(&mut self.host.durable)
            .into_iter()
            .map(|c| {
                let path = String::from_utf8_lossy(&c.path).into_owned();
                let kind = c.kind();
                let len = c.after.as_ref().or(c.before.as_ref()).map_or(0, Vec::len);
                let decoded = c.after.as_deref().and_then(|v| value::describe(&path, v));
                ChangeView {
                    before: c.before.as_deref().map(preview),
                    after: c.after.as_deref().map(preview),
                    path,
                    kind,
                    len,
                    decoded,
                }
            })
            .collect();
        let debug = String::from_utf8_lossy(&self.host.take_debug()).into_owned();
        Ok(Some(LevelView {
            level: number,
            state_root: self.root(),
            outbox_commitment: hex::encode(outbox_commitment),
            ticks: report.ticks_per_run(),
            tick_limit,
            reboots: report.runs.len().saturating_sub(1),
            too_many_reboots: report.too_many_reboots,
            failures: report.failures(),
            refused_upgrades: run.refused_upgrades,
            messages_read: report.messages_read,
            messages,
            outbox: report.outbox.iter().map(|m| outbox::decode(m)).collect(),
            blocks,
            block_errors,
            debug,
            changes,
            witness_bytes,
            witness_error,
        }))
    }

    /// Finishes `recording` of level `number` (run over `messages`) and
    /// keeps its witness beside what the run committed; answers the
    /// witness's size, or why there is none.
    fn keep_witness(
        &mut self,
        recording: Option<Recording>,
        number: u32,
        messages: &[Vec<u8>],
        outbox_commitment: Hash,
    ) -> (Option<usize>, Option<String>) {
        let Some(recording) = recording else {
            self.witnesses.push(None);
            return (None, None);
        };
        let pre_root = recording.pre_root();
        let tick_limit = self.settings.tick_limit;
        match recording.finish(&mut self.host, number, tick_limit, messages.to_vec()) {
            Ok(bytes) => {
                let committed = Committed {
                    pre_root: Some(pre_root),
                    post_root: self.host.durable.root(),
                    inbox_hash: inbox_hash(messages),
                    outbox_commitment,
                };
                let len = bytes.len();
                self.witnesses.push(Some(Witnessed { bytes, committed }));
                (Some(len), None)
            }
            Err(e) => {
                self.witnesses.push(None);
                (None, Some(e.to_string()))
            }
        }
    }

    /// The witness recorded for `level`, encoded as `pvm-runner prove
    /// --witness-out` writes it.
    pub fn witness(&self, level: u32) -> Option<&[u8]> {
        self.witnessed(level).map(|w| w.bytes.as_slice())
    }

    fn witnessed(&self, level: u32) -> Option<&Witnessed> {
        let index = usize::try_from(level.checked_sub(1)?).ok()?;
        self.witnesses.get(index)?.as_ref()
    }

    /// Replays `level` from its witness alone (the stateless replay a
    /// proof of the level proves, as `pvm-runner prove --native` runs it)
    /// and holds the statement against what this session's run committed.
    pub fn replay(&self, level: u32) -> Result<ReplayView, SessionError> {
        let w = self.witnessed(level).ok_or(SessionError::NoWitness(level))?;
        let replayed = replay(&w.bytes).map_err(|e| SessionError::Replay(level, e))?;
        let s = &replayed.statement;
        Ok(ReplayView {
            level: s.level,
            witness_bytes: w.bytes.len(),
            pre_root: hex::encode(s.pre_root),
            post_root: hex::encode(s.post_root),
            inbox_hash: hex::encode(s.inbox_hash),
            outbox_commitment: hex::encode(s.outbox_commitment),
            ticks: replayed.ticks,
            mismatches: w.committed.mismatches(s).into_iter().map(str::to_owned).collect(),
        })
    }

    /// The value at `path`, whole.
    pub fn read(&self, path: &str) -> Result<Option<Vec<u8>>, SessionError> {
        let p = Path::new(path.as_bytes()).map_err(|_| SessionError::Path { path: path.into() })?;
        Ok(self.host.durable.get(p).map(<[u8]>::to_vec))
    }

    /// `path` for the storage browser: its value and its children (`""`
    /// or `"/"` is the root).
    pub fn node(&self, path: &str) -> Result<NodeView, SessionError> {
        let bad = || SessionError::Path { path: path.into() };
        let durable = &self.host.durable;
        let (value, children) = if path.is_empty() || path == "/" {
            (None, children_of_root(durable))
        } else {
            let p = Path::new(path.as_bytes()).map_err(|_| bad())?;
            let count = durable.list_size(p).unwrap_or(0) as usize;
            let names = (0..count)
                .filter_map(|i| durable.child_name(p, i))
                .filter(|n| !n.is_empty())
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .collect();
            (durable.get(p), names)
        };
        Ok(NodeView {
            path: path.to_owned(),
            value: value.map(preview),
            len: value.map_or(0, <[u8]>::len),
            decoded: value.and_then(|v| value::describe(path, v)),
            children,
        })
    }
}

/// The names at the top of the tree (the host's `list_size` and
/// `child_name` take a path, and the root is no path).
fn children_of_root(durable: &Durable) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    durable.for_each_value(None, &mut |p, _| {
        let top = p.split(|b| *b == b'/').nth(1).unwrap_or_default();
        let top = String::from_utf8_lossy(top).into_owned();
        if names.last() != Some(&top) {
            names.push(top);
        }
    });
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kernel that writes its level's first input byte count to `/seen`
    /// and logs; on an input starting with `!` it traps after writing.
    const KERNEL: &str = r#"(module
      (import "smart_rollup_core" "read_input" (func $read (param i32 i32 i32) (result i32)))
      (import "smart_rollup_core" "store_write" (func $write (param i32 i32 i32 i32 i32) (result i32)))
      (import "smart_rollup_core" "write_debug" (func $debug (param i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "/seen")
      (data (i32.const 16) "ran")
      (func (export "kernel_run") (local $n i32)
        (block $done (loop $next
          (local.set $n (call $read (i32.const 100) (i32.const 200) (i32.const 4096)))
          (br_if $done (i32.eqz (local.get $n)))
          (drop (call $write (i32.const 0) (i32.const 5) (i32.const 0) (i32.const 200) (local.get $n)))
          (if (i32.eq (i32.load8_u (i32.const 201)) (i32.const 33)) (then unreachable))
          (br $next)))
        (call $debug (i32.const 16) (i32.const 3))))"#;

    fn session(inbox: &str) -> Session {
        let wasm = wat::parse_str(KERNEL).unwrap();
        Session::new(wasm, None, inbox, Settings::default()).unwrap()
    }

    #[test]
    fn bad_files_are_refused_naming_what_is_wrong() {
        let e = Session::new(b"not wasm".to_vec(), None, "[]", Settings::default()).err().unwrap();
        assert!(e.to_string().starts_with("not a kernel: invalid WebAssembly"), "{e}");
        let wasm = wat::parse_str(KERNEL).unwrap();
        let e = Session::new(wasm.clone(), Some("{}"), "[]", Settings::default()).err().unwrap();
        assert!(e.to_string().starts_with("genesis: genesis is not valid"), "{e}");
        let e = Session::new(wasm, None, r#"[[{"external": "xyz"}]]"#, Settings::default())
            .err()
            .unwrap();
        assert!(
            e.to_string().starts_with("inbox: level 1 (index 0 in the file), message 0"),
            "{e}"
        );
    }

    #[test]
    fn a_level_reports_its_runs_changes_and_log_and_the_tree_reads_back() {
        let mut s = session(r#"[[{"external_text": "hi"}], []]"#);
        assert_eq!((s.levels(), s.done()), (2, 0));
        let v = s.step().unwrap().unwrap();
        assert_eq!((v.level, v.ticks.len(), v.reboots), (1, 1, 0));
        assert!(v.ticks[0] > 0 && v.failures.is_empty());
        assert_eq!(v.messages.len(), 4, "StartOfLevel, InfoPerLevel, the message, EndOfLevel");
        assert_eq!(v.messages[0].decoded, message::MessageView::StartOfLevel);
        assert_eq!(v.debug, "ran");
        let paths: Vec<(&str, ChangeKind)> =
            v.changes.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(paths, [("/seen", ChangeKind::Added)]);
        assert_eq!(v.state_root, s.root());
        // Each message was written over the last at offset 0 (a write keeps
        // the bytes past its end): the 42-byte InfoPerLevel, then the
        // 2-byte EndOfLevel (`00 02`) over its start.
        let seen = s.read("/seen").unwrap().unwrap();
        assert_eq!((seen.len(), &seen[..2]), (42, &[0, 2][..]));
        assert!(matches!(s.read("seen"), Err(SessionError::Path { .. })));
        let root = s.node("/").unwrap();
        assert_eq!(root.children, ["kernel", "readonly", "seen"]);
        let kernel = s.node("/kernel/boot.wasm").unwrap();
        assert!(kernel.decoded.unwrap().starts_with("the running kernel"));

        // Level 2's InfoPerLevel differs (timestamp, block hash).
        let v = s.step().unwrap().unwrap();
        let paths: Vec<(&str, ChangeKind)> =
            v.changes.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(paths, [("/seen", ChangeKind::Changed)]);
        assert_ne!(v.changes[0].before, v.changes[0].after);
        assert!(s.step().unwrap().is_none(), "two levels in the file");
    }

    #[test]
    fn a_recorded_witness_replays_to_the_levels_root_and_outbox() {
        let inbox = r#"[[{"external_text": "hi"}], [{"external_text": "!boom"}], []]"#;
        let wasm = wat::parse_str(KERNEL).unwrap();
        let settings = Settings { record_witness: true, ..Settings::default() };
        let mut s = Session::new(wasm, None, inbox, settings).unwrap();
        let (mut roots, mut ticks) = (vec![s.root()], vec![]);
        while let Some(v) = s.step().unwrap() {
            assert_eq!((v.witness_bytes.is_some(), v.witness_error), (true, None));
            roots.push(v.state_root);
            ticks.push(v.ticks);
        }
        for level in 1..=3u32 {
            let r = s.replay(level).unwrap();
            let i = level as usize;
            assert_eq!((r.level, &r.pre_root, &r.post_root), (level, &roots[i - 1], &roots[i]));
            assert!(r.mismatches.is_empty(), "level {level}: {:?}", r.mismatches);
            assert_eq!(r.ticks, ticks[i - 1], "level {level}: the replay's ticks are the run's");
            assert_eq!(r.witness_bytes, s.witness(level).unwrap().len());
        }
        assert!(matches!(s.replay(4), Err(SessionError::NoWitness(4))));
        assert!(matches!(s.replay(0), Err(SessionError::NoWitness(0))));
    }

    #[test]
    fn without_witnesses_a_level_cannot_be_replayed() {
        let mut s = session(r#"[[]]"#);
        let v = s.step().unwrap().unwrap();
        assert_eq!(v.witness_bytes, None);
        assert!(s.witness(1).is_none());
        let e = s.replay(1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "level 1 has no witness: it has not run, or ran with witnesses off"
        );
    }

    #[test]
    fn a_trapping_run_is_reported_and_its_writes_rolled_back() {
        let mut s = session(r#"[[{"external_text": "!boom"}]]"#);
        let v = s.step().unwrap().unwrap();
        assert_eq!(v.failures.len(), 1);
        assert!(v.failures[0].1.starts_with("trap"), "{:?}", v.failures);
        assert_eq!(s.read("/seen").unwrap(), None, "rolled back");
        let stuck: Vec<_> =
            v.changes.iter().map(|c| (c.path.as_str(), c.decoded.as_deref())).collect();
        assert_eq!(stuck, [("/readonly/kernel/env/stuck", Some("set by the PVM: trap"))]);
    }
}
