//! Running the proving guest in ckb-vm, with a witness as its oracle
//! input (the protocol of [`pvm::oracle`]).

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use ckb_vm::{
    Bytes, CoreMachine, DefaultCoreMachine, DefaultMachineBuilder, DefaultMachineRunner, Error,
    ISA_A, ISA_IMC, Memory, SupportMachine, Syscalls, TraceMachine,
    machine::VERSION2,
    registers::{A0, A1, A2, A7},
};
use pvm::{
    oracle::{Exit, call},
    replay::Statement,
};

use super::memory::FlatMemory;

/// The guest's memory: 1 GiB, of which only the pages it touches cost
/// anything. The host puts the stack at the top; the guest's heap runs from
/// the end of its program up to 32 MiB below the stack pointer.
pub const MEMORY_SIZE: usize = 1 << 30;

/// Debug text kept from one run.
const MAX_DEBUG: usize = 64 << 10;

type Machine = DefaultCoreMachine<u64, FlatMemory>;

/// One run of the guest.
#[derive(Debug, Clone)]
pub struct GuestRun {
    /// How the guest ended: a [`pvm::oracle::Exit`], or the raw code of an
    /// exit that is none of them.
    pub exit: Result<Exit, i8>,
    /// The statement the guest wrote (only a [`Exit::Proved`] writes one).
    pub statement: Option<Statement>,
    /// RISC-V instructions executed (one cycle each).
    pub cycles: u64,
    /// What the guest printed with the debug call.
    pub debug: String,
    /// How long the run took.
    pub wall: Duration,
}

/// The oracle's side of the protocol.
#[derive(Default)]
struct Io {
    input: Vec<u8>,
    output: Option<Vec<u8>>,
    debug: Vec<u8>,
}

struct Oracle(Arc<Mutex<Io>>);

impl Syscalls<Machine> for Oracle {
    fn initialize(&mut self, _: &mut Machine) -> Result<(), Error> {
        Ok(())
    }

    fn ecall(&mut self, m: &mut Machine) -> Result<bool, Error> {
        let [a0, a1, a2, a7] = [A0, A1, A2, A7].map(|i| m.registers()[i]);
        let mut io = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let result = match a7 {
            call::INPUT_LEN => io.input.len() as u64,
            call::READ_INPUT => {
                let (addr, len, offset) = (a0, a1, a2);
                let total = io.input.len();
                let start = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
                let end =
                    start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX)).min(total);
                m.memory_mut().store_bytes(addr, &io.input[start..end])?;
                (end - start) as u64
            }
            call::WRITE_OUTPUT => {
                let bytes = m.memory_mut().load_bytes(a0, a1)?;
                io.output = Some(bytes.to_vec());
                0
            }
            call::DEBUG => {
                let len = a1.min((MAX_DEBUG.saturating_sub(io.debug.len())) as u64);
                let bytes = m.memory_mut().load_bytes(a0, len)?;
                io.debug.extend_from_slice(&bytes);
                0
            }
            _ => return Ok(false),
        };
        m.set_register(A0, result);
        Ok(true)
    }
}

/// Runs the guest `elf` on `witness`, for at most `max_cycles`.
pub fn run_guest(elf: &[u8], witness: &[u8], max_cycles: u64) -> Result<GuestRun, Error> {
    let io = Arc::new(Mutex::new(Io { input: witness.to_vec(), ..Io::default() }));
    let core = Machine::new_with_memory(ISA_IMC | ISA_A, VERSION2, max_cycles, MEMORY_SIZE);
    let machine = DefaultMachineBuilder::new(core)
        .instruction_cycle_func(Box::new(|_| 1))
        .syscall(Box::new(Oracle(io.clone())))
        .build();
    let mut machine = TraceMachine::new(machine);
    machine.load_program(&Bytes::copy_from_slice(elf), std::iter::empty())?;
    let start = Instant::now();
    let code = machine.run()?;
    let wall = start.elapsed();
    let cycles = machine.machine.cycles();
    let io = std::mem::take(&mut *io.lock().unwrap_or_else(PoisonError::into_inner));
    let exit = Exit::from_code(i64::from(code)).ok_or(code);
    let statement = match exit {
        Ok(Exit::Proved) => io.output.as_deref().and_then(Statement::decode),
        _ => None,
    };
    Ok(GuestRun {
        exit,
        statement,
        cycles,
        debug: String::from_utf8_lossy(&io.debug).into_owned(),
        wall,
    })
}
