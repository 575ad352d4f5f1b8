use std::str::FromStr;

use crate::SsvApiError;

/// Networks the SSV API serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsvNetwork {
    /// Ethereum mainnet (`mainnet`).
    Mainnet,
    /// The Hoodi testnet (`hoodi`).
    Hoodi,
}

impl SsvNetwork {
    /// The path segment the API uses for this network.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Mainnet => "mainnet",
            Self::Hoodi => "hoodi",
        }
    }

    /// The public API's base URL for this network.
    pub fn default_base_url(self) -> String {
        format!("https://api.ssv.network/api/v4/{}", self.as_str())
    }
}

impl FromStr for SsvNetwork {
    type Err = SsvApiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "mainnet" => Ok(Self::Mainnet),
            "hoodi" => Ok(Self::Hoodi),
            _ => Err(SsvApiError::UnknownNetwork(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_networks_and_rejects_others() {
        assert_eq!(
            "Mainnet".parse::<SsvNetwork>().unwrap(),
            SsvNetwork::Mainnet
        );
        assert_eq!("hoodi".parse::<SsvNetwork>().unwrap(), SsvNetwork::Hoodi);
        let err = "holesky".parse::<SsvNetwork>().unwrap_err();
        assert!(err.to_string().contains("holesky"));
    }
}
