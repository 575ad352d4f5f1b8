//! A local fake of SSV Network's public API v4 (`/api/v4/{network}/…`), for tests and the demo
//! only. It replaces `tools/fakes/ssv_api.py` for the Rust tests and speaks the shapes the
//! `ssv-api` client decodes.
//!
//! Operators are given at construction ([`FakeOperator`]; [`devnet_operators`] makes them from a
//! running [`Devnet`]). Everything else is read lazily, on each request, from the SSVNetwork
//! double's logs on the anvil chain (cached, synced up to the latest block), as the real API
//! indexes the real contract:
//! - accounts: owners of `ValidatorAdded`, `FeeRecipientAddressUpdated` and `OperatorAdded`, in
//!   order of first appearance; `nonce` = the owner's `ValidatorAdded` count; `recipientAddress`
//!   = the last `FeeRecipientAddressUpdated` (the owner until then);
//! - clusters: the last snapshot of each (owner, operator ids) from any cluster event;
//! - validators: `ValidatorAdded` / `ValidatorRemoved`;
//! - on top of the given operators: ETH fees from `OperatorFeeExecuted`, removal from
//!   `OperatorRemoved`, privacy and whitelists from their events, and `validators_count` = the
//!   given count plus the operator's validators registered on the chain.
//!
//! Test switches on the handle: [`FakeSsvApi::set_down`], [`FakeSsvApi::set_nonce_lag`],
//! [`FakeSsvApi::set_operator_public_key`].

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError};

use alloy::primitives::{Address, U256, keccak256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use alloy::transports::http::reqwest::Url;
use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use stafi_contracts::Cluster;
use stafi_contracts::ssv_network::SSVNetwork as N;
use tokio::sync::Mutex;

use crate::http::{self, Controls, Handler, Request, Response, Server};
use crate::{Devnet, DevnetError};

/// The legacy SSV fee the devnet seeds every operator with (`testSetOperatorFeeSSV`), SSV-wei per
/// block.
const DEVNET_SSV_FEE: u128 = 1_000_000_000;
/// `perPage` when the query has none.
const DEFAULT_PER_PAGE: u64 = 10;

/// One operator as the SSV API serves it (`GET /operators/{id}`, items of `GET /operators`).
#[derive(Debug, Clone, PartialEq)]
pub struct FakeOperator {
    /// Operator id.
    pub id: u64,
    /// Base64 of the PEM RSA public key, as registered on chain.
    pub public_key: String,
    /// ETH fee, wei per block per 32 ETH (served as `eth_fee`).
    pub eth_fee: u128,
    /// Legacy SSV fee, SSV-wei per block (served as `fee`).
    pub fee: u128,
    /// Owner address.
    pub owner_address: Address,
    /// Private operators accept only whitelisted owners.
    pub is_private: bool,
    /// Whitelisted owners (the chain's whitelist events add to these).
    pub whitelist_addresses: Vec<Address>,
    /// `Active`, `Inactive`, `No validators` or `Removed` (served as `Removed` once removed).
    pub status: String,
    /// Validators the operator runs besides those registered on the devnet chain.
    pub validators_count: u64,
    /// Performance over the last 24 hours, percent.
    pub performance_24h: f64,
    /// Performance over the last 30 days, percent.
    pub performance_30d: f64,
    /// Display name.
    pub name: String,
    /// Hosting or setup provider.
    pub setup_provider: String,
    /// Country or region.
    pub location: String,
    /// Execution-layer client.
    pub eth1_node_client: String,
    /// Consensus-layer client.
    pub eth2_node_client: String,
    /// MEV relays (served comma separated, as the API does).
    pub mev_relays: Vec<String>,
    /// `operator`, `verified_operator` or `dapp_node` (served as `type`).
    pub operator_type: String,
    /// Served as `is_active` 1 or 0 (0 once removed).
    pub is_active: bool,
    /// Deleted (removed) operator.
    pub is_deleted: bool,
    /// DKG endpoint (`https://…`) or empty.
    pub dkg_address: String,
}

impl FakeOperator {
    /// An active, public, unverified operator with 99.9 % performance and no metadata; set the
    /// other fields with struct update syntax.
    pub fn new(id: u64, public_key: impl Into<String>, eth_fee: u128, owner: Address) -> Self {
        Self {
            id,
            public_key: public_key.into(),
            eth_fee,
            fee: DEVNET_SSV_FEE,
            owner_address: owner,
            is_private: false,
            whitelist_addresses: Vec::new(),
            status: "Active".to_owned(),
            validators_count: 0,
            performance_24h: 99.9,
            performance_30d: 99.9,
            name: format!("Operator {id}"),
            setup_provider: String::new(),
            location: String::new(),
            eth1_node_client: String::new(),
            eth2_node_client: String::new(),
            mev_relays: Vec::new(),
            operator_type: "operator".to_owned(),
            is_active: true,
            is_deleted: false,
            dkg_address: String::new(),
        }
    }
}

const NAMES: &[&str] = &[
    "Aurora Staking",
    "Basalt Nodes",
    "Cobalt Validators",
    "Delta Infra",
    "Ember Stake",
    "Fjord Nodes",
    "Granite Labs",
    "Harbor Staking",
    "Iris Validators",
    "Juniper Nodes",
    "Kestrel Infra",
    "Lumen Stake",
];
const PROVIDERS: &[&str] = &["AWS", "Hetzner", "OVH", "Google Cloud", "Self-hosted"];
const LOCATIONS: &[&str] = &[
    "Germany",
    "United States of America",
    "Finland",
    "Singapore",
    "France",
    "Canada",
    "Japan",
];
const EL_CLIENTS: &[&str] = &["Geth", "Nethermind", "Besu", "Erigon", "Reth"];
const CL_CLIENTS: &[&str] = &["Lighthouse", "Prysm", "Teku", "Nimbus", "Lodestar"];
const RELAYS: &[&str] = &[
    "Flashbots",
    "Ultra Sound",
    "bloXroute Max Profit",
    "Aestus",
    "Agnostic Gnosis",
];

fn pick(list: &[&'static str], i: usize) -> String {
    list[i % list.len()].to_owned()
}

/// The devnet's seeded operators as the API would serve them: the registered key, fees, owner,
/// private and removed flags, with realistic metadata spread so that every provider, EL and CL
/// client appears at most twice among the default ten operators and every location at most
/// twice (so any committee of 4 meets `operator_selection::Policy::default()`'s diversity caps),
/// 95–100 % performance, a few hundred validators elsewhere, every third operator verified, DKG
/// endpoints on even ids. Owners are the devnet's, one per operator.
pub fn devnet_operators(devnet: &Devnet) -> Vec<FakeOperator> {
    devnet
        .operators
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let name = if i < NAMES.len() {
                NAMES[i].to_owned()
            } else {
                format!("{} {}", pick(NAMES, i), o.id)
            };
            let step = f64::from(u32::try_from(i % 5).unwrap_or(0));
            FakeOperator {
                is_private: o.private,
                status: if o.removed { "Removed" } else { "Active" }.to_owned(),
                validators_count: 40 + (o.id * 37) % 300,
                performance_24h: 100.0 - step * 0.8,
                performance_30d: 99.8 - step * 0.9,
                name,
                setup_provider: pick(PROVIDERS, i),
                location: pick(LOCATIONS, i * 3 + 1),
                eth1_node_client: pick(EL_CLIENTS, i * 2 + 1),
                eth2_node_client: pick(CL_CLIENTS, i + 3),
                mev_relays: (0..=i % 3).map(|k| pick(RELAYS, i + k)).collect(),
                operator_type: if o.id % 3 == 0 {
                    "verified_operator"
                } else {
                    "operator"
                }
                .to_owned(),
                is_active: !o.removed,
                is_deleted: o.removed,
                dkg_address: if o.id % 2 == 0 {
                    format!("https://dkg.operator-{}.devnet.example:3030", o.id)
                } else {
                    String::new()
                },
                ..FakeOperator::new(
                    o.id,
                    o.public_key_base64.clone(),
                    o.fee.saturating_to::<u128>(),
                    o.owner,
                )
            }
        })
        .collect()
}

