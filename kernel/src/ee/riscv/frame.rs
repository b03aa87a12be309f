//! One RISC-V call frame: a ckb-vm machine (rv64imac) that runs until an
//! `ecall` needs the system, then stops with a [`Request`] and keeps its
//! registers, memory and pc; [`GuestFrame::resume`] writes the answer and
//! continues after the `ecall`. So a RISC-V frame sits suspended on the
//! system's call stack like a WASM or EVM one, and no call recurses on the
//! native stack.
//!
//! The run loop is the kernel's own (decode, charge, execute — what
//! ckb-vm's `DefaultMachine::step` does), so the machine can stop at an
//! `ecall` and be resumed, which ckb-vm's runner cannot. System calls the
//! frame knows itself (calldata, context, constants, return data, Keccak)
//! are answered at once; static-call rules are enforced here, in the
//! callee. Gas is ckb-vm's cycle budget: one cycle per instruction,
//! [`CYCLES_PER_GAS`] cycles to the gas.

use alloy_primitives::{Address, B256, U256, keccak256};
use ckb_vm::{
    Bytes, CoreMachine, DefaultCoreMachine, Error as VmError, ISA_A, ISA_IMC, Memory, SparseMemory,
    SupportMachine, WXorXMemory,
    decoder::{Decoder, build_decoder},
    elf::ProgramMetadata,
    instructions::{Thread, ThreadFactory, execute_with_thread, extract_opcode},
    machine::VERSION2,
    registers::{A0, A7, SP},
};

use super::abi::Syscall;
use crate::ee::{
    guest::{Answer, CallKind, Context, Exit, GuestFrame, Request, Step},
    schedule,
};

/// Cycles (instructions) bought by one gas.
///
/// Set from measurement so that a gas of RISC-V work costs the PVM about
/// what a gas of EVM interpretation does: under the `pvm` engine one cycle
/// of the kernel's ckb-vm costs about 280 ticks (a loop of 400,000 cycles
/// took 111 M ticks), and a bare EVM loop costs about 447 ticks per gas, so
/// 2 cycles per gas gives about 560 — inside the native cost model's 1,000
/// ticks per gas (see BENCHMARKS.md, `native_model`).
pub const CYCLES_PER_GAS: u64 = 2;

/// Gas a frame pays to be loaded, before its first instruction: a base and
/// one gas per [`LOAD_BYTES_PER_GAS`] bytes of code. Loading (the machine,
/// its decoder and dispatch table, the code's pages) costs the PVM about
/// 525,000 ticks more than an EVM frame for the 9.9 KB probe, work no
/// cycle pays for; at about 450 ticks per gas that is some 1,100 gas, so a
/// contract calling a RISC-V contract in a loop pays for what it makes the
/// kernel do (measured: BENCHMARKS.md, "RISC-V contracts").
pub const LOAD_GAS: u64 = 800;

/// Bytes of code loaded per gas, beside [`LOAD_GAS`].
pub const LOAD_BYTES_PER_GAS: u64 = 32;

/// The memory of a frame: 1 MiB, of which ckb-vm allocates only the 4 KiB
/// pages the contract touches.
pub const MEMORY_SIZE: usize = 1 << 20;

/// The top of memory the stack grows down from; no segment may lie in it.
pub const STACK_SIZE: usize = 64 << 10;

/// Why a deployed contract could not be loaded into a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot load the RISC-V contract: {0}")]
pub struct LoadError(String);

type Core = DefaultCoreMachine<u64, WXorXMemory<SparseMemory<u64>>>;

/// Where an answer goes once it comes.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// Nothing to write (a write, a log).
    Nothing,
    /// 32 bytes at this address.
    Word(u64),
    /// The status in `a0`; for a creation, the address at this address.
    Call(Option<u64>),
}

#[derive(Debug)]
enum Ended {
    Finish(Vec<u8>),
    Revert(Vec<u8>),
    OutOfGas,
    Failure(String),
}

/// The machine ckb-vm's instructions run on: the core, and what the
/// frame's `ecall`s left for the run loop.
struct Machine {
    core: Core,
    ctx: Context,
    return_data: Vec<u8>,
    request: Option<(Request, Pending)>,
    ended: Option<Ended>,
}

impl CoreMachine for Machine {
    type REG = u64;
    type MEM = WXorXMemory<SparseMemory<u64>>;

