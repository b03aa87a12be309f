//! The command line: one module per subcommand.
//!
//! Everything a command prints goes through `writeln!` on standard output
//! ([`outln!`] below), so a reader that closes the pipe early (`| head`)
//! ends the command quietly instead of panicking as `println!` does.

/// `println!` that returns the write's error instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

pub mod export;
pub mod inspect;
pub mod prove;
pub mod run;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Runs Tezos-style WASM rollup kernels over inbox levels.
#[derive(Debug, Parser)]
#[command(name = "pvm-runner", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a kernel over the levels of an inbox file.
    Run(run::RunCmd),
    /// Read durable storage of a state directory.
    Inspect(inspect::InspectCmd),
    /// Replay a level from its witness alone and check it.
    Prove(prove::ProveCmd),
    /// Write a state's committed inboxes as an inbox file (to replay it).
    Export(export::ExportCmd),
}

/// Parses the arguments and runs the command; errors go to stderr.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(cmd) => cmd.run(),
        Command::Inspect(cmd) => cmd.run(),
        Command::Prove(cmd) => cmd.run(),
        Command::Export(cmd) => cmd.run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing more is wanted.
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Whether `e` is, or was caused by, writing to a closed pipe.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
