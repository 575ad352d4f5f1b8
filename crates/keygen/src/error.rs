use thiserror::Error;

/// Everything that can go wrong in this crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeygenError {
    /// A network name that is not in the table and was not given as a custom network.
    #[error("unknown network {name:?}; known networks: {known}")]
    UnknownNetwork { name: String, known: String },
}
