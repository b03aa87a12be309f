//! Loading a kernel and checking it as the Tezos PVM does before it runs.
//!
//! A valid kernel:
//! - is a valid WebAssembly module (MVP plus the features wasmparser
//!   enables by default). Floating-point instructions are accepted: both
//!   engines canonicalise every NaN an instruction produces (wasmer's
//!   `canonicalize_nans`, wasmi's `deterministic` profile), so the bits the
//!   WebAssembly spec leaves to the engine are the same everywhere. The
//!   kernel needs this: it carries wasmi (for WASM contracts), whose
//!   executor holds the float instructions even though contracts may not
//!   use them;
//! - exports the entry point `kernel_run` (or its older name `kernel_next`)
//!   as a function taking and returning nothing;
//! - exports exactly one memory;
//! - imports only functions, only from `smart_rollup_core`, each one of the
//!   host functions of `tezos-smart-rollup-core` 0.2.2 with its exact
//!   signature.

use alloc::{
    borrow::ToOwned,
    format,
    string::{String, ToString},
    vec,
    vec::Vec,
};
use core::fmt;

use crate::abi::{HostFn, Ret};
use host::{Hash, hash::value_hash};
use wasmparser::{
    ExternalKind, FuncType, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

pub use crate::abi::HOST_MODULE;

/// The entry point names, preferred first.
pub const ENTRY_POINTS: [&str; 2] = ["kernel_run", "kernel_next"];

/// Why a kernel was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KernelError {
    /// Not a valid WebAssembly module.
    #[error("invalid WebAssembly: {0}")]
    Invalid(String),
    /// Neither `kernel_run` nor `kernel_next` is exported as a function.
    #[error("no entry point: export a function `kernel_run` (or `kernel_next`)")]
    NoEntryPoint,
    /// The entry point has parameters or results.
    #[error("entry point `{0}` must take no arguments and return nothing, found {1}")]
    EntryPointType(String, String),
    /// Zero or several exported memories.
    #[error("a kernel exports exactly one memory, this one exports {0}")]
    Memories(usize),
    /// An import from another module.
    #[error("import `{module}.{name}`: kernels may import only from `smart_rollup_core`")]
    ForeignImport {
        /// The module named.
        module: String,
        /// The item named.
        name: String,
    },
    /// An import from `smart_rollup_core` that is not one of its functions.
    #[error("import `smart_rollup_core.{0}` is not a host function")]
    UnknownHostFunction(String),
    /// A host function imported with the wrong signature.
    #[error("import `smart_rollup_core.{name}` has type {found}, expected {expected}")]
    HostFunctionType {
        /// The function.
        name: String,
        /// The signature declared.
        found: String,
        /// The signature the host provides.
        expected: String,
    },
}

struct Sig<'a>(&'a FuncType);

impl fmt::Display for Sig<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[ValType]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
        write!(f, "({}) -> ({})", list(self.0.params()), list(self.0.results()))
    }
}

fn expected_sig(f: HostFn) -> String {
    let ps = vec!["i32"; f.params()].join(", ");
    let r = match f.ret() {
        Ret::None => "",
        Ret::I32 => "i32",
        Ret::I64 => "i64",
    };
    format!("({ps}) -> ({r})")
}

fn matches(ty: &FuncType, f: HostFn) -> bool {
    let results: &[ValType] = match f.ret() {
        Ret::None => &[],
        Ret::I32 => &[ValType::I32],
        Ret::I64 => &[ValType::I64],
    };
    ty.params().len() == f.params()
        && ty.params().iter().all(|t| *t == ValType::I32)
        && ty.results() == results
}

/// A kernel that passed the checks.
#[derive(Debug, Clone)]
pub struct Kernel {
    /// The module bytes.
    pub wasm: Vec<u8>,
    /// The hash durable storage keeps of the bytes ([`value_hash`]): the
    /// key of compiled-module caches.
    pub hash: Hash,
    /// The entry point to call.
    pub entry: &'static str,
    /// The name of the exported memory.
    pub memory: String,
}

impl Kernel {
    /// Checks `wasm` as the PVM would.
    pub fn new(wasm: Vec<u8>) -> Result<Self, KernelError> {
        Validator::new_with_features(WasmFeatures::default())
            .validate_all(&wasm)
            .map_err(|e| KernelError::Invalid(e.to_string()))?;
        let hash = value_hash(&wasm);
        Self::checked(wasm, hash)
    }

    /// A kernel whose bytes passed [`Kernel::new`] before (the runner's
    /// fallback kernel, which holds only checked kernels), given with its
    /// `hash`: reads its entry point and memory without validating it again.
    pub fn checked(wasm: Vec<u8>, hash: Hash) -> Result<Self, KernelError> {
        let mut types: Vec<Option<FuncType>> = Vec::new();
        let mut func_types: Vec<u32> = Vec::new(); // type index of every function, imports first
        let mut memories = Vec::new();
        let mut func_exports = Vec::new();
        let invalid = |e: wasmparser::BinaryReaderError| KernelError::Invalid(e.to_string());
        for payload in Parser::new(0).parse_all(&wasm) {
            match payload.map_err(invalid)? {
                Payload::TypeSection(reader) => {
                    for group in reader.into_iter_err_on_gc_types() {
                        types.push(Some(group.map_err(invalid)?));
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader {
                        let import = import.map_err(invalid)?;
                        if import.module != HOST_MODULE {
                            return Err(KernelError::ForeignImport {
                                module: import.module.to_owned(),
                                name: import.name.to_owned(),
                            });
                        }
                        let TypeRef::Func(ty) = import.ty else {
                            return Err(KernelError::UnknownHostFunction(import.name.to_owned()));
                        };
                        let f = HostFn::by_name(import.name).ok_or_else(|| {
                            KernelError::UnknownHostFunction(import.name.to_owned())
                        })?;
                        let fty = types.get(ty as usize).and_then(Option::as_ref);
                        match fty {
                            Some(fty) if matches(fty, f) => {}
                            other => {
                                return Err(KernelError::HostFunctionType {
                                    name: import.name.to_owned(),
                                    found: other.map_or("?".into(), |t| Sig(t).to_string()),
                                    expected: expected_sig(f),
                                });
                            }
                        }
                        func_types.push(ty);
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        func_types.push(ty.map_err(invalid)?);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export.map_err(invalid)?;
                        match export.kind {
                            ExternalKind::Memory => memories.push(export.name.to_owned()),
                            ExternalKind::Func => {
                                func_exports.push((export.name.to_owned(), export.index))
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let (entry, index) = ENTRY_POINTS
            .iter()
            .find_map(|name| func_exports.iter().find(|(n, _)| n == name).map(|(_, i)| (*name, *i)))
            .ok_or(KernelError::NoEntryPoint)?;
        let ty = func_types
            .get(index as usize)
            .and_then(|t| types.get(*t as usize))
            .and_then(Option::as_ref)
            .ok_or(KernelError::NoEntryPoint)?;
        if !ty.params().is_empty() || !ty.results().is_empty() {
            return Err(KernelError::EntryPointType(entry.to_owned(), Sig(ty).to_string()));
        }
        let [memory] =
            <[String; 1]>::try_from(memories).map_err(|m| KernelError::Memories(m.len()))?;
        Ok(Self { wasm, hash, entry, memory })
    }
}