/// Options of a [`FakeSsvApi`]. Defaults: network `hoodi`, no operators.
#[derive(Debug, Clone)]
pub struct FakeSsvApiBuilder {
    rpc_url: Url,
    ssv_network: Address,
    network: String,
    operators: Vec<FakeOperator>,
}

impl FakeSsvApiBuilder {
    /// The network path segment served (`/api/v4/{network}/…`); other networks answer 404.
    #[must_use]
    pub fn network(mut self, network: impl Into<String>) -> Self {
        self.network = network.into();
        self
    }

    /// The operators served, in any order (listed by id).
    #[must_use]
    pub fn operators(mut self, operators: Vec<FakeOperator>) -> Self {
        self.operators = operators;
        self
    }

    /// Binds 127.0.0.1 on an OS-chosen port and serves from a tokio task until the handle is
    /// dropped.
    pub async fn spawn(self) -> Result<FakeSsvApi, DevnetError> {
        let provider = ProviderBuilder::new().connect_http(self.rpc_url).erased();
        let mut operators = self.operators;
        operators.sort_by_key(|o| o.id);
        operators.dedup_by_key(|o| o.id);
        let state = Arc::new(SsvState {
            network: self.network,
            ssv_network: self.ssv_network,
            provider,
            operators,
            key_overrides: std::sync::Mutex::new(HashMap::new()),
            inactive: std::sync::Mutex::new(std::collections::BTreeSet::new()),
            invalid: std::sync::Mutex::new(std::collections::BTreeSet::new()),
            nonce_lag: AtomicU64::new(0),
            ledger: Mutex::new(Ledger::default()),
        });
        let controls = Arc::new(Controls::default());
        let handler_state = state.clone();
        let handler: Handler = Arc::new(move |request| {
            let state = handler_state.clone();
            Box::pin(async move { state.handle(request).await })
        });
        let server = http::serve("SSV API", controls.clone(), unavailable, handler).await?;
        Ok(FakeSsvApi {
            url: format!("{}/api/v4", server.base_url()),
            server,
            controls,
            state,
        })
    }
}

