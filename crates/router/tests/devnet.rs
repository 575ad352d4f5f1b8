//! `status` and `config check` against the devnet stack (anvil with the doubles, the fake beacon
//! node and SSV API, and the configuration `devnet up` writes).

mod common;

use alloy::primitives::{B256, Bytes, U256};
use common::{ETH, settings, start};
use devnet::stack::Stack;
use devnet::{Devnet, new_cluster, send};
use keygen::{DepositPlan, Seed, WithdrawalTarget};
use router::{Identity, Node, RouterError};

fn identity(stack: &Stack) -> Identity {
    Identity {
        super_node: stack.devnet.accounts.super_node,
        ssv_owner: stack.devnet.accounts.ssv_owner,
    }
}

/// Deposit data for key `index` of the stack's mnemonic: `gwei` to StaFi's withdrawal address.
fn deposit(stack: &Stack, seed: &Seed, index: u32, gwei: u64) -> (Bytes, Bytes, B256) {
    let d = DepositPlan::new(
        stack.beacon.network().clone(),
        WithdrawalTarget::Execution(stack.devnet.addresses.withdraw),
    )
    .start_index(index)
    .count(1)
    .amount_gwei(gwei)
    .run(seed)
    .unwrap()
    .remove(0);
    (
        Bytes::copy_from_slice(d.pubkey.as_bytes()),
        Bytes::copy_from_slice(d.signature.as_bytes()),
        B256::from(d.deposit_data_root),
    )
}

#[tokio::test]
async fn status_shows_validators_and_clusters_and_recovers_key_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(Devnet::builder(), dir.path()).await;
    let seed = stack.mnemonic.to_seed("");
    let settings = settings(&stack, &[]).unwrap();
    let router_seed = router::open_seed(&settings.config.accounts, &|_| None, None).unwrap();
    assert_eq!(
        router_seed.as_bytes(),
        seed.as_bytes(),
        "the store holds the stack's mnemonic"
    );
    let mut node = Node::open(settings, identity(&stack)).await.unwrap();
    let report = node.sync(|_| {}).await.unwrap();
    let empty = node.status(&seed, report.head).await.unwrap();
    assert!(empty.validators.is_empty());
    assert!(empty.clusters.is_empty());
    assert_eq!(empty.pool_balance, U256::from(320 * ETH));

    // Keys 0 and 2 deposited (1 is skipped, as after a failed deposit); 0 voted MATCH and staked,
    // then registered on SSV.
    let sn = stack.devnet.super_node();
    let me = stack.devnet.accounts.super_node;
    let (pk0, sig0, root0) = deposit(&stack, &seed, 0, 1_000_000_000);
    let (pk2, sig2, root2) = deposit(&stack, &seed, 2, 1_000_000_000);
    send(
        sn.deposit(
            vec![pk0.clone(), pk2.clone()],
            vec![sig0, sig2],
            vec![root0, root2],
        )
        .from(me),
        "deposit",
        None,
    )
    .await
    .unwrap();
    stack
        .devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pk0), true)
        .await
        .unwrap();
    let (_, sig31, root31) = deposit(&stack, &seed, 0, 31_000_000_000);
    send(
        sn.stake(vec![pk0.clone()], vec![sig31], vec![root31])
            .from(me),
        "stake",
        None,
    )
    .await
    .unwrap();
    let ids = stack.devnet.public_operator_ids()[..4].to_vec();
    stack
        .devnet
        .register_validator(
            stack.devnet.accounts.ssv_owner,
            &ids,
            pk0.clone(),
            Bytes::from(vec![0u8; 64]),
            new_cluster(),
            U256::from(ETH / 100),
        )
        .await
        .unwrap();
    stack.devnet.mine(4).await.unwrap();

    let report = node.sync(|_| {}).await.unwrap();
    let status = node.status(&seed, report.head).await.unwrap();
    let rows: Vec<(u64, &str, &str, &str)> = status
        .validators
        .iter()
        .map(|v| (v.index, v.stafi.as_str(), v.ssv.as_str(), v.beacon.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (0, "staked", "registered", "active_ongoing"),
            (2, "deposited", "-", "pending_initialized"),
        ]
    );
    assert_eq!(
        status.validators[0].cluster.as_deref(),
        Some(ids.as_slice())
    );
    assert_eq!(status.owner_nonce, 1);
    assert_eq!(status.clusters.len(), 1);
    let cluster = &status.clusters[0];
    assert_eq!((cluster.validators, cluster.active), (1, true));
    assert!(cluster.liquidation_block.is_some());
    // More than 64 ids go through the POST form (the fake answers 414 to a longer GET).
    let mut many: Vec<String> = (0u8..69)
        .map(|i| format!("0x{}", alloy::hex::encode([i; 48])))
        .collect();
    many.push(format!("{pk0:#x}"));
    let found = node.beacon.validators(&many).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].validator.pubkey, format!("{pk0:#x}"));
    let table = status.to_table(30);
    assert!(
        table.contains("staked") && table.contains("[1, 2, 3, 4]"),
        "{table}"
    );
    // The keys in use are remembered.
    assert_eq!(
        node.store
            .validators()
            .unwrap()
            .iter()
            .map(|r| r.index)
            .collect::<Vec<_>>(),
        vec![0, 2]
    );
}

