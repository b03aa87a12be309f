// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// Work of one kind, repeated, for measuring what the kernel's native cost
/// model must bound (e2e/tests/native_model.rs): precompile calls, hashing,
/// storage writes, logs and a bare loop.
contract Burner {
    /// Calls `target` with `input` `n` times (static calls; failures counted).
    function calls(address target, bytes calldata input, uint256 n) external returns (uint256 failed) {
        for (uint256 i = 0; i < n; i++) {
            (bool ok, ) = target.staticcall(input);
            if (!ok) failed++;
        }
    }

    /// Spins until less than `reserve` gas is left.
    function spin(uint256 reserve) external view {
        assembly {
            for {} gt(gas(), reserve) {} {}
        }
    }

    /// Hashes `size` bytes of memory until less than `reserve` gas is left.
    function hash(uint256 size, uint256 reserve) external view returns (bytes32 h) {
        assembly {
            mstore(size, 1)
            for {} gt(gas(), reserve) {} { h := keccak256(0, size) }
        }
    }

    /// Writes fresh slots until less than `reserve` gas is left.
    function store(uint256 reserve) external returns (uint256 n) {
        assembly {
            for {} gt(gas(), reserve) {} {
                n := add(n, 1)
                sstore(add(0x1000, n), n)
            }
        }
    }

    /// Emits logs of `size` bytes with four topics until less than `reserve` gas is left.
    function logs(uint256 size, uint256 reserve) external {
        assembly {
            for {} gt(gas(), reserve) {} { log4(0, size, 1, 2, 3, 4) }
        }
    }

    /// Copies `size` bytes of memory back and forth until less than `reserve` gas is left.
    function copy(uint256 size, uint256 reserve) external view {
        assembly {
            mstore(add(size, size), 1)
            for {} gt(gas(), reserve) {} { mcopy(size, 0, size) }
        }
    }
}
