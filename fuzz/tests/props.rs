//! A bounded proptest pass over the fuzz targets' entry points (256 cases each per run): the
//! seeds and corpus mutated (bytes flipped at chosen places, cut, a slice of itself spliced in) and
//! arbitrary bytes. Every call returns, a typed error or a value; none panics.

use std::path::Path;

use alloy::primitives::{B256, Bytes, LogData};
use proptest::prelude::*;
use stafi_router_fuzz::SSV_NETWORK;

/// Every seed and corpus input of the target.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<Vec<u8>> = ["seeds", "corpus"]
        .iter()
        .filter_map(|kind| std::fs::read_dir(root.join(kind).join(target)).ok())
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != ".gitkeep"))
        .map(|p| std::fs::read(p).unwrap())
        .filter(|b| !b.is_empty())
        .collect();
    out.sort();
    out
}

/// A seed of the target, mutated; or arbitrary bytes.
fn input(target: &str) -> impl Strategy<Value = Vec<u8>> {
    let mutated = prop::sample::select(seeds(target)).prop_flat_map(|bytes| {
        let n = bytes.len();
        (
            Just(bytes),
            prop::collection::vec((0..n, any::<u8>()), 0..8),
            0..=n,
            prop::option::of((0..n, 0..n)),
        )
            .prop_map(|(mut b, flips, cut, splice)| {
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
    });
    prop_oneof![
        4 => mutated,
        1 => prop::collection::vec(any::<u8>(), 0..600),
    ]
}

macro_rules! targets {
    ($($target:ident),* $(,)?) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
            $(
                #[test]
                fn $target(data in input(stringify!($target))) {
                    if let Err(e) = stafi_router_fuzz::$target(&data) {
                        prop_assert!(!e.to_string().trim().is_empty());
                    }
                }
            )*
        }
    };
}

targets!(
    keyshares_json,
    shares_data,
    operator_key,
    keystore_json,
    config_toml,
    beacon_api_json,
    ssv_api_json,
    ssvnetwork_logs,
);

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Logs built from parts, so the ABI decoders see every known topic with data of any
    /// length, and unknown topics.
    #[test]
    fn ssvnetwork_logs_from_parts(
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
        let mut topics = vec![if use_known { known } else { B256::from(random_topic) }];
        topics.extend(extra.into_iter().map(B256::from));
        let log = alloy::rpc::types::Log {
            inner: alloy::primitives::Log {
                address: SSV_NETWORK,
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
        let json = serde_json::to_vec(&vec![log]).unwrap();
        if let Err(e) = stafi_router_fuzz::ssvnetwork_logs(&json) {
            prop_assert!(!e.to_string().trim().is_empty());
        }
    }
}
