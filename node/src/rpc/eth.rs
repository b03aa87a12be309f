//! The methods of [`EthApiServer`], over the committed chain and the pool.

use std::sync::Arc;

use alloy_eips::{BlockId, eip2718::Decodable2718};
use alloy_primitives::{Address, B256, Bytes, TxKind, U64, U256};
use alloy_rpc_types_eth::{
    Block, BlockNumberOrTag, FeeHistory, Filter, FilterBlockOption, Log, Transaction,
    TransactionReceipt, TransactionRequest,
};
use jsonrpsee::{core::RpcResult, types::ErrorObjectOwned};

use super::{
    api::EthApiServer,
    convert,
    error::{internal, invalid_params, reverted, server},
    zkos::{OutboxMessage, RefusedTransaction, StateRoot},
};
use pvm_runner::state::UNDO_LEVELS;
use zkos_kernel::bootloader::budget::gas_ceiling;

use crate::{
    admit::admit,
    chain::{ChainRead, Request, SimStatus, Simulated, View, sealing_level},
    sequencer::Shared,
};

/// The most blocks one `eth_feeHistory` covers.
pub const MAX_FEE_HISTORY_BLOCKS: u64 = 1024;

/// The most blocks one `eth_getLogs` scans.
pub const MAX_LOG_BLOCKS: u64 = 10_000;

/// The most logs one `eth_getLogs` answers.
pub const MAX_LOGS: usize = 10_000;

/// The tip the node suggests (`eth_maxPriorityFeePerGas`): the fee is
/// fixed and blocks are not full, so any tip is included; ordering among
/// senders follows the tip.
pub const SUGGESTED_TIP: u64 = 0;

/// The RPC server's state.
pub struct EthRpc {
    shared: Arc<Shared>,
}

impl EthRpc {
    /// Methods over `shared`.
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    fn view(&self) -> RpcResult<View> {
        self.shared.view().map_err(internal)
    }
}

fn latest(view: &View) -> RpcResult<u64> {
    view.latest().map_err(internal)?.map(|(n, _)| n).ok_or_else(|| internal("no block yet"))
}

/// The block a tag names: `latest`, `pending`, `safe` and `finalized` are
/// the last sealed block (a sealed level is final here: the node is its own
/// L1), `earliest` is block 0.
fn number_of(view: &View, tag: BlockNumberOrTag) -> RpcResult<u64> {
    match tag {
        BlockNumberOrTag::Earliest => Ok(0),
        BlockNumberOrTag::Number(n) => Ok(n),
        _ => latest(view),
    }
}

/// The block `block` names (the latest when none), and the latest.
fn asked_block(view: &View, block: Option<BlockId>) -> RpcResult<(u64, u64)> {
    let head = latest(view)?;
    let asked = match block {
        None => head,
        Some(BlockId::Number(tag)) => number_of(view, tag)?,
        Some(BlockId::Hash(h)) => view
            .block_number(&h.block_hash)
            .map_err(internal)?
            .ok_or_else(|| server(format!("block {} not found", h.block_hash)))?,
    };
    if asked > head {
        return Err(server(format!("block {asked} not found: the latest is {head}")));
    }
    Ok((asked, head))
}

/// Refuses a simulation at any block but the latest: `eth_call` runs the
/// kernel on the runner's current state.
fn at_latest(view: &View, block: Option<BlockId>) -> RpcResult<()> {
    match asked_block(view, block)? {
        (n, head) if n == head => Ok(()),
        (n, head) => Err(server(format!(
            "calls run on the latest block's state only ({head}), not on block {n}"
        ))),
    }
}