/// A running fake SSV API on 127.0.0.1; it stops when dropped.
///
/// ```no_run
/// # async fn demo(devnet: &devnet::Devnet) -> Result<(), devnet::DevnetError> {
/// let api = devnet::FakeSsvApi::devnet_builder(devnet).spawn().await?;
/// // `ssv_api::SsvApiClientBuilder::base_url` takes the URL with the network segment:
/// let base = api.network_url(); // http://127.0.0.1:{port}/api/v4/hoodi
/// # let _ = base;
/// api.set_nonce_lag(1); // the API now lags the chain by one registration
/// # Ok(())
/// # }
/// ```
pub struct FakeSsvApi {
    url: String,
    server: Server,
    controls: Arc<Controls>,
    state: Arc<SsvState>,
}

impl fmt::Debug for FakeSsvApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeSsvApi")
            .field("url", &self.url)
            .field("server", &self.server)
            .field("network", &self.state.network)
            .field("operators", &self.state.operators.len())
            .finish_non_exhaustive()
    }
}

impl FakeSsvApi {
    /// A builder reading the logs of the SSVNetwork contract at `ssv_network` through the
    /// JSON-RPC at `rpc_url`.
    pub fn builder(rpc_url: Url, ssv_network: Address) -> FakeSsvApiBuilder {
        FakeSsvApiBuilder {
            rpc_url,
            ssv_network,
            network: "hoodi".to_owned(),
            operators: Vec::new(),
        }
    }

    /// A builder on `devnet`'s anvil and SSVNetwork double, serving [`devnet_operators`].
    pub fn devnet_builder(devnet: &Devnet) -> FakeSsvApiBuilder {
        Self::builder(devnet.endpoint_url(), devnet.addresses.ssv_network)
            .operators(devnet_operators(devnet))
    }

    /// The base URL without the network segment, `http://127.0.0.1:{port}/api/v4` (what
    /// `tools/fakes/ssv_api.py` prints).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The base URL with the network segment, `http://127.0.0.1:{port}/api/v4/{network}`: what
    /// `ssv_api::SsvApiClientBuilder::base_url` takes.
    pub fn network_url(&self) -> String {
        format!("{}/{}", self.url, self.state.network)
    }

    /// The network path segment served.
    pub fn network(&self) -> &str {
        &self.state.network
    }

    /// While down, every request is answered 503.
    pub fn set_down(&self, down: bool) {
        self.controls.set_down(down);
    }

    /// Serve `public_key` for operator `id` instead of the one it has on chain.
    pub fn set_operator_public_key(
        &self,
        id: u64,
        public_key: impl Into<String>,
    ) -> Result<(), DevnetError> {
        if !self.state.operators.iter().any(|o| o.id == id) {
            return Err(DevnetError::UnknownOperator { id });
        }
        self.state
            .key_overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, public_key.into());
        Ok(())
    }

    /// Serve operator `id` as `Inactive` (`is_active` 0), as the API does for an operator that
    /// stopped attesting, or as it was again.
    pub fn set_operator_inactive(&self, id: u64, inactive: bool) -> Result<(), DevnetError> {
        if !self.state.operators.iter().any(|o| o.id == id) {
            return Err(DevnetError::UnknownOperator { id });
        }
        let mut set = self
            .state
            .inactive
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if inactive {
            set.insert(id);
        } else {
            set.remove(&id);
        }
        Ok(())
    }

    /// Serve validator `public_key` with `is_valid` and `is_shares_valid` false, as the API does
    /// for a registration whose shares do not decrypt for its operators.
    pub fn set_validator_invalid(&self, public_key: &[u8], invalid: bool) {
        let mut set = self
            .state
            .invalid
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if invalid {
            set.insert(public_key.to_vec());
        } else {
            set.remove(public_key);
        }
    }

    /// Serve every account's nonce `lag` registrations behind the chain (never below 0), as the
    /// real API does while its indexer catches up.
    pub fn set_nonce_lag(&self, lag: u64) {
        self.state.nonce_lag.store(lag, Ordering::SeqCst);
    }

    /// Requests received for `path` (as sent, without the query, e.g.
    /// `/api/v4/hoodi/operators`), whatever the answer.
    pub fn requests(&self, path: &str) -> u64 {
        self.controls.requests(path)
    }

    /// Requests received in all.
    pub fn total_requests(&self) -> u64 {
        self.controls.total_requests()
    }

    /// Requests received per path.
    pub fn request_counts(&self) -> HashMap<String, u64> {
        self.controls.request_counts()
    }
}

// ------------------------------------------------------------------ chain ledger

