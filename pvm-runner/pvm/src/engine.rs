//! The `pvm` engine: wasmi, with fuel as ticks.

use alloc::{collections::BTreeMap, format, string::ToString, vec::Vec};

use host::{
    Hash, Host,
    control::{Failure, RunResult},
};
use wasmi::{
    Caller, Config, CustomFuelCosts, Error, FuncType, Linker, Memory, Module, Store, TrapCode, Val,
    ValType,
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
    ///
    /// wasmi translates a function to its bytecode on first call and, by
    /// default, charges fuel for that. The modules here are cached across
    /// levels, so that charge would fall on whichever level first called a
    /// function in this engine's life: a replay from a witness (a fresh
    /// engine) would then pay ticks the run did not, and a level near the
    /// tick limit could run out in the replay alone. Translation is charged
    /// nothing, so a level's ticks are its instructions and host calls
    /// only, whatever ran before. (Validation happens when the module is
    /// made, outside any store, and copies keep wasmi's default price.)
    pub fn new() -> Self {
        let mut config = Config::default();
        config.consume_fuel(true).fuel_cost(CustomFuelCosts {
            bytes_copied_per_fuel: 64,
            fuel_per_bytes_translated: 0,
            fuel_per_bytes_validated: 0,
        });
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

/// The trap of a kernel stopped by [`Host::must_stop`].
pub const STOPPED: &str = "the kernel asked for something the host cannot give";

fn classify(e: Error) -> Failure {
    if e.as_trap_code() == Some(TrapCode::OutOfFuel) {
        Failure::OutOfTicks
    } else {
        Failure::Trap(e.to_string())
    }
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
    if caller.data().host.must_stop() {
        // The witness lacks what the kernel just asked for, or nobody has
        // supplied the preimage it asked for: nothing it computes from here
        // on means anything, so stop it now.
        return Err(Error::new(STOPPED));
    }
    match (result, out.first_mut()) {
        (Some(r), Some(slot)) if f.ret() == Ret::I64 => *slot = Val::I64(r),
        (Some(r), Some(slot)) => *slot = Val::I32(r as i32),
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use host::{Durable, RollupMetadata};

    use super::*;

    /// A kernel whose run calls a function with a body worth translating.
    const KERNEL: &str = r#"(module
      (memory (export "memory") 1)
      (func $work (param $n i32) (result i32) (local $acc i32)
        (block $done (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $n) (i32.const 3))))
          (local.set $acc (i32.xor (local.get $acc) (i32.shl (local.get $acc) (i32.const 1))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
        (local.get $acc))
      (func (export "kernel_run")
        (i32.store (i32.const 0) (call $work (i32.const 50)))))"#;

    #[test]
    fn a_runs_ticks_do_not_depend_on_what_the_engine_ran_before() {
        let kernel = Kernel::new(wat::parse_str(KERNEL).unwrap()).unwrap();
        let metadata = RollupMetadata { address: [0; 20], origination_level: 0 };
        let mut host = Host::new(Durable::new(), metadata);
        let mut warm = PvmEngine::new();
        let (first, f1) = warm.run(&mut host, &kernel, 1_000_000);
        let (again, f2) = warm.run(&mut host, &kernel, 1_000_000);
        let (fresh, f3) = PvmEngine::new().run(&mut host, &kernel, 1_000_000);
        assert!(f1.is_none() && f2.is_none() && f3.is_none());
        assert!(first > 50, "the loop ran: {first} ticks");
        assert_eq!((first, fresh), (again, again), "a cached module costs what a new one does");
    }
}
