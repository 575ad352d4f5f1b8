//! The embedded store (redb) in the data directory: the sync cursor and recent block hashes, the
//! applied SSVNetwork logs (a restart replays them instead of refetching history), the validators
//! by key index, and the write intents of the pass. One process at a time: a lock file holds the
//! owner's pid. The schema is versioned; an unknown version is refused, never migrated silently.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use alloy::primitives::{Address, Bytes};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};
use ssv_sync::{SsvLog, SyncReport, SyncState};

use crate::error::RouterError;
use crate::intent::IntentRecord;

/// Schema this version of the router reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

const META: TableDefinition<'static, &str, &[u8]> = TableDefinition::new("meta");
const SYNC: TableDefinition<'static, &str, &[u8]> = TableDefinition::new("sync");
const SSV_LOGS: TableDefinition<'static, (u64, u64, u64), &[u8]> = TableDefinition::new("ssv_logs");
const VALIDATORS: TableDefinition<'static, u64, &[u8]> = TableDefinition::new("validators");
/// Write intents: filled by the pass (one record per transaction before it is sent).
const INTENTS: TableDefinition<'static, u64, &[u8]> = TableDefinition::new("intents");
/// Ids of the intents still open, kept with every write of an intent: a pass reads these, not the
/// whole log.
const OPEN_INTENTS: TableDefinition<'static, u64, ()> = TableDefinition::new("open_intents");
/// Intents mined in a block the index may not have reached yet (id → block): until it has, the
/// snapshot does not show their effect, so they still count as in flight.
const UNSETTLED: TableDefinition<'static, u64, u64> = TableDefinition::new("unsettled_intents");

/// The ejector's persisted state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EjectorState {
    /// Every withdraw cycle up to this one has a final list (a cycle's list is written during the
    /// next cycle, once) and has been read.
    pub handled_through: Option<u64>,
    /// Our validators StaFi ejected, by beacon validator index.
    pub jobs: std::collections::BTreeMap<u64, ExitJob>,
}

/// One ejected validator of ours, until the beacon chain has its exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitJob {
    /// The validator's index on the beacon chain.
    pub validator_index: u64,
    /// The EIP-2334 index of its signing key in the mnemonic.
    pub key_index: u64,
    /// Its 48-byte BLS public key.
    pub pubkey: Bytes,
    /// The withdraw cycles whose lists named it.
    pub cycles: Vec<u64>,
    /// Block at which the router first read it.
    pub seen_at: u64,
    /// The last exit POSTed and accepted.
    pub posted: Option<PostedExit>,
    /// POSTs the beacon node refused (it is retried), with the last reason.
    pub refusals: u32,
    /// Why the last POST failed (the beacon node's answer or the request error); cleared when
    /// a POST is accepted.
    pub last_error: Option<String>,
    /// The beacon chain's `exit_epoch` once the exit is initiated: the job is done.
    pub exit_epoch: Option<u64>,
}

/// A voluntary exit the beacon node accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedExit {
    /// The exit message's epoch.
    pub epoch: u64,
    /// The block of the pass that POSTed it.
    pub block: u64,
    /// Unix seconds.
    pub at: u64,
    /// How many times an exit for this validator has been accepted (resubmissions count).
    pub attempts: u32,
}

impl ExitJob {
    /// Whether the beacon chain has initiated the exit (`exit_epoch` is known).
    pub fn is_done(&self) -> bool {
        self.exit_epoch.is_some()
    }
}

/// What the store was created for; opening it for anything else is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreIdentity {
    /// The execution chain's EIP-155 chain id.
    pub chain_id: u64,
    /// The SSVNetwork contract whose logs the store indexes.
    pub ssv_network: Address,
    /// The SSV owner account's address.
    pub ssv_owner: Address,
    /// The StaFi super node account's address.
    pub super_node: Address,
}

