//! A journaled cache of accounts over durable storage.
//!
//! Reads go to durable storage once per account and transaction; writes stay
//! in the cache and reach durable storage in one [`StateCache::flush`] per
//! transaction, not one per change. Every change is journaled, so a call
//! frame takes a [`StateCache::checkpoint`] and [`StateCache::revert`]s to it
//! if it fails.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use tezos_smart_rollup_host::{
    path::OwnedPath,
    runtime::{Runtime, RuntimeError},
};

use super::{SystemError, path, read};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Account {
    balance: U256,
    nonce: u64,
    dirty: bool,
}

#[derive(Debug, Clone, Copy)]
enum Entry {
    Balance(Address, U256),
    Nonce(Address, u64),
}

/// Not enough balance for a debit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("insufficient balance: {have} < {need}")]
pub struct InsufficientBalance {
    /// The balance.
    pub have: U256,
    /// The amount asked for.
    pub need: U256,
}

/// A position in the journal to revert to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint(usize);

/// The cache of one transaction (or block).
#[derive(Debug, Default)]
pub struct StateCache {
    accounts: BTreeMap<Address, Account>,
    journal: Vec<Entry>,
}

impl StateCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn account<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<&mut Account, SystemError> {
        if !self.accounts.contains_key(a) {
            let balance = match read(host, layout::balance(a))? {
                Some(b) => layout::decode_u256(&b)?,
                None => U256::ZERO,
            };
            let nonce = match read(host, layout::nonce(a))? {
                Some(b) => layout::decode_u64(&b)?,
                None => 0,
            };
            self.accounts.insert(*a, Account { balance, nonce, dirty: false });
        }
        self.accounts.get_mut(a).ok_or_else(|| SystemError::Path(layout::account(a)))
    }

    /// The balance of `a`.
    pub fn balance<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<U256, SystemError> {
        Ok(self.account(host, a)?.balance)
    }

    /// The nonce of `a`.
    pub fn nonce<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<u64, SystemError> {
        Ok(self.account(host, a)?.nonce)
    }

    fn set_balance<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        v: U256,
    ) -> Result<(), SystemError> {
        let acc = self.account(host, a)?;
        let old = acc.balance;
        acc.balance = v;
        acc.dirty = true;
        self.journal.push(Entry::Balance(*a, old));
        Ok(())
    }

    /// Adds `v` to the balance of `a` (saturating: the total supply is far
    /// below 2^256, so this never saturates in practice).
    pub fn credit<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        v: U256,
    ) -> Result<(), SystemError> {
        let b = self.balance(host, a)?;
        self.set_balance(host, a, b.saturating_add(v))
    }

    /// Takes `v` from the balance of `a`.
    pub fn debit<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        v: U256,
    ) -> Result<Result<(), InsufficientBalance>, SystemError> {
        let have = self.balance(host, a)?;
        match have.checked_sub(v) {
            Some(left) => self.set_balance(host, a, left).map(Ok),
            None => Ok(Err(InsufficientBalance { have, need: v })),
        }
    }

    /// Moves `v` from `from` to `to`.
    pub fn transfer<H: Runtime>(
        &mut self,
        host: &H,
        from: &Address,
        to: &Address,
        v: U256,
    ) -> Result<Result<(), InsufficientBalance>, SystemError> {
        if let Err(e) = self.debit(host, from, v)? {
            return Ok(Err(e));
        }
        self.credit(host, to, v).map(Ok)
    }

    /// Adds one to the nonce of `a`.
    pub fn bump_nonce<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<(), SystemError> {
        let acc = self.account(host, a)?;
        let old = acc.nonce;
        acc.nonce = old.saturating_add(1);
        acc.dirty = true;
        self.journal.push(Entry::Nonce(*a, old));
        Ok(())
    }

    /// The current position, for [`StateCache::revert`].
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.journal.len())
    }

    /// Undoes every change since `cp`.
    pub fn revert(&mut self, cp: Checkpoint) {
        while self.journal.len() > cp.0 {
            let Some(entry) = self.journal.pop() else { break };
            match entry {
                Entry::Balance(a, old) => {
                    if let Some(acc) = self.accounts.get_mut(&a) {
                        acc.balance = old;
                    }
                }
                Entry::Nonce(a, old) => {
                    if let Some(acc) = self.accounts.get_mut(&a) {
                        acc.nonce = old;
                    }
                }
            }
        }
    }

    /// Writes every changed account to durable storage and empties the cache.
    /// Zero balances and nonces are deleted rather than stored, so an account
    /// that holds nothing leaves no trace in the state.
    pub fn flush<H: Runtime>(&mut self, host: &mut H) -> Result<(), SystemError> {
        for (a, acc) in std::mem::take(&mut self.accounts) {
            if !acc.dirty {
                continue;
            }
            let balance = path(layout::balance(&a))?;
            if acc.balance.is_zero() {
                delete(host, &balance)?;
            } else {
                host.store_write_all(&balance, &layout::encode_u256(&acc.balance))?;
            }
            let nonce = path(layout::nonce(&a))?;
            if acc.nonce == 0 {
                delete(host, &nonce)?;
            } else {
                host.store_write_all(&nonce, &acc.nonce.to_be_bytes())?;
            }
        }
        self.journal.clear();
        Ok(())
    }
}

