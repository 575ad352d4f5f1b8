use thiserror::Error;

/// Everything that can go wrong in this crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ContractsError {
    /// StafiStorage has no address registered under this contract name.
    #[error("StafiStorage has no address for contract {name:?}")]
    UnregisteredContract { name: String },
}
