//! `pvm-runner run`.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use clap::Args;
use host::RollupMetadata;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::{
    EngineKind, LevelOutcome, Runner, RunnerConfig,
    genesis::Genesis,
    inbox_file::{self, base58},
    runner::{DEFAULT_ROLLUP_ADDRESS, DEFAULT_TICK_LIMIT},
};

/// Run a kernel over the levels of an inbox file.
///
/// Levels are numbered in file order from `--first-level` (1 by default; 0
/// gives the numbers Octez's wasm debugger gives). With `--state`, levels
/// already committed there are skipped, so running the same file again
/// resumes.
#[derive(Debug, Args)]
pub struct RunCmd {
    /// The kernel (.wasm); needed for a new state, ignored once originated.
    #[arg(long)]
    pub kernel: Option<PathBuf>,
    /// The inbox file (JSON; see the crate docs).
    #[arg(long)]
    pub inbox: PathBuf,
    /// The engine.
    #[arg(long, value_enum, default_value_t = EngineKind::Fast)]
    pub engine: EngineKind,
    /// The state directory (in memory when absent).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Print one JSON object per level instead of text.
    #[arg(long)]
    pub json: bool,
    /// Ticks per kernel_run.
    #[arg(long, default_value_t = DEFAULT_TICK_LIMIT)]
    pub tick_limit: u64,
    /// Write the kernel's debug output here instead of stderr.
    #[arg(long)]
    pub debug_file: Option<PathBuf>,
    /// A directory whose files are preimages the kernel may reveal.
    #[arg(long)]
    pub preimages: Option<PathBuf>,
    /// A genesis file (chain configuration and accounts), for a new state.
    #[arg(long)]
    pub genesis: Option<PathBuf>,
    /// The rollup's address (sr1…), for a new state.
    #[arg(long)]
    pub rollup_address: Option<String>,
    /// Record each level's witness in the state, for `pvm-runner prove`.
    #[arg(long)]
    pub witness: bool,
    /// The number of the file's first level, for a new state (1 by default).
    #[arg(long)]
    pub first_level: Option<u32>,
}

/// One level as printed.
#[derive(Debug, Serialize)]
pub struct LevelLine {
    /// The level.
    pub level: u32,
    /// Inbox messages read by the kernel.
    pub messages_read: usize,
    /// Inbox messages in the level.
    pub messages_total: usize,
    /// Ticks of each kernel_run (0 with the fast engine).
    pub ticks: Vec<u64>,
    /// Failed runs: index and cause.
    pub failures: Vec<(usize, String)>,
    /// Upgrades refused.
    pub refused_upgrades: Vec<String>,
    /// Outbox messages, hex.
    pub outbox: Vec<String>,
    /// Outbox commitment, hex.
    pub outbox_commitment: String,
    /// Durable-storage root, hex.
    pub state_root: String,
}

impl From<&LevelOutcome> for LevelLine {
    fn from(o: &LevelOutcome) -> Self {
        let r = &o.report;
        Self {
            level: r.level,
            messages_read: r.messages_read,
            messages_total: r.messages_total,
            ticks: r.ticks_per_run(),
            failures: r.failures(),
            refused_upgrades: o.refused_upgrades.clone(),
            outbox: r.outbox.iter().map(hex::encode).collect(),
            outbox_commitment: hex::encode(o.outbox_commitment),
            state_root: hex::encode(o.root),
        }
    }
}

impl LevelLine {
    /// The text form: one line, then one per outbox message and failure.
    pub fn text(&self, engine: EngineKind) -> String {
        let ticks = match engine {
            EngineKind::Pvm => {
                let total: u64 = self.ticks.iter().sum();
                format!("{} runs, {total} ticks", self.ticks.len())
            }
            EngineKind::Fast => format!("{} runs", self.ticks.len()),
        };
        let mut s = format!(
            "level {}: {}/{} messages read, {ticks}, {} outbox, root {}\n",
            self.level,
            self.messages_read,
            self.messages_total,
            self.outbox.len(),
            self.state_root
        );
        for (i, m) in self.outbox.iter().enumerate() {
            s.push_str(&format!("  outbox[{i}] {m}\n"));
        }
        for (i, f) in &self.failures {
            s.push_str(&format!("  run {i} failed: {f}\n"));
        }
        for u in &self.refused_upgrades {
            s.push_str(&format!("  upgrade refused: {u}\n"));
        }
        s
    }
}

