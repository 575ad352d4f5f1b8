//! Helpers of the router's tests on the devnet stack: starting the stack, opening a router on its
//! configuration, reading a pass's outcomes, the stack's validator keys, and the chain's view of
//! the super node, the pool and the SSV cluster balance against the router's ledger.
#![allow(dead_code)] // each test file uses a part of them

use alloy::eips::BlockId;
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::Provider;
use devnet::stack::Stack;
use devnet::{Devnet, DevnetBuilder};
use keygen::{Kdf, Seed};
use router::steps::Step;
use router::{Config, PassReport, Router, RouterError, Settings, StepOutcome, WriteOutcome};
use ssv_sync::ClusterTuple;

pub const ETH: u128 = 1_000_000_000_000_000_000;
pub const GWEI: u128 = 1_000_000_000;

/// Starts the stack on `builder`'s devnet, writing its files into `dir` (a cheap KDF for the
/// mnemonic store).
pub async fn start(builder: DevnetBuilder, dir: &std::path::Path) -> Stack {
    Stack::start(builder, dir, Kdf::Scrypt { n: 2, r: 8, p: 1 })
        .await
        .unwrap_or_else(|e| panic!("the devnet stack did not start: {e}"))
}

/// The stack with `pool_eth` ETH in StaFi's deposit pool.
pub async fn stack(dir: &std::path::Path, pool_eth: u128) -> Stack {
    start(
        Devnet::builder().pool_funding(U256::from(pool_eth * ETH)),
        dir,
    )
    .await
}

/// The stack's configuration with `--set` overrides.
pub fn settings(stack: &Stack, set: &[(&str, &str)]) -> Result<Settings, RouterError> {
    let set: Vec<(String, String)> = set
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Config::load(&stack.files.config, std::iter::empty(), &set)
}

/// Opens a router on the stack's configuration with `--set` overrides and starts it (open
/// writes reconciled, index synced); returns what the reconciliation found.
pub async fn open(stack: &Stack, set: &[(&str, &str)]) -> (Router, Vec<WriteOutcome>) {
    let settings =
        settings(stack, set).unwrap_or_else(|e| panic!("configuration with {set:?} refused: {e}"));
    let mut r = Router::open(settings, &|_| None, None).await.unwrap();
    let reconciled = r.start().await.unwrap();
    (r, reconciled)
}

/// A started router on the stack's configuration with `set` overrides.
pub async fn router(stack: &Stack, set: &[(&str, &str)]) -> Router {
    open(stack, set).await.0
}

/// What a pass did in step `which`.
pub fn step(report: &PassReport, which: Step) -> &StepOutcome {
    &report.steps.iter().find(|(s, _)| *s == which).unwrap().1
}

/// Successful writes of a step.
pub fn mined(outcome: &StepOutcome) -> usize {
    match outcome {
        StepOutcome::Wrote(v) => v
            .iter()
            .filter(|r| matches!(r, Ok(WriteOutcome::Mined { success: true, .. })))
            .count(),
        _ => 0,
    }
}

