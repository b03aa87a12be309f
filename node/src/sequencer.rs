//! The sequencer: takes transactions from the pool into levels and seals
//! them, one level per block time (when there is anything to include), or
//! as soon as a transaction arrives with `--instant`.
//!
//! A transaction the kernel refuses at sealing leaves the pool with its
//! reason logged and kept ([`crate::refusals`]), so it is never offered to
//! a level twice: a level is sealed only when the pool has a transaction
//! to offer or a deposit waits, and each offered transaction is then
//! included or dropped. So the number of levels a node seals is bounded by
//! what arrives, whatever the pool holds (transactions behind a nonce gap
//! wait without being offered).

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use host::InboxMessage;
use layout::ChainConfig;
use pvm_runner::{Runner, state::StateReader};
use tokio::sync::{Notify, broadcast};

use crate::{
    chain::{self, Chain, ChainError, ChainRead, Request, Sealed, Simulated, View, now},
    mempool::Mempool,
    refusals::{Refusal, Refusals},
};

/// The most transactions one level takes (the kernel reboots within a
/// level as its work needs; this bounds one level's latency).
pub const MAX_TRANSACTIONS_PER_LEVEL: usize = 2_000;

/// When levels are sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealing {
    /// As soon as a transaction (or deposit) waits.
    Instant,
    /// Once per interval, if anything waits.
    Every(Duration),
}

/// What the RPC server and the sequencer share.
pub struct Shared {
    /// Reads of the committed chain.
    pub reader: StateReader,
    /// The chain configuration (fixed at genesis).
    pub config: ChainConfig,
    /// The rollup's address.
    pub rollup: [u8; 20],
    /// Transactions waiting.
    pub pool: Mutex<Mempool>,
    /// Transactions the kernel refused at sealing, and why.
    pub refusals: Mutex<Refusals>,
    /// L1 transfers (deposits) for the next level.
    pub transfers: Mutex<Vec<InboxMessage>>,
    /// The only writer of the chain.
    pub chain: Mutex<Chain>,
    /// A copy of the chain's runner that `eth_call` and `eth_estimateGas`
    /// run on, brought up to date after each sealed level, so calls never
    /// wait for a level being sealed.
    pub simulator: Mutex<Runner>,
    /// Woken when something waits to be sealed.
    pub arrived: Notify,
    /// The number of each block sealed.
    pub heads: broadcast::Sender<u64>,
}

impl Shared {
    /// A view of the last committed level.
    pub fn view(&self) -> Result<View, ChainError> {
        Ok(View::new(self.reader.snapshot()?))
    }

