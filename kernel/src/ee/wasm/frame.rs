//! One WASM call frame that never calls the system itself: it runs until
//! it needs something only the system can give (state, a call, a create)
//! and hands back a [`Request`]; the system answers and [`GuestFrame::resume`]
//! continues where it stopped (wasmi's resumable calls). So a frame can sit
//! suspended on the system's explicit frame stack while its callee, of any
//! VM, runs — no call recurses on the native stack.
//!
//! What the frame knows itself (calldata, caller, value, block info, the
//! constants area, the last return data, Keccak) it answers without
//! suspending. Static-call rules are enforced here, in the callee,
//! whatever VM called it: a state change in a static frame fails the frame.
//!
//! The system side that answers requests and puts frames on the call stack
//! is [`crate::ee::guest::call`]; the work the frame's host functions do themselves
//! (hashing, copying) is charged here at [`crate::ee::schedule`]'s rates.

use std::rc::Rc;

use alloy_primitives::{Address, B256, U256, keccak256};
use wasmi::{
    AsContextMut, Caller, Engine, Extern, Func, Instance, Linker, Memory, Module, ResumableCall,
    ResumableCallHostTrap, Store, Val,
};

use super::prepare;
use crate::ee::{
    guest::{Answer, CallKind, Context, Exit, GuestFrame, Request, Step},
    schedule,
};

/// Fuel (wasmi's unit, about one instruction) bought by one gas.
///
/// Set from measurement so that a gas of WASM work costs the PVM what a gas
/// of EVM interpretation does: under the `pvm` engine one unit of fuel in the
/// kernel's wasmi costs about 58 ticks (a WASM loop burning 2 M gas took
/// 475 M ticks at 4 fuel per gas), and a bare EVM loop costs about 447 ticks
/// per gas, so 8 fuel per gas gives about 465 — inside the native cost
/// model's 1,000 ticks per gas (see BENCHMARKS.md, `native_model`).
pub const FUEL_PER_GAS: u64 = 8;

/// Bytes of a module whose instantiation one gas pays for, charged at
/// every frame (each call starts a fresh instance).
///
/// Parsing is paid once a transaction (modules are kept by code), but
/// instantiating is not free: wasmi makes a handle for every function,
/// global, table entry and data segment of the module. A 35 KB module of
/// 5,000 empty functions, called 195,000 times by an EVM loop within 30 M
/// gas, cost the `pvm` engine 488 × 10⁹ ticks (about 71 ticks per byte per
/// call), 16,000 ticks per gas against the native model's 1,000
/// (`e2e/benches/hostile.rs`). Everything instantiation touches lies in
/// the module's bytes, so a byte is the bound: at 8 bytes per gas a call
/// pays about 570 ticks of instantiation per gas, inside the model.
pub const INSTANTIATE_BYTES_PER_GAS: u64 = 8;

/// Gas per 64 KiB page of a module's initial memory, charged at every
/// frame: each fresh instance allocates and zeroes it. A module of the
/// most memory a contract may start with (32 pages), called about 185,000
/// times within 30 M gas, cost the `pvm` engine 35.3 × 10⁹ ticks, about
/// 191 k a call, so at most 6 k ticks a page; 16 gas a page keeps such a
/// call near 300 ticks per gas.
pub const INSTANTIATE_GAS_PER_PAGE: u64 = 16;

/// The gas instantiating `code` with `pages` of initial memory costs
/// ([`INSTANTIATE_BYTES_PER_GAS`], [`INSTANTIATE_GAS_PER_PAGE`]).
pub fn instantiate_gas(code: &[u8], pages: u64) -> u64 {
    let bytes = (code.len() as u64).div_ceil(INSTANTIATE_BYTES_PER_GAS);
    bytes.saturating_add(pages.saturating_mul(INSTANTIATE_GAS_PER_PAGE))
}

/// Where an answer goes once it comes.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// Nothing to write (a write, a log).
    Nothing,
    /// 32 bytes at this offset.
    Word(u32),
    /// The call status as the host function's result; for a creation,
    /// the address at this offset.
    Call(Option<u32>),
}

