//! JSON shapes read and written by this crate. Field names and order follow the deposit tool,
//! EIP-2335 and the beacon API.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An EIP-2335 keystore file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeystoreJson {
    /// The encrypted secret key.
    pub crypto: CryptoJson,
    /// Free-text description; empty when absent.
    #[serde(default)]
    pub description: String,
    /// The BLS public key in hex (written lowercase without `0x`); optional in EIP-2335.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pubkey: Option<String>,
    /// The EIP-2334 derivation path, e.g. `m/12381/3600/0/0/0`; may be empty.
    pub path: String,
    /// A random UUID (v4) naming the keystore.
    pub uuid: String,
    /// The EIP-2335 version; only 4 is accepted.
    pub version: u32,
}

/// The encrypted mnemonic store file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MnemonicStoreJson {
    /// The encrypted mnemonic phrase.
    pub crypto: CryptoJson,
    /// What the store holds: [`MNEMONIC_STORE_CONTENT`](crate::MNEMONIC_STORE_CONTENT).
    pub content: String,
    /// Free-text description; empty when absent.
    #[serde(default)]
    pub description: String,
    /// A random UUID (v4) naming the store.
    pub uuid: String,
    /// The format version; only 4 is accepted, as in EIP-2335.
    pub version: u32,
}

/// EIP-2335 `crypto` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CryptoJson {
    /// Key derivation from the password: `scrypt` or `pbkdf2`, with its parameters and salt.
    pub kdf: ModuleJson,
    /// `sha256` of the derived key's last 16 bytes and the ciphertext; a mismatch means a wrong
    /// password.
    pub checksum: ModuleJson,
    /// `aes-128-ctr` with its `iv`; the message is the ciphertext.
    pub cipher: ModuleJson,
}

/// One EIP-2335 module: `function`, `params`, `message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleJson {
    /// Name of the function, e.g. `scrypt`, `sha256`, `aes-128-ctr`.
    pub function: String,
    /// The function's parameters (for the KDF `dklen`, `salt` and `n`, `r`, `p` or `c`, `prf`;
    /// for the cipher `iv`); empty for the checksum.
    #[serde(default)]
    pub params: Map<String, Value>,
    /// Hex output: the checksum, or the ciphertext; empty for the KDF.
    #[serde(default)]
    pub message: String,
}

/// One entry of the deposit tool's `deposit_data-*.json` (hex without `0x`, amount in gwei).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositDataJson {
    /// Validator public key (48 bytes).
    pub pubkey: String,
    /// Withdrawal credentials (32 bytes).
    pub withdrawal_credentials: String,
    /// Deposit amount in gwei.
    pub amount: u64,
    /// BLS signature of the deposit message (96 bytes).
    pub signature: String,
    /// `hash_tree_root(DepositMessage)` (32 bytes).
    pub deposit_message_root: String,
    /// `hash_tree_root(DepositData)`, the root the deposit contract takes (32 bytes).
    pub deposit_data_root: String,
    /// The network's genesis fork version (4 bytes).
    pub fork_version: String,
    /// The network's short name, e.g. `mainnet`.
    pub network_name: String,
    /// The deposit tool version the file claims: [`DEPOSIT_CLI_VERSION`](crate::DEPOSIT_CLI_VERSION).
    pub deposit_cli_version: String,
}

/// Body of `POST /eth/v1/beacon/pool/voluntary_exits`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedVoluntaryExitJson {
    /// The signed exit message.
    pub message: VoluntaryExitJson,
    /// BLS signature of the message, `0x`-prefixed hex (96 bytes).
    pub signature: String,
}

/// `VoluntaryExit` with decimal-string numbers, as the beacon API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoluntaryExitJson {
    /// Earliest epoch the exit may be processed, in decimal.
    pub epoch: String,
    /// Beacon-chain validator index, in decimal.
    pub validator_index: String,
}

/// A custom network as written in configuration (hex with or without `0x`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// Short name, one word; must not be a built-in network's.
    pub name: String,
    /// Execution-layer chain id.
    pub chain_id: u64,
    /// `GENESIS_FORK_VERSION`, 4 bytes in hex.
    pub genesis_fork_version: String,
    /// `CAPELLA_FORK_VERSION`, 4 bytes in hex.
    pub capella_fork_version: String,
    /// `genesis_validators_root` of the beacon chain, 32 bytes in hex.
    pub genesis_validators_root: String,
}
