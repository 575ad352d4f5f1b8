//! StaFi super-node flow on the devnet: 1 ETH deposit from the pool → oracle vote → 31 ETH stake.

mod common;

use alloy::primitives::{B256, U256};
use alloy::providers::Provider;
use common::{bytes, pubkey, reason, signature, spawn};
use devnet::{Devnet, deposit_data_root, send, withdrawal_credentials};
use stafi_contracts::deposit_contract::DepositContract;
use stafi_contracts::stafi_user_deposit::StafiUserDeposit;
use stafi_contracts::{RevertReason, StafiAddresses};

const ETH: u128 = 1_000_000_000_000_000_000;

fn roots(
    n: u32,
    wc: &[u8; 32],
    gwei: u64,
) -> (alloy::primitives::Bytes, alloy::primitives::Bytes, B256) {
    let pk = pubkey(n);
    let sig = signature(n);
    (
        bytes(&pk),
        bytes(&sig),
        deposit_data_root(&pk, wc, gwei, &sig),
    )
}

#[tokio::test]
async fn super_node_deposit_vote_stake() {
    let devnet = spawn(Devnet::builder().operators(vec![])).await;
    let provider = devnet.provider().clone();
    let me = devnet.accounts.super_node;

    // Addresses resolve through StafiStorage keys.
    let resolved = StafiAddresses::resolve(&provider, devnet.addresses.stafi_storage)
        .await
        .unwrap();
    assert_eq!(resolved.super_node, devnet.addresses.super_node);
    assert_eq!(resolved.user_deposit, devnet.addresses.user_deposit);
    assert_eq!(resolved.withdraw, devnet.addresses.withdraw);
    assert_eq!(
        resolved.super_node_fee_pool,
        devnet.accounts.super_node_fee_pool
    );

    let wc: [u8; 32] = withdrawal_credentials(devnet.addresses.withdraw);
    let settings = devnet.network_settings();
    assert_eq!(
        settings
            .getWithdrawalCredentials()
            .call()
            .await
            .unwrap()
            .as_ref(),
        wc
    );
    let pool = StafiUserDeposit::new(devnet.addresses.user_deposit, provider.clone());
    let pool_before = pool.getBalance().call().await.unwrap();
    assert_eq!(pool_before, U256::from(320 * ETH));

    let sn = devnet.super_node();
    let (pk, sig, root1) = roots(1, &wc, 1_000_000_000);
    let receipt = send(
        sn.deposit(vec![pk.clone()], vec![sig.clone()], vec![root1])
            .from(me),
        "deposit",
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        sn.getSuperNodePubkeyStatus(pk.clone())
            .call()
            .await
            .unwrap(),
        U256::from(1)
    );
    assert_eq!(
        sn.getSuperNodePubkeyCount(me).call().await.unwrap(),
        U256::from(1)
    );
    assert_eq!(
        pool.getBalance().call().await.unwrap(),
        pool_before - U256::from(ETH)
    );
    let event = receipt
        .decoded_log::<DepositContract::DepositEvent>()
        .expect("DepositEvent");
    assert_eq!(event.data.pubkey, pk);
    assert_eq!(event.data.withdrawal_credentials.as_ref(), wc);
    assert_eq!(event.data.amount.as_ref(), 1_000_000_000u64.to_le_bytes());

    // The same pubkey cannot be deposited twice; a MATCH-less key cannot be staked.
    let again = send(
        sn.deposit(vec![pk.clone()], vec![sig.clone()], vec![root1])
            .from(me),
        "deposit",
        None,
    )
    .await;
    assert_eq!(
        reason(&again.unwrap_err()),
        &RevertReason::Message("super Node pubkey exists".into())
    );
    let (_, _, root31) = roots(1, &wc, 31_000_000_000);
    let early = send(
        sn.stake(vec![pk.clone()], vec![sig.clone()], vec![root31])
            .from(me),
        "stake",
        None,
    )
    .await;
    assert_eq!(
        reason(&early.unwrap_err()),
        &RevertReason::Message("pubkey status unmatch".into())
    );

    // Only trusted nodes vote; their majority moves the key to MATCH.
    let outsider = send(
        sn.voteWithdrawCredentials(vec![pk.clone()], vec![true])
            .from(me),
        "vote",
        None,
    )
    .await;
    assert_eq!(
        reason(&outsider.unwrap_err()),
        &RevertReason::Message("Invalid trusted node".into())
    );
    devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pk), true)
        .await
        .unwrap();
    assert_eq!(
        sn.getSuperNodePubkeyStatus(pk.clone())
            .call()
            .await
            .unwrap(),
        U256::from(2)
    );

    // A deposit_data_root that does not match is rejected by the deposit contract.
    let bad = send(
        sn.stake(vec![pk.clone()], vec![sig.clone()], vec![root1])
            .from(me),
        "stake",
        None,
    )
    .await;
    assert!(
        matches!(reason(&bad.unwrap_err()), RevertReason::Message(m) if m.contains("deposit_data_root"))
    );

    send(
        sn.stake(vec![pk.clone()], vec![sig], vec![root31]).from(me),
        "stake",
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        sn.getSuperNodePubkeyStatus(pk).call().await.unwrap(),
        U256::from(3)
    );
    assert_eq!(
        pool.getBalance().call().await.unwrap(),
        pool_before - U256::from(32 * ETH)
    );
    let deposited = provider
        .get_balance(devnet.addresses.deposit_contract)
        .await
        .unwrap();
    assert_eq!(deposited, U256::from(32 * ETH));
    let count = devnet
        .deposit_contract()
        .get_deposit_count()
        .call()
        .await
        .unwrap();
    assert_eq!(count.as_ref(), 2u64.to_le_bytes());
}

