//! A reorg that drops the router's own mined writes: anvil reverts to a snapshot taken before
//! them and mines a different branch. The index rolls back, the dropped writes are planned
//! again from the chain (not re-sent from the log), and each lands once on the new branch.

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
