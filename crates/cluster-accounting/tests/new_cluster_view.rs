//! `Ledger::view` of a cluster that does not exist yet: the new-cluster state of the version a
//! cluster created at that block gets, with the indices at that block.

use alloy_primitives::{Address, U256};
use cluster_accounting::{
    AccountingError, Action, Cluster, ClusterState, ClusterVersion, Event, Horizon, Ledger,
    LiquidationParams, Log, LogPosition, VUnits, eth, legacy, plan,
};

const GWEI: u64 = 1_000_000_000;
const IDS: [u64; 4] = [1, 2, 3, 4];
/// The mainnet ETH network fee (wei per block per 32 ETH).
const ETH_NETWORK_FEE: u64 = 3_366_600_000;

fn owner() -> Address {
    Address::repeat_byte(0x42)
}

fn log(block: u64, tx: u64, event: Event) -> Log {
    Log {
        position: LogPosition::new(block, tx, 0),
        event,
    }
}

/// Operators 1..=4 at `operator_fee` and the network fee, all at `block`.
fn operators(block: u64, operator_fee: u64, network_fee: u64) -> Vec<Log> {
    let mut logs: Vec<Log> = (1..=4)
        .map(|id| {
            log(
                block,
                id,
                Event::OperatorAdded {
                    operator_id: id,
                    fee: U256::from(operator_fee),
                },
            )
        })
        .collect();
    logs.push(log(
        block,
        5,
        Event::NetworkFeeUpdated {
            new_fee: U256::from(network_fee),
        },
    ));
    logs
}

fn mainnet_ledger() -> Ledger {
    let mut ledger = Ledger::default();
    ledger
        .apply_all(&operators(100, GWEI, ETH_NETWORK_FEE))
        .unwrap();
    ledger
}

#[test]
fn a_new_cluster_needs_exactly_what_eth_minimum_to_register_gives() {
    let ledger = mainnet_ledger();
    let params = LiquidationParams::MAINNET_ETH;
    assert!(!ledger.contains_cluster(owner(), &IDS));
    let (state, at) = ledger.view(owner(), &IDS, 200).unwrap();
    assert_eq!(state, ClusterState::new_cluster(ClusterVersion::Eth));
    assert_eq!(state.cluster, Cluster::NEW);
    assert_eq!(at, ledger.indices(ClusterVersion::Eth, &IDS, 200).unwrap());
    let new = eth::EthCluster {
        cluster: Cluster::NEW,
        vunits: VUnits::Implicit,
    };
    let need = eth::minimum_to_register(&new, 1, &at, &params).unwrap();
    assert_eq!(need, U256::from(324_862_599_900_000u64));
    assert_eq!(state.minimum_to_register(1, &at, &params), Ok(need));
    assert_eq!(
        state.register(1, need, &at, &params).map(|s| s.cluster),
        eth::register(&new, 1, need, &at, &params).map(|c| c.cluster)
    );
    // Registration plans start from it directly.
    let horizon = Horizon {
        inclusion_blocks: 20,
        runway_blocks: 7_200,
    };
    let p = plan(
        &state,
        &at,
        &params,
        &Action::AddValidators { count: 1 },
        horizon,
    )
    .unwrap();
    assert_eq!(
        p.amount,
        need + U256::from(7_200 * (4 * GWEI + ETH_NETWORK_FEE))
    );
    // The chain views still need an existing cluster.
    assert_eq!(
        ledger.balance(owner(), &IDS, 200),
        Err(AccountingError::UnknownCluster {
            owner: owner(),
            operator_ids: IDS.to_vec()
        })
    );
    assert_eq!(
        ledger.is_liquidatable(owner(), &IDS, 200, &params),
        Err(AccountingError::UnknownCluster {
            owner: owner(),
            operator_ids: IDS.to_vec()
        })
    );
}

#[test]
fn the_view_follows_creation_and_rollback() {
    let mut ledger = mainnet_ledger();
    let params = LiquidationParams::MAINNET_ETH;
    let (new, at) = ledger.view(owner(), &IDS, 300).unwrap();
    let need = new.minimum_to_register(1, &at, &params).unwrap();
    let registered = new.register(1, need, &at, &params).unwrap();
    ledger
        .apply(&log(
            300,
            0,
            Event::ValidatorAdded {
                owner: owner(),
                operator_ids: IDS.to_vec(),
                cluster: registered.cluster,
            },
        ))
        .unwrap();
    assert!(ledger.contains_cluster(owner(), &IDS));
    let (state, later) = ledger.view(owner(), &IDS, 400).unwrap();
    assert_eq!(state, registered);
    assert_eq!(
        ledger.balance(owner(), &IDS, 400),
        registered.balance(&later)
    );
    // Another owner with the same operators still sees a new cluster.
    let other = Address::repeat_byte(0x43);
    assert_eq!(
        ledger.view(other, &IDS, 400).unwrap().0,
        ClusterState::new_cluster(ClusterVersion::Eth)
    );
    // Rolled back, the cluster is new again.
    ledger.rollback_to(299).unwrap();
    assert!(!ledger.contains_cluster(owner(), &IDS));
    assert_eq!(ledger.view(owner(), &IDS, 300).unwrap(), (new, at));
}

