//! Observability: Prometheus metrics through the `metrics` facade (recorded whatever the
//! recorder; nothing is kept without one), the `/metrics`, `/healthz` and `/readyz` endpoints,
//! and the readiness the run loop keeps.
//!
//! Every metric is named `stafi_router_…`; [`METRICS`] lists them with their help text (the
//! dashboard and alert rules under `deploy/` use only these). Amounts are gauges in wei (as
//! floats: exact up to 2^53 wei, about 0.009 ETH, and to 16 significant digits beyond).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use alloy::primitives::U256;
use metrics::{counter, gauge};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::error::RouterError;
use crate::pass::{PassReport, StepOutcome};
use crate::status::{ClusterRow, ssv_label};
use crate::world::World;
use crate::writer::WriteOutcome;

/// Every metric the router exports, with its help text.
pub const METRICS: &[(&str, &str)] = &[
    (
        "stafi_router_pool_balance_wei",
        "ETH in StaFi's user deposit pool",
    ),
    (
        "stafi_router_pool_usable_wei",
        "pool ETH above the reserve, less what deposited keys still need",
    ),
    (
        "stafi_router_validators",
        "our validator keys by view (stafi, ssv, beacon) and status",
    ),
    (
        "stafi_router_cluster_balance_wei",
        "an SSV cluster's balance at the synced block (wei; SSV-wei for legacy clusters)",
    ),
    (
        "stafi_router_cluster_runway_days",
        "days until the cluster becomes liquidatable (+Inf when never)",
    ),
    (
        "stafi_router_cluster_liquidation_block",
        "the first block at which the cluster is liquidatable (+Inf when never)",
    ),
    (
        "stafi_router_cluster_validators",
        "validators in the cluster",
    ),
    (
        "stafi_router_cluster_active",
        "1 unless the cluster is liquidated",
    ),
    (
        "stafi_router_soonest_liquidation_block",
        "the earliest liquidation block over our clusters",
    ),
    (
        "stafi_router_min_runway_days",
        "the shortest runway over our clusters, days",
    ),
    (
        "stafi_router_owner_nonce",
        "the SSV owner's registration nonce",
    ),
    (
        "stafi_router_fee_recipient_correct",
        "1 when the SSV fee recipient is StaFi's super-node fee pool",
    ),
    (
        "stafi_router_key_index_next",
        "the next validator key index to use",
    ),
    (
        "stafi_router_key_index_gaps",
        "unused key indices below the highest one in use",
    ),
    (
        "stafi_router_pass_duration_seconds",
        "how long the last pass took",
    ),
    (
        "stafi_router_last_successful_pass_timestamp_seconds",
        "unix time of the last pass that completed",
    ),
    ("stafi_router_passes_total", "passes by result (ok, failed)"),
    ("stafi_router_step_planned_total", "writes a step planned"),
    ("stafi_router_step_sent_total", "writes a step sent"),
    (
        "stafi_router_step_failed_total",
        "a step's failures: planning, refused, reverted or abandoned writes",
    ),
    (
        "stafi_router_step_waiting_total",
        "passes in which a step had work it could not do (caps, limits, waits)",
    ),
    (
        "stafi_router_transactions_total",
        "transactions by step and result (mined, reverted, pending, fee_above_cap, abandoned, refused)",
    ),
    (
        "stafi_router_exit_posts_total",
        "voluntary exit POSTs by result (accepted, refused)",
    ),
    (
        "stafi_router_rpc_requests_total",
        "execution JSON-RPC reads by method",
    ),
    (
        "stafi_router_rpc_errors_total",
        "execution JSON-RPC reads that failed on an endpoint, by method and kind",
    ),
    ("stafi_router_chain_head_block", "the execution head block"),
    (
        "stafi_router_sync_cursor_block",
        "the block the SSV index is synced to",
    ),
    (
        "stafi_router_sync_head_lag_blocks",
        "head minus the synced block",
    ),
    (
        "stafi_router_ssv_api_metadata_age_seconds",
        "age of the operator metadata the pass used (0 just fetched)",
    ),
    (
        "stafi_router_exits_pending",
        "ejected validators whose exit is not yet on the beacon chain",
    ),
    (
        "stafi_router_moves_in_progress",
        "validators removed for a move and not yet registered again",
    ),
    ("stafi_router_ready", "1 when /readyz answers 200"),
];

