//! ssv-dkg's 4-operator example (ids 11/22/33/44, owner 0xDCc8…C5E9, nonce 1): a v1.2.0
//! keyshares file and the operators' EIP-2335-wrapped RSA keys (password 12345678).
//! Sources are listed in tests/fixtures/SOURCES.md.

mod common;

use std::sync::OnceLock;

use alloy_primitives::Address;
use common::read_fixture;
use keyshare::{
    KeyshareError, KeysharesFile, OperatorPrivateKey, ShareSecret, SharesData, Verifier,
    recover_public_key, recover_secret, verify_ownership,
};

const OWNER: &str = "0xDCc846fA10C7CfCE9e6Eb37e06eD93b666cFC5E9";
const VALIDATOR_SECRET: &str = "6c1d3b67efb432abb89685649038b4f070b1907e422bbdb7057e41f3395a4c5a";
/// The decrypted plaintexts of the four ciphertexts, each opened with the operator's wrapped key
/// from ssvlabs/ssv-dkg `examples/operator{1,2,3,4}/encrypted_private_key.json` (password
/// `12345678`); see tests/fixtures/SOURCES.md.
const PLAINTEXTS: [(u64, &str); 4] = [
    (
        11,
        "47e4e0c3b0a3b355c58f21b9d4978302b7cdff6dfbc4edbac9a1d101179e22ef",
    ),
    (
        22,
        "41b1c12f0dd803758208dd56558d338c0f225c7747d386f55591bb5fe19a2ec3",
    ),
    (
        33,
        "5983dcaa0751230aee03b83a1319c68c76aea79a26578966a94e010f974e6fd6",
    ),
    (
        44,
        "1b6d8be1737194cdd645da5d039b63fe9ab53cd39752990fc4d6a21138bae627",
    ),
];

fn file() -> KeysharesFile {
    KeysharesFile::from_json(&read_fixture("ssv-dkg/keyshares.json")).unwrap()
}

/// Opening a keystore runs pbkdf2 with c = 262144, so each key is opened once per run.
fn operator_key(n: u8) -> OperatorPrivateKey {
    static KEYS: OnceLock<[OperatorPrivateKey; 2]> = OnceLock::new();
    let open = |n: u8| {
        let json = read_fixture(&format!("ssv-dkg/operator{n}_encrypted_private_key.json"));
        OperatorPrivateKey::from_encrypted_json(&json, "12345678").unwrap()
    };
    let keys = KEYS.get_or_init(|| [open(1), open(3)]);
    keys[usize::from(n != 1)].clone()
}

fn shares_data(file: &KeysharesFile) -> SharesData {
    SharesData::from_bytes(&file.items[0].shares_data, 4).unwrap()
}

#[test]
fn reads_the_v1_2_0_file() {
    let file = file();
    assert_eq!(file.version, "v1.2.0");
    let item = &file.items[0];
    assert_eq!(item.operator_ids, [11, 22, 33, 44]);
    assert_eq!(item.owner_nonce, 1);
    assert_eq!(item.shares_data.len(), 1312);
}

#[test]
fn decrypts_with_the_wrapped_operator_keys_and_passes_verify() {
    let file = file();
    let data = shares_data(&file);
    // operator1 holds id 11 and operator3 id 33; their ciphertexts carry 64 bare hex digits.
    for (n, index) in [(1u8, 0usize), (3, 2)] {
        let (id, expected) = PLAINTEXTS[index];
        let share = operator_key(n)
            .decrypt_share(id, &data.encrypted_shares()[index])
            .unwrap();
        assert_eq!(hex::encode(*share.to_bytes()), expected);
        assert_eq!(share.public_key(), data.share_public_keys()[index]);
    }

    let owner: Address = OWNER.parse().unwrap();
    let verdicts = Verifier::new()
        .owner(owner)
        .nonce(1)
        .operator_key(11, operator_key(1))
        .operator_key(33, operator_key(3))
        .verify_file(&file);
    assert_eq!(verdicts.len(), 1);
    assert!(verdicts[0].is_ok(), "{:?}", verdicts[0].failures);
    assert_eq!(verdicts[0].decrypted, [11, 33]);
}

#[test]
fn wrong_password_is_a_checksum_error() {
    let json = read_fixture("ssv-dkg/operator1_encrypted_private_key.json");
    assert!(matches!(
        OperatorPrivateKey::from_encrypted_json(&json, "1234567"),
        Err(KeyshareError::KeystoreChecksum)
    ));
}

#[test]
fn a_key_of_another_operator_is_reported_as_a_mismatch() {
    // Operator 3's key given as operator 11's: the decrypt "succeeds" (implicit rejection)
    // or fails, but the share never matches.
    let verdict = &Verifier::new()
        .operator_key(11, operator_key(3))
        .verify_file(&file())[0];
    assert!(verdict.decrypted.is_empty());
    assert!(matches!(
        verdict.failures.as_slice(),
        [KeyshareError::ShareMismatch { operator_id: 11 }
            | KeyshareError::SharePlaintext { operator_id: 11 }
            | KeyshareError::Decrypt {
                operator_id: 11,
                ..
            }]
    ));
}

#[test]
fn any_three_shares_interpolate_to_the_known_secret() {
    let file = file();
    let data = shares_data(&file);
    let shares: Vec<(u64, ShareSecret)> = PLAINTEXTS
        .iter()
        .map(|(id, hex)| (*id, ShareSecret::from_hex(hex).unwrap()))
        .collect();
    for (i, (_, share)) in shares.iter().enumerate() {
        assert_eq!(share.public_key(), data.share_public_keys()[i]);
    }
    for subset in common::all_but_one(&shares) {
        let secret = recover_secret(&subset).unwrap();
        assert_eq!(hex::encode(*secret.to_bytes()), VALIDATOR_SECRET);
        assert_eq!(secret.public_key(), file.items[0].public_key);
    }
    let points: Vec<(u64, [u8; 48])> = PLAINTEXTS
        .iter()
        .map(|(id, _)| *id)
        .zip(data.share_public_keys().iter().copied())
        .collect();
    assert_eq!(
        recover_public_key(&points[1..]).unwrap(),
        file.items[0].public_key
    );
}

#[test]
fn signature_is_over_the_checksummed_owner_and_nonce_1() {
    let file = file();
    let item = &file.items[0];
    let data = shares_data(&file);
    let owner: Address = OWNER.to_lowercase().parse().unwrap();
    verify_ownership(&item.public_key, &owner, 1, data.signature()).unwrap();
    assert!(matches!(
        verify_ownership(&item.public_key, &owner, 2, data.signature()),
        Err(KeyshareError::Signature { nonce: 2, .. })
    ));
    let verdict = &Verifier::new().nonce(0).verify_file(&file)[0];
    assert!(matches!(
        verdict.failures.as_slice(),
        [KeyshareError::NonceMismatch {
            expected: 0,
            found: 1
        }]
    ));
}