    fn pc(&self) -> &u64 {
        self.core.pc()
    }
    fn update_pc(&mut self, pc: u64) {
        self.core.update_pc(pc)
    }
    fn commit_pc(&mut self) {
        self.core.commit_pc()
    }
    fn memory(&self) -> &Self::MEM {
        self.core.memory()
    }
    fn memory_mut(&mut self) -> &mut Self::MEM {
        self.core.memory_mut()
    }
    fn registers(&self) -> &[u64] {
        self.core.registers()
    }
    fn set_register(&mut self, idx: usize, value: u64) {
        self.core.set_register(idx, value)
    }
    fn version(&self) -> u32 {
        self.core.version()
    }
    fn isa(&self) -> u8 {
        self.core.isa()
    }
}

impl ckb_vm::Machine for Machine {
    fn ecall(&mut self) -> Result<(), VmError> {
        let n = self.core.registers()[A7];
        let outcome = match Syscall::from_number(n) {
            Some(call) => self.syscall(call),
            None => Err(format!("unknown system call {n}")),
        };
        if let Err(why) = outcome {
            self.ended.get_or_insert(Ended::Failure(why));
        }
        Ok(())
    }

    fn ebreak(&mut self) -> Result<(), VmError> {
        self.ended = Some(Ended::Failure("ebreak".into()));
        Ok(())
    }
}

/// A fault in a system call: the frame fails with it.
type Fault = Result<(), String>;

fn bounds(e: VmError) -> String {
    format!("memory access out of bounds: {e:?}")
}

impl Machine {
    fn arg(&self, i: usize) -> u64 {
        self.core.registers()[A0 + i]
    }

    fn read(&mut self, ptr: u64, len: u64) -> Result<Vec<u8>, String> {
        // `load_bytes` checks `ptr + len` against the memory before it
        // allocates, so a huge length costs nothing.
        self.core.memory_mut().load_bytes(ptr, len).map(|b| b.to_vec()).map_err(bounds)
    }

    fn write(&mut self, ptr: u64, data: &[u8]) -> Fault {
        let end = ptr.checked_add(data.len() as u64);
        if end.is_none_or(|e| e > MEMORY_SIZE as u64) {
            return Err(bounds(VmError::MemOutOfBound));
        }
        self.core.memory_mut().store_bytes(ptr, data).map_err(bounds)
    }

    fn word(&mut self, ptr: u64) -> Result<U256, String> {
        Ok(U256::from_be_slice(&self.read(ptr, 32)?))
    }

    fn address(&mut self, ptr: u64) -> Result<Address, String> {
        Ok(Address::from_slice(&self.read(ptr, 20)?))
    }

    fn put(&mut self, ptr: u64, a: Address) -> Fault {
        self.write(ptr, a.as_slice())
    }

    fn set_a0(&mut self, v: u64) {
        self.core.set_register(A0, v);
    }

    /// Charges `gas` of work done for the frame (hashing, copying).
    fn burn(&mut self, gas: u64) -> Fault {
        let cycles = gas.saturating_mul(CYCLES_PER_GAS);
        if self.core.add_cycles(cycles).is_err() {
            self.ended = Some(Ended::OutOfGas);
        }
        Ok(())
    }

    /// Suspends with `request`, or fails the frame if it changes state in a
    /// static call.
    fn ask(&mut self, request: Request, pending: Pending, changes_state: bool) -> Fault {
        if changes_state && self.ctx.is_static {
            return Err("state change in a static call".into());
        }
        self.request = Some((request, pending));
        Ok(())
    }

    /// Copies `len` bytes of `source` from `offset` to `dst`, zero-filled
    /// past its end.
    fn copy_out(&mut self, source: fn(&Self) -> &[u8], dst: u64, off: u64, len: u64) -> Fault {
        self.burn(schedule::copy(usize::try_from(len).unwrap_or(usize::MAX)))?;
        if self.ended.is_some() {
            return Ok(());
        }
        if dst.checked_add(len).is_none_or(|e| e > MEMORY_SIZE as u64) {
            return Err(bounds(VmError::MemOutOfBound));
        }
        let src = source(self);
        let start = usize::try_from(off).unwrap_or(usize::MAX).min(src.len());
        let n = (src.len() - start).min(len as usize);
        let mut out = src[start..start + n].to_vec();
        out.resize(len as usize, 0);
        self.write(dst, &out)
    }

