//! Funding plans: how much to send so a cluster survives until its transaction lands and then
//! for a chosen runway; when it would be liquidated; whether to top up.
//!
//! Rules are those of SSV Network v2.0.0: ETH clusters register, keep running (deposit) and
//! reactivate; legacy SSV clusters can only migrate.

use alloy_primitives::U256;
use rust_decimal::Decimal;

use crate::AccountingError;
use crate::eth::{self, EthCluster};
use crate::indices::ClusterIndices;
use crate::legacy;
use crate::money::blocks_to_days;
use crate::types::{Cluster, ClusterState, ClusterVersion, LiquidationParams, VUnits};

/// What the router intends to do with a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Register `count` more validators (`registerValidator` / `bulkRegisterValidator`).
    AddValidators { count: u32 },
    /// Keep the cluster running (`deposit`).
    KeepRunning,
    /// Reactivate a liquidated cluster (`reactivate`).
    Reactivate,
    /// Migrate a legacy SSV cluster to ETH (`migrateClusterToETH`).
    MigrateToEth {
        /// vUnits of the new ETH cluster (implicit unless an effective balance is known).
        vunits: VUnits,
        /// ETH fee indices of the cluster's operators at the same block as the SSV ones.
        eth_indices: ClusterIndices,
        /// ETH liquidation parameters.
        eth_params: LiquidationParams,
    },
}

/// When the transaction may land and how long the cluster must last afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    /// The transaction lands within this many blocks of the indices' block (D).
    pub inclusion_blocks: u64,
    /// After landing, the cluster must not be liquidatable for this many blocks (R).
    pub runway_blocks: u64,
}

/// The amount to send for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Wei to send (`msg.value`) in `token`.
    pub amount: U256,
    /// Token of `amount` (ETH for every v2 action).
    pub token: ClusterVersion,
    /// The latest block the plan covers as the landing block (`B + D`).
    pub latest_landing_block: u64,
    /// For a migration: the SSV refunded if the migration lands at `latest_landing_block` (it
    /// only grows when it lands earlier).
    pub ssv_refund: Option<U256>,
    /// First block at which the cluster would be liquidatable after landing at
    /// `latest_landing_block` with `amount`, at constant fees.
    pub liquidation_block: Option<u64>,
}

/// When a cluster becomes liquidatable at constant fees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runway {
    /// Block the runway is measured from.
    pub from_block: u64,
    /// First block `≥ from_block` at which `isLiquidatable` is true; `None` if never (no
    /// validators, no fees, or already liquidated).
    pub liquidation_block: Option<u64>,
}

impl Runway {
    /// Blocks before the cluster becomes liquidatable (0 if it is now).
    pub fn blocks(&self) -> Option<u64> {
        self.liquidation_block.map(|b| b - self.from_block)
    }

    /// [`Runway::blocks`] in days of 7,200 blocks, rounded to two decimals.
    pub fn days(&self) -> Option<Decimal> {
        self.blocks().map(blocks_to_days)
    }
}

fn eth_cluster(state: &ClusterState) -> EthCluster {
    EthCluster {
        cluster: state.cluster,
        vunits: state.vunits,
    }
}

/// `getBalance` of a cluster of either version (`ClusterLiquidated` if inactive).
pub fn balance_of(state: &ClusterState, at: &ClusterIndices) -> Result<U256, AccountingError> {
    match state.version {
        ClusterVersion::Ssv => legacy::balance(&state.cluster, at),
        ClusterVersion::Eth => eth::balance(&eth_cluster(state), at),
    }
}

