//! The version-independent path: methods on [`ClusterState`] (version, tuple and vUnits) that
//! dispatch to the exact maths of the cluster's version, [`crate::legacy`] for SSV clusters and
//! [`crate::eth`] for ETH clusters. Each method returns exactly what the version function returns
//! on the same inputs; ETH-only calls (`updateClusterBalance`, migration) stay in [`crate::eth`].
//!
//! The transitions describe the contract call of the cluster's own version: for a legacy SSV
//! cluster that is ssv-network v1.2.0, where `register`, `deposit`, `withdraw` and `reactivate`
//! exist; SSV Network v2.0.0 refuses them for legacy clusters (`IncorrectClusterVersion`).

use alloy_primitives::U256;

use crate::AccountingError;
use crate::eth::{self, EthCluster};
use crate::indices::ClusterIndices;
use crate::legacy;
use crate::types::{Cluster, ClusterState, ClusterVersion, LiquidationParams, VUnits};

/// The outcome of [`ClusterState::liquidate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidationOutcome {
    /// The cluster afterwards: tuple `(V, 0, 0, false, 0)`, version and vUnits kept.
    pub state: ClusterState,
    /// What the caller (`msg.sender`) receives: the whole settled balance, in the cluster's token.
    pub refund: U256,
}

impl From<EthCluster> for ClusterState {
    fn from(cluster: EthCluster) -> Self {
        Self {
            version: ClusterVersion::Eth,
            cluster: cluster.cluster,
            vunits: cluster.vunits,
        }
    }
}

impl ClusterState {
    /// A cluster that does not exist yet, as its first registration sees it: the tuple
    /// `(0, 0, 0, true, 0)` ([`Cluster::NEW`]) with implicit vUnits.
    pub const fn new_cluster(version: ClusterVersion) -> Self {
        Self {
            version,
            cluster: Cluster::NEW,
            vunits: VUnits::Implicit,
        }
    }

    /// The ETH view of this state (tuple and vUnits), whatever its version.
    pub(crate) const fn eth_cluster(&self) -> EthCluster {
        EthCluster {
            cluster: self.cluster,
            vunits: self.vunits,
        }
    }

    fn with_cluster(&self, cluster: Cluster) -> Self {
        Self { cluster, ..*self }
    }

