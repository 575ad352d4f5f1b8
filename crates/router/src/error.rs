use std::path::PathBuf;

use alloy::primitives::{Address, U256};
use thiserror::Error;

/// Everything that can go wrong in the router library.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RouterError {
    // ------------------------------------------------------------ configuration
    /// The configuration file could not be read.
    #[error("cannot read the configuration {}: {source}", path.display())]
    ConfigRead {
        /// The file: the configuration, the custom network file or the selection policy file.
        path: PathBuf,
        /// The I/O error reading it.
        #[source]
        source: std::io::Error,
    },
    /// The configuration is not valid TOML.
    #[error("{} is not valid TOML: {message}", path.display())]
    ConfigSyntax {
        /// The file: the configuration or the custom network file.
        path: PathBuf,
        /// The TOML parser's message.
        message: String,
    },
    /// A key has a value of the wrong type, or the key is unknown.
    #[error("configuration key `{key}`: {message}")]
    ConfigType {
        /// The dotted key (`section.key`).
        key: String,
        /// What is wrong with the value, or `no such key`.
        message: String,
    },
    /// A key's value is well-typed but not acceptable.
    #[error("configuration key `{key}`: {reason}")]
    ConfigInvalid {
        /// The dotted key (`section.key`), or the section when the rule spans several keys.
        key: String,
        /// Why the value is refused.
        reason: String,
    },
    /// A `STAFI_ROUTER_*` environment variable that names no configuration key.
    #[error(
        "environment variable {name} names no configuration key (keys map to STAFI_ROUTER_<SECTION>_<KEY>)"
    )]
    UnknownEnvOverride {
        /// The environment variable's name.
        name: String,
    },
    /// No built-in network has this name.
    #[error("unknown network preset {name:?}; built in: {known}")]
    UnknownPreset {
        /// The name `network.preset` gave.
        name: String,
        /// The built-in names, comma-separated.
        known: String,
    },
    /// A network description was refused.
    #[error("configuration key `{key}`: {source}")]
    Network {
        /// `network.preset` or `network.custom`.
        key: &'static str,
        /// Why `keygen` refused the network's parameters.
        #[source]
        source: keygen::KeygenError,
    },

    // ------------------------------------------------------------ secrets and accounts
    /// A secret file (password file, keystore, mnemonic store) that the group or others may
    /// read: refused before it is read.
    #[error("the {what}: {source}")]
    ExposedSecretFile {
        /// Which secret file (e.g. `SSV owner keystore`, `mnemonic store`).
        what: String,
        /// The permission check's error, with the path and its mode.
        #[source]
        source: keygen::KeygenError,
    },
    /// A password file could not be read.
    #[error("cannot read the password file {}: {source}", path.display())]
    PasswordFile {
        /// The password file the configuration names.
        path: PathBuf,
        /// The I/O error reading it.
        #[source]
        source: std::io::Error,
    },
    /// No password was given for a secret and there is no terminal to ask on.
    #[error("no password for {what}: set `{key}` or {env}")]
    PasswordMissing {
        /// The secret (e.g. `mnemonic store`).
        what: &'static str,
        /// The configuration key that would name its password file.
        key: &'static str,
        /// The environment variable that would hold its password.
        env: &'static str,
    },
    /// An Ethereum account keystore (Web3 Secret Storage v3) could not be decrypted.
    #[error("cannot open the {role} keystore {}: {message}", path.display())]
    AccountKeystore {
        /// `super node` or `SSV owner`.
        role: &'static str,
        /// The keystore file.
        path: PathBuf,
        /// Why it did not open (a wrong password is named as such).
        message: String,
    },
    /// The mnemonic store could not be opened.
    #[error("cannot open the mnemonic store {}: {source}", path.display())]
    MnemonicStore {
        /// The mnemonic store file (`accounts.mnemonic_store`).
        path: PathBuf,
        /// Why it did not open (a wrong password, a bad file, …).
        #[source]
        source: keygen::KeygenError,
    },
    /// A validator key could not be derived.
    #[error("deriving validator key {index}: {source}")]
    KeyDerivation {
        /// The EIP-2334 key index.
        index: u64,
        /// The derivation or deposit-data error.
        #[source]
        source: keygen::KeygenError,
    },

    // ------------------------------------------------------------ store
    /// The store (redb) failed.
    #[error("store {}: {message}", path.display())]
    Store {
        /// The database file, the data directory or its lock file.
        path: PathBuf,
        /// The storage or I/O error.
        message: String,
    },
    /// Another process holds the data directory.
    #[error("the data directory {} is in use by process {pid} (lock file {})", dir.display(), lock.display())]
    StoreLocked {
        /// The data directory.
        dir: PathBuf,
        /// Its lock file (`LOCK`).
        lock: PathBuf,
        /// The process id the lock file holds (empty if unreadable).
        pid: String,
    },
    /// The store was written by a schema this version does not know.
    #[error("the store {} has schema version {found}; this router reads version {supported} and never migrates silently", path.display())]
    StoreSchema {
        /// The database file.
        path: PathBuf,
        /// The schema version recorded in it.
        found: u32,
        /// The version this router reads ([`SCHEMA_VERSION`](crate::SCHEMA_VERSION)).
        supported: u32,
    },
    /// The store belongs to another chain or owner than the configuration.
    #[error("the store {} was created for {key} {stored}, the configuration says {configured}", path.display())]
    StoreMismatch {
        /// The database file.
        path: PathBuf,
        /// What differs: `chain id`, `SSVNetwork`, `SSV owner` or `super node`.
        key: &'static str,
        /// The value the store was created with.
        stored: String,
        /// The value the configuration gives now.
        configured: String,
    },
    /// A record in the store does not decode.
    #[error("store record {table}/{key} does not decode: {message}")]
    StoreRecord {
        /// The table (`meta`, `sync`, `ssv_logs`, `validators`, `intents`).
        table: &'static str,
        /// The record's key in that table.
        key: String,
        /// The decoding error.
        message: String,
    },

    // ------------------------------------------------------------ chain access
    /// Every execution RPC endpoint failed for a request.
    #[error("{method} failed on every execution endpoint: {message}")]
    Rpc {
        /// The JSON-RPC method (e.g. `eth_getTransactionCount`), or the client step that failed.
        method: String,
        /// The error, as the endpoints or the client reported it.
        message: String,
    },
    /// An execution endpoint is on another chain than the configuration.
    #[error("execution endpoint {url} is on chain {found}, the configuration says {expected}")]
    WrongChain {
        /// The endpoint's URL.
        url: String,
        /// The chain id it answered to `eth_chainId`.
        found: u64,
        /// The chain id of the configured network.
        expected: u64,
    },
    /// A configured contract address holds no code on the chain.
    #[error(
        "{key} = {address} has no contract code on chain {chain_id}: check the address in the configuration"
    )]
    NoContract {
        /// The configuration key (or network profile field) that gives the address.
        key: &'static str,
        /// The address.
        address: alloy::primitives::Address,
        /// The chain it was looked up on.
        chain_id: u64,
    },
    /// The beacon node is on another network than the configuration's.
    #[error(
        "the beacon node {url} is on another network: its {what} is {found}, the configuration's {expected}"
    )]
    BeaconWrongNetwork {
        /// The configured beacon URLs, comma-separated.
        url: String,
        /// The genesis field that differs (`genesis_fork_version`, `genesis_validators_root`).
        what: &'static str,
        /// The node's value, hex.
        found: String,
        /// The network profile's value, hex.
        expected: String,
    },
    /// The configured SSVNetwork address holds another contract.
    #[error(
        "ssv_network = {address} is not SSVNetwork (getVersion() failed: {message}): check the address in the configuration"
    )]
    NotSsvNetwork {
        /// The SSVNetwork address in use.
        address: alloy::primitives::Address,
        /// Why `getVersion()` failed.
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
    Beacon {
        /// The URL requested (the configured URLs, comma-separated, when none was reached).
        url: String,
        /// The HTTP status and the start of the body, or the request error.
        message: String,
    },
    /// A beacon API answer does not decode.
    #[error("beacon API {url} answered something unexpected: {message}")]
    BeaconDecode {
        /// The URL that answered.
        url: String,
        /// The decoding error.
        message: String,
    },

    /// The Prometheus recorder could not be installed, or the metrics endpoint could not listen
    /// or serve.
    #[error("metrics endpoint {listen}: {message}")]
    Metrics {
        /// The `metrics.listen` address (empty when installing the recorder failed).
        listen: String,
        /// The underlying error.
        message: String,
    },

    /// The uptime report was not accepted by StaFi's ejector-uptime endpoint.
    #[error("uptime report to {url}: {message}")]
    Uptime {
        /// The `uptime.url` it was POSTed to.
        url: String,
        /// The request error, or the HTTP status and reply that was not `"status": "80000"`.
        message: String,
    },

    /// A write would use more gas than `gas.max_gas_per_tx`.
    #[error("{call} needs {gas} gas, above gas.max_gas_per_tx = {cap}")]
    GasAboveCap {
        /// The contract function (e.g. `SSVNetwork.bulkRegisterValidator`).
        call: &'static str,
        /// The gas it would be sent with (`eth_estimateGas` + 20 %).
        gas: u64,
        /// `gas.max_gas_per_tx`.
        cap: u64,
    },

    // ------------------------------------------------------------ consistency checks
    /// `config check` found values that disagree.
    #[error("{what}: expected {expected}, found {found}")]
    Mismatch {
        /// The check (e.g. `beacon CAPELLA_FORK_VERSION`).
        what: String,
        /// The value the configuration implies.
        expected: String,
        /// The value the chain or the beacon node has.
        found: String,
    },
    /// A contract address has no code.
    #[error("{name} at {address} has no code")]
    NoCode {
        /// The contract's name (e.g. `stafiWithdraw`, `SSVNetworkViews`).
        name: String,
        /// Its address.
        address: Address,
    },
    /// The chain's and the SSV API's owner nonce disagree.
    #[error("owner {owner}: the chain counts nonce {chain}, the SSV API says {api}")]
    NonceDisagreement {
        /// The SSV owner.
        owner: Address,
        /// The nonce counted from the chain's `ValidatorAdded` events.
        chain: u64,
        /// The nonce the SSV API returned.
        api: u64,
    },
    /// A derived pubkey is registered to another super node (it is not ours to use).
    #[error(
        "validator key {index} ({pubkey}) has status {status} on StaFi but is not listed for our super node"
    )]
    ForeignKey {
        /// The EIP-2334 key index.
        index: u64,
        /// The derived pubkey, `0x`-prefixed hex.
        pubkey: String,
        /// Its StafiSuperNode status (see [`stafi_status`](crate::stafi_status)).
        status: u64,
    },
    /// The super node lists a pubkey the mnemonic does not derive within the scan window.
    #[error(
        "the super node lists pubkey {pubkey} that keys 0..{scanned} of the mnemonic do not derive"
    )]
    UnknownSuperNodeKey {
        /// The smallest unmatched listed pubkey, `0x`-prefixed hex.
        pubkey: String,
        /// How many key indices were derived (from 0).
        scanned: u64,
    },
    /// An amount does not fit.
    #[error("{what} = {value} does not fit")]
    Overflow {
        /// The quantity (e.g. `key index`, `getSuperNodePubkeyCount`).
        what: &'static str,
        /// Its value.
        value: U256,
    },
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
