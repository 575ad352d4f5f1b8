//! Differential test of the indexer: random sequences of cluster operations on the SSVNetwork
//! double; after every step the `ssv-sync` index, synced from the double's logs through
//! `eth_getLogs`, predicts `getBalance` and `isLiquidatable` to the wei and holds the cluster tuple
//! the next call needs and the owner's nonce. Steps: register, bulk register, remove, deposit, withdraw,
//! operator and network fee changes, liquidate (owner or stranger), reactivate, effective-balance
//! updates (explicit vUnits), migration of legacy SSV clusters to ETH and mined blocks.
//!
//! Legacy SSV clusters are created with the double's test-only hooks, as they would exist from
//! before the v2 upgrade. v2 emits no event for an operator's legacy SSV fee (the double sets it
//! with `testSetOperatorFeeSSV`), so the index starts from a checkpoint: the operators' and
//! network's fees read from the views once the devnet is seeded, with the v2 upgrade block right
//! after the legacy clusters, and follows the logs from there. Legacy clusters are checked against `getBalanceSSV` and
//! `isLiquidatableSSV` until they migrate, then against the ETH views.

use alloy::primitives::{Address, Bytes, U256};
use cluster_accounting::{ClusterVersion, LiquidationParams};
use devnet::testing::{bytes, pubkey, spawn};
use devnet::{Devnet, DevnetError, cluster_from_receipt, new_cluster, send};
use ssv_sync::{Checkpoint, CheckpointOperator, Index, IndexConfig, RpcSource, SyncConfig, Syncer};
use stafi_contracts::Cluster;

/// xorshift64*: a small deterministic generator so failures replay from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Tracked {
    ids: Vec<u64>,
    cluster: Cluster,
    keys: Vec<u32>,
    /// False until the first registration creates the cluster on chain.
    exists: bool,
    /// A legacy SSV cluster, until it migrates to ETH.
    legacy: bool,
}

async fn sync(devnet: &Devnet, index: &mut Index, syncer: &mut Syncer) {
    let source = RpcSource::new(devnet.provider().clone());
    syncer
        .sync(&source, index, |_| {})
        .await
        .unwrap_or_else(|e| panic!("the indexer failed: {e}"));
}

async fn check(
    devnet: &Devnet,
    index: &Index,
    owner: Address,
    t: &Tracked,
    params: &Params,
    step: usize,
) {
    if !t.exists {
        return;
    }
    // Views are evaluated at an explicit block so the model is asked about the same block.
    let block = devnet.block_number().await.unwrap();
    let at = alloy::eips::BlockId::number(block);
    let views = devnet.ssv_views();
    let tuple = t.cluster.clone();
    let on_chain = if t.legacy {
        views
            .getBalanceSSV(owner, t.ids.clone(), tuple.into())
            .block(at)
            .call()
            .await
    } else {
        views
            .getBalance(owner, t.ids.clone(), tuple.into())
            .block(at)
            .call()
            .await
    };
    let ledger = index.ledger();
    assert_eq!(
        Cluster::from(index.cluster_tuple(owner, &t.ids)),
        t.cluster,
        "indexed tuple at step {step}"
    );
    let predicted = ledger.balance(owner, &t.ids, block);
    match (on_chain, predicted) {
        (Ok(balance), Ok(p)) => assert_eq!(balance, p, "getBalance at step {step}"),
        (Err(_), Err(_)) => assert!(
            !t.cluster.active,
            "both failed on an active cluster at step {step}"
        ),
        (a, b) => panic!("step {step}: double {a:?} vs model {b:?}"),
    }
    let tuple = t.cluster.clone();
    let liq = if t.legacy {
        views
            .isLiquidatableSSV(owner, t.ids.clone(), tuple.into())
            .block(at)
            .call()
            .await
            .unwrap()
    } else {
        views
            .isLiquidatable(owner, t.ids.clone(), tuple.into())
            .block(at)
            .call()
            .await
            .unwrap()
    };
    let version = ledger
        .cluster(owner, &t.ids)
        .expect("an existing cluster is in the ledger")
        .state
        .version;
    assert_eq!(
        version == ClusterVersion::Ssv,
        t.legacy,
        "cluster version at step {step}"
    );
    let params = if t.legacy { &params.ssv } else { &params.eth };
    let predicted = ledger.is_liquidatable(owner, &t.ids, block, params);
    // The model reports liquidated clusters as errors where the view answers false.
    match predicted {
        Ok(p) => assert_eq!(liq, p, "isLiquidatable at step {step}"),
        Err(_) => assert!(!t.cluster.active && !liq, "step {step}"),
    }
}

