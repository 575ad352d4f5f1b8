//! The router's main job once, end to end, on a local anvil devnet (`devnet` crate: Solidity
//! doubles of StaFi's and SSV Network v2's contracts, seeded operators):
//!
//! 1. the StaFi user pool holds at least 32 ETH;
//! 2. `keygen`: a fresh mnemonic, validator 0, 1 ETH deposit data to StaFi's withdrawal credentials;
//! 3. `StafiSuperNode.deposit` (1 ETH from the pool) → INITIAL; the oracles vote → MATCH;
//! 4. `operator-selection`: a committee of 4 among the seeded operators, with every verdict;
//! 5. `keyshare`: the key split for that committee, signed for the owner's on-chain nonce, verified;
//! 6. `cluster-accounting`: the ETH `registerValidator` carries (30 days of runway), then the call;
//! 7. `StafiSuperNode.stake` (31 ETH) → STAKING; `setFeeRecipientAddress` on SSV;
//! 8. the cluster balance read back equals the accounting prediction; the runway in days.
//!
//! Run: `cargo run -p stafi-router-examples --example onchain_onboard`
//! (needs anvil from `scripts/install-tools.sh`).

use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::providers::Provider;
use cluster_accounting::{
    Action, ClusterState, ClusterVersion, Horizon, LiquidationParams, VUnits, format_amount, plan,
    runway,
};
use devnet::{Devnet, cluster_from_receipt, new_cluster, send};
use keygen::wire::NetworkConfig;
use keygen::{DepositPlan, Mnemonic, Network, WithdrawalTarget};
use keyshare::{KeysharesBuilder, Operator, ValidatorSecret, Verifier};
use operator_selection::{Candidate, DiversityCaps, Policy, SelectionInput, Verdict, select};
use ssv_sync::{Index, IndexConfig, RpcSource, SyncConfig, Syncer};
use stafi_contracts::StafiAddresses;

type Error = Box<dyn std::error::Error>;

const ETH: u128 = 1_000_000_000_000_000_000;
/// 30 days of 12 s blocks.
const RUNWAY_BLOCKS: u64 = 30 * cluster_accounting::BLOCKS_PER_DAY;
/// `StafiSuperNode` pubkey statuses.
const INITIAL: u64 = 1;
const MATCH: u64 = 2;
const STAKING: u64 = 3;

/// Syncs the SSV index (`ssv-sync`: SSVNetwork's logs into a `cluster-accounting` ledger) to the
/// latest block; returns that block.
async fn sync(devnet: &Devnet, index: &mut Index, syncer: &mut Syncer) -> Result<u64, Error> {
    let source = RpcSource::new(devnet.provider().clone());
    let report = syncer.sync(&source, index, |_| {}).await?;
    Ok(report.synced_to.unwrap_or(report.head))
}

async fn pubkey_status(devnet: &Devnet, pubkey: &Bytes) -> Result<U256, Error> {
    Ok(devnet
        .super_node()
        .getSuperNodePubkeyStatus(pubkey.clone())
        .call()
        .await?)
}

fn expect_status(found: U256, expected: u64, name: &str) -> Result<(), Error> {
    if found == U256::from(expected) {
        Ok(())
    } else {
        Err(format!("pubkey status is {found}, expected {expected} ({name})").into())
    }
}

