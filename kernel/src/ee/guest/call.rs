//! A WASM or RISC-V frame on the system's call stack: the `evm` crate's
//! standard invoker keeps the stack, and such a frame sits on it the way an
//! EVM frame does.
//!
//! A [`GuestCall`] pairs the [`GuestFrame`] with the invoker's per-frame
//! state (the gasometer, call context and static flag). Requests the system
//! can answer at once — storage, transient storage, balances, logs — are
//! answered here from the backend, charged with the EVM's schedule
//! ([`schedule`]). A call or a creation becomes the same `CallCreateTrap`
//! the EVM's `CALL`/`CREATE` build, so value transfer, the 63/64 rule,
//! the depth limit, substates and the callee's VM are the invoker's and the
//! resolver's business, not this frame's; the callee's result comes back as
//! the crate's feedback and resumes the frame.
//!
//! Gas: the gasometer is the book of record. The frame burns fuel (WASM)
//! or cycles (RISC-V) while it runs; before it traps or exits, what it
//! burned is recorded in the gasometer, and after a callee returns the
//! frame's budget is set from what the gasometer has left.

use std::rc::Rc;

use alloy_primitives::{B256, U256, keccak256};
use evm::{
    GasMutState,
    interpreter::{
        Capture, ExitError, ExitException, ExitResult, ExitSucceed,
        runtime::{
            Context as CallContext, Log, RuntimeBackend, RuntimeEnvironment, RuntimeState,
            TouchKind, Transfer,
        },
        trap::{
            CallCreateTrap, CallFeedback, CallScheme, CallTrap, CreateFeedback, CreateScheme,
            CreateTrap,
        },
        uint::{H160, H256},
    },
    standard::{Config, InvokerState, State},
};

use super::{Answer, CallKind, CallStatus, Context, Exit, GuestFrame, Request, Step};
use crate::ee::{
    evm::backend::{address, h160},
    schedule,
};

/// What a [`GuestCall`] does when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Runs `call` with the calldata.
    Call,
    /// Runs `deploy` with the constructor arguments; on success `code_len`
    /// bytes of code are charged at [`schedule::CODE_DEPOSIT`].
    Deploy {
        /// The size of the code being deployed.
        code_len: usize,
    },
}

/// A WASM or RISC-V frame with its invoker state.
pub struct GuestCall<'c, F> {
    /// Boxed: a VM's frame is large, and frames sit in one enum.
    frame: Box<F>,
    state: State<'c>,
    entry: Entry,
    retbuf: Vec<u8>,
    started: bool,
    /// The answer to the request the frame trapped on, set by feedback.
    answer: Option<Answer>,
}

impl<F: core::fmt::Debug> core::fmt::Debug for GuestCall<'_, F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GuestCall").field("frame", &self.frame).field("entry", &self.entry).finish()
    }
}

impl Entry {
    /// The value of `a0` a RISC-V program starts with for this entry.
    pub fn number(self) -> u64 {
        match self {
            Entry::Call => 0,
            Entry::Deploy { .. } => 1,
        }
    }

    /// The WASM export this entry runs.
    pub fn export(self) -> &'static str {
        match self {
            Entry::Call => "call",
            Entry::Deploy { .. } => "deploy",
        }
    }
}

/// What a frame knows of its call: `input`, the call context in `state`, the
/// block facts from `handler`, and the code's `constants`.
pub fn context<H: RuntimeEnvironment>(
    state: &State<'_>,
    handler: &H,
    input: Vec<u8>,
    constants: Rc<Vec<u8>>,
) -> Context {
    let runtime: &RuntimeState = state.as_ref();
    let number = |v: U256| u64::try_from(v).unwrap_or(u64::MAX);
    Context {
        calldata: input,
        caller: address(runtime.context.caller),
        origin: address(runtime.transaction_context.origin),
        address: address(runtime.context.address),
        value: runtime.context.apparent_value,
        gas_limit: state.gasometer.gas64(),
        is_static: state.is_static(),
        constants,
        block: (
            number(handler.block_number()),
            number(handler.block_timestamp()),
            number(handler.chain_id()),
        ),
        coinbase: address(handler.block_coinbase()),
        base_fee: handler.block_base_fee_per_gas(),
    }
}

impl<'c, F: GuestFrame> GuestCall<'c, F> {
    /// Puts `frame`, loaded for `entry` with [`context`] from `state`, on the
    /// stack with its invoker state.
    pub fn new(frame: F, state: State<'c>, entry: Entry) -> Self {
        Self {
            frame: Box::new(frame),
            state,
            entry,
            retbuf: Vec::new(),
            started: false,
            answer: None,
        }
    }

