//! `stafi-router operators select` against a local fake of the SSV API (127.0.0.1 only).

use std::process::{Command, Output};

use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

const BASE: &str = "/api/v4/hoodi";

/// Ten operators: fee rises with id, providers alternate over three, 5 is removed, 2 private.
fn operators() -> Value {
    let ops: Vec<Value> = (1..=10u64)
        .map(|id| {
            let provider = ["AWS", "Hetzner", "OVH"][usize::try_from(id % 3).unwrap()];
            let el = ["Geth", "Nethermind", "Besu", "Reth"][usize::try_from(id % 4).unwrap()];
            let perf_30d = 98.0 - f64::from(u32::try_from(id).unwrap()) / 10.0;
            json!({
                "id": id, "public_key": format!("key-{id}"),
                "eth_fee": (1_000_000_000 + id * 100_000_000).to_string(),
                "owner_address": format!("0x{id:040x}"),
                "setup_provider": provider,
                "location": format!("country-{id}"), "eth1_node_client": el,
                "performance": {"24h": 99.0, "30d": perf_30d},
                "is_private": id == 2, "is_active": i32::from(id != 5), "is_deleted": id == 5,
                "status": if id == 5 { "Removed" } else { "Active" },
                "validators_count": 10
            })
        })
        .collect();
    json!({"operators": ops, "pagination": {"total": 10, "pages": 1, "per_page": 100, "page": 1}})
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/operators")))
        .respond_with(ResponseTemplate::new(200).set_body_json(operators()))
        .mount(&server)
        .await;
    server
}

fn select(server: &MockServer, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stafi-router"))
        .args(["operators", "select", "--network", "hoodi", "--api-url"])
        .arg(format!("{}{BASE}", server.uri()))
        .args(extra)
        .output()
        .unwrap()
}

#[tokio::test]
async fn picks_the_cheapest_diverse_committee_and_explains_it() {
    let server = server().await;
    let out = select(&server, &["--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let selection: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Providers are id % 3: 1 Hetzner, 3 AWS, 4 Hetzner, 6 AWS. 2 is private and 5 removed,
    // so the cheapest committee with at most 2 per provider is 1, 3, 4, 6.
    assert_eq!(selection["committee"], json!([1, 3, 4, 6]));
    let reasons = selection["reasons"].as_array().unwrap();
    let reason = |id: u64| reasons.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(reason(2)["verdict"], "rejected");
    assert_eq!(reason(2)["reason"]["kind"], "private_not_whitelisted");
    assert_eq!(reason(5)["reason"]["kind"], "removed");
    assert_eq!(reason(7)["verdict"], "not_chosen");
    let total: u64 = [1u64, 3, 4, 6]
        .iter()
        .map(|id| 1_000_000_000 + id * 100_000_000)
        .sum();
    assert_eq!(selection["score"]["total_eth_fee"], json!(total));
    assert_eq!(
        selection["score"]["yearly_cost_per_validator"],
        json!(u128::from(total) * 2_628_000)
    );

    // The table names the committee and the reasons too.
    let out = select(&server, &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("committee: [1, 3, 4, 6] (new cluster)"),
        "{text}"
    );
    assert!(text.contains("rejected: removed"), "{text}");

    // The Go client's rule ignores diversity: the four cheapest public, active operators.
    let out = select(&server, &["--preset", "stafi-go", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let go: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(go["committee"], json!([1, 3, 4, 6]));
    // Eight survivors; the upper median is the fee of 7, so 8 is above it.
    let go_reasons = go["reasons"].as_array().unwrap();
    let eight = go_reasons.iter().find(|r| r["id"] == 8).unwrap();
    assert_eq!(eight["reason"]["kind"], "fee_above_median");
}

#[tokio::test]
async fn an_infeasible_policy_exits_non_zero_naming_the_constraint() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "[diversity]\nper_setup_provider = 1\n").unwrap();
    let out = select(&server, &["--policy", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("diversity.per_setup_provider"), "{err}");

    let out = select(&server, &["--size", "7"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    // Three providers: at most 2 + 2 + 1 (OVH has only operator 8 left) = 5 of the 7 seats.
    assert!(err.contains("no committee of 7"), "{err}");
    assert!(err.contains("leaves at most 5 operators"), "{err}");
}

#[tokio::test]
async fn bad_input_fails_with_a_message_that_names_it() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();

    // A policy file that is missing, then one that is not TOML: both are named.
    let policy = dir.path().join("policy.toml");
    let out = select(&server, &["--policy", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!(
            "error: cannot read {}\n  caused by: ",
            policy.display()
        )),
        "{err}"
    );
    std::fs::write(&policy, "committee_size = \"four\"\n").unwrap();
    let out = select(&server, &["--policy", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!(
            "error: invalid policy file {}\n  caused by: ",
            policy.display()
        )),
        "{err}"
    );

    // A committee size SSV does not have.
    let out = select(&server, &["--size", "5"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("committee size 5"), "{err}");

    // An owner that is not an address is a usage error (exit code 2) naming the flag.
    let out = select(&server, &["--owner", "0x1234"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--owner") && err.contains("not a 20-byte hex address"),
        "{err}"
    );
}

#[test]
fn an_unknown_network_is_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_stafi-router"))
        .args(["operators", "select", "--network", "goerli"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("\"goerli\""), "{err}");
}

#[test]
fn help_shows_the_policy_defaults() {
    let out = Command::new(env!("CARGO_BIN_EXE_stafi-router"))
        .args(["operators", "select", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "min_performance_30d = 90.0",
        "capacity_headroom = 5",
        "per_owner = 1",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}