    /// The pool, locked (a panic elsewhere leaves it usable: every change
    /// to it is one insert or one prune).
    pub fn pool(&self) -> std::sync::MutexGuard<'_, Mempool> {
        self.pool.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The refusals, locked (each change is one record or one forget).
    pub fn refusals(&self) -> std::sync::MutexGuard<'_, Refusals> {
        self.refusals.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `request` through the kernel's simulation entry on a throwaway
    /// copy of the last sealed level's state (the simulator's).
    pub fn simulate(&self, request: &Request) -> Result<Simulated, ChainError> {
        // A level is committed (and readers see it) a moment before the
        // sealer hands its writes to the simulator: a call that comes in
        // between waits for them, so it never sees less than a receipt did.
        let committed = self.reader.snapshot()?.next_level()?;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let mut simulator = self.simulator.lock().unwrap_or_else(PoisonError::into_inner);
            if simulator.next_level() >= committed {
                return chain::simulate(&mut simulator, request);
            }
            drop(simulator);
            if std::time::Instant::now() > deadline {
                return Err(ChainError::Simulation(format!(
                    "the simulator did not reach level {committed} (the sequencer stopped?)"
                )));
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// Queues an L1 transfer for the next level.
    pub fn push_transfer(&self, m: InboxMessage) {
        self.transfers.lock().unwrap_or_else(PoisonError::into_inner).push(m);
        self.arrived.notify_one();
    }

    /// The transactions the next level would be offered, at most `max`.
    fn batch(&self, view: &View, max: usize) -> Vec<crate::mempool::Pending> {
        let nonce = |s: &alloy_primitives::Address| view.nonce(s).unwrap_or(0);
        self.pool().select(
            nonce,
            u128::from(self.config.base_fee_per_gas),
            self.config.block_gas_limit,
            max,
        )
    }

    /// Whether a level sealed now would be offered anything.
    pub fn has_work(&self) -> Result<bool, ChainError> {
        let waiting = !self.transfers.lock().unwrap_or_else(PoisonError::into_inner).is_empty();
        Ok(waiting || !self.batch(&self.view()?, 1).is_empty())
    }

    /// Seals one level with what waits; `None` when nothing does.
    pub fn seal_once(&self) -> Result<Option<Sealed>, ChainError> {
        let batch = self.batch(&self.view()?, MAX_TRANSACTIONS_PER_LEVEL);
        let transfers =
            std::mem::take(&mut *self.transfers.lock().unwrap_or_else(PoisonError::into_inner));
        if batch.is_empty() && transfers.is_empty() {
            return Ok(None);
        }
        let raws: Vec<Vec<u8>> = batch.into_iter().map(|p| p.raw).collect();
        let sealed = {
            let mut chain = self.chain.lock().unwrap_or_else(PoisonError::into_inner);
            let sealed = chain.seal(&raws, &transfers, now())?;
            // The simulator takes the level's writes if it stood just
            // before it; otherwise (a level sealed past `seal_once`, through
            // `Chain::seal`) it is copied again.
            let mut simulator = self.simulator.lock().unwrap_or_else(PoisonError::into_inner);
            if simulator.next_level() == sealed.level {
                simulator.apply_level(&sealed.outcome.written)?;
            } else {
                *simulator = chain.simulator()?;
            }
            sealed
        };
        let view = self.view()?;
        self.drop_refused(&sealed, &view);
        self.pool().prune(|s| view.nonce(s).unwrap_or(0));
        // No subscriber is not an error.
        let _ = self.heads.send(sealed.block);
        Ok(Some(sealed))
    }

    /// Drops from the pool what the level refused, logging and keeping why;
    /// `view` reads the state after the level. A transaction refused only
    /// because an earlier one of its sender was (its nonce is now ahead of
    /// the account's) stays, behind the gap, as geth demotes such
    /// transactions to its queue: it is not offered again until a
    /// transaction fills the gap.
    fn drop_refused(&self, sealed: &Sealed, view: &View) {
        let mut pool = self.pool();
        let mut refusals = self.refusals();
        for r in &sealed.refused {
            let ahead = pool
                .get(&r.hash)
                .is_some_and(|p| p.tx.nonce > view.nonce(&p.tx.sender).unwrap_or(u64::MAX));
            if ahead {
                tracing::info!(
                    level = sealed.level,
                    tx = %r.hash,
                    reason = %r.reason,
                    "transaction not included, waits behind its sender's nonce gap"
                );
                continue;
            }
            tracing::info!(
                level = sealed.level,
                block = sealed.block,
                tx = %r.hash,
                reason = %r.reason,
                "transaction refused by the kernel, dropped from the pool"
            );
            pool.remove(&r.hash);
            let refusal =
                Refusal { level: sealed.level, block: sealed.block, reason: r.reason.clone() };
            refusals.record(r.hash, refusal);
        }
    }
}

/// Seals levels until a seal fails (the state database could not be
/// written: the node must stop rather than run ahead of what is committed).
pub async fn run(shared: Arc<Shared>, sealing: Sealing) -> Result<(), ChainError> {
    let mut interval = match sealing {
        Sealing::Every(d) => Some(tokio::time::interval(d)),
        Sealing::Instant => None,
    };
    loop {
        match interval.as_mut() {
            Some(i) => {
                i.tick().await;
            }
            None => shared.arrived.notified().await,
        }
        let s = Arc::clone(&shared);
        let sealed = tokio::task::spawn_blocking(move || s.seal_once())
            .await
            .map_err(|e| ChainError::Panicked(e.to_string()))??;
        // With `--instant`, what arrived while this level ran goes next;
        // transactions that cannot be offered yet (behind a nonce gap) wait
        // for the one that fills it, which notifies.
        if sealed.is_some() && interval.is_none() && shared.has_work()? {
            shared.arrived.notify_one();
        }
    }
}
