//! Funding plans: how much to send so a cluster survives until its transaction lands and then
//! for a chosen runway; when it would be liquidated; whether to top up.
//!
//! [`plan`] follows SSV Network v2.0.0: ETH clusters register, keep running (deposit) and
//! reactivate; legacy SSV clusters can only migrate. [`plan_with`] and [`Rules::V1`] also plan
//! registrations, deposits and reactivations of legacy SSV clusters with the v1.2.0 maths, for
//! v1 deployments or to show what a legacy cluster costs.

use alloy_primitives::U256;
use rust_decimal::Decimal;

use crate::AccountingError;
use crate::eth;
use crate::indices::ClusterIndices;
use crate::money::blocks_to_days;
use crate::types::{Cluster, ClusterState, ClusterVersion, LiquidationParams, VUnits};

/// Which SSVNetwork release a plan is made for. It only decides what a legacy SSV cluster may
/// do; ETH clusters and migrations are planned the same under both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Rules {
    /// SSV Network v2.0.0 (mainnet since block [`crate::MAINNET_V2_UPGRADE_BLOCK`]): legacy SSV
    /// clusters are frozen for register, deposit and reactivate (`IncorrectClusterVersion`);
    /// they can only migrate to ETH ([`Action::MigrateToEth`]).
    #[default]
    V2,
    /// ssv-network v1.2.0 rules for legacy SSV clusters: they register, deposit and reactivate,
    /// paying SSV (liquidatable ⇔ balance < max(MLC, LTP·(Σ fee + network fee)·V), packed ÷1e7;
    /// reactivation charges nothing for the liquidated period). On SSV Network v2 these calls
    /// revert for legacy clusters; the plan then only shows what they would cost.
    V1,
}

/// What the router intends to do with a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Register `count` more validators (`registerValidator` / `bulkRegisterValidator`).
    AddValidators {
        /// The number of validators to register.
        count: u32,
    },
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
    /// Wei to send in `token` (`msg.value` for ETH, the `amount` argument for SSV).
    pub amount: U256,
    /// Token of `amount`: the cluster's own token (SSV for a legacy cluster under
    /// [`Rules::V1`]), ETH for a migration.
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

/// `getBalance` of a cluster of either version (`ClusterLiquidated` if inactive); the same as
/// [`ClusterState::balance`].
pub fn balance_of(state: &ClusterState, at: &ClusterIndices) -> Result<U256, AccountingError> {
    state.balance(at)
}

