//! Worked examples: the ssv-network v1.2.0 repository's tests (ssvlabs/ssv-network@583b7b7
//! `test/sanity/balances.ts`, `test/liquidate/liquidate.ts`; cases A–G), the v1.2.0 contracts run
//! on a local anvil, and the v2 ETH maths (`ClusterLib.sol`, `SSVClusters.sol`, `docs/SPEC.md`,
//! run locally).
//!
//! The v1.2.0 test suite runs on hardhat, which mines one block per transaction; each case
//! below lays the transactions out on blocks the same way.

use alloy_primitives::U256;
use cluster_accounting::{
    AccountingError, Cluster, ClusterIndices, ClusterVersion, FeeSnapshot, LiquidationParams,
    NetworkState, OperatorState, VUnits, eth, legacy,
};

const GWEI: u64 = 1_000_000_000;

/// The repo's test configuration: LTP 100,800 blocks, MLC 200,000,000 wei.
const V1_TEST_PARAMS: LiquidationParams = LiquidationParams {
    threshold_period: 100_800,
    minimum_collateral: U256::from_limbs([200_000_000, 0, 0, 0]),
};

fn wei(x: u64) -> U256 {
    U256::from(x)
}

fn ssv_fee(fee_wei: u64) -> u64 {
    ClusterVersion::Ssv.pack(wei(fee_wei)).unwrap()
}

/// A small chain model: SSV operators and network fee, advanced by explicit blocks.
struct Chain {
    operators: Vec<OperatorState>,
    network: NetworkState,
}

impl Chain {
    /// Operators registered one per block from `first_block` with `fee_wei` each.
    fn new(count: u64, fee_wei: u64, first_block: u64) -> Self {
        let operators = (0..count)
            .map(|i| OperatorState {
                id: i + 1,
                ssv: FeeSnapshot::new(ssv_fee(fee_wei), first_block + i),
                eth: FeeSnapshot::default(),
                removed: false,
            })
            .collect();
        Self {
            operators,
            network: NetworkState::default(),
        }
    }

    fn set_network_fee(&mut self, block: u64, fee_wei: u64) {
        self.network
            .ssv
            .change_fee(block, ssv_fee(fee_wei))
            .unwrap();
    }

    fn at(&self, ids: &[u64], block: u64) -> ClusterIndices {
        let ops: Vec<OperatorState> = self
            .operators
            .iter()
            .filter(|o| ids.contains(&o.id))
            .copied()
            .collect();
        ClusterIndices::compute(ClusterVersion::Ssv, block, &ops, &self.network).unwrap()
    }

    fn operator(&mut self, id: u64) -> &mut OperatorState {
        self.operators.iter_mut().find(|o| o.id == id).unwrap()
    }
}

/// The v1.2.0 contracts on anvil: ops 1–4 at 1e9 registered at blocks 13–16, network fee 1e9 at
/// 17, register at 20.
fn section_10() -> (Chain, Cluster) {
    let mut chain = Chain::new(4, GWEI, 13);
    chain.set_network_fee(17, GWEI);
    let ids = [1, 2, 3, 4];
    let cluster = legacy::register(
        &Cluster::NEW,
        1,
        wei(100_800 * 5 * GWEI),
        &chain.at(&ids, 20),
        &V1_TEST_PARAMS,
    )
    .unwrap();
    (chain, cluster)
}

#[test]
fn section_10_event_tuple_balances_and_liquidation_boundary() {
    let (chain, cluster) = section_10();
    let ids = [1, 2, 3, 4];
    assert_eq!(
        cluster,
        Cluster {
            validator_count: 1,
            network_fee_index: 300,
            index: 2200,
            active: true,
            balance: wei(504_000_000_000_000),
        }
    );
    for (blocks, expected) in [
        (0, 504_000_000_000_000u64),
        (1, 503_995_000_000_000),
        (10, 503_950_000_000_000),
    ] {
        assert_eq!(
            legacy::balance(&cluster, &chain.at(&ids, 20 + blocks)),
            Ok(wei(expected))
        );
    }
    assert_eq!(legacy::burn_rate(1, &chain.at(&ids, 20)), Ok(wei(5 * GWEI)));
    assert_eq!(
        legacy::is_liquidatable(&cluster, &chain.at(&ids, 20), &V1_TEST_PARAMS),
        Ok(false)
    );
    assert_eq!(
        legacy::is_liquidatable(&cluster, &chain.at(&ids, 21), &V1_TEST_PARAMS),
        Ok(true)
    );
}