#[derive(Debug)]
struct State {
    ctx: Context,
    return_data: Vec<u8>,
    /// Set by a host function that suspends; taken when the frame pauses.
    request: Option<(Request, Pending)>,
    ended: Option<Ended>,
}

#[derive(Debug)]
enum Ended {
    Finish(Vec<u8>),
    Revert(Vec<u8>),
    OutOfGas,
    Failure(String),
}

/// The host error that suspends or ends a frame; what happened is in the
/// store's state.
#[derive(Debug)]
struct Suspend;

impl core::fmt::Display for Suspend {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("suspended for the system")
    }
}

impl wasmi::errors::HostError for Suspend {}

/// A running WASM frame.
pub struct WasmFrame {
    store: Store<State>,
    memory: Memory,
    entry: Func,
    /// The paused call and where the answer goes.
    suspended: Option<(ResumableCallHostTrap, Pending)>,
}

impl core::fmt::Debug for WasmFrame {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WasmFrame").field("suspended", &self.suspended.is_some()).finish()
    }
}

type Trap = Result<(), wasmi::Error>;

fn memory(caller: &Caller<'_, State>) -> Result<Memory, wasmi::Error> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Ok(m),
        _ => Err(wasmi::Error::new("no memory export")),
    }
}

/// Guest memory `ptr..ptr + len`, bounds-checked before anything is
/// allocated (a length is contract input).
fn read(caller: &Caller<'_, State>, ptr: u32, len: u32) -> Result<Vec<u8>, wasmi::Error> {
    let mem = memory(caller)?.data(caller);
    (ptr as usize)
        .checked_add(len as usize)
        .and_then(|end| mem.get(ptr as usize..end))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| wasmi::Error::new("read out of memory bounds"))
}

fn write(caller: &mut Caller<'_, State>, ptr: u32, data: &[u8]) -> Trap {
    let m = memory(caller)?;
    m.write(caller, ptr as usize, data).map_err(wasmi::Error::from)
}

fn word(caller: &Caller<'_, State>, ptr: u32) -> Result<U256, wasmi::Error> {
    let b = read(caller, ptr, 32)?;
    Ok(U256::from_be_slice(&b))
}

fn address(caller: &Caller<'_, State>, ptr: u32) -> Result<Address, wasmi::Error> {
    Ok(Address::from_slice(&read(caller, ptr, 20)?))
}

/// Copies `len` bytes of the frame's buffer `source` from `offset` to
/// guest memory at `dst`, zero-filled past the buffer's end.
fn copy_out(
    caller: &mut Caller<'_, State>,
    source: Buffer,
    dst: u32,
    offset: u32,
    len: u32,
) -> Trap {
    let m = memory(caller)?;
    let (mem, state) = m.data_and_store_mut(caller);
    let out = (dst as usize)
        .checked_add(len as usize)
        .and_then(|end| mem.get_mut(dst as usize..end))
        .ok_or_else(|| wasmi::Error::new("copy out of memory bounds"))?;
    let src = source(state);
    let start = (offset as usize).min(src.len());
    let n = (src.len() - start).min(out.len());
    out[..n].copy_from_slice(&src[start..start + n]);
    out[n..].fill(0);
    Ok(())
}

/// Suspends with `request`, or fails the frame if it changes state in a
/// static call.
fn ask(
    caller: &mut Caller<'_, State>,
    request: Request,
    pending: Pending,
    changes_state: bool,
) -> Trap {
    let state = caller.data_mut();
    if changes_state && state.ctx.is_static {
        state.ended = Some(Ended::Failure("state change in a static call".into()));
    } else {
        state.request = Some((request, pending));
    }
    Err(wasmi::Error::host(Suspend))
}

