//! The `evm` crate's view of state, served by the system layer.
//!
//! The crate's backend traits read through `&self` and cannot fail, while
//! the system reads durable storage lazily and can. So the world sits in a
//! `RefCell` (the crate never re-enters the backend, so borrows never
//! overlap), and the first system failure is recorded on the side: the
//! read answers a default, execution finishes, and the bootloader then
//! refuses the transaction and drops everything it did.

use std::{cell::RefCell, collections::BTreeMap, ops::Range, rc::Rc};

use alloy_primitives::{Address, B256, U256};
use evm::{
    MergeStrategy,
    backend::TransactionalBackend,
    interpreter::{
        ExitError, ExitException, ExitFatal,
        runtime::{
            Log, RuntimeBackend, RuntimeBaseBackend, RuntimeEnvironment, SetCodeOrigin, TouchKind,
        },
        uint::{H160, H256},
    },
};
use tezos_smart_rollup_host::runtime::Runtime;

use super::jumpdest;
use crate::ee::deploy::{Meta, VmKind};
use crate::system::{
    SystemError,
    contracts::{self, SystemCall},
    env::{self, BlockEnv},
    precompiles::{self, Outcome},
    world::{Checkpoint, Code, World},
};

pub(crate) fn address(h: H160) -> Address {
    Address::from(h.0)
}

pub(crate) fn h160(a: Address) -> H160 {
    H160(a.0.0)
}

fn word(h: H256) -> U256 {
    U256::from_be_bytes(h.0)
}

fn h256(v: U256) -> H256 {
    H256(v.to_be_bytes())
}

/// The system as the `evm` crate's backend for one transaction.
pub struct EvmBackend<'a, H> {
    host: &'a H,
    env: &'a BlockEnv,
    world: RefCell<&'a mut World>,
    /// One checkpoint per open substate (call frame).
    frames: Vec<Checkpoint>,
    failure: RefCell<Option<SystemError>>,
    /// Code that a creation of another VM prepared, waiting for the
    /// `evm` crate's `set_code` at the creation's end: address → (code,
    /// record). An EVM creation clears its address's entry, so a failed
    /// creation's leftover never reaches a later one at the same address.
    staged: BTreeMap<Address, (Vec<u8>, Vec<u8>)>,
}

/// A contract's code as a call needs it: its VM, the code, and the record
/// kept beside it (constants and the VM's prepared form).
#[derive(Debug, Clone)]
pub struct Callee {
    /// The code's VM.
    pub kind: VmKind,
    /// The code.
    pub code: Rc<Vec<u8>>,
    record: Rc<Vec<u8>>,
    /// Where in `record` the constants are; the prepared form follows.
    constants: Range<usize>,
}

impl Callee {
    fn new(code: Rc<Vec<u8>>, record: Rc<Vec<u8>>) -> Option<Self> {
        let meta = Meta::decode(&record)?;
        let constants = Meta::HEADER..Meta::HEADER + meta.constants.len();
        Some(Self { kind: meta.kind, code, record, constants })
    }

    /// The constants area.
    pub fn constants(&self) -> &[u8] {
        &self.record[self.constants.clone()]
    }

    /// The whole record and where the prepared form starts in it, to share
    /// it without copying.
    pub fn record(&self) -> (Rc<Vec<u8>>, usize) {
        (self.record.clone(), self.constants.end)
    }
}

impl<'a, H: Runtime> EvmBackend<'a, H> {
    /// A backend over `world`, reading durable storage through `host`.
    pub fn new(host: &'a H, env: &'a BlockEnv, world: &'a mut World) -> Self {
        Self {
            host,
            env,
            world: RefCell::new(world),
            frames: Vec::new(),
            failure: RefCell::new(None),
            staged: BTreeMap::new(),
        }
    }

    /// The first system failure met, if any.
    pub fn into_failure(self) -> Option<SystemError> {
        self.failure.into_inner()
    }

    /// Records a system failure (the first one wins) and answers `default`.
    fn or_fail<T>(&self, r: Result<T, SystemError>, default: T) -> T {
        r.unwrap_or_else(|e| {
            self.failure.borrow_mut().get_or_insert(e);
            default
        })
    }

    fn with<T>(&self, default: T, f: impl FnOnce(&mut World, &H) -> Result<T, SystemError>) -> T {
        let r = f(&mut self.world.borrow_mut(), self.host);
        self.or_fail(r, default)
    }

    /// Runs a call to a system contract; `None` when `call.code_address`
    /// is not one. A system failure is recorded and the call halts.
    pub fn system_call(&mut self, call: &SystemCall<'_>) -> Option<Outcome> {
        let r = contracts::call(self.host, self.env, self.world.get_mut(), call);
        self.or_fail(r, Some(Outcome::Halt))
    }

    /// Runs a precompile under the transaction's native meter; `None`
    /// when `a` is not one.
    pub fn precompile_call(&mut self, a: &Address, input: &[u8], gas: u64) -> Option<Outcome> {
        precompiles::call_metered(self.world.get_mut().native_meter(), a, input, gas)
    }

