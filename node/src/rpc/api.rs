//! The JSON-RPC methods the node serves (their meaning for a rollup is in
//! the crate docs).

use alloy_eips::BlockId;
use alloy_primitives::{Address, B256, Bytes, U64, U256};
use alloy_rpc_types_eth::{
    Block, BlockNumberOrTag, FeeHistory, Filter, Log, Transaction, TransactionReceipt,
    TransactionRequest,
};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};

use super::zkos::{OutboxMessage, RefusedTransaction, StateRoot};

/// `web3_`, `net_` and `eth_` methods.
#[rpc(server)]
pub trait EthApi {
    /// The node's name and version.
    #[method(name = "web3_clientVersion")]
    fn client_version(&self) -> RpcResult<String>;

    /// The chain id, in decimal (as `net_version` answers).
    #[method(name = "net_version")]
    fn net_version(&self) -> RpcResult<String>;

    /// EIP-155 chain id.
    #[method(name = "eth_chainId")]
    fn chain_id(&self) -> RpcResult<U64>;

    /// The latest block's number.
    #[method(name = "eth_blockNumber")]
    fn block_number(&self) -> RpcResult<U64>;

    /// A balance.
    #[method(name = "eth_getBalance")]
    fn balance(&self, address: Address, block: Option<BlockId>) -> RpcResult<U256>;

    /// A nonce; `pending` counts the sender's transactions waiting in a run.
    #[method(name = "eth_getTransactionCount")]
    fn transaction_count(&self, address: Address, block: Option<BlockId>) -> RpcResult<U64>;

    /// Code.
    #[method(name = "eth_getCode")]
    fn code(&self, address: Address, block: Option<BlockId>) -> RpcResult<Bytes>;

    /// A storage slot.
    #[method(name = "eth_getStorageAt")]
    fn storage_at(&self, address: Address, slot: U256, block: Option<BlockId>) -> RpcResult<B256>;

    /// The price a transaction needs: the base fee plus the suggested tip.
    #[method(name = "eth_gasPrice")]
    fn gas_price(&self) -> RpcResult<U256>;

    /// The suggested tip.
    #[method(name = "eth_maxPriorityFeePerGas")]
    fn max_priority_fee(&self) -> RpcResult<U256>;

    /// Base fees and gas use of recent blocks.
    #[method(name = "eth_feeHistory")]
    fn fee_history(
        &self,
        block_count: U64,
        newest: BlockNumberOrTag,
        reward_percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory>;

    /// Runs a call on the latest state through the kernel's simulation
    /// entry; a revert answers code 3 with the revert data.
    #[method(name = "eth_call", blocking)]
    fn call(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<Bytes>;

    /// The least gas limit with which the call succeeds.
    #[method(name = "eth_estimateGas", blocking)]
    fn estimate_gas(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<U64>;

    /// Checks a signed transaction and queues it; answers its hash.
    #[method(name = "eth_sendRawTransaction")]
    fn send_raw_transaction(&self, bytes: Bytes) -> RpcResult<B256>;

    /// An included or waiting transaction.
    #[method(name = "eth_getTransactionByHash")]
    fn transaction_by_hash(&self, hash: B256) -> RpcResult<Option<Transaction>>;

    /// An included transaction's receipt.
    #[method(name = "eth_getTransactionReceipt")]
    fn transaction_receipt(&self, hash: B256) -> RpcResult<Option<TransactionReceipt>>;

    /// A block by number or tag.
    #[method(name = "eth_getBlockByNumber")]
    fn block_by_number(&self, block: BlockNumberOrTag, full: bool) -> RpcResult<Option<Block>>;

    /// A block by hash.
    #[method(name = "eth_getBlockByHash")]
    fn block_by_hash(&self, hash: B256, full: bool) -> RpcResult<Option<Block>>;

    /// How many transactions a block has.
    #[method(name = "eth_getBlockTransactionCountByNumber")]
    fn block_transaction_count_by_number(&self, block: BlockNumberOrTag) -> RpcResult<Option<U64>>;

    /// How many transactions a block has.
    #[method(name = "eth_getBlockTransactionCountByHash")]
    fn block_transaction_count_by_hash(&self, hash: B256) -> RpcResult<Option<U64>>;

    /// Logs matching a filter, over at most [`super::eth::MAX_LOG_BLOCKS`] blocks.
    #[method(name = "eth_getLogs", blocking)]
    fn logs(&self, filter: Filter) -> RpcResult<Vec<Log>>;

    /// Always `false`: the node sequences its own chain.
    #[method(name = "eth_syncing")]
    fn syncing(&self) -> RpcResult<bool>;

    /// Always empty: the node holds no keys.
    #[method(name = "eth_accounts")]
    fn accounts(&self) -> RpcResult<Vec<Address>>;

    /// The durable-storage root a block's level committed.
    #[method(name = "zkos_stateRoot")]
    fn state_root(&self, block: BlockNumberOrTag) -> RpcResult<StateRoot>;

    /// Development: deposits `mutez` of the bridge's ticket to `receiver`
    /// in the next level, as the L1 bridge contract would (credited as
    /// mutez × 10¹² wei).
    #[method(name = "zkos_deposit")]
    fn deposit(&self, receiver: Address, mutez: U64) -> RpcResult<bool>;

    /// The outbox messages of a level.
    #[method(name = "zkos_outbox")]
    fn outbox(&self, level: U64) -> RpcResult<Vec<OutboxMessage>>;

    /// Why the kernel refused a transaction the node had accepted (it was
    /// then dropped from the pool); `null` for a transaction not refused
    /// (or refused too long ago to be kept).
    #[method(name = "zkos_refusedTransaction")]
    fn refused_transaction(&self, hash: B256) -> RpcResult<Option<RefusedTransaction>>;
}
