//! The pass: sync, take one snapshot, plan every step, send what they plan through the write
//! path. One failing write never stops the pass: it is reported, and the step backs off for a few
//! passes. `plan_only` runs the same planning read-only (the `--plan` output).

use std::collections::BTreeMap;
use std::time::Duration;

use alloy::eips::BlockId;
use alloy::primitives::U256;
use keygen::Seed;
use operator_selection::Policy;
use serde::Serialize;

use crate::accounts::{Accounts, Prompt, open_seed};
use crate::beacon::ExitSubmission;
use crate::config::Settings;
use crate::error::RouterError;
use crate::lifecycle::ExitPost;
use crate::node::{Identity, Node};
use crate::steps::{PASS, Step};
use crate::store::PostedExit;
use crate::world::MetadataCache;
use crate::writer::{WriteOutcome, Writer, WriterConfig};

/// What one step did in a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Nothing to do.
    Idle,
    /// Backing off after failures (passes left).
    BackingOff {
        /// Passes the step still skips, this one included.
        passes_left: u32,
    },
    /// Work it cannot do now, and why (the pool owes pending stakes, the pubkey limit, no
    /// operator metadata, …).
    Waiting {
        /// Why it waits, with the numbers that hold it back.
        reason: String,
    },
    /// Planning failed (no committee, …).
    PlanFailed {
        /// The planning error, as text.
        error: String,
    },
    /// Writes sent and their outcomes (or why one was refused).
    Wrote(Vec<Result<WriteOutcome, String>>),
}

/// What one pass did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// The block of the pass's snapshot (the synced block).
    pub block: u64,
    /// Every step, in pass order, with what it did.
    pub steps: Vec<(Step, StepOutcome)>,
    /// Voluntary exits POSTed to the beacon node.
    pub exits: Vec<ExitPosted>,
}

/// One voluntary exit POST of a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitPosted {
    /// The validator's index on the beacon chain.
    pub validator_index: u64,
    /// The exit message's epoch.
    pub epoch: u64,
    /// Accepted, or why not (retried on a later pass).
    pub result: Result<(), String>,
}

impl PassReport {
    /// Mined writes of the pass.
    pub fn mined(&self) -> usize {
        self.steps
            .iter()
            .filter_map(|(_, o)| match o {
                StepOutcome::Wrote(v) => Some(v),
                _ => None,
            })
            .flatten()
            .filter(|r| matches!(r, Ok(WriteOutcome::Mined { success: true, .. })))
            .count()
    }

    /// One line per write, exit, failure or back-off (idle steps say nothing).
    pub fn lines(&self) -> Vec<String> {
        self.lines_with_waits()
            .into_iter()
            .map(|(l, _)| l)
            .collect()
    }

    /// [`lines`](Self::lines), each with what it waits for when it is a wait, the same from one
    /// block to the next: `step: reason`, and for a write held back by the gas caps `step: fee
    /// cap` whatever the fee (it moves every block). `None` for any other line.
    pub fn lines_with_waits(&self) -> Vec<(String, Option<String>)> {
        let mut out: Vec<(String, Option<String>)> = self
            .exits
            .iter()
            .map(|e| match &e.result {
                Ok(()) => format!(
                    "block {}: exit: voluntary exit of validator {} at epoch {} accepted by the beacon node",
                    self.block, e.validator_index, e.epoch
                ),
                Err(why) => format!(
                    "block {}: exit: voluntary exit of validator {} not accepted ({why}); retried",
                    self.block, e.validator_index
                ),
            })
            .map(|l| (l, None))
            .collect();
        for (step, outcome) in &self.steps {
            let head = format!("block {}: {}:", self.block, step.name());
            match outcome {
                StepOutcome::Idle => {}
                StepOutcome::BackingOff { passes_left } => out.push((
                    format!("{head} backing off after failures ({passes_left} pass(es) left)"),
                    None,
                )),
                StepOutcome::Waiting { reason } => out.push((
                    format!("{head} waiting: {reason}"),
                    Some(format!("{}: {reason}", step.name())),
                )),
                StepOutcome::PlanFailed { error } => {
                    out.push((format!("{head} cannot plan: {error}"), None));
                }
                StepOutcome::Wrote(writes) => out.extend(writes.iter().map(|w| match w {
                    Ok(o @ WriteOutcome::FeeAboveCap { .. }) => (
                        format!("{head} {o}"),
                        Some(format!("{}: fee cap", step.name())),
                    ),
                    Ok(o) => (format!("{head} {o}"), None),
                    Err(e) => (format!("{head} refused: {e}"), None),
                })),
            }
        }
        out
    }
}

