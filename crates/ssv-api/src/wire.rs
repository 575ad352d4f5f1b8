//! JSON shapes of the SSV API (v4), decoded tolerantly: unknown fields are ignored, every field
//! except an operator's `id` and `public_key` may be missing or `null`, and numbers may come as
//! JSON numbers or decimal strings.

use alloy_primitives::Address;
use serde::{Deserialize, Deserializer, Serialize, de};

/// One operator (`GET /operators/{id}`, items of `GET /operators`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operator {
    /// Operator id.
    #[serde(deserialize_with = "num_u64")]
    pub id: u64,
    /// Base64 of the PEM RSA public key.
    pub public_key: String,
    /// Legacy SSV fee, SSV-wei per block.
    #[serde(default, deserialize_with = "opt_num_u128")]
    pub fee: Option<u128>,
    /// ETH fee, wei per block.
    #[serde(default, deserialize_with = "opt_num_u128")]
    pub eth_fee: Option<u128>,
    /// Fee the operator has declared and not yet executed.
    #[serde(default, deserialize_with = "opt_num_u128")]
    pub declared_fee: Option<u128>,
    /// Fee before the last change.
    #[serde(default, deserialize_with = "opt_num_u128")]
    pub previous_fee: Option<u128>,
    /// Owner address.
    #[serde(default)]
    pub owner_address: Option<Address>,
    /// Whitelisted owners of a private operator.
    #[serde(default, deserialize_with = "opt_addresses")]
    pub whitelist_addresses: Option<Vec<Address>>,
    /// Legacy single whitelist address.
    #[serde(default, deserialize_with = "opt_address_lenient")]
    pub address_whitelist: Option<Address>,
    /// Whitelisting contract, when the operator uses one.
    #[serde(default)]
    pub whitelisting_contract: Option<String>,
    /// Private operators accept only whitelisted owners.
    #[serde(default, deserialize_with = "opt_flag")]
    pub is_private: Option<bool>,
    /// Verified by the SSV DAO (older field; see also `operator_type`).
    #[serde(default, deserialize_with = "opt_flag")]
    pub verified_operator: Option<bool>,
    /// `operator`, `verified_operator` or `dapp_node`.
    #[serde(default, rename = "type")]
    pub operator_type: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Country or region.
    #[serde(default)]
    pub location: Option<String>,
    /// Hosting or setup provider.
    #[serde(default)]
    pub setup_provider: Option<String>,
    /// Execution-layer client.
    #[serde(default)]
    pub eth1_node_client: Option<String>,
    /// Consensus-layer client.
    #[serde(default)]
    pub eth2_node_client: Option<String>,
    /// MEV relays, comma separated (or a list).
    #[serde(default, deserialize_with = "opt_relays")]
    pub mev_relays: Option<Vec<String>>,
    /// DKG endpoint (`https://…`) or empty.
    #[serde(default)]
    pub dkg_address: Option<String>,
    /// Performance in percent.
    #[serde(default)]
    pub performance: Option<Performance>,
    /// The API's own validity flag.
    #[serde(default, deserialize_with = "opt_flag")]
    pub is_valid: Option<bool>,
    /// Deleted (removed) operator.
    #[serde(default, deserialize_with = "opt_flag")]
    pub is_deleted: Option<bool>,
    /// 1 when active.
    #[serde(default, deserialize_with = "opt_flag")]
    pub is_active: Option<bool>,
    /// `Active`, `Inactive`, `No Validators` or `Removed`.
    #[serde(default)]
    pub status: Option<String>,
    /// Validators the operator runs.
    #[serde(default, deserialize_with = "opt_num_u64")]
    pub validators_count: Option<u64>,
    /// Network name.
    #[serde(default)]
    pub network: Option<String>,
}

impl Operator {
    /// Verified by the SSV DAO, by either field.
    pub fn is_verified(&self) -> bool {
        self.verified_operator == Some(true)
            || self.operator_type.as_deref() == Some("verified_operator")
    }

    /// Removed, by flag or status.
    pub fn is_removed(&self) -> bool {
        self.is_deleted == Some(true)
            || self
                .status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("removed"))
    }

    /// Every whitelisted owner (list and legacy single address).
    pub fn whitelist(&self) -> Vec<Address> {
        let mut all = self.whitelist_addresses.clone().unwrap_or_default();
        if let Some(a) = self.address_whitelist
            && !a.is_zero()
            && !all.contains(&a)
        {
            all.push(a);
        }
        all
    }
}

