//! The version-independent path (`ClusterState` methods) returns exactly what the version
//! functions (`legacy`, `eth`) return on the same inputs, errors included, for both versions.

use alloy_primitives::U256;
use cluster_accounting::{
    AccountingError, Cluster, ClusterIndices, ClusterState, ClusterVersion, LiquidationOutcome,
    LiquidationParams, VUnits, eth, legacy,
};
use proptest::prelude::*;

fn vunits_strategy() -> impl Strategy<Value = VUnits> {
    prop_oneof![
        Just(VUnits::Implicit),
        (1u32..=2048 * 20).prop_map(VUnits::from_effective_balance),
    ]
}

fn version_strategy() -> impl Strategy<Value = ClusterVersion> {
    prop_oneof![Just(ClusterVersion::Ssv), Just(ClusterVersion::Eth)]
}

fn as_eth(state: &ClusterState) -> eth::EthCluster {
    eth::EthCluster {
        cluster: state.cluster,
        vunits: state.vunits,
    }
}

fn from_eth(cluster: eth::EthCluster) -> ClusterState {
    ClusterState {
        version: ClusterVersion::Eth,
        cluster: cluster.cluster,
        vunits: cluster.vunits,
    }
}

fn from_legacy(state: &ClusterState, cluster: Cluster) -> ClusterState {
    ClusterState { cluster, ..*state }
}

