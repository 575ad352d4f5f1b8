use alloy::primitives::{Address, U256};
use alloy::providers::Provider;

use crate::ContractsError;
use crate::bindings::Cluster;
use crate::bindings::ssv_network_views::SSVNetworkViews;
use crate::error::ClusterRef;

/// `SSVNetworkViews.getBalance` of an ETH cluster: its balance in wei after the fees owed up to
/// the current block. Reverts (a liquidated cluster, a stale snapshot, a legacy cluster) come back
/// as [`ContractsError::Reverted`] naming the cluster.
pub async fn cluster_balance<P: Provider>(
    provider: P,
    views: Address,
    owner: Address,
    operator_ids: &[u64],
    cluster: Cluster,
) -> Result<U256, ContractsError> {
    SSVNetworkViews::new(views, provider)
        .getBalance(owner, operator_ids.to_vec(), cluster.into())
        .call()
        .await
        .map_err(|e| {
            ContractsError::from_call(
                "getBalance",
                Some(ClusterRef {
                    owner,
                    operator_ids: operator_ids.to_vec(),
                }),
                e,
            )
        })
}
