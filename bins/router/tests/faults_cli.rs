//! Faults: a fault proxy between the router and anvil injects HTTP 500, 429 with Retry-After,
//! dropped connections, truncated JSON, timeouts, receipts that lie, a stale head, an endpoint on
//! another chain; with two endpoints the router fails over and back. The same proxy in front of
//! the beacon node and the SSV API injects the HTTP faults there. Nothing is sent twice, and
//! nothing is sent while the beacon node is gone.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::providers::Provider;
use common::Daemon;

mod common;

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
    /// `eth_blockNumber` answers this old block: an endpoint stuck behind the chain.
    StaleHead(u64),
}

/// The faults any HTTP API can have.
const HTTP_FAULTS: [Fault; 5] = [
    Fault::ServerError,
    Fault::RateLimited,
    Fault::Dropped,
    Fault::Truncated,
    Fault::Timeout,
];

/// An HTTP proxy in front of anvil, the beacon node or the SSV API (method, path and body are
/// passed on) that injects one fault at a time.
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
                                let method = req.method().clone();
                                let path = req
                                    .uri()
                                    .path_and_query()
                                    .map_or("/", |p| p.as_str())
                                    .to_owned();
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
                                        return Ok(reply(
                                            200,
                                            answer(&text, &serde_json::Value::Null),
                                        ));
                                    }
                                    Fault::StaleHead(block)
                                        if count(text.contains("eth_blockNumber")) =>
                                    {
                                        return Ok(reply(
                                            200,
                                            answer(&text, &format!("{block:#x}").into()),
                                        ));
                                    }
                                    Fault::WrongChain if count(text.contains("eth_chainId")) => {
                                        return Ok(reply(200, answer(&text, &"0x1".into())));
                                    }
                                    _ => {}
                                }
                                ok.fetch_add(1, Ordering::SeqCst);
                                let answer = client
                                    .request(
                                        method,
                                        format!("{}{path}", upstream.trim_end_matches('/')),
                                    )
                                    .header("content-type", "application/json")
                                    .body(body.to_vec())
                                    .send()
                                    .await
                                    .unwrap();
                                let status = answer.status().as_u16();
                                let answer = answer.bytes().await.unwrap();
                                let answer = if fault == Fault::Truncated && count(true) {
                                    answer.slice(..answer.len() / 2)
                                } else {
                                    answer
                                };
                                Ok(reply(status, String::from_utf8_lossy(&answer).into_owned()))
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
    let mut wrong = Daemon::start(&stack, &[], &settings);
    let status = wrong.child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let said = wrong.said();
    assert!(
        !status.success() && said.contains("is on chain 1"),
        "{said}"
    );
    assert_eq!(sent().await, before);

    // Faults, one after the other, while StaFi's oracles vote; then a clean endpoint.
    proxy.set(Fault::None);
    let mut daemon = Daemon::start(&stack, &[], &settings);
    let faults = [HTTP_FAULTS.as_slice(), &[Fault::LyingReceipt]].concat();
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
        daemon.assert_running(&format!("under {fault:?}"));
    }
    proxy.set(Fault::None);
    common::until_registered(
        &stack,
        &keys,
        Duration::from_mins(4).saturating_sub(started.elapsed()),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    daemon.kill("-TERM");
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
    let mut daemon = Daemon::start(
        &stack,
        &[],
        &[rpc.as_str(), "execution.request_timeout_secs=2"],
    );
    let started = Instant::now();
    common::until_deposited(&stack, 2, &mut daemon, "through the second endpoint").await;
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
    daemon.kill("-TERM");
    assert!(
        a.served.load(Ordering::SeqCst) > served_a,
        "the first endpoint was used again"
    );
    assert!(b.faulted.load(Ordering::SeqCst) > 0 && a.faulted.load(Ordering::SeqCst) > 0);
    // Nothing went twice.
    common::assert_each_once(&stack, &keys).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_head_or_another_chain_after_start_is_not_acted_on() {
    let dir = tempfile::tempdir().unwrap();
    let stack = common::stack(dir.path(), 64).await;
    let d = &stack.devnet;
    let proxy = FaultProxy::start(d.endpoint_url().to_string()).await;
    let rpc = format!("execution.rpc_urls={}", proxy.url);
    let keys = common::keys(&stack, 2);
    let early = d.block_number().await.unwrap();
    let mut daemon = Daemon::start(
        &stack,
        &[],
        &[rpc.as_str(), "execution.request_timeout_secs=2"],
    );
    let started = Instant::now();
    common::until_deposited(&stack, 2, &mut daemon, "before the stale head").await;
    // The endpoint now says the head is a block from before both deposits, while StaFi's
    // oracles vote and blocks go on: the router must not deposit those keys again, nor stake
    // or register on what it cannot see.
    proxy.set(Fault::StaleHead(early));
    for _ in 0..16 {
        d.vote_deposited().await.unwrap();
        d.mine(1).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        daemon.assert_running("under a stale head");
    }
    assert!(proxy.faulted.load(Ordering::SeqCst) > 0);
    // Then the endpoint answers for another chain: no pass, nothing sent, until it is back.
    proxy.set(Fault::WrongChain);
    let before = proxy.faulted.load(Ordering::SeqCst);
    let sent = common::assert_no_failed_transaction(&stack).await;
    for _ in 0..8 {
        d.vote_deposited().await.unwrap();
        d.mine(1).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        daemon.assert_running("on another chain");
    }
    assert!(proxy.faulted.load(Ordering::SeqCst) > before);
    assert_eq!(
        common::assert_no_failed_transaction(&stack).await,
        sent,
        "sent while the endpoint was on another chain"
    );
    proxy.set(Fault::None);
    common::until_registered(
        &stack,
        &keys,
        Duration::from_mins(4).saturating_sub(started.elapsed()),
    )
    .await;
    daemon.kill("-TERM");
    common::assert_each_once(&stack, &keys).await;
    common::assert_no_failed_transaction(&stack).await;
}

/// A JSON-RPC answer to `request` (its id kept) with `result`.
fn answer(request: &str, result: &serde_json::Value) -> String {
    let id = serde_json::from_str::<serde_json::Value>(request)
        .map(|v| v["id"].clone())
        .unwrap_or_default();
    serde_json::json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string()
}

/// `http://host:port/path` → (`http://host:port`, `/path`).
fn split_url(url: &str) -> (String, String) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => (
            url[..after_scheme + i].to_owned(),
            url[after_scheme + i..].to_owned(),
        ),
        None => (url.to_owned(), String::new()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn beacon_and_ssv_api_faults_never_make_a_write_go_twice() {
    let dir = tempfile::tempdir().unwrap();
    let stack = common::stack(dir.path(), 64).await;
    let d = &stack.devnet;
    let (beacon_origin, beacon_path) = split_url(stack.beacon.url());
    let (api_origin, api_path) = split_url(&stack.ssv_api.network_url());
    let beacon = FaultProxy::start(beacon_origin).await;
    let api = FaultProxy::start(api_origin).await;
    let beacon_url = format!("beacon.urls={}{beacon_path}", beacon.url);
    let api_url = format!("ssv_api.url={}{api_path}", api.url);
    let keys = common::keys(&stack, 2);
    let sent = async || common::assert_no_failed_transaction(&stack).await;

    // The only beacon node is gone from the start: the router waits and says so; nothing is
    // sent on a view without the beacon chain.
    let at_start = sent().await;
    beacon.set(Fault::Dropped);
    let mut daemon = Daemon::start(
        &stack,
        &[],
        &[
            beacon_url.as_str(),
            api_url.as_str(),
            "execution.request_timeout_secs=2",
            // Registered validators are checked against the API every pass: more API traffic.
            "ssv_api.validity_check_secs=1",
        ],
    );
    tokio::time::sleep(Duration::from_secs(6)).await;
    daemon.assert_running("without a beacon node");
    assert_eq!(
        sent().await,
        at_start,
        "sent while the beacon node was gone"
    );
    assert!(beacon.faulted.load(Ordering::SeqCst) > 0);
    assert!(daemon.said().contains("beacon"), "{}", daemon.said());

    // Back; then each HTTP fault on both APIs while StaFi's oracles vote, a clean spell after
    // each.
    beacon.set(Fault::None);
    let faults = HTTP_FAULTS;
    let started = Instant::now();
    let (mut at_beacon, mut at_api) = (BTreeSet::new(), BTreeSet::new());
    for fault in faults.iter().cycle().take(10) {
        let before = (
            beacon.faulted.load(Ordering::SeqCst),
            api.faulted.load(Ordering::SeqCst),
        );
        beacon.set(*fault);
        api.set(*fault);
        d.vote_deposited().await.unwrap();
        tokio::time::sleep(Duration::from_millis(2_500)).await;
        beacon.set(Fault::None);
        api.set(Fault::None);
        if beacon.faulted.load(Ordering::SeqCst) > before.0 {
            at_beacon.insert(format!("{fault:?}"));
        }
        if api.faulted.load(Ordering::SeqCst) > before.1 {
            at_api.insert(format!("{fault:?}"));
        }
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        daemon.assert_running(&format!("under {fault:?}"));
    }
    let all: BTreeSet<String> = faults.iter().map(|f| format!("{f:?}")).collect();
    assert_eq!(
        at_beacon, all,
        "faults that reached the router from the beacon node"
    );
    common::until_registered(
        &stack,
        &keys,
        Duration::from_mins(4).saturating_sub(started.elapsed()),
    )
    .await;
    // The SSV API is asked only while there is onboarding to do (operator metadata), so which
    // of its faults meet the router depends on timing.
    println!("faults that reached the router from the SSV API: {at_api:?}");
    daemon.kill("-TERM");
    common::assert_each_once(&stack, &keys).await;
    sent().await;
}
