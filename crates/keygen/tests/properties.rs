//! Property tests: derive → sign → verify, and deposit and exit signatures verify against the
//! pubkey and the network's domain (and not another network's).

use keygen::{
    Network, Seed, SignedVoluntaryExit, WithdrawalCredentials, compute_signing_root,
    deposit_domain, sign_deposit, sign_voluntary_exit,
};
use proptest::prelude::*;

fn network() -> impl Strategy<Value = Network> {
    prop::sample::select(vec!["mainnet", "hoodi", "holesky", "sepolia"])
        .prop_map(|n| Network::by_name(n).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn derive_sign_verify(seed in prop::array::uniform32(any::<u8>()), path in prop::collection::vec(any::<u32>(), 0..6), msg in prop::collection::vec(any::<u8>(), 0..64)) {
        let seed = Seed::from_bytes(&seed).unwrap();
        let path: keygen::DerivationPath = std::iter::once("m".to_owned())
            .chain(path.iter().map(u32::to_string))
            .collect::<Vec<_>>()
            .join("/")
            .parse()
            .unwrap();
        let sk = seed.derive(&path);
        let pk = sk.public_key();
        let sig = sk.sign(&msg);
        prop_assert!(sig.verify(&msg, &pk));
        let mut other = msg.clone();
        other.push(1);
        prop_assert!(!sig.verify(&other, &pk));
        // The key round-trips through its bytes.
        let again = keygen::SecretKey::from_bytes(&*sk.to_bytes()).unwrap();
        prop_assert_eq!(again.public_key(), pk);
    }

    #[test]
    fn deposit_signature_verifies_against_pubkey_and_domain(
        seed in prop::array::uniform32(any::<u8>()),
        index in any::<u32>(),
        address in prop::array::uniform20(any::<u8>()),
        compounding in any::<bool>(),
        amount in keygen::MIN_DEPOSIT_GWEI..=keygen::MAX_DEPOSIT_GWEI,
        net in network(),
    ) {
        let seed = Seed::from_bytes(&seed).unwrap();
        let sk = seed.signing_key(index);
        let address = alloy_primitives::Address::from(address);
        let wc = if compounding {
            WithdrawalCredentials::compounding(address)
        } else {
            WithdrawalCredentials::execution(address)
        };
        let d = sign_deposit(&sk, &wc, amount, &net).unwrap();
        prop_assert!(d.verify(&net).is_ok());
        let signing_root = compute_signing_root(d.deposit_message_root, deposit_domain(&net));
        prop_assert!(d.signature.verify(&signing_root, &sk.public_key()));
        let other = if net.name == "mainnet" { "hoodi" } else { "mainnet" };
        prop_assert!(d.verify(&Network::by_name(other).unwrap()).is_err());
        let mut tampered = d.clone();
        tampered.amount_gwei = amount ^ 1;
        prop_assert!(tampered.verify(&net).is_err());
    }

    #[test]
    fn exit_signature_is_bound_to_the_network(
        seed in prop::array::uniform32(any::<u8>()),
        index in any::<u32>(),
        epoch in any::<u64>(),
        validator_index in any::<u64>(),
        net in network(),
    ) {
        let sk = Seed::from_bytes(&seed).unwrap().signing_key(index);
        let exit: SignedVoluntaryExit = sign_voluntary_exit(&sk, epoch, validator_index, &net);
        prop_assert!(exit.verify(&sk.public_key(), &net));
        for other in Network::known_names().filter(|n| *n != net.name) {
            prop_assert!(!exit.verify(&sk.public_key(), &Network::by_name(other).unwrap()));
        }
        let json = exit.to_json();
        prop_assert_eq!(json.message.epoch, epoch.to_string());
        prop_assert_eq!(json.message.validator_index, validator_index.to_string());
        prop_assert!(json.signature.starts_with("0x") && json.signature.len() == 194);
    }
}
