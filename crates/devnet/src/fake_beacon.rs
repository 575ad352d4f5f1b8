//! A local fake of the standard beacon-node HTTP API (ethereum/beacon-APIs), for tests and the
//! demo only: it derives its validators from the devnet chain, so a router that deposits through
//! StaFi's SuperNode sees its validators appear, activate and exit as blocks are mined.
//!
//! The model, all in block numbers of the anvil chain:
//! - slot = block number (the head slot is the latest block); epoch = slot / `SLOTS_PER_EPOCH`.
//! - A validator index is assigned at its pubkey's first `DepositEvent` of the deposit-contract
//!   double, in deposit order; its withdrawal credentials are those of that first deposit, its
//!   balance the sum of its deposits (deposit signatures are not checked).
//! - `pending_initialized` while the deposits total less than 32 ETH; `pending_queued` from the
//!   block where they reach 32 ETH (`activation_eligibility_epoch` = that block's epoch);
//!   `active_ongoing` `activation_delay_blocks` later (`activation_epoch` = that block's epoch).
//! - An exit accepted at block B: `active_exiting` (`exit_epoch` = epoch of B +
//!   `exit_delay_blocks`), `exited_unslashed` from that block, `withdrawal_possible`
//!   `withdrawal_delay_blocks` later (`withdrawable_epoch`), `withdrawal_done` (balance 0)
//!   `withdrawal_delay_blocks` after that.
//! - Effective balance: the balance rounded down to whole ETH, capped at 32 ETH (2048 ETH for
//!   0x02 credentials).
//! - `finalized` is the first slot of the epoch two before the head's, `justified` one before.
//!
//! Voluntary exits are checked as `process_voluntary_exit` does: the validator is known and
//! active, has not initiated an exit, `exit.epoch <= current epoch`, `current epoch >=
//! activation_epoch + SHARD_COMMITTEE_PERIOD`, and the signature verifies for the network's
//! EIP-7044 voluntary-exit domain (Capella fork version, genesis validators root).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use alloy::primitives::{Address, B256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{Block, BlockNumberOrTag, Filter};
use alloy::sol_types::SolEvent;
use alloy::transports::http::reqwest::Url;
use hyper::{Method, StatusCode};
use keygen::{DOMAIN_DEPOSIT, DOMAIN_VOLUNTARY_EXIT, Network, PublicKey, SignedVoluntaryExit};
use serde_json::{Value, json};
use stafi_contracts::deposit_contract::DepositContract::DepositEvent;
use tokio::sync::Mutex;

use crate::http::{self, Controls, Handler, Request, Response, Server};
use crate::{Devnet, DevnetError};

/// The epoch of "never" (`2**64 - 1`), served for epochs that are not set.
pub const FAR_FUTURE_EPOCH: u64 = u64::MAX;

const GWEI_PER_ETH: u64 = 1_000_000_000;
/// `MIN_ACTIVATION_BALANCE` (and `MAX_EFFECTIVE_BALANCE` of 0x00/0x01 credentials), gwei.
const MIN_ACTIVATION_BALANCE: u64 = 32 * GWEI_PER_ETH;
/// `MAX_EFFECTIVE_BALANCE_ELECTRA` of 0x02 (compounding) credentials, gwei.
const MAX_EFFECTIVE_BALANCE_ELECTRA: u64 = 2048 * GWEI_PER_ETH;
/// Most validator ids one GET may carry (beacon-APIs answers 414 above).
const MAX_GET_IDS: usize = 64;
/// The genesis validators root of [`devnet_network`].
const DEVNET_GENESIS_VALIDATORS_ROOT: [u8; 32] = [
    0x5f, 0x1a, 0x7e, 0xd2, 0x0c, 0x3b, 0x9a, 0x44, 0x61, 0x8d, 0x2e, 0xf0, 0x93, 0x17, 0xb5, 0x6c,
    0xd8, 0x40, 0x25, 0xae, 0x7b, 0x09, 0xc3, 0x5e, 0xe1, 0x36, 0x8f, 0x52, 0xa4, 0x0d, 0x71, 0xbb,
];

/// The network the fake beacon serves when none is given: `devnet`, the chain's id, genesis fork
/// version `0x10000000`, Capella fork version `0x40000000` (the fork versions of
/// `examples/onchain_onboard.rs`) and a fixed, non-zero genesis validators root, so an exit
/// signed for another network's root does not verify.
pub fn devnet_network(chain_id: u64) -> Network {
    Network {
        name: "devnet".to_owned(),
        chain_id,
        genesis_fork_version: [0x10, 0x00, 0x00, 0x00],
        capella_fork_version: [0x40, 0x00, 0x00, 0x00],
        genesis_validators_root: DEVNET_GENESIS_VALIDATORS_ROOT,
    }
}

/// Options of a [`FakeBeacon`]. Defaults: [`devnet_network`] of the chain's id, 12 s slots,
/// 8 slots per epoch, `SHARD_COMMITTEE_PERIOD` 4 epochs (mainnet: 256), activation, exit and
/// withdrawal delays of 2 blocks each, genesis time = the timestamp of block 0.
#[derive(Debug, Clone)]
pub struct FakeBeaconBuilder {
    rpc_url: Url,
    deposit_contract: Address,
    network: Option<Network>,
    genesis_time: Option<u64>,
    seconds_per_slot: u64,
    slots_per_epoch: u64,
    shard_committee_period: u64,
    activation_delay_blocks: u64,
    exit_delay_blocks: u64,
    withdrawal_delay_blocks: u64,
}

