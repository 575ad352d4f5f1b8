//! The binary's own surface: help, version, and the commands that need no outside services.

use std::process::Command;

fn router() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stafi-router"))
}

#[test]
fn version_names_the_package_version() {
    let out = router().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.trim(),
        format!("stafi-router {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_the_networks_command() {
    let out = router().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("networks"), "{text}");
}

#[test]
fn networks_json_lists_mainnet_and_hoodi() {
    let out = router().args(["networks", "--json"]).output().unwrap();
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<_> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"mainnet") && names.contains(&"hoodi"),
        "{names:?}"
    );
    let hoodi = rows.iter().find(|r| r["name"] == "hoodi").unwrap();
    assert_eq!(hoodi["chain_id"], 560_048);
}

#[test]
fn unknown_subcommand_fails_with_usage() {
    let out = router().arg("frobnicate").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("frobnicate"), "{err}");
}
