//! `stafi-router.toml`: every setting, with defaults; environment overrides
//! (`STAFI_ROUTER_<SECTION>_<KEY>`, e.g. `STAFI_ROUTER_EXECUTION_RPC_URLS=http://a,http://b`) and
//! CLI overrides (`key=value`) applied on top; unknown keys refused; every error names its key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alloy::primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use crate::error::RouterError;
use crate::profile::{CustomNetwork, NetworkProfile};

/// Environment variables with the `STAFI_ROUTER_` prefix that are not configuration keys.
pub const RESERVED_ENV: [&str; 6] = [
    "STAFI_ROUTER_CONFIG",
    "STAFI_ROUTER_LOG",
    "STAFI_ROUTER_STORE_PASSWORD",
    "STAFI_ROUTER_KEYSTORE_PASSWORD",
    "STAFI_ROUTER_SUPER_NODE_PASSWORD",
    "STAFI_ROUTER_SSV_OWNER_PASSWORD",
];

/// The router's configuration, as written in `stafi-router.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Which network: a preset name, or a custom description (inline or in a file).
    pub network: NetworkSection,
    /// Directory of the store (redb) and the lock file; relative to the config file.
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    /// `[execution]`: the JSON-RPC endpoints and log reading (required).
    pub execution: ExecutionSection,
    /// `[beacon]`: the beacon-node endpoints (required).
    pub beacon: BeaconSection,
    /// `[ssv_api]`: SSV's public API for operator metadata.
    #[serde(default)]
    pub ssv_api: SsvApiSection,
    /// `[contracts]`: StafiStorage and optional SSV address overrides (required).
    pub contracts: ContractsSection,
    /// `[accounts]`: the keystores, the mnemonic store and their password files (required).
    pub accounts: AccountsSection,
    /// `[pool]`: the reserve of StaFi's user pool that is never committed.
    #[serde(default)]
    pub pool: PoolSection,
    /// `[gas]`: fee caps and the gas cap per transaction.
    #[serde(default)]
    pub gas: GasSection,
    /// `[batch]`: keys per transaction.
    #[serde(default)]
    pub batch: BatchSection,
    /// `[selection]`: the operator-selection policy and committee size.
    #[serde(default)]
    pub selection: SelectionSection,
    /// `[runway]`: how long clusters stay funded.
    #[serde(default)]
    pub runway: RunwaySection,
    /// `[keys]`: validator key recovery.
    #[serde(default)]
    pub keys: KeysSection,
    /// `[pass]`: pass timing and receipt waits.
    #[serde(default)]
    pub pass: PassSection,
    /// `[exits]`: StaFi's ejections and voluntary exits.
    #[serde(default)]
    pub exits: ExitsSection,
    /// `[uptime]`: reports to StaFi's ejector-uptime endpoint.
    #[serde(default)]
    pub uptime: UptimeSection,
    /// `[metrics]`: the metrics and health endpoints.
    #[serde(default)]
    pub metrics: MetricsSection,
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("data")
}

/// `[network]`: exactly one of `preset`, `file` or `[network.custom]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    /// `mainnet` or `hoodi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// A TOML file holding a custom network table (the keys of `[network.custom]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// `[network.custom]`: a custom network described inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CustomNetwork>,
}

/// `[execution]`: the execution-layer JSON-RPC endpoints and how to read logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecutionSection {
    /// Endpoints, tried in order: the first that answers serves the request.
    pub rpc_urls: Vec<String>,
    /// Blocks to stay behind the head when reading logs.
    #[serde(default = "d_confirmations")]
    pub confirmations: u64,
    /// Initial (and largest) `eth_getLogs` window, blocks.
    #[serde(default = "d_log_window")]
    pub log_window: u64,
    /// Seconds before an RPC request is abandoned.
    #[serde(default = "d_timeout")]
    pub request_timeout_secs: u64,
    /// Start indexing SSV after this block, from operator and network fees read at it, instead
    /// of replaying SSV's history from its deployment: for an owner with no cluster before it.
    /// Used when the store is new; the checkpoint is kept in the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_block: Option<u64>,
}

const fn d_confirmations() -> u64 {
    2
}
const fn d_log_window() -> u64 {
    10_000
}
const fn d_timeout() -> u64 {
    30
}

