#!/usr/bin/env bash
# Everything CI checks, in order. `make test` runs this; so does .ci/run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*" >&2; }

# CI builds once from cold: incremental caches would only take disk space.
if [[ -n "${CI:-}" ]]; then export CARGO_INCREMENTAL=0; fi

step "tools (scripts/install-tools.sh)"
scripts/install-tools.sh
# shellcheck disable=SC1090
source <(scripts/tool-env.sh)

step "alert rules (promtool check rules, promtool test rules)"
"$PROMTOOL_BIN" check rules deploy/prometheus/alerts.yml
(cd deploy/prometheus && "$PROMTOOL_BIN" test rules alerts.test.yml)

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"
# One closing line for the whole run: the sum over every test binary and doctest run.
summary="$(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  END { printf "%d passed, %d failed", p, f }' "$log")"

step "examples (each built and run)"
mapfile -t examples < <(awk '/^\[\[example\]\]/ { getline; gsub(/name = |"/, ""); print }' examples/Cargo.toml)
for ex in "${examples[@]}"; do
  printf '  %s\n' "$ex" >&2
  cargo run -q --locked -p stafi-router-examples --example "$ex" >/dev/null
done

step "cargo deny"
scripts/deny.sh

printf '\ntests: %s; examples: %d run\n' "$summary" "${#examples[@]}"