/// What the SSVNetwork logs of blocks below `next_block` say.
#[derive(Default)]
struct Ledger {
    next_block: u64,
    /// In order of first appearance; the position + 1 is the account id.
    accounts: Vec<AccountRecord>,
    account_index: HashMap<Address, usize>,
    /// In order of first registration; the position + 1 is the validator id.
    validators: Vec<ValidatorRecord>,
    validator_index: HashMap<Vec<u8>, usize>,
    /// (owner, operator ids) → last snapshot.
    clusters: BTreeMap<(Address, Vec<u64>), ClusterRecord>,
    eth_fees: HashMap<u64, u128>,
    removed_operators: Vec<u64>,
    privacy: HashMap<u64, bool>,
    whitelists: HashMap<u64, Vec<Address>>,
}

struct AccountRecord {
    owner: Address,
    nonce: u64,
    recipient: Option<Address>,
}

struct ValidatorRecord {
    public_key: Vec<u8>,
    owner: Address,
    operator_ids: Vec<u64>,
    removed: bool,
    exited: bool,
}

struct ClusterRecord {
    /// Position of first appearance + 1.
    id: usize,
    cluster: Cluster,
    block: u64,
}

/// `keccak256(abi.encodePacked(owner, operatorIds))`, SSV's cluster id.
fn cluster_hash(owner: Address, operator_ids: &[u64]) -> String {
    let mut preimage = Vec::with_capacity(20 + 32 * operator_ids.len());
    preimage.extend_from_slice(owner.as_slice());
    for id in operator_ids {
        preimage.extend_from_slice(&U256::from(*id).to_be_bytes::<32>());
    }
    format!("{:#x}", keccak256(preimage))
}

impl Ledger {
    fn account(&mut self, owner: Address) -> &mut AccountRecord {
        let i = *self.account_index.entry(owner).or_insert_with(|| {
            self.accounts.push(AccountRecord {
                owner,
                nonce: 0,
                recipient: None,
            });
            self.accounts.len() - 1
        });
        &mut self.accounts[i]
    }

    fn cluster(&mut self, owner: Address, operator_ids: &[u64], cluster: &Cluster, block: u64) {
        let next_id = self.clusters.len() + 1;
        let record = self
            .clusters
            .entry((owner, operator_ids.to_vec()))
            .or_insert_with(|| ClusterRecord {
                id: next_id,
                cluster: cluster.clone(),
                block,
            });
        record.cluster = cluster.clone();
        record.block = block;
    }

    fn validator(&mut self, public_key: &[u8]) -> Option<&mut ValidatorRecord> {
        let i = *self.validator_index.get(public_key)?;
        self.validators.get_mut(i)
    }

    fn apply(&mut self, log: &alloy::rpc::types::Log, block: u64) {
        let l = &log.inner;
        if let Ok(e) = N::ValidatorAdded::decode_log(l) {
            let d = e.data;
            self.account(d.owner).nonce += 1;
            let record = ValidatorRecord {
                public_key: d.publicKey.to_vec(),
                owner: d.owner,
                operator_ids: d.operatorIds.clone(),
                removed: false,
                exited: false,
            };
            if let Some(&i) = self.validator_index.get(d.publicKey.as_ref()) {
                // Registered again after a removal.
                self.validators[i] = record;
            } else {
                self.validator_index
                    .insert(d.publicKey.to_vec(), self.validators.len());
                self.validators.push(record);
            }
            self.cluster(d.owner, &d.operatorIds, &d.cluster, block);
        } else if let Ok(e) = N::ValidatorRemoved::decode_log(l) {
            let d = e.data;
            if let Some(v) = self.validator(&d.publicKey) {
                v.removed = true;
            }
            self.cluster(d.owner, &d.operatorIds, &d.cluster, block);
        } else if let Ok(e) = N::ValidatorExited::decode_log(l) {
            if let Some(v) = self.validator(&e.data.publicKey) {
                v.exited = true;
            }
        } else if let Some((owner, ids, cluster)) = cluster_event(l) {
            self.cluster(owner, &ids, &cluster, block);
        } else if let Ok(e) = N::FeeRecipientAddressUpdated::decode_log(l) {
            self.account(e.data.owner).recipient = Some(e.data.recipientAddress);
        } else if let Ok(e) = N::OperatorAdded::decode_log(l) {
            self.account(e.data.owner);
        } else if let Ok(e) = N::OperatorFeeExecuted::decode_log(l) {
            self.eth_fees
                .insert(e.data.operatorId, e.data.fee.saturating_to::<u128>());
        } else if let Ok(e) = N::OperatorRemoved::decode_log(l) {
            self.removed_operators.push(e.data.operatorId);
        } else if let Ok(e) = N::OperatorPrivacyStatusUpdated::decode_log(l) {
            for id in e.data.operatorIds {
                self.privacy.insert(id, e.data.toPrivate);
            }
        } else if let Ok(e) = N::OperatorMultipleWhitelistUpdated::decode_log(l) {
            for id in e.data.operatorIds {
                let list = self.whitelists.entry(id).or_default();
                for a in &e.data.whitelistAddresses {
                    if !list.contains(a) {
                        list.push(*a);
                    }
                }
            }
        } else if let Ok(e) = N::OperatorMultipleWhitelistRemoved::decode_log(l) {
            for id in e.data.operatorIds {
                if let Some(list) = self.whitelists.get_mut(&id) {
                    list.retain(|a| !e.data.whitelistAddresses.contains(a));
                }
            }
        }
    }

