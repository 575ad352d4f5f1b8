//! An SSV Network chain indexer: SSVNetwork logs into a [`cluster_accounting::Ledger`] and the
//! state a validator router needs beyond accounting — the Rust counterpart of ssv-scanner's
//! cluster scan, for any number of cluster owners.
//!
//! * [`decode_log`]: one exhaustive `match` over the events of SSV Network v2.0.0's published ABI,
//!   checking the emitting address and skipping `removed` logs;
//! * [`Index`]: the ledger (balances, burn, liquidation, owner nonce, fee recipient) plus validator
//!   public keys per cluster, operators' public keys from `OperatorAdded`, exits, liquidation
//!   parameters and the v2 activation block (`SSVNetworkUpgradeBlock`);
//! * [`Syncer`]: windowed `eth_getLogs` (owner-filtered cluster events plus the operator and
//!   network events) a confirmation depth behind the head; windows shrink when a provider refuses
//!   a range and grow back; block hashes detect reorgs, which roll the index back and resync;
//! * [`ChainSource`]: where logs come from; [`RpcSource`] reads an alloy provider and counts its
//!   requests.
//!
//! State persists as data: the applied [`SsvLog`]s and the [`SyncState`]; a restart rebuilds the
//! index from them ([`Index::from_logs`]) and fetches only newer blocks.
//!
//! ```
//! use alloy::primitives::{Address, B256, Bytes, U256};
//! use ssv_sync::{ClusterTuple, Index, IndexConfig, Position, SsvEvent, SsvLog};
//!
//! let owner = Address::repeat_byte(0x11);
//! let mut index = Index::new(IndexConfig::new(owner))?;
//! let at = |block| Position { block, transaction_index: 0, log_index: 0 };
//! for (block, id) in (1..=4).map(|id| (id, id)) {
//!     index.apply(SsvLog {
//!         position: at(block),
//!         block_hash: B256::ZERO,
//!         transaction_hash: B256::ZERO,
//!         event: SsvEvent::OperatorAdded {
//!             operator_id: id,
//!             owner: Address::repeat_byte(0x22),
//!             public_key: Bytes::from_static(b"key"),
//!             fee: U256::from(1_000_000_000u64),
//!         },
//!     })?;
//! }
//! let cluster = ClusterTuple { validator_count: 1, balance: U256::from(10u64.pow(15)), ..ClusterTuple::NEW };
//! index.apply(SsvLog {
//!     position: at(10),
//!     block_hash: B256::ZERO,
//!     transaction_hash: B256::ZERO,
//!     event: SsvEvent::ValidatorAdded {
//!         owner,
//!         operator_ids: vec![1, 2, 3, 4],
//!         public_key: Bytes::from(vec![7u8; 48]),
//!         cluster,
//!     },
//! })?;
//! assert_eq!(index.owner_nonce(owner), 1);
//! assert_eq!(index.cluster(owner, &[1, 2, 3, 4]).unwrap().validators.len(), 1);
//! assert_eq!(index.ledger().balance(owner, &[1, 2, 3, 4], 10)?, U256::from(10u64.pow(15)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod checkpoint;
mod decode;
mod error;
mod event;
mod index;
mod source;
mod sync;

pub use checkpoint::read_checkpoint;
pub use decode::{Decoded, cluster_event_topics, decode_log, protocol_event_topics};
pub use error::SyncError;
pub use event::{ClusterTuple, Position, SsvEvent, SsvLog};
pub use index::{
    Checkpoint, CheckpointOperator, ClusterInfo, DEFAULT_OPERATOR_ETH_FEE, EmittedParams, Index,
    IndexConfig, OperatorInfo, ValidatorInfo,
};
pub use source::{ChainSource, RpcCounts, RpcSource, SourceError, is_range_error};
pub use sync::{MAX_RESYNCS, Progress, SyncConfig, SyncReport, SyncState, Syncer, WindowConfig};