    fn syscall(&mut self, call: Syscall) -> Fault {
        use Syscall as S;
        let a = |i| self.arg(i);
        let (a0, a1, a2, a3, a4) = (a(0), a(1), a(2), a(3), a(4));
        match call {
            S::CalldataSize => self.set_a0(self.ctx.calldata.len() as u64),
            S::CalldataCopy => return self.copy_out(|m| &m.ctx.calldata, a0, a1, a2),
            S::ReturnDataSize => self.set_a0(self.return_data.len() as u64),
            S::ReturnDataCopy => return self.copy_out(|m| &m.return_data, a0, a1, a2),
            S::ConstantsSize => self.set_a0(self.ctx.constants.len() as u64),
            S::ConstantsCopy => return self.copy_out(|m| &m.ctx.constants, a0, a1, a2),
            S::Caller => return self.put(a0, self.ctx.caller),
            S::Origin => return self.put(a0, self.ctx.origin),
            S::Address => return self.put(a0, self.ctx.address),
            S::BlockCoinbase => return self.put(a0, self.ctx.coinbase),
            S::CallValue => return self.write(a0, &self.ctx.value.to_be_bytes::<32>()),
            S::BaseFee => return self.write(a0, &self.ctx.base_fee.to_be_bytes::<32>()),
            S::BlockNumber => self.set_a0(self.ctx.block.0),
            S::BlockTimestamp => self.set_a0(self.ctx.block.1),
            S::ChainId => self.set_a0(self.ctx.block.2),
            S::GasLeft => self.set_a0(self.gas_left()),
            S::StorageRead => {
                let k = self.word(a0)?;
                return self.ask(Request::StorageRead(k), Pending::Word(a1), false);
            }
            S::StorageWrite => {
                let (k, v) = (self.word(a0)?, self.word(a1)?);
                return self.ask(Request::StorageWrite(k, v), Pending::Nothing, true);
            }
            S::TransientRead => {
                let k = self.word(a0)?;
                return self.ask(Request::TransientRead(k), Pending::Word(a1), false);
            }
            S::TransientWrite => {
                let (k, v) = (self.word(a0)?, self.word(a1)?);
                return self.ask(Request::TransientWrite(k, v), Pending::Nothing, true);
            }
            S::Balance => {
                let who = self.address(a0)?;
                return self.ask(Request::Balance(who), Pending::Word(a1), false);
            }
            S::SelfBalance => {
                let who = self.ctx.address;
                return self.ask(Request::Balance(who), Pending::Word(a0), false);
            }
            S::EmitLog => {
                if a1 > 4 {
                    return Err(format!("a log has at most 4 topics, not {a1}"));
                }
                let t = self.read(a0, a1 * 32)?;
                let topics = t.chunks(32).map(B256::from_slice).collect();
                let data = self.read(a2, a3)?;
                return self.ask(Request::Log(topics, data), Pending::Nothing, true);
            }
            S::Call => {
                let (to, value, data) = (self.address(a0)?, self.word(a1)?, self.read(a2, a3)?);
                let r = Request::Call { kind: CallKind::Call, to, value, data, gas: a4 };
                return self.ask(r, Pending::Call(None), !value.is_zero());
            }
            S::StaticCall | S::DelegateCall => {
                let kind =
                    if call == S::StaticCall { CallKind::Static } else { CallKind::Delegate };
                let (to, data) = (self.address(a0)?, self.read(a1, a2)?);
                let r = Request::Call { kind, to, value: U256::ZERO, data, gas: a3 };
                return self.ask(r, Pending::Call(None), false);
            }
            S::Create | S::Create2 => {
                let (value, code) = (self.word(a0)?, self.read(a1, a2)?);
                let (salt, dst) = match call {
                    S::Create2 => (Some(B256::from(self.word(a3)?.to_be_bytes::<32>())), a4),
                    _ => (None, a3),
                };
                let r = Request::Create { value, code, salt };
                return self.ask(r, Pending::Call(Some(dst)), true);
            }
            S::Finish | S::Revert => {
                let out = self.read(a0, a1)?;
                self.ended = Some(match call {
                    S::Finish => Ended::Finish(out),
                    _ => Ended::Revert(out),
                });
            }
            S::Keccak256 => {
                self.burn(schedule::keccak(usize::try_from(a1).unwrap_or(usize::MAX)))?;
                if self.ended.is_none() {
                    let h = keccak256(self.read(a0, a1)?);
                    return self.write(a2, h.as_slice());
                }
            }
        }
        Ok(())
    }