/// One write a read-only pass would send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedWrite {
    /// The step that plans it (`deposit`, `onboard`, `exit`, …).
    pub step: &'static str,
    /// The contract function, or the beacon API call.
    pub function: &'static str,
    /// The contract's address, or the beacon API path.
    pub target: String,
    /// EIP-2334 indices of the validator keys it concerns.
    pub key_indices: Vec<u64>,
    /// Those keys' BLS public keys, `0x`-prefixed hex, in the same order.
    pub pubkeys: Vec<String>,
    /// The SSV cluster's operator ids, for SSV writes.
    pub operator_ids: Option<Vec<u64>>,
    /// The first SSV owner nonce the keyshares are signed with (registrations).
    pub owner_nonce: Option<u64>,
    /// Wei sent with the call.
    pub value: U256,
    /// `eth_estimateGas` (+20 %), or why the simulation refused it (None for a beacon POST).
    pub gas: Option<Result<u64, String>>,
    /// Why: the numbers that triggered it.
    pub reason: String,
}

/// What `--plan` shows: the writes, and the work steps cannot do now with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanReport {
    /// The block of the snapshot it planned from (the synced block).
    pub block: u64,
    /// Every write the steps plan, in pass order.
    pub writes: Vec<PlannedWrite>,
    /// (step, why it waits).
    pub waiting: Vec<(&'static str, String)>,
}

/// The daemon: a node, the write path, the secrets and the policy.
#[derive(Debug)]
pub struct Router {
    /// What the router reads through: configuration, chain, beacon node, store, SSV index.
    pub node: Node,
    /// The one write path, signing for both accounts.
    pub writer: Writer,
    seed: Seed,
    policy: Policy,
    metadata: Option<MetadataCache>,
    failures: BTreeMap<&'static str, (u32, u32)>,
    /// Our active validators' beacon indices at the last pass (the uptime report).
    active_indices: Vec<u64>,
    /// When the next uptime report is due.
    next_uptime: Option<std::time::Instant>,
    /// What `/readyz` answers from.
    pub health: crate::metrics::Health,
    /// Record the snapshot's gauges (cluster balances and runways) after each pass.
    export: bool,
}