#[test]
fn new_clusters_before_the_upgrade_are_legacy_and_after_it_eth() {
    let upgrade = 1_000;
    let ssv_params = LiquidationParams {
        threshold_period: 100_800,
        minimum_collateral: U256::from(200_000_000u64),
    };
    let logs = operators(10, GWEI, GWEI);
    let mut ledger = Ledger::builder().eth_upgrade_block(upgrade).build();
    ledger.apply_all(&logs).unwrap();

    let (state, at) = ledger.view(owner(), &IDS, 500).unwrap();
    assert_eq!(state, ClusterState::new_cluster(ClusterVersion::Ssv));
    assert_eq!(at, ledger.indices(ClusterVersion::Ssv, &IDS, 500).unwrap());
    // Four operators and the network at 1e9 SSV wei each: threshold 100,800 · 5e9.
    let need = legacy::minimum_to_register(&Cluster::NEW, 1, &at, &ssv_params).unwrap();
    assert_eq!(need, U256::from(100_800 * 5 * GWEI));
    assert_eq!(state.minimum_to_register(1, &at, &ssv_params), Ok(need));

    // From the upgrade block on, new clusters are ETH clusters; the legacy operators' ETH fee
    // was assigned without an event, so it must be configured.
    assert_eq!(
        ledger.view(owner(), &IDS, upgrade),
        Err(AccountingError::UnknownOperatorEthFee { operator_id: 1 })
    );
    let default_fee = 1_778_800_000u64;
    let mut ledger = Ledger::builder()
        .eth_upgrade_block(upgrade)
        .legacy_operator_eth_fee(U256::from(default_fee))
        .unwrap()
        .build();
    ledger.apply_all(&logs).unwrap();
    let (state, at) = ledger.view(owner(), &IDS, upgrade + 10).unwrap();
    assert_eq!(state, ClusterState::new_cluster(ClusterVersion::Eth));
    assert_eq!(at.operator_fee, 4 * default_fee / 100_000);
    // The network's ETH fee is still 0 here (`NetworkFeeUpdated` before the upgrade is SSV).
    assert_eq!(at.network_fee, 0);
    assert_eq!(
        state.minimum_to_register(1, &at, &LiquidationParams::MAINNET_ETH),
        eth::minimum_to_register(
            &eth::EthCluster {
                cluster: Cluster::NEW,
                vunits: VUnits::Implicit
            },
            1,
            &at,
            &LiquidationParams::MAINNET_ETH
        )
    );
}

#[test]
fn operator_ids_of_a_new_cluster_are_validated() {
    let ledger = mainnet_ledger();
    assert_eq!(
        ledger.view(owner(), &[2, 1, 3, 4], 200),
        Err(AccountingError::UnsortedOperatorIds {
            ids: vec![2, 1, 3, 4]
        })
    );
    assert!(matches!(
        ledger.view(owner(), &[1, 2, 3], 200),
        Err(AccountingError::InvalidCommitteeSize { .. })
    ));
    let mut bigger = mainnet_ledger();
    bigger
        .apply_all(&[5u64, 6].map(|id| {
            log(
                150,
                id,
                Event::OperatorAdded {
                    operator_id: id,
                    fee: U256::from(GWEI),
                },
            )
        }))
        .unwrap();
    assert_eq!(
        bigger.view(owner(), &[1, 2, 3, 4, 5, 6, 9], 200),
        Err(AccountingError::UnknownOperator { operator_id: 9 })
    );
    // A view before an operator existed is refused as well.
    assert!(matches!(
        ledger.view(owner(), &IDS, 50),
        Err(AccountingError::BlockBeforeSnapshot { .. })
    ));
}

#[test]
fn a_new_cluster_over_a_removed_operator_cannot_register() {
    let mut ledger = mainnet_ledger();
    ledger
        .apply(&log(150, 0, Event::OperatorRemoved { operator_id: 3 }))
        .unwrap();
    let params = LiquidationParams::MAINNET_ETH;
    let (state, at) = ledger.view(owner(), &IDS, 200).unwrap();
    assert_eq!(at.removed_operator, Some(3));
    assert_eq!(
        state.register(1, U256::from(10u64.pow(18)), &at, &params),
        Err(AccountingError::OperatorRemoved { operator_id: 3 })
    );
    assert_eq!(
        plan(
            &state,
            &at,
            &params,
            &Action::AddValidators { count: 1 },
            Horizon {
                inclusion_blocks: 1,
                runway_blocks: 1
            }
        ),
        Err(AccountingError::OperatorRemoved { operator_id: 3 })
    );
}
