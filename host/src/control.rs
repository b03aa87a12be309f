//! The SCORU control flow of one inbox level, written once for every engine.
//!
//! Per level the PVM calls `kernel_run` until the kernel stops asking for a
//! reboot:
//!
//! 1. The runner loads the level's inbox (StartOfLevel, InfoPerLevel, the
//!    messages, EndOfLevel) and empties the outbox.
//! 2. Before each call the reboot flag (`/kernel/env/reboot`) is cleared and
//!    the state is snapshotted.
//! 3. A call that returns normally keeps its writes. If it set the reboot
//!    flag the kernel is called again in the same level, with the unread
//!    inputs still there, at most [`MAX_REBOOTS`] times; past that the PVM
//!    sets `/readonly/kernel/env/too_many_reboot` and ends the level.
//! 4. A call that fails (a trap, running out of ticks, a kernel that cannot be
//!    loaded) is what the PVM calls *stuck*: that call's writes to durable
//!    storage and the outbox are discarded, the rest of the level's inputs are
//!    dropped, and the next level starts from the state before the failed call.
//!    The kind of cause (`trap`, `out of ticks`, `kernel could not be
//!    loaded`) is recorded under `/readonly/kernel/env/stuck`; the engine's
//!    own wording stays out of the state so every engine reaches the same root.
//! 5. Inputs the kernel did not read when the level ends are lost.

use alloc::{string::String, vec::Vec};

use crate::{Host, Path};

/// The most reboots in one level (so at most `MAX_REBOOTS + 1` calls).
pub const MAX_REBOOTS: usize = 1_000;
/// Set by the runner when a level hit [`MAX_REBOOTS`].
pub const TOO_MANY_REBOOT_PATH: &[u8] = b"/readonly/kernel/env/too_many_reboot";
/// Set by the runner to the cause of the last failed call.
pub const STUCK_PATH: &[u8] = b"/readonly/kernel/env/stuck";

/// Why one `kernel_run` failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The kernel trapped (including a panic that aborted).
    Trap(String),
    /// The call ran past the tick limit.
    OutOfTicks,
    /// The kernel in `/kernel/boot.wasm` could not be loaded.
    Load(String),
}

impl Failure {
    /// The cause as the state records it: the kind only, because engines
    /// word their traps differently and the state must not depend on the
    /// engine.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Trap(_) => "trap",
            Failure::OutOfTicks => "out of ticks",
            Failure::Load(_) => "kernel could not be loaded",
        }
    }
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Failure::Trap(m) => write!(f, "trap: {m}"),
            Failure::OutOfTicks => f.write_str("out of ticks"),
            Failure::Load(m) => write!(f, "kernel could not be loaded: {m}"),
        }
    }
}

/// One `kernel_run` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    /// Ticks the call used (0 for engines that do not meter).
    pub ticks: u64,
    /// `None` when the call returned normally.
    pub failure: Option<Failure>,
}

/// What a level did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelReport {
    /// The level number.
    pub level: u32,
    /// Every `kernel_run` call, in order.
    pub runs: Vec<RunReport>,
    /// Inbox messages the kernel read.
    pub messages_read: usize,
    /// Inbox messages in the level.
    pub messages_total: usize,
    /// The level's outbox.
    pub outbox: Vec<Vec<u8>>,
    /// Whether the level ended because of [`MAX_REBOOTS`].
    pub too_many_reboots: bool,
}

impl LevelReport {
    /// The total ticks of the level's calls.
    pub fn ticks(&self) -> u64 {
        self.runs.iter().map(|r| r.ticks).sum()
    }

    /// The ticks of each call, in order.
    pub fn ticks_per_run(&self) -> Vec<u64> {
        self.runs.iter().map(|r| r.ticks).collect()
    }

    /// The failed calls: index and cause.
    pub fn failures(&self) -> Vec<(usize, String)> {
        self.runs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.failure.as_ref().map(|f| (i, alloc::format!("{f}"))))
            .collect()
    }
}

/// The outcome of one call as an engine reports it: ticks used, and the
/// failure if any.
pub type RunResult = (u64, Option<Failure>);

