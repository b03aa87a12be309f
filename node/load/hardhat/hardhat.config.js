// Hardhat's node for the node benchmark: Cancun rules, as Zk OS runs, and
// automine (a block per transaction as it arrives), as `zkos-node --instant`.
module.exports = {
  networks: {
    hardhat: {
      hardfork: "cancun",
      mining: { auto: true },
    },
  },
};
