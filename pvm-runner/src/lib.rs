#![doc = include_str!("../README.md")]

pub mod cli;
pub mod engine;
pub mod genesis;
pub mod inbox_file;
pub use ::pvm::kernel;
pub mod micheline;
pub mod prove;
pub mod runner;
pub mod state;

pub use engine::EngineKind;
pub use kernel::{Kernel, KernelError};
pub use runner::{LevelOutcome, Runner, RunnerConfig, RunnerError};
