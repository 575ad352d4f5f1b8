//! The keyshares JSON file as ssv-keys, the SSV web app and ssv-dkg write it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FileJson {
    pub version: String,
    #[serde(default)]
    pub created_at: String,
    pub shares: Vec<ItemJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ItemJson {
    pub data: DataJson,
    pub payload: PayloadJson,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DataJson {
    pub owner_nonce: u64,
    pub owner_address: String,
    pub public_key: String,
    pub operators: Vec<OperatorJson>,
}

/// `{"id": 1, "operatorKey": "<base64 PEM>"}`, as in keyshares files and operator lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorJson {
    /// The operator id.
    pub id: u64,
    /// `operatorKey`: base64 of the operator's RSA public key PEM.
    pub operator_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PayloadJson {
    pub public_key: String,
    pub operator_ids: Vec<u64>,
    pub shares_data: String,
}
