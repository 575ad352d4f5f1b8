use std::path::PathBuf;

use alloy::primitives::{Address, B256, U256};
use thiserror::Error;

/// Everything that can go wrong in the router library.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RouterError {
    // ------------------------------------------------------------ configuration
    /// The configuration file could not be read.
    #[error("cannot read the configuration {}: {source}", path.display())]
    ConfigRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The configuration is not valid TOML.
    #[error("{} is not valid TOML: {message}", path.display())]
    ConfigSyntax { path: PathBuf, message: String },
    /// A key has a value of the wrong type, or the key is unknown.
    #[error("configuration key `{key}`: {message}")]
    ConfigType { key: String, message: String },
    /// A key's value is well-typed but not acceptable.
    #[error("configuration key `{key}`: {reason}")]
    ConfigInvalid { key: String, reason: String },
    /// A `STAFI_ROUTER_*` environment variable that names no configuration key.
    #[error(
        "environment variable {name} names no configuration key (keys map to STAFI_ROUTER_<SECTION>_<KEY>)"
    )]
    UnknownEnvOverride { name: String },
    /// No built-in network has this name.
    #[error("unknown network preset {name:?}; built in: {known}")]
    UnknownPreset { name: String, known: String },
    /// A network description was refused.
    #[error("configuration key `{key}`: {source}")]
    Network {
        key: &'static str,
        #[source]
        source: keygen::KeygenError,
    },

    // ------------------------------------------------------------ secrets and accounts
    /// A secret file (password file, keystore, mnemonic store) that the group or others may
    /// read: refused before it is read.
    #[error("the {what}: {source}")]
    ExposedSecretFile {
        what: String,
        #[source]
        source: keygen::KeygenError,
    },
    /// A password file could not be read.
    #[error("cannot read the password file {}: {source}", path.display())]
    PasswordFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// No password was given for a secret and there is no terminal to ask on.
    #[error("no password for {what}: set `{key}` or {env}")]
    PasswordMissing {
        what: &'static str,
        key: &'static str,
        env: &'static str,
    },
    /// An Ethereum account keystore (Web3 Secret Storage v3) could not be decrypted.
    #[error("cannot open the {role} keystore {}: {message}", path.display())]
    AccountKeystore {
        role: &'static str,
        path: PathBuf,
        message: String,
    },
    /// The mnemonic store could not be opened.
    #[error("cannot open the mnemonic store {}: {source}", path.display())]
    MnemonicStore {
        path: PathBuf,
        #[source]
        source: keygen::KeygenError,
    },
    /// A validator key could not be derived.
    #[error("deriving validator key {index}: {source}")]
    KeyDerivation {
        index: u64,
        #[source]
        source: keygen::KeygenError,
    },

    // ------------------------------------------------------------ store
    /// The store (redb) failed.
    #[error("store {}: {message}", path.display())]
    Store { path: PathBuf, message: String },
    /// Another process holds the data directory.
    #[error("the data directory {} is in use by process {pid} (lock file {})", dir.display(), lock.display())]
    StoreLocked {
        dir: PathBuf,
        lock: PathBuf,
        pid: String,
    },
    /// The store was written by a schema this version does not know.
    #[error("the store {} has schema version {found}; this router reads version {supported} and never migrates silently", path.display())]
    StoreSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    /// The store belongs to another chain or owner than the configuration.
    #[error("the store {} was created for {key} {stored}, the configuration says {configured}", path.display())]
    StoreMismatch {
        path: PathBuf,
        key: &'static str,
        stored: String,
        configured: String,
    },
    /// A record in the store does not decode.
    #[error("store record {table}/{key} does not decode: {message}")]
    StoreRecord {
        table: &'static str,
        key: String,
        message: String,
    },

    // ------------------------------------------------------------ chain access
    /// Every execution RPC endpoint failed for a request.
    #[error("{method} failed on every execution endpoint: {message}")]
    Rpc { method: String, message: String },
    /// An execution endpoint is on another chain than the configuration.
    #[error("execution endpoint {url} is on chain {found}, the configuration says {expected}")]
    WrongChain {
        url: String,
        found: u64,
        expected: u64,
    },
    /// A configured contract address holds no code on the chain.
    #[error(
        "{key} = {address} has no contract code on chain {chain_id}: check the address in the configuration"
    )]
    NoContract {
        key: &'static str,
        address: alloy::primitives::Address,
        chain_id: u64,
    },
    /// The beacon node is on another network than the configuration's.
    #[error(
        "the beacon node {url} is on another network: its {what} is {found}, the configuration's {expected}"
    )]
    BeaconWrongNetwork {
        url: String,
        what: &'static str,
        found: String,
        expected: String,
    },
    /// The configured SSVNetwork address holds another contract.
    #[error(
        "ssv_network = {address} is not SSVNetwork (getVersion() failed: {message}): check the address in the configuration"
    )]
    NotSsvNetwork {
        address: alloy::primitives::Address,
        message: String,
    },
    /// A contract call failed.
    #[error(transparent)]
    Contract(#[from] stafi_contracts::ContractsError),
    /// The SSV indexer failed.
    #[error(transparent)]
    Sync(#[from] ssv_sync::SyncError),
    /// The SSV API failed.
    #[error(transparent)]
    SsvApi(#[from] ssv_api::SsvApiError),
    /// Operator selection found no committee.
    #[error(transparent)]
    Selection(Box<operator_selection::SelectionError>),
    /// Keyshares could not be built.
    #[error(transparent)]
    Keyshare(Box<keyshare::KeyshareError>),
    /// Cluster accounting refused a computation.
    #[error(transparent)]
    Accounting(#[from] cluster_accounting::AccountingError),
    /// A beacon API request failed.
    #[error("beacon API {url}: {message}")]
    Beacon { url: String, message: String },
    /// A beacon API answer does not decode.
    #[error("beacon API {url} answered something unexpected: {message}")]
    BeaconDecode { url: String, message: String },

    #[error("metrics endpoint {listen}: {message}")]
    Metrics { listen: String, message: String },

    #[error("uptime report to {url}: {message}")]
    Uptime { url: String, message: String },

    /// A write would use more gas than `gas.max_gas_per_tx`.
    #[error("{call} needs {gas} gas, above gas.max_gas_per_tx = {cap}")]
    GasAboveCap {
        call: &'static str,
        gas: u64,
        cap: u64,
    },

    // ------------------------------------------------------------ consistency checks
    /// `config check` found values that disagree.
    #[error("{what}: expected {expected}, found {found}")]
    Mismatch {
        what: String,
        expected: String,
        found: String,
    },
    /// A contract address has no code.
    #[error("{name} at {address} has no code")]
    NoCode { name: String, address: Address },
    /// The chain's and the SSV API's owner nonce disagree.
    #[error("owner {owner}: the chain counts nonce {chain}, the SSV API says {api}")]
    NonceDisagreement {
        owner: Address,
        chain: u64,
        api: u64,
    },
    /// A derived pubkey is registered to another super node (it is not ours to use).
    #[error(
        "validator key {index} ({pubkey}) has status {status} on StaFi but is not listed for our super node"
    )]
    ForeignKey {
        index: u64,
        pubkey: String,
        status: u64,
    },
    /// The super node lists a pubkey the mnemonic does not derive within the scan window.
    #[error(
        "the super node lists pubkey {pubkey} that keys 0..{scanned} of the mnemonic do not derive"
    )]
    UnknownSuperNodeKey { pubkey: String, scanned: u64 },
    /// An amount does not fit.
    #[error("{what} = {value} does not fit")]
    Overflow { what: &'static str, value: U256 },
    /// A block hash the store trusts disagrees with the chain (handled as a reorg by sync).
    #[error("block {block} hash {stored} is no longer on chain")]
    Orphaned { block: u64, stored: B256 },
}

impl RouterError {
    /// Whether waiting may cure it: an execution endpoint, the beacon node or the SSV indexer
    /// not answering (or answering garbage). Wrong configuration, a wrong chain, a revert, bad
    /// keystores or a store in use are not: retrying them only hides the problem.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Rpc { .. } | Self::Beacon { .. } | Self::BeaconDecode { .. } => true,
            Self::Sync(e) => !matches!(e, ssv_sync::SyncError::UpgradeBlockMismatch { .. }),
            Self::Contract(stafi_contracts::ContractsError::Call { source, .. }) => {
                matches!(**source, alloy::contract::Error::TransportError(_))
            }
            _ => false,
        }
    }
}
