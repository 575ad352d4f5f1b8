//! Malformed input gives typed errors.

mod common;

use alloy_primitives::Address;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::read_fixture;
use keyshare::{
    CommitteeError, KeyshareError, KeysharesBuilder, KeysharesFile, Operator, OperatorPrivateKey,
    OperatorPublicKey, SharesData, ValidatorSecret, Verifier,
};

fn operators() -> Vec<Operator> {
    Operator::list_from_json(&read_fixture("test-operators/operators.json")).unwrap()
}

fn owner() -> Address {
    Address::repeat_byte(0x42)
}

#[test]
fn malformed_base64_and_pem() {
    assert!(matches!(
        OperatorPublicKey::from_base64("not base64!"),
        Err(KeyshareError::OperatorKeyBase64(_))
    ));
    assert!(matches!(
        OperatorPublicKey::from_base64(&BASE64.encode("no PEM armour here")),
        Err(KeyshareError::OperatorKeyPem(_))
    ));
    let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert!(matches!(
        OperatorPublicKey::from_base64(&BASE64.encode(cert)),
        Err(KeyshareError::OperatorKeyLabel(label)) if label == "CERTIFICATE"
    ));
    let garbage = "-----BEGIN RSA PUBLIC KEY-----\nAAECAwQF\n-----END RSA PUBLIC KEY-----\n";
    assert!(matches!(
        OperatorPublicKey::from_base64(&BASE64.encode(garbage)),
        Err(KeyshareError::OperatorKeyDer { .. })
    ));
}