/// `stafi_router_transactions_total`'s results.
const TX_RESULTS: [&str; 6] = [
    "mined",
    "reverted",
    "pending",
    "fee_above_cap",
    "abandoned",
    "refused",
];

/// StaFi super-node pubkey statuses, as `status` names them.
const STAFI_STATUSES: [&str; 5] = ["uninitial", "deposited", "match", "staked", "unmatch"];
const SSV_STATUSES: [&str; 4] = ["registered", "removed", "exit requested", "-"];
const BEACON_STATUSES: [&str; 10] = [
    "pending_initialized",
    "pending_queued",
    "active_ongoing",
    "active_exiting",
    "active_slashed",
    "exited_unslashed",
    "exited_slashed",
    "withdrawal_possible",
    "withdrawal_done",
    "-",
];

/// Installs the Prometheus recorder for this process (once) and describes every metric.
pub fn install() -> Result<PrometheusHandle, RouterError> {
    let handle = PrometheusBuilder::new()
        .install_recorder()
        .map_err(|e| RouterError::Metrics {
            listen: String::new(),
            message: e.to_string(),
        })?;
    for (name, help) in METRICS {
        metrics::describe_gauge!(*name, *help);
    }
    // Counters exist from the start at 0, so that rates and alerts see their first increase.
    for result in ["ok", "failed"] {
        counter!("stafi_router_passes_total", "result" => result).absolute(0);
    }
    for result in ["accepted", "refused"] {
        counter!("stafi_router_exit_posts_total", "result" => result).absolute(0);
    }
    for step in crate::steps::PASS {
        let name = step.name();
        for metric in [
            "stafi_router_step_planned_total",
            "stafi_router_step_sent_total",
            "stafi_router_step_failed_total",
            "stafi_router_step_waiting_total",
        ] {
            counter!(metric, "step" => name).absolute(0);
        }
        for result in TX_RESULTS {
            counter!("stafi_router_transactions_total", "step" => name, "result" => result)
                .absolute(0);
        }
    }
    for method in ["eth_blockNumber", "eth_getLogs"] {
        counter!("stafi_router_rpc_requests_total", "method" => method, "endpoint" => "0")
            .absolute(0);
        for kind in ["timeout", "rate_limited", "connection", "rpc"] {
            counter!(
                "stafi_router_rpc_errors_total",
                "method" => method,
                "endpoint" => "0",
                "kind" => kind
            )
            .absolute(0);
        }
    }
    gauge!("stafi_router_ready").set(0.0);
    Ok(handle)
}

fn wei(v: U256) -> f64 {
    f64::from(v)
}

#[allow(
    clippy::cast_precision_loss,
    reason = "counts and blocks far below 2^53"
)]
fn num(v: u64) -> f64 {
    v as f64
}

/// Every gauge of one snapshot: its own values and each cluster's balance, runway and
/// liquidation block at its block (`head`: the execution head it was synced against).
pub fn record_snapshot(world: &World<'_>, head: u64) -> Result<(), RouterError> {
    let rows = crate::status::cluster_rows(
        world.index,
        world.identity.ssv_owner,
        world.block,
        &world.eth_params,
        world.ssv_params.as_ref(),
    )?;
    record_world(world, &rows, head);
    Ok(())
}

