//! The SSVNetwork events an indexer keeps, as plain serialisable data: what `cluster-accounting`
//! needs plus what a router needs beyond it (validator public keys, exits, operator public keys,
//! liquidation parameters, the v2 activation block). Share bytes are dropped; nothing reads them.

use alloy::primitives::{Address, B256, Bytes, U256};
use cluster_accounting::{Event, LogPosition};
use serde::{Deserialize, Serialize};

/// Where a log sits: logs are ordered by (block, transaction index, log index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    /// The block number.
    pub block: u64,
    /// The index of the emitting transaction in its block.
    pub transaction_index: u64,
    /// The index of the log in its block.
    pub log_index: u64,
}

impl From<Position> for LogPosition {
    fn from(p: Position) -> Self {
        LogPosition::new(p.block, p.transaction_index, p.log_index)
    }
}

/// The `Cluster` tuple `(validatorCount, networkFeeIndex, index, active, balance)` an event carries:
/// the cluster after the operation, which the next call on the cluster must pass back exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClusterTuple {
    /// `validatorCount`: validators registered in the cluster (kept while it is liquidated).
    pub validator_count: u32,
    /// `networkFeeIndex`: the network fee index at the last settlement, packed as the contract
    /// stores it.
    pub network_fee_index: u64,
    /// `index`: the sum of the operators' fee indices at the last settlement, packed.
    pub index: u64,
    /// `active`: false once the cluster is liquidated.
    pub active: bool,
    /// `balance` at the last settlement: wei for an ETH cluster, SSV-token wei for a legacy SSV
    /// cluster.
    pub balance: U256,
}

impl ClusterTuple {
    /// The tuple of a cluster that does not exist yet: `(0, 0, 0, true, 0)`.
    pub const NEW: Self = Self {
        validator_count: 0,
        network_fee_index: 0,
        index: 0,
        active: true,
        balance: U256::ZERO,
    };
}

impl From<stafi_contracts::Cluster> for ClusterTuple {
    fn from(c: stafi_contracts::Cluster) -> Self {
        Self {
            validator_count: c.validatorCount,
            network_fee_index: c.networkFeeIndex,
            index: c.index,
            active: c.active,
            balance: c.balance,
        }
    }
}

impl From<ClusterTuple> for stafi_contracts::Cluster {
    fn from(c: ClusterTuple) -> Self {
        Self {
            validatorCount: c.validator_count,
            networkFeeIndex: c.network_fee_index,
            index: c.index,
            active: c.active,
            balance: c.balance,
        }
    }
}

impl From<ClusterTuple> for cluster_accounting::Cluster {
    fn from(c: ClusterTuple) -> Self {
        Self {
            validator_count: c.validator_count,
            network_fee_index: c.network_fee_index,
            index: c.index,
            active: c.active,
            balance: c.balance,
        }
    }
}

/// One decoded SSVNetwork log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsvLog {
    /// Where the log sits in the chain.
    pub position: Position,
    /// The hash of the log's block, to detect a reorg that dropped it.
    pub block_hash: B256,
    /// The hash of the emitting transaction (zero if the node gave none).
    pub transaction_hash: B256,
    /// The decoded event.
    pub event: SsvEvent,
}