impl FakeBeaconBuilder {
    /// The network: fork versions and genesis validators root (exit domain, `/genesis`,
    /// `/config/spec`) and chain id (`DEPOSIT_CHAIN_ID`).
    #[must_use]
    pub fn network(mut self, network: Network) -> Self {
        self.network = Some(network);
        self
    }

    /// `genesis_time` served by `/eth/v1/beacon/genesis`, Unix seconds.
    #[must_use]
    pub fn genesis_time(mut self, unix_seconds: u64) -> Self {
        self.genesis_time = Some(unix_seconds);
        self
    }

    /// `SECONDS_PER_SLOT` (served only; slots follow blocks, not the clock).
    #[must_use]
    pub fn seconds_per_slot(mut self, seconds: u64) -> Self {
        self.seconds_per_slot = seconds;
        self
    }

    /// `SLOTS_PER_EPOCH` (at least 1).
    #[must_use]
    pub fn slots_per_epoch(mut self, slots: u64) -> Self {
        self.slots_per_epoch = slots.max(1);
        self
    }

    /// `SHARD_COMMITTEE_PERIOD`: epochs a validator must have been active before it may exit.
    #[must_use]
    pub fn shard_committee_period(mut self, epochs: u64) -> Self {
        self.shard_committee_period = epochs;
        self
    }

    /// Blocks from `pending_queued` to `active_ongoing`.
    #[must_use]
    pub fn activation_delay_blocks(mut self, blocks: u64) -> Self {
        self.activation_delay_blocks = blocks;
        self
    }

    /// Blocks from an accepted exit (`active_exiting`) to `exited_unslashed`.
    #[must_use]
    pub fn exit_delay_blocks(mut self, blocks: u64) -> Self {
        self.exit_delay_blocks = blocks;
        self
    }

    /// Blocks from `exited_unslashed` to `withdrawal_possible`, and again to `withdrawal_done`.
    #[must_use]
    pub fn withdrawal_delay_blocks(mut self, blocks: u64) -> Self {
        self.withdrawal_delay_blocks = blocks;
        self
    }

    /// Reads the chain id (when no network is set) and block 0's timestamp, then binds
    /// 127.0.0.1 on an OS-chosen port and serves from a tokio task until the handle is dropped.
    pub async fn spawn(self) -> Result<FakeBeacon, DevnetError> {
        let provider = ProviderBuilder::new()
            .connect_http(self.rpc_url.clone())
            .erased();
        let network = match self.network {
            Some(network) => network,
            None => devnet_network(provider.get_chain_id().await.map_err(|source| {
                DevnetError::Rpc {
                    method: "eth_chainId",
                    source,
                }
            })?),
        };
        let genesis_time = match self.genesis_time {
            Some(time) => time,
            None => {
                provider
                    .get_block_by_number(BlockNumberOrTag::Number(0))
                    .await
                    .map_err(|source| DevnetError::Rpc {
                        method: "eth_getBlockByNumber",
                        source,
                    })?
                    .ok_or(DevnetError::MissingBlock { number: 0 })?
                    .header
                    .inner
                    .timestamp
            }
        };
        let config = Config {
            network,
            deposit_contract: self.deposit_contract,
            genesis_time,
            seconds_per_slot: self.seconds_per_slot,
            slots_per_epoch: self.slots_per_epoch,
            shard_committee_period: self.shard_committee_period,
            activation_delay_blocks: self.activation_delay_blocks,
            exit_delay_blocks: self.exit_delay_blocks,
            withdrawal_delay_blocks: self.withdrawal_delay_blocks,
        };
        let state = Arc::new(BeaconState {
            config,
            provider,
            syncing: AtomicBool::new(false),
            chain: Mutex::new(Chain::default()),
        });
        let controls = Arc::new(Controls::default());
        let handler_state = state.clone();
        let handler: Handler = Arc::new(move |request| {
            let state = handler_state.clone();
            Box::pin(async move { state.handle(request).await })
        });
        let server = http::serve("beacon API", controls.clone(), unavailable, handler).await?;
        Ok(FakeBeacon {
            url: server.base_url(),
            server,
            controls,
            state,
        })
    }
}

/// A running fake beacon node on 127.0.0.1; it stops when dropped.
///
/// ```no_run
/// # async fn demo(devnet: &devnet::Devnet) -> Result<(), devnet::DevnetError> {
/// let beacon = devnet::FakeBeacon::devnet_builder(devnet)
///     .shard_committee_period(4)
///     .spawn()
///     .await?;
/// let genesis = format!("{}/eth/v1/beacon/genesis", beacon.url());
/// # let _ = genesis;
/// beacon.set_syncing(true); // `/eth/v1/node/syncing` now says is_syncing
/// # Ok(())
/// # }
/// ```
pub struct FakeBeacon {
    url: String,
    server: Server,
    controls: Arc<Controls>,
    state: Arc<BeaconState>,
}

impl fmt::Debug for FakeBeacon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeBeacon")
            .field("url", &self.url)
            .field("server", &self.server)
            .field("network", &self.state.config.network.name)
            .finish_non_exhaustive()
    }
}

impl FakeBeacon {
    /// A builder reading `DepositEvent`s of `deposit_contract` through the JSON-RPC at `rpc_url`.
    pub fn builder(rpc_url: Url, deposit_contract: Address) -> FakeBeaconBuilder {
        FakeBeaconBuilder {
            rpc_url,
            deposit_contract,
            network: None,
            genesis_time: None,
            seconds_per_slot: 12,
            slots_per_epoch: 8,
            shard_committee_period: 4,
            activation_delay_blocks: 2,
            exit_delay_blocks: 2,
            withdrawal_delay_blocks: 2,
        }
    }

