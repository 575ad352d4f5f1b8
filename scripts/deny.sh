#!/usr/bin/env bash
# cargo-deny: bans, licenses and sources always; advisories too when an offline copy of the
# RustSec database sits at ../shared/advisory-db (no network is needed either way).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
deny="${CARGO_DENY_BIN:-$root/.tools/cargo/bin/cargo-deny}"
if [[ ! -x "$deny" ]]; then
  deny="$(command -v cargo-deny || true)"
fi
if [[ -z "$deny" ]]; then
  echo "cargo-deny is not installed: run scripts/install-tools.sh cargo-deny (skipping)" >&2
  exit 0
fi

# cargo-deny reads metadata offline: every package of the lock file must be on disk.
cargo fetch --locked --quiet

advisories="$root/../shared/advisory-db"
if [[ -d "$advisories" ]]; then
  # cargo-deny wants a git work tree named after the default database URL.
  db="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs/advisory-db-3157b0e258782691"
  rm -rf "$db"
  mkdir -p "$db"
  cp -R "$advisories/." "$db/"
  git -C "$db" init --quiet
  git -C "$db" add -A
  git -C "$db" -c user.name=deny -c user.email=deny@localhost commit --quiet -m snapshot
  "$deny" --offline check
else
  echo "no offline advisory database at ../shared/advisory-db: checking bans, licenses, sources" >&2
  "$deny" --offline check bans licenses sources
fi