/// A validator key the router derived and found in use, with what it last knew of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorRecord {
    /// EIP-2334 index: the signing key is `m/12381/3600/{index}/0/0`.
    pub index: u64,
    /// The 48-byte BLS public key.
    pub pubkey: Bytes,
    /// StafiSuperNode status: 0 uninitial, 1 initial, 2 match, 3 staking, 4 unmatch.
    pub stafi_status: u64,
    /// Operator ids of the SSV cluster it is registered in, when it is.
    #[serde(default)]
    pub ssv_cluster: Option<Vec<u64>>,
    /// The beacon chain's status (e.g. `active_ongoing`), when the beacon node knows it.
    #[serde(default)]
    pub beacon_status: Option<String>,
    /// The beacon chain's validator index, when the beacon node knows it.
    #[serde(default)]
    pub beacon_index: Option<u64>,
}

impl ValidatorRecord {
    /// A key known by its index, pubkey and StaFi status only.
    pub fn new(index: u64, pubkey: Bytes, stafi_status: u64) -> Self {
        Self {
            index,
            pubkey,
            stafi_status,
            ssv_cluster: None,
            beacon_status: None,
            beacon_index: None,
        }
    }
}

/// The open store. Dropping it releases the lock.
#[derive(Debug)]
pub struct Store {
    db: Database,
    path: PathBuf,
    _lock: File,
}