/// Gauges from one snapshot and the clusters' rows.
fn record_world(world: &World<'_>, clusters: &[ClusterRow], head: u64) {
    gauge!("stafi_router_pool_balance_wei").set(wei(world.pool_balance));
    gauge!("stafi_router_pool_usable_wei").set(wei(crate::steps::pool_use(world).usable));
    let owner = world.identity.ssv_owner;
    let mut stafi = [0u64; 5];
    for k in &world.keys {
        if let Some(n) = usize::try_from(k.stafi_status)
            .ok()
            .and_then(|i| stafi.get_mut(i))
        {
            *n += 1;
        }
    }
    // From the owner's validators and the beacon statuses (the owner account is the router's
    // own), not a lookup per key: `-` is every key neither knows.
    let mut ssv = [0u64; 4];
    for v in world.index.validators_of(owner) {
        let label = ssv_label(Some(v));
        if let Some(i) = SSV_STATUSES.iter().position(|s| *s == label) {
            ssv[i] += 1;
        }
    }
    ssv[3] = num_keys(world).saturating_sub(ssv[..3].iter().sum());
    let mut beacon = [0u64; 10];
    for v in world.beacon.values() {
        let i = BEACON_STATUSES
            .iter()
            .position(|s| *s == v.status)
            .unwrap_or(BEACON_STATUSES.len() - 1);
        beacon[i] += 1;
    }
    beacon[9] += num_keys(world).saturating_sub(world.beacon.len() as u64);
    for (view, names, counts) in [
        ("stafi", &STAFI_STATUSES[..], &stafi[..]),
        ("ssv", &SSV_STATUSES[..], &ssv[..]),
        ("beacon", &BEACON_STATUSES[..], &beacon[..]),
    ] {
        for (name, n) in names.iter().zip(counts) {
            gauge!("stafi_router_validators", "view" => view, "status" => *name).set(num(*n));
        }
    }
    let mut soonest: Option<u64> = None;
    let mut shortest: Option<f64> = None;
    let mut handles = CLUSTER_GAUGES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    for c in clusters {
        let g = handles
            .entry(c.operators.clone())
            .or_insert_with(|| ClusterGauges::new(c));
        g.balance.set(wei(c.balance));
        g.validators.set(f64::from(c.validators));
        g.active.set(f64::from(u8::from(c.active)));
        // A cluster that never becomes liquidatable: +Inf (never 0, which would read as "now").
        let days = c.runway_days.as_deref().and_then(|d| d.parse::<f64>().ok());
        g.runway.set(days.unwrap_or(f64::INFINITY));
        g.liquidation
            .set(c.liquidation_block.map_or(f64::INFINITY, num));
        if c.validators > 0 {
            if let Some(days) = days {
                shortest = Some(shortest.map_or(days, |s| s.min(days)));
            }
            if let Some(block) = c.liquidation_block {
                soonest = Some(soonest.map_or(block, |s| s.min(block)));
            }
        }
    }
    drop(handles);
    if let Some(block) = soonest {
        gauge!("stafi_router_soonest_liquidation_block").set(num(block));
    }
    if let Some(days) = shortest {
        gauge!("stafi_router_min_runway_days").set(days);
    }
    gauge!("stafi_router_owner_nonce").set(num(world.index.owner_nonce(owner)));
    gauge!("stafi_router_fee_recipient_correct").set(f64::from(u8::from(
        world.index.fee_recipient(owner) == Some(world.fee_pool),
    )));
    let next = world.free_indices(1).first().copied().unwrap_or(0);
    let highest = world.keys.iter().map(|k| k.index).max();
    let gaps = highest.map_or(0, |h| (h + 1).saturating_sub(num_keys(world)));
    gauge!("stafi_router_key_index_next").set(num(next));
    gauge!("stafi_router_key_index_gaps").set(num(gaps));
    gauge!("stafi_router_chain_head_block").set(num(head));
    gauge!("stafi_router_sync_cursor_block").set(num(world.block));
    gauge!("stafi_router_sync_head_lag_blocks").set(num(head.saturating_sub(world.block)));
    let pending = world.ejector.jobs.values().filter(|j| !j.is_done()).count();
    gauge!("stafi_router_exits_pending").set(num(pending as u64));
    gauge!("stafi_router_moves_in_progress").set(num(crate::lifecycle::moving(world).len() as u64));
}

/// One cluster's gauges, registered once (a lookup per gauge and pass would cost more than the
/// pass at thousands of clusters).
struct ClusterGauges {
    balance: metrics::Gauge,
    validators: metrics::Gauge,
    active: metrics::Gauge,
    runway: metrics::Gauge,
    liquidation: metrics::Gauge,
}

impl ClusterGauges {
    fn new(c: &ClusterRow) -> Self {
        let ids = c
            .operators
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let labels = [("operators", ids), ("fee_token", c.version.clone())];
        Self {
            balance: gauge!("stafi_router_cluster_balance_wei", &labels),
            validators: gauge!("stafi_router_cluster_validators", &labels),
            active: gauge!("stafi_router_cluster_active", &labels),
            runway: gauge!("stafi_router_cluster_runway_days", &labels),
            liquidation: gauge!("stafi_router_cluster_liquidation_block", &labels),
        }
    }
}

static CLUSTER_GAUGES: std::sync::OnceLock<
    Mutex<std::collections::HashMap<Vec<u64>, ClusterGauges>>,
