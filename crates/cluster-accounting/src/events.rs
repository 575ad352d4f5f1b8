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
    OperatorAdded { operator_id: u64, fee: U256 },
    /// `OperatorFeeExecuted(address indexed owner, uint64 indexed operatorId, uint256 blockNumber,
    /// uint256 fee)`, also emitted by `reduceOperatorFee`. The new fee applies from the next block.
    OperatorFeeExecuted { operator_id: u64, fee: U256 },
    /// `OperatorRemoved(uint64 indexed operatorId)`.
    OperatorRemoved { operator_id: u64 },
    /// `NetworkFeeUpdated(uint256 oldFee, uint256 newFee)`: the SSV fee before the v2 upgrade,
    /// the ETH fee from the upgrade on.
    NetworkFeeUpdated { new_fee: U256 },
    /// `NetworkFeeUpdatedSSV(uint256 oldFee, uint256 newFee)` (v2): the legacy SSV fee.
    NetworkFeeUpdatedSsv { new_fee: U256 },
    /// `ValidatorAdded(address indexed owner, uint64[] operatorIds, bytes publicKey, bytes shares,
    /// Cluster cluster)`; one per key in a bulk registration.
    ValidatorAdded {
        owner: Address,
        operator_ids: Vec<u64>,
        cluster: Cluster,
    },
    /// `ValidatorRemoved(address indexed owner, uint64[] operatorIds, bytes publicKey, Cluster cluster)`.
    ValidatorRemoved {
        owner: Address,
        operator_ids: Vec<u64>,
        cluster: Cluster,
    },
    /// `ClusterDeposited(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster)`.
    ClusterDeposited {
        owner: Address,
        operator_ids: Vec<u64>,
        value: U256,
        cluster: Cluster,
    },
    /// `ClusterWithdrawn(address indexed owner, uint64[] operatorIds, uint256 value, Cluster cluster)`.
    ClusterWithdrawn {
        owner: Address,
        operator_ids: Vec<u64>,
        value: U256,
        cluster: Cluster,
    },
    /// `ClusterLiquidated(address indexed owner, uint64[] operatorIds, Cluster cluster)`.
    ClusterLiquidated {
        owner: Address,
        operator_ids: Vec<u64>,
        cluster: Cluster,
    },
    /// `ClusterReactivated(address indexed owner, uint64[] operatorIds, Cluster cluster)`.
    ClusterReactivated {
        owner: Address,
        operator_ids: Vec<u64>,
        cluster: Cluster,
    },
    /// `ClusterBalanceUpdated(address indexed owner, uint64[] operatorIds, uint64 indexed blockNum,
    /// uint32 effectiveBalance, Cluster cluster)` (v2).
    ClusterBalanceUpdated {
        owner: Address,
        operator_ids: Vec<u64>,
        effective_balance: u32,
        cluster: Cluster,
    },
    /// `ClusterMigratedToETH(address indexed owner, uint64[] operatorIds, uint256 ethDeposited,
    /// uint256 ssvRefunded, uint32 effectiveBalance, Cluster cluster)` (v2).
    ClusterMigratedToEth {
        owner: Address,
        operator_ids: Vec<u64>,
        eth_deposited: U256,
        ssv_refunded: U256,
        effective_balance: u32,
        cluster: Cluster,
    },
    /// `FeeRecipientAddressUpdated(address indexed owner, address recipientAddress)`.
    FeeRecipientAddressUpdated { owner: Address, recipient: Address },
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
