//! The simulation entry: one call run against the committed state, for a
//! node's `eth_call` and `eth_estimateGas`.
//!
//! The kernel exports it as `zkos_simulate`, beside `kernel_run`. The PVM
//! (and so the L1) only ever calls `kernel_run`; nothing an inbox message
//! says can make `kernel_run` simulate, so simulation is reachable only by
//! a host that calls this export itself — a node, on a throwaway copy of
//! the state. Its request is the value at [`REQUEST`], which the caller
//! writes on that copy (durable storage rather than an inbox message,
//! because a message is at most 4 KiB and calldata or init code is not;
//! the kernel never writes there itself, and `kernel_run` never reads it),
//! its answer is written to [`RESULT`]; the caller then throws the copy
//! away. The call runs as a transaction would in the next block
//! (number latest + 1, the latest block's timestamp), without a signature,
//! nonce check or fee: nothing is charged unless a gas price is given (a
//! call at price 0 sees a base fee of 0, as geth's `eth_call` does).
//!
//! Request: `from` (20 bytes) ‖ kind (1 byte: 0 create, 1 call) ‖ `to` (20
//! bytes, zero for a creation) ‖ `value` (U256) ‖ `gas` (u64) ‖
//! `gas_price` (u128) ‖ the calldata or initcode. Numbers are big-endian.
//!
//! Result ([`RESULT`]): status (1 byte: 0 success, 1 reverted, 2 failed,
//! 3 could not run) ‖ gas used (u64) ‖ the return data, the revert data,
//! or (for 2 and 3) the reason in UTF-8. A successful creation returns the
//! created address as its 20 bytes of data.

use alloy_primitives::{Address, U256};
use tezos_smart_rollup_host::{path::RefPath, runtime::Runtime};

use crate::{
    bootloader::config,
    ee::evm::{self, GasPrice, Message, Status},
    system::{env::BlockEnv, resources::NativeMeter, world::World},
};

/// Where the answer is written (on the caller's throwaway copy).
/// [`RESULT`] as bytes.
pub const RESULT_PATH: &[u8] = b"/zkos/simulation/result";

/// [`REQUEST`] as bytes.
pub const REQUEST_PATH: &[u8] = b"/zkos/simulation/request";

/// Where the caller writes the request (on its throwaway copy).
pub const REQUEST: RefPath<'static> = RefPath::assert_from(REQUEST_PATH);

/// The name of the export.
pub const ENTRY: &str = "zkos_simulate";

/// Where the answer is written (on the caller's throwaway copy).
pub const RESULT: RefPath<'static> = RefPath::assert_from(RESULT_PATH);

/// The size of a request without its data.
pub const REQUEST_HEADER: usize = 20 + 1 + 20 + 32 + 8 + 16;

/// How a simulation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum SimStatus {
    /// Returned normally.
    Success = 0,
    /// Reverted; the data is the revert data.
    Reverted = 1,
    /// Failed (out of gas, invalid opcode, …); the data is the reason.
    Failed = 2,
    /// Could not run (a bad request, insufficient balance for the value,
    /// a state that does not read); the data is the reason.
    NotRun = 3,
}

/// A decoded request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The caller.
    pub from: Address,
    /// The callee, or `None` for a creation.
    pub to: Option<Address>,
    /// Wei sent.
    pub value: U256,
    /// The gas limit.
    pub gas: u64,
    /// Wei per gas (0: free).
    pub gas_price: u128,
    /// Calldata or initcode.
    pub data: Vec<u8>,
}

