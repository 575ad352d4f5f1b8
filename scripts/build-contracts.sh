#!/usr/bin/env bash
# Compiles the Solidity test doubles and published interfaces in contracts/ with the pinned solc-js
# (installed by scripts/install-tools.sh) and writes the committed artifacts contracts/out/*.json and abi/*.json.
#   scripts/build-contracts.sh          # rebuild artifacts
#   scripts/build-contracts.sh --check  # exit 1 if any committed artifact differs from a fresh compile
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
solc="${SOLCJS_BIN:-$root/.tools/npm/node_modules/solc/solc.js}"
if [[ ! -f "$solc" ]]; then
  echo "solc-js not found at $solc; run scripts/install-tools.sh" >&2
  exit 1
fi
exec node "$root/contracts/build.js" "$solc" "$@"
