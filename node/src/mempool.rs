//! Transactions accepted and not yet sealed.
//!
//! Per sender, transactions wait by nonce; a level takes, from every sender,
//! the run of nonces that starts at the account's committed nonce, choosing
//! among senders by the tip they pay (highest first) until the block's gas
//! limit is reached. A transaction with a nonce beyond a gap waits (up to
//! [`PoolLimits::max_nonce_gap`] ahead) until the gap is filled. A
//! transaction at a nonce already waiting replaces it only if it raises both
//! fee fields by [`PoolLimits::price_bump_percent`].
//!
//! The pool lives in memory: a node that stops loses it (wallets send
//! again), and nothing committed depends on it.

use std::collections::{BTreeMap, HashMap};

use alloy_primitives::{Address, B256};
use zkos_kernel::tx::{Fee, Transaction};

/// Bounds on what the pool holds.
#[derive(Debug, Clone, Copy)]
pub struct PoolLimits {
    /// The most transactions waiting in all.
    pub max_transactions: usize,
    /// The most transactions one sender may have waiting.
    pub max_per_sender: usize,
    /// How far beyond the next nonce a transaction may be.
    pub max_nonce_gap: u64,
    /// The fee raise, in percent, that a replacement needs.
    pub price_bump_percent: u128,
}

impl Default for PoolLimits {
    fn default() -> Self {
        Self {
            max_transactions: 20_000,
            max_per_sender: 1_000,
            max_nonce_gap: 1_000,
            price_bump_percent: 10,
        }
    }
}

/// Why the pool refused a transaction. The messages are the ones Ethereum
/// clients show (geth's), so libraries that match on them keep working.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// The same transaction is already waiting.
    #[error("already known")]
    AlreadyKnown,
    /// A transaction at that nonce waits with a fee not enough below.
    #[error("replacement transaction underpriced")]
    ReplacementUnderpriced,
    /// The pool is full.
    #[error("txpool is full")]
    Full,
    /// The sender has too many waiting.
    #[error("account has too many pending transactions ({0})")]
    SenderFull(usize),
    /// Too far beyond the account's next nonce.
    #[error("nonce too high: next nonce {next}, tx nonce {nonce}")]
    NonceTooHigh {
        /// The next nonce the account can use.
        next: u64,
        /// The transaction's.
        nonce: u64,
    },
}

/// A transaction waiting.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Its EIP-2718 bytes.
    pub raw: Vec<u8>,
    /// It decoded, with its sender.
    pub tx: Transaction,
}

impl Pending {
    /// What it pays the coinbase per gas at `base_fee` (its priority).
    pub fn tip(&self, base_fee: u128) -> u128 {
        match self.tx.fee {
            Fee::Legacy { gas_price } => gas_price.saturating_sub(base_fee),
            Fee::Dynamic { max_fee_per_gas, max_priority_fee_per_gas } => {
                max_priority_fee_per_gas.min(max_fee_per_gas.saturating_sub(base_fee))
            }
        }
    }

    fn fee_fields(&self) -> (u128, u128) {
        match self.tx.fee {
            Fee::Legacy { gas_price } => (gas_price, gas_price),
            Fee::Dynamic { max_fee_per_gas, max_priority_fee_per_gas } => {
                (max_fee_per_gas, max_priority_fee_per_gas)
            }
        }
    }
}

/// The pool.
#[derive(Debug, Default)]
pub struct Mempool {
    by_sender: HashMap<Address, BTreeMap<u64, Pending>>,
    by_hash: HashMap<B256, (Address, u64)>,
    limits: PoolLimits,
}

impl Mempool {
    /// An empty pool with `limits`.
    pub fn new(limits: PoolLimits) -> Self {
        Self { limits, ..Self::default() }
    }

    /// How many transactions wait.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// A waiting transaction.
    pub fn get(&self, hash: &B256) -> Option<&Pending> {
        let (sender, nonce) = self.by_hash.get(hash)?;
        self.by_sender.get(sender)?.get(nonce)
    }

    /// The nonce `sender`'s next transaction would use, counting those
    /// waiting in a run from `committed` (the account's nonce).
    pub fn pending_nonce(&self, sender: &Address, committed: u64) -> u64 {
        let mut next = committed;
        if let Some(q) = self.by_sender.get(sender) {
            for n in q.range(committed..).map(|(n, _)| *n) {
                if n != next {
                    break;
                }
                next += 1;
            }
        }
        next
    }

