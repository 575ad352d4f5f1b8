//! After registration, on the devnet: StaFi's ejections become voluntary exits (waiting for the
//! shard-committee period and for a synced beacon node, exactly once across restarts), exited
//! validators are offboarded from SSV (several of a cluster in one bulk transaction) and the
//! emptied cluster's balance is withdrawn to the wei.

mod common;

use alloy::primitives::{Bytes, U256};
use alloy::providers::Provider;
use common::{mined_records, pubkey, registered, router, seed, step, tx_fee, writes};
use devnet::stack::Stack;
use router::steps::Step;
use router::{IntentKind, PassReport, Router, StepOutcome};

/// The kinds of the writes a pass mined.
fn mined_kinds(r: &Router, report: &PassReport) -> Vec<IntentKind> {
    mined_records(r, report)
        .into_iter()
        .map(|rec| rec.intent.kind)
        .collect()
}

fn waiting(report: &PassReport, which: Step) -> String {
    match step(report, which) {
        StepOutcome::Waiting { reason } => reason.clone(),
        other => panic!("{} is not waiting: {other:?}", which.name()),
    }
}

/// Mines until the head is at least `block`.
async fn mine_to(stack: &Stack, block: u64) {
    let head = stack.devnet.block_number().await.unwrap();
    if block > head {
        stack.devnet.mine(block - head).await.unwrap();
    }
}

/// The first block of the epoch from which validator `pubkey` may exit.
async fn exit_possible_from(stack: &Stack, pubkey: &Bytes) -> u64 {
    let v = stack.beacon.validator(pubkey).await.unwrap().unwrap();
    (v.activation_epoch + stack.beacon.shard_committee_period()) * stack.beacon.slots_per_epoch()
}

async fn beacon_status(stack: &Stack, pubkey: &Bytes) -> String {
    stack
        .beacon
        .validator(pubkey)
        .await
        .unwrap()
        .unwrap()
        .status
}