> = std::sync::OnceLock::new();

fn num_keys(world: &World<'_>) -> u64 {
    world.keys.len() as u64
}

/// The operator metadata's age.
pub(crate) fn record_metadata_age(age: Option<Duration>) {
    if let Some(age) = age {
        gauge!("stafi_router_ssv_api_metadata_age_seconds").set(age.as_secs_f64());
    }
}

/// Counters of one pass.
pub(crate) fn record_pass(report: &PassReport, planned: &[(&'static str, usize)], took: Duration) {
    gauge!("stafi_router_pass_duration_seconds").set(took.as_secs_f64());
    counter!("stafi_router_passes_total", "result" => "ok").increment(1);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    gauge!("stafi_router_last_successful_pass_timestamp_seconds").set(now);
    for (step, n) in planned {
        counter!("stafi_router_step_planned_total", "step" => *step).increment(*n as u64);
    }
    for (step, outcome) in &report.steps {
        let name = step.name();
        match outcome {
            StepOutcome::Idle | StepOutcome::BackingOff { .. } => {}
            StepOutcome::Waiting { .. } => {
                counter!("stafi_router_step_waiting_total", "step" => name).increment(1);
            }
            StepOutcome::PlanFailed { .. } => {
                counter!("stafi_router_step_failed_total", "step" => name).increment(1);
            }
            StepOutcome::Wrote(writes) => {
                // A write held back by the gas caps is a wait, as the step's counter counts them.
                if writes
                    .iter()
                    .any(|w| matches!(w, Ok(WriteOutcome::FeeAboveCap { .. })))
                {
                    counter!("stafi_router_step_waiting_total", "step" => name).increment(1);
                }
                for w in writes {
                    let result = match w {
                        Ok(WriteOutcome::Mined { success: true, .. }) => "mined",
                        Ok(WriteOutcome::Mined { success: false, .. }) => "reverted",
                        Ok(WriteOutcome::Pending { .. }) => "pending",
                        Ok(WriteOutcome::FeeAboveCap { .. }) => "fee_above_cap",
                        Ok(WriteOutcome::Abandoned { .. }) => "abandoned",
                        Err(_) => "refused",
                    };
                    if !matches!(result, "fee_above_cap" | "refused") {
                        counter!("stafi_router_step_sent_total", "step" => name).increment(1);
                    }
                    if matches!(result, "reverted" | "abandoned" | "refused") {
                        counter!("stafi_router_step_failed_total", "step" => name).increment(1);
                    }
                    counter!("stafi_router_transactions_total", "step" => name, "result" => result)
                        .increment(1);
                }
            }
        }
    }
    for e in &report.exits {
        let result = if e.result.is_ok() {
            "accepted"
        } else {
            "refused"
        };
        counter!("stafi_router_exit_posts_total", "result" => result).increment(1);
    }
}

/// A pass that did not complete.
pub(crate) fn record_failed_pass() {
    counter!("stafi_router_passes_total", "result" => "failed").increment(1);
}

/// One execution read on endpoint `endpoint` (its position in `execution.rpc_urls`: URLs often
/// carry API keys), and whether it failed (and how).
pub(crate) fn record_rpc(method: &str, endpoint: usize, error: Option<&str>) {
    let endpoint = endpoint.to_string();
    counter!("stafi_router_rpc_requests_total", "method" => method.to_owned(), "endpoint" => endpoint.clone())
        .increment(1);
    if let Some(message) = error {
        let kind = if message.contains("timed out") || message.contains("timeout") {
            "timeout"
        } else if message.contains("429") || message.contains("rate") {
            "rate_limited"
        } else if message.contains("connect") || message.contains("error sending request") {
            "connection"
        } else {
            "rpc"
        };
        counter!(
            "stafi_router_rpc_errors_total",
            "method" => method.to_owned(),
            "endpoint" => endpoint,
            "kind" => kind
        )
        .increment(1);
    }
}

/// Readiness thresholds (`[metrics]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyPolicy {
    /// The SSV index must be within this many blocks of the head.
    pub max_lag_blocks: u64,
    /// Not ready after this many passes failed in a row.
    pub max_failed_passes: u32,
}

#[derive(Debug, Default)]
struct HealthState {
    head: Option<u64>,
    head_error: Option<String>,
    cursor: Option<u64>,
    last_ok: Option<Instant>,
    failed_in_a_row: u32,
    last_error: Option<String>,
}

/// What `/readyz` answers from: the run loop reports heads and passes into it.
#[derive(Debug, Clone)]
pub struct Health {
    state: Arc<Mutex<HealthState>>,
    policy: ReadyPolicy,
}

impl Health {
    /// Not ready until a pass completes; judged by `policy` after that.
    pub fn new(policy: ReadyPolicy) -> Self {
        Self {
            state: Arc::default(),
            policy,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HealthState) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let out = f(&mut state);
        let ready = readiness(&state, self.policy).is_ok();
        drop(state);
        gauge!("stafi_router_ready").set(f64::from(u8::from(ready)));
        out
    }

    /// The head the loop read, or why no endpoint answered.
    pub fn head(&self, head: Result<u64, String>) {
        self.with(|s| match head {
            Ok(h) => {
                s.head = Some(h);
                s.head_error = None;
            }
            Err(e) => s.head_error = Some(e),
        });
    }

    /// A pass completed with the index synced to `cursor`.
    pub fn pass_ok(&self, cursor: u64) {
        self.with(|s| {
            s.cursor = Some(cursor);
            s.last_ok = Some(Instant::now());
            s.failed_in_a_row = 0;
            s.last_error = None;
        });
    }

    /// A pass failed.
    pub fn pass_failed(&self, error: String) {
        self.with(|s| {
            s.failed_in_a_row += 1;
            s.last_error = Some(error);
        });
    }

    /// Ready, or why not.
    pub fn ready(&self) -> Result<(), String> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        readiness(&state, self.policy)
    }
}

