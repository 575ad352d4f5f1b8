use std::fmt;

use serde::Serialize;

use crate::{Candidate, Dimension, OperatorStatus, candidate::BLOCKS_PER_YEAR};

/// A performance window of the SSV API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Window {
    /// Last 24 hours.
    #[serde(rename = "24h")]
    Day,
    /// Last 30 days.
    #[serde(rename = "30d")]
    Month,
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Day => "24h",
            Self::Month => "30d",
        })
    }
}

/// Why an operator cannot be in any committee under the policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rejection {
    /// Removed from SSV.
    Removed,
    /// Not active (status or `is_active` flag).
    NotActive {
        /// The API's status.
        status: OperatorStatus,
    },
    /// No RSA public key to encrypt a share to.
    NoPublicKey,
    /// In the policy's deny list.
    Denied,
    /// The policy has an allow list and this operator is not on it.
    NotAllowed,
    /// Private and our owner is not on its whitelist.
    PrivateNotWhitelisted,
    /// The policy wants verified operators only.
    NotVerified,
    /// The policy wants a DKG endpoint.
    NoDkgEndpoint,
    /// The policy wants one of a set of MEV relays.
    NoRequiredMevRelay,
    /// The API has no performance figure for the window.
    NoPerformanceData {
        /// Which window.
        window: Window,
    },
    /// Performance below the policy's floor.
    PerformanceBelow {
        /// Which window.
        window: Window,
        /// The operator's figure, percent.
        actual: f64,
        /// The floor, percent.
        min: f64,
    },
    /// `validator_count + headroom > limit`.
    OverCapacity {
        /// Validators the operator runs.
        validator_count: u32,
        /// Headroom the policy keeps free.
        headroom: u32,
        /// The per-operator limit.
        limit: u32,
    },
    /// ETH fee above the per-operator cap.
    FeeAboveCap {
        /// The operator's fee, wei per block.
        fee: u128,
        /// The cap, wei per block.
        cap: u128,
    },
    /// Fee above the upper median of the pre-selected operators (`stafi-go` preset).
    FeeAboveMedian {
        /// The operator's fee, wei per block.
        fee: u128,
        /// The upper median, wei per block.
        median: u128,
    },
}

impl Rejection {
    /// A short, stable name of the kind of rejection.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Removed => "removed",
            Self::NotActive { .. } => "not active",
            Self::NoPublicKey => "no public key",
            Self::Denied => "denied by policy",
            Self::NotAllowed => "not in allow list",
            Self::PrivateNotWhitelisted => "private, owner not whitelisted",
            Self::NotVerified => "not verified",
            Self::NoDkgEndpoint => "no DKG endpoint",
            Self::NoRequiredMevRelay => "no required MEV relay",
            Self::NoPerformanceData { .. } => "no performance data",
            Self::PerformanceBelow {
                window: Window::Day,
                ..
            } => "performance 24h below floor",
            Self::PerformanceBelow {
                window: Window::Month,
                ..
            } => "performance 30d below floor",
            Self::OverCapacity { .. } => "over capacity",
            Self::FeeAboveCap { .. } => "fee above cap",
            Self::FeeAboveMedian { .. } => "fee above median",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotActive { status } => write!(f, "not active (status {status:?})"),
            Self::NoPerformanceData { window } => write!(f, "no {window} performance data"),
            Self::PerformanceBelow {
                window,
                actual,
                min,
            } => write!(f, "performance {window} {actual:.2}% below {min}%"),
            Self::OverCapacity {
                validator_count,
                headroom,
                limit,
            } => write!(
                f,
                "over capacity: {validator_count} validators + {headroom} headroom > limit {limit}"
            ),
            Self::FeeAboveCap { fee, cap } => {
                write!(f, "fee {fee} wei/block above cap {cap}")
            }
            Self::FeeAboveMedian { fee, median } => {
                write!(f, "fee {fee} wei/block above upper median {median}")
            }
            other => f.write_str(other.kind()),
        }
    }
}

