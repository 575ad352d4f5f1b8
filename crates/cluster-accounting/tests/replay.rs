//! Event replay: ordering, idempotence, rollback, versions and bad input.

use alloy_primitives::{Address, U256};
use cluster_accounting::{
    AccountingError, Applied, Cluster, ClusterIndices, ClusterVersion, Event, Ledger,
    LiquidationParams, Log, LogPosition, VUnits, eth, legacy,
};

const GWEI: u64 = 1_000_000_000;
const IDS: [u64; 4] = [1, 2, 3, 4];

fn owner() -> Address {
    Address::repeat_byte(0x11)
}

fn log(block: u64, tx: u64, index: u64, event: Event) -> Log {
    Log {
        position: LogPosition::new(block, tx, index),
        event,
    }
}

fn operators_and_fee(block: u64) -> Vec<Log> {
    operators_and_network_fee(block, 3_366_600_000)
}

fn operators_and_network_fee(block: u64, network_fee: u64) -> Vec<Log> {
    let mut logs: Vec<Log> = (0..4)
        .map(|i| {
            log(
                block,
                i,
                0,
                Event::OperatorAdded {
                    operator_id: i + 1,
                    fee: U256::from(GWEI),
                },
            )
        })
        .collect();
    logs.push(log(
        block,
        4,
        0,
        Event::NetworkFeeUpdated {
            new_fee: U256::from(network_fee),
        },
    ));
    logs
}

/// Operators and the network fee at block 10, two validators (bulk) at block 20, a third-party
/// deposit at 30, a fee change at 40 and one removal at 50 — each tuple computed with the
/// crate's transition functions, as the contract would emit it.
fn history() -> (Vec<Log>, Vec<Cluster>) {
    let params = LiquidationParams::MAINNET_ETH;
    let mut logs = operators_and_fee(10);
    let mut ledger = Ledger::default();
    ledger.apply_all(&logs).unwrap();
    let at = |ledger: &Ledger, block| ledger.indices(ClusterVersion::Eth, &IDS, block).unwrap();

    let new = eth::EthCluster {
        cluster: Cluster::NEW,
        vunits: VUnits::Implicit,
    };
    let funding = U256::from(10u64.pow(17));
    let two = eth::register(&new, 2, funding, &at(&ledger, 20), &params).unwrap();
    // A bulk registration emits one ValidatorAdded per key, all with the final tuple.
    for i in 0..2 {
        logs.push(log(
            20,
            0,
            i,
            Event::ValidatorAdded {
                owner: owner(),
                operator_ids: IDS.to_vec(),
                cluster: two.cluster,
            },
        ));
    }
    let deposited = eth::deposit(&two, U256::from(GWEI)).unwrap();
    logs.push(log(
        30,
        3,
        1,
        Event::ClusterDeposited {
            owner: owner(),
            operator_ids: IDS.to_vec(),
            value: U256::from(GWEI),
            cluster: deposited.cluster,
        },
    ));
    logs.push(log(
        40,
        0,
        0,
        Event::OperatorFeeExecuted {
            operator_id: 2,
            fee: U256::from(2 * GWEI),
        },
    ));
    ledger.apply_all(&logs).unwrap();
    let removed = eth::remove(&deposited, 1, &at(&ledger, 50)).unwrap();
    logs.push(log(
        50,
        1,
        7,
        Event::ValidatorRemoved {
            owner: owner(),
            operator_ids: IDS.to_vec(),
            cluster: removed.cluster,
        },
    ));
    (logs, vec![two.cluster, deposited.cluster, removed.cluster])
}

#[test]
fn replay_rebuilds_clusters_nonces_and_balances() {
    let (logs, tuples) = history();
    let mut ledger = Ledger::default();
    assert_eq!(ledger.apply_all(&logs), Ok(logs.len()));
    let record = ledger.cluster(owner(), &IDS).unwrap();
    assert_eq!(record.state.cluster, tuples[2]);
    assert_eq!(record.state.version, ClusterVersion::Eth);
    assert_eq!(record.updated_at, LogPosition::new(50, 1, 7));
    assert_eq!(ledger.registration_nonce(owner()), 2);
    assert_eq!(ledger.cluster_count(), 1);

    // Balance at block 60: the tuple of block 50 with one validator; operator 2 charges 2 gwei
    // since block 41. 10 blocks · (1+2+1+1 gwei + 3.3666 gwei) · 1 validator.
    let balance = ledger.balance(owner(), &IDS, 60).unwrap();
    assert_eq!(
        balance,
        tuples[2].balance - U256::from(10 * (5 * GWEI + 3_366_600_000))
    );
    // Removal at block 50 settled 30 blocks for two validators, plus operator 2's extra gwei
    // for the 10 blocks since its fee change, on top of the deposit.
    let expected_at_50 = tuples[0].balance + U256::from(GWEI)
        - U256::from(2 * 30 * (4 * GWEI + 3_366_600_000))
        - U256::from(2 * 10 * GWEI);
    assert_eq!(tuples[2].balance, expected_at_50);
}