#[tokio::main]
#[allow(clippy::too_many_lines)]
async fn main() -> Result<(), Error> {
    // 1. The devnet and StaFi's user pool.
    let devnet = Devnet::builder().spawn().await?;
    let provider = devnet.provider().clone();
    let stafi = StafiAddresses::resolve(&provider, devnet.addresses.stafi_storage).await?;
    let pool = devnet.user_deposit();
    let mut pool_balance = pool.getBalance().call().await?;
    if pool_balance < U256::from(32 * ETH) {
        devnet
            .fund_pool(U256::from(32 * ETH) - pool_balance)
            .await?;
        pool_balance = pool.getBalance().call().await?;
    }
    println!(
        "1. devnet up at {}; StaFi user pool holds {}",
        devnet.endpoint_url(),
        format_amount(pool_balance, ClusterVersion::Eth)?
    );

    // 2. A throwaway mnemonic (a real router keeps its own, encrypted) and validator 0's 1 ETH
    //    deposit to 0x01 ‖ StafiWithdraw. The deposit contract double recomputes only the
    //    deposit_data_root, so a custom network with the devnet's chain id serves for signing.
    let chain_id = provider.get_chain_id().await?;
    let network = Network::custom(&NetworkConfig {
        name: "devnet".into(),
        chain_id,
        genesis_fork_version: "0x10000000".into(),
        capella_fork_version: "0x40000000".into(),
        genesis_validators_root: format!("{:#x}", B256::ZERO),
    })?;
    let mnemonic = Mnemonic::generate()?;
    let seed = mnemonic.to_seed("");
    let withdrawal = WithdrawalTarget::Execution(stafi.withdraw);
    let deposit_plan = DepositPlan::new(network, withdrawal)
        .start_index(0)
        .count(1);
    let pre = deposit_plan
        .clone()
        .amount_gwei(1_000_000_000)
        .run(&seed)?
        .remove(0);
    let stake = deposit_plan
        .amount_gwei(31_000_000_000)
        .run(&seed)?
        .remove(0);
    let wc = devnet::withdrawal_credentials(stafi.withdraw);
    let on_chain_wc = devnet
        .network_settings()
        .getWithdrawalCredentials()
        .call()
        .await?;
    if on_chain_wc.as_ref() != wc {
        return Err("StaFi's withdrawal credentials differ from 0x01 ‖ StafiWithdraw".into());
    }
    let pubkey = Bytes::copy_from_slice(pre.pubkey.as_bytes());
    println!(
        "2. validator 0 {} with withdrawal credentials 0x{}",
        pre.pubkey,
        hex::encode(wc)
    );

    // 3. 1 ETH pre-deposit from the pool, then the oracles vote the credentials as matching.
    let me = devnet.accounts.super_node;
    let sn = devnet.super_node();
    send(
        sn.deposit(
            vec![pubkey.clone()],
            vec![Bytes::copy_from_slice(pre.signature.as_bytes())],
            vec![B256::from(pre.deposit_data_root)],
        )
        .from(me),
        "StafiSuperNode.deposit",
        None,
    )
    .await?;
    expect_status(pubkey_status(&devnet, &pubkey).await?, INITIAL, "INITIAL")?;
    println!("3. StafiSuperNode.deposit 1 ETH → INITIAL");
    devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pubkey), true)
        .await?;
    expect_status(pubkey_status(&devnet, &pubkey).await?, MATCH, "MATCH")?;
    println!(
        "   {} oracles voted the credentials → MATCH",
        devnet.accounts.oracles.len()
    );

    // 4. A committee of 4 among the seeded operators; private and removed ones are rejected.
    let owner = devnet.accounts.ssv_owner;
    let candidates: Vec<Candidate> = devnet
        .operators
        .iter()
        .map(|o| {
            Ok(Candidate {
                owner_address: o.owner,
                is_private: o.private,
                removed: o.removed,
                ..Candidate::new(o.id, o.public_key_base64.clone(), u128::try_from(o.fee)?)
            })
        })
        .collect::<Result<_, Error>>()?;
    // The devnet seeds its operators without metadata (provider,
    // location, clients), so diversity caps cannot be met there; fee and eligibility rules apply.
    let policy = Policy {
        diversity: DiversityCaps::NONE,
        ..Policy::default()
    };
    let selection = select(&SelectionInput::new(candidates.clone(), owner), &policy)?;
    println!("4. committee {:?}", selection.committee);
    for report in &selection.reasons {
        println!("   operator {}: {}", report.id, report.verdict);
    }
    for o in devnet.operators.iter().filter(|o| o.private || o.removed) {
        if !matches!(selection.verdict(o.id), Some(Verdict::Rejected(_))) {
            return Err(format!("operator {} is private or removed but not rejected", o.id).into());
        }
    }
    let ids = selection.committee.clone();

    // 5. Keyshares for the committee, signed for the owner's nonce read from the chain.
    let nonce = devnet.owner_nonce(owner).await?;
    let operators = candidates
        .iter()
        .filter(|c| ids.contains(&c.id))
        .map(|c| Operator::from_base64(c.id, &c.public_key))
        .collect::<Result<Vec<_>, _>>()?;
    let secret = ValidatorSecret::from_bytes(&seed.signing_key(0).to_bytes())?;
    let file = KeysharesBuilder::new(operators, owner)?
        .nonce(nonce)
        .build(&[secret])?;
    let verdict = Verifier::new()
        .owner(owner)
        .nonce(nonce)
        .verify_file(&file)
        .remove(0);
    if !verdict.is_ok() {
        return Err(format!("keyshares failed verification: {:?}", verdict.failures).into());
    }
    let item = &file.items[0];
    if item.public_key != *pre.pubkey.as_bytes() || item.operator_ids != ids {
        return Err("keyshares are for another key or committee".into());
    }
    println!(
        "5. keyshares for owner nonce {nonce}: {} bytes of sharesData, verified",
        item.shares_data.len()
    );

    // 6. ETH for registerValidator from the on-chain fees (the ledger replays SSVNetwork's logs)
    //    and liquidation parameters (SSVNetworkViews).
    let views = devnet.ssv_views();
    let params = LiquidationParams {
        threshold_period: views.getLiquidationThresholdPeriod().call().await?,
        minimum_collateral: views.getMinimumLiquidationCollateral().call().await?,
    };
    let mut index = Index::new(IndexConfig::new(owner))?;
    let mut syncer = Syncer::new(SyncConfig {
        confirmations: 0,
        ..SyncConfig::new(devnet.addresses.ssv_network, 0)
    });
    let block = sync(&devnet, &mut index, &mut syncer).await?;
    let at = index.ledger().indices(ClusterVersion::Eth, &ids, block)?;
    let new_state = ClusterState {
        version: ClusterVersion::Eth,
        cluster: cluster_accounting::Cluster::NEW,
        vunits: VUnits::Implicit,
    };
    let p = plan(
        &new_state,
        &at,
        &params,
        &Action::AddValidators { count: 1 },
        Horizon {
            inclusion_blocks: 20,
            runway_blocks: RUNWAY_BLOCKS,
        },
    )?;
    let (cluster, receipt) = devnet
        .register_validator(
            owner,
            &ids,
            pubkey.clone(),
            Bytes::copy_from_slice(&item.shares_data),
            new_cluster(),
            p.amount,
        )
        .await?;
    println!(
        "6. registerValidator with {} at block {} → cluster of {} validator(s)",
        format_amount(p.amount, p.token)?,
        receipt.block_number.unwrap_or_default(),
        cluster.validatorCount
    );

    // 7. The 31 ETH stake, then SSV fee recipient. The devnet's `super_node_fee_pool` account
    //    stands for StaFi's fee recipient (the address registered as `stafiSuperNodeFeePool`).
    send(
        sn.stake(
            vec![pubkey.clone()],
            vec![Bytes::copy_from_slice(stake.signature.as_bytes())],
            vec![B256::from(stake.deposit_data_root)],
        )
        .from(me),
        "StafiSuperNode.stake",
        None,
    )
    .await?;
    expect_status(pubkey_status(&devnet, &pubkey).await?, STAKING, "STAKING")?;
    let fee_recipient: Address = stafi.super_node_fee_pool;
    let receipt = send(
        devnet
            .ssv_network()
            .setFeeRecipientAddress(fee_recipient)
            .from(owner),
        "setFeeRecipientAddress",
        None,
    )
    .await?;
    if cluster_from_receipt(&receipt).is_some() {
        return Err("setFeeRecipientAddress changed a cluster".into());
    }
    println!("7. StafiSuperNode.stake 31 ETH → STAKING; SSV fee recipient {fee_recipient}");

    // 8. The balance SSVNetworkViews reports equals the accounting prediction at that block.
    let block = sync(&devnet, &mut index, &mut syncer).await?;
    let ledger = index.ledger();
    if ledger.fee_recipient(owner) != Some(fee_recipient) {
        return Err("the ledger did not see the fee recipient update".into());
    }
    let on_chain = views
        .getBalance(owner, ids.clone(), cluster.clone().into())
        .block(alloy::eips::BlockId::number(block))
        .call()
        .await?;
    let (state, at) = ledger.view(owner, &ids, block)?;
    let predicted = cluster_accounting::balance_of(&state, &at)?;
    if on_chain != predicted {
        return Err(format!(
            "cluster balance at block {block}: chain {on_chain} wei, accounting {predicted} wei"
        )
        .into());
    }
    let days = runway(&state, &at, &params)?
        .days()
        .ok_or("the cluster has no runway to report")?;
    println!(
        "8. cluster balance at block {block}: {} (chain = accounting); runway {days} days",
        format_amount(on_chain, ClusterVersion::Eth)?
    );
    Ok(())
}
