//! One read-only snapshot of everything a pass decides on, taken at one block: StaFi's pool and
//! the super node, our keys and their statuses, the SSV index, operators, the beacon chain's view
//! of our validators, liquidation parameters and the writes still in flight.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use alloy::eips::BlockId;
use alloy::primitives::{Address, Bytes, U256};
use cluster_accounting::LiquidationParams;
use operator_selection::{Candidate, Policy};
use ssv_api::{OperatorsQuery, SsvApiClient, SsvNetwork, wire};
use stafi_contracts::ssv_network_views::SSVNetworkViews;
use stafi_contracts::stafi_user_deposit::StafiUserDeposit;

use crate::beacon::{BeaconValidator, FAR_FUTURE_EPOCH, Timing};
use crate::config::Settings;
use crate::error::RouterError;
use crate::intent::IntentRecord;
use crate::node::{Identity, Node};
use crate::operators::{Exclusion, candidates_from_api, confirm_with_chain};
use crate::store::{EjectorState, ExitJob, ValidatorRecord};
use operator_selection::{ExistingCluster, FeeToken, HealthReport, HealthTracker, assess_clusters};
use ssv_sync::Index;
use stafi_contracts::StafiAddresses;

/// Operator metadata fetched from the SSV API, with when.
#[derive(Debug, Clone)]
pub struct MetadataCache {
    /// Every operator the SSV API listed, by id ascending.
    pub operators: Vec<wire::Operator>,
    /// When the list was fetched.
    pub fetched: Instant,
}

/// Why onboarding cannot choose operators right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataProblem {
    /// The API is down and the last metadata is older than `ssv_api.max_metadata_age_secs`.
    Stale {
        /// Age of the last metadata, in seconds.
        age_secs: u64,
        /// The SSV API client's error for the failed fetch.
        error: String,
    },
    /// The API has never answered.
    Unavailable {
        /// The SSV API client's error for the failed fetch.
        error: String,
    },
}

impl std::fmt::Display for MetadataProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Stale { age_secs, error } => write!(
                f,
                "the SSV API is down ({error}) and the last operator metadata is {age_secs} s old, \
                 older than ssv_api.max_metadata_age_secs"
            ),
            Self::Unavailable { error } => {
                write!(
                    f,
                    "the SSV API has not answered yet ({error}): no operator metadata"
                )
            }
        }
    }
}

/// The beacon node's head as the ejector needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BeaconClock {
    /// Whether the beacon node says it is syncing (`is_syncing`).
    pub syncing: bool,
    /// Epoch of the head slot (not the wall clock).
    pub epoch: u64,
    /// The node's `SLOTS_PER_EPOCH` and `SHARD_COMMITTEE_PERIOD`.
    pub timing: Timing,
}

