//! Gas per validator the pass spends on SSV registrations, single against bulk, and blocks from
//! each trigger to its mined transaction, on the devnet (anvil with the doubles, which under-count
//! the real SSVNetwork v2's gas by 8–28 %). Not a timing benchmark: it prints a table.
//!
//! For n = 1, 20, 80 staked keys waiting, a fresh devnet runs the router's passes from a funded
//! pool to registration; the gas of each `bulkRegisterValidator` comes from its receipt. A last
//! run with 100 keys waiting shows the pass filling the first registration to SSV's cap of 80
//! for a committee of 4.

use alloy::primitives::{Bytes, U256};
use alloy::providers::Provider;
use devnet::Devnet;
use devnet::stack::Stack;
use keygen::Kdf;
use router::{Config, IntentKind, IntentState, Router};

const ETH: u128 = 1_000_000_000_000_000_000;

struct Run {
    keys: u64,
    registrations: Vec<(usize, u64)>,
    deposit_blocks: u64,
    stake_blocks: u64,
    register_blocks: u64,
}

async fn run(keys: u64) -> Run {
    let dir = tempfile::tempdir().expect("temporary directory");
    let stack = Stack::start(
        Devnet::builder().pool_funding(U256::ZERO),
        dir.path(),
        Kdf::Scrypt { n: 2, r: 8, p: 1 },
    )
    .await
    .expect("the devnet stack starts");
    let d = &stack.devnet;
    d.set_super_node_pubkey_limit(keys + 10)
        .await
        .expect("pubkey limit");
    let n = keys.to_string();
    let set: Vec<(String, String)> = [
        ("batch.max_deposits_per_tx", n.as_str()),
        ("batch.max_stakes_per_tx", n.as_str()),
        ("gas.max_gas_per_tx", "60000000"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let settings =
        Config::load(&stack.files.config, std::iter::empty(), &set).expect("the config loads");
    let mut r = Router::open(settings, &|_| None, None)
        .await
        .expect("the router opens");
    r.start().await.expect("start");
    r.pass().await.expect("first pass (fee recipient)");

    // Trigger 1: the pool is funded.
    let funded = d
        .fund_pool(U256::from(u128::from(keys) * 32 * ETH))
        .await
        .expect("fund");
    r.pass().await.expect("deposit pass");
    let deposited = mined_block(&r, &IntentKind::Deposit).expect("a deposit mined");
    // Trigger 2: the oracles vote MATCH.
    let seed = stack.mnemonic.to_seed("");
    let pubkeys: Vec<Bytes> = (0..u32::try_from(keys).expect("fits"))
        .map(|i| Bytes::copy_from_slice(seed.signing_key(i).public_key().as_bytes()))
        .collect();
    let voted = d
        .vote_withdraw_credentials(&pubkeys, true)
        .await
        .expect("vote");
    r.pass().await.expect("stake pass");
    let staked = mined_block(&r, &IntentKind::Stake).expect("a stake mined");
    // Trigger 3: staked keys wait for registration.
    for _ in 0..4 {
        r.pass().await.expect("onboard pass");
    }
    let registered_first = r
        .node
        .store
        .intents()
        .expect("intents")
        .into_iter()
        .filter(|i| i.intent.kind == IntentKind::Register)
        .find_map(|i| match i.state {
            IntentState::Mined { block, .. } => Some(block),
            _ => None,
        })
        .expect("a registration mined");
    let mut registrations = Vec::new();
    for i in r.node.store.intents().expect("intents") {
        if let (
            IntentKind::Register,
            IntentState::Mined {
                tx, success: true, ..
            },
        ) = (&i.intent.kind, &i.state)
        {
            let receipt = d
                .provider()
                .get_transaction_receipt(*tx)
                .await
                .expect("receipt")
                .expect("mined");
            registrations.push((i.intent.key_indices.len(), receipt.gas_used));
        }
    }
    Run {
        keys,
        registrations,
        deposit_blocks: deposited - funded,
        stake_blocks: staked - voted,
        register_blocks: registered_first - staked,
    }
}

fn mined_block(r: &Router, kind: &IntentKind) -> Option<u64> {
    r.node
        .store
        .intents()
        .ok()?
        .into_iter()
        .filter(|i| &i.intent.kind == kind)
        .find_map(|i| match i.state {
            IntentState::Mined { block, .. } => Some(block),
            _ => None,
        })
}

fn main() {
    // `cargo test --benches` runs bench targets with no arguments in test mode: only `cargo
    // bench` (which passes `--bench`) measures.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let runs: Vec<Run> = [1, 20, 80, 100]
        .into_iter()
        .map(|n| runtime.block_on(run(n)))
        .collect();
    let per_validator = |(n, gas): (usize, u64)| gas / n as u64;
    let bulk80 = runs
        .iter()
        .flat_map(|r| r.registrations.iter().copied())
        .find(|(n, _)| *n == 80)
        .map(per_validator);
    println!(
        "keys waiting  registrations (keys: gas, gas/validator)          vs bulk-80   blocks trigger→mined: deposit stake register"
    );
    for r in &runs {
        let regs: Vec<String> = r
            .registrations
            .iter()
            .map(|&(n, g)| format!("{n}: {g}, {}", per_validator((n, g))))
            .collect();
        let total: u64 = r.registrations.iter().map(|(_, g)| g).sum();
        let count: usize = r.registrations.iter().map(|(n, _)| n).sum();
        #[allow(clippy::cast_precision_loss, reason = "display only")]
        let ratio = bulk80.map_or_else(
            || "-".to_owned(),
            |b| format!("{:.3}", (total as f64 / count as f64) / b as f64),
        );
        println!(
            "{:>12}  {:<48} {:>9}   {:>22} {:>5} {:>8}",
            r.keys,
            regs.join("; "),
            ratio,
            r.deposit_blocks,
            r.stake_blocks,
            r.register_blocks
        );
    }
}