impl EthRpc {
    /// The view to read account state at `block` from: the latest state, or
    /// an older block's, read through the runner's undo records (block `n`
    /// is sealed by level `n + 1`, so its state is what level `n + 2`
    /// found). Blocks older than those records reach are refused with the
    /// oldest readable one.
    fn state_at(&self, block: Option<BlockId>) -> RpcResult<View> {
        let view = self.view()?;
        let (asked, head) = asked_block(&view, block)?;
        if asked == head {
            return Ok(view);
        }
        let next = view.next_level().map_err(internal)?;
        let oldest_level = next.saturating_sub(UNDO_LEVELS).max(1);
        let oldest = u64::from(oldest_level.saturating_sub(2));
        let before = u32::try_from(asked + 2).map_err(|_| internal("block past any level"))?;
        let not_kept = || {
            server(format!(
                "the state at block {asked} is not kept: the oldest readable block is {oldest}"
            ))
        };
        if before < oldest_level {
            return Err(not_kept());
        }
        // A state written before undo records were kept has none to read.
        if !view.snapshot().keeps_undo(before).map_err(internal)? {
            return Err(not_kept());
        }
        Ok(View::before_level(view.into_snapshot(), before))
    }

    /// `request` as the kernel's simulation request, with gas `gas`.
    fn sim_request(&self, r: &TransactionRequest, gas: u64) -> Request {
        Request {
            from: r.from.unwrap_or_default(),
            to: match r.to {
                Some(TxKind::Call(a)) => Some(a),
                _ => None,
            },
            value: r.value.unwrap_or_default(),
            gas,
            gas_price: r.gas_price.or(r.max_fee_per_gas).unwrap_or(0),
            data: r.input.input().map(|b| b.to_vec()).unwrap_or_default(),
        }
    }

    fn simulate(&self, request: &Request) -> RpcResult<Simulated> {
        self.shared.simulate(request).map_err(internal)
    }

    /// The gas a request may use: its own limit, at most what a
    /// transaction may have on this chain (the block gas limit, or the
    /// kernel's lower ceiling for the request's size).
    fn gas_cap(&self, r: &TransactionRequest) -> u64 {
        // The signed transaction is the data and at most about 200 bytes
        // of envelope and signature (an access list adds its own).
        let data = r.input.input().map_or(0, |b| b.len());
        let list = r
            .access_list
            .as_ref()
            .map_or(0, |l| l.iter().map(|i| 21 + 33 * i.storage_keys.len()).sum::<usize>());
        let ceiling = gas_ceiling(&self.shared.config, data + list + 200);
        r.gas.unwrap_or(u64::MAX).min(ceiling)
    }
}

/// What a request's EIP-2930 access list adds to its intrinsic gas (2,400
/// per address, 1,900 per storage key). The simulation runs without the
/// list, so its accesses are cold and cost at least what warming them
/// would save: the estimate plus this is enough for the transaction with
/// its list.
fn access_list_gas(r: &TransactionRequest) -> u64 {
    r.access_list.as_ref().map_or(0, |list| {
        list.iter().fold(0u64, |gas, item| {
            gas.saturating_add(2_400)
                .saturating_add(1_900u64.saturating_mul(item.storage_keys.len() as u64))
        })
    })
}

/// A simulation that did not succeed, as the error clients expect.
fn not_success(s: &Simulated) -> ErrorObjectOwned {
    match s.status {
        SimStatus::Reverted => reverted(&s.data),
        _ => server(String::from_utf8_lossy(&s.data)),
    }
}

