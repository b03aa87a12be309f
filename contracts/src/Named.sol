// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// The constants contract of Zk OS (a system contract at 0xff00…02).
interface IConstants {
    function constantsOf(address account) external view returns (bytes memory);
    function setConstants(bytes calldata data) external returns (bool);
}

/// A Solidity contract whose name lives in its constants area, not in its
/// code or storage: every `Named` has the same code hash, whatever its name.
contract Named {
    IConstants constant CONSTANTS = IConstants(0xff00000000000000000000000000000000000002);

    constructor(string memory name_) {
        CONSTANTS.setConstants(abi.encode(name_));
    }

    function name() external view returns (string memory) {
        return abi.decode(CONSTANTS.constantsOf(address(this)), (string));
    }

    /// Any account's constants area, whatever its VM.
    function constantsOf(address account) external view returns (bytes memory) {
        return CONSTANTS.constantsOf(account);
    }

    /// Refused: constants are set only during construction.
    function rename(string calldata name_) external {
        CONSTANTS.setConstants(abi.encode(name_));
    }
}
