//! `stafi-router config check`: reads the chain and reports whether the configuration matches it
//! — chain id, the beacon node's fork versions and genesis root, code at every address, StaFi's
//! withdrawal credentials against the ones our keys would be deposited with, the accounts'
//! balances, the SSV owner's nonce and clusters. Every mismatch names what and both values.

use alloy::eips::BlockId;
use alloy::primitives::Address;
use alloy::providers::Provider;
use keygen::WithdrawalCredentials;
use serde::Serialize;

use crate::error::RouterError;
use crate::node::Node;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckLine {
    /// What was checked (e.g. `code at SSVNetwork`).
    pub item: String,
    /// What the chain or the beacon node showed, or the error that stopped the check.
    pub value: String,
    /// Whether it matches the configuration.
    pub ok: bool,
}

/// The whole report; `mismatches` empty means the configuration matches the chain.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Every check, in the order it ran.
    pub lines: Vec<CheckLine>,
    /// The failed checks, each as the error that names what and both values.
    pub mismatches: Vec<RouterError>,
}

impl CheckReport {
    fn ok(&mut self, item: impl Into<String>, value: impl Into<String>) {
        self.lines.push(CheckLine {
            item: item.into(),
            value: value.into(),
            ok: true,
        });
    }

    fn compare(&mut self, item: &str, expected: String, found: String) {
        let ok = expected.eq_ignore_ascii_case(&found);
        self.lines.push(CheckLine {
            item: item.to_owned(),
            value: found.clone(),
            ok,
        });
        if !ok {
            self.mismatches.push(RouterError::Mismatch {
                what: item.to_owned(),
                expected,
                found,
            });
        }
    }

    fn fail(&mut self, item: &str, error: RouterError) {
        self.lines.push(CheckLine {
            item: item.to_owned(),
            value: error.to_string(),
            ok: false,
        });
        self.mismatches.push(error);
    }

    /// The report as text, one line per check.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for l in &self.lines {
            let _ = writeln!(
                out,
                "{} {:<44} {}",
                if l.ok { "ok  " } else { "FAIL" },
                l.item,
                l.value
            );
        }
        out
    }
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy::hex::encode(bytes))
}

impl Node {
    /// Refuses a beacon node of another network (its genesis fork version or validators root
    /// differ from the profile's): exits would be signed for one network and sent to another.
    pub async fn check_beacon_network(&self) -> Result<(), RouterError> {
        let p = &self.settings.profile;
        let g = self.beacon.genesis().await?;
        for (what, expected, found) in [
            (
                "genesis_fork_version",
                hex(&p.consensus.genesis_fork_version),
                g.genesis_fork_version,
            ),
            (
                "genesis_validators_root",
                hex(&p.consensus.genesis_validators_root),
                g.genesis_validators_root,
            ),
        ] {
            if !found.eq_ignore_ascii_case(&expected) {
                return Err(RouterError::BeaconWrongNetwork {
                    url: self.settings.config.beacon.urls.join(", "),
                    what,
                    found,
                    expected,
                });
            }
        }
        Ok(())
    }

