//! SSV Network v2 on the devnet: ETH-cluster registration and its reverts as named errors, views,
//! owner nonce, removal, and a legacy SSV cluster migrated to ETH.

use alloy::primitives::{Bytes, U256};
use devnet::testing::{bytes, pubkey, reason, spawn};
use devnet::{Devnet, new_cluster, send};
use stafi_contracts::{ClusterRef, ContractsError, cluster_balance};

/// max(MLC, LTP · (Σ operator fees + network fee) · 1e5 / 1e5) for one validator: the minimum
/// ETH of a first registration in SSV Network v2.0.0 (ssvlabs/ssv-network
/// `contracts/libraries/ClusterLib.sol` `isLiquidatableWithEB`; `docs/SPEC.md`, "Minimum ETH
/// Calculation").
async fn minimum_for_one(devnet: &Devnet, ids: &[u64]) -> U256 {
    let views = devnet.ssv_views();
    let mut fee = views.getNetworkFee().call().await.unwrap();
    for id in ids {
        fee += views.getOperatorFee(*id).call().await.unwrap();
    }
    let ltp = views.getLiquidationThresholdPeriod().call().await.unwrap();
    let mlc = views
        .getMinimumLiquidationCollateral()
        .call()
        .await
        .unwrap();
    (fee * U256::from(ltp)).max(mlc)
}

#[tokio::test]
async fn register_views_and_named_reverts() {
    let devnet = spawn(Devnet::builder()).await;
    let owner = devnet.accounts.ssv_owner;
    let ids: Vec<u64> = devnet.public_operator_ids()[..4].to_vec();
    let need = minimum_for_one(&devnet, &ids).await;
    let shares = Bytes::from(vec![0u8; 1312]);

    // One wei short: InsufficientBalance, named with the call and the cluster.
    let err = devnet
        .register_validator(
            owner,
            &ids,
            bytes(&pubkey(1)),
            shares.clone(),
            new_cluster(),
            need - U256::from(1),
        )
        .await
        .unwrap_err();
    assert_eq!(reason(&err).name(), Some("InsufficientBalance"));
    let devnet::DevnetError::Contract(ContractsError::Reverted { call, cluster, .. }) = &err else {
        panic!("{err}")
    };
    assert_eq!(*call, "registerValidator");
    assert_eq!(
        cluster.as_ref(),
        Some(&ClusterRef {
            owner,
            operator_ids: ids.clone()
        })
    );
    assert!(err.to_string().contains("InsufficientBalance"), "{err}");

    let (cluster, receipt) = devnet
        .register_validator(
            owner,
            &ids,
            bytes(&pubkey(1)),
            shares.clone(),
            new_cluster(),
            need,
        )
        .await
        .unwrap();
    assert_eq!(cluster.validatorCount, 1);
    assert_eq!(cluster.balance, need);
    assert!(cluster.active);
    assert_eq!(devnet.owner_nonce(owner).await.unwrap(), 1);
    let views = devnet.ssv_views();
    assert!(
        views
            .getValidator(owner, bytes(&pubkey(1)))
            .call()
            .await
            .unwrap()
    );

    // Balance falls by (Σ fees + network fee) per block for one 32 ETH validator.
    let burn = views
        .getBurnRate(owner, ids.clone(), cluster.clone().into())
        .call()
        .await
        .unwrap();
    let registered_at = receipt.block_number.unwrap();
    devnet.mine(10).await.unwrap();
    let now = devnet.block_number().await.unwrap();
    let balance = cluster_balance(
        devnet.provider(),
        devnet.addresses.ssv_network_views,
        owner,
        &ids,
        cluster.clone(),
    )
    .await
    .unwrap();
    // The view runs at the latest block: `now − registered_at` blocks have been charged.
    assert_eq!(balance, need - burn * U256::from(now - registered_at));
    // Funded with exactly the threshold, so liquidatable as soon as one block has been charged.
    assert!(
        views
            .isLiquidatable(owner, ids.clone(), cluster.clone().into())
            .call()
            .await
            .unwrap()
    );
    assert_eq!(
        views
            .getEffectiveBalance(owner, ids.clone(), cluster.clone().into())
            .call()
            .await
            .unwrap(),
        32
    );

    // Stale snapshot, same key again, private and removed operators.
    let stale = devnet
        .register_validator(
            owner,
            &ids,
            bytes(&pubkey(2)),
            shares.clone(),
            new_cluster(),
            need,
        )
        .await
        .unwrap_err();
    assert_eq!(reason(&stale).name(), Some("IncorrectClusterState"));
    let dup = devnet
        .register_validator(
            owner,
            &ids,
            bytes(&pubkey(1)),
            shares.clone(),
            cluster.clone(),
            need * U256::from(3),
        )
        .await
        .unwrap_err();
    assert_eq!(reason(&dup).name(), Some("ValidatorAlreadyExistsWithData"));
    let private = devnet.operators.iter().find(|o| o.private).unwrap().id;
    let removed = devnet.operators.iter().find(|o| o.removed).unwrap().id;
    let mut with_private = ids[..3].to_vec();
    with_private.push(private);
    let err = devnet
        .register_validator(
            owner,
            &with_private,
            bytes(&pubkey(3)),
            shares.clone(),
            new_cluster(),
            need,
        )
        .await
        .unwrap_err();
    assert_eq!(reason(&err).name(), Some("CallerNotWhitelistedWithData"));
    let mut with_removed = ids[..3].to_vec();
    with_removed.push(removed);
    let err = devnet
        .register_validator(
            owner,
            &with_removed,
            bytes(&pubkey(3)),
            shares.clone(),
            new_cluster(),
            need,
        )
        .await
        .unwrap_err();
    assert_eq!(reason(&err).name(), Some("OperatorDoesNotExist"));

    // Bulk registration: one ValidatorAdded per key, all with the final snapshot; nonce counts keys.
    let keys = (10..13)
        .map(|n| (bytes(&pubkey(n)), shares.clone()))
        .collect();
    let (cluster, receipt) = devnet
        .bulk_register_validators(owner, &ids, keys, cluster, need * U256::from(4))
        .await
        .unwrap();
    assert_eq!(cluster.validatorCount, 4);
    let added: Vec<_> = receipt
        .logs()
        .iter()
        .filter_map(|l| {
            use alloy::sol_types::SolEvent;
            stafi_contracts::ssv_network::SSVNetwork::ValidatorAdded::decode_log(&l.inner).ok()
        })
        .collect();
    assert_eq!(added.len(), 3);
    assert!(added.iter().all(|e| e.data.cluster == cluster));
    assert_eq!(devnet.owner_nonce(owner).await.unwrap(), 4);

    // Exit only emits; remove drops the count; the nonce never goes down.
    let network = devnet.ssv_network();
    send(
        network
            .exitValidator(bytes(&pubkey(1)), ids.clone())
            .from(owner),
        "exitValidator",
        None,
    )
    .await
    .unwrap();
    let receipt = send(
        network
            .removeValidator(bytes(&pubkey(1)), ids.clone(), cluster)
            .from(owner),
        "removeValidator",
        None,
    )
    .await
    .unwrap();
    let cluster = devnet::cluster_from_receipt(&receipt).unwrap();
    assert_eq!(cluster.validatorCount, 3);
    assert_eq!(devnet.owner_nonce(owner).await.unwrap(), 4);
    let gone = views.getValidator(owner, bytes(&pubkey(1))).call().await;
    assert!(gone.is_err());
}

