//! The world state as a transaction sees it: a journaled cache over durable
//! storage, shared by every execution environment.
//!
//! - Reads go to durable storage once per transaction (an account's
//!   balance, nonce and code hash together; code and slots on first use).
//! - Writes stay in the cache; [`World::flush`] writes what changed once per
//!   transaction, not once per `SSTORE`.
//! - Every change is journaled. A call frame takes a [`World::checkpoint`]
//!   and either keeps its changes or [`World::revert`]s to it: balances,
//!   nonces, code, slots, transient slots (EIP-1153), warm addresses and
//!   slots (EIP-2929), logs, created and destroyed accounts all roll back.
//! - What lives only for one transaction (transient storage, warm sets, the
//!   created set, logs) is dropped by [`World::flush`].
//! - L2→L1 messages (the outbox) are the system's too: a frame that
//!   reverts takes its messages back, and [`World::flush`] writes the kept
//!   ones to the outbox before anything else, so a transaction whose
//!   messages cannot be written changes nothing. The world knows how many
//!   messages the level can still take ([`World::set_outbox_room`]), so a
//!   contract asking for one more is answered at once, not at flush.
//!
//! The world knows nothing of any VM: code is bytes plus an opaque
//! "prepared" form that the execution environment computed at deploy time
//! (for the EVM, the jumpdest bitmap), stored beside the code.

use std::{
    collections::{BTreeMap, BTreeSet},
    rc::Rc,
};

use alloy_primitives::{Address, B256, KECCAK256_EMPTY, Log, LogData, U256, keccak256};
use tezos_smart_rollup_host::{
    path::OwnedPath,
    runtime::{Runtime, RuntimeError, ValueType},
};

use super::{SystemError, path, read, resources::NativeMeter};

/// Deployed code and what its execution environment prepared from it
/// (the default is no code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Code {
    /// The code.
    pub bytes: Rc<Vec<u8>>,
    /// The execution environment's prepared form (EVM: jumpdest bitmap).
    /// `None` when the code was written without one (a genesis
    /// pre-deploy); the execution environment then prepares it per call.
    pub prepared: Option<Rc<Vec<u8>>>,
}

#[derive(Debug, Clone)]
struct Account {
    balance: U256,
    nonce: u64,
    code_hash: B256,
    /// Loaded on first use.
    code: Option<Code>,
    balance_dirty: bool,
    nonce_dirty: bool,
    code_dirty: bool,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The value when the transaction started (EIP-2200's "original").
    original: U256,
    current: U256,
}

#[derive(Debug, Clone)]
enum Entry {
    Balance(Address, U256),
    Nonce(Address, u64),
    Code(Address, B256, Option<Code>, bool),
    Storage(Address, U256, U256),
    Transient(Address, U256, U256),
    WarmAccount(Address),
    WarmSlot(Address, U256),
    Created(Address),
    Destroyed(Address),
    StorageCleared(Address),
}

/// A position in the journal to revert to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    journal: usize,
    logs: usize,
    outputs: usize,
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

/// The journaled state of one transaction.
#[derive(Debug)]
pub struct World {
    accounts: BTreeMap<Address, Account>,
    slots: BTreeMap<(Address, U256), Slot>,
    transient: BTreeMap<(Address, U256), U256>,
    warm_accounts: BTreeSet<Address>,
    warm_slots: BTreeSet<(Address, U256)>,
    created: BTreeSet<Address>,
    destroyed: BTreeSet<Address>,
    /// Accounts whose stored slots are all void (a creation over an address
    /// that had storage, EIP-7610's corner): reads answer zero, and the
    /// stored slots are deleted at flush.
    storage_cleared: BTreeSet<Address>,
    logs: Vec<Log>,
    /// L2→L1 messages, encoded for the outbox.
    outputs: Vec<Vec<u8>>,
    /// How many outbox messages the level can still take.
    outbox_room: usize,
    /// What the transaction may still spend on precompiles (not journaled:
    /// work done stays done when a frame reverts).
    native: NativeMeter,
    journal: Vec<Entry>,
}

impl Default for World {
    fn default() -> Self {
        Self {
            accounts: BTreeMap::new(),
            slots: BTreeMap::new(),
            transient: BTreeMap::new(),
            warm_accounts: BTreeSet::new(),
            warm_slots: BTreeSet::new(),
            created: BTreeSet::new(),
            destroyed: BTreeSet::new(),
            storage_cleared: BTreeSet::new(),
            logs: Vec::new(),
            outputs: Vec::new(),
            outbox_room: MAX_OUTPUTS_PER_LEVEL,
            native: NativeMeter::unlimited(),
            journal: Vec::new(),
        }
    }
}

/// Tezos keeps at most this many outbox messages per level.
pub const MAX_OUTPUTS_PER_LEVEL: usize = 100;

/// No room left in the level's outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the outbox of this level is full")]
pub struct OutboxFull;

impl World {
    /// An empty world (nothing loaded yet), with room for a whole level's
    /// outbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets how many outbox messages the level can still take (the
    /// bootloader counts those its earlier transactions wrote).
    pub fn set_outbox_room(&mut self, room: usize) {
        self.outbox_room = room;
    }

