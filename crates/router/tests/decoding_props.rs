//! A bounded proptest pass over every entry point that reads untrusted input: keyshares JSON
//! and sharesData, an operator's base64 key, EIP-2335 keystore JSON, the router's TOML
//! configuration, beacon-API and SSV-API JSON, and SSVNetwork log decoding. Inputs are valid
//! samples with bytes flipped, cut or spliced, and arbitrary text; every call returns (a typed
//! error or a value) and none panics.

use std::path::Path;

use alloy::primitives::{Address, B256, Bytes, LogData};
use proptest::prelude::*;

fn fixture(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)).unwrap()
}

/// A valid sample, mutated: bytes flipped at chosen places, cut, or with a slice of itself
/// spliced in.
fn mutated(sample: String) -> impl Strategy<Value = Vec<u8>> {
    let bytes = sample.into_bytes();
    let n = bytes.len();
    (
        prop::collection::vec((0..n, any::<u8>()), 0..8),
        0..=n,
        prop::option::of((0..n, 0..n)),
    )
        .prop_map(move |(flips, cut, splice)| {
            let mut b = bytes.clone();
            for (i, v) in flips {
                b[i] = v;
            }
            if let Some((from, to)) = splice {
                let (a, z) = (from.min(to), from.max(to));
                let piece = b[a..z].to_vec();
                b.splice(a..a, piece);
            }
            b.truncate(cut.max(1));
            b
        })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const BEACON_VALIDATOR: &str = r#"{"index":"7","balance":"32000000000","status":"active_ongoing","validator":{"pubkey":"0x93247f2209abcacf57b75a51dafae777f9dd38bc7053d1af526f220a7489a6d3a2753e5f3e8b1cfe39b56f43611df74a","withdrawal_credentials":"0x0100000000000000000000000000000000000000000000000000000000000001","effective_balance":"32000000000","slashed":false,"activation_eligibility_epoch":"0","activation_epoch":"0","exit_epoch":"18446744073709551615","withdrawable_epoch":"18446744073709551615"}}"#;

const SSV_OPERATOR: &str = r#"{"id":1,"id_str":"1","declared_fee":"0","previous_fee":"0","fee":"382640000000","eth_fee":"1778800000","public_key":"LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0tCk1JSUJJakFOQmdrcWhraUc5dzBCQVFFRkFBT0NBUThBTUlJQkNnS0NBUUVBCi0tLS0tRU5EIFJTQSBQVUJMSUMgS0VZLS0tLS0K","owner_address":"0x0000000000000000000000000000000000000001","is_private":false,"whitelist_addresses":[],"location":"","setup_provider":"","eth1_node_client":"","eth2_node_client":"","mev_relays":"","dkg_address":"","type":"operator","name":"a","performance":{"24h":99.9,"30d":99.9},"is_valid":true,"is_deleted":false,"is_active":1,"status":"Active","validators_count":3,"version":"v4","network":"mainnet"}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn keyshares_json(input in mutated(fixture("keyshare/tests/fixtures/ssv-keys/multi-shares.json"))) {
        let _ = keyshare::KeysharesFile::from_json(&text(&input));
    }

    #[test]
    fn shares_data(bytes in prop::collection::vec(any::<u8>(), 0..2_000), operators in 0usize..16) {
        let _ = keyshare::SharesData::from_bytes(&bytes, operators);
    }

    #[test]
    fn operator_key(input in mutated(SSV_OPERATOR[SSV_OPERATOR.find("LS0t").unwrap()..].split('"').next().unwrap().to_owned())) {
        let _ = keyshare::Operator::from_base64(1, &text(&input));
    }

    #[test]
    fn keystore_json(input in mutated(fixture("keyshare/tests/fixtures/ssv-dkg/operator1_encrypted_private_key.json"))) {
        let _ = keygen::Keystore::from_json(&text(&input));
    }

    #[test]
    fn config_toml(input in mutated(toml::to_string(&router::Config::example()).unwrap())) {
        let _ = router::Config::from_toml(
            &text(&input),
            Path::new("stafi-router.toml"),
            Path::new("."),
            [],
            &[],
        );
    }

    #[test]
    fn beacon_validator_json(input in mutated(BEACON_VALIDATOR.to_owned())) {
        let _ = serde_json::from_slice::<router::BeaconValidator>(&input);
    }

    #[test]
    fn ssv_api_operator_json(input in mutated(SSV_OPERATOR.to_owned())) {
        let _ = serde_json::from_slice::<ssv_api::wire::Operator>(&input);
    }

    #[test]
    fn ssvnetwork_logs(
        known in prop::sample::select(
            ssv_sync::cluster_event_topics()
                .into_iter()
                .chain(ssv_sync::protocol_event_topics())
                .collect::<Vec<B256>>(),
        ),
        random_topic in any::<[u8; 32]>(),
        use_known in any::<bool>(),
        extra in prop::collection::vec(any::<[u8; 32]>(), 0..4),
        data in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let network = Address::repeat_byte(0x55);
        let mut topics = vec![if use_known { known } else { B256::from(random_topic) }];
        topics.extend(extra.into_iter().map(B256::from));
        let log = alloy::rpc::types::Log {
            inner: alloy::primitives::Log {
                address: network,
                data: LogData::new_unchecked(topics, Bytes::from(data)),
            },
            block_hash: Some(B256::repeat_byte(1)),
            block_number: Some(10),
            block_timestamp: None,
            transaction_hash: Some(B256::repeat_byte(2)),
            transaction_index: Some(0),
            log_index: Some(0),
            removed: false,
        };
        let _ = ssv_sync::decode_log(&log, network);
    }
}
