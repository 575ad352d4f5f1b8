//! Kill at every write: `stafi-router run` on the devnet through a validator's whole life (fee
//! recipient, deposit, stake, registration, StaFi's ejection → voluntary exit POST, SSV exit,
//! removal, the emptied cluster's withdrawal), SIGKILLed at the first write of each kind at one
//! failpoint stage (before the send, after the send, after the receipt), restarted each time.
//! Afterwards: no duplicate deposit or stake, no key reused, each key registered once with one
//! owner nonce, each exit sent to SSV once, one withdrawal, every intent closed.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::Bytes;
use alloy::providers::Provider;
use devnet::stack::Stack;
use stafi_contracts::ssv_network::SSVNetwork;

mod common;

/// Every kind of write this flow makes, as the failpoints name them.
const KINDS: [&str; 8] = [
    "fee_recipient",
    "deposit",
    "stake",
    "register",
    "exit_post",
    "exit_on_ssv",
    "remove",
    "withdraw",
];

/// The failpoints a stage has in this flow: every kind, but a beacon POST has no receipt.
fn expected(stage: &str) -> BTreeSet<String> {
    KINDS
        .iter()
        .filter(|k| !(stage == "after_receipt" && **k == "exit_post"))
        .map(|k| format!("{stage}.{k}"))
        .collect()
}

struct Daemon {
    child: Child,
    stopped_at: Arc<Mutex<Option<String>>>,
}

fn start(stack: &Stack, stage: &str, markers: &Path) -> Daemon {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stafi-router"))
        .args(["run", "--config"])
        .arg(&stack.files.config)
        .env_remove("STAFI_ROUTER_CONFIG")
        .env("STAFI_ROUTER_LOG", "warn")
        .env("STAFI_ROUTER_FAILPOINT", stage)
        .env("STAFI_ROUTER_FAILPOINT_DIR", markers)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let stopped_at: Arc<Mutex<Option<String>>> = Arc::default();
    let err = child.stderr.take().unwrap();
    let seen = stopped_at.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("FAILPOINT ") {
                *seen.lock().unwrap() = Some(rest.to_owned());
            }
        }
    });
    Daemon { child, stopped_at }
}

