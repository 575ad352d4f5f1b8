//! Following the chain: windowed `eth_getLogs` a confirmation depth behind the head, windows that
//! shrink when the node refuses a range and grow back, and reorg detection by block hash.

use alloy::primitives::{Address, B256};
use alloy::rpc::types::Filter;
use serde::{Deserialize, Serialize};

use crate::decode::{Decoded, cluster_event_topics, decode_log, protocol_event_topics};
use crate::error::SyncError;
use crate::event::SsvLog;
use crate::index::Index;
use crate::source::{ChainSource, SourceError};

/// How to follow the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConfig {
    /// The SSVNetwork contract.
    pub network: Address,
    /// First block to index (SSVNetwork's deployment block, or the block after a checkpoint).
    pub start_block: u64,
    /// Blocks kept behind the head (default 2).
    pub confirmations: u64,
    /// `eth_getLogs` window: starts at `initial` blocks (default 10,000), halves on a refused
    /// range down to `min`, doubles back after `grow_after` windows that succeed, up to `max`.
    pub window: WindowConfig,
    /// How many recent block hashes are kept to find where a reorg forked (default 128).
    pub kept_hashes: usize,
}

/// `eth_getLogs` window sizes, in blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowConfig {
    /// The first window's size (default 10,000).
    pub initial: u64,
    /// The smallest window; a refusal at this size is [`SyncError::RangeRefused`] (default 1).
    pub min: u64,
    /// The largest window growing reaches (default 10,000).
    pub max: u64,
    /// Windows in a row that must succeed before the window doubles (default 4).
    pub grow_after: u32,
}

impl Default for WindowConfig {
    fn default() -> Self {
        Self {
            initial: 10_000,
            min: 1,
            max: 10_000,
            grow_after: 4,
        }
    }
}

impl SyncConfig {
    /// Defaults for `network` from `start_block`.
    pub fn new(network: Address, start_block: u64) -> Self {
        Self {
            network,
            start_block,
            confirmations: 2,
            window: WindowConfig::default(),
            kept_hashes: 128,
        }
    }
}

/// What a syncer persists between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// The last block whose logs are all applied.
    pub cursor: Option<u64>,
    /// Hashes of recently synced blocks, ascending by number.
    pub hashes: Vec<(u64, B256)>,
    /// The window size in use.
    pub window: u64,
}

/// What one [`Syncer::sync`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The chain forked after this block: logs of later blocks were dropped.
    pub rolled_back_to: Option<u64>,
    /// Logs applied, in order (persist them to restart without refetching).
    pub new_logs: Vec<SsvLog>,
    /// `eth_getLogs` windows fetched, as (from, to).
    pub windows: Vec<(u64, u64)>,
    /// Times a window was shrunk after the node refused it.
    pub shrinks: u32,
    /// The block synced to (head − confirmations), if anything was synced.
    pub synced_to: Option<u64>,
    /// The chain head seen.
    pub head: u64,
}

/// Times one [`Syncer::sync`] starts over after a reorg between its windows, before it gives
/// up with [`SyncError::Unsettled`].
pub const MAX_RESYNCS: u32 = 3;

/// Progress of a long sync, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The first block this sync fetches.
    pub from: u64,
    /// The last block synced so far.
    pub at: u64,
    /// The block the sync runs to (head minus the confirmation depth).
    pub target: u64,
}

/// Follows SSVNetwork's logs into an [`Index`].
#[derive(Debug, Clone)]
pub struct Syncer {
    config: SyncConfig,
    state: SyncState,
    good_windows: u32,
    /// The smallest window the node refused: growing never reaches it again.
    refused: Option<u64>,
    /// The largest window the node accepted below `refused`.
    accepted: Option<u64>,
}

impl Syncer {
    /// A syncer with no state yet: it starts at [`SyncConfig::start_block`] with the initial
    /// window.
    pub fn new(config: SyncConfig) -> Self {
        let window = config.window.initial;
        Self::restore(
            config,
            SyncState {
                cursor: None,
                hashes: Vec::new(),
                window,
            },
        )
    }

    /// A syncer resuming from persisted state.
    pub fn restore(config: SyncConfig, mut state: SyncState) -> Self {
        state.window = state
            .window
            .clamp(config.window.min.max(1), config.window.max.max(1));
        Self {
            config,
            state,
            good_windows: 0,
            refused: None,
            accepted: None,
        }
    }

    /// The state to persist after a sync.
    pub fn state(&self) -> &SyncState {
        &self.state
    }

    /// What the syncer was built with.
    pub fn config(&self) -> &SyncConfig {
        &self.config
    }

