use serde::Deserialize;

use crate::SelectionError;

/// What a committee must satisfy. Fields missing from a policy file keep their defaults.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Operators per committee: 4, 7, 10 or 13.
    pub committee_size: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Self { committee_size: 4 }
    }
}

impl Policy {
    /// Parse a TOML policy and check it.
    pub fn from_toml(text: &str) -> Result<Self, SelectionError> {
        let policy: Self = toml::from_str(text)?;
        if ![4, 7, 10, 13].contains(&policy.committee_size) {
            return Err(SelectionError::CommitteeSize(policy.committee_size));
        }
        Ok(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_keep_defaults() {
        assert_eq!(Policy::from_toml("").unwrap(), Policy::default());
    }

    #[test]
    fn bad_size_and_unknown_fields_are_errors() {
        assert!(matches!(
            Policy::from_toml("committee_size = 5"),
            Err(SelectionError::CommitteeSize(5))
        ));
        let err = Policy::from_toml("comittee_size = 4").unwrap_err();
        assert!(err.to_string().contains("comittee_size"), "{err}");
    }
}
