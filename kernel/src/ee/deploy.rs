//! What a deployment is, whatever its VM: which VM the init data is for,
//! the envelope that carries code, constants and constructor arguments
//! separately, and the record kept beside deployed code.
//!
//! # Which VM
//! Init data starting with the WASM magic `\0asm` deploys a WASM contract,
//! with the ELF magic `\x7fELF` a RISC-V contract; anything else is EVM
//! initcode, run as Ethereum runs it. The runtime code an EVM constructor
//! returns is EVM code whatever its first bytes: the kind is decided by the
//! init data, never guessed from deployed bytes.
//!
//! # The envelope (WASM and RISC-V)
//! `code ‖ constants ‖ args ‖ footer`, where the 16-byte footer is
//! `"zkos" ‖ code length ‖ constants length ‖ args length` (u32,
//! little-endian). Without a footer the whole init data is the code, with no
//! constants and no arguments. The code hash covers `code` only, so two
//! deployments of the same code with different constants share a code hash.
//!
//! # The record beside the code
//! Kept by the system layer ([`crate::system::code_record`], re-exported
//! here), at `/zkos/accounts/<a>/prepared`:
//! `kind (u8: 0 EVM, 1 WASM, 2 RISC-V) ‖ constants length (u32, big-endian)
//! ‖ constants ‖ the VM's prepared form` (EVM: the jumpdest bitmap; WASM:
//! [`super::wasm::prepare::Prepared`]). One read gives a call everything it
//! needs beside the code.

pub use crate::system::code_record::{Meta, VmKind};

/// The WASM binary magic.
pub const WASM_MAGIC: [u8; 4] = *b"\0asm";
/// The ELF magic.
pub const ELF_MAGIC: [u8; 4] = *b"\x7fELF";
/// The envelope footer's magic.
pub const FOOTER_MAGIC: [u8; 4] = *b"zkos";
/// The envelope footer's size.
pub const FOOTER_LEN: usize = 16;

/// The VM that `init` deploys to.
pub fn vm_of_init(init: &[u8]) -> VmKind {
    match init.get(..4) {
        Some(m) if m == WASM_MAGIC => VmKind::Wasm,
        Some(m) if m == ELF_MAGIC => VmKind::RiscV,
        _ => VmKind::Evm,
    }
}

/// Init data of a WASM or RISC-V deployment, split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The code to deploy.
    pub code: &'a [u8],
    /// The constants area.
    pub constants: &'a [u8],
    /// Constructor arguments (the `deploy` entry point's input).
    pub args: &'a [u8],
}

/// Why init data is not a well-formed envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed deployment envelope: the footer's lengths {0} + {1} + {2} do not add up to {3}")]
pub struct EnvelopeError(usize, usize, usize, usize);

impl<'a> Envelope<'a> {
    /// Splits `init` (see the module docs).
    pub fn split(init: &'a [u8]) -> Result<Self, EnvelopeError> {
        let Some(body_len) = init.len().checked_sub(FOOTER_LEN) else {
            return Ok(Self { code: init, constants: &[], args: &[] });
        };
        let (body, footer) = init.split_at(body_len);
        if footer[..4] != FOOTER_MAGIC {
            return Ok(Self { code: init, constants: &[], args: &[] });
        }
        let len = |i: usize| {
            let b = [footer[i], footer[i + 1], footer[i + 2], footer[i + 3]];
            u32::from_le_bytes(b) as usize
        };
        let (c, k, a) = (len(4), len(8), len(12));
        if c.checked_add(k).and_then(|n| n.checked_add(a)) != Some(body.len()) {
            return Err(EnvelopeError(c, k, a, body.len()));
        }
        let (code, rest) = body.split_at(c);
        let (constants, args) = rest.split_at(k);
        Ok(Self { code, constants, args })
    }

    /// The init data that carries these parts (what [`Self::split`] reads).
    pub fn join(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            self.code.len() + self.constants.len() + self.args.len() + FOOTER_LEN,
        );
        for part in [self.code, self.constants, self.args] {
            out.extend_from_slice(part);
        }
        out.extend_from_slice(&FOOTER_MAGIC);
        for part in [self.code, self.constants, self.args] {
            out.extend_from_slice(&(part.len() as u32).to_le_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vm_is_chosen_by_the_init_datas_magic() {
        assert_eq!(vm_of_init(b"\0asm\x01\0\0\0"), VmKind::Wasm);
        assert_eq!(vm_of_init(b"\x7fELF\x02\x01"), VmKind::RiscV);
        assert_eq!(vm_of_init(&[0x60, 0x80, 0x60, 0x40]), VmKind::Evm);
        assert_eq!(vm_of_init(b"\0as"), VmKind::Evm);
    }

    #[test]
    fn an_envelope_splits_into_what_was_joined() {
        let e = Envelope { code: b"\0asm-code", constants: b"consts", args: b"args!" };
        assert_eq!(Envelope::split(&e.join()), Ok(e));
    }

    #[test]
    fn init_data_without_a_footer_is_all_code() {
        let init = b"\0asm\x01\0\0\0 a module with no footer";
        let e = Envelope::split(init).unwrap();
        assert_eq!((e.code, e.constants, e.args), (&init[..], &[][..], &[][..]));
    }

    #[test]
    fn a_footer_whose_lengths_do_not_add_up_is_refused() {
        let mut init = Envelope { code: b"code", constants: b"k", args: b"" }.join();
        init.insert(0, 0);
        assert_eq!(Envelope::split(&init), Err(EnvelopeError(4, 1, 0, 6)));
        // Lengths that overflow when added are refused too, not wrapped.
        let mut init = b"x".to_vec();
        init.extend_from_slice(&FOOTER_MAGIC);
        init.extend_from_slice(&[0xff; 12]);
        assert!(Envelope::split(&init).is_err());
    }
}