/// The SSVNetwork events an indexer keeps (signatures as in SSV Network v2.0.0's ABI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SsvEvent {
    /// `ValidatorAdded(owner, operatorIds, publicKey, shares, cluster)`: a validator registered
    /// in a cluster (one event per key of a bulk registration).
    ValidatorAdded {
        /// The cluster's owner (topic 1).
        owner: Address,
        /// The cluster's operator ids.
        operator_ids: Vec<u64>,
        /// The validator's BLS public key (48 bytes).
        public_key: Bytes,
        /// The cluster tuple after the operation.
        cluster: ClusterTuple,
    },
    /// `ValidatorRemoved(owner, operatorIds, publicKey, cluster)`: a validator left its cluster.
    ValidatorRemoved {
        /// The cluster's owner (topic 1).
        owner: Address,
        /// The cluster's operator ids.
        operator_ids: Vec<u64>,
        /// The validator's BLS public key (48 bytes).
        public_key: Bytes,
        /// The cluster tuple after the operation.
        cluster: ClusterTuple,
    },
    /// `exitValidator`: tells the operators to exit; changes no accounting.
    ValidatorExited {
        /// The cluster's owner (topic 1).
        owner: Address,
        /// The cluster's operator ids.
        operator_ids: Vec<u64>,
        /// The validator's BLS public key (48 bytes).
        public_key: Bytes,
    },
    /// `ClusterLiquidated(owner, operatorIds, cluster)`: the cluster was liquidated.
    ClusterLiquidated {
        /// The cluster's owner (topic 1).
        owner: Address,
        /// The cluster's operator ids.
        operator_ids: Vec<u64>,
        /// The cluster tuple after the operation.
        cluster: ClusterTuple,
    },
    /// `ClusterReactivated(owner, operatorIds, cluster)`: a liquidated cluster was reactivated.
    ClusterReactivated {
        /// The cluster's owner (topic 1).
        owner: Address,
        /// The cluster's operator ids.
        operator_ids: Vec<u64>,
        /// The cluster tuple after the operation.
        cluster: ClusterTuple,
    },
    /// `ClusterDeposited(owner, operatorIds, value, cluster)`: funds added to the cluster.
    ClusterDeposited {
        /// The cluster's owner (topic 1).
        owner: Address,
        /// The cluster's operator ids.
        operator_ids: Vec<u64>,
        /// The amount deposited: wei for an ETH cluster, SSV-token wei for a legacy SSV one.
        value: U256,
        /// The cluster tuple after the operation.
        cluster: ClusterTuple,
    },
    /// `ClusterWithdrawn(owner, operatorIds, value, cluster)`: funds the owner took out.
    ClusterWithdrawn {
        /// The cluster's owner (topic 1).
        owner: Address,
        /// The cluster's operator ids.
        operator_ids: Vec<u64>,
        /// The amount withdrawn: wei for an ETH cluster, SSV-token wei for a legacy SSV one.
        value: U256,
        /// The cluster tuple after the operation.
        cluster: ClusterTuple,
    },
    /// An effective balance proven against the oracles' root of `block_num`.
    ClusterBalanceUpdated {
        /// The cluster's owner (topic 1).
        owner: Address,
        /// The cluster's operator ids.
        operator_ids: Vec<u64>,
        /// `blockNum`: the block whose committed oracle root proves the balance.
        block_num: u64,
        /// `effectiveBalance`: the cluster's validators' total effective balance, in whole ETH.
        effective_balance: u32,
        /// The cluster tuple after the operation.
        cluster: ClusterTuple,
    },
    /// `ClusterMigratedToETH`: a legacy SSV cluster moved to paying in ETH (v2).
    ClusterMigratedToEth {
        /// The cluster's owner (topic 1).
        owner: Address,
        /// The cluster's operator ids.
        operator_ids: Vec<u64>,
        /// `ethDeposited`: the ETH the migration deposited, in wei.
        eth_deposited: U256,
        /// `ssvRefunded`: the SSV balance refunded to the owner, in SSV-token wei.
        ssv_refunded: U256,
        /// `effectiveBalance`: the cluster's validators' total effective balance, in whole ETH.
        effective_balance: u32,
        /// The cluster tuple after the operation.
        cluster: ClusterTuple,
    },
    /// `FeeRecipientAddressUpdated(owner, recipientAddress)`: the owner's validators' fee
    /// recipient changed.
    FeeRecipientAddressUpdated {
        /// The owner who set it (topic 1).
        owner: Address,
        /// `recipientAddress`: the new fee recipient.
        recipient: Address,
    },
    /// A new operator: its RSA public key (as registered, base64 of the PEM) and fee.
    OperatorAdded {
        /// The id the contract assigned.
        operator_id: u64,
        /// The operator's owner.
        owner: Address,
        /// The RSA public key as registered (base64 of the PEM).
        public_key: Bytes,
        /// The fee in wei per block: ETH from v2 on, SSV-token wei before.
        fee: U256,
    },
    /// `OperatorRemoved(operatorId)`: the operator left; its fee stops.
    OperatorRemoved {
        /// The operator's id.
        operator_id: u64,
    },
    /// `OperatorFeeDeclared`: a new fee announced, executable after the declaration period.
    OperatorFeeDeclared {
        /// The operator's id.
        operator_id: u64,
        /// The declared fee in wei per block (ETH from v2 on, SSV-token wei before).
        fee: U256,
    },
    /// `OperatorFeeExecuted`: a new fee in force from the next block (also emitted by
    /// `reduceOperatorFee`).
    OperatorFeeExecuted {
        /// The operator's id.
        operator_id: u64,
        /// The new fee in wei per block (ETH from v2 on, SSV-token wei before).
        fee: U256,
    },
    /// `OperatorPrivacyStatusUpdated(operatorIds, toPrivate)`: operators made private or public.
    OperatorPrivacyStatusUpdated {
        /// The operators whose status changed.
        operator_ids: Vec<u64>,
        /// True when they became private (only whitelisted owners may then use them).
        to_private: bool,
    },
    /// `NetworkFeeUpdated(oldFee, newFee)`: the network fee changed.
    NetworkFeeUpdated {
        /// The new fee in wei per block: ETH from v2 on, SSV-token wei before.
        new_fee: U256,
    },
    /// `NetworkFeeUpdatedSSV(oldFee, newFee)` (v2): the legacy SSV clusters' network fee changed.
    NetworkFeeUpdatedSsv {
        /// The new fee in SSV-token wei per block.
        new_fee: U256,
    },
    /// `LiquidationThresholdPeriodUpdated(value)`: the runway below which a cluster can be
    /// liquidated changed.
    LiquidationThresholdPeriodUpdated {
        /// The new period in blocks: ETH clusters' from v2 on, SSV clusters' before.
        blocks: u64,
    },
    /// `LiquidationThresholdPeriodSSVUpdated(value)` (v2): the same for legacy SSV clusters.
    LiquidationThresholdPeriodSsvUpdated {
        /// The new period in blocks.
        blocks: u64,
    },
    /// `MinimumLiquidationCollateralUpdated(value)`: the balance below which a cluster can be
    /// liquidated changed.
    MinimumLiquidationCollateralUpdated {
        /// The new minimum: wei for ETH clusters from v2 on, SSV-token wei before.
        value: U256,
    },
    /// `MinimumLiquidationCollateralSSVUpdated(value)` (v2): the same for legacy SSV clusters.
    MinimumLiquidationCollateralSsvUpdated {
        /// The new minimum in SSV-token wei.
        value: U256,
    },
    /// `SSVNetworkUpgradeBlock(version, blockNumber)`: the block v2.0.0 took effect.
    UpgradeBlock {
        /// The version string the contract emitted.
        version: String,
        /// The activation block (`u64::MAX` if the emitted `uint256` does not fit).
        block_number: u64,
    },
}

