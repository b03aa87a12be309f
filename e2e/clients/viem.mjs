// viem against zkos-node, with nothing changed but the URL: deploy
// OpenZeppelin's ERC-20, transfer, read balanceOf with eth_call, wait for
// receipts, filter Transfer logs with getLogs and watch them over a
// WebSocket, decode a custom-error revert, send 200 transactions back to
// back with viem's own nonce manager, withdraw to L1 and find the message
// in the outbox, and call the Rust ERC-20 deployed on WASM and on RISC-V
// through the same Solidity ABI. Run by e2e/tests/clients.rs.
import assert from "node:assert/strict";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  parseEther,
  parseEventLogs,
  webSocket,
} from "viem";
import { generatePrivateKey, nonceManager, privateKeyToAccount } from "viem/accounts";
import { artefact, env, erc20Abi, L1_RECEIVER, step, TOKENS, WITHDRAWAL, writeSummary } from "./common.mjs";

const probe = createPublicClient({ transport: http(env.rpcUrl) });
const chain = defineChain({
  id: await probe.getChainId(),
  name: "Zk OS dev",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [env.rpcUrl], webSocket: [env.wsUrl] } },
});
const client = createPublicClient({ chain, transport: http(env.rpcUrl), pollingInterval: 50 });
const ws = createPublicClient({ chain, transport: webSocket(env.wsUrl) });
const alice = privateKeyToAccount(env.devKey, { nonceManager });
const wallet = createWalletClient({ chain, transport: http(env.rpcUrl), account: alice, pollingInterval: 50 });
const bob = privateKeyToAccount(generatePrivateKey());
const bobWallet = createWalletClient({ chain, transport: http(env.rpcUrl), account: bob, pollingInterval: 50 });
const abi = erc20Abi();
const transactions = [];

async function mined(hash) {
  transactions.push(hash);
  return client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
}

step(`chain ${chain.id}, block ${await client.getBlockNumber()}`);
assert.equal(chain.id, 23115);

step("fund a fresh account");
let receipt = await mined(await wallet.sendTransaction({ to: bob.address, value: parseEther("1") }));
assert.equal(receipt.status, "success");
assert.equal(await client.getBalance({ address: bob.address }), parseEther("1"));

step("deploy OpenZeppelin's ERC-20");
const supply = 1_000_000n * TOKENS;
const { bytecode } = artefact("ZkToken");
receipt = await mined(await wallet.deployContract({ abi, bytecode, args: [supply] }));
assert.equal(receipt.status, "success");
const token = receipt.contractAddress;
assert.ok(token, "a creation receipt names the contract");
assert.equal(await client.readContract({ address: token, abi, functionName: "symbol" }), "ZKT");
assert.equal(await client.readContract({ address: token, abi, functionName: "balanceOf", args: [alice.address] }), supply);

step("watch Transfer events over a WebSocket (eth_subscribe logs)");
const watched = [];
const unwatch = ws.watchContractEvent({
  address: token,
  abi,
  eventName: "Transfer",
  onLogs: (logs) => watched.push(...logs),
});
// The subscription is live once the node has answered eth_subscribe.
await new Promise((resolve) => setTimeout(resolve, 300));

step("transfer, read the receipt's logs");
receipt = await mined(
  await wallet.writeContract({ address: token, abi, functionName: "transfer", args: [bob.address, 250n * TOKENS] }),
);
assert.equal(receipt.status, "success");
const [transfer] = parseEventLogs({ abi, logs: receipt.logs, eventName: "Transfer" });
assert.deepEqual(transfer.args, { from: alice.address, to: bob.address, value: 250n * TOKENS });
assert.equal(await client.readContract({ address: token, abi, functionName: "balanceOf", args: [bob.address] }), 250n * TOKENS);

step("filter Transfer logs with getLogs");
const logs = await client.getContractEvents({
  address: token,
  abi,
  eventName: "Transfer",
  args: { to: bob.address },
  fromBlock: 0n,
  toBlock: "latest",
});
assert.equal(logs.length, 1);
assert.equal(logs[0].transactionHash, receipt.transactionHash);
assert.equal(logs[0].args.value, 250n * TOKENS);

