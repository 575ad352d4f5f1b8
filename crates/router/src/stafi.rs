//! StaFi's contracts as the router reads them: the pool, the super node's limit and keys, and
//! which of our validator keys are in use.

use alloy::eips::BlockId;
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::DynProvider;
use keygen::Seed;
use stafi_contracts::ContractsError;
use std::sync::{Arc, Mutex};

use stafi_contracts::StafiAddresses;
use stafi_contracts::stafi_network_settings::StafiNetworkSettings;
use stafi_contracts::stafi_super_node::StafiSuperNode;
use stafi_contracts::stafi_user_deposit::StafiUserDeposit;
use stafi_contracts::stafi_withdraw::StafiWithdraw;

use crate::error::RouterError;
use crate::store::ValidatorRecord;

/// What `StafiWithdraw` says about ejections at one block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ejections {
    /// `StafiWithdraw.currentWithdrawCycle()` at that block.
    pub current_cycle: u64,
    /// The first cycle read.
    pub read_from: u64,
    /// Non-empty lists: (cycle, validator indices).
    pub lists: Vec<(u64, Vec<u64>)>,
}

/// StafiSuperNode pubkey statuses.
pub mod status {
    /// StaFi has never seen the pubkey.
    pub const UNINITIAL: u64 = 0;
    /// Pre-deposited (1 ETH through `StafiSuperNode.deposit`); waiting for the oracles' vote.
    pub const INITIAL: u64 = 1;
    /// StaFi's oracles voted its withdrawal credentials correct: ready for the 31 ETH stake.
    pub const MATCH: u64 = 2;
    /// Staked (`StafiSuperNode.stake` sent the remaining 31 ETH).
    pub const STAKING: u64 = 3;
    /// StaFi's oracles voted its withdrawal credentials wrong: never staked.
    pub const UNMATCH: u64 = 4;

    /// The status's name.
    pub fn name(status: u64) -> &'static str {
        match status {
            UNINITIAL => "uninitial",
            INITIAL => "deposited",
            MATCH => "match",
            STAKING => "staked",
            UNMATCH => "unmatch",
            _ => "unknown",
        }
    }
}

/// StaFi's contracts, resolved from StafiStorage.
#[derive(Debug, Clone)]
pub struct Stafi {
    /// StaFi's contract addresses, as StafiStorage gave them.
    pub addresses: StafiAddresses,
    provider: DynProvider,
    cache: Arc<Mutex<KeyCache>>,
}

/// What the router need not read or derive again every pass.
#[derive(Debug, Default)]
struct KeyCache {
    /// Pubkeys derived from the seed, by key index from 0 (a pure function of the seed: kept
    /// while the seed's key 0 is the same).
    derived: Vec<Bytes>,
    /// The super node's pubkey list as last read (StafiSuperNode only appends to it).
    listed: Option<(Address, Vec<Bytes>)>,
}

/// Entries at the end of the super node's list read again every pass (a reorg may have
/// replaced them).
const RELISTED_TAIL: u64 = 64;

fn call_err(call: &'static str) -> impl FnOnce(alloy::contract::Error) -> RouterError {
    move |e| RouterError::Contract(ContractsError::from_call(call, None, e))
}

impl Stafi {
    /// Resolves every StaFi address from StafiStorage.
    pub async fn resolve(provider: DynProvider, storage: Address) -> Result<Self, RouterError> {
        let addresses = StafiAddresses::resolve(&provider, storage).await?;
        Ok(Self {
            addresses,
            provider,
            cache: Arc::default(),
        })
    }

    fn super_node(&self) -> StafiSuperNode::StafiSuperNodeInstance<DynProvider> {
        StafiSuperNode::new(self.addresses.super_node, self.provider.clone())
    }

    /// ETH in the user pool (`StafiUserDeposit.getBalance()`, StafiEther's ledger).
    pub async fn pool_balance(&self) -> Result<U256, RouterError> {
        StafiUserDeposit::new(self.addresses.user_deposit, self.provider.clone())
            .getBalance()
            .call()
            .await
            .map_err(call_err("StafiUserDeposit.getBalance"))
    }