/// Liquidation parameters of both fee tokens.
struct Params {
    eth: LiquidationParams,
    ssv: LiquidationParams,
}

/// A checkpoint at `block`: operator and network fees read from the views (v2 emits no event for
/// a legacy operator's SSV fee). The index only uses fee differences after it.
async fn checkpoint(devnet: &Devnet, ids: &[u64], block: u64) -> Checkpoint {
    let views = devnet.ssv_views();
    let at = alloy::eips::BlockId::number(block);
    let mut operators = Vec::new();
    for &id in ids {
        operators.push(CheckpointOperator {
            id,
            owner: devnet.operator(id).unwrap().owner,
            fee: views.getOperatorFee(id).block(at).call().await.unwrap(),
            fee_ssv: views.getOperatorFeeSSV(id).block(at).call().await.unwrap(),
            removed: false,
        });
    }
    Checkpoint {
        block,
        operators,
        network_fee: views.getNetworkFee().block(at).call().await.unwrap(),
        network_fee_ssv: views.getNetworkFeeSSV().block(at).call().await.unwrap(),
    }
}

async fn params(devnet: &Devnet) -> Params {
    let views = devnet.ssv_views();
    Params {
        eth: LiquidationParams {
            threshold_period: views.getLiquidationThresholdPeriod().call().await.unwrap(),
            minimum_collateral: views
                .getMinimumLiquidationCollateral()
                .call()
                .await
                .unwrap(),
        },
        ssv: LiquidationParams {
            threshold_period: views
                .getLiquidationThresholdPeriodSSV()
                .call()
                .await
                .unwrap(),
            minimum_collateral: views
                .getMinimumLiquidationCollateralSSV()
                .call()
                .await
                .unwrap(),
        },
    }
}

