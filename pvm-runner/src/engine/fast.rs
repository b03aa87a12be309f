//! The `fast` engine: wasmer with cranelift.

use std::{collections::HashMap, sync::Arc};

use host::{
    GuestMemory, Hash, Host, OutOfBounds,
    control::{Failure, RunResult},
};
use wasmer::{
    Function, FunctionEnv, FunctionEnvMut, FunctionType, Instance, Memory, MemoryView, Module,
    RuntimeError, Store, Type, Value,
    sys::{CompilerConfig, Cranelift, EngineBuilder},
};
use wasmer_middlewares::{
    Metering,
    metering::{MeteringPoints, get_remaining_points, set_remaining_points},
};

use super::module_cache::ModuleCache;
use crate::kernel::Kernel;
use ::pvm::abi::{self, HOST_MODULE, HostFn, Ret};

/// wasmer, with compiled modules cached by kernel hash, in memory and (when
/// it has a [`ModuleCache`]) on disk.
///
/// wasmer's metering middleware can instrument only one module, so each
/// kernel gets a compiler engine of its own; the module is kept with it.
#[derive(Default)]
pub struct FastEngine {
    modules: HashMap<Hash, (wasmer::Engine, Module)>,
    disk: Option<ModuleCache>,
    /// How many modules were compiled, and how many loaded from disk.
    stats: ModuleStats,
}

/// Where the engine's modules came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModuleStats {
    /// Compiled by cranelift.
    pub compiled: usize,
    /// Loaded from the disk cache.
    pub loaded: usize,
    /// Compiled and not written to the disk cache (it could not be).
    pub unwritten: usize,
}

struct Env {
    host: Host,
    memory: Option<Memory>,
}

struct View<'a>(MemoryView<'a>);

impl GuestMemory for View<'_> {
    fn read(&self, addr: u64, out: &mut [u8]) -> Result<(), OutOfBounds> {
        self.0.read(addr, out).map_err(|_| OutOfBounds { addr, len: out.len() as u64 })
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), OutOfBounds> {
        self.0.write(addr, data).map_err(|_| OutOfBounds { addr, len: data.len() as u64 })
    }
}

impl FastEngine {
    /// An engine with no module compiled yet, keeping compiled modules in
    /// the disk cache the environment names ([`ModuleCache::from_env`]).
    pub fn new() -> Self {
        Self::with_cache(ModuleCache::from_env())
    }

    /// An engine keeping compiled modules in `disk` (none: memory only).
    pub fn with_cache(disk: Option<ModuleCache>) -> Self {
        Self { disk, ..Self::default() }
    }

    /// How many modules this engine compiled and loaded from disk.
    pub fn stats(&self) -> ModuleStats {
        self.stats
    }

    fn module(&mut self, kernel: &Kernel) -> Result<(wasmer::Engine, Module), Failure> {
        if let Some(m) = self.modules.get(&kernel.hash) {
            return Ok(m.clone());
        }
        let mut compiler = Cranelift::default();
        // Every NaN a float instruction produces becomes the canonical one,
        // as wasmi's `deterministic` profile does in the `pvm` engine.
        compiler.canonicalize_nans(true);
        // One point per operator; the limit is set per call to the tick limit.
        compiler.push_middleware(Arc::new(Metering::new(0, |_| 1)));
        let engine: wasmer::Engine = EngineBuilder::new(compiler).into();
        let cached = self.disk.as_ref().and_then(|d| d.load(&engine, &kernel.hash));
        let m = match cached {
            Some(m) => {
                self.stats.loaded += 1;
                m
            }
            None => {
                let m =
                    Module::new(&engine, &kernel.wasm).map_err(|e| Failure::Load(e.to_string()))?;
                self.stats.compiled += 1;
                // A cache that cannot be written costs the next process a
                // compile, nothing more.
                if let Some(d) = &self.disk
                    && d.store(&kernel.hash, &m).is_err()
                {
                    self.stats.unwritten += 1;
                }
                m
            }
        };
        self.modules.insert(kernel.hash, (engine.clone(), m.clone()));
        Ok((engine, m))
    }

    /// One `kernel_run`. Reports 0 ticks: this engine does not count them.
    pub fn run(&mut self, host: &mut Host, kernel: &Kernel, tick_limit: u64) -> RunResult {
        let (engine, module) = match self.module(kernel) {
            Ok(m) => m,
            Err(f) => return (0, Some(f)),
        };
        // A fresh store per call, so instances of earlier calls are freed.
        let mut store = Store::new(engine);
        let env = FunctionEnv::new(&mut store, Env { host: std::mem::take(host), memory: None });
        let failure = call(&mut store, &env, &module, kernel, tick_limit).err();
        *host = std::mem::take(&mut env.as_mut(&mut store).host);
        (0, failure)
    }
}

fn call(
    store: &mut Store,
    env: &FunctionEnv<Env>,
    module: &Module,
    kernel: &Kernel,
    tick_limit: u64,
) -> Result<(), Failure> {
    let mut imports = wasmer::Imports::new();
    for f in HostFn::ALL {
        imports.define(HOST_MODULE, f.name(), host_function(store, env, f));
    }
    let instance =
        Instance::new(store, module, &imports).map_err(|e| Failure::Load(e.to_string()))?;
    let memory = instance
        .exports
        .get_memory(&kernel.memory)
        .map_err(|e| Failure::Load(e.to_string()))?
        .clone();
    env.as_mut(store).memory = Some(memory);
    set_remaining_points(store, &instance, tick_limit);
    let entry =
        instance.exports.get_function(kernel.entry).map_err(|e| Failure::Load(e.to_string()))?;
    match entry.call(store, &[]) {
        Ok(_) => Ok(()),
        Err(_) if get_remaining_points(store, &instance) == MeteringPoints::Exhausted => {
            Err(Failure::OutOfTicks)
        }
        Err(e) => Err(Failure::Trap(e.message())),
    }
}

fn host_function(store: &mut Store, env: &FunctionEnv<Env>, f: HostFn) -> Function {
    let (params, results) = f.signature(Type::I32, Type::I64);
    let ty = FunctionType::new(params, results);
    Function::new_with_env(
        store,
        env,
        ty,
        move |mut fenv: FunctionEnvMut<'_, Env>, args: &[Value]| {
            let (env, store) = fenv.data_and_store_mut();
            let memory = env.memory.clone().ok_or_else(|| {
                RuntimeError::new("host function called before the kernel's memory exists")
            })?;
            let mut view = View(memory.view(&store));
            let raw: Vec<i32> = args.iter().map(|v| v.i32().unwrap_or(0)).collect();
            let result = abi::dispatch(&mut env.host, &mut view, f, &raw);
            if env.host.must_stop() {
                // As the `pvm` engine: a preimage nobody supplied stops the
                // kernel before it reads the answer.
                return Err(RuntimeError::new(::pvm::engine::STOPPED));
            }
            Ok(match (result, f.ret()) {
                (Some(r), Ret::I64) => vec![Value::I64(r)],
                (Some(r), _) => vec![Value::I32(r as i32)],
                (None, _) => vec![],
            })
        },
    )
}
