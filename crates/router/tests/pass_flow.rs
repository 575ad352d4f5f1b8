//! The whole flow on the devnet, pass by pass, with the router stopped and opened again between
//! every two passes: free pool ETH → 1 ETH deposits → the oracles' MATCH vote (by the harness) →
//! 31 ETH stakes → SSV registrations → fee recipient, for 1, 3 and 45 validators and committees of
//! 4 and 7. After each registration the cluster's balance on chain is checked against the index's
//! ledger and against the ETH the router sent, and the amount sent against `cluster-accounting`'s
//! plan for the state it was planned on. A crash between sending and the receipt (the chain not
//! mining, the write left pending, the router dropped) must be reconciled: nothing is sent twice,
//! no nonce is skipped or reused, every key ends staked and registered exactly once; a write
//! still pending after a restart is closed by a later pass of the same router, and one stuck past
//! `pass.replace_after_secs` is replaced with the same nonce and higher fees.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use alloy::consensus::Transaction as _;
use alloy::eips::BlockId;
use alloy::eips::eip2718::Decodable2718;
use alloy::primitives::{Bytes, U256};
use alloy::providers::Provider;
use alloy::providers::ext::AnvilApi;
use alloy::sol_types::SolCall;
use cluster_accounting::{Action, BLOCKS_PER_DAY, Horizon, LiquidationParams};
use common::{
    all_idle, cluster_balance, ledger_matches_chain, nonce, open, pubkey, stack, super_node_keys,
    vote_deposited, writes,
};
use devnet::stack::Stack;
use router::{Account, IntentKind, IntentRecord, IntentState, Router, WriteOutcome, stafi_status};
use ssv_sync::{Index, SsvEvent};
use stafi_contracts::ssv_network::SSVNetwork;

/// Passes a flow may take before the test gives up (the longest, 45 keys in committees of 7,
/// takes four).
const MAX_PASSES: usize = 12;

async fn auto_mine(stack: &Stack, on: bool) {
    stack
        .devnet
        .provider()
        .anvil_set_auto_mine(on)
        .await
        .unwrap();
}

/// An index built from the router's kept logs up to `block`: the ledger as it stood then.
fn index_at(r: &Router, block: u64) -> Index {
    let logs = r
        .node
        .index
        .logs()
        .iter()
        .filter(|l| l.position.block <= block)
        .cloned()
        .collect();
    Index::from_logs(r.node.index.config().clone(), logs).unwrap()
}

/// What one registration was: its keys and committee, for the summary.
#[derive(Debug, Clone)]
struct Registration {
    block: u64,
    operator_ids: Vec<u64>,
    keys: usize,
}

