#![doc = include_str!("../README.md")]

pub mod admit;
pub mod chain;
pub mod cli;
pub mod mempool;
pub mod node;
pub mod refusals;
pub mod rpc;
pub mod sequencer;

pub use chain::{Chain, ChainError, ChainOptions};
pub use node::{Node, NodeConfig, NodeError};
pub use sequencer::Sealing;
