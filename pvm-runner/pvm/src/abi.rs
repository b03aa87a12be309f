//! The host functions as engines see them: names, signatures, and one
//! dispatcher from raw wasm arguments to [`host::Host`]'s methods, shared by
//! every engine so none of them re-implements an argument conversion.

use alloc::{vec, vec::Vec};

use host::{GuestMemory, Host};

/// The import module every host function comes from.
pub const HOST_MODULE: &str = "smart_rollup_core";

/// What a host function returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ret {
    /// Nothing.
    None,
    /// An `i32`.
    I32,
    /// An `i64`.
    I64,
}

/// One `smart_rollup_core` function (all parameters are `i32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum HostFn {
    ReadInput,
    WriteOutput,
    WriteDebug,
    StoreHas,
    StoreRead,
    StoreWrite,
    StoreDelete,
    StoreDeleteValue,
    StoreListSize,
    StoreMove,
    StoreCopy,
    RevealPreimage,
    StoreValueSize,
    RevealMetadata,
    Reveal,
}

impl HostFn {
    /// Every host function.
    pub const ALL: [HostFn; 15] = [
        HostFn::ReadInput,
        HostFn::WriteOutput,
        HostFn::WriteDebug,
        HostFn::StoreHas,
        HostFn::StoreRead,
        HostFn::StoreWrite,
        HostFn::StoreDelete,
        HostFn::StoreDeleteValue,
        HostFn::StoreListSize,
        HostFn::StoreMove,
        HostFn::StoreCopy,
        HostFn::RevealPreimage,
        HostFn::StoreValueSize,
        HostFn::RevealMetadata,
        HostFn::Reveal,
    ];

    /// The import name.
    pub fn name(self) -> &'static str {
        match self {
            HostFn::ReadInput => "read_input",
            HostFn::WriteOutput => "write_output",
            HostFn::WriteDebug => "write_debug",
            HostFn::StoreHas => "store_has",
            HostFn::StoreRead => "store_read",
            HostFn::StoreWrite => "store_write",
            HostFn::StoreDelete => "store_delete",
            HostFn::StoreDeleteValue => "store_delete_value",
            HostFn::StoreListSize => "store_list_size",
            HostFn::StoreMove => "store_move",
            HostFn::StoreCopy => "store_copy",
            HostFn::RevealPreimage => "reveal_preimage",
            HostFn::StoreValueSize => "store_value_size",
            HostFn::RevealMetadata => "reveal_metadata",
            HostFn::Reveal => "reveal",
        }
    }

    /// The function named `name`.
    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// How many `i32` parameters it takes.
    pub fn params(self) -> usize {
        match self {
            HostFn::WriteOutput
            | HostFn::WriteDebug
            | HostFn::StoreHas
            | HostFn::StoreDelete
            | HostFn::StoreDeleteValue
            | HostFn::StoreListSize
            | HostFn::StoreValueSize
            | HostFn::RevealMetadata => 2,
            HostFn::ReadInput => 3,
            HostFn::StoreMove | HostFn::StoreCopy | HostFn::RevealPreimage | HostFn::Reveal => 4,
            HostFn::StoreRead | HostFn::StoreWrite => 5,
        }
    }

    /// Its parameter and result types in an engine's own type enum.
    pub fn signature<T: Copy>(self, i32: T, i64: T) -> (Vec<T>, Vec<T>) {
        let results = match self.ret() {
            Ret::None => vec![],
            Ret::I32 => vec![i32],
            Ret::I64 => vec![i64],
        };
        (vec![i32; self.params()], results)
    }

    /// What it returns.
    pub fn ret(self) -> Ret {
        match self {
            HostFn::WriteDebug => Ret::None,
            HostFn::StoreListSize => Ret::I64,
            _ => Ret::I32,
        }
    }
}

/// Calls `f` on `host` with the kernel's raw `i32` arguments (read as
/// unsigned addresses and lengths); returns its result widened to `i64`, or
/// `None` for `write_debug`.
pub fn dispatch<M: GuestMemory + ?Sized>(
    host: &mut Host,
    mem: &mut M,
    f: HostFn,
    args: &[i32],
) -> Option<i64> {
    let a = |i: usize| args.get(i).map_or(0, |v| u64::from(*v as u32));
    let r = match f {
        HostFn::ReadInput => host.read_input(mem, a(0), a(1), a(2)),
        HostFn::WriteOutput => host.write_output(mem, a(0), a(1)),
        HostFn::WriteDebug => {
            host.write_debug(mem, a(0), a(1));
            return None;
        }
        HostFn::StoreHas => host.store_has(mem, a(0), a(1)),
        HostFn::StoreRead => host.store_read(mem, a(0), a(1), a(2), a(3), a(4)),
        HostFn::StoreWrite => host.store_write(mem, a(0), a(1), a(2), a(3), a(4)),
        HostFn::StoreDelete => host.store_delete(mem, a(0), a(1)),
        HostFn::StoreDeleteValue => host.store_delete_value(mem, a(0), a(1)),
        HostFn::StoreListSize => return Some(host.store_list_size(mem, a(0), a(1))),
        HostFn::StoreMove => host.store_move(mem, a(0), a(1), a(2), a(3)),
        HostFn::StoreCopy => host.store_copy(mem, a(0), a(1), a(2), a(3)),
        HostFn::RevealPreimage => host.reveal_preimage(mem, a(0), a(1), a(2), a(3)),
        HostFn::StoreValueSize => host.store_value_size(mem, a(0), a(1)),
        HostFn::RevealMetadata => host.reveal_metadata(mem, a(0), a(1)),
        HostFn::Reveal => host.reveal(mem, a(0), a(1), a(2), a(3)),
    };
    Some(i64::from(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for f in HostFn::ALL {
            assert_eq!(HostFn::by_name(f.name()), Some(f));
        }
        assert_eq!(HostFn::by_name("store_get_nth_key"), None);
    }
}
