//! The `evm` crate's standard invoker (Ethereum's call, create, fee and
//! refund rules), wrapped to keep what the standard one drops: the gas a
//! failed transaction used and the data a reverted one returned.
//!
//! Calls and creations go through `enter_substack`/`exit_substack` with an
//! explicit heap call stack (`transact(.., Some(0), ..)`), never native
//! recursion; frames of every VM are pushed here, which is also why the
//! call tracer ([`super::trace`]) lives here.

use std::cell::RefCell;

use alloy_primitives::Address;
use evm::{
    Invoker, InvokerControl, InvokerExit,
    interpreter::{
        Capture, ExitError, ExitResult, Interpreter,
        runtime::{GasState, RuntimeBackend, RuntimeState},
        trap::{CallCreateTrap, CallScheme, CreateScheme},
        uint::U256,
    },
    standard::{self, InvokerState, TransactArgsCallCreate, TransactInvoke},
};

use super::trace::{CallKind, TraceFrame, Tracer};
use crate::ee::frame::FrameVm;

/// How the transaction's top frame ended, seen before the standard invoker
/// folds it into a `Result`.
#[derive(Debug, Clone, Default)]
pub struct Finalized {
    /// Gas left if the transaction reverted (a revert returns unused gas
    /// but no refund); the standard invoker reports gas only on success.
    pub gas_left_on_revert: U256,
    /// What the top frame returned or reverted with.
    pub retval: Vec<u8>,
}

/// The standard invoker plus a record of the transaction's end (and, when
/// asked, of every frame).
pub struct ZkInvoker<'c, 'r, R> {
    inner: standard::Invoker<'c, 'r, R>,
    finalized: RefCell<Option<Finalized>>,
    tracer: Option<RefCell<Tracer>>,
}

impl<'c, 'r, R> ZkInvoker<'c, 'r, R> {
    /// Wraps the standard invoker over `resolver`.
    pub fn new(resolver: &'r R) -> Self {
        Self {
            inner: standard::Invoker::new(resolver),
            finalized: RefCell::new(None),
            tracer: None,
        }
    }

    /// The same, recording every frame (see [`super::trace`]).
    pub fn traced(resolver: &'r R) -> Self {
        Self { tracer: Some(RefCell::new(Tracer::default())), ..Self::new(resolver) }
    }

    /// The frames recorded so far (none when not traced).
    pub fn take_trace(&self) -> Vec<TraceFrame> {
        self.tracer.as_ref().map(|t| t.take().finish()).unwrap_or_default()
    }

    fn trace(&self, f: impl FnOnce(&mut Tracer)) {
        if let Some(t) = &self.tracer {
            f(&mut t.borrow_mut());
        }
    }

    /// How the transaction ended; `None` when it never started (refused
    /// before any state change).
    pub fn finalized(&self) -> Option<Finalized> {
        self.finalized.borrow().clone()
    }
}

/// A frame's failure as geth's tracers word it.
fn error_text(result: &ExitResult) -> String {
    result.as_ref().err().map(super::errors::describe).unwrap_or_default()
}

fn gas_u64(gas: U256) -> u64 {
    u64::try_from(gas).unwrap_or(u64::MAX)
}

fn address(a: evm::interpreter::uint::H160) -> Address {
    Address::from(a.0)
}

/// The frame a call or creation trap is about to enter, as far as the trap
/// tells (`from` is the calling frame's address; the gas and VM are filled
/// in once the frame is entered).
fn trap_frame<H: RuntimeBackend>(trap: &CallCreateTrap, from: Address, handler: &H) -> TraceFrame {
    match trap {
        CallCreateTrap::Call(c) => {
            let kind = match c.scheme {
                CallScheme::Call => CallKind::Call,
                CallScheme::CallCode => CallKind::CallCode,
                CallScheme::DelegateCall => CallKind::DelegateCall,
                CallScheme::StaticCall => CallKind::StaticCall,
            };
            let value = c.transfer.as_ref().map_or(U256::ZERO, |t| t.value);
            TraceFrame::entering(
                kind,
                from,
                address(c.target),
                value,
                gas_u64(c.gas),
                c.input.clone(),
            )
        }
        CallCreateTrap::Create(c) => {
            let kind = match c.scheme {
                CreateScheme::Legacy { .. } => CallKind::Create,
                CreateScheme::Create2 { .. } => CallKind::Create2,
            };
            let to = address(c.scheme.address(handler));
            TraceFrame::entering(kind, from, to, c.value, 0, c.code.clone())
        }
    }
}

/// Ends the tracer's innermost frame as `exit` says.
fn trace_exit<S: GasState>(tracer: &mut Tracer, exit: &InvokerExit<S>) {
    let left = exit.substate.as_ref().map(|s| gas_u64(s.gas()));
    tracer.exit(&exit.retval, error_text(&exit.result), left);
}

