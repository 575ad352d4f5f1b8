//! Bindings (with deploy code) of the Solidity test doubles, from the committed artifacts in
//! `contracts/out/` (built by `scripts/build-contracts.sh`).

// The `sol!` items mirror the doubles' ABIs: generated code has no docs and long argument lists.
#![allow(clippy::too_many_arguments, missing_docs)]

pub mod deposit_contract {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        DepositContract,
        "../../contracts/out/DepositContract.json"
    );
}

pub mod stafi_storage {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiStorage,
        "../../contracts/out/StafiStorage.json"
    );
}

pub mod stafi_upgrade {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiUpgrade,
        "../../contracts/out/StafiUpgrade.json"
    );
}

pub mod stafi_ether {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiEther,
        "../../contracts/out/StafiEther.json"
    );
}

pub mod reth_token {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        RETHToken,
        "../../contracts/out/RETHToken.json"
    );
}

pub mod stafi_node_manager {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiNodeManager,
        "../../contracts/out/StafiNodeManager.json"
    );
}

pub mod stafi_super_node_fee_pool {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiSuperNodeFeePool,
        "../../contracts/out/StafiSuperNodeFeePool.json"
    );
}

pub mod stafi_withdraw_proxy {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiWithdrawProxy,
        "../../contracts/out/StafiWithdrawProxy.json"
    );
}

pub mod stafi_user_deposit {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiUserDeposit,
        "../../contracts/out/StafiUserDeposit.json"
    );
}

pub mod stafi_network_settings {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiNetworkSettings,
        "../../contracts/out/StafiNetworkSettings.json"
    );
}

pub mod stafi_super_node {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiSuperNode,
        "../../contracts/out/StafiSuperNode.json"
    );
}

pub mod stafi_withdraw {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        StafiWithdraw,
        "../../contracts/out/StafiWithdraw.json"
    );
}

pub mod ssv_token {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        SSVToken,
        "../../contracts/out/SSVToken.json"
    );
}

pub mod ssv_network {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        SSVNetwork,
        "../../contracts/out/SSVNetwork.json"
    );
}

pub mod ssv_network_views {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug)]
        SSVNetworkViews,
        "../../contracts/out/SSVNetworkViews.json"
    );
}

/// The double's copy of the cluster tuple, from the published one.
pub(crate) fn double_cluster(
    c: &stafi_contracts::Cluster,
) -> ssv_network::ISSVNetworkCore::Cluster {
    ssv_network::ISSVNetworkCore::Cluster {
        validatorCount: c.validatorCount,
        networkFeeIndex: c.networkFeeIndex,
        index: c.index,
        active: c.active,
        balance: c.balance,
    }
}