/// Performance windows, percent.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Performance {
    /// Last 24 hours.
    #[serde(default, rename = "24h", deserialize_with = "opt_num_f64")]
    pub day: Option<f64>,
    /// Last 30 days.
    #[serde(default, rename = "30d", deserialize_with = "opt_num_f64")]
    pub month: Option<f64>,
}

/// Pagination block of list responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pagination {
    /// Items in all pages.
    #[serde(default, deserialize_with = "opt_num_u64")]
    pub total: Option<u64>,
    /// Number of pages (0 or missing is treated as 1).
    #[serde(default, deserialize_with = "opt_num_u64")]
    pub pages: Option<u64>,
    /// Items per page.
    #[serde(default, deserialize_with = "opt_num_u64")]
    pub per_page: Option<u64>,
    /// This page, 1-based (0 or missing is treated as 1).
    #[serde(default, deserialize_with = "opt_num_u64")]
    pub page: Option<u64>,
}

impl Pagination {
    /// Pages in all, at least 1.
    pub fn page_count(&self) -> u64 {
        self.pages.unwrap_or(1).max(1)
    }
}

/// One page of `GET /operators`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatorsPage {
    /// The operators on this page.
    pub operators: Vec<Operator>,
    /// Where this page is.
    pub pagination: Pagination,
}

/// `GET /accounts/{address}` → `{ "type", "data": { …, "nonce" } }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountResponse {
    /// The account.
    pub data: Account,
}

/// An SSV account (cluster owner).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Owner address.
    #[serde(default)]
    pub owner_address: Option<Address>,
    /// Fee recipient.
    #[serde(default, deserialize_with = "opt_address_lenient")]
    pub recipient_address: Option<Address>,
    /// Registrations so far (the next one uses this nonce). The API lags the chain.
    #[serde(deserialize_with = "num_u64")]
    pub nonce: u64,
}

/// A validator (`GET /validators/{pubkey}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validator {
    /// Hex public key (with or without `0x`).
    pub public_key: String,
    /// Cluster hash.
    #[serde(default)]
    pub cluster: Option<String>,
    /// Owner address.
    #[serde(default)]
    pub owner_address: Option<Address>,
    /// Status text.
    #[serde(default)]
    pub status: Option<String>,
    /// The API's validity check of the registration.
    #[serde(default, deserialize_with = "opt_flag")]
    pub is_valid: Option<bool>,
    /// Deleted (removed) validator.
    #[serde(default, deserialize_with = "opt_flag")]
    pub is_deleted: Option<bool>,
    /// Shares decrypt and match.
    #[serde(default, deserialize_with = "opt_flag")]
    pub is_shares_valid: Option<bool>,
    /// Operator ids (the API sends ids or operator objects).
    #[serde(default, deserialize_with = "opt_operator_ids")]
    pub operators: Option<Vec<u64>>,
    /// Beacon-chain details.
    #[serde(default)]
    pub validator_info: Option<ValidatorInfo>,
}

/// Beacon-chain part of a validator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorInfo {
    /// Beacon index.
    #[serde(default, deserialize_with = "opt_num_u64")]
    pub index: Option<u64>,
    /// Beacon status text.
    #[serde(default)]
    pub status: Option<String>,
    /// Activation epoch.
    #[serde(default, deserialize_with = "opt_num_u64")]
    pub activation_epoch: Option<u64>,
    /// Effective balance, gwei.
    #[serde(default, deserialize_with = "opt_num_u64")]
    pub effective_balance: Option<u64>,
}

/// A cluster (`GET /clusters/{hash}`, items of `GET /clusters/owner/{owner}`). Field names are
/// accepted in camelCase and snake_case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Cluster hash.
    #[serde(default, alias = "clusterId")]
    pub cluster_id: Option<String>,
    /// Owner address.
    #[serde(default, alias = "ownerAddress")]
    pub owner_address: Option<Address>,
    /// Operator ids (the API sends ids or operator objects).
    #[serde(default, deserialize_with = "opt_operator_ids")]
    pub operators: Option<Vec<u64>>,
    /// Validators in the cluster.
    #[serde(default, alias = "validatorCount", deserialize_with = "opt_num_u64")]
    pub validator_count: Option<u64>,
    /// Network fee index snapshot.
    #[serde(default, alias = "networkFeeIndex", deserialize_with = "opt_num_u128")]
    pub network_fee_index: Option<u128>,
    /// Operator fee index snapshot.
    #[serde(default, deserialize_with = "opt_num_u128")]
    pub index: Option<u128>,
    /// Balance, wei of the fee token.
    #[serde(default, deserialize_with = "opt_num_u128")]
    pub balance: Option<u128>,
    /// Not liquidated.
    #[serde(default, deserialize_with = "opt_flag")]
    pub active: Option<bool>,
    /// Liquidated.
    #[serde(default, alias = "isLiquidated", deserialize_with = "opt_flag")]
    pub is_liquidated: Option<bool>,
}

