//! JSON shapes read and written by this crate. Field names and order follow the deposit tool,
//! EIP-2335 and the beacon API.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An EIP-2335 keystore file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeystoreJson {
    pub crypto: CryptoJson,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pubkey: Option<String>,
    pub path: String,
    pub uuid: String,
    pub version: u32,
}

/// The encrypted mnemonic store file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MnemonicStoreJson {
    pub crypto: CryptoJson,
    pub content: String,
    #[serde(default)]
    pub description: String,
    pub uuid: String,
    pub version: u32,
}

/// EIP-2335 `crypto` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CryptoJson {
    pub kdf: ModuleJson,
    pub checksum: ModuleJson,
    pub cipher: ModuleJson,
}

/// One EIP-2335 module: `function`, `params`, `message`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleJson {
    pub function: String,
    #[serde(default)]
    pub params: Map<String, Value>,
    #[serde(default)]
    pub message: String,
}

/// One entry of the deposit tool's `deposit_data-*.json` (hex without `0x`, amount in gwei).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositDataJson {
    pub pubkey: String,
    pub withdrawal_credentials: String,
    pub amount: u64,
    pub signature: String,
    pub deposit_message_root: String,
    pub deposit_data_root: String,
    pub fork_version: String,
    pub network_name: String,
    pub deposit_cli_version: String,
}

/// Body of `POST /eth/v1/beacon/pool/voluntary_exits`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedVoluntaryExitJson {
    pub message: VoluntaryExitJson,
    pub signature: String,
}

/// `VoluntaryExit` with decimal-string numbers, as the beacon API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoluntaryExitJson {
    pub epoch: String,
    pub validator_index: String,
}

/// A custom network as written in configuration (hex with or without `0x`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkConfig {
    pub name: String,
    pub chain_id: u64,
    pub genesis_fork_version: String,
    pub capella_fork_version: String,
    pub genesis_validators_root: String,
}