/// Charges `gas` of work the host does for the frame (hashing, copying);
/// running out fails the frame as running out of fuel does.
fn burn(caller: &mut Caller<'_, State>, gas: u64) -> Trap {
    let fuel = caller.get_fuel().unwrap_or(0);
    match fuel.checked_sub(gas.saturating_mul(FUEL_PER_GAS)) {
        Some(left) => caller.set_fuel(left),
        None => end(caller, Ended::OutOfGas),
    }
}

fn end(caller: &mut Caller<'_, State>, ended: Ended) -> Trap {
    caller.data_mut().ended = Some(ended);
    Err(wasmi::Error::host(Suspend))
}

/// Reads one field of a frame's context.
type Field<T> = fn(&Context) -> T;
/// Picks one of a frame's byte buffers.
type Buffer = fn(&State) -> &[u8];

fn linker(engine: &Engine) -> Result<Linker<State>, wasmi::Error> {
    type C<'a> = Caller<'a, State>;
    let mut l = Linker::<State>::new(engine);
    let m = super::abi::MODULE;
    l.func_wrap(m, "calldata_size", |c: C<'_>| c.data().ctx.calldata.len() as i32)?;
    // What the frame answers from its context: addresses, words, numbers.
    let addresses: [(&str, Field<Address>); 4] = [
        ("caller", |x| x.caller),
        ("origin", |x| x.origin),
        ("address", |x| x.address),
        ("block_coinbase", |x| x.coinbase),
    ];
    for (name, get) in addresses {
        l.func_wrap(m, name, move |mut c: C<'_>, dst: i32| {
            let a = get(&c.data().ctx);
            write(&mut c, dst as u32, a.as_slice())
        })?;
    }
    let words: [(&str, Field<U256>); 2] =
        [("call_value", |x| x.value), ("base_fee", |x| x.base_fee)];
    for (name, get) in words {
        l.func_wrap(m, name, move |mut c: C<'_>, dst: i32| {
            let v = get(&c.data().ctx).to_be_bytes::<32>();
            write(&mut c, dst as u32, &v)
        })?;
    }
    let numbers: [(&str, Field<u64>); 3] = [
        ("block_number", |x| x.block.0),
        ("block_timestamp", |x| x.block.1),
        ("chain_id", |x| x.block.2),
    ];
    for (name, get) in numbers {
        l.func_wrap(m, name, move |c: C<'_>| get(&c.data().ctx) as i64)?;
    }
    l.func_wrap(m, "gas_left", |c: C<'_>| (c.get_fuel().unwrap_or(0) / FUEL_PER_GAS) as i64)?;
    l.func_wrap(m, "storage_read", |mut c: C<'_>, key: i32, dst: i32| {
        let k = word(&c, key as u32)?;
        ask(&mut c, Request::StorageRead(k), Pending::Word(dst as u32), false)
    })?;
    l.func_wrap(m, "storage_write", |mut c: C<'_>, key: i32, value: i32| {
        let (k, v) = (word(&c, key as u32)?, word(&c, value as u32)?);
        ask(&mut c, Request::StorageWrite(k, v), Pending::Nothing, true)
    })?;
    l.func_wrap(m, "transient_read", |mut c: C<'_>, key: i32, dst: i32| {
        let k = word(&c, key as u32)?;
        ask(&mut c, Request::TransientRead(k), Pending::Word(dst as u32), false)
    })?;
    l.func_wrap(m, "transient_write", |mut c: C<'_>, key: i32, value: i32| {
        let (k, v) = (word(&c, key as u32)?, word(&c, value as u32)?);
        ask(&mut c, Request::TransientWrite(k, v), Pending::Nothing, true)
    })?;
    l.func_wrap(m, "balance", |mut c: C<'_>, a: i32, dst: i32| {
        let a = address(&c, a as u32)?;
        ask(&mut c, Request::Balance(a), Pending::Word(dst as u32), false)
    })?;
    l.func_wrap(m, "self_balance", |mut c: C<'_>, dst: i32| {
        let a = c.data().ctx.address;
        ask(&mut c, Request::Balance(a), Pending::Word(dst as u32), false)
    })?;
    l.func_wrap(m, "emit_log", |mut c: C<'_>, topics: i32, n: i32, data: i32, len: i32| {
        if !(0..=4).contains(&n) {
            return end(&mut c, Ended::Failure(format!("a log has at most 4 topics, not {n}")));
        }
        let t = read(&c, topics as u32, n as u32 * 32)?;
        let topics = t.chunks(32).map(B256::from_slice).collect();
        let data = read(&c, data as u32, len as u32)?;
        ask(&mut c, Request::Log(topics, data), Pending::Nothing, true)
    })?;
    l.func_wrap(m, "call", |mut c: C<'_>, to: i32, value: i32, data: i32, len: i32, gas: i64| {
        let (to, value) = (address(&c, to as u32)?, word(&c, value as u32)?);
        let data = read(&c, data as u32, len as u32)?;
        let r = Request::Call { kind: CallKind::Call, to, value, data, gas: gas as u64 };
        ask(&mut c, r, Pending::Call(None), !value.is_zero()).map(|()| 0)
    })?;
    for (name, kind) in [("static_call", CallKind::Static), ("delegate_call", CallKind::Delegate)] {
        l.func_wrap(m, name, move |mut c: C<'_>, to: i32, data: i32, len: i32, gas: i64| {
            let to = address(&c, to as u32)?;
            let data = read(&c, data as u32, len as u32)?;
            let r = Request::Call { kind, to, value: U256::ZERO, data, gas: gas as u64 };
            ask(&mut c, r, Pending::Call(None), false).map(|()| 0)
        })?;
    }
    l.func_wrap(m, "create", |mut c: C<'_>, value: i32, code: i32, len: i32, dst: i32| {
        let value = word(&c, value as u32)?;
        let code = read(&c, code as u32, len as u32)?;
        ask(
            &mut c,
            Request::Create { value, code, salt: None },
            Pending::Call(Some(dst as u32)),
            true,
        )
        .map(|()| 0)
    })?;
    l.func_wrap(
        m,
        "create2",
        |mut c: C<'_>, value: i32, code: i32, len: i32, salt: i32, dst: i32| {
            let value = word(&c, value as u32)?;
            let code = read(&c, code as u32, len as u32)?;
            let salt = B256::from(word(&c, salt as u32)?.to_be_bytes::<32>());
            let r = Request::Create { value, code, salt: Some(salt) };
            ask(&mut c, r, Pending::Call(Some(dst as u32)), true).map(|()| 0)
        },
    )?;
    l.func_wrap(m, "return_data_size", |c: C<'_>| c.data().return_data.len() as i32)?;
    l.func_wrap(m, "finish", |mut c: C<'_>, data: i32, len: i32| {
        let out = read(&c, data as u32, len as u32)?;
        end(&mut c, Ended::Finish(out))
    })?;
    l.func_wrap(m, "revert", |mut c: C<'_>, data: i32, len: i32| {
        let out = read(&c, data as u32, len as u32)?;
        end(&mut c, Ended::Revert(out))
    })?;
    l.func_wrap(m, "keccak256", |mut c: C<'_>, data: i32, len: i32, dst: i32| {
        burn(&mut c, schedule::keccak(len as u32 as usize))?;
        let h = keccak256(read(&c, data as u32, len as u32)?);
        write(&mut c, dst as u32, h.as_slice())
    })?;
    l.func_wrap(m, "constants_size", |c: C<'_>| c.data().ctx.constants.len() as i32)?;
    // Copies from the frame's buffers: calldata, return data, constants.
    let buffers: [(&str, Buffer); 3] = [
        ("calldata_copy", |s| &s.ctx.calldata),
        ("return_data_copy", |s| &s.return_data),
        ("constants_copy", |s| &s.ctx.constants),
    ];
    for (name, source) in buffers {
        l.func_wrap(m, name, move |mut c: C<'_>, dst: i32, off: i32, len: i32| {
            burn(&mut c, schedule::copy(len as u32 as usize))?;
            copy_out(&mut c, source, dst as u32, off as u32, len as u32)
        })?;
    }
    Ok(l)
}