    fn gas_left(&self) -> u64 {
        self.core.max_cycles().saturating_sub(self.core.cycles()) / CYCLES_PER_GAS
    }
}

/// A running RISC-V frame.
pub struct RiscvFrame {
    machine: Machine,
    decoder: Decoder,
    /// One small function per opcode. ckb-vm's `execute` dispatches with a
    /// `match` that inlines every handler into one function with thousands
    /// of locals, which a WASM engine initialises at every call: under the
    /// PVM that made each instruction cost thousands of ticks.
    threads: ThreadFactory<Machine>,
    suspended: Option<Pending>,
    started: bool,
}

impl core::fmt::Debug for RiscvFrame {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RiscvFrame")
            .field("pc", self.machine.core.pc())
            .field("suspended", &self.suspended.is_some())
            .finish()
    }
}

impl RiscvFrame {
    /// Loads deployed `code` by its loading `plan` (checked by
    /// [`super::prepare::prepare`] at deployment) for a call (`entry` 0) or
    /// a deployment (1).
    pub fn new(
        code: &[u8],
        plan: &ProgramMetadata,
        entry: u64,
        ctx: Context,
    ) -> Result<Self, LoadError> {
        let cycles = ctx.gas_limit.saturating_mul(CYCLES_PER_GAS);
        let mut core = Core::new_with_memory(ISA_IMC | ISA_A, VERSION2, cycles, MEMORY_SIZE);
        core.load_binary(&Bytes::copy_from_slice(code), plan, true)
            .map_err(|e| LoadError(format!("{e:?}")))?;
        // Loading is paid for up front; a frame that cannot pay runs out of
        // gas at its first step.
        let load = LOAD_GAS + code.len() as u64 / LOAD_BYTES_PER_GAS;
        if core.add_cycles(load.saturating_mul(CYCLES_PER_GAS)).is_err() {
            core.set_cycles(core.max_cycles());
        }
        core.set_register(SP, MEMORY_SIZE as u64);
        core.set_register(A0, entry);
        let machine = Machine { core, ctx, return_data: Vec::new(), request: None, ended: None };
        let decoder = build_decoder::<u64>(ISA_IMC | ISA_A, VERSION2);
        let threads = ThreadFactory::create();
        Ok(Self { machine, decoder, threads, suspended: None, started: false })
    }

    /// One instruction: what ckb-vm's `DefaultMachine::step` does, at one
    /// cycle each.
    fn step(&mut self) -> Result<(), VmError> {
        let m = &mut self.machine;
        let pc = *m.core.pc();
        let inst = self.decoder.decode(m.core.memory_mut(), pc)?;
        m.core.add_cycles(1)?;
        let thread: Thread<Machine> = match self.threads.get(extract_opcode(inst)) {
            Some(t) => *t,
            None => return Err(VmError::InvalidOp(extract_opcode(inst))),
        };
        execute_with_thread(inst, m, &thread)
    }

    fn gas_used(&self) -> u64 {
        self.machine.ctx.gas_limit.saturating_sub(self.machine.gas_left())
    }

    /// Runs until an `ecall` suspends or ends the frame, or the VM faults.
    fn run(&mut self) -> Step {
        // Only the discriminants are read per instruction: taking the
        // request each time would copy it.
        let fault = loop {
            if self.machine.request.is_some() || self.machine.ended.is_some() {
                break None;
            }
            if let Err(e) = self.step() {
                break Some(e);
            }
        };
        if let Some((request, pending)) = self.machine.request.take() {
            self.suspended = Some(pending);
            return Step::Request(request);
        }
        let exit = match (self.machine.ended.take(), fault) {
            (Some(Ended::Finish(out)), _) => Exit::Success(out, self.gas_used()),
            (Some(Ended::Revert(out)), _) => Exit::Revert(out, self.gas_used()),
            (Some(Ended::OutOfGas), _) | (None, Some(VmError::CyclesExceeded)) => Exit::OutOfGas,
            (Some(Ended::Failure(why)), _) => Exit::Failure(why),
            (None, Some(e)) => Exit::Failure(format!("RISC-V fault: {e:?}")),
            (None, None) => Exit::Failure("stopped without an end".into()),
        };
        Step::Exit(exit)
    }
}

