//! Bad input gives typed errors whose messages name what was wrong, and writes no file.

use keygen::{
    DepositPlan, DerivationPath, Kdf, KeygenError, Keystore, Mnemonic, MnemonicStore, Network,
    WithdrawalTarget, open_keystore, open_mnemonic_store, parse_withdrawal_address,
    write_secret_file,
};

const ABOUT: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
/// Lowest scrypt cost, so the round trips are fast; real keystores use `Kdf::DEFAULT`.
const LIGHT: Kdf = Kdf::Scrypt { n: 16, r: 8, p: 1 };

fn light_keystore() -> (keygen::SecretKey, Keystore) {
    let sk = Mnemonic::parse(ABOUT).unwrap().signing_key(3);
    let ks = Keystore::builder(&sk, "pw")
        .path(DerivationPath::signing(3))
        .kdf(LIGHT)
        .build()
        .unwrap();
    (sk, ks)
}

#[test]
fn unknown_word_names_its_position_not_the_word() {
    let phrase = ABOUT.replacen("abandon", "abandom", 1);
    let err = Mnemonic::parse(&phrase).unwrap_err();
    assert!(
        matches!(err, KeygenError::MnemonicUnknownWord { position: 1 }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("word 1") && !msg.contains("abandom"), "{msg}");
}

#[test]
fn bad_checksum_and_word_count() {
    let swapped = ABOUT.replace("about", "abandon");
    let err = Mnemonic::parse(&swapped).unwrap_err();
    assert!(matches!(err, KeygenError::MnemonicChecksum), "{err:?}");
    assert!(err.to_string().contains("checksum"));
    let err = Mnemonic::parse("abandon abandon about").unwrap_err();
    assert!(
        matches!(err, KeygenError::MnemonicWordCount { count: 3 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("3 words"));
}

#[test]
fn mnemonic_parsing_tolerates_case_and_spacing_and_hides_words_in_debug() {
    let messy = format!("  {}\n", ABOUT.to_uppercase().replace(' ', "\t "));
    let m = Mnemonic::parse(&messy).unwrap();
    assert_eq!(*m.phrase(), ABOUT);
    let debug = format!("{m:?} {:?} {:?}", m.to_seed(""), m.signing_key(0));
    assert!(
        !debug.contains("abandon") && debug.contains("redacted"),
        "{debug}"
    );
}

#[test]
fn generated_mnemonics_have_24_words_and_differ() {
    let a = Mnemonic::generate().unwrap();
    let b = Mnemonic::generate().unwrap();
    assert_eq!(a.word_count(), 24);
    assert_ne!(*a.phrase(), *b.phrase());
    assert_eq!(Mnemonic::parse(&a.phrase()).unwrap(), a);
}

#[test]
fn derivation_paths_parse_and_reject() {
    let p: DerivationPath = "m/12381/3600/7/0/0".parse().unwrap();
    assert_eq!(p, DerivationPath::signing(7));
    assert_eq!(p.to_string(), "m/12381/3600/7/0/0");
    assert_eq!(p.file_stem(), "m_12381_3600_7_0_0");
    assert_eq!(
        "m".parse::<DerivationPath>().unwrap().indices(),
        &[] as &[u32]
    );
    for (bad, needle) in [
        ("12381/3600/0", "must start with"),
        ("m/12381//0", "level 2"),
        ("m/12381/3600'/0", "level 2 is \"3600'\""),
        ("m/4294967296", "does not fit in 32 bits"),
        ("m/-1", "not a decimal index"),
    ] {
        let err = bad.parse::<DerivationPath>().unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, KeygenError::InvalidPath { .. }), "{bad}");
        assert!(msg.contains(needle) && msg.contains(bad), "{bad}: {msg}");
    }
}

#[test]
fn wrong_password_is_a_checksum_error_never_a_key() {
    let (sk, ks) = light_keystore();
    assert_eq!(*ks.decrypt("pw").unwrap().to_bytes(), *sk.to_bytes());
    for wrong in ["Pw", "pw ", ""] {
        assert!(matches!(ks.decrypt(wrong), Err(KeygenError::WrongPassword)));
    }
    // Control characters are stripped from passwords, so these are the same password.
    assert!(ks.decrypt("p\u{7}w").is_ok());
}

#[test]
fn corrupted_keystore_json_is_reported() {
    let (_, ks) = light_keystore();
    let json = ks.to_json();
    let err = Keystore::from_json(&json[..json.len() / 2]).unwrap_err();
    assert!(matches!(err, KeygenError::KeystoreJson { .. }), "{err:?}");
    assert!(err.to_string().contains("corrupted"), "{err}");

    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["crypto"]["cipher"]["params"]["iv"] = "zz".into();
    let err = Keystore::from_json(&v.to_string()).unwrap_err();
    assert!(err.to_string().contains("crypto.cipher.params.iv"), "{err}");

    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["crypto"]["checksum"]["message"] = "00".into();
    let err = Keystore::from_json(&v.to_string()).unwrap_err();
    assert!(err.to_string().contains("crypto.checksum.message"), "{err}");

    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["version"] = 3.into();
    let err = Keystore::from_json(&v.to_string()).unwrap_err();
    assert!(matches!(err, KeygenError::KeystoreVersion { version: 3 }));

    // Flipping a ciphertext byte breaks the checksum: reported as a wrong password.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let msg = v["crypto"]["cipher"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    let flipped = format!("{}{}", if &msg[..1] == "0" { "1" } else { "0" }, &msg[1..]);
    v["crypto"]["cipher"]["message"] = flipped.into();
    let ks = Keystore::from_json(&v.to_string()).unwrap();
    assert!(matches!(ks.decrypt("pw"), Err(KeygenError::WrongPassword)));

    // A keystore whose pubkey belongs to another key.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let other = Mnemonic::parse(ABOUT).unwrap().signing_key(4).public_key();
    v["pubkey"] = other.to_hex().into();
    let err = Keystore::from_json(&v.to_string())
        .unwrap()
        .decrypt("pw")
        .unwrap_err();
    assert!(
        matches!(err, KeygenError::KeystorePubkeyMismatch { .. }),
        "{err:?}"
    );
}

#[test]
fn unsupported_kdf_cipher_and_params() {
    let (_, ks) = light_keystore();
    let json = ks.to_json();
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        f(&mut v);
        Keystore::from_json(&v.to_string()).unwrap_err()
    };
    let err = edit(&|v| v["crypto"]["kdf"]["function"] = "argon2id".into());
    assert!(
        matches!(&err, KeygenError::UnsupportedKdf { function } if function == "argon2id"),
        "{err:?}"
    );
    assert!(err.to_string().contains("\"argon2id\""));
    let err = edit(&|v| v["crypto"]["cipher"]["function"] = "aes-256-gcm".into());
    assert!(err.to_string().contains("aes-256-gcm"), "{err}");
    let err = edit(&|v| v["crypto"]["checksum"]["function"] = "keccak256".into());
    assert!(err.to_string().contains("keccak256"), "{err}");
    let err = edit(&|v| v["crypto"]["kdf"]["params"]["n"] = 1000.into());
    assert!(err.to_string().contains("power of two"), "{err}");
    let err = edit(&|v| v["crypto"]["kdf"]["params"]["n"] = (1u64 << 30).into());
    assert!(err.to_string().contains("1 GiB"), "{err}");
    let err = edit(&|v| {
        v["crypto"]["kdf"]["params"]
            .as_object_mut()
            .unwrap()
            .remove("salt");
    });
    assert!(
        err.to_string()
            .contains("crypto.kdf.params.salt is invalid: missing"),
        "{err}"
    );
}

