//! The chain the node sequences: the runner's state, and levels built the
//! way the L1 would deliver them.
//!
//! [`Chain`] owns the [`Runner`] (the `fast` engine) and is the only writer;
//! readers take a [`View`] of the last committed level through the state
//! database, so RPC answers never wait for the level being run and never see
//! half of one. Block `n` is sealed by level `n + 1`: a new chain runs one
//! empty level at once, so block 0 exists before the first transaction.

pub mod view;

use std::path::Path;

use alloy_primitives::{B256, keccak256};
use host::{InboxMessage, RollupMetadata, inbox::FIRST_BODY_ID};
use pvm_runner::{
    EngineKind, LevelOutcome, Runner, RunnerConfig, RunnerError,
    genesis::Genesis,
    inbox_file::FileLevel,
    runner::DEFAULT_TICK_LIMIT,
    state::{StateError, StateReader},
};

pub use view::{ChainRead, Store, View, ViewError};
use zkos_kernel::bootloader::notes;
pub use zkos_kernel::ee::evm::trace::TraceFrame;
pub use zkos_kernel::simulate::{Request, SimStatus};

/// The most bytes of a transaction one framed external message holds: an
/// inbox message is at most 4,096 bytes, of which the external tag, the
/// framing byte and the rollup address take 22. Larger transactions are
/// sent in chunks (the kernel's `bootloader::chunks`).
pub const MAX_MESSAGE: usize = 4096 - 22;

/// A failure of the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The runner failed.
    #[error(transparent)]
    Runner(#[from] RunnerError),
    /// The state database failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// A new state needs a kernel.
    #[error("the state is new: give a kernel (--kernel) to originate it")]
    NoKernel,
    /// A sealed level did not leave the block the node expects.
    #[error("level {level} should have sealed block {expected}, the latest block is {found:?}")]
    Block {
        /// The level.
        level: u32,
        /// The block it should seal.
        expected: u64,
        /// The latest block after it.
        found: Option<u64>,
    },
    /// Reading back failed.
    #[error(transparent)]
    View(#[from] ViewError),
    /// The kernel's simulation entry did not answer.
    #[error("simulation: {0}")]
    Simulation(String),
    /// A level's run panicked (a bug: the node stops).
    #[error("sealing panicked: {0}")]
    Panicked(String),
}

/// How to open a chain.
#[derive(Debug, Clone, Default)]
pub struct ChainOptions {
    /// The kernel, for a new state (ignored once originated).
    pub kernel: Option<Vec<u8>>,
    /// The genesis, for a new state.
    pub genesis: Option<Genesis>,
    /// The rollup's address, for a new state.
    pub rollup: Option<[u8; 20]>,
    /// Record each level's witness, for `pvm-runner prove`.
    pub record_witness: bool,
}

/// What one sealed level did.
#[derive(Debug)]
pub struct Sealed {
    /// The level.
    pub level: u32,
    /// The block it sealed.
    pub block: u64,
    /// The runner's outcome.
    pub outcome: LevelOutcome,
    /// The transactions given that the block does not hold, in inbox order.
    pub refused: Vec<Refused>,
}

/// A transaction a level was given and the kernel did not include.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Its hash.
    pub hash: B256,
    /// Why, in the kernel's words (its note on the message that carried
    /// the transaction, or on any of its chunks).
    pub reason: String,
}

/// The chain, as its only writer sees it.
pub struct Chain {
    runner: Runner,
    reader: StateReader,
    rollup: [u8; 20],
    last_timestamp: i64,
}

