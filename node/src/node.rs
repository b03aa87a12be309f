//! A running node: the chain, the pool, the sequencer and the RPC server.

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, Mutex},
};

use jsonrpsee::server::ServerHandle;
use tokio::{sync::Notify, task::JoinHandle};

use crate::{
    chain::{Chain, ChainError, ChainOptions, ChainRead},
    mempool::{Mempool, PoolLimits},
    rpc::{self, RpcLimits},
    sequencer::{self, Sealing, Shared},
};

/// How to start a node.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// The state directory (in memory when `None`).
    pub state: Option<PathBuf>,
    /// What a new state is originated with.
    pub chain: ChainOptions,
    /// Where to serve JSON-RPC.
    pub rpc: SocketAddr,
    /// When to seal levels.
    pub sealing: Sealing,
    /// Bounds on the pool.
    pub pool: PoolLimits,
    /// Bounds on RPC clients.
    pub limits: RpcLimits,
}

/// Why a node did not start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The chain did not open.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The state has no chain configuration (a kernel without the OS layout).
    #[error("the state has no chain configuration at /zkos/config: originate it with a genesis")]
    NoConfig,
    /// The RPC server did not start.
    #[error("cannot serve JSON-RPC on {0}: {1}")]
    Rpc(SocketAddr, std::io::Error),
}

/// A started node.
pub struct Node {
    /// The address JSON-RPC is served on.
    pub addr: SocketAddr,
    /// What the server and the sequencer share.
    pub shared: Arc<Shared>,
    server: ServerHandle,
    sequencer: JoinHandle<Result<(), ChainError>>,
}

impl Node {
    /// Opens the chain (sealing block 0 if it is new) and starts serving.
    pub async fn start(config: NodeConfig) -> Result<Self, NodeError> {
        let (state, options) = (config.state.clone(), config.chain.clone());
        let chain = tokio::task::spawn_blocking(move || Chain::open(state.as_deref(), options))
            .await
            .map_err(|e| ChainError::Panicked(e.to_string()))??;
        let view = chain.view()?;
        let chain_config = view.config().map_err(ChainError::from)?.ok_or(NodeError::NoConfig)?;
        drop(view);
        let (heads, _) = tokio::sync::broadcast::channel(1024);
        let shared = Arc::new(Shared {
            reader: chain.reader(),
            config: chain_config,
            rollup: chain.rollup(),
            pool: Mutex::new(Mempool::new(config.pool)),
            refusals: Mutex::new(Default::default()),
            transfers: Mutex::new(Vec::new()),
            simulator: Mutex::new(chain.simulator()?),
            chain: Mutex::new(chain),
            arrived: Notify::new(),
            heads,
        });
        let (addr, server) = rpc::serve(Arc::clone(&shared), config.rpc, config.limits)
            .await
            .map_err(|e| NodeError::Rpc(config.rpc, e))?;
        let sequencer = tokio::spawn(sequencer::run(Arc::clone(&shared), config.sealing));
        Ok(Self { addr, shared, server, sequencer })
    }

    /// Serves until the sequencer stops (a state that cannot be written) or
    /// the process is told to stop (Ctrl-C, SIGTERM).
    pub async fn wait(self) -> Result<(), ChainError> {
        let result = tokio::select! {
            r = self.sequencer => r.map_err(|e| ChainError::Panicked(e.to_string()))?,
            _ = shutdown_signal() => Ok(()),
        };
        let _ = self.server.stop();
        self.server.stopped().await;
        result
    }

    /// Stops serving and sealing (committed levels are already durable).
    pub async fn stop(self) {
        self.sequencer.abort();
        let _ = self.server.stop();
        self.server.stopped().await;
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
        match term {
            Ok(mut t) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = t.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