/// Runs one level: `run` makes one `kernel_run` call against the host.
pub fn run_level(
    host: &mut Host,
    level: u32,
    messages: Vec<Vec<u8>>,
    mut run: impl FnMut(&mut Host) -> RunResult,
) -> LevelReport {
    let messages_total = messages.len();
    host.start_level(level, messages);
    let mut runs = Vec::new();
    let mut too_many_reboots = false;
    loop {
        host.clear_reboot();
        host.durable.checkpoint();
        let outbox_before = host.outbox.messages().len();
        let (ticks, failure) = run(host);
        if let Some(f) = &failure {
            host.durable.rollback();
            host.outbox.truncate(outbox_before);
            set_readonly(host, STUCK_PATH, f.kind().as_bytes().to_vec());
            runs.push(RunReport { ticks, failure });
            break;
        }
        host.durable.commit();
        runs.push(RunReport { ticks, failure: None });
        if !host.reboot_requested() {
            break;
        }
        if runs.len() > MAX_REBOOTS {
            host.clear_reboot();
            set_readonly(host, TOO_MANY_REBOOT_PATH, Vec::new());
            too_many_reboots = true;
            break;
        }
    }
    let messages_read = host.inbox.read_count();
    host.inbox.drain();
    LevelReport {
        level,
        runs,
        messages_read,
        messages_total,
        outbox: host.outbox.take(),
        too_many_reboots,
    }
}

fn set_readonly(host: &mut Host, path: &[u8], value: Vec<u8>) {
    if let Ok(p) = Path::new(path) {
        // A value too large to store cannot happen for these short values.
        let _ = host.durable.set(p, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Durable, REBOOT_PATH, RollupMetadata};
    use alloc::{string::ToString, vec};

    fn host() -> Host {
        Host::new(Durable::new(), RollupMetadata::default())
    }

    fn set(host: &mut Host, path: &[u8], v: &[u8]) {
        host.durable.set(Path::new(path).unwrap(), v.to_vec()).unwrap();
    }

    #[test]
    fn a_kernel_that_reboots_is_called_again_with_unread_inputs() {
        let mut h = host();
        let mut calls = 0;
        let report = run_level(&mut h, 3, vec![vec![1], vec![2], vec![3]], |h| {
            calls += 1;
            h.inbox.next_message();
            if calls < 3 {
                set(h, REBOOT_PATH, b"");
            }
            (10, None)
        });
        assert_eq!(report.runs.len(), 3);
        assert_eq!(report.messages_read, 3);
        assert_eq!(report.ticks(), 30);
        assert!(!h.reboot_requested());
    }

    #[test]
    fn a_failed_call_discards_its_writes_and_ends_the_level() {
        let mut h = host();
        let report = run_level(&mut h, 1, vec![vec![1], vec![2]], |h| {
            set(h, b"/kept", b"before");
            set(h, REBOOT_PATH, b"");
            (1, None)
        });
        assert_eq!(report.runs.len(), MAX_REBOOTS + 1);
        assert!(report.too_many_reboots);
        assert!(h.durable.get(Path::new(TOO_MANY_REBOOT_PATH).unwrap()).is_some());

        let mut n = 0;
        let report = run_level(&mut h, 2, vec![vec![1], vec![2]], |h| {
            n += 1;
            if n == 1 {
                set(h, b"/first", b"ok");
                h.outbox.push(b"out1").unwrap();
                set(h, REBOOT_PATH, b"");
                (5, None)
            } else {
                set(h, b"/second", b"lost");
                h.outbox.push(b"out2").unwrap();
                (7, Some(Failure::Trap("unreachable".to_string())))
            }
        });
        assert_eq!(report.runs.len(), 2);
        assert_eq!(report.outbox, vec![b"out1".to_vec()]);
        assert!(h.durable.get(Path::new(b"/first").unwrap()).is_some());
        assert!(h.durable.get(Path::new(b"/second").unwrap()).is_none());
        assert_eq!(h.durable.get(Path::new(STUCK_PATH).unwrap()), Some(&b"trap"[..]));
        assert_eq!(h.inbox.remaining(), 0, "the rest of the level is dropped");
    }
}