/// `[beacon]`: beacon-node REST API endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeaconSection {
    /// Endpoints, tried in order.
    pub urls: Vec<String>,
}

/// `[ssv_api]`: SSV's public API, for operator metadata (optional; the chain is authoritative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsvApiSection {
    /// Base URL including the network, e.g. `https://api.ssv.network/api/v4/mainnet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// How old fetched operator metadata may be before onboarding stops, seconds.
    #[serde(default = "d_metadata_age")]
    pub max_metadata_age_secs: u64,
    /// How often our registered validators are checked against the API's validity flags
    /// (registrations it marks invalid are removed and registered again), seconds; 0: never.
    #[serde(default = "d_validity")]
    pub validity_check_secs: u64,
}

const fn d_metadata_age() -> u64 {
    3_600
}
const fn d_validity() -> u64 {
    3_600
}

impl Default for SsvApiSection {
    fn default() -> Self {
        Self {
            url: None,
            max_metadata_age_secs: d_metadata_age(),
            validity_check_secs: d_validity(),
        }
    }
}

/// `[contracts]`: StaFi's storage (every other StaFi address resolves from it) and optional
/// overrides of the preset's SSV addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractsSection {
    /// StaFi's StafiStorage contract; every other StaFi address is read from it.
    pub stafi_storage: Address,
    /// SSVNetwork, in place of the network profile's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssv_network: Option<Address>,
    /// SSVNetworkViews, in place of the network profile's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssv_network_views: Option<Address>,
}

/// `[accounts]`: the two Ethereum accounts (Web3 Secret Storage v3 keystores) and the mnemonic
/// store; passwords come from the files named here, else the environment, else a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsSection {
    /// Keystore of the StaFi super-node account (signs `deposit` and `stake`).
    pub super_node_keystore: PathBuf,
    /// File whose first line is the super-node keystore's password; else
    /// `STAFI_ROUTER_SUPER_NODE_PASSWORD`, else a prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub super_node_password_file: Option<PathBuf>,
    /// Keystore of the SSV cluster owner (signs every SSVNetwork transaction).
    pub ssv_owner_keystore: PathBuf,
    /// File whose first line is the SSV owner keystore's password; else
    /// `STAFI_ROUTER_SSV_OWNER_PASSWORD`, else a prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssv_owner_password_file: Option<PathBuf>,
    /// Encrypted mnemonic the validator keys derive from (`stafi-router keys import-mnemonic`).
    pub mnemonic_store: PathBuf,
    /// File whose first line is the mnemonic store's password; else
    /// `STAFI_ROUTER_STORE_PASSWORD`, else a prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mnemonic_password_file: Option<PathBuf>,
}

/// `[pool]`: how much of StaFi's user pool the router may commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSection {
    /// ETH (decimal, e.g. "20" or "0.5") of the pool never used: StaFi's withdrawals and solo
    /// validators need it.
    #[serde(default = "d_reserve")]
    pub reserve_eth: String,
}

fn d_reserve() -> String {
    "0".to_owned()
}

impl Default for PoolSection {
    fn default() -> Self {
        Self {
            reserve_eth: d_reserve(),
        }
    }
}

/// `[gas]`: EIP-1559 fee caps and the gas a transaction may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GasSection {
    /// A transaction that would need a higher `maxFeePerGas` waits.
    #[serde(default = "d_max_fee")]
    pub max_fee_per_gas_gwei: u64,
    /// Cap of `maxPriorityFeePerGas`.
    #[serde(default = "d_max_tip")]
    pub max_priority_fee_per_gas_gwei: u64,
    /// Gas a single transaction may use (batches are cut to fit).
    #[serde(default = "d_max_gas")]
    pub max_gas_per_tx: u64,
}

const fn d_max_fee() -> u64 {
    100
}
const fn d_max_tip() -> u64 {
    2
}
const fn d_max_gas() -> u64 {
    10_000_000
}

impl Default for GasSection {
    fn default() -> Self {
        Self {
            max_fee_per_gas_gwei: d_max_fee(),
            max_priority_fee_per_gas_gwei: d_max_tip(),
            max_gas_per_tx: d_max_gas(),
        }
    }
}

