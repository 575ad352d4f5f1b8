//! SSVNetwork logs into [`SsvLog`]s: one exhaustive `match` over the events of the published
//! v2.0.0 ABI (`abi/SSVNetwork.json`), so a regenerated ABI with a new or renamed event fails to
//! compile here until someone decides what it means.

use alloy::primitives::Address;
use alloy::rpc::types::Log;
use alloy::sol_types::SolEventInterface;
use stafi_contracts::ssv_network::SSVNetwork::SSVNetworkEvents as E;

use crate::error::SyncError;
use crate::event::{Position, SsvEvent, SsvLog};

/// What became of one log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// An event the indexer keeps.
    Kept(Box<SsvLog>),
    /// A known event the indexer has no use for (staking, ownership, DAO settings, …).
    Ignored,
    /// A log `eth_getLogs` marked `removed` (dropped by a reorg).
    Removed,
}

/// Decodes one log of the SSVNetwork contract at `network`. A log from another address, a log
/// without its position or block hash, a topic the ABI does not know or data that does not match
/// the event's types is an error naming the log.
pub fn decode_log(log: &Log, network: Address) -> Result<Decoded, SyncError> {
    if log.removed {
        return Ok(Decoded::Removed);
    }
    let (Some(block), Some(transaction_index), Some(log_index), Some(block_hash)) = (
        log.block_number,
        log.transaction_index,
        log.log_index,
        log.block_hash,
    ) else {
        return Err(SyncError::PendingLog {
            transaction_hash: log.transaction_hash,
        });
    };
    let position = Position {
        block,
        transaction_index,
        log_index,
    };
    if log.address() != network {
        return Err(SyncError::ForeignLog {
            position,
            address: log.address(),
            expected: network,
        });
    }
    let topics = log.topics();
    let Some(topic0) = topics.first().copied() else {
        return Err(SyncError::UnknownEvent {
            position,
            topic0: None,
        });
    };
    if !E::SELECTORS.contains(&topic0.0) {
        return Err(SyncError::UnknownEvent {
            position,
            topic0: Some(topic0),
        });
    }
    let decoded =
        E::decode_raw_log(topics, &log.data().data).map_err(|source| SyncError::Malformed {
            position,
            topic0,
            reason: source.to_string(),
        })?;
    Ok(match event(decoded) {
        Some(event) => Decoded::Kept(Box::new(SsvLog {
            position,
            block_hash,
            transaction_hash: log.transaction_hash.unwrap_or_default(),
            event,
        })),
        None => Decoded::Ignored,
    })
}