#[tokio::test]
async fn config_check_passes_then_names_a_wrong_withdrawal_credential_and_a_wrong_chain() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(Devnet::builder(), dir.path()).await;
    let mut node = Node::open(settings(&stack, &[]).unwrap(), identity(&stack))
        .await
        .unwrap();
    node.sync(|_| {}).await.unwrap();
    let api = ssv_api::SsvApiClient::builder(ssv_api::SsvNetwork::Mainnet)
        .base_url(stack.ssv_api.network_url())
        .build()
        .unwrap();
    let report = node.check(Some(&api)).await;
    assert!(report.mismatches.is_empty(), "{}", report.to_text());
    assert!(report.to_text().contains("code at stafiSuperNode"));

    // StaFi's settings now name another withdrawal address than the one our keys deposit to.
    let mut other = [0u8; 32];
    other[0] = 1;
    other[31] = 0x42;
    send(
        stack
            .devnet
            .network_settings()
            .setWithdrawalCredentials(Bytes::copy_from_slice(&other)),
        "setWithdrawalCredentials",
        None,
    )
    .await
    .unwrap();
    let report = node.check(Some(&api)).await;
    assert_eq!(report.mismatches.len(), 1, "{}", report.to_text());
    match &report.mismatches[0] {
        RouterError::Mismatch {
            what,
            expected,
            found,
        } => {
            assert_eq!(what, "StafiNetworkSettings withdrawal credentials");
            assert!(expected.ends_with(&alloy::hex::encode(stack.devnet.addresses.withdraw)));
            assert_eq!(*found, format!("0x{}", alloy::hex::encode(other)));
        }
        other => panic!("{other}"),
    }
    drop(node);

    // A configuration for chain 1 pointed at the devnet is refused before anything is read.
    let wrong = settings(&stack, &[("network.custom.chain_id", "1")]).unwrap();
    match Node::open(wrong, identity(&stack)).await.unwrap_err() {
        RouterError::WrongChain {
            found, expected, ..
        } => {
            assert_eq!((found, expected), (31_337, 1));
        }
        other => panic!("expected WrongChain, got {other}"),
    }
}

#[tokio::test]
async fn a_checkpoint_start_skips_history_and_agrees_with_the_views() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(Devnet::builder(), dir.path()).await;
    let from = stack.devnet.block_number().await.unwrap();
    let owner = stack.devnet.accounts.ssv_owner;
    let ids = stack.devnet.public_operator_ids()[..4].to_vec();
    let (cluster, _) = stack
        .devnet
        .register_validator(
            owner,
            &ids,
            Bytes::from(vec![7u8; 48]),
            Bytes::from(vec![0u8; 64]),
            new_cluster(),
            U256::from(ETH / 100),
        )
        .await
        .unwrap();
    stack
        .devnet
        .set_operator_fee(ids[0], U256::from(900_000_000u64))
        .await
        .unwrap();
    stack.devnet.mine(3).await.unwrap();

    let set = [("execution.from_block", from.to_string())];
    let set: Vec<(&str, &str)> = set.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut node = Node::open(settings(&stack, &set).unwrap(), identity(&stack))
        .await
        .unwrap();
    let report = node.sync(|_| {}).await.unwrap();
    assert_eq!(report.windows.first().map(|w| w.0), Some(from + 1));
    let block = report.synced_to.unwrap();
    let views = stack.devnet.ssv_views();
    let on_chain = views
        .getBalance(owner, ids.clone(), cluster.into())
        .block(alloy::eips::BlockId::number(block))
        .call()
        .await
        .unwrap();
    assert_eq!(
        node.index.ledger().balance(owner, &ids, block).unwrap(),
        on_chain
    );
    assert_eq!(node.index.owner_nonce(owner), 1);
    let checkpoint = node.store.checkpoint().unwrap().unwrap();
    assert_eq!(checkpoint.block, from);
    assert_eq!(checkpoint.operators.len(), stack.devnet.operators.len());
    drop(node);

    // A restart keeps the checkpoint and the cursor: nothing before them is read again.
    let mut node = Node::open(settings(&stack, &[]).unwrap(), identity(&stack))
        .await
        .unwrap();
    stack.devnet.mine(2).await.unwrap();
    let report = node.sync(|_| {}).await.unwrap();
    assert_eq!(report.windows.first().map(|w| w.0), Some(block + 1));
    assert_eq!(node.index.owner_nonce(owner), 1);
}