/// Checks every mined registration not checked yet, against the chain and the router's index
/// (synced past it):
/// - the call is `bulkRegisterValidator` of the intent's keys in the intent's committee, signed
///   from the owner nonce the chain had, sent with exactly the intent's value;
/// - that value is `cluster_accounting::plan(AddValidators)` of the cluster's ledger state at the
///   block it was planned at, with the configured runway target and inclusion margin;
/// - right after the registration block the cluster's on-chain balance equals the ledger's, to
///   the wei, and equals the balance before it (settled at that block) plus the value sent.
async fn check_registrations(
    stack: &Stack,
    r: &Router,
    checked: &mut BTreeMap<u64, Registration>,
    committee: usize,
) {
    let owner = stack.devnet.accounts.ssv_owner;
    let views = stack.devnet.ssv_views();
    let runway = &r.node.settings.config.runway;
    let horizon = Horizon {
        inclusion_blocks: runway.inclusion_margin_blocks,
        runway_blocks: runway.target_days * BLOCKS_PER_DAY,
    };
    for rec in r.node.store.intents().unwrap() {
        if rec.intent.kind != IntentKind::Register || checked.contains_key(&rec.id) {
            continue;
        }
        let IntentState::Mined { block, success, tx } = rec.state else {
            continue;
        };
        assert!(success, "registration #{} reverted: {rec:?}", rec.id);
        assert!(
            r.node.syncer.state().cursor.unwrap() >= block,
            "the index is synced past the registration"
        );
        let ids = rec.intent.cluster.clone().unwrap();
        assert_eq!(ids.len(), committee, "committee of {ids:?}");
        let count = rec.intent.key_indices.len();
        assert_eq!(rec.intent.pubkeys.len(), count);

        // The call sent.
        let call = SSVNetwork::bulkRegisterValidatorCall::abi_decode(&rec.intent.data).unwrap();
        assert_eq!(call.publicKeys, rec.intent.pubkeys);
        assert_eq!(call.operatorIds, ids);
        assert_eq!(call.sharesData.len(), count);
        let sent = stack
            .devnet
            .provider()
            .get_transaction_by_hash(tx)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            sent.value(),
            rec.intent.value,
            "the ETH sent is the intent's"
        );
        assert_eq!(sent.to(), Some(stack.devnet.addresses.ssv_network));

        // The plan, recomputed from the ledger as it stood at the block it was planned at.
        assert!(rec.planned_at < block, "{rec:?}");
        let planned = index_at(r, rec.planned_at);
        assert_eq!(
            rec.intent.owner_nonce,
            Some(planned.owner_nonce(owner)),
            "keyshares signed with the owner nonce of the planning block"
        );
        let (state, at) = planned.ledger().view(owner, &ids, rec.planned_at).unwrap();
        let at_plan = BlockId::number(rec.planned_at);
        let params = LiquidationParams {
            threshold_period: views
                .getLiquidationThresholdPeriod()
                .block(at_plan)
                .call()
                .await
                .unwrap(),
            minimum_collateral: views
                .getMinimumLiquidationCollateral()
                .block(at_plan)
                .call()
                .await
                .unwrap(),
        };
        let expected = cluster_accounting::plan(
            &state,
            &at,
            &params,
            &Action::AddValidators {
                count: u32::try_from(count).unwrap(),
            },
            horizon,
        )
        .unwrap()
        .amount;
        assert!(expected > U256::ZERO);
        assert_eq!(
            rec.intent.value, expected,
            "registration #{} sent what cluster-accounting plans for its state",
            rec.id
        );

        // The balance right after the registration block.
        let before = index_at(r, block - 1);
        assert_eq!(
            before.owner_nonce(owner),
            rec.intent.owner_nonce.unwrap(),
            "no registration of ours landed between planning and this one"
        );
        let (state, at) = before.ledger().view(owner, &ids, block).unwrap();
        let settled = state.balance(&at).unwrap();
        let after = index_at(r, block);
        assert_eq!(
            after.owner_nonce(owner),
            before.owner_nonce(owner) + count as u64
        );
        let ledger = after.ledger().balance(owner, &ids, block).unwrap();
        let on_chain = cluster_balance(stack, &ids, after.cluster_tuple(owner, &ids), block).await;
        assert_eq!(
            on_chain, ledger,
            "on-chain balance and the ledger's at block {block}"
        );
        assert_eq!(
            on_chain,
            settled + rec.intent.value,
            "balance at block {block}: the balance before, settled, plus the ETH sent"
        );
        // Unchanged since: at the synced head the fees accrued since are burnt, on chain as in
        // the router's own ledger.
        let cursor = r.node.syncer.state().cursor.unwrap();
        let info = r.node.index.cluster(owner, &ids).unwrap();
        if info.updated.block == block {
            let now = ledger_matches_chain(stack, r, &ids).await;
            if cursor > block {
                assert!(now < on_chain, "fees accrue from block {block} to {cursor}");
            }
        }
        checked.insert(
            rec.id,
            Registration {
                block,
                operator_ids: ids,
                keys: count,
            },
        );
    }
}

/// Whether the flow is complete: `n` keys deposited, all staked, all on SSV, fee recipient set.
async fn complete(stack: &Stack, r: &Router, n: usize) -> bool {
    let owner = stack.devnet.accounts.ssv_owner;
    let keys = super_node_keys(stack).await;
    keys.len() == n
        && keys.iter().all(|(_, s)| *s == stafi_status::STAKING)
        && keys.iter().all(|(pk, _)| {
            r.node
                .index
                .validator(owner, pk)
                .is_some_and(|v| v.removed.is_none())
        })
        && r.node.index.fee_recipient(owner) == Some(stack.devnet.addresses.super_node_fee_pool)
}

