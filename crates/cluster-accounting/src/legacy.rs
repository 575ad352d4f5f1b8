//! Legacy SSV-token cluster maths, exactly as ssv-network v1.2.0 computes it (packing 1e7,
//! uint64 checked arithmetic on packed values). Legacy clusters keep this maths in v2.0.0.
//!
//! In v2.0.0 a legacy cluster only accepts [`remove`], [`liquidate`] (`liquidateSSV`) and
//! migration ([`crate::eth::migrate`]); [`register`], [`deposit`], [`withdraw`] and
//! [`reactivate`] describe v1.2.0 and revert `IncorrectClusterVersion` on v2 networks.

use alloy_primitives::U256;

use crate::AccountingError;
use crate::indices::ClusterIndices;
use crate::types::{Cluster, ClusterVersion, LiquidationParams};

const VERSION: ClusterVersion = ClusterVersion::Ssv;

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

/// Packed usage since the snapshot: `(clusterIndex(B) − c.index)·V + (netIndex(B) −
/// c.networkFeeIndex)·V` (uint64, checked).
pub fn usage(cluster: &Cluster, at: &ClusterIndices) -> Result<u64, AccountingError> {
    let v = u64::from(cluster.validator_count);
    let network = delta("network", at.network_index, cluster.network_fee_index)?
        .checked_mul(v)
        .ok_or(overflow("network usage"))?;
    delta("operator", at.operator_index, cluster.index)?
        .checked_mul(v)
        .and_then(|operators| operators.checked_add(network))
        .ok_or(overflow("cluster usage"))
}

/// `ClusterLib.updateBalance`: the balance at `at.block`, floored at 0. Does not look at
/// `active` (use [`balance`] for the view).
pub fn settled_balance(cluster: &Cluster, at: &ClusterIndices) -> Result<U256, AccountingError> {
    let spent = VERSION.unpack(usage(cluster, at)?);
    Ok(cluster.balance.saturating_sub(spent))
}

/// `updateClusterData`: settle the balance and move the snapshot indices to `at`.
fn settle(cluster: &mut Cluster, at: &ClusterIndices) -> Result<(), AccountingError> {
    cluster.balance = settled_balance(cluster, at)?;
    cluster.index = at.operator_index;
    cluster.network_fee_index = at.network_index;
    Ok(())
}

/// `getBalance`: the balance at `at.block`; `ClusterLiquidated` for an inactive cluster.
pub fn balance(cluster: &Cluster, at: &ClusterIndices) -> Result<U256, AccountingError> {
    if !cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    settled_balance(cluster, at)
}

/// `getBurnRate`: `expand((Σ fee + networkFee) · V)`, wei per block.
pub fn burn_rate(validator_count: u32, at: &ClusterIndices) -> Result<U256, AccountingError> {
    let packed = at
        .total_fee()?
        .checked_mul(u64::from(validator_count))
        .ok_or(overflow("burn rate"))?;
    Ok(VERSION.unpack(packed))
}