step("a transfer beyond the balance: the custom error, decoded");
try {
  await client.simulateContract({
    account: bob,
    address: token,
    abi,
    functionName: "transfer",
    args: [alice.address, 251n * TOKENS],
  });
  assert.fail("the transfer should revert");
} catch (e) {
  assert.ok(e instanceof BaseError, String(e));
  const revert = e.walk((err) => err instanceof ContractFunctionRevertedError);
  assert.ok(revert, `a decoded revert, got ${e.shortMessage}`);
  assert.equal(revert.data?.errorName, "ERC20InsufficientBalance");
  assert.deepEqual(revert.data?.args, [bob.address, 250n * TOKENS, 251n * TOKENS]);
}
// Sent anyway (its gas given, so no estimate refuses it): a failed receipt.
receipt = await mined(
  await bobWallet.writeContract({
    address: token,
    abi,
    functionName: "transfer",
    args: [alice.address, 251n * TOKENS],
    gas: 100_000n,
  }),
);
assert.equal(receipt.status, "reverted");

step("200 transfers back to back, nonces from viem's nonce manager");
const start = await client.getTransactionCount({ address: alice.address });
const batch = [];
for (let i = 0; i < 200; i++) {
  batch.push(
    await wallet.writeContract({ address: token, abi, functionName: "transfer", args: [bob.address, 1n], gas: 60_000n }),
  );
}
const receipts = await Promise.all(batch.map(mined));
assert.ok(receipts.every((r) => r.status === "success"), "every one of the 200 succeeds");
assert.equal(await client.getTransactionCount({ address: alice.address }), start + 200);
const bobTokens = await client.readContract({ address: token, abi, functionName: "balanceOf", args: [bob.address] });
assert.equal(bobTokens, 250n * TOKENS + 200n);
const blocks = new Set(receipts.map((r) => r.blockNumber));
step(`  sealed in ${blocks.size} blocks`);

step("the WebSocket watcher saw every transfer");
for (let i = 0; i < 100 && watched.length < 201; i++) await new Promise((r) => setTimeout(r, 50));
unwatch();
assert.equal(watched.length, 201);
assert.equal(watched[0].transactionHash, transfer.transactionHash);

step("withdraw to L1 and find the message in the outbox");
const amount = parseEther("0.5");
receipt = await mined(
  await wallet.writeContract({ ...WITHDRAWAL, functionName: "withdraw", args: [L1_RECEIVER], value: amount }),
);
assert.equal(receipt.status, "success");
const root = await client.request({ method: "zkos_stateRoot", params: [`0x${receipt.blockNumber.toString(16)}`] });
const outbox = await client.request({ method: "zkos_outbox", params: [root.level] });
assert.equal(outbox.length, 1);
assert.equal(outbox[0].withdrawal.receiver, L1_RECEIVER);
assert.equal(outbox[0].withdrawal.entrypoint, "withdraw");
assert.equal(BigInt(outbox[0].withdrawal.amountWei), amount);
assert.equal(BigInt(outbox[0].withdrawal.amountMutez), amount / 10n ** 12n);

const balances = [
  [token, alice.address, await client.readContract({ address: token, abi, functionName: "balanceOf", args: [alice.address] })],
  [token, bob.address, bobTokens],
];
for (const [vm, init] of [
  ["WASM", env.wasmToken],
  ["RISC-V", env.riscvToken],
]) {
  step(`the Rust ERC-20 on ${vm}, through the same ABI`);
  receipt = await mined(await wallet.sendTransaction({ data: init }));
  assert.equal(receipt.status, "success");
  const rust = receipt.contractAddress;
  assert.equal(await client.readContract({ address: rust, abi, functionName: "decimals" }), 18);
  assert.equal(await client.readContract({ address: rust, abi, functionName: "balanceOf", args: [alice.address] }), supply);
  receipt = await mined(
    await wallet.writeContract({ address: rust, abi, functionName: "transfer", args: [bob.address, 7n * TOKENS] }),
  );
  assert.equal(receipt.status, "success");
  const [moved] = parseEventLogs({ abi, logs: receipt.logs, eventName: "Transfer" });
  assert.deepEqual(moved.args, { from: alice.address, to: bob.address, value: 7n * TOKENS });
  try {
    await client.simulateContract({ account: bob, address: rust, abi, functionName: "transfer", args: [alice.address, 8n * TOKENS] });
    assert.fail("the transfer should revert");
  } catch (e) {
    const revert = e.walk((err) => err instanceof ContractFunctionRevertedError);
    assert.equal(revert?.data?.errorName, "ERC20InsufficientBalance", `${vm}: ${e.shortMessage}`);
  }
  balances.push([rust, bob.address, 7n * TOKENS]);
}

writeSummary({
  client: "viem",
  transactions,
  balances,
  withdrawal: { level: root.level, receiver: L1_RECEIVER, amountWei: `0x${amount.toString(16)}` },
});
console.log("viem: all checks passed");
process.exit(0);
