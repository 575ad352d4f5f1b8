//! The indexed state: a `cluster-accounting` ledger plus what a router needs beyond accounting,
//! rebuilt from the kept [`SsvLog`]s. A reorg truncates the logs and replays them, so every part
//! of the state rolls back together.

use std::collections::{BTreeMap, BTreeSet};

use alloy::primitives::{Address, Bytes, U256};
use cluster_accounting::{
    Applied, Ledger, LedgerBuilder, Log as AccountingLog, NetworkState, OperatorState,
};
use serde::{Deserialize, Serialize};

use crate::error::SyncError;
use crate::event::{ClusterTuple, Position, SsvEvent, SsvLog};

/// What to index and how to interpret it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexConfig {
    /// Owners whose clusters are tracked; other owners' cluster events are skipped.
    pub owners: Vec<Address>,
    /// The block SSV Network v2.0.0 took effect, when known in advance (a network preset). The
    /// chain's `SSVNetworkUpgradeBlock` must agree. `None`: learnt from that event (a chain that
    /// never emits it ran v2 from its first block).
    pub upgrade_block: Option<u64>,
    /// The ETH fee v2 gives an operator registered before the upgrade with a non-zero SSV fee
    /// (`DEFAULT_OPERATOR_ETH_FEE`, 1,778,800,000 wei per block in the deployed v2.0.0 code).
    pub legacy_operator_eth_fee: U256,
    /// State seeded from views at a checkpoint, for indexing that starts after SSV's genesis.
    pub checkpoint: Option<Checkpoint>,
}

impl IndexConfig {
    /// Tracks `owner` with v2's default legacy operator fee and no preset upgrade block.
    pub fn new(owner: Address) -> Self {
        Self {
            owners: vec![owner],
            upgrade_block: None,
            legacy_operator_eth_fee: U256::from(DEFAULT_OPERATOR_ETH_FEE),
            checkpoint: None,
        }
    }
}

/// `DEFAULT_OPERATOR_ETH_FEE` of SSV Network v2.0.0 as deployed (wei per block).
pub const DEFAULT_OPERATOR_ETH_FEE: u64 = 1_778_800_000;

/// Operator and network fee state at a block, read from SSVNetworkViews at that block. An index
/// that starts there needs no earlier log: the ledger only uses fee differences after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The block the state was read at; indexing continues from the next one.
    pub block: u64,
    /// Every operator registered by then, ascending by id.
    pub operators: Vec<CheckpointOperator>,
    /// The ETH network fee (`getNetworkFee`), wei per block.
    pub network_fee: U256,
    /// The legacy SSV network fee (`getNetworkFeeSSV`), SSV-token wei per block.
    pub network_fee_ssv: U256,
}

/// One operator as a checkpoint records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointOperator {
    /// The operator's id.
    pub id: u64,
    /// The operator's owner.
    pub owner: Address,
    /// The ETH fee (`getOperatorById`), wei per block.
    pub fee: U256,
    /// The SSV fee (`getOperatorByIdSSV`), SSV-token wei per block.
    pub fee_ssv: U256,
    /// The operator was removed (`isActive` false).
    pub removed: bool,
}

/// An operator as the chain registered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorInfo {
    /// The operator's id.
    pub id: u64,
    /// The operator's owner.
    pub owner: Address,
    /// The RSA public key of `OperatorAdded` (base64 of the PEM); `None` when the operator was
    /// registered before a checkpoint the index started from.
    pub public_key: Option<Bytes>,
    /// Current fee in wei per block, as last emitted; zero once removed.
    pub fee: U256,
    /// A declared, not yet executed fee.
    pub declared_fee: Option<U256>,
    /// Made private by `OperatorPrivacyStatusUpdated` (only whitelisted owners may use it).
    pub private: bool,
    /// The `OperatorAdded` log; `None` when the operator comes from a checkpoint.
    pub added: Option<Position>,
    /// The `OperatorRemoved` log, or the checkpoint block (indices 0) for an operator the
    /// checkpoint already had removed; `None` while the operator is active.
    pub removed: Option<Position>,
}