/// `expand(LTP · (Σ fee + networkFee) · V)`: the balance a cluster must keep, before the
/// minimum collateral.
pub fn liquidation_threshold(
    validator_count: u32,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<U256, AccountingError> {
    let packed = params
        .threshold_period
        .checked_mul(at.total_fee()?)
        .and_then(|x| x.checked_mul(u64::from(validator_count)))
        .ok_or(overflow("liquidation threshold"))?;
    Ok(VERSION.unpack(packed))
}

/// `max(MLC, LTP · burn)`: the smallest balance that is not liquidatable.
pub fn minimum_balance(
    validator_count: u32,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<U256, AccountingError> {
    Ok(liquidation_threshold(validator_count, at, params)?.max(params.minimum_collateral))
}

/// `ClusterLib.isLiquidatable` on an already settled balance (strict `<`).
fn liquidatable_settled(
    balance: U256,
    validator_count: u32,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<bool, AccountingError> {
    if validator_count == 0 {
        return Ok(false);
    }
    if balance < params.minimum_collateral {
        return Ok(true);
    }
    Ok(balance < liquidation_threshold(validator_count, at, params)?)
}

/// `isLiquidatable` view: false when inactive or empty, else the settled balance is below
/// `max(MLC, LTP·burn)`. A balance exactly at the threshold is not liquidatable.
pub fn is_liquidatable(
    cluster: &Cluster,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<bool, AccountingError> {
    if !cluster.active {
        return Ok(false);
    }
    liquidatable_settled(
        settled_balance(cluster, at)?,
        cluster.validator_count,
        at,
        params,
    )
}

fn ensure_solvent(
    cluster: &Cluster,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<(), AccountingError> {
    if liquidatable_settled(cluster.balance, cluster.validator_count, at, params)? {
        return Err(AccountingError::InsufficientBalance {
            balance: cluster.balance,
            required: minimum_balance(cluster.validator_count, at, params)?,
        });
    }
    Ok(())
}

/// The `amount` `register` (v1.2.0) needs to add `count` validators at `at.block`.
///
/// v1.2.0 adds the amount *before* settling with the old validator count, so a debt larger than
/// the balance is paid from it too: `max(MLC, LTP·(Σ fee + networkFee)·(V + count)) + spent −
/// balance`, floored at 0, with `spent` the fees since the snapshot (`expand(`[`usage`]`)`).
pub fn minimum_to_register(
    cluster: &Cluster,
    count: u32,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<U256, AccountingError> {
    let validator_count = cluster.validator_count.checked_add(count).ok_or(
        AccountingError::ValidatorCountOverflow {
            validator_count: cluster.validator_count,
            adding: count,
        },
    )?;
    let spent = VERSION.unpack(usage(cluster, at)?);
    let required = minimum_balance(validator_count, at, params)?;
    Ok((required + spent).saturating_sub(cluster.balance))
}

/// `registerValidator` / `bulkRegisterValidator` of `count` validators with `amount` wei of SSV
/// (v1.2.0): `balance += amount`, then settle with the *old* validator count, refresh the
/// indices, add the validators and require the cluster not to be liquidatable.
pub fn register(
    cluster: &Cluster,
    count: u32,
    amount: U256,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<Cluster, AccountingError> {
    if !cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    if let Some(operator_id) = at.removed_operator {
        return Err(AccountingError::OperatorRemoved { operator_id });
    }
    let mut next = *cluster;
    next.balance = next
        .balance
        .checked_add(amount)
        .ok_or(overflow("balance"))?;
    settle(&mut next, at)?;
    next.validator_count =
        next.validator_count
            .checked_add(count)
            .ok_or(AccountingError::ValidatorCountOverflow {
                validator_count: cluster.validator_count,
                adding: count,
            })?;
    ensure_solvent(&next, at, params)?;
    Ok(next)
}

/// `removeValidator` / `bulkRemoveValidator` of `count` validators: an active cluster is
/// settled with the old count first; an inactive one only loses the count.
pub fn remove(
    cluster: &Cluster,
    count: u32,
    at: &ClusterIndices,
) -> Result<Cluster, AccountingError> {
    let mut next = *cluster;
    if next.active {
        settle(&mut next, at)?;
    }
    next.validator_count = next.validator_count.checked_sub(count).ok_or(
        AccountingError::ValidatorCountUnderflow {
            validator_count: cluster.validator_count,
            removing: count,
        },
    )?;
    Ok(next)
}

/// `deposit`: `balance += amount`, indices unchanged (no settlement); allowed when liquidated.
pub fn deposit(cluster: &Cluster, amount: U256) -> Result<Cluster, AccountingError> {
    let mut next = *cluster;
    next.balance = next
        .balance
        .checked_add(amount)
        .ok_or(overflow("balance"))?;
    Ok(next)
}

/// `withdraw` (v1.2.0): settle, take `amount`, and require the cluster not to be liquidatable.
pub fn withdraw(
    cluster: &Cluster,
    amount: U256,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<Cluster, AccountingError> {
    if !cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    let mut next = *cluster;
    settle(&mut next, at)?;
    if next.balance < amount {
        return Err(AccountingError::WithdrawExceedsBalance {
            requested: amount,
            available: next.balance,
        });
    }
    next.balance -= amount;
    ensure_solvent(&next, at, params)?;
    Ok(next)
}

/// The outcome of a liquidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liquidation {
    /// The cluster afterwards: `(V, 0, 0, false, 0)`.
    pub cluster: Cluster,
    /// What the caller (`msg.sender`) receives: the whole settled balance.
    pub refund: U256,
}

/// `liquidate` (v2: `liquidateSSV`): settle the balance; a third party needs the cluster to be
/// liquidatable (`by_owner` may always self-liquidate); the settled balance goes to the caller.
pub fn liquidate(
    cluster: &Cluster,
    at: &ClusterIndices,
    params: &LiquidationParams,
    by_owner: bool,
) -> Result<Liquidation, AccountingError> {
    if !cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    let refund = settled_balance(cluster, at)?;
    if !by_owner && !liquidatable_settled(refund, cluster.validator_count, at, params)? {
        return Err(AccountingError::ClusterNotLiquidatable);
    }
    Ok(Liquidation {
        cluster: Cluster::liquidated(cluster.validator_count),
        refund,
    })
}

/// The `amount` `reactivate` (v1.2.0) needs: `max(MLC, LTP·(Σ fee + networkFee)·V) − c.balance`
/// (nothing is charged for the liquidated period; the stored balance holds what was deposited
/// while liquidated).
pub fn minimum_to_reactivate(
    cluster: &Cluster,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<U256, AccountingError> {
    let required = minimum_balance(cluster.validator_count, at, params)?;
    Ok(required.saturating_sub(cluster.balance))
}

/// `reactivate(amount)` (v1.2.0): no charge for the liquidated period; `balance += amount`,
/// indices restart at `at`, and the cluster must not be liquidatable.
pub fn reactivate(
    cluster: &Cluster,
    amount: U256,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<Cluster, AccountingError> {
    if cluster.active {
        return Err(AccountingError::ClusterAlreadyActive);
    }
    let next = Cluster {
        validator_count: cluster.validator_count,
        network_fee_index: at.network_index,
        index: at.operator_index,
        active: true,
        balance: cluster
            .balance
            .checked_add(amount)
            .ok_or(overflow("balance"))?,
    };
    ensure_solvent(&next, at, params)?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(block: u64, operator_index: u64, network_index: u64) -> ClusterIndices {
        ClusterIndices {
            block,
            operator_index,
            network_index,
            operator_fee: 400,
            network_fee: 100,
            removed_operator: None,
        }
    }

    const PARAMS: LiquidationParams = LiquidationParams {
        threshold_period: 100_800,
        minimum_collateral: U256::from_limbs([200_000_000, 0, 0, 0]),
    };

    #[test]
    fn settlement_uses_the_old_validator_count() {
        // One validator funded for exactly the threshold; a second is added 10 blocks later.
        let c = Cluster {
            validator_count: 1,
            network_fee_index: 300,
            index: 2200,
            active: true,
            balance: U256::from(504_000_000_000_000u64),
        };
        let later = at(30, 2200 + 4000, 300 + 1000);
        let extra = U256::from(504_000_000_000_000u64 + 50_000_000_000);
        let next = register(&c, 1, extra, &later, &PARAMS).unwrap();
        // Ten blocks were charged at one validator (10 · 5e9), leaving exactly the threshold of two.
        assert_eq!(next.balance, U256::from(2 * 504_000_000_000_000u64));
        assert_eq!(
            register(&c, 1, extra - U256::from(1u64), &later, &PARAMS),
            Err(AccountingError::InsufficientBalance {
                balance: U256::from(2 * 504_000_000_000_000u64 - 1),
                required: U256::from(2 * 504_000_000_000_000u64),
            })
        );
        assert_eq!(next.validator_count, 2);
        assert_eq!((next.index, next.network_fee_index), (6200, 1300));
    }

    #[test]
    fn register_adds_the_amount_before_settling() {
        // 1e9 left but 5e9 owed: v1.2.0 adds the amount first, so the debt is paid from it.
        let c = Cluster {
            validator_count: 1,
            network_fee_index: 0,
            index: 0,
            active: true,
            balance: U256::from(1_000_000_000u64),
        };
        let now = at(1, 400, 100);
        let amount = U256::from(2_000_000_000_000_000u64);
        let next = register(&c, 1, amount, &now, &PARAMS).unwrap();
        assert_eq!(
            next.balance,
            amount + U256::from(1_000_000_000u64) - U256::from(5_000_000_000u64)
        );
    }

    #[test]
    fn register_without_funds_is_insufficient_balance() {
        let c = Cluster::NEW;
        let now = at(20, 2200, 300);
        assert_eq!(
            register(&c, 1, U256::from(503_999_999_999_999u64), &now, &PARAMS),
            Err(AccountingError::InsufficientBalance {
                balance: U256::from(503_999_999_999_999u64),
                required: U256::from(504_000_000_000_000u64),
            })
        );
        assert!(register(&c, 1, U256::from(504_000_000_000_000u64), &now, &PARAMS).is_ok());
    }

    #[test]
    fn liquidated_cluster_keeps_count_and_rejects_balance_view() {
        let c = Cluster {
            validator_count: 2,
            network_fee_index: 0,
            index: 0,
            active: true,
            balance: U256::from(10u64),
        };
        let out = liquidate(&c, &at(5, 0, 0), &PARAMS, false).unwrap();
        assert_eq!(out.cluster, Cluster::liquidated(2));
        assert_eq!(out.refund, U256::from(10u64));
        assert_eq!(
            balance(&out.cluster, &at(5, 0, 0)),
            Err(AccountingError::ClusterLiquidated)
        );
        assert_eq!(
            is_liquidatable(&out.cluster, &at(5, 0, 0), &PARAMS),
            Ok(false)
        );
        let removed = remove(&out.cluster, 2, &at(6, 10, 10)).unwrap();
        assert_eq!(removed, Cluster::liquidated(0));
    }
}