#[test]
fn applying_a_log_twice_changes_nothing() {
    let (logs, _) = history();
    let mut once = Ledger::default();
    once.apply_all(&logs).unwrap();
    let mut twice = once.clone();
    for l in &logs {
        assert_eq!(twice.apply(l), Ok(Applied::Duplicate));
    }
    assert_eq!(twice.apply_all(&logs), Ok(0));
    assert_eq!(twice, once);
}

#[test]
fn a_different_log_at_an_applied_position_is_a_conflict() {
    let (logs, _) = history();
    let mut ledger = Ledger::default();
    ledger.apply_all(&logs).unwrap();
    let mut forged = logs[7].clone();
    forged.event = Event::OperatorFeeExecuted {
        operator_id: 2,
        fee: U256::from(3 * GWEI),
    };
    assert_eq!(
        ledger.apply(&forged),
        Err(AccountingError::ConflictingLog {
            position: forged.position
        })
    );
}

#[test]
fn rollback_equals_never_having_seen_the_logs() {
    let (logs, _) = history();
    for block in [0, 10, 20, 29, 30, 45, 50, 99] {
        let mut full = Ledger::default();
        full.apply_all(&logs).unwrap();
        let undone = full.rollback_to(block).unwrap();
        let kept: Vec<Log> = logs
            .iter()
            .filter(|l| l.position.block <= block)
            .cloned()
            .collect();
        assert_eq!(undone, logs.len() - kept.len());
        let mut partial = Ledger::default();
        partial.apply_all(&kept).unwrap();
        assert_eq!(full, partial, "rollback to {block}");
        // Re-applying the rolled-back logs restores the full state.
        full.apply_all(&logs).unwrap();
        let mut reference = Ledger::default();
        reference.apply_all(&logs).unwrap();
        assert_eq!(full, reference);
    }
}

#[test]
fn rollback_beyond_the_kept_history_is_refused() {
    let (logs, _) = history();
    let mut ledger = Ledger::builder().reorg_depth(15).build();
    ledger.apply_all(&logs).unwrap();
    // Head is block 50: blocks 35.. are kept, so the logs of block 30 are gone.
    assert_eq!(
        ledger.rollback_to(20),
        Err(AccountingError::RollbackTooDeep {
            block: 20,
            oldest_kept: 31
        })
    );
    assert_eq!(ledger.rollback_to(30), Ok(2));
    assert_eq!(ledger.last_applied(), Some(LogPosition::new(30, 3, 1)));
    // A replay of a pruned log can no longer be told apart from an out-of-order one.
    assert!(matches!(
        ledger.apply(&logs[0]),
        Err(AccountingError::StaleEvent { .. })
    ));
}

#[test]
fn out_of_order_logs_are_stale() {
    let (logs, _) = history();
    let mut ledger = Ledger::default();
    ledger.apply_all(&logs[..7]).unwrap();
    // Block 20 was applied; a log of block 19 arrives late.
    let late = log(
        19,
        9,
        0,
        Event::FeeRecipientAddressUpdated {
            owner: owner(),
            recipient: Address::ZERO,
        },
    );
    let before = ledger.clone();
    assert_eq!(
        ledger.apply(&late),
        Err(AccountingError::StaleEvent {
            position: late.position,
            last_applied: LogPosition::new(20, 0, 1),
        })
    );
    assert_eq!(ledger, before);
}

