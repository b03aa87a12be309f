//! Turning a call or a creation into a frame of the callee's VM:
//! precompiles and system contracts answer directly, EVM code runs in a
//! [`Frame`] with its cached jumpdest bitmap, a WASM or RISC-V contract in
//! a [`GuestCall`]. A creation's VM is chosen by its init data
//! ([`deploy::vm_of_init`]); a WASM or RISC-V creation is checked and
//! prepared here, before its constructor runs, and its code staged for the
//! end.

use std::{cell::OnceCell, rc::Rc};

use evm::{
    GasMutState, InvokerControl, InvokerExit,
    interpreter::{
        ExitError, ExitException, ExitSucceed, Machine,
        etable::Etable,
        runtime::{GasState, RuntimeEnvironment, RuntimeState},
        trap::{CallCreateTrap, CallScheme},
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
use crate::ee::{
    deploy::{self, Envelope, Meta, VmKind},
    frame::AnyFrame,
    guest::call::{self, Entry, GuestCall},
    riscv::{self, frame::RiscvFrame},
    wasm::{self, frame::WasmVm},
};
use crate::system::{
    contracts::{self, SystemCall},
    precompiles::{self, Outcome},
};

/// The resolver of Zk OS's EVM.
pub struct ZkResolver<'e, ES> {
    etable: &'e ES,
    /// Made on the first WASM frame of the transaction.
    wasm: OnceCell<Result<WasmVm, String>>,
}

impl<'e, ES> ZkResolver<'e, ES> {
    /// A resolver running EVM code with `etable`.
    pub const fn new(etable: &'e ES) -> Self {
        Self { etable, wasm: OnceCell::new() }
    }

    fn wasm_vm(&self) -> Result<&WasmVm, String> {
        self.wasm
            .get_or_init(|| WasmVm::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Enters a WASM frame, or fails the call if it cannot load.
    fn enter_wasm<'c, H: RuntimeEnvironment>(
        &self,
        code: &Rc<Vec<u8>>,
        constants: &[u8],
        input: Vec<u8>,
        entry: Entry,
        state: State<'c>,
        handler: &H,
    ) -> Control<'e, 'c, ES> {
        let vm = match self.wasm_vm() {
            Ok(vm) => vm,
            Err(why) => return fail(state, why),
        };
        let ctx = call::context(&state, handler, input, Rc::new(constants.to_vec()));
        match vm.frame(code, entry.export(), ctx) {
            Ok(frame) => InvokerControl::Enter(AnyFrame::Wasm(GuestCall::new(frame, state, entry))),
            Err(e) => fail(state, e.to_string()),
        }
    }

    /// Enters a RISC-V frame loaded by `plan`, or fails the call if it
    /// cannot load.
    #[allow(clippy::too_many_arguments)]
    fn enter_riscv<'c, H: RuntimeEnvironment>(
        &self,
        code: &[u8],
        plan: &ckb_vm::elf::ProgramMetadata,
        constants: &[u8],
        input: Vec<u8>,
        entry: Entry,
        state: State<'c>,
        handler: &H,
    ) -> Control<'e, 'c, ES> {
        let ctx = call::context(&state, handler, input, Rc::new(constants.to_vec()));
        match RiscvFrame::new(code, plan, entry.number(), ctx) {
            Ok(f) => InvokerControl::Enter(AnyFrame::Riscv(GuestCall::new(f, state, entry))),
            Err(e) => fail(state, e.to_string()),
        }
    }
}

/// Ends a call or creation at once with a failure (all its gas is spent).
fn fail<'e, 'c, ES>(state: State<'c>, why: String) -> Control<'e, 'c, ES> {
    InvokerControl::DirectExit(InvokerExit {
        result: Err(ExitException::Other(why.into()).into()),
        substate: Some(state),
        retval: Vec::new(),
    })
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

type Control<'e, 'c, ES> = InvokerControl<AnyFrame<'e, 'c, ES>, State<'c>>;

impl<'a, 'e, 'c, H, ES> Resolver<EvmBackend<'a, H>> for ZkResolver<'e, ES>
where
    H: Runtime,
    ES: Etable<EvmBackend<'a, H>, State = State<'c>, Trap = CallCreateTrap>,
{
    type State = State<'c>;
    type Interpreter = AnyFrame<'e, 'c, ES>;

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
                    (Ok(ExitSucceed::Returned), output.to_vec())
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
        let callee = handler.callee(code_address);
        Ok(match callee.kind {
            VmKind::Evm => {
                let (record, at) = callee.record();
                let m = machine(callee.code, input, state);
                InvokerControl::Enter(AnyFrame::Evm(Frame::new(m, record, at, self.etable)))
            }
            VmKind::Wasm => {
                let (code, constants) = (&callee.code, callee.constants());
                self.enter_wasm(code, constants, input, Entry::Call, state, handler)
            }
            VmKind::RiscV => {
                let (record, at) = callee.record();
                match riscv::prepare::decode(&record[at..]) {
                    Some(plan) => {
                        let (code, constants) = (&callee.code, callee.constants());
                        self.enter_riscv(code, &plan, constants, input, Entry::Call, state, handler)
                    }
                    None => fail(state, "the RISC-V contract's loading plan is unreadable".into()),
                }
            }
        })
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
        let created = address(AsRef::<RuntimeState>::as_ref(&state).context.address);
        match deploy::vm_of_init(&init_code) {
            VmKind::Evm => {
                handler.stage_deploy(&created, None);
                // Initcode runs once: its bitmap is computed here and not kept.
                let jumpdests = Rc::new(jumpdest::analyze(&init_code));
                let m = machine(Rc::new(init_code), Vec::new(), state);
                Ok(InvokerControl::Enter(AnyFrame::Evm(Frame::new(m, jumpdests, 0, self.etable))))
            }
            kind => Ok(self.create_guest(kind, &init_code, created, state, handler)),
        }
    }
}

impl<'e, ES> ZkResolver<'e, ES> {
    /// A WASM or RISC-V creation: split the envelope, check and prepare the
    /// code, stage it for the creation's end, then run the constructor (a
    /// WASM module's `deploy` if it has one; a RISC-V program's entry with
    /// `a0` = 1).
    fn create_guest<'a, 'c, H: Runtime>(
        &self,
        kind: VmKind,
        init: &[u8],
        created: alloy_primitives::Address,
        mut state: State<'c>,
        handler: &mut EvmBackend<'a, H>,
    ) -> Control<'e, 'c, ES> {
        handler.stage_deploy(&created, None);
        let envelope = match Envelope::split(init) {
            Ok(e) => e,
            Err(e) => return fail(state, e.to_string()),
        };
        let (code, constants) = (envelope.code, envelope.constants);
        let (input, entry) = (envelope.args.to_vec(), Entry::Deploy { code_len: code.len() });
        let mut stage = |prepared: &[u8]| {
            let record = Meta { kind, constants, prepared };
            handler.stage_deploy(&created, Some((code.to_vec(), record.encode())));
        };
        if kind == VmKind::RiscV {
            let plan = match riscv::prepare::prepare(code) {
                Ok(p) => p,
                Err(e) => return fail(state, format!("invalid RISC-V contract: {e}")),
            };
            stage(&riscv::prepare::encode(&plan));
            return self.enter_riscv(code, &plan, constants, input, entry, state, handler);
        }
        let prepared = match wasm::prepare::prepare(code) {
            Ok(p) => p,
            Err(e) => return fail(state, format!("invalid WASM contract: {e}")),
        };
        if !prepared.has_deploy && !input.is_empty() {
            return fail(state, "constructor arguments for a contract without `deploy`".into());
        }
        stage(&prepared.encode());
        if prepared.has_deploy {
            return self.enter_wasm(
                &Rc::new(code.to_vec()),
                constants,
                input,
                entry,
                state,
                handler,
            );
        }
        let deposit = alloy_primitives::U256::from(crate::ee::schedule::code_deposit(code.len()));
        let result = state.record_gas(deposit).map(|()| ExitSucceed::Returned);
        InvokerControl::DirectExit(InvokerExit {
            result,
            substate: Some(state),
            retval: Vec::new(),
        })
    }
}
