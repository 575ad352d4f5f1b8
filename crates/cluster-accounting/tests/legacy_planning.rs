//! Plans for legacy SSV clusters under the v1.2.0 rules (`Rules::V1`), against hand
//! computations of the v1 formula: liquidatable ⇔ balance < max(MLC, LTP·(Σ fee + network
//! fee)·V), packed ÷1e7; registration adds the amount before settling; reactivation charges
//! nothing for the liquidated period.

use alloy_primitives::U256;
use cluster_accounting::{
    AccountingError, Action, Cluster, ClusterIndices, ClusterState, ClusterVersion, Horizon,
    LiquidationParams, Rules, VUnits, legacy, plan, plan_with, runway,
};
use proptest::prelude::*;

const GWEI: u64 = 1_000_000_000;
/// Packed SSV fees: four operators at 100 (1e9 wei) and the network at 100: 5e9 wei per
/// validator per block.
const RATE: u64 = 5 * GWEI;
const LTP: u64 = 100_240;
const PARAMS: LiquidationParams = LiquidationParams {
    threshold_period: LTP,
    minimum_collateral: U256::from_limbs([200_000_000_000_000, 0, 0, 0]),
};

fn ssv_at(block: u64) -> ClusterIndices {
    ClusterIndices {
        block: 0,
        operator_index: 0,
        network_index: 0,
        operator_fee: 4 * 100,
        network_fee: 100,
        removed_operator: None,
    }
    .advance(block)
    .unwrap()
}

fn legacy_state(cluster: Cluster) -> ClusterState {
    ClusterState {
        version: ClusterVersion::Ssv,
        cluster,
        vunits: VUnits::Implicit,
    }
}

/// Active since block 0 with `validators` and `balance`.
fn running(validators: u32, balance: u64) -> ClusterState {
    legacy_state(Cluster {
        validator_count: validators,
        network_fee_index: 0,
        index: 0,
        active: true,
        balance: U256::from(balance),
    })
}

fn wei(x: u64) -> U256 {
    U256::from(x)
}

#[test]
fn first_validators_of_a_new_legacy_cluster() {
    let horizon = Horizon {
        inclusion_blocks: 20,
        runway_blocks: 7_200,
    };
    let new = ClusterState::new_cluster(ClusterVersion::Ssv);
    let p = plan_with(
        Rules::V1,
        &new,
        &ssv_at(1_000),
        &PARAMS,
        &Action::AddValidators { count: 1 },
        horizon,
    )
    .unwrap();
    // LTP · 5e9 = 5.012e14 > MLC 2e14, plus 7,200 blocks at 5e9.
    assert_eq!(p.amount, wei((LTP + 7_200) * RATE));
    assert_eq!(p.amount, wei(537_200_000_000_000));
    assert_eq!(p.token, ClusterVersion::Ssv);
    assert_eq!(p.latest_landing_block, 1_020);
    assert_eq!(p.ssv_refund, None);
    assert_eq!(p.liquidation_block, Some(1_020 + 7_200 + 1));

    // Three validators at once, no runway: exactly the threshold of three.
    let p = plan_with(
        Rules::V1,
        &new,
        &ssv_at(1_000),
        &PARAMS,
        &Action::AddValidators { count: 3 },
        Horizon {
            inclusion_blocks: 20,
            runway_blocks: 0,
        },
    )
    .unwrap();
    assert_eq!(p.amount, wei(3 * LTP * RATE));

    // With the mainnet SSV parameters the minimum collateral (385.8 SSV) dominates one validator.
    let p = plan_with(
        Rules::V1,
        &new,
        &ssv_at(1_000),
        &LiquidationParams::MAINNET_SSV,
        &Action::AddValidators { count: 1 },
        Horizon {
            inclusion_blocks: 20,
            runway_blocks: 0,
        },
    )
    .unwrap();
    assert_eq!(p.amount, wei(385_795_451_000_000_000));
}

#[test]
fn adding_to_a_running_legacy_cluster_pays_the_fees_until_landing() {
    // Two validators funded at block 0 with 1.2e15; one more lands by block 1,010.
    let state = running(2, 1_200_000_000_000_000);
    let at = ssv_at(1_000);
    let horizon = Horizon {
        inclusion_blocks: 10,
        runway_blocks: 7_200,
    };
    let p = plan_with(
        Rules::V1,
        &state,
        &at,
        &PARAMS,
        &Action::AddValidators { count: 1 },
        horizon,
    )
    .unwrap();
    // max(MLC, LTP·5e9·3) + 7,200·5e9·3 + 1,010·5e9·2 (spent at two validators) − 1.2e15.
    let hand = (LTP + 7_200) * RATE * 3 + 1_010 * RATE * 2 - 1_200_000_000_000_000;
    assert_eq!(hand, 421_700_000_000_000);
    assert_eq!(p.amount, wei(hand));
    assert_eq!(p.liquidation_block, Some(1_010 + 7_200 + 1));
    // The v1.2.0 transition agrees: enough whenever it lands, and one wei less is not.
    for d in [0, 10] {
        let landing = at.advance(d).unwrap();
        let after = legacy::register(&state.cluster, 1, p.amount, &landing, &PARAMS).unwrap();
        let end = landing.advance(7_200).unwrap();
        assert!(!legacy::is_liquidatable(&after, &end, &PARAMS).unwrap());
    }
    let landing = at.advance(10).unwrap();
    let short = legacy::register(&state.cluster, 1, p.amount - wei(1), &landing, &PARAMS).unwrap();
    assert!(legacy::is_liquidatable(&short, &landing.advance(7_200).unwrap(), &PARAMS).unwrap());
}

