// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// A Solidity contract that calls contracts of any VM, for the cross-VM
/// tests: every kind of call, creations, revert propagation, and a ping-pong
/// recursion with a WASM peer (which answers `0x09 ‖ peer ‖ depth`).
contract Relay {
    event Relayed(address indexed to, bool ok, bytes ret);

    /// Calls `to` with `data` and the value sent; a revert is passed on
    /// with its data.
    function relay(address to, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    /// Calls `to` with at most `gas` and logs how it ended, without failing.
    function tryRelay(address to, bytes calldata data, uint256 gas) external returns (bool ok, bytes memory ret) {
        (ok, ret) = to.call{gas: gas}(data);
        emit Relayed(to, ok, ret);
    }

    function relayStatic(address to, bytes calldata data) external view returns (bool ok, bytes memory ret) {
        (ok, ret) = to.staticcall(data);
    }

    function relayDelegate(address to, bytes calldata data) external returns (bool ok, bytes memory ret) {
        (ok, ret) = to.delegatecall(data);
    }

    function create(bytes calldata init) external payable returns (address a) {
        bytes memory code = init;
        assembly {
            a := create(callvalue(), add(code, 32), mload(code))
        }
    }

    function create2(bytes calldata init, bytes32 salt) external returns (address a) {
        bytes memory code = init;
        assembly {
            a := create2(0, add(code, 32), mload(code), salt)
        }
    }

    /// A raw storage slot (what a delegate call into another VM wrote).
    function slot(uint256 key) external view returns (uint256 v) {
        assembly {
            v := sload(key)
        }
    }

    /// Counts down with `peer`, a WASM contract, taking turns: returns how
    /// many frames answered below this one.
    function ping(address peer, uint256 depth) external returns (uint256) {
        if (depth == 0) return 0;
        (bool ok, bytes memory ret) = peer.call(abi.encodePacked(uint8(9), address(this), depth - 1));
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return abi.decode(ret, (uint256)) + 1;
    }

    receive() external payable {}
}