impl<'c, 'r, R, H> Invoker<H> for ZkInvoker<'c, 'r, R>
where
    H: RuntimeBackend,
    standard::Invoker<'c, 'r, R>: Invoker<H, TransactInvoke = TransactInvoke<'c>>,
    <standard::Invoker<'c, 'r, R> as Invoker<H>>::State: InvokerState,
    <standard::Invoker<'c, 'r, R> as Invoker<H>>::TransactArgs: AsRef<standard::TransactArgs<'c>>,
    <standard::Invoker<'c, 'r, R> as Invoker<H>>::Interpreter:
        Interpreter<H, Trap = CallCreateTrap> + FrameVm,
    <<standard::Invoker<'c, 'r, R> as Invoker<H>>::Interpreter as Interpreter<H>>::State:
        GasState + AsRef<RuntimeState>,
{
    type State = <standard::Invoker<'c, 'r, R> as Invoker<H>>::State;
    type Interpreter = <standard::Invoker<'c, 'r, R> as Invoker<H>>::Interpreter;
    type Interrupt = <standard::Invoker<'c, 'r, R> as Invoker<H>>::Interrupt;
    type TransactArgs = <standard::Invoker<'c, 'r, R> as Invoker<H>>::TransactArgs;
    type TransactInvoke = TransactInvoke<'c>;
    type TransactValue = <standard::Invoker<'c, 'r, R> as Invoker<H>>::TransactValue;
    type SubstackInvoke = <standard::Invoker<'c, 'r, R> as Invoker<H>>::SubstackInvoke;

    #[allow(clippy::type_complexity)]
    fn new_transact(
        &self,
        args: Self::TransactArgs,
        handler: &mut H,
    ) -> Result<(Self::TransactInvoke, InvokerControl<Self::Interpreter, Self::State>), ExitError>
    {
        if self.tracer.is_none() {
            return self.inner.new_transact(args, handler);
        }
        let a = args.as_ref();
        let (kind, to, input) = match &a.call_create {
            TransactArgsCallCreate::Call { address: to, data } => {
                (CallKind::Call, address(*to), data.clone())
            }
            TransactArgsCallCreate::Create { init_code, salt } => {
                let kind = if salt.is_some() { CallKind::Create2 } else { CallKind::Create };
                (kind, Address::ZERO, init_code.clone())
            }
        };
        let mut frame =
            TraceFrame::entering(kind, address(a.caller), to, a.value, gas_u64(a.gas_limit), input);
        let started = self.inner.new_transact(args, handler)?;
        if let (_, InvokerControl::Enter(machine)) = &started {
            frame.vm = machine.vm();
            // The callee, or the contract being created.
            frame.to = address(AsRef::<RuntimeState>::as_ref(machine.state()).context.address);
        }
        self.trace(|t| t.enter(frame));
        Ok(started)
    }

    fn finalize_transact(
        &self,
        invoke: &Self::TransactInvoke,
        exit: InvokerExit<Self::State>,
        handler: &mut H,
    ) -> Result<Self::TransactValue, ExitError> {
        let gas_left_on_revert = match (&exit.result, &exit.substate) {
            (Err(ExitError::Reverted), Some(s)) => s.effective_gas(false),
            _ => U256::ZERO,
        };
        let retval = exit.retval.clone();
        self.trace(|t| trace_exit(t, &exit));
        *self.finalized.borrow_mut() = Some(Finalized { gas_left_on_revert, retval });
        self.inner.finalize_transact(invoke, exit, handler)
    }

    #[allow(clippy::type_complexity)]
    fn enter_substack(
        &self,
        trap: <Self::Interpreter as Interpreter<H>>::Trap,
        machine: &mut Self::Interpreter,
        handler: &mut H,
        depth: usize,
    ) -> Capture<
        Result<(Self::SubstackInvoke, InvokerControl<Self::Interpreter, Self::State>), ExitError>,
        Self::Interrupt,
    > {
        if self.tracer.is_none() {
            return self.inner.enter_substack(trap, machine, handler, depth);
        }
        let from = address(AsRef::<RuntimeState>::as_ref(machine.state()).context.address);
        let mut frame = trap_frame(&trap, from, handler);
        let entered = self.inner.enter_substack(trap, machine, handler, depth);
        match &entered {
            Capture::Exit(Ok((_, InvokerControl::Enter(callee)))) => {
                frame.vm = callee.vm();
                frame.gas = gas_u64(callee.state().gas());
                self.trace(|t| t.enter(frame));
            }
            // A precompile, a system contract or an account without code:
            // the call stack hands this exit to `exit_substack` at once.
            Capture::Exit(Ok((_, InvokerControl::DirectExit(_)))) => self.trace(|t| t.enter(frame)),
            Capture::Exit(Err(e)) => self.trace(|t| {
                t.enter(frame);
                t.exit(&[], error_text(&Err(e.clone())), None);
            }),
            Capture::Trap(_) => {}
        }
        entered
    }

    fn exit_substack(
        &self,
        trap_data: Self::SubstackInvoke,
        exit: InvokerExit<Self::State>,
        parent: &mut Self::Interpreter,
        handler: &mut H,
    ) -> Result<(), ExitError> {
        self.trace(|t| trace_exit(t, &exit));
        self.inner.exit_substack(trap_data, exit, parent, handler)
    }
}