/// Every `ClusterState` method against the version function, on one input.
fn check_all(
    s: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
    count: u32,
    amount: U256,
) -> Result<(), TestCaseError> {
    let c = &s.cluster;
    let u = s.resolved_vunits();
    match s.version {
        ClusterVersion::Ssv => {
            let v = c.validator_count;
            prop_assert_eq!(
                s.fees(at),
                legacy::usage(c, at).map(|p| ClusterVersion::Ssv.unpack(p))
            );
            prop_assert_eq!(s.settled_balance(at), legacy::settled_balance(c, at));
            prop_assert_eq!(s.balance(at), legacy::balance(c, at));
            prop_assert_eq!(s.burn_rate(at), legacy::burn_rate(v, at));
            prop_assert_eq!(
                s.liquidation_threshold(at, params),
                legacy::liquidation_threshold(v, at, params)
            );
            prop_assert_eq!(
                s.minimum_balance(at, params),
                legacy::minimum_balance(v, at, params)
            );
            prop_assert_eq!(
                s.is_liquidatable(at, params),
                legacy::is_liquidatable(c, at, params)
            );
            prop_assert_eq!(
                s.minimum_to_register(count, at, params),
                legacy::minimum_to_register(c, count, at, params)
            );
            prop_assert_eq!(
                s.register(count, amount, at, params),
                legacy::register(c, count, amount, at, params).map(|n| from_legacy(s, n))
            );
            prop_assert_eq!(
                s.remove(count, at),
                legacy::remove(c, count, at).map(|n| from_legacy(s, n))
            );
            prop_assert_eq!(
                s.deposit(amount),
                legacy::deposit(c, amount).map(|n| from_legacy(s, n))
            );
            prop_assert_eq!(
                s.withdraw(amount, at, params),
                legacy::withdraw(c, amount, at, params).map(|n| from_legacy(s, n))
            );
            prop_assert_eq!(
                s.minimum_to_reactivate(at, params),
                legacy::minimum_to_reactivate(c, at, params)
            );
            prop_assert_eq!(
                s.reactivate(amount, at, params),
                legacy::reactivate(c, amount, at, params).map(|n| from_legacy(s, n))
            );
            for by_owner in [false, true] {
                prop_assert_eq!(
                    s.liquidate(at, params, by_owner),
                    legacy::liquidate(c, at, params, by_owner).map(|l| LiquidationOutcome {
                        state: from_legacy(s, l.cluster),
                        refund: l.refund,
                    })
                );
            }
        }
        ClusterVersion::Eth => {
            let e = as_eth(s);
            prop_assert_eq!(s.fees(at), eth::fees(c, u, at));
            prop_assert_eq!(s.settled_balance(at), eth::settled_balance(c, u, at));
            prop_assert_eq!(s.balance(at), eth::balance(&e, at));
            prop_assert_eq!(s.burn_rate(at), eth::burn_rate(u, at));
            prop_assert_eq!(
                s.liquidation_threshold(at, params),
                eth::liquidation_threshold(u, at, params)
            );
            prop_assert_eq!(
                s.minimum_balance(at, params),
                eth::minimum_balance(u, at, params)
            );
            prop_assert_eq!(
                s.is_liquidatable(at, params),
                eth::is_liquidatable(&e, at, params)
            );
            prop_assert_eq!(
                s.minimum_to_register(count, at, params),
                eth::minimum_to_register(&e, count, at, params)
            );
            prop_assert_eq!(
                s.register(count, amount, at, params),
                eth::register(&e, count, amount, at, params).map(from_eth)
            );
            prop_assert_eq!(
                s.remove(count, at),
                eth::remove(&e, count, at).map(from_eth)
            );
            prop_assert_eq!(s.deposit(amount), eth::deposit(&e, amount).map(from_eth));
            prop_assert_eq!(
                s.withdraw(amount, at, params),
                eth::withdraw(&e, amount, at, params).map(from_eth)
            );
            prop_assert_eq!(
                s.minimum_to_reactivate(at, params),
                eth::minimum_to_reactivate(&e, at, params)
            );
            prop_assert_eq!(
                s.reactivate(amount, at, params),
                eth::reactivate(&e, amount, at, params).map(from_eth)
            );
            for by_owner in [false, true] {
                prop_assert_eq!(
                    s.liquidate(at, params, by_owner),
                    eth::liquidate(&e, at, params, by_owner).map(|l| LiquidationOutcome {
                        state: from_eth(l.state),
                        refund: l.refund,
                    })
                );
            }
        }
    }
    // The free functions are the same path.
    prop_assert_eq!(cluster_accounting::balance_of(s, at), s.balance(at));
    prop_assert_eq!(
        cluster_accounting::is_liquidatable(s, at, params),
        s.is_liquidatable(at, params)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn methods_equal_the_version_functions(
        version in version_strategy(),
        validators in 0u32..60,
        vunits in vunits_strategy(),
        active in any::<bool>(),
        balance in 0u128..10u128.pow(19),
        // Snapshot indices, sometimes ahead of the current ones (an error both ways).
        snapshot in (0u64..3_000, 0u64..3_000),
        base in (0u64..3_000, 0u64..3_000),
        operator_fee in 0u64..200_000,
        network_fee in 0u64..100_000,
        blocks in 0u64..200_000,
        removed in proptest::option::weighted(0.1, 1u64..20),
        count in 0u32..6,
        amount in prop_oneof![Just(0u128), 0u128..10u128.pow(19)],
        threshold_period in 0u64..200_000,
        collateral in 0u64..10u64.pow(18),
    ) {
        let cluster = if active {
            Cluster {
                validator_count: validators,
                network_fee_index: snapshot.1,
                index: snapshot.0,
                active: true,
                balance: U256::from(balance),
            }
        } else {
            Cluster { balance: U256::from(balance % 10u128.pow(16)), ..Cluster::liquidated(validators) }
        };
        let s = ClusterState {
            version,
            cluster,
            vunits: if version == ClusterVersion::Ssv { VUnits::Implicit } else { vunits },
        };
        let at = ClusterIndices {
            block: 0,
            operator_index: base.0,
            network_index: base.1,
            operator_fee,
            network_fee,
            removed_operator: removed,
        }
        .advance(blocks)
        .unwrap();
        let params = LiquidationParams { threshold_period, minimum_collateral: U256::from(collateral) };
        check_all(&s, &at, &params, count, U256::from(amount))?;
    }

    #[test]
    fn a_history_of_calls_gives_the_same_states(
        version in version_strategy(),
        steps in proptest::collection::vec((0u8..5, 1u64..5_000, 0u128..10u128.pow(16)), 1..20),
    ) {
        // Register, remove, deposit, withdraw, liquidate/reactivate through both paths.
        let params = LiquidationParams { threshold_period: 1_000, minimum_collateral: U256::from(10u64.pow(12)) };
        let mut at = ClusterIndices {
            block: 0,
            operator_index: 0,
            network_index: 0,
            operator_fee: 40_000,
            network_fee: 10_000,
            removed_operator: None,
        };
        let mut common = ClusterState::new_cluster(version);
        let mut by_version = common;
        for (step, gap, amount) in steps {
            at = at.advance(gap).unwrap();
            let amount = U256::from(amount);
            let next = match step {
                0 => common.register(1, amount + common.minimum_to_register(1, &at, &params).unwrap(), &at, &params),
                1 => common.remove(1, &at),
                2 => common.deposit(amount),
                3 => common.withdraw(amount, &at, &params),
                _ if common.cluster.active => common.liquidate(&at, &params, true).map(|l| l.state),
                _ => common.reactivate(amount + common.minimum_to_reactivate(&at, &params).unwrap(), &at, &params),
            };
            let expected = match version {
                ClusterVersion::Ssv => {
                    let c = &by_version.cluster;
                    match step {
                        0 => legacy::register(c, 1, amount + legacy::minimum_to_register(c, 1, &at, &params).unwrap(), &at, &params),
                        1 => legacy::remove(c, 1, &at),
                        2 => legacy::deposit(c, amount),
                        3 => legacy::withdraw(c, amount, &at, &params),
                        _ if c.active => legacy::liquidate(c, &at, &params, true).map(|l| l.cluster),
                        _ => legacy::reactivate(c, amount + legacy::minimum_to_reactivate(c, &at, &params).unwrap(), &at, &params),
                    }
                    .map(|c| ClusterState { cluster: c, ..by_version })
                }
                ClusterVersion::Eth => {
                    let e = as_eth(&by_version);
                    match step {
                        0 => eth::register(&e, 1, amount + eth::minimum_to_register(&e, 1, &at, &params).unwrap(), &at, &params),
                        1 => eth::remove(&e, 1, &at),
                        2 => eth::deposit(&e, amount),
                        3 => eth::withdraw(&e, amount, &at, &params),
                        _ if e.cluster.active => eth::liquidate(&e, &at, &params, true).map(|l| l.state),
                        _ => eth::reactivate(&e, amount + eth::minimum_to_reactivate(&e, &at, &params).unwrap(), &at, &params),
                    }
                    .map(from_eth)
                }
            };
            prop_assert_eq!(&next, &expected);
            if let Ok(state) = next {
                common = state;
                by_version = expected.unwrap();
            }
        }
    }
}

#[test]
fn minimum_to_register_is_exact_for_both_versions() {
    // 1e9 left but 5e9 owed (packed fees 400 + 100 for one validator over one block).
    let at = ClusterIndices {
        block: 1,
        operator_index: 400,
        network_index: 100,
        operator_fee: 400,
        network_fee: 100,
        removed_operator: None,
    };
    let params = LiquidationParams {
        threshold_period: 100_800,
        minimum_collateral: U256::from(200_000_000u64),
    };
    let cluster = Cluster {
        validator_count: 1,
        network_fee_index: 0,
        index: 0,
        active: true,
        balance: U256::from(1_000_000_000u64),
    };
    let ssv = ClusterState {
        version: ClusterVersion::Ssv,
        cluster,
        vunits: VUnits::Implicit,
    };
    // v1.2.0 adds the amount first, so the 4e9 debt is paid too: threshold of two validators
    // (100,800 · 500 · 2 · 1e7) + 5e9 − 1e9.
    let threshold = U256::from(100_800u64 * 500 * 2 * 10_000_000);
    let need = ssv.minimum_to_register(1, &at, &params).unwrap();
    assert_eq!(need, threshold + U256::from(4_000_000_000u64));
    assert_eq!(
        ssv.register(1, need, &at, &params).unwrap().cluster.balance,
        threshold
    );
    assert!(matches!(
        ssv.register(1, need - U256::from(1u64), &at, &params),
        Err(AccountingError::InsufficientBalance { .. })
    ));
    // A liquidated legacy cluster needs the collateral of its validators minus what it holds.
    let liquidated = ClusterState {
        cluster: Cluster {
            balance: U256::from(7u64),
            ..Cluster::liquidated(2)
        },
        ..ssv
    };
    assert_eq!(
        liquidated.minimum_to_reactivate(&at, &params),
        Ok(threshold - U256::from(7u64))
    );
    assert!(
        liquidated
            .reactivate(threshold - U256::from(7u64), &at, &params)
            .is_ok()
    );
    assert!(matches!(
        liquidated.reactivate(threshold - U256::from(8u64), &at, &params),
        Err(AccountingError::InsufficientBalance { .. })
    ));
}
