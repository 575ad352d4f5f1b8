//! `stafi-router status`, `config check` and `config example` as a user runs them, against the
//! devnet stack that `devnet up` starts.

use std::process::{Command, Output};

use devnet::Devnet;
use devnet::stack::Stack;

fn router(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stafi-router"))
        .args(args)
        .env_remove("STAFI_ROUTER_CONFIG")
        .output()
        .expect("the binary runs")
}

async fn stack(dir: &std::path::Path) -> Stack {
    Stack::start(
        Devnet::builder(),
        dir,
        keygen::Kdf::Scrypt { n: 2, r: 8, p: 1 },
    )
    .await
    .unwrap_or_else(|e| panic!("the devnet stack did not start: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn status_and_config_check_on_the_devnet() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path()).await;
    let config = stack.files.config.to_str().unwrap().to_owned();

    let check = router(&["config", "check", "--config", &config]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(
        stdout.contains("StafiNetworkSettings withdrawal credentials"),
        "{stdout}"
    );
    assert!(!stdout.contains("FAIL"), "{stdout}");

    let status = router(&["status", "--config", &config, "--json"]);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["network"], "devnet");
    assert_eq!(json["validators"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["owner_nonce"], 0);
    let table = router(&["status", "--config", &config]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("validators (0)"));

    // Pointed at the wrong chain: exit 1 and the error names both chain ids.
    let wrong = router(&[
        "config",
        "check",
        "--config",
        &config,
        "--set",
        "network.custom.chain_id=5",
    ]);
    assert_eq!(wrong.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        stderr.contains("is on chain 31337") && stderr.contains("says 5"),
        "{stderr}"
    );

    // A bad value in the file names its key.
    let bad = router(&[
        "status",
        "--config",
        &config,
        "--set",
        "selection.committee_size=6",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("selection.committee_size"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_process_on_the_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path()).await;
    let config = stack.files.config.to_str().unwrap().to_owned();
    let settings = router::Config::load(&stack.files.config, std::iter::empty(), &[]).unwrap();
    let _held = router::Node::open(
        settings,
        router::Identity {
            super_node: stack.devnet.accounts.super_node,
            ssv_owner: stack.devnet.accounts.ssv_owner,
        },
    )
    .await
    .unwrap();
    let second = router(&["status", "--config", &config]);
    assert_eq!(second.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("is in use by process") && stderr.contains(&std::process::id().to_string()),
        "{stderr}"
    );
}

#[test]
fn config_example_prints_the_documented_keys() {
    let out = router(&["config", "example"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[execution]") && text.contains("rpc_urls"),
        "{text}"
    );
    assert_eq!(
        text,
        include_str!("../../../docs/stafi-router.example.toml")
    );
}
