//! The committed `contracts/out/*.json` and `abi/*.json` equal a fresh compile with the pinned solc-js.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn committed_artifacts_match_a_fresh_compile() {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let solc = std::env::var_os("SOLCJS_BIN").map_or_else(
        || root.join(".tools/npm/node_modules/solc/solc.js"),
        PathBuf::from,
    );
    assert!(
        solc.is_file(),
        "solc-js not found at {}; run scripts/install-tools.sh",
        solc.display()
    );
    let out = Command::new("node")
        .arg(root.join("contracts/build.js"))
        .arg(&solc)
        .arg("--check")
        .output()
        .expect("node must be installed to run contracts/build.js");
    assert!(
        out.status.success(),
        "artifacts are stale; run scripts/build-contracts.sh\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
