// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Exercises what the OS's system layer serves to EVM contracts: storage,
/// transient storage, logs, reverts with data, creations, self-destruction,
/// precompiles and the block environment. Used by the kernel's tests.
contract Probe {
    error Refused(uint256 code);

    event Stored(uint256 indexed key, uint256 value);

    mapping(uint256 => uint256) public slots;

    receive() external payable {}

    function store(uint256 key, uint256 value) external {
        slots[key] = value;
        emit Stored(key, value);
    }

    /// Stores, then reverts: nothing must remain.
    function storeThenRevert(uint256 key, uint256 value) external {
        slots[key] = value;
        emit Stored(key, value);
        revert Refused(value);
    }

    function failWithMessage() external pure {
        require(false, "probe says no");
    }

    /// A call that reverts inside a try: its writes vanish, the caller's stay.
    function storeAroundFailedCall(uint256 key) external {
        slots[key] = 1;
        try this.storeThenRevert(key, 2) {} catch {}
        slots[key + 1] = 3;
    }

    /// EIP-1153: written and read back in the same transaction.
    function transientRoundTrip(uint256 value) external returns (uint256 seen) {
        assembly {
            tstore(7, value)
            seen := tload(7)
        }
        slots[100] = seen;
    }

    /// Reads transient slot 7: always zero in a new transaction.
    function transientLeftover() external view returns (uint256 v) {
        assembly {
            v := tload(7)
        }
    }

    function deployChild(bytes32 salt) external returns (address a, address b) {
        a = address(new Child());
        b = address(new Child{salt: salt}());
    }

    /// Creates a child and destroys it in the same transaction (EIP-6780).
    function deployAndDestroy() external returns (address a) {
        Child c = new Child();
        c.destroy(payable(msg.sender));
        a = address(c);
    }

    function hashes(bytes calldata data) external view returns (bytes32 sha, bytes20 ripemd, bytes memory same) {
        sha = sha256(data);
        ripemd = ripemd160(data);
        (bool ok, bytes memory out) = address(4).staticcall(data);
        require(ok, "identity");
        same = out;
    }

    function recover(bytes32 digest, uint8 v, bytes32 r, bytes32 s) external pure returns (address) {
        return ecrecover(digest, v, r, s);
    }

    function environment()
        external
        view
        returns (uint256 number, uint256 time, address coinbase, uint256 chain, uint256 baseFee, uint256 gasLimit)
    {
        return (block.number, block.timestamp, block.coinbase, block.chainid, block.basefee, block.gaslimit);
    }

    function parentHash() external view returns (bytes32) {
        return blockhash(block.number - 1);
    }

    function pay(address payable to, uint256 amount) external {
        to.transfer(amount);
    }

    /// Recurses through external calls `depth` times.
    function recurse(uint256 depth) external returns (uint256) {
        if (depth == 0) return 0;
        return this.recurse(depth - 1) + 1;
    }
}

contract Child {
    function destroy(address payable to) external {
        selfdestruct(to);
    }
}
