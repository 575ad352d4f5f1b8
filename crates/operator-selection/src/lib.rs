//! Pure, explainable selection of SSV operator committees.
//!
//! Takes candidate operators, existing clusters and a [`Policy`]; returns a committee and, for
//! every candidate, the reason it was chosen or rejected. [`assess_clusters`] says which
//! validators of existing clusters should move, and [`select_stafi_go`] reproduces the older Go
//! client's rule for comparison. No I/O.
//!
//! ```
//! use alloy_primitives::Address;
//! use operator_selection::{select, Candidate, Policy, SelectionInput, Verdict};
//!
//! let candidates: Vec<Candidate> = (1..=6)
//!     .map(|id| Candidate {
//!         owner_address: Address::with_last_byte(id as u8),
//!         setup_provider: Some(format!("provider-{}", id % 3)),
//!         location: Some(format!("country-{id}")),
//!         el_client: Some(["Geth", "Nethermind", "Besu"][id as usize % 3].to_owned()),
//!         ..Candidate::new(id, "LS0tLS1CRUdJTi...", 1_000_000_000 + u128::from(id))
//!     })
//!     .collect();
//! let input = SelectionInput::new(candidates, Address::repeat_byte(0x11));
//! let selection = select(&input, &Policy::default()).unwrap();
//! assert_eq!(selection.committee, vec![1, 2, 3, 4]);
//! assert_eq!(selection.verdict(1), Some(&Verdict::Chosen));
//! assert_eq!(selection.score.yearly_cost_per_validator, 4_000_000_010 * 2_628_000);
//! ```
#![warn(missing_docs)]

mod candidate;
mod eligibility;
mod error;
mod health;
mod policy;
mod report;
mod search;
mod select;
mod stafi_go;

pub use alloy_primitives::Address;
pub use candidate::{
    BLOCKS_PER_YEAR, Candidate, DEFAULT_VALIDATORS_PER_OPERATOR_LIMIT, ExistingCluster, FeeToken,
    OperatorStatus, SelectionInput,
};
pub use eligibility::check_candidate;
pub use error::{BindingConstraint, SelectionError};
pub use health::{
    ClusterHealth, HealthProblem, HealthReport, HealthTracker, Move, OperatorHealth,
    assess_clusters,
};
pub use policy::{COMMITTEE_SIZES, Dimension, DiversityCaps, Policy};
pub use report::{
    CandidateReport, CommitteeScore, CommitteeSource, NotChosen, Rejection, Selection, Verdict,
    Window,
};
pub use select::select;
pub use stafi_go::{GO_HEADROOM, select_stafi_go};
