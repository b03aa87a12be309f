//! Deploy-time checks of a WASM contract, and the record kept of them.
//!
//! Code is checked once, when it is deployed, so a call can load it without
//! validating it again. A contract is refused unless:
//! - it is at most [`MAX_CODE_SIZE`] bytes and valid WebAssembly under
//!   [`config`]: MVP plus sign extension, bulk memory, multi-value,
//!   reference types, mutable globals and extended constants; **no float
//!   type or instruction** (so no NaN can depend on the engine), no SIMD,
//!   no threads, no multi-memory, no 64-bit memory, no tail calls;
//! - it imports only functions of [`abi::MODULE`], each with its exact
//!   signature ([`abi::HOST_FNS`]);
//! - it exports `memory` (at most [`MAX_MEMORY_PAGES`] pages at start), a
//!   function `call: () -> ()`, and optionally `deploy: () -> ()`.

use wasmi::{Config, Engine, ExternType, FuncType, Module, ValType};

use super::abi::{self, Ty};

/// The four bytes every WebAssembly module starts with.
pub const MAGIC: [u8; 4] = *b"\0asm";

/// Largest deployable module, in bytes. Larger than the EVM's 24 KiB
/// (EIP-170) because compiled Rust is larger than EVM bytecode; the code
/// is read from durable storage at every call, whose ticks the native
/// meter charges by size.
pub const MAX_CODE_SIZE: usize = 256 * 1024;

/// Most 64 KiB pages a contract's memory may have when it starts (2 MiB).
/// Rust's `wasm32-unknown-unknown` reserves a 1 MiB stack by default; the
/// contract SDK links with a smaller one.
pub const MAX_MEMORY_PAGES: u64 = 32;

/// Why a module cannot be deployed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeployError {
    /// Over [`MAX_CODE_SIZE`].
    #[error("module of {0} bytes, the limit is {MAX_CODE_SIZE}")]
    TooLarge(usize),
    /// Not valid under the contract rules (this includes any float).
    #[error("invalid module: {0}")]
    Invalid(String),
    /// An import that is not one of the host functions.
    #[error("import `{module}.{name}` is not a host function of `zkos`")]
    UnknownImport {
        /// Module named.
        module: String,
        /// Item named.
        name: String,
    },
    /// A host function imported with another signature.
    #[error("import `zkos.{0}` has the wrong signature")]
    ImportType(String),
    /// A required export is missing.
    #[error("no export `{0}`")]
    MissingExport(&'static str),
    /// An export of the wrong kind or signature.
    #[error("export `{0}` must be a function taking and returning nothing")]
    ExportType(&'static str),
    /// `memory` is not a memory, or starts too large.
    #[error("export `memory` must be a memory of at most {MAX_MEMORY_PAGES} pages")]
    Memory,
}

/// What deployment learned about a module, kept beside the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prepared {
    /// It exports `deploy`.
    pub has_deploy: bool,
    /// Its memory's initial size in pages.
    pub memory_pages: u32,
}

impl Prepared {
    const TAG: u8 = b'W';

    /// The stored form: `'W'`, `has_deploy` (0 or 1), pages (u32 LE).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![Self::TAG, u8::from(self.has_deploy)];
        out.extend_from_slice(&self.memory_pages.to_le_bytes());
        out
    }

    /// Reads [`Self::encode`]'s form; `None` if it is not one.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [Self::TAG, d @ (0 | 1), p @ ..] => {
                let pages = u32::from_le_bytes(p.try_into().ok()?);
                Some(Self { has_deploy: *d == 1, memory_pages: pages })
            }
            _ => None,
        }
    }
}

/// The wasmi configuration contracts are checked and run under.
pub fn config() -> Config {
    let mut c = Config::default();
    c.floats(false)
        .wasm_multi_memory(false)
        .wasm_tail_call(false)
        .wasm_custom_page_sizes(false)
        .wasm_wide_arithmetic(false)
        .wasm_saturating_float_to_int(false)
        .consume_fuel(true)
        .fuel_cost(wasmi::CustomFuelCosts {
            bytes_copied_per_fuel: 64,
            fuel_per_bytes_translated: TRANSLATION_FUEL_PER_BYTE,
            fuel_per_bytes_validated: 2,
        });
    c
}

/// Fuel charged per byte of a function's code when wasmi translates it, on
/// its first call in a transaction (translation is lazy, per function, and
/// cannot be kept across transactions).
pub const TRANSLATION_FUEL_PER_BYTE: u32 = 400;

fn ty(t: &ValType) -> Option<Ty> {
    match t {
        ValType::I32 => Some(Ty::I32),
        ValType::I64 => Some(Ty::I64),
        _ => None,
    }
}

fn signature_is(f: &FuncType, params: &[Ty], result: Option<Ty>) -> bool {
    let ps: Option<Vec<Ty>> = f.params().iter().map(ty).collect();
    let rs: Option<Vec<Ty>> = f.results().iter().map(ty).collect();
    ps.as_deref() == Some(params) && rs == Some(result.into_iter().collect())
}

