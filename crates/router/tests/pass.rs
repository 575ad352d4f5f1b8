//! The pass on the devnet: free pool ETH becomes validators deposited, voted (by the harness, as
//! StaFi's oracles), staked, registered in a funded SSV cluster, with the fee recipient set;
//! exactly once across restarts.

mod common;

use alloy::primitives::{Bytes, U256};
use common::{
    all_idle, ledger_matches_chain, mined, pool, pubkey, router, stack, stafi_status, step,
};
use router::StepOutcome;
use router::steps::Step;

#[tokio::test(flavor = "multi_thread")]
async fn pool_eth_becomes_funded_ssv_validators_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 3 * 32).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let mut r = router(&stack, &[]).await;

    // Pass 1: 96 ETH free → three 1 ETH deposits in one transaction; the fee recipient is set.
    let p1 = r.pass().await.unwrap();
    assert_eq!(mined(step(&p1, Step::Deposit)), 1, "{p1:?}");
    assert_eq!(mined(step(&p1, Step::FeeRecipient)), 1, "{p1:?}");
    let pubkeys: Vec<Bytes> = (0..3u32).map(|i| pubkey(&stack, i)).collect();
    for pk in &pubkeys {
        assert_eq!(stafi_status(&stack, pk).await, U256::from(1));
    }
    // Nothing more to deposit: the 93 ETH left are owed to the three keys' stakes.
    let p2 = r.pass().await.unwrap();
    assert_eq!(step(&p2, Step::Deposit), &StepOutcome::Idle, "{p2:?}");

    // StaFi's oracles vote MATCH; the next pass stakes all three.
    stack
        .devnet
        .vote_withdraw_credentials(&pubkeys, true)
        .await
        .unwrap();
    let p3 = r.pass().await.unwrap();
    assert_eq!(mined(step(&p3, Step::Stake)), 1, "{p3:?}");
    for pk in &pubkeys {
        assert_eq!(stafi_status(&stack, pk).await, U256::from(3));
    }
    assert_eq!(pool(&stack).await, U256::ZERO);

    // The next pass registers all three in one bulkRegisterValidator with the planned ETH.
    let p4 = r.pass().await.unwrap();
    assert_eq!(mined(step(&p4, Step::Onboard)), 1, "{p4:?}");
    r.node.sync(|_| {}).await.unwrap();
    let idx = &r.node.index;
    assert_eq!(idx.owner_nonce(owner), 3);
    let clusters: Vec<_> = idx.clusters_of(owner).collect();
    assert_eq!(clusters.len(), 1);
    let cluster = clusters[0];
    assert_eq!(cluster.tuple.validator_count, 3);
    assert_eq!(cluster.validators.len(), 3);
    ledger_matches_chain(&stack, &r, &cluster.operator_ids).await;
    assert_eq!(
        idx.fee_recipient(owner),
        Some(stack.devnet.addresses.super_node_fee_pool)
    );

    // Every write is closed; a restart finds nothing to do and sends nothing.
    assert!(r.node.store.open_intents().unwrap().is_empty());
    let writes = r.node.store.intent_count().unwrap();
    drop(r);
    let mut r = router(&stack, &[]).await;
    let p5 = r.pass().await.unwrap();
    assert!(all_idle(&p5), "{p5:?}");
    assert_eq!(r.node.store.intent_count().unwrap(), writes);
}
