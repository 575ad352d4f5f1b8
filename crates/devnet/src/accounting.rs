//! SSVNetwork logs as `cluster-accounting` events: what the differential test and the examples
//! replay into a `cluster_accounting::Ledger`.

use alloy::rpc::types::Log as RpcLog;
use alloy::sol_types::SolEvent;
use cluster_accounting::Event;
use stafi_contracts::Cluster;
use stafi_contracts::ssv_network::SSVNetwork as N;

/// The contract's `Cluster` tuple as the accounting crate models it.
pub fn accounting_cluster(c: &Cluster) -> cluster_accounting::Cluster {
    cluster_accounting::Cluster {
        validator_count: c.validatorCount,
        network_fee_index: c.networkFeeIndex,
        index: c.index,
        active: c.active,
        balance: c.balance,
    }
}

/// The SSVNetwork log as a `cluster-accounting` event, or `None` for events the ledger does not
/// need (or logs of other contracts).
pub fn accounting_event(log: &RpcLog) -> Option<Event> {
    let l = &log.inner;
    if let Ok(e) = N::OperatorAdded::decode_log(l) {
        return Some(Event::OperatorAdded {
            operator_id: e.data.operatorId,
            fee: e.data.fee,
        });
    }
    if let Ok(e) = N::OperatorFeeExecuted::decode_log(l) {
        return Some(Event::OperatorFeeExecuted {
            operator_id: e.data.operatorId,
            fee: e.data.fee,
        });
    }
    if let Ok(e) = N::OperatorRemoved::decode_log(l) {
        return Some(Event::OperatorRemoved {
            operator_id: e.data.operatorId,
        });
    }
    if let Ok(e) = N::NetworkFeeUpdated::decode_log(l) {
        return Some(Event::NetworkFeeUpdated {
            new_fee: e.data.newFee,
        });
    }
    if let Ok(e) = N::NetworkFeeUpdatedSSV::decode_log(l) {
        return Some(Event::NetworkFeeUpdatedSsv {
            new_fee: e.data.newFee,
        });
    }
    if let Ok(e) = N::ValidatorAdded::decode_log(l) {
        let d = e.data;
        return Some(Event::ValidatorAdded {
            owner: d.owner,
            operator_ids: d.operatorIds,
            cluster: accounting_cluster(&d.cluster),
        });
    }
    if let Ok(e) = N::ValidatorRemoved::decode_log(l) {
        let d = e.data;
        return Some(Event::ValidatorRemoved {
            owner: d.owner,
            operator_ids: d.operatorIds,
            cluster: accounting_cluster(&d.cluster),
        });
    }
    if let Ok(e) = N::ClusterDeposited::decode_log(l) {
        let d = e.data;
        return Some(Event::ClusterDeposited {
            owner: d.owner,
            operator_ids: d.operatorIds,
            value: d.value,
            cluster: accounting_cluster(&d.cluster),
        });
    }
    if let Ok(e) = N::ClusterWithdrawn::decode_log(l) {
        let d = e.data;
        return Some(Event::ClusterWithdrawn {
            owner: d.owner,
            operator_ids: d.operatorIds,
            value: d.value,
            cluster: accounting_cluster(&d.cluster),
        });
    }
    if let Ok(e) = N::ClusterLiquidated::decode_log(l) {
        let d = e.data;
        return Some(Event::ClusterLiquidated {
            owner: d.owner,
            operator_ids: d.operatorIds,
            cluster: accounting_cluster(&d.cluster),
        });
    }
    if let Ok(e) = N::ClusterBalanceUpdated::decode_log(l) {
        let d = e.data;
        return Some(Event::ClusterBalanceUpdated {
            owner: d.owner,
            operator_ids: d.operatorIds,
            effective_balance: d.effectiveBalance,
            cluster: accounting_cluster(&d.cluster),
        });
    }
    if let Ok(e) = N::ClusterMigratedToETH::decode_log(l) {
        let d = e.data;
        return Some(Event::ClusterMigratedToEth {
            owner: d.owner,
            operator_ids: d.operatorIds,
            eth_deposited: d.ethDeposited,
            ssv_refunded: d.ssvRefunded,
            effective_balance: d.effectiveBalance,
            cluster: accounting_cluster(&d.cluster),
        });
    }
    if let Ok(e) = N::ClusterReactivated::decode_log(l) {
        let d = e.data;
        return Some(Event::ClusterReactivated {
            owner: d.owner,
            operator_ids: d.operatorIds,
            cluster: accounting_cluster(&d.cluster),
        });
    }
    if let Ok(e) = N::FeeRecipientAddressUpdated::decode_log(l) {
        return Some(Event::FeeRecipientAddressUpdated {
            owner: e.data.owner,
            recipient: e.data.recipientAddress,
        });
    }
    None
}