/// Checks `code` for deployment.
pub fn prepare(code: &[u8]) -> Result<Prepared, DeployError> {
    if code.len() > MAX_CODE_SIZE {
        return Err(DeployError::TooLarge(code.len()));
    }
    let engine = Engine::new(&config());
    let module = Module::new(&engine, code).map_err(|e| DeployError::Invalid(e.to_string()))?;
    for import in module.imports() {
        let unknown = || DeployError::UnknownImport {
            module: import.module().into(),
            name: import.name().into(),
        };
        let host = match import.module() {
            abi::MODULE => abi::by_name(import.name()).ok_or_else(unknown)?,
            _ => return Err(unknown()),
        };
        match import.ty() {
            ExternType::Func(f) if signature_is(f, host.params, host.result) => {}
            ExternType::Func(_) => return Err(DeployError::ImportType(host.name.into())),
            _ => return Err(unknown()),
        }
    }
    let entry = |name: &'static str, required: bool| match module.get_export(name) {
        Some(ExternType::Func(f)) if signature_is(&f, &[], None) => Ok(true),
        Some(_) => Err(DeployError::ExportType(name)),
        None if required => Err(DeployError::MissingExport(name)),
        None => Ok(false),
    };
    entry("call", true)?;
    let has_deploy = entry("deploy", false)?;
    let memory_pages = match module.get_export("memory") {
        Some(ExternType::Memory(m)) if m.minimum() <= MAX_MEMORY_PAGES => m.minimum(),
        Some(_) => return Err(DeployError::Memory),
        None => return Err(DeployError::MissingExport("memory")),
    };
    // At most MAX_MEMORY_PAGES, so it fits.
    let memory_pages = u32::try_from(memory_pages).map_err(|_| DeployError::Memory)?;
    Ok(Prepared { has_deploy, memory_pages })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(wat: &str) -> Result<Prepared, DeployError> {
        prepare(&wat::parse_str(wat).expect("test modules are valid text"))
    }

    const MINIMAL: &str = r#"(module (memory (export "memory") 1) (func (export "call")))"#;

    #[test]
    fn a_minimal_contract_is_accepted() {
        assert_eq!(check(MINIMAL), Ok(Prepared { has_deploy: false, memory_pages: 1 }));
        let with_deploy = r#"(module
            (import "zkos" "storage_write" (func (param i32 i32)))
            (import "zkos" "call" (func (param i32 i32 i32 i32 i64) (result i32)))
            (memory (export "memory") 2)
            (func (export "call")) (func (export "deploy")))"#;
        assert_eq!(check(with_deploy), Ok(Prepared { has_deploy: true, memory_pages: 2 }));
    }

    #[test]
    fn floats_are_refused_even_bit_exact_ones() {
        for body in ["f32.const 1 drop", "f64.const 1 f64.neg drop", "(local f32)"] {
            let wat =
                format!(r#"(module (memory (export "memory") 1) (func (export "call") {body}))"#);
            assert!(matches!(check(&wat), Err(DeployError::Invalid(_))), "{body}");
        }
        let param =
            r#"(module (memory (export "memory") 1) (func (param f64)) (func (export "call")))"#;
        assert!(matches!(check(param), Err(DeployError::Invalid(_))));
    }

    #[test]
    fn imports_must_be_host_functions_with_their_signature() {
        let foreign = r#"(module (import "env" "f" (func)) (memory (export "memory") 1) (func (export "call")))"#;
        assert!(matches!(check(foreign), Err(DeployError::UnknownImport { .. })));
        let unknown = r#"(module (import "zkos" "selfdestruct" (func)) (memory (export "memory") 1) (func (export "call")))"#;
        assert!(matches!(check(unknown), Err(DeployError::UnknownImport { .. })));
        let wrong = r#"(module (import "zkos" "caller" (func (param i64))) (memory (export "memory") 1) (func (export "call")))"#;
        assert_eq!(check(wrong), Err(DeployError::ImportType("caller".into())));
        let memory = r#"(module (import "zkos" "mem" (memory 1)) (memory (export "memory") 1) (func (export "call")))"#;
        assert!(check(memory).is_err());
    }

    #[test]
    fn exports_and_memory_are_checked() {
        let no_call = r#"(module (memory (export "memory") 1))"#;
        assert_eq!(check(no_call), Err(DeployError::MissingExport("call")));
        let typed = r#"(module (memory (export "memory") 1) (func (export "call") (param i32)))"#;
        assert_eq!(check(typed), Err(DeployError::ExportType("call")));
        let no_memory = r#"(module (memory 1) (func (export "call")))"#;
        assert_eq!(check(no_memory), Err(DeployError::MissingExport("memory")));
        let big = r#"(module (memory (export "memory") 33) (func (export "call")))"#;
        assert_eq!(check(big), Err(DeployError::Memory));
        assert!(matches!(prepare(b"\0asm garbage"), Err(DeployError::Invalid(_))));
        assert!(matches!(prepare(&vec![0; MAX_CODE_SIZE + 1]), Err(DeployError::TooLarge(_))));
    }

    #[test]
    fn the_record_round_trips_and_refuses_other_bytes() {
        let p = Prepared { has_deploy: true, memory_pages: 17 };
        assert_eq!(Prepared::decode(&p.encode()), Some(p));
        assert_eq!(Prepared::decode(b"W\x02\0\0\0\0"), None);
        assert_eq!(Prepared::decode(&[0x5b; 6]), None);
    }
}
