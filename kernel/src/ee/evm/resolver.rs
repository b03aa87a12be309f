//! Turning a call or a creation into a frame: precompiles and system
//! contracts answer directly, code runs in a [`Frame`] with its cached jumpdest bitmap.

use std::rc::Rc;

use evm::{
    GasMutState, InvokerControl, InvokerExit,
    interpreter::{
        ExitError, ExitException, Machine,
        etable::Etable,
        runtime::{GasState, RuntimeState},
        trap::CallScheme,
        uint::H160,
    },
    standard::{Config, InvokerState, Resolver, ResolverOrigin, State},
};
use tezos_smart_rollup_host::runtime::Runtime;

use super::{
    backend::{EvmBackend, address, h160},
    frame::Frame,
    jumpdest,
};
use crate::system::{
    contracts::{self, SystemCall},
    precompiles::{self, Outcome},
};

/// The resolver of Zk OS's EVM.
pub struct ZkResolver<'e, ES> {
    etable: &'e ES,
}

impl<'e, ES> ZkResolver<'e, ES> {
    /// A resolver running code with `etable`.
    pub const fn new(etable: &'e ES) -> Self {
        Self { etable }
    }
}

fn warm_precompiles<H: Runtime>(handler: &mut EvmBackend<'_, H>) {
    use evm::interpreter::runtime::{RuntimeBackend, TouchKind};
    for a in precompiles::addresses() {
        handler.mark_hot(h160(*a), TouchKind::Access);
    }
}

fn machine<'c>(code: Rc<Vec<u8>>, input: Vec<u8>, state: State<'c>) -> Machine<State<'c>> {
    let config: &Config = state.config;
    let (stack, memory) = (config.stack_limit(), config.memory_limit());
    Machine::new(code, Rc::new(input), stack, memory, state)
}

type Control<'e, 'c, ES> = InvokerControl<Frame<'e, State<'c>, ES>, State<'c>>;

impl<'a, 'e, 'c, H, ES> Resolver<EvmBackend<'a, H>> for ZkResolver<'e, ES>
where
    H: Runtime,
    ES: Etable<EvmBackend<'a, H>, State = State<'c>>,
{
    type State = State<'c>;
    type Interpreter = Frame<'e, State<'c>, ES>;

    fn resolve_call(
        &self,
        origin: ResolverOrigin,
        _scheme: CallScheme,
        code_address: H160,
        input: Vec<u8>,
        mut state: State<'c>,
        handler: &mut EvmBackend<'a, H>,
    ) -> Result<Control<'e, 'c, ES>, ExitError> {
        if origin == ResolverOrigin::Transaction {
            warm_precompiles(handler);
        }
        let gas = u64::try_from(state.gas()).unwrap_or(u64::MAX);
        let context = &AsRef::<RuntimeState>::as_ref(&state).context;
        let system = SystemCall {
            caller: address(context.caller),
            this: address(context.address),
            code_address: address(code_address),
            value: context.apparent_value,
            input: &input,
            gas_limit: gas,
            is_static: state.is_static(),
        };
        let outcome = match contracts::is_system_contract(&system.code_address) {
            true => handler.system_call(&system),
            false => handler.precompile_call(&address(code_address), &input, gas),
        };
        if let Some(outcome) = outcome {
            let (result, retval) = match outcome {
                Outcome::Success { gas_used, output } => {
                    state.record_gas(gas_used.try_into().unwrap_or_default())?;
                    (Ok(evm::interpreter::ExitSucceed::Returned), output.to_vec())
                }
                Outcome::Revert { gas_used, output } => {
                    state.record_gas(gas_used.try_into().unwrap_or_default())?;
                    (Err(ExitError::Reverted), output.to_vec())
                }
                // The frame fails and keeps none of its gas.
                Outcome::Halt => (Err(ExitException::OutOfGas.into()), Vec::new()),
            };
            return Ok(InvokerControl::DirectExit(InvokerExit {
                result,
                substate: Some(state),
                retval,
            }));
        }
        let (code, jumpdests) = handler.code_with_jumpdests(code_address);
        Ok(InvokerControl::Enter(Frame::new(machine(code, input, state), jumpdests, self.etable)))
    }

    fn resolve_create(
        &self,
        origin: ResolverOrigin,
        init_code: Vec<u8>,
        state: State<'c>,
        handler: &mut EvmBackend<'a, H>,
    ) -> Result<Control<'e, 'c, ES>, ExitError> {
        if origin == ResolverOrigin::Transaction {
            warm_precompiles(handler);
        }
        // Initcode runs once: its bitmap is computed here and not kept.
        let jumpdests = Rc::new(jumpdest::analyze(&init_code));
        let m = machine(Rc::new(init_code), Vec::new(), state);
        Ok(InvokerControl::Enter(Frame::new(m, jumpdests, self.etable)))
    }
}
