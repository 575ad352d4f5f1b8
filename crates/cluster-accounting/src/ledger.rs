//! Accounting state rebuilt from decoded events, with replay protection and reorg rollback.

use std::collections::VecDeque;
use std::hash::BuildHasher;

use alloy_primitives::map::HashMap;
use alloy_primitives::map::foldhash::fast::FixedState;
use alloy_primitives::{Address, U256};

use crate::AccountingError;
use crate::events::{Event, Log, LogPosition};
use crate::id::validate_operator_ids;
use crate::indices::ClusterIndices;
use crate::types::{
    Cluster, ClusterState, ClusterVersion, FeeSnapshot, LiquidationParams, NetworkState,
    OperatorState, VUNITS_PER_VALIDATOR, VUnits,
};

/// Block of the mainnet SSVNetwork upgrade to v2.0.0 (ssvlabs/ssv-staking-apr-service
/// `docs/cssv-snapshot/README.md`: "snapshots intentionally start at the smart contract upgrade
/// block 24920727").
pub const MAINNET_V2_UPGRADE_BLOCK: u64 = 24_920_727;

/// Default number of blocks of history kept for rollbacks.
pub const DEFAULT_REORG_DEPTH: u64 = 128;

/// The latest known state of one cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClusterRecord {
    /// Version, last snapshot tuple and vUnits.
    pub state: ClusterState,
    /// Position of the log that last changed it.
    pub updated_at: LogPosition,
}

/// What [`Ledger::apply`] did with a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The log was new and is now part of the state.
    New,
    /// The same log was already applied; nothing changed.
    Duplicate,
}

/// Seed of the log fingerprints kept for replay detection (fixed, so ledgers compare equal).
const FINGERPRINT_SEED: u64 = 0x5353_565f_4c4f_4753;

fn fingerprint(log: &Log) -> u64 {
    FixedState::with_seed(FINGERPRINT_SEED).hash_one(log)
}

/// An operator and whether its ETH fee history is known. A legacy operator (added before the
/// v2 upgrade with an SSV fee) receives its ETH fee on its first ETH interaction without an
/// event; unless the ledger was told that default fee, ETH balances over it cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OperatorEntry {
    state: OperatorState,
    eth_fee_known: bool,
}

/// The ledger's own fee indices at the block a cluster tuple was last settled. Balances use
/// the index *deltas* since then, so an unknown absolute base of an operator's ETH index (it
/// starts at the operator's first ETH interaction) does not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct ModelIndices {
    operator_index: u64,
    network_index: u64,
}

/// How to undo one applied log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Undo {
    OperatorAdded(u64),
    Operator(OperatorEntry),
    Network(NetworkState),
    Cluster {
        slot: usize,
        /// `None` when the log created the cluster (always the newest slot).
        previous: Option<(ClusterRecord, ModelIndices)>,
        registration: bool,
    },
    FeeRecipient {
        owner: Address,
        previous: Option<Address>,
    },
}

/// One applied log in the rollback journal: its position, a 64-bit fingerprint to tell a
/// replay from a conflicting log, and its undo record. No heap data, so the journal stays
/// small and cheap to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct JournalEntry {
    position: LogPosition,
    fingerprint: u64,
    undo: Undo,
}

/// A cluster's identity and latest record; slots are only ever appended (and popped by
/// rollbacks), so a slot index is stable.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ClusterSlot {
    owner: Address,
    operator_ids: Vec<u64>,
    record: ClusterRecord,
    model: ModelIndices,
}

/// Builder of a [`Ledger`].
#[derive(Debug, Clone)]
pub struct LedgerBuilder {
    eth_upgrade_block: u64,
    legacy_operator_eth_fee: Option<u64>,
    reorg_depth: u64,
    operators: Vec<OperatorState>,
    network: NetworkState,
}

impl Default for LedgerBuilder {
    fn default() -> Self {
        Self {
            eth_upgrade_block: 0,
            legacy_operator_eth_fee: None,
            reorg_depth: DEFAULT_REORG_DEPTH,
            operators: Vec::new(),
            network: NetworkState::default(),
        }
    }
}