/// The snapshot a pass plans on.
#[derive(Debug, Clone)]
pub struct World<'a> {
    /// The router's settings.
    pub settings: &'a Settings,
    /// StaFi's contract addresses.
    pub addresses: &'a StafiAddresses,
    /// The two accounts' addresses.
    pub identity: Identity,
    /// The SSV index, synced to `block`.
    pub index: &'a Index,
    /// The block every execution-layer read is pinned to (the SSV index's cursor). The beacon
    /// node and the SSV API are read as they are now: neither can answer for an execution block.
    pub block: u64,
    /// ETH in StaFi's user pool (`StafiUserDeposit.getBalance`), in wei.
    pub pool_balance: U256,
    /// How many pubkeys a super node may hold (`StafiNetworkSettings.getSuperNodePubkeyLimit`).
    pub pubkey_limit: u64,
    /// Whether StaFi accepts super-node deposits at `block`.
    pub deposits_enabled: bool,
    /// StafiNetworkSettings' withdrawal credentials equal ours (0x01 ‖ StafiWithdraw): deposits
    /// are refused otherwise.
    pub withdrawal_credentials_match: bool,
    /// Keys in use, by index, with their StaFi status.
    pub keys: Vec<ValidatorRecord>,
    /// The beacon chain's view of our keys, by pubkey (`0x…`), for the keys it knows.
    pub beacon: BTreeMap<String, BeaconValidator>,
    /// The beacon node's head (syncing, epoch) and timing, read when an exit is due.
    pub beacon_clock: Option<Result<BeaconClock, String>>,
    /// StaFi's ejections of our validators, and the exits signed for them.
    pub ejector: EjectorState,
    /// The current withdraw cycle (`StafiWithdraw.currentWithdrawCycle`).
    pub withdraw_cycle: u64,
    /// Health of our clusters' operators (None without operator metadata).
    pub health: Option<HealthReport>,
    /// SSV liquidation parameters, when the owner has legacy SSV clusters.
    pub ssv_params: Option<LiquidationParams>,
    /// Unix seconds when the snapshot was taken.
    pub now: u64,
    /// Our registered validators the SSV API marks invalid (registered before `.0`, the block
    /// of the check).
    pub ssv_invalid: (u64, std::collections::BTreeSet<Bytes>),
    /// Writes not yet closed: their keys and clusters are not planned again.
    pub in_flight: Vec<IntentRecord>,
    /// Operators that may be chosen (the chain confirms their key), and those excluded.
    pub candidates: Result<Vec<Candidate>, MetadataProblem>,
    /// Operators left out before selection: (operator id, why).
    pub excluded: Vec<(u64, Exclusion)>,
    /// The operator-selection policy.
    pub policy: Policy,
    /// Most validators one operator may have (`SSVNetworkViews.getValidatorsPerOperatorLimit`).
    pub validators_per_operator_limit: u32,
    /// ETH-cluster liquidation parameters (threshold period in blocks, minimum collateral in
    /// wei) from SSVNetworkViews.
    pub eth_params: LiquidationParams,
    /// StaFi's super-node fee pool: the fee recipient set on SSV.
    pub fee_pool: Address,
}

fn view(name: &'static str) -> impl FnOnce(alloy::contract::Error) -> RouterError {
    move |e| RouterError::Contract(stafi_contracts::ContractsError::from_call(name, None, e))
}

impl Node {
    /// Operator metadata: a fresh fetch, else the cache while it is young enough (empty without
    /// a configured API).
    pub async fn metadata(
        &self,
        cache: &mut Option<MetadataCache>,
    ) -> Result<Vec<wire::Operator>, MetadataProblem> {
        let max_age = Duration::from_secs(self.settings.config.ssv_api.max_metadata_age_secs);
        let Some(url) = &self.settings.config.ssv_api.url else {
            return Ok(Vec::new());
        };
        let fetched = async {
            let client = SsvApiClient::builder(SsvNetwork::Mainnet)
                .base_url(url.clone())
                .build()?;
            client
                .all_operators(&OperatorsQuery::new().per_page(100).ordering("id:asc"))
                .await
        }
        .await;
        match fetched {
            Ok(operators) => {
                *cache = Some(MetadataCache {
                    operators: operators.clone(),
                    fetched: Instant::now(),
                });
                Ok(operators)
            }
            Err(e) => match cache {
                Some(c) if c.fetched.elapsed() <= max_age => {
                    tracing::warn!(error = %e, age_secs = c.fetched.elapsed().as_secs(), "SSV API down; using the last operator metadata");
                    Ok(c.operators.clone())
                }
                Some(c) => Err(MetadataProblem::Stale {
                    age_secs: c.fetched.elapsed().as_secs(),
                    error: e.to_string(),
                }),
                None => Err(MetadataProblem::Unavailable {
                    error: e.to_string(),
                }),
            },
        }
    }

