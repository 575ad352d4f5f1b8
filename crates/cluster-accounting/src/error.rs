use thiserror::Error;

/// Everything that can go wrong in this crate.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountingError {
    /// Operator ids must be strictly ascending, as the contracts require.
    #[error("operator ids must be sorted ascending without duplicates: {ids:?}")]
    UnsortedOperatorIds { ids: Vec<u64> },
}
