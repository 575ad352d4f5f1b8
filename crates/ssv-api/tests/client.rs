//! The client against a local fake of the SSV API (wiremock on 127.0.0.1).

use std::time::{Duration, Instant};

use alloy_primitives::address;
use serde_json::{Value, json};
use ssv_api::{OperatorType, OperatorsQuery, SsvApiClient, SsvApiError, SsvNetwork};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path, query_param},
};

const BASE: &str = "/api/v4/hoodi";

/// A realistic operator object in the shape of SSV's documented example (`fixtures/operator_1.json`),
/// varied by id.
fn operator(id: u64) -> Value {
    let mut op: Value = serde_json::from_str(include_str!("fixtures/operator_1.json")).unwrap();
    op["id"] = json!(id);
    op["id_str"] = json!(id.to_string());
    op["eth_fee"] = json!((1_000_000_000 + id * 10_000_000).to_string());
    op["is_private"] = json!(id.is_multiple_of(5));
    op["validators_count"] = json!(id * 7);
    op["setup_provider"] = json!(["AWS", "Hetzner", "OVH"][usize::try_from(id % 3).unwrap()]);
    op["mev_relays"] = json!("Flashbots,Ultra Sound");
    op["dkg_address"] = json!(format!("https://dkg-{id}.example:3030"));
    op["some_future_field"] = json!({"nested": [1, 2, 3]});
    op
}

fn page(ids: std::ops::RangeInclusive<u64>, page: u64, pages: u64, total: u64) -> Value {
    json!({
        "operators": ids.map(operator).collect::<Vec<_>>(),
        "pagination": {"total": total, "pages": pages, "per_page": 2, "page": page,
                       "current_first": 1, "current_last": 2}
    })
}

/// A client with tiny delays so retry tests stay fast.
fn client(server: &MockServer) -> SsvApiClient {
    SsvApiClient::builder(SsvNetwork::Hoodi)
        .base_url(format!("{}{BASE}", server.uri()))
        .timeout(Duration::from_millis(500))
        .connect_timeout(Duration::from_millis(200))
        .max_attempts(3)
        .backoff(Duration::from_millis(1), Duration::from_millis(4))
        .max_retry_after(Duration::from_secs(2))
        .build()
        .unwrap()
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn lists_every_page_with_the_query() {
    let server = MockServer::start().await;
    for (p, ids) in [(1, 1..=2), (2, 3..=4), (3, 4..=5)] {
        Mock::given(method("GET"))
            .and(path(format!("{BASE}/operators")))
            .and(query_param("page", p.to_string()))
            .and(query_param("perPage", "2"))
            .and(query_param("ordering", "id:asc"))
            .and(query_param("type", "verified_operator"))
            .and(query_param("has_dkg_address", "true"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(ids, p, 3, 5)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let query = OperatorsQuery::new()
        .per_page(2)
        .ordering("id:asc")
        .operator_type(OperatorType::VerifiedOperator)
        .has_dkg_address(true);
    let ops = client(&server).all_operators(&query).await.unwrap();
    // Operator 4 moved between pages while listing: it appears once.
    assert_eq!(
        ops.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(ops[2].eth_fee, Some(1_030_000_000));
    assert_eq!(ops[4].is_private, Some(true));
    assert_eq!(
        ops[0].mev_relays,
        Some(vec!["Flashbots".to_owned(), "Ultra Sound".to_owned()])
    );
}

#[tokio::test]
async fn a_listing_beyond_the_page_limit_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/operators")))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            1..=2,
            1,
            1_000_000,
            2_000_000,
        )))
        .mount(&server)
        .await;
    let client = SsvApiClient::builder(SsvNetwork::Hoodi)
        .base_url(format!("{}{BASE}", server.uri()))
        .max_pages(10)
        .build()
        .unwrap();
    let err = client
        .all_operators(&OperatorsQuery::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, SsvApiError::TooManyPages { max_pages: 10, .. }),
        "{err}"
    );
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn honours_retry_after_on_429_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/operators/7")))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/operators/7")))
        .respond_with(ResponseTemplate::new(200).set_body_json(operator(7)))
        .mount(&server)
        .await;
    // The backoff is long; only the server's `Retry-After: 0` lets the retry go at once.
    let client = SsvApiClient::builder(SsvNetwork::Hoodi)
        .base_url(format!("{}{BASE}", server.uri()))
        .backoff(Duration::from_secs(3), Duration::from_secs(3))
        .build()
        .unwrap();
    let started = Instant::now();
    let op = client.operator(7).await.unwrap();
    assert_eq!(op.id, 7);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "Retry-After replaced the backoff"
    );
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_allowed_fails_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .mount(&server)
        .await;
    let err = client(&server).operator(7).await.unwrap_err();
    match err {
        SsvApiError::RateLimited {
            retry_after,
            attempts,
            ..
        } => {
            assert_eq!(retry_after, Some(Duration::from_hours(1)));
            assert_eq!(attempts, 1);
        }
        other => panic!("unexpected {other}"),
    }
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn retries_server_errors_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream busy"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(operator(9)))
        .mount(&server)
        .await;
    assert_eq!(client(&server).operator(9).await.unwrap().id, 9);
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn gives_up_after_max_attempts_of_500() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    let err = client(&server).operator(9).await.unwrap_err();
    match &err {
        SsvApiError::Status {
            status,
            attempts,
            body,
            ..
        } => {
            assert_eq!((*status, *attempts, body.as_str()), (500, 3, "boom"));
        }
        other => panic!("unexpected {other}"),
    }
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn client_errors_and_not_found_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/operators/404")))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/operators/400")))
        .respond_with(ResponseTemplate::new(400).set_body_string("bad id"))
        .mount(&server)
        .await;
    let c = client(&server);
    assert!(matches!(
        c.operator(404).await,
        Err(SsvApiError::NotFound { .. })
    ));
    assert!(matches!(
        c.operator(400).await,
        Err(SsvApiError::Status {
            status: 400,
            attempts: 1,
            ..
        })
    ));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = MockServer::start().await;
    let full = serde_json::to_string(&page(1..=2, 1, 1, 2)).unwrap();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(&full[..full.len() / 2]))
        .mount(&server)
        .await;
    let err = client(&server)
        .operators_page(&OperatorsQuery::new())
        .await
        .unwrap_err();
    assert!(matches!(err, SsvApiError::Decode { .. }), "{err}");
    assert!(err.to_string().contains("operators"), "{err}");
}

