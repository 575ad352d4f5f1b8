// Compiles contracts/ with solc-js (standard-JSON input) and writes the committed artifacts:
//   contracts/out/<Contract>.json  {contractName, abi, bytecode, deployedBytecode}  (test doubles)
//   abi/<Name>.json                ABI array of each StaFi, ERC-20 and deposit-contract interface
//                                  (leading "I" dropped). abi/SSVNetwork*.json are SSV's published
//                                  v2.0.0 ABIs, copied as published (abi/SOURCES.md), not built here.
// Usage: node contracts/build.js <path to solc.js> [--check]
// With --check nothing is written; the process exits 1 and names every stale or missing artifact.
'use strict';
const fs = require('fs');
const path = require('path');

const [solcPath, mode] = process.argv.slice(2);
if (!solcPath) {
  console.error('usage: node contracts/build.js <path to solc.js> [--check]');
  process.exit(2);
}
// SOLCJS_BIN names the package's CLI (solc.js); the compiler module is its package directory.
const solc = require(path.dirname(path.resolve(solcPath)));
const root = path.resolve(__dirname, '..');

const sources = {};
for (const dir of ['contracts/interfaces', 'contracts/src']) {
  for (const file of fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.sol')).sort()) {
    const key = `${dir}/${file}`;
    sources[key] = { content: fs.readFileSync(path.join(root, key), 'utf8') };
  }
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

const artifacts = {};
// Interfaces that share a file are written one per contract.
const published = {
  IStafiStorage: 'StafiStorage',
  IStafiSuperNode: 'StafiSuperNode',
  IStafiUserDeposit: 'StafiUserDeposit',
  IStafiNetworkSettings: 'StafiNetworkSettings',
  IStafiWithdraw: 'StafiWithdraw',
  IERC20: 'ERC20',
  IDepositContract: 'DepositContract',
};
for (const [file, contracts] of Object.entries(output.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    if (file.startsWith('contracts/interfaces/')) {
      if (published[name]) artifacts[`abi/${published[name]}.json`] = c.abi;
    } else if (c.evm.bytecode.object.length > 0) {
      artifacts[`contracts/out/${name}.json`] = {
        contractName: name,
        sourceName: file,
        compiler: `solc-js ${solc.version()}`,
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      };
    }
  }
}

let stale = 0;
for (const [rel, value] of Object.entries(artifacts).sort()) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const target = path.join(root, rel);
  if (mode === '--check') {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
    if (current !== text) {
      console.error(`stale artifact: ${rel}`);
      stale += 1;
    }
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    const size = value.deployedBytecode ? ` (${(value.deployedBytecode.length - 2) / 2} bytes runtime)` : '';
    console.log(`wrote ${rel}${size}`);
  }
}
if (stale > 0) process.exit(1);
