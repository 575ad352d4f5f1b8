use alloy::primitives::{Address, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::sol_types::SolCall;

use crate::ContractsError;
use crate::bindings::Cluster;
use crate::bindings::ssv_network_views::SSVNetworkViews::getBalanceCall;
use crate::error::ClusterRef;

/// The first 32-byte word of a return value as a `uint256`.
///
/// SSVNetworkViews v2 declares `getBalance` with two return values, but the deployed code returns
/// one (ssv-contracts spec §8.6 D7), so callers decode only the first word.
pub fn first_word(call: &'static str, ret: &[u8]) -> Result<U256, ContractsError> {
    ret.get(..32)
        .map(U256::from_be_slice)
        .ok_or(ContractsError::ShortReturn {
            call,
            len: ret.len(),
        })
}

/// `SSVNetworkViews.getBalance` for an ETH cluster, decoding only the first returned word.
pub async fn cluster_balance<P: Provider>(
    provider: P,
    views: Address,
    owner: Address,
    operator_ids: &[u64],
    cluster: Cluster,
) -> Result<U256, ContractsError> {
    let data = getBalanceCall {
        clusterOwner: owner,
        operatorIds: operator_ids.to_vec(),
        cluster: cluster.into(),
    }
    .abi_encode();
    let tx = TransactionRequest::default().to(views).input(data.into());
    let ret = provider.call(tx).await.map_err(|e| {
        ContractsError::from_call(
            "getBalance",
            Some(ClusterRef {
                owner,
                operator_ids: operator_ids.to_vec(),
            }),
            alloy::contract::Error::TransportError(e),
        )
    })?;
    first_word("getBalance", &ret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_word_ignores_extra_words_and_rejects_short_data() {
        let mut ret = vec![0u8; 64];
        ret[31] = 7;
        ret[63] = 9;
        assert_eq!(first_word("getBalance", &ret).unwrap(), U256::from(7));
        assert!(matches!(
            first_word("getBalance", &ret[..31]),
            Err(ContractsError::ShortReturn { len: 31, .. })
        ));
    }
}
