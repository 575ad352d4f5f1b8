use alloy::primitives::{Address, B256};
use thiserror::Error;

use crate::event::Position;

/// Everything that can go wrong while indexing SSVNetwork logs.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SyncError {
    /// `eth_getLogs` returned a log without block number, indices or block hash.
    #[error("a log of transaction {transaction_hash:?} has no block position (pending)")]
    PendingLog { transaction_hash: Option<B256> },
    /// A log from another contract reached the decoder.
    #[error("log at {position:?} is from {address}, not SSVNetwork at {expected}")]
    ForeignLog {
        position: Position,
        address: Address,
        expected: Address,
    },
    /// A log whose topic 0 is not an event of SSV Network v2.0.0's ABI.
    #[error("log at {position:?} has topic0 {topic0:?}, which is no SSVNetwork event")]
    UnknownEvent {
        position: Position,
        topic0: Option<B256>,
    },
    /// A known event whose data does not decode.
    #[error("log at {position:?} (topic0 {topic0}) does not decode: {reason}")]
    Malformed {
        position: Position,
        topic0: B256,
        reason: String,
    },
    /// A log at or before the last applied position that is not that same log.
    #[error("log at {next:?} arrived after the log at {last:?}")]
    OutOfOrder { last: Position, next: Position },
    /// The accounting ledger refused a log (out of order, an unknown operator, …).
    #[error("the ledger refused the log at {position:?}: {source}")]
    Ledger {
        position: Position,
        #[source]
        source: cluster_accounting::AccountingError,
    },
    /// The chain's `SSVNetworkUpgradeBlock` disagrees with the configured v2 activation block.
    #[error(
        "SSVNetwork says v2 took effect at block {on_chain}, the configuration says {configured}"
    )]
    UpgradeBlockMismatch { configured: u64, on_chain: u64 },
    /// An RPC request failed (after the range was shrunk as far as it goes, for `eth_getLogs`).
    #[error("{method} failed: {message}")]
    Rpc {
        method: &'static str,
        message: String,
    },
    /// The node refused even a one-block `eth_getLogs` range.
    #[error("the node refuses eth_getLogs even for the single block {block}: {message}")]
    RangeRefused { block: u64, message: String },
    /// The chain diverged below every block hash the indexer kept.
    #[error(
        "the chain reorganised deeper than the {kept} block hashes kept (oldest kept: block {oldest})"
    )]
    ReorgTooDeep { kept: usize, oldest: u64 },
    /// The chain reorganised between the windows of every attempt of one sync.
    #[error("the chain reorganised during each of {attempts} attempts to sync; trying again later")]
    Unsettled { attempts: u32 },
    /// The node does not know a block it reported before.
    #[error("the node does not know block {block}")]
    MissingBlock { block: u64 },
}
