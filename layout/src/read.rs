//! The chain read back by the layout: accounts, blocks, transactions and
//! receipts, from any store of durable values.
//!
//! The node answers JSON-RPC from the runner's state database and the
//! browser page shows blocks from the durable storage it holds; both read
//! through [`ChainRead`], so neither can decode a path differently from the
//! other, and a value that is not as the layout says is the same
//! [`ReadError::Corrupt`] in both. Implement [`Store`] for the source of
//! values and the reads come with it:
//!
//! ```
//! use layout::read::{ChainRead, Store};
//! use std::collections::BTreeMap;
//!
//! struct Map(BTreeMap<Vec<u8>, Vec<u8>>);
//! impl Store for Map {
//!     type Error = core::convert::Infallible;
//!     fn get(&self, path: &[u8]) -> Result<Option<Vec<u8>>, Self::Error> {
//!         Ok(self.0.get(path).cloned())
//!     }
//! }
//! let store = Map(BTreeMap::new());
//! assert_eq!(store.latest().unwrap(), None, "no block before the first level");
//! ```

use alloc::{string::String, string::ToString, vec::Vec};

use alloy_consensus::{Header, ReceiptEnvelope, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, B256, U256};
use alloy_rlp::Decodable;

use crate::{ChainConfig, ReceiptInfo};

/// A source of durable values by path.
pub trait Store {
    /// Why a value could not be read (not: that it is absent).
    type Error;

    /// The value at `path`, `None` when nothing is stored there.
    fn get(&self, path: &[u8]) -> Result<Option<Vec<u8>>, Self::Error>;
}

/// A failed read of the chain.
#[derive(Debug, thiserror::Error)]
pub enum ReadError<E> {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] E),
    /// A stored value does not decode as the layout says.
    #[error("stored {what} does not decode: {why}")]
    Corrupt {
        /// What was read.
        what: &'static str,
        /// Why it failed.
        why: String,
    },
}

fn corrupt<E>(what: &'static str, why: impl ToString) -> ReadError<E> {
    ReadError::Corrupt { what, why: why.to_string() }
}

/// An included transaction, where it lies.
#[derive(Debug, Clone)]
pub struct Included {
    /// Its block.
    pub block: u64,
    /// Its index in the block.
    pub index: u32,
    /// Its EIP-2718 bytes.
    pub raw: Vec<u8>,
    /// It decoded.
    pub envelope: TxEnvelope,
}

/// A deposit a block credited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deposit {
    /// Who was credited.
    pub receiver: Address,
    /// How much, in wei.
    pub wei: U256,
}

/// The size of one deposit in a block's list: receiver ‖ wei.
const DEPOSIT_SIZE: usize = 20 + 32;

/// The reads of the chain, for every [`Store`].
pub trait ChainRead: Store {
    /// The chain configuration (absent before origination).
    fn config(&self) -> Result<Option<ChainConfig>, ReadError<Self::Error>> {
        self.get(crate::CONFIG)?
            .map(|b| ChainConfig::decode(&b).map_err(|e| corrupt("chain config", e)))
            .transpose()
    }

    /// An account's balance (0 when absent).
    fn balance(&self, a: &Address) -> Result<U256, ReadError<Self::Error>> {
        match self.get(crate::balance(a).as_bytes())? {
            Some(b) => crate::decode_u256(&b).map_err(|e| corrupt("balance", e)),
            None => Ok(U256::ZERO),
        }
    }

    /// An account's nonce (0 when absent).
    fn nonce(&self, a: &Address) -> Result<u64, ReadError<Self::Error>> {
        match self.get(crate::nonce(a).as_bytes())? {
            Some(b) => crate::decode_u64(&b).map_err(|e| corrupt("nonce", e)),
            None => Ok(0),
        }
    }

    /// An account's code (empty when none).
    fn code(&self, a: &Address) -> Result<Vec<u8>, ReadError<Self::Error>> {
        Ok(self.get(crate::code(a).as_bytes())?.unwrap_or_default())
    }

    /// One storage slot (0 when absent).
    fn storage(&self, a: &Address, slot: &U256) -> Result<U256, ReadError<Self::Error>> {
        match self.get(crate::storage(a, slot).as_bytes())? {
            Some(b) => crate::decode_u256(&b).map_err(|e| corrupt("storage slot", e)),
            None => Ok(U256::ZERO),
        }
    }

    /// The latest block: number and hash (none before the first level).
    fn latest(&self) -> Result<Option<(u64, B256)>, ReadError<Self::Error>> {
        let Some(b) = self.get(crate::LATEST_BLOCK)? else { return Ok(None) };
        if b.len() != 8 + 32 {
            return Err(corrupt("latest block", alloc::format!("{} bytes", b.len())));
        }
        let number = crate::decode_u64(&b[..8]).map_err(|e| corrupt("latest block", e))?;
        Ok(Some((number, B256::from_slice(&b[8..]))))
    }

