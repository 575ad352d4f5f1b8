//! `stafi-router status`: every validator (key index, pubkey, StaFi / SSV / beacon status,
//! cluster) and every SSV cluster (operators, validators, balance, runway, liquidation block).

use alloy::eips::BlockId;
use alloy::primitives::{Bytes, U256};
use cluster_accounting::{ClusterVersion, runway};
use keygen::Seed;
use serde::Serialize;

use crate::error::RouterError;
use crate::node::Node;
use crate::stafi::status as stafi_status;
use crate::store::ValidatorRecord;

/// One validator key in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidatorRow {
    /// EIP-2334 key index in the mnemonic.
    pub index: u64,
    /// The 48-byte BLS public key.
    pub pubkey: Bytes,
    /// `uninitial`, `deposited`, `match`, `staked`, `unmatch`.
    pub stafi: String,
    /// `registered`, `removed`, `exit requested` or `-`.
    pub ssv: String,
    /// The beacon chain's status (`pending_queued`, `active_ongoing`, …) or `-`.
    pub beacon: String,
    /// The beacon chain's validator index, when the beacon node knows the key.
    pub beacon_index: Option<u64>,
    /// Operator ids of its SSV cluster; `None` when it is not registered (or was removed).
    pub cluster: Option<Vec<u64>>,
}

/// One SSV cluster of the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterRow {
    /// The cluster's operator ids, ascending.
    pub operators: Vec<u64>,
    /// `eth` or `ssv` (legacy).
    pub version: String,
    /// Validators registered in it (the cluster tuple's `validatorCount`).
    pub validators: u32,
    /// `false` once it has been liquidated (and until it is reactivated).
    pub active: bool,
    /// Wei (ETH clusters) or SSV-wei (legacy) at the synced block.
    pub balance: U256,
    /// Days (of 7,200 blocks, two decimals) until it becomes liquidatable at constant fees;
    /// `None` if never (no validators, no fees, or already liquidated).
    pub runway_days: Option<String>,
    /// First block at which it becomes liquidatable at constant fees; `None` if never.
    pub liquidation_block: Option<u64>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The network profile's name.
    pub network: String,
    /// The block the SSV index is synced to; `None` before the first sync.
    pub synced_to: Option<u64>,
    /// The execution chain's head block, as the caller read it.
    pub head: u64,
    /// StaFi's user-deposit pool balance, in wei.
    pub pool_balance: U256,
    /// The SSV owner's registration nonce (its count of `ValidatorAdded` events).
    pub owner_nonce: u64,
    /// The SSV owner's fee recipient as last set on SSV; `None` if never set.
    pub fee_recipient: Option<alloy::primitives::Address>,
    /// Every validator key in use, by key index.
    pub validators: Vec<ValidatorRow>,
    /// Every SSV cluster of the owner.
    pub clusters: Vec<ClusterRow>,
}

/// A validator's SSV status as `status` shows it: `registered`, `removed`, `exit requested`, `-`.
pub(crate) fn ssv_label(v: Option<&ssv_sync::ValidatorInfo>) -> &'static str {
    match v {
        None => "-",
        Some(v) if v.removed.is_some() => "removed",
        Some(v) if v.exit_requested.is_some() => "exit requested",
        Some(_) => "registered",
    }
}

/// Every SSV cluster of `owner` at `block`: balance, runway and liquidation block. Legacy SSV
/// clusters are left out without `ssv` parameters.
pub(crate) fn cluster_rows(
    index: &ssv_sync::Index,
    owner: alloy::primitives::Address,
    block: u64,
    eth: &cluster_accounting::LiquidationParams,
    ssv: Option<&cluster_accounting::LiquidationParams>,
) -> Result<Vec<ClusterRow>, RouterError> {
    let mut clusters = Vec::new();
    for c in index.clusters_of(owner) {
        let (state, at) = index.ledger().view(owner, &c.operator_ids, block)?;
        let params = if state.version == ClusterVersion::Eth {
            eth
        } else if let Some(ssv) = ssv {
            ssv
        } else {
            continue;
        };
        let balance = if c.tuple.active {
            state.balance(&at)?
        } else {
            U256::ZERO
        };
        let runway = runway(&state, &at, params)?;
        clusters.push(ClusterRow {
            operators: c.operator_ids.clone(),
            version: if state.version == ClusterVersion::Eth {
                "eth"
            } else {
                "ssv"
            }
            .to_owned(),
            validators: c.tuple.validator_count,
            active: c.tuple.active,
            balance,
            runway_days: runway.days().map(|d| d.to_string()),
            liquidation_block: runway.liquidation_block,
        });
    }
    Ok(clusters)
}

impl Node {
    /// Recovers the keys in use (chain first, the store's records too), stores them, and reports.
    pub async fn status(&mut self, seed: &Seed, head: u64) -> Result<Status, RouterError> {
        let at = BlockId::number(self.syncer.state().cursor.unwrap_or(0));
        let records = self.recover_keys(seed, at).await?;
        let status = self.report(&records, head).await?;
        let updated: Vec<ValidatorRecord> = records
            .into_iter()
            .zip(&status.validators)
            .map(|(mut r, row)| {
                r.ssv_cluster.clone_from(&row.cluster);
                r.beacon_index = row.beacon_index;
                r.beacon_status = (row.beacon != "-").then(|| row.beacon.clone());
                r
            })
            .collect();
        self.store.put_validators(&updated)?;
        Ok(status)
    }

