use thiserror::Error;

/// Why a committee size or an operator id list is not one SSV accepts.
///
/// The variants mirror the reverts of SSV's `registerValidator` where there is one
/// (ssvlabs/ssv-network `contracts/libraries/ValidatorLib.sol`, `contracts/libraries/OperatorLib.sol`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum CommitteeError {
    /// The number of operators is not 4, 7, 10 or 13 (`InvalidOperatorIdsLength`).
    #[error("committee size {size} is not supported by SSV (use 4, 7, 10 or 13)")]
    Size {
        /// The number of operators given.
        size: usize,
    },

    /// `next` follows the larger id `previous` (`UnsortedOperatorsList`).
    #[error("operator ids must be sorted ascending: {next} follows {previous}")]
    Unsorted {
        /// The id before the offending one.
        previous: u64,
        /// The offending id, smaller than `previous`.
        next: u64,
    },

    /// An operator id appears more than once (`OperatorsListNotUnique`).
    #[error("operator id {id} appears more than once")]
    Duplicate {
        /// The repeated id.
        id: u64,
    },

    /// Operator id 0: SSV numbers operators from 1, and for a Shamir split x = 0 is the secret.
    #[error("operator id 0 is not valid (SSV operator ids start at 1)")]
    ZeroId,
}
