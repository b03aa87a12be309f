//! One EVM call frame: the `evm` crate's machine driven with the jumpdest
//! bitmap prepared at deploy time instead of recomputed per call.
//!
//! This replaces `evm`'s `EtableInterpreter`, whose constructor always
//! rescans the code; the opcode semantics stay the crate's (its etables).

use std::rc::Rc;

use evm::interpreter::{
    Capture, Control, ExitError, ExitException, ExitResult, ExitSucceed, FeedbackInterpreter,
    Interpreter, Machine, StepInterpreter,
    etable::Etable,
    runtime::RuntimeState,
    trap::{CallFeedback, CreateFeedback},
};

use super::jumpdest;

/// A running EVM frame.
pub struct Frame<'e, S, ES> {
    machine: Machine<S>,
    /// The record holding the jumpdest bitmap, from `jumpdests_at` on.
    jumpdests: Rc<Vec<u8>>,
    jumpdests_at: usize,
    position: usize,
    etable: &'e ES,
}

impl<'e, S, ES> Frame<'e, S, ES> {
    /// A frame at the start of `machine`'s code, with its jumpdest bitmap
    /// (`jumpdests[jumpdests_at..]`: the bitmap is shared in place, inside
    /// the record kept beside the code, not copied per call).
    pub fn new(
        machine: Machine<S>,
        jumpdests: Rc<Vec<u8>>,
        jumpdests_at: usize,
        etable: &'e ES,
    ) -> Self {
        Self { machine, jumpdests, jumpdests_at, position: 0, etable }
    }

    fn stop(&mut self) {
        self.position = self.machine.code().len();
    }
}

impl<S, ES> AsRef<Machine<S>> for Frame<'_, S, ES> {
    fn as_ref(&self) -> &Machine<S> {
        &self.machine
    }
}

impl<S, ES> AsMut<Machine<S>> for Frame<'_, S, ES> {
    fn as_mut(&mut self) -> &mut Machine<S> {
        &mut self.machine
    }
}

impl<S, H, ES: Etable<H, State = S>> StepInterpreter<H> for Frame<'_, S, ES> {
    fn step(&mut self, handle: &mut H) -> Result<(), Capture<ExitResult, ES::Trap>> {
        let position = self.position;
        if position >= self.machine.code().len() {
            return Err(Capture::Exit(ExitSucceed::Stopped.into()));
        }
        match self.etable.eval(&mut self.machine, handle, position) {
            Control::NoAction => {}
            Control::Continue(n) => self.position = position + n,
            Control::Jump(to) => {
                let bitmap = self.jumpdests.get(self.jumpdests_at..).unwrap_or_default();
                if !jumpdest::is_valid(bitmap, to) {
                    self.stop();
                    return Err(Capture::Exit(ExitException::InvalidJump.into()));
                }
                self.position = to;
            }
            Control::Exit(e) => {
                self.stop();
                return Err(Capture::Exit(e));
            }
            Control::Trap(t) => return Err(Capture::Trap(t)),
        }
        Ok(())
    }
}

impl<S, H, ES: Etable<H, State = S>> Interpreter<H> for Frame<'_, S, ES> {
    type State = S;
    type Trap = ES::Trap;

    fn deconstruct(self) -> (S, Vec<u8>) {
        (self.machine.state, self.machine.retval)
    }

    fn state(&self) -> &S {
        &self.machine.state
    }

    fn state_mut(&mut self) -> &mut S {
        &mut self.machine.state
    }

    fn run(&mut self, handle: &mut H) -> Capture<ExitResult, ES::Trap> {
        loop {
            if let Err(done) = self.step(handle) {
                return done;
            }
        }
    }
}

impl<S, H, ES> FeedbackInterpreter<H, CallFeedback> for Frame<'_, S, ES>
where
    S: AsRef<RuntimeState> + AsMut<RuntimeState>,
    ES: Etable<H, State = S>,
{
    fn feedback(&mut self, feedback: CallFeedback, _handler: &mut H) -> Result<(), ExitError> {
        feedback.to_machine(self)?;
        self.position += 1;
        Ok(())
    }
}

impl<S, H, ES> FeedbackInterpreter<H, CreateFeedback> for Frame<'_, S, ES>
where
    S: AsRef<RuntimeState> + AsMut<RuntimeState>,
    ES: Etable<H, State = S>,
{
    fn feedback(&mut self, feedback: CreateFeedback, _handler: &mut H) -> Result<(), ExitError> {
        feedback.to_machine(self)?;
        self.position += 1;
        Ok(())
    }
}
