//! The JSON-RPC server (jsonrpsee, HTTP and WebSocket on one port).

pub mod api;
pub mod convert;
pub mod error;
pub mod eth;
pub mod pubsub;
pub mod zkos;

use std::{net::SocketAddr, sync::Arc};

use jsonrpsee::server::{BatchRequestConfig, Server, ServerConfig, ServerHandle};

use crate::sequencer::Shared;
use api::EthApiServer;
use pubsub::EthPubSubApiServer;

/// Bounds on what one client may ask, configurable on the command line.
#[derive(Debug, Clone, Copy)]
pub struct RpcLimits {
    /// The largest request body, in bytes.
    pub max_request_bytes: u32,
    /// The largest response body, in bytes.
    pub max_response_bytes: u32,
    /// The most calls in one batch.
    pub max_batch: u32,
    /// The most connections at once.
    pub max_connections: u32,
}

impl Default for RpcLimits {
    fn default() -> Self {
        Self {
            max_request_bytes: 10 * 1024 * 1024,
            max_response_bytes: 10 * 1024 * 1024,
            max_batch: 100,
            max_connections: 500,
        }
    }
}

/// Starts serving `shared` on `addr`; answers the bound address (for port 0).
pub async fn serve(
    shared: Arc<Shared>,
    addr: SocketAddr,
    limits: RpcLimits,
) -> std::io::Result<(SocketAddr, ServerHandle)> {
    let config = ServerConfig::builder()
        .max_request_body_size(limits.max_request_bytes)
        .max_response_body_size(limits.max_response_bytes)
        .max_connections(limits.max_connections)
        .set_batch_request_config(BatchRequestConfig::Limit(limits.max_batch))
        .build();
    let server = Server::builder().set_config(config).build(addr).await?;
    let bound = server.local_addr()?;
    let mut methods = eth::EthRpc::new(Arc::clone(&shared)).into_rpc();
    methods
        .merge(pubsub::EthPubSub::new(shared).into_rpc())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let handle = server.start(methods);
    Ok((bound, handle))
}
