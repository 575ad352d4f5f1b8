//! Funding plans, runway and top-up decisions.

use alloy_primitives::U256;
use cluster_accounting::{
    AccountingError, Action, Cluster, ClusterIndices, ClusterState, ClusterVersion, Horizon,
    LiquidationParams, TopUp, TopUpPolicy, VUnits, eth, is_liquidatable, legacy, plan, runway,
};

const GWEI: u64 = 1_000_000_000;
const PARAMS: LiquidationParams = LiquidationParams::MAINNET_ETH;

/// Four operators at 1.77e9 and the mainnet network fee, indices started at block 0.
fn mainnet_at(block: u64) -> ClusterIndices {
    ClusterIndices {
        block: 0,
        operator_index: 0,
        network_index: 0,
        operator_fee: 4 * 17_700,
        network_fee: 33_666,
        removed_operator: None,
    }
    .advance(block)
    .unwrap()
}

fn eth_state(cluster: Cluster, vunits: VUnits) -> ClusterState {
    ClusterState {
        version: ClusterVersion::Eth,
        cluster,
        vunits,
    }
}

fn running(validators: u32, balance: U256) -> ClusterState {
    eth_state(
        Cluster {
            validator_count: validators,
            network_fee_index: 0,
            index: 0,
            active: true,
            balance,
        },
        VUnits::Implicit,
    )
}

#[test]
fn first_validator_for_thirty_days() {
    let new = eth_state(Cluster::NEW, VUnits::Implicit);
    let horizon = Horizon {
        inclusion_blocks: 20,
        runway_blocks: 30 * 7_200,
    };
    let at = mainnet_at(1_000);
    let p = plan(
        &new,
        &at,
        &PARAMS,
        &Action::AddValidators { count: 1 },
        horizon,
    )
    .unwrap();
    // Collateral 42,960 · 10,446,600,000 plus 216,000 blocks at the same rate.
    let rate = 10_446_600_000u64;
    assert_eq!(p.amount, U256::from((42_960 + 216_000) * rate));
    assert_eq!(p.latest_landing_block, 1_020);
    // Liquidatable exactly when the runway is used up: one block after landing + R.
    assert_eq!(p.liquidation_block, Some(1_020 + 216_000 + 1));
    assert_eq!(p.ssv_refund, None);
}

#[test]
fn adding_validators_needs_the_new_collateral_and_is_minimal() {
    let state = running(3, U256::from(10u64.pow(16)));
    let at = mainnet_at(500);
    let horizon = Horizon {
        inclusion_blocks: 10,
        runway_blocks: 7_200,
    };
    let p = plan(
        &state,
        &at,
        &PARAMS,
        &Action::AddValidators { count: 2 },
        horizon,
    )
    .unwrap();
    let landing = at.advance(10).unwrap();
    let current = eth::EthCluster {
        cluster: state.cluster,
        vunits: state.vunits,
    };
    let after = eth::register(&current, 2, p.amount, &landing, &PARAMS).unwrap();
    let end = landing.advance(7_200).unwrap();
    assert!(!eth::is_liquidatable(&after, &end, &PARAMS).unwrap());
    // One wei less fails either at registration or before the runway ends.
    let short = p.amount - U256::from(1u64);
    let fails = eth::register(&current, 2, short, &landing, &PARAMS)
        .map_or(true, |s| eth::is_liquidatable(&s, &end, &PARAMS).unwrap());
    assert!(fails);
}

#[test]
fn keep_running_covers_inclusion_and_runway() {
    let state = running(4, U256::from(2 * 10u64.pow(15)));
    let at = mainnet_at(100);
    let horizon = Horizon {
        inclusion_blocks: 50,
        runway_blocks: 7_200,
    };
    let p = plan(&state, &at, &PARAMS, &Action::KeepRunning, horizon).unwrap();
    let rate = U256::from(4 * 10_446_600_000u64);
    // Threshold of four validators + fees from block 0 (snapshot) to 100 + 50 + 7,200.
    let expected =
        rate * U256::from(42_960u64) + rate * U256::from(7_350u64) - U256::from(2 * 10u64.pow(15));
    assert_eq!(p.amount, expected);
    assert_eq!(p.liquidation_block, Some(100 + 50 + 7_200 + 1));
}