    /// The header of block `number`.
    fn header(&self, number: u64) -> Result<Option<Header>, ReadError<Self::Error>> {
        let Some(rlp) = self.get(crate::block_header(number).as_bytes())? else { return Ok(None) };
        Header::decode(&mut rlp.as_slice()).map(Some).map_err(|e| corrupt("block header", e))
    }

    /// The hashes of block `number`'s transactions, in order.
    fn block_transactions(&self, number: u64) -> Result<Vec<B256>, ReadError<Self::Error>> {
        let bytes = self.get(crate::block_transactions(number).as_bytes())?.unwrap_or_default();
        if !bytes.len().is_multiple_of(32) {
            return Err(corrupt("block transactions", alloc::format!("{} bytes", bytes.len())));
        }
        Ok(bytes.chunks_exact(32).map(B256::from_slice).collect())
    }

    /// The deposits block `number` credited, in inbox order.
    fn block_deposits(&self, number: u64) -> Result<Vec<Deposit>, ReadError<Self::Error>> {
        let bytes = self.get(crate::block_deposits(number).as_bytes())?.unwrap_or_default();
        if !bytes.len().is_multiple_of(DEPOSIT_SIZE) {
            return Err(corrupt("block deposits", alloc::format!("{} bytes", bytes.len())));
        }
        Ok(bytes
            .chunks_exact(DEPOSIT_SIZE)
            .map(|d| Deposit {
                receiver: Address::from_slice(&d[..20]),
                wei: U256::from_be_slice(&d[20..]),
            })
            .collect())
    }

    /// The number of the block with hash `hash`.
    fn block_number(&self, hash: &B256) -> Result<Option<u64>, ReadError<Self::Error>> {
        self.get(crate::block_number_by_hash(hash).as_bytes())?
            .map(|b| crate::decode_u64(&b).map_err(|e| corrupt("block number", e)))
            .transpose()
    }

    /// An included transaction.
    fn transaction(&self, hash: &B256) -> Result<Option<Included>, ReadError<Self::Error>> {
        let Some(b) = self.get(crate::transaction(hash).as_bytes())? else { return Ok(None) };
        let Some((head, raw)) = b.split_at_checked(12) else {
            return Err(corrupt("transaction", "shorter than its position"));
        };
        let block = crate::decode_u64(&head[..8]).map_err(|e| corrupt("transaction", e))?;
        let index = u32::from_be_bytes([head[8], head[9], head[10], head[11]]);
        let envelope = TxEnvelope::decode_2718_exact(raw).map_err(|e| corrupt("transaction", e))?;
        Ok(Some(Included { block, index, raw: raw.to_vec(), envelope }))
    }

    /// A transaction's receipt and what the OS recorded beside it.
    fn receipt(
        &self,
        hash: &B256,
    ) -> Result<Option<(ReceiptEnvelope, ReceiptInfo)>, ReadError<Self::Error>> {
        let Some(r) = self.get(crate::receipt(hash).as_bytes())? else { return Ok(None) };
        let receipt = ReceiptEnvelope::decode_2718_exact(&r).map_err(|e| corrupt("receipt", e))?;
        let info = self
            .get(crate::receipt_info(hash).as_bytes())?
            .ok_or_else(|| corrupt("receipt info", "missing beside its receipt"))?;
        let info = ReceiptInfo::decode(&info).map_err(|e| corrupt("receipt info", e))?;
        Ok(Some((receipt, info)))
    }
}

impl<S: Store + ?Sized> ChainRead for S {}

#[cfg(test)]
mod tests {
    use alloc::{collections::BTreeMap, vec};
    use core::convert::Infallible;

    use super::*;

    #[derive(Default)]
    struct Map(BTreeMap<Vec<u8>, Vec<u8>>);

    impl Map {
        fn set(&mut self, path: impl AsRef<[u8]>, value: &[u8]) {
            self.0.insert(path.as_ref().to_vec(), value.to_vec());
        }
    }

    impl Store for Map {
        type Error = Infallible;
        fn get(&self, path: &[u8]) -> Result<Option<Vec<u8>>, Infallible> {
            Ok(self.0.get(path).cloned())
        }
    }

