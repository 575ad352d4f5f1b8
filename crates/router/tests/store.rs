//! The store: one process per data directory, identity and schema checks, sync commits that
//! survive a restart and roll back with a reorg.

use alloy::primitives::{Address, B256, Bytes};
use router::{RouterError, SCHEMA_VERSION, Store, StoreIdentity, ValidatorRecord};
use ssv_sync::{ClusterTuple, Position, SsvEvent, SsvLog, SyncReport, SyncState};

fn identity() -> StoreIdentity {
    StoreIdentity {
        chain_id: 31_337,
        ssv_network: Address::repeat_byte(1),
        ssv_owner: Address::repeat_byte(2),
        super_node: Address::repeat_byte(3),
    }
}

fn log(block: u64) -> SsvLog {
    SsvLog {
        position: Position {
            block,
            transaction_index: 0,
            log_index: 0,
        },
        block_hash: B256::repeat_byte(u8::try_from(block).unwrap()),
        transaction_hash: B256::ZERO,
        event: SsvEvent::ValidatorAdded {
            owner: Address::repeat_byte(2),
            operator_ids: vec![1, 2, 3, 4],
            public_key: Bytes::from(vec![u8::try_from(block).unwrap(); 48]),
            cluster: ClusterTuple {
                validator_count: 1,
                ..ClusterTuple::NEW
            },
        },
    }
}

#[test]
fn a_second_process_is_refused_with_the_holders_pid() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &identity()).unwrap();
    // File locks are per open file description, so a second open in this process is refused
    // the same way another process would be.
    let err = Store::open(dir.path(), &identity()).unwrap_err();
    match err {
        RouterError::StoreLocked { pid, .. } => assert_eq!(pid, std::process::id().to_string()),
        other => panic!("expected StoreLocked, got {other}"),
    }
    drop(store);
    Store::open(dir.path(), &identity()).unwrap();
}

#[test]
fn a_store_for_another_chain_or_account_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), &identity()).unwrap());
    let other = StoreIdentity {
        chain_id: 1,
        ..identity()
    };
    assert!(matches!(
        Store::open(dir.path(), &other),
        Err(RouterError::StoreMismatch {
            key: "chain id",
            ..
        })
    ));
    let other = StoreIdentity {
        ssv_owner: Address::repeat_byte(9),
        ..identity()
    };
    assert!(matches!(
        Store::open(dir.path(), &other),
        Err(RouterError::StoreMismatch {
            key: "SSV owner",
            ..
        })
    ));
}

#[test]
fn an_unknown_schema_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path(), &identity()).unwrap());
    {
        let db = redb::Database::create(dir.path().join("router.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut meta = txn
                .open_table(redb::TableDefinition::<&str, &[u8]>::new("meta"))
                .unwrap();
            meta.insert("schema", (SCHEMA_VERSION + 1).to_be_bytes().as_slice())
                .unwrap();
        }
        txn.commit().unwrap();
    }
    match Store::open(dir.path(), &identity()).unwrap_err() {
        RouterError::StoreSchema {
            found, supported, ..
        } => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected StoreSchema, got {other}"),
    }
}

#[test]
fn sync_commits_survive_a_restart_and_roll_back() {
    let dir = tempfile::tempdir().unwrap();
    let state = |cursor| SyncState {
        cursor: Some(cursor),
        hashes: vec![(cursor, B256::repeat_byte(7))],
        window: 10_000,
    };
    {
        let store = Store::open(dir.path(), &identity()).unwrap();
        let report = SyncReport {
            new_logs: vec![log(10), log(20), log(30)],
            ..SyncReport::default()
        };
        store.commit_sync(&report, &state(30)).unwrap();
        store
            .put_validators(&[ValidatorRecord::new(0, Bytes::from(vec![1; 48]), 2)])
            .unwrap();
    }
    let store = Store::open(dir.path(), &identity()).unwrap();
    assert_eq!(store.ssv_logs().unwrap(), vec![log(10), log(20), log(30)]);
    assert_eq!(store.sync_state().unwrap(), Some(state(30)));
    assert_eq!(store.validators().unwrap()[0].stafi_status, 2);
    assert_eq!(store.intent_count().unwrap(), 0);

    // A reorg back to block 15, then a new log at 25: one transaction.
    let report = SyncReport {
        rolled_back_to: Some(15),
        new_logs: vec![log(25)],
        ..SyncReport::default()
    };
    store.commit_sync(&report, &state(25)).unwrap();
    assert_eq!(store.ssv_logs().unwrap(), vec![log(10), log(25)]);
}

#[test]
fn open_intents_are_those_not_yet_closed_and_survive_a_restart() {
    use router::{Account, Intent, IntentKind, IntentRecord, IntentState};
    let dir = tempfile::tempdir().unwrap();
    let record = |id: u64, state: IntentState| IntentRecord {
        id,
        intent: Intent {
            kind: IntentKind::Deposit,
            to: Address::repeat_byte(9),
            data: Bytes::new(),
            value: alloy::primitives::U256::ZERO,
            key_indices: vec![id],
            pubkeys: Vec::new(),
            cluster: None,
            owner_nonce: None,
            reason: "test".into(),
        },
        account: Account::SuperNode,
        from: Address::repeat_byte(3),
        nonce: id,
        signed: Vec::new(),
        state,
        planned_at: 1,
    };
    {
        let store = Store::open(dir.path(), &identity()).unwrap();
        assert_eq!(store.next_intent_id().unwrap(), 1);
        for id in 1..=3 {
            store.put_intent(&record(id, IntentState::Signed)).unwrap();
        }
        // #2 mined, #3 abandoned: only #1 stays open.
        store
            .put_intent(&record(
                2,
                IntentState::Mined {
                    block: 5,
                    success: true,
                    tx: B256::repeat_byte(2),
                },
            ))
            .unwrap();
        store
            .put_intent(&record(
                3,
                IntentState::Abandoned {
                    reason: "nonce used".into(),
                },
            ))
            .unwrap();
    }
    let store = Store::open(dir.path(), &identity()).unwrap();
    let open: Vec<u64> = store.open_intents().unwrap().iter().map(|r| r.id).collect();
    assert_eq!(open, [1]);
    assert_eq!(store.intent_count().unwrap(), 3);
    assert_eq!(store.next_intent_id().unwrap(), 4);
}
