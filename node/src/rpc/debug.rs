//! `debug_traceTransaction` with geth's `callTracer`: the transaction's
//! frames as a tree of calls, each naming the VM that ran it.
//!
//! The trace comes from the kernel itself: the node runs the transaction's
//! level again through the kernel's `zkos_trace` export on a throwaway copy
//! of that level's pre-state ([`crate::chain::Chain::trace`]), so what it
//! shows is what the kernel did, across EVM, WASM and RISC-V frames alike.
//! Levels older than the runner keeps undo records for cannot be re-run;
//! the error names the oldest that can.

use std::sync::{Arc, PoisonError};

use alloy_primitives::B256;
use alloy_sol_types::{Revert, SolError};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::error::{internal, invalid_params, server};
use zkos_kernel::ee::evm::trace::CallKind;

use crate::{
    chain::{ChainRead, TraceFrame, sealing_level},
    sequencer::Shared,
};

/// `debug_` methods.
#[rpc(server)]
pub trait DebugApi {
    /// The call tree of an included transaction (`{"tracer": "callTracer"}`).
    #[method(name = "debug_traceTransaction", blocking)]
    fn trace_transaction(&self, hash: B256, options: Option<TraceOptions>) -> RpcResult<Value>;
}

/// The options geth takes; only `callTracer` is served.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceOptions {
    /// The tracer: `callTracer`.
    pub tracer: Option<String>,
    /// The tracer's settings (`onlyTopCall`).
    #[serde(default)]
    pub tracer_config: TracerConfig,
}

/// `callTracer`'s settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TracerConfig {
    /// Leave out the calls the transaction made.
    #[serde(default)]
    pub only_top_call: bool,
}

/// The `debug_` methods over the chain.
pub struct DebugRpc {
    shared: Arc<Shared>,
}

impl DebugRpc {
    /// The methods over `shared`.
    pub fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

impl DebugApiServer for DebugRpc {
    fn trace_transaction(&self, hash: B256, options: Option<TraceOptions>) -> RpcResult<Value> {
        let options = options.unwrap_or_default();
        match options.tracer.as_deref() {
            Some("callTracer") => {}
            other => {
                return Err(invalid_params(format!(
                    "tracer {}: only the callTracer is served (\"tracer\": \"callTracer\")",
                    other.unwrap_or("(none, the opcode logger)")
                )));
            }
        }
        let view = self.shared.view().map_err(internal)?;
        let included = view
            .transaction(&hash)
            .map_err(internal)?
            .ok_or_else(|| server(format!("transaction {hash} not found")))?;
        drop(view);
        let level = sealing_level(included.block)
            .ok_or_else(|| internal(format!("block {} past any level", included.block)))?;
        let frames = self
            .shared
            .chain
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .trace(level, &hash)
            .map_err(|e| server(e.to_string()))?
            .ok_or_else(|| internal(format!("the re-run of level {level} did not trace {hash}")))?;
        let frames = if options.tracer_config.only_top_call {
            &frames[..1.min(frames.len())]
        } else {
            &frames[..]
        };
        call_tree(frames).ok_or_else(|| internal("an empty trace"))
    }
}

/// The frames (flat, with depths, in call order) as `callTracer`'s nested
/// objects.
pub fn call_tree(frames: &[TraceFrame]) -> Option<Value> {
    node(frames, &mut 0)
}

fn node(frames: &[TraceFrame], next: &mut usize) -> Option<Value> {
    let f = frames.get(*next)?;
    *next += 1;
    let mut calls = Vec::new();
    while frames.get(*next).is_some_and(|c| c.depth == f.depth + 1) {
        calls.extend(node(frames, next));
    }
    let mut o = Map::new();
    o.insert("type".into(), json!(f.kind.name()));
    o.insert("vm".into(), json!(f.vm.name()));
    o.insert("from".into(), json!(f.from));
    o.insert("to".into(), json!(f.to));
    if !matches!(f.kind, CallKind::DelegateCall | CallKind::StaticCall) {
        o.insert("value".into(), json!(format!("{:#x}", f.value)));
    }
    o.insert("gas".into(), json!(format!("{:#x}", f.gas)));
    o.insert("gasUsed".into(), json!(format!("{:#x}", f.gas_used)));
    o.insert("input".into(), json!(f.input));
    if !f.output.is_empty() {
        o.insert("output".into(), json!(f.output));
    }
    if !f.error.is_empty() {
        o.insert("error".into(), json!(f.error));
        if let Ok(r) = Revert::abi_decode(&f.output) {
            o.insert("revertReason".into(), json!(r.reason));
        }
    }
    if !calls.is_empty() {
        o.insert("calls".into(), Value::Array(calls));
    }
    Some(Value::Object(o))
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, Bytes, U256};
    use zkos_kernel::ee::evm::trace::Vm;

    use super::*;

    fn frame(depth: u32, kind: CallKind, vm: Vm) -> TraceFrame {
        TraceFrame {
            depth,
            kind,
            vm,
            from: Address::repeat_byte(1),
            to: Address::repeat_byte(2),
            value: U256::from(16),
            gas: 100,
            gas_used: 50,
            input: Bytes::from_static(&[0xab]),
            output: Bytes::new(),
            error: String::new(),
        }
    }

    #[test]
    fn flat_frames_nest_as_call_tracer_objects() {
        let mut reverted = frame(2, CallKind::StaticCall, Vm::Riscv);
        reverted.error = "execution reverted".into();
        reverted.output = Revert::from("no").abi_encode().into();
        let frames = [
            frame(0, CallKind::Call, Vm::Evm),
            frame(1, CallKind::Call, Vm::Wasm),
            reverted,
            frame(1, CallKind::DelegateCall, Vm::Evm),
        ];
        let tree = call_tree(&frames).unwrap();
        assert_eq!(tree["type"], "CALL");
        assert_eq!(tree["value"], "0x10");
        assert_eq!(tree["gasUsed"], "0x32");
        let calls = tree["calls"].as_array().unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0]["vm"], "wasm");
        assert_eq!(calls[0]["calls"][0]["vm"], "riscv");
        assert_eq!(calls[0]["calls"][0]["revertReason"], "no");
        assert!(calls[0]["calls"][0].get("value").is_none(), "a static call carries no value");
        assert_eq!(calls[1]["type"], "DELEGATECALL");
        assert!(calls[1].get("calls").is_none());
        assert_eq!(call_tree(&[]), None);
    }
}