    /// Live (not removed) validators on the chain that operator `id` runs.
    fn operator_validators(&self, id: u64) -> u64 {
        self.validators
            .iter()
            .filter(|v| !v.removed && v.operator_ids.contains(&id))
            .count() as u64
    }
}

/// The (owner, operator ids, snapshot) of the cluster events that carry only a snapshot.
fn cluster_event(l: &alloy::primitives::Log) -> Option<(Address, Vec<u64>, Cluster)> {
    if let Ok(e) = N::ClusterDeposited::decode_log(l) {
        return Some((e.data.owner, e.data.operatorIds, e.data.cluster));
    }
    if let Ok(e) = N::ClusterWithdrawn::decode_log(l) {
        return Some((e.data.owner, e.data.operatorIds, e.data.cluster));
    }
    if let Ok(e) = N::ClusterLiquidated::decode_log(l) {
        return Some((e.data.owner, e.data.operatorIds, e.data.cluster));
    }
    if let Ok(e) = N::ClusterReactivated::decode_log(l) {
        return Some((e.data.owner, e.data.operatorIds, e.data.cluster));
    }
    if let Ok(e) = N::ClusterBalanceUpdated::decode_log(l) {
        return Some((e.data.owner, e.data.operatorIds, e.data.cluster));
    }
    if let Ok(e) = N::ClusterMigratedToETH::decode_log(l) {
        return Some((e.data.owner, e.data.operatorIds, e.data.cluster));
    }
    None
}

// ------------------------------------------------------------------ HTTP

struct SsvState {
    network: String,
    ssv_network: Address,
    provider: DynProvider,
    operators: Vec<FakeOperator>,
    key_overrides: std::sync::Mutex<HashMap<u64, String>>,
    /// Operators served as `Inactive` with `is_active` 0.
    inactive: std::sync::Mutex<std::collections::BTreeSet<u64>>,
    /// Validators (public key bytes) served with `is_valid` and `is_shares_valid` false.
    invalid: std::sync::Mutex<std::collections::BTreeSet<Vec<u8>>>,
    nonce_lag: AtomicU64,
    ledger: Mutex<Ledger>,
}

/// An error body in the API's (NestJS) shape.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    Response::json(
        status,
        json!({
            "statusCode": status.as_u16(),
            "message": message.into(),
            "error": status.canonical_reason().unwrap_or(""),
        }),
    )
}

fn unavailable() -> Response {
    error(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable")
}

fn parse_address(text: &str) -> Result<Address, Response> {
    text.parse().map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            format!("{text} is not a valid address"),
        )
    })
}

fn positive(request: &Request, key: &str, default: u64) -> Result<u64, Response> {
    match request.query_value(key) {
        None | Some("") => Ok(default),
        Some(text) => text.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                format!("{key} must be a positive integer, got {text:?}"),
            )
        }),
    }
}

fn flag(request: &Request, key: &str) -> Result<Option<bool>, Response> {
    match request.query_value(key) {
        None | Some("") => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(other) => Err(error(
            StatusCode::BAD_REQUEST,
            format!("{key} must be true or false, got {other:?}"),
        )),
    }
}

/// `{ total, pages, per_page, page }` plus the first and last ids of the page.
fn pagination(total: usize, per_page: u64, page: u64, first: &Value, last: &Value) -> Value {
    let total = total as u64;
    json!({
        "total": total,
        "pages": total.div_ceil(per_page),
        "per_page": per_page,
        "page": page,
        "current_first": first,
        "current_last": last,
    })
}

/// The items of `page` (1-based) of `items`.
fn page_of<T>(items: &[T], per_page: u64, page: u64) -> &[T] {
    let per_page = usize::try_from(per_page).unwrap_or(usize::MAX);
    let start = usize::try_from(page - 1)
        .unwrap_or(usize::MAX)
        .saturating_mul(per_page);
    let start = start.min(items.len());
    let end = start.saturating_add(per_page).min(items.len());
    &items[start..end]
}

/// An operator with the chain's changes applied, as served.
struct Served {
    json: Value,
    id: u64,
    eth_fee: u128,
    fee: u128,
    validators_count: u64,
    performance_24h: f64,
    performance_30d: f64,
    name: String,
}