    /// Fees owed since the snapshot, in wei: `expand(`[`legacy::usage`]`)` for SSV clusters,
    /// [`eth::fees`] (two packed floors, scaled by vUnits) for ETH clusters. Not floored by the
    /// balance.
    pub fn fees(&self, at: &ClusterIndices) -> Result<U256, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => {
                Ok(ClusterVersion::Ssv.unpack(legacy::usage(&self.cluster, at)?))
            }
            ClusterVersion::Eth => eth::fees(&self.cluster, self.resolved_vunits(), at),
        }
    }

    /// The balance at `at.block`, floored at 0, whether or not the cluster is active
    /// ([`legacy::settled_balance`] / [`eth::settled_balance`]).
    pub fn settled_balance(&self, at: &ClusterIndices) -> Result<U256, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => legacy::settled_balance(&self.cluster, at),
            ClusterVersion::Eth => eth::settled_balance(&self.cluster, self.resolved_vunits(), at),
        }
    }

    /// `getBalance` at `at.block`; [`AccountingError::ClusterLiquidated`] for an inactive cluster.
    pub fn balance(&self, at: &ClusterIndices) -> Result<U256, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => legacy::balance(&self.cluster, at),
            ClusterVersion::Eth => eth::balance(&self.eth_cluster(), at),
        }
    }

    /// `getBurnRate`, wei per block: `expand((Σ fee + networkFee)·V)` for SSV clusters,
    /// `floor((Σ ethFee + ethNetworkFee)·u/10000)` for ETH clusters (informational: the ETH
    /// balance falls by the packed floors of [`eth::fees`]).
    pub fn burn_rate(&self, at: &ClusterIndices) -> Result<U256, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => legacy::burn_rate(self.cluster.validator_count, at),
            ClusterVersion::Eth => eth::burn_rate(self.resolved_vunits(), at),
        }
    }

    /// The liquidation threshold before the minimum collateral: `expand(LTP·(Σ fee +
    /// networkFee)·V)` for SSV clusters, `thr(u)` for ETH clusters.
    pub fn liquidation_threshold(
        &self,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<U256, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => {
                legacy::liquidation_threshold(self.cluster.validator_count, at, params)
            }
            ClusterVersion::Eth => eth::liquidation_threshold(self.resolved_vunits(), at, params),
        }
    }

    /// `max(MLC, threshold)`: the smallest balance at which the cluster (with its current
    /// validators and vUnits) is not liquidatable.
    pub fn minimum_balance(
        &self,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<U256, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => {
                legacy::minimum_balance(self.cluster.validator_count, at, params)
            }
            ClusterVersion::Eth => eth::minimum_balance(self.resolved_vunits(), at, params),
        }
    }

    /// `isLiquidatable`: false when inactive or without validators, else the settled balance is
    /// strictly below [`ClusterState::minimum_balance`].
    pub fn is_liquidatable(
        &self,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<bool, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => legacy::is_liquidatable(&self.cluster, at, params),
            ClusterVersion::Eth => eth::is_liquidatable(&self.eth_cluster(), at, params),
        }
    }

    /// The smallest amount a registration of `count` validators at `at.block` must carry
    /// ([`legacy::minimum_to_register`] / [`eth::minimum_to_register`]). v1.2.0 adds the amount
    /// before settling, so it also pays a debt beyond the balance; v2 settles first (floored at
    /// 0), then adds `msg.value`.
    pub fn minimum_to_register(
        &self,
        count: u32,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<U256, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => legacy::minimum_to_register(&self.cluster, count, at, params),
            ClusterVersion::Eth => eth::minimum_to_register(&self.eth_cluster(), count, at, params),
        }
    }

    /// `registerValidator` / `bulkRegisterValidator` of `count` validators carrying `amount` wei
    /// ([`legacy::register`] / [`eth::register`]; explicit vUnits grow by 10000 per validator).
    pub fn register(
        &self,
        count: u32,
        amount: U256,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<Self, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => {
                Ok(self.with_cluster(legacy::register(&self.cluster, count, amount, at, params)?))
            }
            ClusterVersion::Eth => {
                eth::register(&self.eth_cluster(), count, amount, at, params).map(Self::from)
            }
        }
    }

    /// `removeValidator` / `bulkRemoveValidator` of `count` validators ([`legacy::remove`] /
    /// [`eth::remove`]): an active cluster is settled with the old count or vUnits first.
    pub fn remove(&self, count: u32, at: &ClusterIndices) -> Result<Self, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => Ok(self.with_cluster(legacy::remove(&self.cluster, count, at)?)),
            ClusterVersion::Eth => eth::remove(&self.eth_cluster(), count, at).map(Self::from),
        }
    }

    /// `deposit` of `amount` wei: `balance += amount`, no settlement; allowed when liquidated.
    pub fn deposit(&self, amount: U256) -> Result<Self, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => Ok(self.with_cluster(legacy::deposit(&self.cluster, amount)?)),
            ClusterVersion::Eth => eth::deposit(&self.eth_cluster(), amount).map(Self::from),
        }
    }

    /// `withdraw` of `amount` wei ([`legacy::withdraw`] / [`eth::withdraw`]): an active cluster is
    /// settled and must stay solvent. A liquidated ETH cluster just pays out; v1.2.0 refuses a
    /// liquidated legacy cluster ([`AccountingError::ClusterLiquidated`]).
    pub fn withdraw(
        &self,
        amount: U256,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<Self, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => {
                Ok(self.with_cluster(legacy::withdraw(&self.cluster, amount, at, params)?))
            }
            ClusterVersion::Eth => {
                eth::withdraw(&self.eth_cluster(), amount, at, params).map(Self::from)
            }
        }
    }

    /// The smallest amount `reactivate` needs: `max(MLC, threshold) − balance`, nothing for the
    /// liquidated period ([`legacy::minimum_to_reactivate`] / [`eth::minimum_to_reactivate`]).
    pub fn minimum_to_reactivate(
        &self,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<U256, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => legacy::minimum_to_reactivate(&self.cluster, at, params),
            ClusterVersion::Eth => eth::minimum_to_reactivate(&self.eth_cluster(), at, params),
        }
    }

    /// `reactivate` with `amount` wei ([`legacy::reactivate`] / [`eth::reactivate`]): no charge
    /// for the liquidated period, indices restart at `at`, the cluster must not be liquidatable.
    pub fn reactivate(
        &self,
        amount: U256,
        at: &ClusterIndices,
        params: &LiquidationParams,
    ) -> Result<Self, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => {
                Ok(self.with_cluster(legacy::reactivate(&self.cluster, amount, at, params)?))
            }
            ClusterVersion::Eth => {
                eth::reactivate(&self.eth_cluster(), amount, at, params).map(Self::from)
            }
        }
    }

    /// `liquidate` (`liquidateSSV` for legacy clusters on v2): the settled balance goes to the
    /// caller; a third party (`by_owner == false`) needs the cluster to be liquidatable.
    pub fn liquidate(
        &self,
        at: &ClusterIndices,
        params: &LiquidationParams,
        by_owner: bool,
    ) -> Result<LiquidationOutcome, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => {
                let out = legacy::liquidate(&self.cluster, at, params, by_owner)?;
                Ok(LiquidationOutcome {
                    state: self.with_cluster(out.cluster),
                    refund: out.refund,
                })
            }
            ClusterVersion::Eth => {
                let out = eth::liquidate(&self.eth_cluster(), at, params, by_owner)?;
                Ok(LiquidationOutcome {
                    state: out.state.into(),
                    refund: out.refund,
                })
            }
        }
    }

    /// Validator count and vUnits after adding `count` validators (the tuple's other fields
    /// unchanged).
    pub(crate) fn with_added_validators(&self, count: u32) -> Result<Self, AccountingError> {
        let (validator_count, vunits) = match self.version {
            ClusterVersion::Ssv => (
                self.cluster.validator_count.checked_add(count).ok_or(
                    AccountingError::ValidatorCountOverflow {
                        validator_count: self.cluster.validator_count,
                        adding: count,
                    },
                )?,
                self.vunits,
            ),
            ClusterVersion::Eth => eth::add_validators(&self.eth_cluster(), count)?,
        };
        Ok(Self {
            cluster: Cluster {
                validator_count,
                ..self.cluster
            },
            vunits,
            ..*self
        })
    }

    /// The amount a registration landing at `at` must carry so the cluster's balance right after
    /// it is at least `target`: v2 settles (floored at 0) before adding the value, v1.2.0 adds
    /// the value before settling, so it must also pay a debt beyond the balance.
    pub(crate) fn registration_amount_for(
        &self,
        target: U256,
        at: &ClusterIndices,
    ) -> Result<U256, AccountingError> {
        match self.version {
            ClusterVersion::Ssv => {
                Ok((target + self.fees(at)?).saturating_sub(self.cluster.balance))
            }
            ClusterVersion::Eth => Ok(target.saturating_sub(self.settled_balance(at)?)),
        }
    }

    /// What this cluster's validators and vUnits spend in `blocks` blocks from fresh indices at
    /// `at`, at constant fees.
    pub(crate) fn spend_from(
        &self,
        at: &ClusterIndices,
        blocks: u64,
    ) -> Result<U256, AccountingError> {
        let fresh = self.with_cluster(Cluster {
            network_fee_index: at.network_index,
            index: at.operator_index,
            ..self.cluster
        });
        fresh.fees(&at.advance(blocks)?)
    }
}
