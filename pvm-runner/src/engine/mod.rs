//! The engines that run a kernel's `kernel_run` against [`host::Host`].
//!
//! - [`fast`]: wasmer with cranelift, compiled modules cached by kernel hash
//!   in memory and on disk ([`module_cache`]), so a new process starts at
//!   once.
//!   It does not count ticks; a wasmer metering middleware (one point per
//!   operator, limited to the tick limit) only stops runaway kernels. This is
//!   Octez's "fast execution": equal to the PVM for every kernel that stays
//!   within its tick budget.
//! - [`pvm`]: wasmi with fuel as ticks (wasmi's per-instruction fuel plus the
//!   host functions' costs of [`host::ticks`]): deterministic and metered, the
//!   engine a refutation or a proof would use.
//!
//! Both run each `kernel_run` in a fresh instance (the PVM keeps no memory or
//! globals between calls) and reach the host only through [`abi::dispatch`].

pub mod fast;
pub mod module_cache;
pub use ::pvm::{abi, engine as pvm};

use host::{Host, control::RunResult};

use crate::kernel::Kernel;

/// Which engine runs the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// wasmer (cranelift): fast, not tick-metered.
    #[default]
    Fast,
    /// wasmi: deterministic, metered in ticks.
    Pvm,
}

/// Either engine, ready to run kernels.
pub enum Engine {
    /// See [`fast`].
    Fast(fast::FastEngine),
    /// See [`pvm`].
    Pvm(pvm::PvmEngine),
}

impl Engine {
    /// A new engine of the given kind.
    pub fn new(kind: EngineKind) -> Self {
        match kind {
            EngineKind::Fast => Engine::Fast(fast::FastEngine::new()),
            EngineKind::Pvm => Engine::Pvm(pvm::PvmEngine::new()),
        }
    }

    /// One `kernel_run` of `kernel` against `host`, within `tick_limit`.
    pub fn run(&mut self, host: &mut Host, kernel: &Kernel, tick_limit: u64) -> RunResult {
        match self {
            Engine::Fast(e) => e.run(host, kernel, tick_limit),
            Engine::Pvm(e) => e.run(host, kernel, tick_limit),
        }
    }
}
