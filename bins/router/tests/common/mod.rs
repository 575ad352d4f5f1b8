//! What the binary's devnet tests share: a stack with a funded pool, and a one-shot command.
#![allow(dead_code)] // each test file uses a part

use std::path::Path;
use std::process::{Command, Output};

use alloy::primitives::{Bytes, U256};
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

/// The pubkeys of the stack's first `n` validator keys.
pub fn keys(stack: &Stack, n: u32) -> Vec<Bytes> {
    let seed = stack.mnemonic.to_seed("");
    (0..n)
        .map(|i| Bytes::copy_from_slice(seed.signing_key(i).public_key().as_bytes()))
        .collect()
}

/// How many of `keys` SSVNetwork has registered for the SSV owner.
pub async fn registered(stack: &Stack, keys: &[Bytes]) -> usize {
    let views = stack.devnet.ssv_views();
    let mut n = 0;
    for k in keys {
        if views
            .getValidator(stack.devnet.accounts.ssv_owner, k.clone())
            .call()
            .await
            .unwrap_or(false)
        {
            n += 1;
        }
    }
    n
}

/// Votes MATCH for deposited keys, as StaFi's oracles, until every one of `keys` is registered
/// on SSV; panics after `limit`.
pub async fn until_registered(stack: &Stack, keys: &[Bytes], limit: std::time::Duration) {
    let started = std::time::Instant::now();
    while registered(stack, keys).await < keys.len() {
        assert!(started.elapsed() < limit, "not registered after {limit:?}");
        stack.devnet.vote_deposited().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// Nothing went twice: each of `keys` deposited and staked once (1 + 31 ETH), registered once,
/// with one owner nonce each, and one fee recipient written.
pub async fn assert_each_once(stack: &Stack, keys: &[Bytes]) {
    use stafi_contracts::deposit_contract::DepositContract::DepositEvent;
    use stafi_contracts::ssv_network::SSVNetwork;
    let d = &stack.devnet;
    let ssv = d.addresses.ssv_network;
    assert_eq!(
        d.super_node_keys().await.unwrap(),
        keys.iter().map(|k| (k.clone(), 3)).collect::<Vec<_>>(),
        "each key deposited and staked once"
    );
    let deposits = d
        .events::<DepositEvent>(d.addresses.deposit_contract)
        .await
        .unwrap();
    assert_eq!(deposits.len(), 2 * keys.len(), "beacon deposits");
    let mut added: Vec<Bytes> = d
        .events::<SSVNetwork::ValidatorAdded>(ssv)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.publicKey)
        .collect();
    added.sort();
    let mut want = keys.to_vec();
    want.sort();
    assert_eq!(added, want, "registrations");
    assert_eq!(
        d.owner_nonce(d.accounts.ssv_owner).await.unwrap(),
        keys.len() as u64
    );
    assert_eq!(
        d.events::<SSVNetwork::FeeRecipientAddressUpdated>(ssv)
            .await
            .unwrap()
            .len(),
        1,
        "fee recipient"
    );
}
