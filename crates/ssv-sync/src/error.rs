use alloy::primitives::{Address, B256};
use thiserror::Error;

use crate::event::Position;

/// Everything that can go wrong while indexing SSVNetwork logs.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SyncError {
    /// `eth_getLogs` returned a log without block number, indices or block hash.
    #[error("a log of transaction {transaction_hash:?} has no block position (pending)")]
    PendingLog {
        /// The hash of the transaction that emitted the log, if the node gave one.
        transaction_hash: Option<B256>,
    },
    /// A log from another contract reached the decoder.
    #[error("log at {position:?} is from {address}, not SSVNetwork at {expected}")]
    ForeignLog {
        /// Where the log sits in the chain.
        position: Position,
        /// The contract that emitted the log.
        address: Address,
        /// The SSVNetwork address the decoder was given.
        expected: Address,
    },
    /// A log whose topic 0 is not an event of SSV Network v2.0.0's ABI.
    #[error("log at {position:?} has topic0 {topic0:?}, which is no SSVNetwork event")]
    UnknownEvent {
        /// Where the log sits in the chain.
        position: Position,
        /// The log's first topic; `None` when the log has no topics at all.
        topic0: Option<B256>,
    },
    /// A known event whose data does not decode.
    #[error("log at {position:?} (topic0 {topic0}) does not decode: {reason}")]
    Malformed {
        /// Where the log sits in the chain.
        position: Position,
        /// The event's signature hash (the log's first topic).
        topic0: B256,
        /// The ABI decoder's message.
        reason: String,
    },
    /// A log at or before the last applied position that is not that same log.
    #[error("log at {next:?} arrived after the log at {last:?}")]
    OutOfOrder {
        /// The position of the last log applied.
        last: Position,
        /// The position of the log that came after it.
        next: Position,
    },
    /// The accounting ledger refused a log (out of order, an unknown operator, …).
    #[error("the ledger refused the log at {position:?}: {source}")]
    Ledger {
        /// The refused log's position. Block 0 when the configured legacy operator fee is
        /// refused, the checkpoint's block (indices 0) when a checkpoint fee is refused.
        position: Position,
        /// Why the ledger refused it.
        #[source]
        source: cluster_accounting::AccountingError,
    },
    /// The chain's `SSVNetworkUpgradeBlock` disagrees with the configured v2 activation block.
    #[error(
        "SSVNetwork says v2 took effect at block {on_chain}, the configuration says {configured}"
    )]
    UpgradeBlockMismatch {
        /// The configured v2 activation block ([`crate::IndexConfig::upgrade_block`]).
        configured: u64,
        /// The `blockNumber` the `SSVNetworkUpgradeBlock` event carries.
        on_chain: u64,
    },
    /// An RPC request failed (after the range was shrunk as far as it goes, for `eth_getLogs`).
    #[error("{method} failed: {message}")]
    Rpc {
        /// The JSON-RPC method (`eth_getLogs`, `eth_blockNumber`, …) or the SSVNetworkViews
        /// function that failed.
        method: &'static str,
        /// The error as the provider or the contract call reported it.
        message: String,
    },
    /// The node refused even a one-block `eth_getLogs` range.
    #[error("the node refuses eth_getLogs even for the single block {block}: {message}")]
    RangeRefused {
        /// The block the node refused to return logs for.
        block: u64,
        /// The node's refusal message.
        message: String,
    },
    /// The chain diverged below every block hash the indexer kept.
    #[error(
        "the chain reorganised deeper than the {kept} block hashes kept (oldest kept: block {oldest})"
    )]
    ReorgTooDeep {
        /// How many block hashes were kept (at most [`crate::SyncConfig::kept_hashes`]).
        kept: usize,
        /// The number of the oldest block whose hash was kept.
        oldest: u64,
    },
    /// The chain reorganised between the windows of every attempt of one sync.
    #[error("the chain reorganised during each of {attempts} attempts to sync; trying again later")]
    Unsettled {
        /// How many times the sync ran ([`MAX_RESYNCS`](crate::MAX_RESYNCS) + 1).
        attempts: u32,
    },
    /// The node does not know a block it reported before.
    #[error("the node does not know block {block}")]
    MissingBlock {
        /// The block number the node returned no block for.
        block: u64,
    },
}
