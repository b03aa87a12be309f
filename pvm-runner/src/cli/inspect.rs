//! `pvm-runner inspect`.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use host::Path;
use serde::Serialize;

use crate::{Runner, RunnerConfig};

/// Read durable storage of a state directory.
#[derive(Debug, Args)]
pub struct InspectCmd {
    /// The state directory.
    #[arg(long)]
    pub state: PathBuf,
    /// A durable-storage path; without it, a summary of the state.
    pub path: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct Summary {
    next_level: u32,
    state_root: String,
    values: usize,
    kernel_bytes: Option<usize>,
    last_level: Option<crate::state::LevelRecord>,
}

#[derive(Debug, Serialize)]
struct Entry {
    path: String,
    value_hex: Option<String>,
    value_text: Option<String>,
    children: Vec<String>,
}

impl InspectCmd {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<()> {
        if !self.state.join(crate::state::DB_FILE).exists() {
            bail!("{} holds no state", self.state.display());
        }
        let mut runner = Runner::open(Some(&self.state), RunnerConfig::default())
            .with_context(|| format!("state {}", self.state.display()))?;
        let Some(path) = &self.path else {
            let next_level = runner.next_level();
            let last_level = match next_level.checked_sub(1) {
                Some(l) if l >= runner.first_level() => runner.state().level(l)?,
                _ => None,
            };
            let summary = Summary {
                next_level,
                state_root: hex::encode(runner.root()),
                values: runner.durable().values().len(),
                kernel_bytes: Path::new(host::KERNEL_BOOT_PATH)
                    .ok()
                    .and_then(|p| runner.durable().get(p))
                    .map(<[u8]>::len),
                last_level,
            };
            if self.json {
                outln!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                outln!("next level: {}", summary.next_level);
                outln!("state root: {}", summary.state_root);
                outln!("values:     {}", summary.values);
                if let Some(k) = summary.kernel_bytes {
                    outln!("kernel:     {k} bytes");
                }
            }
            return Ok(());
        };
        let p = Path::new(path.as_bytes()).map_err(|e| anyhow::anyhow!("path `{path}`: {e}"))?;
        let durable = runner.durable();
        let value = durable.get(p);
        let mut children = Vec::new();
        let mut i = 0;
        while let Some(name) = durable.child_name(p, i) {
            children.push(String::from_utf8_lossy(name).into_owned());
            i += 1;
        }
        if value.is_none() && children.is_empty() {
            bail!("nothing at {path}");
        }
        let entry = Entry {
            path: path.clone(),
            value_hex: value.map(hex::encode),
            value_text: value
                .and_then(|v| std::str::from_utf8(v).ok())
                .filter(|s| s.chars().all(|c| !c.is_control() || c == '\n'))
                .map(str::to_owned),
            children,
        };
        if self.json {
            outln!("{}", serde_json::to_string_pretty(&entry)?);
        } else {
            if let Some(h) = &entry.value_hex {
                outln!("value ({} bytes): {h}", h.len() / 2);
            }
            if let Some(t) = &entry.value_text {
                outln!("text: {t}");
            }
            for c in &entry.children {
                outln!("{path}/{c}");
            }
        }
        Ok(())
    }
}
