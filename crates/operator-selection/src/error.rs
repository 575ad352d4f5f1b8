use thiserror::Error;

/// Everything that can go wrong in this crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SelectionError {
    /// The policy file is not valid TOML or has a field of the wrong type.
    #[error("invalid policy: {0}")]
    Policy(#[from] toml::de::Error),
    /// SSV accepts committees of 4, 7, 10 or 13 operators only.
    #[error("committee size {0} is not supported by SSV (use 4, 7, 10 or 13)")]
    CommitteeSize(usize),
}
