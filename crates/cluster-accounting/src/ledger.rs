//! Accounting state rebuilt from decoded events, with replay protection and reorg rollback.

use std::collections::VecDeque;

use alloy_primitives::map::HashMap;
use alloy_primitives::{Address, U256};

use crate::AccountingError;
use crate::eth::{self, EthCluster};
use crate::events::{Event, Log, LogPosition};
use crate::id::validate_operator_ids;
use crate::indices::ClusterIndices;
use crate::legacy;
use crate::types::{
    Cluster, ClusterState, ClusterVersion, FeeSnapshot, LiquidationParams, NetworkState,
    OperatorState, VUNITS_PER_VALIDATOR, VUnits,
};

/// Block of the mainnet SSVNetwork upgrade to v2.0.0 (spec §0: "snapshots intentionally start
/// at the smart contract upgrade block 24920727").
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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Undo {
    Operator(Option<OperatorState>),
    Network(NetworkState),
    Cluster(Option<ClusterRecord>),
    FeeRecipient(Option<Address>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct JournalEntry {
    log: Log,
    undo: Undo,
}

/// Builder of a [`Ledger`].
#[derive(Debug, Clone)]
pub struct LedgerBuilder {
    eth_upgrade_block: u64,
    reorg_depth: u64,
    operators: Vec<OperatorState>,
    network: NetworkState,
}

impl Default for LedgerBuilder {
    fn default() -> Self {
        Self {
            eth_upgrade_block: 0,
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
            reorg_depth: self.reorg_depth,
            operators: self.operators.into_iter().map(|o| (o.id, o)).collect(),
            network: self.network,
            clusters: HashMap::default(),
            nonces: HashMap::default(),
            fee_recipients: HashMap::default(),
            last: None,
            journal: VecDeque::new(),
            history_from: 0,
            last_pruned: None,
            cluster_count: 0,
        }
    }
}

/// Operator, network and cluster state rebuilt from SSVNetwork logs.
///
/// Logs must come in (block, transaction index, log index) order. A log already applied is
/// recognised and ignored; any other log at or before the last applied position is an error.
/// The last `reorg_depth` blocks can be rolled back.
///
/// Two ledgers compare equal when they hold the same state and the same rollback history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    eth_upgrade_block: u64,
    reorg_depth: u64,
    operators: HashMap<u64, OperatorState>,
    network: NetworkState,
    clusters: HashMap<Address, HashMap<Vec<u64>, ClusterRecord>>,
    nonces: HashMap<Address, u64>,
    fee_recipients: HashMap<Address, Address>,
    last: Option<LogPosition>,
    journal: VecDeque<JournalEntry>,
    /// Every log of a block at or after this one is in the journal.
    history_from: u64,
    /// Position of the newest log dropped from the journal.
    last_pruned: Option<LogPosition>,
    cluster_count: usize,
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
            log: log.clone(),
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
            if entry.log.position.block <= block {
                break;
            }
            let entry = self.journal.pop_back().expect("back() was Some");
            self.undo(entry);
            undone += 1;
        }
        self.last = self
            .journal
            .back()
            .map(|e| e.log.position)
            .or(self.last_pruned);
        Ok(undone)
    }

    /// Position of the last applied log.
    pub const fn last_applied(&self) -> Option<LogPosition> {
        self.last
    }

    /// An operator's state.
    pub fn operator(&self, operator_id: u64) -> Option<&OperatorState> {
        self.operators.get(&operator_id)
    }

    /// The network fee state.
    pub const fn network(&self) -> &NetworkState {
        &self.network
    }

    /// The latest state of the cluster of `owner` with `operator_ids` (sorted).
    pub fn cluster(&self, owner: Address, operator_ids: &[u64]) -> Option<&ClusterRecord> {
        self.clusters.get(&owner)?.get(operator_ids)
    }

    /// The cluster tuple to pass to the next call: the latest snapshot, or `(0,0,0,true,0)` for a
    /// cluster that does not exist yet (as ssv-scanner does).
    pub fn cluster_tuple(&self, owner: Address, operator_ids: &[u64]) -> Cluster {
        self.cluster(owner, operator_ids)
            .map_or(Cluster::NEW, |r| r.state.cluster)
    }

    /// Every known cluster as (owner, operator ids, record).
    pub fn clusters(&self) -> impl Iterator<Item = (Address, &[u64], &ClusterRecord)> {
        self.clusters.iter().flat_map(|(owner, by_ids)| {
            by_ids
                .iter()
                .map(move |(ids, record)| (*owner, ids.as_slice(), record))
        })
    }

    /// Number of known clusters.
    pub const fn cluster_count(&self) -> usize {
        self.cluster_count
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
                self.operators
                    .get(id)
                    .ok_or(AccountingError::UnknownOperator { operator_id: *id })?,
            );
        }
        ClusterIndices::compute(
            version,
            block,
            operators.iter().flatten().copied(),
            &self.network,
        )
    }

    fn record(
        &self,
        owner: Address,
        operator_ids: &[u64],
    ) -> Result<&ClusterRecord, AccountingError> {
        self.cluster(owner, operator_ids)
            .ok_or_else(|| AccountingError::UnknownCluster {
                owner,
                operator_ids: operator_ids.to_vec(),
            })
    }

    /// The cluster's state and fee indices at `block`, ready for the [`eth`], [`legacy`] and
    /// planning functions.
    pub fn view(
        &self,
        owner: Address,
        operator_ids: &[u64],
        block: u64,
    ) -> Result<(ClusterState, ClusterIndices), AccountingError> {
        let state = self.record(owner, operator_ids)?.state;
        Ok((state, self.indices(state.version, operator_ids, block)?))
    }

    /// `getBalance` at `block` (`ClusterLiquidated` if inactive).
    pub fn balance(
        &self,
        owner: Address,
        operator_ids: &[u64],
        block: u64,
    ) -> Result<U256, AccountingError> {
        let (state, at) = self.view(owner, operator_ids, block)?;
        balance_of(&state, &at)
    }

    /// `isLiquidatable` at `block`; `params` are those of the cluster's fee token.
    pub fn is_liquidatable(
        &self,
        owner: Address,
        operator_ids: &[u64],
        block: u64,
        params: &LiquidationParams,
    ) -> Result<bool, AccountingError> {
        let (state, at) = self.view(owner, operator_ids, block)?;
        match state.version {
            ClusterVersion::Ssv => legacy::is_liquidatable(&state.cluster, &at, params),
            ClusterVersion::Eth => eth::is_liquidatable(&eth_cluster(&state), &at, params),
        }
    }

    fn check_replay(&self, log: &Log, last: LogPosition) -> Result<Applied, AccountingError> {
        let found = self
            .journal
            .binary_search_by(|e| e.log.position.cmp(&log.position));
        match found {
            Ok(i) if self.journal[i].log == *log => Ok(Applied::Duplicate),
            Ok(_) => Err(AccountingError::ConflictingLog {
                position: log.position,
            }),
            Err(_) => Err(AccountingError::StaleEvent {
                position: log.position,
                last_applied: last,
            }),
        }
    }

    fn version_at(&self, block: u64) -> ClusterVersion {
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
                let version = self.version_at(block);
                let mut operator = OperatorState {
                    id: *operator_id,
                    ssv: FeeSnapshot::new(0, block),
                    eth: FeeSnapshot::new(0, block),
                    removed: false,
                };
                operator.snapshot_mut(version).fee = version.pack(*fee)?;
                self.operators.insert(*operator_id, operator);
                Ok(Undo::Operator(None))
            }
            Event::OperatorFeeExecuted { operator_id, fee } => {
                let version = self.version_at(block);
                let packed = version.pack(*fee)?;
                self.update_operator(*operator_id, |o| {
                    o.snapshot_mut(version).change_fee(block, packed)
                })
            }
            Event::OperatorRemoved { operator_id } => {
                self.update_operator(*operator_id, |o| o.remove(block))
            }
            Event::NetworkFeeUpdated { new_fee } => {
                self.update_network(self.version_at(block), block, *new_fee)
            }
            Event::NetworkFeeUpdatedSsv { new_fee } => {
                self.update_network(ClusterVersion::Ssv, block, *new_fee)
            }
            Event::FeeRecipientAddressUpdated { owner, recipient } => Ok(Undo::FeeRecipient(
                self.fee_recipients.insert(*owner, *recipient),
            )),
            cluster_event => self.apply_cluster_event(cluster_event, log.position),
        }
    }

    fn update_operator(
        &mut self,
        operator_id: u64,
        change: impl FnOnce(&mut OperatorState) -> Result<(), AccountingError>,
    ) -> Result<Undo, AccountingError> {
        let operator = self
            .operators
            .get_mut(&operator_id)
            .ok_or(AccountingError::UnknownOperator { operator_id })?;
        let mut next = *operator;
        change(&mut next)?;
        Ok(Undo::Operator(Some(std::mem::replace(operator, next))))
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
        let by_ids = self.clusters.entry(owner).or_default();
        let slot = by_ids.get_mut(operator_ids);
        let previous = slot.as_deref().copied();
        let mut state = previous.map_or(
            ClusterState {
                version: new_cluster_version,
                cluster: Cluster::NEW,
                vunits: VUnits::Implicit,
            },
            |r| r.state,
        );
        let explicit = |vunits: VUnits, change: fn(u64) -> u64| match vunits {
            VUnits::Explicit(u) => VUnits::explicit(change(u)),
            VUnits::Implicit => VUnits::Implicit,
        };
        match event {
            // Legacy clusters always have implicit vUnits, so this only moves ETH clusters.
            Event::ValidatorAdded { .. } => {
                state.vunits = explicit(state.vunits, |u| u.saturating_add(VUNITS_PER_VALIDATOR));
                *self.nonces.entry(owner).or_insert(0) += 1;
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
        let record = ClusterRecord {
            state,
            updated_at: position,
        };
        if let Some(slot) = slot {
            *slot = record;
        } else {
            by_ids.insert(operator_ids.to_vec(), record);
            self.cluster_count += 1;
        }
        Ok(Undo::Cluster(previous))
    }

    fn undo(&mut self, entry: JournalEntry) {
        match (entry.undo, &entry.log.event) {
            (Undo::Operator(previous), event) => {
                let id = match event {
                    Event::OperatorAdded { operator_id, .. }
                    | Event::OperatorFeeExecuted { operator_id, .. }
                    | Event::OperatorRemoved { operator_id } => *operator_id,
                    _ => unreachable!("operator undo belongs to an operator event"),
                };
                match previous {
                    Some(state) => self.operators.insert(id, state),
                    None => self.operators.remove(&id),
                };
            }
            (Undo::Network(previous), _) => self.network = previous,
            (Undo::FeeRecipient(previous), Event::FeeRecipientAddressUpdated { owner, .. }) => {
                match previous {
                    Some(recipient) => self.fee_recipients.insert(*owner, recipient),
                    None => self.fee_recipients.remove(owner),
                };
            }
            (Undo::Cluster(previous), event) => {
                let (owner, ids, _) = event
                    .cluster_ref()
                    .expect("cluster undo belongs to a cluster event");
                if matches!(event, Event::ValidatorAdded { .. })
                    && let Some(nonce) = self.nonces.get_mut(&owner)
                {
                    *nonce -= 1;
                    if *nonce == 0 {
                        self.nonces.remove(&owner);
                    }
                }
                let by_ids = self.clusters.entry(owner).or_default();
                if let Some(record) = previous {
                    by_ids.insert(ids.to_vec(), record);
                } else {
                    by_ids.remove(ids);
                    self.cluster_count -= 1;
                    if by_ids.is_empty() {
                        self.clusters.remove(&owner);
                    }
                }
            }
            (Undo::FeeRecipient(_), _) => unreachable!("fee recipient undo of another event"),
        }
    }

    fn prune(&mut self, head: u64) {
        let keep_from = head.saturating_sub(self.reorg_depth);
        while let Some(front) = self.journal.front() {
            if front.log.position.block >= keep_from {
                break;
            }
            self.history_from = self.history_from.max(front.log.position.block + 1);
            self.last_pruned = Some(front.log.position);
            self.journal.pop_front();
        }
    }
}

fn eth_cluster(state: &ClusterState) -> EthCluster {
    EthCluster {
        cluster: state.cluster,
        vunits: state.vunits,
    }
}

/// `getBalance` of a cluster of either version.
pub fn balance_of(state: &ClusterState, at: &ClusterIndices) -> Result<U256, AccountingError> {
    match state.version {
        ClusterVersion::Ssv => legacy::balance(&state.cluster, at),
        ClusterVersion::Eth => eth::balance(&eth_cluster(state), at),
    }
}