impl SsvState {
    async fn handle(&self, request: Request) -> Response {
        let path = request.path();
        let ["api", "v4", network, rest @ ..] = path.as_slice() else {
            return error(StatusCode::NOT_FOUND, "Not Found");
        };
        if *network != self.network {
            return error(
                StatusCode::NOT_FOUND,
                format!("network {network} is not served here"),
            );
        }
        let known = matches!(
            rest,
            ["operators"]
                | ["operators" | "accounts" | "validators" | "clusters", _]
                | ["clusters", "owner", _]
        );
        if !known {
            return error(
                StatusCode::NOT_FOUND,
                format!("Cannot GET /{}", request.segments.join("/")),
            );
        }
        if request.method != Method::GET {
            return error(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("Cannot {} /{}", request.method, request.segments.join("/")),
            );
        }
        let mut ledger = self.ledger.lock().await;
        if let Err(response) = self.sync(&mut ledger).await {
            return response;
        }
        let result = match rest {
            ["operators"] => self.operators(&request, &ledger),
            ["operators", id] => self.operator(id, &ledger),
            ["accounts", owner] => self.account(owner, &ledger),
            ["validators", public_key] => self.validator(public_key, &ledger),
            ["clusters", "owner", owner] => self.clusters_by_owner(owner, &request, &ledger),
            ["clusters", hash] => self.cluster(hash, &ledger),
            _ => Err(error(StatusCode::NOT_FOUND, "Not Found")),
        };
        result.unwrap_or_else(|response| response)
    }

