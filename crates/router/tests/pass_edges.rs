//! The pass on the devnet at its edges: pool thresholds and the reserve, the super node's pubkey
//! limit, a fee cap below the network's fee, an UNMATCH vote, a liquidated cluster, an emptied
//! cluster, an operator whose SSV API key differs from the chain's, the SSV API down, and a
//! snapshot pinned to the synced block.

mod common;

use alloy::primitives::{Bytes, U256};
use alloy::providers::Provider;
use alloy::providers::ext::AnvilApi;
use alloy::sol_types::SolCall;
use common::{
    ETH, GWEI, all_idle, mined, nonce, pool, pubkey, router, seed, stack, stafi_status, step,
    tx_fee, writes,
};
use devnet::send;
use router::operators::Exclusion;
use router::steps::Step;
use router::{IntentKind, MetadataProblem, StepOutcome, WriteOutcome};
use stafi_contracts::ssv_network::SSVNetwork;
use support::*;

mod support {
    use alloy::primitives::{Address, Bytes, U256};
    use devnet::stack::Stack;
    use keygen::Seed;
    use operator_selection::Policy;
    use router::steps::Step;
    use router::{IntentKind, IntentRecord, MetadataCache, Node, Router, World};

    use crate::common::{ledger_matches_chain, mined, pubkey, seed, step};

    /// Pubkeys the router's super node holds on StafiSuperNode.
    pub async fn deposited(stack: &Stack) -> U256 {
        stack
            .devnet
            .super_node()
            .getSuperNodePubkeyCount(stack.devnet.accounts.super_node)
            .call()
            .await
            .unwrap()
    }

