//! Decoded SSVNetwork events, as the ledger consumes them. ABI decoding happens elsewhere; these
//! are the fields the accounting needs, in plain types.

use std::fmt;

use alloy_primitives::{Address, U256};

use crate::types::Cluster;

/// Where a log sits in the chain. Logs are ordered by (block, transaction index, log index),
/// never by block alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct LogPosition {
    /// Block number.
    pub block: u64,
    /// Transaction index in the block.
    pub transaction_index: u64,
    /// Log index in the block.
    pub log_index: u64,
}

impl LogPosition {
    /// A position from its three coordinates.
    pub const fn new(block: u64, transaction_index: u64, log_index: u64) -> Self {
        Self {
            block,
            transaction_index,
            log_index,
        }
    }
}

impl fmt::Display for LogPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "block {} tx {} log {}",
            self.block, self.transaction_index, self.log_index
        )
    }
}

/// One decoded log with its position.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Log {
    /// Position in the chain.
    pub position: LogPosition,
    /// The decoded event.
    pub event: Event,
}

/// The SSVNetwork events that move accounting state. Fees are in wei as emitted; cluster events
/// carry the cluster tuple *after* the operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Event {
    /// `OperatorAdded(uint64 indexed operatorId, address indexed owner, bytes publicKey, uint256 fee)`.
    OperatorAdded {
        /// The new operator's id (`operatorId`).
        operator_id: u64,
        /// Its fee per block and validator, in wei (`fee`): SSV-token wei before the v2
        /// upgrade, ETH wei from it on.
        fee: U256,
    },
    /// `OperatorFeeExecuted(address indexed owner, uint64 indexed operatorId, uint256 blockNumber,
    /// uint256 fee)`, also emitted by `reduceOperatorFee`. The new fee applies from the next block.
    OperatorFeeExecuted {
        /// The operator whose fee changes (`operatorId`).
        operator_id: u64,
        /// The new fee per block and validator, in wei (`fee`): SSV-token wei before the v2
        /// upgrade, ETH wei from it on.
        fee: U256,
    },
    /// `OperatorRemoved(uint64 indexed operatorId)`.
    OperatorRemoved {
        /// The removed operator's id (`operatorId`).
        operator_id: u64,
    },
    /// `NetworkFeeUpdated(uint256 oldFee, uint256 newFee)`: the SSV fee before the v2 upgrade,
    /// the ETH fee from the upgrade on.
    NetworkFeeUpdated {
        /// The new network fee per block and validator, in wei (`newFee`): SSV-token wei
        /// before the v2 upgrade, ETH wei from it on.
        new_fee: U256,
    },
    /// `NetworkFeeUpdatedSSV(uint256 oldFee, uint256 newFee)` (v2): the legacy SSV fee.
    NetworkFeeUpdatedSsv {
        /// The new legacy network fee per block and validator, in SSV-token wei (`newFee`).
        new_fee: U256,
    },
    /// `ValidatorAdded(address indexed owner, uint64[] operatorIds, bytes publicKey, bytes shares,
    /// Cluster cluster)`; one per key in a bulk registration.
    ValidatorAdded {
        /// The cluster owner (`owner`).
        owner: Address,
        /// The cluster's operator ids, ascending (`operatorIds`).
        operator_ids: Vec<u64>,
        /// The cluster tuple after the operation (`cluster`).
        cluster: Cluster,
    },
    /// `ValidatorRemoved(address indexed owner, uint64[] operatorIds, bytes publicKey, Cluster cluster)`.
    ValidatorRemoved {
        /// The cluster owner (`owner`).
        owner: Address,
        /// The cluster's operator ids, ascending (`operatorIds`).
        operator_ids: Vec<u64>,
        /// The cluster tuple after the operation (`cluster`).
        cluster: Cluster,
    },
    /// `ClusterDeposited(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster)`.
    ClusterDeposited {
        /// The cluster owner (`owner`).
        owner: Address,
        /// The cluster's operator ids, ascending (`operatorIds`).
        operator_ids: Vec<u64>,
        /// The amount deposited, in wei of the cluster's fee token (`value`).
        value: U256,
        /// The cluster tuple after the operation (`cluster`).
        cluster: Cluster,
    },
    /// `ClusterWithdrawn(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster)`.
    ClusterWithdrawn {
        /// The cluster owner (`owner`).
        owner: Address,
        /// The cluster's operator ids, ascending (`operatorIds`).
        operator_ids: Vec<u64>,
        /// The amount withdrawn, in wei of the cluster's fee token (`value`).
        value: U256,
        /// The cluster tuple after the operation (`cluster`).
        cluster: Cluster,
    },
    /// `ClusterLiquidated(address indexed owner, uint64[] operatorIds, Cluster cluster)`.
    ClusterLiquidated {
        /// The cluster owner (`owner`).
        owner: Address,
        /// The cluster's operator ids, ascending (`operatorIds`).
        operator_ids: Vec<u64>,
        /// The cluster tuple after the operation (`cluster`).
        cluster: Cluster,
    },
    /// `ClusterReactivated(address indexed owner, uint64[] operatorIds, Cluster cluster)`.
    ClusterReactivated {
        /// The cluster owner (`owner`).
        owner: Address,
        /// The cluster's operator ids, ascending (`operatorIds`).
        operator_ids: Vec<u64>,
        /// The cluster tuple after the operation (`cluster`).
        cluster: Cluster,
    },
    /// `ClusterBalanceUpdated(address indexed owner, uint64[] operatorIds, uint64 indexed blockNum,
    /// uint32 effectiveBalance, Cluster cluster)` (v2).
    ClusterBalanceUpdated {
        /// The cluster owner (`owner`).
        owner: Address,
        /// The cluster's operator ids, ascending (`operatorIds`).
        operator_ids: Vec<u64>,
        /// Total effective balance of the cluster's validators, in whole ETH
        /// (`effectiveBalance`).
        effective_balance: u32,
        /// The cluster tuple after the operation (`cluster`).
        cluster: Cluster,
    },
    /// `ClusterMigratedToETH(address indexed owner, uint64[] operatorIds, uint256 ethDeposited,
    /// uint256 ssvRefunded, uint32 effectiveBalance, Cluster cluster)` (v2).
    ClusterMigratedToEth {
        /// The cluster owner (`owner`).
        owner: Address,
        /// The cluster's operator ids, ascending (`operatorIds`).
        operator_ids: Vec<u64>,
        /// The ETH deposited with the migration, in wei (`ethDeposited`).
        eth_deposited: U256,
        /// The SSV balance refunded to the owner, in SSV-token wei (`ssvRefunded`).
        ssv_refunded: U256,
        /// Total effective balance of the cluster's validators, in whole ETH
        /// (`effectiveBalance`).
        effective_balance: u32,
        /// The cluster tuple after the operation (`cluster`).
        cluster: Cluster,
    },
    /// `FeeRecipientAddressUpdated(address indexed owner, address recipientAddress)`.
    FeeRecipientAddressUpdated {
        /// The validator owner (`owner`).
        owner: Address,
        /// The owner's new fee recipient (`recipientAddress`).
        recipient: Address,
    },
}

impl Event {
    /// The cluster this event is about, as (owner, operator ids, tuple after the event).
    pub fn cluster_ref(&self) -> Option<(Address, &[u64], &Cluster)> {
        match self {
            Self::ValidatorAdded {
                owner,
                operator_ids,
                cluster,
            }
            | Self::ValidatorRemoved {
                owner,
                operator_ids,
                cluster,
            }
            | Self::ClusterDeposited {
                owner,
                operator_ids,
                cluster,
                ..
            }
            | Self::ClusterWithdrawn {
                owner,
                operator_ids,
                cluster,
                ..
            }
            | Self::ClusterLiquidated {
                owner,
                operator_ids,
                cluster,
            }
            | Self::ClusterReactivated {
                owner,
                operator_ids,
                cluster,
            }
            | Self::ClusterBalanceUpdated {
                owner,
                operator_ids,
                cluster,
                ..
            }
            | Self::ClusterMigratedToEth {
                owner,
                operator_ids,
                cluster,
                ..
            } => Some((*owner, operator_ids, cluster)),
            _ => None,
        }
    }
}