#[tokio::test]
async fn numbers_as_strings_and_missing_fields_are_tolerated() {
    let server = MockServer::start().await;
    let body = json!({
        "operators": [
            {"id": "11", "public_key": "a2V5", "fee": "382640000000", "eth_fee": 1_770_000_000,
             "validators_count": "12", "is_active": "1", "is_private": 0,
             "performance": {"24h": "99.5", "30d": 98}},
            {"id": 12, "public_key": "a2V5", "performance": null, "location": null}
        ],
        "pagination": {"total": "2", "pages": "1", "page": 1}
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let page = client(&server)
        .operators_page(&OperatorsQuery::new())
        .await
        .unwrap();
    let a = &page.operators[0];
    assert_eq!(a.id, 11);
    assert_eq!(a.fee, Some(382_640_000_000));
    assert_eq!(a.eth_fee, Some(1_770_000_000));
    assert_eq!(a.validators_count, Some(12));
    assert_eq!(a.is_active, Some(true));
    assert_eq!(a.is_private, Some(false));
    assert_eq!(a.performance.unwrap().day, Some(99.5));
    assert_eq!(a.performance.unwrap().month, Some(98.0));
    let b = &page.operators[1];
    assert_eq!(
        (b.id, b.performance, b.location.as_deref()),
        (12, None, None)
    );
    assert_eq!(page.pagination.total, Some(2));
}

#[tokio::test]
async fn a_wrong_type_names_the_field_and_the_operator() {
    let server = MockServer::start().await;
    let mut bad = operator(42);
    bad["validators_count"] = json!("many");
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"operators": [operator(41), bad], "pagination": {}})),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .operators_page(&OperatorsQuery::new())
        .await
        .unwrap_err();
    match &err {
        SsvApiError::OperatorField {
            operator_id, field, ..
        } => assert_eq!(
            (operator_id.as_str(), field.as_str()),
            ("42", "validators_count")
        ),
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("operator 42"), "{err}");

    // A nested field and a missing required field are named too.
    let mut nested = operator(43);
    nested["performance"]["30d"] = json!(true);
    let mut keyless = operator(44);
    keyless.as_object_mut().unwrap().remove("public_key");
    for (value, want) in [(nested, "performance.30d"), (keyless, "public_key")] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(value))
            .mount(&server)
            .await;
        match client(&server).operator(1).await.unwrap_err() {
            SsvApiError::OperatorField { field, .. } => assert_eq!(field, want),
            other => panic!("unexpected {other}"),
        }
    }
}

#[tokio::test]
async fn a_removed_operator_reads_as_removed() {
    let server = MockServer::start().await;
    let mut removed = operator(3);
    removed["is_deleted"] = json!(true);
    removed["is_active"] = json!(0);
    removed["status"] = json!("Removed");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(removed))
        .mount(&server)
        .await;
    let op = client(&server).operator(3).await.unwrap();
    assert!(op.is_removed());
    assert_eq!(op.is_active, Some(false));
}