    /// Takes the snapshot at the synced block.
    pub async fn world(
        &self,
        seed: &keygen::Seed,
        policy: &Policy,
        cache: &mut Option<MetadataCache>,
    ) -> Result<World<'_>, RouterError> {
        let block = self.syncer.state().cursor.unwrap_or(0);
        let at = BlockId::number(block);
        let provider = self.chain.provider();
        let addresses = &self.stafi.addresses;
        let pool_balance = StafiUserDeposit::new(addresses.user_deposit, provider.clone())
            .getBalance()
            .block(at)
            .call()
            .await
            .map_err(view("StafiUserDeposit.getBalance"))?;
        let pubkey_limit = u64::try_from(self.stafi.pubkey_limit(at).await?).unwrap_or(u64::MAX);
        let deposits_enabled = self.stafi.deposits_enabled(at).await?;
        let ours = keygen::WithdrawalCredentials::execution(addresses.withdraw);
        let withdrawal_credentials_match =
            self.stafi.withdrawal_credentials(at).await?.as_ref() == ours.as_bytes();
        let keys = self.recover_keys(seed, at).await?;
        // Every key in use: staked ones for the steps, the others for what `status` and the
        // metrics show (a deposited key is `pending_initialized`).
        let ids: Vec<String> = keys.iter().map(|k| format!("{:#x}", k.pubkey)).collect();
        let beacon: BTreeMap<String, BeaconValidator> = self
            .beacon
            .validators(&ids)
            .await?
            .into_iter()
            .map(|v| (v.validator.pubkey.to_ascii_lowercase(), v))
            .collect();
        let (ejector, withdraw_cycle) = self.ejector_state(at, &keys, &beacon).await?;
        let beacon_clock = if ejector.jobs.values().any(|j| !j.is_done()) {
            Some(self.beacon_clock().await.map_err(|e| e.to_string()))
        } else {
            None
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let views = SSVNetworkViews::new(self.settings.ssv_network_views, provider);
        let validators_per_operator_limit = views
            .getValidatorsPerOperatorLimit()
            .block(at)
            .call()
            .await
            .map_err(view("getValidatorsPerOperatorLimit"))?;
        let eth_params = self.eth_liquidation_params(at).await?;
        let (candidates, excluded) = match self.metadata(cache).await {
            Ok(api) if self.settings.config.ssv_api.url.is_none() && api.is_empty() => {
                (Ok(self.chain_candidates()), Vec::new())
            }
            Ok(api) => {
                let (candidates, skipped) = candidates_from_api(&api);
                if !skipped.is_empty() {
                    tracing::debug!(?skipped, "operators without an ETH fee are left out");
                }
                let (kept, excluded) = confirm_with_chain(candidates, &self.index);
                (Ok(kept), excluded)
            }
            Err(problem) => (Err(problem), Vec::new()),
        };
        let health = match &candidates {
            Ok(kept) => Some(self.health(kept, &excluded, policy, now)?),
            Err(_) => None,
        };
        let owner = self.identity.ssv_owner;
        let has_legacy = self.index.clusters_of(owner).any(|c| {
            self.index
                .ledger()
                .cluster(owner, &c.operator_ids)
                .is_some_and(|r| r.state.version == cluster_accounting::ClusterVersion::Ssv)
        });
        let ssv_invalid = self.validity(block).await;
        let ssv_params = if has_legacy {
            Some(self.ssv_liquidation_params(at).await?)
        } else {
            None
        };
        Ok(World {
            settings: &self.settings,
            addresses: &self.stafi.addresses,
            identity: self.identity,
            index: &self.index,
            block,
            pool_balance,
            pubkey_limit,
            deposits_enabled,
            withdrawal_credentials_match,
            keys,
            beacon,
            beacon_clock,
            ejector,
            withdraw_cycle,
            health,
            ssv_params,
            now,
            ssv_invalid,
            in_flight: {
                let mut writes = self.store.open_intents()?;
                writes.extend(self.store.unsettled_intents(block)?);
                writes
            },
            candidates,
            excluded,
            policy: policy.clone(),
            validators_per_operator_limit,
            eth_params,
            fee_pool: addresses.super_node_fee_pool,
        })
    }
}

/// SSV's `ExistingCluster` view of our clusters (for selection and health).
pub(crate) fn existing_clusters(index: &Index, owner: Address) -> Vec<ExistingCluster> {
    index
        .clusters_of(owner)
        .map(|c| ExistingCluster {
            operator_ids: c.operator_ids.clone(),
            validator_count: c.tuple.validator_count,
            validators: c.validators.iter().map(|v| format!("{v:#x}")).collect(),
            fee_token: if index
                .ledger()
                .cluster(owner, &c.operator_ids)
                .is_some_and(|r| r.state.version == cluster_accounting::ClusterVersion::Ssv)
            {
                FeeToken::LegacySsv
            } else {
                FeeToken::Eth
            },
        })
        .collect()
}

