//! Deposit-data reference output of ethstaker-deposit 1.3.1 (PyPI `ethstaker-deposit==1.3.1`,
//! `Credential.deposit_datum_dict`): `abandon`×11 + `about`, index 0, 0x01 to 0x1111…1111, 32 ETH.

use keygen::{
    DepositPlan, Mnemonic, Network, WithdrawalCredentials, WithdrawalTarget,
    parse_withdrawal_address, sign_deposit,
};

const MNEMONIC: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const ADDRESS: &str = "0x1111111111111111111111111111111111111111";
const SIGNING_SK: &str = "3ec45abb2792f1f287ab1434acfde9d7aac879eb74c45cf7b59d25f15ba7a650";
const PUBKEY: &str = "b3e445d43871965d890a398f719348a1405ac72e35b92727cc570026f54471af7ea7b2040622a8fd0b5bfb2a209b5911";
const WC: &str = "0100000000000000000000001111111111111111111111111111111111111111";
const MESSAGE_ROOT: &str = "69bc672b761884496222e7787276ff7e50f800f33216f27505a020a09ed0f2ab";

fn deposit(network: &str) -> keygen::DepositDatum {
    let seed = Mnemonic::parse(MNEMONIC).unwrap().to_seed("");
    let address = parse_withdrawal_address(ADDRESS).unwrap();
    let mut out = DepositPlan::new(
        Network::by_name(network).unwrap(),
        WithdrawalTarget::Execution(address),
    )
    .amount_gwei(32_000_000_000)
    .run(&seed)
    .unwrap();
    assert_eq!(out.len(), 1);
    out.remove(0)
}

#[test]
fn signing_key_and_pubkey() {
    let m = Mnemonic::parse(MNEMONIC).unwrap();
    let sk = m.signing_key(0);
    assert_eq!(hex::encode(*sk.to_bytes()), SIGNING_SK);
    assert_eq!(sk.public_key().to_hex(), PUBKEY);
}

#[test]
fn mainnet_reference_deposit() {
    let d = deposit("mainnet");
    let json = d.to_json();
    assert_eq!(json.pubkey, PUBKEY);
    assert_eq!(json.withdrawal_credentials, WC);
    assert_eq!(json.amount, 32_000_000_000);
    assert_eq!(json.deposit_message_root, MESSAGE_ROOT);
    assert_eq!(
        json.signature,
        "ab16095a05f4a59c67c7bce1b1446df67e5dc8bf58e151d6ef429d7cab542e2030595c70d5ee4c836da752b7a2b2216013920e19dc69a74d598a5cef6a214026f7fab2fa8c4ec3dea9a840f17b9393180b12100638b0fab63bc6696ec247eae7"
    );
    assert_eq!(
        json.deposit_data_root,
        "2bf5e19730af00ba7252ad9928e1fe8a9ae7f598bd3f1ad96ea094663f40c946"
    );
    assert_eq!(json.fork_version, "00000000");
    assert_eq!(json.network_name, "mainnet");
    assert_eq!(json.deposit_cli_version, "1.3.1");
}

#[test]
fn hoodi_reference_deposit() {
    let json = deposit("hoodi").to_json();
    assert_eq!(json.deposit_message_root, MESSAGE_ROOT);
    assert_eq!(
        json.signature,
        "b7aaa4dcf745c74654356680aad899dea81ecee9330a2a6fbc5837a2946c6ca7bf3e186fd2703dc5a25d34e99a3ae41209ce1caecfd8560e75ad1aa72e7a40b651c2ed637484ee3449a0a37e1c23cb6172cd1ab9e6fdc31a48667326130a9ab2"
    );
    assert_eq!(
        json.deposit_data_root,
        "55cb327df8939b0004233080d25dc9cb09b2e964335752512c9495aad3caf9a0"
    );
    assert_eq!(json.fork_version, "10000910");
}

#[test]
fn holesky_reference_deposit() {
    let json = deposit("holesky").to_json();
    assert_eq!(
        json.deposit_data_root,
        "4668dab9b6210c096e1fd79c99ae6acb3b54ad9b9b7811a6e9548386cc971457"
    );
}

#[test]
fn stafi_amounts_sign_distinct_messages_that_verify() {
    // SuperNode: 1 ETH pre-deposit, then 31 ETH stake, each with its own signature and root.
    let m = Mnemonic::parse(MNEMONIC).unwrap();
    let sk = m.signing_key(0);
    let wc = WithdrawalCredentials::execution(parse_withdrawal_address(ADDRESS).unwrap());
    let network = Network::by_name("mainnet").unwrap();
    let first = sign_deposit(&sk, &wc, 1_000_000_000, &network).unwrap();
    let stake = sign_deposit(&sk, &wc, 31_000_000_000, &network).unwrap();
    assert_ne!(first.deposit_message_root, stake.deposit_message_root);
    assert_ne!(first.deposit_data_root, stake.deposit_data_root);
    first.verify(&network).unwrap();
    stake.verify(&network).unwrap();
    assert!(stake.verify(&Network::by_name("hoodi").unwrap()).is_err());
}