    /// Adds `p`; `committed` is its sender's nonce in the committed state
    /// (the caller has refused nonces below it).
    pub fn insert(&mut self, p: Pending, committed: u64) -> Result<(), PoolError> {
        if self.by_hash.contains_key(&p.tx.hash) {
            return Err(PoolError::AlreadyKnown);
        }
        let next = self.pending_nonce(&p.tx.sender, committed);
        if p.tx.nonce > next.saturating_add(self.limits.max_nonce_gap) {
            return Err(PoolError::NonceTooHigh { next, nonce: p.tx.nonce });
        }
        let bump = self.limits.price_bump_percent;
        let queue = self.by_sender.entry(p.tx.sender).or_default();
        if let Some(old) = queue.get(&p.tx.nonce) {
            let (old_cap, old_tip) = old.fee_fields();
            let (cap, tip) = p.fee_fields();
            let raised =
                |new: u128, old: u128| new.saturating_mul(100) >= old.saturating_mul(100 + bump);
            if !(raised(cap, old_cap) && raised(tip, old_tip)) {
                return Err(PoolError::ReplacementUnderpriced);
            }
            self.by_hash.remove(&old.tx.hash);
        } else {
            if queue.len() >= self.limits.max_per_sender {
                return Err(PoolError::SenderFull(queue.len()));
            }
            if self.by_hash.len() >= self.limits.max_transactions {
                return Err(PoolError::Full);
            }
        }
        self.by_hash.insert(p.tx.hash, (p.tx.sender, p.tx.nonce));
        queue.insert(p.tx.nonce, p);
        Ok(())
    }

    /// The transactions of the next level, in order: from every sender its
    /// run of nonces from `committed(sender)`, highest tip first among the
    /// senders' next transactions, while their gas limits fit in `gas_limit`
    /// and at most `max` of them.
    pub fn select(
        &self,
        committed: impl Fn(&Address) -> u64,
        base_fee: u128,
        gas_limit: u64,
        max: usize,
    ) -> Vec<Pending> {
        use std::{cmp::Reverse, collections::BinaryHeap};
        let entry = |sender: &Address, nonce: u64| {
            let p = self.by_sender.get(sender)?.get(&nonce)?;
            Some((p.tip(base_fee), Reverse(p.tx.hash), *sender, nonce))
        };
        let mut heads: BinaryHeap<_> =
            self.by_sender.keys().filter_map(|s| entry(s, committed(s))).collect();
        let mut out = Vec::new();
        let mut gas = 0u64;
        while out.len() < max {
            let Some((_, _, sender, nonce)) = heads.pop() else { break };
            let Some(p) = self.by_sender.get(&sender).and_then(|q| q.get(&nonce)) else { continue };
            // A sender whose next transaction does not fit waits for the
            // next block; the others may still fit.
            if let Some(g) = gas.checked_add(p.tx.gas_limit)
                && g <= gas_limit
            {
                gas = g;
                out.push(p.clone());
                heads.extend(entry(&sender, nonce + 1));
            }
        }
        out
    }

    /// Drops the transaction `hash` (one the kernel refused). Its sender's
    /// later transactions stay, waiting behind the gap as geth queues
    /// them: a new transaction at the dropped nonce makes them executable
    /// again.
    pub fn remove(&mut self, hash: &B256) -> Option<Pending> {
        let (sender, nonce) = self.by_hash.remove(hash)?;
        let queue = self.by_sender.get_mut(&sender)?;
        let p = queue.remove(&nonce);
        if queue.is_empty() {
            self.by_sender.remove(&sender);
        }
        p
    }