impl Router {
    /// Opens the accounts, the mnemonic, the node and the write path.
    pub async fn open(
        settings: Settings,
        env: &dyn Fn(&str) -> Option<String>,
        prompt: Prompt<'_>,
    ) -> Result<Self, RouterError> {
        let accounts = Accounts::open(&settings.config.accounts, env, prompt)?;
        let seed = open_seed(&settings.config.accounts, env, prompt)?;
        let policy = match &settings.config.selection.policy_file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| RouterError::ConfigRead {
                        path: path.clone(),
                        source,
                    })?;
                operator_selection::Policy::from_toml(&text).map_err(|e| {
                    RouterError::ConfigInvalid {
                        key: "selection.policy_file".into(),
                        reason: e.to_string(),
                    }
                })?
            }
            None => Policy {
                reuse_existing_cluster: true,
                ..Policy::default()
            },
        };
        let policy = Policy {
            committee_size: settings.config.selection.committee_size,
            ..policy
        };
        let gwei = |g: u64| u128::from(g) * 1_000_000_000;
        let cfg = WriterConfig {
            max_fee_per_gas: gwei(settings.config.gas.max_fee_per_gas_gwei),
            max_priority_fee_per_gas: gwei(settings.config.gas.max_priority_fee_per_gas_gwei),
            max_gas_per_tx: settings.config.gas.max_gas_per_tx,
            replace_after: Duration::from_secs(settings.config.pass.replace_after_secs),
            receipt_timeout: Duration::from_secs(settings.config.pass.receipt_timeout_secs),
            poll: Duration::from_millis(250),
        };
        let identity = Identity {
            super_node: accounts.super_node_address(),
            ssv_owner: accounts.ssv_owner_address(),
        };
        let chain_id = settings.profile.chain_id();
        let health = crate::metrics::Health::new(crate::metrics::ReadyPolicy {
            max_lag_blocks: settings.config.metrics.ready_max_lag_blocks,
            max_failed_passes: settings.config.metrics.ready_max_failed_passes,
        });
        let node = Node::open(settings, identity).await?;
        node.check_beacon_network().await?;
        let writer = Writer::new(node.chain.provider(), &accounts, chain_id, cfg);
        Ok(Self {
            node,
            writer,
            seed,
            policy,
            metadata: None,
            failures: BTreeMap::new(),
            active_indices: Vec::new(),
            next_uptime: None,
            health,
            export: false,
        })
    }

    /// Reconciles the writes a previous run left open, then syncs. Run before the first pass.
    pub async fn start(&mut self) -> Result<Vec<WriteOutcome>, RouterError> {
        self.start_with(|_| {}).await
    }

    /// [`start`](Self::start), reporting the sync's progress (a first sync reads SSV's history).
    pub async fn start_with(
        &mut self,
        progress: impl FnMut(ssv_sync::Progress),
    ) -> Result<Vec<WriteOutcome>, RouterError> {
        let outcomes = self.writer.reconcile(&self.node.store).await?;
        self.node.sync(progress).await?;
        Ok(outcomes)
    }

    /// Records every gauge of the snapshot after each pass (cluster balances, runways, …), for
    /// `/metrics`; counters are recorded either way.
    pub fn export_metrics(&mut self, on: bool) {
        self.export = on;
    }

    /// One pass: await the writes earlier passes left pending, sync, snapshot, plan and send
    /// step by step.
    pub async fn pass(&mut self) -> Result<PassReport, RouterError> {
        use tracing::Instrument as _;
        let span = tracing::info_span!("pass", block = tracing::field::Empty);
        let started = std::time::Instant::now();
        let report = self.pass_inner().instrument(span).await;
        if report.is_err() {
            crate::metrics::record_failed_pass();
        }
        let (report, planned) = report?;
        crate::metrics::record_pass(&report, &planned, started.elapsed());
        Ok(report)
    }

    async fn pass_inner(
        &mut self,
    ) -> Result<(PassReport, Vec<(&'static str, usize)>), RouterError> {
        use tracing::Instrument as _;
        // A write left pending is still open: wait for it again (it closes once mined), so its
        // keys and cluster are planned again from the chain rather than held in flight forever.
        // An endpoint that turned to another chain since the start would feed this pass another
        // chain's state: no pass (and so no write) until it is back or removed.
        self.node.chain.check_chain_ids().await?;
        for outcome in self.writer.reconcile(&self.node.store).await? {
            tracing::info!(%outcome, "write left open by an earlier pass");
        }
        let head = self.node.sync(|_| {}).await?.head;
        let world = self
            .node
            .world(&self.seed, &self.policy, &mut self.metadata)
            .await?;
        let block = world.block;
        tracing::Span::current().record("block", block);
        let mut planned_counts: Vec<(&'static str, usize)> = Vec::new();
        let mut steps = Vec::new();
        let mut touched: Vec<Vec<u64>> = Vec::new();
        let mut results: Vec<(&'static str, bool)> = Vec::new();
        let mut exits = Vec::new();
        self.active_indices = world
            .beacon
            .values()
            .filter(|v| v.status.starts_with("active"))
            .map(|v| v.index)
            .collect();
        for step in PASS {
            if let Some((fails, until)) = self.failures.get(step.name()).copied()
                && until > 0
            {
                self.failures.insert(step.name(), (fails, until - 1));
                steps.push((step, StepOutcome::BackingOff { passes_left: until }));
                continue;
            }
            let planned = match step.plan_or_wait(&world, &self.seed) {
                Ok(planned) => planned,
                Err(e) => {
                    tracing::warn!(step = step.name(), error = %e, "planning failed");
                    steps.push((
                        step,
                        StepOutcome::PlanFailed {
                            error: e.to_string(),
                        },
                    ));
                    results.push((step.name(), false));
                    continue;
                }
            };
            if let Some(reason) = &planned.waiting {
                tracing::info!(step = step.name(), %reason, "waiting");
            }
            planned_counts.push((step.name(), planned.intents.len() + planned.posts.len()));
            if planned.is_empty() {
                steps.push((
                    step,
                    planned
                        .waiting
                        .map_or(StepOutcome::Idle, |reason| StepOutcome::Waiting { reason }),
                ));
                continue;
            }
            for post in planned.posts {
                exits.push(self.post_exit(post, block).await?);
            }
            let intents = planned.intents;
            let mut outcomes = Vec::new();
            let mut ok = true;
            for intent in intents {
                // A cluster this pass already wrote to has a new tuple: plan it again next pass.
                if intent.cluster.as_ref().is_some_and(|c| touched.contains(c)) {
                    continue;
                }
                tracing::info!(step = step.name(), call = intent.kind.function(), reason = %intent.reason, "write");
                let cluster = intent.cluster.clone();
                let write = tracing::info_span!(
                    "write",
                    step = step.name(),
                    call = intent.kind.function(),
                    tx = tracing::field::Empty
                );
                match self
                    .writer
                    .execute(&self.node.store, intent, block)
                    .instrument(write)
                    .await
                {
                    Ok(outcome) => {
                        if let (Some(c), WriteOutcome::Mined { success: true, .. }) =
                            (&cluster, &outcome)
                        {
                            touched.push(c.clone());
                        }
                        // Waiting on fees or a receipt is not a failure: no back-off, the
                        // next pass looks again.
                        if matches!(
                            outcome,
                            WriteOutcome::Mined { success: false, .. }
                                | WriteOutcome::Abandoned { .. }
                        ) {
                            ok = false;
                        }
                        tracing::info!(step = step.name(), ?outcome, "write outcome");
                        outcomes.push(Ok(outcome));
                    }
                    Err(e) => {
                        tracing::warn!(step = step.name(), error = %e, "write refused");
                        ok = false;
                        outcomes.push(Err(e.to_string()));
                    }
                }
            }
            results.push((step.name(), ok));
            steps.push((
                step,
                if outcomes.is_empty() {
                    StepOutcome::Idle
                } else {
                    StepOutcome::Wrote(outcomes)
                },
            ));
        }
        if self.export {
            crate::metrics::record_snapshot(&world, head)?;
        }
        crate::metrics::record_metadata_age(self.metadata.as_ref().map(|m| m.fetched.elapsed()));
        drop(world);
        for (name, ok) in results {
            if ok {
                self.failures.remove(name);
            } else {
                let fails = self.failures.get(name).map_or(0, |f| f.0) + 1;
                self.failures
                    .insert(name, (fails, (1u32 << fails.min(5)) - 1));
            }
        }
        Ok((
            PassReport {
                block,
                steps,
                exits,
            },
            planned_counts,
        ))
    }

    /// The writes a pass would send now, with gas estimates, without sending anything or marking
    /// any key used; only the sync cursor moves.
    pub async fn plan_only(&mut self) -> Result<Vec<PlannedWrite>, RouterError> {
        self.plan_report().await.map(|r| r.writes)
    }

    /// [`plan_only`](Self::plan_only), with what each step waits for.
    pub async fn plan_report(&mut self) -> Result<PlanReport, RouterError> {
        self.node.sync(|_| {}).await?;
        let world = self
            .node
            .world(&self.seed, &self.policy, &mut self.metadata)
            .await?;
        let block = BlockId::number(world.block);
        let mut writes = Vec::new();
        let mut waiting = Vec::new();
        let mut fees = None;
        for step in PASS {
            let planned = match step.plan_or_wait(&world, &self.seed) {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(step = step.name(), error = %e, "planning failed");
                    waiting.push((step.name(), format!("cannot plan: {e}")));
                    continue;
                }
            };
            if let Some(reason) = planned.waiting {
                waiting.push((step.name(), reason));
            }
            for post in planned.posts {
                writes.push(PlannedWrite {
                    step: step.name(),
                    function: "beacon POST",
                    target: "/eth/v1/beacon/pool/voluntary_exits".into(),
                    key_indices: vec![post.key_index],
                    pubkeys: vec![format!("{:#x}", post.pubkey)],
                    operator_ids: None,
                    owner_nonce: None,
                    value: U256::ZERO,
                    gas: None,
                    reason: format!(
                        "exit of validator {} at epoch {}: {}",
                        post.validator_index, post.epoch, post.reason
                    ),
                });
            }
            if !planned.intents.is_empty() {
                // `run` signs nothing while the fee is above the cap; say so here too. The fees
                // are read once per plan, for the first step with writes.
                if fees.is_none() {
                    fees = Some(self.writer.fees().await.map_err(|e| e.to_string()));
                }
                match &fees {
                    Some(Ok(Err((needed, cap)))) => waiting.push((
                        step.name(),
                        format!(
                            "{}: `run` would wait",
                            crate::writer::fee_above_cap(*needed, *cap)
                        ),
                    )),
                    Some(Err(e)) => {
                        waiting.push((step.name(), format!("cannot read the fees: {e}")));
                    }
                    Some(Ok(Ok(_))) | None => {}
                }
            }
            for intent in planned.intents {
                let gas = self
                    .writer
                    .simulate(&intent, block)
                    .await
                    .map_err(|e| e.to_string());
                writes.push(PlannedWrite {
                    step: step.name(),
                    function: intent.kind.function(),
                    target: intent.to.to_string(),
                    key_indices: intent.key_indices.clone(),
                    pubkeys: intent.pubkeys.iter().map(|p| format!("{p:#x}")).collect(),
                    operator_ids: intent.cluster.clone(),
                    owner_nonce: intent.owner_nonce,
                    value: intent.value,
                    gas: Some(gas),
                    reason: intent.reason.clone(),
                });
            }
        }
        Ok(PlanReport {
            block: world.block,
            writes,
            waiting,
        })
    }

    /// POSTs one signed voluntary exit and records the outcome in the ejector's state (after the
    /// POST: a crash in between only sends the same exit again, which the beacon node ignores).
    async fn post_exit(&self, post: ExitPost, block: u64) -> Result<ExitPosted, RouterError> {
        crate::failpoint::hit("before_send", "exit_post");
        let answer = self.node.beacon.submit_voluntary_exit(&post.exit).await;
        crate::failpoint::hit("after_send", "exit_post");
        let mut state = self.node.store.ejector()?;
        let result = match answer {
            Ok(ExitSubmission::Accepted) => Ok(()),
            Ok(ExitSubmission::Rejected { status, message }) => {
                Err(format!("the beacon node answered {status}: {message}"))
            }
            Err(e) => Err(e.to_string()),
        };
        if let Some(job) = state.jobs.get_mut(&post.validator_index) {
            match &result {
                Ok(()) => {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs());
                    job.posted = Some(PostedExit {
                        epoch: post.epoch,
                        block,
                        at: now,
                        attempts: job.posted.map_or(0, |p| p.attempts) + 1,
                    });
                    job.last_error = None;
                    tracing::info!(
                        validator = post.validator_index,
                        epoch = post.epoch,
                        resubmit = post.resubmit,
                        "voluntary exit accepted by the beacon node"
                    );
                }
                Err(why) => {
                    job.refusals += 1;
                    job.last_error = Some(why.clone());
                    tracing::warn!(validator = post.validator_index, error = %why, "voluntary exit not accepted; retried on a later pass");
                }
            }
            self.node.store.set_ejector(&state)?;
        }
        Ok(ExitPosted {
            validator_index: post.validator_index,
            epoch: post.epoch,
            result,
        })
    }

    /// POSTs `{"validatorIndexList": [...]}` (our validators active at the last pass) to
    /// `uptime.url` and requires `"status": "80000"` in the reply (StaFi's ejector-uptime API).
    /// Returns how many indices were reported; nothing is sent when there are none.
    pub async fn report_uptime(&self) -> Result<usize, RouterError> {
        let Some(url) = &self.node.settings.config.uptime.url else {
            return Ok(0);
        };
        if self.active_indices.is_empty() {
            return Ok(0);
        }
        let err = |message: String| RouterError::Uptime {
            url: url.clone(),
            message,
        };
        let body = serde_json::json!({ "validatorIndexList": self.active_indices });
        let resp = reqwest::Client::new()
            .post(url)
            .timeout(Duration::from_secs(
                self.node.settings.config.execution.request_timeout_secs,
            ))
            .json(&body)
            .send()
            .await
            .map_err(|e| err(e.to_string()))?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| err(e.to_string()))?;
        let reply: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
            err(format!(
                "HTTP {status}, not JSON: {}",
                text.chars().take(200).collect::<String>()
            ))
        })?;
        match reply.get("status").and_then(serde_json::Value::as_str) {
            Some("80000") => Ok(self.active_indices.len()),
            other => Err(err(format!(
                "HTTP {status}, status {other:?} instead of \"80000\": {}",
                text.chars().take(200).collect::<String>()
            ))),
        }
    }

    /// Sends the uptime report when one is due (every `uptime.interval_secs`; a failure is
    /// retried after a tenth of that, never fatal).
    async fn uptime_if_due(&mut self) {
        let every = Duration::from_secs(self.node.settings.config.uptime.interval_secs);
        let now = std::time::Instant::now();
        if self.node.settings.config.uptime.url.is_none()
            || self.next_uptime.is_some_and(|due| now < due)
        {
            return;
        }
        match self.report_uptime().await {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(validators = n, "uptime reported");
                }
                self.next_uptime = Some(now + every);
            }
            Err(e) => {
                tracing::warn!(error = %e, "uptime report failed; retried later");
                self.next_uptime = Some(now + every / 10);
            }
        }
    }

    /// Runs passes on every new block until `shutdown` resolves.
    pub async fn run(
        &mut self,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), RouterError> {
        self.run_with(shutdown, |report| {
            tracing::info!(block = report.block, mined = report.mined(), "pass done");
            false
        })
        .await
    }

    /// Runs passes on every new block until `shutdown` resolves or `after_pass` returns true.
    /// A pass in progress always finishes; a failed pass is logged and retried on the next block.
    pub async fn run_with(
        &mut self,
        shutdown: impl std::future::Future<Output = ()>,
        mut after_pass: impl FnMut(&PassReport) -> bool,
    ) -> Result<(), RouterError> {
        let interval = Duration::from_secs(self.node.settings.config.pass.interval_secs);
        let max_idle = Duration::from_secs(self.node.settings.config.pass.max_idle_secs);
        tokio::pin!(shutdown);
        let mut last_block = None;
        let mut last_pass: Option<std::time::Instant> = None;
        loop {
            let mut wait = interval;
            let head = self
                .node
                .chain
                .read("eth_blockNumber", |p| async move {
                    alloy::providers::Provider::get_block_number(&p).await
                })
                .await;
            self.health
                .head(head.as_ref().map(|h| *h).map_err(ToString::to_string));
            match head {
                Ok(h)
                    if Some(h) != last_block
                        || last_pass.is_none_or(|t| t.elapsed() >= max_idle) =>
                {
                    last_block = Some(h);
                    last_pass = Some(std::time::Instant::now());
                    let passed = self.pass().await;
                    self.uptime_if_due().await;
                    match &passed {
                        Ok(_) => self
                            .health
                            .pass_ok(self.node.syncer.state().cursor.unwrap_or(0)),
                        Err(e) => self.health.pass_failed(e.to_string()),
                    }
                    match passed {
                        Ok(report) => {
                            if after_pass(&report) {
                                return Ok(());
                            }
                            // Writes landed: the world changed, so a later step may already
                            // have work (a stake mined → its keys can be registered): look
                            // at the head again at once.
                            if report.mined() > 0 {
                                wait = Duration::ZERO;
                            }
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "pass failed; retrying on the next block");
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "no execution endpoint answers; waiting"),
            }
            tokio::select! {
                biased;
                () = &mut shutdown => return Ok(()),
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}

impl PlannedWrite {
    /// A few lines per write, for `--plan`: the call, its arguments summarised, the gas and why.
    pub fn to_line(&self) -> String {
        use std::fmt::Write as _;
        let value =
            cluster_accounting::format_amount(self.value, cluster_accounting::ClusterVersion::Eth)
                .unwrap_or_else(|_| format!("{} wei", self.value));
        let mut text = match &self.gas {
            Some(Ok(g)) => format!(
                "[{}] {} at {}, value {value}, {g} gas\n",
                self.step, self.function, self.target
            ),
            Some(Err(e)) => format!(
                "[{}] {} at {}, value {value}, refused by simulation: {e}\n",
                self.step, self.function, self.target
            ),
            None => format!("[{}] {} {}\n", self.step, self.function, self.target),
        };
        if !self.pubkeys.is_empty() {
            let keys: Vec<String> = self
                .key_indices
                .iter()
                .zip(&self.pubkeys)
                .map(|(i, pk)| format!("#{i} {}", short(pk)))
                .collect();
            let _ = writeln!(text, "    keys: {}", keys.join(", "));
        }
        if let Some(ids) = &self.operator_ids {
            let _ = write!(text, "    operators: {ids:?}");
            if let Some(n) = self.owner_nonce {
                let _ = write!(text, ", owner nonce from {n}");
            }
            text.push('\n');
        }
        let _ = write!(text, "    why: {}", self.reason);
        text
    }
}

/// `0x1234ab…cdef` for a long hex string.
fn short(hex: &str) -> String {
    if hex.len() > 14 {
        format!("{}…{}", &hex[..8], &hex[hex.len() - 6..])
    } else {
        hex.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{PassReport, StepOutcome};
    use crate::steps::Step;
    use crate::writer::WriteOutcome;

    fn report(block: u64, steps: Vec<(Step, StepOutcome)>) -> PassReport {
        PassReport {
            block,
            steps,
            exits: Vec::new(),
        }
    }

    #[test]
    fn a_wait_is_known_again_in_the_next_block_and_a_fee_wait_whatever_the_fee() {
        let wait = |block| {
            let why = "2 deposited key(s) wait for StaFi's oracles".to_owned();
            report(
                block,
                vec![(Step::Stake, StepOutcome::Waiting { reason: why })],
            )
        };
        let fee = |block, needed| {
            let o = StepOutcome::Wrote(vec![Ok(WriteOutcome::FeeAboveCap { needed, cap: 0 })]);
            report(block, vec![(Step::Fund, o)])
        };
        let key = |r: PassReport| r.lines_with_waits().remove(0).1;
        assert_eq!(key(wait(7)), key(wait(8)));
        assert!(key(wait(7)).is_some());
        assert_eq!(key(fee(9, 15)), key(fee(10, 16)));
        assert!(key(fee(9, 15)).is_some());
        assert_ne!(key(fee(9, 15)), key(wait(9)));
        let mined = WriteOutcome::Mined {
            intent: 2,
            tx: alloy::primitives::B256::ZERO,
            block: 10,
            success: true,
            gas_used: 100,
        };
        let r = report(
            9,
            vec![(Step::Deposit, StepOutcome::Wrote(vec![Ok(mined)]))],
        );
        assert_eq!(key(r), None);
        assert_eq!(
            fee(9, 15).lines(),
            [
                "block 9: fund: waiting: the network's fee 0.000000015 gwei is above the cap 0 gwei (gas.max_fee_per_gas_gwei); nothing signed"
            ]
        );
    }
}