/// Why a deployed contract could not be loaded into a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot load the WASM contract: {0}")]
pub struct LoadError(String);

fn load_error(e: impl core::fmt::Display) -> LoadError {
    LoadError(e.to_string())
}

/// The engine and the host functions every WASM frame shares: made once,
/// not at every call.
pub struct WasmVm {
    engine: Engine,
    linker: Linker<State>,
    /// Modules loaded in this transaction, by the code they came from (held
    /// here, so a pointer is never reused while its entry lives): a contract
    /// called again — reentrancy, recursion, a loop of calls — is parsed
    /// once, and wasmi's lazily translated functions are translated once.
    modules: core::cell::RefCell<Vec<(Rc<Vec<u8>>, Module)>>,
}

impl core::fmt::Debug for WasmVm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("WasmVm")
    }
}

impl WasmVm {
    /// An engine under the contract rules ([`prepare::config`]) with the
    /// ABI's host functions.
    pub fn new() -> Result<Self, LoadError> {
        let engine = Engine::new(&prepare::config());
        let linker = linker(&engine).map_err(load_error)?;
        Ok(Self { engine, linker, modules: Default::default() })
    }

    /// Loads deployed `code` (checked by [`prepare::prepare`] when it was
    /// deployed, so not validated again) for a call to `entry` (`call` or
    /// `deploy`).
    pub fn frame(
        &self,
        code: &Rc<Vec<u8>>,
        entry: &str,
        ctx: Context,
    ) -> Result<WasmFrame, LoadError> {
        let module = self.module(code)?;
        let pages = match module.get_export("memory") {
            Some(wasmi::ExternType::Memory(m)) => m.minimum(),
            _ => 0,
        };
        let load = instantiate_gas(code, pages);
        let Some(gas) = ctx.gas_limit.checked_sub(load) else {
            return Err(load_error(format_args!(
                "out of gas: instantiating the module costs {load} gas, the call has {}",
                ctx.gas_limit
            )));
        };
        let fuel = gas.saturating_mul(FUEL_PER_GAS);
        let state = State { ctx, return_data: Vec::new(), request: None, ended: None };
        let mut store = Store::new(&self.engine, state);
        store.set_fuel(fuel).map_err(load_error)?;
        let instance: Instance =
            self.linker.instantiate_and_start(&mut store, &module).map_err(load_error)?;
        let memory =
            instance.get_memory(&store, "memory").ok_or_else(|| load_error("no memory"))?;
        let entry =
            instance.get_func(&store, entry).ok_or_else(|| load_error("no such entry point"))?;
        Ok(WasmFrame { store, memory, entry, suspended: None })
    }
}

