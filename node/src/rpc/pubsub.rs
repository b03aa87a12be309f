//! `eth_subscribe` over WebSocket: `newHeads` (each sealed block's header)
//! and `logs` (each matching log of each sealed block, in order).
//!
//! A subscriber too slow to keep up with the chain (more than the channel's
//! 1,024 blocks behind) skips the blocks it missed rather than holding the
//! sequencer back; it can fill the gap with `eth_getLogs`.

use std::{
    hash::{BuildHasher, RandomState},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use alloy_rpc_types_eth::Filter;
use jsonrpsee::{
    PendingSubscriptionSink, SubscriptionSink,
    core::{SubscriptionResult, to_json_raw_value, traits::IdProvider},
    proc_macros::rpc,
    types::SubscriptionId,
};
use tokio::sync::broadcast::error::RecvError;

use super::{convert, error::invalid_params};
use crate::{chain::ChainRead, sequencer::Shared};

/// The subscription methods.
#[rpc(server)]
pub trait EthPubSubApi {
    /// Subscribes to `newHeads` or to `logs` (with an optional filter of
    /// addresses and topics; its block range is ignored).
    #[subscription(name = "eth_subscribe" => "eth_subscription", unsubscribe = "eth_unsubscribe", item = serde_json::Value)]
    async fn subscribe(&self, kind: String, filter: Option<Filter>) -> SubscriptionResult;
}

/// Subscription ids as geth makes them: `0x` and 32 hex digits. Clients
/// expect a string (viem matches notifications to subscriptions by it;
/// jsonrpsee's default, a JSON number, never matches there).
#[derive(Debug)]
pub struct HexIds {
    keys: RandomState,
    next: AtomicU64,
}

impl HexIds {
    /// Ids from a fresh random key (std's per-process randomness), so they
    /// are not guessable from one another.
    pub fn new() -> Self {
        Self { keys: RandomState::new(), next: AtomicU64::new(0) }
    }
}

impl Default for HexIds {
    fn default() -> Self {
        Self::new()
    }
}

impl IdProvider for HexIds {
    fn next_id(&self) -> SubscriptionId<'static> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let (hi, lo) = (self.keys.hash_one((n, 0u8)), self.keys.hash_one((n, 1u8)));
        SubscriptionId::Str(format!("0x{hi:016x}{lo:016x}").into())
    }
}

/// The subscription server's state.
pub struct EthPubSub {
    shared: Arc<Shared>,
}

impl EthPubSub {
    /// Subscriptions over `shared`.
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

/// What a subscription sends.
enum Kind {
    Heads,
    Logs(Box<Filter>),
}

#[jsonrpsee::core::async_trait]
impl EthPubSubApiServer for EthPubSub {
    async fn subscribe(
        &self,
        pending: PendingSubscriptionSink,
        kind: String,
        filter: Option<Filter>,
    ) -> SubscriptionResult {
        let kind = match kind.as_str() {
            "newHeads" => Kind::Heads,
            "logs" => Kind::Logs(Box::new(filter.unwrap_or_default())),
            other => {
                let msg = format!("unsupported subscription `{other}`: newHeads or logs");
                pending.reject(invalid_params(msg)).await;
                return Ok(());
            }
        };
        let mut heads = self.shared.heads.subscribe();
        let sink = pending.accept().await?;
        loop {
            let block = tokio::select! {
                _ = sink.closed() => return Ok(()),
                b = heads.recv() => match b {
                    Ok(b) => b,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return Ok(()),
                },
            };
            send_block(&self.shared, &sink, &kind, block).await?;
        }
    }
}

async fn send_block(
    shared: &Shared,
    sink: &SubscriptionSink,
    kind: &Kind,
    number: u64,
) -> SubscriptionResult {
    let view = shared.view()?;
    let Some(header) = view.header(number)? else { return Ok(()) };
    match kind {
        Kind::Heads => sink.send(to_json_raw_value(&convert::rpc_header(header))?).await?,
        Kind::Logs(filter) => {
            if !filter.matches_bloom(header.logs_bloom) {
                return Ok(());
            }
            for log in convert::block_logs(&view, number, &header)? {
                if filter.matches(&log.inner) {
                    sink.send(to_json_raw_value(&log)?).await?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_ids_are_distinct_hex_strings() {
        let ids = HexIds::new();
        let (a, b) = (ids.next_id(), ids.next_id());
        for id in [&a, &b] {
            let SubscriptionId::Str(s) = id else { panic!("a string id: {id:?}") };
            assert_eq!(s.len(), 34);
            assert!(s.starts_with("0x") && s[2..].chars().all(|c| c.is_ascii_hexdigit()));
        }
        assert_ne!(a, b);
    }
}
