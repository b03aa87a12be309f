#![doc = include_str!("../README.md")]

pub mod cli;
pub mod engine;
pub use ::inputs::{genesis, inbox_file, micheline};
pub use ::pvm::kernel;
pub mod prove;
pub mod runner;
pub mod state;

pub use engine::EngineKind;
pub use kernel::{Kernel, KernelError};
pub use runner::{LevelOutcome, Runner, RunnerConfig, RunnerError};