    /// Syncs from the cursor to the head minus the confirmation depth: detects a reorg first
    /// (rolling the index back to the fork), then fetches and applies windows in order. A reorg
    /// between two windows of this sync is found before it returns (each window's end block is
    /// read again), rolled back and synced again, up to [`MAX_RESYNCS`] times.
    pub async fn sync<S: ChainSource>(
        &mut self,
        source: &S,
        index: &mut Index,
        mut progress: impl FnMut(Progress),
    ) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        for _ in 0..=MAX_RESYNCS {
            report.head = source
                .head()
                .await
                .map_err(|e| rpc("eth_blockNumber", &e))?;
            if let Some(fork) = self.find_fork(source).await? {
                self.roll_back(index, fork, &mut report)?;
            }
            let synced = self
                .windows(source, index, &mut report, &mut progress)
                .await?;
            // A later window's end matching says nothing of an earlier one: a reorg between
            // them leaves the earlier window's logs from the dropped branch behind a newest
            // hash that matches.
            match self.fork_among(source, &synced).await? {
                None => return Ok(report),
                Some(fork) => self.roll_back(index, fork, &mut report)?,
            }
        }
        Err(SyncError::Unsettled {
            attempts: MAX_RESYNCS + 1,
        })
    }

    /// Fetches and applies the windows from the cursor to the head minus the confirmation
    /// depth; the windows fetched.
    async fn windows<S: ChainSource>(
        &mut self,
        source: &S,
        index: &mut Index,
        report: &mut SyncReport,
        progress: &mut impl FnMut(Progress),
    ) -> Result<Vec<(u64, u64)>, SyncError> {
        let head = report.head;
        let mut synced = Vec::new();
        let target = head.saturating_sub(self.config.confirmations);
        let first = self.state.cursor.map_or(self.config.start_block, |c| c + 1);
        let mut from = first;
        while from <= target {
            let to = from.saturating_add(self.state.window - 1).min(target);
            // The end block's hash is read before its logs: a reorg in between shows up as a
            // mismatch on the next sync instead of going unnoticed.
            let hash = source
                .block_hash(to)
                .await
                .map_err(|e| rpc("eth_getBlockByNumber", &e))?
                .ok_or(SyncError::MissingBlock { block: to })?;
            match self.fetch(source, &index.config().owners, from, to).await {
                Ok(raw) => {
                    let mut logs = Vec::with_capacity(raw.len());
                    for log in &raw {
                        if let Decoded::Kept(l) = decode_log(log, self.config.network)? {
                            logs.push(*l);
                        }
                    }
                    logs.sort_by_key(|l| l.position);
                    logs.dedup_by_key(|l| l.position);
                    for log in logs {
                        self.remember(log.position.block, log.block_hash);
                        if index.apply(log.clone())? {
                            report.new_logs.push(log);
                        }
                    }
                    self.remember(to, hash);
                    self.state.cursor = Some(to);
                    report.windows.push((from, to));
                    synced.push((from, to));
                    report.synced_to = Some(to);
                    self.grow();
                    progress(Progress {
                        from: first,
                        at: to,
                        target,
                    });
                    from = to + 1;
                }
                Err(SourceError::RangeTooLarge(message)) => {
                    if self.state.window <= self.config.window.min.max(1) {
                        return Err(SyncError::RangeRefused {
                            block: from,
                            message,
                        });
                    }
                    let refused = self.state.window;
                    self.refused = Some(self.refused.map_or(refused, |r| r.min(refused)));
                    // The node's own limit when its message names one ("up to a 2K block
                    // range", "limited to a 10000 range"), else half.
                    let next = range_hint(&message)
                        .or(self.accepted)
                        .filter(|&h| h < refused)
                        .unwrap_or(refused / 2);
                    self.state.window = next.max(self.config.window.min.max(1));
                    self.good_windows = 0;
                    report.shrinks += 1;
                }
                Err(other) => return Err(rpc("eth_getLogs", &other)),
            }
        }
        Ok(synced)
    }

    /// Rolls the index and the kept hashes back to `fork`, and drops from `report` the logs of
    /// this sync above it.
    fn roll_back(
        &mut self,
        index: &mut Index,
        fork: u64,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        index.rollback_to(fork)?;
        self.state.cursor = Some(fork);
        self.state.hashes.retain(|(b, _)| *b <= fork);
        report.new_logs.retain(|l| l.position.block <= fork);
        report.synced_to = report.synced_to.map(|s| s.min(fork));
        report.rolled_back_to = Some(report.rolled_back_to.map_or(fork, |r| r.min(fork)));
        Ok(())
    }

    /// With more than one window fetched: the fork below the first window whose end block the
    /// chain no longer has, if any.
    async fn fork_among<S: ChainSource>(
        &mut self,
        source: &S,
        windows: &[(u64, u64)],
    ) -> Result<Option<u64>, SyncError> {
        if windows.len() < 2 {
            // One window: its end hash was read before its logs, so the next sync's fork check
            // sees any reorg.
            return Ok(None);
        }
        for &(from, to) in windows {
            // An end no longer kept (the oldest are dropped) cannot be checked here.
            let Some(kept) = self
                .state
                .hashes
                .iter()
                .find(|(b, _)| *b == to)
                .map(|(_, h)| *h)
            else {
                continue;
            };
            if Self::hash_of(source, to).await? == Some(kept) {
                continue;
            }
            // Everything from this window on is suspect; below it, the newest kept block the
            // chain still has.
            self.state.hashes.retain(|(b, _)| *b < from);
            return Ok(Some(match self.find_fork(source).await? {
                Some(fork) => fork,
                None => self
                    .state
                    .hashes
                    .last()
                    .map_or(self.config.start_block.saturating_sub(1), |(b, _)| *b),
            }));
        }
        Ok(None)
    }

    /// The raw logs of one window: the owners' cluster events (topic 1 = owner) and the protocol
    /// events every cluster depends on.
    async fn fetch<S: ChainSource>(
        &self,
        source: &S,
        owners: &[Address],
        from: u64,
        to: u64,
    ) -> Result<Vec<alloy::rpc::types::Log>, SourceError> {
        let base = Filter::new()
            .address(self.config.network)
            .from_block(from)
            .to_block(to);
        let cluster = base
            .clone()
            .event_signature(cluster_event_topics())
            .topic1(owners.iter().map(Address::into_word).collect::<Vec<B256>>());
        let protocol = base.event_signature(protocol_event_topics());
        let mut raw = if owners.is_empty() {
            Vec::new()
        } else {
            source.logs(&cluster).await?
        };
        raw.extend(source.logs(&protocol).await?);
        Ok(raw)
    }

    /// The highest kept block whose hash the chain still has, if the newest kept one changed.
    async fn find_fork<S: ChainSource>(&self, source: &S) -> Result<Option<u64>, SyncError> {
        let Some(&(newest, hash)) = self.state.hashes.last() else {
            return Ok(None);
        };
        if Self::hash_of(source, newest).await? == Some(hash) {
            return Ok(None);
        }
        for &(block, kept) in self.state.hashes.iter().rev().skip(1) {
            if Self::hash_of(source, block).await? == Some(kept) {
                return Ok(Some(block));
            }
        }
        let oldest = self.state.hashes.first().map_or(newest, |(b, _)| *b);
        if oldest <= self.config.start_block {
            // Forked below everything kept but not below the first indexed block: start over.
            return Ok(Some(self.config.start_block.saturating_sub(1)));
        }
        Err(SyncError::ReorgTooDeep {
            kept: self.state.hashes.len(),
            oldest,
        })
    }

    async fn hash_of<S: ChainSource>(source: &S, block: u64) -> Result<Option<B256>, SyncError> {
        source
            .block_hash(block)
            .await
            .map_err(|e| rpc("eth_getBlockByNumber", &e))
    }

    fn remember(&mut self, block: u64, hash: B256) {
        match self.state.hashes.last() {
            Some(&(b, _)) if b > block => return,
            Some(&(b, _)) if b == block => {
                self.state.hashes.pop();
            }
            _ => {}
        }
        self.state.hashes.push((block, hash));
        let excess = self
            .state
            .hashes
            .len()
            .saturating_sub(self.config.kept_hashes);
        self.state.hashes.drain(..excess);
    }

    /// After `grow_after` good windows: double, up to `max`, but never to a size the node
    /// refused (halfway there instead, so the window settles just under the node's limit).
    fn grow(&mut self) {
        let window = self.state.window;
        if self.accepted.is_none_or(|a| a < window) {
            self.accepted = Some(window);
        }
        self.good_windows += 1;
        if self.good_windows < self.config.window.grow_after {
            return;
        }
        self.good_windows = 0;
        let mut next = window.saturating_mul(2).min(self.config.window.max);
        if let Some(refused) = self.refused
            && next >= refused
        {
            next = window + (refused - window) / 2;
        }
        if next > window {
            self.state.window = next;
        }
    }
}