fn readiness(s: &HealthState, policy: ReadyPolicy) -> Result<(), String> {
    if let Some(e) = &s.head_error {
        return Err(format!("no execution endpoint answers: {e}"));
    }
    if s.last_ok.is_none() {
        return Err(s.last_error.as_ref().map_or_else(
            || "no pass has completed yet".to_owned(),
            |e| format!("no pass has completed yet; the last failed: {e}"),
        ));
    }
    if s.failed_in_a_row >= policy.max_failed_passes {
        return Err(format!(
            "the last {} passes failed: {}",
            s.failed_in_a_row,
            s.last_error.as_deref().unwrap_or("-")
        ));
    }
    if let (Some(head), Some(cursor)) = (s.head, s.cursor)
        && head.saturating_sub(cursor) > policy.max_lag_blocks
    {
        return Err(format!(
            "the index is {} blocks behind the head ({cursor} of {head}), more than {}",
            head - cursor,
            policy.max_lag_blocks
        ));
    }
    Ok(())
}

/// Serves `/metrics` (Prometheus text), `/healthz` (the process answers) and `/readyz` (200 when
/// ready, 503 with the reason) on `listen`; returns the bound address (port 0 picks one).
pub async fn serve(
    listen: &str,
    handle: PrometheusHandle,
    health: Health,
) -> Result<SocketAddr, RouterError> {
    use http_body_util::Full;
    use hyper::body::Bytes;
    use hyper::{Response, StatusCode};

    let err = |e: &dyn std::fmt::Display| RouterError::Metrics {
        listen: listen.to_owned(),
        message: e.to_string(),
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| err(&e))?;
    let addr = listener.local_addr().map_err(|e| err(&e))?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let handle = handle.clone();
            let health = health.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: hyper::Request<_>| {
                    let (status, kind, body) = match req.uri().path() {
                        "/metrics" => {
                            (StatusCode::OK, "text/plain; version=0.0.4", handle.render())
                        }
                        "/healthz" => (StatusCode::OK, "text/plain", "ok\n".to_owned()),
                        "/readyz" => match health.ready() {
                            Ok(()) => (StatusCode::OK, "text/plain", "ready\n".to_owned()),
                            Err(why) => (
                                StatusCode::SERVICE_UNAVAILABLE,
                                "text/plain",
                                format!("not ready: {why}\n"),
                            ),
                        },
                        _ => (
                            StatusCode::NOT_FOUND,
                            "text/plain",
                            "not found: /metrics, /healthz, /readyz\n".to_owned(),
                        ),
                    };
                    async move {
                        Response::builder()
                            .status(status)
                            .header("content-type", kind)
                            .body(Full::new(Bytes::from(body)))
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    Ok(addr)
}
