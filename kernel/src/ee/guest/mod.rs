//! What every contract VM other than the EVM shares: the frame's view of
//! its call ([`Context`]), what it asks of the system ([`Request`]), the
//! system's [`Answer`], how it ends ([`Exit`]), and [`call::GuestCall`],
//! which puts a frame of any such VM on the system's call stack.
//!
//! A VM plugs in by implementing [`GuestFrame`]: start, resume with an
//! answer, and report and set its gas. WASM ([`super::wasm`]) and RISC-V
//! ([`super::riscv`]) frames are this trait over wasmi and ckb-vm.

use std::rc::Rc;

use alloy_primitives::{Address, B256, U256};

pub mod call;

/// A contract frame the system can run: it runs until it needs the system
/// ([`Step::Request`]) or ends ([`Step::Exit`]), and continues with the
/// system's answer.
pub trait GuestFrame {
    /// Runs the entry point until it needs the system or ends.
    fn start(&mut self) -> Step;
    /// Continues after the system answered the last request.
    fn resume(&mut self, answer: Answer) -> Step;
    /// Gas left, in whole gas.
    fn gas_left(&self) -> u64;
    /// Sets the gas left: the system keeps the books while a callee runs
    /// and hands back what it did not use.
    fn set_gas_left(&mut self, gas: u64);
}

/// What a frame knows of its call.
#[derive(Debug, Clone)]
pub struct Context {
    /// Input (calldata, or constructor arguments in `deploy`).
    pub calldata: Vec<u8>,
    /// The caller.
    pub caller: Address,
    /// The transaction's sender.
    pub origin: Address,
    /// The account whose storage this frame uses.
    pub address: Address,
    /// Wei sent with the call.
    pub value: U256,
    /// Gas given to the frame.
    pub gas_limit: u64,
    /// Whether state changes are forbidden.
    pub is_static: bool,
    /// The constants area of the code's deployment.
    pub constants: Rc<Vec<u8>>,
    /// Block number, timestamp, chain id.
    pub block: (u64, u64, u64),
    /// The block's coinbase.
    pub coinbase: Address,
    /// The block's base fee per gas.
    pub base_fee: U256,
}

/// The kind of a call a frame asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `call`: the callee's code on the callee's storage, with value.
    Call,
    /// `static_call`: no state changes in the callee or below.
    Static,
    /// `delegate_call`: the callee's code on this frame's storage, with
    /// this frame's caller and value.
    Delegate,
}

/// What a frame needs from the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A storage slot of this frame's account; answer [`Answer::Word`].
    StorageRead(U256),
    /// Writes a slot; answer [`Answer::Done`].
    StorageWrite(U256, U256),
    /// A transient slot; answer [`Answer::Word`].
    TransientRead(U256),
    /// Writes a transient slot; answer [`Answer::Done`].
    TransientWrite(U256, U256),
    /// An account's balance; answer [`Answer::Word`].
    Balance(Address),
    /// A log; answer [`Answer::Done`].
    Log(Vec<B256>, Vec<u8>),
    /// A call; answer [`Answer::Call`].
    Call {
        /// Which kind.
        kind: CallKind,
        /// The callee.
        to: Address,
        /// Wei sent (zero unless [`CallKind::Call`]).
        value: U256,
        /// Input.
        data: Vec<u8>,
        /// Gas asked for (the system gives at most 63/64 of what is left).
        gas: u64,
    },
    /// A creation; answer [`Answer::Call`] with the address in `created`.
    Create {
        /// Wei endowed.
        value: U256,
        /// Init data of any VM.
        code: Vec<u8>,
        /// CREATE2's salt; `None` for CREATE.
        salt: Option<B256>,
    },
}

/// How a call ended, as a frame sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    /// It succeeded.
    Success = 0,
    /// It reverted.
    Reverted = 1,
    /// It failed otherwise.
    Failed = 2,
}

/// The system's answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Done; `gas` is what the operation cost.
    Done {
        /// Gas charged.
        gas: u64,
    },
    /// A word, and its cost.
    Word {
        /// The value.
        value: U256,
        /// Gas charged.
        gas: u64,
    },
    /// A call or creation ended.
    Call {
        /// How.
        status: CallStatus,
        /// Return or revert data.
        output: Vec<u8>,
        /// Gas the callee used plus the cost of the call.
        gas: u64,
        /// The new contract, for a successful creation.
        created: Option<Address>,
    },
}

/// How a frame ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// `finish`, or a return from the export: output and gas used.
    Success(Vec<u8>, u64),
    /// `revert`: revert data and gas used.
    Revert(Vec<u8>, u64),
    /// Out of gas (fuel, or a host function's cost): all gas is spent.
    OutOfGas,
    /// A trap or a static-call violation, with why: all gas is spent.
    Failure(String),
}

/// What [`GuestFrame::start`] and [`GuestFrame::resume`] give back.
#[derive(Debug)]
pub enum Step {
    /// The frame is suspended until the request is answered.
    Request(Request),
    /// The frame ended.
    Exit(Exit),
}

/// The context the frames' unit tests run in: caller and origin `0x01…`,
/// address `0x02…`, constants `"constants"`, block 7 at time 1000 on chain
/// 1337.
#[cfg(test)]
pub(crate) fn test_context(gas_limit: u64, is_static: bool, calldata: Vec<u8>) -> Context {
    Context {
        calldata,
        caller: Address::repeat_byte(1),
        origin: Address::repeat_byte(1),
        address: Address::repeat_byte(2),
        value: U256::ZERO,
        gas_limit,
        is_static,
        constants: Rc::new(b"constants".to_vec()),
        block: (7, 1000, 1337),
        coinbase: Address::ZERO,
        base_fee: U256::from(1),
    }
}
