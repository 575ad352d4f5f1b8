use alloy_primitives::U256;
use thiserror::Error;

use crate::events::LogPosition;
use crate::types::ClusterVersion;

/// Everything that can go wrong in this crate.
///
/// Variants that mirror a contract revert name it in their documentation, so a prediction of
/// this crate can be matched with the revert the chain would give.
#[derive(Debug, Error, PartialEq, Eq, Clone)]
#[non_exhaustive]
pub enum AccountingError {
    /// Operator ids must be strictly ascending, as the contracts require
    /// (`UnsortedOperatorsList` / `OperatorsListNotUnique`).
    #[error("operator ids must be sorted ascending without duplicates: {ids:?}")]
    UnsortedOperatorIds {
        /// The operator ids as given.
        ids: Vec<u64>,
    },

    /// A committee must have 4, 7, 10 or 13 operators (`InvalidOperatorIdsLength`).
    #[error("committee size {size} is not one of 4, 7, 10, 13")]
    InvalidCommitteeSize {
        /// The number of operator ids given.
        size: usize,
    },

    /// An operator id that no `OperatorAdded` event (or seed) introduced (`OperatorDoesNotExist`).
    #[error("operator {operator_id} is unknown")]
    UnknownOperator {
        /// The unknown operator id.
        operator_id: u64,
    },

    /// An ETH cluster uses a legacy operator whose ETH fee was assigned without an event and
    /// the ledger was not told the default (`LedgerBuilder::legacy_operator_eth_fee`).
    #[error("the ETH fee of legacy operator {operator_id} is unknown")]
    UnknownOperatorEthFee {
        /// The legacy operator whose ETH fee is unknown.
        operator_id: u64,
    },

    /// A second `OperatorAdded` for an id that already exists.
    #[error("operator {operator_id} already exists")]
    OperatorAlreadyExists {
        /// The operator id of the repeated `OperatorAdded`.
        operator_id: u64,
    },

    /// Validators cannot be added to a cluster that contains a removed operator.
    #[error("operator {operator_id} was removed; the cluster cannot take new validators")]
    OperatorRemoved {
        /// The first removed operator of the cluster.
        operator_id: u64,
    },

    /// The cluster has no state at all (`ClusterDoesNotExists` / `ClusterDoesNotExist`).
    #[error("no cluster for owner {owner} and operators {operator_ids:?}")]
    UnknownCluster {
        /// The cluster owner asked for.
        owner: alloy_primitives::Address,
        /// The operator ids asked for.
        operator_ids: Vec<u64>,
    },

    /// A log at or before the last applied position that is not a replay of an applied log:
    /// logs must be applied in (block, transaction index, log index) order.
    #[error("log at {position} is older than the state (last applied {last_applied})")]
    StaleEvent {
        /// Position of the rejected log.
        position: LogPosition,
        /// Position of the last log the state has applied.
        last_applied: LogPosition,
    },

    /// A log claims the position of an already applied, different log (a reorg that was not
    /// rolled back first).
    #[error("a different log was already applied at {position}")]
    ConflictingLog {
        /// The position both logs claim.
        position: LogPosition,
    },

    /// Rolling back past the oldest block still kept in the undo journal.
    #[error("cannot roll back to block {block}: history is only kept from block {oldest_kept}")]
    RollbackTooDeep {
        /// The block asked to roll back to.
        block: u64,
        /// The oldest block whose logs the journal can still undo.
        oldest_kept: u64,
    },

    /// A computation at a block earlier than the snapshot it starts from.
    #[error("block {block} is before the snapshot block {snapshot_block}")]
    BlockBeforeSnapshot {
        /// The block the computation was asked for.
        block: u64,
        /// The block of the snapshot (its last settlement).
        snapshot_block: u64,
    },

    /// A cluster snapshot whose index is ahead of the current index (the contract would panic on
    /// the subtraction): the snapshot does not belong to this operator/network state.
    #[error("cluster {which} index {cluster_index} is ahead of the current index {current_index}")]
    ClusterIndexAhead {
        /// Which index: `"network"` or `"operator"`.
        which: &'static str,
        /// The index stored in the cluster tuple (packed).
        cluster_index: u64,
        /// The index of the operators or network at the block asked for (packed).
        current_index: u64,
    },

    /// SSV and ETH indices of a migration plan taken at different blocks.
    #[error("SSV indices are at block {ssv_block} but ETH indices at block {eth_block}")]
    IndicesBlockMismatch {
        /// Block of the SSV fee indices.
        ssv_block: u64,
        /// Block of the ETH fee indices.
        eth_block: u64,
    },

