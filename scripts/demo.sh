#!/usr/bin/env bash
# `make demo`: what the router can do, end to end, on local data only (no network).
# Everything it writes goes to demo-out/ (git-ignored); secrets there are demo-only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/demo-out"
rm -rf "$out" && mkdir -p "$out"

step() { printf '\n==> %s\n' "$*"; }

step "build stafi-router"
cargo build --quiet --locked -p stafi-router
bin="$root/target/debug/stafi-router"
"$bin" --version

step "networks the router knows"
"$bin" networks

step "demo finished; outputs in demo-out/"