impl WasmVm {
    fn module(&self, code: &Rc<Vec<u8>>) -> Result<Module, LoadError> {
        let mut modules = self.modules.borrow_mut();
        if let Some((_, m)) = modules.iter().find(|(c, _)| Rc::ptr_eq(c, code)) {
            return Ok(m.clone());
        }
        // SAFETY: deployed code passed `prepare::prepare`, which validated
        // it under this same configuration.
        let module = unsafe { Module::new_unchecked(&self.engine, code) }.map_err(load_error)?;
        modules.push((code.clone(), module.clone()));
        Ok(module)
    }
}

impl WasmFrame {
    fn gas_used(&self) -> u64 {
        let limit = self.store.data().ctx.gas_limit;
        let left = self.store.get_fuel().unwrap_or(0) / FUEL_PER_GAS;
        limit.saturating_sub(left)
    }

    fn step(&mut self, r: Result<ResumableCall, wasmi::Error>) -> Step {
        let ended = self.store.data_mut().ended.take();
        match (r, ended) {
            (_, Some(Ended::Finish(out))) => Step::Exit(Exit::Success(out, self.gas_used())),
            (_, Some(Ended::Revert(out))) => Step::Exit(Exit::Revert(out, self.gas_used())),
            (_, Some(Ended::OutOfGas)) => Step::Exit(Exit::OutOfGas),
            (_, Some(Ended::Failure(why))) => Step::Exit(Exit::Failure(why)),
            (Ok(ResumableCall::Finished), None) => {
                Step::Exit(Exit::Success(Vec::new(), self.gas_used()))
            }
            (Ok(ResumableCall::OutOfFuel(_)), None) => Step::Exit(Exit::OutOfGas),
            (Ok(ResumableCall::HostTrap(inv)), None) => {
                match self.store.data_mut().request.take() {
                    Some((request, pending)) => {
                        self.suspended = Some((inv, pending));
                        Step::Request(request)
                    }
                    None => Step::Exit(Exit::Failure(inv.host_error().to_string())),
                }
            }
            (Err(e), None) => Step::Exit(Exit::Failure(e.to_string())),
        }
    }
}

