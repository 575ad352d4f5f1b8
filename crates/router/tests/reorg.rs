//! Reorgs that drop the router's own mined writes (a fee recipient and a deposit; a
//! registration): anvil reverts to a snapshot taken before them and mines a longer branch. The
//! index rolls back, the dropped writes are planned again from the chain (not re-sent from the
//! log; the registration with the owner nonce the new branch expects), and each lands once. A
//! reorg between two windows of one sync is in `crates/ssv-sync/tests/sync.rs`.

mod common;

use alloy::primitives::Address;
use common::{pubkey, router, stack, super_node_keys};
use router::{IntentKind, IntentState};
use stafi_contracts::deposit_contract::DepositContract::DepositEvent;
use stafi_contracts::ssv_network::SSVNetwork;

async fn count<E: alloy::sol_types::SolEvent>(
    stack: &devnet::stack::Stack,
    address: Address,
) -> usize {
    stack.devnet.events::<E>(address).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_dropped_by_a_reorg_are_planned_again_and_land_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut stack = stack(dir.path(), 32).await;
    let snapshot = stack.devnet.snapshot().await.unwrap();
    let mut r = router(&stack, &[]).await;
    let first = r.pass().await.unwrap();
    assert_eq!(first.mined(), 2, "{first:?}");
    assert_eq!(super_node_keys(&stack).await.len(), 1);

    // The branch with the fee recipient and the deposit is dropped; a longer one replaces it.
    stack.devnet.revert(snapshot).await.unwrap();
    assert!(super_node_keys(&stack).await.is_empty());
    stack.devnet.mine(6).await.unwrap();

    for _ in 0..4 {
        r.pass().await.unwrap();
        if super_node_keys(&stack).await.len() == 1
            && count::<SSVNetwork::FeeRecipientAddressUpdated>(
                &stack,
                stack.devnet.addresses.ssv_network,
            )
            .await
                == 1
        {
            break;
        }
    }
    // On the new branch: one deposit of key 0, one fee recipient.
    assert_eq!(
        super_node_keys(&stack).await,
        vec![(pubkey(&stack, 0), router::stafi_status::INITIAL)]
    );
    assert_eq!(
        count::<DepositEvent>(&stack, stack.devnet.addresses.deposit_contract).await,
        1
    );
    assert_eq!(
        count::<SSVNetwork::FeeRecipientAddressUpdated>(&stack, stack.devnet.addresses.ssv_network)
            .await,
        1
    );
    // The log keeps both deposits: the dropped one and the one planned again for the same key,
    // with the nonce the new branch expects.
    let deposits: Vec<_> = r
        .node
        .store
        .intents()
        .unwrap()
        .into_iter()
        .filter(|i| i.intent.kind == IntentKind::Deposit)
        .collect();
    assert_eq!(deposits.len(), 2, "{deposits:#?}");
    assert!(deposits.iter().all(|d| d.intent.key_indices == vec![0]));
    assert!(
        deposits
            .iter()
            .all(|d| matches!(d.state, IntentState::Mined { success: true, .. }))
    );
    assert!(r.node.store.open_intents().unwrap().is_empty());
    // Nothing more to do.
    let idle = r.pass().await.unwrap();
    assert_eq!(idle.mined(), 0, "{idle:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registration_dropped_by_a_reorg_is_registered_again_with_the_same_owner_nonce() {
    let dir = tempfile::tempdir().unwrap();
    let mut stack = stack(dir.path(), 32).await;
    let owner = stack.devnet.accounts.ssv_owner;
    let ssv = stack.devnet.addresses.ssv_network;
    let mut r = router(&stack, &[]).await;
    // Deposit, MATCH, stake: the next pass registers.
    r.pass().await.unwrap();
    common::vote_deposited(&stack).await;
    let staked = r.pass().await.unwrap();
    assert_eq!(staked.mined(), 1, "{staked:?}");
    let snapshot = stack.devnet.snapshot().await.unwrap();
    let registered = r.pass().await.unwrap();
    assert_eq!(
        count::<SSVNetwork::ValidatorAdded>(&stack, ssv).await,
        1,
        "{registered:?}"
    );
    r.node.sync(|_| {}).await.unwrap();
    assert!(r.node.index.validator(owner, &pubkey(&stack, 0)).is_some());

    // The branch with the registration is dropped; a longer one replaces it.
    stack.devnet.revert(snapshot).await.unwrap();
    stack.devnet.mine(6).await.unwrap();
    assert_eq!(count::<SSVNetwork::ValidatorAdded>(&stack, ssv).await, 0);
    for _ in 0..4 {
        r.pass().await.unwrap();
        if count::<SSVNetwork::ValidatorAdded>(&stack, ssv).await == 1 {
            break;
        }
    }
    // Registered once on the new branch, with the owner nonce that branch expects (0 again),
    // and the index has it.
    assert_eq!(count::<SSVNetwork::ValidatorAdded>(&stack, ssv).await, 1);
    assert_eq!(stack.devnet.owner_nonce(owner).await.unwrap(), 1);
    let registrations: Vec<_> = r
        .node
        .store
        .intents()
        .unwrap()
        .into_iter()
        .filter(|i| i.intent.kind == IntentKind::Register)
        .collect();
    assert_eq!(registrations.len(), 2, "{registrations:#?}");
    assert!(
        registrations
            .iter()
            .all(|i| i.intent.owner_nonce == Some(0) && i.intent.key_indices == vec![0])
    );
    assert!(r.node.store.open_intents().unwrap().is_empty());
    r.node.sync(|_| {}).await.unwrap();
    assert!(r.node.index.validator(owner, &pubkey(&stack, 0)).is_some());
    let idle = r.pass().await.unwrap();
    assert_eq!(idle.mined(), 0, "{idle:?}");
}