/// `[batch]`: how many keys one transaction carries at most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchSection {
    /// Keys per `StafiSuperNode.deposit` (at least 1).
    #[serde(default = "d_batch")]
    pub max_deposits_per_tx: u32,
    /// Keys per `StafiSuperNode.stake` (at least 1).
    #[serde(default = "d_batch")]
    pub max_stakes_per_tx: u32,
    /// Validators per `SSVNetwork.bulkRegisterValidator` (at least 1).
    ///
    /// Also capped by SSV's per-committee limit (80/40/30/20 for 4/7/10/13 operators); the
    /// default, 80, means that limit whatever the committee size.
    #[serde(default = "d_registrations")]
    pub max_registrations_per_tx: u32,
}

const fn d_batch() -> u32 {
    16
}
const fn d_registrations() -> u32 {
    80
}

impl Default for BatchSection {
    fn default() -> Self {
        Self {
            max_deposits_per_tx: d_batch(),
            max_stakes_per_tx: d_batch(),
            max_registrations_per_tx: d_registrations(),
        }
    }
}

/// `[selection]`: how committees are chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionSection {
    /// An `operator-selection` policy TOML; the policy defaults when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_file: Option<PathBuf>,
    /// Operators per committee: 4, 7, 10 or 13.
    #[serde(default = "d_committee")]
    pub committee_size: usize,
}

const fn d_committee() -> usize {
    4
}

impl Default for SelectionSection {
    fn default() -> Self {
        Self {
            policy_file: None,
            committee_size: d_committee(),
        }
    }
}

/// `[runway]`: how long SSV clusters must stay funded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunwaySection {
    /// A top-up or a registration funds this many days.
    #[serde(default = "d_target_days")]
    pub target_days: u64,
    /// Below this many days a cluster is topped up (and reported as at risk).
    #[serde(default = "d_floor_days")]
    pub floor_days: u64,
    /// Blocks a transaction may take to land; amounts stay safe for that long.
    #[serde(default = "d_margin")]
    pub inclusion_margin_blocks: u64,
    /// Migrate legacy SSV-token clusters to ETH (`migrateClusterToETH`, funded for
    /// `target_days`); otherwise they are only reported, and `--plan` shows the cost.
    #[serde(default)]
    pub migrate_legacy: bool,
}

const fn d_target_days() -> u64 {
    90
}
const fn d_floor_days() -> u64 {
    30
}
const fn d_margin() -> u64 {
    100
}

impl Default for RunwaySection {
    fn default() -> Self {
        Self {
            target_days: d_target_days(),
            floor_days: d_floor_days(),
            inclusion_margin_blocks: d_margin(),
            migrate_legacy: false,
        }
    }
}

/// `[keys]`: validator key bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysSection {
    /// Unused key indices tolerated between used ones when recovering which keys are in use.
    #[serde(default = "d_gap")]
    pub gap_window: u64,
}

const fn d_gap() -> u64 {
    10
}

impl Default for KeysSection {
    fn default() -> Self {
        Self {
            gap_window: d_gap(),
        }
    }
}

/// `[pass]`: how often the router acts and how long it waits for its transactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassSection {
    /// Seconds between checks for a new block (a pass runs on every new block).
    #[serde(default = "d_interval")]
    pub interval_secs: u64,
    /// A transaction unmined this long is replaced with higher fees, seconds.
    #[serde(default = "d_replace")]
    pub replace_after_secs: u64,
    /// How long one pass waits for a receipt before moving on (the write stays open), seconds.
    #[serde(default = "d_receipt")]
    pub receipt_timeout_secs: u64,
    /// A pass runs at least this often even with no new block (a stalled head, or a chain that
    /// mines only on transactions), seconds.
    #[serde(default = "d_max_idle")]
    pub max_idle_secs: u64,
}

const fn d_interval() -> u64 {
    6
}
const fn d_replace() -> u64 {
    60
}
const fn d_receipt() -> u64 {
    180
}
const fn d_max_idle() -> u64 {
    60
}

impl Default for PassSection {
    fn default() -> Self {
        Self {
            interval_secs: d_interval(),
            replace_after_secs: d_replace(),
            receipt_timeout_secs: d_receipt(),
            max_idle_secs: d_max_idle(),
        }
    }
}

