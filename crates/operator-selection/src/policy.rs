use std::fmt;

use serde::{Deserialize, Serialize};

/// Committee sizes SSV accepts (4, 7, 10, 13), from `ssv-committee`.
pub use ssv_committee::COMMITTEE_SIZES;
use ssv_committee::CommitteeSize;

use crate::{Candidate, SelectionError};

/// What a committee must satisfy. Fields missing from a policy file keep their defaults.
///
/// Defaults: a committee of 4; performance 30d ≥ 90 and 24h ≥ 80 (no data is a rejection);
/// capacity headroom 5; private operators only when they whitelist our owner; at most 1 operator
/// per owner address and 2 per setup provider, location and EL client; no fee caps; the cheapest
/// feasible committee by total ETH fee, ties to higher 30d performance, then lower ids; a grace
/// period of one hour before a failing operator counts as unhealthy; one move per pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent switches of a policy file"
)]
pub struct Policy {
    /// Operators per committee: 4, 7, 10 or 13.
    pub committee_size: usize,
    /// Highest ETH fee of one operator, wei per block.
    pub max_fee_per_operator: Option<u128>,
    /// Highest total ETH fee of the committee, wei per block.
    pub max_fee_per_committee: Option<u128>,
    /// Highest SSV fee of one operator in a legacy SSV cluster, SSV-wei per block.
    pub max_ssv_fee_per_operator: Option<u128>,
    /// Lowest 24-hour performance, percent.
    pub min_performance_24h: f64,
    /// Lowest 30-day performance, percent.
    pub min_performance_30d: f64,
    /// Reject operators without performance data.
    pub require_performance_data: bool,
    /// Only operators verified by the SSV DAO.
    pub verified_only: bool,
    /// Require `validator_count + capacity_headroom <= validators_per_operator_limit`.
    pub capacity_headroom: u32,
    /// Accept private operators that whitelist our owner (never others).
    pub private_when_whitelisted: bool,
    /// Only operators with an `https://` DKG endpoint.
    pub require_dkg_endpoint: bool,
    /// When not empty, only operators that list at least one of these MEV relays.
    pub require_any_mev_relay: Vec<String>,
    /// When not empty, only these operator ids.
    pub allow: Vec<u64>,
    /// Never these operator ids.
    pub deny: Vec<u64>,
    /// Operators that must be in the committee.
    pub pinned: Vec<u64>,
    /// At most this many committee members share a value.
    pub diversity: DiversityCaps,
    /// Reuse a healthy existing cluster (the one with the fewest validators) before a new one.
    pub reuse_existing_cluster: bool,
    /// Seconds an operator must keep failing before it counts as unhealthy.
    pub grace_period_secs: u64,
    /// Unhealthy operators in a cluster that make its validators move.
    pub unhealthy_operators_to_move: usize,
    /// Validators moved per health pass.
    pub max_moves_per_pass: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            committee_size: 4,
            max_fee_per_operator: None,
            max_fee_per_committee: None,
            max_ssv_fee_per_operator: None,
            min_performance_24h: 80.0,
            min_performance_30d: 90.0,
            require_performance_data: true,
            verified_only: false,
            capacity_headroom: 5,
            private_when_whitelisted: true,
            require_dkg_endpoint: false,
            require_any_mev_relay: Vec::new(),
            allow: Vec::new(),
            deny: Vec::new(),
            pinned: Vec::new(),
            diversity: DiversityCaps::default(),
            reuse_existing_cluster: false,
            grace_period_secs: 3600,
            unhealthy_operators_to_move: 1,
            max_moves_per_pass: 1,
        }
    }
}

impl Policy {
    /// Parse a TOML policy and check it.
    pub fn from_toml(text: &str) -> Result<Self, SelectionError> {
        let policy: Self = toml::from_str(text)?;
        policy.validate()?;
        Ok(policy)
    }

