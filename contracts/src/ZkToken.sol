// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// OpenZeppelin's ERC-20, unchanged, with the whole supply minted to the deployer.
contract ZkToken is ERC20 {
    constructor(uint256 supply) ERC20("Zk Token", "ZKT") {
        _mint(msg.sender, supply);
    }
}