    /// The code at `a` as a call runs it. Code written without a record
    /// (a genesis pre-deploy) is EVM code whose bitmap is computed here.
    pub fn callee(&self, a: H160) -> Callee {
        let code = self.with(Code::default(), |w, h| w.code(h, &address(a)));
        let record = code.prepared.unwrap_or_else(|| {
            let bitmap = jumpdest::analyze(&code.bytes);
            Rc::new(Meta { kind: VmKind::Evm, constants: &[], prepared: &bitmap }.encode())
        });
        Callee::new(code.bytes, record).unwrap_or_else(|| {
            let e = SystemError::Invariant("the record beside deployed code does not decode");
            self.failure.borrow_mut().get_or_insert(e);
            Callee {
                kind: VmKind::Evm,
                code: Rc::default(),
                record: Rc::default(),
                constants: 0..0,
            }
        })
    }

    /// Records what a creation at `a` will deploy when it ends well: `code`
    /// with its `record` for another VM, or `None` for an EVM creation,
    /// whose runtime code comes from its constructor's return data.
    pub fn stage_deploy(&mut self, a: &Address, staged: Option<(Vec<u8>, Vec<u8>)>) {
        match staged {
            Some(s) => self.staged.insert(*a, s),
            None => self.staged.remove(a),
        };
    }
}

impl<H: Runtime> RuntimeEnvironment for EvmBackend<'_, H> {
    fn block_hash(&self, number: U256) -> H256 {
        let r = env::block_hash(self.host, self.env.number, number);
        H256(self.or_fail(r, B256::ZERO).0)
    }
    fn block_number(&self) -> U256 {
        U256::from(self.env.number)
    }
    fn block_coinbase(&self) -> H160 {
        h160(self.env.coinbase)
    }
    fn block_timestamp(&self) -> U256 {
        U256::from(self.env.timestamp)
    }
    fn block_difficulty(&self) -> U256 {
        U256::ZERO
    }
    fn block_randomness(&self) -> Option<H256> {
        Some(H256::zero())
    }
    fn block_gas_limit(&self) -> U256 {
        U256::from(self.env.gas_limit)
    }
    fn block_base_fee_per_gas(&self) -> U256 {
        U256::from(self.env.base_fee)
    }
    fn blob_versioned_hash(&self, _index: U256) -> H256 {
        H256::zero()
    }
    fn blob_base_fee_per_gas(&self) -> U256 {
        U256::from(1)
    }
    fn chain_id(&self) -> U256 {
        U256::from(self.env.chain_id)
    }
}

impl<H: Runtime> RuntimeBaseBackend for EvmBackend<'_, H> {
    fn balance(&self, a: H160) -> U256 {
        self.with(U256::ZERO, |w, h| w.balance(h, &address(a)))
    }
    fn code_size(&self, a: H160) -> U256 {
        U256::from(self.with(0, |w, h| w.code_size(h, &address(a))))
    }
    fn code_hash(&self, a: H160) -> H256 {
        // EXTCODEHASH of an empty account is zero (EIP-1052 with EIP-161).
        let hash = self.with(B256::ZERO, |w, h| {
            let a = address(a);
            if w.is_empty(h, &a)? { Ok(B256::ZERO) } else { w.code_hash(h, &a) }
        });
        H256(hash.0)
    }
    fn code(&self, a: H160) -> Vec<u8> {
        let code = self.with(Code::default(), |w, h| w.code(h, &address(a)));
        code.bytes.to_vec()
    }
    fn storage(&self, a: H160, key: H256) -> H256 {
        h256(self.with(U256::ZERO, |w, h| w.storage(h, &address(a), &word(key))))
    }
    fn transient_storage(&self, a: H160, key: H256) -> H256 {
        h256(self.world.borrow().transient(&address(a), &word(key)))
    }
    fn exists(&self, a: H160) -> bool {
        !self.with(true, |w, h| w.is_empty(h, &address(a)))
    }
    fn can_create(&self, a: H160) -> bool {
        // EIP-684 and EIP-7610: no nonce, no code, no storage.
        self.with(false, |w, h| {
            let a = address(a);
            Ok(w.nonce(h, &a)? == 0 && !w.has_code(h, &a)? && !w.has_storage(h, &a)?)
        })
    }
    fn nonce(&self, a: H160) -> U256 {
        U256::from(self.with(0, |w, h| w.nonce(h, &address(a))))
    }
}

