//! A minimal Ethereum wallet: a secp256k1 key that signs legacy (EIP-155)
//! and EIP-1559 transactions into their EIP-2718 bytes — what a user's wallet
//! library would send. For tests, examples and the tools that write inbox
//! files; never for real funds (keys are derived from small seeds).
//!
//! ```
//! use wallet::{Wallet, Call};
//! let alice = Wallet::from_seed(1);
//! let bytes = alice.sign_legacy(7, &Call::transfer(Wallet::from_seed(2).address(), 1000), 0, 1, 21_000);
//! assert!(!bytes.is_empty());
//! ```

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, B256, Bytes, Signature, TxKind, U256, keccak256};
use k256::ecdsa::SigningKey;

/// What a transaction does: the callee (or a creation), value and input.
#[derive(Debug, Clone)]
pub struct Call {
    /// `None` creates a contract from `input`.
    pub to: Option<Address>,
    /// Wei sent.
    pub value: U256,
    /// Calldata or initcode.
    pub input: Bytes,
}

impl Call {
    /// A plain value transfer.
    pub fn transfer(to: Address, wei: u128) -> Self {
        Self { to: Some(to), value: U256::from(wei), input: Bytes::new() }
    }

    /// A call with calldata.
    pub fn with_input(to: Address, input: Vec<u8>) -> Self {
        Self { to: Some(to), value: U256::ZERO, input: input.into() }
    }

    /// A contract creation.
    pub fn create(initcode: Vec<u8>) -> Self {
        Self { to: None, value: U256::ZERO, input: initcode.into() }
    }

    fn kind(&self) -> TxKind {
        self.to.map_or(TxKind::Create, TxKind::Call)
    }
}

/// A signing key and its address.
#[derive(Clone)]
pub struct Wallet {
    key: SigningKey,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Wallet({:#x})", self.address())
    }
}

impl Wallet {
    /// The key `keccak256("zkos test key" ‖ seed)`: deterministic test accounts.
    pub fn from_seed(seed: u64) -> Self {
        let mut material = b"zkos test key".to_vec();
        material.extend_from_slice(&seed.to_be_bytes());
        let mut secret = keccak256(&material).0;
        loop {
            if let Ok(key) = SigningKey::from_slice(&secret) {
                return Self { key };
            }
            // Out of the curve's range (probability ~2^-128): hash again.
            secret = keccak256(secret).0;
        }
    }

    /// A wallet for a raw 32-byte secret key.
    pub fn from_secret(secret: &[u8; 32]) -> Option<Self> {
        SigningKey::from_slice(secret).ok().map(|key| Self { key })
    }

    /// The Ethereum address of the key.
    pub fn address(&self) -> Address {
        let point = self.key.verifying_key().to_encoded_point(false);
        Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
    }

    /// Signs a 32-byte digest (low `s`, as EIP-2 requires; `v()` is the
    /// recovery parity).
    pub fn sign_hash(&self, digest: &B256) -> Signature {
        let (sig, recid) = self
            .key
            .sign_prehash_recoverable(digest.as_slice())
            .expect("signing a 32-byte prehash with a valid key cannot fail");
        Signature::from((sig, recid))
    }

    fn sign<T: SignableTransaction<Signature>>(&self, tx: T) -> alloy_consensus::Signed<T> {
        let sig = self.sign_hash(&tx.signature_hash());
        tx.into_signed(sig)
    }

    /// A legacy transaction with EIP-155 replay protection, encoded.
    pub fn sign_legacy(
        &self,
        chain_id: u64,
        call: &Call,
        nonce: u64,
        gas_price: u128,
        gas_limit: u64,
    ) -> Vec<u8> {
        let tx = TxLegacy {
            chain_id: Some(chain_id),
            nonce,
            gas_price,
            gas_limit,
            to: call.kind(),
            value: call.value,
            input: call.input.clone(),
        };
        TxEnvelope::from(self.sign(tx)).encoded_2718()
    }

    /// An EIP-1559 transaction, encoded.
    #[allow(clippy::too_many_arguments)]
    pub fn sign_1559(
        &self,
        chain_id: u64,
        call: &Call,
        nonce: u64,
        max_fee_per_gas: u128,
        max_priority_fee_per_gas: u128,
        gas_limit: u64,
    ) -> Vec<u8> {
        let tx = TxEip1559 {
            chain_id,
            nonce,
            gas_limit,
            max_fee_per_gas,
            max_priority_fee_per_gas,
            to: call.kind(),
            value: call.value,
            access_list: Default::default(),
            input: call.input.clone(),
        };
        TxEnvelope::from(self.sign(tx)).encoded_2718()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_give_distinct_stable_addresses() {
        assert_eq!(Wallet::from_seed(1).address(), Wallet::from_seed(1).address());
        assert_ne!(Wallet::from_seed(1).address(), Wallet::from_seed(2).address());
    }

    #[test]
    fn the_well_known_key_one_has_its_well_known_address() {
        let mut one = [0u8; 32];
        one[31] = 1;
        let w = Wallet::from_secret(&one).unwrap();
        assert_eq!(format!("{:#x}", w.address()), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
    }
}
