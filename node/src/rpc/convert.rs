//! Ethereum RPC objects (alloy's types) from what the layout stores.

use alloy_consensus::{Header, Transaction as _, TxEnvelope, transaction::Recovered};
use alloy_primitives::{Address, B256, U256};
use alloy_rlp::Encodable;
use alloy_rpc_types_eth::{Block, BlockTransactions, Log, Transaction, TransactionReceipt};

use crate::chain::{ChainRead, View, ViewError, view::Included};

/// Block `number` with its transactions' hashes, or the transactions
/// themselves when `full`.
pub fn block(view: &View, number: u64, full: bool) -> Result<Option<Block>, ViewError> {
    let Some(header) = view.header(number)? else { return Ok(None) };
    let hashes = view.block_transactions(number)?;
    let transactions = if full {
        let mut txs = Vec::with_capacity(hashes.len());
        for h in &hashes {
            if let Some(included) = view.transaction(h)? {
                txs.push(transaction(&header, included)?);
            }
        }
        BlockTransactions::Full(txs)
    } else {
        BlockTransactions::Hashes(hashes)
    };
    Ok(Some(Block {
        header: rpc_header(header),
        uncles: Vec::new(),
        transactions,
        withdrawals: None,
    }))
}

/// A stored header as RPC shows it (with its hash and size).
pub fn rpc_header(header: Header) -> alloy_rpc_types_eth::Header {
    alloy_rpc_types_eth::Header {
        hash: header.hash_slow(),
        size: Some(U256::from(header.length())),
        inner: header,
        total_difficulty: Some(U256::ZERO),
    }
}

/// An included transaction as RPC shows it.
pub fn transaction(header: &Header, included: Included) -> Result<Transaction, ViewError> {
    let sender = sender(&included)?;
    let base_fee = header.base_fee_per_gas.unwrap_or_default();
    let effective = included.envelope.effective_gas_price(Some(base_fee));
    Ok(Transaction {
        inner: Recovered::new_unchecked(included.envelope, sender),
        block_hash: Some(header.hash_slow()),
        block_number: Some(header.number),
        transaction_index: Some(u64::from(included.index)),
        effective_gas_price: Some(effective),
        block_timestamp: Some(header.timestamp),
    })
}

/// A waiting transaction as RPC shows it (no block yet).
pub fn pending_transaction(envelope: TxEnvelope, sender: Address) -> Transaction {
    Transaction {
        inner: Recovered::new_unchecked(envelope, sender),
        block_hash: None,
        block_number: None,
        transaction_index: None,
        effective_gas_price: None,
        block_timestamp: None,
    }
}

fn sender(included: &Included) -> Result<Address, ViewError> {
    zkos_kernel::tx::decode(&included.raw)
        .map(|t| t.sender)
        .map_err(|e| ViewError::Corrupt { what: "included transaction", why: e.to_string() })
}

/// The receipt of the included transaction `hash`, with its logs placed in
/// the block (log indices count from the block's first receipt).
pub fn receipt(view: &View, hash: &B256) -> Result<Option<TransactionReceipt>, ViewError> {
    let Some(included) = view.transaction(hash)? else { return Ok(None) };
    let Some((receipt, info)) = view.receipt(hash)? else { return Ok(None) };
    let Some(header) = view.header(included.block)? else { return Ok(None) };
    let block_hash = header.hash_slow();
    let mut log_index = 0u64;
    for earlier in view.block_transactions(included.block)?.iter().take(included.index as usize) {
        if let Some((r, _)) = view.receipt(earlier)? {
            log_index += r.logs().len() as u64;
        }
    }
    let from = sender(&included)?;
    let to = included.envelope.to();
    let tx_index = u64::from(included.index);
    let inner = receipt.map_logs(|inner| {
        let log = Log {
            inner,
            block_hash: Some(block_hash),
            block_number: Some(header.number),
            block_timestamp: Some(header.timestamp),
            transaction_hash: Some(*hash),
            transaction_index: Some(tx_index),
            log_index: Some(log_index),
            removed: false,
        };
        log_index += 1;
        log
    });
    Ok(Some(TransactionReceipt {
        inner,
        transaction_hash: *hash,
        transaction_index: Some(tx_index),
        block_hash: Some(block_hash),
        block_number: Some(header.number),
        gas_used: info.gas_used,
        effective_gas_price: info.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from,
        to,
        contract_address: info.created,
    }))
}

/// Every log of block `number` (with `header`), placed in the block.
pub fn block_logs(view: &View, number: u64, header: &Header) -> Result<Vec<Log>, ViewError> {
    let block_hash = header.hash_slow();
    let mut out = Vec::new();
    for (i, hash) in view.block_transactions(number)?.iter().enumerate() {
        let Some((receipt, _)) = view.receipt(hash)? else { continue };
        for inner in receipt.logs() {
            out.push(Log {
                inner: inner.clone(),
                block_hash: Some(block_hash),
                block_number: Some(number),
                block_timestamp: Some(header.timestamp),
                transaction_hash: Some(*hash),
                transaction_index: Some(i as u64),
                log_index: Some(out.len() as u64),
                removed: false,
            });
        }
    }
    Ok(out)
}
