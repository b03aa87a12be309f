//! Reads of the committed chain, from the kernel's durable-storage layout
//! (`zkos-layout`) as the runner's state database holds it.
//!
//! Every answer of the node about blocks, transactions, receipts and
//! accounts comes from here, so it cannot disagree with the kernel: there is
//! no second bookkeeping. A [`View`] is one redb read transaction, so one
//! RPC answer reads one level, however many paths it needs.

use alloy_consensus::{Header, ReceiptEnvelope, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, B256, U256};
use alloy_rlp::Decodable;
use layout::{ChainConfig, ReceiptInfo};
use pvm_runner::state::{Snapshot, StateError};

/// A failure to read the committed chain.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    /// The state database failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// A stored value does not decode as the layout says.
    #[error("stored {what} does not decode: {why}")]
    Corrupt {
        /// What was read.
        what: &'static str,
        /// Why it failed.
        why: String,
    },
}

fn corrupt(what: &'static str, why: impl ToString) -> ViewError {
    ViewError::Corrupt { what, why: why.to_string() }
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

/// One consistent view of the committed chain: as the last level left it,
/// or as it was before an earlier level (for reads at past blocks).
pub struct View {
    snapshot: Snapshot,
    before: Option<u32>,
}

impl View {
    /// A view over `snapshot`.
    pub fn new(snapshot: Snapshot) -> Self {
        Self { snapshot, before: None }
    }

    /// A view of storage as it was before `level` ran, through the state's
    /// undo records (the caller has checked they reach that far).
    pub fn before_level(snapshot: Snapshot, level: u32) -> Self {
        Self { snapshot, before: Some(level) }
    }

    /// The snapshot, given back.
    pub fn into_snapshot(self) -> Snapshot {
        self.snapshot
    }

    /// The raw value at `path`.
    pub fn get(&self, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        Ok(match self.before {
            Some(level) => self.snapshot.durable_before(path.as_bytes(), level)?,
            None => self.snapshot.durable(path.as_bytes())?,
        })
    }

    /// The snapshot, for what the layout does not cover (levels, outboxes).
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The chain configuration (absent before origination).
    pub fn config(&self) -> Result<Option<ChainConfig>, ViewError> {
        self.snapshot
            .durable(layout::CONFIG)?
            .map(|b| ChainConfig::decode(&b).map_err(|e| corrupt("chain config", e)))
            .transpose()
    }

    /// An account's balance (0 when absent).
    pub fn balance(&self, a: &Address) -> Result<U256, ViewError> {
        match self.get(&layout::balance(a))? {
            Some(b) => layout::decode_u256(&b).map_err(|e| corrupt("balance", e)),
            None => Ok(U256::ZERO),
        }
    }

    /// An account's nonce (0 when absent).
    pub fn nonce(&self, a: &Address) -> Result<u64, ViewError> {
        match self.get(&layout::nonce(a))? {
            Some(b) => layout::decode_u64(&b).map_err(|e| corrupt("nonce", e)),
            None => Ok(0),
        }
    }

    /// An account's code (empty when none).
    pub fn code(&self, a: &Address) -> Result<Vec<u8>, ViewError> {
        Ok(self.get(&layout::code(a))?.unwrap_or_default())
    }

    /// One storage slot (0 when absent).
    pub fn storage(&self, a: &Address, slot: &U256) -> Result<U256, ViewError> {
        match self.get(&layout::storage(a, slot))? {
            Some(b) => layout::decode_u256(&b).map_err(|e| corrupt("storage slot", e)),
            None => Ok(U256::ZERO),
        }
    }

    /// The latest block: number and hash (none before the first level).
    pub fn latest(&self) -> Result<Option<(u64, B256)>, ViewError> {
        let Some(b) = self.snapshot.durable(layout::LATEST_BLOCK)? else { return Ok(None) };
        if b.len() != 40 {
            return Err(corrupt("latest block", format!("{} bytes", b.len())));
        }
        let number = layout::decode_u64(&b[..8]).map_err(|e| corrupt("latest block", e))?;
        Ok(Some((number, B256::from_slice(&b[8..]))))
    }

    /// The header of block `number`.
    pub fn header(&self, number: u64) -> Result<Option<Header>, ViewError> {
        let Some(rlp) = self.get(&layout::block_header(number))? else { return Ok(None) };
        Header::decode(&mut rlp.as_slice()).map(Some).map_err(|e| corrupt("block header", e))
    }

    /// The hashes of block `number`'s transactions, in order.
    pub fn block_transactions(&self, number: u64) -> Result<Vec<B256>, ViewError> {
        let bytes = self.get(&layout::block_transactions(number))?.unwrap_or_default();
        if bytes.len() % 32 != 0 {
            return Err(corrupt("block transactions", format!("{} bytes", bytes.len())));
        }
        Ok(bytes.chunks_exact(32).map(B256::from_slice).collect())
    }

    /// The number of the block with hash `hash`.
    pub fn block_number(&self, hash: &B256) -> Result<Option<u64>, ViewError> {
        self.get(&layout::block_number_by_hash(hash))?
            .map(|b| layout::decode_u64(&b).map_err(|e| corrupt("block number", e)))
            .transpose()
    }

    /// An included transaction.
    pub fn transaction(&self, hash: &B256) -> Result<Option<Included>, ViewError> {
        let Some(b) = self.get(&layout::transaction(hash))? else { return Ok(None) };
        let Some((head, raw)) = b.split_at_checked(12) else {
            return Err(corrupt("transaction", "shorter than its position"));
        };
        let block = layout::decode_u64(&head[..8]).map_err(|e| corrupt("transaction", e))?;
        let index = u32::from_be_bytes([head[8], head[9], head[10], head[11]]);
        let envelope = TxEnvelope::decode_2718_exact(raw).map_err(|e| corrupt("transaction", e))?;
        Ok(Some(Included { block, index, raw: raw.to_vec(), envelope }))
    }

    /// A transaction's receipt and what the OS recorded beside it.
    pub fn receipt(
        &self,
        hash: &B256,
    ) -> Result<Option<(ReceiptEnvelope, ReceiptInfo)>, ViewError> {
        let Some(r) = self.get(&layout::receipt(hash))? else { return Ok(None) };
        let receipt = ReceiptEnvelope::decode_2718_exact(&r).map_err(|e| corrupt("receipt", e))?;
        let info = self
            .get(&layout::receipt_info(hash))?
            .ok_or_else(|| corrupt("receipt info", "missing beside its receipt"))?;
        let info = ReceiptInfo::decode(&info).map_err(|e| corrupt("receipt info", e))?;
        Ok(Some((receipt, info)))
    }

    /// The level the next seal commits.
    pub fn next_level(&self) -> Result<u32, ViewError> {
        Ok(self.snapshot.next_level()?)
    }
}