#[test]
fn a_1024_bit_key_is_refused() {
    let err =
        Operator::from_base64(7, read_fixture("test-operators/rsa1024.b64").trim()).unwrap_err();
    match err {
        KeyshareError::Operator { id: 7, source } => {
            assert!(matches!(
                *source,
                KeyshareError::OperatorKeySize { bits: 1024 }
            ));
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn pkcs1_body_is_accepted_as_a_fallback() {
    let spki_op = &operators()[0];
    let pkcs1_der = {
        use rsa::pkcs1::EncodeRsaPublicKey;
        spki_op.key.rsa().to_pkcs1_der().unwrap()
    };
    let pem = format!(
        "-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----\n",
        BASE64.encode(pkcs1_der.as_bytes())
    );
    let key = OperatorPublicKey::from_base64(&BASE64.encode(pem)).unwrap();
    assert_eq!(key.rsa(), spki_op.key.rsa());
}

#[test]
fn unsorted_duplicate_and_wrong_size_committees() {
    let mut ops = operators();
    ops.swap(0, 1);
    let err = KeysharesBuilder::new(ops, owner()).unwrap_err();
    assert!(
        matches!(
            err,
            KeyshareError::Committee(CommitteeError::Unsorted {
                previous: 9,
                next: 5
            })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("sorted ascending"), "{err}");
    let mut ops = operators();
    ops[1].id = 5;
    assert!(matches!(
        KeysharesBuilder::new(ops, owner()),
        Err(KeyshareError::Committee(CommitteeError::Duplicate {
            id: 5
        }))
    ));
    let mut ops = operators();
    ops[0].id = 0;
    assert!(matches!(
        KeysharesBuilder::new(ops, owner()),
        Err(KeyshareError::Committee(CommitteeError::ZeroId))
    ));
    let mut ops = operators();
    ops.push(Operator {
        id: 41,
        key: ops[0].key.clone(),
    });
    assert!(matches!(
        KeysharesBuilder::new(ops, owner()),
        Err(KeyshareError::Committee(CommitteeError::Size { size: 5 }))
    ));
    let mut ops = operators();
    ops[3].key = ops[2].key.clone();
    assert!(matches!(
        KeysharesBuilder::new(ops, owner()),
        Err(KeyshareError::DuplicateOperatorKey {
            first: 12,
            second: 40
        })
    ));
}

/// ssv-dkg's wrapped key of operator 11 as JSON, to be edited by the keystore tests.
fn dkg_keystore() -> serde_json::Value {
    serde_json::from_str(&read_fixture(
        "ssv-dkg/operator1_encrypted_private_key.json",
    ))
    .unwrap()
}

fn open(keystore: &serde_json::Value, password: &str) -> Result<OperatorPrivateKey, KeyshareError> {
    OperatorPrivateKey::from_encrypted_json(&keystore.to_string(), password)
}

#[test]
fn operator_keystores_get_keygens_checks() {
    // 128 · 2^24 · 8 bytes = 16 GiB of scrypt memory: refused before any work is done.
    let mut ks = dkg_keystore();
    ks["kdf"] = serde_json::json!({
        "function": "scrypt",
        "params": {"dklen": 32, "n": 1u64 << 24, "r": 8, "p": 1, "salt": "00"},
        "message": ""
    });
    let err = open(&ks, "12345678").unwrap_err();
    assert!(
        matches!(
            err,
            KeyshareError::Keystore(keygen::KeygenError::InvalidKdfParams { .. })
        ),
        "{err:?}"
    );
    let mut ks = dkg_keystore();
    ks["cipher"]["function"] = serde_json::json!("aes-256-gcm");
    let err = open(&ks, "12345678").unwrap_err();
    assert!(
        matches!(
            err,
            KeyshareError::Keystore(keygen::KeygenError::UnsupportedCipher { .. })
        ),
        "{err:?}"
    );
    let mut ks = dkg_keystore();
    ks["kdf"]["params"].as_object_mut().unwrap().remove("salt");
    let err = open(&ks, "12345678").unwrap_err();
    assert!(
        matches!(
            err,
            KeyshareError::Keystore(keygen::KeygenError::KeystoreField {
                field: "crypto.kdf.params.salt",
                ..
            })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("crypto.kdf.params.salt"), "{err}");
    let err = OperatorPrivateKey::from_encrypted_json("{", "12345678").unwrap_err();
    assert!(
        matches!(
            err,
            KeyshareError::Keystore(keygen::KeygenError::KeystoreJson { .. })
        ),
        "{err:?}"
    );
}

#[test]
fn a_keystore_of_something_other_than_a_pem_is_refused() {
    // EIP-2335's PBKDF2 test vector (ethereum/ERCs `ERCS/erc-2335.md`), a whole keystore around a
    // BLS secret: it decrypts, but 0x0000000000_19d6689c… is not UTF-8 text.
    let vector = serde_json::json!({
        "crypto": {
            "kdf": {
                "function": "pbkdf2",
                "params": {
                    "dklen": 32,
                    "c": 262_144,
                    "prf": "hmac-sha256",
                    "salt": "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"
                },
                "message": ""
            },
            "checksum": {
                "function": "sha256",
                "params": {},
                "message": "8a9f5d9912ed7e75ea794bc5a89bca5f193721d30868ade6f73043c6ea6febf1"
            },
            "cipher": {
                "function": "aes-128-ctr",
                "params": {"iv": "264daa3f303d7259501c93d997d84fe6"},
                "message": "cee03fde2af33149775b7223e7845e4fb2c8ae1792e5f99fe9ecf474cc8c16ad"
            }
        },
        "pubkey": "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07",
        "path": "m/12381/60/0/0",
        "uuid": "64625def-3331-4eea-ab6f-782f3ed16a83",
        "version": 4
    });
    let password = "\u{1D531}\u{1D522}\u{1D530}\u{1D531}\u{1D52D}\u{1D51E}\u{1D530}\u{1D530}\u{1D534}\u{1D52C}\u{1D52F}\u{1D521}\u{1F511}";
    let err = open(&vector, password).unwrap_err();
    assert!(matches!(err, KeyshareError::KeystorePlaintext), "{err:?}");
    assert!(matches!(
        open(&vector, "testpassword"),
        Err(KeyshareError::KeystoreChecksum)
    ));
}

fn built_file(nonce: u64) -> KeysharesFile {
    let secrets = [
        ValidatorSecret::from_bytes(&[9; 32]).unwrap(),
        ValidatorSecret::from_bytes(&[10; 32]).unwrap(),
    ];
    KeysharesBuilder::new(operators(), owner())
        .unwrap()
        .nonce(nonce)
        .created_at("2026-01-01T00:00:00.000Z")
        .build(&secrets)
        .unwrap()
}

#[test]
fn wrong_nonce_is_reported_and_consecutive_nonces_pass() {
    let file = built_file(10);
    assert_eq!(
        file.items.iter().map(|i| i.owner_nonce).collect::<Vec<_>>(),
        [10, 11]
    );
    assert!(
        Verifier::new()
            .owner(owner())
            .nonce(10)
            .verify_file(&file)
            .iter()
            .all(keyshare::Verdict::is_ok)
    );
    let verdicts = Verifier::new().nonce(11).verify_file(&file);
    assert!(matches!(
        verdicts[0].failures.as_slice(),
        [KeyshareError::NonceMismatch {
            expected: 11,
            found: 10
        }]
    ));
    // Editing the nonce in the file breaks the signature.
    let mut edited = file.clone();
    edited.items[0].owner_nonce = 11;
    let verdict = &Verifier::new().verify_file(&edited)[0];
    assert!(matches!(
        verdict.failures.as_slice(),
        [KeyshareError::Signature { nonce: 11, .. }]
    ));
    let verdict = &Verifier::new()
        .owner(Address::repeat_byte(1))
        .verify_file(&file)[1];
    assert!(matches!(
        verdict.failures.as_slice(),
        [KeyshareError::OwnerMismatch { .. }]
    ));
}

#[test]
fn truncated_shares_data_is_reported() {
    let mut file = built_file(0);
    file.items[0].shares_data.pop();
    let verdict = &Verifier::new().verify_file(&file)[0];
    assert!(matches!(
        verdict.failures.as_slice(),
        [KeyshareError::SharesDataLength {
            operators: 4,
            expected: 1312,
            actual: 1311
        }]
    ));
    assert!(matches!(
        SharesData::from_bytes(&file.items[0].shares_data, 4),
        Err(KeyshareError::SharesDataLength { .. })
    ));
}

#[test]
fn a_swapped_share_key_breaks_interpolation() {
    let mut file = built_file(0);
    let data = SharesData::from_bytes(&file.items[0].shares_data, 4).unwrap();
    let mut pks = data.share_public_keys().to_vec();
    pks.swap(2, 3);
    let swapped =
        SharesData::new(*data.signature(), pks, data.encrypted_shares().to_vec()).unwrap();
    file.items[0].shares_data = swapped.to_bytes();
    let verdict = &Verifier::new().verify_file(&file)[0];
    assert!(matches!(
        verdict.failures.as_slice(),
        [KeyshareError::Interpolation { .. }]
    ));
}

#[test]
fn unknown_version_and_bad_hex_when_reading() {
    let file = built_file(0);
    let json = file.to_json();
    assert_eq!(KeysharesFile::from_json(&json).unwrap(), file);
    assert!(matches!(
        KeysharesFile::from_json(&json.replace("v1.1.0", "v1.3.0")),
        Err(KeyshareError::UnsupportedVersion(v)) if v == "v1.3.0"
    ));
    let bad = json.replacen("\"publicKey\": \"0x", "\"publicKey\": \"0xzz", 1);
    assert!(matches!(
        KeysharesFile::from_json(&bad),
        Err(KeyshareError::Hex {
            field: "data.publicKey",
            ..
        })
    ));
    assert!(matches!(
        KeysharesFile::from_json(r#"{"version":"v1.1.0","shares":[]}"#),
        Err(KeyshareError::EmptyFile)
    ));
}

#[test]
fn an_invalid_validator_public_key_is_reported() {
    let mut file = built_file(0);
    file.items[0].public_key = [0xab; 48];
    file.items[0].payload_public_key = [0xab; 48];
    let verdict = &Verifier::new().verify_file(&file)[0];
    assert!(matches!(
        verdict.failures.as_slice(),
        [KeyshareError::InvalidPublicKey { .. }]
    ));
}
