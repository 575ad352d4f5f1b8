//! Pure, explainable selection of SSV operator committees.
//!
//! Takes candidate operators, existing clusters and a policy; returns a committee and, for every
//! candidate, the reason it was chosen or rejected. No I/O.
//!
//! ```
//! use operator_selection::Policy;
//!
//! let policy = Policy::default();
//! assert_eq!(policy.committee_size, 4);
//! ```

mod error;
mod policy;

pub use error::SelectionError;
pub use policy::Policy;
