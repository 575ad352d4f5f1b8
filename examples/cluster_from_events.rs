//! A cluster's state rebuilt from SSVNetwork's events, with `ssv-sync` and `cluster-accounting`:
//! on a local devnet (anvil with the project's contract doubles), the SSV owner registers two
//! validators; an index synced from the chain's logs then gives the cluster's balance, runway
//! and liquidation block at the head, and the balance is checked against the contract's own
//! `getBalance` view, to the wei.
//!
//! Needs anvil (`scripts/install-tools.sh`; `source <(scripts/tool-env.sh)`).
//! Run: `cargo run -p stafi-router-examples --example cluster_from_events`

use alloy::primitives::{Bytes, U256};
use cluster_accounting::{LiquidationParams, format_amount, runway};
use devnet::Devnet;
use devnet::testing::{bytes, pubkey};
use ssv_sync::{Index, IndexConfig, RpcSource, SyncConfig, Syncer};

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let devnet = Devnet::spawn().await?;
    let owner = devnet.accounts.ssv_owner;
    let ids = devnet.public_operator_ids()[..4].to_vec();
    let source = RpcSource::new(devnet.provider().clone());
    let mut index = Index::new(IndexConfig::new(owner))?;
    let mut syncer = Syncer::new(SyncConfig {
        confirmations: 0,
        ..SyncConfig::new(devnet.addresses.ssv_network, 0)
    });

    // Two registrations, each with 0.01 ETH; the index gives the cluster tuple the next needs.
    for n in 1..=2 {
        syncer.sync(&source, &mut index, |_| {}).await?;
        let tuple = index.cluster_tuple(owner, &ids);
        devnet
            .register_validator(
                owner,
                &ids,
                bytes(&pubkey(n)),
                Bytes::from(vec![0u8; 64]),
                tuple.into(),
                U256::from(10u64.pow(16)),
            )
            .await?;
    }
    devnet.mine(100).await?;

    // Everything from the logs: sync to the head, then ask the ledger.
    let report = syncer
        .sync(&source, &mut index, |p| {
            eprintln!("synced {}/{}", p.at, p.target);
        })
        .await?;
    let head = report.head;
    let (state, at) = index.ledger().view(owner, &ids, head)?;
    let balance = state.balance(&at)?;
    let views = devnet.ssv_views();
    let params = LiquidationParams {
        threshold_period: views.getLiquidationThresholdPeriod().call().await?,
        minimum_collateral: views.getMinimumLiquidationCollateral().call().await?,
    };
    let runway = runway(&state, &at, &params)?;
    println!(
        "cluster {ids:?} of {owner}: {} validators, balance {} at block {head}",
        state.cluster.validator_count,
        format_amount(balance, state.version)?
    );
    println!(
        "runway {:?} days, liquidatable from block {:?} at constant fees",
        runway.days(),
        runway.liquidation_block
    );

    // The contract agrees, to the wei.
    let tuple: stafi_contracts::Cluster = index.cluster_tuple(owner, &ids).into();
    let on_chain = views
        .getBalance(owner, ids.clone(), tuple.into())
        .call()
        .await?;
    assert_eq!(balance, on_chain, "index and getBalance disagree");
    println!("getBalance agrees: {on_chain} wei");
    Ok(())
}
