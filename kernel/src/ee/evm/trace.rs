//! The call tracer: every frame of one transaction — whatever its VM — with
//! what a node needs to answer `debug_traceTransaction` in geth's
//! `callTracer` shape.
//!
//! It lives in the invoker ([`super::invoker::ZkInvoker`]), which sees each
//! frame enter and exit on the one call stack of every VM, so a call from
//! the EVM into WASM or RISC-V is traced like any other. It only records
//! when the block asks for it ([`crate::system::env::BlockEnv::trace_calls`]),
//! which only the `zkos_trace` export does: a level's ordinary run pays
//! nothing for it.
//!
//! Frames are kept flat, in the order they were entered, each with its
//! depth (0 for the transaction's own frame), and stored as RLP
//! ([`encode`], [`decode`]) at `/zkos/trace/<transaction hash>` on the
//! node's throwaway copy.

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};

/// Encodes a one-byte enum as its discriminant, and reads back only the
/// values it has.
macro_rules! rlp_as_u8 {
    ($t:ty) => {
        impl Encodable for $t {
            fn encode(&self, out: &mut dyn alloy_rlp::BufMut) {
                (*self as u8).encode(out)
            }
        }

        impl Decodable for $t {
            fn decode(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
                Self::from_u8(u8::decode(buf)?)
                    .ok_or(alloy_rlp::Error::Custom(concat!("unknown ", stringify!($t))))
            }
        }
    };
}

/// Where the traced run leaves each transaction's frames.
pub const PREFIX: &[u8] = b"/zkos/trace";

/// The path of transaction `hash`'s frames: `/zkos/trace/<hex hash>`.
pub fn path(hash: &B256) -> String {
    format!("{}/{}", String::from_utf8_lossy(PREFIX), alloy_primitives::hex::encode(hash))
}

/// How a frame was entered (`type` in the `callTracer` output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum CallKind {
    /// `CALL`, or the transaction's call.
    Call = 0,
    /// `CALLCODE`.
    CallCode = 1,
    /// `DELEGATECALL`.
    DelegateCall = 2,
    /// `STATICCALL`.
    StaticCall = 3,
    /// `CREATE`, or a creation transaction.
    Create = 4,
    /// `CREATE2`.
    Create2 = 5,
}

impl CallKind {
    /// The name geth's `callTracer` gives it.
    pub fn name(self) -> &'static str {
        match self {
            CallKind::Call => "CALL",
            CallKind::CallCode => "CALLCODE",
            CallKind::DelegateCall => "DELEGATECALL",
            CallKind::StaticCall => "STATICCALL",
            CallKind::Create => "CREATE",
            CallKind::Create2 => "CREATE2",
        }
    }

    fn from_u8(b: u8) -> Option<Self> {
        [
            Self::Call,
            Self::CallCode,
            Self::DelegateCall,
            Self::StaticCall,
            Self::Create,
            Self::Create2,
        ]
        .into_iter()
        .find(|k| *k as u8 == b)
    }
}

/// Which VM ran a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Vm {
    /// EVM bytecode.
    Evm = 0,
    /// A WASM contract.
    Wasm = 1,
    /// A RISC-V contract.
    Riscv = 2,
    /// No frame ran: a precompile, a system contract, an account without
    /// code, or a call refused before it started.
    None = 3,
}

impl Vm {
    /// Its name in the node's trace output.
    pub fn name(self) -> &'static str {
        match self {
            Vm::Evm => "evm",
            Vm::Wasm => "wasm",
            Vm::Riscv => "riscv",
            Vm::None => "none",
        }
    }

    fn from_u8(b: u8) -> Option<Self> {
        [Self::Evm, Self::Wasm, Self::Riscv, Self::None].into_iter().find(|v| *v as u8 == b)
    }
}

rlp_as_u8!(CallKind);
rlp_as_u8!(Vm);

/// One frame (stored as RLP, see [`encode`]).
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct TraceFrame {
    /// 0 for the transaction's frame, 1 for what it calls, and so on.
    pub depth: u32,
    /// How it was entered.
    pub kind: CallKind,
    /// Which VM ran it.
    pub vm: Vm,
    /// The caller.
    pub from: Address,
    /// The callee (the code's address for a delegate call), or the created
    /// contract.
    pub to: Address,
    /// Wei sent.
    pub value: U256,
    /// Gas the frame was given.
    pub gas: u64,
    /// Gas it used.
    pub gas_used: u64,
    /// Calldata or init code.
    pub input: Bytes,
    /// Return or revert data.
    pub output: Bytes,
    /// Why it failed (`execution reverted`, `out of gas`, …); empty on success.
    pub error: String,
}