    /// A builder on `devnet`'s anvil and deposit-contract double.
    pub fn devnet_builder(devnet: &Devnet) -> FakeBeaconBuilder {
        Self::builder(devnet.endpoint_url(), devnet.addresses.deposit_contract)
    }

    /// A validator at the head, as `/eth/v1/beacon/states/head/validators/{pubkey}` gives it;
    /// None for an unknown key.
    pub async fn validator(&self, pubkey: &[u8]) -> Result<Option<FakeValidator>, DevnetError> {
        let Ok(pubkey) = <[u8; 48]>::try_from(pubkey) else {
            return Ok(None);
        };
        let state = &self.state;
        let mut chain = state.chain.lock().await;
        let head = state
            .sync(&mut chain)
            .await
            .map_err(|r| DevnetError::BeaconChain {
                status: r.status.as_u16(),
            })?;
        Ok(chain
            .by_pubkey
            .get(&pubkey)
            .copied()
            .and_then(|i| chain.view(&state.config, i, head))
            .map(|v| FakeValidator {
                index: v.index,
                status: v.status.as_str().to_owned(),
                activation_epoch: v.activation_epoch,
                exit_epoch: v.exit_epoch,
            }))
    }

    /// The base URL, `http://127.0.0.1:{port}` (paths start with `/eth/v1/…`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The network served (sign exits for it).
    pub fn network(&self) -> &Network {
        &self.state.config.network
    }

    /// `SLOTS_PER_EPOCH`.
    pub fn slots_per_epoch(&self) -> u64 {
        self.state.config.slots_per_epoch
    }

    /// `SHARD_COMMITTEE_PERIOD`, epochs.
    pub fn shard_committee_period(&self) -> u64 {
        self.state.config.shard_committee_period
    }

    /// Whether `/eth/v1/node/syncing` reports the node as syncing (`/eth/v1/node/health` then
    /// answers 206); the other endpoints keep answering.
    pub fn set_syncing(&self, syncing: bool) {
        self.state.syncing.store(syncing, Ordering::SeqCst);
    }

    /// While down, every request is answered 503 with a beacon-API error body.
    pub fn set_down(&self, down: bool) {
        self.controls.set_down(down);
    }

    /// Requests received for `path` (as sent, without the query, e.g.
    /// `/eth/v1/beacon/states/head/validators`), whatever the answer.
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

// ------------------------------------------------------------------ model

struct Config {
    network: Network,
    deposit_contract: Address,
    genesis_time: u64,
    seconds_per_slot: u64,
    slots_per_epoch: u64,
    shard_committee_period: u64,
    activation_delay_blocks: u64,
    exit_delay_blocks: u64,
    withdrawal_delay_blocks: u64,
}

impl Config {
    fn epoch(&self, slot: u64) -> u64 {
        slot / self.slots_per_epoch
    }

    fn finalized_slot(&self, head: u64) -> u64 {
        self.epoch(head).saturating_sub(2) * self.slots_per_epoch
    }

    fn justified_slot(&self, head: u64) -> u64 {
        self.epoch(head).saturating_sub(1) * self.slots_per_epoch
    }
}

/// Deposits seen so far (blocks below `next_block`) and the exits accepted.
#[derive(Default)]
struct Chain {
    next_block: u64,
    validators: Vec<Record>,
    by_pubkey: HashMap<[u8; 48], u64>,
    /// By validator index; kept when the deposits are re-read after a chain reset.
    exits: BTreeMap<u64, ExitRecord>,
}

struct Record {
    pubkey: [u8; 48],
    withdrawal_credentials: [u8; 32],
    /// (block, gwei), in log order.
    deposits: Vec<(u64, u64)>,
}

struct ExitRecord {
    epoch: u64,
    signature: String,
    /// The head block when the exit was accepted.
    block: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    PendingInitialized,
    PendingQueued,
    ActiveOngoing,
    ActiveExiting,
    ExitedUnslashed,
    WithdrawalPossible,
    WithdrawalDone,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::PendingInitialized => "pending_initialized",
            Self::PendingQueued => "pending_queued",
            Self::ActiveOngoing => "active_ongoing",
            Self::ActiveExiting => "active_exiting",
            Self::ExitedUnslashed => "exited_unslashed",
            Self::WithdrawalPossible => "withdrawal_possible",
            Self::WithdrawalDone => "withdrawal_done",
        }
    }

    /// The general status the beacon API's `status` filter also accepts.
    fn general(self) -> &'static str {
        match self {
            Self::PendingInitialized | Self::PendingQueued => "pending",
            Self::ActiveOngoing | Self::ActiveExiting => "active",
            Self::ExitedUnslashed => "exited",
            Self::WithdrawalPossible | Self::WithdrawalDone => "withdrawal",
        }
    }

    fn matches(self, filter: &str) -> bool {
        filter == self.as_str() || filter == self.general()
    }
}

/// Every status string the `status` filter accepts (slashed ones never match here).
const STATUS_FILTERS: &[&str] = &[
    "pending_initialized",
    "pending_queued",
    "active_ongoing",
    "active_exiting",
    "active_slashed",
    "exited_unslashed",
    "exited_slashed",
    "withdrawal_possible",
    "withdrawal_done",
    "pending",
    "active",
    "exited",
    "withdrawal",
];

/// A validator as the fake beacon node sees it at the head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeValidator {
    /// The validator index, assigned in the order of the pubkeys' first deposits.
    pub index: u64,
    /// `pending_initialized`, `active_ongoing`, `active_exiting`, `exited_unslashed`, …
    pub status: String,
    /// The epoch it became active; [`FAR_FUTURE_EPOCH`] while it is pending.
    pub activation_epoch: u64,
    /// `u64::MAX` until an exit is accepted.
    pub exit_epoch: u64,
}