#[tokio::test]
async fn a_slow_server_times_out_without_hanging() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(operator(1))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = SsvApiClient::builder(SsvNetwork::Hoodi)
        .base_url(format!("{}{BASE}", server.uri()))
        .timeout(Duration::from_millis(100))
        .max_attempts(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.operator(1).await.unwrap_err();
    assert!(
        matches!(err, SsvApiError::Timeout { attempts: 2, .. }),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = SsvApiClient::builder(SsvNetwork::Mainnet)
        .base_url(format!("http://127.0.0.1:{port}{BASE}"))
        .max_attempts(3)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let err = client.operator(1).await.unwrap_err();
    assert!(
        matches!(err, SsvApiError::Transport { attempts: 3, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let server = MockServer::start().await;
    for p in 1..=4u64 {
        Mock::given(method("GET"))
            .and(query_param("page", p.to_string()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(page(p..=p, p, 4, 4))
                    .set_delay(Duration::from_millis(150)),
            )
            .mount(&server)
            .await;
    }
    let client = SsvApiClient::builder(SsvNetwork::Hoodi)
        .base_url(format!("{}{BASE}", server.uri()))
        .max_concurrency(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let ops = client.all_operators(&OperatorsQuery::new()).await.unwrap();
    assert_eq!(ops.len(), 4);
    // One request at a time: four delayed responses take at least four delays.
    assert!(started.elapsed() >= Duration::from_millis(600));
}

#[tokio::test]
async fn owner_nonce_uses_the_checksummed_address() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "{BASE}/accounts/0x3187a42658417a4d60866163A4534Ce00D40C0C8"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "account",
            "data": {"id": 5, "ownerAddress": "0x3187a42658417a4d60866163A4534Ce00D40C0C8",
                     "recipientAddress": "", "network": "hoodi", "version": "v4", "nonce": "17"}
        })))
        .mount(&server)
        .await;
    let nonce = client(&server)
        .owner_nonce(address!("0x3187a42658417a4d60866163a4534ce00d40c0c8"))
        .await
        .unwrap();
    assert_eq!(nonce, 17);
}

#[tokio::test]
async fn validator_and_clusters() {
    let server = MockServer::start().await;
    let pubkey = "0x8f8ab4a3ec1e2c8a4a8ae6ba13b3cd9ccc3b2f5c1a0ed1d5e8c8a4a4a8ae6ba13b3cd9ccc3b2f5c1a0ed1d5e8c8a4a4";
    let hash = "0x4c2b0d6a9b0a7e3c5b1b7f1c2f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e";
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/validators/{pubkey}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 1, "public_key": pubkey.trim_start_matches("0x"), "cluster": hash,
            "owner_address": "0x3187a42658417a4d60866163A4534Ce00D40C0C8", "status": "Active",
            "is_valid": true, "is_deleted": false, "is_public_key_valid": true,
            "is_shares_valid": true, "is_operators_valid": true, "operators": [1, 2, 3, 4],
            "validator_info": {"index": 1234, "status": "active_ongoing",
                               "activation_epoch": 100, "effective_balance": 32_000_000_000_u64}
        })))
        .mount(&server)
        .await;
    let cluster = |ids: [u64; 4], count: u64| {
        json!({"id": 1, "clusterId": hash, "ownerAddress": "0x3187a42658417a4d60866163A4534Ce00D40C0C8",
               "validatorCount": count, "networkFeeIndex": "123", "index": "456",
               "balance": "1000000000000000000", "active": true, "isLiquidated": false,
               "operators": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()})
    };
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/clusters/{hash}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"type": "cluster", "data": cluster([1, 2, 3, 4], 2)})),
        )
        .mount(&server)
        .await;
    let owner_path = format!("{BASE}/clusters/owner/0x3187a42658417a4d60866163A4534Ce00D40C0C8");
    for (p, ids) in [(1u64, [1, 2, 3, 4]), (2, [5, 6, 7, 8])] {
        Mock::given(method("GET"))
            .and(path(owner_path.clone()))
            .and(query_param("page", p.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "type": "cluster", "clusters": [cluster(ids, p)],
                "pagination": {"total": 2, "pages": 2, "per_page": 1, "page": p}
            })))
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let v = c.validator(pubkey).await.unwrap();
    assert_eq!(v.operators, Some(vec![1, 2, 3, 4]));
    assert_eq!(v.cluster.as_deref(), Some(hash));
    assert_eq!(v.validator_info.unwrap().index, Some(1234));

    let one = c.cluster(hash).await.unwrap();
    assert_eq!(one.validator_count, Some(2));
    assert_eq!(one.balance, Some(1_000_000_000_000_000_000));
    assert_eq!(one.is_liquidated, Some(false));

    let owner = address!("0x3187a42658417a4d60866163A4534Ce00D40C0C8");
    let all = c.clusters_by_owner(owner).await.unwrap();
    let ids: Vec<_> = all.iter().map(|c| c.operators.clone().unwrap()).collect();
    assert_eq!(ids, vec![vec![1, 2, 3, 4], vec![5, 6, 7, 8]]);
}