#[test]
fn reactivation_pays_stored_vunits_and_nothing_for_the_gap() {
    let liquidated = eth_state(Cluster::liquidated(2), VUnits::Explicit(20_313));
    let at = mainnet_at(90_000);
    let p = plan(
        &liquidated,
        &at,
        &PARAMS,
        &Action::Reactivate,
        Horizon {
            inclusion_blocks: 5,
            runway_blocks: 0,
        },
    )
    .unwrap();
    let landing = at.advance(5).unwrap();
    assert_eq!(
        p.amount,
        eth::minimum_balance(20_313, &landing, &PARAMS).unwrap()
    );
    assert_eq!(
        eth::minimum_to_reactivate(
            &eth::EthCluster {
                cluster: liquidated.cluster,
                vunits: liquidated.vunits
            },
            &landing,
            &PARAMS
        ),
        Ok(p.amount)
    );
}

#[test]
fn migration_refunds_ssv_and_needs_eth() {
    let ssv_params = LiquidationParams {
        threshold_period: 100_240,
        minimum_collateral: U256::from(10u64.pow(17)),
    };
    let ssv_at = ClusterIndices {
        block: 0,
        operator_index: 0,
        network_index: 0,
        operator_fee: 4 * 100,
        network_fee: 100,
        removed_operator: None,
    }
    .advance(1_000)
    .unwrap();
    let legacy_state = ClusterState {
        version: ClusterVersion::Ssv,
        cluster: Cluster {
            validator_count: 2,
            network_fee_index: 0,
            index: 0,
            active: true,
            balance: U256::from(10u64.pow(19)),
        },
        vunits: VUnits::Implicit,
    };
    let eth_at = ClusterIndices {
        block: 1_000,
        ..mainnet_at(1_000)
    };
    let p = plan(
        &legacy_state,
        &ssv_at,
        &ssv_params,
        &Action::MigrateToEth {
            vunits: VUnits::Implicit,
            eth_indices: eth_at,
            eth_params: PARAMS,
        },
        Horizon {
            inclusion_blocks: 10,
            runway_blocks: 7_200,
        },
    )
    .unwrap();
    // SSV: 1,010 blocks · 5e9 · 2 validators spent before landing.
    assert_eq!(
        p.ssv_refund,
        Some(U256::from(10u64.pow(19) - 1_010 * 5 * GWEI * 2))
    );
    assert_eq!(
        p.amount,
        U256::from(2 * 10_446_600_000u64 * (42_960 + 7_200))
    );
    assert_eq!(p.token, ClusterVersion::Eth);
}

#[test]
fn actions_that_cannot_work_are_errors() {
    let at = mainnet_at(100);
    let horizon = Horizon {
        inclusion_blocks: 10,
        runway_blocks: 100,
    };
    let legacy_state = ClusterState {
        version: ClusterVersion::Ssv,
        ..running(1, U256::from(10u64.pow(18)))
    };
    assert_eq!(
        plan(&legacy_state, &at, &PARAMS, &Action::KeepRunning, horizon),
        Err(AccountingError::IncorrectClusterVersion {
            expected: ClusterVersion::Eth,
            found: ClusterVersion::Ssv
        })
    );
    let liquidated = eth_state(Cluster::liquidated(1), VUnits::Implicit);
    assert_eq!(
        plan(
            &liquidated,
            &at,
            &PARAMS,
            &Action::AddValidators { count: 1 },
            horizon
        ),
        Err(AccountingError::ClusterLiquidated)
    );
    let healthy = running(1, U256::from(10u64.pow(18)));
    assert_eq!(
        plan(&healthy, &at, &PARAMS, &Action::Reactivate, horizon),
        Err(AccountingError::ClusterAlreadyActive)
    );
    let removed = ClusterIndices {
        removed_operator: Some(3),
        ..at
    };
    assert_eq!(
        plan(
            &healthy,
            &removed,
            &PARAMS,
            &Action::AddValidators { count: 1 },
            horizon
        ),
        Err(AccountingError::OperatorRemoved { operator_id: 3 })
    );
    // Funded for exactly the threshold at block 0: liquidatable from block 1, before landing.
    let edge = running(1, U256::from(42_960 * 10_446_600_000u64));
    assert_eq!(
        plan(
            &edge,
            &mainnet_at(0),
            &PARAMS,
            &Action::KeepRunning,
            horizon
        ),
        Err(AccountingError::LiquidatableBeforeInclusion {
            liquidation_block: 1,
            landing_block: 10
        })
    );
}