/// `isLiquidatable` for a cluster of either version.
pub fn is_liquidatable(
    state: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<bool, AccountingError> {
    match state.version {
        ClusterVersion::Ssv => legacy::is_liquidatable(&state.cluster, at, params),
        ClusterVersion::Eth => eth::is_liquidatable(&eth_cluster(state), at, params),
    }
}

/// When the cluster becomes liquidatable if fees stay as they are at `at`.
///
/// The balance never increases between events, so liquidatability is monotone in the block;
/// the first liquidatable block is found by exponential then binary search on the exact
/// contract maths.
pub fn runway(
    state: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<Runway, AccountingError> {
    let never = Runway {
        from_block: at.block,
        liquidation_block: None,
    };
    if !state.cluster.active || state.cluster.validator_count == 0 {
        return Ok(never);
    }
    let liquidatable_after = |k: u64| is_liquidatable(state, &at.advance(k)?, params);
    if liquidatable_after(0)? {
        return Ok(Runway {
            from_block: at.block,
            liquidation_block: Some(at.block),
        });
    }
    if at.total_fee()? == 0 || state.resolved_vunits() == 0 {
        return Ok(never);
    }
    let (mut healthy, mut hi) = (0u64, 1u64);
    loop {
        match at.advance(hi) {
            Err(AccountingError::ArithmeticOverflow { .. }) => return Ok(never),
            Err(other) => return Err(other),
            Ok(_) if liquidatable_after(hi)? => break,
            Ok(_) => {
                healthy = hi;
                hi = hi
                    .checked_mul(2)
                    .ok_or(AccountingError::ArithmeticOverflow {
                        quantity: "runway search",
                    })?;
            }
        }
    }
    while hi - healthy > 1 {
        let mid = healthy + (hi - healthy) / 2;
        if liquidatable_after(mid)? {
            hi = mid;
        } else {
            healthy = mid;
        }
    }
    Ok(Runway {
        from_block: at.block,
        liquidation_block: Some(at.block + hi),
    })
}

/// ETH a cluster with fresh indices at `at` spends in `blocks` blocks with vUnits `vunits`.
fn eth_spend(vunits: u64, at: &ClusterIndices, blocks: u64) -> Result<U256, AccountingError> {
    let start = Cluster {
        validator_count: 0,
        network_fee_index: at.network_index,
        index: at.operator_index,
        active: true,
        balance: U256::ZERO,
    };
    eth::fees(&start, vunits, &at.advance(blocks)?)
}

fn ensure_eth(state: &ClusterState) -> Result<(), AccountingError> {
    if state.version == ClusterVersion::Ssv {
        return Err(AccountingError::IncorrectClusterVersion {
            expected: ClusterVersion::Eth,
            found: ClusterVersion::Ssv,
        });
    }
    Ok(())
}

fn ensure_not_exposed(
    state: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
    landing_block: u64,
) -> Result<(), AccountingError> {
    if let Some(liquidation_block) = runway(state, at, params)?.liquidation_block
        && liquidation_block <= landing_block
    {
        return Err(AccountingError::LiquidatableBeforeInclusion {
            liquidation_block,
            landing_block,
        });
    }
    Ok(())
}

/// The ETH to `deposit` so the cluster is not liquidatable through block `at.block + blocks`,
/// whenever the deposit lands before then (a deposit does not settle, so its landing block does
/// not matter).
pub fn deposit_for_runway(
    state: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
    blocks: u64,
) -> Result<U256, AccountingError> {
    ensure_eth(state)?;
    if !state.cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    if state.cluster.validator_count == 0 {
        return Ok(U256::ZERO);
    }
    let u = state.resolved_vunits();
    let end = at.advance(blocks)?;
    let needed = eth::minimum_balance(u, at, params)? + eth::fees(&state.cluster, u, &end)?;
    Ok(needed.saturating_sub(state.cluster.balance))
}

/// The most ETH `withdraw` can take so that it succeeds whenever it lands within
/// `horizon.inclusion_blocks` of `at.block` and the cluster then stays non-liquidatable for
/// `horizon.runway_blocks` blocks (at constant fees). A cluster without validators, or a
/// liquidated one, can withdraw its whole balance.
pub fn max_withdrawal(
    state: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
    horizon: Horizon,
) -> Result<U256, AccountingError> {
    ensure_eth(state)?;
    let current = eth_cluster(state);
    if !state.cluster.active {
        return Ok(state.cluster.balance);
    }
    let landing = at.advance(horizon.inclusion_blocks)?;
    let u = current.resolved_vunits();
    let settled = eth::settled_balance(&state.cluster, u, &landing)?;
    if state.cluster.validator_count == 0 {
        return Ok(settled);
    }
    let keep =
        eth::minimum_balance(u, &landing, params)? + eth_spend(u, &landing, horizon.runway_blocks)?;
    Ok(settled.saturating_sub(keep))
}

/// The amount to send for `action` so that the transaction succeeds whenever it lands within
/// `horizon.inclusion_blocks` of `at.block`, and the cluster then stays non-liquidatable for
/// `horizon.runway_blocks` blocks, at constant fees.
///
/// An action that cannot leave the cluster safe is an error: a cluster that becomes
/// liquidatable before the latest landing block (bots liquidate it first), the wrong cluster
/// version or state, or a removed operator.
pub fn plan(
    state: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
    action: &Action,
    horizon: Horizon,
) -> Result<Plan, AccountingError> {
    let landing = at.advance(horizon.inclusion_blocks)?;
    let runway_after = |after: &ClusterState, landing: &ClusterIndices, params| {
        runway(after, landing, params).map(|r| r.liquidation_block)
    };
    match *action {
        Action::AddValidators { count } => {
            ensure_eth(state)?;
            if !state.cluster.active {
                return Err(AccountingError::ClusterLiquidated);
            }
            if let Some(operator_id) = at.removed_operator {
                return Err(AccountingError::OperatorRemoved { operator_id });
            }
            ensure_not_exposed(state, at, params, landing.block)?;
            let current = eth_cluster(state);
            let settled =
                eth::settled_balance(&state.cluster, current.resolved_vunits(), &landing)?;
            let (validator_count, vunits) = eth::add_validators(&current, count)?;
            let u_new = vunits.resolve(validator_count);
            let needed = eth::minimum_balance(u_new, &landing, params)?
                + eth_spend(u_new, &landing, horizon.runway_blocks)?;
            let amount = needed.saturating_sub(settled);
            let after = eth::register(&current, count, amount, &landing, params)?;
            Ok(Plan {
                amount,
                token: ClusterVersion::Eth,
                latest_landing_block: landing.block,
                ssv_refund: None,
                liquidation_block: runway_after(&to_state(&after), &landing, params)?,
            })
        }
        Action::KeepRunning => {
            ensure_eth(state)?;
            if state.cluster.active {
                ensure_not_exposed(state, at, params, landing.block)?;
            }
            let amount = deposit_for_runway(
                state,
                at,
                params,
                horizon.inclusion_blocks + horizon.runway_blocks,
            )?;
            let after = eth::deposit(&eth_cluster(state), amount)?;
            Ok(Plan {
                amount,
                token: ClusterVersion::Eth,
                latest_landing_block: landing.block,
                ssv_refund: None,
                liquidation_block: runway_after(&to_state(&after), &landing, params)?,
            })
        }
        Action::Reactivate => {
            ensure_eth(state)?;
            if state.cluster.active {
                return Err(AccountingError::ClusterAlreadyActive);
            }
            let current = eth_cluster(state);
            let u = current.resolved_vunits();
            let needed = eth::minimum_balance(u, &landing, params)?
                + eth_spend(u, &landing, horizon.runway_blocks)?;
            let amount = needed.saturating_sub(state.cluster.balance);
            let after = eth::reactivate(&current, amount, &landing, params)?;
            Ok(Plan {
                amount,
                token: ClusterVersion::Eth,
                latest_landing_block: landing.block,
                ssv_refund: None,
                liquidation_block: runway_after(&to_state(&after), &landing, params)?,
            })
        }
        Action::MigrateToEth {
            vunits,
            eth_indices,
            eth_params,
        } => {
            if state.version != ClusterVersion::Ssv {
                return Err(AccountingError::IncorrectClusterVersion {
                    expected: ClusterVersion::Ssv,
                    found: state.version,
                });
            }
            if eth_indices.block != at.block {
                return Err(AccountingError::IndicesBlockMismatch {
                    ssv_block: at.block,
                    eth_block: eth_indices.block,
                });
            }
            let eth_landing = eth_indices.advance(horizon.inclusion_blocks)?;
            let validator_count = state.cluster.validator_count;
            let u = vunits.resolve(validator_count);
            let amount = if validator_count == 0 {
                U256::ZERO
            } else {
                eth::minimum_balance(u, &eth_landing, &eth_params)?
                    + eth_spend(u, &eth_landing, horizon.runway_blocks)?
            };
            // A legacy cluster liquidated before the migration lands refunds nothing.
            let liquidated_first = state.cluster.active
                && runway(state, at, params)?
                    .liquidation_block
                    .is_some_and(|b| b <= landing.block);
            let migration = eth::migrate(
                &state.cluster,
                &landing,
                vunits,
                amount,
                &eth_landing,
                &eth_params,
            )?;
            Ok(Plan {
                amount,
                token: ClusterVersion::Eth,
                latest_landing_block: landing.block,
                ssv_refund: Some(if liquidated_first {
                    U256::ZERO
                } else {
                    migration.ssv_refund
                }),
                liquidation_block: runway_after(
                    &to_state(&migration.state),
                    &eth_landing,
                    &eth_params,
                )?,
            })
        }
    }
}

fn to_state(cluster: &EthCluster) -> ClusterState {
    ClusterState {
        version: ClusterVersion::Eth,
        cluster: cluster.cluster,
        vunits: cluster.vunits,
    }
}

/// When to top a cluster up, and to what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopUpPolicy {
    /// Top up when fewer than this many blocks remain before liquidation.
    pub threshold_runway_blocks: u64,
    /// A top-up buys this many blocks of runway (at least the threshold).
    pub target_runway_blocks: u64,
    /// Blocks a deposit may take to be included.
    pub inclusion_margin_blocks: u64,
}

/// What [`TopUpPolicy::decide`] recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopUp {
    /// The runway is long enough.
    NotNeeded { runway: Runway },
    /// `deposit` `amount` ETH. `urgent` when the cluster becomes liquidatable within the
    /// inclusion margin: a liquidation bot may be faster.
    Deposit {
        amount: U256,
        runway: Runway,
        urgent: bool,
    },
    /// The cluster is liquidated: `reactivate` with `amount` ETH.
    Reactivate { amount: U256 },
    /// A legacy SSV cluster cannot be topped up in v2; it must migrate to ETH.
    MigrationRequired { runway: Runway },
}