#[tokio::test]
async fn an_operators_page_past_the_end_ends_the_list() {
    let server = MockServer::start().await;
    // Page 1 still advertises three pages, but the list shrank: page 3 is now past the end.
    for (p, ids) in [(1, 1..=2), (2, 3..=4)] {
        Mock::given(method("GET"))
            .and(path(format!("{BASE}/operators")))
            .and(query_param("page", p.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(ids, p, 3, 6)))
            .expect(1)
            .mount(&server)
            .await;
    }
    for p in [3, 7] {
        Mock::given(method("GET"))
            .and(path(format!("{BASE}/operators")))
            .and(query_param("page", p.to_string()))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                "statusCode": 404, "message": "Page not found", "error": "Not Found"
            })))
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let ops = c
        .all_operators(&OperatorsQuery::new().per_page(2))
        .await
        .unwrap();
    assert_eq!(
        ops.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );

    // One page past the end is an empty page, not an error, and is not retried.
    let before = requests(&server).await;
    let past = c
        .operators_page(&OperatorsQuery::new().per_page(2).page(7))
        .await
        .unwrap();
    assert!(past.operators.is_empty());
    assert_eq!(past.pagination.page, Some(7));
    assert_eq!(requests(&server).await, before + 1);
    // A listing that starts past the end is empty.
    let none = c
        .all_operators(&OperatorsQuery::new().per_page(2).page(7))
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn a_404_for_the_first_operators_page_is_still_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.all_operators(&OperatorsQuery::new()).await.unwrap_err();
    assert!(matches!(err, SsvApiError::NotFound { .. }), "{err}");
    let err = c.operators_page(&OperatorsQuery::new()).await.unwrap_err();
    assert!(matches!(err, SsvApiError::NotFound { .. }), "{err}");
}

#[tokio::test]
async fn an_owner_without_clusters_has_an_empty_list() {
    let owner = address!("0x3187a42658417a4d60866163A4534Ce00D40C0C8");
    let owner_path = format!("{BASE}/clusters/owner/0x3187a42658417a4d60866163A4534Ce00D40C0C8");
    // 200 with an empty list, as the API answers today.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(owner_path.clone()))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "cluster", "clusters": [],
            "pagination": {"total": 0, "pages": 0, "per_page": 100, "page": 1}
        })))
        .expect(1)
        .mount(&server)
        .await;
    assert!(
        client(&server)
            .clusters_by_owner(owner)
            .await
            .unwrap()
            .is_empty()
    );
    // 404 means the same.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(owner_path.clone()))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    assert!(
        client(&server)
            .clusters_by_owner(owner)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_clusters_page_past_the_end_ends_the_list() {
    let owner = address!("0x3187a42658417a4d60866163A4534Ce00D40C0C8");
    let owner_path = format!("{BASE}/clusters/owner/0x3187a42658417a4d60866163A4534Ce00D40C0C8");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(owner_path.clone()))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "clusters": [{"id": 1, "validatorCount": 3, "operators": [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}]}],
            "pagination": {"total": 2, "pages": 2, "per_page": 1, "page": 1}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(owner_path))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let all = client(&server).clusters_by_owner(owner).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].validator_count, Some(3));
}

#[tokio::test]
async fn an_unknown_owner_has_nonce_0() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "{BASE}/accounts/0x3187a42658417a4d60866163A4534Ce00D40C0C8"
        )))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "statusCode": 404, "message": "Account not found", "error": "Not Found"
        })))
        .mount(&server)
        .await;
    let c = client(&server);
    let owner = address!("0x3187a42658417a4d60866163a4534ce00d40c0c8");
    assert_eq!(c.owner_nonce(owner).await.unwrap(), 0);
    // The account itself is still reported missing, and other failures stay errors.
    assert!(matches!(
        c.account(owner).await,
        Err(SsvApiError::NotFound { .. })
    ));
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    assert!(matches!(
        client(&server).owner_nonce(owner).await,
        Err(SsvApiError::Status { status: 500, .. })
    ));
}

#[test]
fn base_url_must_be_http() {
    let err = SsvApiClient::builder(SsvNetwork::Hoodi)
        .base_url("ftp://example.org/api")
        .build()
        .unwrap_err();
    assert!(matches!(err, SsvApiError::InvalidBaseUrl { .. }), "{err}");
}
