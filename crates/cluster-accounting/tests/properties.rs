//! Properties of the accounting maths and the ledger, over random inputs.

use alloy_primitives::{Address, U256};
use cluster_accounting::{
    AccountingError, Action, Cluster, ClusterIndices, ClusterState, ClusterVersion, Event,
    FeeSnapshot, Horizon, Ledger, LiquidationParams, Log, LogPosition, NetworkState, OperatorState,
    VUnits, eth, is_liquidatable, legacy, plan, runway,
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

/// Indices at block 0 with random packed fees; the cluster snapshot sits at index 0.
fn indices(operator_fee: u64, network_fee: u64) -> ClusterIndices {
    ClusterIndices {
        block: 0,
        operator_index: 0,
        network_index: 0,
        operator_fee,
        network_fee,
        removed_operator: None,
    }
}

fn state(version: ClusterVersion, validators: u32, balance: u128, vunits: VUnits) -> ClusterState {
    ClusterState {
        version,
        cluster: Cluster {
            validator_count: validators,
            network_fee_index: 0,
            index: 0,
            active: true,
            balance: U256::from(balance),
        },
        vunits: if version == ClusterVersion::Ssv {
            VUnits::Implicit
        } else {
            vunits
        },
    }
}

fn balance(state: &ClusterState, at: &ClusterIndices) -> U256 {
    cluster_accounting::balance_of(state, at).unwrap()
}

proptest! {
    #[test]
    fn balance_never_increases_and_floors_at_zero(
        version in version_strategy(),
        validators in 1u32..500,
        vunits in vunits_strategy(),
        start in 0u128..10u128.pow(20),
        operator_fee in 0u64..200_000,
        network_fee in 0u64..100_000,
        k1 in 0u64..1_000_000,
        dk in 0u64..1_000_000,
    ) {
        let s = state(version, validators, start, vunits);
        let at = indices(operator_fee, network_fee);
        let early = balance(&s, &at.advance(k1).unwrap());
        let late = balance(&s, &at.advance(k1 + dk).unwrap());
        prop_assert!(late <= early);
        prop_assert!(early <= U256::from(start));
        // Floored, not negative: zero exactly when the fees reach the balance.
        let spent = match version {
            ClusterVersion::Ssv => ClusterVersion::Ssv.unpack(
                legacy::usage(&s.cluster, &at.advance(k1 + dk).unwrap()).unwrap(),
            ),
            ClusterVersion::Eth => eth::fees(
                &s.cluster,
                s.resolved_vunits(),
                &at.advance(k1 + dk).unwrap(),
            )
            .unwrap(),
        };
        prop_assert_eq!(late.is_zero(), spent >= U256::from(start));
    }

    #[test]
    fn closed_form_equals_block_by_block_simulation(
        version in version_strategy(),
        validators in 1u32..50,
        vunits in vunits_strategy(),
        start in 0u128..10u128.pow(19),
        initial_fees in proptest::collection::vec(0u64..50_000, 5),
        changes in proptest::collection::vec((1u64..300, 0usize..5, 0u64..50_000), 0..12),
        blocks in 1u64..300,
    ) {
        // Operators 0..4 and the network (slot 4) start at block 0; fee changes are applied
        // as the contract does (settle at the change block, new fee from the next block).
        let mut operators: Vec<OperatorState> = (0..4)
            .map(|i| {
                let snapshot = FeeSnapshot::new(initial_fees[i], 0);
                OperatorState { id: i as u64 + 1, ssv: snapshot, eth: snapshot, removed: false }
            })
            .collect();
        let mut network = NetworkState {
            ssv: FeeSnapshot::new(initial_fees[4], 0),
            eth: FeeSnapshot::new(initial_fees[4], 0),
        };
        let mut changes = changes;
        changes.sort_by_key(|c| c.0);
        let changes: Vec<_> = changes.into_iter().filter(|c| c.0 <= blocks).collect();
        for &(block, slot, fee) in &changes {
            let snapshot = if slot == 4 {
                network.snapshot_mut(version)
            } else {
                operators[slot].snapshot_mut(version)
            };
            snapshot.change_fee(block, fee).unwrap();
        }
        let s = state(version, validators, start, vunits);
        let end = ClusterIndices::compute(version, blocks, &operators, &network).unwrap();
        let closed = balance(&s, &end);

        // Block by block: the fee charged for block b is the one set before b.
        let mut fees = initial_fees.clone();
        let mut pending = changes.iter().peekable();
        let (mut operator_sum, mut network_sum) = (0u64, 0u64);
        let mut settled_each_block = s;
        let unit = version.packing();
        let mut debited = U256::from(start);
        for b in 1..=blocks {
            operator_sum += fees[..4].iter().sum::<u64>();
            network_sum += fees[4];
            // A legacy / implicit cluster can be settled every block with the same result.
            let per_block = (fees[..4].iter().sum::<u64>() + fees[4]) * u64::from(validators);
            debited = debited.saturating_sub(U256::from(per_block) * U256::from(unit));
            let at_b = ClusterIndices {
                block: b,
                operator_index: operator_sum,
                network_index: network_sum,
                ..end
            };
            if version == ClusterVersion::Ssv {
                settled_each_block.cluster =
                    legacy::remove(&settled_each_block.cluster, 0, &at_b).unwrap();
            }
            while let Some(&&(block, slot, fee)) = pending.peek() {
                if block != b {
                    break;
                }
                fees[slot] = fee;
                pending.next();
            }
        }
        prop_assert_eq!(operator_sum, end.operator_index);
        prop_assert_eq!(network_sum, end.network_index);
        if s.resolved_vunits() == u64::from(validators) * 10_000 {
            prop_assert_eq!(closed, debited);
        } else {
            // Explicit vUnits: the two floors apply to the cumulative sums.
            let u = u128::from(s.resolved_vunits());
            let fees = (u128::from(network_sum) * u / 10_000 + u128::from(operator_sum) * u / 10_000)
                * u128::from(unit);
            prop_assert_eq!(closed, U256::from(start).saturating_sub(U256::from(fees)));
        }
        if version == ClusterVersion::Ssv {
            prop_assert_eq!(settled_each_block.cluster.balance, closed);
        }
    }

    #[test]
    fn liquidation_boundary_is_strict(
        version in version_strategy(),
        validators in 1u32..1_000,
        vunits in vunits_strategy(),
        operator_fee in 0u64..1_000_000,
        network_fee in 0u64..1_000_000,
        threshold_period in 0u64..200_000,
        collateral in 0u64..10u64.pow(18),
    ) {
        let params = LiquidationParams {
            threshold_period,
            minimum_collateral: U256::from(collateral),
        };
        let at = indices(operator_fee, network_fee);
        let s = state(version, validators, 0, vunits);
        let minimum = match version {
            ClusterVersion::Ssv => legacy::minimum_balance(validators, &at, &params).unwrap(),
            ClusterVersion::Eth => eth::minimum_balance(s.resolved_vunits(), &at, &params).unwrap(),
        };
        let at_minimum = ClusterState {
            cluster: Cluster { balance: minimum, ..s.cluster },
            ..s
        };
        prop_assert!(!is_liquidatable(&at_minimum, &at, &params).unwrap());
        if !minimum.is_zero() {
            let one_less = ClusterState {
                cluster: Cluster { balance: minimum - U256::from(1u64), ..s.cluster },
                ..s
            };
            prop_assert!(is_liquidatable(&one_less, &at, &params).unwrap());
        }
    }

    #[test]
    fn runway_block_is_the_first_liquidatable_one(
        version in version_strategy(),
        validators in 1u32..100,
        vunits in vunits_strategy(),
        start in 0u128..10u128.pow(18),
        operator_fee in 1u64..100_000,
        network_fee in 0u64..100_000,
    ) {
        let params = LiquidationParams { threshold_period: 1_000, minimum_collateral: U256::from(10u64.pow(12)) };
        let at = indices(operator_fee, network_fee);
        let s = state(version, validators, start, vunits);
        let lb = runway(&s, &at, &params).unwrap().liquidation_block.unwrap();
        prop_assert!(is_liquidatable(&s, &at.advance(lb).unwrap(), &params).unwrap());
        if lb > 0 {
            prop_assert!(!is_liquidatable(&s, &at.advance(lb - 1).unwrap(), &params).unwrap());
        }
    }

    #[test]
    fn planned_registration_is_enough_and_minimal(
        validators in 0u32..20,
        vunits in vunits_strategy(),
        start in 0u128..10u128.pow(17),
        snapshot_age in 0u64..1_000,
        count in 1u32..5,
        operator_fee in 10_000u64..60_000,
        inclusion in 0u64..50,
        runway_blocks in 0u64..100_000,
    ) {
        let params = LiquidationParams::MAINNET_ETH;
        let s = state(ClusterVersion::Eth, validators, start, vunits);
        let at = indices(operator_fee, 33_666).advance(snapshot_age).unwrap();
        let planned = plan(
            &s,
            &at,
            &params,
            &Action::AddValidators { count },
            Horizon { inclusion_blocks: inclusion, runway_blocks },
        );
        let p = match planned {
            Ok(p) => p,
            // A cluster already liquidatable before landing cannot be planned for.
            Err(AccountingError::LiquidatableBeforeInclusion { liquidation_block, landing_block }) => {
                prop_assert!(liquidation_block <= landing_block);
                prop_assert!(is_liquidatable(&s, &at.advance(liquidation_block - at.block).unwrap(), &params).unwrap());
                return Ok(());
            }
            Err(other) => return Err(TestCaseError::fail(format!("{other}"))),
        };
        let current = eth::EthCluster { cluster: s.cluster, vunits: s.vunits };
        for d in [0, inclusion] {
            let landing = at.advance(d).unwrap();
            let after = eth::register(&current, count, p.amount, &landing, &params).unwrap();
            let end = landing.advance(runway_blocks).unwrap();
            prop_assert!(!eth::is_liquidatable(&after, &end, &params).unwrap());
        }
        if !p.amount.is_zero() {
            let landing = at.advance(inclusion).unwrap();
            let end = landing.advance(runway_blocks).unwrap();
            let short = eth::register(&current, count, p.amount - U256::from(1u64), &landing, &params)
                .map_or(true, |after| eth::is_liquidatable(&after, &end, &params).unwrap());
            prop_assert!(short);
        }
    }

    #[test]
    fn in_block_logs_in_log_index_order_match_the_contract_and_shuffles_are_detected(
        steps in proptest::collection::vec(0u8..4, 2..8),
        permutation in Just(()).prop_perturb(|(), mut rng| {
            let mut p: Vec<usize> = (0..8).collect();
            for i in (1..p.len()).rev() {
                let j = (rng.next_u32() as usize) % (i + 1);
                p.swap(i, j);
            }
            p
        }),
    ) {
        let owner = Address::repeat_byte(7);
        let ids = vec![1u64, 2, 3, 4];
        let setup: Vec<Log> = ids
            .iter()
            .map(|&id| Log {
                position: LogPosition::new(1, id, 0),
                event: Event::OperatorAdded { operator_id: id, fee: U256::from(1_000_000_000u64) },
            })
            .collect();
        let mut ledger = Ledger::default();
        ledger.apply_all(&setup).unwrap();
        let params = LiquidationParams::MAINNET_ETH;
        let block = 100;
        let at = ledger.indices(ClusterVersion::Eth, &ids, block).unwrap();
        // The contract's result: each call in log-index order, on the previous tuple.
        let mut current = eth::EthCluster { cluster: Cluster::NEW, vunits: VUnits::Implicit };
        let mut logs = Vec::new();
        let mut registrations = 0u64;
        for (i, step) in steps.iter().enumerate() {
            let position = LogPosition::new(block, i as u64, i as u64);
            let count = current.cluster.validator_count;
            let event = if *step == 0 || (*step == 1 && count == 0) {
                current = eth::register(&current, 1, U256::from(10u64.pow(16)), &at, &params).unwrap();
                registrations += 1;
                Event::ValidatorAdded { owner, operator_ids: ids.clone(), cluster: current.cluster }
            } else if *step == 1 {
                current = eth::remove(&current, 1, &at).unwrap();
                Event::ValidatorRemoved { owner, operator_ids: ids.clone(), cluster: current.cluster }
            } else if *step == 2 || current.cluster.balance.is_zero() {
                current = eth::deposit(&current, U256::from(12_345u64)).unwrap();
                Event::ClusterDeposited { owner, operator_ids: ids.clone(), value: U256::from(12_345u64), cluster: current.cluster }
            } else {
                current = eth::withdraw(&current, U256::from(1u64), &at, &params).unwrap();
                Event::ClusterWithdrawn { owner, operator_ids: ids.clone(), value: U256::from(1u64), cluster: current.cluster }
            };
            logs.push(Log { position, event });
        }
        let mut ordered = ledger.clone();
        ordered.apply_all(&logs).unwrap();
        let record = ordered.cluster(owner, &ids).unwrap();
        prop_assert_eq!(record.state.cluster, current.cluster);
        prop_assert_eq!(ordered.registration_nonce(owner), registrations);

        let order: Vec<usize> = permutation.into_iter().filter(|&i| i < logs.len()).collect();
        let shuffled: Vec<Log> = order.iter().map(|&i| logs[i].clone()).collect();
        let sorted = order.windows(2).all(|w| w[0] < w[1]);
        let result = ledger.apply_all(&shuffled);
        if sorted {
            prop_assert!(result.is_ok());
        } else {
            let is_stale = matches!(result, Err(AccountingError::StaleEvent { .. }));
            prop_assert!(is_stale);
        }
    }
}