    async fn report(&self, records: &[ValidatorRecord], head: u64) -> Result<Status, RouterError> {
        let owner = self.identity.ssv_owner;
        let ids: Vec<String> = records.iter().map(|r| format!("{:#x}", r.pubkey)).collect();
        let on_beacon = self.beacon.validators(&ids).await?;
        let mut validators = Vec::with_capacity(records.len());
        for r in records {
            let hex = format!("{:#x}", r.pubkey);
            let beacon = on_beacon
                .iter()
                .find(|b| b.validator.pubkey.eq_ignore_ascii_case(&hex));
            let ssv = self.index.validator(owner, &r.pubkey);
            validators.push(ValidatorRow {
                index: r.index,
                pubkey: r.pubkey.clone(),
                stafi: stafi_status::name(r.stafi_status).to_owned(),
                ssv: ssv_label(ssv).to_owned(),
                beacon: beacon.map_or_else(|| "-".to_owned(), |b| b.status.clone()),
                beacon_index: beacon.map(|b| b.index),
                cluster: ssv
                    .filter(|v| v.removed.is_none())
                    .map(|v| v.operator_ids.clone()),
            });
        }
        let block = self.syncer.state().cursor.unwrap_or(0);
        let at = BlockId::number(block);
        let eth = self.eth_liquidation_params(at).await?;
        let ssv = self.ssv_liquidation_params(at).await?;
        let clusters = cluster_rows(&self.index, owner, block, &eth, Some(&ssv))?;
        Ok(Status {
            network: self.settings.profile.name().to_owned(),
            synced_to: self.syncer.state().cursor,
            head,
            pool_balance: self.stafi.pool_balance().await?,
            owner_nonce: self.index.owner_nonce(owner),
            fee_recipient: self.index.fee_recipient(owner),
            validators,
            clusters,
        })
    }
}

impl Status {
    /// The report as text tables. `floor_days`: runway below this is flagged `LOW`.
    pub fn to_table(&self, floor_days: u64) -> String {
        self.to_table_with(floor_days, false)
    }

    /// [`to_table`](Self::to_table), with a runway below the floor in the warning colour (ANSI
    /// yellow, red below a third of it) when `colour` is set (a terminal).
    pub fn to_table_with(&self, floor_days: u64, colour: bool) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "network {}  synced to block {} (head {})  pool {}  owner nonce {}  fee recipient {}",
            self.network,
            self.synced_to.map_or_else(|| "-".into(), |b| b.to_string()),
            self.head,
            eth(self.pool_balance),
            self.owner_nonce,
            self.fee_recipient
                .map_or_else(|| "-".into(), |a| a.to_string()),
        );
        let _ = writeln!(out, "\nvalidators ({})", self.validators.len());
        let _ = writeln!(
            out,
            "{:>5}  {:<14}  {:<10}  {:<15}  {:<28}  cluster",
            "index", "pubkey", "stafi", "ssv", "beacon"
        );
        for v in &self.validators {
            let pk = format!("{:#x}", v.pubkey);
            let _ = writeln!(
                out,
                "{:>5}  {:<14}  {:<10}  {:<15}  {:<28}  {}",
                v.index,
                format!("{}…", &pk[..12.min(pk.len())]),
                v.stafi,
                v.ssv,
                match v.beacon_index {
                    Some(i) => format!("{} #{i}", v.beacon),
                    None => v.beacon.clone(),
                },
                v.cluster
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |c| format!("{c:?}")),
            );
        }
        let _ = writeln!(out, "\nclusters ({})", self.clusters.len());
        let _ = writeln!(
            out,
            "{:<20}  {:<4}  {:>10}  {:<6}  {:>22}  {:>12}  liquidation block",
            "operators", "fee", "validators", "active", "balance", "runway days"
        );
        for c in &self.clusters {
            let low = c
                .runway_days
                .as_deref()
                .and_then(|d| d.parse::<rust_decimal::Decimal>().ok())
                .is_some_and(|d| d < rust_decimal::Decimal::from(floor_days));
            let _ = writeln!(
                out,
                "{:<20}  {:<4}  {:>10}  {:<6}  {:>22}  {}  {}",
                format!("{:?}", c.operators),
                c.version,
                c.validators,
                c.active,
                if c.version == "eth" {
                    eth(c.balance)
                } else {
                    format!("{} SSV-wei", c.balance)
                },
                c.runway_days.clone().map_or_else(
                    || format!("{:>12}", "-"),
                    |d| {
                        let critical = d.parse::<rust_decimal::Decimal>().is_ok_and(|v| {
                            v * rust_decimal::Decimal::from(3)
                                < rust_decimal::Decimal::from(floor_days)
                        });
                        let text = format!("{:>12}", if low { format!("{d} LOW") } else { d });
                        match (colour && low, critical) {
                            (true, true) => format!("\x1b[31m{text}\x1b[0m"),
                            (true, false) => format!("\x1b[33m{text}\x1b[0m"),
                            (false, _) => text,
                        }
                    }
                ),
                c.liquidation_block
                    .map_or_else(|| "-".to_owned(), |b| b.to_string()),
            );
        }
        out
    }
}

fn eth(wei: U256) -> String {
    cluster_accounting::format_amount(wei, ClusterVersion::Eth)
        .unwrap_or_else(|_| format!("{wei} wei"))
}