impl Chain {
    /// Opens the state in `dir` (in memory when `None`), originating it with
    /// `options` if it is new, and seals block 0 if there is none yet.
    pub fn open(dir: Option<&Path>, options: ChainOptions) -> Result<Self, ChainError> {
        let config = RunnerConfig {
            engine: EngineKind::Fast,
            tick_limit: DEFAULT_TICK_LIMIT,
            record_witness: options.record_witness,
        };
        let mut runner = Runner::open(dir, config)?;
        if !runner.is_originated() {
            let kernel = options.kernel.ok_or(ChainError::NoKernel)?;
            let metadata = RollupMetadata {
                address: options.rollup.unwrap_or(pvm_runner::runner::DEFAULT_ROLLUP_ADDRESS),
                origination_level: 0,
            };
            runner.originate(kernel, metadata, options.genesis.as_ref())?;
        }
        let rollup = runner.metadata().address;
        let reader = runner.state().reader();
        let mut chain = Self { runner, reader, rollup, last_timestamp: 0 };
        let view = chain.view()?;
        chain.last_timestamp = match view.latest()? {
            Some((n, _)) => view.header(n)?.map_or(0, |h| h.timestamp as i64),
            None => 0,
        };
        drop(view);
        if chain.view()?.latest()?.is_none() {
            chain.seal(&[], &[], now())?;
        }
        Ok(chain)
    }

    /// A reader of the committed chain, for other threads.
    pub fn reader(&self) -> StateReader {
        self.reader.clone()
    }

    /// A view of the last committed level.
    pub fn view(&self) -> Result<View, ChainError> {
        Ok(View::new(self.reader.snapshot()?))
    }

    /// The rollup's address (the framing of its external messages).
    pub fn rollup(&self) -> [u8; 20] {
        self.rollup
    }

    /// The runner (for tests and tools).
    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// Runs the next level over `transactions` (signed EIP-2718 bytes, in
    /// order) and `transfers` (L1 transfers such as deposits, which the L1
    /// puts first), with InfoPerLevel's timestamp `timestamp` — never
    /// below the previous block's, as an L1's are not — and commits it.
    pub fn seal(
        &mut self,
        transactions: &[Vec<u8>],
        transfers: &[InboxMessage],
        timestamp: i64,
    ) -> Result<Sealed, ChainError> {
        let level = self.runner.next_level();
        let expected = u64::from(level) - 1;
        let mut messages = transfers.to_vec();
        // Each transaction's messages, by their index in the level's inbox.
        let id = |messages: &[InboxMessage]| FIRST_BODY_ID + messages.len() as u32;
        let mut carried = Vec::with_capacity(transactions.len());
        for t in transactions {
            let first = id(&messages);
            messages.extend(frame(&self.rollup, t));
            carried.push((keccak256(t), first..id(&messages)));
        }
        let timestamp = timestamp.max(self.last_timestamp);
        let inbox = FileLevel { timestamp: Some(timestamp), messages, ..FileLevel::default() }
            .encode(level);
        let outcome = self.runner.run_level(inbox)?;
        self.last_timestamp = timestamp;
        let view = self.view()?;
        let found = view.latest()?.map(|(n, _)| n);
        if found != Some(expected) {
            return Err(ChainError::Block { level, expected, found });
        }
        let included: std::collections::HashSet<B256> =
            view.block_transactions(expected)?.into_iter().collect();
        let debug = String::from_utf8_lossy(&outcome.debug);
        let notes: Vec<_> = notes::all(&debug).filter(|n| n.level == level).collect();
        let mut refused = Vec::new();
        for (hash, ids) in carried {
            if included.contains(&hash) {
                continue;
            }
            let why: Vec<&str> =
                notes.iter().filter(|n| ids.contains(&n.id)).map(|n| n.why).collect();
            let reason = match why.is_empty() {
                true => "not included by the kernel, which gave no reason".to_owned(),
                false => why.join("; "),
            };
            refused.push(Refused { hash, reason });
        }
        Ok(Sealed { level, block: expected, outcome, refused })
    }
}

/// What a simulated call did (the kernel's `simulate` result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulated {
    /// How it ended.
    pub status: SimStatus,
    /// Gas it used.
    pub gas_used: u64,
    /// Return data, revert data, or the reason it failed.
    pub data: Vec<u8>,
}