#[allow(clippy::too_many_lines)]
async fn run(seed: u64, steps: usize) {
    let devnet = spawn(Devnet::builder()).await;
    let owner = devnet.accounts.ssv_owner;
    let stranger = devnet.accounts.user;
    let ops = devnet.public_operator_ids();
    let views = devnet.ssv_views();
    let params = params(&devnet).await;
    // xorshift needs a non-zero state; every other seed is its own sequence.
    let mut rng = Rng(seed.max(1));
    let mut next_key = 1u32;
    let mut clusters: Vec<Tracked> = [&ops[0..4], &ops[4..8]]
        .into_iter()
        .map(|ids| Tracked {
            ids: ids.to_vec(),
            cluster: new_cluster(),
            keys: Vec::new(),
            exists: false,
            legacy: false,
        })
        .collect();

    // Before the v2 upgrade: two legacy SSV clusters over other operator sets, one well funded,
    // one a little above the SSV minimum collateral so that it may become liquidatable.
    let seeded = devnet.block_number().await.unwrap();
    let checkpoint = checkpoint(&devnet, &ops[0..8], seeded).await;
    let pack = |wei| ClusterVersion::Ssv.pack(wei).unwrap();
    let ssv_burn: u64 = pack(checkpoint.network_fee_ssv)
        + [0, 2, 4, 6]
            .iter()
            .map(|&i| pack(checkpoint.operators[i].fee_ssv))
            .sum::<u64>();
    let ssv_unit = U256::from(ClusterVersion::Ssv.packing());
    let funding = [
        U256::from(10u64.pow(19)),
        params.ssv.minimum_collateral + U256::from(ssv_burn * (50 + rng.below(150))) * ssv_unit,
    ];
    for (ids, amount) in [
        [ops[0], ops[2], ops[4], ops[6]],
        [ops[1], ops[3], ops[5], ops[7]],
    ]
    .into_iter()
    .zip(funding)
    {
        let cluster = devnet
            .seed_legacy_cluster(owner, &ids, bytes(&pubkey(next_key)), amount)
            .await
            .unwrap();
        clusters.push(Tracked {
            ids: ids.to_vec(),
            cluster,
            keys: vec![next_key],
            exists: true,
            legacy: true,
        });
        next_key += 1;
    }
    let upgrade = devnet.block_number().await.unwrap() + 1;
    let mut index = Index::new(IndexConfig {
        upgrade_block: Some(upgrade),
        checkpoint: Some(checkpoint),
        ..IndexConfig::new(owner)
    })
    .unwrap();
    let mut syncer = Syncer::new(SyncConfig {
        confirmations: 0,
        ..SyncConfig::new(devnet.addresses.ssv_network, seeded + 1)
    });
    sync(&devnet, &mut index, &mut syncer).await;
    let mut registered = 2;
    let network = devnet.ssv_network();
    let unit = U256::from(500_000_000_000_000u64); // 0.0005 ETH, about one validator's threshold

    for step in 0..steps {
        let c = usize::try_from(rng.below(clusters.len() as u64)).unwrap();
        let t = &mut clusters[c];
        let action = rng.below(11);
        let result: Result<Option<alloy::rpc::types::TransactionReceipt>, DevnetError> =
            match action {
                0 | 1 if t.cluster.active => {
                    let k = 1 + u32::try_from(rng.below(3)).unwrap();
                    let value = unit * U256::from(rng.below(3 * u64::from(k) + 1));
                    let keys: Vec<(Bytes, Bytes)> = (next_key..next_key + k)
                        .map(|n| (bytes(&pubkey(n)), Bytes::from(vec![1u8; 64])))
                        .collect();
                    let r = if k == 1 {
                        let (pk, sh) = keys[0].clone();
                        devnet
                            .register_validator(owner, &t.ids, pk, sh, t.cluster.clone(), value)
                            .await
                    } else {
                        devnet
                            .bulk_register_validators(owner, &t.ids, keys, t.cluster.clone(), value)
                            .await
                    };
                    r.map(|(_, receipt)| {
                        t.keys.extend(next_key..next_key + k);
                        next_key += k;
                        registered += u64::from(k);
                        Some(receipt)
                    })
                }
                2 if !t.keys.is_empty() => {
                    let i = usize::try_from(rng.below(t.keys.len() as u64)).unwrap();
                    let key = t.keys[i];
                    send(
                        network
                            .removeValidator(bytes(&pubkey(key)), t.ids.clone(), t.cluster.clone())
                            .from(owner),
                        "removeValidator",
                        None,
                    )
                    .await
                    .map(|r| {
                        t.keys.remove(i);
                        Some(r)
                    })
                }
                3 => send(
                    network
                        .deposit(owner, t.ids.clone(), t.cluster.clone())
                        .value(unit * U256::from(rng.below(4)))
                        .from(stranger),
                    "deposit",
                    None,
                )
                .await
                .map(Some),
                4 => {
                    let amount = t.cluster.balance * U256::from(rng.below(100)) / U256::from(100);
                    send(
                        network
                            .withdraw(t.ids.clone(), amount, t.cluster.clone())
                            .from(owner),
                        "withdraw",
                        None,
                    )
                    .await
                    .map(Some)
                }
                5 => {
                    let id = t.ids[usize::try_from(rng.below(4)).unwrap()];
                    let current = views.getOperatorFee(id).call().await.unwrap();
                    let pct = U256::from(90 + rng.below(21));
                    let fee =
                        current * pct / U256::from(100) / U256::from(100_000) * U256::from(100_000);
                    if fee == current {
                        Ok(None)
                    } else {
                        devnet.set_operator_fee(id, fee).await.map(|()| None)
                    }
                }
                6 => {
                    let fee = U256::from(100_000 * (20_000 + rng.below(30_000)));
                    devnet.set_network_fee(fee).await.map(|()| None)
                }
                7 if t.legacy && t.cluster.active && t.cluster.validatorCount > 0 => {
                    let who = if rng.below(2) == 0 { stranger } else { owner };
                    send(
                        network
                            .liquidateSSV(owner, t.ids.clone(), t.cluster.clone())
                            .from(who),
                        "liquidateSSV",
                        None,
                    )
                    .await
                    .map(Some)
                }
                7 if t.cluster.active && t.cluster.validatorCount > 0 => {
                    // A stranger may liquidate only a liquidatable cluster; the owner always may.
                    let who = if rng.below(2) == 0 { stranger } else { owner };
                    send(
                        network
                            .liquidate(owner, t.ids.clone(), t.cluster.clone())
                            .from(who),
                        "liquidate",
                        None,
                    )
                    .await
                    .map(Some)
                }
                8 if !t.cluster.active => {
                    let value =
                        unit * U256::from(rng.below(2 * u64::from(t.cluster.validatorCount) + 2));
                    send(
                        network
                            .reactivate(t.ids.clone(), t.cluster.clone())
                            .value(value)
                            .from(owner),
                        "reactivate",
                        None,
                    )
                    .await
                    .map(Some)
                }
                9 if t.legacy => {
                    // Sometimes too little ETH: InsufficientBalance, and the cluster stays legacy.
                    let value =
                        unit * U256::from(rng.below(2 * u64::from(t.cluster.validatorCount) + 2));
                    send(
                        network
                            .migrateClusterToETH(t.ids.clone(), t.cluster.clone())
                            .value(value)
                            .from(owner),
                        "migrateClusterToETH",
                        None,
                    )
                    .await
                    .map(|r| {
                        t.legacy = false;
                        Some(r)
                    })
                }
                10 if t.cluster.active && t.cluster.validatorCount > 0 => {
                    let v = u64::from(t.cluster.validatorCount);
                    let eb = u32::try_from(32 * v + rng.below(32 * v + 1)).unwrap();
                    devnet
                        .update_effective_balance(owner, &t.ids, &t.cluster, eb)
                        .await
                        .map(Some)
                }
                _ => devnet.mine(1 + rng.below(40)).await.map(|()| None),
            };
        eprintln!(
            "seed {seed:#x} step {step}: cluster {c} action {action} -> {:?}",
            result
                .as_ref()
                .map(|r| r.as_ref().map(|r| r.block_number))
                .map_err(ToString::to_string)
        );
        match result {
            Ok(Some(receipt)) => {
                if let Some(c) = cluster_from_receipt(&receipt) {
                    t.cluster = c;
                    t.exists = true;
                }
            }
            // Reverts are part of the exploration: the double's state is unchanged.
            Ok(None) | Err(DevnetError::Contract(_)) => {}
            Err(e) => panic!("seed {seed} step {step}: {e}"),
        }
        sync(&devnet, &mut index, &mut syncer).await;
        for t in &clusters {
            eprintln!("  {:?} {:?}", t.ids, t.cluster);
            check(&devnet, &index, owner, t, &params, step).await;
        }
        assert_eq!(
            index.owner_nonce(owner),
            registered,
            "owner nonce at step {step}"
        );
    }
}

#[tokio::test]
async fn index_matches_double_on_random_sequences() {
    for seed in [0x5eed_0001, 0x5eed_0002, 0x5eed_0003] {
        run(seed, 80).await;
    }
}
