//! The `pvm` engine: wasmi, with fuel as ticks.

use alloc::{collections::BTreeMap, format, string::ToString, vec::Vec};

use host::{
    Hash, Host,
    control::{Failure, RunResult},
};
use wasmi::{
    Caller, Config, Error, FuncType, Linker, Memory, Module, Store, TrapCode, Val, ValType,
};

use crate::abi::{self, HOST_MODULE, HostFn, Ret};
use crate::kernel::Kernel;

/// wasmi with fuel metering; modules cached by kernel hash.
pub struct PvmEngine {
    engine: wasmi::Engine,
    linker: Linker<Env>,
    modules: BTreeMap<Hash, Module>,
}

impl Default for PvmEngine {
    fn default() -> Self {
        Self::new()
    }
}

/// What host functions reach through the store.
pub struct Env {
    host: Host,
    memory: Option<Memory>,
}

impl PvmEngine {
    /// An engine that counts fuel.
    pub fn new() -> Self {
        let mut config = Config::default();
        config.consume_fuel(true);
        let engine = wasmi::Engine::new(&config);
        let mut linker = Linker::new(&engine);
        for f in HostFn::ALL {
            let (params, results) = f.signature(ValType::I32, ValType::I64);
            let ty = FuncType::new(params, results);
            // Names are unique, so defining them cannot clash.
            let _ = linker.func_new(
                HOST_MODULE,
                f.name(),
                ty,
                move |caller: Caller<'_, Env>, args: &[Val], out: &mut [Val]| {
                    host_call(caller, f, args, out)
                },
            );
        }
        Self { engine, linker, modules: BTreeMap::new() }
    }

    fn module(&mut self, kernel: &Kernel) -> Result<Module, Failure> {
        if let Some(m) = self.modules.get(&kernel.hash) {
            return Ok(m.clone());
        }
        let m =
            Module::new(&self.engine, &kernel.wasm).map_err(|e| Failure::Load(e.to_string()))?;
        self.modules.insert(kernel.hash, m.clone());
        Ok(m)
    }

    /// One `kernel_run`, metered: returns the ticks it used.
    pub fn run(&mut self, host: &mut Host, kernel: &Kernel, tick_limit: u64) -> RunResult {
        let module = match self.module(kernel) {
            Ok(m) => m,
            Err(f) => return (0, Some(f)),
        };
        let mut store = Store::new(&self.engine, Env { host: core::mem::take(host), memory: None });
        let failure = self.call(&mut store, &module, kernel, tick_limit).err();
        let ticks = tick_limit.saturating_sub(store.get_fuel().unwrap_or(0));
        *host = core::mem::take(&mut store.data_mut().host);
        (ticks, failure)
    }

    fn call(
        &self,
        store: &mut Store<Env>,
        module: &Module,
        kernel: &Kernel,
        tick_limit: u64,
    ) -> Result<(), Failure> {
        store.set_fuel(tick_limit).map_err(|e| Failure::Load(e.to_string()))?;
        let instance = self.linker.instantiate_and_start(&mut *store, module).map_err(classify)?;
        let memory = instance
            .get_memory(&*store, &kernel.memory)
            .ok_or_else(|| Failure::Load(format!("no memory `{}`", kernel.memory)))?;
        store.data_mut().memory = Some(memory);
        let entry = instance
            .get_typed_func::<(), ()>(&*store, kernel.entry)
            .map_err(|e| Failure::Load(e.to_string()))?;
        entry.call(store, ()).map_err(classify)
    }
}

fn classify(e: Error) -> Failure {
    if e.as_trap_code() == Some(TrapCode::OutOfFuel) {
        Failure::OutOfTicks
    } else {
        Failure::Trap(e.to_string())
    }
}

fn env_outside(caller: &Caller<'_, Env>) -> bool {
    caller.data().host.is_outside_witness()
}

fn host_call(
    mut caller: Caller<'_, Env>,
    f: HostFn,
    args: &[Val],
    out: &mut [Val],
) -> Result<(), Error> {
    let memory = caller
        .data()
        .memory
        .ok_or_else(|| Error::new("host function called before the kernel's memory exists"))?;
    let raw: Vec<i32> = args.iter().map(|v| v.i32().unwrap_or(0)).collect();
    let (mem, env) = memory.data_and_store_mut(&mut caller);
    let result = abi::dispatch(&mut env.host, mem, f, &raw);
    let cost = env.host.take_ticks();
    let fuel = caller.get_fuel()?;
    if fuel < cost {
        caller.set_fuel(0)?;
        return Err(Error::from(TrapCode::OutOfFuel));
    }
    caller.set_fuel(fuel - cost)?;
    if env_outside(&caller) {
        // The witness lacks what the kernel just asked for: nothing it
        // computes from here on means anything, so stop it now.
        return Err(Error::new("the kernel asked for something outside the witness"));
    }
    match (result, out.first_mut()) {
        (Some(r), Some(slot)) if f.ret() == Ret::I64 => *slot = Val::I64(r),
        (Some(r), Some(slot)) => *slot = Val::I32(r as i32),
        _ => {}
    }
    Ok(())
}