    /// StaFi's ejections at block `at`: the current withdraw cycle and the lists of every cycle
    /// from `from(current)` to the one before the current (an empty list where none was
    /// written).
    ///
    /// `StafiWithdraw` (stafiprotocol/eth2-staking `contracts/withdraw/StafiWithdraw.sol`): a
    /// cycle is `(block.timestamp − 28800) / 86400`; the list of cycle C−1 is written once,
    /// during cycle C, so the current cycle's list is always empty; the indices are not checked
    /// by the contract. `ejectedStartCycle` is not needed: every list since the last final one
    /// is read.
    pub async fn ejections(
        &self,
        at: BlockId,
        from: impl FnOnce(u64) -> u64,
    ) -> Result<Ejections, RouterError> {
        let withdraw = StafiWithdraw::new(self.addresses.withdraw, self.provider.clone());
        let current = withdraw
            .currentWithdrawCycle()
            .block(at)
            .call()
            .await
            .map_err(call_err("StafiWithdraw.currentWithdrawCycle"))?;
        let current = u64::try_from(current).unwrap_or(u64::MAX);
        let first = from(current);
        let mut lists = Vec::new();
        for cycle in first..current {
            let list = withdraw
                .getEjectedValidatorsAtCycle(U256::from(cycle))
                .block(at)
                .call()
                .await
                .map_err(call_err("StafiWithdraw.getEjectedValidatorsAtCycle"))?;
            if !list.is_empty() {
                let indices = list
                    .into_iter()
                    .filter_map(|i| u64::try_from(i).ok())
                    .collect();
                lists.push((cycle, indices));
            }
        }
        Ok(Ejections {
            current_cycle: current,
            read_from: first,
            lists,
        })
    }

    /// How many pubkeys a super node may hold.
    pub async fn pubkey_limit(&self, at: BlockId) -> Result<U256, RouterError> {
        StafiNetworkSettings::new(self.addresses.network_settings, self.provider.clone())
            .getSuperNodePubkeyLimit()
            .block(at)
            .call()
            .await
            .map_err(call_err("StafiNetworkSettings.getSuperNodePubkeyLimit"))
    }

    /// The withdrawal credentials every StaFi deposit uses.
    pub async fn withdrawal_credentials(&self, at: BlockId) -> Result<Bytes, RouterError> {
        StafiNetworkSettings::new(self.addresses.network_settings, self.provider.clone())
            .getWithdrawalCredentials()
            .block(at)
            .call()
            .await
            .map_err(call_err("StafiNetworkSettings.getWithdrawalCredentials"))
    }

    /// Whether super-node deposits are enabled.
    pub async fn deposits_enabled(&self, at: BlockId) -> Result<bool, RouterError> {
        self.super_node()
            .getSuperNodeDepositEnabled()
            .block(at)
            .call()
            .await
            .map_err(call_err("StafiSuperNode.getSuperNodeDepositEnabled"))
    }

    /// A pubkey's status on StafiSuperNode.
    pub async fn pubkey_status(&self, pubkey: &[u8]) -> Result<u64, RouterError> {
        let s = self
            .super_node()
            .getSuperNodePubkeyStatus(Bytes::copy_from_slice(pubkey))
            .call()
            .await
            .map_err(call_err("StafiSuperNode.getSuperNodePubkeyStatus"))?;
        Ok(u64::try_from(s).unwrap_or(u64::MAX))
    }