fn kill(d: &mut Daemon, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, &d.child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(30);
    while matches!(d.child.try_wait(), Ok(None)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = d.child.kill();
    let _ = d.child.wait();
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
    let started = Instant::now();
    let mut ejected = false;
    let mut crashes = Vec::new();
    let mut daemon = start(&stack, stage, markers.path());
    loop {
        assert!(
            started.elapsed() < Duration::from_mins(5),
            "{stage}: the flow did not finish; crashed at {crashes:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        let stopped = daemon.stopped_at.lock().unwrap().take();
        if let Some(point) = stopped {
            // The router stands at the failpoint: kill it there, start it again.
            kill(&mut daemon, "-KILL");
            crashes.push(point);
            daemon = start(&stack, stage, markers.path());
            continue;
        }
        if let Ok(Some(status)) = daemon.child.try_wait() {
            panic!("{stage}: the router exited ({status}) after {crashes:?}");
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
        if withdrawn
            && expected(stage)
                .iter()
                .all(|m| markers.path().join(m).exists())
        {
            tokio::time::sleep(Duration::from_millis(500)).await;
            if daemon.stopped_at.lock().unwrap().is_none() {
                break;
            }
        }
    }
    kill(&mut daemon, "-TERM");

    // One writer: while a router runs, another process is refused the data directory (every
    // restart above also took over the lock a SIGKILLed router left behind).
    let mut running = start(&stack, "none", markers.path());
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
    kill(&mut running, "-TERM");

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

    // Every kind was stopped at once at this stage, and the flow still finished.
    let hit: BTreeSet<String> = std::fs::read_dir(markers.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(hit, expected(stage), "{stage}: crashed at {crashes:?}");
    assert_eq!(crashes.len(), hit.len());

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

    // Every intent is closed, each write mined once.
    let settings = router::Config::load(&stack.files.config, std::iter::empty(), &[]).unwrap();
    let store = router::Store::open(
        &settings.config.data_dir,
        &router::StoreIdentity {
            chain_id: settings.profile.chain_id(),
            ssv_network: settings.ssv_network,
            ssv_owner: owner,
            super_node: d.accounts.super_node,
        },
    )
    .unwrap();
    assert!(store.open_intents().unwrap().is_empty(), "{stage}");
    let intents = store.intents().unwrap();
    let mut mined: Vec<(String, Vec<u64>)> = intents
        .iter()
        .filter(|r| matches!(r.state, router::IntentState::Mined { success: true, .. }))
        .map(|r| {
            (
                r.intent.kind.label().to_owned(),
                r.intent.key_indices.clone(),
            )
        })
        .collect();
    let n = mined.len();
    mined.sort();
    mined.dedup();
    assert_eq!(mined.len(), n, "{stage}: a write mined twice: {intents:#?}");
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

/// What the fault proxy does to a JSON-RPC request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// HTTP 500.
    ServerError,
    /// HTTP 429 with `Retry-After: 1`.
    RateLimited,
    /// The connection is closed without an answer.
    Dropped,
    /// Half of the JSON body.
    Truncated,
    /// No answer within the router's request timeout.
    Timeout,
    /// `eth_getTransactionReceipt` answers `null` (the transaction "was never mined").
    LyingReceipt,
    /// `eth_chainId` answers another chain.
    WrongChain,
}

/// An HTTP proxy in front of anvil that injects one fault at a time.
struct FaultProxy {
    url: String,
    fault: Arc<Mutex<Fault>>,
    faulted: Arc<std::sync::atomic::AtomicU64>,
    /// Requests passed on to anvil.
    served: Arc<std::sync::atomic::AtomicU64>,
}

impl FaultProxy {
    async fn start(upstream: String) -> Self {
        use http_body_util::{BodyExt as _, Full};
        use hyper::body::Bytes as Body;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let fault = Arc::new(Mutex::new(Fault::None));
        let faulted = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let served = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let client = alloy::transports::http::reqwest::Client::new();
        let (f, n, ok) = (fault.clone(), faulted.clone(), served.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (f, n, ok, client, upstream) = (
                    f.clone(),
                    n.clone(),
                    ok.clone(),
                    client.clone(),
                    upstream.clone(),
                );
                tokio::spawn(async move {
                    if *f.lock().unwrap() == Fault::Dropped {
                        n.fetch_add(1, Ordering::SeqCst);
                        drop(stream);
                        return;
                    }
                    let service = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let (f, n, ok, client, upstream) = (
                                f.clone(),
                                n.clone(),
                                ok.clone(),
                                client.clone(),
                                upstream.clone(),
                            );
                            async move {
                                let body = req.into_body().collect().await?.to_bytes();
                                let fault = *f.lock().unwrap();
                                let text = String::from_utf8_lossy(&body).into_owned();
                                let count = |hit: bool| {
                                    if hit {
                                        n.fetch_add(1, Ordering::SeqCst);
                                    }
                                    hit
                                };
                                let reply = |status: u16, body: String| {
                                    hyper::Response::builder()
                                        .status(status)
                                        .header("content-type", "application/json")
                                        .header("retry-after", "1")
                                        .body(Full::new(Body::from(body)))
                                        .unwrap()
                                };
                                match fault {
                                    Fault::ServerError if count(true) => {
                                        return Ok::<_, hyper::Error>(reply(
                                            500,
                                            "internal error".into(),
                                        ));
                                    }
                                    Fault::RateLimited if count(true) => {
                                        return Ok(reply(
                                            429,
                                            "{\"error\":\"rate limited\"}".into(),
                                        ));
                                    }
                                    Fault::Timeout if count(true) => {
                                        tokio::time::sleep(Duration::from_secs(5)).await;
                                        return Ok(reply(504, String::new()));
                                    }
                                    Fault::LyingReceipt
                                        if count(text.contains("eth_getTransactionReceipt")) =>
                                    {
                                        let id = serde_json::from_str::<serde_json::Value>(&text)
                                            .map(|v| v["id"].clone())
                                            .unwrap_or_default();
                                        return Ok(reply(
                                        200,
                                        serde_json::json!({"jsonrpc": "2.0", "id": id, "result": null}).to_string(),
                                    ));
                                    }
                                    Fault::WrongChain if count(text.contains("eth_chainId")) => {
                                        let id = serde_json::from_str::<serde_json::Value>(&text)
                                            .map(|v| v["id"].clone())
                                            .unwrap_or_default();
                                        return Ok(reply(
                                        200,
                                        serde_json::json!({"jsonrpc": "2.0", "id": id, "result": "0x1"}).to_string(),
                                    ));
                                    }
                                    _ => {}
                                }
                                ok.fetch_add(1, Ordering::SeqCst);
                                let answer = client
                                    .post(&upstream)
                                    .header("content-type", "application/json")
                                    .body(body.to_vec())
                                    .send()
                                    .await
                                    .unwrap()
                                    .bytes()
                                    .await
                                    .unwrap();
                                let answer = if fault == Fault::Truncated && count(true) {
                                    answer.slice(..answer.len() / 2)
                                } else {
                                    answer
                                };
                                Ok(reply(200, String::from_utf8_lossy(&answer).into_owned()))
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(false)
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            url,
            fault,
            faulted,
            served,
        }
    }

    fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
    }
}

fn start_with(stack: &Stack, set: &[&str]) -> Daemon {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stafi-router"));
    cmd.args(["run", "--config"])
        .arg(&stack.files.config)
        .env_remove("STAFI_ROUTER_CONFIG")
        .env("STAFI_ROUTER_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for s in set {
        cmd.args(["--set", s]);
    }
    let mut child = cmd.spawn().expect("the binary runs");
    let stopped_at: Arc<Mutex<Option<String>>> = Arc::default();
    let err = child.stderr.take().unwrap();
    let seen = stopped_at.clone();
    std::thread::spawn(move || {
        let lines: Vec<String> = BufReader::new(err).lines().map_while(Result::ok).collect();
        *seen.lock().unwrap() = Some(lines.join("\n"));
    });
    Daemon { child, stopped_at }
}

#[tokio::test(flavor = "multi_thread")]
async fn rpc_faults_never_make_a_write_go_twice() {
    let dir = tempfile::tempdir().unwrap();
    let stack = common::stack(dir.path(), 64).await;
    let d = &stack.devnet;
    let proxy = FaultProxy::start(d.endpoint_url().to_string()).await;
    let rpc = format!("execution.rpc_urls={}", proxy.url);
    let settings = [
        rpc.as_str(),
        "execution.request_timeout_secs=2",
        "pass.replace_after_secs=2",
        "pass.receipt_timeout_secs=6",
    ];

    // An endpoint on another chain: refused at start, nothing sent.
    let sent = async || {
        (
            d.provider()
                .get_transaction_count(d.accounts.ssv_owner)
                .await
                .unwrap(),
            d.provider()
                .get_transaction_count(d.accounts.super_node)
                .await
                .unwrap(),
        )
    };
    let before = sent().await;
    proxy.set(Fault::WrongChain);
    let mut wrong = start_with(&stack, &settings);
    let status = wrong.child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let said = wrong.stopped_at.lock().unwrap().clone().unwrap_or_default();
    assert!(
        !status.success() && said.contains("is on chain 1"),
        "{said}"
    );
    assert_eq!(sent().await, before);

    // Faults, one after the other, while StaFi's oracles vote; then a clean endpoint.
    proxy.set(Fault::None);
    let mut daemon = start_with(&stack, &settings);
    let faults = [
        Fault::ServerError,
        Fault::RateLimited,
        Fault::Dropped,
        Fault::Truncated,
        Fault::Timeout,
        Fault::LyingReceipt,
    ];
    let keys = common::keys(&stack, 2);
    let started = Instant::now();
    let mut survived = BTreeSet::new();
    // The first pass's writes (the fee recipient, the deposit) meet receipts that say "not
    // mined": the router waits, replaces with the same nonce, and closes them from the chain.
    proxy.set(Fault::LyingReceipt);
    let before = proxy.faulted.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(4)).await;
    if proxy.faulted.load(Ordering::SeqCst) > before {
        survived.insert(format!("{:?}", Fault::LyingReceipt));
    }
    for fault in faults.iter().cycle().take(12) {
        // The fault while StaFi's oracles vote (so the router's writes and receipts meet it),
        // then a clean endpoint for a while.
        proxy.set(*fault);
        let before = proxy.faulted.load(Ordering::SeqCst);
        d.vote_deposited().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        if proxy.faulted.load(Ordering::SeqCst) > before {
            survived.insert(format!("{fault:?}"));
        }
        proxy.set(Fault::None);
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        if let Ok(Some(status)) = daemon.child.try_wait() {
            std::thread::sleep(Duration::from_millis(200));
            panic!(
                "the router exited ({status}) under {fault:?}: {}",
                daemon
                    .stopped_at
                    .lock()
                    .unwrap()
                    .clone()
                    .unwrap_or_default()
            );
        }
    }
    proxy.set(Fault::None);
    common::until_registered(
        &stack,
        &keys,
        Duration::from_mins(4).saturating_sub(started.elapsed()),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    kill(&mut daemon, "-TERM");
    let all: BTreeSet<String> = faults.iter().map(|f| format!("{f:?}")).collect();
    assert_eq!(survived, all, "faults that reached the router");

    // Nothing went twice.
    common::assert_each_once(&stack, &keys).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_endpoints_fail_over_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let stack = common::stack(dir.path(), 64).await;
    let d = &stack.devnet;
    let a = FaultProxy::start(d.endpoint_url().to_string()).await;
    let b = FaultProxy::start(d.endpoint_url().to_string()).await;
    let rpc = format!("execution.rpc_urls={},{}", a.url, b.url);
    let keys = common::keys(&stack, 2);
    // The first endpoint is gone from the start: the router works through the second.
    a.set(Fault::Dropped);
    let mut daemon = start_with(&stack, &[rpc.as_str(), "execution.request_timeout_secs=2"]);
    let started = Instant::now();
    while d
        .super_node_keys()
        .await
        .unwrap()
        .iter()
        .filter(|(_, s)| *s >= 1)
        .count()
        < 2
    {
        assert!(
            started.elapsed() < Duration::from_mins(2),
            "no deposit through the second endpoint"
        );
        assert!(
            matches!(daemon.child.try_wait(), Ok(None)),
            "the router exited"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Back: the first answers again and the second goes away.
    let served_a = a.served.load(Ordering::SeqCst);
    a.set(Fault::None);
    b.set(Fault::Dropped);
    common::until_registered(
        &stack,
        &keys,
        Duration::from_mins(4).saturating_sub(started.elapsed()),
    )
    .await;
    kill(&mut daemon, "-TERM");
    assert!(
        a.served.load(Ordering::SeqCst) > served_a,
        "the first endpoint was used again"
    );
    assert!(b.faulted.load(Ordering::SeqCst) > 0 && a.faulted.load(Ordering::SeqCst) > 0);
    // Nothing went twice.
    common::assert_each_once(&stack, &keys).await;
}