#[test]
fn keeping_a_legacy_cluster_running() {
    // Four validators (2e10 per block) funded at block 0 with 2.1e15; deposit lands by 150.
    let state = running(4, 2_100_000_000_000_000);
    let p = plan_with(
        Rules::V1,
        &state,
        &ssv_at(100),
        &PARAMS,
        &Action::KeepRunning,
        Horizon {
            inclusion_blocks: 50,
            runway_blocks: 7_200,
        },
    )
    .unwrap();
    // LTP·2e10 + (100 + 50 + 7,200)·2e10 − 2.1e15.
    let hand = LTP * 4 * RATE + 7_350 * 4 * RATE - 2_100_000_000_000_000;
    assert_eq!(hand, 51_800_000_000_000);
    assert_eq!(p.amount, wei(hand));
    assert_eq!(p.token, ClusterVersion::Ssv);
    assert_eq!(p.liquidation_block, Some(100 + 50 + 7_200 + 1));
    let after = legacy::deposit(&state.cluster, p.amount).unwrap();
    assert_eq!(
        runway(&legacy_state(after), &ssv_at(100), &PARAMS)
            .unwrap()
            .liquidation_block,
        Some(7_351)
    );
}

#[test]
fn reactivating_a_legacy_cluster_charges_nothing_for_the_gap() {
    // Liquidated with three validators; 1e14 deposited while liquidated.
    let liquidated = legacy_state(Cluster {
        balance: wei(100_000_000_000_000),
        ..Cluster::liquidated(3)
    });
    let at = ssv_at(90_000);
    let no_runway = Horizon {
        inclusion_blocks: 5,
        runway_blocks: 0,
    };
    let p = plan_with(
        Rules::V1,
        &liquidated,
        &at,
        &PARAMS,
        &Action::Reactivate,
        no_runway,
    )
    .unwrap();
    assert_eq!(p.amount, wei(3 * LTP * RATE - 100_000_000_000_000));
    assert_eq!(
        legacy::minimum_to_reactivate(&liquidated.cluster, &at.advance(5).unwrap(), &PARAMS),
        Ok(p.amount)
    );
    let with_runway = plan_with(
        Rules::V1,
        &liquidated,
        &at,
        &PARAMS,
        &Action::Reactivate,
        Horizon {
            inclusion_blocks: 5,
            runway_blocks: 7_200,
        },
    )
    .unwrap();
    assert_eq!(with_runway.amount, p.amount + wei(7_200 * 3 * RATE));
    assert_eq!(with_runway.liquidation_block, Some(90_005 + 7_200 + 1));
}

#[test]
fn v2_rules_keep_legacy_clusters_frozen_and_eth_plans_are_the_same_under_both() {
    let horizon = Horizon {
        inclusion_blocks: 10,
        runway_blocks: 100,
    };
    let frozen = Err(AccountingError::IncorrectClusterVersion {
        expected: ClusterVersion::Eth,
        found: ClusterVersion::Ssv,
    });
    let legacy_running = running(1, 10u64.pow(18));
    let legacy_liquidated = legacy_state(Cluster::liquidated(1));
    for (state, action) in [
        (legacy_running, Action::AddValidators { count: 1 }),
        (legacy_running, Action::KeepRunning),
        (legacy_liquidated, Action::Reactivate),
    ] {
        assert_eq!(
            plan(&state, &ssv_at(100), &PARAMS, &action, horizon),
            frozen
        );
        assert_eq!(
            plan_with(Rules::V2, &state, &ssv_at(100), &PARAMS, &action, horizon),
            frozen
        );
        assert!(plan_with(Rules::V1, &state, &ssv_at(100), &PARAMS, &action, horizon).is_ok());
    }
    assert_eq!(Rules::default(), Rules::V2);

    let eth_at = ClusterIndices {
        operator_fee: 4 * 17_700,
        network_fee: 33_666,
        ..ssv_at(0)
    }
    .advance(500)
    .unwrap();
    let eth_running = ClusterState {
        version: ClusterVersion::Eth,
        ..running(2, 10u64.pow(16))
    };
    let eth_params = LiquidationParams::MAINNET_ETH;
    for action in [Action::AddValidators { count: 1 }, Action::KeepRunning] {
        let v2 = plan(&eth_running, &eth_at, &eth_params, &action, horizon).unwrap();
        assert_eq!(v2.token, ClusterVersion::Eth);
        assert_eq!(
            plan_with(
                Rules::V1,
                &eth_running,
                &eth_at,
                &eth_params,
                &action,
                horizon
            ),
            Ok(v2)
        );
    }
    // Migration is unchanged by the rules.
    let migrate = Action::MigrateToEth {
        vunits: VUnits::Implicit,
        eth_indices: ClusterIndices {
            block: 100,
            ..eth_at
        },
        eth_params,
    };
    assert_eq!(
        plan_with(
            Rules::V1,
            &legacy_running,
            &ssv_at(100),
            &PARAMS,
            &migrate,
            horizon
        ),
        plan(&legacy_running, &ssv_at(100), &PARAMS, &migrate, horizon)
    );
    // A liquidatable legacy cluster cannot be planned for under v1 either (bots come first).
    let edge = running(1, LTP * RATE);
    assert_eq!(
        plan_with(
            Rules::V1,
            &edge,
            &ssv_at(0),
            &PARAMS,
            &Action::KeepRunning,
            horizon
        ),
        Err(AccountingError::LiquidatableBeforeInclusion {
            liquidation_block: 1,
            landing_block: 10
        })
    );
    // v1.2.0 adds the amount before settling: a cluster owing 5e9 with 1e9 left pays the
    // 4e9 debt on top of the threshold of two validators.
    let indebted = legacy_state(Cluster {
        validator_count: 1,
        network_fee_index: 0,
        index: 0,
        active: true,
        balance: wei(GWEI),
    });
    let need = indebted
        .minimum_to_register(1, &ssv_at(1), &PARAMS)
        .unwrap();
    assert_eq!(need, wei(2 * LTP * RATE + RATE - GWEI));
    assert_eq!(
        legacy::minimum_to_register(&indebted.cluster, 1, &ssv_at(1), &PARAMS),
        Ok(need)
    );
}

