use std::fmt;
use std::str::FromStr;

use alloy::primitives::{Address, address};

use crate::ContractsError;

/// A network with a known SSV Network v2 deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Network {
    /// Ethereum mainnet (chain 1).
    Mainnet,
    /// Hoodi testnet (chain 560048).
    Hoodi,
}

/// SSV Network contract addresses of one network: mainnet's from ssvlabs/ssv-network
/// `.openzeppelin/mainnet.json` and `deployments/mainnet/config.json`, hoodi's from
/// `deployments/hoodi-prod/config.json`; the first blocks worth scanning are ssvlabs/ssv-scanner's
/// (`src/shared/abi/prod.v4.{mainnet,hoodi}.abi.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SsvDeployment {
    /// The execution chain id.
    pub chain_id: u64,
    /// SSVNetwork (the proxy).
    pub ssv_network: Address,
    /// SSVNetworkViews (the proxy).
    pub ssv_network_views: Address,
    /// The SSV token.
    pub ssv_token: Address,
    /// The cSSV token (SSV Network v2).
    pub cssv_token: Address,
    /// First block worth scanning for cluster events.
    pub genesis_block: u64,
}

impl Network {
    /// Every network with a preset.
    pub const ALL: [Network; 2] = [Network::Mainnet, Network::Hoodi];

    /// The network's name (`mainnet`, `hoodi`).
    pub fn name(self) -> &'static str {
        match self {
            Network::Mainnet => "mainnet",
            Network::Hoodi => "hoodi",
        }
    }

    /// The execution chain id.
    pub fn chain_id(self) -> u64 {
        self.ssv().chain_id
    }

    /// The network of a chain id, if it has a preset.
    pub fn from_chain_id(chain_id: u64) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.chain_id() == chain_id)
    }

    /// The SSV Network v2 deployment on this network.
    pub fn ssv(self) -> SsvDeployment {
        match self {
            Network::Mainnet => SsvDeployment {
                chain_id: 1,
                ssv_network: address!("DD9BC35aE942eF0cFa76930954a156B3fF30a4E1"),
                ssv_network_views: address!("afE830B6Ee262ba11cce5F32fDCd760FFE6a66e4"),
                ssv_token: address!("9D65fF81a3c488d585bBfb0Bfe3c7707c7917f54"),
                cssv_token: address!("e018D31F120A637828F46aFD6c64EC099d960546"),
                genesis_block: 17_507_487,
            },
            Network::Hoodi => SsvDeployment {
                chain_id: 560_048,
                ssv_network: address!("58410Bef803ECd7E63B23664C586A6DB72DAf59c"),
                ssv_network_views: address!("5AdDb3f1529C5ec70D77400499eE4bbF328368fe"),
                ssv_token: address!("9F5d4Ec84fC4785788aB44F9de973cF34F7A038e"),
                cssv_token: address!("6e1a5d27361c666f681af06535c8Ac773E571d4d"),
                genesis_block: 1065,
            },
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Network {
    type Err = ContractsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|n| n.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| ContractsError::UnknownNetwork { name: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_chain_ids_round_trip() {
        for n in Network::ALL {
            assert_eq!(n.name().parse::<Network>().unwrap(), n);
            assert_eq!(Network::from_chain_id(n.chain_id()), Some(n));
        }
        assert!(matches!(
            "holesky".parse::<Network>(),
            Err(ContractsError::UnknownNetwork { name }) if name == "holesky"
        ));
    }
}
