//! The `zkos-node` command line (the binary is a call to [`main`]).

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use crate::{
    ChainOptions, Node, NodeConfig, Sealing, chain::ChainRead, mempool::PoolLimits, rpc::RpcLimits,
};
use anyhow::Context;
use clap::{Parser, Subcommand};
use pvm_runner::{genesis::Genesis, inbox_file::base58};

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "zkos-node", version, about = "The Zk OS sequencer with Ethereum JSON-RPC")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Open (or originate) a state and sequence it, serving JSON-RPC.
    Run(RunCmd),
}

#[derive(Debug, clap::Args)]
struct RunCmd {
    /// The state directory (created and originated when new).
    #[arg(long)]
    state: PathBuf,
    /// The kernel (.wasm), for a new state.
    #[arg(long)]
    kernel: Option<PathBuf>,
    /// The genesis (chain configuration and accounts), for a new state.
    #[arg(long)]
    genesis: Option<PathBuf>,
    /// The rollup's address (sr1…), for a new state.
    #[arg(long)]
    rollup_address: Option<String>,
    /// Where to serve JSON-RPC (HTTP and WebSocket).
    #[arg(long, default_value = "127.0.0.1:8545")]
    rpc: SocketAddr,
    /// Seal one level per this interval when anything waits (e.g. 1s, 500ms).
    #[arg(long, default_value = "1s", value_parser = parse_duration, conflicts_with = "instant")]
    block_time: Duration,
    /// Seal a level as soon as a transaction arrives.
    #[arg(long)]
    instant: bool,
    /// Record each level's witness, for `pvm-runner prove`.
    #[arg(long)]
    witness: bool,
    /// The largest JSON-RPC request body, in bytes.
    #[arg(long, default_value_t = RpcLimits::default().max_request_bytes)]
    max_request_bytes: u32,
    /// The most calls in one JSON-RPC batch.
    #[arg(long, default_value_t = RpcLimits::default().max_batch)]
    max_batch: u32,
    /// The most JSON-RPC connections at once.
    #[arg(long, default_value_t = RpcLimits::default().max_connections)]
    max_connections: u32,
    /// Calls per second one client (IP address) may make, 0 for no limit;
    /// calls over it are answered -32005.
    #[arg(long, default_value_t = RpcLimits::default().rate_per_second)]
    rate_limit: u32,
    /// Calls one client may make at once before --rate-limit applies.
    #[arg(long, default_value_t = RpcLimits::default().rate_burst)]
    rate_burst: u32,
    /// The most transactions waiting in the pool.
    #[arg(long, default_value_t = PoolLimits::default().max_transactions)]
    max_pool: usize,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().map_err(|_| format!("`{s}`: expected a number then ms or s"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" | "" => Ok(Duration::from_secs(n)),
        _ => Err(format!("`{s}`: the unit is ms or s")),
    }
    .and_then(|d| if d.is_zero() { Err("the block time must be positive".into()) } else { Ok(d) })
}

/// Parses the command line and runs it; errors are printed with their
/// causes.
pub fn main() -> ExitCode {
    let Command::Run(cmd) = Cli::parse().command;
    init_log();
    let result = tokio::runtime::Runtime::new()
        .context("starting the async runtime")
        .and_then(|rt| rt.block_on(run(cmd)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zkos-node: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The node's log on standard error: `RUST_LOG` if set, else the node's
/// own events at `info` (each refused transaction with its reason) and
/// its dependencies' warnings.
fn init_log() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("zkos_node=info,warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

async fn run(cmd: RunCmd) -> anyhow::Result<()> {
    let kernel = cmd
        .kernel
        .as_ref()
        .map(|p| std::fs::read(p).with_context(|| format!("reading the kernel {}", p.display())))
        .transpose()?;
    let genesis = match &cmd.genesis {
        Some(p) => {
            let json = std::fs::read_to_string(p)
                .with_context(|| format!("reading the genesis {}", p.display()))?;
            Some(Genesis::parse(&json).with_context(|| format!("genesis {}", p.display()))?)
        }
        None => None,
    };
    let rollup = cmd
        .rollup_address
        .as_deref()
        .map(base58::sr1)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--rollup-address: {e}"))?;
    let sealing = if cmd.instant { Sealing::Instant } else { Sealing::Every(cmd.block_time) };
    let config = NodeConfig {
        state: Some(cmd.state.clone()),
        chain: ChainOptions { kernel, genesis, rollup, record_witness: cmd.witness },
        rpc: cmd.rpc,
        sealing,
        pool: PoolLimits { max_transactions: cmd.max_pool, ..PoolLimits::default() },
        limits: RpcLimits {
            max_request_bytes: cmd.max_request_bytes,
            max_batch: cmd.max_batch,
            max_connections: cmd.max_connections,
            rate_per_second: cmd.rate_limit,
            rate_burst: cmd.rate_burst,
            ..RpcLimits::default()
        },
    };
    let node = Node::start(config).await.context("starting the node")?;
    let view = node.shared.view()?;
    let head = view.latest()?.map_or(0, |(n, _)| n);
    eprintln!(
        "zkos-node: chain id {}, block {head}, JSON-RPC on http://{} (state {})",
        node.shared.config.chain_id,
        node.addr,
        cmd.state.display()
    );
    drop(view);
    node.wait().await.context("sequencing")?;
    Ok(())
}