/// One of the tracked owners' clusters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterInfo {
    /// The cluster's owner.
    pub owner: Address,
    /// The cluster's operator ids, as the events carry them.
    pub operator_ids: Vec<u64>,
    /// The tuple the next call on this cluster must pass.
    pub tuple: ClusterTuple,
    /// Public keys of the validators registered in it now.
    pub validators: BTreeSet<Bytes>,
    /// Position of the last event that changed the tuple.
    pub updated: Position,
}

/// One of the tracked owners' validators on SSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatorInfo {
    /// The validator's owner on SSV.
    pub owner: Address,
    /// The validator's BLS public key (48 bytes).
    pub public_key: Bytes,
    /// The operators of the cluster it was registered in.
    pub operator_ids: Vec<u64>,
    /// The `ValidatorAdded` log.
    pub added: Position,
    /// The `ValidatorRemoved` log; `None` while it is registered.
    pub removed: Option<Position>,
    /// `exitValidator` was called (the operators were told to exit).
    pub exit_requested: Option<Position>,
}

/// Liquidation parameters as last emitted (`None`: never changed since indexing began; read the
/// views).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmittedParams {
    /// From `LiquidationThresholdPeriodUpdated`, in blocks (ETH clusters' from v2 on).
    pub liquidation_threshold_period: Option<u64>,
    /// From `MinimumLiquidationCollateralUpdated`: wei from v2 on, SSV-token wei before.
    pub minimum_liquidation_collateral: Option<U256>,
    /// From `LiquidationThresholdPeriodSSVUpdated`, in blocks (legacy SSV clusters).
    pub liquidation_threshold_period_ssv: Option<u64>,
    /// From `MinimumLiquidationCollateralSSVUpdated`, in SSV-token wei (legacy SSV clusters).
    pub minimum_liquidation_collateral_ssv: Option<U256>,
}

/// The indexed state. Logs must be applied in position order; a log at or before the last one
/// applied is ignored if it is the same log and an error otherwise.
#[derive(Debug, Clone)]
pub struct Index {
    config: IndexConfig,
    logs: Vec<SsvLog>,
    ledger: Ledger,
    upgrade_block: Option<u64>,
    operators: BTreeMap<u64, OperatorInfo>,
    clusters: BTreeMap<(Address, Vec<u64>), ClusterInfo>,
    validators: BTreeMap<(Address, Bytes), ValidatorInfo>,
    params: EmittedParams,
}

impl Index {
    /// An empty index.
    pub fn new(config: IndexConfig) -> Result<Self, SyncError> {
        let upgrade_block = config.upgrade_block;
        let mut index = Self {
            ledger: build_ledger(&config, upgrade_block.unwrap_or(0))?,
            config,
            logs: Vec::new(),
            upgrade_block,
            operators: BTreeMap::new(),
            clusters: BTreeMap::new(),
            validators: BTreeMap::new(),
            params: EmittedParams::default(),
        };
        index.seed_operators();
        Ok(index)
    }

    /// An index rebuilt from kept logs (a restart).
    pub fn from_logs(config: IndexConfig, logs: Vec<SsvLog>) -> Result<Self, SyncError> {
        let mut index = Self::new(config)?;
        for log in logs {
            index.apply(log)?;
        }
        Ok(index)
    }

    fn seed_operators(&mut self) {
        if let Some(cp) = &self.config.checkpoint {
            for o in &cp.operators {
                self.operators.insert(
                    o.id,
                    OperatorInfo {
                        id: o.id,
                        owner: o.owner,
                        public_key: None,
                        fee: o.fee,
                        declared_fee: None,
                        private: false,
                        added: None,
                        removed: o.removed.then_some(Position {
                            block: cp.block,
                            transaction_index: 0,
                            log_index: 0,
                        }),
                    },
                );
            }
        }
    }