impl Store {
    /// Opens (or creates) the store in `data_dir`, taking the directory's lock.
    pub fn open(data_dir: &Path, identity: &StoreIdentity) -> Result<Self, RouterError> {
        std::fs::create_dir_all(data_dir).map_err(|e| RouterError::Store {
            path: data_dir.to_owned(),
            message: format!("cannot create the data directory: {e}"),
        })?;
        let lock = lock_dir(data_dir)?;
        let path = data_dir.join("router.redb");
        let db = Database::create(&path).map_err(|e| store_err(&path, &e))?;
        let store = Self {
            db,
            path,
            _lock: lock,
        };
        store.check_identity(identity)?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn check_identity(&self, identity: &StoreIdentity) -> Result<(), RouterError> {
        let txn = self.db.begin_write().map_err(|e| self.err(&e))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| self.err(&e))?;
            let schema = meta
                .get("schema")
                .map_err(|e| self.err(&e))?
                .map(|v| v.value().to_vec());
            match schema {
                None => {
                    meta.insert("schema", SCHEMA_VERSION.to_be_bytes().as_slice())
                        .map_err(|e| self.err(&e))?;
                    let id = serde_json::to_vec(identity).expect("identity serialises");
                    meta.insert("identity", id.as_slice())
                        .map_err(|e| self.err(&e))?;
                }
                Some(bytes) => {
                    let found =
                        <[u8; 4]>::try_from(bytes.as_slice()).map_or(u32::MAX, u32::from_be_bytes);
                    if found != SCHEMA_VERSION {
                        return Err(RouterError::StoreSchema {
                            path: self.path.clone(),
                            found,
                            supported: SCHEMA_VERSION,
                        });
                    }
                    let stored: StoreIdentity = meta
                        .get("identity")
                        .map_err(|e| self.err(&e))?
                        .map(|v| serde_json::from_slice(v.value()))
                        .transpose()
                        .map_err(|e| Self::record("meta", "identity", &e))?
                        .ok_or_else(|| Self::record("meta", "identity", &"missing"))?;
                    for (key, a, b) in [
                        (
                            "chain id",
                            stored.chain_id.to_string(),
                            identity.chain_id.to_string(),
                        ),
                        (
                            "SSVNetwork",
                            stored.ssv_network.to_string(),
                            identity.ssv_network.to_string(),
                        ),
                        (
                            "SSV owner",
                            stored.ssv_owner.to_string(),
                            identity.ssv_owner.to_string(),
                        ),
                        (
                            "super node",
                            stored.super_node.to_string(),
                            identity.super_node.to_string(),
                        ),
                    ] {
                        if a != b {
                            return Err(RouterError::StoreMismatch {
                                path: self.path.clone(),
                                key,
                                stored: a,
                                configured: b,
                            });
                        }
                    }
                }
            }
            txn.open_table(SYNC).map_err(|e| self.err(&e))?;
            txn.open_table(SSV_LOGS).map_err(|e| self.err(&e))?;
            txn.open_table(VALIDATORS).map_err(|e| self.err(&e))?;
            txn.open_table(INTENTS).map_err(|e| self.err(&e))?;
            txn.open_table(OPEN_INTENTS).map_err(|e| self.err(&e))?;
            txn.open_table(UNSETTLED).map_err(|e| self.err(&e))?;
        }
        txn.commit().map_err(|e| self.err(&e))
    }

    /// The checkpoint indexing started from, if it did not start at SSV's deployment.
    pub fn checkpoint(&self) -> Result<Option<ssv_sync::Checkpoint>, RouterError> {
        self.meta("checkpoint")
    }

    /// Records the checkpoint a new store starts from.
    pub fn set_checkpoint(&self, checkpoint: &ssv_sync::Checkpoint) -> Result<(), RouterError> {
        self.set_meta("checkpoint", checkpoint)
    }

    /// The ejector's state: the withdraw cycles handled and the exits of our validators.
    pub fn ejector(&self) -> Result<EjectorState, RouterError> {
        Ok(self.meta("ejector")?.unwrap_or_default())
    }

    /// Saves the ejector's state, replacing the last one.
    pub fn set_ejector(&self, state: &EjectorState) -> Result<(), RouterError> {
        self.set_meta("ejector", state)
    }

    /// Since when each operator of our clusters has been failing (operator health moves).
    pub fn health(&self) -> Result<operator_selection::HealthTracker, RouterError> {
        Ok(self.meta("health")?.unwrap_or_default())
    }

    /// Saves the operator health tracker, replacing the last one.
    pub fn set_health(
        &self,
        tracker: &operator_selection::HealthTracker,
    ) -> Result<(), RouterError> {
        self.set_meta("health", tracker)
    }

    fn meta<T: serde::de::DeserializeOwned>(
        &self,
        key: &'static str,
    ) -> Result<Option<T>, RouterError> {
        let txn = self.db.begin_read().map_err(|e| self.err(&e))?;
        let meta = txn.open_table(META).map_err(|e| self.err(&e))?;
        meta.get(key)
            .map_err(|e| self.err(&e))?
            .map(|v| serde_json::from_slice(v.value()).map_err(|e| Self::record("meta", key, &e)))
            .transpose()
    }

    fn set_meta<T: Serialize>(&self, key: &'static str, value: &T) -> Result<(), RouterError> {
        let bytes = serde_json::to_vec(value).map_err(|e| Self::record("meta", key, &e))?;
        let txn = self.db.begin_write().map_err(|e| self.err(&e))?;
        {
            let mut meta = txn.open_table(META).map_err(|e| self.err(&e))?;
            meta.insert(key, bytes.as_slice())
                .map_err(|e| self.err(&e))?;
        }
        txn.commit().map_err(|e| self.err(&e))
    }

    /// The persisted sync state, if the store has synced before.
    pub fn sync_state(&self) -> Result<Option<SyncState>, RouterError> {
        let txn = self.db.begin_read().map_err(|e| self.err(&e))?;
        let table = txn.open_table(SYNC).map_err(|e| self.err(&e))?;
        table
            .get("state")
            .map_err(|e| self.err(&e))?
            .map(|v| {
                serde_json::from_slice(v.value()).map_err(|e| Self::record("sync", "state", &e))
            })
            .transpose()
    }

    /// Every applied SSVNetwork log, in order.
    pub fn ssv_logs(&self) -> Result<Vec<SsvLog>, RouterError> {
        let txn = self.db.begin_read().map_err(|e| self.err(&e))?;
        let table = txn.open_table(SSV_LOGS).map_err(|e| self.err(&e))?;
        let mut logs = Vec::new();
        for row in table.iter().map_err(|e| self.err(&e))? {
            let (key, value) = row.map_err(|e| self.err(&e))?;
            let log: SsvLog = serde_json::from_slice(value.value())
                .map_err(|e| Self::record("ssv_logs", &format!("{:?}", key.value()), &e))?;
            logs.push(log);
        }
        Ok(logs)
    }

    /// Records a sync step atomically: drops the logs of rolled-back blocks, appends the new
    /// logs, saves the cursor and hashes.
    pub fn commit_sync(&self, report: &SyncReport, state: &SyncState) -> Result<(), RouterError> {
        let txn = self.db.begin_write().map_err(|e| self.err(&e))?;
        {
            let mut logs = txn.open_table(SSV_LOGS).map_err(|e| self.err(&e))?;
            if let Some(fork) = report.rolled_back_to {
                logs.retain(|(block, _, _), _| block <= fork)
                    .map_err(|e| self.err(&e))?;
            }
            for log in &report.new_logs {
                let p = log.position;
                let bytes = serde_json::to_vec(log).expect("logs serialise");
                logs.insert(
                    (p.block, p.transaction_index, p.log_index),
                    bytes.as_slice(),
                )
                .map_err(|e| self.err(&e))?;
            }
            let mut sync = txn.open_table(SYNC).map_err(|e| self.err(&e))?;
            let bytes = serde_json::to_vec(state).expect("sync state serialises");
            sync.insert("state", bytes.as_slice())
                .map_err(|e| self.err(&e))?;
        }
        txn.commit().map_err(|e| self.err(&e))
    }

    /// Every known validator key, by index.
    pub fn validators(&self) -> Result<Vec<ValidatorRecord>, RouterError> {
        let txn = self.db.begin_read().map_err(|e| self.err(&e))?;
        let table = txn.open_table(VALIDATORS).map_err(|e| self.err(&e))?;
        let mut out = Vec::new();
        for row in table.iter().map_err(|e| self.err(&e))? {
            let (key, value) = row.map_err(|e| self.err(&e))?;
            out.push(
                serde_json::from_slice(value.value())
                    .map_err(|e| Self::record("validators", &key.value().to_string(), &e))?,
            );
        }
        Ok(out)
    }

    /// Saves validator records (by index), replacing older ones.
    pub fn put_validators(&self, records: &[ValidatorRecord]) -> Result<(), RouterError> {
        let txn = self.db.begin_write().map_err(|e| self.err(&e))?;
        {
            let mut table = txn.open_table(VALIDATORS).map_err(|e| self.err(&e))?;
            for r in records {
                let bytes = serde_json::to_vec(r).expect("records serialise");
                table
                    .insert(r.index, bytes.as_slice())
                    .map_err(|e| self.err(&e))?;
            }
        }
        txn.commit().map_err(|e| self.err(&e))
    }

    /// Number of write intents recorded.
    pub fn intent_count(&self) -> Result<u64, RouterError> {
        let txn = self.db.begin_read().map_err(|e| self.err(&e))?;
        let table = txn.open_table(INTENTS).map_err(|e| self.err(&e))?;
        table.len().map_err(|e| self.err(&e))
    }

    /// Every intent, oldest first.
    pub fn intents(&self) -> Result<Vec<IntentRecord>, RouterError> {
        let txn = self.db.begin_read().map_err(|e| self.err(&e))?;
        let table = txn.open_table(INTENTS).map_err(|e| self.err(&e))?;
        let mut out = Vec::new();
        for row in table.iter().map_err(|e| self.err(&e))? {
            let (key, value) = row.map_err(|e| self.err(&e))?;
            out.push(
                serde_json::from_slice(value.value())
                    .map_err(|e| Self::record("intents", &key.value().to_string(), &e))?,
            );
        }
        Ok(out)
    }

    /// The intents not yet closed, oldest first.
    pub fn open_intents(&self) -> Result<Vec<IntentRecord>, RouterError> {
        let txn = self.db.begin_read().map_err(|e| self.err(&e))?;
        let open = txn.open_table(OPEN_INTENTS).map_err(|e| self.err(&e))?;
        let table = txn.open_table(INTENTS).map_err(|e| self.err(&e))?;
        let mut out = Vec::new();
        for row in open.iter().map_err(|e| self.err(&e))? {
            let id = row.map_err(|e| self.err(&e))?.0.value();
            let value = table.get(id).map_err(|e| self.err(&e))?.ok_or_else(|| {
                Self::record("intents", &id.to_string(), &"listed as open, missing")
            })?;
            out.push(
                serde_json::from_slice(value.value())
                    .map_err(|e| Self::record("intents", &id.to_string(), &e))?,
            );
        }
        Ok(out)
    }

    /// The id the next intent gets.
    pub fn next_intent_id(&self) -> Result<u64, RouterError> {
        let txn = self.db.begin_read().map_err(|e| self.err(&e))?;
        let table = txn.open_table(INTENTS).map_err(|e| self.err(&e))?;
        let last = table.last().map_err(|e| self.err(&e))?;
        Ok(last.map_or(1, |(k, _)| k.value() + 1))
    }

    /// Writes (inserts or replaces) an intent, durably, before the caller acts on it.
    pub fn put_intent(&self, record: &IntentRecord) -> Result<(), RouterError> {
        let txn = self.db.begin_write().map_err(|e| self.err(&e))?;
        {
            let mut table = txn.open_table(INTENTS).map_err(|e| self.err(&e))?;
            let bytes = serde_json::to_vec(record).expect("intents serialise");
            table
                .insert(record.id, bytes.as_slice())
                .map_err(|e| self.err(&e))?;
            let mut open = txn.open_table(OPEN_INTENTS).map_err(|e| self.err(&e))?;
            if record.is_open() {
                open.insert(record.id, ()).map_err(|e| self.err(&e))?;
            } else {
                open.remove(record.id).map_err(|e| self.err(&e))?;
            }
            if let crate::intent::IntentState::Mined { block, .. } = record.state {
                let mut unsettled = txn.open_table(UNSETTLED).map_err(|e| self.err(&e))?;
                unsettled
                    .insert(record.id, block)
                    .map_err(|e| self.err(&e))?;
            }
        }
        txn.commit().map_err(|e| self.err(&e))
    }

    /// Intents mined after `block` (a snapshot at `block` does not show them yet); those mined
    /// at or before it are settled and forgotten here.
    pub fn unsettled_intents(&self, block: u64) -> Result<Vec<IntentRecord>, RouterError> {
        let txn = self.db.begin_write().map_err(|e| self.err(&e))?;
        let mut out = Vec::new();
        {
            let mut unsettled = txn.open_table(UNSETTLED).map_err(|e| self.err(&e))?;
            let rows: Vec<(u64, u64)> = unsettled
                .iter()
                .map_err(|e| self.err(&e))?
                .map(|row| row.map(|(id, b)| (id.value(), b.value())))
                .collect::<Result<_, _>>()
                .map_err(|e| self.err(&e))?;
            let table = txn.open_table(INTENTS).map_err(|e| self.err(&e))?;
            for (id, mined) in rows {
                if mined <= block {
                    unsettled.remove(id).map_err(|e| self.err(&e))?;
                    continue;
                }
                if let Some(value) = table.get(id).map_err(|e| self.err(&e))? {
                    out.push(
                        serde_json::from_slice(value.value())
                            .map_err(|e| Self::record("intents", &id.to_string(), &e))?,
                    );
                }
            }
        }
        txn.commit().map_err(|e| self.err(&e))?;
        Ok(out)
    }

    fn err(&self, e: &dyn std::fmt::Display) -> RouterError {
        store_err(&self.path, e)
    }

    fn record(table: &'static str, key: &str, e: &dyn std::fmt::Display) -> RouterError {
        RouterError::StoreRecord {
            table,
            key: key.to_owned(),
            message: e.to_string(),
        }
    }
}

fn store_err(path: &Path, e: &dyn std::fmt::Display) -> RouterError {
    RouterError::Store {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// Takes `data_dir/LOCK` (exclusive, non-blocking) and writes our pid into it.
fn lock_dir(data_dir: &Path) -> Result<File, RouterError> {
    let lock = data_dir.join("LOCK");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .map_err(|e| store_err(&lock, &e))?;
    if file.try_lock().is_err() {
        let mut pid = String::new();
        let _ = file.read_to_string(&mut pid);
        return Err(RouterError::StoreLocked {
            dir: data_dir.to_owned(),
            lock,
            pid: pid.trim().to_owned(),
        });
    }
    file.set_len(0).map_err(|e| store_err(&lock, &e))?;
    file.rewind().map_err(|e| store_err(&lock, &e))?;
    write!(file, "{}", std::process::id()).map_err(|e| store_err(&lock, &e))?;
    file.flush().map_err(|e| store_err(&lock, &e))?;
    Ok(file)
}