impl LedgerBuilder {
    /// First block of SSV Network v2.0.0 ([`MAINNET_V2_UPGRADE_BLOCK`] on mainnet; 0, the
    /// default, for a chain that ran v2 from the start). Before it, fees are SSV fees and new
    /// clusters are legacy clusters; from it on, `NetworkFeeUpdated` and `OperatorFeeExecuted`
    /// are ETH fees and new clusters are ETH clusters.
    #[must_use]
    pub const fn eth_upgrade_block(mut self, block: u64) -> Self {
        self.eth_upgrade_block = block;
        self
    }

    /// The ETH fee (wei per block) v2 gives a legacy operator with a non-zero SSV fee on its
    /// first ETH interaction (`DEFAULT_OPERATOR_ETH_FEE`; 1,778,800,000 in the April-2026 code,
    /// 1,770,000,000 in older versions: read `getOperatorFee(id)`). That assignment emits no
    /// event; without this setting ETH balances over such operators are
    /// [`AccountingError::UnknownOperatorEthFee`].
    pub fn legacy_operator_eth_fee(mut self, fee: U256) -> Result<Self, AccountingError> {
        self.legacy_operator_eth_fee = Some(ClusterVersion::Eth.pack(fee)?);
        Ok(self)
    }

    /// How many blocks of history to keep for [`Ledger::rollback_to`] and replay detection.
    #[must_use]
    pub const fn reorg_depth(mut self, blocks: u64) -> Self {
        self.reorg_depth = blocks;
        self
    }

    /// Seeds an operator whose state is known from a view rather than from events (e.g. the
    /// ETH fee a legacy operator received on its first ETH interaction, which emits no event).
    #[must_use]
    pub fn operator(mut self, operator: OperatorState) -> Self {
        self.operators.push(operator);
        self
    }

    /// Seeds the network fee state.
    #[must_use]
    pub const fn network(mut self, network: NetworkState) -> Self {
        self.network = network;
        self
    }

    /// The ledger.
    pub fn build(self) -> Ledger {
        Ledger {
            eth_upgrade_block: self.eth_upgrade_block,
            legacy_operator_eth_fee: self.legacy_operator_eth_fee,
            reorg_depth: self.reorg_depth,
            operators: self
                .operators
                .into_iter()
                .map(|state| {
                    let entry = OperatorEntry {
                        state,
                        eth_fee_known: true,
                    };
                    (state.id, entry)
                })
                .collect(),
            network: self.network,
            cluster_index: HashMap::default(),
            clusters: Vec::new(),
            nonces: HashMap::default(),
            fee_recipients: HashMap::default(),
            last: None,
            journal: VecDeque::new(),
            history_from: 0,
            last_pruned: None,
        }
    }
}

/// Operator, network and cluster state rebuilt from SSVNetwork logs.
///
/// Logs must come in (block, transaction index, log index) order. A log already applied (same
/// position, same 64-bit fingerprint of its content) is recognised and ignored; any other log
/// at or before the last applied position is an error.
/// The last `reorg_depth` blocks can be rolled back.
///
/// Two ledgers compare equal when they hold the same state and the same rollback history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    eth_upgrade_block: u64,
    legacy_operator_eth_fee: Option<u64>,
    reorg_depth: u64,
    operators: HashMap<u64, OperatorEntry>,
    network: NetworkState,
    cluster_index: HashMap<Address, HashMap<Vec<u64>, usize>>,
    clusters: Vec<ClusterSlot>,
    nonces: HashMap<Address, u64>,
    fee_recipients: HashMap<Address, Address>,
    last: Option<LogPosition>,
    journal: VecDeque<JournalEntry>,
    /// Every log of a block at or after this one is in the journal.
    history_from: u64,
    /// Position of the newest log dropped from the journal.
    last_pruned: Option<LogPosition>,
}