/// The end state every flow must reach, however it got there.
fn assert_end_state(
    stack: &Stack,
    r: &Router,
    n: usize,
    keys: &[(Bytes, u64)],
    start_nonces: (u64, u64),
    end_nonces: (u64, u64),
) {
    let owner = stack.devnet.accounts.ssv_owner;
    // Deposited once each, in key order, all staked.
    let expected: Vec<Bytes> = (0..u32::try_from(n).unwrap())
        .map(|i| pubkey(stack, i))
        .collect();
    let deposited: Vec<Bytes> = keys.iter().map(|(pk, _)| pk.clone()).collect();
    assert_eq!(deposited, expected, "the super node's pubkeys");
    assert!(keys.iter().all(|(_, s)| *s == stafi_status::STAKING));

    // Registered once each: the owner nonce counts every ValidatorAdded.
    let idx = &r.node.index;
    assert_eq!(idx.owner_nonce(owner), n as u64);
    let mut added: BTreeMap<Bytes, usize> = BTreeMap::new();
    for log in idx.logs() {
        if let SsvEvent::ValidatorAdded {
            owner: o,
            public_key,
            ..
        } = &log.event
            && *o == owner
        {
            *added.entry(public_key.clone()).or_default() += 1;
        }
    }
    assert_eq!(added.len(), n, "registered pubkeys");
    assert!(
        added.values().all(|&c| c == 1),
        "a pubkey registered twice: {added:?}"
    );
    assert!(expected.iter().all(|pk| added.contains_key(pk)));
    assert_eq!(
        idx.clusters_of(owner)
            .map(|c| c.tuple.validator_count as usize)
            .sum::<usize>(),
        n
    );

    // Every write closed, mined and successful; each key in exactly one deposit, one stake and
    // one registration; account nonces used by our mined writes only, none skipped or twice.
    let intents: Vec<IntentRecord> = r.node.store.intents().unwrap();
    assert!(r.node.store.open_intents().unwrap().is_empty());
    for rec in &intents {
        assert!(
            matches!(rec.state, IntentState::Mined { success: true, .. }),
            "write #{} not closed as mined: {rec:?}",
            rec.id
        );
    }
    for kind in [IntentKind::Deposit, IntentKind::Stake, IntentKind::Register] {
        let mut covered: Vec<u64> = intents
            .iter()
            .filter(|rec| rec.intent.kind == kind)
            .flat_map(|rec| rec.intent.key_indices.iter().copied())
            .collect();
        covered.sort_unstable();
        assert_eq!(
            covered,
            (0..n as u64).collect::<Vec<_>>(),
            "{kind:?} writes cover each key once"
        );
    }
    assert_eq!(
        intents
            .iter()
            .filter(|rec| rec.intent.kind == IntentKind::FeeRecipient)
            .count(),
        1
    );
    for (account, start, end) in [
        (Account::SuperNode, start_nonces.0, end_nonces.0),
        (Account::SsvOwner, start_nonces.1, end_nonces.1),
    ] {
        let mut nonces: Vec<u64> = intents
            .iter()
            .filter(|rec| rec.account == account)
            .map(|rec| rec.nonce)
            .collect();
        nonces.sort_unstable();
        assert_eq!(
            nonces,
            (start..end).collect::<Vec<_>>(),
            "{account:?}: one mined write per nonce, from the account's first free one"
        );
    }
}

/// How a flow is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drive {
    /// Each pass's writes are mined as sent.
    Mined,
    /// Each pass runs with the chain not mining: every write is sent and left pending (receipt
    /// timeout), the router is dropped, then the chain mines and the next router reconciles.
    CrashBeforeReceipt,
}

/// The summary of a flow.
#[derive(Debug)]
struct Flow {
    passes: usize,
    registrations: Vec<Registration>,
    /// Every write, in order: what and for how many keys.
    writes: Vec<(IntentKind, usize)>,
}