    async fn sync(&self, ledger: &mut Ledger) -> Result<(), Response> {
        let chain_error = |e: &dyn fmt::Display| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("indexer failed to read the chain: {e}"),
            )
        };
        let head = self
            .provider
            .get_block_number()
            .await
            .map_err(|e| chain_error(&e))?;
        if ledger.next_block > head + 1 {
            // The chain went back (anvil reset or revert): index it again.
            *ledger = Ledger::default();
        }
        if ledger.next_block <= head {
            let filter = Filter::new()
                .address(self.ssv_network)
                .from_block(ledger.next_block)
                .to_block(head);
            let logs = self
                .provider
                .get_logs(&filter)
                .await
                .map_err(|e| chain_error(&e))?;
            for log in &logs {
                if let Some(block) = log.block_number {
                    ledger.apply(log, block);
                }
            }
            ledger.next_block = head + 1;
        }
        Ok(())
    }

    fn served(&self, op: &FakeOperator, ledger: &Ledger) -> Served {
        let public_key = self
            .key_overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&op.id)
            .cloned()
            .unwrap_or_else(|| op.public_key.clone());
        let eth_fee = ledger.eth_fees.get(&op.id).copied().unwrap_or(op.eth_fee);
        let removed = op.is_deleted || ledger.removed_operators.contains(&op.id);
        let is_private = ledger.privacy.get(&op.id).copied().unwrap_or(op.is_private);
        let mut whitelist = op.whitelist_addresses.clone();
        for a in ledger.whitelists.get(&op.id).into_iter().flatten() {
            if !whitelist.contains(a) {
                whitelist.push(*a);
            }
        }
        let validators_count = op.validators_count + ledger.operator_validators(op.id);
        let inactive = self
            .inactive
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&op.id);
        let status = if removed {
            "Removed"
        } else if inactive {
            "Inactive"
        } else {
            &op.status
        };
        let checksummed: Vec<String> = whitelist.iter().map(|a| a.to_checksum(None)).collect();
        let json = json!({
            "id": op.id,
            "id_str": op.id.to_string(),
            "declared_fee": "0",
            "previous_fee": "0",
            "fee": op.fee.to_string(),
            "eth_fee": eth_fee.to_string(),
            "public_key": public_key,
            "owner_address": op.owner_address.to_checksum(None),
            "address_whitelist": checksummed.first().cloned().unwrap_or_default(),
            "whitelist_addresses": checksummed,
            "is_private": is_private,
            "whitelisting_contract": "",
            "location": op.location,
            "setup_provider": op.setup_provider,
            "eth1_node_client": op.eth1_node_client,
            "eth2_node_client": op.eth2_node_client,
            "mev_relays": op.mev_relays.join(","),
            "description": "",
            "website_url": "",
            "twitter_url": "",
            "linkedin_url": "",
            "dkg_address": op.dkg_address,
            "logo": "",
            "type": op.operator_type,
            "name": op.name,
            "performance": {"24h": op.performance_24h, "30d": op.performance_30d},
            "is_valid": true,
            "is_deleted": removed,
            "is_active": u8::from(op.is_active && !removed && !inactive),
            "status": status,
            "validators_count": validators_count,
            "version": "v4",
            "network": self.network,
        });
        Served {
            json,
            id: op.id,
            eth_fee,
            fee: op.fee,
            validators_count,
            performance_24h: op.performance_24h,
            performance_30d: op.performance_30d,
            name: op.name.clone(),
        }
    }

    fn operators(&self, request: &Request, ledger: &Ledger) -> Result<Response, Response> {
        let page = positive(request, "page", 1)?;
        let per_page = positive(request, "perPage", DEFAULT_PER_PAGE)?;
        let is_private = flag(request, "isPrivate")?;
        let has_dkg = flag(request, "has_dkg_address")?;
        let types = request.query_list("type");
        let search = request
            .query_value("search")
            .map(str::to_lowercase)
            .filter(|s| !s.is_empty());
        let ordering = parse_ordering(request.query_value("ordering").unwrap_or("id:asc"))?;
        let mut served: Vec<Served> = self
            .operators
            .iter()
            .filter(|o| types.is_empty() || types.contains(&o.operator_type))
            .filter(|o| has_dkg.is_none_or(|has| has != o.dkg_address.is_empty()))
            .filter(|o| {
                search.as_ref().is_none_or(|s| {
                    o.name.to_lowercase().contains(s.as_str())
                        || o.id.to_string() == *s
                        || o.owner_address
                            .to_string()
                            .to_lowercase()
                            .contains(s.as_str())
                })
            })
            .map(|o| self.served(o, ledger))
            .filter(|s| is_private.is_none_or(|p| s.json["is_private"] == p))
            .collect();
        served.sort_by(|a, b| {
            ordering
                .iter()
                .map(|(key, descending)| {
                    let ord = key.compare(a, b);
                    if *descending { ord.reverse() } else { ord }
                })
                .find(|o| o.is_ne())
                .unwrap_or_else(|| a.id.cmp(&b.id))
        });
        let pages = (served.len() as u64).div_ceil(per_page).max(1);
        if page > pages {
            return Err(error(
                StatusCode::NOT_FOUND,
                format!("page {page} is past the last page ({pages})"),
            ));
        }
        let items = page_of(&served, per_page, page);
        let first = items.first().map_or(json!(0), |s| json!(s.id));
        let last = items.last().map_or(json!(0), |s| json!(s.id));
        Ok(Response::ok(json!({
            "operators": items.iter().map(|s| s.json.clone()).collect::<Vec<_>>(),
            "pagination": pagination(served.len(), per_page, page, &first, &last),
        })))
    }

    fn operator(&self, id: &str, ledger: &Ledger) -> Result<Response, Response> {
        let not_found = || error(StatusCode::NOT_FOUND, format!("Operator {id} not found"));
        let id: u64 = id.parse().map_err(|_| not_found())?;
        let op = self
            .operators
            .iter()
            .find(|o| o.id == id)
            .ok_or_else(not_found)?;
        Ok(Response::ok(self.served(op, ledger).json))
    }

    fn account(&self, owner: &str, ledger: &Ledger) -> Result<Response, Response> {
        let owner = parse_address(owner)?;
        let i = *ledger.account_index.get(&owner).ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                format!("Account {} not found", owner.to_checksum(None)),
            )
        })?;
        let account = &ledger.accounts[i];
        let lag = self.nonce_lag.load(Ordering::SeqCst);
        Ok(Response::ok(json!({
            "type": "account",
            "data": {
                "id": i + 1,
                "ownerAddress": account.owner.to_checksum(None),
                "recipientAddress": account.recipient.unwrap_or(account.owner).to_checksum(None),
                "network": self.network,
                "version": "v4",
                "nonce": account.nonce.saturating_sub(lag),
            }
        })))
    }

    fn cluster_json(&self, owner: Address, ids: &[u64], record: &ClusterRecord) -> Value {
        let c = &record.cluster;
        json!({
            "id": record.id,
            "clusterId": cluster_hash(owner, ids),
            "network": self.network,
            "version": "v4",
            "ownerAddress": owner.to_checksum(None),
            "validatorCount": c.validatorCount,
            "networkFeeIndex": c.networkFeeIndex.to_string(),
            "index": c.index.to_string(),
            "balance": c.balance.to_string(),
            "active": c.active,
            "isLiquidated": !c.active,
            "operators": ids,
            "blockNumber": record.block,
        })
    }

    fn clusters_by_owner(
        &self,
        owner: &str,
        request: &Request,
        ledger: &Ledger,
    ) -> Result<Response, Response> {
        let owner = parse_address(owner)?;
        let page = positive(request, "page", 1)?;
        let per_page = positive(request, "perPage", DEFAULT_PER_PAGE)?;
        let mut clusters: Vec<(&Vec<u64>, &ClusterRecord)> = ledger
            .clusters
            .iter()
            .filter(|((o, _), _)| *o == owner)
            .map(|((_, ids), record)| (ids, record))
            .collect();
        clusters.sort_by_key(|(_, record)| record.id);
        let items = page_of(&clusters, per_page, page);
        let first = items.first().map_or(json!(0), |(_, r)| json!(r.id));
        let last = items.last().map_or(json!(0), |(_, r)| json!(r.id));
        Ok(Response::ok(json!({
            "type": "cluster",
            "clusters": items
                .iter()
                .map(|(ids, record)| self.cluster_json(owner, ids, record))
                .collect::<Vec<_>>(),
            "pagination": pagination(clusters.len(), per_page, page, &first, &last),
        })))
    }

    fn cluster(&self, hash: &str, ledger: &Ledger) -> Result<Response, Response> {
        let wanted = format!("0x{}", hash.trim_start_matches("0x").to_lowercase());
        ledger
            .clusters
            .iter()
            .find(|((owner, ids), _)| cluster_hash(*owner, ids) == wanted)
            .map(|((owner, ids), record)| {
                Response::ok(json!({
                    "type": "cluster",
                    "data": self.cluster_json(*owner, ids, record),
                }))
            })
            .ok_or_else(|| error(StatusCode::NOT_FOUND, format!("Cluster {hash} not found")))
    }

    fn validator(&self, public_key: &str, ledger: &Ledger) -> Result<Response, Response> {
        let not_found = || {
            error(
                StatusCode::NOT_FOUND,
                format!("Validator {public_key} not found"),
            )
        };
        let bytes = alloy::hex::decode(public_key.trim_start_matches("0x")).map_err(|_| {
            error(
                StatusCode::BAD_REQUEST,
                format!("{public_key} is not a hex public key"),
            )
        })?;
        let i = *ledger.validator_index.get(&bytes).ok_or_else(not_found)?;
        let v = &ledger.validators[i];
        let cluster = ledger.clusters.get(&(v.owner, v.operator_ids.clone()));
        let operators: Vec<Value> = v
            .operator_ids
            .iter()
            .map(|id| {
                self.operators
                    .iter()
                    .find(|o| o.id == *id)
                    .map_or_else(|| json!({"id": id}), |o| self.served(o, ledger).json)
            })
            .collect();
        let status = if v.removed {
            "Removed"
        } else if v.exited {
            "Exiting"
        } else {
            "Active"
        };
        let valid = !self
            .invalid
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains::<[u8]>(v.public_key.as_ref());
        Ok(Response::ok(json!({
            "id": i + 1,
            "network": self.network,
            "version": "v4",
            "public_key": alloy::hex::encode(&v.public_key),
            "cluster": cluster_hash(v.owner, &v.operator_ids),
            "owner_address": v.owner.to_checksum(None),
            "status": status,
            "is_valid": valid,
            "is_deleted": v.removed,
            "is_public_key_valid": true,
            "is_shares_valid": valid,
            "is_operators_valid": true,
            "is_liquidated": cluster.is_some_and(|c| !c.cluster.active),
            "operators": operators,
        })))
    }
}