impl GuestFrame for RiscvFrame {
    fn start(&mut self) -> Step {
        if std::mem::replace(&mut self.started, true) {
            return Step::Exit(Exit::Failure("started twice".into()));
        }
        self.run()
    }

    /// An answer of the wrong shape, or one that costs more gas than is
    /// left, fails the frame.
    fn resume(&mut self, answer: Answer) -> Step {
        let Some(pending) = self.suspended.take() else {
            return Step::Exit(Exit::Failure("resumed without a request".into()));
        };
        let m = &mut self.machine;
        let gas = match &answer {
            Answer::Done { gas } | Answer::Word { gas, .. } | Answer::Call { gas, .. } => *gas,
        };
        if m.core.add_cycles(gas.saturating_mul(CYCLES_PER_GAS)).is_err() {
            return Step::Exit(Exit::OutOfGas);
        }
        let written = match (pending, answer) {
            (Pending::Nothing, Answer::Done { .. }) => Ok(()),
            (Pending::Word(dst), Answer::Word { value, .. }) => {
                m.write(dst, &value.to_be_bytes::<32>())
            }
            (Pending::Call(dst), Answer::Call { status, output, created, .. }) => {
                m.set_a0(status as u64);
                m.return_data = output;
                match dst {
                    // A creation: the new address, or zero if it failed.
                    Some(dst) => m.write(dst, created.unwrap_or_default().as_slice()),
                    None => Ok(()),
                }
            }
            _ => Err("answer of the wrong kind".into()),
        };
        if let Err(why) = written {
            return Step::Exit(Exit::Failure(why));
        }
        self.run()
    }

    fn gas_left(&self) -> u64 {
        self.machine.gas_left()
    }