    /// The super node's pubkeys, in deposit order (`getSuperNodePubkeyAt`, read concurrently).
    pub async fn super_node_pubkeys(
        &self,
        node: Address,
        at: BlockId,
    ) -> Result<Vec<Bytes>, RouterError> {
        let sn = self.super_node();
        let count = sn
            .getSuperNodePubkeyCount(node)
            .block(at)
            .call()
            .await
            .map_err(call_err("StafiSuperNode.getSuperNodePubkeyCount"))?;
        let count = u64::try_from(count).map_err(|_| RouterError::Overflow {
            what: "getSuperNodePubkeyCount",
            value: count,
        })?;
        // The list only grows: keep what was read, read again only its tail and what is new.
        let mut kept = match &self.lock().listed {
            Some((n, list)) if *n == node => list.clone(),
            _ => Vec::new(),
        };
        let from = (kept.len() as u64).min(count).saturating_sub(RELISTED_TAIL);
        kept.truncate(usize::try_from(from).unwrap_or(usize::MAX));
        let fresh = concurrently((from..count).collect(), move |i| {
            let sn = sn.clone();
            async move {
                sn.getSuperNodePubkeyAt(node, U256::from(i))
                    .block(at)
                    .call()
                    .await
                    .map_err(call_err("StafiSuperNode.getSuperNodePubkeyAt"))
            }
        })
        .await?;
        kept.extend(fresh);
        self.lock().listed = Some((node, kept.clone()));
        Ok(kept)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, KeyCache> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The pubkeys of key indices `from..to`, derived once per seed.
    fn derived_pubkeys(&self, seed: &Seed, from: u32, to: u32) -> Vec<Bytes> {
        let derive = |i: u32| Bytes::copy_from_slice(seed.signing_key(i).public_key().as_bytes());
        let mut cache = self.lock();
        if cache.derived.is_empty() {
            cache.derived.push(derive(0));
        } else if from == 0 && cache.derived[0] != derive(0) {
            // Another seed: start over.
            cache.derived = vec![derive(0)];
        }
        for i in u32::try_from(cache.derived.len()).unwrap_or(u32::MAX)..to {
            let pk = derive(i);
            cache.derived.push(pk);
        }
        cache.derived[from as usize..to as usize].to_vec()
    }

    /// Statuses of several pubkeys, read concurrently.
    pub async fn pubkey_statuses(
        &self,
        pubkeys: &[Bytes],
        at: BlockId,
    ) -> Result<Vec<u64>, RouterError> {
        let sn = self.super_node();
        concurrently(pubkeys.to_vec(), move |pk| {
            let sn = sn.clone();
            async move {
                let s = sn
                    .getSuperNodePubkeyStatus(pk)
                    .block(at)
                    .call()
                    .await
                    .map_err(call_err("StafiSuperNode.getSuperNodePubkeyStatus"))?;
                Ok(u64::try_from(s).unwrap_or(u64::MAX))
            }
        })
        .await
    }

    /// Which of the mnemonic's keys are in use, from the chain: the super node's own pubkey list
    /// matched to derived indices, extended `gap_window` unused indices past the highest used one
    /// (so an index skipped after a failed deposit is not fatal), with each key's status. Keys
    /// the store already knows are always included. A listed pubkey the mnemonic does not derive
    /// within the window is an error (the account holds keys from another source), as is a
    /// derived key that StaFi knows but our super node does not list.
    pub async fn recover_keys(
        &self,
        seed: &Seed,
        node: Address,
        known: &[ValidatorRecord],
        gap_window: u64,
        at: BlockId,
    ) -> Result<Vec<ValidatorRecord>, RouterError> {
        const CHUNK: u32 = 32;
        let listed = self.super_node_pubkeys(node, at).await?;
        let mut scan = KeyScan::new(listed, known, gap_window);
        let mut start = 0u32;
        loop {
            let end = start
                .checked_add(CHUNK)
                .ok_or_else(|| scan.exhausted(u64::from(start)))?;
            let pubkeys = self.derived_pubkeys(seed, start, end);
            let statuses = self.pubkey_statuses(&pubkeys, at).await?;
            if scan.feed(u64::from(start), pubkeys, &statuses)? {
                return Ok(scan.found);
            }
            start = end;
        }
    }
}

/// The bookkeeping of key recovery, without I/O: derived pubkeys and their StaFi statuses are
/// fed in index order, chunk by chunk, and matched against the super node's list and the
/// store's records.
#[derive(Debug)]
pub struct KeyScan<'a> {
    unmatched: std::collections::HashSet<Bytes>,
    listed_count: u64,
    known: std::collections::BTreeMap<u64, &'a ValidatorRecord>,
    known_max: Option<u64>,
    gap_window: u64,
    unused_run: u64,
    /// The keys in use, in index order.
    pub found: Vec<ValidatorRecord>,
}