fn delete<H: Runtime>(host: &mut H, p: &OwnedPath) -> Result<(), SystemError> {
    match host.store_delete(p) {
        Ok(()) | Err(RuntimeError::PathNotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mock_host::MockHost;

    fn addr(b: u8) -> Address {
        Address::repeat_byte(b)
    }

    #[test]
    fn changes_reach_durable_storage_only_on_flush() {
        let mut mock = MockHost::default();
        mock.set(layout::balance(&addr(1)).as_bytes(), &layout::encode_u256(&U256::from(100)))
            .unwrap();
        let mut cache = StateCache::new();
        assert_eq!(cache.balance(&mock, &addr(1)), Ok(U256::from(100)));
        assert_eq!(cache.transfer(&mock, &addr(1), &addr(2), U256::from(30)), Ok(Ok(())));
        cache.bump_nonce(&mock, &addr(1)).unwrap();
        assert_eq!(mock.get(layout::balance(&addr(2)).as_bytes()), None);
        cache.flush(&mut mock).unwrap();
        assert_eq!(
            mock.get(layout::balance(&addr(1)).as_bytes()),
            Some(layout::encode_u256(&U256::from(70)).to_vec())
        );
        assert_eq!(
            mock.get(layout::balance(&addr(2)).as_bytes()),
            Some(layout::encode_u256(&U256::from(30)).to_vec())
        );
        assert_eq!(mock.get(layout::nonce(&addr(1)).as_bytes()), Some(1u64.to_be_bytes().to_vec()));
    }

    #[test]
    fn revert_undoes_changes_after_the_checkpoint() {
        let mock = MockHost::default();
        let mut cache = StateCache::new();
        cache.credit(&mock, &addr(1), U256::from(10)).unwrap();
        let cp = cache.checkpoint();
        cache.transfer(&mock, &addr(1), &addr(2), U256::from(4)).unwrap().unwrap();
        cache.bump_nonce(&mock, &addr(1)).unwrap();
        cache.revert(cp);
        assert_eq!(cache.balance(&mock, &addr(1)), Ok(U256::from(10)));
        assert_eq!(cache.balance(&mock, &addr(2)), Ok(U256::ZERO));
        assert_eq!(cache.nonce(&mock, &addr(1)), Ok(0));
    }

    #[test]
    fn an_overdraft_is_refused_and_changes_nothing() {
        let mock = MockHost::default();
        let mut cache = StateCache::new();
        cache.credit(&mock, &addr(1), U256::from(3)).unwrap();
        let r = cache.transfer(&mock, &addr(1), &addr(2), U256::from(4)).unwrap();
        assert_eq!(r, Err(InsufficientBalance { have: U256::from(3), need: U256::from(4) }));
        assert_eq!(cache.balance(&mock, &addr(1)), Ok(U256::from(3)));
    }

    #[test]
    fn a_corrupt_stored_balance_is_a_system_error() {
        let mut mock = MockHost::default();
        mock.set(layout::balance(&addr(1)).as_bytes(), &[1, 2, 3]).unwrap();
        let mut cache = StateCache::new();
        assert!(matches!(cache.balance(&mock, &addr(1)), Err(SystemError::Corrupt(_))));
    }
}
