//! An in-process host for unit-testing a contract natively: one contract's
//! storage, transient storage, logs, balances and call context, with
//! [`call`] running an entry function as the kernel would and telling how
//! it ended.
//!
//! What it is not: other contracts. A call or creation from the contract
//! under test fails (status 2) — cross-contract behaviour is tested
//! through the kernel (`kernel/tests`, `e2e/`).

use std::{
    cell::RefCell,
    collections::BTreeMap,
    panic::{AssertUnwindSafe, catch_unwind},
    vec::Vec,
};

use alloy_primitives::{Address, B256, U256};

/// The test host's state.
#[derive(Debug, Clone, Default)]
pub struct Host {
    /// The running entry's input.
    pub input: Vec<u8>,
    /// `caller()`.
    pub caller: Address,
    /// `origin()`.
    pub origin: Address,
    /// The contract's address.
    pub address: Address,
    /// Wei sent with the call.
    pub value: U256,
    /// The constants area.
    pub constants: Vec<u8>,
    /// The block's coinbase.
    pub coinbase: Address,
    /// The base fee.
    pub base_fee: U256,
    /// Block number.
    pub block_number: u64,
    /// Block timestamp.
    pub timestamp: u64,
    /// Chain id.
    pub chain_id: u64,
    /// The contract's storage.
    pub storage: BTreeMap<U256, U256>,
    /// Transient storage (cleared by [`call`] before each call, as at the
    /// start of a transaction).
    pub transient: BTreeMap<U256, U256>,
    /// Balances.
    pub balances: BTreeMap<Address, U256>,
    /// Logs emitted, in order: topics and data.
    pub logs: Vec<(Vec<B256>, Vec<u8>)>,
    /// The last call's output.
    pub return_data: Vec<u8>,
}

impl Host {
    pub(crate) fn balance_of(&self, a: Address) -> U256 {
        self.balances.get(&a).copied().unwrap_or_default()
    }
}

std::thread_local! {
    static HOST: RefCell<Host> = RefCell::new(Host::default());
}

/// Runs `f` with the thread's test host.
pub fn with<T>(f: impl FnOnce(&mut Host) -> T) -> T {
    HOST.with(|h| f(&mut h.borrow_mut()))
}

/// How an entry ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// It finished with this output.
    Finish(Vec<u8>),
    /// It reverted with this data.
    Revert(Vec<u8>),
}

/// Runs entry `f` from `caller` with `input`; storage, logs and balances
/// persist across calls; a revert undoes the call's storage writes and
/// logs, as the kernel would.
pub fn call(f: crate::Entry, caller: Address, input: &[u8]) -> Ended {
    let before = with(|h| {
        h.input = input.to_vec();
        h.caller = caller;
        h.transient.clear();
        (h.storage.clone(), h.logs.len())
    });
    let ended = match catch_unwind(AssertUnwindSafe(|| crate::run(f))) {
        Ok(never) => never,
        Err(payload) => match payload.downcast::<Ended>() {
            Ok(ended) => *ended,
            // A panic in contract code reverts as it does on wasm32, with
            // Solidity's `Panic(0x01)`.
            Err(_) => Ended::Revert(crate::PANIC_DATA.to_vec()),
        },
    };
    if let Ended::Revert(_) = ended {
        with(|h| {
            h.storage = before.0;
            h.logs.truncate(before.1);
        });
    }
    ended
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    use crate::{calls, env, log, storage};

    fn counter(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let n = storage::load(U256::ZERO) + U256::from(1);
        storage::store(U256::ZERO, n);
        log::raw(&[B256::repeat_byte(1)], input);
        match input.first() {
            Some(0) => Err(b"no".to_vec()),
            Some(1) => panic!("a bug"),
            _ => Ok(n.to_be_bytes::<32>().to_vec()),
        }
    }

    #[test]
    fn a_revert_or_a_panic_undoes_the_calls_writes_and_logs() {
        with(|h| *h = Host::default());
        let a = Address::repeat_byte(7);
        assert_eq!(
            call(counter, a, &[9]),
            Ended::Finish(U256::from(1).to_be_bytes::<32>().to_vec())
        );
        assert_eq!(call(counter, a, &[0]), Ended::Revert(b"no".to_vec()));
        assert_eq!(call(counter, a, &[1]), Ended::Revert(crate::PANIC_DATA.to_vec()));
        with(|h| {
            assert_eq!(h.storage[&U256::ZERO], U256::from(1));
            assert_eq!(h.logs, vec![(vec![B256::repeat_byte(1)], vec![9])]);
        });
    }

    #[test]
    fn context_comes_from_the_host_and_calls_fail_without_other_contracts() {
        with(|h| {
            *h = Host::default();
            h.constants = b"k".to_vec();
        });
        fn probe(_: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
            assert_eq!(env::constants(), b"k");
            assert_eq!(env::caller(), Address::repeat_byte(3));
            let out = calls::call(Address::ZERO, U256::ZERO, &[], calls::ALL_GAS);
            assert_eq!(out, calls::Outcome::Failed);
            Ok(Vec::new())
        }
        assert_eq!(call(probe, Address::repeat_byte(3), &[]), Ended::Finish(Vec::new()));
    }

    #[test]
    fn mapping_slots_are_soliditys() {
        // keccak256(abi.encode(uint256(1), uint256(0))), as Solidity places
        // `mapping(uint256 => …)` at slot 0, key 1.
        let key = B256::from(U256::from(1).to_be_bytes::<32>());
        let expected = alloy_primitives::keccak256([key.0, [0; 32]].concat());
        assert_eq!(storage::mapping_slot(U256::ZERO, key), U256::from_be_bytes(expected.0));
    }
}
