//! `stafi-router run` watched as an operator would, on the devnet: `/metrics` during the flow
//! (validators by status equal what `status` prints, a cluster's balance gauge equals
//! SSVNetworkViews' `getBalance`, a refused write bumps its step's failure counter), `/readyz`
//! flipping when the execution endpoint stops answering and back, and every metric the Grafana
//! dashboard queries present in a real scrape.
#![allow(
    clippy::float_cmp,
    reason = "the gauges hold counts and a balance that must be exactly the chain's"
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::providers::Provider;
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use devnet::stack::Stack;
use stafi_contracts::ssv_network::SSVNetwork;

mod common;

/// A TCP relay in front of anvil that can stop answering (new connections are dropped, open
/// ones cut) and come back.
struct Relay {
    addr: SocketAddr,
    down: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let down = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let (d, o) = (down.clone(), open.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if d.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                o.lock().unwrap().push(task);
            }
        });
        Self { addr, down, open }
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
        if down {
            for task in self.open.lock().unwrap().drain(..) {
                task.abort();
            }
        }
    }
}

/// A running `stafi-router run`, stopped with SIGTERM when dropped.
struct Daemon {
    child: Child,
    metrics: SocketAddr,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(stack: &Stack, set: &[String], log: &str) -> Daemon {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stafi-router"));
    cmd.args(["run", "--config"])
        .arg(&stack.files.config)
        .env_remove("STAFI_ROUTER_CONFIG")
        .env("STAFI_ROUTER_LOG", log)
        .env("STAFI_ROUTER_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for s in set {
        cmd.args(["--set", s]);
    }
    let mut child = cmd.spawn().expect("the binary runs");
    let (tx, rx) = std::sync::mpsc::channel();
    let out = child.stdout.take().unwrap();
    let stdout: Arc<Mutex<Vec<String>>> = Arc::default();
    let said = stdout.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("metrics on http://") {
                let addr = rest.split('/').next().unwrap().to_owned();
                let _ = tx.send(addr);
            }
            said.lock().unwrap().push(line);
        }
    });
    let stderr: Arc<Mutex<Vec<String>>> = Arc::default();
    let err = child.stderr.take().unwrap();
    let lines = stderr.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            lines.lock().unwrap().push(line);
        }
    });
    let Ok(addr) = rx.recv_timeout(Duration::from_mins(1)) else {
        let status = child.wait();
        std::thread::sleep(Duration::from_millis(200));
        panic!(
            "the router did not print its metrics address ({status:?}): {:#?}",
            stderr.lock().unwrap()
        );
    };
    Daemon {
        child,
        metrics: addr.parse().unwrap(),
        stdout,
        stderr,
    }
}

async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let resp = alloy::transports::http::reqwest::get(format!("http://{addr}{path}"))
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

/// `name{labels}` → value, from Prometheus text.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            Some((series.to_owned(), value.parse().ok()?))
        })
        .collect()
}

fn sample(s: &BTreeMap<String, f64>, series: &str) -> f64 {
    *s.get(series)
        .unwrap_or_else(|| panic!("{series} not in the scrape: {:#?}", s.keys()))
}

