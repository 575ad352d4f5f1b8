"""Oracle for the keygen crate's interop tests and benchmark, built on ethstaker-deposit 1.3.1.

Reads one JSON request on stdin and writes one JSON reply on stdout. Run it with the project's
venv interpreter ($ETHSTAKER_PYTHON, installed by scripts/install-tools.sh). Operations:

  {"op": "deposits", "cases": [{"mnemonic", "chain", "withdrawal_address", "compounding",
                                "index", "amount"}]}
      -> [{deposit_data fields..., "signing_sk", "withdrawal_pubkey"}]
  {"op": "encrypt_keystores", "cases": [{"secret", "password", "path"}]}  -> [keystore JSON text]
  {"op": "decrypt_keystores", "cases": [{"keystore", "password"}]}
      -> [{"secret": hex} | {"error": text}]
  {"op": "exits", "cases": [{"mnemonic", "chain", "index", "validator_index", "epoch"}]}
      -> [beacon-API SignedVoluntaryExit JSON]
  {"op": "bench", "mnemonic", "chain", "withdrawal_address", "start", "count", "amount"}
      -> {"seconds": wall time to derive keys and deposit data for count indices}

Chains are the library's own, plus holesky through its devnet setting (1.3.1 dropped holesky).
"""
import json
import os
import sys
import time

# This file's name equals the library's package name: keep its own folder off the import path.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]

from ethstaker_deposit.credentials import Credential  # noqa: E402
from ethstaker_deposit.key_handling.keystore import Keystore, ScryptKeystore  # noqa: E402
from ethstaker_deposit.settings import get_chain_setting, get_devnet_chain_setting  # noqa: E402
from ethstaker_deposit.utils.exit_transaction import exit_transaction_generation  # noqa: E402


def chain_setting(name):
    if name == 'holesky':
        return get_devnet_chain_setting(
            'holesky', '01017000', '04017000',
            '9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1')
    return get_chain_setting(name)


def hexify(d):
    return {k: (v.hex() if isinstance(v, bytes) else v) for k, v in d.items()}


def credential(case, amount=32_000_000_000):
    return Credential(
        mnemonic=case['mnemonic'], mnemonic_password='', index=int(case['index']),
        amount=int(case.get('amount', amount)), chain_setting=chain_setting(case['chain']),
        hex_withdrawal_address=case.get('withdrawal_address',
                                        '0x1111111111111111111111111111111111111111'),
        compounding=bool(case.get('compounding', False)))


def deposits(cases):
    out = []
    for case in cases:
        c = credential(case)
        d = hexify(c.deposit_datum_dict)
        d['signing_sk'] = c.signing_sk.to_bytes(32, 'big').hex()
        d['withdrawal_pubkey'] = c.withdrawal_pk.hex()
        out.append(d)
    return out


def encrypt_keystores(cases):
    return [ScryptKeystore.encrypt(secret=bytes.fromhex(c['secret']), password=c['password'],
                                   path=c['path']).as_json()
            for c in cases]


def decrypt_keystores(cases):
    out = []
    for c in cases:
        try:
            ks = Keystore.from_json(json.loads(c['keystore']))
            out.append({'secret': ks.decrypt(c['password']).hex()})
        except Exception as e:  # reported to the test, which decides
            out.append({'error': f'{type(e).__name__}: {e}'})
    return out


def exits(cases):
    out = []
    for case in cases:
        c = credential(case)
        signed = exit_transaction_generation(
            chain_setting=c.chain_setting, signing_key=c.signing_sk,
            validator_index=int(case['validator_index']), epoch=int(case['epoch']))
        out.append({
            'message': {'epoch': str(signed.message.epoch),
                        'validator_index': str(signed.message.validator_index)},
            'signature': '0x' + signed.signature.hex(),
        })
    return out


def bench(req):
    start = time.perf_counter()
    for i in range(int(req['start']), int(req['start']) + int(req['count'])):
        credential({**req, 'index': i}).deposit_datum_dict
    return {'seconds': time.perf_counter() - start}


def main():
    req = json.load(sys.stdin)
    op = req['op']
    if op == 'deposits':
        reply = deposits(req['cases'])
    elif op == 'encrypt_keystores':
        reply = encrypt_keystores(req['cases'])
    elif op == 'decrypt_keystores':
        reply = decrypt_keystores(req['cases'])
    elif op == 'exits':
        reply = exits(req['cases'])
    elif op == 'bench':
        reply = bench(req)
    else:
        raise SystemExit(f'unknown op {op!r}')
    json.dump(reply, sys.stdout)


if __name__ == '__main__':
    main()
