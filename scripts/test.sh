#!/usr/bin/env bash
# Everything CI checks, in order. `make test` runs this; so does .ci/run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*" >&2; }

step "tools (scripts/install-tools.sh)"
scripts/install-tools.sh
# shellcheck disable=SC1090
source <(scripts/tool-env.sh)

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "cargo deny"
scripts/deny.sh