impl<H: Runtime> RuntimeBackend for EvmBackend<'_, H> {
    fn original_storage(&self, a: H160, key: H256) -> H256 {
        h256(self.with(U256::ZERO, |w, h| w.original_storage(h, &address(a), &word(key))))
    }
    fn deleted(&self, a: H160) -> bool {
        self.world.borrow().is_destroyed(&address(a))
    }
    fn created(&self, a: H160) -> bool {
        self.world.borrow().was_created(&address(a))
    }
    fn is_cold(&self, a: H160, key: Option<H256>) -> bool {
        let w = self.world.borrow();
        match key {
            None => !w.is_warm(&address(a)),
            Some(k) => !w.is_slot_warm(&address(a), &word(k)),
        }
    }
    fn mark_hot(&mut self, a: H160, kind: TouchKind) {
        // A touch (EIP-161) needs no record: empty accounts are never stored.
        // The coinbase is warm from the start (EIP-3651, Shanghai on).
        if matches!(kind, TouchKind::Access | TouchKind::Coinbase) {
            self.world.get_mut().warm(&address(a));
        }
    }
    fn mark_storage_hot(&mut self, a: H160, key: H256) {
        self.world.get_mut().warm_slot(&address(a), &word(key));
    }
    fn set_storage(&mut self, a: H160, key: H256, value: H256) -> Result<(), ExitError> {
        let r = self.world.get_mut().set_storage(self.host, &address(a), &word(key), word(value));
        self.fatal_on_failure(r)
    }
    fn set_transient_storage(&mut self, a: H160, key: H256, value: H256) -> Result<(), ExitError> {
        self.world.get_mut().set_transient(&address(a), &word(key), word(value));
        Ok(())
    }
    fn log(&mut self, log: Log) -> Result<(), ExitError> {
        let topics = log.topics.iter().map(|t| B256::from(t.0)).collect();
        self.world.get_mut().log(address(log.address), topics, log.data);
        Ok(())
    }
    fn mark_delete_reset(&mut self, a: H160) {
        // EIP-6780: SELFDESTRUCT deletes only an account created in the same
        // transaction; otherwise it only moved the balance (done by the
        // caller of this hook).
        let a = address(a);
        if self.world.get_mut().was_created(&a) {
            let r = self.world.get_mut().destroy(self.host, &a);
            self.or_fail(r, ());
        }
    }
    fn mark_create(&mut self, a: H160) {
        self.world.get_mut().mark_created(&address(a));
    }
    fn reset_storage(&mut self, a: H160) {
        self.world.get_mut().clear_storage(&address(a));
    }
    fn set_code(
        &mut self,
        a: H160,
        code: Vec<u8>,
        _origin: SetCodeOrigin,
    ) -> Result<(), ExitError> {
        let (code, record) = match self.staged.remove(&address(a)) {
            // Another VM's creation returns no code: what it deploys was
            // prepared when it began.
            Some(staged) => staged,
            None => {
                // Constants the constructor set (the constants contract)
                // stay with the code it returns.
                let current = self.with(Code::default(), |w, h| w.code(h, &address(a)));
                let set = current.prepared.as_deref().and_then(|r| Meta::decode(r));
                let constants = set.map_or(&[][..], |m| m.constants);
                let bitmap = jumpdest::analyze(&code);
                let record = Meta { kind: VmKind::Evm, constants, prepared: &bitmap }.encode();
                (code, record)
            }
        };
        let r = self.world.get_mut().set_code(self.host, &address(a), code, record);
        self.fatal_on_failure(r)
    }
    fn deposit(&mut self, target: H160, value: U256) {
        let r = self.world.get_mut().credit(self.host, &address(target), value);
        self.or_fail(r, ());
    }
    fn withdrawal(&mut self, source: H160, value: U256) -> Result<(), ExitError> {
        let r = self.world.get_mut().debit(self.host, &address(source), value);
        match self.or_fail(r.map(|d| d.is_ok()), false) {
            true => Ok(()),
            false => Err(ExitException::OutOfFund.into()),
        }
    }
    fn inc_nonce(&mut self, a: H160) -> Result<(), ExitError> {
        let a = address(a);
        let r = (|| {
            let n = self.world.get_mut().nonce(self.host, &a)?;
            // EIP-2681: the nonce stops at 2^64 − 1.
            if n == u64::MAX {
                return Ok(false);
            }
            self.world.get_mut().set_nonce(self.host, &a, n + 1).map(|()| true)
        })();
        match self.or_fail(r, false) {
            true => Ok(()),
            false => Err(ExitException::MaxNonce.into()),
        }
    }
}

impl<H: Runtime> EvmBackend<'_, H> {
    fn fatal_on_failure(&self, r: Result<(), SystemError>) -> Result<(), ExitError> {
        r.map_err(|e| {
            self.failure.borrow_mut().get_or_insert(e);
            ExitFatal::Other("system failure".into()).into()
        })
    }
}

impl<H: Runtime> TransactionalBackend for EvmBackend<'_, H> {
    fn push_substate(&mut self) {
        let cp = self.world.get_mut().checkpoint();
        self.frames.push(cp);
    }

    fn pop_substate(&mut self, strategy: MergeStrategy) -> Result<(), ExitError> {
        let cp = self.frames.pop().ok_or(ExitFatal::UnevenSubstate)?;
        match strategy {
            MergeStrategy::Commit => {}
            MergeStrategy::Revert | MergeStrategy::Discard => self.world.get_mut().revert(cp),
        }
        Ok(())
    }
}