#[test]
fn case_a_balance_falls_by_burn_per_block() {
    let (chain, cluster) = section_10();
    for k in 1..=3u64 {
        assert_eq!(
            legacy::balance(&cluster, &chain.at(&[1, 2, 3, 4], 20 + k)),
            Ok(wei(504_000_000_000_000 - k * 5 * GWEI))
        );
    }
}

#[test]
fn case_b_network_fee_change_applies_from_the_next_block() {
    let (mut chain, cluster) = section_10();
    // Mine one block (21); the fee update is mined in block 22 and still charged at 5e9.
    chain.set_network_fee(22, 2 * GWEI);
    let ids = [1, 2, 3, 4];
    assert_eq!(
        legacy::balance(&cluster, &chain.at(&ids, 23)),
        Ok(wei(504_000_000_000_000 - 2 * 5 * GWEI - 6 * GWEI))
    );
    assert_eq!(
        legacy::balance(&cluster, &chain.at(&ids, 34)),
        Ok(wei(504_000_000_000_000 - 2 * 5 * GWEI - 12 * 6 * GWEI))
    );
}

/// Case D set-up: 10 validators in one bulk registration on operators 5–8.
fn case_d() -> (Chain, Cluster, u64, U256) {
    let mut chain = Chain::new(8, GWEI, 10);
    chain.set_network_fee(18, GWEI);
    let deposit = wei(10 * 504_000_000_000_000);
    let registered_at = 30;
    let cluster = legacy::register(
        &Cluster::NEW,
        10,
        deposit,
        &chain.at(&[5, 6, 7, 8], registered_at),
        &V1_TEST_PARAMS,
    )
    .unwrap();
    (chain, cluster, registered_at, deposit)
}

#[test]
fn case_d_bulk_remove_settles_with_the_old_count() {
    let (chain, cluster, r, deposit) = case_d();
    let ids = [5, 6, 7, 8];
    assert_eq!(
        legacy::balance(&cluster, &chain.at(&ids, r + 2)),
        Ok(deposit - wei(5 * GWEI * 10 * 2))
    );
    // Bulk-remove 5 in the next transaction (block r + 3), then two more blocks.
    let after = legacy::remove(&cluster, 5, &chain.at(&ids, r + 3)).unwrap();
    assert_eq!(after.validator_count, 5);
    assert_eq!(
        legacy::balance(&after, &chain.at(&ids, r + 5)),
        Ok(deposit - wei(5 * GWEI * 10 * 3) - wei(5 * GWEI * 5 * 2))
    );
}

#[test]
fn case_e_reduced_operator_fee() {
    let mut chain = Chain::new(4, 2 * GWEI, 10);
    chain.set_network_fee(14, GWEI);
    let ids = [1, 2, 3, 4];
    let deposit = wei(100_800 * 9 * GWEI);
    let cluster = legacy::register(
        &Cluster::NEW,
        1,
        deposit,
        &chain.at(&ids, 20),
        &V1_TEST_PARAMS,
    )
    .unwrap();
    // reduceOperatorFee(1, 1e9) is mined at block 21, then two blocks.
    chain.operator(1).ssv.change_fee(21, ssv_fee(GWEI)).unwrap();
    assert_eq!(
        legacy::balance(&cluster, &chain.at(&ids, 23)),
        Ok(deposit - wei(9 * GWEI) - wei((2 * GWEI * 3 + GWEI) * 2) - wei(GWEI * 2))
    );
}

