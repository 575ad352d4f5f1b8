//! One validator's keys through the router's offline pipeline: the key `keygen` derives for the
//! deposit is the key `keyshare` splits, and what SSV nodes would decrypt recombines to it.

use alloy_primitives::Address;
use keygen::{DepositPlan, Mnemonic, WithdrawalTarget, parse_withdrawal_address};
use keyshare::{
    KeysharesBuilder, KeysharesFile, Operator, OperatorPrivateKey, OperatorPublicKey,
    ValidatorSecret, Verifier,
};
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};

const MNEMONIC: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn committee(ids: &[u64]) -> (Vec<Operator>, Vec<(u64, OperatorPrivateKey)>) {
    let mut public = Vec::new();
    let mut private = Vec::new();
    for &id in ids {
        let sk = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).expect("RSA key generation");
        let pem = sk.to_pkcs1_pem(LineEnding::LF).expect("PKCS#1 PEM");
        let key = OperatorPublicKey::from_rsa(sk.to_public_key()).expect("2048-bit key");
        public.push(Operator::from_base64(id, key.encoded()).expect("round-trips"));
        private.push((id, OperatorPrivateKey::from_pem(&pem).expect("PEM parses")));
    }
    (public, private)
}

#[test]
fn deposit_key_is_the_key_the_operators_share() {
    let seed = Mnemonic::parse(MNEMONIC).unwrap().to_seed("");
    let withdraw = parse_withdrawal_address("0x1111111111111111111111111111111111111111").unwrap();
    // StaFi's first step: 1 ETH deposits for validators 0..2.
    let deposits = DepositPlan::new(
        "hoodi".parse().unwrap(),
        WithdrawalTarget::Execution(withdraw),
    )
    .amount_gwei(1_000_000_000)
    .start_index(0)
    .count(2)
    .run(&seed)
    .unwrap();

    let owner: Address = "0x81592c3De184A3E2c0DCB5a261BC107Bfa91f494"
        .parse()
        .unwrap();
    let (operators, private_keys) = committee(&[2, 9, 31, 77]);
    let secrets: Vec<ValidatorSecret> = (0..2)
        .map(|i| ValidatorSecret::from_bytes(&seed.signing_key(i).to_bytes()).unwrap())
        .collect();
    let file = KeysharesBuilder::new(operators, owner)
        .unwrap()
        .nonce(7)
        .build(&secrets)
        .unwrap();

    // The file survives its own JSON, as it would on the way to an SSV node or the webapp.
    let file = KeysharesFile::from_json(&file.to_json()).unwrap();
    for (item, deposit) in file.items.iter().zip(&deposits) {
        assert_eq!(&item.public_key, deposit.pubkey.as_bytes());
    }
    assert_eq!(
        file.items.iter().map(|i| i.owner_nonce).collect::<Vec<_>>(),
        [7, 8]
    );

    let mut verifier = Verifier::new().owner(owner).nonce(7);
    for (id, key) in private_keys {
        verifier = verifier.operator_key(id, key);
    }
    let verdicts = verifier.verify_file(&file);
    for v in &verdicts {
        assert!(v.is_ok(), "validator {} failed: {:?}", v.index, v.failures);
        assert_eq!(v.decrypted, [2, 9, 31, 77]);
    }

    // The wrong nonce is caught before anything could be sent.
    let wrong = Verifier::new().owner(owner).nonce(8).verify_file(&file);
    assert!(wrong.iter().all(|v| !v.is_ok()));
}