/// `[exits]`: StaFi's ejections (`StafiWithdraw.getEjectedValidatorsAtCycle`) and the voluntary
/// exits signed for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitsSection {
    /// On a fresh store, withdraw cycles (days) before the current one to read ejections from.
    #[serde(default = "d_lookback")]
    pub lookback_cycles: u64,
    /// An exit the beacon chain has not taken up this long after its POST is sent again, seconds.
    #[serde(default = "d_resubmit")]
    pub resubmit_after_secs: u64,
}

const fn d_lookback() -> u64 {
    20
}
const fn d_resubmit() -> u64 {
    900
}

impl Default for ExitsSection {
    fn default() -> Self {
        Self {
            lookback_cycles: d_lookback(),
            resubmit_after_secs: d_resubmit(),
        }
    }
}

/// `[uptime]`: StaFi's ejector-uptime endpoint (optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UptimeSection {
    /// POSTed `{"validatorIndexList": [...]}` of our active validators; unset: no report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Seconds between reports.
    #[serde(default = "d_uptime_interval")]
    pub interval_secs: u64,
}

const fn d_uptime_interval() -> u64 {
    300
}

impl Default for UptimeSection {
    fn default() -> Self {
        Self {
            url: None,
            interval_secs: d_uptime_interval(),
        }
    }
}

/// `[metrics]`: where `/metrics`, `/healthz` and `/readyz` listen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSection {
    /// Address of the HTTP endpoints (port 0 picks a free one, printed at start).
    #[serde(default = "d_listen")]
    pub listen: String,
    /// `/readyz` fails when the SSV index is more than this many blocks behind the head.
    #[serde(default = "d_ready_lag")]
    pub ready_max_lag_blocks: u64,
    /// `/readyz` fails after this many passes in a row failed.
    #[serde(default = "d_ready_failed")]
    pub ready_max_failed_passes: u32,
}

fn d_listen() -> String {
    "127.0.0.1:9100".to_owned()
}
const fn d_ready_lag() -> u64 {
    10
}
const fn d_ready_failed() -> u32 {
    3
}

impl Default for MetricsSection {
    fn default() -> Self {
        Self {
            listen: d_listen(),
            ready_max_lag_blocks: d_ready_lag(),
            ready_max_failed_passes: d_ready_failed(),
        }
    }
}

/// A validated configuration with the network resolved and paths made absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The configuration, every path in it absolute.
    pub config: Config,
    /// The network `[network]` names.
    pub profile: NetworkProfile,
    /// SSVNetwork in use (the profile's, or `contracts.ssv_network`).
    pub ssv_network: Address,
    /// SSVNetworkViews in use (the profile's, or `contracts.ssv_network_views`).
    pub ssv_network_views: Address,
    /// `pool.reserve_eth` in wei.
    pub pool_reserve: U256,
    /// The directory relative paths were resolved against.
    pub base_dir: PathBuf,
}

impl Config {
    /// Reads, overrides from the environment and `overrides` (`key=value`), validates.
    pub fn load(
        path: &Path,
        env: impl IntoIterator<Item = (String, String)>,
        overrides: &[(String, String)],
    ) -> Result<Settings, RouterError> {
        let text = std::fs::read_to_string(path).map_err(|source| RouterError::ConfigRead {
            path: path.to_owned(),
            source,
        })?;
        let base = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Self::from_toml(&text, path, &base, env, overrides)
    }