    /// Sets the transaction's native meter (its precompile allowance).
    pub fn set_native_meter(&mut self, meter: NativeMeter) {
        self.native = meter;
    }

    /// The transaction's native meter.
    pub fn native_meter(&mut self) -> &mut NativeMeter {
        &mut self.native
    }

    /// Queues an L2→L1 message for the outbox, if the level has room.
    pub fn push_output(&mut self, message: Vec<u8>) -> Result<(), OutboxFull> {
        if self.outputs.len() >= self.outbox_room {
            return Err(OutboxFull);
        }
        self.outputs.push(message);
        Ok(())
    }

    /// The L2→L1 messages queued so far.
    pub fn outputs(&self) -> &[Vec<u8>] {
        &self.outputs
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
            let code_hash = match read(host, layout::code_hash(a))? {
                Some(b) if b.len() == 32 => B256::from_slice(&b),
                Some(b) => return Err(layout::LayoutError::Size("code hash", b.len()).into()),
                None => KECCAK256_EMPTY,
            };
            let account = Account {
                balance,
                nonce,
                code_hash,
                code: None,
                balance_dirty: false,
                nonce_dirty: false,
                code_dirty: false,
            };
            self.accounts.insert(*a, account);
        }
        self.accounts.get_mut(a).ok_or(SystemError::Invariant("account just loaded"))
    }

    /// The balance of `a`.
    pub fn balance<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<U256, SystemError> {
        Ok(self.account(host, a)?.balance)
    }

    /// The nonce of `a`.
    pub fn nonce<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<u64, SystemError> {
        Ok(self.account(host, a)?.nonce)
    }

    /// The keccak-256 of `a`'s code (the empty hash for no code).
    pub fn code_hash<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<B256, SystemError> {
        Ok(self.account(host, a)?.code_hash)
    }

    /// Whether `a` has code.
    pub fn has_code<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<bool, SystemError> {
        Ok(self.code_hash(host, a)? != KECCAK256_EMPTY)
    }

    /// EIP-161: an account is empty when it has no balance, nonce or code.
    /// Empty accounts leave no trace in durable storage.
    pub fn is_empty<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<bool, SystemError> {
        let acc = self.account(host, a)?;
        Ok(acc.balance.is_zero() && acc.nonce == 0 && acc.code_hash == KECCAK256_EMPTY)
    }

