//! The operator guide's runbook entry "Restoring everything on a new machine", step by step as it
//! is written, on the devnet: a router onboards two validators and is stopped; a second directory
//! (the new machine) gets the account keystores, a store of the same mnemonic made by
//! `keys import-mnemonic`, and a configuration with a new `data_dir`. `config check`, `plan` and
//! `status` there know the same validators and clusters, and `run` sends nothing again.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use alloy::providers::Provider;
use common::{Daemon, keys, stack, until_registered};

/// `stafi-router <args>` in `dir`, which must succeed; its stdout.
fn ok(dir: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stafi-router"));
    cmd.args(args).current_dir(dir);
    String::from_utf8(common::succeeds(cmd, args, "warn").stdout).unwrap()
}

/// Writes `text` to `path` readable by its owner only (as step 3 asks for the words file).
fn private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// `status --json`'s validators and clusters, the parts a restore must bring back.
fn known(status: &str) -> (serde_json::Value, serde_json::Value) {
    let v: serde_json::Value = serde_json::from_str(status).unwrap();
    (v["validators"].clone(), v["clusters"].clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_machine_restored_as_the_runbook_says_knows_every_validator_and_sends_nothing_again()
{
    let old = tempfile::tempdir().unwrap();
    let stack = stack(old.path(), 64).await;
    let pubkeys = keys(&stack, 2);
    let mut daemon = Daemon::start(&stack, &[], &[]);
    until_registered(&stack, &pubkeys, Duration::from_mins(3)).await;
    daemon.kill("-TERM");
    let before = ok(
        old.path(),
        &["status", "--json", "--config", "stafi-router.toml"],
    );
    let (validators, clusters) = known(&before);
    assert_eq!(validators.as_array().unwrap().len(), 2, "{before}");
    assert_eq!(clusters.as_array().unwrap().len(), 1, "{before}");

    // 2. The two account keystores and their password file, mode 600.
    let new = tempfile::tempdir().unwrap();
    let keys_dir = new.path().join("keys");
    std::fs::create_dir(&keys_dir).unwrap();
    for file in ["super-node.json", "ssv-owner.json", "password"] {
        let to = keys_dir.join(file);
        std::fs::copy(old.path().join("keys").join(file), &to).unwrap();
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // 3. The words in a private file, a password for the new store, `keys import-mnemonic`.
    private(&new.path().join("words.txt"), &stack.mnemonic.phrase());
    private(
        &keys_dir.join("mnemonic.password"),
        "a new store password\n",
    );
    ok(
        new.path(),
        &[
            "keys",
            "import-mnemonic",
            "--store",
            "keys/mnemonic.json",
            "--mnemonic-file",
            "words.txt",
            "--password-file",
            "keys/mnemonic.password",
        ],
    );
    std::fs::remove_file(new.path().join("words.txt")).unwrap();
    // 4. The old configuration's values; the new store's password file; a data_dir not there yet.
    let config = std::fs::read_to_string(&stack.files.config).unwrap();
    let config = config.replace(
        "mnemonic_password_file = \"keys/password\"",
        "mnemonic_password_file = \"keys/mnemonic.password\"",
    );
    assert!(config.contains("data_dir = \"data\""));
    std::fs::write(new.path().join("stafi-router.toml"), config).unwrap();
    assert!(!new.path().join("data").exists());

    // 5. config check, plan, then run: the same validators and clusters, nothing sent again.
    let provider = stack.devnet.provider();
    let accounts = [
        stack.devnet.accounts.super_node,
        stack.devnet.accounts.ssv_owner,
    ];
    let mut nonces = Vec::new();
    for a in accounts {
        nonces.push(provider.get_transaction_count(a).await.unwrap());
    }
    ok(new.path(), &["config", "check"]);
    let plan = ok(new.path(), &["plan", "--json"]);
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    assert_eq!(plan["writes"], serde_json::json!([]), "{plan}");
    let after = ok(new.path(), &["status", "--json"]);
    assert_eq!(known(&after), (validators, clusters), "{before}\n{after}");
    ok(new.path(), &["run", "--passes", "2"]);
    for (a, n) in accounts.iter().zip(nonces) {
        assert_eq!(provider.get_transaction_count(*a).await.unwrap(), n);
    }
    assert!(new.path().join("data").is_dir());
}