/// One validator at one slot.
struct View {
    index: u64,
    pubkey: [u8; 48],
    withdrawal_credentials: [u8; 32],
    balance: u64,
    effective_balance: u64,
    status: Status,
    activation_eligibility_epoch: u64,
    activation_epoch: u64,
    exit_epoch: u64,
    withdrawable_epoch: u64,
}

impl View {
    fn to_json(&self) -> Value {
        json!({
            "index": self.index.to_string(),
            "balance": self.balance.to_string(),
            "status": self.status.as_str(),
            "validator": {
                "pubkey": format!("0x{}", hex(&self.pubkey)),
                "withdrawal_credentials": format!("0x{}", hex(&self.withdrawal_credentials)),
                "effective_balance": self.effective_balance.to_string(),
                "slashed": false,
                "activation_eligibility_epoch": self.activation_eligibility_epoch.to_string(),
                "activation_epoch": self.activation_epoch.to_string(),
                "exit_epoch": self.exit_epoch.to_string(),
                "withdrawable_epoch": self.withdrawable_epoch.to_string(),
            }
        })
    }
}

impl Chain {
    fn reset(&mut self) {
        let exits = std::mem::take(&mut self.exits);
        *self = Self {
            exits,
            ..Self::default()
        };
    }

    fn apply_deposit(&mut self, block: u64, event: &DepositEvent) {
        let (Ok(pubkey), Ok(amount)) = (
            <[u8; 48]>::try_from(event.pubkey.as_ref()),
            <[u8; 8]>::try_from(event.amount.as_ref()),
        ) else {
            return;
        };
        let gwei = u64::from_le_bytes(amount);
        if let Some(&index) = self.by_pubkey.get(&pubkey) {
            if let Some(record) = usize::try_from(index)
                .ok()
                .and_then(|i| self.validators.get_mut(i))
            {
                record.deposits.push((block, gwei));
            }
            return;
        }
        let Ok(withdrawal_credentials) =
            <[u8; 32]>::try_from(event.withdrawal_credentials.as_ref())
        else {
            return;
        };
        self.by_pubkey.insert(pubkey, self.validators.len() as u64);
        self.validators.push(Record {
            pubkey,
            withdrawal_credentials,
            deposits: vec![(block, gwei)],
        });
    }

    fn record(&self, index: u64) -> Option<&Record> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.validators.get(i))
    }

    /// Validator `index` as the state at `slot` has it; `None` before its first deposit.
    fn view(&self, config: &Config, index: u64, slot: u64) -> Option<View> {
        let record = self.record(index)?;
        if record.deposits.first()?.0 > slot {
            return None;
        }
        let mut balance = 0u64;
        let mut eligible_block = None;
        for &(block, gwei) in record.deposits.iter().take_while(|(b, _)| *b <= slot) {
            balance = balance.saturating_add(gwei);
            if eligible_block.is_none() && balance >= MIN_ACTIVATION_BALANCE {
                eligible_block = Some(block);
            }
        }
        let cap = if record.withdrawal_credentials[0] == 0x02 {
            MAX_EFFECTIVE_BALANCE_ELECTRA
        } else {
            MIN_ACTIVATION_BALANCE
        };
        let mut view = View {
            index,
            pubkey: record.pubkey,
            withdrawal_credentials: record.withdrawal_credentials,
            balance,
            effective_balance: (balance - balance % GWEI_PER_ETH).min(cap),
            status: Status::PendingInitialized,
            activation_eligibility_epoch: FAR_FUTURE_EPOCH,
            activation_epoch: FAR_FUTURE_EPOCH,
            exit_epoch: FAR_FUTURE_EPOCH,
            withdrawable_epoch: FAR_FUTURE_EPOCH,
        };
        let Some(eligible) = eligible_block else {
            return Some(view);
        };
        view.activation_eligibility_epoch = config.epoch(eligible);
        let activation = eligible + config.activation_delay_blocks;
        if slot < activation {
            view.status = Status::PendingQueued;
            return Some(view);
        }
        view.activation_epoch = config.epoch(activation);
        view.status = Status::ActiveOngoing;
        let Some(exit) = self.exits.get(&index).filter(|e| e.block <= slot) else {
            return Some(view);
        };
        let exited = exit.block + config.exit_delay_blocks;
        let withdrawable = exited + config.withdrawal_delay_blocks;
        let withdrawn = withdrawable + config.withdrawal_delay_blocks;
        view.exit_epoch = config.epoch(exited);
        view.withdrawable_epoch = config.epoch(withdrawable);
        view.status = if slot < exited {
            Status::ActiveExiting
        } else if slot < withdrawable {
            Status::ExitedUnslashed
        } else if slot < withdrawn {
            Status::WithdrawalPossible
        } else {
            view.balance = 0;
            view.effective_balance = 0;
            Status::WithdrawalDone
        };
        Some(view)
    }
}

// ------------------------------------------------------------------ HTTP

struct BeaconState {
    config: Config,
    provider: DynProvider,
    syncing: AtomicBool,
    chain: Mutex<Chain>,
}

/// A beacon-API error body.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    Response::json(
        status,
        json!({"code": status.as_u16(), "message": message.into(), "stacktraces": []}),
    )
}

fn unavailable() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "Service unavailable: the beacon node is down",
    )
}

fn chain_error(err: &impl fmt::Display) -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("Internal server error: execution node request failed: {err}"),
    )
}

fn method_not_allowed(request: &Request) -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method {} not allowed", request.method),
    )
}

fn hex(bytes: &[u8]) -> String {
    alloy::hex::encode(bytes)
}

fn hex_root(root: B256) -> String {
    format!("{root:#x}")
}