    /// Applies one log; `Ok(false)` if it was already applied.
    pub fn apply(&mut self, log: SsvLog) -> Result<bool, SyncError> {
        if let Some(last) = self.logs.last()
            && log.position <= last.position
        {
            return if self.logs.iter().rev().any(|l| *l == log) {
                Ok(false)
            } else {
                Err(SyncError::OutOfOrder {
                    last: last.position,
                    next: log.position,
                })
            };
        }
        if let Some(owner) = log.event.owner()
            && !self.config.owners.contains(&owner)
        {
            return Ok(false);
        }
        if let SsvEvent::UpgradeBlock { block_number, .. } = log.event {
            match self.config.upgrade_block {
                Some(configured) if configured != block_number => {
                    return Err(SyncError::UpgradeBlockMismatch {
                        configured,
                        on_chain: block_number,
                    });
                }
                None if self.upgrade_block != Some(block_number) => {
                    // Everything before this block was v1: replay it with the right upgrade block.
                    self.upgrade_block = Some(block_number);
                    self.rebuild()?;
                }
                Some(_) | None => {}
            }
        }
        self.apply_state(&log)?;
        self.logs.push(log);
        Ok(true)
    }

    fn apply_state(&mut self, log: &SsvLog) -> Result<(), SyncError> {
        if let Some(event) = log.event.accounting() {
            let applied = self
                .ledger
                .apply(&AccountingLog {
                    position: log.position.into(),
                    event,
                })
                .map_err(|source| SyncError::Ledger {
                    position: log.position,
                    source,
                })?;
            debug_assert_eq!(applied, Applied::New);
        }
        self.apply_extras(log);
        Ok(())
    }

    fn apply_extras(&mut self, log: &SsvLog) {
        let at = log.position;
        match &log.event {
            SsvEvent::ValidatorAdded {
                owner,
                operator_ids,
                public_key,
                cluster,
            } => {
                self.validators.insert(
                    (*owner, public_key.clone()),
                    ValidatorInfo {
                        owner: *owner,
                        public_key: public_key.clone(),
                        operator_ids: operator_ids.clone(),
                        added: at,
                        removed: None,
                        exit_requested: None,
                    },
                );
                let info = self.cluster_entry(*owner, operator_ids, *cluster, at);
                info.validators.insert(public_key.clone());
            }
            SsvEvent::ValidatorRemoved {
                owner,
                operator_ids,
                public_key,
                cluster,
            } => {
                if let Some(v) = self.validators.get_mut(&(*owner, public_key.clone())) {
                    v.removed = Some(at);
                }
                let info = self.cluster_entry(*owner, operator_ids, *cluster, at);
                info.validators.remove(public_key);
            }
            SsvEvent::ValidatorExited {
                owner, public_key, ..
            } => {
                if let Some(v) = self.validators.get_mut(&(*owner, public_key.clone())) {
                    v.exit_requested = Some(at);
                }
            }
            SsvEvent::ClusterLiquidated {
                owner,
                operator_ids,
                cluster,
            }
            | SsvEvent::ClusterReactivated {
                owner,
                operator_ids,
                cluster,
            }
            | SsvEvent::ClusterDeposited {
                owner,
                operator_ids,
                cluster,
                ..
            }
            | SsvEvent::ClusterWithdrawn {
                owner,
                operator_ids,
                cluster,
                ..
            }
            | SsvEvent::ClusterBalanceUpdated {
                owner,
                operator_ids,
                cluster,
                ..
            }
            | SsvEvent::ClusterMigratedToEth {
                owner,
                operator_ids,
                cluster,
                ..
            } => {
                self.cluster_entry(*owner, operator_ids, *cluster, at);
            }
            SsvEvent::OperatorAdded {
                operator_id,
                owner,
                public_key,
                fee,
            } => {
                self.operators.insert(
                    *operator_id,
                    OperatorInfo {
                        id: *operator_id,
                        owner: *owner,
                        public_key: Some(public_key.clone()),
                        fee: *fee,
                        declared_fee: None,
                        private: false,
                        added: Some(at),
                        removed: None,
                    },
                );
            }
            SsvEvent::OperatorRemoved { operator_id } => {
                if let Some(o) = self.operators.get_mut(operator_id) {
                    o.removed = Some(at);
                    o.fee = U256::ZERO;
                }
            }
            SsvEvent::OperatorFeeDeclared { operator_id, fee } => {
                if let Some(o) = self.operators.get_mut(operator_id) {
                    o.declared_fee = Some(*fee);
                }
            }
            SsvEvent::OperatorFeeExecuted { operator_id, fee } => {
                if let Some(o) = self.operators.get_mut(operator_id) {
                    o.fee = *fee;
                    o.declared_fee = None;
                }
            }
            SsvEvent::OperatorPrivacyStatusUpdated {
                operator_ids,
                to_private,
            } => {
                for id in operator_ids {
                    if let Some(o) = self.operators.get_mut(id) {
                        o.private = *to_private;
                    }
                }
            }
            SsvEvent::LiquidationThresholdPeriodUpdated { blocks } => {
                self.params.liquidation_threshold_period = Some(*blocks);
            }
            SsvEvent::LiquidationThresholdPeriodSsvUpdated { blocks } => {
                self.params.liquidation_threshold_period_ssv = Some(*blocks);
            }
            SsvEvent::MinimumLiquidationCollateralUpdated { value } => {
                self.params.minimum_liquidation_collateral = Some(*value);
            }
            SsvEvent::MinimumLiquidationCollateralSsvUpdated { value } => {
                self.params.minimum_liquidation_collateral_ssv = Some(*value);
            }
            SsvEvent::FeeRecipientAddressUpdated { .. }
            | SsvEvent::NetworkFeeUpdated { .. }
            | SsvEvent::NetworkFeeUpdatedSsv { .. }
            | SsvEvent::UpgradeBlock { .. } => {}
        }
    }