#[tokio::test]
async fn pubkey_limit_unmatch_and_ejection() {
    let devnet = spawn(Devnet::builder().operators(vec![])).await;
    let me = devnet.accounts.super_node;
    let wc = withdrawal_credentials(devnet.addresses.withdraw);
    let sn = devnet.super_node();
    send(
        devnet
            .network_settings()
            .setSuperNodePubkeyLimit(U256::from(1)),
        "setSuperNodePubkeyLimit",
        None,
    )
    .await
    .unwrap();

    let (pk1, sig1, r1) = roots(1, &wc, 1_000_000_000);
    let (pk2, sig2, r2) = roots(2, &wc, 1_000_000_000);
    let over = send(
        sn.deposit(
            vec![pk1.clone(), pk2],
            vec![sig1.clone(), sig2],
            vec![r1, r2],
        )
        .from(me),
        "deposit",
        None,
    )
    .await;
    assert_eq!(
        reason(&over.unwrap_err()),
        &RevertReason::Message("pubkey amount over limit".into())
    );

    send(
        sn.deposit(vec![pk1.clone()], vec![sig1], vec![r1]).from(me),
        "deposit",
        None,
    )
    .await
    .unwrap();
    devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pk1), false)
        .await
        .unwrap();
    assert_eq!(
        sn.getSuperNodePubkeyStatus(pk1).call().await.unwrap(),
        U256::from(4)
    );

    let withdraw = stafi_contracts::stafi_withdraw::StafiWithdraw::new(
        devnet.addresses.withdraw,
        devnet.provider(),
    );
    let cycle = devnet.eject_validators(&[17, 42]).await.unwrap();
    assert_eq!(withdraw.currentWithdrawCycle().call().await.unwrap(), cycle);
    assert_eq!(withdraw.ejectedStartCycle().call().await.unwrap(), cycle);
    assert_eq!(
        withdraw
            .getEjectedValidatorsAtCycle(cycle)
            .call()
            .await
            .unwrap(),
        vec![U256::from(17), U256::from(42)]
    );
}
