//! Transactions the kernel refused at sealing, kept so their senders can
//! learn why.
//!
//! Admission ([`crate::admit`]) applies every rule the kernel applies to a
//! transaction by itself, but some refusals depend on what the level did
//! before it (a sender whose earlier transaction spent the balance that
//! would have paid for this one). Such a transaction is dropped from the
//! pool when its level is sealed — it would be refused again at every
//! level — and its hash and reason are kept here, for the last
//! [`KEPT`] refusals, where `zkos_refusedTransaction` reads them;
//! `eth_getTransactionByHash` then answers `null`, as geth does for a
//! dropped transaction.

use std::collections::{HashMap, VecDeque};

use alloy_primitives::B256;

/// How many refusals are kept.
pub const KEPT: usize = 10_000;

/// One refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The level that refused it.
    pub level: u32,
    /// The block that level sealed (without it).
    pub block: u64,
    /// Why, in the kernel's words.
    pub reason: String,
}

/// The last [`KEPT`] refusals, by transaction hash.
#[derive(Debug, Default)]
pub struct Refusals {
    by_hash: HashMap<B256, Refusal>,
    order: VecDeque<B256>,
}

impl Refusals {
    /// Keeps `hash`'s refusal, forgetting the oldest beyond [`KEPT`].
    pub fn record(&mut self, hash: B256, refusal: Refusal) {
        if self.by_hash.insert(hash, refusal).is_none() {
            self.order.push_back(hash);
        }
        while self.order.len() > KEPT {
            if let Some(old) = self.order.pop_front() {
                self.by_hash.remove(&old);
            }
        }
    }

    /// Why `hash` was refused, if it was and is still kept.
    pub fn get(&self, hash: &B256) -> Option<&Refusal> {
        self.by_hash.get(hash)
    }

    /// Forgets `hash` (sent again, and admitted).
    pub fn forget(&mut self, hash: &B256) {
        if self.by_hash.remove(hash).is_some() {
            self.order.retain(|h| h != hash);
        }
    }

    /// How many are kept.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(level: u32) -> Refusal {
        Refusal { level, block: u64::from(level) - 1, reason: format!("r{level}") }
    }

    fn hash(i: u32) -> B256 {
        let mut b = [0u8; 32];
        b[..4].copy_from_slice(&i.to_be_bytes());
        B256::from(b)
    }

    #[test]
    fn the_oldest_refusals_are_forgotten_first() {
        let mut r = Refusals::default();
        let n = KEPT as u32 + 5;
        for i in 0..n {
            r.record(hash(i), refusal(i + 1));
        }
        assert_eq!(r.len(), KEPT);
        assert!(r.get(&hash(4)).is_none());
        assert_eq!(r.get(&hash(5)), Some(&refusal(6)));
        assert_eq!(r.get(&hash(n - 1)), Some(&refusal(n)));
    }

    #[test]
    fn a_hash_refused_twice_is_kept_once_with_the_latest_reason() {
        let mut r = Refusals::default();
        let h = B256::repeat_byte(1);
        r.record(h, refusal(1));
        r.record(h, refusal(2));
        assert_eq!(r.len(), 1);
        assert_eq!(r.get(&h), Some(&refusal(2)));
        r.forget(&h);
        assert!(r.is_empty());
    }
}
