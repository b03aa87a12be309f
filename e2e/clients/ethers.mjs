// ethers v6 against zkos-node, the second client: the ERC-20 flow of
// viem.mjs (deploy, transfer, balanceOf, receipts, queryFilter, a decoded
// custom error, a withdrawal in the outbox), plus an EIP-2930 transaction
// with an access list and a legacy EIP-155 one. Run by e2e/tests/clients.rs.
import assert from "node:assert/strict";
import { ContractFactory, Contract, JsonRpcProvider, Transaction, Wallet, isCallException, parseEther } from "ethers";
import { artefact, env, L1_RECEIVER, step, TOKENS, WITHDRAWAL, writeSummary } from "./common.mjs";

// cacheTimeout -1: ethers otherwise answers a repeated request (such as the
// pending nonce) from a 250 ms cache, too long for a node that seals at once
// (the same setting hardhat-ethers uses against Hardhat's automine).
const provider = new JsonRpcProvider(env.rpcUrl, undefined, { pollingInterval: 50, cacheTimeout: -1 });
const { chainId } = await provider.getNetwork();
assert.equal(chainId, 23115n);
const alice = new Wallet(env.devKey, provider);
const bob = Wallet.createRandom(provider);
const transactions = [];

async function mined(response) {
  transactions.push(response.hash);
  const receipt = await response.wait();
  assert.ok(receipt, `a receipt for ${response.hash}`);
  return receipt;
}

step(`chain ${chainId}, block ${await provider.getBlockNumber()}`);

step("fund a fresh account");
let receipt = await mined(await alice.sendTransaction({ to: bob.address, value: parseEther("1") }));
assert.equal(receipt.status, 1);
assert.equal(await provider.getBalance(bob.address), parseEther("1"));

step("deploy OpenZeppelin's ERC-20 with a ContractFactory");
const { abi, bytecode } = artefact("ZkToken");
const supply = 1_000_000n * TOKENS;
const deployed = await new ContractFactory(abi, bytecode, alice).deploy(supply);
transactions.push(deployed.deploymentTransaction().hash);
await deployed.waitForDeployment();
const token = new Contract(await deployed.getAddress(), abi, alice);
assert.equal(await token.name(), "Zk Token");
assert.equal(await token.balanceOf(alice.address), supply);

step("transfer, read the receipt's logs");
receipt = await mined(await token.transfer(bob.address, 40n * TOKENS));
assert.equal(receipt.status, 1);
const parsed = receipt.logs.map((l) => token.interface.parseLog(l));
assert.equal(parsed[0].name, "Transfer");
assert.equal(parsed[0].args.value, 40n * TOKENS);
assert.equal(await token.balanceOf(bob.address), 40n * TOKENS);

step("queryFilter Transfer logs to bob");
const events = await token.queryFilter(token.filters.Transfer(null, bob.address), 0, "latest");
assert.equal(events.length, 1);
assert.equal(events[0].transactionHash, receipt.hash);

step("a transfer beyond the balance: the custom error, decoded");
try {
  await token.connect(bob).transfer.staticCall(alice.address, 41n * TOKENS);
  assert.fail("the transfer should revert");
} catch (e) {
  assert.ok(isCallException(e), String(e));
  assert.equal(e.revert?.name, "ERC20InsufficientBalance", e.shortMessage);
  assert.deepEqual([...e.revert.args], [bob.address, 40n * TOKENS, 41n * TOKENS]);
}

step("an EIP-2930 transaction with an access list");
const slot = "0x" + "00".repeat(32);
let response = await token.transfer(bob.address, 1n, {
  type: 1,
  accessList: [{ address: await token.getAddress(), storageKeys: [slot] }],
});
receipt = await mined(response);
assert.equal(receipt.status, 1);
assert.equal(receipt.type, 1);
let included = await provider.getTransaction(response.hash);
assert.equal(included.type, 1);
assert.equal(included.accessList.length, 1);
assert.deepEqual([...included.accessList[0].storageKeys], [slot]);

step("a legacy EIP-155 transaction");
response = await alice.sendTransaction({ type: 0, to: bob.address, value: 5n, gasPrice: await provider.getFeeData().then((f) => f.gasPrice) });
receipt = await mined(response);
assert.equal(receipt.status, 1);
assert.equal(receipt.type, 0);
included = await provider.getTransaction(response.hash);
assert.equal(included.type, 0);
assert.equal(included.chainId, 23115n, "EIP-155: the chain id is in the signature");
// v = chain id × 2 + 35 + parity, and the fields served re-hash to the hash.
assert.equal(included.signature.networkV, 23115n * 2n + 35n + BigInt(included.signature.yParity));
assert.equal(Transaction.from(included).hash, response.hash);

step("withdraw to L1 and find the message in the outbox");
const bridge = new Contract(WITHDRAWAL.address, WITHDRAWAL.abi, alice);
const amount = parseEther("0.25");
receipt = await mined(await bridge.withdraw(L1_RECEIVER, { value: amount }));
assert.equal(receipt.status, 1);
const root = await provider.send("zkos_stateRoot", [`0x${receipt.blockNumber.toString(16)}`]);
const outbox = await provider.send("zkos_outbox", [root.level]);
assert.equal(outbox.length, 1);
assert.equal(outbox[0].withdrawal.receiver, L1_RECEIVER);
assert.equal(BigInt(outbox[0].withdrawal.amountWei), amount);

writeSummary({
  client: "ethers",
  transactions,
  balances: [
    [await token.getAddress(), bob.address, await token.balanceOf(bob.address)],
    [await token.getAddress(), alice.address, await token.balanceOf(alice.address)],
  ],
  withdrawal: { level: root.level, receiver: L1_RECEIVER, amountWei: `0x${amount.toString(16)}` },
});
console.log("ethers: all checks passed");
provider.destroy();
process.exit(0);
