//! The `zkos-load` command line; see the library's docs.

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::Context;
use clap::Parser;
use zkos_load::{LoadConfig, run};

/// Sends signed ERC-20 transfers over JSON-RPC from many accounts and
/// reports sealed transfers per second and request latencies.
#[derive(Debug, Parser)]
#[command(name = "zkos-load", version)]
struct Cli {
    /// The node's HTTP JSON-RPC URL.
    #[arg(long, default_value = "http://127.0.0.1:8545")]
    rpc: String,
    /// A funded key on that node (0x-prefixed hex).
    #[arg(long)]
    key: String,
    /// The compiled ZkToken artefact (contracts/build/ZkToken.json).
    #[arg(long)]
    token: PathBuf,
    /// Accounts sending at once.
    #[arg(long, default_value_t = 32)]
    accounts: usize,
    /// Transfers in all.
    #[arg(long, default_value_t = 2_000)]
    transfers: usize,
    /// eth_call latencies to sample during the load.
    #[arg(long, default_value_t = 500)]
    calls: usize,
    /// Seconds to wait for receipts.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    match main_inner() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zkos-load: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn main_inner() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let key = hex::decode(cli.key.trim_start_matches("0x")).context("--key is not hex")?;
    let funder: [u8; 32] = key.try_into().map_err(|_| anyhow::anyhow!("--key is not 32 bytes"))?;
    let artefact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&cli.token)
            .with_context(|| format!("reading {}", cli.token.display()))?,
    )
    .with_context(|| format!("{} is not JSON", cli.token.display()))?;
    let bytecode = artefact["bytecode"].as_str().context("the artefact has no bytecode")?;
    let token_initcode =
        hex::decode(bytecode.trim_start_matches("0x")).context("the bytecode is not hex")?;
    let config = LoadConfig {
        rpc: cli.rpc,
        funder,
        token_initcode,
        accounts: cli.accounts,
        transfers: cli.transfers,
        calls: cli.calls,
        timeout: Duration::from_secs(cli.timeout),
    };
    let report = tokio::runtime::Runtime::new()?.block_on(run(&config))?;
    if cli.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{}: {} transfers from {} accounts in {:.2} s = {:.0} transfers/s in {} blocks; \
             eth_sendRawTransaction p50 {:.2} ms p99 {:.2} ms; eth_call p50 {:.2} ms p99 {:.2} ms",
            report.client,
            report.transfers,
            report.accounts,
            report.seconds,
            report.transfers_per_second,
            report.blocks,
            report.send.p50_ms,
            report.send.p99_ms,
            report.call.p50_ms,
            report.call.p99_ms
        );
    }
    Ok(())
}
