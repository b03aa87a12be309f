// What both client scripts share: the environment the e2e test gives them
// (e2e/tests/clients.rs), the Solidity artefacts, and the summary they write
// back for the test to check against the node.
import fs from "node:fs";
import path from "node:path";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through e2e/tests/clients.rs`);
  return value;
}

export const env = {
  rpcUrl: required("ZKOS_RPC_URL"),
  wsUrl: required("ZKOS_WS_URL"),
  devKey: required("ZKOS_DEV_KEY"),
  // The Rust ERC-20's init data (deployment envelope) for WASM and RISC-V, as hex.
  wasmToken: fs.readFileSync(required("ZKOS_WASM_TOKEN"), "utf8"),
  riscvToken: fs.readFileSync(required("ZKOS_RISCV_TOKEN"), "utf8"),
  summary: required("ZKOS_SUMMARY"),
};

/// A compiled contract of contracts/build: { abi, bytecode } (bytecode with 0x).
export function artefact(name) {
  const file = path.join(required("ZKOS_CONTRACTS"), `${name}.json`);
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  return { abi: json.abi, bytecode: `0x${json.bytecode}` };
}

/// The withdrawal system contract every VM reaches.
export const WITHDRAWAL = {
  address: "0xff00000000000000000000000000000000000001",
  abi: [
    {
      type: "function",
      name: "withdraw",
      stateMutability: "payable",
      inputs: [{ name: "l1Receiver", type: "string" }],
      outputs: [{ name: "id", type: "uint256" }],
    },
  ],
};

/// An L1 account to withdraw to.
export const L1_RECEIVER = "tz1Ke2h7sDdakHJQh8WX4Z372du1KChsksyU";

/// The ERC-20 ABI shared by OpenZeppelin's token and the Rust one.
export const erc20Abi = () => artefact("ZkToken").abi;

export const TOKENS = 10n ** 18n;

export function step(what) {
  console.log(`- ${what}`);
}

/// Writes what the test checks against the node: `balances` as
/// [token, holder, decimal string], the withdrawal, every transaction hash.
export function writeSummary(summary) {
  const json = JSON.stringify(summary, (_, v) => (typeof v === "bigint" ? v.toString() : v), 1);
  fs.writeFileSync(env.summary, json);
}