impl Chain {
    /// The frames of transaction `hash`, included by `level`: the level is
    /// run again through the kernel's `zkos_trace` export on its pre-state
    /// (rebuilt from the runner's undo records, so for the runner's last
    /// `UNDO_LEVELS` levels), then thrown away. `None` if the re-run did not
    /// run the transaction.
    pub fn trace(
        &mut self,
        level: u32,
        hash: &B256,
    ) -> Result<Option<Vec<TraceFrame>>, ChainError> {
        use zkos_kernel::ee::evm::trace;
        let rerun = self.runner.rerun_level(level, zkos_kernel::TRACE_ENTRY, trace::PREFIX)?;
        let path = trace::path(hash).into_bytes();
        let Some((_, bytes)) = rerun.results.into_iter().find(|(p, _)| *p == path) else {
            return Ok(None);
        };
        trace::decode(&bytes)
            .map(Some)
            .ok_or_else(|| ChainError::Simulation(format!("the trace of {hash} does not decode")))
    }

    /// An in-memory copy of the chain's runner for simulations, kept up to
    /// date with [`Runner::apply_level`] and each sealed level's writes.
    pub fn simulator(&self) -> Result<Runner, ChainError> {
        Ok(self.runner.simulator()?)
    }
}

/// Runs `request` through the kernel's simulation entry on a throwaway copy
/// of `runner`'s state (see the kernel's `simulate` module): the node's
/// simulator, a copy of the chain's runner, so a call never waits for a
/// level being sealed.
pub fn simulate(runner: &mut Runner, request: &Request) -> Result<Simulated, ChainError> {
    let sim = runner.simulate(
        zkos_kernel::simulate::ENTRY,
        zkos_kernel::simulate::REQUEST_PATH,
        request.encode(),
        zkos_kernel::simulate::RESULT_PATH,
    )?;
    let why = |what: String| {
        let debug = String::from_utf8_lossy(&sim.debug).trim().to_owned();
        ChainError::Simulation(if debug.is_empty() { what } else { format!("{what} ({debug})") })
    };
    if let Some(f) = &sim.failure {
        return Err(why(format!("the kernel's simulation failed: {f}")));
    }
    let result = sim.result.as_deref().ok_or_else(|| why("the kernel wrote no result".into()))?;
    let Some((&status, rest)) = result.split_first() else {
        return Err(why("an empty result".into()));
    };
    let (gas, data) = rest.split_first_chunk::<8>().ok_or_else(|| why("a short result".into()))?;
    let status = match status {
        0 => SimStatus::Success,
        1 => SimStatus::Reverted,
        2 => SimStatus::Failed,
        3 => SimStatus::NotRun,
        s => return Err(why(format!("result status {s}"))),
    };
    Ok(Simulated { status, gas_used: u64::from_be_bytes(*gas), data: data.to_vec() })
}

/// The level that sealed block `block` (`None` past any level).
pub fn sealing_level(block: u64) -> Option<u32> {
    u32::try_from(block.checked_add(1)?).ok()
}

/// `tx` as the external messages that carry it to `rollup`: one framed
/// message, or chunks when it is larger than a message holds.
pub fn frame(rollup: &[u8; 20], tx: &[u8]) -> Vec<InboxMessage> {
    let parts = match tx.len() > MAX_MESSAGE {
        true => zkos_kernel::bootloader::chunks::split(tx, MAX_MESSAGE),
        false => vec![tx.to_vec()],
    };
    parts.into_iter().map(|p| InboxMessage::External([&[0u8][..], rollup, &p].concat())).collect()
}

/// The L1 transfer by which the bridge contract `ticketer` deposits
/// `mutez` of the native ticket to `receiver` on `rollup` (the shape the
/// kernel's `bootloader::deposit` reads), as a development node's stand-in
/// for the L1.
pub fn deposit(
    rollup: [u8; 20],
    ticketer: [u8; 20],
    receiver: &alloy_primitives::Address,
    mutez: u64,
) -> Result<InboxMessage, String> {
    let ticket = format!(
        "Pair 0x{} (Pair 0x01{}00 (Pair (Pair 0 None) {mutez}))",
        hex::encode(receiver),
        hex::encode(ticketer)
    );
    let payload = pvm_runner::micheline::encode_data(&ticket)?;
    Ok(InboxMessage::Transfer { payload, sender: ticketer, source: [0; 21], destination: rollup })
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
