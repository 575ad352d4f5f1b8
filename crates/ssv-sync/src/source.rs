//! Where logs and block hashes come from: a trait the syncer reads through, and its alloy
//! implementation over a JSON-RPC provider, which counts its requests.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use alloy::eips::BlockNumberOrTag;
use alloy::primitives::B256;
use alloy::providers::Provider;
use alloy::rpc::types::{Filter, Log};
use alloy::transports::{RpcError, TransportErrorKind};

/// Why a request failed, as far as the syncer cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// The node refused the block range or the number of results (providers cap `eth_getLogs`
    /// at 10,000 or 2,000 blocks, or 10,000 logs): try a smaller window.
    RangeTooLarge(String),
    /// Anything else (transport, timeout, server error).
    Other(String),
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RangeTooLarge(m) | Self::Other(m) => f.write_str(m),
        }
    }
}

/// A chain to index: head, block hashes and logs.
pub trait ChainSource {
    /// The latest block number.
    fn head(&self) -> impl Future<Output = Result<u64, SourceError>> + Send;
    /// The hash of block `number`, `None` if the node does not have it.
    fn block_hash(
        &self,
        number: u64,
    ) -> impl Future<Output = Result<Option<B256>, SourceError>> + Send;
    /// `eth_getLogs`.
    fn logs(&self, filter: &Filter) -> impl Future<Output = Result<Vec<Log>, SourceError>> + Send;
}

/// Requests made through an [`RpcSource`], by method.
#[derive(Debug, Default)]
pub struct RpcCounts {
    /// `eth_blockNumber` requests ([`ChainSource::head`]).
    pub block_number: AtomicU64,
    /// `eth_getBlockByNumber` requests ([`ChainSource::block_hash`]).
    pub get_block: AtomicU64,
    /// `eth_getLogs` requests ([`ChainSource::logs`]).
    pub get_logs: AtomicU64,
}

impl RpcCounts {
    /// All requests so far.
    pub fn total(&self) -> u64 {
        self.block_number.load(Ordering::Relaxed)
            + self.get_block.load(Ordering::Relaxed)
            + self.get_logs.load(Ordering::Relaxed)
    }
}

/// [`ChainSource`] over an alloy provider.
#[derive(Debug)]
pub struct RpcSource<P> {
    provider: P,
    counts: RpcCounts,
}

impl<P: Provider> RpcSource<P> {
    /// Reads through `provider`, with all counts at zero.
    pub fn new(provider: P) -> Self {
        Self {
            provider,
            counts: RpcCounts::default(),
        }
    }

    /// How many requests have been made.
    pub fn counts(&self) -> &RpcCounts {
        &self.counts
    }

    /// The provider requests go through (uncounted when used directly).
    pub fn provider(&self) -> &P {
        &self.provider
    }
}

/// Whether a JSON-RPC error means "ask for fewer blocks or logs". Providers word it differently:
/// Infura "query returned more than 10000 results", Alchemy "Log response size exceeded",
/// geth/erigon "block range is too wide", others "exceed maximum block range", code -32005.
pub fn is_range_error(code: i64, message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    code == -32005
        || [
            "range",
            "too many",
            "more than",
            "limit",
            "exceed",
            "response size",
            "too large",
        ]
        .iter()
        .any(|needle| m.contains(needle))
}

fn classify(e: &RpcError<TransportErrorKind>) -> SourceError {
    match e.as_error_resp() {
        Some(resp) if is_range_error(resp.code, &resp.message) => {
            SourceError::RangeTooLarge(resp.message.to_string())
        }
        _ => SourceError::Other(e.to_string()),
    }
}

impl<P: Provider> ChainSource for RpcSource<P> {
    async fn head(&self) -> Result<u64, SourceError> {
        self.counts.block_number.fetch_add(1, Ordering::Relaxed);
        self.provider
            .get_block_number()
            .await
            .map_err(|e| classify(&e))
    }

    async fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError> {
        self.counts.get_block.fetch_add(1, Ordering::Relaxed);
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(number))
            .await
            .map_err(|e| classify(&e))?;
        Ok(block.map(|b| b.header.hash))
    }

    async fn logs(&self, filter: &Filter) -> Result<Vec<Log>, SourceError> {
        self.counts.get_logs.fetch_add(1, Ordering::Relaxed);
        self.provider
            .get_logs(filter)
            .await
            .map_err(|e| classify(&e))
    }
}
