//! Interop with npm ssv-keys 1.1.0 through `tools/oracles/ssv_keys_oracle.js`:
//! (a) keyshares we build pass its `KeyShares.fromJson` and `validateSingleShares`;
//! (b) keyshares it builds from a known secret pass our verifier and decrypt to shares that
//! recombine to that secret. Operator ids 5, 9, 12, 40 are not proportional to 1..n, so x =
//! operator id is actually exercised.

mod common;

use std::num::NonZeroUsize;

use alloy_primitives::Address;
use common::{fixture, read_fixture, ssv_keys_oracle};
use keyshare::{
    KeysharesBuilder, KeysharesFile, Operator, OperatorPrivateKey, ShareSecret, SharesData,
    ValidatorSecret, Verifier, recover_secret,
};
use serde::Deserialize;

const OWNER: &str = "0x81592c3de184a3e2c0dcb5a261bc107bfa91f494";
const SECRET: &str = "0x2ee1bd3d1f0b3f9f8c05f8a4bbef5e8f3eb4a1a0f5d17f6c2fb0d2b8b9d08c22";
const IDS: [u64; 4] = [5, 9, 12, 40];

/// Output of the oracle's `verify`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checked {
    signature_valid: bool,
    shares_public_keys: Vec<String>,
}

/// One plain share as the oracle's `build` prints it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Plain {
    private_key: String,
}

fn operators() -> Vec<Operator> {
    Operator::list_from_json(&read_fixture("test-operators/operators.json")).unwrap()
}

fn private_key(id: u64) -> OperatorPrivateKey {
    OperatorPrivateKey::from_pem(&read_fixture(&format!("test-operators/{id}.pem"))).unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn ssv_keys_accepts_what_we_build() {
    let owner: Address = OWNER.parse().unwrap();
    let secrets: Vec<ValidatorSecret> = [0x11u8, 0x22, 0x33]
        .iter()
        .map(|b| ValidatorSecret::from_bytes(&[*b; 32]).unwrap())
        .collect();
    let file = KeysharesBuilder::new(operators(), owner)
        .unwrap()
        .nonce(7)
        .threads(NonZeroUsize::new(2).unwrap())
        .build(&secrets)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keyshares.json");
    std::fs::write(&path, file.to_json()).unwrap();

    let lines = stdout(&ssv_keys_oracle(&["readjson", path.to_str().unwrap()]));
    let expected: Vec<String> = secrets
        .iter()
        .map(|s| format!("OK 0x{}", hex::encode(s.public_key())))
        .collect();
    assert_eq!(lines.lines().collect::<Vec<_>>(), expected);

    for (k, item) in file.items.iter().enumerate() {
        assert_eq!(item.owner_nonce, 7 + k as u64);
        let data = SharesData::from_bytes(&item.shares_data, 4).unwrap();
        let out = ssv_keys_oracle(&[
            "verify",
            &format!("0x{}", hex::encode(&item.shares_data)),
            OWNER,
            &item.owner_nonce.to_string(),
            &format!("0x{}", hex::encode(item.public_key)),
            "4",
        ]);
        let checked: Checked = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert!(checked.signature_valid);
        let ours: Vec<String> = data
            .share_public_keys()
            .iter()
            .map(|pk| format!("0x{}", hex::encode(pk)))
            .collect();
        assert_eq!(checked.shares_public_keys, ours);
        // The wrong nonce is refused by ssv-keys as well.
        let out = ssv_keys_oracle(&[
            "verify",
            &format!("0x{}", hex::encode(&item.shares_data)),
            OWNER,
            &(item.owner_nonce + 1).to_string(),
            &format!("0x{}", hex::encode(item.public_key)),
            "4",
        ]);
        assert!(!out.status.success());
    }
}

#[test]
fn we_accept_what_ssv_keys_builds_and_recover_the_secret() {
    let ops = fixture("test-operators/operators.json");
    let out = ssv_keys_oracle(&["build", SECRET, OWNER, "3", ops.to_str().unwrap()]);
    let file = KeysharesFile::from_json(&stdout(&out)).unwrap();
    assert_eq!(file.version, "v1.1.0");

    let mut verifier = Verifier::new().owner(OWNER.parse().unwrap()).nonce(3);
    for id in IDS {
        verifier = verifier.operator_key(id, private_key(id));
    }
    let verdicts = verifier.verify_file(&file);
    assert!(verdicts[0].is_ok(), "{:?}", verdicts[0].failures);
    assert_eq!(verdicts[0].decrypted, IDS);

    // Decrypt every share ourselves and recombine from each 3-subset.
    let item = &file.items[0];
    let data = SharesData::from_bytes(&item.shares_data, 4).unwrap();
    let shares: Vec<(u64, ShareSecret)> = IDS
        .iter()
        .zip(data.encrypted_shares())
        .map(|(id, ct)| (*id, private_key(*id).decrypt_share(*id, ct).unwrap()))
        .collect();
    let printed: Vec<Plain> = serde_json::from_slice(&out.stderr).unwrap();
    for ((_, share), plain) in shares.iter().zip(&printed) {
        assert_eq!(*share.to_plaintext(), plain.private_key);
    }
    for subset in common::all_but_one(&shares) {
        assert_eq!(
            format!(
                "0x{}",
                hex::encode(*recover_secret(&subset).unwrap().to_bytes())
            ),
            SECRET
        );
    }
}