/// The exits in the fake beacon node's pool.
async fn exit_pool(stack: &Stack) -> serde_json::Value {
    let url = format!("{}/eth/v1/beacon/pool/voluntary_exits", stack.beacon.url());
    let text = alloy::transports::http::reqwest::get(url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["data"].clone()
}

#[tokio::test]
async fn an_ejected_validator_exits_once_after_the_shard_committee_period_and_is_offboarded() {
    let dir = tempfile::tempdir().unwrap();
    let (stack, mut r) = registered(dir.path(), 1).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let pk = pubkey(&stack, 0);
    stack.devnet.mine(3).await.unwrap();
    assert_eq!(beacon_status(&stack, &pk).await, "active_ongoing");
    let index = stack.beacon.validator(&pk).await.unwrap().unwrap().index;

    // An index that is not ours is never acted on; ours is, once it may exit.
    stack.devnet.eject_validators(&[index, 999]).await.unwrap();
    let early = r.pass().await.unwrap();
    assert!(early.exits.is_empty(), "{early:?}");
    let why = waiting(&early, Step::Exit);
    let from = exit_possible_from(&stack, &pk).await;
    assert!(why.contains("may exit from epoch"), "{why}");
    assert_eq!(r.node.store.ejector().unwrap().jobs.len(), 1);

    // Due, but the beacon node is syncing: it waits.
    mine_to(&stack, from).await;
    stack.beacon.set_syncing(true);
    let syncing = r.pass().await.unwrap();
    assert!(syncing.exits.is_empty());
    assert!(waiting(&syncing, Step::Exit).contains("syncing"));
    stack.beacon.set_syncing(false);

    // Synced and due: exactly one exit, signed for the devnet's own domain.
    let report = r.pass().await.unwrap();
    assert_eq!(report.exits.len(), 1, "{report:?}");
    assert_eq!(report.exits[0].result, Ok(()));
    assert_eq!(report.exits[0].validator_index, index);
    assert_eq!(beacon_status(&stack, &pk).await, "active_exiting");
    let pool = exit_pool(&stack).await;
    let expected = keygen::sign_voluntary_exit(
        &seed(&stack).signing_key(0),
        report.exits[0].epoch,
        index,
        &devnet::devnet_network(stack.devnet.provider().get_chain_id().await.unwrap()),
    );
    assert_eq!(
        pool[0],
        serde_json::to_value(expected.to_json()).unwrap(),
        "the exit is the one signed for the network's EIP-7044 domain"
    );

    // A restart neither signs nor POSTs again; SSV's operators are told once.
    drop(r);
    let mut r = router(&stack, &[]).await;
    let after = r.pass().await.unwrap();
    assert!(after.exits.is_empty(), "{after:?}");
    assert_eq!(mined_kinds(&r, &after), vec![IntentKind::ExitOnSsv]);
    let again = r.pass().await.unwrap();
    assert!(
        again.exits.is_empty() && writes(&again).is_empty(),
        "{again:?}"
    );
    let v = r.node.index.validator(owner, &pk).unwrap();
    assert!(v.exit_requested.is_some());

    // Exited on the beacon chain: removed from SSV, then the emptied cluster's balance comes back.
    stack.devnet.mine(2).await.unwrap();
    let status = beacon_status(&stack, &pk).await;
    assert!(
        status.starts_with("exited") || status.starts_with("withdrawal"),
        "{status}"
    );
    let offboard = r.pass().await.unwrap();
    assert_eq!(mined_kinds(&r, &offboard), vec![IntentKind::Remove]);
    r.node.sync(|_| {}).await.unwrap();
    let ids = r
        .node
        .index
        .validator(owner, &pk)
        .unwrap()
        .operator_ids
        .clone();
    assert!(
        r.node
            .index
            .validator(owner, &pk)
            .unwrap()
            .removed
            .is_some()
    );
    let held = r
        .node
        .index
        .ledger()
        .balance(owner, &ids, r.node.syncer.state().cursor.unwrap())
        .unwrap();
    assert!(held > U256::ZERO);
    let before = stack.devnet.provider().get_balance(owner).await.unwrap();
    let withdraw = r.pass().await.unwrap();
    assert_eq!(mined_kinds(&r, &withdraw), vec![IntentKind::Withdraw]);
    let record = r
        .node
        .store
        .intents()
        .unwrap()
        .into_iter()
        .rfind(|rec| rec.intent.kind == IntentKind::Withdraw)
        .unwrap();
    let router::IntentState::Mined { tx, .. } = record.state else {
        panic!("{record:?}");
    };
    let gas = tx_fee(&stack, tx).await;
    let after = stack.devnet.provider().get_balance(owner).await.unwrap();
    assert_eq!(
        after + gas - before,
        held,
        "the cluster's balance, to the wei"
    );
    r.node.sync(|_| {}).await.unwrap();
    assert_eq!(r.node.index.cluster_tuple(owner, &ids).balance, U256::ZERO);
    // Nothing is left to do.
    let idle = r.pass().await.unwrap();
    assert!(
        writes(&idle).is_empty() && idle.exits.is_empty(),
        "{idle:?}"
    );
}

#[tokio::test]
async fn two_exited_validators_of_one_cluster_leave_in_one_bulk_removal() {
    let dir = tempfile::tempdir().unwrap();
    let (stack, mut r) = registered(dir.path(), 3).await;
    let owner = stack.devnet.accounts.ssv_owner;
    stack.devnet.mine(3).await.unwrap();
    let keys: Vec<Bytes> = (0..3).map(|i| pubkey(&stack, i)).collect();
    let mut indices = Vec::new();
    for pk in &keys[..2] {
        indices.push(stack.beacon.validator(pk).await.unwrap().unwrap().index);
    }
    stack.devnet.eject_validators(&indices).await.unwrap();
    let mut from = 0;
    for pk in &keys[..2] {
        from = from.max(exit_possible_from(&stack, pk).await);
    }
    mine_to(&stack, from).await;
    let report = r.pass().await.unwrap();
    assert_eq!(report.exits.len(), 2, "{report:?}");
    assert!(report.exits.iter().all(|e| e.result.is_ok()));
    // The SSV exit, then the removal once both have exited.
    let told = r.pass().await.unwrap();
    assert_eq!(mined_kinds(&r, &told), vec![IntentKind::ExitOnSsv]);
    stack.devnet.mine(3).await.unwrap();
    let offboard = r.pass().await.unwrap();
    assert_eq!(mined_kinds(&r, &offboard), vec![IntentKind::Remove]);
    let removal = r
        .node
        .store
        .intents()
        .unwrap()
        .into_iter()
        .rfind(|rec| rec.intent.kind == IntentKind::Remove)
        .unwrap();
    let mut removed = removal.intent.key_indices.clone();
    removed.sort_unstable();
    assert_eq!(removed, vec![0, 1]);
    // The cluster still runs a validator: its balance stays.
    let next = r.pass().await.unwrap();
    let ids = r
        .node
        .index
        .validator(owner, &keys[2])
        .unwrap()
        .operator_ids
        .clone();
    assert_eq!(r.node.index.cluster_tuple(owner, &ids).validator_count, 1);
    assert!(!mined_kinds(&r, &next).contains(&IntentKind::Withdraw));
    assert!(r.node.index.cluster_tuple(owner, &ids).balance > U256::ZERO);
}

#[tokio::test]
async fn a_registration_the_ssv_api_marks_invalid_is_removed_and_registered_again() {
    let dir = tempfile::tempdir().unwrap();
    let (stack, r) = registered(dir.path(), 1).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let pk = pubkey(&stack, 0);
    stack.ssv_api.set_validator_invalid(&pk, true);
    // A fresh router checks at once (the check then repeats every validity_check_secs).
    drop(r);
    let mut r = router(&stack, &[]).await;
    let report = r.pass().await.unwrap();
    assert_eq!(
        mined_kinds(&r, &report),
        vec![IntentKind::Remove],
        "{report:?}"
    );
    stack.ssv_api.set_validator_invalid(&pk, false);
    r.node.sync(|_| {}).await.unwrap();
    let removed = r
        .node
        .index
        .validator(owner, &pk)
        .unwrap()
        .removed
        .unwrap()
        .block;
    mine_to(&stack, removed + router::MOVE_WAIT_BLOCKS).await;
    let back = r.pass().await.unwrap();
    assert!(
        mined_kinds(&r, &back).contains(&IntentKind::Register),
        "{back:?}"
    );
    // The old check does not judge the new registration.
    let after = r.pass().await.unwrap();
    assert!(
        !mined_kinds(&r, &after).contains(&IntentKind::Remove),
        "{after:?}"
    );
}
