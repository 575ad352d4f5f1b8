//! Operator health moves, the uptime report and legacy SSV clusters on the devnet: a removed,
//! overpriced or long-inactive operator moves its cluster's validators (remove, wait 96 blocks,
//! register in a new committee with the next nonce), at most as many per pass as the policy
//! allows, once across a restart; the uptime POST and its error path; a legacy cluster reported,
//! migrated when enabled (balance = the plan, to the wei) and untouched when not.

mod common;

use alloy::primitives::{Bytes, U256};
use common::{
    ETH, mined_records, open, pubkey, registered, router, stack, step, until_registered, writes,
};
use devnet::stack::Stack;
use router::steps::Step;
use router::{IntentKind, IntentRecord, MOVE_WAIT_BLOCKS, PassReport, Router, StepOutcome};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn kinds(records: &[IntentRecord]) -> Vec<IntentKind> {
    records.iter().map(|r| r.intent.kind.clone()).collect()
}

fn waiting(report: &PassReport, which: Step) -> Option<String> {
    match step(report, which) {
        StepOutcome::Waiting { reason } => Some(reason.clone()),
        _ => None,
    }
}

/// The committee of our validator `key`.
fn committee(stack: &Stack, r: &Router, key: u32) -> Vec<u64> {
    r.node
        .index
        .validator(stack.devnet.accounts.ssv_owner, &pubkey(stack, key))
        .unwrap()
        .operator_ids
        .clone()
}

fn write_policy(dir: &std::path::Path, text: &str) -> String {
    let path = dir.join("policy.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn a_removed_operator_moves_the_validator_after_the_wait_once_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (stack, mut r) = registered(dir.path(), 1).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let from = committee(&stack, &r, 0);
    let gone = from[0];
    let op_owner = stack.devnet.operator(gone).unwrap().owner;
    devnet::send(
        stack
            .devnet
            .ssv_double()
            .removeOperator(gone)
            .from(op_owner),
        "removeOperator",
        None,
    )
    .await
    .unwrap();

    // The plan names the rule; the pass removes the validator from its cluster.
    let plan = r.plan_report().await.unwrap();
    let removal = plan
        .writes
        .iter()
        .find(|w| w.step == "move")
        .unwrap_or_else(|| panic!("{plan:?}"));
    assert!(
        removal.reason.contains(&format!("operator {gone} removed")),
        "{removal:?}"
    );
    let moved = r.pass().await.unwrap();
    let records = mined_records(&r, &moved);
    assert_eq!(kinds(&records), vec![IntentKind::Remove], "{moved:?}");
    r.node.sync(|_| {}).await.unwrap();
    let removed_at = r
        .node
        .index
        .validator(owner, &pubkey(&stack, 0))
        .unwrap()
        .removed
        .unwrap()
        .block;

    // A restart in the middle of the move: it waits out the 96 blocks, then registers once.
    drop(r);
    let mut r = router(&stack, &[]).await;
    let early = r.pass().await.unwrap();
    // The emptied cluster's balance comes back while the validator waits.
    assert_eq!(
        kinds(&mined_records(&r, &early)),
        vec![IntentKind::Withdraw],
        "{early:?}"
    );
    let why = waiting(&early, Step::Onboard).unwrap();
    assert!(
        why.contains(&format!("wait {MOVE_WAIT_BLOCKS} blocks")),
        "{why}"
    );
    let head = stack.devnet.block_number().await.unwrap();
    stack
        .devnet
        .mine(removed_at + MOVE_WAIT_BLOCKS - head)
        .await
        .unwrap();
    let back = r.pass().await.unwrap();
    let records = mined_records(&r, &back);
    assert_eq!(kinds(&records), vec![IntentKind::Register], "{back:?}");
    r.node.sync(|_| {}).await.unwrap();
    let to = committee(&stack, &r, 0);
    assert!(!to.contains(&gone), "{to:?}");
    assert_ne!(to, from);
    // Nonces stay consecutive: the first registration used 0, the new one 1.
    assert_eq!(records[0].intent.owner_nonce, Some(1));
    assert_eq!(r.node.index.owner_nonce(owner), 2);
    let idle = r.pass().await.unwrap();
    assert!(writes(&idle).is_empty(), "{idle:?}");
}

#[tokio::test]
async fn a_fee_above_the_cap_moves_one_validator_per_pass() {
    let dir = tempfile::tempdir().unwrap();
    let (stack, r) = registered(dir.path(), 2).await;
    let from = committee(&stack, &r, 0);
    assert_eq!(committee(&stack, &r, 1), from);
    drop(r);
    // A cap that leaves enough operators; the committee's dearest member raises its fee above
    // it in the 10 % steps SSV allows.
    let dearest = *from
        .iter()
        .max_by_key(|id| stack.devnet.operator(**id).unwrap().fee)
        .unwrap();
    let cap = U256::from(2_500_000_000u64);
    let policy = write_policy(
        dir.path(),
        &format!("max_fee_per_operator = {cap}\nreuse_existing_cluster = true\n"),
    );
    let set = [("selection.policy_file", policy.as_str())];
    let (mut r, _) = open(&stack, &set).await;
    let calm = r.pass().await.unwrap();
    assert!(
        writes(&calm).is_empty(),
        "under the cap nothing moves: {calm:?}"
    );
    let unit = U256::from(100_000u64);
    let mut fee = stack.devnet.operator(dearest).unwrap().fee;
    while fee <= cap {
        fee = fee * U256::from(110u64) / U256::from(100u64) / unit * unit;
        stack.devnet.set_operator_fee(dearest, fee).await.unwrap();
    }
    let first = r.pass().await.unwrap();
    let records = mined_records(&r, &first);
    assert_eq!(kinds(&records), vec![IntentKind::Remove], "{first:?}");
    assert_eq!(records[0].intent.key_indices.len(), 1, "one move per pass");
    assert!(records[0].intent.reason.contains("fee"), "{records:?}");
    // The second waits until the first has been registered again.
    let second = r.pass().await.unwrap();
    assert!(writes(&second).is_empty(), "{second:?}");
    assert!(
        waiting(&second, Step::Move)
            .unwrap()
            .contains("still in progress")
    );
}

#[tokio::test]
async fn an_inactive_operator_moves_only_after_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32).await;
    let policy = write_policy(
        dir.path(),
        "grace_period_secs = 2\nreuse_existing_cluster = true\n",
    );
    let set = [("selection.policy_file", policy.as_str())];
    let (mut r, _) = open(&stack, &set).await;
    until_registered(&stack, &mut r, 1).await;
    let from = committee(&stack, &r, 0);
    stack.ssv_api.set_operator_inactive(from[2], true).unwrap();
    let first = r.pass().await.unwrap();
    assert!(writes(&first).is_empty(), "{first:?}");
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let later = r.pass().await.unwrap();
    let records = mined_records(&r, &later);
    assert_eq!(kinds(&records), vec![IntentKind::Remove], "{later:?}");
    assert!(
        records[0].intent.reason.contains("not active"),
        "{records:?}"
    );
}