#[test]
fn block_only_ordering_loses_events() {
    // Two registrations in one block: tx 0 emits log 0, tx 1 emits log 1 and a later tx's log
    // sorts first by block alone. Sorting by (block, tx, log) gives nonce 3; applying in the
    // block-only order the older Go client used hits a stale log.
    let (mut logs, _) = history();
    logs.truncate(7);
    let cluster = match &logs[5].event {
        Event::ValidatorAdded { cluster, .. } => *cluster,
        other => panic!("unexpected {other:?}"),
    };
    let third = log(
        20,
        2,
        0,
        Event::ValidatorAdded {
            owner: owner(),
            operator_ids: vec![1, 2, 3, 7, 8, 9, 10],
            cluster,
        },
    );
    let mut extra_ops: Vec<Log> = (7..=10)
        .map(|id| {
            log(
                11,
                id,
                0,
                Event::OperatorAdded {
                    operator_id: id,
                    fee: U256::ZERO,
                },
            )
        })
        .collect();
    let mut block_order = logs.clone();
    block_order.append(&mut extra_ops);
    block_order.insert(5, third);
    block_order.sort_by_key(|l| l.position.block);
    let mut by_position = block_order.clone();
    by_position.sort_by_key(|l| l.position);
    let mut good = Ledger::default();
    good.apply_all(&by_position).unwrap();
    assert_eq!(good.registration_nonce(owner()), 3);
    let mut bad = Ledger::default();
    assert!(matches!(
        bad.apply_all(&block_order),
        Err(AccountingError::StaleEvent { .. })
    ));
}

#[test]
fn bad_cluster_input_is_typed() {
    let mut ledger = Ledger::default();
    ledger.apply_all(&operators_and_fee(1)).unwrap();
    let added = |ids: Vec<u64>| {
        log(
            5,
            0,
            0,
            Event::ValidatorAdded {
                owner: owner(),
                operator_ids: ids,
                cluster: Cluster::NEW,
            },
        )
    };
    assert_eq!(
        ledger.apply(&added(vec![2, 1, 3, 4])),
        Err(AccountingError::UnsortedOperatorIds {
            ids: vec![2, 1, 3, 4]
        })
    );
    assert_eq!(
        ledger.apply(&added(vec![1, 2, 3])),
        Err(AccountingError::InvalidCommitteeSize { size: 3 })
    );
    assert_eq!(
        ledger.apply(&added(vec![1, 2, 3, 5])),
        Err(AccountingError::UnknownOperator { operator_id: 5 })
    );
    assert_eq!(
        ledger.apply(&log(
            6,
            0,
            0,
            Event::OperatorFeeExecuted {
                operator_id: 9,
                fee: U256::ZERO
            }
        )),
        Err(AccountingError::UnknownOperator { operator_id: 9 })
    );
    assert_eq!(
        ledger.apply(&log(
            6,
            0,
            0,
            Event::OperatorAdded {
                operator_id: 1,
                fee: U256::ZERO
            }
        )),
        Err(AccountingError::OperatorAlreadyExists { operator_id: 1 })
    );
    assert_eq!(
        ledger.apply(&log(
            6,
            0,
            0,
            Event::NetworkFeeUpdated {
                new_fee: U256::from(1u64)
            }
        )),
        Err(AccountingError::MaxPrecisionExceeded {
            wei: U256::from(1u64),
            unit: 100_000
        })
    );
    assert_eq!(
        ledger.balance(owner(), &IDS, 10),
        Err(AccountingError::UnknownCluster {
            owner: owner(),
            operator_ids: IDS.to_vec()
        })
    );
    // Nothing of the rejected logs stuck.
    assert_eq!(ledger.last_applied(), Some(LogPosition::new(1, 4, 0)));
    assert_eq!(ledger.registration_nonce(owner()), 0);
}