impl RunCmd {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<()> {
        let json = fs::read_to_string(&self.inbox)
            .with_context(|| format!("cannot read the inbox file {}", self.inbox.display()))?;
        let address = match &self.rollup_address {
            Some(a) => base58::sr1(a).map_err(|e| anyhow::anyhow!("--rollup-address: {e}"))?,
            None => DEFAULT_ROLLUP_ADDRESS,
        };
        let levels = inbox_file::parse(&json, self.first_level.unwrap_or(1), address)
            .with_context(|| format!("in {}", self.inbox.display()))?;
        if self.witness && self.state.is_none() {
            bail!("--witness keeps witnesses in the state: give --state too");
        }
        let config = RunnerConfig {
            engine: self.engine,
            tick_limit: self.tick_limit,
            record_witness: self.witness,
        };
        let mut runner = Runner::open(self.state.as_deref(), config)?;
        if runner.is_originated() {
            if self.kernel.is_some() || self.genesis.is_some() {
                eprintln!(
                    "note: the state is already originated; --kernel and --genesis are not used"
                );
            }
            if let Some(n) = self.first_level
                && n != runner.first_level()
            {
                bail!("--first-level {n}: the state's first level is {}", runner.first_level());
            }
        } else {
            let Some(kernel) = &self.kernel else {
                bail!("a new state needs --kernel");
            };
            let wasm = fs::read(kernel)
                .with_context(|| format!("cannot read the kernel {}", kernel.display()))?;
            let metadata = RollupMetadata { address, origination_level: 0 };
            let genesis = match &self.genesis {
                Some(p) => {
                    let json = fs::read_to_string(p)
                        .with_context(|| format!("cannot read the genesis {}", p.display()))?;
                    Some(Genesis::parse(&json).with_context(|| format!("in {}", p.display()))?)
                }
                None => None,
            };
            runner
                .originate_at(wasm, metadata, genesis.as_ref(), self.first_level.unwrap_or(1))
                .with_context(|| format!("kernel {}", kernel.display()))?;
        }
        if let Some(dir) = &self.preimages {
            load_preimages(&mut runner, dir)?;
        }
        let (first, next) = (runner.first_level(), runner.next_level());
        if next > first {
            eprintln!(
                "note: levels {first} to {} are already committed in the state; resuming",
                next - 1
            );
        }
        let done = (next - first) as usize;
        let mut debug_out: Box<dyn Write> = match &self.debug_file {
            Some(p) => Box::new(fs::File::create(p).with_context(|| format!("{}", p.display()))?),
            None => Box::new(std::io::stderr()),
        };
        let todo = levels.len().saturating_sub(done);
        let bar = ProgressBar::new(todo as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} levels {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let mut stdout = std::io::stdout().lock();
        for (i, level) in levels.iter().enumerate().skip(done) {
            let number = first + i as u32;
            let outcome = runner.run_level(level.encode(number)).map_err(|e| {
                let looked = match &self.preimages {
                    Some(dir) => format!("preimages are read from {}", dir.display()),
                    None => "no --preimages directory was given".to_owned(),
                };
                match e {
                    crate::RunnerError::Stopped { .. } => anyhow::Error::new(e)
                        .context(format!("{looked}; add the preimage and run the level again")),
                    e => e.into(),
                }
            })?;
            if !outcome.debug.is_empty() {
                debug_out.write_all(&outcome.debug)?;
            }
            if let Some(e) = &outcome.witness_error {
                eprintln!("warning: level {number} is committed without a witness: {e}");
            }
            let line = LevelLine::from(&outcome);
            bar.suspend(|| -> anyhow::Result<()> {
                if self.json {
                    writeln!(stdout, "{}", serde_json::to_string(&line)?)?;
                } else {
                    write!(stdout, "{}", line.text(self.engine))?;
                }
                Ok(())
            })?;
            bar.inc(1);
        }
        bar.finish_and_clear();
        Ok(())
    }
}

fn load_preimages(runner: &mut Runner, dir: &Path) -> anyhow::Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("preimages {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_file() {
            let data = fs::read(&path).with_context(|| format!("{}", path.display()))?;
            runner.add_preimage(data);
        }
    }
    Ok(())
}