/// The generated event as the indexer keeps it; `None` for events it ignores. Every variant is
/// named: there is no catch-all.
#[allow(clippy::too_many_lines)]
fn event(e: E) -> Option<SsvEvent> {
    Some(match e {
        E::ValidatorAdded(e) => SsvEvent::ValidatorAdded {
            owner: e.owner,
            operator_ids: e.operatorIds,
            public_key: e.publicKey,
            cluster: e.cluster.into(),
        },
        E::ValidatorRemoved(e) => SsvEvent::ValidatorRemoved {
            owner: e.owner,
            operator_ids: e.operatorIds,
            public_key: e.publicKey,
            cluster: e.cluster.into(),
        },
        E::ValidatorExited(e) => SsvEvent::ValidatorExited {
            owner: e.owner,
            operator_ids: e.operatorIds,
            public_key: e.publicKey,
        },
        E::ClusterLiquidated(e) => SsvEvent::ClusterLiquidated {
            owner: e.owner,
            operator_ids: e.operatorIds,
            cluster: e.cluster.into(),
        },
        E::ClusterReactivated(e) => SsvEvent::ClusterReactivated {
            owner: e.owner,
            operator_ids: e.operatorIds,
            cluster: e.cluster.into(),
        },
        E::ClusterDeposited(e) => SsvEvent::ClusterDeposited {
            owner: e.owner,
            operator_ids: e.operatorIds,
            value: e.value,
            cluster: e.cluster.into(),
        },
        E::ClusterWithdrawn(e) => SsvEvent::ClusterWithdrawn {
            owner: e.owner,
            operator_ids: e.operatorIds,
            value: e.value,
            cluster: e.cluster.into(),
        },
        E::ClusterBalanceUpdated(e) => SsvEvent::ClusterBalanceUpdated {
            owner: e.owner,
            operator_ids: e.operatorIds,
            block_num: e.blockNum,
            effective_balance: e.effectiveBalance,
            cluster: e.cluster.into(),
        },
        E::ClusterMigratedToETH(e) => SsvEvent::ClusterMigratedToEth {
            owner: e.owner,
            operator_ids: e.operatorIds,
            eth_deposited: e.ethDeposited,
            ssv_refunded: e.ssvRefunded,
            effective_balance: e.effectiveBalance,
            cluster: e.cluster.into(),
        },
        E::FeeRecipientAddressUpdated(e) => SsvEvent::FeeRecipientAddressUpdated {
            owner: e.owner,
            recipient: e.recipientAddress,
        },
        E::OperatorAdded(e) => SsvEvent::OperatorAdded {
            operator_id: e.operatorId,
            owner: e.owner,
            public_key: e.publicKey,
            fee: e.fee,
        },
        E::OperatorRemoved(e) => SsvEvent::OperatorRemoved {
            operator_id: e.operatorId,
        },
        E::OperatorFeeDeclared(e) => SsvEvent::OperatorFeeDeclared {
            operator_id: e.operatorId,
            fee: e.fee,
        },
        E::OperatorFeeExecuted(e) => SsvEvent::OperatorFeeExecuted {
            operator_id: e.operatorId,
            fee: e.fee,
        },
        E::OperatorPrivacyStatusUpdated(e) => SsvEvent::OperatorPrivacyStatusUpdated {
            operator_ids: e.operatorIds,
            to_private: e.toPrivate,
        },
        E::NetworkFeeUpdated(e) => SsvEvent::NetworkFeeUpdated { new_fee: e.newFee },
        E::NetworkFeeUpdatedSSV(e) => SsvEvent::NetworkFeeUpdatedSsv { new_fee: e.newFee },
        E::LiquidationThresholdPeriodUpdated(e) => {
            SsvEvent::LiquidationThresholdPeriodUpdated { blocks: e.value }
        }
        E::LiquidationThresholdPeriodSSVUpdated(e) => {
            SsvEvent::LiquidationThresholdPeriodSsvUpdated { blocks: e.value }
        }
        E::MinimumLiquidationCollateralUpdated(e) => {
            SsvEvent::MinimumLiquidationCollateralUpdated { value: e.value }
        }
        E::MinimumLiquidationCollateralSSVUpdated(e) => {
            SsvEvent::MinimumLiquidationCollateralSsvUpdated { value: e.value }
        }
        E::SSVNetworkUpgradeBlock(e) => SsvEvent::UpgradeBlock {
            version: e.version,
            block_number: u64::try_from(e.blockNumber).unwrap_or(u64::MAX),
        },
        // Proxy administration, ownership, DAO settings the router reads through views,
        // whitelists (a private operator is rejected by simulation and by the SSV API's data),
        // earnings, and SSV staking: none moves a cluster's accounting.
        E::AdminChanged(_)
        | E::BeaconUpgraded(_)
        | E::Upgraded(_)
        | E::Initialized(_)
        | E::ModuleUpgraded(_)
        | E::OwnershipTransferStarted(_)
        | E::OwnershipTransferred(_)
        | E::CooldownDurationUpdated(_)
        | E::DeclareOperatorFeePeriodUpdated(_)
        | E::ExecuteOperatorFeePeriodUpdated(_)
        | E::OperatorFeeIncreaseLimitUpdated(_)
        | E::OperatorMaximumFeeUpdated(_)
        | E::MinimumOperatorEthFeeUpdated(_)
        | E::MinBlocksBetweenUpdatesUpdated(_)
        | E::QuorumUpdated(_)
        | E::OracleReplaced(_)
        | E::RootCommitted(_)
        | E::WeightedRootProposed(_)
        | E::OperatorFeeDeclarationCancelled(_)
        | E::OperatorMultipleWhitelistRemoved(_)
        | E::OperatorMultipleWhitelistUpdated(_)
        | E::OperatorWhitelistUpdated(_)
        | E::OperatorWhitelistingContractUpdated(_)
        | E::OperatorWithdrawn(_)
        | E::OperatorWithdrawnSSV(_)
        | E::NetworkEarningsWithdrawn(_)
        | E::ERC20Rescued(_)
        | E::FeesSynced(_)
        | E::RewardsClaimed(_)
        | E::RewardsSettled(_)
        | E::Staked(_)
        | E::UnstakeRequested(_)
        | E::UnstakedWithdrawn(_) => return None,
    })
}

/// Topic 0 of the cluster events, which carry the owner as topic 1.
pub fn cluster_event_topics() -> Vec<alloy::primitives::B256> {
    use alloy::sol_types::SolEvent;
    use stafi_contracts::ssv_network::SSVNetwork as N;
    vec![
        N::ValidatorAdded::SIGNATURE_HASH,
        N::ValidatorRemoved::SIGNATURE_HASH,
        N::ValidatorExited::SIGNATURE_HASH,
        N::ClusterLiquidated::SIGNATURE_HASH,
        N::ClusterReactivated::SIGNATURE_HASH,
        N::ClusterDeposited::SIGNATURE_HASH,
        N::ClusterWithdrawn::SIGNATURE_HASH,
        N::ClusterBalanceUpdated::SIGNATURE_HASH,
        N::ClusterMigratedToETH::SIGNATURE_HASH,
        N::FeeRecipientAddressUpdated::SIGNATURE_HASH,
    ]
}

/// Topic 0 of the protocol events every cluster's accounting depends on: operators, network fees,
/// liquidation parameters and the v2 activation block.
pub fn protocol_event_topics() -> Vec<alloy::primitives::B256> {
    use alloy::sol_types::SolEvent;
    use stafi_contracts::ssv_network::SSVNetwork as N;
    vec![
        N::OperatorAdded::SIGNATURE_HASH,
        N::OperatorRemoved::SIGNATURE_HASH,
        N::OperatorFeeDeclared::SIGNATURE_HASH,
        N::OperatorFeeExecuted::SIGNATURE_HASH,
        N::OperatorPrivacyStatusUpdated::SIGNATURE_HASH,
        N::NetworkFeeUpdated::SIGNATURE_HASH,
        N::NetworkFeeUpdatedSSV::SIGNATURE_HASH,
        N::LiquidationThresholdPeriodUpdated::SIGNATURE_HASH,
        N::LiquidationThresholdPeriodSSVUpdated::SIGNATURE_HASH,
        N::MinimumLiquidationCollateralUpdated::SIGNATURE_HASH,
        N::MinimumLiquidationCollateralSSVUpdated::SIGNATURE_HASH,
        N::SSVNetworkUpgradeBlock::SIGNATURE_HASH,
    ]
}