    /// The code of `a` (empty when it has none).
    pub fn code<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<Code, SystemError> {
        let acc = self.account(host, a)?;
        if let Some(code) = &acc.code {
            return Ok(code.clone());
        }
        let code = if acc.code_hash == KECCAK256_EMPTY {
            Code::default()
        } else {
            let bytes = read(host, layout::code(a))?.unwrap_or_default();
            let prepared = read(host, layout::prepared(a))?.map(Rc::new);
            Code { bytes: Rc::new(bytes), prepared }
        };
        let acc = self.account(host, a)?;
        acc.code = Some(code.clone());
        Ok(code)
    }

    /// The size of `a`'s code, without reading the code when it is not
    /// loaded yet.
    pub fn code_size<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<usize, SystemError> {
        let acc = self.account(host, a)?;
        if let Some(code) = &acc.code {
            return Ok(code.bytes.len());
        }
        if acc.code_hash == KECCAK256_EMPTY {
            return Ok(0);
        }
        match host.store_value_size(&path(layout::code(a))?) {
            Ok(n) => Ok(n),
            Err(RuntimeError::PathNotFound) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    /// Deploys `code` at `a` with its prepared form.
    pub fn set_code<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        bytes: Vec<u8>,
        prepared: Vec<u8>,
    ) -> Result<(), SystemError> {
        let hash = if bytes.is_empty() { KECCAK256_EMPTY } else { keccak256(&bytes) };
        let acc = self.account(host, a)?;
        let old = Entry::Code(*a, acc.code_hash, acc.code.take(), acc.code_dirty);
        acc.code_hash = hash;
        acc.code = Some(Code { bytes: Rc::new(bytes), prepared: Some(Rc::new(prepared)) });
        acc.code_dirty = true;
        self.journal.push(old);
        Ok(())
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
        acc.balance_dirty = true;
        self.journal.push(Entry::Balance(*a, old));
        Ok(())
    }

    /// Adds `v` to the balance of `a` (saturating: the supply is far below
    /// 2^256, so this never saturates in practice).
    pub fn credit<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        v: U256,
    ) -> Result<(), SystemError> {
        if v.is_zero() {
            return Ok(());
        }
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
        if v.is_zero() {
            return Ok(Ok(()));
        }
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

    /// Sets the nonce of `a`.
    pub fn set_nonce<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        nonce: u64,
    ) -> Result<(), SystemError> {
        let acc = self.account(host, a)?;
        let old = acc.nonce;
        acc.nonce = nonce;
        acc.nonce_dirty = true;
        self.journal.push(Entry::Nonce(*a, old));
        Ok(())
    }

    /// Adds one to the nonce of `a`.
    pub fn bump_nonce<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<(), SystemError> {
        let n = self.nonce(host, a)?;
        self.set_nonce(host, a, n.saturating_add(1))
    }