/// Why an eligible operator is not in the committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotChosen {
    /// The committee already has `cap` members with this operator's value.
    DiversityCap {
        /// The dimension.
        dimension: Dimension,
        /// The shared value.
        value: String,
        /// The cap.
        cap: usize,
    },
    /// A committee that ranks better (cheaper, or as cheap and better performing) was chosen.
    BetterCommittee {
        /// This operator's fee, wei per block.
        fee: u128,
        /// The highest fee in the chosen committee, wei per block.
        highest_member_fee: u128,
    },
    /// An existing cluster was reused.
    ExistingClusterReused,
}

impl fmt::Display for NotChosen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DiversityCap {
                dimension,
                value,
                cap,
            } => write!(f, "committee already has {cap} with {dimension} {value:?}"),
            Self::BetterCommittee {
                fee,
                highest_member_fee,
            } => write!(
                f,
                "a better-ranked committee was chosen (fee {fee}, highest member fee {highest_member_fee})"
            ),
            Self::ExistingClusterReused => f.write_str("an existing cluster was reused"),
        }
    }
}

/// The outcome for one candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", content = "reason", rename_all = "snake_case")]
pub enum Verdict {
    /// In the committee.
    Chosen,
    /// Eligible but left out.
    NotChosen(NotChosen),
    /// Cannot be chosen under the policy.
    Rejected(Rejection),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Chosen => f.write_str("chosen"),
            Self::NotChosen(why) => write!(f, "not chosen: {why}"),
            Self::Rejected(why) => write!(f, "rejected: {why}"),
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateReport {
    /// Operator id.
    pub id: u64,
    /// What happened to it.
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// Where the committee came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CommitteeSource {
    /// A new cluster.
    New,
    /// An existing cluster, reused.
    Existing {
        /// Validators it has now.
        validator_count: u32,
    },
}

/// How good the committee is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitteeScore {
    /// Sum of the members' ETH fees, wei per block per validator.
    pub total_eth_fee: u128,
    /// Operator fees one 32-ETH validator pays per year, wei (`total_eth_fee × 2,628,000`).
    pub yearly_cost_per_validator: u128,
    /// Mean 30-day performance of the members with data, percent.
    pub mean_performance_30d: Option<f64>,
    /// Lowest 24-hour performance among the members with data, percent.
    pub min_performance_24h: Option<f64>,
    /// Distinct values per diversity dimension.
    pub distinct: Vec<(Dimension, usize)>,
}

impl CommitteeScore {
    /// Score the given members.
    pub fn of(members: &[&Candidate]) -> Self {
        let total_eth_fee: u128 = members.iter().map(|c| c.eth_fee).sum();
        let perf30: Vec<f64> = members.iter().filter_map(|c| c.performance_30d).collect();
        #[allow(clippy::cast_precision_loss, reason = "at most 13 members")]
        let mean_performance_30d =
            (!perf30.is_empty()).then(|| perf30.iter().sum::<f64>() / perf30.len() as f64);
        let min_performance_24h = members
            .iter()
            .filter_map(|c| c.performance_24h)
            .reduce(f64::min);
        let distinct = Dimension::ALL
            .iter()
            .map(|&d| {
                let mut values: Vec<String> = members.iter().map(|c| d.value_of(c)).collect();
                values.sort_unstable();
                values.dedup();
                (d, values.len())
            })
            .collect();
        Self {
            total_eth_fee,
            yearly_cost_per_validator: total_eth_fee.saturating_mul(BLOCKS_PER_YEAR),
            mean_performance_30d,
            min_performance_24h,
            distinct,
        }
    }
}

/// A chosen committee and the reasons for every candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Selection {
    /// Operator ids, sorted ascending.
    pub committee: Vec<u64>,
    /// New or reused.
    pub source: CommitteeSource,
    /// The committee's score.
    pub score: CommitteeScore,
    /// `false` only when the search hit its budget and the committee may not be the best.
    pub optimal: bool,
    /// One entry per candidate, sorted by id.
    pub reasons: Vec<CandidateReport>,
}

impl Selection {
    /// The verdict for one operator id.
    pub fn verdict(&self, id: u64) -> Option<&Verdict> {
        self.reasons
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &self.reasons[i].verdict)
    }
}