// ---- tolerant scalar decoders -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrString {
    U(u64),
    I(i64),
    F(f64),
    S(String),
}

fn parse_u128<E: de::Error>(raw: NumOrString) -> Result<u128, E> {
    match raw {
        NumOrString::U(n) => Ok(u128::from(n)),
        NumOrString::I(n) => u128::try_from(n)
            .map_err(|_| E::custom(format!("negative number {n} where an amount is expected"))),
        NumOrString::F(f) => Err(E::custom(format!(
            "fractional number {f} where an integer is expected"
        ))),
        NumOrString::S(s) => s
            .trim()
            .parse()
            .map_err(|_| E::custom(format!("string {s:?} is not a decimal integer"))),
    }
}

fn num_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let n = parse_u128(NumOrString::deserialize(d)?)?;
    u64::try_from(n).map_err(|_| de::Error::custom(format!("{n} does not fit in 64 bits")))
}

fn opt_num_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<NumOrString>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrString::S(s)) if s.trim().is_empty() => Ok(None),
        Some(raw) => {
            let n = parse_u128(raw)?;
            u64::try_from(n)
                .map(Some)
                .map_err(|_| de::Error::custom(format!("{n} does not fit in 64 bits")))
        }
    }
}

fn opt_num_u128<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u128>, D::Error> {
    match Option::<NumOrString>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrString::S(s)) if s.trim().is_empty() => Ok(None),
        Some(raw) => parse_u128(raw).map(Some),
    }
}

fn opt_num_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[allow(clippy::cast_precision_loss, reason = "performance percentages")]
    match Option::<NumOrString>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrString::U(n)) => Ok(Some(n as f64)),
        Some(NumOrString::I(n)) => Ok(Some(n as f64)),
        Some(NumOrString::F(f)) => Ok(Some(f)),
        Some(NumOrString::S(s)) if s.trim().is_empty() => Ok(None),
        Some(NumOrString::S(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("string {s:?} is not a number"))),
    }
}

/// `true`/`false`, `0`/`1`, or those as strings.
fn opt_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        B(bool),
        N(u64),
        S(String),
    }
    match Option::<Flag>::deserialize(d)? {
        None => Ok(None),
        Some(Flag::B(b)) => Ok(Some(b)),
        Some(Flag::N(0)) => Ok(Some(false)),
        Some(Flag::N(1)) => Ok(Some(true)),
        Some(Flag::N(n)) => Err(de::Error::custom(format!("{n} is not a 0/1 flag"))),
        Some(Flag::S(s)) => match s.trim() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            "" => Ok(None),
            other => Err(de::Error::custom(format!("{other:?} is not a flag"))),
        },
    }
}

/// An address, where `""` means none.
fn opt_address_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Address>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("{s:?} is not an address"))),
    }
}

fn opt_addresses<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Address>>, D::Error> {
    let Some(list) = Option::<Vec<String>>::deserialize(d)? else {
        return Ok(None);
    };
    list.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| de::Error::custom(format!("{s:?} is not an address")))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn opt_relays<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Relays {
        Text(String),
        List(Vec<String>),
    }
    let list = match Option::<Relays>::deserialize(d)? {
        None => return Ok(None),
        Some(Relays::Text(text)) => text.split(',').map(str::to_owned).collect(),
        Some(Relays::List(list)) => list,
    };
    Ok(Some(
        list.into_iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect(),
    ))
}

fn opt_operator_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u64>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Item {
        Id(#[serde(deserialize_with = "num_u64")] u64),
        Object {
            #[serde(deserialize_with = "num_u64")]
            id: u64,
        },
    }
    let Some(items) = Option::<Vec<Item>>::deserialize(d)? else {
        return Ok(None);
    };
    Ok(Some(
        items
            .into_iter()
            .map(|i| match i {
                Item::Id(id) | Item::Object { id } => id,
            })
            .collect(),
    ))
}
