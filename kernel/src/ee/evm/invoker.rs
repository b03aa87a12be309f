//! The `evm` crate's standard invoker (Ethereum's call, create, fee and
//! refund rules), wrapped to keep what the standard one drops: the gas a
//! failed transaction used and the data a reverted one returned.
//!
//! Calls and creations go through `enter_substack`/`exit_substack` with an
//! explicit heap call stack (`transact(.., Some(0), ..)`), never native
//! recursion; this is also where frames of other VMs will be pushed.

use std::cell::RefCell;

use evm::{
    Invoker, InvokerControl, InvokerExit,
    interpreter::{Capture, ExitError, Interpreter, uint::U256},
    standard::{self, InvokerState, TransactInvoke},
};

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

/// The standard invoker plus a record of the transaction's end.
pub struct ZkInvoker<'c, 'r, R> {
    inner: standard::Invoker<'c, 'r, R>,
    finalized: RefCell<Option<Finalized>>,
}

impl<'c, 'r, R> ZkInvoker<'c, 'r, R> {
    /// Wraps the standard invoker over `resolver`.
    pub fn new(resolver: &'r R) -> Self {
        Self { inner: standard::Invoker::new(resolver), finalized: RefCell::new(None) }
    }

    /// How the transaction ended; `None` when it never started (refused
    /// before any state change).
    pub fn finalized(&self) -> Option<Finalized> {
        self.finalized.borrow().clone()
    }
}

impl<'c, 'r, R, H> Invoker<H> for ZkInvoker<'c, 'r, R>
where
    standard::Invoker<'c, 'r, R>: Invoker<H, TransactInvoke = TransactInvoke<'c>>,
    <standard::Invoker<'c, 'r, R> as Invoker<H>>::State: InvokerState,
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
        self.inner.new_transact(args, handler)
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
        self.inner.enter_substack(trap, machine, handler, depth)
    }

    fn exit_substack(
        &self,
        trap_data: Self::SubstackInvoke,
        exit: InvokerExit<Self::State>,
        parent: &mut Self::Interpreter,
        handler: &mut H,
    ) -> Result<(), ExitError> {
        self.inner.exit_substack(trap_data, exit, parent, handler)
    }
}