/// Waits until `check` holds, voting MATCH for deposited keys meanwhile as StaFi's oracles.
async fn until(stack: &Stack, what: &str, secs: u64, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(Instant::now() < deadline, "{what}: not after {secs} s");
        stack.devnet.vote_deposited().await.unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_health_and_the_dashboard_on_a_devnet_router() {
    let dir = tempfile::tempdir().unwrap();
    let stack = common::stack(dir.path(), 64).await;
    let keys = common::keys(&stack, 2);
    let anvil: SocketAddr = stack.devnet.endpoint_url().authority().parse().unwrap();
    let relay = Relay::start(anvil).await;
    let rpc = format!("execution.rpc_urls=http://{}", relay.addr);

    // A gas cap no deposit fits: the deposit is refused, and its step's failure counter says so.
    {
        let d = start(
            &stack,
            &[rpc.clone(), "gas.max_gas_per_tx=100000".into()],
            "info",
        );
        let mut failed = 0.0;
        let deadline = Instant::now() + Duration::from_mins(1);
        while failed < 1.0 {
            assert!(Instant::now() < deadline, "no deposit failure counted");
            tokio::time::sleep(Duration::from_millis(250)).await;
            let (_, text) = get(d.metrics, "/metrics").await;
            failed = samples(&text)
                .get("stafi_router_step_failed_total{step=\"deposit\"}")
                .copied()
                .unwrap_or(0.0);
        }
        let (_, text) = get(d.metrics, "/metrics").await;
        let s = samples(&text);
        assert!(
            sample(
                &s,
                "stafi_router_transactions_total{step=\"deposit\",result=\"refused\"}"
            ) >= 1.0
        );
        assert_eq!(
            sample(&s, "stafi_router_step_sent_total{step=\"deposit\"}"),
            0.0
        );
        // JSON log lines, with the pass span (its block) on the events inside it.
        let logs = d.stderr.lock().unwrap().clone();
        let refused = logs
            .iter()
            .find(|l| l.contains("write refused"))
            .unwrap_or_else(|| panic!("{logs:#?}"));
        let line: serde_json::Value = serde_json::from_str(refused).unwrap();
        assert_eq!(line["fields"]["step"], "deposit");
        assert!(line["span"]["block"].is_number(), "{line}");
    }

    // Gas caps below the network's fee: every pass the deposit waits, counted as a wait and as
    // `fee_above_cap`, nothing sent; the output says it once, not every pass.
    {
        let d = start(
            &stack,
            &[
                rpc.clone(),
                "gas.max_fee_per_gas_gwei=0".into(),
                "gas.max_priority_fee_per_gas_gwei=0".into(),
            ],
            "warn",
        );
        let waited = |s: &BTreeMap<String, f64>| {
            s.get("stafi_router_step_waiting_total{step=\"deposit\"}")
                .copied()
                .unwrap_or(0.0)
        };
        let deadline = Instant::now() + Duration::from_mins(1);
        let s = loop {
            let (_, text) = get(d.metrics, "/metrics").await;
            let s = samples(&text);
            if waited(&s) >= 3.0 {
                break s;
            }
            assert!(Instant::now() < deadline, "no fee-cap wait counted: {text}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        assert!(
            sample(
                &s,
                "stafi_router_transactions_total{step=\"deposit\",result=\"fee_above_cap\"}"
            ) >= 3.0
        );
        assert_eq!(
            sample(&s, "stafi_router_step_sent_total{step=\"deposit\"}"),
            0.0
        );
        let said = d.stdout.lock().unwrap().clone();
        let fee_waits = said
            .iter()
            .filter(|l| l.contains("deposit: waiting: the network's fee"))
            .count();
        assert_eq!(fee_waits, 1, "{said:#?}");
    }

    // The flow: two validators registered.
    let d = start(
        &stack,
        &[rpc.clone(), "metrics.ready_max_failed_passes=1".into()],
        "warn",
    );
    until(&stack, "two validators registered", 120, async || {
        common::registered(&stack, &keys).await == 2
    })
    .await;
    until(&stack, "ready", 30, async || {
        get(d.metrics, "/readyz").await.0 == 200
    })
    .await;
    assert_eq!(get(d.metrics, "/healthz").await, (200, "ok\n".to_owned()));
    // A pass on the final state.
    stack.devnet.mine(1).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, text) = get(d.metrics, "/metrics").await;
    let s = samples(&text);
    assert_eq!(
        sample(
            &s,
            "stafi_router_validators{view=\"ssv\",status=\"registered\"}"
        ),
        2.0
    );
    assert_eq!(sample(&s, "stafi_router_fee_recipient_correct"), 1.0);
    assert_eq!(sample(&s, "stafi_router_owner_nonce"), 2.0);
    assert!(
        sample(
            &s,
            "stafi_router_transactions_total{step=\"onboard\",result=\"mined\"}"
        ) >= 1.0
    );

    // The cluster's balance gauge is SSVNetworkViews' getBalance at the synced block.
    let owner = stack.devnet.accounts.ssv_owner;
    let logs = stack
        .devnet
        .provider()
        .get_logs(
            &Filter::new()
                .address(stack.devnet.addresses.ssv_network)
                .event_signature(SSVNetwork::ValidatorAdded::SIGNATURE_HASH)
                .from_block(0),
        )
        .await
        .unwrap();
    let last = SSVNetwork::ValidatorAdded::decode_log(&logs.last().unwrap().inner).unwrap();
    let ids: Vec<u64> = last.data.operatorIds.clone();
    let cursor = sample(&s, "stafi_router_sync_cursor_block");
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a block number"
    )]
    let at = alloy::eips::BlockId::number(cursor as u64);
    let on_chain = stack
        .devnet
        .ssv_views()
        .getBalance(owner, ids.clone(), last.data.cluster.clone().into())
        .block(at)
        .call()
        .await
        .unwrap();
    let label = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
    assert_eq!(
        sample(
            &s,
            &format!("stafi_router_cluster_balance_wei{{operators=\"{label}\",fee_token=\"eth\"}}")
        ),
        f64::from(on_chain),
        "the gauge is the chain's balance (as a float)"
    );

    // Every metric the dashboard queries is in the scrape.
    let dashboard = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../deploy/grafana/stafi-router.json"),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&dashboard).unwrap();
    let mut queried = std::collections::BTreeSet::new();
    for panel in json["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for (i, _) in expr.match_indices("stafi_router_") {
                let name: String = expr[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                queried.insert(name);
            }
        }
    }
    assert!(queried.len() >= 20, "{queried:?}");
    let exported: std::collections::BTreeSet<String> = s
        .keys()
        .map(|k| k.split('{').next().unwrap().to_owned())
        .collect();
    let missing: Vec<&String> = queried.iter().filter(|m| !exported.contains(*m)).collect();
    assert!(
        missing.is_empty(),
        "the dashboard queries {missing:?}, which the router does not export"
    );

    // /readyz: not ready while the execution endpoint is gone, ready again when it is back.
    relay.set_down(true);
    until(&stack, "not ready", 30, async || {
        get(d.metrics, "/readyz").await.0 == 503
    })
    .await;
    let (_, why) = get(d.metrics, "/readyz").await;
    assert!(why.contains("not ready"), "{why}");
    relay.set_down(false);
    until(&stack, "ready again", 30, async || {
        get(d.metrics, "/readyz").await.0 == 200
    })
    .await;
    drop(d);

    // What `status` prints once the daemon stopped agrees with the last scrape.
    let out = common::ok(&stack, &["status", "--json"], "warn");
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut by_status: BTreeMap<(String, String), f64> = BTreeMap::new();
    for v in status["validators"].as_array().unwrap() {
        for view in ["ssv", "beacon", "stafi"] {
            let value = v[view].as_str().unwrap().to_owned();
            *by_status.entry((view.to_owned(), value)).or_default() += 1.0;
        }
    }
    for ((view, value), n) in by_status {
        assert_eq!(
            sample(
                &s,
                &format!("stafi_router_validators{{view=\"{view}\",status=\"{value}\"}}")
            ),
            n,
            "{view} {value}"
        );
    }
}
