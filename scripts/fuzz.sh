#!/usr/bin/env bash
# Runs every fuzz target (or those named) with libFuzzer for FUZZ_SECONDS each (default 60),
# starting from fuzz/seeds/<target>/ and fuzz/corpus/<target>/, then minimises the corpus
# (`cargo fuzz cmin`: only inputs that add coverage stay) and prints the executions per target.
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`); `make test` does not:
# it replays seeds and corpus on stable.
#   scripts/fuzz.sh [target...]      FUZZ_SECONDS=600 scripts/fuzz.sh keyshares_json
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-60}"
# Fuzz builds need speed of building more than the release profile's thin LTO.
export CARGO_PROFILE_RELEASE_LTO=false
flags=(-O -a --codegen-units 16 --features libfuzzer)
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
for t in "${targets[@]}"; do
  log="$(mktemp)"
  # New inputs go into the corpus (the first directory); the named seeds are only read.
  cargo +nightly fuzz run "${flags[@]}" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$seconds" -print_final_stats=1 2>"$log" || { tail -50 "$log"; exit 1; }
  execs="$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")"
  rm -f "fuzz/corpus/$t/.gitkeep"
  cargo +nightly fuzz cmin "${flags[@]}" "$t" "fuzz/corpus/$t" >/dev/null 2>&1
  touch "fuzz/corpus/$t/.gitkeep"
  printf '%-18s %12s executions in %ss, corpus %s inputs\n' "$t" "$execs" "$seconds" \
    "$(find "fuzz/corpus/$t" -type f ! -name .gitkeep | wc -l)"
  rm -f "$log"
done
