//! Shared helpers for the integration tests: fixture paths and the ssv-keys Node oracle.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use keyshare::ShareSecret;

/// `crates/keyshare/tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

pub fn read_fixture(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `$SSV_KEYS_NODE_PATH`, or `<root>/.tools/ssv-keys/node_modules`; panics when ssv-keys is
/// not installed there.
pub fn ssv_keys_node_path() -> PathBuf {
    let path = std::env::var_os("SSV_KEYS_NODE_PATH").map_or_else(
        || workspace_root().join(".tools/ssv-keys/node_modules"),
        PathBuf::from,
    );
    assert!(
        path.join("ssv-keys/package.json").is_file(),
        "npm ssv-keys 1.1.0 not found under {}; run scripts/install-tools.sh (or set SSV_KEYS_NODE_PATH)",
        path.display()
    );
    path
}

/// Runs `node tools/oracles/ssv_keys_oracle.js <args>` with NODE_PATH set.
pub fn ssv_keys_oracle(args: &[&str]) -> Output {
    let script = workspace_root().join("tools/oracles/ssv_keys_oracle.js");
    Command::new("node")
        .arg(script)
        .args(args)
        .env("NODE_PATH", ssv_keys_node_path())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}); install Node.js and run scripts/install-tools.sh")
        })
}

/// Every subset of `shares` that leaves exactly one out: for n = 4 these are the 3-of-4 sets an
/// SSV committee signs with.
pub fn all_but_one(shares: &[(u64, ShareSecret)]) -> Vec<Vec<(u64, &ShareSecret)>> {
    (0..shares.len())
        .map(|skip| {
            shares
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, (id, s))| (*id, s))
                .collect()
        })
        .collect()
}