fn action_strategy() -> impl Strategy<Value = Action> {
    prop_oneof![
        (1u32..5).prop_map(|count| Action::AddValidators { count }),
        Just(Action::KeepRunning),
        Just(Action::Reactivate),
    ]
}

proptest! {
    /// Every v1 plan is enough whenever it lands within the inclusion window and one wei less
    /// is not, checked with the v1.2.0 transitions.
    #[test]
    fn legacy_plans_are_enough_and_minimal(
        validators in 0u32..20,
        per_validator in 0u64..2 * 10u64.pow(15),
        snapshot_age in 0u64..2_000,
        operator_fee in 100u64..2_000,
        network_fee in 0u64..500,
        action in action_strategy(),
        inclusion in 0u64..50,
        runway_blocks in 0u64..50_000,
        collateral in 0u64..10u64.pow(15),
    ) {
        let params = LiquidationParams { threshold_period: LTP, minimum_collateral: U256::from(collateral) };
        // Reactivation plans are for liquidated clusters, the others for active ones.
        let start = per_validator * u64::from(validators + 1);
        let state = if action == Action::Reactivate {
            legacy_state(Cluster { balance: U256::from(start / 4), ..Cluster::liquidated(validators) })
        } else {
            running(validators, start)
        };
        let at = ClusterIndices {
            operator_fee,
            network_fee,
            ..ssv_at(0)
        }
        .advance(snapshot_age)
        .unwrap();
        let horizon = Horizon { inclusion_blocks: inclusion, runway_blocks };
        let p = match plan_with(Rules::V1, &state, &at, &params, &action, horizon) {
            Ok(p) => p,
            Err(AccountingError::LiquidatableBeforeInclusion { .. }
                | AccountingError::ClusterLiquidated
                | AccountingError::ClusterAlreadyActive) => return Ok(()),
            Err(other) => return Err(TestCaseError::fail(format!("{other}"))),
        };
        prop_assert_eq!(p.token, ClusterVersion::Ssv);
        let apply = |amount: U256, landing: &ClusterIndices| match action {
            Action::AddValidators { count } => state.register(count, amount, landing, &params),
            Action::KeepRunning => state.deposit(amount),
            _ => state.reactivate(amount, landing, &params),
        };
        let safe_until_end = |amount: U256, landing: &ClusterIndices| {
            let end = landing.advance(runway_blocks).unwrap();
            apply(amount, landing).is_ok_and(|after| !after.is_liquidatable(&end, &params).unwrap())
        };
        for d in [0, inclusion] {
            let landing = at.advance(d).unwrap();
            prop_assert!(safe_until_end(p.amount, &landing));
        }
        // Minimal, unless nothing at all is needed (or the cluster has no validators, where
        // the collateral is not enforced but the plan still asks for it).
        if !p.amount.is_zero() && validators_after(&state, &action) > 0 {
            let landing = at.advance(inclusion).unwrap();
            prop_assert!(!safe_until_end(p.amount - U256::from(1u64), &landing));
        }
    }
}

/// Validator count after the action.
fn validators_after(state: &ClusterState, action: &Action) -> u32 {
    match action {
        Action::AddValidators { count } => state.cluster.validator_count + count,
        _ => state.cluster.validator_count,
    }
}
