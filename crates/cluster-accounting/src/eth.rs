//! v2.0.0 ETH cluster maths: packing 1e5, fees scaled by vUnits with two separate floors.
//!
//! With `u` the cluster's vUnits ([`VUnits::resolve`]):
//! ```text
//! fees(B, u)   = ( floor((netIdx(B) − c.networkFeeIndex)·u/10000)
//!                + floor((idxOp(B)  − c.index)·u/10000) ) · 1e5
//! balance(B)   = max(0, c.balance − fees(B, u))
//! thr(u)       = floor(LTP·(Σ ethFee + ethNetworkFee)·u/10000) · 1e5
//! liquidatable = active ∧ V > 0 ∧ (balance < MLC ∨ balance < thr(u))
//! ```
//! Every settlement uses the vUnits *before* the action; the action then changes them.

use alloy_primitives::U256;

use crate::AccountingError;
use crate::indices::ClusterIndices;
use crate::legacy;
use crate::types::{
    Cluster, ClusterVersion, ETH_PACKING, LiquidationParams, VUNITS_PER_VALIDATOR, VUnits,
    eb_to_vunits,
};

fn overflow(quantity: &'static str) -> AccountingError {
    AccountingError::ArithmeticOverflow { quantity }
}

fn delta(which: &'static str, current: u64, cluster: u64) -> Result<u64, AccountingError> {
    current
        .checked_sub(cluster)
        .ok_or(AccountingError::ClusterIndexAhead {
            which,
            cluster_index: cluster,
            current_index: current,
        })
}

fn scale(packed: u64, vunits: u64) -> u128 {
    u128::from(packed) * u128::from(vunits) / u128::from(VUNITS_PER_VALIDATOR)
}

/// An ETH cluster: its tuple and its vUnits (which the tuple does not carry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EthCluster {
    /// The cluster tuple.
    pub cluster: Cluster,
    /// Explicit or implicit vUnits.
    pub vunits: VUnits,
}

impl EthCluster {
    /// vUnits the contract uses now.
    pub const fn resolved_vunits(&self) -> u64 {
        self.vunits.resolve(self.cluster.validator_count)
    }
}

/// `fees(B, u)` in wei: the two packed floors on the cumulative index deltas, times 1e5.
pub fn fees(cluster: &Cluster, vunits: u64, at: &ClusterIndices) -> Result<U256, AccountingError> {
    let network = scale(
        delta("network", at.network_index, cluster.network_fee_index)?,
        vunits,
    );
    let operators = scale(delta("operator", at.operator_index, cluster.index)?, vunits);
    Ok((U256::from(network) + U256::from(operators)) * U256::from(ETH_PACKING))
}

/// The balance at `at.block` with vUnits `vunits`, floored at 0. Does not look at `active`.
pub fn settled_balance(
    cluster: &Cluster,
    vunits: u64,
    at: &ClusterIndices,
) -> Result<U256, AccountingError> {
    Ok(cluster.balance.saturating_sub(fees(cluster, vunits, at)?))
}

fn settle(state: &mut EthCluster, at: &ClusterIndices) -> Result<(), AccountingError> {
    state.cluster.balance = settled_balance(&state.cluster, state.resolved_vunits(), at)?;
    state.cluster.index = at.operator_index;
    state.cluster.network_fee_index = at.network_index;
    Ok(())
}

/// `getBalance`: the balance at `at.block`; `ClusterLiquidated` for an inactive cluster.
pub fn balance(state: &EthCluster, at: &ClusterIndices) -> Result<U256, AccountingError> {
    if !state.cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    settled_balance(&state.cluster, state.resolved_vunits(), at)
}

/// `getBurnRate`: `floor((Σ ethFee + ethNetworkFee)·u/10000)` in wei per block. Informational
/// only: the balance falls by the packed floors of [`fees`], which differ for `u` not a
/// multiple of 10000.
pub fn burn_rate(vunits: u64, at: &ClusterIndices) -> Result<U256, AccountingError> {
    let wei_per_unit = ClusterVersion::Eth.unpack(at.total_fee()?);
    Ok(wei_per_unit * U256::from(vunits) / U256::from(VUNITS_PER_VALIDATOR))
}

