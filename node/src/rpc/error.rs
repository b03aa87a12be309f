//! JSON-RPC errors as Ethereum clients expect them.

use jsonrpsee::types::{ErrorObject, ErrorObjectOwned};

/// geth's code for a refused transaction or a failed server-side read.
pub const SERVER_ERROR: i32 = -32000;
/// JSON-RPC's invalid-params code.
pub const INVALID_PARAMS: i32 = -32602;
/// JSON-RPC's internal-error code.
pub const INTERNAL: i32 = -32603;

/// `-32000` with `message`: what geth answers for a refused transaction.
pub fn server(message: impl ToString) -> ErrorObjectOwned {
    ErrorObject::owned(SERVER_ERROR, message.to_string(), None::<()>)
}

/// `-32602` with `message`.
pub fn invalid_params(message: impl ToString) -> ErrorObjectOwned {
    ErrorObject::owned(INVALID_PARAMS, message.to_string(), None::<()>)
}

/// `-32603`: the node failed (its state could not be read).
pub fn internal(message: impl ToString) -> ErrorObjectOwned {
    ErrorObject::owned(INTERNAL, message.to_string(), None::<()>)
}

/// The code geth answers a reverted call with.
pub const EXECUTION_REVERTED: i32 = 3;

/// Code 3 with the revert data, so clients decode custom errors; the
/// message carries the reason of a `require(…, "reason")` (`Error(string)`).
pub fn reverted(data: &[u8]) -> ErrorObjectOwned {
    use alloy_sol_types::{Revert, SolError};
    let message = match Revert::abi_decode(data) {
        Ok(r) => format!("execution reverted: {}", r.reason),
        Err(_) => "execution reverted".to_owned(),
    };
    ErrorObject::owned(EXECUTION_REVERTED, message, Some(format!("0x{}", hex::encode(data))))
}