#[test]
fn case_f_removed_operator_stops_charging() {
    let (mut chain, cluster, r, deposit) = case_d();
    let ids = [5, 6, 7, 8];
    // removeOperator(8) after 2 blocks (mined at r + 3), +2 blocks, bulk-remove all 10 at r + 6.
    chain.operator(8).remove(r + 3).unwrap();
    let emptied = legacy::remove(&cluster, 10, &chain.at(&ids, r + 6)).unwrap();
    let expected = deposit - wei(5 * GWEI * 10 * 3) - wei((3 * GWEI + GWEI) * 10 * 3);
    assert_eq!(emptied.balance, expected);
    // An empty cluster no longer pays; two more blocks change nothing.
    assert_eq!(
        legacy::balance(&emptied, &chain.at(&ids, r + 8)),
        Ok(expected)
    );
    // And it cannot take validators any more.
    assert_eq!(
        legacy::register(
            &emptied,
            1,
            deposit,
            &chain.at(&ids, r + 9),
            &V1_TEST_PARAMS
        ),
        Err(AccountingError::OperatorRemoved { operator_id: 8 })
    );
}

#[test]
fn case_g_liquidator_receives_the_rest() {
    let chain = Chain::new(4, GWEI, 10);
    let ids = [1, 2, 3, 4];
    let deposit = wei((100_800 + 10) * 4 * GWEI);
    assert_eq!(deposit, wei(403_240_000_000_000));
    let r = 20;
    let cluster = legacy::register(
        &Cluster::NEW,
        1,
        deposit,
        &chain.at(&ids, r),
        &V1_TEST_PARAMS,
    )
    .unwrap();
    // Mine 100,800 blocks; the liquidation is mined in the next one.
    let at = chain.at(&ids, r + 100_801);
    let out = legacy::liquidate(&cluster, &at, &V1_TEST_PARAMS, false).unwrap();
    assert_eq!(out.refund, wei(36_000_000_000));
    assert_eq!(out.refund, deposit - wei(4 * GWEI * (100_800 + 1)));
    assert_eq!(out.cluster, Cluster::liquidated(1));
    // One block after registration a third party could not have liquidated it.
    assert_eq!(
        legacy::liquidate(&cluster, &chain.at(&ids, r + 1), &V1_TEST_PARAMS, false),
        Err(AccountingError::ClusterNotLiquidatable)
    );
}

fn eth_indices(operator_fee_wei: u64, operators: u64, block: u64) -> ClusterIndices {
    let params_fee = ClusterVersion::Eth.pack(wei(operator_fee_wei)).unwrap();
    let network_fee = ClusterVersion::Eth.pack(wei(3_366_600_000)).unwrap();
    ClusterIndices {
        block,
        operator_index: 0,
        network_index: 0,
        operator_fee: params_fee * operators,
        network_fee,
        removed_operator: None,
    }
}

#[test]
fn section_8_4_mainnet_burn_and_collateral() {
    let at = eth_indices(1_770_000_000, 4, 0);
    // Burn per 32 ETH: 4 · 1.77e9 + 3.3666e9.
    assert_eq!(eth::burn_rate(10_000, &at), Ok(wei(10_446_600_000)));
    assert_eq!(
        eth::liquidation_threshold(10_000, &at, &LiquidationParams::MAINNET_ETH),
        Ok(wei(448_785_936_000_000))
    );
    assert_eq!(
        eth::minimum_balance(10_000, &at, &LiquidationParams::MAINNET_ETH),
        Ok(wei(448_785_936_000_000))
    );
}

#[test]
fn section_8_6_d3_first_validator_needs_exactly_the_collateral() {
    let params = LiquidationParams::MAINNET_ETH;
    let at = eth_indices(GWEI, 4, 1000);
    assert_eq!(
        eth::liquidation_threshold(10_000, &at, &params),
        Ok(wei(316_469_136_000_000))
    );
    let new = eth::EthCluster {
        cluster: Cluster::NEW,
        vunits: VUnits::Implicit,
    };
    let need = eth::minimum_to_register(&new, 1, &at, &params).unwrap();
    assert_eq!(need, wei(324_862_599_900_000));
    assert!(eth::register(&new, 1, need, &at, &params).is_ok());
    assert_eq!(
        eth::register(&new, 1, need - wei(1), &at, &params),
        Err(AccountingError::InsufficientBalance {
            balance: need - wei(1),
            required: need,
        })
    );
}