    fn cluster_entry(
        &mut self,
        owner: Address,
        operator_ids: &[u64],
        tuple: ClusterTuple,
        at: Position,
    ) -> &mut ClusterInfo {
        let info = self
            .clusters
            .entry((owner, operator_ids.to_vec()))
            .or_insert_with(|| ClusterInfo {
                owner,
                operator_ids: operator_ids.to_vec(),
                tuple,
                validators: BTreeSet::new(),
                updated: at,
            });
        info.tuple = tuple;
        info.updated = at;
        info
    }

    /// Drops every log of a block after `block` and rebuilds the state; returns how many logs
    /// were dropped.
    pub fn rollback_to(&mut self, block: u64) -> Result<usize, SyncError> {
        let before = self.logs.len();
        self.logs.retain(|l| l.position.block <= block);
        let dropped = before - self.logs.len();
        if dropped > 0 {
            if self.config.upgrade_block.is_none() && self.upgrade_block.is_some_and(|u| u > block)
            {
                self.upgrade_block = None;
            }
            self.rebuild()?;
        }
        Ok(dropped)
    }

    fn rebuild(&mut self) -> Result<(), SyncError> {
        let logs = std::mem::take(&mut self.logs);
        self.ledger = build_ledger(&self.config, self.upgrade_block.unwrap_or(0))?;
        self.operators.clear();
        self.clusters.clear();
        self.validators.clear();
        self.params = EmittedParams::default();
        self.seed_operators();
        for log in &logs {
            self.apply_state(log)?;
        }
        self.logs = logs;
        Ok(())
    }

    /// The accounting ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Every kept log, in order.
    pub fn logs(&self) -> &[SsvLog] {
        &self.logs
    }

    /// The v2 activation block in use (configured, or seen on chain).
    pub fn upgrade_block(&self) -> Option<u64> {
        self.upgrade_block
    }

    /// What the index was built with.
    pub fn config(&self) -> &IndexConfig {
        &self.config
    }