#[test]
fn runway_finds_the_first_liquidatable_block() {
    let rate = 10_446_600_000u64;
    let state = running(1, U256::from((42_960 + 7_200) * rate));
    let r = runway(&state, &mainnet_at(0), &PARAMS).unwrap();
    assert_eq!(r.liquidation_block, Some(7_201));
    assert_eq!(r.blocks(), Some(7_201));
    assert_eq!(r.days().unwrap().to_string(), "1.00");
    assert!(!is_liquidatable(&state, &mainnet_at(7_200), &PARAMS).unwrap());
    assert!(is_liquidatable(&state, &mainnet_at(7_201), &PARAMS).unwrap());
    // No validators, no fees or liquidated: never.
    let empty = running(0, U256::ZERO);
    assert_eq!(
        runway(&empty, &mainnet_at(0), &PARAMS)
            .unwrap()
            .liquidation_block,
        None
    );
    let free = ClusterIndices {
        operator_fee: 0,
        network_fee: 0,
        ..mainnet_at(0)
    };
    assert_eq!(
        runway(&state, &free, &PARAMS).unwrap().liquidation_block,
        None
    );
}

#[test]
fn legacy_runway_uses_ssv_maths() {
    let params = LiquidationParams {
        threshold_period: 100_800,
        minimum_collateral: U256::from(200_000_000u64),
    };
    let at = ClusterIndices {
        block: 20,
        operator_index: 2_200,
        network_index: 300,
        operator_fee: 400,
        network_fee: 100,
        removed_operator: None,
    };
    let cluster = legacy::register(
        &Cluster::NEW,
        1,
        U256::from(504_000_000_000_000u64 + 10 * 5 * GWEI),
        &at,
        &params,
    )
    .unwrap();
    let state = ClusterState {
        version: ClusterVersion::Ssv,
        cluster,
        vunits: VUnits::Implicit,
    };
    assert_eq!(
        runway(&state, &at, &params).unwrap().liquidation_block,
        Some(31)
    );
}

#[test]
fn top_up_policy_decisions() {
    let policy = TopUpPolicy {
        threshold_runway_blocks: 7 * 7_200,
        target_runway_blocks: 30 * 7_200,
        inclusion_margin_blocks: 100,
    };
    let rate = 10_446_600_000u64;
    let at = mainnet_at(0);
    let rich = running(1, U256::from((42_960 + 60 * 7_200) * rate));
    assert!(matches!(
        policy.decide(&rich, &at, &PARAMS).unwrap(),
        TopUp::NotNeeded { .. }
    ));
    let poor = running(1, U256::from((42_960 + 7_200) * rate));
    match policy.decide(&poor, &at, &PARAMS).unwrap() {
        TopUp::Deposit {
            amount,
            runway,
            urgent,
        } => {
            assert_eq!(amount, U256::from((30 * 7_200 + 100 - 7_200) * rate));
            assert_eq!(runway.liquidation_block, Some(7_201));
            assert!(!urgent);
        }
        other => panic!("expected a deposit, got {other:?}"),
    }
    let edge = running(1, U256::from((42_960 + 50) * rate));
    assert!(matches!(
        policy.decide(&edge, &at, &PARAMS).unwrap(),
        TopUp::Deposit { urgent: true, .. }
    ));
    let liquidated = eth_state(Cluster::liquidated(1), VUnits::Implicit);
    assert!(matches!(
        policy.decide(&liquidated, &at, &PARAMS).unwrap(),
        TopUp::Reactivate { .. }
    ));
    let legacy_state = ClusterState {
        version: ClusterVersion::Ssv,
        ..rich
    };
    assert!(matches!(
        policy.decide(&legacy_state, &at, &PARAMS).unwrap(),
        TopUp::MigrationRequired { .. }
    ));
}