impl TopUpPolicy {
    /// Decides for one cluster at `at.block`.
    pub fn decide(
        &self,
        state: &ClusterState,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<TopUp, AccountingError> {
        let target = self.target_runway_blocks.max(self.threshold_runway_blocks);
        if state.version == ClusterVersion::Ssv {
            return Ok(TopUp::MigrationRequired {
                runway: runway(state, at, params)?,
            });
        }
        if !state.cluster.active {
            if state.cluster.validator_count == 0 {
                return Ok(TopUp::NotNeeded {
                    runway: runway(state, at, params)?,
                });
            }
            let reactivation = plan(
                state,
                at,
                params,
                &Action::Reactivate,
                Horizon {
                    inclusion_blocks: self.inclusion_margin_blocks,
                    runway_blocks: target,
                },
            )?;
            return Ok(TopUp::Reactivate {
                amount: reactivation.amount,
            });
        }
        let current = runway(state, at, params)?;
        let needed = self.inclusion_margin_blocks + self.threshold_runway_blocks;
        if current.blocks().is_none_or(|blocks| blocks > needed) {
            return Ok(TopUp::NotNeeded { runway: current });
        }
        let amount = deposit_for_runway(state, at, params, self.inclusion_margin_blocks + target)?;
        Ok(TopUp::Deposit {
            amount,
            runway: current,
            urgent: current
                .blocks()
                .is_some_and(|blocks| blocks <= self.inclusion_margin_blocks),
        })
    }
}
