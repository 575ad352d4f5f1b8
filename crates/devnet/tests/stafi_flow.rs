//! StaFi on the devnet, behaving as stafiprotocol/eth2-staking@68a6fb7 does: the pool's ETH in
//! StafiEther's ledger, user deposits minting rETH, the super-node flow (1 ETH deposit from the pool →
//! trusted nodes' vote → 31 ETH stake), registered-contract checks, and StafiWithdraw's exit
//! notification behind its proxy.

use alloy::primitives::{B256, U256};
use alloy::providers::Provider;
use devnet::testing::{bytes, pubkey, reason, signature, spawn};
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
        devnet.addresses.super_node_fee_pool
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
    // The pool's ETH is StafiEther's, credited to the name "stafiUserDeposit".
    assert_eq!(
        provider
            .get_balance(devnet.addresses.user_deposit)
            .await
            .unwrap(),
        U256::ZERO
    );
    assert_eq!(
        provider
            .get_balance(devnet.addresses.stafi_ether)
            .await
            .unwrap(),
        pool_before
    );

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
        &RevertReason::Message("pubkey status unmatch".into())
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
async fn user_deposits_and_registered_contract_checks() {
    let devnet = spawn(Devnet::builder().operators(vec![])).await;
    let user = devnet.accounts.user;
    let pool = devnet.user_deposit();
    let before = pool.getBalance().call().await.unwrap();

    // A deposit mints rETH 1:1 while the network balance is zero and lands in StafiEther.
    devnet.fund_pool(U256::from(ETH / 100)).await.unwrap();
    assert_eq!(
        pool.getBalance().call().await.unwrap(),
        before + U256::from(ETH / 100)
    );
    let reth =
        devnet::doubles::reth_token::RETHToken::new(devnet.addresses.reth_token, devnet.provider());
    assert_eq!(
        reth.balanceOf(user).call().await.unwrap(),
        before + U256::from(ETH / 100)
    );

    let small = devnet.fund_pool(U256::from(ETH / 100 - 1)).await;
    assert_eq!(
        reason(&small.unwrap_err()),
        &RevertReason::Message("The deposited amount is less than the minimum deposit size".into())
    );
    send(pool.setDepositEnabled(false), "setDepositEnabled", None)
        .await
        .unwrap();
    let disabled = devnet.fund_pool(U256::from(ETH)).await;
    assert_eq!(
        reason(&disabled.unwrap_err()),
        &RevertReason::Message("Deposits into Stafi are currently disabled".into())
    );

    // Only the registered SuperNode draws from the pool; once initialised, StafiStorage takes
    // writes from registered contracts only.
    let drain = send(
        pool.withdrawExcessBalanceForSuperNode(U256::from(ETH))
            .from(user),
        "withdrawExcessBalanceForSuperNode",
        None,
    )
    .await;
    assert_eq!(
        reason(&drain.unwrap_err()),
        &RevertReason::Message("Invalid or outdated contract".into())
    );
    let storage = devnet::doubles::stafi_storage::StafiStorage::new(
        devnet.addresses.stafi_storage,
        devnet.provider(),
    );
    let write = send(
        storage.setBool(B256::ZERO, true),
        "StafiStorage.setBool",
        None,
    )
    .await;
    assert_eq!(
        reason(&write.unwrap_err()),
        &RevertReason::Message("Invalid or outdated network contract".into())
    );

    // Node roles live in StafiNodeManager; a super node's key must be 48 bytes for the deposit contract.
    let manager = devnet.node_manager();
    assert_eq!(
        manager.getTrustedNodeCount().call().await.unwrap(),
        U256::from(devnet.accounts.oracles.len())
    );
    assert!(
        manager
            .getSuperNodeExists(devnet.accounts.super_node)
            .call()
            .await
            .unwrap()
    );
    let wc = withdrawal_credentials(devnet.addresses.withdraw);
    let (_, sig, root) = roots(9, &wc, 1_000_000_000);
    let short = send(
        devnet
            .super_node()
            .deposit(vec![bytes(&pubkey(9)[..47])], vec![sig], vec![root])
            .from(devnet.accounts.super_node),
        "deposit",
        None,
    )
    .await;
    assert_eq!(
        reason(&short.unwrap_err()),
        &RevertReason::Message("DepositContract: invalid pubkey length".into())
    );
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
    assert_eq!(
        sn.getSuperNodePubkeyAt(me, U256::ZERO)
            .call()
            .await
            .unwrap(),
        pk1
    );
    devnet
        .vote_withdraw_credentials(std::slice::from_ref(&pk1), false)
        .await
        .unwrap();
    assert_eq!(
        sn.getSuperNodePubkeyStatus(pk1).call().await.unwrap(),
        U256::from(4)
    );
}

