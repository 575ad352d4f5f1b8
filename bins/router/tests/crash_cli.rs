//! Kill at every write: `stafi-router run` on the devnet, SIGKILLed at the first write of each
//! kind at one failpoint stage (before the send, after the send, after the receipt) and started
//! again each time, through two flows:
//! - a validator's whole life: fee recipient, deposit, stake, registration, StaFi's ejection →
//!   voluntary exit POST, SSV exit, removal, the emptied cluster's withdrawal;
//! - a cluster's funding: a legacy SSV-token cluster migrated to ETH, topped up when the network
//!   fee rises, reactivated after a liquidation.
//!
//! Afterwards: no duplicate deposit or stake, no key reused, each key registered once with one
//! owner nonce, each exit sent to SSV once, each cluster write once, every intent closed.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use alloy::primitives::{Bytes, U256};
use common::Daemon;
use devnet::stack::Stack;
use stafi_contracts::ssv_network::SSVNetwork;

mod common;

/// Every kind of write the life flow makes, as the failpoints name them.
const LIFE: [&str; 8] = [
    "fee_recipient",
    "deposit",
    "stake",
    "register",
    "exit_post",
    "exit_on_ssv",
    "remove",
    "withdraw",
];

/// Every kind of write the funding flow makes, in order (the fee recipient is written while the
/// cluster is funded).
const FUNDING: [&str; 4] = ["migrate", "top_up", "reactivate", "fee_recipient"];

/// The failpoints a stage has among `kinds`: every kind, but a beacon POST has no receipt.
fn expected(kinds: &[&str], stage: &str) -> BTreeSet<String> {
    kinds
        .iter()
        .filter(|k| !(stage == "after_receipt" && **k == "exit_post"))
        .map(|k| format!("{stage}.{k}"))
        .collect()
}

/// The failpoints reached so far.
fn hit(markers: &Path) -> BTreeSet<String> {
    std::fs::read_dir(markers)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A router under crash test: stops at one stage's failpoints, is killed there and restarted.
struct Crashing<'a> {
    stack: &'a Stack,
    stage: &'a str,
    markers: &'a Path,
    daemon: Daemon,
    crashes: Vec<String>,
    started: Instant,
}

impl<'a> Crashing<'a> {
    fn start(stack: &'a Stack, stage: &'a str, markers: &'a Path) -> Self {
        Self {
            stack,
            stage,
            markers,
            daemon: Self::spawn(stack, stage, markers),
            crashes: Vec::new(),
            started: Instant::now(),
        }
    }

    fn spawn(stack: &Stack, stage: &str, markers: &Path) -> Daemon {
        Daemon::start(
            stack,
            &[
                ("STAFI_ROUTER_FAILPOINT", stage),
                ("STAFI_ROUTER_FAILPOINT_DIR", markers.to_str().unwrap()),
            ],
            &[],
        )
    }