    /// As [`Config::load`], from text.
    pub fn from_toml(
        text: &str,
        path: &Path,
        base_dir: &Path,
        env: impl IntoIterator<Item = (String, String)>,
        overrides: &[(String, String)],
    ) -> Result<Settings, RouterError> {
        let mut value: toml::Table =
            toml::from_str(text).map_err(|e| RouterError::ConfigSyntax {
                path: path.to_owned(),
                message: e.message().to_owned(),
            })?;
        let keys = schema();
        let mut env_overrides: Vec<(String, String)> = Vec::new();
        for (name, raw) in env {
            let Some(rest) = name.strip_prefix("STAFI_ROUTER_") else {
                continue;
            };
            if RESERVED_ENV.contains(&name.as_str()) {
                continue;
            }
            match keys
                .keys()
                .find(|k| k.replace('.', "_").eq_ignore_ascii_case(rest))
            {
                Some(key) => env_overrides.push((key.clone(), raw)),
                // A misspelt key of a known section is an error; other STAFI_ROUTER_* variables
                // (a wrapper script's own) are not ours to judge.
                None if keys.keys().any(|k| {
                    let section = k.split('.').next().unwrap_or_default().to_ascii_uppercase();
                    rest.to_ascii_uppercase()
                        .starts_with(&format!("{section}_"))
                }) =>
                {
                    return Err(RouterError::UnknownEnvOverride { name: name.clone() });
                }
                None => {}
            }
        }
        for (key, raw) in env_overrides.iter().chain(overrides) {
            set_key(&mut value, key, raw, &keys)?;
        }
        let config: Config =
            serde_path_to_error::deserialize(toml::Value::Table(value)).map_err(|e| {
                RouterError::ConfigType {
                    key: e.path().to_string(),
                    message: e.inner().to_string(),
                }
            })?;
        config.settle(base_dir)
    }

