use std::fmt;

use serde::Serialize;
use ssv_committee::CommitteeError;
use thiserror::Error;

use crate::{Dimension, Rejection};

/// Everything that can go wrong in this crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SelectionError {
    /// The policy file is not valid TOML or has a field of the wrong type.
    #[error("invalid policy: {0}")]
    Policy(#[from] toml::de::Error),
    /// SSV accepts committees of 4, 7, 10 or 13 operators only ([`CommitteeError::Size`]).
    #[error(transparent)]
    Committee(#[from] CommitteeError),
    /// A policy value is out of range or contradicts another.
    #[error("invalid policy value {field}: {reason}")]
    PolicyValue {
        /// The policy key.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The same operator id appears twice among the candidates.
    #[error("operator {0} appears more than once among the candidates")]
    DuplicateCandidate(u64),
    /// No committee satisfies the policy.
    #[error("no committee of {size} satisfies the policy: {binding}")]
    NoFeasibleCommittee {
        /// The committee size asked for.
        size: usize,
        /// The constraint that rules the last committees out.
        binding: BindingConstraint,
    },
}

/// The constraint that makes a selection infeasible.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BindingConstraint {
    /// Fewer operators pass the per-operator filters than the committee needs.
    TooFewEligible {
        /// Operators that pass.
        eligible: usize,
        /// Operators needed.
        needed: usize,
        /// The most frequent rejection and how many operators it hit.
        top_rejection: Option<(String, usize)>,
    },
    /// A pinned operator is not among the candidates.
    PinnedMissing {
        /// Operator id.
        id: u64,
    },
    /// A pinned operator fails a per-operator filter.
    PinnedRejected {
        /// Operator id.
        id: u64,
        /// Why.
        rejection: Rejection,
    },
    /// One diversity cap alone leaves too few operators.
    DiversityCap {
        /// The capped dimension.
        dimension: Dimension,
        /// The cap.
        cap: usize,
        /// The most operators any committee can take under this cap.
        reachable: usize,
    },
    /// Several diversity caps together rule every committee out; dropping any one of these
    /// would make one feasible (empty when even that is not enough).
    DiversityCaps {
        /// The caps involved.
        dimensions: Vec<Dimension>,
    },
    /// The cheapest committee that meets everything else costs more than the committee cap.
    CommitteeFeeCap {
        /// The cap, wei per block.
        cap: u128,
        /// The cheapest total fee, wei per block.
        cheapest: u128,
    },
    /// The search stopped at its budget before finding any committee.
    SearchBudget {
        /// Search nodes visited.
        nodes: u64,
    },
    /// `stafi-go` preset: fewer than twice the committee size pass pre-selection.
    TooFewPreselected {
        /// Operators that pass.
        survivors: usize,
        /// Operators needed.
        needed: usize,
    },
    /// `stafi-go` preset: no new cluster of cheap operators that is not already a cluster.
    NoNewCluster {
        /// Operators collected.
        collected: usize,
    },
}

impl fmt::Display for BindingConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewEligible {
                eligible,
                needed,
                top_rejection,
            } => {
                write!(
                    f,
                    "only {eligible} operators pass the filters, {needed} needed"
                )?;
                if let Some((kind, count)) = top_rejection {
                    write!(f, " (most common rejection: {kind}, {count} operators)")?;
                }
                Ok(())
            }
            Self::PinnedMissing { id } => write!(f, "pinned operator {id} is not a candidate"),
            Self::PinnedRejected { id, rejection } => {
                write!(f, "pinned operator {id} is rejected: {rejection}")
            }
            Self::DiversityCap {
                dimension,
                cap,
                reachable,
            } => write!(
                f,
                "diversity cap of {cap} per {dimension} ({}) leaves at most {reachable} operators",
                dimension.policy_field()
            ),
            Self::DiversityCaps { dimensions } if dimensions.is_empty() => {
                f.write_str("the diversity caps together, and no single one is enough to relax")
            }
            Self::DiversityCaps { dimensions } => {
                f.write_str("the diversity caps together; relaxing any one of ")?;
                for (i, d) in dimensions.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(d.policy_field())?;
                }
                f.write_str(" would allow a committee")
            }
            Self::CommitteeFeeCap { cap, cheapest } => write!(
                f,
                "max_fee_per_committee {cap} wei/block is below the cheapest committee's {cheapest}"
            ),
            Self::SearchBudget { nodes } => {
                write!(f, "search budget exhausted after {nodes} nodes")
            }
            Self::TooFewPreselected { survivors, needed } => write!(
                f,
                "only {survivors} operators pass pre-selection, the Go rule needs {needed}"
            ),
            Self::NoNewCluster { collected } => write!(
                f,
                "only {collected} operators at or below the median fee form a cluster that does not exist yet"
            ),
        }
    }
}