/// Drives the flow for `n` validators, a new router for every pass, to completion; then checks
/// the end state and that one more pass does nothing.
async fn drive(
    stack: &Stack,
    set: &[(&str, &str)],
    n: usize,
    committee: usize,
    how: Drive,
) -> Flow {
    let super_node = stack.devnet.accounts.super_node;
    let owner = stack.devnet.accounts.ssv_owner;
    let start_nonces = (nonce(stack, super_node).await, nonce(stack, owner).await);
    let mut checked = BTreeMap::new();
    let mut passes = 0;
    let mut expect_reconciled = 0;
    loop {
        let (mut r, reconciled) = open(stack, set).await;
        // What the previous router left open is found mined, never re-signed or abandoned.
        assert_eq!(reconciled.len(), expect_reconciled, "{reconciled:?}");
        for outcome in &reconciled {
            assert!(
                matches!(outcome, WriteOutcome::Mined { success: true, .. }),
                "reconciled: {outcome:?}"
            );
        }
        assert!(r.node.store.open_intents().unwrap().is_empty());
        check_registrations(stack, &r, &mut checked, committee).await;
        if complete(stack, &r, n).await {
            let keys = super_node_keys(stack).await;
            let end_nonces = (nonce(stack, super_node).await, nonce(stack, owner).await);
            assert_end_state(stack, &r, n, &keys, start_nonces, end_nonces);
            // Nothing left to do, and nothing is sent.
            let writes_before = r.node.store.intent_count().unwrap();
            let last = r.pass().await.unwrap();
            assert!(all_idle(&last), "{last:?}");
            assert_eq!(r.node.store.intent_count().unwrap(), writes_before);
            let mut registrations: Vec<Registration> = checked.into_values().collect();
            registrations.sort_by_key(|g| g.block);
            let writes = r
                .node
                .store
                .intents()
                .unwrap()
                .into_iter()
                .map(|rec| (rec.intent.kind, rec.intent.key_indices.len()))
                .collect();
            return Flow {
                passes,
                registrations,
                writes,
            };
        }
        assert!(passes < MAX_PASSES, "no progress after {passes} passes");
        if how == Drive::CrashBeforeReceipt {
            auto_mine(stack, false).await;
        }
        let report = r.pass().await.unwrap();
        passes += 1;
        let sent = writes(&report);
        assert!(!sent.is_empty(), "pass {passes} sent nothing: {report:?}");
        for w in &sent {
            match how {
                Drive::Mined => assert!(
                    matches!(w, Ok(WriteOutcome::Mined { success: true, .. })),
                    "pass {passes}: {report:?}"
                ),
                Drive::CrashBeforeReceipt => assert!(
                    matches!(w, Ok(WriteOutcome::Pending { .. })),
                    "pass {passes}: {report:?}"
                ),
            }
        }
        let open_now = r.node.store.open_intents().unwrap().len();
        match how {
            Drive::Mined => assert_eq!(open_now, 0),
            Drive::CrashBeforeReceipt => assert_eq!(open_now, sent.len()),
        }
        expect_reconciled = open_now;
        drop(r);
        if how == Drive::CrashBeforeReceipt {
            auto_mine(stack, true).await;
            stack.devnet.mine(1).await.unwrap();
        }
        vote_deposited(stack).await;
    }
}

/// `--set` overrides for a flow of `n` validators in committees of `committee`.
fn overrides(n: usize, committee: usize, how: Drive) -> Vec<(&'static str, String)> {
    let mut set = vec![("selection.committee_size", committee.to_string())];
    if n > 16 {
        // Every key in one deposit and one stake, so that all wait for SSV at once: batches
        // above 16 keys, and the gas a transaction may use raised to fit them.
        set.push(("batch.max_deposits_per_tx", n.to_string()));
        set.push(("batch.max_stakes_per_tx", n.to_string()));
        set.push(("gas.max_gas_per_tx", "30000000".to_owned()));
    }
    if how == Drive::CrashBeforeReceipt {
        set.push(("pass.receipt_timeout_secs", "1".to_owned()));
    }
    set
}

async fn run_flow(n: usize, committee: usize, how: Drive) -> Flow {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32 * u128::try_from(n).unwrap()).await;
    let set = overrides(n, committee, how);
    let set: Vec<(&str, &str)> = set.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let flow = drive(&stack, &set, n, committee, how).await;
    // Deposit (with the fee recipient), stake, then one registration per SSV cap's worth.
    let regs: Vec<usize> = flow.registrations.iter().map(|g| g.keys).collect();
    assert_eq!(regs.iter().sum::<usize>(), n);
    assert_eq!(flow.passes, 2 + regs.len(), "{flow:?}");
    flow
}

