// Interop oracle around npm ssv-keys 1.1.0 (installed by scripts/install-tools.sh).
// Run with NODE_PATH=$SSV_KEYS_NODE_PATH (see scripts/tool-env.sh).
//
//   node ssv_keys_oracle.js build <sk0x> <owner> <nonce> <ops.json>   > keyshares.json
//        (the plain shares go to stderr as JSON: [{privateKey, publicKey}, ...])
//   node ssv_keys_oracle.js verify <sharesData0x> <owner> <nonce> <validatorPub0x> <n>
//        validateSingleShares; prints {"signatureValid": true, "sharesPublicKeys": [...]}
//   node ssv_keys_oracle.js readjson <keyshares.json>
//        KeyShares.fromJson, then validateSingleShares on every item;
//        prints "OK <pubkey>" or "ERROR <message>" per item
//   node ssv_keys_oracle.js bench <sk0x> <owner> <nonce> <ops.json> <iterations>
//        split + encrypt + sign <iterations> times in this process after a warm-up;
//        prints {"iterations": N, "msPerValidator": x}
//
// ops.json: [{"id": 5, "operatorKey": "<base64 PEM>"}, ...]
'use strict';
const fs = require('fs');
const { SSVKeys, KeySharesItem, KeyShares } = require('ssv-keys');

async function buildItem(ssvKeys, sk, owner, nonce, operators) {
  const threshold = await ssvKeys.createThreshold(sk, operators);
  const encryptedShares = await ssvKeys.encryptShares(operators, threshold.shares);
  const item = new KeySharesItem();
  await item.buildPayload(
    { publicKey: threshold.publicKey, operators, encryptedShares },
    { ownerAddress: owner, ownerNonce: nonce, privateKey: sk },
  );
  item.update({ ownerAddress: owner, ownerNonce: nonce, operators, publicKey: threshold.publicKey });
  return { item, threshold };
}

async function main() {
  const [cmd, ...a] = process.argv.slice(2);
  if (cmd === 'build') {
    const [sk, owner, nonce, opsFile] = a;
    const operators = JSON.parse(fs.readFileSync(opsFile, 'utf8'));
    const { item, threshold } = await buildItem(new SSVKeys(), sk, owner, Number(nonce), operators);
    const keyShares = new KeyShares();
    keyShares.add(item);
    process.stdout.write(keyShares.toJson() + '\n');
    process.stderr.write(JSON.stringify(threshold.shares.map((s) => ({ privateKey: s.privateKey, publicKey: s.publicKey }))) + '\n');
  } else if (cmd === 'verify') {
    const [bytes, owner, nonce, pub, n] = a;
    const item = new KeySharesItem();
    await item.validateSingleShares(bytes, { ownerAddress: owner, ownerNonce: Number(nonce), publicKey: pub });
    // Only sharesPublicKeys is usable: ssv-keys slices encryptedKeys at the wrong offset.
    const { sharesPublicKeys } = item.buildSharesFromBytes(bytes, Number(n));
    console.log(JSON.stringify({ signatureValid: true, sharesPublicKeys }));
  } else if (cmd === 'readjson') {
    const keyShares = await KeyShares.fromJson(fs.readFileSync(a[0], 'utf8'));
    for (const it of keyShares.list()) {
      if (it.error) {
        console.log('ERROR ' + (it.error.message || it.error));
        continue;
      }
      try {
        await it.validateSingleShares(it.payload.sharesData, {
          ownerAddress: it.data.ownerAddress,
          ownerNonce: it.data.ownerNonce,
          publicKey: it.data.publicKey,
        });
        console.log('OK ' + it.data.publicKey);
      } catch (e) {
        console.log('ERROR ' + (e.message || e));
      }
    }
  } else if (cmd === 'bench') {
    const [sk, owner, nonce, opsFile, iterations] = a;
    const operators = JSON.parse(fs.readFileSync(opsFile, 'utf8'));
    const ssvKeys = new SSVKeys();
    const n = Number(iterations);
    for (let i = 0; i < 3; i++) await buildItem(ssvKeys, sk, owner, Number(nonce), operators);
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await buildItem(ssvKeys, sk, owner, Number(nonce) + i, operators);
    const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(JSON.stringify({ iterations: n, msPerValidator: elapsedMs / n }));
  } else {
    throw new Error('usage: build | verify | readjson | bench (see the header of this file)');
  }
}

main().catch((e) => {
  console.error('FAIL', e.message || e);
  process.exit(1);
});
