// Compiles contracts/src/*.sol with solc-js (the npm `solc` package pinned in
// package.json) into contracts/build/<Contract>.json: { abi, bytecode,
// deployedBytecode } as hex without 0x. Settings: optimizer on (200 runs),
// EVM version cancun. The output depends only on the sources, the pinned
// compiler and OpenZeppelin's pinned sources, so it is reproducible:
// `node compile.mjs --check` recompiles and fails if build/ differs.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const solc = require("solc");
const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(here, "src");
const buildDir = path.join(here, "build");
const check = process.argv.includes("--check");

const sources = {};
for (const f of fs.readdirSync(srcDir).filter((f) => f.endsWith(".sol")).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(srcDir, f), "utf8") };
}

function findImports(p) {
  try {
    return { contents: fs.readFileSync(require.resolve(p), "utf8") };
  } catch (e) {
    return { error: `not found: ${p}` };
  }
}

const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}

fs.mkdirSync(buildDir, { recursive: true });
let stale = [];
for (const file of Object.keys(sources)) {
  for (const [name, c] of Object.entries(output.contracts[file])) {
    const artefact = JSON.stringify(
      { compiler: solc.version(), abi: c.abi, bytecode: c.evm.bytecode.object, deployedBytecode: c.evm.deployedBytecode.object },
      null,
      1,
    ) + "\n";
    const out = path.join(buildDir, `${name}.json`);
    if (check) {
      if (!fs.existsSync(out) || fs.readFileSync(out, "utf8") !== artefact) stale.push(out);
    } else {
      fs.writeFileSync(out, artefact);
      console.log(`${name}: ${c.evm.deployedBytecode.object.length / 2} bytes deployed`);
    }
  }
}
if (stale.length) {
  console.error(`artefacts differ from a fresh compile: ${stale.join(", ")}`);
  process.exit(1);
}