    /// The snapshot a pass plans on, with the router's policy and `cache` as its metadata.
    pub async fn snapshot<'a>(
        node: &'a Node,
        seed: &Seed,
        cache: &mut Option<MetadataCache>,
    ) -> World<'a> {
        let policy = Policy {
            reuse_existing_cluster: true,
            ..Policy::default()
        };
        node.world(seed, &policy, cache).await.unwrap()
    }

    /// Every recorded write of a kind, oldest first.
    pub fn intents(r: &Router, kind: &IntentKind) -> Vec<IntentRecord> {
        let mut v: Vec<IntentRecord> = r
            .node
            .store
            .intents()
            .unwrap()
            .into_iter()
            .filter(|i| &i.intent.kind == kind)
            .collect();
        v.sort_by_key(|i| i.id);
        v
    }

    /// Keys 0..n from the pool to staked: a pass deposits them, the oracles vote MATCH, a pass
    /// stakes them. Returns their pubkeys.
    pub async fn deposit_and_stake(stack: &Stack, r: &mut Router, n: u32) -> Vec<Bytes> {
        let p = r.pass().await.unwrap();
        assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
        let pks: Vec<Bytes> = (0..n).map(|i| pubkey(stack, i)).collect();
        stack
            .devnet
            .vote_withdraw_credentials(&pks, true)
            .await
            .unwrap();
        let p = r.pass().await.unwrap();
        assert_eq!(mined(step(&p, Step::Stake)), 1, "{p:?}");
        pks
    }

    /// Keys 0..n from the pool to a funded SSV cluster: deposit, MATCH vote, stake, register.
    /// Returns the cluster's operator ids.
    pub async fn onboard(stack: &Stack, r: &mut Router, n: u32) -> Vec<u64> {
        deposit_and_stake(stack, r, n).await;
        let p = r.pass().await.unwrap();
        assert_eq!(mined(step(&p, Step::Onboard)), 1, "{p:?}");
        r.node.sync(|_| {}).await.unwrap();
        let clusters: Vec<_> = r
            .node
            .index
            .clusters_of(stack.devnet.accounts.ssv_owner)
            .collect();
        assert_eq!(clusters.len(), 1);
        assert_eq!(clusters[0].tuple.validator_count, n);
        clusters[0].operator_ids.clone()
    }

    /// The cluster's last snapshot as the router's index holds it.
    pub fn tuple(r: &Router, owner: Address, ids: &[u64]) -> stafi_contracts::Cluster {
        stafi_contracts::Cluster::from(r.node.index.cluster_tuple(owner, ids))
    }

    /// After a sync: the chain's `getBalance` of the cluster at the synced block equals the
    /// router's ledger; returns it.
    pub async fn balance_matches_ledger(stack: &Stack, r: &mut Router, ids: &[u64]) -> U256 {
        r.node.sync(|_| {}).await.unwrap();
        ledger_matches_chain(stack, r, ids).await
    }

    /// The beacon chain exits validator `index`: blocks are mined until it may exit
    /// (SHARD_COMMITTEE_PERIOD after activation), a signed voluntary exit is submitted, and the
    /// exit delay is mined.
    pub async fn exit_on_beacon(stack: &Stack, r: &Router, index: u32) {
        let hex = format!("{:#x}", pubkey(stack, index));
        let spe = stack.beacon.slots_per_epoch();
        stack.devnet.mine(3).await.unwrap();
        let v = r
            .node
            .beacon
            .validators(std::slice::from_ref(&hex))
            .await
            .unwrap();
        assert_eq!(v[0].status, "active_ongoing", "{v:?}");
        let exitable =
            (v[0].validator.activation_epoch + stack.beacon.shard_committee_period()) * spe;
        let head = stack.devnet.block_number().await.unwrap();
        if exitable > head {
            stack.devnet.mine(exitable - head).await.unwrap();
        }
        let epoch = stack.devnet.block_number().await.unwrap() / spe;
        let exit = keygen::sign_voluntary_exit(
            &seed(stack).signing_key(index),
            epoch,
            v[0].index,
            stack.beacon.network(),
        );
        let response = reqwest::Client::new()
            .post(format!(
                "{}/eth/v1/beacon/pool/voluntary_exits",
                stack.beacon.url()
            ))
            .json(&exit.to_json())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        stack.devnet.mine(2).await.unwrap();
        let v = r.node.beacon.validators(&[hex]).await.unwrap();
        assert_eq!(v[0].status, "exited_unslashed", "{v:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pool_thresholds_the_reserve_and_owed_stakes_gate_deposits() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 31).await;
    let me = stack.devnet.accounts.super_node;
    let no_deposit = |planned: &[router::PlannedWrite]| planned.iter().all(|w| w.step != "deposit");

    // 31 ETH: short of one validator; the super node sends nothing.
    let mut r = router(&stack, &[]).await;
    let p = r.pass().await.unwrap();
    assert_eq!(step(&p, Step::Deposit), &StepOutcome::Idle, "{p:?}");
    assert_eq!(nonce(&stack, me).await, 0);
    assert_eq!(deposited(&stack).await, U256::ZERO);

    // Exactly 32 ETH: one key.
    stack.devnet.fund_pool(U256::from(ETH)).await.unwrap();
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
    assert_eq!(deposited(&stack).await, U256::from(1));
    assert_eq!(
        stafi_status(&stack, &pubkey(&stack, 0)).await,
        U256::from(1)
    );
    assert_eq!(pool(&stack).await, U256::from(31 * ETH));

    // 64 ETH, 31 owed to the deposited key: 33 usable, but a 2 ETH reserve leaves 31.
    stack.devnet.fund_pool(U256::from(33 * ETH)).await.unwrap();
    drop(r);
    let mut r = router(&stack, &[("pool.reserve_eth", "2")]).await;
    assert!(no_deposit(&r.plan_only().await.unwrap()));
    let p = r.pass().await.unwrap();
    assert_eq!(step(&p, Step::Deposit), &StepOutcome::Idle, "{p:?}");
    assert_eq!(nonce(&stack, me).await, 1);
    assert_eq!(deposited(&stack).await, U256::from(1));

    // A 1 ETH reserve leaves exactly 32: one more key.
    drop(r);
    let mut r = router(&stack, &[("pool.reserve_eth", "1")]).await;
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
    assert_eq!(deposited(&stack).await, U256::from(2));
    let reason = &intents(&r, &IntentKind::Deposit)[1].intent.reason;
    assert!(reason.contains("owed to 1 deposited key(s)"), "{reason}");

    // 93 ETH with two keys deposited and not staked: 62 owed, 31 usable: nothing.
    stack.devnet.fund_pool(U256::from(30 * ETH)).await.unwrap();
    drop(r);
    let mut r = router(&stack, &[]).await;
    assert_eq!(pool(&stack).await, U256::from(93 * ETH));
    assert!(no_deposit(&r.plan_only().await.unwrap()));
    let p = r.pass().await.unwrap();
    assert_eq!(step(&p, Step::Deposit), &StepOutcome::Idle, "{p:?}");
    assert_eq!(nonce(&stack, me).await, 2);
    assert_eq!(deposited(&stack).await, U256::from(2));

    // One more ETH: 32 usable, one key.
    stack.devnet.fund_pool(U256::from(ETH)).await.unwrap();
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
    assert_eq!(deposited(&stack).await, U256::from(3));
    let deposits = intents(&r, &IntentKind::Deposit);
    let last = deposits.last().unwrap();
    assert_eq!(last.intent.key_indices, vec![2]);
    assert!(
        last.intent.reason.contains("owed to 2 deposited key(s)"),
        "{}",
        last.intent.reason
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deposits_stop_at_the_super_nodes_pubkey_limit() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 3 * 32).await;
    stack.devnet.set_super_node_pubkey_limit(2).await.unwrap();
    let mut r = router(&stack, &[]).await;

    // 96 ETH pay for three validators; the limit allows two, and the plan says so.
    let planned = r.plan_only().await.unwrap();
    let deposit = planned.iter().find(|w| w.step == "deposit").unwrap();
    assert_eq!(deposit.key_indices, vec![0, 1]);
    assert!(
        deposit.reason.contains("3 validator(s); pubkey room 2"),
        "{}",
        deposit.reason
    );
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
    assert_eq!(deposited(&stack).await, U256::from(2));

    // 94 ETH left, 62 owed: 32 usable, but the limit is reached.
    assert_eq!(pool(&stack).await, U256::from(94 * ETH));
    let planned = r.plan_only().await.unwrap();
    assert!(planned.iter().all(|w| w.step != "deposit"), "{planned:?}");
    let p = r.pass().await.unwrap();
    assert!(
        matches!(step(&p, Step::Deposit), StepOutcome::Waiting { reason } if reason.contains("pubkey limit of 2 is reached")),
        "{p:?}"
    );
    assert_eq!(deposited(&stack).await, U256::from(2));

    // StaFi raises the limit: the third key goes.
    stack.devnet.set_super_node_pubkey_limit(3).await.unwrap();
    let planned = r.plan_only().await.unwrap();
    let deposit = planned.iter().find(|w| w.step == "deposit").unwrap();
    assert_eq!(deposit.key_indices, vec![2]);
    assert!(
        deposit.reason.contains("pubkey room 1"),
        "{}",
        deposit.reason
    );
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
    assert_eq!(deposited(&stack).await, U256::from(3));
}

/// Every execution-layer read of a snapshot is pinned to the block the SSV index is synced to:
/// a vote and a settings change mined after it are seen only once the index reaches them.
#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_reads_the_chain_at_the_synced_block() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32).await;
    let mut r = router(&stack, &[]).await;
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
    r.node.sync(|_| {}).await.unwrap();
    let synced = r.node.syncer.state().cursor.unwrap();

    // After the synced block: StaFi's oracles vote MATCH and StaFi lowers the pubkey limit.
    let pk = pubkey(&stack, 0);
    stack
        .devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pk), true)
        .await
        .unwrap();
    stack.devnet.set_super_node_pubkey_limit(7).await.unwrap();
    assert_eq!(
        stafi_status(&stack, &pk).await,
        U256::from(router::stafi_status::MATCH)
    );

    let mut cache = None;
    let w = snapshot(&r.node, &seed(&stack), &mut cache).await;
    assert_eq!(w.block, synced);
    assert_eq!(w.keys[0].stafi_status, router::stafi_status::INITIAL);
    assert_ne!(w.pubkey_limit, 7);
    drop(w);

    r.node.sync(|_| {}).await.unwrap();
    let w = snapshot(&r.node, &seed(&stack), &mut cache).await;
    assert!(w.block > synced);
    assert_eq!(w.keys[0].stafi_status, router::stafi_status::MATCH);
    assert_eq!(w.pubkey_limit, 7);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fee_cap_below_the_network_fee_signs_nothing_until_raised() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32).await;
    let me = stack.devnet.accounts.super_node;
    let owner = stack.devnet.accounts.ssv_owner;
    // The base fee goes to 50 gwei: maxFeePerGas needs ~2 × base fee.
    stack
        .devnet
        .provider()
        .anvil_set_next_block_base_fee_per_gas(50 * GWEI)
        .await
        .unwrap();
    stack.devnet.mine(1).await.unwrap();
    let base = stack
        .devnet
        .provider()
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .unwrap()
        .header
        .base_fee_per_gas
        .unwrap();
    assert_eq!(u128::from(base), 50 * GWEI);

    let mut r = router(
        &stack,
        &[
            ("gas.max_fee_per_gas_gwei", "20"),
            ("gas.max_priority_fee_per_gas_gwei", "1"),
        ],
    )
    .await;
    let nonces = (nonce(&stack, me).await, nonce(&stack, owner).await);
    // `plan` lists the writes and says that `run` would wait for them.
    let plan = r.plan_report().await.unwrap();
    for s in ["deposit", "fee recipient"] {
        assert!(plan.writes.iter().any(|w| w.step == s), "{plan:?}");
        assert!(
            plan.waiting.iter().any(|(step, why)| *step == s
                && why.contains("above the cap 20 gwei")
                && why.contains("`run` would wait")),
            "{plan:?}"
        );
    }
    let p = r.pass().await.unwrap();
    for s in [Step::Deposit, Step::FeeRecipient] {
        match step(&p, s) {
            StepOutcome::Wrote(v) => match v.as_slice() {
                [Ok(WriteOutcome::FeeAboveCap { needed, cap })] => {
                    assert_eq!(*cap, 20 * GWEI);
                    assert!(*needed > 20 * GWEI, "{needed}");
                }
                other => panic!("{s:?}: {other:?}"),
            },
            other => panic!("{s:?}: {other:?}"),
        }
    }
    assert!(
        p.lines()
            .iter()
            .any(|l| l.contains("deposit:") && l.contains("gas.max_fee_per_gas_gwei")),
        "{:?}",
        p.lines()
    );
    // Nothing signed: no nonce taken, no intent recorded or left open.
    assert_eq!(
        (nonce(&stack, me).await, nonce(&stack, owner).await),
        nonces
    );
    assert_eq!(r.node.store.intent_count().unwrap(), 0);
    assert!(r.node.store.open_intents().unwrap().is_empty());
    assert_eq!(deposited(&stack).await, U256::ZERO);

    // A cap above the network's fee: the writes go through.
    drop(r);
    let mut r = router(&stack, &[("gas.max_fee_per_gas_gwei", "200")]).await;
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
    assert_eq!(mined(step(&p, Step::FeeRecipient)), 1, "{p:?}");
    assert_eq!(
        (nonce(&stack, me).await, nonce(&stack, owner).await),
        (nonces.0 + 1, nonces.1 + 1)
    );
    assert_eq!(deposited(&stack).await, U256::from(1));
    assert!(r.node.store.open_intents().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unmatch_key_is_reported_never_staked_and_owes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 2 * 32).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let mut r = router(&stack, &[]).await;
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
    let (pk0, pk1) = (pubkey(&stack, 0), pubkey(&stack, 1));

    // The oracles vote key 0 UNMATCH, key 1 MATCH; 63 ETH in the pool.
    stack
        .devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pk0), false)
        .await
        .unwrap();
    stack
        .devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pk1), true)
        .await
        .unwrap();
    stack.devnet.fund_pool(U256::from(ETH)).await.unwrap();
    assert_eq!(stafi_status(&stack, &pk0).await, U256::from(4));

    // Only key 1 is staked; key 0 owes nothing, so 63 − 31 = 32 pay for a new key.
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Stake)), 1, "{p:?}");
    assert_eq!(
        intents(&r, &IntentKind::Stake)[0].intent.key_indices,
        vec![1]
    );
    assert_eq!(mined(step(&p, Step::Deposit)), 1, "{p:?}");
    let deposits = intents(&r, &IntentKind::Deposit);
    assert_eq!(deposits[1].intent.key_indices, vec![2]);
    assert!(
        deposits[1]
            .intent
            .reason
            .contains("owed to 1 deposited key(s)"),
        "{}",
        deposits[1].intent.reason
    );
    assert_eq!(pool(&stack).await, U256::from(31 * ETH));

    // Key 1 is registered; key 0 stays UNMATCH: never staked, never on SSV, reported.
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Onboard)), 1, "{p:?}");
    // Key 2 waits for its vote; the UNMATCH key is not counted among those.
    let p = r.pass().await.unwrap();
    assert!(
        matches!(step(&p, Step::Stake), StepOutcome::Waiting { reason } if reason.starts_with("1 deposited key(s) wait for StaFi's oracles")),
        "{p:?}"
    );
    assert_eq!(step(&p, Step::Deposit), &StepOutcome::Idle, "{p:?}");
    assert_eq!(stafi_status(&stack, &pk0).await, U256::from(4));
    assert!(
        intents(&r, &IntentKind::Stake)
            .iter()
            .all(|i| !i.intent.key_indices.contains(&0))
    );
    r.node.sync(|_| {}).await.unwrap();
    assert!(r.node.index.validator(owner, &pk0).is_none());
    assert!(r.node.index.validator(owner, &pk1).is_some());
    let head = stack.devnet.block_number().await.unwrap();
    let status = r.node.status(&seed(&stack), head).await.unwrap();
    let row = status.validators.iter().find(|v| v.index == 0).unwrap();
    assert_eq!((row.stafi.as_str(), row.ssv.as_str()), ("unmatch", "-"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_liquidated_cluster_is_reactivated_with_enough_eth() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let mut r = router(&stack, &[]).await;
    let ids = onboard(&stack, &mut r, 1).await;
    let views = stack.devnet.ssv_views();

    // The DAO raises the network fee ~300-fold: the runway the cluster was funded with is
    // now below the liquidation threshold, and a liquidator takes it.
    stack
        .devnet
        .set_network_fee(U256::from(1_000_000_000_000u64))
        .await
        .unwrap();
    stack.devnet.mine(10).await.unwrap();
    r.node.sync(|_| {}).await.unwrap();
    let before = tuple(&r, owner, &ids);
    assert!(
        views
            .isLiquidatable(owner, ids.clone(), before.clone().into())
            .call()
            .await
            .unwrap()
    );
    send(
        stack
            .devnet
            .ssv_network()
            .liquidate(owner, ids.clone(), before)
            .from(stack.devnet.accounts.user),
        "SSVNetwork.liquidate",
        None,
    )
    .await
    .unwrap();

    // The fund step reactivates it with the runway's ETH at the new fee.
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Fund)), 1, "{p:?}");
    let reactivations = intents(&r, &IntentKind::Reactivate);
    assert_eq!(reactivations.len(), 1);
    assert!(reactivations[0].intent.value > U256::ZERO);
    let balance = balance_matches_ledger(&stack, &mut r, &ids).await;
    assert_eq!(balance, reactivations[0].intent.value);
    let after = tuple(&r, owner, &ids);
    assert!(after.active);
    assert_eq!(after.validatorCount, 1);
    assert!(
        !views
            .isLiquidated(owner, ids.clone(), after.clone().into())
            .call()
            .await
            .unwrap()
    );
    assert!(
        !views
            .isLiquidatable(owner, ids.clone(), after.into())
            .call()
            .await
            .unwrap()
    );
    // Funded past the floor: the next pass has nothing to do.
    let p = r.pass().await.unwrap();
    assert!(all_idle(&p), "{p:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emptied_cluster_is_withdrawn_to_the_owner() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let mut r = router(&stack, &[]).await;
    let ids = onboard(&stack, &mut r, 1).await;

    // The validator exits on the beacon chain, then the owner removes it from SSV.
    exit_on_beacon(&stack, &r, 0).await;
    r.node.sync(|_| {}).await.unwrap();
    send(
        stack
            .devnet
            .ssv_network()
            .removeValidator(pubkey(&stack, 0), ids.clone(), tuple(&r, owner, &ids))
            .from(owner)
            // The devnet provider's nonce cache predates the router's writes from this account.
            .nonce(nonce(&stack, owner).await),
        "SSVNetwork.removeValidator",
        None,
    )
    .await
    .unwrap();
    let held = balance_matches_ledger(&stack, &mut r, &ids).await;
    assert!(held > U256::ZERO);
    assert_eq!(tuple(&r, owner, &ids).validatorCount, 0);
    let owner_before = stack.devnet.provider().get_balance(owner).await.unwrap();

    // The fund step withdraws all of it; the exited key is not registered again.
    let p = r.pass().await.unwrap();
    assert_eq!(step(&p, Step::Onboard), &StepOutcome::Idle, "{p:?}");
    let tx = match step(&p, Step::Fund) {
        StepOutcome::Wrote(v) => match v.as_slice() {
            [Ok(WriteOutcome::Mined { tx, success, .. })] => {
                assert!(success);
                *tx
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    let withdrawals = intents(&r, &IntentKind::Withdraw);
    assert_eq!(withdrawals.len(), 1);
    let call = SSVNetwork::withdrawCall::abi_decode(&withdrawals[0].intent.data).unwrap();
    assert_eq!(call.amount, held);
    let fee = tx_fee(&stack, tx).await;
    let owner_after = stack.devnet.provider().get_balance(owner).await.unwrap();
    assert_eq!(owner_after, owner_before + held - fee);
    assert_eq!(
        balance_matches_ledger(&stack, &mut r, &ids).await,
        U256::ZERO
    );
    assert_eq!(tuple(&r, owner, &ids).balance, U256::ZERO);

    // Nothing left to withdraw.
    let p = r.pass().await.unwrap();
    assert!(all_idle(&p), "{p:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_whose_api_key_differs_from_the_chain_gets_no_share() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let mut r = router(&stack, &[]).await;
    let pk0 = deposit_and_stake(&stack, &mut r, 1).await.remove(0);

    // The committee the router would choose; then the API serves another key for one member.
    let planned = r.plan_only().await.unwrap();
    let chosen = planned
        .iter()
        .find(|w| w.step == "onboard")
        .and_then(|w| w.operator_ids.clone())
        .unwrap();
    let victim = chosen[0];
    let other = stack
        .devnet
        .operators
        .iter()
        .find(|o| !chosen.contains(&o.id))
        .unwrap();
    stack
        .ssv_api
        .set_operator_public_key(victim, other.public_key_base64.clone())
        .unwrap();
    let seed = seed(&stack);
    let mut cache = None;
    let world = snapshot(&r.node, &seed, &mut cache).await;
    assert!(
        world.excluded.contains(&(victim, Exclusion::KeyDiffers)),
        "{:?}",
        world.excluded
    );
    let candidates = world.candidates.as_ref().unwrap();
    assert!(candidates.iter().all(|c| c.id != victim));
    drop(world);

    // The registration uses four other operators; each share opens with its operator's key and
    // none with the excluded operator's.
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Onboard)), 1, "{p:?}");
    let registration = &intents(&r, &IntentKind::Register)[0];
    let call =
        SSVNetwork::bulkRegisterValidatorCall::abi_decode(&registration.intent.data).unwrap();
    assert_eq!(call.operatorIds.len(), 4);
    assert!(
        !call.operatorIds.contains(&victim),
        "{:?}",
        call.operatorIds
    );
    let shares = keyshare::SharesData::from_bytes(&call.sharesData[0], 4).unwrap();
    let opens = |id: u64, ciphertext: &[u8]| {
        stack
            .devnet
            .operator(id)
            .unwrap()
            .private_key()
            .pkcs1v15_decrypt(ciphertext)
            .ok()
            .and_then(|plain| String::from_utf8(plain).ok())
            .is_some_and(|text| keyshare::ShareSecret::from_hex(&text).is_ok())
    };
    for (id, ciphertext) in call.operatorIds.iter().zip(shares.encrypted_shares()) {
        assert!(opens(*id, ciphertext), "operator {id}");
        assert!(!opens(victim, ciphertext), "operator {victim}");
    }
    r.node.sync(|_| {}).await.unwrap();
    assert_eq!(
        r.node.index.validator(owner, &pk0).unwrap().operator_ids,
        call.operatorIds
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn onboarding_waits_without_recent_operator_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 2 * 32).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let one_per_tx = ("batch.max_registrations_per_tx", "1");
    let seed = seed(&stack);
    let registrations = |r: &router::Router| intents(r, &IntentKind::Register).len();

    // Two keys staked, with the API up (the router caches its metadata on every pass).
    let mut r = router(&stack, &[one_per_tx]).await;
    let pks = deposit_and_stake(&stack, &mut r, 2).await;

    // The API goes down: the metadata of the last pass is recent, onboarding goes on.
    stack.ssv_api.set_down(true);
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Onboard)), 1, "{p:?}");
    assert_eq!(registrations(&r), 1);
    drop(r);

    // A router with no metadata at all: onboarding waits, naming why, and sends nothing.
    let mut r = router(
        &stack,
        &[one_per_tx, ("ssv_api.max_metadata_age_secs", "1")],
    )
    .await;
    let sent = nonce(&stack, owner).await;
    let mut cache = None;
    let world = snapshot(&r.node, &seed, &mut cache).await;
    assert!(
        matches!(&world.candidates, Err(MetadataProblem::Unavailable { .. })),
        "{:?}",
        world.candidates
    );
    drop(world);
    let p = r.pass().await.unwrap();
    assert!(
        matches!(step(&p, Step::Onboard), StepOutcome::Waiting { reason } if reason.contains("has not answered yet")),
        "{p:?}"
    );
    assert_eq!(nonce(&stack, owner).await, sent);

    // Metadata fetched while the API is up (a read-only plan), then older than the 1 s limit.
    stack.ssv_api.set_down(false);
    let planned = r.plan_only().await.unwrap();
    assert!(planned.iter().any(|w| w.step == "onboard"), "{planned:?}");
    let _ = snapshot(&r.node, &seed, &mut cache).await;
    stack.ssv_api.set_down(true);
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let world = snapshot(&r.node, &seed, &mut cache).await;
    assert!(
        matches!(&world.candidates, Err(MetadataProblem::Stale { age_secs, .. }) if *age_secs >= 1),
        "{:?}",
        world.candidates
    );
    drop(world);
    let p = r.pass().await.unwrap();
    assert!(
        matches!(step(&p, Step::Onboard), StepOutcome::Waiting { reason } if reason.contains("older than ssv_api.max_metadata_age_secs")),
        "{p:?}"
    );
    assert_eq!(nonce(&stack, owner).await, sent);
    assert_eq!(registrations(&r), 1);
    let pk1: &Bytes = &pks[1];
    r.node.sync(|_| {}).await.unwrap();
    assert!(r.node.index.validator(owner, pk1).is_none());

    // The API is back: the second key is registered.
    stack.ssv_api.set_down(false);
    let p = r.pass().await.unwrap();
    assert_eq!(mined(step(&p, Step::Onboard)), 1, "{p:?}");
    assert_eq!(registrations(&r), 2);
    r.node.sync(|_| {}).await.unwrap();
    assert!(r.node.index.validator(owner, pk1).is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_mined_after_the_snapshot_block_is_not_planned_again_while_the_index_lags() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 0).await;
    // The index (and every read of the snapshot) stays two blocks behind the head.
    let mut r = router(&stack, &[("execution.confirmations", "2")]).await;
    let first = r.pass().await.unwrap();
    assert!(
        matches!(
            step(&first, Step::FeeRecipient),
            StepOutcome::Wrote(v) if matches!(v.as_slice(), [Ok(WriteOutcome::Mined { success: true, .. })])
        ),
        "{first:?}"
    );
    // The next snapshot is older than the block the write was mined in: it does not show the
    // new fee recipient, and the write counts as in flight until it does.
    let second = r.pass().await.unwrap();
    assert!(writes(&second).is_empty(), "{second:?}");
    stack.devnet.mine(3).await.unwrap();
    let third = r.pass().await.unwrap();
    assert!(writes(&third).is_empty(), "{third:?}");
    assert_eq!(intents(&r, &IntentKind::FeeRecipient).len(), 1);
}
