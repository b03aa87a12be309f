//! The native side of the browser benchmark (`scripts/bench-web.sh`): the
//! same `Session` code the page runs, compiled natively, over the same
//! kernel, genesis and inbox, `REPS` times; prints one JSON line per level
//! and repetition: `{"rep", "level", "ticks", "ms", "replay_ms",
//! "witness_bytes"}`. `ms` times a level's run without witnesses (as the
//! page's first figures were taken); `replay_ms` times its replay from the
//! witness a second session recorded.
//!
//! `cargo bench -p zkos-web --bench native_levels -- KERNEL INBOX [GENESIS] [REPS]`

use std::time::Instant;

use anyhow::{Context, bail};
use zkos_web::{Session, Settings};

fn main() -> anyhow::Result<()> {
    // cargo bench passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let [kernel, inbox, rest @ ..] = args.as_slice() else {
        bail!("usage: native_levels KERNEL INBOX [GENESIS] [REPS]");
    };
    let kernel = std::fs::read(kernel).with_context(|| format!("kernel {kernel}"))?;
    let inbox = std::fs::read_to_string(inbox).with_context(|| format!("inbox {inbox}"))?;
    let genesis = match rest.first().filter(|g| !g.is_empty() && *g != "-") {
        Some(g) => Some(std::fs::read_to_string(g).with_context(|| format!("genesis {g}"))?),
        None => None,
    };
    let reps: usize = rest.get(1).map(|r| r.parse()).transpose()?.unwrap_or(5);
    let with_witnesses = Settings { record_witness: true, ..Settings::default() };
    for rep in 0..reps {
        let mut session =
            Session::new(kernel.clone(), genesis.as_deref(), &inbox, Settings::default())?;
        let mut recorded =
            Session::new(kernel.clone(), genesis.as_deref(), &inbox, with_witnesses)?;
        loop {
            let t0 = Instant::now();
            let Some(level) = session.step()? else { break };
            let ms = t0.elapsed().as_secs_f64() * 1e3;
            let ticks: u64 = level.ticks.iter().sum();
            recorded.step()?.context("the recording session ran out of levels")?;
            let t0 = Instant::now();
            let replayed = recorded.replay(level.level)?;
            let replay_ms = t0.elapsed().as_secs_f64() * 1e3;
            if !replayed.mismatches.is_empty() {
                bail!("level {}: the replay differs in {:?}", level.level, replayed.mismatches);
            }
            println!(
                r#"{{"rep":{rep},"level":{},"ticks":{ticks},"ms":{ms:.3},"replay_ms":{replay_ms:.3},"witness_bytes":{}}}"#,
                level.level, replayed.witness_bytes
            );
        }
    }
    Ok(())
}