impl Request {
    /// The encoding documented in the module.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(REQUEST_HEADER + self.data.len());
        out.extend_from_slice(self.from.as_slice());
        out.push(u8::from(self.to.is_some()));
        out.extend_from_slice(self.to.unwrap_or_default().as_slice());
        out.extend_from_slice(&self.value.to_be_bytes::<32>());
        out.extend_from_slice(&self.gas.to_be_bytes());
        out.extend_from_slice(&self.gas_price.to_be_bytes());
        out.extend_from_slice(&self.data);
        out
    }

    /// Decodes the documented encoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let (head, data) = bytes
            .split_at_checked(REQUEST_HEADER)
            .ok_or_else(|| format!("a request of {} bytes, under {REQUEST_HEADER}", bytes.len()))?;
        let (from, rest) = head.split_at(20);
        let (kind, rest) = rest.split_at(1);
        let (to, rest) = rest.split_at(20);
        let (value, rest) = rest.split_at(32);
        let (gas, price) = rest.split_at(8);
        let to = match kind[0] {
            0 => None,
            1 => Some(Address::from_slice(to)),
            k => return Err(format!("request kind {k}: 0 creates, 1 calls")),
        };
        let mut gas8 = [0u8; 8];
        gas8.copy_from_slice(gas);
        let mut price16 = [0u8; 16];
        price16.copy_from_slice(price);
        Ok(Self {
            from: Address::from_slice(from),
            to,
            value: U256::from_be_slice(value),
            gas: u64::from_be_bytes(gas8),
            gas_price: u128::from_be_bytes(price16),
            data: data.to_vec(),
        })
    }
}

/// The entry: reads the request, runs it, writes [`RESULT`].
pub fn run<H: Runtime>(host: &mut H) {
    let (status, gas, data) = match host.store_read_all(&REQUEST) {
        Ok(request) => simulate(host, &request),
        Err(e) => (SimStatus::NotRun, 0, format!("reading the request: {e:?}").into_bytes()),
    };
    let mut out = vec![status as u8];
    out.extend_from_slice(&gas.to_be_bytes());
    out.extend_from_slice(&data);
    if let Err(e) = host.store_write_all(&RESULT, &out) {
        host.write_debug(&format!("zkos: cannot write the simulation result: {e:?}\n"));
    }
}

fn simulate<H: Runtime>(host: &H, bytes: &[u8]) -> (SimStatus, u64, Vec<u8>) {
    let not_run = |why: String| (SimStatus::NotRun, 0, why.into_bytes());
    let req = match Request::decode(bytes) {
        Ok(r) => r,
        Err(e) => return not_run(e),
    };
    let config = match config::load(host) {
        Ok(c) => c,
        Err(e) => return not_run(format!("chain configuration: {e}")),
    };
    let (number, timestamp) = crate::bootloader::head(host);
    let mut env = BlockEnv::new(&config, number, timestamp);
    // Free calls run with no base fee, as geth's do: the fee would be
    // charged even at price 0 (the effective price is at least the base
    // fee), and most callers (a plain `eth_call`) have no funds to pay it.
    if req.gas_price == 0 {
        env.base_fee = 0;
    }
    let mut world = World::new();
    world.set_native_meter(NativeMeter::for_gas_limit(req.gas));
    world.set_outbox_room(crate::system::world::MAX_OUTPUTS_PER_LEVEL);
    let msg = Message {
        caller: req.from,
        to: req.to,
        value: req.value,
        data: &req.data,
        gas_limit: req.gas,
        gas_price: GasPrice::Legacy(req.gas_price),
        access_list: Vec::new(),
    };
    match evm::transact(host, &env, &mut world, &msg) {
        Ok(o) => match o.status {
            Status::Success => {
                let data = o.created.map_or(o.output, |a| a.to_vec());
                (SimStatus::Success, o.gas_used, data)
            }
            Status::Reverted => (SimStatus::Reverted, o.gas_used, o.output),
            Status::Failed(why) => (SimStatus::Failed, o.gas_used, why.into_bytes()),
        },
        Err(e) => not_run(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_and_short_ones_are_refused() {
        let r = Request {
            from: Address::repeat_byte(1),
            to: Some(Address::repeat_byte(2)),
            value: U256::from(3),
            gas: 4,
            gas_price: 5,
            data: vec![6, 7],
        };
        assert_eq!(Request::decode(&r.encode()), Ok(r.clone()));
        let create = Request { to: None, ..r };
        assert_eq!(Request::decode(&create.encode()), Ok(create));
        assert!(Request::decode(&[0; REQUEST_HEADER - 1]).is_err());
        let mut bad = Request::decode(&[0; REQUEST_HEADER]).unwrap().encode();
        bad[20] = 9;
        assert!(Request::decode(&bad).is_err());
    }
}
