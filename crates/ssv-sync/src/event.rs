//! The SSVNetwork events an indexer keeps, as plain serialisable data: what `cluster-accounting`
//! needs plus what a router needs beyond it (validator public keys, exits, operator public keys,
//! liquidation parameters, the v2 activation block). Share bytes are dropped; nothing reads them.

use alloy::primitives::{Address, B256, Bytes, U256};
use cluster_accounting::{Event, LogPosition};
use serde::{Deserialize, Serialize};

/// Where a log sits: logs are ordered by (block, transaction index, log index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    pub block: u64,
    pub transaction_index: u64,
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
    pub validator_count: u32,
    pub network_fee_index: u64,
    pub index: u64,
    pub active: bool,
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
    pub position: Position,
    pub block_hash: B256,
    pub transaction_hash: B256,
    pub event: SsvEvent,
}

/// The SSVNetwork events an indexer keeps (signatures as in SSV Network v2.0.0's ABI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SsvEvent {
    ValidatorAdded {
        owner: Address,
        operator_ids: Vec<u64>,
        public_key: Bytes,
        cluster: ClusterTuple,
    },
    ValidatorRemoved {
        owner: Address,
        operator_ids: Vec<u64>,
        public_key: Bytes,
        cluster: ClusterTuple,
    },
    /// `exitValidator`: tells the operators to exit; changes no accounting.
    ValidatorExited {
        owner: Address,
        operator_ids: Vec<u64>,
        public_key: Bytes,
    },
    ClusterLiquidated {
        owner: Address,
        operator_ids: Vec<u64>,
        cluster: ClusterTuple,
    },
    ClusterReactivated {
        owner: Address,
        operator_ids: Vec<u64>,
        cluster: ClusterTuple,
    },
    ClusterDeposited {
        owner: Address,
        operator_ids: Vec<u64>,
        value: U256,
        cluster: ClusterTuple,
    },
    ClusterWithdrawn {
        owner: Address,
        operator_ids: Vec<u64>,
        value: U256,
        cluster: ClusterTuple,
    },
    /// An effective balance proven against the oracles' root of `block_num`.
    ClusterBalanceUpdated {
        owner: Address,
        operator_ids: Vec<u64>,
        block_num: u64,
        effective_balance: u32,
        cluster: ClusterTuple,
    },
    ClusterMigratedToEth {
        owner: Address,
        operator_ids: Vec<u64>,
        eth_deposited: U256,
        ssv_refunded: U256,
        effective_balance: u32,
        cluster: ClusterTuple,
    },
    FeeRecipientAddressUpdated {
        owner: Address,
        recipient: Address,
    },
    /// A new operator: its RSA public key (as registered, base64 of the PEM) and fee.
    OperatorAdded {
        operator_id: u64,
        owner: Address,
        public_key: Bytes,
        fee: U256,
    },
    OperatorRemoved {
        operator_id: u64,
    },
    OperatorFeeDeclared {
        operator_id: u64,
        fee: U256,
    },
    OperatorFeeExecuted {
        operator_id: u64,
        fee: U256,
    },
    OperatorPrivacyStatusUpdated {
        operator_ids: Vec<u64>,
        to_private: bool,
    },
    NetworkFeeUpdated {
        new_fee: U256,
    },
    NetworkFeeUpdatedSsv {
        new_fee: U256,
    },
    LiquidationThresholdPeriodUpdated {
        blocks: u64,
    },
    LiquidationThresholdPeriodSsvUpdated {
        blocks: u64,
    },
    MinimumLiquidationCollateralUpdated {
        value: U256,
    },
    MinimumLiquidationCollateralSsvUpdated {
        value: U256,
    },
    /// `SSVNetworkUpgradeBlock(version, blockNumber)`: the block v2.0.0 took effect.
    UpgradeBlock {
        version: String,
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