    /// Check the values a file or a caller may have got wrong.
    pub fn validate(&self) -> Result<(), SelectionError> {
        CommitteeSize::try_from(self.committee_size)?;
        for (name, value) in [
            ("min_performance_24h", self.min_performance_24h),
            ("min_performance_30d", self.min_performance_30d),
        ] {
            if !(0.0..=100.0).contains(&value) {
                return Err(SelectionError::PolicyValue {
                    field: name,
                    reason: format!("{value} is not a percentage in 0..=100"),
                });
            }
        }
        for dimension in Dimension::ALL {
            if self.diversity.cap(dimension) == Some(0) {
                return Err(SelectionError::PolicyValue {
                    field: dimension.policy_field(),
                    reason: "a cap of 0 excludes every operator".to_owned(),
                });
            }
        }
        if self.pinned.len() > self.committee_size {
            return Err(SelectionError::PolicyValue {
                field: "pinned",
                reason: format!(
                    "{} pinned operators do not fit a committee of {}",
                    self.pinned.len(),
                    self.committee_size
                ),
            });
        }
        if let Some((i, id)) = self
            .pinned
            .iter()
            .enumerate()
            .find(|(i, id)| self.pinned[..*i].contains(id))
        {
            return Err(SelectionError::PolicyValue {
                field: "pinned",
                reason: format!("operator {id} is pinned twice (entry {i})"),
            });
        }
        if let Some(id) = self.pinned.iter().find(|id| self.deny.contains(id)) {
            return Err(SelectionError::PolicyValue {
                field: "pinned",
                reason: format!("operator {id} is both pinned and denied"),
            });
        }
        if self.unhealthy_operators_to_move == 0 {
            return Err(SelectionError::PolicyValue {
                field: "unhealthy_operators_to_move",
                reason: "0 would move every validator on every pass".to_owned(),
            });
        }
        Ok(())
    }
}

/// Diversity caps: at most this many committee members with the same value. `None` is no cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiversityCaps {
    /// Per owner address.
    pub per_owner: Option<usize>,
    /// Per setup provider (missing provider counts as one value, "unknown").
    pub per_setup_provider: Option<usize>,
    /// Per location.
    pub per_location: Option<usize>,
    /// Per execution-layer client.
    pub per_el_client: Option<usize>,
    /// Per consensus-layer client.
    pub per_cl_client: Option<usize>,
}

impl Default for DiversityCaps {
    fn default() -> Self {
        Self {
            per_owner: Some(1),
            per_setup_provider: Some(2),
            per_location: Some(2),
            per_el_client: Some(2),
            per_cl_client: None,
        }
    }
}

impl DiversityCaps {
    /// No caps at all.
    pub const NONE: Self = Self {
        per_owner: None,
        per_setup_provider: None,
        per_location: None,
        per_el_client: None,
        per_cl_client: None,
    };

    /// The cap on one dimension.
    pub fn cap(&self, dimension: Dimension) -> Option<usize> {
        match dimension {
            Dimension::Owner => self.per_owner,
            Dimension::SetupProvider => self.per_setup_provider,
            Dimension::Location => self.per_location,
            Dimension::ElClient => self.per_el_client,
            Dimension::ClClient => self.per_cl_client,
        }
    }

    /// Set or clear the cap on one dimension.
    pub fn set_cap(&mut self, dimension: Dimension, cap: Option<usize>) {
        let slot = match dimension {
            Dimension::Owner => &mut self.per_owner,
            Dimension::SetupProvider => &mut self.per_setup_provider,
            Dimension::Location => &mut self.per_location,
            Dimension::ElClient => &mut self.per_el_client,
            Dimension::ClClient => &mut self.per_cl_client,
        };
        *slot = cap;
    }
}

/// A property committee members should not share too often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Owner address.
    Owner,
    /// Setup provider.
    SetupProvider,
    /// Location.
    Location,
    /// Execution-layer client.
    ElClient,
    /// Consensus-layer client.
    ClClient,
}

impl Dimension {
    /// Every dimension, in report order.
    pub const ALL: [Self; 5] = [
        Self::Owner,
        Self::SetupProvider,
        Self::Location,
        Self::ElClient,
        Self::ClClient,
    ];