    fn slot<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        key: &U256,
    ) -> Result<&mut Slot, SystemError> {
        if !self.slots.contains_key(&(*a, *key)) {
            let stored = if self.storage_cleared.contains(a) {
                U256::ZERO
            } else {
                match read(host, layout::storage(a, key))? {
                    Some(b) => layout::decode_u256(&b)?,
                    None => U256::ZERO,
                }
            };
            self.slots.insert((*a, *key), Slot { original: stored, current: stored });
        }
        self.slots.get_mut(&(*a, *key)).ok_or(SystemError::Invariant("slot just loaded"))
    }

    /// The current value of slot `key` of `a`.
    pub fn storage<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        key: &U256,
    ) -> Result<U256, SystemError> {
        Ok(self.slot(host, a, key)?.current)
    }

    /// The value slot `key` of `a` had when the transaction started.
    pub fn original_storage<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        key: &U256,
    ) -> Result<U256, SystemError> {
        Ok(self.slot(host, a, key)?.original)
    }

    /// Writes slot `key` of `a`.
    pub fn set_storage<H: Runtime>(
        &mut self,
        host: &H,
        a: &Address,
        key: &U256,
        value: U256,
    ) -> Result<(), SystemError> {
        let slot = self.slot(host, a, key)?;
        let old = slot.current;
        slot.current = value;
        self.journal.push(Entry::Storage(*a, *key, old));
        Ok(())
    }

    /// Whether `a` has any non-zero slot (EIP-7610's collision rule).
    pub fn has_storage<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<bool, SystemError> {
        if self.slots.iter().any(|((owner, _), s)| owner == a && !s.current.is_zero()) {
            return Ok(true);
        }
        if self.storage_cleared.contains(a) {
            return Ok(false);
        }
        match host.store_has(&path(layout::storage_dir(a))?) {
            Ok(Some(ValueType::Subtree | ValueType::ValueWithSubtree)) => Ok(true),
            Ok(_) | Err(RuntimeError::PathNotFound) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Voids every slot of `a` (a creation at an address that had storage).
    pub fn clear_storage(&mut self, a: &Address) {
        let cached: Vec<_> = self
            .slots
            .range((*a, U256::ZERO)..=(*a, U256::MAX))
            .map(|(k, s)| (k.1, s.current))
            .collect();
        for (key, old) in cached {
            if let Some(slot) = self.slots.get_mut(&(*a, key)) {
                slot.current = U256::ZERO;
                self.journal.push(Entry::Storage(*a, key, old));
            }
        }
        if self.storage_cleared.insert(*a) {
            self.journal.push(Entry::StorageCleared(*a));
        }
    }

    /// EIP-1153: the transient slot `key` of `a`.
    pub fn transient(&self, a: &Address, key: &U256) -> U256 {
        self.transient.get(&(*a, *key)).copied().unwrap_or_default()
    }

    /// EIP-1153: writes a transient slot.
    pub fn set_transient(&mut self, a: &Address, key: &U256, value: U256) {
        let old = self.transient.insert((*a, *key), value).unwrap_or_default();
        self.journal.push(Entry::Transient(*a, *key, old));
    }

    /// EIP-2929: whether `a` was accessed in this transaction.
    pub fn is_warm(&self, a: &Address) -> bool {
        self.warm_accounts.contains(a)
    }

    /// EIP-2929: whether slot `key` of `a` was accessed in this transaction.
    pub fn is_slot_warm(&self, a: &Address, key: &U256) -> bool {
        self.warm_slots.contains(&(*a, *key))
    }

    /// Marks `a` accessed.
    pub fn warm(&mut self, a: &Address) {
        if self.warm_accounts.insert(*a) {
            self.journal.push(Entry::WarmAccount(*a));
        }
    }

    /// Marks slot `key` of `a` accessed.
    pub fn warm_slot(&mut self, a: &Address, key: &U256) {
        if self.warm_slots.insert((*a, *key)) {
            self.journal.push(Entry::WarmSlot(*a, *key));
        }
    }

    /// Records that `a` was created in this transaction.
    pub fn mark_created(&mut self, a: &Address) {
        if self.created.insert(*a) {
            self.journal.push(Entry::Created(*a));
        }
    }

    /// Whether `a` was created in this transaction.
    pub fn was_created(&self, a: &Address) -> bool {
        self.created.contains(a)
    }

    /// Destroys `a` at the end of the transaction (EIP-6780: only accounts
    /// created in the same transaction) and zeroes its balance now.
    pub fn destroy<H: Runtime>(&mut self, host: &H, a: &Address) -> Result<(), SystemError> {
        self.set_balance(host, a, U256::ZERO)?;
        if self.destroyed.insert(*a) {
            self.journal.push(Entry::Destroyed(*a));
        }
        Ok(())
    }

    /// Whether `a` is to be destroyed.
    pub fn is_destroyed(&self, a: &Address) -> bool {
        self.destroyed.contains(a)
    }

    /// Appends a log.
    pub fn log(&mut self, address: Address, topics: Vec<B256>, data: Vec<u8>) {
        self.logs.push(Log { address, data: LogData::new_unchecked(topics, data.into()) });
    }

    /// The logs of the transaction so far.
    pub fn logs(&self) -> &[Log] {
        &self.logs
    }

    /// The current position, for [`World::revert`].
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            journal: self.journal.len(),
            logs: self.logs.len(),
            outputs: self.outputs.len(),
        }
    }

    /// Undoes every change since `cp`.
    pub fn revert(&mut self, cp: Checkpoint) {
        self.logs.truncate(cp.logs);
        self.outputs.truncate(cp.outputs);
        while self.journal.len() > cp.journal {
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
                Entry::Code(a, hash, code, dirty) => {
                    if let Some(acc) = self.accounts.get_mut(&a) {
                        acc.code_hash = hash;
                        acc.code = code;
                        acc.code_dirty = dirty;
                    }
                }
                Entry::Storage(a, key, old) => {
                    if let Some(slot) = self.slots.get_mut(&(a, key)) {
                        slot.current = old;
                    }
                }
                Entry::Transient(a, key, old) => {
                    self.transient.insert((a, key), old);
                }
                Entry::WarmAccount(a) => {
                    self.warm_accounts.remove(&a);
                }
                Entry::WarmSlot(a, key) => {
                    self.warm_slots.remove(&(a, key));
                }
                Entry::Created(a) => {
                    self.created.remove(&a);
                }
                Entry::Destroyed(a) => {
                    self.destroyed.remove(&a);
                }
                Entry::StorageCleared(a) => {
                    self.storage_cleared.remove(&a);
                }
            }
        }
    }

    /// Writes every change to durable storage and returns the transaction's
    /// logs; the cache is emptied for the next transaction. Zero balances,
    /// nonces and slots are deleted rather than stored, so an empty account
    /// leaves no trace (EIP-161's deletion of touched empty accounts is
    /// implied).
    pub fn flush<H: Runtime>(&mut self, host: &mut H) -> Result<Vec<Log>, SystemError> {
        // The outbox first: it cannot be undone, and if it refuses a
        // message nothing else has been written yet.
        for message in std::mem::take(&mut self.outputs) {
            host.write_output(&message)?;
        }
        let destroyed = std::mem::take(&mut self.destroyed);
        for a in &destroyed {
            delete(host, &path(layout::account(a))?)?;
        }
        let cleared = std::mem::take(&mut self.storage_cleared);
        for a in &cleared {
            if !destroyed.contains(a) {
                delete(host, &path(layout::storage_dir(a))?)?;
            }
        }
        for ((a, key), slot) in std::mem::take(&mut self.slots) {
            let unchanged = slot.current == slot.original && !cleared.contains(&a);
            if destroyed.contains(&a) || unchanged {
                continue;
            }
            write_or_delete(host, layout::storage(&a, &key), &slot.current)?;
        }
        for (a, acc) in std::mem::take(&mut self.accounts) {
            if destroyed.contains(&a) {
                continue;
            }
            if acc.balance_dirty {
                write_or_delete(host, layout::balance(&a), &acc.balance)?;
            }
            if acc.nonce_dirty {
                let nonce = path(layout::nonce(&a))?;
                if acc.nonce == 0 {
                    delete(host, &nonce)?;
                } else {
                    host.store_write_all(&nonce, &acc.nonce.to_be_bytes())?;
                }
            }
            if acc.code_dirty {
                let (code, hash, prepared) = (
                    path(layout::code(&a))?,
                    path(layout::code_hash(&a))?,
                    path(layout::prepared(&a))?,
                );
                match acc.code {
                    Some(c) if !c.bytes.is_empty() => {
                        host.store_write_all(&code, &c.bytes)?;
                        host.store_write_all(&hash, acc.code_hash.as_slice())?;
                        match c.prepared {
                            Some(p) => host.store_write_all(&prepared, &p)?,
                            None => delete(host, &prepared)?,
                        }
                    }
                    _ => {
                        delete(host, &code)?;
                        delete(host, &hash)?;
                        delete(host, &prepared)?;
                    }
                }
            }
        }
        self.transient.clear();
        self.warm_accounts.clear();
        self.warm_slots.clear();
        self.created.clear();
        self.journal.clear();
        Ok(std::mem::take(&mut self.logs))
    }
}

