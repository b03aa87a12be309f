//! `pvm-runner export`: a state's committed inboxes as an inbox file, so
//! another run (either engine, with `--witness` for `prove`) replays its
//! history — a node's, say — from genesis.

use std::{io::Write, path::PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use host::InboxMessage;
use serde::Serialize;

use crate::{
    inbox_file::{base58, default_predecessor},
    state::State,
};

/// Write the inboxes a state committed as an inbox file.
///
/// Each level becomes `{"timestamp": …, "messages": [{"serialized": …}]}`
/// (with `"predecessor"` where its InfoPerLevel's block hash is not the
/// runner's default): its messages between InfoPerLevel and EndOfLevel, as
/// the kernel read them. Running the file with the same kernel, genesis,
/// rollup address and first level (`run --first-level`, when the state's
/// is not 1) gives the same roots, level by level. Levels that do not start
/// with StartOfLevel and InfoPerLevel and end with EndOfLevel cannot be
/// written in the format and are refused.
#[derive(Debug, Args)]
pub struct ExportCmd {
    /// The state directory.
    #[arg(long)]
    pub state: PathBuf,
    /// Where to write the file (standard output when absent).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct Level {
    timestamp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    predecessor: Option<String>,
    messages: Vec<Message>,
}

#[derive(Debug, Serialize)]
struct Message {
    serialized: String,
}

impl ExportCmd {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<()> {
        let state = State::open(Some(&self.state))
            .with_context(|| format!("opening the state {}", self.state.display()))?;
        let mut levels = Vec::new();
        let mut level = state.first_level()?;
        if level != 1 {
            eprintln!(
                "note: the state's first level is {level}: replay with --first-level {level}"
            );
        }
        while let Some(inbox) = state.inbox(level)? {
            levels.push(export_level(level, &inbox)?);
            level += 1;
        }
        let json = serde_json::to_string_pretty(&levels)?;
        match &self.out {
            Some(p) => {
                std::fs::write(p, json).with_context(|| format!("writing {}", p.display()))?
            }
            None => writeln!(std::io::stdout(), "{json}")?,
        }
        Ok(())
    }
}

fn export_level(level: u32, inbox: &[Vec<u8>]) -> anyhow::Result<Level> {
    let (Some(first), Some(info), Some(last)) = (inbox.first(), inbox.get(1), inbox.last()) else {
        bail!("level {level} has fewer than three messages: not a level the runner made");
    };
    let [0, 3, rest @ ..] = info.as_slice() else {
        bail!("level {level}: its second message is not InfoPerLevel");
    };
    let Some((ts, predecessor)) = rest.split_first_chunk::<8>() else {
        bail!("level {level}: a truncated InfoPerLevel");
    };
    let timestamp = i64::from_be_bytes(*ts);
    let predecessor: [u8; 32] = predecessor.try_into().map_err(|_| {
        anyhow::anyhow!("level {level}: InfoPerLevel's predecessor is not 32 bytes")
    })?;
    if *first != InboxMessage::StartOfLevel.encode()
        || *last != InboxMessage::EndOfLevel.encode()
        || inbox.len() < 3
    {
        bail!(
            "level {level} does not start with StartOfLevel and InfoPerLevel and end with \
             EndOfLevel: an inbox file cannot express it"
        );
    }
    let predecessor = (predecessor != default_predecessor(level))
        .then(|| base58::encode_block_hash(&predecessor));
    let messages =
        inbox[2..inbox.len() - 1].iter().map(|m| Message { serialized: hex::encode(m) }).collect();
    Ok(Level { timestamp, predecessor, messages })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox_file::{self, FileLevel};

    #[test]
    fn an_exported_level_parses_back_to_the_same_inbox() {
        let messages = vec![
            InboxMessage::External(vec![0, 1, 2]),
            InboxMessage::Transfer {
                payload: vec![5],
                sender: [1; 20],
                source: [0; 21],
                destination: [2; 20],
            },
        ];
        for predecessor in [None, Some([9; 32])] {
            let level = FileLevel {
                timestamp: Some(1_700_000_123),
                predecessor,
                messages: messages.clone(),
            };
            let inbox = level.encode(7);
            let exported = export_level(7, &inbox).unwrap();
            assert_eq!(exported.predecessor.is_some(), predecessor.is_some());
            let json = serde_json::to_string(&vec![exported]).unwrap();
            let parsed = inbox_file::parse(&json, 7, [2; 20]).unwrap();
            assert_eq!(parsed[0].encode(7), inbox);
        }
    }

    #[test]
    fn a_level_the_format_cannot_express_is_refused() {
        let mut inbox = host::inbox::level_messages(0, [9; 32], &[InboxMessage::Raw(vec![1])]);
        inbox.pop(); // no EndOfLevel
        let err = export_level(1, &inbox).unwrap_err().to_string();
        assert!(err.contains("end with EndOfLevel"), "{err}");
        assert!(export_level(1, &[vec![0, 1]]).is_err());
    }
}