/// A decimal number as the beacon API sends it (quoted), or a bare JSON number.
fn quoted_u64(value: &Value) -> Option<u64> {
    match value {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// A validator id of a query: an index or a 0x-prefixed pubkey.
enum ValidatorId {
    Index(u64),
    Pubkey([u8; 48]),
}

fn parse_validator_id(id: &str) -> Result<ValidatorId, Response> {
    let bad = || {
        error(
            StatusCode::BAD_REQUEST,
            format!("Invalid validator ID: {id}"),
        )
    };
    if let Some(digits) = id.strip_prefix("0x") {
        let bytes = alloy::hex::decode(digits).map_err(|_| bad())?;
        return <[u8; 48]>::try_from(bytes.as_slice())
            .map(ValidatorId::Pubkey)
            .map_err(|_| bad());
    }
    id.parse().map(ValidatorId::Index).map_err(|_| bad())
}

fn parse_statuses(statuses: &[String]) -> Result<Vec<String>, Response> {
    for status in statuses {
        if !STATUS_FILTERS.contains(&status.as_str()) {
            return Err(error(
                StatusCode::BAD_REQUEST,
                format!("Invalid validator status: {status}"),
            ));
        }
    }
    Ok(statuses.to_vec())
}

/// A JSON list of strings (or numbers), as the POST validators body carries it.
fn string_list(value: Option<&Value>, field: &str) -> Result<Vec<String>, Response> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(error(
                    StatusCode::BAD_REQUEST,
                    format!("Invalid request body: {field} must be a list of strings"),
                )),
            })
            .collect(),
        Some(_) => Err(error(
            StatusCode::BAD_REQUEST,
            format!("Invalid request body: {field} must be a list"),
        )),
    }
}

impl BeaconState {
    async fn handle(&self, request: Request) -> Response {
        let path = request.path();
        let get = request.method == Method::GET;
        match path.as_slice() {
            ["eth", "v1", "beacon", "genesis"] if get => self.genesis(),
            ["eth", "v1", "config", "spec"] if get => self.spec(),
            ["eth", "v1", "config", "deposit_contract"] if get => Response::ok(json!({"data": {
                "chain_id": self.config.network.chain_id.to_string(),
                "address": format!("{:#x}", self.config.deposit_contract),
            }})),
            ["eth", "v1", "node", "version"] if get => Response::ok(json!({"data": {
                "version": concat!("devnet-fake-beacon/v", env!("CARGO_PKG_VERSION"), "/linux-x86_64"),
            }})),
            ["eth", "v1", "node", "health"] if get => Response::empty(if self.is_syncing() {
                StatusCode::PARTIAL_CONTENT
            } else {
                StatusCode::OK
            }),
            ["eth", "v1", "node", "syncing"] if get => self.syncing().await,
            ["eth", "v1", "beacon", "headers", block_id] if get => self.header(block_id).await,
            ["eth", "v1", "beacon", "states", state_id, "validators"] => match request.method {
                Method::GET => self.validators_get(state_id, &request).await,
                Method::POST => self.validators_post(state_id, &request).await,
                _ => method_not_allowed(&request),
            },
            ["eth", "v1", "beacon", "states", state_id, "validators", id] if get => {
                self.validator(state_id, id).await
            }
            ["eth", "v1", "beacon", "pool", "voluntary_exits"] => match request.method {
                Method::GET => self.exit_pool().await,
                Method::POST => self.submit_exit(&request).await,
                _ => method_not_allowed(&request),
            },
            ["eth", "v1", "beacon", "genesis"]
            | ["eth", "v1", "config", "spec" | "deposit_contract"]
            | ["eth", "v1", "node", "version" | "health" | "syncing"]
            | ["eth", "v1", "beacon", "headers", _]
            | ["eth", "v1", "beacon", "states", _, "validators", _] => method_not_allowed(&request),
            _ => error(
                StatusCode::NOT_FOUND,
                format!("Not found: /{}", request.segments.join("/")),
            ),
        }
    }

    fn is_syncing(&self) -> bool {
        self.syncing.load(Ordering::SeqCst)
    }

    fn genesis(&self) -> Response {
        let network = &self.config.network;
        Response::ok(json!({"data": {
            "genesis_time": self.config.genesis_time.to_string(),
            "genesis_validators_root": format!("0x{}", hex(&network.genesis_validators_root)),
            "genesis_fork_version": format!("0x{}", hex(&network.genesis_fork_version)),
        }}))
    }

    fn spec(&self) -> Response {
        let c = &self.config;
        let version = |v: [u8; 4]| format!("0x{}", hex(&v));
        Response::ok(json!({"data": {
            "CONFIG_NAME": c.network.name,
            "PRESET_BASE": if c.slots_per_epoch == 32 { "mainnet" } else { "minimal" },
            "SECONDS_PER_SLOT": c.seconds_per_slot.to_string(),
            "SLOTS_PER_EPOCH": c.slots_per_epoch.to_string(),
            "GENESIS_FORK_VERSION": version(c.network.genesis_fork_version),
            "CAPELLA_FORK_VERSION": version(c.network.capella_fork_version),
            "SHARD_COMMITTEE_PERIOD": c.shard_committee_period.to_string(),
            "MAX_SEED_LOOKAHEAD": "4",
            "MIN_VALIDATOR_WITHDRAWABILITY_DELAY": "256",
            "DOMAIN_VOLUNTARY_EXIT": version(DOMAIN_VOLUNTARY_EXIT),
            "DOMAIN_DEPOSIT": version(DOMAIN_DEPOSIT),
            "DEPOSIT_CHAIN_ID": c.network.chain_id.to_string(),
            "DEPOSIT_NETWORK_ID": c.network.chain_id.to_string(),
            "DEPOSIT_CONTRACT_ADDRESS": format!("{:#x}", c.deposit_contract),
            "MAX_EFFECTIVE_BALANCE": MIN_ACTIVATION_BALANCE.to_string(),
            "MIN_ACTIVATION_BALANCE": MIN_ACTIVATION_BALANCE.to_string(),
            "MAX_EFFECTIVE_BALANCE_ELECTRA": MAX_EFFECTIVE_BALANCE_ELECTRA.to_string(),
            "EFFECTIVE_BALANCE_INCREMENT": GWEI_PER_ETH.to_string(),
            "EJECTION_BALANCE": (16 * GWEI_PER_ETH).to_string(),
            "MIN_DEPOSIT_AMOUNT": GWEI_PER_ETH.to_string(),
        }}))
    }