    /// Validates and resolves the network and paths.
    pub fn settle(mut self, base_dir: &Path) -> Result<Settings, RouterError> {
        let invalid = |key: &str, reason: String| RouterError::ConfigInvalid {
            key: key.to_owned(),
            reason,
        };
        // Relative to the configuration file's directory, itself made absolute so that errors
        // name full paths (`stafi-router.toml` alone has the empty parent: the current directory).
        let base = if base_dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base_dir
        };
        let base_dir = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());
        let absolute = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base_dir.join(p)
            }
        };
        let profile = match (
            &self.network.preset,
            &self.network.file,
            &self.network.custom,
        ) {
            (Some(name), None, None) => NetworkProfile::preset(name)?,
            (None, Some(file), None) => {
                let path = absolute(file);
                let text =
                    std::fs::read_to_string(&path).map_err(|source| RouterError::ConfigRead {
                        path: path.clone(),
                        source,
                    })?;
                let custom: CustomNetwork =
                    toml::from_str(&text).map_err(|e| RouterError::ConfigSyntax {
                        path: path.clone(),
                        message: e.message().to_owned(),
                    })?;
                NetworkProfile::custom(&custom)?
            }
            (None, None, Some(custom)) => NetworkProfile::custom(custom)?,
            _ => {
                return Err(invalid(
                    "network",
                    "give exactly one of `preset`, `file` or a `[network.custom]` table".into(),
                ));
            }
        };
        if self.execution.rpc_urls.is_empty() {
            return Err(invalid("execution.rpc_urls", "at least one URL".into()));
        }
        for (key, urls) in [
            ("execution.rpc_urls", &self.execution.rpc_urls),
            ("beacon.urls", &self.beacon.urls),
        ] {
            for url in urls {
                reqwest::Url::parse(url)
                    .map_err(|e| invalid(key, format!("{url:?} is not a URL: {e}")))?;
            }
        }
        if self.beacon.urls.is_empty() {
            return Err(invalid("beacon.urls", "at least one URL".into()));
        }
        if let Some(url) = &self.ssv_api.url {
            reqwest::Url::parse(url)
                .map_err(|e| invalid("ssv_api.url", format!("{url:?} is not a URL: {e}")))?;
        }
        if self.execution.log_window == 0 {
            return Err(invalid("execution.log_window", "must be at least 1".into()));
        }
        let size = ssv_committee_size(self.selection.committee_size).ok_or_else(|| {
            invalid(
                "selection.committee_size",
                format!(
                    "{} is not one of 4, 7, 10, 13",
                    self.selection.committee_size
                ),
            )
        })?;
        if self.batch.max_registrations_per_tx == 0 {
            return Err(invalid(
                "batch.max_registrations_per_tx",
                "must be at least 1".into(),
            ));
        }
        // The default, 80 (SSV's largest cap), takes as many as SSV allows for the committee
        // (planning caps it by the committee's own cap); any other value must fit that cap.
        if self.batch.max_registrations_per_tx > size
            && self.batch.max_registrations_per_tx != d_registrations()
        {
            return Err(invalid(
                "batch.max_registrations_per_tx",
                format!(
                    "{} exceeds SSV's cap of {size} validators per bulk registration for a committee of {}",
                    self.batch.max_registrations_per_tx, self.selection.committee_size
                ),
            ));
        }
        if self.batch.max_deposits_per_tx == 0 || self.batch.max_stakes_per_tx == 0 {
            return Err(invalid("batch", "batch sizes must be at least 1".into()));
        }
        if self.runway.floor_days > self.runway.target_days {
            return Err(invalid(
                "runway.floor_days",
                format!(
                    "{} is above runway.target_days = {}",
                    self.runway.floor_days, self.runway.target_days
                ),
            ));
        }
        if self.pass.interval_secs == 0 {
            return Err(invalid("pass.interval_secs", "must be at least 1".into()));
        }
        if self.gas.max_priority_fee_per_gas_gwei > self.gas.max_fee_per_gas_gwei {
            return Err(invalid(
                "gas.max_priority_fee_per_gas_gwei",
                format!(
                    "{} is above gas.max_fee_per_gas_gwei = {}; lower the tip cap with the fee cap",
                    self.gas.max_priority_fee_per_gas_gwei, self.gas.max_fee_per_gas_gwei
                ),
            ));
        }
        if self.data_dir.as_os_str().is_empty() {
            return Err(invalid(
                "data_dir",
                "is empty; name the directory of the router's store (a new one on a new machine)"
                    .into(),
            ));
        }
        let pool_reserve = parse_eth(&self.pool.reserve_eth)
            .map_err(|reason| invalid("pool.reserve_eth", reason))?;
        self.metrics
            .listen
            .parse::<std::net::SocketAddr>()
            .map_err(|e| invalid("metrics.listen", e.to_string()))?;
        self.data_dir = absolute(&self.data_dir);
        let a = &mut self.accounts;
        for p in [
            &mut a.super_node_keystore,
            &mut a.ssv_owner_keystore,
            &mut a.mnemonic_store,
        ] {
            *p = absolute(p);
        }
        for p in [
            &mut a.super_node_password_file,
            &mut a.ssv_owner_password_file,
            &mut a.mnemonic_password_file,
            &mut self.selection.policy_file,
        ]
        .into_iter()
        .flatten()
        {
            *p = absolute(p);
        }
        Ok(Settings {
            ssv_network: self
                .contracts
                .ssv_network
                .unwrap_or(profile.ssv.ssv_network),
            ssv_network_views: self
                .contracts
                .ssv_network_views
                .unwrap_or(profile.ssv.ssv_network_views),
            profile,
            pool_reserve,
            base_dir: base_dir.clone(),
            config: self,
        })
    }

    /// A configuration with every key set: the documented example (`stafi-router.example.toml`)
    /// holds exactly these keys.
    pub fn example() -> Self {
        Self {
            network: NetworkSection {
                preset: Some("mainnet".into()),
                file: Some("devnet-network.toml".into()),
                custom: Some(CustomNetwork {
                    name: "devnet".into(),
                    chain_id: 31_337,
                    genesis_fork_version: "0x10000000".into(),
                    capella_fork_version: "0x40000000".into(),
                    genesis_validators_root: format!("0x{}", "00".repeat(32)),
                    ssv_network: Address::ZERO,
                    ssv_network_views: Address::ZERO,
                    ssv_token: Some(Address::ZERO),
                    ssv_deployment_block: 0,
                    v2_upgrade_block: Some(0),
                    ssv_api_network: Some("devnet".into()),
                    legacy_operator_eth_fee: Some(ssv_sync::DEFAULT_OPERATOR_ETH_FEE),
                }),
            },
            data_dir: default_data_dir(),
            execution: ExecutionSection {
                rpc_urls: vec!["http://127.0.0.1:8545".into()],
                confirmations: d_confirmations(),
                log_window: d_log_window(),
                request_timeout_secs: d_timeout(),
                from_block: Some(24_920_727),
            },
            beacon: BeaconSection {
                urls: vec!["http://127.0.0.1:5052".into()],
            },
            ssv_api: SsvApiSection {
                url: Some("https://api.ssv.network/api/v4/mainnet".into()),
                max_metadata_age_secs: d_metadata_age(),
                validity_check_secs: d_validity(),
            },
            contracts: ContractsSection {
                stafi_storage: Address::ZERO,
                ssv_network: Some(Address::ZERO),
                ssv_network_views: Some(Address::ZERO),
            },
            accounts: AccountsSection {
                super_node_keystore: "keys/super-node.json".into(),
                super_node_password_file: Some("keys/super-node.password".into()),
                ssv_owner_keystore: "keys/ssv-owner.json".into(),
                ssv_owner_password_file: Some("keys/ssv-owner.password".into()),
                mnemonic_store: "keys/mnemonic.json".into(),
                mnemonic_password_file: Some("keys/mnemonic.password".into()),
            },
            pool: PoolSection::default(),
            gas: GasSection::default(),
            batch: BatchSection::default(),
            selection: SelectionSection {
                policy_file: Some("selection.toml".into()),
                committee_size: d_committee(),
            },
            runway: RunwaySection::default(),
            keys: KeysSection::default(),
            pass: PassSection::default(),
            exits: ExitsSection::default(),
            uptime: UptimeSection {
                url: Some("https://drop-api.stafi.io/reth/v1/uploadEjectorUptime".into()),
                interval_secs: d_uptime_interval(),
            },
            metrics: MetricsSection::default(),
        }
    }
}