impl Node {
    /// The ejector's state at `at`: the stored jobs, plus our validators named by the lists of
    /// the cycles not yet handled, with the exits the beacon chain has initiated marked done.
    /// Persisted (it only caches what the chain says).
    async fn ejector_state(
        &self,
        at: BlockId,
        keys: &[ValidatorRecord],
        beacon: &BTreeMap<String, BeaconValidator>,
    ) -> Result<(EjectorState, u64), RouterError> {
        let mut state = self.store.ejector()?;
        let before = state.clone();
        let lookback = self.settings.config.exits.lookback_cycles;
        let handled = state.handled_through;
        let ejections = self
            .stafi
            .ejections(at, |current| match handled {
                Some(h) => h + 1,
                None => current.saturating_sub(lookback),
            })
            .await?;
        // Our validators by beacon index.
        let by_pubkey: BTreeMap<String, &ValidatorRecord> = keys
            .iter()
            .map(|k| (format!("{:#x}", k.pubkey), k))
            .collect();
        let ours: BTreeMap<u64, (&ValidatorRecord, &BeaconValidator)> = beacon
            .iter()
            .filter_map(|(pk, v)| by_pubkey.get(pk).map(|k| (v.index, (*k, v))))
            .collect();
        let block = match at {
            BlockId::Number(n) => n.as_number().unwrap_or(0),
            BlockId::Hash(_) => 0,
        };
        for (cycle, indices) in &ejections.lists {
            for index in indices {
                let Some((key, _)) = ours.get(index) else {
                    continue;
                };
                let job = state.jobs.entry(*index).or_insert_with(|| {
                    tracing::info!(
                        validator = index,
                        key = key.index,
                        cycle,
                        "StaFi ejected one of our validators"
                    );
                    ExitJob {
                        validator_index: *index,
                        key_index: key.index,
                        pubkey: key.pubkey.clone(),
                        cycles: Vec::new(),
                        seen_at: block,
                        posted: None,
                        refusals: 0,
                        last_error: None,
                        exit_epoch: None,
                    }
                });
                if !job.cycles.contains(cycle) {
                    job.cycles.push(*cycle);
                }
            }
        }
        for job in state.jobs.values_mut().filter(|j| !j.is_done()) {
            if let Some((_, v)) = ours.get(&job.validator_index)
                && v.validator.exit_epoch != FAR_FUTURE_EPOCH
            {
                tracing::info!(
                    validator = job.validator_index,
                    exit_epoch = v.validator.exit_epoch,
                    "exit initiated on the beacon chain"
                );
                job.exit_epoch = Some(v.validator.exit_epoch);
            }
        }
        // The list of cycle C−1 is written during cycle C: lists up to C−2 are final.
        state.handled_through = Some(ejections.current_cycle.saturating_sub(2)).max(handled);
        if state != before {
            self.store.set_ejector(&state)?;
        }
        Ok((state, ejections.current_cycle))
    }

    /// Our registrations the SSV API marks invalid, checked every `ssv_api.validity_check_secs`
    /// (one request per registered validator). A validator the API cannot answer for is not
    /// judged.
    async fn validity(&self, block: u64) -> (u64, std::collections::BTreeSet<Bytes>) {
        let every = self.settings.config.ssv_api.validity_check_secs;
        let cached = self
            .validity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .unwrap_or_default();
        let (Some(url), true) = (&self.settings.config.ssv_api.url, every > 0) else {
            return (cached.block, cached.invalid);
        };
        if cached
            .checked
            .is_some_and(|t| t.elapsed() < Duration::from_secs(every))
        {
            return (cached.block, cached.invalid);
        }
        let Ok(client) = SsvApiClient::builder(SsvNetwork::Mainnet)
            .base_url(url.clone())
            .build()
        else {
            return (cached.block, cached.invalid);
        };
        let owner = self.identity.ssv_owner;
        let mut invalid = std::collections::BTreeSet::new();
        for v in self
            .index
            .validators_of(owner)
            .filter(|v| v.removed.is_none())
        {
            match client.validator(&format!("{:#x}", v.public_key)).await {
                Ok(api) if api.is_valid == Some(false) || api.is_shares_valid == Some(false) => {
                    tracing::warn!(pubkey = %v.public_key, "the SSV API marks our registration invalid");
                    invalid.insert(v.public_key.clone());
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::debug!(pubkey = %v.public_key, error = %e, "no validity flags from the SSV API");
                }
            }
        }
        let fresh = crate::node::Validity {
            checked: Some(Instant::now()),
            block,
            invalid,
        };
        *self
            .validity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(fresh.clone());
        (fresh.block, fresh.invalid)
    }

