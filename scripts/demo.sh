#!/usr/bin/env bash
# `make demo`: what the router does, end to end, on local data and a local chain (no network).
# Everything it writes goes to demo-out/ (git-ignored). The passwords there are demo-only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/demo-out"
rm -rf "$out" && mkdir -p "$out" && chmod 700 "$out"

step() { printf '\n==> %s\n' "$*"; }

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

step "four SSV operators with fresh RSA-2048 keys"
mkdir -p "$out/operator-keys"
ops="["
for id in 3 8 21 34; do
  openssl genrsa -out "$out/operator-keys/$id.pem" 2048 2>/dev/null
  key=$(openssl rsa -in "$out/operator-keys/$id.pem" -pubout 2>/dev/null \
        | sed 's/PUBLIC KEY/RSA PUBLIC KEY/' | base64 -w0)
  ops+="{\"id\": $id, \"operatorKey\": \"$key\"},"
done
printf '%s]\n' "${ops%,}" >"$out/operators.json"
echo "  operators 3, 8, 21, 34"

owner=0x2222222222222222222222222222222222222222
step "split validators 0 and 1 into encrypted keyshares for owner $owner, nonce 0"
"$bin" keyshares split --store "$out/mnemonic-store.json" --index 0 --count 2 \
  --password-file "$out/password" --operators "$out/operators.json" \
  --owner "$owner" --nonce 0 --out "$out/keyshares.json"

step "verify the keyshares as an SSV node would, and decrypt every share with the operators' keys"
"$bin" keyshares verify "$out/keyshares.json" --owner "$owner" --nonce 0 --operator-keys "$out/operator-keys"

step "one validator offline: key, committee with reasons, keyshares, ETH for registerValidator"
cargo run --quiet --locked -p stafi-router-examples --example onboard_offline

step "demo finished; outputs in demo-out/"