    /// One round: a router standing at a failpoint is SIGKILLed there and started again (true);
    /// one that exited fails the test.
    async fn round(&mut self) -> bool {
        assert!(
            self.started.elapsed() < Duration::from_mins(5),
            "{}: the flow did not finish; crashed at {:?}",
            self.stage,
            self.crashes
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        let stopped = self.daemon.stopped_at.lock().unwrap().take();
        if let Some(point) = stopped {
            self.daemon.kill("-KILL");
            self.crashes.push(point);
            self.daemon = Self::spawn(self.stack, self.stage, self.markers);
            return true;
        }
        self.daemon.assert_running(self.stage);
        false
    }

    /// Every one of `kinds` has stopped at this stage and the router runs past it.
    async fn passed(&mut self, kinds: &[&str]) -> bool {
        let want = expected(kinds, self.stage);
        if !want.is_subset(&hit(self.markers)) {
            return false;
        }
        // The marker is written just before the router says it stopped.
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.daemon.stopped_at.lock().unwrap().is_none()
    }

    /// Stops the router (SIGTERM); asserts that every kind of the flow stopped once.
    fn finish(mut self, kinds: &[&str]) {
        self.daemon.kill("-TERM");
        let hit = hit(self.markers);
        assert_eq!(
            hit,
            expected(kinds, self.stage),
            "{}: crashed at {:?}",
            self.stage,
            self.crashes
        );
        assert_eq!(self.crashes.len(), hit.len());
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The validators whose exits may be requested: active for the shard-committee period.
async fn may_exit(stack: &Stack, keys: &[Bytes]) -> Option<Vec<u64>> {
    let head = stack.devnet.block_number().await.unwrap();
    let mut indices = Vec::new();
    for k in keys {
        let v = stack.beacon.validator(k).await.unwrap()?;
        if v.activation_epoch == devnet::FAR_FUTURE_EPOCH
            || head
                < (v.activation_epoch + stack.beacon.shard_committee_period())
                    * stack.beacon.slots_per_epoch()
        {
            return None;
        }
        indices.push(v.index);
    }
    Some(indices)
}

async fn kill_at_every_write(stage: &str) {
    let dir = tempfile::tempdir().unwrap();
    let markers = tempfile::tempdir().unwrap();
    let stack = common::stack(dir.path(), 64).await;
    let d = &stack.devnet;
    let owner = d.accounts.ssv_owner;
    let ssv = d.addresses.ssv_network;
    let seed = stack.mnemonic.to_seed("");
    let keys = common::keys(&stack, 2);
    let mut ejected = false;
    let mut run = Crashing::start(&stack, stage, markers.path());
    loop {
        if run.round().await {
            continue;
        }
        d.vote_deposited().await.unwrap();
        if !ejected && let Some(indices) = may_exit(&stack, &keys).await {
            d.eject_validators(&indices).await.unwrap();
            ejected = true;
        }
        // A block per round: activation, the shard-committee period and exits move with blocks.
        d.mine(1).await.unwrap();
        // Done once the cluster is withdrawn and every kind has been stopped at this stage (the
        // last write's receipt is read after it is on chain).
        let withdrawn = !d
            .events::<SSVNetwork::ClusterWithdrawn>(ssv)
            .await
            .unwrap()
            .is_empty();
        if withdrawn && run.passed(&LIFE).await {
            break;
        }
    }
    run.finish(&LIFE);

    // One writer: while a router runs, another process is refused the data directory (every
    // restart above also took over the lock a SIGKILLed router left behind).
    let mut running = Daemon::start(&stack, &[], &[]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let second = Command::new(env!("CARGO_BIN_EXE_stafi-router"))
        .args(["status", "--config"])
        .arg(&stack.files.config)
        .env("STAFI_ROUTER_LOG", "warn")
        .output()
        .unwrap();
    let refused = String::from_utf8_lossy(&second.stderr);
    assert!(
        !second.status.success()
            && refused.contains(&format!("in use by process {}", running.child.id())),
        "{refused}"
    );
    running.kill("-TERM");

    // No secret in what the router writes: debug logs of a plan, and the store's bytes.
    let plan = common::ok(&stack, &["plan", "--json"], "debug");
    let mut written = String::from_utf8_lossy(&plan.stdout).into_owned();
    written.push_str(&String::from_utf8_lossy(&plan.stderr));
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(dir.path().join("data")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            stored.extend(std::fs::read(path).unwrap());
        }
    }
    let mut secrets: Vec<Vec<u8>> = vec![
        stack.mnemonic.phrase().as_bytes().to_vec(),
        seed.as_bytes().to_vec(),
        devnet::stack::STACK_PASSWORD.as_bytes().to_vec(),
    ];
    for i in 0..3 {
        secrets.push(seed.signing_key(i).to_bytes().to_vec());
    }
    for account in [d.accounts.super_node, owner] {
        secrets.push(d.signer(account).unwrap().to_bytes().to_vec());
    }
    for secret in &secrets {
        let hex = alloy::hex::encode(secret);
        for (what, haystack) in [
            ("plan output and debug logs", written.as_bytes()),
            ("store", &stored[..]),
        ] {
            assert!(
                !contains(haystack, secret) && !contains(haystack, hex.as_bytes()),
                "{stage}: a secret ({} bytes) is in the {what}",
                secret.len()
            );
        }
    }

    // No duplicate deposit, stake, registration or fee recipient; each exit told once, both
    // removed, one withdrawal.
    common::assert_each_once(&stack, &keys).await;
    let exits = d.events::<SSVNetwork::ValidatorExited>(ssv).await.unwrap();
    let removals = d.events::<SSVNetwork::ValidatorRemoved>(ssv).await.unwrap();
    let withdrawals = d.events::<SSVNetwork::ClusterWithdrawn>(ssv).await.unwrap();
    assert_eq!(
        (exits.len(), removals.len(), withdrawals.len()),
        (2, 2, 1),
        "{stage}: SSV exits, removals, withdrawals"
    );
    for k in &keys {
        let status = stack.beacon.validator(k).await.unwrap().unwrap().status;
        assert!(
            status.starts_with("exited") || status.starts_with("withdrawal"),
            "{stage}: {status}"
        );
    }

    // Every intent is closed, each write mined once; one registration, owner nonce 0.
    let intents = common::assert_intents_closed(&stack, stage);
    let registrations: Vec<_> = intents
        .iter()
        .filter(|r| r.intent.kind == router::IntentKind::Register)
        .filter(|r| matches!(r.state, router::IntentState::Mined { success: true, .. }))
        .collect();
    assert_eq!(registrations.len(), 1);
    assert_eq!(registrations[0].intent.owner_nonce, Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_before_each_send() {
    kill_at_every_write("before_send").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_after_each_send() {
    kill_at_every_write("after_send").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_after_each_receipt() {
    kill_at_every_write("after_receipt").await;
}

/// A devnet from before SSV v2 (no v2 operators, a network fee that is also a valid SSV fee):
/// four legacy operators and the SSV owner's legacy cluster with one validator, then the
/// upgrade block and v2's ETH network fee. The router migrates legacy clusters.
async fn legacy_stack(dir: &Path) -> (Stack, Vec<u64>) {
    let stack = Stack::start(
        devnet::Devnet::builder()
            .pool_funding(U256::ZERO)
            .network_fee(U256::from(3_360_000_000u64))
            .operators(Vec::new()),
        dir,
        keygen::Kdf::Scrypt { n: 2, r: 8, p: 1 },
    )
    .await
    .unwrap();
    let d = &stack.devnet;
    let mut ids = Vec::new();
    for i in 0..4 {
        let key = Bytes::from(format!("legacy operator {i}").into_bytes());
        ids.push(
            d.register_legacy_operator(key, U256::from(1_000_000_000u64))
                .await
                .unwrap(),
        );
    }
    let legacy_key = common::keys(&stack, 41).pop().unwrap();
    d.seed_legacy_cluster(
        d.accounts.ssv_owner,
        &ids,
        legacy_key,
        U256::from(50 * common::ETH),
    )
    .await
    .unwrap();
    d.announce_upgrade_block().await.unwrap();
    d.set_network_fee(U256::from(3_370_000_000u64))
        .await
        .unwrap();
    let mut config = std::fs::read_to_string(&stack.files.config).unwrap();
    config.push_str("\n[runway]\nmigrate_legacy = true\n");
    std::fs::write(&stack.files.config, config).unwrap();
    (stack, ids)
}

async fn kill_at_every_funding_write(stage: &str) {
    let dir = tempfile::tempdir().unwrap();
    let markers = tempfile::tempdir().unwrap();
    let (stack, ids) = legacy_stack(dir.path()).await;
    let d = &stack.devnet;
    let (owner, ssv) = (d.accounts.ssv_owner, d.addresses.ssv_network);
    let mut run = Crashing::start(&stack, stage, markers.path());
    // The migration first.
    while d
        .events::<SSVNetwork::ClusterMigratedToETH>(ssv)
        .await
        .unwrap()
        .is_empty()
        || !run.passed(&FUNDING[..1]).await
    {
        run.round().await;
        d.mine(1).await.unwrap();
    }
    // The DAO raises the network fee about ninefold: the 90 days the migration funded shrink
    // below the 30-day floor, and the router tops the cluster up.
    d.set_network_fee(U256::from(30_000_000_000u64))
        .await
        .unwrap();
    while d
        .events::<SSVNetwork::ClusterDeposited>(ssv)
        .await
        .unwrap()
        .is_empty()
        || !run.passed(&FUNDING[..2]).await
    {
        run.round().await;
        d.mine(1).await.unwrap();
    }
    // With the router stopped (a running one would top up again first), a far higher fee
    // leaves the cluster liquidatable and a liquidator takes it; started again, the router
    // reactivates it.
    run.daemon.kill("-TERM");
    d.set_network_fee(U256::from(1_000_000_000_000u64))
        .await
        .unwrap();
    d.mine(10).await.unwrap();
    let last = d
        .events::<SSVNetwork::ClusterDeposited>(ssv)
        .await
        .unwrap()
        .pop()
        .unwrap();
    devnet::send(
        d.ssv_network()
            .liquidate(owner, ids.clone(), last.cluster)
            .from(d.accounts.user),
        "SSVNetwork.liquidate",
        None,
    )
    .await
    .unwrap();
    run.daemon = Crashing::spawn(&stack, stage, markers.path());
    while d
        .events::<SSVNetwork::ClusterReactivated>(ssv)
        .await
        .unwrap()
        .is_empty()
        || !run.passed(&FUNDING).await
    {
        run.round().await;
        d.mine(1).await.unwrap();
    }
    run.finish(&FUNDING);

    // Each cluster write once: one migration, one top-up, one liquidation, one reactivation.
    let counts = (
        d.events::<SSVNetwork::ClusterMigratedToETH>(ssv)
            .await
            .unwrap()
            .len(),
        d.events::<SSVNetwork::ClusterDeposited>(ssv)
            .await
            .unwrap()
            .len(),
        d.events::<SSVNetwork::ClusterLiquidated>(ssv)
            .await
            .unwrap()
            .len(),
        d.events::<SSVNetwork::ClusterReactivated>(ssv)
            .await
            .unwrap()
            .len(),
    );
    assert_eq!(
        counts,
        (1, 1, 1, 1),
        "{stage}: migrations, top-ups, liquidations, reactivations"
    );
    common::assert_intents_closed(&stack, stage);
}

#[tokio::test(flavor = "multi_thread")]
async fn funding_killed_before_each_send() {
    kill_at_every_funding_write("before_send").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn funding_killed_after_each_send() {
    kill_at_every_funding_write("after_send").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn funding_killed_after_each_receipt() {
    kill_at_every_funding_write("after_receipt").await;
}
