//! The pass on the devnet: free pool ETH becomes validators deposited, voted (by the harness, as
//! StaFi's oracles), staked, registered in a funded SSV cluster, with the fee recipient set;
//! exactly once across restarts.

use alloy::primitives::{Bytes, U256};
use devnet::Devnet;
use devnet::stack::Stack;
use keygen::Kdf;
use router::{Config, Router, StepOutcome, WriteOutcome, steps::Step};

const ETH: u128 = 1_000_000_000_000_000_000;

async fn stack(dir: &std::path::Path, pool_eth: u128) -> Stack {
    Stack::start(
        Devnet::builder().pool_funding(U256::from(pool_eth * ETH)),
        dir,
        Kdf::Scrypt { n: 2, r: 8, p: 1 },
    )
    .await
    .unwrap_or_else(|e| panic!("the devnet stack did not start: {e}"))
}

async fn router(stack: &Stack, set: &[(&str, &str)]) -> Router {
    let set: Vec<(String, String)> = set
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let settings = Config::load(&stack.files.config, std::iter::empty(), &set).unwrap();
    let mut r = Router::open(settings, &|_| None, None).await.unwrap();
    r.start().await.unwrap();
    r
}

fn mined(outcome: &StepOutcome) -> usize {
    match outcome {
        StepOutcome::Wrote(v) => v
            .iter()
            .filter(|r| matches!(r, Ok(WriteOutcome::Mined { success: true, .. })))
            .count(),
        _ => 0,
    }
}

fn step(report: &router::PassReport, which: Step) -> &StepOutcome {
    &report.steps.iter().find(|(s, _)| *s == which).unwrap().1
}

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
    let pubkeys: Vec<Bytes> = (0..3u32)
        .map(|i| {
            Bytes::copy_from_slice(
                stack
                    .mnemonic
                    .to_seed("")
                    .signing_key(i)
                    .public_key()
                    .as_bytes(),
            )
        })
        .collect();
    let sn = stack.devnet.super_node();
    for pk in &pubkeys {
        assert_eq!(
            sn.getSuperNodePubkeyStatus(pk.clone())
                .call()
                .await
                .unwrap(),
            U256::from(1)
        );
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
        assert_eq!(
            sn.getSuperNodePubkeyStatus(pk.clone())
                .call()
                .await
                .unwrap(),
            U256::from(3)
        );
    }
    assert_eq!(
        stack
            .devnet
            .user_deposit()
            .getBalance()
            .call()
            .await
            .unwrap(),
        U256::ZERO
    );

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
    let block = r.node.syncer.state().cursor.unwrap();
    let on_chain = stack
        .devnet
        .ssv_views()
        .getBalance(
            owner,
            cluster.operator_ids.clone(),
            stafi_contracts::Cluster::from(cluster.tuple).into(),
        )
        .block(alloy::eips::BlockId::number(block))
        .call()
        .await
        .unwrap();
    assert_eq!(
        idx.ledger()
            .balance(owner, &cluster.operator_ids, block)
            .unwrap(),
        on_chain
    );
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
    assert!(
        p5.steps.iter().all(|(_, o)| o == &StepOutcome::Idle),
        "{p5:?}"
    );
    assert_eq!(r.node.store.intent_count().unwrap(), writes);
}