#[tokio::test]
async fn withdraw_exit_notification_rules() {
    let devnet = spawn(Devnet::builder().operators(vec![])).await;
    let withdraw = devnet.withdraw();
    let [a, b, c] = [0, 1, 2].map(|i| devnet.accounts.oracles[i]);
    let current = withdraw.currentWithdrawCycle().call().await.unwrap();
    let cycle = current - U256::from(1);
    let start = cycle - U256::from(1);
    let list = vec![U256::from(17), U256::from(42)];
    let notify = |from, cycle, start, list: Vec<U256>| {
        send(
            withdraw.notifyValidatorExit(cycle, start, list).from(from),
            "notifyValidatorExit",
            None,
        )
    };

    // Only the previous cycle, with an earlier start cycle, and at most limit·3/20 ETH validators.
    let now = notify(a, current, start, list.clone()).await;
    assert_eq!(
        reason(&now.unwrap_err()),
        &RevertReason::Message("cycle not match".into())
    );
    let late_start = notify(a, cycle, cycle, list.clone()).await;
    assert_eq!(
        reason(&late_start.unwrap_err()),
        &RevertReason::Message("cycle not match".into())
    );
    send(
        withdraw.setWithdrawLimitPerCycle(U256::from(20 * ETH)),
        "setWithdrawLimitPerCycle",
        None,
    )
    .await
    .unwrap();
    let four = (1..=4).map(U256::from).collect();
    let too_many = notify(a, cycle, start, four).await;
    assert_eq!(
        reason(&too_many.unwrap_err()),
        &RevertReason::Message("length not match".into())
    );

    // One trusted node's vote is not the 50 % threshold of three; the second executes it; the
    // cycle's list is then final.
    notify(a, cycle, start, list.clone()).await.unwrap();
    assert!(
        withdraw
            .getEjectedValidatorsAtCycle(cycle)
            .call()
            .await
            .unwrap()
            .is_empty()
    );
    let twice = notify(a, cycle, start, list.clone()).await;
    assert_eq!(
        reason(&twice.unwrap_err()),
        &RevertReason::Message("duplicate vote".into())
    );
    notify(b, cycle, start, list.clone()).await.unwrap();
    assert_eq!(
        withdraw
            .getEjectedValidatorsAtCycle(cycle)
            .call()
            .await
            .unwrap(),
        list
    );
    assert_eq!(withdraw.ejectedStartCycle().call().await.unwrap(), start);
    let again = notify(c, cycle, start, vec![U256::from(7)]).await;
    assert_eq!(
        reason(&again.unwrap_err()),
        &RevertReason::Message("already dealed".into())
    );

    // StafiWithdraw sits behind a transparent proxy: its admin cannot reach the implementation.
    let admin = send(
        withdraw
            .currentWithdrawCycle()
            .from(devnet.accounts.proxy_admin),
        "currentWithdrawCycle",
        None,
    )
    .await;
    assert_eq!(
        reason(&admin.unwrap_err()),
        &RevertReason::Message(
            "TransparentUpgradeableProxy: admin cannot fallback to proxy target".into()
        )
    );
}