impl SsvEvent {
    /// The event as `cluster-accounting` consumes it, for the events that move accounting state.
    pub fn accounting(&self) -> Option<Event> {
        Some(match self.clone() {
            Self::ValidatorAdded {
                owner,
                operator_ids,
                cluster,
                ..
            } => Event::ValidatorAdded {
                owner,
                operator_ids,
                cluster: cluster.into(),
            },
            Self::ValidatorRemoved {
                owner,
                operator_ids,
                cluster,
                ..
            } => Event::ValidatorRemoved {
                owner,
                operator_ids,
                cluster: cluster.into(),
            },
            Self::ClusterLiquidated {
                owner,
                operator_ids,
                cluster,
            } => Event::ClusterLiquidated {
                owner,
                operator_ids,
                cluster: cluster.into(),
            },
            Self::ClusterReactivated {
                owner,
                operator_ids,
                cluster,
            } => Event::ClusterReactivated {
                owner,
                operator_ids,
                cluster: cluster.into(),
            },
            Self::ClusterDeposited {
                owner,
                operator_ids,
                value,
                cluster,
            } => Event::ClusterDeposited {
                owner,
                operator_ids,
                value,
                cluster: cluster.into(),
            },
            Self::ClusterWithdrawn {
                owner,
                operator_ids,
                value,
                cluster,
            } => Event::ClusterWithdrawn {
                owner,
                operator_ids,
                value,
                cluster: cluster.into(),
            },
            Self::ClusterBalanceUpdated {
                owner,
                operator_ids,
                effective_balance,
                cluster,
                ..
            } => Event::ClusterBalanceUpdated {
                owner,
                operator_ids,
                effective_balance,
                cluster: cluster.into(),
            },
            Self::ClusterMigratedToEth {
                owner,
                operator_ids,
                eth_deposited,
                ssv_refunded,
                effective_balance,
                cluster,
            } => Event::ClusterMigratedToEth {
                owner,
                operator_ids,
                eth_deposited,
                ssv_refunded,
                effective_balance,
                cluster: cluster.into(),
            },
            Self::FeeRecipientAddressUpdated { owner, recipient } => {
                Event::FeeRecipientAddressUpdated { owner, recipient }
            }
            Self::OperatorAdded {
                operator_id, fee, ..
            } => Event::OperatorAdded { operator_id, fee },
            Self::OperatorRemoved { operator_id } => Event::OperatorRemoved { operator_id },
            Self::OperatorFeeExecuted { operator_id, fee } => {
                Event::OperatorFeeExecuted { operator_id, fee }
            }
            Self::NetworkFeeUpdated { new_fee } => Event::NetworkFeeUpdated { new_fee },
            Self::NetworkFeeUpdatedSsv { new_fee } => Event::NetworkFeeUpdatedSsv { new_fee },
            Self::ValidatorExited { .. }
            | Self::OperatorFeeDeclared { .. }
            | Self::OperatorPrivacyStatusUpdated { .. }
            | Self::LiquidationThresholdPeriodUpdated { .. }
            | Self::LiquidationThresholdPeriodSsvUpdated { .. }
            | Self::MinimumLiquidationCollateralUpdated { .. }
            | Self::MinimumLiquidationCollateralSsvUpdated { .. }
            | Self::UpgradeBlock { .. } => return None,
        })
    }

    /// The owner a cluster event is about (topic 1 of every cluster event).
    pub fn owner(&self) -> Option<Address> {
        match self {
            Self::ValidatorAdded { owner, .. }
            | Self::ValidatorRemoved { owner, .. }
            | Self::ValidatorExited { owner, .. }
            | Self::ClusterLiquidated { owner, .. }
            | Self::ClusterReactivated { owner, .. }
            | Self::ClusterDeposited { owner, .. }
            | Self::ClusterWithdrawn { owner, .. }
            | Self::ClusterBalanceUpdated { owner, .. }
            | Self::ClusterMigratedToEth { owner, .. }
            | Self::FeeRecipientAddressUpdated { owner, .. } => Some(*owner),
            _ => None,
        }
    }
}