#[tokio::test(flavor = "multi_thread")]
async fn one_validator_committee_of_4() {
    let flow = run_flow(1, 4, Drive::Mined).await;
    assert_eq!(flow.registrations.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_validator_committee_of_7() {
    let flow = run_flow(1, 7, Drive::Mined).await;
    assert_eq!(flow.registrations.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn three_validators_committee_of_4() {
    let flow = run_flow(3, 4, Drive::Mined).await;
    let regs: Vec<usize> = flow.registrations.iter().map(|g| g.keys).collect();
    assert_eq!(regs, [3], "one bulk registration of all three");
}

#[tokio::test(flavor = "multi_thread")]
async fn three_validators_committee_of_7() {
    let flow = run_flow(3, 7, Drive::Mined).await;
    let regs: Vec<usize> = flow.registrations.iter().map(|g| g.keys).collect();
    assert_eq!(regs, [3], "one bulk registration of all three");
}

/// 45 keys in a committee of 7: SSV takes at most 40 per bulk registration for 7 operators, so
/// two `bulkRegisterValidator`s, the first full (40), the second the rest (5), into the same
/// cluster.
#[tokio::test(flavor = "multi_thread")]
async fn forty_five_validators_committee_of_7_take_two_bulk_registrations() {
    let flow = run_flow(45, 7, Drive::Mined).await;
    assert_eq!(
        flow.writes,
        [
            (IntentKind::Deposit, 45),
            (IntentKind::FeeRecipient, 0),
            (IntentKind::Stake, 45),
            (IntentKind::Register, 40),
            (IntentKind::Register, 5),
        ],
        "{flow:?}"
    );
    let regs: Vec<usize> = flow.registrations.iter().map(|g| g.keys).collect();
    assert_eq!(regs, [40, 5], "{flow:?}");
    let clusters: BTreeSet<&Vec<u64>> =
        flow.registrations.iter().map(|g| &g.operator_ids).collect();
    assert_eq!(
        clusters.len(),
        1,
        "both into the existing cluster: {flow:?}"
    );
}

/// Every write-sending pass is cut between sending and the receipt: the chain does not mine,
/// the write times out pending, the router is dropped; the chain then mines and the next
/// router's start finds it mined. Nothing is deposited, staked or registered twice, and the
/// nonces follow each other.
#[tokio::test(flavor = "multi_thread")]
async fn a_crash_between_sending_and_the_receipt_is_reconciled_on_start() {
    let flow = run_flow(3, 4, Drive::CrashBeforeReceipt).await;
    let regs: Vec<usize> = flow.registrations.iter().map(|g| g.keys).collect();
    assert_eq!(regs, [3]);
}

/// A write left pending survives a restart that finds it still unmined (start reports it
/// pending, the same signed transaction, nothing new signed), and is closed by a later pass of
/// the same router once it is mined; the flow then completes without another restart.
#[tokio::test(flavor = "multi_thread")]
async fn a_pending_write_is_closed_by_a_later_pass() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32).await;
    let super_node = stack.devnet.accounts.super_node;
    let owner = stack.devnet.accounts.ssv_owner;
    let start_nonces = (nonce(&stack, super_node).await, nonce(&stack, owner).await);
    let set = [("pass.receipt_timeout_secs", "1")];

    // The deposit and the fee recipient are sent and left pending; the router stops.
    let (mut r, _) = open(&stack, &set).await;
    auto_mine(&stack, false).await;
    let p1 = r.pass().await.unwrap();
    let sent = writes(&p1);
    assert_eq!(sent.len(), 2, "{p1:?}");
    assert!(
        sent.iter()
            .all(|w| matches!(w, Ok(WriteOutcome::Pending { .. }))),
        "{p1:?}"
    );
    let left: Vec<IntentRecord> = r.node.store.open_intents().unwrap();
    assert_eq!(left.len(), 2);
    drop(r);

    // Restarted with the chain still not mining: both still pending, nothing re-signed; a pass
    // sends nothing new (the keys and the fee recipient are in flight).
    let (mut r, reconciled) = open(&stack, &set).await;
    assert_eq!(reconciled.len(), 2);
    assert!(
        reconciled
            .iter()
            .all(|o| matches!(o, WriteOutcome::Pending { .. })),
        "{reconciled:?}"
    );
    assert_eq!(r.node.store.open_intents().unwrap(), left);
    let p2 = r.pass().await.unwrap();
    assert!(writes(&p2).is_empty(), "{p2:?}");
    assert_eq!(r.node.store.intent_count().unwrap(), 2);

    // The chain mines; the same router's next pass closes both, and the flow goes on.
    auto_mine(&stack, true).await;
    stack.devnet.mine(1).await.unwrap();
    let p3 = r.pass().await.unwrap();
    assert!(
        r.node.store.open_intents().unwrap().is_empty(),
        "the mined writes are closed by the next pass: {p3:?}"
    );
    assert!(writes(&p3).is_empty(), "{p3:?}");
    assert_eq!(vote_deposited(&stack).await, 1);
    let mut checked = BTreeMap::new();
    for _ in 0..4 {
        if complete(&stack, &r, 1).await {
            break;
        }
        let p = r.pass().await.unwrap();
        for w in writes(&p) {
            assert!(
                matches!(w, Ok(WriteOutcome::Mined { success: true, .. })),
                "{p:?}"
            );
        }
        r.node.sync(|_| {}).await.unwrap();
        check_registrations(&stack, &r, &mut checked, 4).await;
    }
    assert!(complete(&stack, &r, 1).await);
    assert_eq!(checked.len(), 1);
    let keys = super_node_keys(&stack).await;
    let end_nonces = (nonce(&stack, super_node).await, nonce(&stack, owner).await);
    assert_end_state(&stack, &r, 1, &keys, start_nonces, end_nonces);
}

/// A write unmined past `pass.replace_after_secs` is replaced: the same nonce, fees up 12.5 %,
/// every version kept in the intent. Once the chain mines, the intent closes on the replacement
/// and the key is deposited once.
#[tokio::test(flavor = "multi_thread")]
async fn a_stuck_write_is_replaced_with_the_same_nonce_and_higher_fees() {
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(dir.path(), 32).await;
    let super_node = stack.devnet.accounts.super_node;
    let start = nonce(&stack, super_node).await;
    let set = [
        ("pass.receipt_timeout_secs", "5"),
        ("pass.replace_after_secs", "1"),
    ];
    let (mut r, _) = open(&stack, &set).await;
    auto_mine(&stack, false).await;
    let p = r.pass().await.unwrap();
    assert!(
        writes(&p)
            .iter()
            .all(|w| matches!(w, Ok(WriteOutcome::Pending { .. }))),
        "{p:?}"
    );
    let deposit = r
        .node
        .store
        .open_intents()
        .unwrap()
        .into_iter()
        .find(|i| i.intent.kind == IntentKind::Deposit)
        .unwrap();
    assert!(deposit.signed.len() >= 2, "replaced: {deposit:?}");
    assert_eq!(deposit.nonce, start);
    for pair in deposit.signed.windows(2) {
        let (old, new) = (&pair[0], &pair[1]);
        assert_ne!(old.hash, new.hash);
        assert!(new.max_fee_per_gas >= old.max_fee_per_gas + old.max_fee_per_gas / 8);
        let tx = alloy::consensus::TxEnvelope::decode_2718(&mut new.raw.as_ref()).unwrap();
        assert_eq!(tx.nonce(), start);
    }

    auto_mine(&stack, true).await;
    stack.devnet.mine(1).await.unwrap();
    r.pass().await.unwrap();
    assert!(r.node.store.open_intents().unwrap().is_empty());
    let mined = stack
        .devnet
        .provider()
        .get_transaction_receipt(deposit.signed.last().unwrap().hash)
        .await
        .unwrap();
    assert!(
        mined.is_some_and(|m| m.status()),
        "the newest version is mined"
    );
    assert_eq!(super_node_keys(&stack).await.len(), 1);
    assert_eq!(nonce(&stack, super_node).await, start + 1);
}