impl<'a> KeyScan<'a> {
    /// A scan for the super node's pubkey list `listed` and the store's `known` records,
    /// tolerating `gap_window` unused indices between used ones.
    pub fn new(listed: Vec<Bytes>, known: &'a [ValidatorRecord], gap_window: u64) -> Self {
        let known: std::collections::BTreeMap<u64, &ValidatorRecord> =
            known.iter().map(|r| (r.index, r)).collect();
        Self {
            listed_count: listed.len() as u64,
            unmatched: listed.into_iter().collect(),
            known_max: known.keys().next_back().copied(),
            known,
            gap_window,
            unused_run: 0,
            found: Vec::new(),
        }
    }

    /// Feeds the pubkeys of indices `start..` and their statuses; `Ok(true)` once the scan is
    /// complete (every listed key found, every known index passed, `gap_window` unused after).
    pub fn feed(
        &mut self,
        start: u64,
        pubkeys: Vec<Bytes>,
        statuses: &[u64],
    ) -> Result<bool, RouterError> {
        for ((index, pubkey), &status) in (start..).zip(pubkeys).zip(statuses) {
            let done = self.unmatched.is_empty()
                && self.unused_run >= self.gap_window
                && self.known_max.is_none_or(|m| index > m);
            if done {
                return Ok(true);
            }
            let listed_here = self.unmatched.remove(&pubkey);
            if !listed_here && status != status::UNINITIAL {
                return Err(RouterError::ForeignKey {
                    index,
                    pubkey: format!("{pubkey:#x}"),
                    status,
                });
            }
            let known_here = self.known.get(&index);
            if listed_here || known_here.is_some() {
                let mut record = known_here.map_or_else(
                    || ValidatorRecord::new(index, pubkey.clone(), status),
                    |r| (*r).clone(),
                );
                record.pubkey = pubkey;
                record.stafi_status = status;
                self.found.push(record);
                self.unused_run = 0;
            } else {
                self.unused_run += 1;
                if !self.unmatched.is_empty()
                    && self.unused_run > self.gap_window.max(self.listed_count)
                {
                    return Err(self.exhausted(index + 1));
                }
            }
        }
        Ok(false)
    }

    /// The error for a listed pubkey not derived within `scanned` indices.
    fn exhausted(&self, scanned: u64) -> RouterError {
        let first = self.unmatched.iter().min().cloned().unwrap_or_default();
        RouterError::UnknownSuperNodeKey {
            pubkey: format!("{first:#x}"),
            scanned,
        }
    }
}

/// Runs `f` over `items` with up to 32 requests in flight, keeping the order of `items`.
async fn concurrently<I, T, F, Fut>(items: Vec<I>, f: F) -> Result<Vec<T>, RouterError>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I) -> Fut,
    Fut: std::future::Future<Output = Result<T, RouterError>> + Send + 'static,
{
    let mut out: Vec<Option<T>> = Vec::with_capacity(items.len());
    let mut items = items.into_iter().enumerate().peekable();
    while items.peek().is_some() {
        let mut set = tokio::task::JoinSet::new();
        for (i, item) in items.by_ref().take(32) {
            let fut = f(item);
            set.spawn(async move { (i, fut.await) });
        }
        while let Some(joined) = set.join_next().await {
            let (i, r) = joined.map_err(|e| RouterError::Rpc {
                method: "task".into(),
                message: e.to_string(),
            })?;
            if out.len() <= i {
                out.resize_with(i + 1, || None);
            }
            out[i] = Some(r?);
        }
    }
    Ok(out
        .into_iter()
        .map(|v| v.expect("every index joined"))
        .collect())
}