    /// The invoker state.
    pub fn state(&self) -> &State<'c> {
        &self.state
    }

    /// The invoker state, mutably (the invoker merges callees into it).
    pub fn state_mut(&mut self) -> &mut State<'c> {
        &mut self.state
    }

    /// The state and the return data, when the frame is done.
    pub fn deconstruct(self) -> (State<'c>, Vec<u8>) {
        (self.state, self.retbuf)
    }

    fn this(&self) -> H160 {
        AsRef::<RuntimeState>::as_ref(&self.state).context.address
    }

    fn config(&self) -> &'c Config {
        self.state.config
    }

    /// Records in the gasometer what the frame burned since the last sync.
    fn sync_gas(&mut self) -> Result<(), ExitError> {
        let burned = self.state.gasometer.gas64().saturating_sub(self.frame.gas_left());
        self.state.record_gas(U256::from(burned))
    }

    /// Runs the frame until it traps for a call or a creation, or ends.
    pub fn run<H>(&mut self, handler: &mut H) -> Capture<ExitResult, CallCreateTrap>
    where
        H: RuntimeBackend + RuntimeEnvironment,
    {
        let mut step = if self.started {
            match self.answer.take() {
                Some(answer) => self.frame.resume(answer),
                None => return Capture::Exit(Err(ExitException::Other("no answer".into()).into())),
            }
        } else {
            self.started = true;
            self.frame.start()
        };
        loop {
            match step {
                Step::Exit(exit) => return Capture::Exit(self.exit(exit)),
                Step::Request(request) => match self.serve(request, handler) {
                    Served::Answer(answer) => step = self.frame.resume(answer),
                    Served::Trap(trap) => {
                        if let Err(e) = self.sync_gas() {
                            return Capture::Exit(Err(e));
                        }
                        return Capture::Trap(trap);
                    }
                    Served::Fail(e) => return Capture::Exit(Err(e)),
                },
            }
        }
    }

    fn exit(&mut self, exit: Exit) -> ExitResult {
        match exit {
            Exit::Success(out, _) => {
                self.sync_gas()?;
                if let Entry::Deploy { code_len } = self.entry {
                    // A deploy returns no runtime code; the code was staged
                    // when the creation began. Its deposit is paid here.
                    self.state.record_gas(U256::from(schedule::code_deposit(code_len)))?;
                } else {
                    self.retbuf = out;
                }
                Ok(ExitSucceed::Returned)
            }
            Exit::Revert(out, _) => {
                self.sync_gas()?;
                self.retbuf = out;
                Err(ExitError::Reverted)
            }
            Exit::OutOfGas => Err(ExitException::OutOfGas.into()),
            Exit::Failure(why) => Err(ExitException::Other(why.into()).into()),
        }
    }

    /// Answers `request` from the backend, or turns it into a trap.
    fn serve<H>(&mut self, request: Request, h: &mut H) -> Served
    where
        H: RuntimeBackend + RuntimeEnvironment,
    {
        let this = self.this();
        let config = self.config();
        let word = |v: H256| U256::from_be_bytes(v.0);
        match request {
            Request::StorageRead(key) => {
                let key = H256(key.to_be_bytes());
                let gas = schedule::sload(h.is_cold(this, Some(key)), config);
                h.mark_storage_hot(this, key);
                Served::Answer(Answer::Word { value: word(h.storage(this, key)), gas })
            }
            Request::StorageWrite(key, value) => {
                let key = H256(key.to_be_bytes());
                let (original, current) = (h.original_storage(this, key), h.storage(this, key));
                let cold = h.is_cold(this, Some(key));
                let new = H256(value.to_be_bytes());
                let left = self.frame.gas_left();
                let Some(gas) = schedule::sstore(original, current, new, left, cold, config) else {
                    return Served::Fail(ExitException::OutOfGas.into());
                };
                h.mark_storage_hot(this, key);
                match h.set_storage(this, key, new) {
                    Ok(()) => Served::Answer(Answer::Done { gas }),
                    Err(e) => Served::Fail(e),
                }
            }
            Request::TransientRead(key) => {
                let value = word(h.transient_storage(this, H256(key.to_be_bytes())));
                Served::Answer(Answer::Word { value, gas: config.gas_storage_read_warm() })
            }
            Request::TransientWrite(key, value) => {
                let (key, value) = (H256(key.to_be_bytes()), H256(value.to_be_bytes()));
                match h.set_transient_storage(this, key, value) {
                    Ok(()) => Served::Answer(Answer::Done { gas: config.gas_storage_read_warm() }),
                    Err(e) => Served::Fail(e),
                }
            }
            Request::Balance(a) => {
                let a = h160(a);
                let gas = schedule::account_access(h.is_cold(a, None), config);
                h.mark_hot(a, TouchKind::Access);
                Served::Answer(Answer::Word { value: h.balance(a), gas })
            }
            Request::Log(topics, data) => {
                let gas = schedule::log(topics.len(), data.len());
                let topics = topics.iter().map(|t| H256(t.0)).collect();
                match h.log(Log { address: this, topics, data }) {
                    Ok(()) => Served::Answer(Answer::Done { gas }),
                    Err(e) => Served::Fail(e),
                }
            }
            Request::Call { kind, to, value, data, gas } => {
                self.call(kind, to, value, data, gas, h)
            }
            Request::Create { value, code, salt } => self.create(value, code, salt),
        }
    }

    fn call<H>(
        &mut self,
        kind: CallKind,
        to: alloy_primitives::Address,
        value: U256,
        input: Vec<u8>,
        gas: u64,
        h: &mut H,
    ) -> Served
    where
        H: RuntimeBackend,
    {
        let (this, to) = (self.this(), h160(to));
        let cost = schedule::call(kind, value, h.is_cold(to, None), !h.exists(to), self.config());
        h.mark_hot(to, TouchKind::Access);
        if let Err(e) = self.charge(cost) {
            return Served::Fail(e);
        }
        let (scheme, context, transfer) = match kind {
            CallKind::Call => (
                CallScheme::Call,
                CallContext { address: to, caller: this, apparent_value: value },
                Some(Transfer { source: this, target: to, value }),
            ),
            CallKind::Static => (
                CallScheme::StaticCall,
                CallContext { address: to, caller: this, apparent_value: U256::ZERO },
                None,
            ),
            // This frame's address, caller and value.
            CallKind::Delegate => {
                let here = AsRef::<RuntimeState>::as_ref(&self.state).context.clone();
                (CallScheme::DelegateCall, here, None)
            }
        };
        Served::Trap(Box::new(CallCreateTrap::Call(CallTrap {
            target: to,
            transfer,
            input,
            gas: U256::from(gas),
            is_static: kind == CallKind::Static,
            out_offset: U256::ZERO,
            out_len: U256::ZERO,
            context,
            scheme,
        })))
    }

    fn create(&mut self, value: U256, code: Vec<u8>, salt: Option<B256>) -> Served {
        let caller = self.this();
        if let Err(e) = self.charge(schedule::create(code.len(), salt.is_some())) {
            return Served::Fail(e);
        }
        let scheme = match salt {
            None => CreateScheme::Legacy { caller },
            Some(salt) => CreateScheme::Create2 {
                caller,
                code_hash: H256(keccak256(&code).0),
                salt: H256(salt.0),
            },
        };
        Served::Trap(Box::new(CallCreateTrap::Create(CreateTrap { scheme, value, code })))
    }

    /// Charges `gas` from the frame's fuel (the trap that follows syncs it).
    fn charge(&mut self, gas: u64) -> Result<(), ExitError> {
        let left = self.frame.gas_left();
        let rest = left.checked_sub(gas).ok_or(ExitException::OutOfGas)?;
        self.frame.set_gas_left(rest);
        Ok(())
    }

    fn resume_with(&mut self, status: CallStatus, output: Vec<u8>, created: Option<H160>) {
        self.frame.set_gas_left(self.state.gasometer.gas64());
        let created = created.map(address);
        self.answer = Some(Answer::Call { status, output, gas: 0, created });
    }

    /// A call this frame made has ended.
    pub fn call_feedback(&mut self, feedback: CallFeedback) {
        let status = status(&feedback.reason.map(|_| ()));
        self.resume_with(status, feedback.retbuf, None);
    }

    /// A creation this frame made has ended.
    pub fn create_feedback(&mut self, feedback: CreateFeedback) {
        let status = status(&feedback.reason.as_ref().map(|_| ()).map_err(Clone::clone));
        self.resume_with(status, feedback.retbuf, feedback.reason.ok());
    }
}

fn status(reason: &Result<(), ExitError>) -> CallStatus {
    match reason {
        Ok(()) => CallStatus::Success,
        Err(ExitError::Reverted) => CallStatus::Reverted,
        Err(_) => CallStatus::Failed,
    }
}

/// What the system makes of a frame's request.
enum Served {
    /// Answered at once.
    Answer(Answer),
    /// A call or creation for the invoker.
    Trap(Box<CallCreateTrap>),
    /// The frame fails.
    Fail(ExitError),
}
