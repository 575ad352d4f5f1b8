use std::path::PathBuf;

/// Where anvil is: `ANVIL_BIN`, else `<root>/.tools/npm/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil`
/// with root = `STAFI_ROUTER_ROOT` or this workspace (both set up by `scripts/install-tools.sh`).
pub fn anvil_path() -> PathBuf {
    if let Some(path) = std::env::var_os("ANVIL_BIN") {
        return PathBuf::from(path);
    }
    let root = std::env::var_os("STAFI_ROUTER_ROOT").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")),
        PathBuf::from,
    );
    root.join(".tools/npm/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
}