    async fn head_block(&self) -> Result<u64, Response> {
        self.provider
            .get_block_number()
            .await
            .map_err(|e| chain_error(&e))
    }

    async fn syncing(&self) -> Response {
        let head = match self.head_block().await {
            Ok(head) => head,
            Err(response) => return response,
        };
        let syncing = self.is_syncing();
        // A syncing node is some epochs behind the wall clock.
        let distance = if syncing {
            2 * self.config.slots_per_epoch
        } else {
            0
        };
        Response::ok(json!({"data": {
            "head_slot": head.to_string(),
            "sync_distance": distance.to_string(),
            "is_syncing": syncing,
            "is_optimistic": false,
            "el_offline": false,
        }}))
    }

    async fn header(&self, block_id: &str) -> Response {
        let head = match self.head_block().await {
            Ok(head) => head,
            Err(response) => return response,
        };
        let block = match block_id {
            "head" => self.block(BlockNumberOrTag::Number(head)).await,
            "genesis" => self.block(BlockNumberOrTag::Number(0)).await,
            "finalized" => {
                self.block(BlockNumberOrTag::Number(self.config.finalized_slot(head)))
                    .await
            }
            "justified" => {
                self.block(BlockNumberOrTag::Number(self.config.justified_slot(head)))
                    .await
            }
            id if id.starts_with("0x") => match id.parse::<B256>() {
                Ok(hash) => self
                    .provider
                    .get_block_by_hash(hash)
                    .await
                    .map_err(|e| chain_error(&e)),
                Err(_) => Err(error(
                    StatusCode::BAD_REQUEST,
                    format!("Invalid block ID: {id}"),
                )),
            },
            id => match id.parse::<u64>() {
                Ok(slot) if slot <= head => self.block(BlockNumberOrTag::Number(slot)).await,
                Ok(_) => Ok(None),
                Err(_) => Err(error(
                    StatusCode::BAD_REQUEST,
                    format!("Invalid block ID: {id}"),
                )),
            },
        };
        let block = match block {
            Ok(Some(block)) => block,
            Ok(None) => return error(StatusCode::NOT_FOUND, "Block not found"),
            Err(response) => return response,
        };
        let h = &block.header;
        let slot = h.inner.number;
        Response::ok(json!({
            "execution_optimistic": false,
            "finalized": slot <= self.config.finalized_slot(head),
            "data": {
                "root": hex_root(h.hash),
                "canonical": true,
                "header": {
                    "message": {
                        "slot": slot.to_string(),
                        "proposer_index": "0",
                        "parent_root": hex_root(h.inner.parent_hash),
                        "state_root": hex_root(h.inner.state_root),
                        "body_root": hex_root(h.inner.transactions_root),
                    },
                    "signature": format!("0x{}", "00".repeat(96)),
                }
            }
        }))
    }

    async fn block(&self, number: BlockNumberOrTag) -> Result<Option<Block>, Response> {
        self.provider
            .get_block_by_number(number)
            .await
            .map_err(|e| chain_error(&e))
    }

    /// Reads the deposit logs of the blocks not seen yet; returns the head block (slot).
    async fn sync(&self, chain: &mut Chain) -> Result<u64, Response> {
        let head = self.head_block().await?;
        if chain.next_block > head + 1 {
            // The chain went back (anvil reset or revert): read it again.
            chain.reset();
        }
        if chain.next_block <= head {
            let filter = Filter::new()
                .address(self.config.deposit_contract)
                .event_signature(DepositEvent::SIGNATURE_HASH)
                .from_block(chain.next_block)
                .to_block(head);
            let logs = self
                .provider
                .get_logs(&filter)
                .await
                .map_err(|e| chain_error(&e))?;
            for log in logs {
                let (Some(block), Ok(event)) =
                    (log.block_number, DepositEvent::decode_log(&log.inner))
                else {
                    continue;
                };
                chain.apply_deposit(block, &event.data);
            }
            chain.next_block = head + 1;
        }
        Ok(head)
    }

    fn resolve_state(&self, state_id: &str, head: u64) -> Result<u64, Response> {
        match state_id {
            "head" => Ok(head),
            "genesis" => Ok(0),
            "finalized" => Ok(self.config.finalized_slot(head)),
            "justified" => Ok(self.config.justified_slot(head)),
            id if id.starts_with("0x") && id.len() == 66 => {
                // State roots are not tracked.
                Err(error(StatusCode::NOT_FOUND, "State not found"))
            }
            id => match id.parse::<u64>() {
                Ok(slot) if slot <= head => Ok(slot),
                Ok(_) => Err(error(StatusCode::NOT_FOUND, "State not found")),
                Err(_) => Err(error(
                    StatusCode::BAD_REQUEST,
                    format!("Invalid state ID: {id}"),
                )),
            },
        }
    }