    fn set_gas_left(&mut self, gas: u64) {
        let core = &mut self.machine.core;
        let left = gas.saturating_mul(CYCLES_PER_GAS).min(core.max_cycles());
        core.set_cycles(core.max_cycles() - left);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{
        prepare,
        test_elf::{self, A0, *},
    };
    use super::*;
    use crate::ee::guest::test_context as ctx;

    /// Test data lives in the stack area, below the top of memory.
    const _: () = assert!(KEY as usize == MEMORY_SIZE - 4096);
    const BUF: u32 = KEY + 64;

    fn frame(code: &[u32], c: Context) -> RiscvFrame {
        let elf = program(code);
        let plan = prepare::prepare(&elf).expect("a valid program");
        RiscvFrame::new(&elf, &plan, 0, c).expect("loads")
    }

    fn counter() -> Vec<u32> {
        use Syscall::{Finish, StorageRead, StorageWrite};
        test_elf::counter([StorageRead, StorageWrite, Finish].map(Syscall::number))
    }

    #[test]
    fn a_frame_suspends_at_each_system_request_and_resumes_after_the_ecall() {
        let code = counter();
        let mut f = frame(&code, ctx(100_000, false, vec![]));
        let Step::Request(Request::StorageRead(k)) = f.start() else { panic!("reads first") };
        assert_eq!(k, U256::ZERO);
        let step = f.resume(Answer::Word { value: U256::from(41), gas: 2100 });
        let Step::Request(Request::StorageWrite(k, v)) = step else { panic!("then writes") };
        assert_eq!((k, v), (U256::ZERO, U256::from(42)), "the answer landed in memory");
        let Step::Exit(Exit::Success(out, gas)) = f.resume(Answer::Done { gas: 5000 }) else {
            panic!("then finishes")
        };
        assert_eq!(U256::from_be_slice(&out), U256::from(42));
        let load = LOAD_GAS + program(&code).len() as u64 / LOAD_BYTES_PER_GAS;
        let paid = 2100 + 5000 + load;
        assert!(gas > paid && gas < paid + 30, "load, host costs and a few instructions: {gas}");
    }

    #[test]
    fn a_static_frame_fails_at_its_first_state_change() {
        let mut f = frame(&counter(), ctx(100_000, true, vec![]));
        assert!(matches!(f.start(), Step::Request(Request::StorageRead(_))));
        let step = f.resume(Answer::Word { value: U256::ZERO, gas: 0 });
        assert!(matches!(step, Step::Exit(Exit::Failure(why)) if why.contains("static")));
    }

    #[test]
    fn a_frame_that_cannot_pay_its_loading_runs_out_of_gas_at_once() {
        let mut f = frame(&counter(), ctx(LOAD_GAS - 1, false, vec![]));
        assert!(matches!(f.start(), Step::Exit(Exit::OutOfGas)));
    }

    #[test]
    fn a_loop_forever_runs_out_of_gas_and_an_answer_past_the_budget_too() {
        let mut f = frame(&[spin()], ctx(10_000, false, vec![]));
        assert!(matches!(f.start(), Step::Exit(Exit::OutOfGas)));
        let mut f = frame(&counter(), ctx(10_000, false, vec![]));
        assert!(matches!(f.start(), Step::Request(_)));
        let step = f.resume(Answer::Word { value: U256::ZERO, gas: 20_000 });
        assert!(matches!(step, Step::Exit(Exit::OutOfGas)));
    }

    #[test]
    fn a_call_returns_its_status_in_a0_and_its_output_as_return_data() {
        let mut p = syscall(Syscall::Call.number(), &[KEY, VALUE, BUF, 4, 1000]);
        p.extend(li(T0, BUF));
        p.push(sd(A0, T0, 0));
        p.extend(syscall(Syscall::ReturnDataCopy.number(), &[BUF + 8, 0, 4]));
        p.extend(syscall(Syscall::Finish.number(), &[BUF, 12]));
        let mut f = frame(&p, ctx(100_000, false, vec![]));
        let Step::Request(Request::Call { kind, data, gas, .. }) = f.start() else {
            panic!("calls")
        };
        assert_eq!((kind, data.len(), gas), (CallKind::Call, 4, 1000));
        let answer = Answer::Call {
            status: crate::ee::guest::CallStatus::Reverted,
            output: b"nope".to_vec(),
            gas: 700,
            created: None,
        };
        let Step::Exit(Exit::Success(out, _)) = f.resume(answer) else { panic!("ends") };
        assert_eq!(u64::from_le_bytes(out[..8].try_into().unwrap()), 1, "reverted");
        assert_eq!(&out[8..], b"nope");
    }

    #[test]
    fn frame_local_calls_need_no_request() {
        let mut p = syscall(Syscall::ConstantsCopy.number(), &[BUF, 0, 9]);
        p.extend(syscall(Syscall::Keccak256.number(), &[BUF, 9, BUF + 32]));
        p.extend(syscall(Syscall::ChainId.number(), &[]));
        p.extend(li(T0, BUF));
        p.push(sd(A0, T0, 64));
        p.extend(syscall(Syscall::Finish.number(), &[BUF, 72]));
        let mut f = frame(&p, ctx(10_000, false, vec![]));
        let Step::Exit(Exit::Success(out, _)) = f.start() else { panic!("ends") };
        assert_eq!(&out[..9], b"constants");
        assert_eq!(&out[32..64], keccak256(b"constants").as_slice());
        assert_eq!(u64::from_le_bytes(out[64..72].try_into().unwrap()), 1337);
    }

    #[test]
    fn bad_pointers_unknown_calls_and_ebreak_fail_the_frame_with_why() {
        let cases: [(Vec<u32>, &str); 4] = [
            (syscall(Syscall::Finish.number(), &[0x7fff_0000, 0x10_0000]), "bounds"),
            (syscall(Syscall::CalldataCopy.number(), &[KEY + 4000, 0, 200]), "bounds"),
            (syscall(999, &[]), "unknown system call 999"),
            (vec![ebreak()], "ebreak"),
        ];
        for (code, why) in cases {
            let mut f = frame(&code, ctx(10_000, false, vec![7; 4]));
            let step = f.start();
            assert!(matches!(&step, Step::Exit(Exit::Failure(w)) if w.contains(why)), "{step:?}");
        }
        // Jumping outside the program faults the VM.
        let mut f = frame(
            &li(T0, 0x8000).into_iter().chain([0x0002_8067]).collect::<Vec<_>>(),
            ctx(10_000, false, vec![]),
        );
        assert!(matches!(f.start(), Step::Exit(Exit::Failure(w)) if w.contains("fault")));
    }
}