impl TraceFrame {
    /// A frame about to be entered: what its call or creation says, before
    /// its VM, depth and outcome are known.
    pub fn entering(
        kind: CallKind,
        from: Address,
        to: Address,
        value: U256,
        gas: u64,
        input: Vec<u8>,
    ) -> Self {
        Self {
            depth: 0,
            kind,
            vm: Vm::None,
            from,
            to,
            value,
            gas,
            gas_used: 0,
            input: Bytes::from(input),
            output: Bytes::new(),
            error: String::new(),
        }
    }
}

/// The frames as RLP.
pub fn encode(frames: &[TraceFrame]) -> Vec<u8> {
    let mut out = Vec::new();
    alloy_rlp::encode_list(frames, &mut out);
    out
}

/// Reads back what [`encode`] wrote; `None` for anything else.
pub fn decode(mut bytes: &[u8]) -> Option<Vec<TraceFrame>> {
    let frames = Vec::<TraceFrame>::decode(&mut bytes).ok()?;
    bytes.is_empty().then_some(frames)
}

/// The frames of one transaction as they enter and exit.
#[derive(Debug, Default)]
pub struct Tracer {
    frames: Vec<TraceFrame>,
    /// Indices of the frames entered and not yet exited.
    open: Vec<usize>,
}

impl Tracer {
    /// A frame starts (its depth is set here).
    pub fn enter(&mut self, mut frame: TraceFrame) {
        frame.depth = self.open.len() as u32;
        self.open.push(self.frames.len());
        self.frames.push(frame);
    }

    /// The innermost open frame ends with `output`, `error` (empty on
    /// success) and `gas_left` when known.
    pub fn exit(&mut self, output: &[u8], error: String, gas_left: Option<u64>) {
        let Some(i) = self.open.pop() else { return };
        if let Some(f) = self.frames.get_mut(i) {
            f.output = Bytes::copy_from_slice(output);
            f.gas_used = gas_left.map_or(f.gas, |left| f.gas.saturating_sub(left));
            f.error = error;
        }
    }

    /// The frames, in the order they were entered.
    pub fn finish(self) -> Vec<TraceFrame> {
        self.frames
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: CallKind, vm: Vm) -> TraceFrame {
        TraceFrame {
            depth: 9,
            kind,
            vm,
            from: Address::repeat_byte(1),
            to: Address::repeat_byte(2),
            value: U256::from(3),
            gas: 100,
            gas_used: 0,
            input: Bytes::from_static(b"in"),
            output: Bytes::new(),
            error: String::new(),
        }
    }

    #[test]
    fn frames_nest_by_depth_and_round_trip() {
        let mut t = Tracer::default();
        t.enter(frame(CallKind::Call, Vm::Evm));
        t.enter(frame(CallKind::StaticCall, Vm::Wasm));
        t.exit(b"out", String::new(), Some(40));
        t.enter(frame(CallKind::Create2, Vm::Riscv));
        t.exit(b"", "execution reverted".into(), None);
        t.exit(b"top", String::new(), Some(10));
        let frames = t.finish();
        assert_eq!(frames.iter().map(|f| f.depth).collect::<Vec<_>>(), [0, 1, 1]);
        assert_eq!(frames[1].gas_used, 60);
        assert_eq!(frames[2].gas_used, 100, "unknown gas left: all of it");
        assert_eq!(frames[2].error, "execution reverted");
        assert_eq!(&frames[0].output[..], b"top");
        assert_eq!(decode(&encode(&frames)), Some(frames));
    }

    #[test]
    fn other_bytes_do_not_decode() {
        let good = encode(&[frame(CallKind::Call, Vm::None)]);
        assert_eq!(decode(&good[..good.len() - 1]), None);
        assert_eq!(decode(&[good.clone(), vec![0]].concat()), None);
        // The same frame with call kind 9, which no frame has.
        let mut unknown = frame(CallKind::Call, Vm::None);
        unknown.depth = 0;
        let mut out = encode(&[unknown]);
        let kind_at = 1 + 1 + 1; // list header, frame header, depth 0
        assert_eq!(out[kind_at], 0x80, "kind Call encodes as the empty string");
        out[kind_at] = 9;
        assert_eq!(decode(&out), None, "an unknown call kind");
    }
}
