//! `stafi-router run`: the daemon (a pass on every new block until SIGINT/SIGTERM), and
//! `stafi-router plan` / `run --plan`: one read-only pass printing every write it would send.

use clap::Args;
use router::{PlanReport, Router};

use super::node::{self, ConfigArgs};
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Run one read-only pass and print the writes it would send (same as `stafi-router plan`).
    #[arg(long)]
    pub plan: bool,
    /// With `--plan`: print JSON.
    #[arg(long, requires = "plan")]
    pub json: bool,
    /// Stop after this many passes (default: run until interrupted).
    #[arg(long, value_name = "N", conflicts_with = "plan")]
    pub passes: Option<u64>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &RunArgs) -> Result<(), CliError> {
    if args.plan {
        return plan_with(&args.config, args.json);
    }
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::Runtime)?;
    runtime.block_on(async {
        // The execution endpoints may be down at start: wait for them (saying so), never for a
        // wrong configuration.
        let mut router = retry_transient("opening the router", || open(&args.config)).await?;
        let listen = router.node.settings.config.metrics.listen.clone();
        let handle = router::metrics::install()?;
        let addr = router::metrics::serve(&listen, handle, router.health.clone()).await?;
        router.export_metrics(true);
        println!("metrics on http://{addr}/metrics (also /healthz, /readyz)");
        let bar = node::sync_bar();
        let reconciled = loop {
            match router
                .start_with(|p| {
                    bar.set_length(p.target);
                    bar.set_position(p.at);
                })
                .await
            {
                Ok(r) => break r,
                Err(e) if e.is_transient() => {
                    router.health.pass_failed(e.to_string());
                    tracing::warn!(error = %e, "the first sync failed; retrying in 5 s");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                }
                Err(e) => return Err(e.into()),
            }
        };
        bar.finish_and_clear();
        for outcome in &reconciled {
            println!("reconciled a write left open: {outcome}");
        }
        println!(
            "stafi-router running: super node {}, SSV owner {}, synced to block {}",
            router.node.identity.super_node,
            router.node.identity.ssv_owner,
            router.node.syncer.state().cursor.unwrap_or(0)
        );
        let passes = args.passes;
        let mut done = 0u64;
        let mut waiting_before: Vec<String> = Vec::new();
        router
            .run_with(shutdown(), |report| {
                // A step that keeps waiting for the same reason is said once, not every block.
                let lines = report.lines_with_waits();
                let waiting: Vec<String> = lines.iter().filter_map(|(_, w)| w.clone()).collect();
                for (line, wait) in lines {
                    if !wait.is_some_and(|w| waiting_before.contains(&w)) {
                        println!("{line}");
                    }
                }
                waiting_before = waiting;
                done += 1;
                passes.is_some_and(|n| done >= n)
            })
            .await?;
        println!("stafi-router stopped after {done} pass(es)");
        Ok(())
    })
}

pub fn plan(args: &PlanArgs) -> Result<(), CliError> {
    plan_with(&args.config, args.json)
}

fn plan_with(config: &ConfigArgs, json: bool) -> Result<(), CliError> {
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::Runtime)?;
    runtime.block_on(async {
        let mut router = open(config).await?;
        let report = router.plan_report().await?;
        if json {
            let text = serde_json::to_string_pretty(&report).map_err(|source| CliError::Json {
                what: "plan",
                source,
            })?;
            println!("{text}");
        } else {
            print!("{}", plan_text(&report));
        }
        Ok(())
    })
}

/// Runs `f` until it succeeds or fails for a reason waiting does not cure; says why it waits.
async fn retry_transient<T, F, Fut>(what: &str, mut f: F) -> Result<T, CliError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, CliError>>,
{
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(CliError::Router(e)) if e.is_transient() => {
                tracing::warn!(error = %e, "{what} failed; retrying in 5 s");
                eprintln!("waiting: {what} failed ({e}); retrying in 5 s");
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn open(config: &ConfigArgs) -> Result<Router, CliError> {
    let settings = config.settings()?;
    Ok(Router::open(settings, &node::env, node::terminal_prompt()).await?)
}

/// Resolves on SIGINT or SIGTERM; the pass in progress finishes first.
async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down after the pass in progress");
}

fn plan_text(report: &PlanReport) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        "plan at block {}: {} write(s); nothing is sent\n",
        report.block,
        report.writes.len()
    );
    for p in &report.writes {
        out.push_str(&p.to_line());
        out.push('\n');
    }
    for (step, why) in &report.waiting {
        let _ = writeln!(out, "[{step}] waiting: {why}");
    }
    out
}
