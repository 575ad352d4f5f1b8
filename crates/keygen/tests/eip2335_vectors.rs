//! EIP-2335 test vectors, from the EIP text (ethereum/ERCs `ERCS/erc-2335.md`, "Test Cases").

use keygen::{Kdf, KeygenError, Keystore, decrypt_keystore_secret, process_password};

const PASSWORD: &str = "\u{1D531}\u{1D522}\u{1D530}\u{1D531}\u{1D52D}\u{1D51E}\u{1D530}\u{1D530}\u{1D534}\u{1D52C}\u{1D52F}\u{1D521}\u{1F511}";
const SECRET: &str = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
const PUBKEY: &str = "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";

const SCRYPT: &str = r#"{
    "crypto": {
        "kdf": {
            "function": "scrypt",
            "params": {
                "dklen": 32,
                "n": 262144,
                "p": 1,
                "r": 8,
                "salt": "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"
            },
            "message": ""
        },
        "checksum": {
            "function": "sha256",
            "params": {},
            "message": "d2217fe5f3e9a1e34581ef8a78f7c9928e436d36dacc5e846690a5581e8ea484"
        },
        "cipher": {
            "function": "aes-128-ctr",
            "params": {
                "iv": "264daa3f303d7259501c93d997d84fe6"
            },
            "message": "06ae90d55fe0a6e9c5c3bc5b170827b2e5cce3929ed3f116c2811e6366dfe20f"
        }
    },
    "description": "This is a test keystore that uses scrypt to secure the secret.",
    "pubkey": "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07",
    "path": "m/12381/60/3141592653/589793238",
    "uuid": "1d85ae20-35c5-4611-98e8-aa14a633906f",
    "version": 4
}"#;

const PBKDF2: &str = r#"{
    "crypto": {
        "kdf": {
            "function": "pbkdf2",
            "params": {
                "dklen": 32,
                "c": 262144,
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
            "params": {
                "iv": "264daa3f303d7259501c93d997d84fe6"
            },
            "message": "cee03fde2af33149775b7223e7845e4fb2c8ae1792e5f99fe9ecf474cc8c16ad"
        }
    },
    "description": "This is a test keystore that uses PBKDF2 to secure the secret.",
    "pubkey": "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07",
    "path": "m/12381/60/0/0",
    "uuid": "64625def-3331-4eea-ab6f-782f3ed16a83",
    "version": 4
}"#;

#[test]
fn password_is_processed_per_the_eip() {
    assert_eq!(
        hex::encode(&*process_password(PASSWORD)),
        "7465737470617373776f7264f09f9491"
    );
    // C0, DEL and C1 controls are dropped; other characters are kept.
    assert_eq!(
        &*process_password("a\u{0}b\u{1f}c\u{7f}d\u{80}e\u{9f}f\u{a0}"),
        "abcdef ".as_bytes()
    );
}

#[test]
fn scrypt_vector_decrypts() {
    let ks = Keystore::from_json(SCRYPT).unwrap();
    assert_eq!(
        ks.kdf(),
        Kdf::Scrypt {
            n: 262_144,
            r: 8,
            p: 1
        }
    );
    assert_eq!(ks.path(), "m/12381/60/3141592653/589793238");
    assert_eq!(ks.uuid(), "1d85ae20-35c5-4611-98e8-aa14a633906f");
    let sk = ks.decrypt(PASSWORD).unwrap();
    assert_eq!(hex::encode(*sk.to_bytes()), SECRET);
    assert_eq!(sk.public_key().to_hex(), PUBKEY);
}

#[test]
fn pbkdf2_vector_decrypts() {
    let ks = Keystore::from_json(PBKDF2).unwrap();
    assert_eq!(ks.kdf(), Kdf::Pbkdf2 { c: 262_144 });
    let sk = ks.decrypt(PASSWORD).unwrap();
    assert_eq!(hex::encode(*sk.to_bytes()), SECRET);
    assert_eq!(ks.pubkey().unwrap().to_hex(), PUBKEY);
}

#[test]
fn wrong_password_on_the_vector_is_a_checksum_error() {
    let ks = Keystore::from_json(PBKDF2).unwrap();
    let err = ks.decrypt("testpassword").unwrap_err();
    assert!(matches!(err, keygen::KeygenError::WrongPassword), "{err}");
    assert!(err.to_string().contains("wrong password"), "{err}");
}

#[test]
fn the_secret_decrypts_from_a_whole_keystore_or_a_bare_crypto_object() {
    let plain = decrypt_keystore_secret(PBKDF2, PASSWORD).unwrap();
    assert_eq!(hex::encode(&*plain), SECRET);
    // ssv-dkg writes only the `crypto` object (its operators' `encrypted_private_key.json`).
    let full: serde_json::Value = serde_json::from_str(PBKDF2).unwrap();
    let bare = full["crypto"].to_string();
    assert_eq!(
        hex::encode(&*decrypt_keystore_secret(&bare, PASSWORD).unwrap()),
        SECRET
    );
    assert!(matches!(
        decrypt_keystore_secret(&bare, "testpassword"),
        Err(KeygenError::WrongPassword)
    ));
}

#[test]
fn a_bare_crypto_object_gets_the_keystore_checks() {
    let full: serde_json::Value = serde_json::from_str(SCRYPT).unwrap();
    let mut crypto = full["crypto"].clone();
    // 128 · 2^24 · 8 bytes = 16 GiB of scrypt memory is refused before any work is done.
    crypto["kdf"]["params"]["n"] = serde_json::json!(1u64 << 24);
    let err = decrypt_keystore_secret(&crypto.to_string(), PASSWORD).unwrap_err();
    assert!(
        matches!(err, KeygenError::InvalidKdfParams { .. }),
        "{err:?}"
    );
    let mut crypto = full["crypto"].clone();
    crypto["cipher"]["function"] = serde_json::json!("aes-256-gcm");
    let err = decrypt_keystore_secret(&crypto.to_string(), PASSWORD).unwrap_err();
    assert!(
        matches!(err, KeygenError::UnsupportedCipher { ref function } if function == "aes-256-gcm"),
        "{err:?}"
    );
    let err = decrypt_keystore_secret("[1, 2]", PASSWORD).unwrap_err();
    assert!(matches!(err, KeygenError::KeystoreJson { .. }), "{err:?}");
}
