//! The EVM's prepared form of code: which bytes are valid `JUMPDEST`s.
//!
//! A `JUMP` may only land on a `JUMPDEST` byte that is an opcode (not push
//! data). Finding them takes a pass over the whole code, which the `evm`
//! crate repeats at every call; Zk OS does it once at deploy and stores the
//! bitmap beside the code (`/zkos/accounts/<a>/prepared`): bit `i % 8` of
//! byte `i / 8` is set when byte `i` of the code is a valid destination.

/// `JUMPDEST`.
const JUMPDEST: u8 = 0x5b;
/// `PUSH1` ..= `PUSH32` carry 1 ..= 32 bytes of data.
const PUSH1: u8 = 0x60;
const PUSH32: u8 = 0x7f;

/// The jumpdest bitmap of `code`.
pub fn analyze(code: &[u8]) -> Vec<u8> {
    let mut bitmap = vec![0u8; code.len().div_ceil(8)];
    let mut i = 0;
    while i < code.len() {
        let op = code[i];
        if op == JUMPDEST {
            bitmap[i / 8] |= 1 << (i % 8);
        } else if (PUSH1..=PUSH32).contains(&op) {
            i += usize::from(op - PUSH1) + 1;
        }
        i += 1;
    }
    bitmap
}

/// Whether `position` is a valid jump destination in `bitmap`.
pub fn is_valid(bitmap: &[u8], position: usize) -> bool {
    bitmap.get(position / 8).is_some_and(|b| b & (1 << (position % 8)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_data_is_not_a_destination() {
        // JUMPDEST, PUSH2 0x5b 0x5b, JUMPDEST
        let code = [0x5b, 0x61, 0x5b, 0x5b, 0x5b];
        let map = analyze(&code);
        let valid: Vec<_> = (0..code.len() + 8).filter(|&i| is_valid(&map, i)).collect();
        assert_eq!(valid, vec![0, 4]);
    }

    #[test]
    fn truncated_push_at_the_end_is_fine() {
        let code = [0x7f, 0x5b];
        assert!(!is_valid(&analyze(&code), 1));
        assert!(analyze(&[]).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_evm_crate(code in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let ours = analyze(&code);
            let theirs = evm::interpreter::Valids::new(&code);
            for i in 0..code.len() + 2 {
                proptest::prop_assert_eq!(is_valid(&ours, i), theirs.is_valid(i), "position {}", i);
            }
        }
    }
}