/// Every write of a pass, over all its steps.
pub fn writes(report: &PassReport) -> Vec<&Result<WriteOutcome, String>> {
    report
        .steps
        .iter()
        .filter_map(|(_, o)| match o {
            StepOutcome::Wrote(v) => Some(v),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Whether every step of the pass had nothing to do.
pub fn all_idle(report: &PassReport) -> bool {
    report.steps.iter().all(|(_, o)| o == &StepOutcome::Idle)
}

/// The seed of the stack's validator mnemonic.
pub fn seed(stack: &Stack) -> Seed {
    stack.mnemonic.to_seed("")
}

/// The validator pubkey of key `index` of the stack's mnemonic.
pub fn pubkey(stack: &Stack, index: u32) -> Bytes {
    Bytes::copy_from_slice(seed(stack).signing_key(index).public_key().as_bytes())
}

/// The account's transaction count on the chain.
pub async fn nonce(stack: &Stack, account: Address) -> u64 {
    stack
        .devnet
        .provider()
        .get_transaction_count(account)
        .await
        .unwrap()
}

/// A pubkey's status on StafiSuperNode.
pub async fn stafi_status(stack: &Stack, pubkey: &Bytes) -> U256 {
    stack
        .devnet
        .super_node()
        .getSuperNodePubkeyStatus(pubkey.clone())
        .call()
        .await
        .unwrap()
}

/// The ETH in StaFi's deposit pool.
pub async fn pool(stack: &Stack) -> U256 {
    stack
        .devnet
        .user_deposit()
        .getBalance()
        .call()
        .await
        .unwrap()
}

/// The chain's `getBalance` of the SSV owner's cluster `ids` with snapshot `tuple`, at `block`.
pub async fn cluster_balance(stack: &Stack, ids: &[u64], tuple: ClusterTuple, block: u64) -> U256 {
    stack
        .devnet
        .ssv_views()
        .getBalance(
            stack.devnet.accounts.ssv_owner,
            ids.to_vec(),
            stafi_contracts::Cluster::from(tuple).into(),
        )
        .block(BlockId::number(block))
        .call()
        .await
        .unwrap()
}

/// At the block the router's index is synced to: the chain's balance of the cluster (with the
/// index's snapshot of it) equals the router's ledger, to the wei; returns it.
pub async fn ledger_matches_chain(stack: &Stack, r: &Router, ids: &[u64]) -> U256 {
    let owner = stack.devnet.accounts.ssv_owner;
    let block = r.node.syncer.state().cursor.unwrap();
    let on_chain = cluster_balance(stack, ids, r.node.index.cluster_tuple(owner, ids), block).await;
    let ledger = r.node.index.ledger().balance(owner, ids, block).unwrap();
    assert_eq!(ledger, on_chain);
    on_chain
}

/// The super node's pubkeys, in deposit order, with their StaFi status.
pub async fn super_node_keys(stack: &Stack) -> Vec<(Bytes, u64)> {
    stack.devnet.super_node_keys().await.unwrap()
}

/// As StaFi's oracles: every deposited key not yet voted is voted MATCH.
pub async fn vote_deposited(stack: &Stack) -> usize {
    stack.devnet.vote_deposited().await.unwrap()
}

/// Passes (voting MATCH for deposited keys between them, as StaFi's oracles) until `n` of our
/// validators are registered on SSV.
pub async fn until_registered(stack: &Stack, r: &mut Router, n: usize) {
    let owner = stack.devnet.accounts.ssv_owner;
    for _ in 0..12 {
        let registered = r
            .node
            .index
            .validators_of(owner)
            .filter(|v| v.removed.is_none())
            .count();
        if registered >= n {
            return;
        }
        let report = r.pass().await.unwrap();
        for w in writes(&report) {
            assert!(
                matches!(w, Ok(WriteOutcome::Mined { success: true, .. })),
                "{report:?}"
            );
        }
        vote_deposited(stack).await;
    }
    panic!("{n} validator(s) not registered after 12 passes");
}

/// The stack with `32 · n` ETH in the pool and a router that has registered `n` validators.
pub async fn registered(dir: &std::path::Path, n: usize) -> (Stack, Router) {
    let stack = stack(dir, 32 * n as u128).await;
    let mut r = router(&stack, &[]).await;
    until_registered(&stack, &mut r, n).await;
    (stack, r)
}

/// The intents a pass mined successfully, as the store recorded them.
pub fn mined_records(r: &Router, report: &PassReport) -> Vec<router::IntentRecord> {
    let ids: Vec<u64> = writes(report)
        .into_iter()
        .filter_map(|w| match w {
            Ok(WriteOutcome::Mined {
                intent,
                success: true,
                ..
            }) => Some(*intent),
            _ => None,
        })
        .collect();
    r.node
        .store
        .intents()
        .unwrap()
        .into_iter()
        .filter(|rec| ids.contains(&rec.id))
        .collect()
}

/// What transaction `tx` paid for gas, in wei.
pub async fn tx_fee(stack: &Stack, tx: alloy::primitives::B256) -> U256 {
    let receipt = stack
        .devnet
        .provider()
        .get_transaction_receipt(tx)
        .await
        .unwrap()
        .unwrap();
    U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price)
}
