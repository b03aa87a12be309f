// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// The Zk OS withdrawal system contract (kernel/src/system/contracts).
interface IWithdrawal {
    function withdraw(string calldata l1Receiver) external payable returns (uint256 id);
}

/// Reaches the withdrawal contract from Solidity the ways a test needs:
/// a plain call, a call whose caller then reverts, a static call and a
/// delegate call (both of which the system contract refuses).
contract Withdrawer {
    IWithdrawal constant BRIDGE = IWithdrawal(0xff00000000000000000000000000000000000001);

    /// Withdraws msg.value to `l1Receiver`.
    function withdraw(string calldata l1Receiver) external payable returns (uint256) {
        return BRIDGE.withdraw{value: msg.value}(l1Receiver);
    }

    /// Withdraws, then reverts: nothing of the withdrawal may remain.
    function withdrawThenRevert(string calldata l1Receiver) external payable {
        BRIDGE.withdraw{value: msg.value}(l1Receiver);
        revert("changed my mind");
    }

    /// A static call of withdraw (no value): answers whether it succeeded.
    function withdrawStatic(string calldata l1Receiver) external view returns (bool ok) {
        (ok, ) = address(BRIDGE).staticcall(abi.encodeCall(IWithdrawal.withdraw, (l1Receiver)));
    }

    /// A delegate call of withdraw: answers whether it succeeded.
    function withdrawDelegated(string calldata l1Receiver) external payable returns (bool ok) {
        (ok, ) = address(BRIDGE).delegatecall(abi.encodeCall(IWithdrawal.withdraw, (l1Receiver)));
    }
}
