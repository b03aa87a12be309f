//! The JSON-RPC server (jsonrpsee, HTTP and WebSocket on one port).

pub mod api;
pub mod convert;
pub mod debug;
pub mod error;
pub mod eth;
pub mod limit;
pub mod pubsub;
pub mod zkos;

use std::{net::SocketAddr, sync::Arc};

use jsonrpsee::{
    Methods,
    server::{
        BatchRequestConfig, HttpRequest, Server, ServerConfig, ServerHandle,
        middleware::rpc::RpcServiceBuilder, serve_with_graceful_shutdown, stop_channel,
    },
};
use tokio::net::TcpListener;
use tower::Service;

use crate::sequencer::Shared;
use api::EthApiServer;
use debug::DebugApiServer;
use limit::{ClientIp, RateLimit, RateLimiter};
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
    /// Calls per second one client (IP address) may make; 0 for no limit.
    pub rate_per_second: u32,
    /// Calls one client may make at once before its rate applies.
    pub rate_burst: u32,
}

impl Default for RpcLimits {
    fn default() -> Self {
        Self {
            max_request_bytes: 10 * 1024 * 1024,
            max_response_bytes: 10 * 1024 * 1024,
            max_batch: 100,
            max_connections: 500,
            rate_per_second: 5_000,
            rate_burst: 10_000,
        }
    }
}

/// Starts serving `shared` on `addr`; answers the bound address (for port 0).
///
/// The accept loop is ours rather than jsonrpsee's so that each request
/// carries its client's address ([`ClientIp`]) for the rate limit.
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
        .set_id_provider(pubsub::HexIds::new())
        .build();
    let limiter = (limits.rate_per_second > 0)
        .then(|| Arc::new(RateLimiter::new(limits.rate_per_second, limits.rate_burst)));
    let middleware =
        RpcServiceBuilder::new().layer_fn(move |service| RateLimit::new(service, limiter.clone()));
    let builder =
        Server::builder().set_config(config).set_rpc_middleware(middleware).to_service_builder();
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let mut methods = eth::EthRpc::new(Arc::clone(&shared)).into_rpc();
    methods
        .merge(debug::DebugRpc::new(Arc::clone(&shared)).into_rpc())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    methods
        .merge(pubsub::EthPubSub::new(shared).into_rpc())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let methods: Methods = methods.into();
    let (stop, handle) = stop_channel();
    // Accepts connections until the server is stopped, serving each with
    // jsonrpsee's service (HTTP, or WebSocket after an upgrade).
    tokio::spawn(async move {
        loop {
            let (socket, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(_) => {
                        // Out of file descriptors, or a connection reset
                        // before it was accepted: wait rather than spin.
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        continue;
                    }
                },
                _ = stop.clone().shutdown() => break,
            };
            let service = builder.clone().build(methods.clone(), stop.clone());
            let client = ClientIp(peer.ip());
            let per_request = tower::service_fn(move |mut request: HttpRequest<_>| {
                request.extensions_mut().insert(client);
                let mut service = service.clone();
                async move { service.call(request).await }
            });
            tokio::spawn(serve_with_graceful_shutdown(
                socket,
                per_request,
                stop.clone().shutdown(),
            ));
        }
    });
    Ok((bound, handle))
}