impl GuestFrame for WasmFrame {
    fn gas_left(&self) -> u64 {
        self.store.get_fuel().unwrap_or(0) / FUEL_PER_GAS
    }

    fn set_gas_left(&mut self, gas: u64) {
        // Fuel metering is on in this engine's config, so this cannot fail.
        let _ = self.store.set_fuel(gas.saturating_mul(FUEL_PER_GAS));
    }

    fn start(&mut self) -> Step {
        let r = self.entry.call_resumable(&mut self.store, &[], &mut []);
        self.step(r)
    }

    /// An answer of the wrong shape, or one that costs more gas than is
    /// left, fails the frame.
    fn resume(&mut self, answer: Answer) -> Step {
        let Some((inv, pending)) = self.suspended.take() else {
            return Step::Exit(Exit::Failure("resumed without a request".into()));
        };
        let gas = match &answer {
            Answer::Done { gas } | Answer::Word { gas, .. } | Answer::Call { gas, .. } => *gas,
        };
        let fuel = self.store.get_fuel().unwrap_or(0);
        let Some(left) = fuel.checked_sub(gas.saturating_mul(FUEL_PER_GAS)) else {
            return Step::Exit(Exit::OutOfGas);
        };
        if self.store.set_fuel(left).is_err() {
            return Step::Exit(Exit::Failure("fuel metering is off".into()));
        }
        let mut inputs: Vec<Val> = Vec::new();
        let written = match (pending, answer) {
            (Pending::Nothing, Answer::Done { .. }) => Ok(()),
            (Pending::Word(dst), Answer::Word { value, .. }) => {
                let ctx = self.store.as_context_mut();
                self.memory
                    .write(ctx, dst as usize, &value.to_be_bytes::<32>())
                    .map_err(|e| e.to_string())
            }
            (Pending::Call(dst), Answer::Call { status, output, created, .. }) => {
                inputs.push(Val::I32(status as i32));
                self.store.data_mut().return_data = output;
                match dst {
                    // A creation: the new address, or zero if it failed.
                    Some(dst) => {
                        let a = created.unwrap_or_default();
                        let ctx = self.store.as_context_mut();
                        self.memory
                            .write(ctx, dst as usize, a.as_slice())
                            .map_err(|e| e.to_string())
                    }
                    None => Ok(()),
                }
            }
            _ => Err("answer of the wrong kind".into()),
        };
        if let Err(why) = written {
            return Step::Exit(Exit::Failure(why));
        }
        let r = inv.resume(&mut self.store, &inputs, &mut []);
        self.step(r)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::ee::guest::{CallStatus, test_context as ctx};

    /// A counter: reads slot 0, writes it + 1, logs the new value, calls the
    /// address in calldata[0..20] with the new value as input, and
    /// finishes with the callee's output.
    const COUNTER: &str = r#"(module
        (import "zkos" "storage_read" (func $sread (param i32 i32)))
        (import "zkos" "storage_write" (func $swrite (param i32 i32)))
        (import "zkos" "emit_log" (func $log (param i32 i32 i32 i32)))
        (import "zkos" "calldata_copy" (func $cd (param i32 i32 i32)))
        (import "zkos" "call" (func $call (param i32 i32 i32 i32 i64) (result i32)))
        (import "zkos" "return_data_size" (func $rds (result i32)))
        (import "zkos" "return_data_copy" (func $rdc (param i32 i32 i32)))
        (import "zkos" "finish" (func $finish (param i32 i32)))
        (import "zkos" "revert" (func $revert (param i32 i32)))
        (memory (export "memory") 1)
        ;; 0: key (zero), 32: value, 64: zero value, 96: callee address
        (func (export "call")
          (call $sread (i32.const 0) (i32.const 32))
          ;; increment the last byte
          (i32.store8 (i32.const 63) (i32.add (i32.load8_u (i32.const 63)) (i32.const 1)))
          (call $swrite (i32.const 0) (i32.const 32))
          (call $log (i32.const 32) (i32.const 1) (i32.const 32) (i32.const 32))
          (call $cd (i32.const 96) (i32.const 0) (i32.const 20))
          (if (i32.ne (call $call (i32.const 96) (i32.const 64) (i32.const 32) (i32.const 32) (i64.const 1000)) (i32.const 0))
            (then (call $revert (i32.const 0) (i32.const 0))))
          (call $rdc (i32.const 200) (i32.const 0) (call $rds))
          (call $finish (i32.const 200) (call $rds))))"#;

