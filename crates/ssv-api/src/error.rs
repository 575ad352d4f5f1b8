use thiserror::Error;

/// Everything that can go wrong in this crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SsvApiError {
    /// The SSV API serves only the networks it knows.
    #[error("SSV API has no network {0:?} (use mainnet or hoodi)")]
    UnknownNetwork(String),
}