#[test]
fn section_8_6_d2_burn_rate_view_is_not_the_debit() {
    // A total packed fee of 100,045 at u = 60,313: the view floors the whole wei rate.
    let at = ClusterIndices {
        block: 0,
        operator_index: 0,
        network_index: 0,
        operator_fee: 66_379,
        network_fee: 33_666,
        removed_operator: None,
    };
    assert_eq!(eth::burn_rate(60_313, &at), Ok(wei(60_340_140_850)));
    let state = eth::EthCluster {
        cluster: Cluster {
            validator_count: 6,
            network_fee_index: 0,
            index: 0,
            active: true,
            balance: wei(10u64.pow(18)),
        },
        vunits: VUnits::Explicit(60_313),
    };
    // The balance moves in whole 1e5 steps and each block's debit is within one step of
    // floor(total · u / 1e4) · 1e5, never the view's value.
    let mut previous = state.cluster.balance;
    for k in 1..=50 {
        let now = eth::balance(&state, &at.advance(k).unwrap()).unwrap();
        let debit = previous - now;
        assert!(
            [
                wei(60_340_000_000),
                wei(60_340_100_000),
                wei(60_340_200_000)
            ]
            .contains(&debit),
            "block {k}: {debit}"
        );
        previous = now;
    }
    // Over 50 blocks the two floors lose less than 2e5 wei against the exact rate.
    let spent = state.cluster.balance - previous;
    let exact = wei(100_045 * 100_000 * 60_313 * 50 / 10_000);
    assert!(exact - spent < wei(200_000));
}

#[test]
fn section_8_6_d5_oracle_update_can_liquidate_and_pays_the_caller() {
    let params = LiquidationParams::MAINNET_ETH;
    let at = eth_indices(GWEI, 4, 0);
    let new = eth::EthCluster {
        cluster: Cluster::NEW,
        vunits: VUnits::Implicit,
    };
    let need = eth::minimum_to_register(&new, 1, &at, &params).unwrap();
    let one = eth::register(&new, 1, need, &at, &params).unwrap();
    // EB 64 doubles the threshold to 2 · 316,469,136,000,000 > balance: liquidated in the same tx.
    let update = eth::update_effective_balance(&one, 64, &at, &params).unwrap();
    assert_eq!(update.liquidation_refund, Some(need));
    assert_eq!(update.state.cluster, Cluster::liquidated(1));
    assert_eq!(update.state.vunits, VUnits::Explicit(20_000));
    // Reactivation then needs the collateral of the stored 20,000 vUnits.
    assert_eq!(
        eth::minimum_to_reactivate(&update.state, &at, &params),
        Ok(wei(2 * 316_469_136_000_000))
    );
    assert_eq!(
        eth::update_effective_balance(&one, 31, &at, &params),
        Err(AccountingError::EffectiveBalanceBelowMinimum {
            effective_balance: 31,
            validator_count: 1,
            minimum: 32
        })
    );
}

#[test]
fn section_8_6_effective_balance_bounds_are_two_errors() {
    // `updateClusterBalance` requires 32·V ≤ EB ≤ 2048·V: `EBBelowMinimum` / `EBExceedsMaximum`.
    let params = LiquidationParams::MAINNET_ETH;
    let at = eth_indices(GWEI, 4, 0);
    let three = eth::EthCluster {
        cluster: Cluster {
            validator_count: 3,
            network_fee_index: at.network_index,
            index: at.operator_index,
            active: true,
            balance: wei(10u64.pow(18)),
        },
        vunits: VUnits::Implicit,
    };
    assert_eq!(
        eth::update_effective_balance(&three, 95, &at, &params),
        Err(AccountingError::EffectiveBalanceBelowMinimum {
            effective_balance: 95,
            validator_count: 3,
            minimum: 96
        })
    );
    assert_eq!(
        eth::update_effective_balance(&three, 6_145, &at, &params),
        Err(AccountingError::EffectiveBalanceExceedsMaximum {
            effective_balance: 6_145,
            validator_count: 3,
            maximum: 6_144
        })
    );
    for bound in [96, 6_144] {
        let update = eth::update_effective_balance(&three, bound, &at, &params).unwrap();
        assert_eq!(update.state.vunits, VUnits::from_effective_balance(bound));
    }
    let message = AccountingError::EffectiveBalanceBelowMinimum {
        effective_balance: 95,
        validator_count: 3,
        minimum: 96,
    }
    .to_string();
    assert!(
        message.contains("95") && message.contains("96"),
        "{message}"
    );
}