    /// The beacon node's head epoch, whether it is syncing, and its timing constants.
    pub async fn beacon_clock(&self) -> Result<BeaconClock, RouterError> {
        let timing = if let Some(t) = self.beacon_timing.get() {
            *t
        } else {
            let t = self.beacon.timing().await?;
            let _ = self.beacon_timing.set(t);
            t
        };
        let sync = self.beacon.syncing().await?;
        Ok(BeaconClock {
            syncing: sync.is_syncing,
            epoch: sync.head_slot / timing.slots_per_epoch,
            timing,
        })
    }

    /// Observes our clusters' operators (the tracker is persisted) and judges them.
    fn health(
        &self,
        kept: &[Candidate],
        excluded: &[(u64, Exclusion)],
        policy: &Policy,
        now: u64,
    ) -> Result<HealthReport, RouterError> {
        let clusters = existing_clusters(&self.index, self.identity.ssv_owner);
        // Operators removed on chain count as removed at once, whatever the API says.
        let mut judged: Vec<Candidate> = kept.to_vec();
        for (id, why) in excluded {
            if *why == Exclusion::RemovedOnChain {
                judged.push(Candidate {
                    removed: true,
                    ..Candidate::new(*id, "", 0)
                });
            }
        }
        for o in self.index.operators().filter(|o| o.removed.is_some()) {
            if !judged.iter().any(|c| c.id == o.id) {
                judged.push(Candidate {
                    removed: true,
                    ..Candidate::new(o.id, "", 0)
                });
            }
        }
        let mut tracker: HealthTracker = self.store.health()?;
        let before = tracker.clone();
        tracker.observe(&clusters, &judged, policy, now);
        if tracker != before {
            self.store.set_health(&tracker)?;
        }
        Ok(assess_clusters(&clusters, &judged, &tracker, policy, now))
    }

    /// Candidates from the chain alone (no SSV API): registered key, fee, owner, privacy; no
    /// performance or diversity data, so a policy with diversity caps finds no committee.
    fn chain_candidates(&self) -> Vec<Candidate> {
        self.index
            .operators()
            .filter(|o| o.removed.is_none())
            .filter_map(|o| {
                let key = o
                    .public_key
                    .as_ref()
                    .and_then(|k| crate::operators::registered_key(k))?;
                Some(Candidate {
                    is_private: o.private,
                    owner_address: o.owner,
                    ..Candidate::new(o.id, key, u128::try_from(o.fee).unwrap_or(u128::MAX))
                })
            })
            .collect()
    }
}

impl World<'_> {
    /// Key indices a write still in flight concerns.
    pub fn in_flight_keys(&self) -> Vec<u64> {
        self.in_flight
            .iter()
            .flat_map(|r| r.intent.key_indices.iter().copied())
            .collect()
    }

    /// Whether a write is in flight for this cluster.
    pub fn cluster_in_flight(&self, ids: &[u64]) -> bool {
        self.in_flight
            .iter()
            .any(|r| r.intent.cluster.as_deref() == Some(ids))
    }

    /// The `n` lowest key indices not in use and not in flight (gaps first).
    pub fn free_indices(&self, n: usize) -> Vec<u64> {
        let used: std::collections::BTreeSet<u64> = self
            .keys
            .iter()
            .map(|k| k.index)
            .chain(self.in_flight_keys())
            .collect();
        (0u64..).filter(|i| !used.contains(i)).take(n).collect()
    }

    /// A pubkey's beacon status.
    pub fn beacon_status(&self, pubkey: &Bytes) -> Option<&str> {
        self.beacon_validator(pubkey).map(|v| v.status.as_str())
    }

    /// A pubkey's beacon validator.
    pub fn beacon_validator(&self, pubkey: &Bytes) -> Option<&BeaconValidator> {
        self.beacon.get(&format!("{pubkey:#x}"))
    }

    /// Operators whose problems count now (removed, fee above the cap, or failing past the grace
    /// period).
    pub fn unhealthy_operators(&self) -> std::collections::BTreeSet<u64> {
        self.health
            .iter()
            .flat_map(|h| &h.clusters)
            .flat_map(|c| &c.operators)
            .filter(|o| o.unhealthy)
            .map(|o| o.id)
            .collect()
    }
}