    fn state_response(&self, slot: u64, head: u64, data: &Value) -> Response {
        Response::ok(json!({
            "execution_optimistic": false,
            "finalized": slot <= self.config.finalized_slot(head),
            "data": data,
        }))
    }

    async fn validators_get(&self, state_id: &str, request: &Request) -> Response {
        let ids = request.query_list("id");
        if ids.len() > MAX_GET_IDS {
            return error(
                StatusCode::URI_TOO_LONG,
                format!(
                    "Too many validator IDs in request: {} (at most {MAX_GET_IDS}; POST for more)",
                    ids.len()
                ),
            );
        }
        self.validators(state_id, &ids, &request.query_list("status"))
            .await
    }

    async fn validators_post(&self, state_id: &str, request: &Request) -> Response {
        let body: Value = if request.body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            match serde_json::from_slice(&request.body) {
                Ok(body) => body,
                Err(e) => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        format!("Invalid request body: {e}"),
                    );
                }
            }
        };
        if !(body.is_object() || body.is_null()) {
            return error(
                StatusCode::BAD_REQUEST,
                "Invalid request body: expected an object",
            );
        }
        let ids = match string_list(body.get("ids"), "ids") {
            Ok(ids) => ids,
            Err(response) => return response,
        };
        let statuses = match string_list(body.get("statuses"), "statuses") {
            Ok(statuses) => statuses,
            Err(response) => return response,
        };
        self.validators(state_id, &ids, &statuses).await
    }

    async fn validators(&self, state_id: &str, ids: &[String], statuses: &[String]) -> Response {
        let ids = match ids
            .iter()
            .map(|id| parse_validator_id(id))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(ids) => ids,
            Err(response) => return response,
        };
        let statuses = match parse_statuses(statuses) {
            Ok(statuses) => statuses,
            Err(response) => return response,
        };
        let mut chain = self.chain.lock().await;
        let head = match self.sync(&mut chain).await {
            Ok(head) => head,
            Err(response) => return response,
        };
        let slot = match self.resolve_state(state_id, head) {
            Ok(slot) => slot,
            Err(response) => return response,
        };
        let indices: Vec<u64> = if ids.is_empty() {
            (0..chain.validators.len() as u64).collect()
        } else {
            let mut indices: Vec<u64> = ids
                .iter()
                .filter_map(|id| match id {
                    ValidatorId::Index(i) => Some(*i),
                    ValidatorId::Pubkey(pk) => chain.by_pubkey.get(pk).copied(),
                })
                .collect();
            indices.sort_unstable();
            indices.dedup();
            indices
        };
        let data: Vec<Value> = indices
            .into_iter()
            .filter_map(|i| chain.view(&self.config, i, slot))
            .filter(|v| statuses.is_empty() || statuses.iter().any(|s| v.status.matches(s)))
            .map(|v| v.to_json())
            .collect();
        self.state_response(slot, head, &Value::Array(data))
    }

    async fn validator(&self, state_id: &str, id: &str) -> Response {
        let id = match parse_validator_id(id) {
            Ok(id) => id,
            Err(response) => return response,
        };
        let mut chain = self.chain.lock().await;
        let head = match self.sync(&mut chain).await {
            Ok(head) => head,
            Err(response) => return response,
        };
        let slot = match self.resolve_state(state_id, head) {
            Ok(slot) => slot,
            Err(response) => return response,
        };
        let index = match id {
            ValidatorId::Index(i) => Some(i),
            ValidatorId::Pubkey(pk) => chain.by_pubkey.get(&pk).copied(),
        };
        match index.and_then(|i| chain.view(&self.config, i, slot)) {
            Some(view) => self.state_response(slot, head, &view.to_json()),
            None => error(StatusCode::NOT_FOUND, "Validator not found"),
        }
    }

    /// Exits accepted and not yet effective (their validators are still `active_exiting`).
    async fn exit_pool(&self) -> Response {
        let mut chain = self.chain.lock().await;
        let head = match self.sync(&mut chain).await {
            Ok(head) => head,
            Err(response) => return response,
        };
        let data: Vec<Value> = chain
            .exits
            .iter()
            .filter(|(index, _)| {
                chain
                    .view(&self.config, **index, head)
                    .is_some_and(|v| v.status == Status::ActiveExiting)
            })
            .map(|(index, exit)| {
                json!({
                    "message": {"epoch": exit.epoch.to_string(), "validator_index": index.to_string()},
                    "signature": exit.signature,
                })
            })
            .collect();
        Response::ok(json!({ "data": data }))
    }

    async fn submit_exit(&self, request: &Request) -> Response {
        let invalid = |reason: String| {
            error(
                StatusCode::BAD_REQUEST,
                format!("Invalid voluntary exit: {reason}"),
            )
        };
        let body: Value = match serde_json::from_slice(&request.body) {
            Ok(body) => body,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("Invalid request body: {e}"),
                );
            }
        };
        let (Some(epoch), Some(index), Some(signature_hex)) = (
            quoted_u64(&body["message"]["epoch"]),
            quoted_u64(&body["message"]["validator_index"]),
            body["signature"].as_str(),
        ) else {
            return error(
                StatusCode::BAD_REQUEST,
                "Invalid request body: expected {\"message\": {\"epoch\", \"validator_index\"}, \"signature\"}",
            );
        };
        let Some(signature) = signature_hex
            .strip_prefix("0x")
            .and_then(|h| alloy::hex::decode(h).ok())
            .and_then(|bytes| keygen::Signature::from_bytes(&bytes).ok())
        else {
            return invalid(format!(
                "signature {signature_hex:?} is not a BLS signature"
            ));
        };
        let mut chain = self.chain.lock().await;
        let head = match self.sync(&mut chain).await {
            Ok(head) => head,
            Err(response) => return response,
        };
        let current_epoch = self.config.epoch(head);
        let Some(view) = chain.view(&self.config, index, head) else {
            return invalid(format!("validator index {index} is unknown"));
        };
        if chain.exits.contains_key(&index) {
            return invalid(format!(
                "validator {index} has already initiated an exit (status {})",
                view.status.as_str()
            ));
        }
        if view.status != Status::ActiveOngoing {
            return invalid(format!(
                "validator {index} is not active (status {})",
                view.status.as_str()
            ));
        }
        if epoch > current_epoch {
            return invalid(format!(
                "exit epoch {epoch} is in the future (current epoch {current_epoch})"
            ));
        }
        let earliest = view
            .activation_epoch
            .saturating_add(self.config.shard_committee_period);
        if current_epoch < earliest {
            return invalid(format!(
                "validator {index} has been active since epoch {} and may exit from epoch \
                 {earliest} (SHARD_COMMITTEE_PERIOD {}); the current epoch is {current_epoch}",
                view.activation_epoch, self.config.shard_committee_period
            ));
        }
        let exit = SignedVoluntaryExit {
            epoch,
            validator_index: index,
            signature,
        };
        let verified = PublicKey::from_bytes(&view.pubkey)
            .is_ok_and(|pubkey| exit.verify(&pubkey, &self.config.network));
        if !verified {
            return invalid(format!(
                "the signature does not verify for validator {index} with the voluntary-exit \
                 domain of {} (Capella fork version 0x{}, genesis validators root 0x{})",
                self.config.network.name,
                hex(&self.config.network.capella_fork_version),
                hex(&self.config.network.genesis_validators_root)
            ));
        }
        chain.exits.insert(
            index,
            ExitRecord {
                epoch,
                signature: format!("0x{}", exit.signature.to_hex()),
                block: head,
            },
        );
        Response::empty(StatusCode::OK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            network: devnet_network(31_337),
            deposit_contract: Address::ZERO,
            genesis_time: 0,
            seconds_per_slot: 12,
            slots_per_epoch: 8,
            shard_committee_period: 4,
            activation_delay_blocks: 2,
            exit_delay_blocks: 2,
            withdrawal_delay_blocks: 2,
        }
    }

    fn deposit(pubkey: u8, gwei: u64) -> DepositEvent {
        let mut wc = [0u8; 32];
        wc[0] = 1;
        DepositEvent {
            pubkey: vec![pubkey; 48].into(),
            withdrawal_credentials: wc.to_vec().into(),
            amount: gwei.to_le_bytes().to_vec().into(),
            signature: vec![0; 96].into(),
            index: 0u64.to_le_bytes().to_vec().into(),
        }
    }

    #[test]
    fn statuses_follow_deposits_and_exits() {
        let c = config();
        let mut chain = Chain::default();
        chain.apply_deposit(10, &deposit(1, GWEI_PER_ETH));
        chain.apply_deposit(11, &deposit(2, 32 * GWEI_PER_ETH));
        chain.apply_deposit(15, &deposit(1, 31 * GWEI_PER_ETH));
        assert!(chain.view(&c, 0, 9).is_none());
        let v = chain.view(&c, 0, 14).unwrap();
        assert_eq!(
            (v.status, v.balance),
            (Status::PendingInitialized, GWEI_PER_ETH)
        );
        assert_eq!(v.activation_eligibility_epoch, FAR_FUTURE_EPOCH);
        let v = chain.view(&c, 0, 16).unwrap();
        assert_eq!(v.status, Status::PendingQueued);
        assert_eq!(v.activation_eligibility_epoch, 1);
        let v = chain.view(&c, 0, 17).unwrap();
        assert_eq!((v.status, v.activation_epoch), (Status::ActiveOngoing, 2));
        assert_eq!(v.effective_balance, MIN_ACTIVATION_BALANCE);
        assert_eq!(chain.view(&c, 1, 13).unwrap().status, Status::ActiveOngoing);

        chain.exits.insert(
            0,
            ExitRecord {
                epoch: 6,
                signature: String::new(),
                block: 50,
            },
        );
        assert_eq!(chain.view(&c, 0, 49).unwrap().status, Status::ActiveOngoing);
        let v = chain.view(&c, 0, 50).unwrap();
        assert_eq!((v.status, v.exit_epoch), (Status::ActiveExiting, 6));
        assert_eq!(v.withdrawable_epoch, 6);
        assert_eq!(
            chain.view(&c, 0, 52).unwrap().status,
            Status::ExitedUnslashed
        );
        assert_eq!(
            chain.view(&c, 0, 54).unwrap().status,
            Status::WithdrawalPossible
        );
        let v = chain.view(&c, 0, 56).unwrap();
        assert_eq!((v.status, v.balance), (Status::WithdrawalDone, 0));

        chain.reset();
        assert!(chain.validators.is_empty());
        assert!(chain.exits.contains_key(&0));
    }

    #[test]
    fn status_filters_accept_general_statuses() {
        assert!(Status::ActiveExiting.matches("active"));
        assert!(Status::WithdrawalDone.matches("withdrawal"));
        assert!(!Status::PendingQueued.matches("active"));
        assert!(parse_statuses(&["active_slashed".to_owned()]).is_ok());
        assert!(parse_statuses(&["bogus".to_owned()]).is_err());
    }

    #[test]
    fn finality_lags_the_head_by_epochs() {
        let c = config();
        assert_eq!(c.finalized_slot(5), 0);
        assert_eq!(c.finalized_slot(40), 24);
        assert_eq!(c.justified_slot(40), 32);
    }
}
