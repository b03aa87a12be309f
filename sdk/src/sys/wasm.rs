//! The `zkos` import module (the table in the kernel's `ee::wasm::abi`).

#[link(wasm_import_module = "zkos")]
unsafe extern "C" {
    pub(super) fn calldata_size() -> i32;
    pub(super) fn calldata_copy(dst: *mut u8, offset: i32, len: i32);
    #[link_name = "caller"]
    pub(super) fn caller_(dst: *mut u8);
    #[link_name = "origin"]
    pub(super) fn origin_(dst: *mut u8);
    #[link_name = "address"]
    pub(super) fn address_(dst: *mut u8);
    pub(super) fn call_value(dst: *mut u8);
    #[link_name = "block_number"]
    pub(super) fn block_number_() -> i64;
    #[link_name = "block_timestamp"]
    pub(super) fn block_timestamp_() -> i64;
    #[link_name = "chain_id"]
    pub(super) fn chain_id_() -> i64;
    #[link_name = "block_coinbase"]
    pub(super) fn block_coinbase_(dst: *mut u8);
    #[link_name = "base_fee"]
    pub(super) fn base_fee_(dst: *mut u8);
    #[link_name = "gas_left"]
    pub(super) fn gas_left_() -> i64;
    pub(super) fn storage_read(key: *const u8, dst: *mut u8);
    pub(super) fn storage_write(key: *const u8, value: *const u8);
    pub(super) fn transient_read(key: *const u8, dst: *mut u8);
    pub(super) fn transient_write(key: *const u8, value: *const u8);
    #[link_name = "balance"]
    pub(super) fn balance_(address: *const u8, dst: *mut u8);
    #[link_name = "self_balance"]
    pub(super) fn self_balance_(dst: *mut u8);
    pub(super) fn emit_log(topics: *const u8, count: i32, data: *const u8, len: i32);
    #[link_name = "call"]
    pub(super) fn call_(
        to: *const u8,
        value: *const u8,
        data: *const u8,
        len: i32,
        gas: i64,
    ) -> i32;
    #[link_name = "static_call"]
    pub(super) fn static_call_(to: *const u8, data: *const u8, len: i32, gas: i64) -> i32;
    #[link_name = "delegate_call"]
    pub(super) fn delegate_call_(to: *const u8, data: *const u8, len: i32, gas: i64) -> i32;
    #[link_name = "create"]
    pub(super) fn create_(value: *const u8, code: *const u8, len: i32, dst: *mut u8) -> i32;
    #[link_name = "create2"]
    pub(super) fn create2_(
        value: *const u8,
        code: *const u8,
        len: i32,
        salt: *const u8,
        dst: *mut u8,
    ) -> i32;
    pub(super) fn return_data_size() -> i32;
    pub(super) fn return_data_copy(dst: *mut u8, offset: i32, len: i32);
    #[link_name = "finish"]
    pub(super) fn finish_(data: *const u8, len: i32) -> !;
    #[link_name = "revert"]
    pub(super) fn revert_(data: *const u8, len: i32) -> !;
    #[link_name = "keccak256"]
    pub(super) fn keccak256_(data: *const u8, len: i32, dst: *mut u8);
    pub(super) fn constants_size() -> i32;
    pub(super) fn constants_copy(dst: *mut u8, offset: i32, len: i32);
}
