//! Byte-for-byte interop with the ethstaker-deposit 1.3.1 library, driven through
//! `tools/oracles/ethstaker_deposit.py` (one Python process per test, many cases per process).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use keygen::{
    DerivationPath, Keystore, Mnemonic, Network, SecretKey, WithdrawalCredentials,
    parse_withdrawal_address, sign_deposit, sign_voluntary_exit,
};
use serde_json::{Value, json};

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> PathBuf {
    let path = std::env::var_os("ETHSTAKER_PYTHON").map_or_else(
        || workspace_root().join(".tools/python/bin/python"),
        PathBuf::from,
    );
    assert!(
        path.exists(),
        "ethstaker-deposit Python not found at {}: run scripts/install-tools.sh \
         (or set ETHSTAKER_PYTHON)",
        path.display()
    );
    path
}

fn oracle(request: &Value) -> Value {
    let script = workspace_root().join("tools/oracles/ethstaker_deposit.py");
    let mut child = Command::new(python())
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the oracle");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("oracle prints JSON")
}

fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).unwrap();
    u32::from_le_bytes(b)
}

/// A random address written with its EIP-55 checksum, as users paste it.
fn random_address() -> String {
    let mut b = [0u8; 20];
    getrandom::fill(&mut b).unwrap();
    alloy_primitives::Address::from(b).to_checksum(None)
}

#[test]
fn deposit_data_matches_field_by_field() {
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for _ in 0..2 {
        let mnemonic = Mnemonic::generate().unwrap();
        let seed = mnemonic.to_seed("");
        let address_text = random_address();
        let address = parse_withdrawal_address(&address_text).unwrap();
        // A small index, a random one, and one past 2^31 (no hardening in EIP-2333).
        for index in [random_u32() % 8, random_u32() | 0x8000_0000] {
            for network in ["mainnet", "hoodi"] {
                for compounding in [false, true] {
                    let keys = seed.validator_keys(index);
                    let wc = if compounding {
                        WithdrawalCredentials::compounding(address)
                    } else {
                        WithdrawalCredentials::execution(address)
                    };
                    let net = Network::by_name(network).unwrap();
                    let amount = 32_000_000_000;
                    let datum = sign_deposit(&keys.signing, &wc, amount, &net).unwrap();
                    ours.push((datum, keys));
                    cases.push(json!({
                        "mnemonic": *mnemonic.phrase(),
                        "chain": network,
                        "withdrawal_address": address_text,
                        "compounding": compounding,
                        "index": index,
                        "amount": amount,
                    }));
                }
            }
        }
    }
    let reply = oracle(&json!({ "op": "deposits", "cases": cases }));
    let theirs = reply.as_array().unwrap();
    assert_eq!(theirs.len(), ours.len());
    for ((datum, keys), (theirs, case)) in ours.iter().zip(theirs.iter().zip(&cases)) {
        let mine = serde_json::to_value(datum.to_json()).unwrap();
        for field in [
            "pubkey",
            "withdrawal_credentials",
            "amount",
            "signature",
            "deposit_message_root",
            "deposit_data_root",
            "fork_version",
            "network_name",
            "deposit_cli_version",
        ] {
            assert_eq!(mine[field], theirs[field], "{field} differs for {case}");
        }
        assert_eq!(
            hex::encode(*keys.signing.to_bytes()),
            theirs["signing_sk"].as_str().unwrap()
        );
        // Withdrawal key m/12381/3600/{i}/0, and 0x00 credentials built from it.
        let withdrawal_pk = keys.withdrawal.public_key();
        assert_eq!(
            withdrawal_pk.to_hex(),
            theirs["withdrawal_pubkey"].as_str().unwrap()
        );
        let bls = WithdrawalCredentials::bls(&withdrawal_pk);
        let digest = <sha2::Sha256 as sha2::Digest>::digest(withdrawal_pk.as_bytes());
        assert_eq!(bls.as_bytes()[0], 0);
        assert_eq!(&bls.as_bytes()[1..], &digest[1..]);
    }
}

#[test]
fn keystores_decrypt_both_ways() {
    let mnemonic = Mnemonic::generate().unwrap();
    let seed = mnemonic.to_seed("");
    let index = random_u32() % 1000;
    let password = "correct horse \u{1F40E} battery";

    // Ours (default scrypt n = 2^18) opened by their Keystore class.
    let sk = seed.signing_key(index);
    let ours = Keystore::builder(&sk, password)
        .path(DerivationPath::signing(index))
        .build()
        .unwrap();
    let reply = oracle(&json!({ "op": "decrypt_keystores", "cases": [
        { "keystore": ours.to_json(), "password": password },
        { "keystore": ours.to_json(), "password": "not the password" },
    ]}));
    assert_eq!(
        reply[0]["secret"].as_str(),
        Some(hex::encode(*sk.to_bytes()).as_str()),
        "{reply}"
    );
    assert!(
        reply[1]["error"].as_str().unwrap().contains("Checksum"),
        "{reply}"
    );

    // Theirs opened by ours.
    let other = seed.signing_key(index + 1);
    let path = DerivationPath::signing(index + 1).to_string();
    let reply = oracle(&json!({ "op": "encrypt_keystores", "cases": [
        { "secret": hex::encode(*other.to_bytes()), "password": password, "path": path },
    ]}));
    let theirs = Keystore::from_json(reply[0].as_str().unwrap()).unwrap();
    assert_eq!(theirs.path(), path);
    let opened: SecretKey = theirs.decrypt(password).unwrap();
    assert_eq!(*opened.to_bytes(), *other.to_bytes());
    assert!(matches!(
        theirs.decrypt("not the password"),
        Err(keygen::KeygenError::WrongPassword)
    ));
}

#[test]
fn voluntary_exits_match() {
    let mnemonic = Mnemonic::generate().unwrap();
    let seed = mnemonic.to_seed("");
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for network in ["mainnet", "hoodi", "sepolia"] {
        let index = random_u32() % 100;
        let validator_index = u64::from(random_u32());
        let epoch = u64::from(random_u32() % 1_000_000);
        let exit = sign_voluntary_exit(
            &seed.signing_key(index),
            epoch,
            validator_index,
            &Network::by_name(network).unwrap(),
        );
        ours.push(serde_json::to_value(exit.to_json()).unwrap());
        cases.push(json!({
            "mnemonic": *mnemonic.phrase(), "chain": network, "index": index,
            "validator_index": validator_index, "epoch": epoch,
        }));
    }
    let reply = oracle(&json!({ "op": "exits", "cases": cases }));
    assert_eq!(reply, Value::Array(ours));
}