#[test]
fn bad_addresses() {
    for (input, needle) in [
        ("1111111111111111111111111111111111111111", "0x"),
        ("0x11111111111111111111111111111111111111", "40 hex digits"),
        ("0x111111111111111111111111111111111111111g", "non-hex"),
        (
            "0x52908400098527886E0F7030069857D2E4169EE7"
                .to_ascii_lowercase()
                .as_str(),
            "",
        ),
        ("0x52908400098527886e0F7030069857D2E4169EE7", "EIP-55"),
        ("0x0000000000000000000000000000000000000000", "zero address"),
    ] {
        let result = parse_withdrawal_address(input);
        if needle.is_empty() {
            assert!(result.is_ok(), "{input}");
            continue;
        }
        let err = result.unwrap_err();
        assert!(matches!(err, KeygenError::InvalidAddress { .. }));
        let msg = err.to_string();
        assert!(msg.contains(needle) && msg.contains(input), "{msg}");
    }
    assert!(parse_withdrawal_address("0x52908400098527886E0F7030069857D2E4169EE7").is_ok());
}

#[test]
fn unknown_network_and_bad_amounts() {
    let err = "goerli".parse::<Network>().unwrap_err();
    assert!(matches!(err, KeygenError::UnknownNetwork { .. }));
    let seed = Mnemonic::parse(ABOUT).unwrap().to_seed("");
    let plan = DepositPlan::new(Network::by_name("hoodi").unwrap(), WithdrawalTarget::Bls);
    for amount in [0, 999_999_999, 2_048_000_000_001] {
        let err = plan.clone().amount_gwei(amount).run(&seed).unwrap_err();
        assert!(err.to_string().contains(&format!("{amount} gwei")), "{err}");
    }
    let err = plan
        .clone()
        .start_index(u32::MAX)
        .count(2)
        .run(&seed)
        .unwrap_err();
    assert!(matches!(err, KeygenError::IndexRange { .. }), "{err:?}");
}

#[test]
fn mnemonic_store_round_trip_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let m = Mnemonic::generate().unwrap();
    let store = MnemonicStore::encrypt(&m, "store pw", LIGHT).unwrap();
    let json = store.to_json();
    assert!(!json.contains(m.phrase().as_str()));
    assert_eq!(store.kdf(), LIGHT);
    let path = dir.path().join("mnemonic.json");
    write_secret_file(&path, json.as_bytes()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let opened = open_mnemonic_store(&path, "store pw").unwrap();
    assert_eq!(*opened.phrase(), *m.phrase());
    assert_eq!(
        *opened.signing_key(5).to_bytes(),
        *m.signing_key(5).to_bytes()
    );
    assert!(matches!(
        open_mnemonic_store(&path, "other"),
        Err(KeygenError::WrongPassword)
    ));
    // Never overwrites.
    let err = write_secret_file(&path, b"{}").unwrap_err();
    assert!(err.to_string().contains("mnemonic.json"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), json);
    // A keystore is not a mnemonic store, and the error names the file.
    let (_, ks) = light_keystore();
    let ks_path = dir.path().join("keystore.json");
    write_secret_file(&ks_path, ks.to_json().as_bytes()).unwrap();
    let err = open_mnemonic_store(&ks_path, "pw").unwrap_err();
    assert!(err.to_string().contains("keystore.json"), "{err}");
    assert_eq!(
        *open_keystore(&ks_path, "pw").unwrap().to_bytes(),
        *Mnemonic::parse(ABOUT).unwrap().signing_key(3).to_bytes()
    );
    let err = open_keystore(&dir.path().join("missing.json"), "pw").unwrap_err();
    assert!(matches!(err, KeygenError::Io { .. }), "{err:?}");
}
