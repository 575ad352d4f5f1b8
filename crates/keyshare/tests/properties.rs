//! Property tests: recombination from any t shares (scalars and G1), none from t − 1, and the
//! ownership signature binding exactly one owner and nonce.

use alloy_primitives::Address;
use keyshare::{
    CommitteeSize, ShareSecret, ValidatorSecret, recover_public_key, recover_secret,
    sign_ownership, split, verify_ownership,
};
use proptest::prelude::*;
use proptest::sample::subsequence;

fn secret_strategy() -> impl Strategy<Value = ValidatorSecret> {
    // Top byte below 0x73 keeps every value below r; the all-zero scalar is filtered.
    (0u8..0x73, any::<[u8; 31]>()).prop_filter_map("zero", |(top, rest)| {
        let mut bytes = [0u8; 32];
        bytes[0] = top;
        bytes[1..].copy_from_slice(&rest);
        ValidatorSecret::from_bytes(&bytes).ok()
    })
}

/// A committee: size n ∈ {4, 7, 10, 13} and n distinct ascending ids.
fn committee_strategy() -> impl Strategy<Value = Vec<u64>> {
    prop_oneof![Just(4usize), Just(7), Just(10), Just(13)].prop_flat_map(|n| {
        proptest::collection::btree_set(1u64..1_000_000, n).prop_map(|s| s.into_iter().collect())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_t_shares_recombine_and_t_minus_1_do_not(
        secret in secret_strategy(),
        (ids, pick) in committee_strategy().prop_flat_map(|ids| {
            let n = ids.len();
            let t = CommitteeSize::try_from(n).unwrap().threshold();
            (Just(ids), subsequence((0..n).collect::<Vec<_>>(), t))
        }),
    ) {
        let shares = split(&secret, &ids).unwrap();
        let chosen: Vec<(u64, &ShareSecret)> =
            pick.iter().map(|&i| (shares[i].operator_id, &shares[i].secret)).collect();
        prop_assert_eq!(*recover_secret(&chosen).unwrap().to_bytes(), *secret.to_bytes());
        let points: Vec<(u64, [u8; 48])> =
            pick.iter().map(|&i| (shares[i].operator_id, shares[i].public_key)).collect();
        prop_assert_eq!(recover_public_key(&points).unwrap(), secret.public_key());

        // Drop one share: t − 1 shares give neither the secret nor the public key.
        let fewer = &chosen[1..];
        let recovered = recover_secret(fewer).map(|s| *s.to_bytes()).ok();
        prop_assert_ne!(recovered, Some(*secret.to_bytes()));
        prop_assert_ne!(recover_public_key(&points[1..]).unwrap(), secret.public_key());
    }

    #[test]
    fn signature_verifies_for_exact_owner_and_nonce_only(
        secret in secret_strategy(),
        owner in any::<[u8; 20]>(),
        other in any::<[u8; 20]>(),
        nonce in any::<u64>(),
        delta in 1u64..1000,
    ) {
        let owner = Address::from(owner);
        let sig = sign_ownership(&secret, &owner, nonce);
        let pk = secret.public_key();
        prop_assert!(verify_ownership(&pk, &owner, nonce, &sig).is_ok());
        prop_assert!(verify_ownership(&pk, &owner, nonce.wrapping_add(delta), &sig).is_err());
        let other = Address::from(other);
        if other != owner {
            prop_assert!(verify_ownership(&pk, &other, nonce, &sig).is_err());
        }
    }
}