/// `thr(u) = floor(LTP·(Σ ethFee + ethNetworkFee)·u/10000)·1e5` (uint128 intermediate).
pub fn liquidation_threshold(
    vunits: u64,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<U256, AccountingError> {
    let packed = u128::from(params.threshold_period)
        .checked_mul(u128::from(at.total_fee()?))
        .and_then(|x| x.checked_mul(u128::from(vunits)))
        .ok_or(overflow("liquidation threshold"))?
        / u128::from(VUNITS_PER_VALIDATOR);
    Ok(U256::from(packed) * U256::from(ETH_PACKING))
}

/// `max(MLC, thr(u))`: the smallest balance that is not liquidatable.
pub fn minimum_balance(
    vunits: u64,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<U256, AccountingError> {
    Ok(liquidation_threshold(vunits, at, params)?.max(params.minimum_collateral))
}

fn liquidatable_settled(
    balance: U256,
    validator_count: u32,
    vunits: u64,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<bool, AccountingError> {
    if validator_count == 0 {
        return Ok(false);
    }
    if balance < params.minimum_collateral {
        return Ok(true);
    }
    Ok(balance < liquidation_threshold(vunits, at, params)?)
}

/// `isLiquidatable` view: false when inactive or empty; strict `<` against `max(MLC, thr(u))`.
pub fn is_liquidatable(
    state: &EthCluster,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<bool, AccountingError> {
    if !state.cluster.active {
        return Ok(false);
    }
    let u = state.resolved_vunits();
    liquidatable_settled(
        settled_balance(&state.cluster, u, at)?,
        state.cluster.validator_count,
        u,
        at,
        params,
    )
}

fn ensure_solvent(
    state: &EthCluster,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<(), AccountingError> {
    let u = state.resolved_vunits();
    let c = &state.cluster;
    if liquidatable_settled(c.balance, c.validator_count, u, at, params)? {
        return Err(AccountingError::InsufficientBalance {
            balance: c.balance,
            required: minimum_balance(u, at, params)?,
        });
    }
    Ok(())
}

/// Validator count and vUnits after registering `count` validators (explicit vUnits grow by
/// 10000 each).
pub(crate) fn add_validators(
    state: &EthCluster,
    count: u32,
) -> Result<(u32, VUnits), AccountingError> {
    let validator_count = state.cluster.validator_count.checked_add(count).ok_or(
        AccountingError::ValidatorCountOverflow {
            validator_count: state.cluster.validator_count,
            adding: count,
        },
    )?;
    let vunits = match state.vunits {
        VUnits::Implicit => VUnits::Implicit,
        VUnits::Explicit(u) => VUnits::explicit(
            u64::from(count)
                .checked_mul(VUNITS_PER_VALIDATOR)
                .and_then(|added| added.checked_add(u))
                .ok_or(overflow("vUnits"))?,
        ),
    };
    Ok((validator_count, vunits))
}

/// The `msg.value` `registerValidator` needs to add `count` validators at `at.block`: the old
/// balance is settled with the old vUnits, then `balance + msg.value ≥ max(MLC, thr(u_new))`
/// with `u_new = u + 10000·count` (explicit) or `(V + count)·10000` (implicit).
pub fn minimum_to_register(
    state: &EthCluster,
    count: u32,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<U256, AccountingError> {
    let settled = settled_balance(&state.cluster, state.resolved_vunits(), at)?;
    let (validator_count, vunits) = add_validators(state, count)?;
    let required = minimum_balance(vunits.resolve(validator_count), at, params)?;
    Ok(required.saturating_sub(settled))
}

/// `registerValidator` / `bulkRegisterValidator` of `count` validators with `value` wei.
pub fn register(
    state: &EthCluster,
    count: u32,
    value: U256,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<EthCluster, AccountingError> {
    if !state.cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    if let Some(operator_id) = at.removed_operator {
        return Err(AccountingError::OperatorRemoved { operator_id });
    }
    let mut next = *state;
    settle(&mut next, at)?;
    next.cluster.balance = next
        .cluster
        .balance
        .checked_add(value)
        .ok_or(overflow("balance"))?;
    let (validator_count, vunits) = add_validators(state, count)?;
    next.cluster.validator_count = validator_count;
    next.vunits = vunits;
    ensure_solvent(&next, at, params)?;
    Ok(next)
}

/// `removeValidator` / `bulkRemoveValidator`: an active cluster is settled with the old vUnits;
/// explicit vUnits drop by 10000 per validator and reset when the count reaches 0.
pub fn remove(
    state: &EthCluster,
    count: u32,
    at: &ClusterIndices,
) -> Result<EthCluster, AccountingError> {
    let mut next = *state;
    if next.cluster.active {
        settle(&mut next, at)?;
    }
    next.cluster.validator_count = next.cluster.validator_count.checked_sub(count).ok_or(
        AccountingError::ValidatorCountUnderflow {
            validator_count: state.cluster.validator_count,
            removing: count,
        },
    )?;
    next.vunits = match next.vunits {
        _ if next.cluster.validator_count == 0 => VUnits::Implicit,
        VUnits::Implicit => VUnits::Implicit,
        VUnits::Explicit(u) => {
            VUnits::explicit(u.saturating_sub(u64::from(count) * VUNITS_PER_VALIDATOR))
        }
    };
    Ok(next)
}

/// `deposit` (payable): `balance += value`, no settlement; allowed when liquidated.
pub fn deposit(state: &EthCluster, value: U256) -> Result<EthCluster, AccountingError> {
    Ok(EthCluster {
        cluster: legacy::deposit(&state.cluster, value)?,
        vunits: state.vunits,
    })
}

/// `withdraw`: an active cluster is settled and must stay solvent; a liquidated one just pays
/// out (no settlement).
pub fn withdraw(
    state: &EthCluster,
    amount: U256,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<EthCluster, AccountingError> {
    let mut next = *state;
    if next.cluster.active {
        settle(&mut next, at)?;
    }
    if next.cluster.balance < amount {
        return Err(AccountingError::WithdrawExceedsBalance {
            requested: amount,
            available: next.cluster.balance,
        });
    }
    next.cluster.balance -= amount;
    if next.cluster.active {
        ensure_solvent(&next, at, params)?;
    }
    Ok(next)
}

/// The outcome of a liquidation of an ETH cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EthLiquidation {
    /// `(V, 0, 0, false, 0)` with the vUnits kept.
    pub state: EthCluster,
    /// What `msg.sender` receives: the settled balance.
    pub refund: U256,
}

/// `liquidate`: settle with the current vUnits; a third party needs the cluster liquidatable.
pub fn liquidate(
    state: &EthCluster,
    at: &ClusterIndices,
    params: &LiquidationParams,
    by_owner: bool,
) -> Result<EthLiquidation, AccountingError> {
    if !state.cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    let u = state.resolved_vunits();
    let refund = settled_balance(&state.cluster, u, at)?;
    if !by_owner && !liquidatable_settled(refund, state.cluster.validator_count, u, at, params)? {
        return Err(AccountingError::ClusterNotLiquidatable);
    }
    Ok(EthLiquidation {
        state: EthCluster {
            cluster: Cluster::liquidated(state.cluster.validator_count),
            vunits: state.vunits,
        },
        refund,
    })
}

/// The `msg.value` `reactivate` needs: `max(MLC, thr(u_stored)) − c.balance`.
pub fn minimum_to_reactivate(
    state: &EthCluster,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<U256, AccountingError> {
    let required = minimum_balance(state.resolved_vunits(), at, params)?;
    Ok(required.saturating_sub(state.cluster.balance))
}

/// `reactivate` (payable): nothing is charged for the liquidated period; the stored (possibly
/// stale) vUnits decide the collateral; indices restart at `at`.
pub fn reactivate(
    state: &EthCluster,
    value: U256,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<EthCluster, AccountingError> {
    if state.cluster.active {
        return Err(AccountingError::ClusterAlreadyActive);
    }
    let next = EthCluster {
        cluster: Cluster {
            validator_count: state.cluster.validator_count,
            network_fee_index: at.network_index,
            index: at.operator_index,
            active: true,
            balance: state
                .cluster
                .balance
                .checked_add(value)
                .ok_or(overflow("balance"))?,
        },
        vunits: state.vunits,
    };
    ensure_solvent(&next, at, params)?;
    Ok(next)
}

/// The outcome of `updateClusterBalance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BalanceUpdate {
    /// The cluster and its new explicit vUnits.
    pub state: EthCluster,
    /// `Some(amount paid to msg.sender)` when the new vUnits made the cluster liquidatable and it
    /// was liquidated in the same transaction.
    pub liquidation_refund: Option<U256>,
}

/// `updateClusterBalance` with an oracle-proven effective balance (whole ETH): settle with the
/// old vUnits, set `u = ceil(EB·10000/32)`, and liquidate in the same transaction if the
/// cluster is now liquidatable (the balance goes to whoever called).
///
/// The effective balance must lie in `32·V ..= 2048·V`:
/// [`AccountingError::EffectiveBalanceBelowMinimum`] (`EBBelowMinimum`) and
/// [`AccountingError::EffectiveBalanceExceedsMaximum`] (`EBExceedsMaximum`) otherwise.
pub fn update_effective_balance(
    state: &EthCluster,
    effective_balance: u32,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<BalanceUpdate, AccountingError> {
    if !state.cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    let v = u64::from(state.cluster.validator_count);
    let eb = u64::from(effective_balance);
    let (minimum, maximum) = (32 * v, 2048 * v);
    if eb < minimum {
        return Err(AccountingError::EffectiveBalanceBelowMinimum {
            effective_balance,
            validator_count: state.cluster.validator_count,
            minimum,
        });
    }
    if eb > maximum {
        return Err(AccountingError::EffectiveBalanceExceedsMaximum {
            effective_balance,
            validator_count: state.cluster.validator_count,
            maximum,
        });
    }
    let mut next = *state;
    settle(&mut next, at)?;
    next.vunits = VUnits::explicit(eb_to_vunits(effective_balance));
    if is_liquidatable(&next, at, params)? {
        let refund = next.cluster.balance;
        next.cluster = Cluster::liquidated(next.cluster.validator_count);
        return Ok(BalanceUpdate {
            state: next,
            liquidation_refund: Some(refund),
        });
    }
    Ok(BalanceUpdate {
        state: next,
        liquidation_refund: None,
    })
}

/// The outcome of `migrateClusterToETH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// The new ETH cluster: indices start at the current ETH indices, balance = `msg.value`.
    pub state: EthCluster,
    /// SSV paid back to the owner: the legacy balance settled with SSV maths (the stored
    /// balance if the legacy cluster was liquidated).
    pub ssv_refund: U256,
}

/// The `msg.value` `migrateClusterToETH` needs: `max(MLC, thr(u))` on the ETH side.
pub fn minimum_to_migrate(
    validator_count: u32,
    vunits: VUnits,
    eth_at: &ClusterIndices,
    eth_params: &LiquidationParams,
) -> Result<U256, AccountingError> {
    if validator_count == 0 {
        return Ok(U256::ZERO);
    }
    minimum_balance(vunits.resolve(validator_count), eth_at, eth_params)
}

/// `migrateClusterToETH` (one-way): the legacy SSV balance is settled at `ssv_at` and refunded
/// in SSV; `value` becomes the ETH balance; the ETH cluster (re)starts active at `eth_at` and
/// must not be liquidatable. A liquidated legacy cluster is reactivated by the migration.
///
/// Not run against the v2.0.0 contracts on a chain; the rules are the documented ones
/// (ssvlabs/ssv-network `docs/SPEC.md` "Version Delta", `contracts/modules/SSVClusters.sol`
/// `migrateClusterToETH`): cross-check them against a fork before relying on the last wei.
pub fn migrate(
    legacy_cluster: &Cluster,
    ssv_at: &ClusterIndices,
    vunits: VUnits,
    value: U256,
    eth_at: &ClusterIndices,
    eth_params: &LiquidationParams,
) -> Result<Migration, AccountingError> {
    let ssv_refund = if legacy_cluster.active {
        legacy::settled_balance(legacy_cluster, ssv_at)?
    } else {
        legacy_cluster.balance
    };
    let state = EthCluster {
        cluster: Cluster {
            validator_count: legacy_cluster.validator_count,
            network_fee_index: eth_at.network_index,
            index: eth_at.operator_index,
            active: true,
            balance: value,
        },
        vunits,
    };
    ensure_solvent(&state, eth_at, eth_params)?;
    Ok(Migration { state, ssv_refund })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(block: u64) -> ClusterIndices {
        ClusterIndices {
            block,
            operator_index: 40_009 * block,
            network_index: 33_666 * block,
            operator_fee: 40_009,
            network_fee: 33_666,
            removed_operator: None,
        }
    }

    #[test]
    fn two_separate_floors() {
        // u = 60,313 (EB 193): one block's debit is floor(33666·u/1e4) + floor(40009·u/1e4).
        let state = EthCluster {
            cluster: Cluster {
                validator_count: 6,
                network_fee_index: 33_666 * 10,
                index: 40_009 * 10,
                active: true,
                balance: U256::from(10u64).pow(U256::from(18u64)),
            },
            vunits: VUnits::from_effective_balance(193),
        };
        assert_eq!(state.resolved_vunits(), 60_313);
        let spent = U256::from(10u64).pow(U256::from(18u64)) - balance(&state, &at(11)).unwrap();
        let expected = (33_666u64 * 60_313 / 10_000 + 40_009u64 * 60_313 / 10_000) * 100_000;
        assert_eq!(spent, U256::from(expected));
        // One floor over the summed fee would give a different number.
        assert_ne!(spent, U256::from(73_675u64 * 60_313 / 10_000 * 100_000));
    }

    #[test]
    fn register_settles_before_adding_the_value() {
        // 1e5 wei left but more owed: v2 floors the settled balance at 0, then adds msg.value.
        let state = EthCluster {
            cluster: Cluster {
                validator_count: 1,
                network_fee_index: 0,
                index: 0,
                active: true,
                balance: U256::from(100_000u64),
            },
            vunits: VUnits::Implicit,
        };
        let value = U256::from(10u64.pow(16));
        let next = register(&state, 1, value, &at(1), &LiquidationParams::MAINNET_ETH).unwrap();
        assert_eq!(next.cluster.balance, value);
    }

    #[test]
    fn explicit_vunits_follow_validators_and_reset_at_zero() {
        let state = EthCluster {
            cluster: Cluster {
                validator_count: 3,
                network_fee_index: 0,
                index: 0,
                active: true,
                balance: U256::from(10u64).pow(U256::from(18u64)),
            },
            vunits: VUnits::from_effective_balance(192),
        };
        let params = LiquidationParams::MAINNET_ETH;
        let added = register(&state, 1, U256::ZERO, &at(0), &params).unwrap();
        assert_eq!(added.vunits, VUnits::Explicit(70_000));
        assert_eq!(added.vunits.effective_balance(4), 224);
        let removed = remove(&added, 4, &at(1)).unwrap();
        assert_eq!(removed.vunits, VUnits::Implicit);
        assert_eq!(removed.cluster.validator_count, 0);
    }
}