    /// Checked arithmetic overflowed where the contract would panic (0x11).
    #[error("arithmetic overflow computing {quantity}")]
    ArithmeticOverflow {
        /// Name of the quantity being computed, e.g. `"fee index"`.
        quantity: &'static str,
    },

    /// A fee or collateral that is not a multiple of the packing unit (`Max precision exceeded`
    /// / `MaxPrecisionExceeded`).
    #[error("{wei} wei is not a multiple of the packing unit {unit}")]
    MaxPrecisionExceeded {
        /// The amount to pack, in wei.
        wei: U256,
        /// The packing unit in wei (1e7 for SSV, 1e5 for ETH).
        unit: u64,
    },

    /// A fee or collateral too large for a packed uint64 (`Max value exceeded`).
    #[error("{wei} wei does not fit a packed uint64 with unit {unit}")]
    MaxValueExceeded {
        /// The amount to pack, in wei.
        wei: U256,
        /// The packing unit in wei (1e7 for SSV, 1e5 for ETH).
        unit: u64,
    },

    /// The operation needs an active cluster (`ClusterIsLiquidated`).
    #[error("the cluster is liquidated")]
    ClusterLiquidated,

    /// Reactivating a cluster that is active (`ClusterAlreadyEnabled`).
    #[error("the cluster is already active")]
    ClusterAlreadyActive,

    /// The operation is not available for this cluster version (`IncorrectClusterVersion`).
    #[error("operation needs a {expected:?} cluster, this one is {found:?}")]
    IncorrectClusterVersion {
        /// The version the operation needs.
        expected: ClusterVersion,
        /// The version of the cluster.
        found: ClusterVersion,
    },

    /// The cluster would be liquidatable after the operation (`InsufficientBalance`).
    #[error("balance {balance} wei is below the required {required} wei")]
    InsufficientBalance {
        /// The cluster's balance after the operation, in wei of its fee token.
        balance: U256,
        /// The smallest balance that is not liquidatable, in wei of the same token.
        required: U256,
    },

    /// A withdrawal larger than the settled balance (`InsufficientBalance`).
    #[error("cannot withdraw {requested} wei from a balance of {available} wei")]
    WithdrawExceedsBalance {
        /// The amount asked for, in wei of the cluster's fee token.
        requested: U256,
        /// The settled balance, in wei of the same token.
        available: U256,
    },

    /// A third party tried to liquidate a healthy cluster (`ClusterNotLiquidatable`).
    #[error("the cluster is not liquidatable")]
    ClusterNotLiquidatable,

    /// Removing more validators than the cluster has.
    #[error("cannot remove {removing} validators from a cluster of {validator_count}")]
    ValidatorCountUnderflow {
        /// The cluster's validator count.
        validator_count: u32,
        /// The number of validators to remove.
        removing: u32,
    },

    /// Adding validators would overflow the uint32 validator count.
    #[error("cannot add {adding} validators to a cluster of {validator_count}")]
    ValidatorCountOverflow {
        /// The cluster's validator count.
        validator_count: u32,
        /// The number of validators to add.
        adding: u32,
    },

    /// An effective balance below `32·V` ETH (`EBBelowMinimum`).
    #[error(
        "effective balance {effective_balance} ETH is below the minimum {minimum} ETH (32 per validator) for {validator_count} validators"
    )]
    EffectiveBalanceBelowMinimum {
        /// The reported effective balance, in whole ETH.
        effective_balance: u32,
        /// The cluster's validator count `V`.
        validator_count: u32,
        /// The bound `32·V`, in whole ETH.
        minimum: u64,
    },

    /// An effective balance above `2048·V` ETH (`EBExceedsMaximum`).
    #[error(
        "effective balance {effective_balance} ETH exceeds the maximum {maximum} ETH (2048 per validator) for {validator_count} validators"
    )]
    EffectiveBalanceExceedsMaximum {
        /// The reported effective balance, in whole ETH.
        effective_balance: u32,
        /// The cluster's validator count `V`.
        validator_count: u32,
        /// The bound `2048·V`, in whole ETH.
        maximum: u64,
    },

    /// The cluster is liquidatable (or will be) before the planned transaction can land.
    #[error(
        "the cluster becomes liquidatable at block {liquidation_block}, before the latest landing block {landing_block}"
    )]
    LiquidatableBeforeInclusion {
        /// The first block at which the cluster is liquidatable.
        liquidation_block: u64,
        /// The latest block the transaction may land in.
        landing_block: u64,
    },

    /// An amount too large to be shown as a decimal.
    #[error("{wei} wei is too large to format")]
    AmountTooLarge {
        /// The amount, in wei.
        wei: U256,
    },
}
