//! `stafi-router run` and `stafi-router plan` as an operator runs them, on the devnet stack: the
//! daemon turns pool ETH into registered validators; a plan prints what it would send (checked
//! against `tests/expected/plan.txt`) and changes nothing on chain or in the store.

use std::process::{Command, Output};

use alloy::primitives::{Bytes, U256};
use alloy::providers::Provider;
use devnet::Devnet;
use devnet::stack::Stack;
use keygen::Mnemonic;

const ETH: u128 = 1_000_000_000_000_000_000;
/// A fixed BIP-39 mnemonic (23 × "abandon" + "art"): the same keys on every run.
const MNEMONIC: &str = "abandon abandon abandon abandon abandon abandon abandon abandon \
    abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon \
    abandon abandon abandon abandon art";

fn router(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stafi-router"))
        .args(args)
        .env_remove("STAFI_ROUTER_CONFIG")
        .env("STAFI_ROUTER_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// What a plan run must leave alone: the head, both accounts' nonces.
async fn chain_state(stack: &Stack) -> (u64, u64, u64) {
    let p = stack.devnet.provider();
    (
        p.get_block_number().await.unwrap(),
        p.get_transaction_count(stack.devnet.accounts.super_node)
            .await
            .unwrap(),
        p.get_transaction_count(stack.devnet.accounts.ssv_owner)
            .await
            .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn run_turns_pool_eth_into_validators_and_plan_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mnemonic = Mnemonic::parse(MNEMONIC).unwrap();
    let stack = Stack::start_with_mnemonic(
        Devnet::builder().pool_funding(U256::from(64 * ETH)),
        dir.path(),
        keygen::Kdf::Scrypt { n: 2, r: 8, p: 1 },
        &mnemonic,
    )
    .await
    .unwrap_or_else(|e| panic!("the devnet stack did not start: {e}"));
    let config = stack.files.config.to_str().unwrap().to_owned();

    // One pass: two 1 ETH deposits in one transaction, and the fee recipient.
    let first = ok(&router(&["run", "--config", &config, "--passes", "1"]));
    assert!(first.contains("deposit: write #"), "{first}");
    assert!(first.contains("fee recipient: write #"), "{first}");
    assert!(first.contains("stopped after 1 pass(es)"), "{first}");

    // StaFi's oracles vote both keys MATCH; users add 32 ETH.
    let pubkeys: Vec<Bytes> = (0..2u32)
        .map(|i| {
            Bytes::copy_from_slice(mnemonic.to_seed("").signing_key(i).public_key().as_bytes())
        })
        .collect();
    stack
        .devnet
        .vote_withdraw_credentials(&pubkeys, true)
        .await
        .unwrap();
    stack.devnet.fund_pool(U256::from(32 * ETH)).await.unwrap();

    // The plan: stake both (62 ETH), and deposit one more key with the 32 ETH left over.
    let before = chain_state(&stack).await;
    let plan = ok(&router(&["plan", "--config", &config]));
    let expected_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/plan.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &plan).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert_eq!(
        plan,
        expected,
        "the plan differs from {} (UPDATE_EXPECT=1 rewrites it)",
        expected_path.display()
    );
    let json = ok(&router(&["run", "--plan", "--json", "--config", &config]));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let steps: Vec<&str> = report["writes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["stake", "deposit"]);
    assert_eq!(
        chain_state(&stack).await,
        before,
        "a plan run sent something"
    );

    // The daemon stakes, deposits and registers; status shows both keys on SSV.
    let run = ok(&router(&["run", "--config", &config, "--passes", "3"]));
    assert!(run.contains("stake: write #"), "{run}");
    assert!(run.contains("onboard: write #"), "{run}");
    let status = ok(&router(&["status", "--config", &config, "--json"]));
    let json: serde_json::Value = serde_json::from_str(&status).unwrap();
    let validators = json["validators"].as_array().unwrap();
    assert_eq!(validators.len(), 3, "{status}");
    assert_eq!(json["owner_nonce"], 2, "{status}");
}