    /// The policy-file key of this dimension's cap.
    pub const fn policy_field(self) -> &'static str {
        match self {
            Self::Owner => "diversity.per_owner",
            Self::SetupProvider => "diversity.per_setup_provider",
            Self::Location => "diversity.per_location",
            Self::ElClient => "diversity.per_el_client",
            Self::ClClient => "diversity.per_cl_client",
        }
    }

    /// The candidate's value on this dimension, normalised (trimmed, lower case; missing values
    /// are `"unknown"`).
    pub fn value_of(self, candidate: &Candidate) -> String {
        let raw = match self {
            Self::Owner => return alloy_primitives::hex::encode_prefixed(candidate.owner_address),
            Self::SetupProvider => candidate.setup_provider.as_deref(),
            Self::Location => candidate.location.as_deref(),
            Self::ElClient => candidate.el_client.as_deref(),
            Self::ClClient => candidate.cl_client.as_deref(),
        };
        match raw.map(str::trim) {
            Some(v) if !v.is_empty() => v.to_lowercase(),
            _ => "unknown".to_owned(),
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Owner => "owner address",
            Self::SetupProvider => "setup provider",
            Self::Location => "location",
            Self::ElClient => "EL client",
            Self::ClClient => "CL client",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_keep_defaults() {
        assert_eq!(Policy::from_toml("").unwrap(), Policy::default());
    }

    #[test]
    fn example_policy_file_spells_out_the_defaults() {
        let example = include_str!("../policy.example.toml");
        assert_eq!(Policy::from_toml(example).unwrap(), Policy::default());
    }

    #[test]
    fn bad_size_and_unknown_fields_are_errors() {
        let err = Policy::from_toml("committee_size = 5").unwrap_err();
        assert!(
            matches!(
                err,
                SelectionError::Committee(ssv_committee::CommitteeError::Size { size: 5 })
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("committee size 5"), "{err}");
        for n in COMMITTEE_SIZES {
            let policy = Policy {
                committee_size: n,
                ..Policy::default()
            };
            policy.validate().unwrap();
        }
        let err = Policy::from_toml("comittee_size = 4").unwrap_err();
        assert!(err.to_string().contains("comittee_size"), "{err}");
    }

    #[test]
    fn full_policy_file_parses() {
        let policy = Policy::from_toml(
            "
            committee_size = 7
            max_fee_per_operator = 3000000000
            max_fee_per_committee = 15000000000
            min_performance_24h = 70.5
            verified_only = true
            deny = [3, 4]
            pinned = [1]
            [diversity]
            per_owner = 2
            per_cl_client = 3
            ",
        )
        .unwrap();
        assert_eq!(policy.committee_size, 7);
        assert_eq!(policy.max_fee_per_operator, Some(3_000_000_000));
        assert_eq!(policy.max_fee_per_committee, Some(15_000_000_000));
        assert!((policy.min_performance_24h - 70.5).abs() < f64::EPSILON);
        assert!(policy.verified_only);
        assert_eq!(policy.deny, vec![3, 4]);
        assert_eq!(policy.diversity.per_owner, Some(2));
        assert_eq!(policy.diversity.per_cl_client, Some(3));
        // Unset caps keep their defaults.
        assert_eq!(policy.diversity.per_setup_provider, Some(2));
    }

    #[test]
    fn inconsistent_values_name_the_field() {
        let err = Policy::from_toml("min_performance_30d = 120.0").unwrap_err();
        assert!(err.to_string().contains("min_performance_30d"), "{err}");
        let err = Policy::from_toml("[diversity]\nper_location = 0").unwrap_err();
        assert!(err.to_string().contains("diversity.per_location"), "{err}");
        let err = Policy::from_toml("pinned = [1]\ndeny = [1]").unwrap_err();
        assert!(err.to_string().contains("pinned"), "{err}");
        let err = Policy::from_toml("pinned = [7, 7]").unwrap_err();
        assert!(err.to_string().contains("pinned twice"), "{err}");
        let err = Policy::from_toml("pinned = [1, 2, 3, 4, 5]").unwrap_err();
        assert!(err.to_string().contains("pinned"), "{err}");
    }
}
