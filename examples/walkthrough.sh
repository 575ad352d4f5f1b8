#!/usr/bin/env bash
# The crate-by-crate walk-through: keys, committee,
# keyshares and one on-chain onboarding, each tool on its own, on local data (no network).
# Run: examples/walkthrough.sh
# Everything it writes goes to walkthrough-out/ (git-ignored). The passwords there are demo-only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/walkthrough-out"
rm -rf "$out" && mkdir -p "$out" && chmod 700 "$out"

step() { printf '\n==> %s\n' "$*"; }

step "local chain tools (scripts/install-tools.sh anvil)"
scripts/install-tools.sh anvil
# shellcheck disable=SC1090
source <(scripts/tool-env.sh)

step "build stafi-router"
cargo build --quiet --locked -p stafi-router
bin="${CARGO_TARGET_DIR:-$root/target}/debug/stafi-router"
"$bin" --version

step "networks the router knows"
"$bin" networks

step "a new mnemonic, encrypted at rest (scrypt + AES, mode 0600)"
printf 'demo-password-change-me\n' >"$out/password"
chmod 600 "$out/password"
# The mnemonic is printed once for the operator to write down; the demo hides it.
"$bin" keys new-mnemonic --store "$out/mnemonic-store.json" --password-file "$out/password" >/dev/null
ls -l "$out/mnemonic-store.json"

step "StaFi deposit data: 1 ETH pre-deposit for validators 0 and 1 (hoodi, 0x01 credentials)"
withdraw=0x1111111111111111111111111111111111111111
"$bin" keys deposit-data --store "$out/mnemonic-store.json" --store-password-file "$out/password" \
  --network hoodi --withdrawal-address "$withdraw" --start-index 0 --count 2 \
  --amount-gwei 1000000000 --out "$out/deposit_data-prestake.json"
python3 -c "import json, sys
for x in json.load(open(sys.argv[1])):
    print('  pubkey', x['pubkey'][:16] + '…', 'amount', x['amount'], 'gwei, deposit_data_root', x['deposit_data_root'][:16] + '…')" \
  "$out/deposit_data-prestake.json"

step "eight SSV operators with fresh RSA-2048 keys, served by a local stand-in of the SSV API"
mkdir -p "$out/operator-keys"
for id in 3 8 13 21 34 55 89 144; do
  openssl genrsa -out "$out/operator-keys/$id.pem" 2048 2>/dev/null
  openssl rsa -in "$out/operator-keys/$id.pem" -pubout 2>/dev/null \
    | sed 's/PUBLIC KEY/RSA PUBLIC KEY/' | base64 -w0 >"$out/operator-keys/$id.pub.b64"
done
python3 - "$out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
providers = ["AWS", "Hetzner", "OVH", "bare metal"]
places = ["Germany", "United States", "Singapore", "France"]
clients = ["Geth", "Nethermind", "Besu", "Reth"]
ops = []
for n, i in enumerate([3, 8, 13, 21, 34, 55, 89, 144]):
    ops.append({
        "id": i, "public_key": (out / f"operator-keys/{i}.pub.b64").read_text(),
        "eth_fee": str(900_000_000 + 35_000_000 * ((n * 5) % 8)), "fee": "0",
        "owner_address": "0x" + f"{i:040x}", "is_private": i == 13, "whitelist_addresses": [],
        "setup_provider": providers[n % 4], "location": places[n % 4],
        "eth1_node_client": clients[n % 4], "eth2_node_client": "Lighthouse",
        "performance": {"24h": 99.5 if i != 89 else 60.0, "30d": 98.0 - n / 10},
        "is_active": 1, "status": "Active", "is_deleted": False, "validators_count": 10 * n,
        "type": "verified_operator" if n % 2 == 0 else "operator", "name": f"operator {i}",
    })
(out / "ssv-api-operators.json").write_text(json.dumps(ops, indent=1))
PY
python3 tools/fakes/ssv_api.py "$out/ssv-api-operators.json" >"$out/ssv-api.url" &
api_pid=$!
trap 'kill $api_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do [[ -s "$out/ssv-api.url" ]] && break; sleep 0.1; done
api="$(head -1 "$out/ssv-api.url")/hoodi"
echo "  SSV API stand-in at $api"

owner=0x2222222222222222222222222222222222222222
step "choose a committee of 4 under the default policy, with a reason for every operator"
"$bin" operators select --network hoodi --api-url "$api" --owner "$owner"
"$bin" operators select --network hoodi --api-url "$api" --owner "$owner" --json >"$out/selection.json"
python3 - "$out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
committee = json.loads((out / "selection.json").read_text())["committee"]
ops = [{"id": i, "operatorKey": (out / f"operator-keys/{i}.pub.b64").read_text()} for i in committee]
(out / "operators.json").write_text(json.dumps(ops))
PY

step "split validators 0 and 1 into encrypted keyshares for owner $owner, nonce 0"
"$bin" keyshares split --store "$out/mnemonic-store.json" --index 0 --count 2 \
  --password-file "$out/password" --operators "$out/operators.json" \
  --owner "$owner" --nonce 0 --out "$out/keyshares.json"

step "verify the keyshares as an SSV node would, and decrypt every share with the operators' keys"
"$bin" keyshares verify "$out/keyshares.json" --owner "$owner" --nonce 0 --operator-keys "$out/operator-keys"

step "one validator offline: key, committee with reasons, keyshares, ETH for registerValidator"
cargo run --quiet --locked -p stafi-router-examples --example onboard_offline

step "the router's main job once on a local chain: StaFi 1 ETH deposit, oracle vote, SSV v2 registration, 31 ETH stake"
cargo run --quiet --locked -p stafi-router-examples --example onchain_onboard

step "walk-through finished; outputs in walkthrough-out/"