#[test]
fn max_withdrawal_keeps_collateral_and_runway() {
    let rate = 10_446_600_000u64;
    let at = mainnet_at(100);
    let horizon = Horizon {
        inclusion_blocks: 10,
        runway_blocks: 7_200,
    };
    // Funded from block 0 for the threshold plus 20,000 blocks.
    let state = running(1, U256::from((42_960 + 20_000) * rate));
    let max = cluster_accounting::max_withdrawal(&state, &at, &PARAMS, horizon).unwrap();
    // Landing at 110, it must keep the threshold and 7,200 more blocks.
    assert_eq!(max, U256::from((20_000 - 110 - 7_200) * rate));
    let current = eth::EthCluster {
        cluster: state.cluster,
        vunits: state.vunits,
    };
    for d in [0, 10] {
        let landing = at.advance(d).unwrap();
        let after = eth::withdraw(&current, max, &landing, &PARAMS).unwrap();
        let end = landing.advance(7_200).unwrap();
        assert!(!eth::is_liquidatable(&after, &end, &PARAMS).unwrap());
    }
    let landing = at.advance(10).unwrap();
    let after = eth::withdraw(&current, max + U256::from(1u64), &landing, &PARAMS).unwrap();
    assert!(eth::is_liquidatable(&after, &landing.advance(7_200).unwrap(), &PARAMS).unwrap());
    // Without validators everything can go; a liquidated cluster pays out what it holds.
    let empty = running(0, U256::from(5u64));
    assert_eq!(
        cluster_accounting::max_withdrawal(&empty, &at, &PARAMS, horizon),
        Ok(U256::from(5u64))
    );
    let liquidated = eth_state(
        Cluster {
            balance: U256::from(7u64),
            ..Cluster::liquidated(2)
        },
        VUnits::Implicit,
    );
    assert_eq!(
        cluster_accounting::max_withdrawal(&liquidated, &at, &PARAMS, horizon),
        Ok(U256::from(7u64))
    );
}

proptest::proptest! {
    /// `is_clear` is a shortcut of `decide`: when it says clear, `decide` says not needed, and
    /// for an active ETH cluster with validators the two agree exactly (balances around the
    /// threshold, 1–50 validators, any point in time).
    #[test]
    fn is_clear_agrees_with_decide(
        validators in 1u32..50,
        extra_blocks in 0u64..(20 * 7_200),
        start in 0u64..1_000_000,
        margin in 0u64..500,
    ) {
        let policy = TopUpPolicy {
            threshold_runway_blocks: 7 * 7_200,
            target_runway_blocks: 30 * 7_200,
            inclusion_margin_blocks: margin,
        };
        let rate = 10_446_600_000u64 * u64::from(validators);
        let at = mainnet_at(start);
        let mut state = running(validators, U256::from((42_960 + extra_blocks) * rate));
        state.cluster.index = at.operator_index;
        state.cluster.network_fee_index = at.network_index;
        let clear = policy.is_clear(&state, &at, &PARAMS).unwrap();
        let not_needed = matches!(
            policy.decide(&state, &at, &PARAMS).unwrap(),
            TopUp::NotNeeded { .. }
        );
        proptest::prop_assert_eq!(clear, not_needed);
    }
}