fn ssv_committee_size(n: usize) -> Option<u32> {
    match n {
        4 => Some(80),
        7 => Some(40),
        10 => Some(30),
        13 => Some(20),
        _ => None,
    }
}

/// Every key of the configuration (dotted) with a value of its type, from [`Config::example`].
pub fn schema() -> BTreeMap<String, toml::Value> {
    let value = toml::Value::try_from(Config::example()).expect("the example serialises");
    let mut keys = BTreeMap::new();
    flatten("", &value, &mut keys);
    keys
}

/// `value`'s leaves under their dotted keys (`section.key`), under `prefix`.
pub fn flatten(prefix: &str, value: &toml::Value, out: &mut BTreeMap<String, toml::Value>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.clone());
        }
    }
}

/// The dotted keys set in a TOML document.
pub fn keys_of(text: &str) -> Result<Vec<String>, toml::de::Error> {
    let value: toml::Value = toml::from_str(text)?;
    let mut out = BTreeMap::new();
    flatten("", &value, &mut out);
    Ok(out.into_keys().collect())
}

/// Sets `key` (dotted) to `raw`, typed as the schema says (lists are comma-separated).
fn set_key(
    table: &mut toml::Table,
    key: &str,
    raw: &str,
    schema: &BTreeMap<String, toml::Value>,
) -> Result<(), RouterError> {
    let example = schema.get(key).ok_or_else(|| RouterError::ConfigType {
        key: key.to_owned(),
        message: "no such key".into(),
    })?;
    let bad = |message: String| RouterError::ConfigType {
        key: key.to_owned(),
        message,
    };
    let value = match example {
        toml::Value::Integer(_) => toml::Value::Integer(
            raw.trim()
                .parse()
                .map_err(|e| bad(format!("{raw:?} is not an integer: {e}")))?,
        ),
        toml::Value::Boolean(_) => toml::Value::Boolean(
            raw.trim()
                .parse()
                .map_err(|e| bad(format!("{raw:?} is not true or false: {e}")))?,
        ),
        toml::Value::Array(_) => toml::Value::Array(
            raw.split(',')
                .map(|s| toml::Value::String(s.trim().to_owned()))
                .filter(|v| v.as_str() != Some(""))
                .collect(),
        ),
        _ => toml::Value::String(raw.to_owned()),
    };
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().expect("keys are non-empty");
    let mut t = table;
    for part in parts {
        t = t
            .entry(part)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .ok_or_else(|| bad(format!("`{part}` is not a table")))?;
    }
    t.insert(last.to_owned(), value);
    Ok(())
}

/// A decimal ETH amount ("20", "0.5") in wei.
pub fn parse_eth(text: &str) -> Result<U256, String> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(format!("{text:?} is not a decimal amount of ETH"));
    }
    if frac.len() > 18 {
        return Err(format!("{text:?} has more than 18 decimals"));
    }
    let digits = format!("{whole}{frac:0<18}");
    U256::from_str_radix(digits.trim_start_matches('0').max("0"), 10)
        .map_err(|e| format!("{text:?}: {e}"))
}