/// A block-range limit named in a node's refusal: the number (with an optional `K`) before
/// "block range" or after "limited to a", as Alchemy, QuickNode and others word it.
fn range_hint(message: &str) -> Option<u64> {
    let lower = message.to_ascii_lowercase();
    let number_at = |text: &str| -> Option<u64> {
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        let n: u64 = digits.parse().ok()?;
        let rest = &text[digits.len()..];
        Some(if rest.starts_with('k') { n * 1000 } else { n })
    };
    if let Some(i) = lower.find("limited to a ")
        && let Some(n) = number_at(&lower[i + "limited to a ".len()..])
    {
        return Some(n);
    }
    let i = lower.find(" block range")?;
    let start = lower[..i]
        .rfind(|c: char| !(c.is_ascii_digit() || c == 'k'))
        .map_or(0, |j| j + 1);
    number_at(&lower[start..i]).filter(|&n| n > 0)
}

fn rpc(method: &'static str, e: &SourceError) -> SyncError {
    SyncError::Rpc {
        method,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::range_hint;

    #[test]
    fn range_limits_are_read_from_the_nodes_wording() {
        // Alchemy's and QuickNode's refusals.
        assert_eq!(
            range_hint(
                "You can make eth_getLogs requests with up to a 2K block range and no limit on the \
                 response size, or you can request any block range with a cap of 10K logs"
            ),
            Some(2000)
        );
        assert_eq!(
            range_hint("eth_getLogs is limited to a 10000 range"),
            Some(10_000)
        );
        assert_eq!(range_hint("block range too large"), None);
        assert_eq!(range_hint("query returned more than 10000 results"), None);
    }
}
