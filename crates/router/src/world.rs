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

use crate::config::Settings;
use crate::error::RouterError;
use crate::intent::IntentRecord;
use crate::node::{Identity, Node};
use crate::operators::{Exclusion, candidates_from_api, confirm_with_chain};
use crate::store::ValidatorRecord;
use ssv_sync::Index;
use stafi_contracts::StafiAddresses;

/// Operator metadata fetched from the SSV API, with when.
#[derive(Debug, Clone)]
pub struct MetadataCache {
    pub operators: Vec<wire::Operator>,
    pub fetched: Instant,
}

/// Why onboarding cannot choose operators right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataProblem {
    /// The API is down and the last metadata is older than `ssv_api.max_metadata_age_secs`.
    Stale { age_secs: u64, error: String },
    /// The API has never answered.
    Unavailable { error: String },
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

/// The snapshot a pass plans on.
#[derive(Debug, Clone)]
pub struct World<'a> {
    pub settings: &'a Settings,
    pub addresses: &'a StafiAddresses,
    pub identity: Identity,
    /// The SSV index, synced to `block`.
    pub index: &'a Index,
    /// The block every read is pinned to.
    pub block: u64,
    pub pool_balance: U256,
    pub pubkey_limit: u64,
    pub deposits_enabled: bool,
    /// StafiNetworkSettings' withdrawal credentials equal ours (0x01 ‖ StafiWithdraw): deposits
    /// are refused otherwise.
    pub withdrawal_credentials_match: bool,
    /// Keys in use, by index, with their StaFi status.
    pub keys: Vec<ValidatorRecord>,
    /// Beacon chain status by pubkey (`0x…`), for the keys it knows.
    pub beacon: BTreeMap<String, String>,
    /// Writes not yet closed: their keys and clusters are not planned again.
    pub in_flight: Vec<IntentRecord>,
    /// Operators that may be chosen (the chain confirms their key), and those excluded.
    pub candidates: Result<Vec<Candidate>, MetadataProblem>,
    pub excluded: Vec<(u64, Exclusion)>,
    pub policy: Policy,
    pub validators_per_operator_limit: u32,
    pub eth_params: LiquidationParams,
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
        let pubkey_limit = u64::try_from(self.stafi.pubkey_limit().await?).unwrap_or(u64::MAX);
        let deposits_enabled = self.stafi.deposits_enabled().await?;
        let ours = keygen::WithdrawalCredentials::execution(addresses.withdraw);
        let withdrawal_credentials_match =
            self.stafi.withdrawal_credentials().await?.as_ref() == ours.as_bytes();
        let keys = self.recover_keys(seed).await?;
        let ids: Vec<String> = keys
            .iter()
            .filter(|k| k.stafi_status == crate::stafi::status::STAKING)
            .map(|k| format!("{:#x}", k.pubkey))
            .collect();
        let beacon = self
            .beacon
            .validators(&ids)
            .await?
            .into_iter()
            .map(|v| (v.validator.pubkey.to_ascii_lowercase(), v.status))
            .collect();
        let views = SSVNetworkViews::new(self.settings.ssv_network_views, provider);
        let validators_per_operator_limit = views
            .getValidatorsPerOperatorLimit()
            .call()
            .await
            .map_err(view("getValidatorsPerOperatorLimit"))?;
        let eth_params = self.eth_liquidation_params().await?;
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
            in_flight: self.store.open_intents()?,
            candidates,
            excluded,
            policy: policy.clone(),
            validators_per_operator_limit,
            eth_params,
            fee_pool: addresses.super_node_fee_pool,
        })
    }
}

impl Node {
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
        self.beacon.get(&format!("{pubkey:#x}")).map(String::as_str)
    }
}