    /// Checks the configuration against the chain (the SSV index must be synced first).
    pub async fn check(&self, ssv_api: Option<&ssv_api::SsvApiClient>) -> CheckReport {
        let mut r = CheckReport::default();
        let p = &self.settings.profile;
        r.ok("execution chain id", p.chain_id().to_string());

        match self.beacon.genesis().await {
            Ok(g) => {
                r.compare(
                    "beacon genesis_fork_version",
                    hex(&p.consensus.genesis_fork_version),
                    g.genesis_fork_version,
                );
                r.compare(
                    "beacon genesis_validators_root",
                    hex(&p.consensus.genesis_validators_root),
                    g.genesis_validators_root,
                );
            }
            Err(e) => r.fail("beacon genesis", e),
        }
        match self.beacon.spec().await {
            Ok(spec) => {
                let get = |k: &str| {
                    spec.get(k).map_or_else(
                        || "(absent)".into(),
                        |v| v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                };
                r.compare(
                    "beacon CAPELLA_FORK_VERSION",
                    hex(&p.consensus.capella_fork_version),
                    get("CAPELLA_FORK_VERSION"),
                );
                if spec.contains_key("DEPOSIT_CHAIN_ID") {
                    r.compare(
                        "beacon DEPOSIT_CHAIN_ID",
                        p.chain_id().to_string(),
                        get("DEPOSIT_CHAIN_ID"),
                    );
                }
            }
            Err(e) => r.fail("beacon spec", e),
        }

        let a = &self.stafi.addresses;
        let contracts: [(&str, Address); 8] = [
            ("StafiStorage", self.settings.config.contracts.stafi_storage),
            ("stafiSuperNode", a.super_node),
            ("stafiUserDeposit", a.user_deposit),
            ("stafiNetworkSettings", a.network_settings),
            ("stafiWithdraw", a.withdraw),
            ("stafiSuperNodeFeePool", a.super_node_fee_pool),
            ("SSVNetwork", self.settings.ssv_network),
            ("SSVNetworkViews", self.settings.ssv_network_views),
        ];
        let provider = self.chain.provider();
        for (name, address) in contracts {
            match provider.get_code_at(address).await {
                Ok(code) if code.is_empty() => r.fail(
                    &format!("code at {name}"),
                    RouterError::NoCode {
                        name: name.to_owned(),
                        address,
                    },
                ),
                Ok(code) => r.ok(
                    format!("code at {name}"),
                    format!("{address} ({} bytes)", code.len()),
                ),
                Err(e) => r.fail(
                    &format!("code at {name}"),
                    RouterError::Rpc {
                        method: "eth_getCode".into(),
                        message: e.to_string(),
                    },
                ),
            }
        }

        let ours = WithdrawalCredentials::execution(a.withdraw);
        match self.stafi.withdrawal_credentials(BlockId::latest()).await {
            Ok(wc) => r.compare(
                "StafiNetworkSettings withdrawal credentials",
                hex(ours.as_bytes()),
                hex(&wc),
            ),
            Err(e) => r.fail("StafiNetworkSettings withdrawal credentials", e),
        }
        match self.stafi.deposits_enabled(BlockId::latest()).await {
            Ok(true) => r.ok("super-node deposits", "enabled"),
            Ok(false) => r.compare("super-node deposits", "enabled".into(), "disabled".into()),
            Err(e) => r.fail("super-node deposits", e),
        }
        for (name, address) in [
            ("super-node account", self.identity.super_node),
            ("SSV owner account", self.identity.ssv_owner),
        ] {
            match provider.get_balance(address).await {
                Ok(b) => r.ok(
                    format!("{name} balance"),
                    format!(
                        "{address}: {}",
                        cluster_accounting::format_amount(
                            b,
                            cluster_accounting::ClusterVersion::Eth
                        )
                        .unwrap_or_else(|_| format!("{b} wei"))
                    ),
                ),
                Err(e) => r.fail(
                    &format!("{name} balance"),
                    RouterError::Rpc {
                        method: "eth_getBalance".into(),
                        message: e.to_string(),
                    },
                ),
            }
        }
        match self.stafi.pool_balance().await {
            Ok(b) => r.ok("StaFi pool balance", format!("{b} wei")),
            Err(e) => r.fail("StaFi pool balance", e),
        }

        let owner = self.identity.ssv_owner;
        let nonce = self.index.owner_nonce(owner);
        r.ok(
            "SSV owner nonce (ValidatorAdded count)",
            format!(
                "{nonce} at block {}",
                self.syncer
                    .state()
                    .cursor
                    .map_or_else(|| "-".into(), |b| b.to_string())
            ),
        );
        if let Some(api) = ssv_api {
            match api.owner_nonce(owner).await {
                Ok(api_nonce) if api_nonce == nonce => r.ok("SSV API nonce", api_nonce.to_string()),
                Ok(api_nonce) => r.fail(
                    "SSV API nonce",
                    RouterError::NonceDisagreement {
                        owner,
                        chain: nonce,
                        api: api_nonce,
                    },
                ),
                Err(e) => r.fail("SSV API nonce", e.into()),
            }
        }
        let clusters: Vec<String> = self
            .index
            .clusters_of(owner)
            .map(|c| {
                format!(
                    "{:?} ({} validators)",
                    c.operator_ids, c.tuple.validator_count
                )
            })
            .collect();
        r.ok(
            "SSV owner clusters",
            if clusters.is_empty() {
                "none".to_owned()
            } else {
                clusters.join(", ")
            },
        );
        r
    }
}
