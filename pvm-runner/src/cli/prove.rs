//! `pvm-runner prove`.

use std::{fs, path::PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use serde::Serialize;

use crate::{
    Runner, RunnerConfig,
    prove::{ProveError, Replayer, guest, prove_level},
};

/// Replay a committed level from its witness alone (the stateless replay a
/// proof of the level proves) and check it against what the runner
/// committed: pre- and post-state roots, inbox hash, outbox commitment.
///
/// The level must have been run with `pvm-runner run --witness`.
#[derive(Debug, Args)]
pub struct ProveCmd {
    /// The state directory.
    #[arg(long)]
    pub state: PathBuf,
    /// The level to replay.
    #[arg(long)]
    pub level: u32,
    /// Print a JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write the level's witness to this file.
    #[arg(long)]
    pub witness_out: Option<PathBuf>,
    /// Replay natively (the same replay code, not compiled to RISC-V).
    #[arg(long)]
    pub native: bool,
    /// The guest ELF (default: built, or found up to date, in the runner's
    /// workspace with `--profile guest`).
    #[arg(long)]
    pub guest: Option<PathBuf>,
    /// The most RISC-V cycles the guest may run.
    #[arg(long, default_value_t = u64::MAX)]
    pub max_cycles: u64,
}

/// The result as printed.
#[derive(Debug, Serialize)]
struct ProveLine {
    level: u32,
    replayer: &'static str,
    matches: bool,
    mismatches: Vec<&'static str>,
    witness_bytes: usize,
    ticks: Vec<u64>,
    cycles: Option<u64>,
    wall_ms: f64,
    pre_root: String,
    post_root: String,
    inbox_hash: String,
    outbox_commitment: String,
}

impl ProveCmd {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<()> {
        if !self.state.exists() {
            bail!("no state directory at {}", self.state.display());
        }
        let runner = Runner::open(Some(&self.state), RunnerConfig::default())?;
        let state = runner.state();
        if let Some(out) = &self.witness_out {
            let w = state.witness(self.level)?.ok_or(ProveError::NoWitness(self.level))?;
            fs::write(out, w).with_context(|| format!("{}", out.display()))?;
        }
        let how = match self.native {
            true => Replayer::Native,
            false => Replayer::Riscv {
                elf: guest::load(self.guest.as_deref())?,
                max_cycles: self.max_cycles,
            },
        };
        let proved = prove_level(state, self.level, &how)?;
        let s = &proved.statement;
        let line = ProveLine {
            level: s.level,
            replayer: if self.native { "native" } else { "riscv" },
            matches: proved.mismatches().is_empty(),
            mismatches: proved.mismatches(),
            witness_bytes: proved.witness_bytes,
            ticks: proved.ticks.clone(),
            cycles: proved.cycles,
            wall_ms: proved.wall.as_secs_f64() * 1e3,
            pre_root: hex::encode(s.pre_root),
            post_root: hex::encode(s.post_root),
            inbox_hash: hex::encode(s.inbox_hash),
            outbox_commitment: hex::encode(s.outbox_commitment),
        };
        if self.json {
            outln!("{}", serde_json::to_string(&line)?);
        } else {
            let work = match line.cycles {
                Some(c) => format!("{c} RISC-V cycles"),
                None => format!("{} ticks", line.ticks.iter().sum::<u64>()),
            };
            outln!(
                "level {}: replayed ({}) from a {}-byte witness in {:.1} ms, {work}",
                line.level,
                line.replayer,
                line.witness_bytes,
                line.wall_ms,
            );
            outln!("  pre-state root     {}", line.pre_root);
            outln!("  post-state root    {}", line.post_root);
            outln!("  inbox hash         {}", line.inbox_hash);
            outln!("  outbox commitment  {}", line.outbox_commitment);
            if line.matches {
                outln!("  matches what the runner committed");
            }
        }
        if !line.matches {
            bail!("the replay differs from the commitment in: {}", line.mismatches.join(", "));
        }
        Ok(())
    }
}
