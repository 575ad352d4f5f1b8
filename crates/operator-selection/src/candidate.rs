use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

/// SSV's fee maths uses this many blocks per year (ssv-sdk `BLOCKS_PER_YEAR`).
pub const BLOCKS_PER_YEAR: u128 = 2_628_000;

/// The per-operator validator limit on mainnet and hoodi since DIP-37.
pub const DEFAULT_VALIDATORS_PER_OPERATOR_LIMIT: u32 = 3000;

/// What the SSV API says about an operator's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorStatus {
    /// Running and attesting for its validators.
    Active,
    /// Registered but not running well enough to count as active.
    Inactive,
    /// Registered, healthy as far as the API can tell, but without validators yet.
    NoValidators,
    /// Removed from SSV: can never serve a validator again.
    Removed,
    /// A status string this crate does not know.
    Unknown,
}

/// One operator that could join a committee, as plain data.
///
/// Fees are wei per block: `eth_fee` in ETH (what new, ETH-paying clusters pay), `ssv_fee` in SSV
/// (what legacy SSV-token clusters pay). Performance is in percent (0–100); `None` means the API
/// has no data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "mirrors the API's independent flags"
)]
pub struct Candidate {
    /// Operator id (also the share's x-coordinate).
    pub id: u64,
    /// Base64 PEM RSA public key; empty when unknown.
    pub public_key: String,
    /// ETH fee, wei per block per 32 ETH.
    pub eth_fee: u128,
    /// Legacy SSV fee, SSV-wei per block; `None` when unknown.
    pub ssv_fee: Option<u128>,
    /// Validators the operator runs now.
    pub validator_count: u32,
    /// `is_active == 1` in the API.
    pub is_active: bool,
    /// The API's status string, parsed.
    pub status: OperatorStatus,
    /// `is_deleted` in the API, or status `Removed`.
    pub removed: bool,
    /// Private operators accept only whitelisted owners.
    pub is_private: bool,
    /// Owners a private operator accepts.
    pub whitelist: Vec<Address>,
    /// Verified by the SSV DAO (`type == verified_operator`).
    pub verified: bool,
    /// Performance over the last 24 hours, percent.
    pub performance_24h: Option<f64>,
    /// Performance over the last 30 days, percent.
    pub performance_30d: Option<f64>,
    /// Hosting or setup provider, e.g. `AWS`.
    pub setup_provider: Option<String>,
    /// Country or region.
    pub location: Option<String>,
    /// Execution-layer client, e.g. `Geth`.
    pub el_client: Option<String>,
    /// Consensus-layer client, e.g. `Lighthouse`.
    pub cl_client: Option<String>,
    /// MEV relays the operator connects to.
    pub mev_relays: Vec<String>,
    /// The operator's owner address.
    pub owner_address: Address,
    /// DKG endpoint (`https://…`), when the operator runs one.
    pub dkg_endpoint: Option<String>,
}

impl Candidate {
    /// An active, public, unverified operator with perfect performance and no metadata; set the
    /// other fields with struct update syntax.
    pub fn new(id: u64, public_key: impl Into<String>, eth_fee: u128) -> Self {
        Self {
            id,
            public_key: public_key.into(),
            eth_fee,
            ssv_fee: None,
            validator_count: 0,
            is_active: true,
            status: OperatorStatus::Active,
            removed: false,
            is_private: false,
            whitelist: Vec::new(),
            verified: false,
            performance_24h: Some(100.0),
            performance_30d: Some(100.0),
            setup_provider: None,
            location: None,
            el_client: None,
            cl_client: None,
            mev_relays: Vec::new(),
            owner_address: Address::ZERO,
            dkg_endpoint: None,
        }
    }

    /// Removed from SSV, by flag or by status.
    pub fn is_removed(&self) -> bool {
        self.removed || self.status == OperatorStatus::Removed
    }

    /// Active by flag and not in an inactive or removed status.
    pub fn is_running(&self) -> bool {
        self.is_active
            && !self.is_removed()
            && matches!(
                self.status,
                OperatorStatus::Active | OperatorStatus::NoValidators
            )
    }

    /// Whether `owner` may register validators with this operator.
    pub fn accepts_owner(&self, owner: Address) -> bool {
        !self.is_private || self.whitelist.contains(&owner)
    }
}

/// Which token a cluster pays its fees in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeToken {
    /// New clusters pay operators and the network in ETH.
    #[default]
    Eth,
    /// Clusters created before SSV's ETH upgrade keep paying in SSV.
    LegacySsv,
}

/// A cluster the owner already has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingCluster {
    /// Operator ids, in any order.
    pub operator_ids: Vec<u64>,
    /// Validators registered in it.
    pub validator_count: u32,
    /// Public keys (hex) of those validators, when known; used to name moves.
    #[serde(default)]
    pub validators: Vec<String>,
    /// The token the cluster pays in.
    #[serde(default)]
    pub fee_token: FeeToken,
}

impl ExistingCluster {
    /// The operator ids, sorted ascending.
    pub fn sorted_ids(&self) -> Vec<u64> {
        let mut ids = self.operator_ids.clone();
        ids.sort_unstable();
        ids
    }
}

/// Everything a selection looks at besides the policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionInput {
    /// Operators that could be chosen.
    pub candidates: Vec<Candidate>,
    /// Clusters the owner already has.
    pub clusters: Vec<ExistingCluster>,
    /// The cluster owner (our SSV account).
    pub owner: Address,
    /// `validatorsPerOperatorLimit` of the SSV contract.
    pub validators_per_operator_limit: u32,
}

impl SelectionInput {
    /// Input with no existing clusters and the DIP-37 validator limit.
    pub fn new(candidates: Vec<Candidate>, owner: Address) -> Self {
        Self {
            candidates,
            clusters: Vec::new(),
            owner,
            validators_per_operator_limit: DEFAULT_VALIDATORS_PER_OPERATOR_LIMIT,
        }
    }
}
