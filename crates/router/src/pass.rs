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
use crate::config::Settings;
use crate::error::RouterError;
use crate::intent::Intent;
use crate::node::{Identity, Node};
use crate::steps::{PASS, Step};
use crate::world::MetadataCache;
use crate::writer::{WriteOutcome, Writer, WriterConfig};

/// What one step did in a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Nothing to do.
    Idle,
    /// Backing off after failures (passes left).
    BackingOff { passes_left: u32 },
    /// Work it cannot do now, and why (the pool owes pending stakes, the pubkey limit, no
    /// operator metadata, …).
    Waiting { reason: String },
    /// Planning failed (no committee, …).
    PlanFailed { error: String },
    /// Writes sent and their outcomes (or why one was refused).
    Wrote(Vec<Result<WriteOutcome, String>>),
}

/// What one pass did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassReport {
    pub block: u64,
    pub steps: Vec<(Step, StepOutcome)>,
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

    /// One line per write, failure or back-off (idle steps say nothing).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (step, outcome) in &self.steps {
            let head = format!("block {}: {}:", self.block, step.name());
            match outcome {
                StepOutcome::Idle => {}
                StepOutcome::BackingOff { passes_left } => out.push(format!(
                    "{head} backing off after failures ({passes_left} pass(es) left)"
                )),
                StepOutcome::Waiting { reason } => out.push(format!("{head} waiting: {reason}")),
                StepOutcome::PlanFailed { error } => {
                    out.push(format!("{head} cannot plan: {error}"));
                }
                StepOutcome::Wrote(writes) => out.extend(writes.iter().map(|w| match w {
                    Ok(o) => format!("{head} {o}"),
                    Err(e) => format!("{head} refused: {e}"),
                })),
            }
        }
        out
    }
}

/// One write a read-only pass would send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedWrite {
    pub step: &'static str,
    pub function: &'static str,
    pub contract: alloy::primitives::Address,
    pub key_indices: Vec<u64>,
    pub pubkeys: Vec<String>,
    pub operator_ids: Option<Vec<u64>>,
    pub owner_nonce: Option<u64>,
    /// Wei sent with the call.
    pub value: U256,
    /// `eth_estimateGas` (+20 %), or why the simulation refused it.
    pub gas: Result<u64, String>,
    pub reason: String,
}

/// The daemon: a node, the write path, the secrets and the policy.
#[derive(Debug)]
pub struct Router {
    pub node: Node,
    pub writer: Writer,
    seed: Seed,
    policy: Policy,
    metadata: Option<MetadataCache>,
    failures: BTreeMap<&'static str, (u32, u32)>,
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
        let node = Node::open(settings, identity).await?;
        let writer = Writer::new(node.chain.provider(), &accounts, chain_id, cfg);
        Ok(Self {
            node,
            writer,
            seed,
            policy,
            metadata: None,
            failures: BTreeMap::new(),
        })
    }

    /// Reconciles the writes a previous run left open, then syncs. Run before the first pass.
    pub async fn start(&mut self) -> Result<Vec<WriteOutcome>, RouterError> {
        let outcomes = self.writer.reconcile(&self.node.store).await?;
        self.node.sync(|_| {}).await?;
        Ok(outcomes)
    }

    /// One pass: await the writes earlier passes left pending, sync, snapshot, plan and send
    /// step by step.
    pub async fn pass(&mut self) -> Result<PassReport, RouterError> {
        // A write left pending is still open: wait for it again (it closes once mined), so its
        // keys and cluster are planned again from the chain rather than held in flight forever.
        for outcome in self.writer.reconcile(&self.node.store).await? {
            tracing::info!(%outcome, "write left open by an earlier pass");
        }
        self.node.sync(|_| {}).await?;
        let world = self
            .node
            .world(&self.seed, &self.policy, &mut self.metadata)
            .await?;
        let block = world.block;
        let mut steps = Vec::new();
        let mut touched: Vec<Vec<u64>> = Vec::new();
        let mut results: Vec<(&'static str, bool)> = Vec::new();
        for step in PASS {
            if let Some((fails, until)) = self.failures.get(step.name()).copied()
                && until > 0
            {
                self.failures.insert(step.name(), (fails, until - 1));
                steps.push((step, StepOutcome::BackingOff { passes_left: until }));
                continue;
            }
            let intents = match step.plan_or_wait(&world, &self.seed) {
                Ok(planned) => {
                    if let Some(reason) = planned.waiting {
                        tracing::info!(step = step.name(), %reason, "waiting");
                        steps.push((step, StepOutcome::Waiting { reason }));
                        continue;
                    }
                    planned.intents
                }
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
            if intents.is_empty() {
                steps.push((step, StepOutcome::Idle));
                continue;
            }
            let mut outcomes = Vec::new();
            let mut ok = true;
            for intent in intents {
                // A cluster this pass already wrote to has a new tuple: plan it again next pass.
                if intent.cluster.as_ref().is_some_and(|c| touched.contains(c)) {
                    continue;
                }
                tracing::info!(step = step.name(), call = intent.kind.function(), reason = %intent.reason, "write");
                let cluster = intent.cluster.clone();
                match self.writer.execute(&self.node.store, intent, block).await {
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
            steps.push((step, StepOutcome::Wrote(outcomes)));
        }
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
        Ok(PassReport { block, steps })
    }

    /// The writes a pass would send now, with gas estimates, without sending anything or marking
    /// any key used; only the sync cursor moves.
    pub async fn plan_only(&mut self) -> Result<Vec<PlannedWrite>, RouterError> {
        self.node.sync(|_| {}).await?;
        let world = self
            .node
            .world(&self.seed, &self.policy, &mut self.metadata)
            .await?;
        let block = BlockId::number(world.block);
        let mut out = Vec::new();
        for step in PASS {
            let intents: Vec<Intent> = match step.plan(&world, &self.seed) {
                Ok(i) => i,
                Err(e) => {
                    tracing::warn!(step = step.name(), error = %e, "planning failed");
                    continue;
                }
            };
            for intent in intents {
                let gas = self
                    .writer
                    .simulate(&intent, block)
                    .await
                    .map_err(|e| e.to_string());
                out.push(PlannedWrite {
                    step: step.name(),
                    function: intent.kind.function(),
                    contract: intent.to,
                    key_indices: intent.key_indices.clone(),
                    pubkeys: intent.pubkeys.iter().map(|p| format!("{p:#x}")).collect(),
                    operator_ids: intent.cluster.clone(),
                    owner_nonce: intent.owner_nonce,
                    value: intent.value,
                    gas,
                    reason: intent.reason.clone(),
                });
            }
        }
        Ok(out)
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
            match head {
                Ok(h)
                    if Some(h) != last_block
                        || last_pass.is_none_or(|t| t.elapsed() >= max_idle) =>
                {
                    last_block = Some(h);
                    last_pass = Some(std::time::Instant::now());
                    match self.pass().await {
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
        let gas = match &self.gas {
            Ok(g) => format!("{g} gas"),
            Err(e) => format!("refused by simulation: {e}"),
        };
        let mut text = format!(
            "[{}] {} at {}, value {value}, {gas}\n",
            self.step, self.function, self.contract
        );
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