impl Default for Ledger {
    fn default() -> Self {
        Self::builder().build()
    }
}

impl Ledger {
    /// A builder with the defaults (v2 from block 0, [`DEFAULT_REORG_DEPTH`]).
    pub fn builder() -> LedgerBuilder {
        LedgerBuilder::default()
    }

    /// Applies one log. On error the state is unchanged.
    pub fn apply(&mut self, log: &Log) -> Result<Applied, AccountingError> {
        if let Some(last) = self.last
            && log.position <= last
        {
            return self.check_replay(log, last);
        }
        let undo = self.apply_new(log)?;
        self.last = Some(log.position);
        self.journal.push_back(JournalEntry {
            position: log.position,
            fingerprint: fingerprint(log),
            undo,
        });
        self.prune(log.position.block);
        Ok(Applied::New)
    }

    /// Applies logs in order, stopping at the first error.
    pub fn apply_all<'a>(
        &mut self,
        logs: impl IntoIterator<Item = &'a Log>,
    ) -> Result<usize, AccountingError> {
        let mut applied = 0;
        for log in logs {
            if self.apply(log)? == Applied::New {
                applied += 1;
            }
        }
        Ok(applied)
    }

    /// Undoes every log of a block after `block` (a reorg back to `block`); returns how many.
    pub fn rollback_to(&mut self, block: u64) -> Result<usize, AccountingError> {
        if block.saturating_add(1) < self.history_from {
            return Err(AccountingError::RollbackTooDeep {
                block,
                oldest_kept: self.history_from,
            });
        }
        let mut undone = 0;
        while let Some(entry) = self.journal.back() {
            if entry.position.block <= block {
                break;
            }
            let entry = self.journal.pop_back().expect("back() was Some");
            self.undo(entry.undo);
            undone += 1;
        }
        self.last = self.journal.back().map(|e| e.position).or(self.last_pruned);
        Ok(undone)
    }

    /// Position of the last applied log.
    pub const fn last_applied(&self) -> Option<LogPosition> {
        self.last
    }

    /// An operator's state.
    pub fn operator(&self, operator_id: u64) -> Option<&OperatorState> {
        self.operators.get(&operator_id).map(|entry| &entry.state)
    }

    /// The network fee state.
    pub const fn network(&self) -> &NetworkState {
        &self.network
    }

    /// The latest state of the cluster of `owner` with `operator_ids` (sorted).
    pub fn cluster(&self, owner: Address, operator_ids: &[u64]) -> Option<&ClusterRecord> {
        self.slot(owner, operator_ids).map(|slot| &slot.record)
    }

    /// Whether a cluster event ever created the cluster of `owner` with `operator_ids` (it then
    /// exists on chain, active or liquidated); [`Ledger::view`] of a cluster that does not exist
    /// gives the new-cluster state.
    pub fn contains_cluster(&self, owner: Address, operator_ids: &[u64]) -> bool {
        self.slot(owner, operator_ids).is_some()
    }

    fn slot(&self, owner: Address, operator_ids: &[u64]) -> Option<&ClusterSlot> {
        let slot = *self.cluster_index.get(&owner)?.get(operator_ids)?;
        Some(&self.clusters[slot])
    }

    /// The cluster tuple to pass to the next call: the latest snapshot, or `(0,0,0,true,0)` for a
    /// cluster that does not exist yet (as ssv-scanner does).
    pub fn cluster_tuple(&self, owner: Address, operator_ids: &[u64]) -> Cluster {
        self.cluster(owner, operator_ids)
            .map_or(Cluster::NEW, |r| r.state.cluster)
    }

    /// Every known cluster as (owner, operator ids, record).
    pub fn clusters(&self) -> impl Iterator<Item = (Address, &[u64], &ClusterRecord)> {
        self.clusters
            .iter()
            .map(|slot| (slot.owner, slot.operator_ids.as_slice(), &slot.record))
    }

    /// Number of known clusters.
    pub const fn cluster_count(&self) -> usize {
        self.clusters.len()
    }

    /// The owner's registration nonce: the number of its `ValidatorAdded` events.
    pub fn registration_nonce(&self, owner: Address) -> u64 {
        self.nonces.get(&owner).copied().unwrap_or(0)
    }

    /// The owner's last `FeeRecipientAddressUpdated` recipient.
    pub fn fee_recipient(&self, owner: Address) -> Option<Address> {
        self.fee_recipients.get(&owner).copied()
    }

    /// Fee indices of `operator_ids` at `block` in the fee token of `version`.
    pub fn indices(
        &self,
        version: ClusterVersion,
        operator_ids: &[u64],
        block: u64,
    ) -> Result<ClusterIndices, AccountingError> {
        let mut operators = [None; 13];
        if operator_ids.len() > operators.len() {
            return Err(AccountingError::InvalidCommitteeSize {
                size: operator_ids.len(),
            });
        }
        for (slot, id) in operators.iter_mut().zip(operator_ids) {
            *slot = Some(
                &self
                    .operators
                    .get(id)
                    .ok_or(AccountingError::UnknownOperator { operator_id: *id })?
                    .state,
            );
        }
        ClusterIndices::compute(
            version,
            block,
            operators.iter().flatten().copied(),
            &self.network,
        )
    }

    /// The cluster's state and fee indices at `block`, ready for the [`ClusterState`] methods,
    /// the [`crate::eth`] and [`crate::legacy`] functions and [`crate::plan`].
    ///
    /// For an active cluster the indices are the tuple's indices plus the fees accrued since
    /// the tuple was settled, so they are exact even where the ledger does not know the
    /// absolute base of an operator's index.
    ///
    /// A cluster that does not exist yet ([`Ledger::contains_cluster`] is false) gives the state
    /// its first registration starts from: [`ClusterState::new_cluster`], the tuple
    /// `(0, 0, 0, true, 0)`, of the version a cluster created at `block` gets (SSV before the
    /// ledger's v2 upgrade block, ETH from it on; see [`LedgerBuilder::eth_upgrade_block`]),
    /// with the operators' indices at `block`. The operator ids are then checked as
    /// `registerValidator` does ([`crate::validate_operator_ids`]) and must all be known. (The
    /// indices are the ledger's own: for legacy operators' ETH fees their absolute base may
    /// differ from the chain's, which no amount depends on.)
    pub fn view(
        &self,
        owner: Address,
        operator_ids: &[u64],
        block: u64,
    ) -> Result<(ClusterState, ClusterIndices), AccountingError> {
        let Some(slot) = self.slot(owner, operator_ids) else {
            validate_operator_ids(operator_ids)?;
            let state = ClusterState::new_cluster(self.version_at(block));
            self.ensure_eth_fees_known(state.version, operator_ids)?;
            return Ok((state, self.indices(state.version, operator_ids, block)?));
        };
        let state = slot.record.state;
        self.ensure_eth_fees_known(state.version, operator_ids)?;
        let model = self.indices(state.version, operator_ids, block)?;
        if !state.cluster.active {
            return Ok((state, model));
        }
        let since = |now: u64, then: u64, tuple: u64| {
            now.checked_sub(then)
                .ok_or(AccountingError::BlockBeforeSnapshot {
                    block,
                    snapshot_block: slot.record.updated_at.block,
                })?
                .checked_add(tuple)
                .ok_or(AccountingError::ArithmeticOverflow {
                    quantity: "cluster index",
                })
        };
        let at = ClusterIndices {
            operator_index: since(
                model.operator_index,
                slot.model.operator_index,
                state.cluster.index,
            )?,
            network_index: since(
                model.network_index,
                slot.model.network_index,
                state.cluster.network_fee_index,
            )?,
            ..model
        };
        Ok((state, at))
    }

    /// An ETH cluster's balance needs the ETH fee of every operator.
    fn ensure_eth_fees_known(
        &self,
        version: ClusterVersion,
        operator_ids: &[u64],
    ) -> Result<(), AccountingError> {
        if version == ClusterVersion::Eth
            && let Some(&operator_id) = operator_ids
                .iter()
                .find(|id| self.operators.get(id).is_some_and(|o| !o.eth_fee_known))
        {
            return Err(AccountingError::UnknownOperatorEthFee { operator_id });
        }
        Ok(())
    }

    /// [`Ledger::view`] of a cluster that must exist, as the contract views require
    /// (`ClusterDoesNotExist`).
    fn view_existing(
        &self,
        owner: Address,
        operator_ids: &[u64],
        block: u64,
    ) -> Result<(ClusterState, ClusterIndices), AccountingError> {
        if !self.contains_cluster(owner, operator_ids) {
            return Err(AccountingError::UnknownCluster {
                owner,
                operator_ids: operator_ids.to_vec(),
            });
        }
        self.view(owner, operator_ids, block)
    }

    /// `getBalance` at `block` (`ClusterLiquidated` if inactive). Like the contract view, it
    /// needs an existing cluster ([`AccountingError::UnknownCluster`] otherwise).
    pub fn balance(
        &self,
        owner: Address,
        operator_ids: &[u64],
        block: u64,
    ) -> Result<U256, AccountingError> {
        let (state, at) = self.view_existing(owner, operator_ids, block)?;
        state.balance(&at)
    }

    /// `isLiquidatable` at `block`; `params` are those of the cluster's fee token. Like the
    /// contract view, it needs an existing cluster ([`AccountingError::UnknownCluster`]
    /// otherwise).
    pub fn is_liquidatable(
        &self,
        owner: Address,
        operator_ids: &[u64],
        block: u64,
        params: &LiquidationParams,
    ) -> Result<bool, AccountingError> {
        let (state, at) = self.view_existing(owner, operator_ids, block)?;
        state.is_liquidatable(&at, params)
    }

    fn check_replay(&self, log: &Log, last: LogPosition) -> Result<Applied, AccountingError> {
        let found = self
            .journal
            .binary_search_by(|e| e.position.cmp(&log.position));
        match found {
            Ok(i) if self.journal[i].fingerprint == fingerprint(log) => Ok(Applied::Duplicate),
            Ok(_) => Err(AccountingError::ConflictingLog {
                position: log.position,
            }),
            Err(_) => Err(AccountingError::StaleEvent {
                position: log.position,
                last_applied: last,
            }),
        }
    }

    const fn version_at(&self, block: u64) -> ClusterVersion {
        if block >= self.eth_upgrade_block {
            ClusterVersion::Eth
        } else {
            ClusterVersion::Ssv
        }
    }

    fn apply_new(&mut self, log: &Log) -> Result<Undo, AccountingError> {
        let block = log.position.block;
        match &log.event {
            Event::OperatorAdded { operator_id, fee } => {
                if self.operators.contains_key(operator_id) {
                    return Err(AccountingError::OperatorAlreadyExists {
                        operator_id: *operator_id,
                    });
                }
                let mut entry = OperatorEntry {
                    state: OperatorState {
                        id: *operator_id,
                        ssv: FeeSnapshot::new(0, block),
                        eth: FeeSnapshot::new(0, block),
                        removed: false,
                    },
                    eth_fee_known: true,
                };
                if self.version_at(block) == ClusterVersion::Eth {
                    entry.state.eth.fee = ClusterVersion::Eth.pack(*fee)?;
                } else {
                    entry.state.ssv.fee = ClusterVersion::Ssv.pack(*fee)?;
                    self.set_legacy_eth_default(&mut entry);
                }
                self.operators.insert(*operator_id, entry);
                Ok(Undo::OperatorAdded(*operator_id))
            }
            Event::OperatorFeeExecuted { operator_id, fee } => {
                let version = self.version_at(block);
                let packed = version.pack(*fee)?;
                self.update_operator(*operator_id, |ledger, o| {
                    o.state.snapshot_mut(version).change_fee(block, packed)?;
                    if version == ClusterVersion::Ssv {
                        ledger.set_legacy_eth_default(o);
                    } else {
                        o.eth_fee_known = true;
                    }
                    Ok(())
                })
            }
            Event::OperatorRemoved { operator_id } => {
                self.update_operator(*operator_id, |ledger, o| {
                    if ledger.version_at(block) == ClusterVersion::Eth {
                        return o.state.remove(block);
                    }
                    // Removed before the upgrade: it never charges ETH.
                    o.state.ssv.change_fee(block, 0)?;
                    o.state.eth = FeeSnapshot::new(0, ledger.eth_upgrade_block);
                    o.state.removed = true;
                    o.eth_fee_known = true;
                    Ok(())
                })
            }
            Event::NetworkFeeUpdated { new_fee } => {
                self.update_network(self.version_at(block), block, *new_fee)
            }
            Event::NetworkFeeUpdatedSsv { new_fee } => {
                self.update_network(ClusterVersion::Ssv, block, *new_fee)
            }
            Event::FeeRecipientAddressUpdated { owner, recipient } => Ok(Undo::FeeRecipient {
                owner: *owner,
                previous: self.fee_recipients.insert(*owner, *recipient),
            }),
            cluster_event => self.apply_cluster_event(cluster_event, log.position),
        }
    }

    /// A pre-upgrade operator's ETH side: from the upgrade block on, the configured default
    /// fee if its SSV fee is non-zero, else 0.
    fn set_legacy_eth_default(&self, entry: &mut OperatorEntry) {
        let charges = entry.state.ssv.fee > 0 && !entry.state.removed;
        entry.state.eth = FeeSnapshot::new(
            if charges {
                self.legacy_operator_eth_fee.unwrap_or(0)
            } else {
                0
            },
            self.eth_upgrade_block,
        );
        entry.eth_fee_known = !charges || self.legacy_operator_eth_fee.is_some();
    }

    fn update_operator(
        &mut self,
        operator_id: u64,
        change: impl FnOnce(&Self, &mut OperatorEntry) -> Result<(), AccountingError>,
    ) -> Result<Undo, AccountingError> {
        let mut next = *self
            .operators
            .get(&operator_id)
            .ok_or(AccountingError::UnknownOperator { operator_id })?;
        change(self, &mut next)?;
        let previous = self
            .operators
            .insert(operator_id, next)
            .expect("operator exists");
        Ok(Undo::Operator(previous))
    }

    fn update_network(
        &mut self,
        version: ClusterVersion,
        block: u64,
        new_fee: U256,
    ) -> Result<Undo, AccountingError> {
        let mut next = self.network;
        next.snapshot_mut(version)
            .change_fee(block, version.pack(new_fee)?)?;
        Ok(Undo::Network(std::mem::replace(&mut self.network, next)))
    }

    fn apply_cluster_event(
        &mut self,
        event: &Event,
        position: LogPosition,
    ) -> Result<Undo, AccountingError> {
        let (owner, operator_ids, cluster) = event
            .cluster_ref()
            .expect("every other event is handled by the caller");
        validate_operator_ids(operator_ids)?;
        if let Some(&operator_id) = operator_ids
            .iter()
            .find(|id| !self.operators.contains_key(id))
        {
            return Err(AccountingError::UnknownOperator { operator_id });
        }
        let new_cluster_version = self.version_at(position.block);
        let slot = self
            .cluster_index
            .get(&owner)
            .and_then(|by_ids| by_ids.get(operator_ids))
            .copied();
        let previous = slot.map(|i| (self.clusters[i].record, self.clusters[i].model));
        let mut state = previous
            .map(|(record, _)| record)
            .map_or(ClusterState::new_cluster(new_cluster_version), |r| r.state);
        let explicit = |vunits: VUnits, change: fn(u64) -> u64| match vunits {
            VUnits::Explicit(u) => VUnits::explicit(change(u)),
            VUnits::Implicit => VUnits::Implicit,
        };
        match event {
            // Legacy clusters always have implicit vUnits, so this only moves ETH clusters.
            Event::ValidatorAdded { .. } => {
                state.vunits = explicit(state.vunits, |u| u.saturating_add(VUNITS_PER_VALIDATOR));
            }
            Event::ValidatorRemoved { .. } => {
                state.vunits = if cluster.validator_count == 0 {
                    VUnits::Implicit
                } else {
                    explicit(state.vunits, |u| u.saturating_sub(VUNITS_PER_VALIDATOR))
                };
            }
            Event::ClusterBalanceUpdated {
                effective_balance, ..
            } => state.vunits = VUnits::from_effective_balance(*effective_balance),
            Event::ClusterMigratedToEth {
                effective_balance, ..
            } => {
                state.version = ClusterVersion::Eth;
                state.vunits = VUnits::from_effective_balance(*effective_balance);
            }
            _ => {}
        }
        state.cluster = *cluster;
        // The tuple's indices move only when the contract settled the cluster; remember the
        // ledger's indices at that block so later balances use fee deltas since then.
        let model = match previous {
            Some((old, model))
                if old.state.cluster.index == cluster.index
                    && old.state.cluster.network_fee_index == cluster.network_fee_index =>
            {
                model
            }
            _ if !cluster.active => ModelIndices::default(),
            _ => {
                let at = self.indices(state.version, operator_ids, position.block)?;
                ModelIndices {
                    operator_index: at.operator_index,
                    network_index: at.network_index,
                }
            }
        };
        let record = ClusterRecord {
            state,
            updated_at: position,
        };
        let slot = if let Some(slot) = slot {
            self.clusters[slot].record = record;
            self.clusters[slot].model = model;
            slot
        } else {
            let slot = self.clusters.len();
            self.cluster_index
                .entry(owner)
                .or_default()
                .insert(operator_ids.to_vec(), slot);
            self.clusters.push(ClusterSlot {
                owner,
                operator_ids: operator_ids.to_vec(),
                record,
                model,
            });
            slot
        };
        let registration = matches!(event, Event::ValidatorAdded { .. });
        if registration {
            *self.nonces.entry(owner).or_insert(0) += 1;
        }
        Ok(Undo::Cluster {
            slot,
            previous,
            registration,
        })
    }

    fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::OperatorAdded(operator_id) => {
                self.operators.remove(&operator_id);
            }
            Undo::Operator(previous) => {
                self.operators.insert(previous.state.id, previous);
            }
            Undo::Network(previous) => self.network = previous,
            Undo::FeeRecipient { owner, previous } => {
                match previous {
                    Some(recipient) => self.fee_recipients.insert(owner, recipient),
                    None => self.fee_recipients.remove(&owner),
                };
            }
            Undo::Cluster {
                slot,
                previous,
                registration,
            } => {
                let owner = self.clusters[slot].owner;
                if registration && let Some(nonce) = self.nonces.get_mut(&owner) {
                    *nonce -= 1;
                    if *nonce == 0 {
                        self.nonces.remove(&owner);
                    }
                }
                if let Some((record, model)) = previous {
                    self.clusters[slot].record = record;
                    self.clusters[slot].model = model;
                } else {
                    // Undo is LIFO, so a cluster created by this log is the newest slot.
                    let removed = self.clusters.pop().expect("the created slot exists");
                    debug_assert_eq!(slot, self.clusters.len());
                    if let Some(by_ids) = self.cluster_index.get_mut(&owner) {
                        by_ids.remove(removed.operator_ids.as_slice());
                        if by_ids.is_empty() {
                            self.cluster_index.remove(&owner);
                        }
                    }
                }
            }
        }
    }

    fn prune(&mut self, head: u64) {
        let keep_from = head.saturating_sub(self.reorg_depth);
        while let Some(front) = self.journal.front() {
            if front.position.block >= keep_from {
                break;
            }
            self.history_from = self.history_from.max(front.position.block + 1);
            self.last_pruned = Some(front.position);
            self.journal.pop_front();
        }
    }
}
