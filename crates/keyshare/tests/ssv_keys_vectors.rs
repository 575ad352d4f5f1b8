//! ssv-keys' mock keyshares (`src/lib/KeyShares/__test__/mock-key-shares/`): valid items
//! (ownership signatures by owner 0x8159…f494, given in lowercase, nonce 1) and the negative
//! cases ssv-keys rejects. Sources are listed in tests/fixtures/SOURCES.md.

mod common;

use alloy_primitives::Address;
use common::read_fixture;
use keyshare::{KeyshareError, KeysharesFile, SharesData, Verdict, Verifier, verify_ownership};

const OWNER: &str = "0x81592c3de184a3e2c0dcb5a261bc107bfa91f494";

/// The mock items are bare `{data, payload}` objects; wrap one in a v1.1.0 file.
fn wrap_item(rel: &str) -> String {
    format!(
        r#"{{"version":"v1.1.0","createdAt":"2023-12-10T09:46:49.972Z","shares":[{}]}}"#,
        read_fixture(rel)
    )
}

fn verdict(file: &KeysharesFile) -> Verdict {
    let mut verdicts = Verifier::new().verify_file(file);
    assert_eq!(verdicts.len(), 1);
    verdicts.remove(0)
}

#[test]
fn mock_signatures_verify_for_nonce_1_only() {
    let owner: Address = OWNER.parse().unwrap();
    for text in [
        wrap_item("ssv-keys/item-with-operators.json"),
        read_fixture("ssv-keys/multi-shares.json"),
    ] {
        let file = KeysharesFile::from_json(&text).unwrap();
        let item = &file.items[0];
        let data = SharesData::from_bytes(&item.shares_data, 4).unwrap();
        verify_ownership(&item.public_key, &owner, 1, data.signature()).unwrap();
        for nonce in [0, 2] {
            assert!(verify_ownership(&item.public_key, &owner, nonce, data.signature()).is_err());
        }
        // Beyond the signature, the mocks' share keys interpolate (at x = 5..8 and
        // x = 123, 456, 777, 789) to the validator key: the whole item passes.
        let v = Verifier::new().owner(owner).nonce(1).verify_file(&file);
        assert!(v[0].is_ok(), "{:?}", v[0].failures);
    }
}

#[test]
fn wrong_operator_id_is_rejected_when_reading() {
    let err = KeysharesFile::from_json(&wrap_item("ssv-keys/item-with-wrong-operator-id.json"))
        .unwrap_err();
    assert!(matches!(err, KeyshareError::Json(_)), "{err}");
}

#[test]
fn missing_operator_keys_are_reported_per_operator() {
    let file = KeysharesFile::from_json(&wrap_item("ssv-keys/item-with-missed-operator-key.json"))
        .unwrap();
    let v = verdict(&file);
    let bad: Vec<u64> = v
        .failures
        .iter()
        .filter_map(|f| match f {
            KeyshareError::Operator { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(bad, [5, 8]);
}

#[test]
fn duplicated_operator_key_is_reported() {
    let file = KeysharesFile::from_json(&wrap_item(
        "ssv-keys/item-with-duplicated-operator-key.json",
    ))
    .unwrap();
    let v = verdict(&file);
    assert!(
        v.failures.iter().any(|f| matches!(
            f,
            KeyshareError::DuplicateOperatorKey {
                first: 7,
                second: 8
            }
        )),
        "{:?}",
        v.failures
    );
}

#[test]
fn unknown_version_is_rejected() {
    let text = read_fixture("ssv-keys/multi-shares.json").replace("v1.1.0", "v2.0.0");
    assert!(matches!(
        KeysharesFile::from_json(&text),
        Err(KeyshareError::UnsupportedVersion(v)) if v == "v2.0.0"
    ));
}