/// A key of the `ordering` query.
#[derive(Clone, Copy)]
enum OrderKey {
    Id,
    EthFee,
    Fee,
    ValidatorsCount,
    Performance24h,
    Performance30d,
    Name,
}

impl OrderKey {
    fn compare(self, a: &Served, b: &Served) -> std::cmp::Ordering {
        match self {
            Self::Id => a.id.cmp(&b.id),
            Self::EthFee => a.eth_fee.cmp(&b.eth_fee),
            Self::Fee => a.fee.cmp(&b.fee),
            Self::ValidatorsCount => a.validators_count.cmp(&b.validators_count),
            Self::Performance24h => a.performance_24h.total_cmp(&b.performance_24h),
            Self::Performance30d => a.performance_30d.total_cmp(&b.performance_30d),
            Self::Name => a.name.cmp(&b.name),
        }
    }
}

/// `key:asc|desc`, comma-joined; the direction defaults to ascending.
fn parse_ordering(text: &str) -> Result<Vec<(OrderKey, bool)>, Response> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, direction) = part.split_once(':').unwrap_or((part, "asc"));
            let key = match key {
                "id" => OrderKey::Id,
                "eth_fee" => OrderKey::EthFee,
                "fee" => OrderKey::Fee,
                "validators_count" => OrderKey::ValidatorsCount,
                "performance.24h" => OrderKey::Performance24h,
                "performance.30d" => OrderKey::Performance30d,
                "name" => OrderKey::Name,
                other => {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        format!("ordering by {other:?} is not supported"),
                    ));
                }
            };
            match direction {
                "asc" => Ok((key, false)),
                "desc" => Ok((key, true)),
                other => Err(error(
                    StatusCode::BAD_REQUEST,
                    format!("ordering direction {other:?} is not asc or desc"),
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cut_the_list() {
        let items: Vec<u32> = (1..=7).collect();
        assert_eq!(page_of(&items, 3, 1), &[1, 2, 3]);
        assert_eq!(page_of(&items, 3, 3), &[7]);
        assert!(page_of(&items, 3, 4).is_empty());
        assert_eq!(pagination(7, 3, 1, &json!(1), &json!(3))["pages"], 3);
        assert_eq!(pagination(0, 3, 1, &json!(0), &json!(0))["pages"], 0);
    }

    #[test]
    fn ordering_parses_keys_and_directions() {
        let keys = parse_ordering("performance.30d:desc, id").unwrap();
        assert!(matches!(
            keys[..],
            [(OrderKey::Performance30d, true), (OrderKey::Id, false)]
        ));
        assert!(parse_ordering("colour:asc").is_err());
        assert!(parse_ordering("id:up").is_err());
    }

    #[test]
    fn cluster_hash_is_keccak_of_packed_owner_and_ids() {
        let owner = Address::repeat_byte(0x11);
        let mut preimage = owner.to_vec();
        for id in [1u64, 2, 3, 4] {
            let mut word = [0u8; 32];
            word[24..].copy_from_slice(&id.to_be_bytes());
            preimage.extend_from_slice(&word);
        }
        assert_eq!(
            cluster_hash(owner, &[1, 2, 3, 4]),
            format!("{:#x}", keccak256(preimage))
        );
    }
}
