#!/usr/bin/env bash
# `make demo`: the router daemon end to end on a local chain (no network). Starts the devnet
# (anvil on 127.0.0.1 with our doubles of StaFi's and SSV v2's contracts, a fake beacon node and
# SSV API), has users fund StaFi's pool for several validators, runs `stafi-router run` on the
# generated configuration and shows each validator go uninitial → deposited → (oracle vote)
# match → staked → registered in a funded ETH cluster with the fee recipient set; ends with
# `stafi-router status` and a summary. Outputs in demo-out/ (git-ignored; demo-only passwords).
# Options through the environment: DEMO_VALIDATORS (default 4), DEMO_HOLD_SECS (keep the router
# running that long once every validator is done, to look at its metrics; default 0).
# The crate-by-crate walk-through that used to be the demo is examples/walkthrough.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/demo-out"
rm -rf "$out"

printf '==> local chain tools (scripts/install-tools.sh anvil)\n'
scripts/install-tools.sh anvil
# shellcheck disable=SC1090
source <(scripts/tool-env.sh)

printf '==> build stafi-router and the devnet\n'
cargo build --quiet --locked -p stafi-router -p devnet --bins
target="${CARGO_TARGET_DIR:-$root/target}/debug"
"$target/stafi-router" --version

"$target/devnet" demo --router "$target/stafi-router" --dir "$out" \
  --validators "${DEMO_VALIDATORS:-4}" --hold-secs "${DEMO_HOLD_SECS:-0}"
