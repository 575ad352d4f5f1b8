//! What the binary's devnet tests share: a stack with a funded pool, and a one-shot command.
#![allow(dead_code)] // each test file uses a part

use std::path::Path;
use std::process::{Command, Output};

use alloy::primitives::U256;
use devnet::Devnet;
use devnet::stack::Stack;

pub const ETH: u128 = 1_000_000_000_000_000_000;

/// The devnet stack with `pool_eth` in StaFi's pool (a cheap KDF for the mnemonic store).
pub async fn stack(dir: &Path, pool_eth: u128) -> Stack {
    Stack::start(
        Devnet::builder().pool_funding(U256::from(pool_eth * ETH)),
        dir,
        keygen::Kdf::Scrypt { n: 2, r: 8, p: 1 },
    )
    .await
    .unwrap()
}

/// `stafi-router <args> --config <stack's config>` with `log` as the log filter, which must
/// succeed.
pub fn ok(stack: &Stack, args: &[&str], log: &str) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_stafi-router"))
        .args(args)
        .arg("--config")
        .arg(&stack.files.config)
        .env_remove("STAFI_ROUTER_CONFIG")
        .env("STAFI_ROUTER_LOG", log)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stafi-router {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
