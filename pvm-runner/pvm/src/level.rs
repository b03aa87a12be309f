//! One level, as the PVM runs it: the SCORU control flow of
//! [`host::control`] plus the rule for the kernel each call runs.
//!
//! Each `kernel_run` loads the kernel from `/kernel/boot.wasm`. When those
//! bytes changed (an upgrade), the new kernel is checked as at origination;
//! if it is valid it becomes the fallback (`/readonly/kernel/boot.wasm`), if
//! not the fallback is put back in `/kernel/boot.wasm`, the reason is written
//! to `/readonly/kernel/env/upgrade_error`, and the fallback runs — the
//! PVM's rule for a kernel that fails to decode or link.
//!
//! A kernel whose bytes are those of the fallback is not checked again:
//! the fallback only ever holds a checked kernel (origination and accepted
//! upgrades put it there, and kernels cannot write `/readonly`), and the
//! comparison is by durable storage's value hashes, so it depends on the
//! state alone — a replay from a witness, which starts with no kernel
//! loaded, decides it as the runner does.
//!
//! A kernel that asks for a preimage nobody has supplied is stopped by the
//! engine ([`host::Host::must_stop`]), and the level stops with it: its
//! every change is undone and [`run_level`] answers [`Stopped`], naming the
//! hash. Octez's PVM would wait for the preimage; the runner cannot wait,
//! and must not answer by what this one node happens to hold, so nothing
//! of the level is committed and it can be run again once the preimage is
//! there.
//!
//! This is part of the state transition, so the runner (any engine) and the
//! stateless replay both run levels through [`run_level`].

use alloc::{
    borrow::ToOwned,
    string::{String, ToString},
    vec::Vec,
};

use host::{
    Durable, Host, KERNEL_BOOT_PATH, Path, READONLY_BOOT_PATH,
    control::{self, Failure, LevelReport, RunResult},
    hash::value_hash,
};

use crate::kernel::Kernel;

/// Where the reason of a refused upgrade is written.
pub const UPGRADE_ERROR_PATH: &[u8] = b"/readonly/kernel/env/upgrade_error";

/// Tezos' ticks per `kernel_run` since the Paris protocol (50 × 10¹²; it
/// was 11 × 10⁹ from Mumbai to Oxford): the limit every front end of the
/// runner uses unless told otherwise. A kernel that plans its own work (the
/// OS keeps each run under its `ticks_per_run`) never meets it; it stops a
/// kernel that loops.
pub const DEFAULT_TICK_LIMIT: u64 = 50_000_000_000_000;

/// The rollup address used when none is configured (`sr1` of 20 × 0x5a).
pub const DEFAULT_ROLLUP_ADDRESS: [u8; 20] = [0x5a; 20];

/// Installs `kernel` as origination does: it runs from
/// `/kernel/boot.wasm` and is the first fallback
/// (`/readonly/kernel/boot.wasm`).
pub fn install_kernel(durable: &mut Durable, kernel: &Kernel) {
    for p in [KERNEL_BOOT_PATH, READONLY_BOOT_PATH] {
        set(durable, p, kernel.wasm.clone());
    }
}

/// Why a level stopped with nothing committed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stopped {
    /// The kernel asked for a preimage the host does not hold.
    #[error("the kernel asked for the preimage of {}, which the runner does not have", hex::encode(.0))]
    MissingPreimage([u8; host::reveal::PREIMAGE_HASH_SIZE]),
}

/// What one level did.
#[derive(Debug, Clone)]
pub struct LevelRun {
    /// The control-flow report (runs, ticks, messages read, outbox).
    pub report: LevelReport,
    /// Upgrades refused during the level.
    pub refused_upgrades: Vec<String>,
}

/// Runs one level over `messages`; `run` makes one `kernel_run` call of the
/// given kernel within the tick limit. `loaded` is the kernel the last call
/// ran (kept between levels so an unchanged kernel is not checked again).
/// A level that must stop ([`Stopped`]) leaves durable storage as it was
/// before the level (its outbox and unread inputs are dropped, its debug
/// output kept).
pub fn run_level(
    host: &mut Host,
    level: u32,
    messages: Vec<Vec<u8>>,
    loaded: &mut Option<Kernel>,
    mut run: impl FnMut(&mut Host, &Kernel) -> RunResult,
) -> Result<LevelRun, Stopped> {
    let mut refused_upgrades = Vec::new();
    host.durable.checkpoint();
    let report = control::run_level(host, level, messages, |host| {
        match current_kernel(host, loaded, &mut refused_upgrades) {
            Ok(kernel) => run(host, &kernel),
            Err(f) => (0, Some(f)),
        }
    });
    if let Some(hash) = host.preimages.take_missing() {
        host.durable.rollback();
        // The kernel that ran may be one the rollback took away (an upgrade).
        *loaded = None;
        return Err(Stopped::MissingPreimage(hash));
    }
    host.durable.commit();
    Ok(LevelRun { report, refused_upgrades })
}

/// Writes a value the runner owns (kernels are far below the maximum size).
pub fn set(durable: &mut Durable, path: &[u8], value: Vec<u8>) {
    if let Ok(p) = Path::new(path) {
        let _ = durable.set(p, value);
    }
}

/// The kernel to run now, applying the upgrade rule.
fn current_kernel(
    host: &mut Host,
    loaded: &mut Option<Kernel>,
    refused: &mut Vec<String>,
) -> Result<Kernel, Failure> {
    let boot = Path::new(KERNEL_BOOT_PATH).map_err(|e| Failure::Load(e.to_string()))?;
    let bytes = host.durable.get(boot).map(<[u8]>::to_vec);
    if let (Some(k), Some(b)) = (loaded.as_ref(), bytes.as_ref())
        && k.wasm == *b
    {
        return Ok(k.clone());
    }
    let fallback = Path::new(READONLY_BOOT_PATH).ok().and_then(|p| host.durable.value_hash(p));
    let candidate = match bytes {
        // The fallback holds only checked kernels: the same bytes need no
        // second check (the state, not the runner's memory, decides this).
        Some(b) => match value_hash(&b) {
            h if Some(h) == fallback => Kernel::checked(b, h).map(|k| (k, true)),
            _ => Kernel::new(b).map(|k| (k, false)),
        }
        .map_err(|e| e.to_string()),
        None => Err("/kernel/boot.wasm is missing".to_owned()),
    };
    match candidate {
        Ok((k, is_fallback)) => {
            if !is_fallback {
                set(&mut host.durable, READONLY_BOOT_PATH, k.wasm.clone());
            }
            *loaded = Some(k.clone());
            Ok(k)
        }
        Err(reason) => {
            refused.push(reason.clone());
            set(&mut host.durable, UPGRADE_ERROR_PATH, reason.into_bytes());
            let fallback = Path::new(READONLY_BOOT_PATH)
                .ok()
                .and_then(|p| host.durable.get(p))
                .map(<[u8]>::to_vec)
                .ok_or_else(|| Failure::Load("no fallback kernel".into()))?;
            set(&mut host.durable, KERNEL_BOOT_PATH, fallback.clone());
            let k = Kernel::new(fallback).map_err(|e| Failure::Load(e.to_string()))?;
            *loaded = Some(k.clone());
            Ok(k)
        }
    }
}