#[test]
fn legacy_clusters_keep_ssv_maths_until_migrated() {
    let upgrade = 1_000;
    let ssv_params = LiquidationParams {
        threshold_period: 100_800,
        minimum_collateral: U256::from(200_000_000u64),
    };
    let mut ledger = Ledger::builder().eth_upgrade_block(upgrade).build();
    // Before the upgrade: SSV operator fees and SSV network fee (multiples of 1e7).
    ledger
        .apply_all(&operators_and_network_fee(10, GWEI))
        .unwrap();
    let at = |ledger: &Ledger, version, block| ledger.indices(version, &IDS, block).unwrap();
    let legacy_cluster = legacy::register(
        &Cluster::NEW,
        1,
        U256::from(10u64.pow(18)),
        &at(&ledger, ClusterVersion::Ssv, 20),
        &ssv_params,
    )
    .unwrap();
    ledger
        .apply(&log(
            20,
            0,
            0,
            Event::ValidatorAdded {
                owner: owner(),
                operator_ids: IDS.to_vec(),
                cluster: legacy_cluster,
            },
        ))
        .unwrap();
    // The upgrade: ETH network fee and ETH operator fees (seeded defaults arrive as fee events here).
    let mut upgrade_logs = vec![log(
        upgrade,
        0,
        0,
        Event::NetworkFeeUpdated {
            new_fee: U256::from(3_366_600_000u64),
        },
    )];
    for id in IDS {
        upgrade_logs.push(log(
            upgrade,
            1,
            id,
            Event::OperatorFeeExecuted {
                operator_id: id,
                fee: U256::from(1_770_000_000u64),
            },
        ));
    }
    ledger.apply_all(&upgrade_logs).unwrap();
    let record = ledger.cluster(owner(), &IDS).unwrap();
    assert_eq!(record.state.version, ClusterVersion::Ssv);
    // Legacy balance still falls at the SSV rate: 4 · 1e9 + 1e9 per block since block 20.
    let ssv_rate = 5 * GWEI;
    assert_eq!(
        ledger.balance(owner(), &IDS, 2_000),
        Ok(U256::from(10u64.pow(18) - 1_980 * ssv_rate))
    );
    // Migration at block 2,000 with EB 32.
    let eth_at: ClusterIndices = at(&ledger, ClusterVersion::Eth, 2_000);
    let migration = eth::migrate(
        &legacy_cluster,
        &at(&ledger, ClusterVersion::Ssv, 2_000),
        VUnits::from_effective_balance(32),
        U256::from(10u64.pow(16)),
        &eth_at,
        &LiquidationParams::MAINNET_ETH,
    )
    .unwrap();
    assert_eq!(
        migration.ssv_refund,
        U256::from(10u64.pow(18) - 1_980 * ssv_rate)
    );
    ledger
        .apply(&log(
            2_000,
            0,
            0,
            Event::ClusterMigratedToEth {
                owner: owner(),
                operator_ids: IDS.to_vec(),
                eth_deposited: U256::from(10u64.pow(16)),
                ssv_refunded: migration.ssv_refund,
                effective_balance: 32,
                cluster: migration.state.cluster,
            },
        ))
        .unwrap();
    let record = ledger.cluster(owner(), &IDS).unwrap();
    assert_eq!(record.state.version, ClusterVersion::Eth);
    assert_eq!(record.state.vunits, VUnits::Explicit(10_000));
    let eth_rate = 4 * 1_770_000_000 + 3_366_600_000;
    assert_eq!(
        ledger.balance(owner(), &IDS, 2_010),
        Ok(U256::from(10u64.pow(16) - 10 * eth_rate))
    );
    // A cluster first seen after the upgrade is an ETH cluster.
    let other = Address::repeat_byte(0x22);
    ledger
        .apply(&log(
            2_001,
            0,
            0,
            Event::ValidatorAdded {
                owner: other,
                operator_ids: IDS.to_vec(),
                cluster: Cluster::NEW,
            },
        ))
        .unwrap();
    assert_eq!(
        ledger.cluster(other, &IDS).unwrap().state.version,
        ClusterVersion::Eth
    );
    assert_eq!(ledger.registration_nonce(owner()), 1);
    assert_eq!(ledger.registration_nonce(other), 1);
}