    fn what<T: core::fmt::Debug>(r: Result<T, ReadError<Infallible>>) -> &'static str {
        match r {
            Err(ReadError::Corrupt { what, .. }) => what,
            other => panic!("expected a corrupt value, got {other:?}"),
        }
    }

    #[test]
    fn absent_accounts_read_as_zero_and_bad_sizes_as_corrupt() {
        let mut m = Map::default();
        let a = Address::repeat_byte(7);
        assert_eq!(m.balance(&a).unwrap(), U256::ZERO);
        assert_eq!(m.nonce(&a).unwrap(), 0);
        assert!(m.code(&a).unwrap().is_empty());
        assert_eq!(m.storage(&a, &U256::from(1)).unwrap(), U256::ZERO);
        m.set(crate::balance(&a), &crate::encode_u256(&U256::from(5)));
        m.set(crate::nonce(&a), &3u64.to_be_bytes());
        assert_eq!((m.balance(&a).unwrap(), m.nonce(&a).unwrap()), (U256::from(5), 3));
        m.set(crate::balance(&a), &[1; 31]);
        m.set(crate::nonce(&a), &[1; 9]);
        m.set(crate::storage(&a, &U256::from(1)), &[]);
        assert_eq!(what(m.balance(&a)), "balance");
        assert_eq!(what(m.nonce(&a)), "nonce");
        assert_eq!(what(m.storage(&a, &U256::from(1))), "storage slot");
    }

    #[test]
    fn block_lists_that_are_not_whole_entries_are_corrupt() {
        let mut m = Map::default();
        assert!(m.block_transactions(0).unwrap().is_empty(), "absent: no transactions");
        assert!(m.block_deposits(0).unwrap().is_empty(), "absent: no deposits");
        m.set(crate::block_transactions(0), &[1; 33]);
        assert_eq!(what(m.block_transactions(0)), "block transactions");
        m.set(crate::block_deposits(0), &[1; 53]);
        assert_eq!(what(m.block_deposits(0)), "block deposits");
        let mut deposit = vec![0xaa; 20];
        deposit.extend_from_slice(&crate::encode_u256(&U256::from(9)));
        m.set(crate::block_deposits(0), &deposit);
        assert_eq!(
            m.block_deposits(0).unwrap(),
            [Deposit { receiver: Address::repeat_byte(0xaa), wei: U256::from(9) }]
        );
    }

    #[test]
    fn latest_header_and_block_number_decode_or_are_corrupt() {
        let mut m = Map::default();
        assert_eq!(m.latest().unwrap(), None);
        m.set(crate::LATEST_BLOCK, &[0; 39]);
        assert_eq!(what(m.latest()), "latest block");
        let mut latest = 4u64.to_be_bytes().to_vec();
        latest.extend_from_slice(&[0xbb; 32]);
        m.set(crate::LATEST_BLOCK, &latest);
        assert_eq!(m.latest().unwrap(), Some((4, B256::repeat_byte(0xbb))));

        assert!(m.header(4).unwrap().is_none());
        m.set(crate::block_header(4), b"not rlp");
        assert_eq!(what(m.header(4)), "block header");
        let header = Header { number: 4, gas_limit: 30_000_000, ..Header::default() };
        let mut rlp = Vec::new();
        alloy_rlp::Encodable::encode(&header, &mut rlp);
        m.set(crate::block_header(4), &rlp);
        assert_eq!(m.header(4).unwrap(), Some(header));

        let hash = B256::repeat_byte(0xbb);
        assert_eq!(m.block_number(&hash).unwrap(), None);
        m.set(crate::block_number_by_hash(&hash), &[4]);
        assert_eq!(what(m.block_number(&hash)), "block number");
    }

    #[test]
    fn a_transaction_or_receipt_not_as_the_layout_says_is_corrupt() {
        let mut m = Map::default();
        let hash = B256::repeat_byte(1);
        assert!(m.transaction(&hash).unwrap().is_none());
        assert!(m.receipt(&hash).unwrap().is_none());
        m.set(crate::transaction(&hash), &[0; 11]);
        assert_eq!(what(m.transaction(&hash)), "transaction");
        m.set(crate::transaction(&hash), &[0; 13]);
        assert_eq!(what(m.transaction(&hash)), "transaction", "not an EIP-2718 transaction");
        m.set(crate::receipt(&hash), b"junk");
        assert_eq!(what(m.receipt(&hash)), "receipt");
    }

    #[test]
    fn a_failing_store_fails_the_read() {
        struct Broken;
        impl Store for Broken {
            type Error = &'static str;
            fn get(&self, _: &[u8]) -> Result<Option<Vec<u8>>, &'static str> {
                Err("disk on fire")
            }
        }
        assert!(matches!(Broken.latest(), Err(ReadError::Store("disk on fire"))));
        assert!(matches!(Broken.config(), Err(ReadError::Store("disk on fire"))));
    }
}
