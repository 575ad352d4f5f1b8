//! Bad input everywhere: `stafi-router run` on the devnet, with a funded pool (so a router that
//! went ahead would deposit), given one wrong thing at a time. Each stops the router with an
//! error that names what was wrong, and nothing is sent from either account. An SSV API record
//! with a malformed operator key does not stop the router: that operator is left out, with the
//! reason in the plan, and nothing is registered with it.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use alloy::providers::Provider;
use common::Daemon;
use devnet::stack::Stack;

mod common;

/// The transaction counts of the super-node and SSV-owner accounts.
async fn sent(stack: &Stack) -> (u64, u64) {
    let d = &stack.devnet;
    let count = async |a| d.provider().get_transaction_count(a).await.unwrap();
    (
        count(d.accounts.super_node).await,
        count(d.accounts.ssv_owner).await,
    )
}

/// Runs the router with `set` overrides and `env`; it must stop on its own, with every one of
/// `said` in its error.
async fn refused(stack: &Stack, case: &str, env: &[(&str, &str)], set: &[&str], said: &[&str]) {
    let before = sent(stack).await;
    let mut daemon = Daemon::start(stack, env, set);
    let started = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = daemon.child.try_wait() {
            break status;
        }
        if started.elapsed() > Duration::from_mins(1) {
            daemon.kill("-KILL");
            panic!("{case}: the router kept running: {}", daemon.said());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let text = daemon.said();
    assert!(!status.success(), "{case}: {text}");
    for s in said {
        assert!(text.contains(s), "{case}: {s:?} is not in: {text}");
    }
    assert_eq!(sent(stack).await, before, "{case}: something was sent");
    println!("{case}: {}", text.lines().last().unwrap_or_default());
}

#[tokio::test(flavor = "multi_thread")]
async fn each_bad_input_is_named_and_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let stack = common::stack(dir.path(), 64).await;
    let d = &stack.devnet;
    let keys = dir.path().join("keys");
    let wrong_password = keys.join("wrong-password");
    keygen::write_secret_file(&wrong_password, b"not the password\n").unwrap();
    let wrong = format!(
        "accounts.super_node_password_file={}",
        wrong_password.display()
    );
    let wrong_store = format!(
        "accounts.mnemonic_password_file={}",
        wrong_password.display()
    );
    let no_code = format!("contracts.stafi_storage={}", d.accounts.user);
    let not_ssv = format!("network.custom.ssv_network={}", d.addresses.stafi_storage);
    // A beacon node of another network: the same chain, another genesis validators root.
    let mut other = devnet::devnet_network(31_337);
    other.genesis_validators_root = [0x77; 32];
    let other_beacon = devnet::FakeBeacon::devnet_builder(d)
        .network(other)
        .spawn()
        .await
        .unwrap();
    let other_beacon_url = format!("beacon.urls={}", other_beacon.url());

    let cases: [(&str, Vec<&str>, Vec<&str>); 7] = [
        (
            "a malformed address",
            vec!["contracts.stafi_storage=0x1234"],
            vec!["contracts.stafi_storage"],
        ),
        (
            "an address without a contract",
            vec![no_code.as_str()],
            vec!["contracts.stafi_storage", "no contract code"],
        ),
        (
            "SSVNetwork at another contract's address",
            vec![not_ssv.as_str()],
            vec!["ssv_network", "is not SSVNetwork"],
        ),
        (
            "a keystore's wrong password",
            vec![wrong.as_str()],
            vec!["super-node.json", "wrong password"],
        ),
        (
            "the mnemonic store's wrong password",
            vec![wrong_store.as_str()],
            vec!["mnemonic.json", "wrong password"],
        ),
        (
            "a beacon node of another network",
            vec![other_beacon_url.as_str()],
            vec!["another network", "genesis_validators_root"],
        ),
        (
            "an unknown configuration key",
            vec!["pass.interval_sec=1"],
            vec!["pass.interval_sec"],
        ),
    ];
    for (case, set, said) in &cases {
        refused(&stack, case, &[], set, said).await;
    }

    // A password file that others may read is refused before it is read.
    let password = &stack.files.password_file;
    std::fs::set_permissions(password, std::fs::Permissions::from_mode(0o644)).unwrap();
    refused(
        &stack,
        "a group- and world-readable password file",
        &[],
        &[],
        &["readable by group or others", "chmod 600"],
    )
    .await;
    std::fs::set_permissions(password, std::fs::Permissions::from_mode(0o600)).unwrap();

    // An SSV API record whose key is not an RSA key (nor the key the chain registered): that
    // operator is left out, and a plan says why; nothing is sent.
    let before = sent(&stack).await;
    stack
        .ssv_api
        .set_operator_public_key(1, "bm90IGEga2V5")
        .unwrap();
    let plan = common::ok(&stack, &["plan", "--json"], "warn");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&plan.stdout),
        String::from_utf8_lossy(&plan.stderr)
    );
    assert!(
        text.contains("operator excluded") && text.contains("operator=1"),
        "{text}"
    );
    assert_eq!(sent(&stack).await, before);
}