impl EthApiServer for EthRpc {
    fn call(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<Bytes> {
        at_latest(&self.view()?, block)?;
        let s = self.simulate(&self.sim_request(&request, self.gas_cap(&request)))?;
        match s.status {
            SimStatus::Success if request.to.is_some() => Ok(s.data.into()),
            // A creation answers nothing (geth answers the deployed code,
            // which the simulation entry does not return).
            SimStatus::Success => Ok(Bytes::new()),
            _ => Err(not_success(&s)),
        }
    }

    fn estimate_gas(&self, request: TransactionRequest, block: Option<BlockId>) -> RpcResult<U64> {
        at_latest(&self.view()?, block)?;
        let cap = self.gas_cap(&request);
        let first = self.simulate(&self.sim_request(&request, cap))?;
        if first.status != SimStatus::Success {
            return Err(not_success(&first));
        }
        // The least limit that succeeds lies in (used - 1, cap]: a call may
        // need more than it uses (the 63/64 rule, refunds), so search.
        let (mut lo, mut hi) = (first.gas_used.saturating_sub(1), cap);
        let guess = first.gas_used.saturating_mul(64) / 63 + 1;
        if guess < hi {
            match self.simulate(&self.sim_request(&request, guess))?.status {
                SimStatus::Success => hi = guess,
                _ => lo = guess,
            }
        }
        while lo + 1 < hi {
            let mid = lo + (hi - lo) / 2;
            match self.simulate(&self.sim_request(&request, mid))?.status {
                SimStatus::Success => hi = mid,
                _ => lo = mid,
            }
        }
        Ok(U64::from(hi.saturating_add(access_list_gas(&request))))
    }

    fn client_version(&self) -> RpcResult<String> {
        Ok(format!("zkos-node/v{}", env!("CARGO_PKG_VERSION")))
    }

    fn net_version(&self) -> RpcResult<String> {
        Ok(self.shared.config.chain_id.to_string())
    }

    fn chain_id(&self) -> RpcResult<U64> {
        Ok(U64::from(self.shared.config.chain_id))
    }

    fn block_number(&self) -> RpcResult<U64> {
        Ok(U64::from(latest(&self.view()?)?))
    }

    fn balance(&self, address: Address, block: Option<BlockId>) -> RpcResult<U256> {
        let view = self.state_at(block)?;
        view.balance(&address).map_err(internal)
    }

    fn transaction_count(&self, address: Address, block: Option<BlockId>) -> RpcResult<U64> {
        let pending = matches!(block, Some(BlockId::Number(BlockNumberOrTag::Pending)));
        let view = self.state_at(block)?;
        let committed = view.nonce(&address).map_err(internal)?;
        Ok(U64::from(match pending {
            true => self.shared.pool().pending_nonce(&address, committed),
            false => committed,
        }))
    }

    fn code(&self, address: Address, block: Option<BlockId>) -> RpcResult<Bytes> {
        let view = self.state_at(block)?;
        view.code(&address).map(Bytes::from).map_err(internal)
    }

    fn storage_at(&self, address: Address, slot: U256, block: Option<BlockId>) -> RpcResult<B256> {
        let view = self.state_at(block)?;
        view.storage(&address, &slot).map(B256::from).map_err(internal)
    }

    fn gas_price(&self) -> RpcResult<U256> {
        Ok(U256::from(self.shared.config.base_fee_per_gas + SUGGESTED_TIP))
    }

    fn max_priority_fee(&self) -> RpcResult<U256> {
        Ok(U256::from(SUGGESTED_TIP))
    }

    fn fee_history(
        &self,
        block_count: U64,
        newest: BlockNumberOrTag,
        reward_percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory> {
        let view = self.view()?;
        let head = latest(&view)?;
        let newest = number_of(&view, newest)?.min(head);
        let count = block_count.to::<u64>().clamp(1, MAX_FEE_HISTORY_BLOCKS).min(newest + 1);
        if let Some(p) = &reward_percentiles
            && (p.iter().any(|x| !(0.0..=100.0).contains(x)) || p.windows(2).any(|w| w[0] > w[1]))
        {
            return Err(invalid_params("reward percentiles must rise within [0, 100]"));
        }
        let oldest = newest + 1 - count;
        let mut out = FeeHistory { oldest_block: oldest, ..FeeHistory::default() };
        let mut rewards = Vec::new();
        for n in oldest..=newest {
            let header =
                view.header(n).map_err(internal)?.ok_or_else(|| internal("block missing"))?;
            let base_fee = header.base_fee_per_gas.unwrap_or_default();
            out.base_fee_per_gas.push(u128::from(base_fee));
            out.gas_used_ratio.push(header.gas_used as f64 / header.gas_limit.max(1) as f64);
            if let Some(p) = &reward_percentiles {
                rewards.push(block_rewards(&view, n, base_fee, p)?);
            }
        }
        // The next block's base fee: the fee is fixed (layout::ChainConfig).
        out.base_fee_per_gas.push(u128::from(self.shared.config.base_fee_per_gas));
        out.reward = reward_percentiles.map(|_| rewards);
        Ok(out)
    }

    fn send_raw_transaction(&self, bytes: Bytes) -> RpcResult<B256> {
        let view = self.view()?;
        let pending =
            admit(&bytes, &view, &self.shared.config, &mut self.shared.pool()).map_err(server)?;
        self.shared.refusals().forget(&pending.tx.hash);
        self.shared.arrived.notify_one();
        Ok(pending.tx.hash)
    }

    fn transaction_by_hash(&self, hash: B256) -> RpcResult<Option<Transaction>> {
        let view = self.view()?;
        if let Some(included) = view.transaction(&hash).map_err(internal)? {
            let header = view
                .header(included.block)
                .map_err(internal)?
                .ok_or_else(|| internal("block of an included transaction missing"))?;
            return convert::transaction(&header, included).map(Some).map_err(internal);
        }
        let Some(p) = self.shared.pool().get(&hash).cloned() else { return Ok(None) };
        let envelope = alloy_consensus::TxEnvelope::decode_2718_exact(&p.raw).map_err(internal)?;
        Ok(Some(convert::pending_transaction(envelope, p.tx.sender)))
    }

    fn transaction_receipt(&self, hash: B256) -> RpcResult<Option<TransactionReceipt>> {
        convert::receipt(&self.view()?, &hash).map_err(internal)
    }

    fn block_by_number(&self, block: BlockNumberOrTag, full: bool) -> RpcResult<Option<Block>> {
        let view = self.view()?;
        let n = number_of(&view, block)?;
        convert::block(&view, n, full).map_err(internal)
    }

    fn block_by_hash(&self, hash: B256, full: bool) -> RpcResult<Option<Block>> {
        let view = self.view()?;
        let Some(n) = view.block_number(&hash).map_err(internal)? else { return Ok(None) };
        convert::block(&view, n, full).map_err(internal)
    }

    fn block_transaction_count_by_number(&self, block: BlockNumberOrTag) -> RpcResult<Option<U64>> {
        let view = self.view()?;
        let n = number_of(&view, block)?;
        transaction_count(&view, n)
    }

    fn block_transaction_count_by_hash(&self, hash: B256) -> RpcResult<Option<U64>> {
        let view = self.view()?;
        let Some(n) = view.block_number(&hash).map_err(internal)? else { return Ok(None) };
        transaction_count(&view, n)
    }

    fn logs(&self, filter: Filter) -> RpcResult<Vec<Log>> {
        let view = self.view()?;
        let head = latest(&view)?;
        let (from, to) = match filter.block_option {
            FilterBlockOption::AtBlockHash(h) => {
                let n = view
                    .block_number(&h)
                    .map_err(internal)?
                    .ok_or_else(|| server(format!("unknown block {h}")))?;
                (n, n)
            }
            FilterBlockOption::Range { from_block, to_block } => {
                let at = |b: Option<BlockNumberOrTag>| b.map_or(Ok(head), |b| number_of(&view, b));
                (at(from_block)?, at(to_block)?.min(head))
            }
        };
        if from > to {
            return Ok(Vec::new());
        }
        if to - from >= MAX_LOG_BLOCKS {
            return Err(server(format!(
                "query exceeds max block range {MAX_LOG_BLOCKS}: blocks {from} to {to}"
            )));
        }
        let mut out = Vec::new();
        for n in from..=to {
            let Some(header) = view.header(n).map_err(internal)? else { continue };
            if !filter.matches_bloom(header.logs_bloom) {
                continue;
            }
            for log in convert::block_logs(&view, n, &header).map_err(internal)? {
                if filter.matches(&log.inner) {
                    if out.len() == MAX_LOGS {
                        return Err(server(format!(
                            "query returned more than {MAX_LOGS} results: narrow the block range"
                        )));
                    }
                    out.push(log);
                }
            }
        }
        Ok(out)
    }

    fn syncing(&self) -> RpcResult<bool> {
        Ok(false)
    }

    fn accounts(&self) -> RpcResult<Vec<Address>> {
        Ok(Vec::new())
    }

    fn state_root(&self, block: BlockNumberOrTag) -> RpcResult<StateRoot> {
        let view = self.view()?;
        let n = number_of(&view, block)?;
        let level = sealing_level(n).ok_or_else(|| server(format!("block {n} not found")))?;
        let record = view
            .snapshot()
            .level(level)
            .map_err(internal)?
            .ok_or_else(|| server(format!("block {n} not found")))?;
        let hash = |s: &str| -> Result<B256, ErrorObjectOwned> {
            s.parse::<B256>().map_err(|e| internal(format!("stored root: {e}")))
        };
        Ok(StateRoot {
            block: U64::from(n),
            level: U64::from(level),
            state_root: hash(&record.state_root)?,
            outbox_commitment: hash(&record.outbox_commitment)?,
        })
    }

    fn deposit(&self, receiver: Address, mutez: U64) -> RpcResult<bool> {
        let mutez = mutez.to::<u64>();
        if mutez == 0 {
            return Err(invalid_params("a deposit of 0 mutez"));
        }
        if self.shared.config.ticketer == [0; 20] {
            return Err(server("this chain has no bridge: its genesis names no ticketer"));
        }
        let rollup = self.shared.rollup;
        let message = crate::chain::deposit(rollup, self.shared.config.ticketer, &receiver, mutez)
            .map_err(internal)?;
        self.shared.push_transfer(message);
        Ok(true)
    }

    fn outbox(&self, level: U64) -> RpcResult<Vec<OutboxMessage>> {
        let level =
            u32::try_from(level.to::<u64>()).map_err(|_| invalid_params("level over u32"))?;
        let view = self.view()?;
        let messages = view.snapshot().outbox(level).map_err(internal)?;
        Ok(messages.into_iter().enumerate().map(|(i, m)| OutboxMessage::new(i, m)).collect())
    }

    fn refused_transaction(&self, hash: B256) -> RpcResult<Option<RefusedTransaction>> {
        Ok(self.shared.refusals().get(&hash).map(|r| RefusedTransaction {
            hash,
            block: U64::from(r.block),
            level: U64::from(r.level),
            reason: r.reason.clone(),
        }))
    }
}

fn transaction_count(view: &View, n: u64) -> RpcResult<Option<U64>> {
    if view.header(n).map_err(internal)?.is_none() {
        return Ok(None);
    }
    Ok(Some(U64::from(view.block_transactions(n).map_err(internal)?.len())))
}

/// The tips paid in block `n` at each percentile of its gas (geth's rule:
/// transactions sorted by tip, each weighted by the gas it used).
fn block_rewards(view: &View, n: u64, base_fee: u64, percentiles: &[f64]) -> RpcResult<Vec<u128>> {
    let mut paid = Vec::new();
    for h in view.block_transactions(n).map_err(internal)? {
        if let Some((_, info)) = view.receipt(&h).map_err(internal)? {
            paid.push((
                info.effective_gas_price.saturating_sub(u128::from(base_fee)),
                info.gas_used,
            ));
        }
    }
    paid.sort_unstable();
    let total: u64 = paid.iter().map(|(_, g)| g).sum();
    Ok(percentiles
        .iter()
        .map(|p| {
            let threshold = (total as f64 * p / 100.0) as u64;
            let mut sum = 0u64;
            paid.iter()
                .find(|(_, g)| {
                    sum += g;
                    sum >= threshold
                })
                .or(paid.last())
                .map_or(0, |(tip, _)| *tip)
        })
        .collect())
}