    /// Drops every transaction whose nonce the committed state has passed
    /// (included, or replaced by another at the same nonce); `committed`
    /// gives each sender's nonce after the level.
    pub fn prune(&mut self, committed: impl Fn(&Address) -> u64) {
        let by_hash = &mut self.by_hash;
        self.by_sender.retain(|sender, queue| {
            let next = committed(sender);
            let keep = queue.split_off(&next);
            for p in queue.values() {
                by_hash.remove(&p.tx.hash);
            }
            *queue = keep;
            !queue.is_empty()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wallet::{Call, Wallet};

    fn pending(w: &Wallet, nonce: u64, tip: u128, gas: u64) -> Pending {
        let raw = w.sign_1559(1, &Call::transfer(Address::ZERO, 1), nonce, 100 + tip, tip, gas);
        Pending { tx: zkos_kernel::tx::decode(&raw).unwrap(), raw }
    }

    #[test]
    fn pending_nonce_counts_the_run_of_waiting_nonces() {
        let a = Wallet::from_seed(1);
        let mut pool = Mempool::default();
        for n in [3, 4, 6] {
            pool.insert(pending(&a, n, 1, 21_000), 3).unwrap();
        }
        assert_eq!(pool.pending_nonce(&a.address(), 3), 5);
        assert_eq!(pool.pending_nonce(&a.address(), 7), 7);
        assert_eq!(pool.insert(pending(&a, 3, 1, 21_000), 3), Err(PoolError::AlreadyKnown));
    }

    #[test]
    fn a_replacement_must_raise_the_fee() {
        let a = Wallet::from_seed(1);
        let mut pool = Mempool::default();
        pool.insert(pending(&a, 0, 10, 21_000), 0).unwrap();
        assert_eq!(
            pool.insert(pending(&a, 0, 10, 22_000), 0),
            Err(PoolError::ReplacementUnderpriced)
        );
        pool.insert(pending(&a, 0, 30, 21_000), 0).unwrap();
        assert_eq!(pool.len(), 1);
        assert_eq!(pool.select(|_| 0, 100, u64::MAX, 10)[0].tip(100), 30);
    }

    #[test]
    fn select_takes_nonce_runs_by_tip_within_the_gas_limit() {
        let (a, b) = (Wallet::from_seed(1), Wallet::from_seed(2));
        let mut pool = Mempool::default();
        pool.insert(pending(&a, 0, 1, 21_000), 0).unwrap();
        pool.insert(pending(&a, 1, 9, 21_000), 0).unwrap();
        pool.insert(pending(&a, 3, 9, 21_000), 0).unwrap(); // after a gap: waits
        pool.insert(pending(&b, 5, 5, 21_000), 5).unwrap();
        let order: Vec<(Address, u64)> = pool
            .select(|s| if *s == b.address() { 5 } else { 0 }, 100, u64::MAX, 10)
            .iter()
            .map(|p| (p.tx.sender, p.tx.nonce))
            .collect();
        assert_eq!(order, [(b.address(), 5), (a.address(), 0), (a.address(), 1)]);
        let two = pool.select(|s| if *s == b.address() { 5 } else { 0 }, 100, 42_000, 10);
        assert_eq!(two.len(), 2);
    }

    #[test]
    fn prune_drops_what_the_state_passed() {
        let a = Wallet::from_seed(1);
        let mut pool = Mempool::default();
        for n in 0..4 {
            pool.insert(pending(&a, n, 1, 21_000), 0).unwrap();
        }
        pool.prune(|_| 2);
        assert_eq!(pool.len(), 2);
        assert_eq!(pool.pending_nonce(&a.address(), 2), 4);
        pool.prune(|_| 9);
        assert!(pool.is_empty());
    }

    #[test]
    fn a_removed_transaction_leaves_its_successors_waiting_behind_the_gap() {
        let a = Wallet::from_seed(1);
        let mut pool = Mempool::default();
        let txs: Vec<_> = (0..3).map(|n| pending(&a, n, 1, 21_000)).collect();
        for p in &txs {
            pool.insert(p.clone(), 0).unwrap();
        }
        assert_eq!(pool.remove(&txs[0].tx.hash).map(|p| p.tx.nonce), Some(0));
        assert!(pool.remove(&txs[0].tx.hash).is_none());
        assert!(pool.select(|_| 0, 100, u64::MAX, 10).is_empty(), "nonce 0 is missing");
        assert_eq!(pool.pending_nonce(&a.address(), 0), 0);
        pool.insert(pending(&a, 0, 2, 21_000), 0).unwrap();
        assert_eq!(pool.select(|_| 0, 100, u64::MAX, 10).len(), 3, "the gap is filled");
        for p in &txs[1..] {
            pool.remove(&p.tx.hash);
        }
        pool.prune(|_| 1);
        assert!(pool.is_empty());
    }

    #[test]
    fn limits_bound_the_pool() {
        let a = Wallet::from_seed(1);
        let limits = PoolLimits {
            max_transactions: 2,
            max_per_sender: 2,
            max_nonce_gap: 3,
            price_bump_percent: 10,
        };
        let mut pool = Mempool::new(limits);
        assert_eq!(
            pool.insert(pending(&a, 4, 1, 21_000), 0),
            Err(PoolError::NonceTooHigh { next: 0, nonce: 4 })
        );
        pool.insert(pending(&a, 0, 1, 21_000), 0).unwrap();
        pool.insert(pending(&a, 1, 1, 21_000), 0).unwrap();
        assert_eq!(pool.insert(pending(&a, 2, 1, 21_000), 0), Err(PoolError::SenderFull(2)));
        let b = Wallet::from_seed(2);
        assert_eq!(pool.insert(pending(&b, 0, 1, 21_000), 0), Err(PoolError::Full));
    }
}
