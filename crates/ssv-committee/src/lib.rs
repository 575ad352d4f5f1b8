//! SSV Network committees: which operator id lists a validator can be registered with.
//!
//! A committee has n ∈ {4, 7, 10, 13} operators ([`COMMITTEE_SIZES`], [`CommitteeSize`]):
//! n = 3f + 1 tolerates f = (n − 1)/3 faulty operators, and t = n − f shares sign. A
//! [`Committee`] holds its operator ids strictly ascending and non-zero, the form SSV's
//! `registerValidator` takes and hashes into the cluster id; anything else is a
//! [`CommitteeError`] naming the offending size or id. The rules are those of SSV's contracts
//! (ssvlabs/ssv-network `contracts/libraries/ValidatorLib.sol`,
//! `contracts/libraries/OperatorLib.sol`).
//!
//! ```
//! use ssv_committee::{COMMITTEE_SIZES, Committee, CommitteeError, CommitteeSize};
//!
//! let committee = Committee::new(vec![3, 17, 29, 101, 150, 200, 999])?;
//! assert_eq!(committee.size(), CommitteeSize::Seven);
//! assert_eq!(committee.size().fault_tolerance(), 2);
//! assert_eq!(committee.size().threshold(), 5);
//! assert_eq!(committee.max_validators_per_bulk_registration(), 40);
//!
//! assert_eq!(
//!     Committee::new(vec![3, 17, 9, 40]),
//!     Err(CommitteeError::Unsorted { previous: 17, next: 9 })
//! );
//! assert!(COMMITTEE_SIZES.iter().all(|&n| CommitteeSize::try_from(n).is_ok()));
//! # Ok::<(), CommitteeError>(())
//! ```
#![warn(missing_docs)]

mod committee;
mod error;
mod size;

pub use committee::Committee;
pub use error::CommitteeError;
pub use size::{COMMITTEE_SIZES, CommitteeSize};

/// The README's example, compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