/// `isLiquidatable` for a cluster of either version; the same as
/// [`ClusterState::is_liquidatable`].
pub fn is_liquidatable(
    state: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
) -> Result<bool, AccountingError> {
    state.is_liquidatable(at, params)
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

fn ensure_eth(state: &ClusterState) -> Result<(), AccountingError> {
    if state.version == ClusterVersion::Ssv {
        return Err(AccountingError::IncorrectClusterVersion {
            expected: ClusterVersion::Eth,
            found: ClusterVersion::Ssv,
        });
    }
    Ok(())
}

/// Register, deposit and reactivate: legacy clusters only under [`Rules::V1`].
fn ensure_callable(rules: Rules, state: &ClusterState) -> Result<(), AccountingError> {
    match rules {
        Rules::V2 => ensure_eth(state),
        Rules::V1 => Ok(()),
    }
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
/// not matter). ETH clusters only (v2 rules); [`plan_with`] with [`Rules::V1`] and
/// [`Action::KeepRunning`] gives the same for a legacy cluster.
pub fn deposit_for_runway(
    state: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
    blocks: u64,
) -> Result<U256, AccountingError> {
    ensure_eth(state)?;
    deposit_needed(state, at, params, blocks)
}

/// [`deposit_for_runway`] for a cluster of either version: `max(MLC, threshold) + fees from
/// the snapshot to at.block + blocks − balance`.
fn deposit_needed(
    state: &ClusterState,
    at: &ClusterIndices,
    params: &LiquidationParams,
    blocks: u64,
) -> Result<U256, AccountingError> {
    if !state.cluster.active {
        return Err(AccountingError::ClusterLiquidated);
    }
    if state.cluster.validator_count == 0 {
        return Ok(U256::ZERO);
    }
    let end = at.advance(blocks)?;
    let needed = state.minimum_balance(at, params)? + state.fees(&end)?;
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
    if !state.cluster.active {
        return Ok(state.cluster.balance);
    }
    let landing = at.advance(horizon.inclusion_blocks)?;
    let settled = state.settled_balance(&landing)?;
    if state.cluster.validator_count == 0 {
        return Ok(settled);
    }
    let keep = state.minimum_balance(&landing, params)?
        + state.spend_from(&landing, horizon.runway_blocks)?;
    Ok(settled.saturating_sub(keep))
}

/// The amount to send for `action` so that the transaction succeeds whenever it lands within
/// `horizon.inclusion_blocks` of `at.block`, and the cluster then stays non-liquidatable for
/// `horizon.runway_blocks` blocks, at constant fees. SSV Network v2.0.0 rules: the same as
/// [`plan_with`] with [`Rules::V2`], so a legacy SSV cluster can only migrate.
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
    plan_with(Rules::V2, state, at, params, action, horizon)
}

/// [`plan`] under the given [`Rules`]. With [`Rules::V1`] a legacy SSV cluster can also
/// register validators, keep running and reactivate, with the v1.2.0 maths and in SSV (the
/// amount is the `amount` argument of those v1 calls; `params` are then the SSV liquidation
/// parameters). On SSV Network v2 those calls revert for legacy clusters, so such a plan only
/// shows the cost; ETH clusters and migrations are planned the same under both rules.
pub fn plan_with(
    rules: Rules,
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
    let in_own_token = |amount: U256, after: &ClusterState| -> Result<Plan, AccountingError> {
        Ok(Plan {
            amount,
            token: state.version,
            latest_landing_block: landing.block,
            ssv_refund: None,
            liquidation_block: runway_after(after, &landing, params)?,
        })
    };
    match *action {
        Action::AddValidators { count } => {
            ensure_callable(rules, state)?;
            if !state.cluster.active {
                return Err(AccountingError::ClusterLiquidated);
            }
            if let Some(operator_id) = at.removed_operator {
                return Err(AccountingError::OperatorRemoved { operator_id });
            }
            ensure_not_exposed(state, at, params, landing.block)?;
            // The balance right after landing must cover the new collateral and the runway.
            let grown = state.with_added_validators(count)?;
            let needed = grown.minimum_balance(&landing, params)?
                + grown.spend_from(&landing, horizon.runway_blocks)?;
            let amount = state.registration_amount_for(needed, &landing)?;
            let after = state.register(count, amount, &landing, params)?;
            in_own_token(amount, &after)
        }
        Action::KeepRunning => {
            ensure_callable(rules, state)?;
            if state.cluster.active {
                ensure_not_exposed(state, at, params, landing.block)?;
            }
            let amount = deposit_needed(
                state,
                at,
                params,
                horizon.inclusion_blocks + horizon.runway_blocks,
            )?;
            let after = state.deposit(amount)?;
            in_own_token(amount, &after)
        }
        Action::Reactivate => {
            ensure_callable(rules, state)?;
            if state.cluster.active {
                return Err(AccountingError::ClusterAlreadyActive);
            }
            // Nothing is charged for the liquidated period: the stored balance plus the amount
            // must cover the collateral of the stored validators (vUnits) and the runway.
            let needed = state.minimum_balance(&landing, params)?
                + state.spend_from(&landing, horizon.runway_blocks)?;
            let amount = needed.saturating_sub(state.cluster.balance);
            let after = state.reactivate(amount, &landing, params)?;
            in_own_token(amount, &after)
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
            let migrated = ClusterState {
                version: ClusterVersion::Eth,
                cluster: Cluster {
                    validator_count,
                    ..Cluster::NEW
                },
                vunits,
            };
            let amount = if validator_count == 0 {
                U256::ZERO
            } else {
                migrated.minimum_balance(&eth_landing, &eth_params)?
                    + migrated.spend_from(&eth_landing, horizon.runway_blocks)?
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
                    &migration.state.into(),
                    &eth_landing,
                    &eth_params,
                )?,
            })
        }
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
    NotNeeded {
        /// The cluster's runway from `at.block`.
        runway: Runway,
    },
    /// `deposit` `amount` ETH. `urgent` when the cluster becomes liquidatable within the
    /// inclusion margin: a liquidation bot may be faster.
    Deposit {
        /// The ETH to deposit, in wei.
        amount: U256,
        /// The cluster's runway from `at.block`, before the deposit.
        runway: Runway,
        /// Whether the cluster becomes liquidatable within `inclusion_margin_blocks`.
        urgent: bool,
    },
    /// The cluster is liquidated: `reactivate` with `amount` ETH.
    Reactivate {
        /// The ETH to send with `reactivate`, in wei.
        amount: U256,
    },
    /// A legacy SSV cluster cannot be topped up in v2; it must migrate to ETH.
    MigrationRequired {
        /// The legacy cluster's runway from `at.block`, in its SSV balance.
        runway: Runway,
    },
}

impl TopUpPolicy {
    /// Whether an active ETH cluster with validators is safely funded: not liquidatable
    /// `inclusion_margin_blocks + threshold_runway_blocks` from `at`. Then [`decide`](Self::decide)
    /// returns [`TopUp::NotNeeded`]; this answers with one liquidation check instead of a runway
    /// search (liquidation is monotone in the block while fees hold), so a pass over thousands of
    /// healthy clusters stays cheap. `false` means "ask `decide`", not "needs a top-up".
    pub fn is_clear(
        &self,
        state: &ClusterState,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<bool, AccountingError> {
        if state.version != ClusterVersion::Eth
            || !state.cluster.active
            || state.cluster.validator_count == 0
        {
            return Ok(false);
        }
        let needed = self.inclusion_margin_blocks + self.threshold_runway_blocks;
        match at.advance(needed) {
            Ok(later) => Ok(!is_liquidatable(state, &later, params)?),
            Err(AccountingError::ArithmeticOverflow { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

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