    fn frame(wat: &str, entry: &str, c: Context) -> WasmFrame {
        let code = wat::parse_str(wat).unwrap();
        prepare::prepare(&code).unwrap();
        WasmVm::new().unwrap().frame(&Rc::new(code), entry, c).unwrap()
    }

    #[test]
    fn a_frame_suspends_at_each_system_request_and_resumes_with_the_answer() {
        let callee = Address::repeat_byte(9);
        let mut f = frame(COUNTER, "call", ctx(100_000, false, callee.to_vec()));
        let mut storage: HashMap<U256, U256> = HashMap::from([(U256::ZERO, U256::from(41))]);
        let mut seen = Vec::new();
        let mut step = f.start();
        let exit = loop {
            let request = match step {
                Step::Request(r) => r,
                Step::Exit(e) => break e,
            };
            seen.push(request.clone());
            let answer = match request {
                Request::StorageRead(k) => Answer::Word { value: storage[&k], gas: 100 },
                Request::StorageWrite(k, v) => {
                    storage.insert(k, v);
                    Answer::Done { gas: 100 }
                }
                Request::Log(..) => Answer::Done { gas: 10 },
                Request::Call { kind: CallKind::Call, to, data, .. } => {
                    assert_eq!(to, callee);
                    assert_eq!(U256::from_be_slice(&data), U256::from(42));
                    Answer::Call {
                        status: CallStatus::Success,
                        output: b"pong".to_vec(),
                        gas: 700,
                        created: None,
                    }
                }
                other => panic!("unexpected {other:?}"),
            };
            step = f.resume(answer);
        };
        assert_eq!(storage[&U256::ZERO], U256::from(42));
        assert!(
            matches!(&seen[2], Request::Log(t, d) if t.len() == 1 && U256::from_be_slice(d) == U256::from(42))
        );
        match exit {
            Exit::Success(out, gas) => {
                assert_eq!(out, b"pong");
                assert!(gas > 910, "host costs are charged: {gas}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_linker_provides_every_abi_function_with_its_signature() {
        let ty = |t: &super::super::abi::Ty| match t {
            super::super::abi::Ty::I32 => "i32",
            super::super::abi::Ty::I64 => "i64",
        };
        let imports: String = super::super::abi::HOST_FNS
            .iter()
            .map(|h| {
                let ps: Vec<&str> = h.params.iter().map(ty).collect();
                let r =
                    h.result.as_ref().map(|t| format!("(result {})", ty(t))).unwrap_or_default();
                format!("(import \"zkos\" \"{}\" (func (param {}) {r}))\n", h.name, ps.join(" "))
            })
            .collect();
        let wat =
            format!(r#"(module {imports} (memory (export "memory") 1) (func (export "call")))"#);
        let mut f = frame(&wat, "call", ctx(1_000, false, vec![]));
        assert!(matches!(f.start(), Step::Exit(Exit::Success(out, _)) if out.is_empty()));
    }

    #[test]
    fn a_static_frame_fails_at_its_first_state_change() {
        let mut f = frame(COUNTER, "call", ctx(100_000, true, vec![0; 20]));
        let Step::Request(Request::StorageRead(_)) = f.start() else { panic!("reads first") };
        let step = f.resume(Answer::Word { value: U256::ZERO, gas: 0 });
        assert!(matches!(step, Step::Exit(Exit::Failure(why)) if why.contains("static")));
    }

    #[test]
    fn a_callee_failure_reverts_with_its_data_and_an_infinite_loop_runs_out_of_gas() {
        let mut f = frame(COUNTER, "call", ctx(100_000, false, vec![0; 20]));
        f.start();
        f.resume(Answer::Word { value: U256::ZERO, gas: 0 });
        f.resume(Answer::Done { gas: 0 });
        f.resume(Answer::Done { gas: 0 });
        let failed =
            Answer::Call { status: CallStatus::Failed, output: vec![], gas: 1000, created: None };
        assert!(matches!(f.resume(failed), Step::Exit(Exit::Revert(data, _)) if data.is_empty()));

        let spin = r#"(module (memory (export "memory") 1) (func (export "call") (loop (br 0))))"#;
        let mut f = frame(spin, "call", ctx(10_000, false, vec![]));
        assert!(matches!(f.start(), Step::Exit(Exit::OutOfGas)));
    }

    #[test]
    fn frame_local_operations_need_no_request() {
        let wat = r#"(module
            (import "zkos" "constants_copy" (func $cc (param i32 i32 i32)))
            (import "zkos" "constants_size" (func $cs (result i32)))
            (import "zkos" "chain_id" (func $chain (result i64)))
            (import "zkos" "keccak256" (func $k (param i32 i32 i32)))
            (import "zkos" "finish" (func $finish (param i32 i32)))
            (memory (export "memory") 1)
            (func (export "call")
              (call $cc (i32.const 0) (i32.const 0) (call $cs))
              (i64.store (i32.const 16) (call $chain))
              (call $k (i32.const 0) (i32.const 9) (i32.const 24))
              (call $finish (i32.const 0) (i32.const 56))))"#;
        let mut f = frame(wat, "call", ctx(10_000, false, vec![]));
        let Step::Exit(Exit::Success(out, _)) = f.start() else { panic!("ends") };
        assert_eq!(&out[..9], b"constants");
        assert_eq!(u64::from_le_bytes(out[16..24].try_into().unwrap()), 1337);
        assert_eq!(&out[24..56], keccak256(b"constants").as_slice());
    }

    #[test]
    fn lengths_past_memory_fail_the_frame_without_allocating_them() {
        for call in [
            "(call $finish (i32.const 0) (i32.const -1))",
            "(call $cd (i32.const 65530) (i32.const 0) (i32.const 100))",
        ] {
            let wat = format!(
                r#"(module
                (import "zkos" "finish" (func $finish (param i32 i32)))
                (import "zkos" "calldata_copy" (func $cd (param i32 i32 i32)))
                (memory (export "memory") 1)
                (func (export "call") {call}))"#
            );
            let mut f = frame(&wat, "call", ctx(10_000, false, vec![7; 4]));
            assert!(
                matches!(f.start(), Step::Exit(Exit::Failure(why)) if why.contains("bounds")),
                "{call}"
            );
        }
    }

    #[test]
    fn an_answer_costing_more_than_is_left_fails_the_frame() {
        let mut f = frame(COUNTER, "call", ctx(20_000, false, vec![0; 20]));
        assert!(matches!(f.start(), Step::Request(Request::StorageRead(_))));
        let step = f.resume(Answer::Word { value: U256::ZERO, gas: 50_000 });
        assert!(matches!(step, Step::Exit(Exit::OutOfGas)));
    }
}
