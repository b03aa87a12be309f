// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// An escrow swap of two ERC-20 tokens, whatever VM each token runs in
/// (OpenZeppelin's in the EVM, the Rust one in WASM): a maker escrows what
/// they give, a taker pays what the maker wants and receives the escrow,
/// atomically. Any failing transfer reverts the whole step.
contract Swap {
    struct Offer {
        address maker;
        IERC20 give;
        uint256 giveAmount;
        IERC20 want;
        uint256 wantAmount;
    }

    Offer[] public offers;

    event Offered(uint256 indexed id, address indexed maker);
    event Taken(uint256 indexed id, address indexed taker);

    error NoSuchOffer(uint256 id);

    function offer(IERC20 give, uint256 giveAmount, IERC20 want, uint256 wantAmount) external returns (uint256 id) {
        require(give.transferFrom(msg.sender, address(this), giveAmount), "escrow failed");
        offers.push(Offer(msg.sender, give, giveAmount, want, wantAmount));
        id = offers.length - 1;
        emit Offered(id, msg.sender);
    }

    function take(uint256 id) external {
        if (id >= offers.length || offers[id].maker == address(0)) revert NoSuchOffer(id);
        Offer memory o = offers[id];
        delete offers[id];
        require(o.want.transferFrom(msg.sender, o.maker, o.wantAmount), "payment failed");
        require(o.give.transfer(msg.sender, o.giveAmount), "delivery failed");
        emit Taken(id, msg.sender);
    }
}