#[test]
fn oracle_updates_set_explicit_vunits_that_follow_validators() {
    let (mut logs, tuples) = history();
    logs.truncate(7); // two validators, then the deposit
    let mut ledger = Ledger::default();
    ledger.apply_all(&logs).unwrap();
    let cluster = tuples[1];
    let at = ledger.indices(ClusterVersion::Eth, &IDS, 35).unwrap();
    let update = eth::update_effective_balance(
        &eth::EthCluster {
            cluster,
            vunits: VUnits::Implicit,
        },
        65,
        &at,
        &LiquidationParams::MAINNET_ETH,
    )
    .unwrap();
    assert_eq!(update.liquidation_refund, None);
    ledger
        .apply(&log(
            35,
            0,
            0,
            Event::ClusterBalanceUpdated {
                owner: owner(),
                operator_ids: IDS.to_vec(),
                effective_balance: 65,
                cluster: update.state.cluster,
            },
        ))
        .unwrap();
    assert_eq!(
        ledger.cluster(owner(), &IDS).unwrap().state.vunits,
        VUnits::Explicit(20_313)
    );
    ledger
        .apply(&log(
            36,
            0,
            0,
            Event::ValidatorAdded {
                owner: owner(),
                operator_ids: IDS.to_vec(),
                cluster: Cluster {
                    validator_count: 3,
                    ..update.state.cluster
                },
            },
        ))
        .unwrap();
    assert_eq!(
        ledger.cluster(owner(), &IDS).unwrap().state.vunits,
        VUnits::Explicit(30_313)
    );
    ledger
        .apply(&log(
            37,
            0,
            0,
            Event::ValidatorRemoved {
                owner: owner(),
                operator_ids: IDS.to_vec(),
                cluster: Cluster {
                    validator_count: 0,
                    ..update.state.cluster
                },
            },
        ))
        .unwrap();
    assert_eq!(
        ledger.cluster(owner(), &IDS).unwrap().state.vunits,
        VUnits::Implicit
    );
    ledger.rollback_to(35).unwrap();
    assert_eq!(
        ledger.cluster(owner(), &IDS).unwrap().state.vunits,
        VUnits::Explicit(20_313)
    );
}

#[test]
fn legacy_operators_charge_the_default_eth_fee_from_their_first_eth_interaction() {
    let upgrade = 1_000;
    let default_fee = 1_778_800_000u64;
    let network_fee = 3_366_600_000u64;
    // Operators with SSV fees before the upgrade; the ETH network fee is set at the upgrade.
    let mut logs = operators_and_network_fee(10, GWEI);
    logs.push(log(
        upgrade,
        0,
        0,
        Event::NetworkFeeUpdated {
            new_fee: U256::from(network_fee),
        },
    ));
    // The contract gives the operators their ETH fee when this cluster registers at block
    // 1,100: their ETH indices start at 0 there, so the event's tuple has index 0.
    let registered_at = upgrade + 100;
    let value = U256::from(10u64.pow(16));
    let tuple = Cluster {
        validator_count: 1,
        network_fee_index: 100 * (network_fee / 100_000),
        index: 0,
        active: true,
        balance: value,
    };
    logs.push(log(
        registered_at,
        0,
        0,
        Event::ValidatorAdded {
            owner: owner(),
            operator_ids: IDS.to_vec(),
            cluster: tuple,
        },
    ));

    let mut unknown = Ledger::builder().eth_upgrade_block(upgrade).build();
    unknown.apply_all(&logs).unwrap();
    assert_eq!(
        unknown.balance(owner(), &IDS, registered_at + 100),
        Err(AccountingError::UnknownOperatorEthFee { operator_id: 1 })
    );

    let mut ledger = Ledger::builder()
        .eth_upgrade_block(upgrade)
        .legacy_operator_eth_fee(U256::from(default_fee))
        .unwrap()
        .build();
    ledger.apply_all(&logs).unwrap();
    assert_eq!(
        ledger.cluster(owner(), &IDS).unwrap().state.version,
        ClusterVersion::Eth
    );
    // 100 blocks at 4 · default + network fee, although the ledger's own operator indices
    // started at the upgrade block rather than at the first interaction.
    assert_eq!(
        ledger.balance(owner(), &IDS, registered_at + 100),
        Ok(value - U256::from(100 * (4 * default_fee + network_fee)))
    );
    let (_, at) = ledger.view(owner(), &IDS, registered_at + 100).unwrap();
    assert_eq!(at.operator_index, 4 * 100 * (default_fee / 100_000));
    // A view before the tuple's settlement block is refused.
    assert!(matches!(
        ledger.view(owner(), &IDS, registered_at - 1),
        Err(AccountingError::BlockBeforeSnapshot { .. })
    ));
    // A later ETH fee event replaces the default from the next block on.
    ledger
        .apply(&log(
            registered_at + 100,
            0,
            0,
            Event::OperatorFeeExecuted {
                operator_id: 1,
                fee: U256::from(GWEI),
            },
        ))
        .unwrap();
    assert_eq!(
        ledger.balance(owner(), &IDS, registered_at + 110),
        Ok(value
            - U256::from(100 * (4 * default_fee + network_fee))
            - U256::from(10 * (3 * default_fee + GWEI + network_fee)))
    );
}