    /// An operator as registered on chain.
    pub fn operator(&self, id: u64) -> Option<&OperatorInfo> {
        self.operators.get(&id)
    }

    /// Every known operator, by id.
    pub fn operators(&self) -> impl Iterator<Item = &OperatorInfo> {
        self.operators.values()
    }

    /// A tracked owner's cluster (operator ids sorted).
    pub fn cluster(&self, owner: Address, operator_ids: &[u64]) -> Option<&ClusterInfo> {
        self.clusters.get(&(owner, operator_ids.to_vec()))
    }

    /// Every tracked cluster of `owner`.
    pub fn clusters_of(&self, owner: Address) -> impl Iterator<Item = &ClusterInfo> {
        self.clusters.values().filter(move |c| c.owner == owner)
    }

    /// The tuple to pass to the next call on a cluster (`(0,0,0,true,0)` for a new one).
    pub fn cluster_tuple(&self, owner: Address, operator_ids: &[u64]) -> ClusterTuple {
        self.cluster(owner, operator_ids)
            .map_or(ClusterTuple::NEW, |c| c.tuple)
    }

    /// A tracked owner's validator, registered now or before.
    pub fn validator(&self, owner: Address, public_key: &[u8]) -> Option<&ValidatorInfo> {
        self.validators
            .get(&(owner, Bytes::copy_from_slice(public_key)))
    }

    /// Every validator of `owner` the index has seen.
    pub fn validators_of(&self, owner: Address) -> impl Iterator<Item = &ValidatorInfo> {
        self.validators.values().filter(move |v| v.owner == owner)
    }

    /// The nonce the owner's next keyshares must be signed with: its `ValidatorAdded` count.
    pub fn owner_nonce(&self, owner: Address) -> u64 {
        self.ledger.registration_nonce(owner)
    }

    /// The owner's fee recipient as last set on SSV.
    pub fn fee_recipient(&self, owner: Address) -> Option<Address> {
        self.ledger.fee_recipient(owner)
    }

    /// Liquidation parameters changed since indexing began.
    pub fn emitted_params(&self) -> EmittedParams {
        self.params
    }
}

fn build_ledger(config: &IndexConfig, upgrade_block: u64) -> Result<Ledger, SyncError> {
    let mut builder: LedgerBuilder = Ledger::builder()
        .eth_upgrade_block(upgrade_block)
        .legacy_operator_eth_fee(config.legacy_operator_eth_fee)
        .map_err(|source| SyncError::Ledger {
            position: Position {
                block: 0,
                transaction_index: 0,
                log_index: 0,
            },
            source,
        })?;
    if let Some(cp) = &config.checkpoint {
        let checkpoint_error = |source| SyncError::Ledger {
            position: Position {
                block: cp.block,
                transaction_index: 0,
                log_index: 0,
            },
            source,
        };
        for o in &cp.operators {
            builder = builder.operator(OperatorState {
                id: o.id,
                ssv: cluster_accounting::FeeSnapshot::new(
                    cluster_accounting::ClusterVersion::Ssv
                        .pack(o.fee_ssv)
                        .map_err(checkpoint_error)?,
                    cp.block,
                ),
                eth: cluster_accounting::FeeSnapshot::new(
                    cluster_accounting::ClusterVersion::Eth
                        .pack(o.fee)
                        .map_err(checkpoint_error)?,
                    cp.block,
                ),
                removed: o.removed,
            });
        }
        builder = builder.network(NetworkState {
            ssv: cluster_accounting::FeeSnapshot::new(
                cluster_accounting::ClusterVersion::Ssv
                    .pack(cp.network_fee_ssv)
                    .map_err(checkpoint_error)?,
                cp.block,
            ),
            eth: cluster_accounting::FeeSnapshot::new(
                cluster_accounting::ClusterVersion::Eth
                    .pack(cp.network_fee)
                    .map_err(checkpoint_error)?,
                cp.block,
            ),
        });
    }
    Ok(builder.build())
}
