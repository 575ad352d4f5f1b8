//! One validator onboarded on a local anvil devnet with the crates composed by hand (no daemon):
//! `keygen` deposit data → `StafiSuperNode.deposit` (1 ETH) → the oracles vote MATCH → `stake`
//! (31 ETH) → an `operator-selection` committee → `keyshare` keyshares for the owner's nonce →
//! the ETH `registerValidator` carries for 30 days of runway (`ssv-sync` index, `cluster-accounting`
//! plan) → the registration and the SSV fee recipient. Checks each state it reaches.
//!
//! Run: `cargo run -p stafi-router-examples --example onchain_onboard` (needs anvil from
//! `scripts/install-tools.sh`).

use alloy::primitives::{B256, Bytes, U256};
use alloy::providers::Provider;
use cluster_accounting::{Action, ClusterState, ClusterVersion, Horizon, LiquidationParams};
use devnet::{Devnet, new_cluster, send};
use keygen::wire::NetworkConfig;
use keygen::{DepositPlan, Mnemonic, Network, WithdrawalTarget};
use keyshare::{KeysharesBuilder, Operator, ValidatorSecret};
use operator_selection::{Candidate, DiversityCaps, Policy, SelectionInput, select};
use ssv_sync::{Index, IndexConfig, RpcSource, SyncConfig, Syncer};
use stafi_contracts::StafiAddresses;

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let devnet = Devnet::builder().spawn().await?; // StaFi's pool holds 320 ETH
    let stafi = StafiAddresses::resolve(devnet.provider(), devnet.addresses.stafi_storage).await?;
    let (me, owner) = (devnet.accounts.super_node, devnet.accounts.ssv_owner);
    let sn = devnet.super_node();

    // Validator 0's deposit data to 0x01 ‖ StafiWithdraw. The deposit contract double checks only
    // deposit_data_root, so a custom network with the devnet's chain id serves for signing.
    let network = Network::custom(&NetworkConfig {
        name: "devnet".into(),
        chain_id: devnet.provider().get_chain_id().await?,
        genesis_fork_version: "0x10000000".into(),
        capella_fork_version: "0x40000000".into(),
        genesis_validators_root: format!("{:#x}", B256::ZERO),
    })?;
    let seed = Mnemonic::generate()?.to_seed("");
    let plan = DepositPlan::new(network, WithdrawalTarget::Execution(stafi.withdraw)).count(1);
    let pre = plan
        .clone()
        .amount_gwei(1_000_000_000)
        .run(&seed)?
        .remove(0);
    let stake = plan.amount_gwei(31_000_000_000).run(&seed)?.remove(0);
    let pubkey = Bytes::copy_from_slice(pre.pubkey.as_bytes());
    let data = |d: &keygen::DepositDatum| {
        (
            vec![pubkey.clone()],
            vec![Bytes::copy_from_slice(d.signature.as_bytes())],
            vec![B256::from(d.deposit_data_root)],
        )
    };

    // StaFi: 1 ETH from the pool, the oracles' MATCH vote, then the 31 ETH stake.
    let (p, s, r) = data(&pre);
    send(sn.deposit(p, s, r).from(me), "StafiSuperNode.deposit", None).await?;
    devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pubkey), true)
        .await?;
    let (p, s, r) = data(&stake);
    send(sn.stake(p, s, r).from(me), "StafiSuperNode.stake", None).await?;
    let status = sn.getSuperNodePubkeyStatus(pubkey.clone()).call().await?;
    assert_eq!(status, U256::from(3), "StafiSuperNode: STAKING");
    println!("validator {} deposited, voted MATCH and staked", pre.pubkey);

    // A committee of 4 among the devnet's operators (seeded without metadata: no diversity caps).
    let candidates: Vec<Candidate> = devnet
        .operators
        .iter()
        .map(|o| Candidate {
            owner_address: o.owner,
            is_private: o.private,
            removed: o.removed,
            ..Candidate::new(o.id, o.public_key_base64.clone(), o.fee.to())
        })
        .collect();
    let policy = Policy {
        diversity: DiversityCaps::NONE,
        ..Policy::default()
    };
    let ids = select(&SelectionInput::new(candidates.clone(), owner), &policy)?.committee;

    // Keyshares for that committee, signed for the owner's next nonce on SSVNetwork.
    let nonce = devnet.owner_nonce(owner).await?;
    let operators: Vec<Operator> = candidates
        .iter()
        .filter(|c| ids.contains(&c.id))
        .map(|c| Operator::from_base64(c.id, &c.public_key))
        .collect::<Result<_, _>>()?;
    let secret = ValidatorSecret::from_bytes(&seed.signing_key(0).to_bytes())?;
    let file = KeysharesBuilder::new(operators, owner)?
        .nonce(nonce)
        .build(&[secret])?;

    // The ETH to send: the network and operator fees from SSVNetwork's logs, 30 days of runway.
    let views = devnet.ssv_views();
    let params = LiquidationParams {
        threshold_period: views.getLiquidationThresholdPeriod().call().await?,
        minimum_collateral: views.getMinimumLiquidationCollateral().call().await?,
    };
    let mut index = Index::new(IndexConfig::new(owner))?;
    let sync = SyncConfig {
        confirmations: 0,
        ..SyncConfig::new(devnet.addresses.ssv_network, 0)
    };
    let report = Syncer::new(sync)
        .sync(
            &RpcSource::new(devnet.provider().clone()),
            &mut index,
            |_| {},
        )
        .await?;
    let at = index
        .ledger()
        .indices(ClusterVersion::Eth, &ids, report.head)?;
    let new = ClusterState::new_cluster(ClusterVersion::Eth);
    let horizon = Horizon {
        inclusion_blocks: 20,
        runway_blocks: 30 * cluster_accounting::BLOCKS_PER_DAY,
    };
    let amount = cluster_accounting::plan(
        &new,
        &at,
        &params,
        &Action::AddValidators { count: 1 },
        horizon,
    )?
    .amount;

    // SSV: the registration, then the fee recipient (StaFi's super-node fee pool).
    let shares = Bytes::copy_from_slice(&file.items[0].shares_data);
    let (cluster, _) = devnet
        .register_validator(owner, &ids, pubkey, shares, new_cluster(), amount)
        .await?;
    let ssv = devnet.ssv_network();
    send(
        ssv.setFeeRecipientAddress(stafi.super_node_fee_pool)
            .from(owner),
        "setFeeRecipientAddress",
        None,
    )
    .await?;
    assert_eq!(cluster.validatorCount, 1);
    println!(
        "registered on committee {ids:?} with {} (owner nonce {nonce}); fee recipient {}",
        cluster_accounting::format_amount(amount, ClusterVersion::Eth)?,
        stafi.super_node_fee_pool
    );
    Ok(())
}
