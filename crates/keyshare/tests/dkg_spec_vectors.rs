//! dkg-spec's Shamir arithmetic vectors (`testing/fixtures/keys.go`): validator secrets for
//! 4, 7, 10 and 13 operators and their shares at x = 1..n. Any t shares recover the secret,
//! t − 1 do not. Sources are listed in tests/fixtures/SOURCES.md.

mod common;

use std::collections::BTreeMap;

use keyshare::{CommitteeSize, ShareSecret, recover_public_key, recover_secret};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    secret: String,
    shares: Vec<String>,
}

fn vectors() -> BTreeMap<usize, Vector> {
    let raw: BTreeMap<String, Vector> =
        serde_json::from_str(&common::read_fixture("dkg-spec/shamir.json")).unwrap();
    raw.into_iter()
        .map(|(n, v)| (n.parse().unwrap(), v))
        .collect()
}

/// All k-element subsets of 0..n, as index lists.
fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    (0u32..1 << n)
        .filter(|m| m.count_ones() as usize == k)
        .map(|m| (0..n).filter(|i| m & (1 << i) != 0).collect())
        .collect()
}

fn recovered_hex(shares: &[(u64, ShareSecret)], subset: &[usize]) -> Option<String> {
    let picked: Vec<(u64, &ShareSecret)> = subset
        .iter()
        .map(|&i| (shares[i].0, &shares[i].1))
        .collect();
    recover_secret(&picked)
        .ok()
        .map(|s| hex::encode(*s.to_bytes()))
}

#[test]
fn every_threshold_subset_recovers_and_no_smaller_one_does() {
    let vectors = vectors();
    assert_eq!(vectors.keys().copied().collect::<Vec<_>>(), [4, 7, 10, 13]);
    for (n, v) in &vectors {
        let t = CommitteeSize::try_from(*n).unwrap().threshold();
        assert_eq!(v.shares.len(), *n);
        let shares: Vec<(u64, ShareSecret)> = v
            .shares
            .iter()
            .zip(1u64..)
            .map(|(h, id)| (id, ShareSecret::from_hex(h).unwrap()))
            .collect();
        for subset in subsets(*n, t) {
            assert_eq!(
                recovered_hex(&shares, &subset).as_deref(),
                Some(v.secret.as_str()),
                "n={n} {subset:?}"
            );
        }
        for subset in subsets(*n, t - 1) {
            assert_ne!(
                recovered_hex(&shares, &subset).as_deref(),
                Some(v.secret.as_str()),
                "n={n} {subset:?}"
            );
        }
    }
}

#[test]
fn share_public_keys_recover_the_validator_public_key() {
    for (n, v) in &vectors() {
        let t = CommitteeSize::try_from(*n).unwrap().threshold();
        let secret = keyshare::ValidatorSecret::from_hex(&v.secret).unwrap();
        let points: Vec<(u64, [u8; 48])> = v
            .shares
            .iter()
            .zip(1u64..)
            .skip(n - t)
            .map(|(h, id)| (id, ShareSecret::from_hex(h).unwrap().public_key()))
            .collect();
        assert_eq!(
            recover_public_key(&points).unwrap(),
            secret.public_key(),
            "n={n}"
        );
        assert_ne!(
            recover_public_key(&points[1..]).unwrap(),
            secret.public_key(),
            "n={n}"
        );
    }
}