#[tokio::test]
async fn legacy_cluster_is_frozen_then_migrates_to_eth() {
    let devnet = spawn(Devnet::builder()).await;
    let owner = devnet.accounts.ssv_owner;
    let ids: Vec<u64> = devnet.public_operator_ids()[4..8].to_vec();
    let ssv = U256::from(10u128.pow(18)) * U256::from(10);
    let legacy = devnet
        .seed_legacy_cluster(owner, &ids, bytes(&pubkey(50)), ssv)
        .await
        .unwrap();
    let views = devnet.ssv_views();
    assert_eq!(
        views
            .getClusterAssetType(owner, ids.clone())
            .call()
            .await
            .unwrap(),
        0
    );

    // v2 ETH calls on a legacy cluster revert IncorrectClusterVersion.
    let err = devnet
        .register_validator(
            owner,
            &ids,
            bytes(&pubkey(51)),
            Bytes::new(),
            legacy.clone(),
            U256::from(1),
        )
        .await
        .unwrap_err();
    assert_eq!(reason(&err).name(), Some("IncorrectClusterVersion"));
    devnet.mine(1).await.unwrap();
    let balance_ssv = views
        .getBalanceSSV(owner, ids.clone(), legacy.clone().into())
        .call()
        .await
        .unwrap();
    assert!(balance_ssv < ssv);

    let need = minimum_for_one(&devnet, &ids).await;
    let token = devnet.ssv_token();
    let before = token.balanceOf(owner).call().await.unwrap();
    let receipt = send(
        devnet
            .ssv_network()
            .migrateClusterToETH(ids.clone(), legacy)
            .value(need)
            .from(owner),
        "migrateClusterToETH",
        None,
    )
    .await
    .unwrap();
    let migrated = receipt
        .decoded_log::<stafi_contracts::ssv_network::SSVNetwork::ClusterMigratedToETH>()
        .unwrap()
        .data;
    assert_eq!(migrated.ethDeposited, need);
    assert_eq!(migrated.effectiveBalance, 32);
    assert_eq!(
        token.balanceOf(owner).call().await.unwrap(),
        before + migrated.ssvRefunded
    );
    assert_eq!(
        views
            .getClusterAssetType(owner, ids.clone())
            .call()
            .await
            .unwrap(),
        1
    );
    assert_eq!(migrated.cluster.balance, need);
    assert_eq!(migrated.cluster.validatorCount, 1);
}

#[tokio::test]
async fn legacy_operator_gets_the_default_eth_fee() {
    // An operator registered before v2 with an SSV fee charges v2's DEFAULT_OPERATOR_ETH_FEE
    // (1,778,800,000 wei per block in the deployed code) in ETH clusters; one without a fee, none.
    let devnet = spawn(Devnet::builder().operators(vec![])).await;
    let network = devnet.ssv_double();
    let views = devnet.ssv_views();
    let mut ids = Vec::new();
    for (n, ssv_fee) in [(1u8, 382_640_000_000u64), (2, 0)] {
        let receipt = send(
            network.testRegisterLegacyOperator(Bytes::from(vec![n; 8]), U256::from(ssv_fee)),
            "testRegisterLegacyOperator",
            None,
        )
        .await
        .unwrap();
        let id = receipt
            .decoded_log::<stafi_contracts::ssv_network::SSVNetwork::OperatorAdded>()
            .unwrap()
            .data
            .operatorId;
        assert_eq!(
            views.getOperatorFeeSSV(id).call().await.unwrap(),
            U256::from(ssv_fee)
        );
        ids.push(id);
    }
    assert_eq!(
        views.getOperatorFee(ids[0]).call().await.unwrap(),
        U256::from(1_778_800_000u64)
    );
    assert_eq!(
        views.getOperatorFee(ids[1]).call().await.unwrap(),
        U256::ZERO
    );
}
