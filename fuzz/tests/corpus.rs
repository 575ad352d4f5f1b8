//! The checked-in inputs replayed through every target: the named seeds (`fuzz/seeds/<target>/`,
//! valid samples from upstream fixtures and spec vectors, and edge cases) and the corpus that
//! fuzzing grew and minimised (`fuzz/corpus/<target>/`). Each input returns, none panics, every
//! error says what was wrong, and the seeds named `ok-*` are accepted, so a target that
//! rejected everything would fail here.

use std::path::{Path, PathBuf};

use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::sol_types::SolEvent;
use stafi_contracts::Cluster;
use stafi_contracts::ssv_network::SSVNetwork;
use stafi_router_fuzz::{SSV_NETWORK, TARGETS};

fn dir(kind: &str, target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(kind)
        .join(target)
}

#[test]
fn every_corpus_input_returns_and_the_valid_seeds_are_accepted() {
    for (target, run) in TARGETS {
        let mut inputs = 0;
        let seeds =
            std::fs::read_dir(dir("seeds", target)).unwrap_or_else(|e| panic!("{target}: {e}"));
        let corpus = std::fs::read_dir(dir("corpus", target))
            .into_iter()
            .flatten();
        for entry in seeds.chain(corpus) {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == ".gitkeep") {
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap();
            inputs += 1;
            match run(&bytes) {
                Ok(()) => {}
                Err(e) => {
                    assert!(!name.starts_with("ok-"), "{target}/{name} is rejected: {e}");
                    assert!(
                        !e.to_string().trim().is_empty(),
                        "{target}/{name}: empty error"
                    );
                }
            }
        }
        assert!(inputs > 0, "{target}: no seeds");
    }
}

/// Sample SSVNetwork logs, as `eth_getLogs` returns them: the events the indexer keeps, one it
/// ignores, and a log a reorg marked `removed`.
fn sample_logs() -> Vec<(&'static str, alloy::rpc::types::Log)> {
    let owner = Address::repeat_byte(0x0a);
    let ids = vec![1u64, 2, 3, 4];
    let cluster = Cluster {
        validatorCount: 1,
        networkFeeIndex: 7,
        index: 9,
        active: true,
        balance: U256::from(1_000_000_000_000_000u64),
    };
    let pubkey = Bytes::from(vec![0xab; 48]);
    let events = [
        (
            "validator-added",
            SSVNetwork::ValidatorAdded {
                owner,
                operatorIds: ids.clone(),
                publicKey: pubkey.clone(),
                shares: Bytes::from(vec![0xcd; 96 + 4 * 304]),
                cluster: cluster.clone(),
            }
            .encode_log_data(),
        ),
        (
            "validator-removed-by-reorg",
            SSVNetwork::ValidatorRemoved {
                owner,
                operatorIds: ids.clone(),
                publicKey: pubkey.clone(),
                cluster: cluster.clone(),
            }
            .encode_log_data(),
        ),
        (
            "validator-removed",
            SSVNetwork::ValidatorRemoved {
                owner,
                operatorIds: ids.clone(),
                publicKey: pubkey.clone(),
                cluster: cluster.clone(),
            }
            .encode_log_data(),
        ),
        (
            "validator-exited",
            SSVNetwork::ValidatorExited {
                owner,
                operatorIds: ids.clone(),
                publicKey: pubkey,
            }
            .encode_log_data(),
        ),
        (
            "cluster-deposited",
            SSVNetwork::ClusterDeposited {
                owner,
                operatorIds: ids.clone(),
                value: U256::from(5u64),
                cluster: cluster.clone(),
            }
            .encode_log_data(),
        ),
        (
            "cluster-liquidated",
            SSVNetwork::ClusterLiquidated {
                owner,
                operatorIds: ids,
                cluster,
            }
            .encode_log_data(),
        ),
        (
            "operator-added",
            SSVNetwork::OperatorAdded {
                operatorId: 1,
                owner,
                publicKey: Bytes::from(b"LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0t".to_vec()),
                fee: U256::from(1_778_800_000u64),
            }
            .encode_log_data(),
        ),
        (
            "network-fee-updated",
            SSVNetwork::NetworkFeeUpdated {
                oldFee: U256::from(1u64),
                newFee: U256::from(3_370_000_000u64),
            }
            .encode_log_data(),
        ),
        (
            "ownership-transferred",
            SSVNetwork::OwnershipTransferred {
                previousOwner: owner,
                newOwner: Address::repeat_byte(0x0c),
            }
            .encode_log_data(),
        ),
        (
            "fee-recipient-updated",
            SSVNetwork::FeeRecipientAddressUpdated {
                owner,
                recipientAddress: Address::repeat_byte(0x0b),
            }
            .encode_log_data(),
        ),
    ];
    events
        .into_iter()
        .enumerate()
        .map(|(i, (name, data))| {
            let log = alloy::rpc::types::Log {
                inner: alloy::primitives::Log {
                    address: SSV_NETWORK,
                    data,
                },
                block_hash: Some(B256::repeat_byte(1)),
                block_number: Some(100),
                block_timestamp: None,
                transaction_hash: Some(B256::repeat_byte(2)),
                transaction_index: Some(0),
                log_index: Some(i as u64),
                removed: name == "validator-removed-by-reorg",
            };
            (name, log)
        })
        .collect()
}

/// The log seeds are these samples' JSON, each decoded as the event it was made from
/// (`STAFI_FUZZ_WRITE_SEEDS=1` writes them again).
#[test]
fn the_log_seeds_are_the_published_events() {
    for (name, log) in sample_logs() {
        let json = serde_json::to_string_pretty(&vec![log.clone()]).unwrap();
        let path = dir("seeds", "ssvnetwork_logs").join(format!("ok-{name}.json"));
        if std::env::var_os("STAFI_FUZZ_WRITE_SEEDS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &json).unwrap();
        }
        let seed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(seed, json, "{name}: the seed is not the sample's JSON");
        let decoded = ssv_sync::decode_log(&log, SSV_NETWORK).unwrap();
        let want = match name {
            "validator-removed-by-reorg" => "Removed",
            "ownership-transferred" => "Ignored",
            _ => "Kept",
        };
        let got = match decoded {
            ssv_sync::Decoded::Kept(_) => "Kept",
            ssv_sync::Decoded::Ignored => "Ignored",
            ssv_sync::Decoded::Removed => "Removed",
        };
        assert_eq!(got, want, "{name}");
    }
}