#[tokio::test]
async fn uptime_posts_our_active_indices_and_reports_another_status() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32).await;
    let server = MockServer::start().await;
    let url = format!("{}/reth/v1/uploadEjectorUptime", server.uri());
    let set = [("uptime.url", url.as_str())];
    let (mut r, _) = open(&stack, &set).await;
    until_registered(&stack, &mut r, 1).await;
    stack.devnet.mine(3).await.unwrap();
    r.pass().await.unwrap();
    let index = stack
        .beacon
        .validator(&pubkey(&stack, 0))
        .await
        .unwrap()
        .unwrap()
        .index;
    Mock::given(method("POST"))
        .and(path("/reth/v1/uploadEjectorUptime"))
        .and(body_json(
            serde_json::json!({ "validatorIndexList": [index] }),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "status": "80000", "message": "success", "data": {}
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    assert_eq!(r.report_uptime().await.unwrap(), 1);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "status": "80001", "message": "param error"
        })))
        .mount(&server)
        .await;
    let err = r.report_uptime().await.unwrap_err();
    assert!(
        matches!(&err, router::RouterError::Uptime { message, .. } if message.contains("80001")),
        "{err}"
    );
}

#[tokio::test]
async fn a_legacy_cluster_is_reported_and_migrated_only_when_enabled() {
    let dir = tempfile::tempdir().unwrap();
    // No v2 operators, and a network fee that is also a valid SSV fee: everything before the
    // announced upgrade block is v1 history.
    let stack = common::start(
        devnet::Devnet::builder()
            .pool_funding(U256::ZERO)
            .network_fee(U256::from(3_360_000_000u64))
            .operators(Vec::new()),
        dir.path(),
    )
    .await;
    let owner = stack.devnet.accounts.ssv_owner;
    // Before SSV v2: four operators with SSV fees and a cluster paying them in SSV.
    let mut ids = Vec::new();
    for i in 0..4 {
        let key = Bytes::from(format!("legacy operator {i}").into_bytes());
        ids.push(
            stack
                .devnet
                .register_legacy_operator(key, U256::from(1_000_000_000u64))
                .await
                .unwrap(),
        );
    }
    let legacy_key: Bytes = pubkey(&stack, 40);
    stack
        .devnet
        .seed_legacy_cluster(owner, &ids, legacy_key, U256::from(50 * ETH))
        .await
        .unwrap();
    stack.devnet.announce_upgrade_block().await.unwrap();
    // v2's ETH network fee, set after the upgrade.
    stack
        .devnet
        .set_network_fee(U256::from(3_370_000_000u64))
        .await
        .unwrap();

    let (mut r, _) = open(&stack, &[]).await;
    let report = r.pass().await.unwrap();
    let why = waiting(&report, Step::Legacy).unwrap_or_else(|| panic!("{report:?}"));
    assert!(
        why.contains("migrating costs") && why.contains("migrate_legacy = false"),
        "{why}"
    );
    assert!(
        !kinds(&mined_records(&r, &report)).contains(&IntentKind::Migrate),
        "{report:?}"
    );
    drop(r);

    let (mut r, _) = open(&stack, &[("runway.migrate_legacy", "true")]).await;
    let report = r.pass().await.unwrap();
    let records = mined_records(&r, &report);
    let migration = records
        .iter()
        .find(|rec| rec.intent.kind == IntentKind::Migrate)
        .unwrap_or_else(|| panic!("{report:?}"));
    r.node.sync(|_| {}).await.unwrap();
    let tuple = r.node.index.cluster_tuple(owner, &ids);
    assert!(tuple.active);
    assert_eq!(
        tuple.balance, migration.intent.value,
        "the ETH balance is the plan's amount, to the wei"
    );
    let version = r
        .node
        .index
        .ledger()
        .cluster(owner, &ids)
        .unwrap()
        .state
        .version;
    assert_eq!(version, cluster_accounting::ClusterVersion::Eth);
}
