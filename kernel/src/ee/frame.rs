//! A frame of any VM, as the system's call stack holds it.
//!
//! The stack is the `evm` crate's standard invoker run with an explicit heap
//! stack; it holds one interpreter type, so that type is this enum. Every
//! variant traps with the crate's `CallCreateTrap` when it calls or creates
//! and takes the crate's feedback when the callee ends, so a frame of any VM
//! can call a frame of any other with the same value, gas and substate rules,
//! and no call recurses on the native stack.

use evm::interpreter::{
    Capture, ExitError, ExitResult, FeedbackInterpreter, Interpreter,
    etable::Etable,
    runtime::{RuntimeBackend, RuntimeEnvironment},
    trap::{CallCreateTrap, CallFeedback, CreateFeedback},
};
use evm::standard::State;

use super::{
    evm::{frame::Frame as EvmFrame, trace::Vm},
    guest::call::GuestCall,
    riscv::frame::RiscvFrame,
    wasm::frame::WasmFrame,
};

/// Which VM a frame runs in, for the call tracer.
pub trait FrameVm {
    /// The frame's VM.
    fn vm(&self) -> Vm;
}

impl<ES> FrameVm for AnyFrame<'_, '_, ES> {
    fn vm(&self) -> Vm {
        match self {
            Self::Evm(_) => Vm::Evm,
            Self::Wasm(_) => Vm::Wasm,
            Self::Riscv(_) => Vm::Riscv,
        }
    }
}

/// A running frame of any VM.
pub enum AnyFrame<'e, 'c, ES> {
    /// EVM bytecode.
    Evm(EvmFrame<'e, State<'c>, ES>),
    /// A WASM contract.
    Wasm(GuestCall<'c, WasmFrame>),
    /// A RISC-V contract.
    Riscv(GuestCall<'c, RiscvFrame>),
}

impl<'c, H, ES> Interpreter<H> for AnyFrame<'_, 'c, ES>
where
    H: RuntimeBackend + RuntimeEnvironment,
    ES: Etable<H, State = State<'c>, Trap = CallCreateTrap>,
{
    type State = State<'c>;
    type Trap = CallCreateTrap;

    fn deconstruct(self) -> (State<'c>, Vec<u8>) {
        match self {
            Self::Evm(f) => Interpreter::<H>::deconstruct(f),
            Self::Wasm(f) => f.deconstruct(),
            Self::Riscv(f) => f.deconstruct(),
        }
    }

    fn state(&self) -> &State<'c> {
        match self {
            Self::Evm(f) => Interpreter::<H>::state(f),
            Self::Wasm(f) => f.state(),
            Self::Riscv(f) => f.state(),
        }
    }

    fn state_mut(&mut self) -> &mut State<'c> {
        match self {
            Self::Evm(f) => Interpreter::<H>::state_mut(f),
            Self::Wasm(f) => f.state_mut(),
            Self::Riscv(f) => f.state_mut(),
        }
    }

    fn run(&mut self, handle: &mut H) -> Capture<ExitResult, CallCreateTrap> {
        match self {
            Self::Evm(f) => f.run(handle),
            Self::Wasm(f) => f.run(handle),
            Self::Riscv(f) => f.run(handle),
        }
    }
}

impl<'c, H, ES> FeedbackInterpreter<H, CallFeedback> for AnyFrame<'_, 'c, ES>
where
    H: RuntimeBackend + RuntimeEnvironment,
    ES: Etable<H, State = State<'c>, Trap = CallCreateTrap>,
{
    fn feedback(&mut self, feedback: CallFeedback, handler: &mut H) -> Result<(), ExitError> {
        match self {
            Self::Evm(f) => f.feedback(feedback, handler),
            Self::Wasm(f) => {
                f.call_feedback(feedback);
                Ok(())
            }
            Self::Riscv(f) => {
                f.call_feedback(feedback);
                Ok(())
            }
        }
    }
}

impl<'c, H, ES> FeedbackInterpreter<H, CreateFeedback> for AnyFrame<'_, 'c, ES>
where
    H: RuntimeBackend + RuntimeEnvironment,
    ES: Etable<H, State = State<'c>, Trap = CallCreateTrap>,
{
    fn feedback(&mut self, feedback: CreateFeedback, handler: &mut H) -> Result<(), ExitError> {
        match self {
            Self::Evm(f) => f.feedback(feedback, handler),
            Self::Wasm(f) => {
                f.create_feedback(feedback);
                Ok(())
            }
            Self::Riscv(f) => {
                f.create_feedback(feedback);
                Ok(())
            }
        }
    }
}
