#!/usr/bin/env bash
# Prints `export NAME=path` lines for the tools scripts/install-tools.sh put in .tools/.
# Tests and the demo read these variables; when one is unset they look in the same default place.
#   source <(scripts/tool-env.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
t="$root/.tools"
cat <<VARS
export ANVIL_BIN="$t/npm/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
export SOLCJS_BIN="$t/npm/node_modules/solc/solc.js"
export ETHSTAKER_PYTHON="$t/python/bin/python"
export SSV_KEYS_NODE_PATH="$t/ssv-keys/node_modules"
export CARGO_DENY_BIN="$t/cargo/bin/cargo-deny"
export PROMTOOL_BIN="$t/prometheus/usr/bin/promtool"
export PROMETHEUS_BIN="$t/prometheus/usr/bin/prometheus"
export STAFI_ROUTER_ROOT="$root"
VARS