fn write_or_delete<H: Runtime>(host: &mut H, p: String, v: &U256) -> Result<(), SystemError> {
    let p = path(p)?;
    if v.is_zero() {
        delete(host, &p)
    } else {
        Ok(host.store_write_all(&p, &layout::encode_u256(v))?)
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

    fn stored(mock: &MockHost, p: String) -> Option<Vec<u8>> {
        mock.get(p.as_bytes())
    }

    #[test]
    fn changes_reach_durable_storage_only_on_flush() {
        let mut mock = MockHost::default();
        mock.set(layout::balance(&addr(1)).as_bytes(), &layout::encode_u256(&U256::from(100)))
            .unwrap();
        let mut w = World::new();
        assert_eq!(w.balance(&mock, &addr(1)), Ok(U256::from(100)));
        assert_eq!(w.transfer(&mock, &addr(1), &addr(2), U256::from(30)), Ok(Ok(())));
        w.bump_nonce(&mock, &addr(1)).unwrap();
        w.set_storage(&mock, &addr(2), &U256::from(7), U256::from(9)).unwrap();
        assert_eq!(stored(&mock, layout::balance(&addr(2))), None);
        assert_eq!(stored(&mock, layout::storage(&addr(2), &U256::from(7))), None);
        w.flush(&mut mock).unwrap();
        assert_eq!(
            stored(&mock, layout::balance(&addr(1))),
            Some(layout::encode_u256(&U256::from(70)).to_vec())
        );
        assert_eq!(
            stored(&mock, layout::balance(&addr(2))),
            Some(layout::encode_u256(&U256::from(30)).to_vec())
        );
        assert_eq!(stored(&mock, layout::nonce(&addr(1))), Some(1u64.to_be_bytes().to_vec()));
        assert_eq!(
            stored(&mock, layout::storage(&addr(2), &U256::from(7))),
            Some(layout::encode_u256(&U256::from(9)).to_vec())
        );
    }

    #[test]
    fn revert_undoes_every_kind_of_change_after_the_checkpoint() {
        let mock = MockHost::default();
        let mut w = World::new();
        w.credit(&mock, &addr(1), U256::from(10)).unwrap();
        w.set_storage(&mock, &addr(1), &U256::from(1), U256::from(5)).unwrap();
        w.log(addr(1), vec![], vec![1]);
        let cp = w.checkpoint();
        w.transfer(&mock, &addr(1), &addr(2), U256::from(4)).unwrap().unwrap();
        w.bump_nonce(&mock, &addr(1)).unwrap();
        w.set_storage(&mock, &addr(1), &U256::from(1), U256::from(6)).unwrap();
        w.set_transient(&addr(1), &U256::from(1), U256::from(3));
        w.warm(&addr(3));
        w.warm_slot(&addr(3), &U256::from(1));
        w.set_code(&mock, &addr(3), vec![0x60], vec![0]).unwrap();
        w.mark_created(&addr(3));
        w.destroy(&mock, &addr(1)).unwrap();
        w.log(addr(1), vec![], vec![2]);
        w.revert(cp);
        assert_eq!(w.balance(&mock, &addr(1)), Ok(U256::from(10)));
        assert_eq!(w.balance(&mock, &addr(2)), Ok(U256::ZERO));
        assert_eq!(w.nonce(&mock, &addr(1)), Ok(0));
        assert_eq!(w.storage(&mock, &addr(1), &U256::from(1)), Ok(U256::from(5)));
        assert_eq!(w.transient(&addr(1), &U256::from(1)), U256::ZERO);
        assert!(!w.is_warm(&addr(3)) && !w.is_slot_warm(&addr(3), &U256::from(1)));
        assert_eq!(w.has_code(&mock, &addr(3)), Ok(false));
        assert!(!w.was_created(&addr(3)) && !w.is_destroyed(&addr(1)));
        assert_eq!(w.logs().len(), 1);
    }

    #[test]
    fn original_storage_is_the_value_at_transaction_start() {
        let mut mock = MockHost::default();
        let key = U256::from(1);
        mock.set(layout::storage(&addr(1), &key).as_bytes(), &layout::encode_u256(&U256::from(4)))
            .unwrap();
        let mut w = World::new();
        w.set_storage(&mock, &addr(1), &key, U256::from(8)).unwrap();
        assert_eq!(w.original_storage(&mock, &addr(1), &key), Ok(U256::from(4)));
        assert_eq!(w.storage(&mock, &addr(1), &key), Ok(U256::from(8)));
        // zero is stored as absence
        w.set_storage(&mock, &addr(1), &key, U256::ZERO).unwrap();
        w.flush(&mut mock).unwrap();
        assert_eq!(stored(&mock, layout::storage(&addr(1), &key)), None);
    }

    #[test]
    fn code_is_stored_with_its_hash_and_prepared_form() {
        let mut mock = MockHost::default();
        let mut w = World::new();
        w.set_code(&mock, &addr(4), vec![0x5b, 0x00], vec![1]).unwrap();
        w.flush(&mut mock).unwrap();
        assert_eq!(stored(&mock, layout::code(&addr(4))), Some(vec![0x5b, 0x00]));
        assert_eq!(
            stored(&mock, layout::code_hash(&addr(4))),
            Some(keccak256([0x5b, 0x00]).to_vec())
        );
        assert_eq!(stored(&mock, layout::prepared(&addr(4))), Some(vec![1]));
        let mut w = World::new();
        assert_eq!(w.code_size(&mock, &addr(4)), Ok(2));
        let code = w.code(&mock, &addr(4)).unwrap();
        assert_eq!(*code.bytes, vec![0x5b, 0x00]);
        assert_eq!(code.prepared.as_deref(), Some(&vec![1]));
    }

    #[test]
    fn a_destroyed_account_leaves_nothing_behind() {
        let mut mock = MockHost::default();
        let mut w = World::new();
        w.credit(&mock, &addr(5), U256::from(3)).unwrap();
        w.set_code(&mock, &addr(5), vec![0x00], vec![0]).unwrap();
        w.set_storage(&mock, &addr(5), &U256::from(1), U256::from(1)).unwrap();
        w.flush(&mut mock).unwrap();
        let mut w = World::new();
        w.destroy(&mock, &addr(5)).unwrap();
        w.flush(&mut mock).unwrap();
        let left = mock.host().durable.values();
        assert!(
            !left.iter().any(|(p, _)| p.starts_with(layout::account(&addr(5)).as_bytes())),
            "{left:?}"
        );
    }

    #[test]
    fn cleared_storage_reads_zero_and_is_deleted() {
        let mut mock = MockHost::default();
        let key = U256::from(2);
        mock.set(layout::storage(&addr(6), &key).as_bytes(), &layout::encode_u256(&U256::from(1)))
            .unwrap();
        let mut w = World::new();
        assert_eq!(w.has_storage(&mock, &addr(6)), Ok(true));
        w.clear_storage(&addr(6));
        assert_eq!(w.storage(&mock, &addr(6), &key), Ok(U256::ZERO));
        assert_eq!(w.has_storage(&mock, &addr(6)), Ok(false));
        w.flush(&mut mock).unwrap();
        assert_eq!(stored(&mock, layout::storage(&addr(6), &key)), None);
    }

    #[test]
    fn a_corrupt_stored_balance_is_a_system_error() {
        let mut mock = MockHost::default();
        mock.set(layout::balance(&addr(1)).as_bytes(), &[1, 2, 3]).unwrap();
        let mut w = World::new();
        assert!(matches!(w.balance(&mock, &addr(1)), Err(SystemError::Corrupt(_))));
    }
}
