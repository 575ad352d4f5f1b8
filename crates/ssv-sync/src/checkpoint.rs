//! Reading a [`Checkpoint`] from SSVNetworkViews at a block: every operator's ETH and SSV fee and
//! the network fees. Indexing can then start at the next block instead of SSV's genesis — for an
//! owner whose clusters all start after the checkpoint (a new deployment).

use alloy::eips::BlockId;
use alloy::primitives::Address;
use alloy::providers::Provider;
use stafi_contracts::ContractsError;
use stafi_contracts::ssv_network_views::SSVNetworkViews;

use crate::error::SyncError;
use crate::index::{Checkpoint, CheckpointOperator};

fn view(call: &'static str) -> impl FnOnce(alloy::contract::Error) -> SyncError {
    move |e| SyncError::Rpc {
        method: call,
        message: ContractsError::from_call(call, None, e).to_string(),
    }
}

/// Reads the [`Checkpoint`] at `block` from the SSVNetworkViews contract at `views`.
///
/// Operator ids are assigned 1, 2, 3, …: the first id `getOperatorById` does not know ends them.
/// Reads go out 32 at a time.
pub async fn read_checkpoint<P>(
    provider: P,
    views: Address,
    block: u64,
) -> Result<Checkpoint, SyncError>
where
    P: Provider + Clone + 'static,
{
    let v = SSVNetworkViews::new(views, provider);
    let at = BlockId::number(block);
    let network_fee = v
        .getNetworkFee()
        .block(at)
        .call()
        .await
        .map_err(view("getNetworkFee"))?;
    let network_fee_ssv = v
        .getNetworkFeeSSV()
        .block(at)
        .call()
        .await
        .map_err(view("getNetworkFeeSSV"))?;
    let mut operators = Vec::new();
    let mut next = 1u64;
    'ids: loop {
        let mut set = tokio::task::JoinSet::new();
        for id in next..next + 32 {
            let v = v.clone();
            set.spawn(async move {
                let eth = v.getOperatorById(id).block(at).call().await;
                let ssv = v.getOperatorByIdSSV(id).block(at).call().await;
                (id, eth, ssv)
            });
        }
        let mut batch = Vec::new();
        while let Some(joined) = set.join_next().await {
            batch.push(joined.map_err(|e| SyncError::Rpc {
                method: "getOperatorById",
                message: e.to_string(),
            })?);
        }
        batch.sort_by_key(|(id, ..)| *id);
        for (id, eth, ssv) in batch {
            match (eth, ssv) {
                (Ok(eth), Ok(ssv)) => operators.push(CheckpointOperator {
                    id,
                    owner: eth.owner,
                    fee: eth.fee,
                    fee_ssv: ssv.fee,
                    removed: !eth.isActive,
                }),
                (Err(e), _) | (_, Err(e)) => {
                    let unknown = e
                        .as_revert_data()
                        .is_some_and(|d| d.starts_with(&alloy::hex!("961e3e8c")));
                    if unknown {
                        break 'ids;
                    }
                    return Err(view("getOperatorById")(e));
                }
            }
        }
        next += 32;
    }
    Ok(Checkpoint {
        block,
        operators,
        network_fee,
        network_fee_ssv,
    })
}
