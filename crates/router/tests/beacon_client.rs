//! The beacon client against local HTTP servers: a voluntary exit the node refuses (4xx) is a
//! verdict to retry later, not a failover; a node that fails (5xx, or not listening) is skipped
//! for the next URL; the spec's timing constants are read as numbers.

use std::time::Duration;

use router::{Beacon, ExitSubmission, RouterError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn exit() -> keygen::wire::SignedVoluntaryExitJson {
    keygen::wire::SignedVoluntaryExitJson {
        message: keygen::wire::VoluntaryExitJson {
            epoch: "300".into(),
            validator_index: "7".into(),
        },
        signature: format!("0x{}", "aa".repeat(96)),
    }
}

async fn node(status: u16, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/eth/v1/beacon/pool/voluntary_exits"))
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(&server)
        .await;
    server
}

fn beacon(urls: &[String]) -> Beacon {
    Beacon::new(urls, Duration::from_secs(5)).unwrap()
}

#[tokio::test]
async fn a_refused_exit_is_the_nodes_verdict_and_a_failing_node_is_skipped() {
    let refusing = node(
        400,
        r#"{"code":400,"message":"validator has not been active long enough"}"#,
    )
    .await;
    let failing = node(503, "").await;
    let accepting = node(200, "").await;

    // 400: rejected with the node's reason; the next URL is not asked.
    let b = beacon(&[refusing.uri(), accepting.uri()]);
    match b.submit_voluntary_exit(&exit()).await.unwrap() {
        ExitSubmission::Rejected { status, message } => {
            assert_eq!(status, 400);
            assert!(message.contains("not been active long enough"), "{message}");
        }
        ExitSubmission::Accepted => panic!("a refused exit read as accepted"),
    }
    assert_eq!(accepting.received_requests().await.unwrap().len(), 0);

    // 503, then a node that takes it.
    let b = beacon(&[failing.uri(), accepting.uri()]);
    assert_eq!(
        b.submit_voluntary_exit(&exit()).await.unwrap(),
        ExitSubmission::Accepted
    );
    let sent = &accepting.received_requests().await.unwrap()[0];
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["message"]["validator_index"], "7");

    // Nobody answers: an error, never "accepted".
    let b = beacon(&["http://127.0.0.1:9".to_owned()]);
    assert!(matches!(
        b.submit_voluntary_exit(&exit()).await,
        Err(RouterError::Beacon { .. })
    ));
    // Only failing nodes: an error naming the status.
    let b = beacon(&[failing.uri()]);
    let err = b.submit_voluntary_exit(&exit()).await.unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
}

#[tokio::test]
async fn timing_comes_from_the_spec() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/eth/v1/config/spec"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": {"SLOTS_PER_EPOCH": "32", "SHARD_COMMITTEE_PERIOD": "256", "CONFIG_NAME": "mainnet"}
        })))
        .mount(&server)
        .await;
    let t = beacon(&[server.uri()]).timing().await.unwrap();
    assert_eq!((t.slots_per_epoch, t.shard_committee_period), (32, 256));

    let bare = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/eth/v1/config/spec"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": {"SLOTS_PER_EPOCH": "32"}})),
        )
        .mount(&bare)
        .await;
    let err = beacon(&[bare.uri()]).timing().await.unwrap_err();
    assert!(err.to_string().contains("SHARD_COMMITTEE_PERIOD"), "{err}");
}
