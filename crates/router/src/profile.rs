//! One description of a network for every part of the router: the consensus parameters deposit
//! data and exits are signed with (`keygen::Network`), SSV Network's deployment
//! (`stafi_contracts::SsvDeployment`), the SSV API's name for it and the v2 activation block.

use alloy::primitives::{Address, U256};
use keygen::Network;
use serde::{Deserialize, Serialize};
use stafi_contracts::SsvDeployment;

use crate::error::RouterError;

/// A network the router runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkProfile {
    /// Consensus-layer parameters: chain id, fork versions, genesis validators root.
    pub consensus: Network,
    /// SSV Network's contracts and the block to index from.
    pub ssv: SsvDeployment,
    /// The block SSV Network v2.0.0 took effect, when known in advance; `None` means learn it from
    /// the chain's `SSVNetworkUpgradeBlock` event.
    pub v2_upgrade_block: Option<u64>,
    /// The SSV API's path segment for this network (`mainnet`, `hoodi`).
    pub ssv_api_network: Option<String>,
    /// `DEFAULT_OPERATOR_ETH_FEE` of the deployed v2 code, wei per block.
    pub legacy_operator_eth_fee: U256,
}

/// The v2.0.0 upgrade block on mainnet (ssvlabs/ssv-staking-apr-service
/// `docs/cssv-snapshot/README.md`: "snapshots intentionally start at the smart contract upgrade
/// block 24920727").
pub const MAINNET_V2_UPGRADE_BLOCK: u64 = 24_920_727;

/// A network that is not built in (a devnet), as the configuration describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomNetwork {
    /// One word, not the name of a built-in network.
    pub name: String,
    /// The execution chain id (EIP-155).
    pub chain_id: u64,
    /// `GENESIS_FORK_VERSION`, 4 bytes hex.
    pub genesis_fork_version: String,
    /// `CAPELLA_FORK_VERSION`, 4 bytes hex (voluntary exits, EIP-7044).
    pub capella_fork_version: String,
    /// `genesis_validators_root`, 32 bytes hex.
    pub genesis_validators_root: String,
    /// The SSVNetwork contract.
    pub ssv_network: Address,
    /// The SSVNetworkViews contract.
    pub ssv_network_views: Address,
    /// The SSV token contract; the zero address when absent.
    #[serde(default)]
    pub ssv_token: Option<Address>,
    /// Block SSVNetwork was deployed at (indexing starts there).
    #[serde(default)]
    pub ssv_deployment_block: u64,
    /// The block SSV Network v2.0.0 took effect; absent, it is learnt from the chain's
    /// `SSVNetworkUpgradeBlock` event.
    #[serde(default)]
    pub v2_upgrade_block: Option<u64>,
    /// The SSV API's path segment for this network.
    #[serde(default)]
    pub ssv_api_network: Option<String>,
    /// Wei per block; defaults to the deployed v2.0.0 value.
    #[serde(default)]
    pub legacy_operator_eth_fee: Option<u64>,
}

impl NetworkProfile {
    /// Names of the built-in profiles.
    pub const PRESETS: [&'static str; 2] = ["mainnet", "hoodi"];

    /// A built-in network.
    pub fn preset(name: &str) -> Result<Self, RouterError> {
        let ssv_net: stafi_contracts::Network =
            name.parse().map_err(|_| RouterError::UnknownPreset {
                name: name.to_owned(),
                known: Self::PRESETS.join(", "),
            })?;
        let consensus =
            Network::by_name(ssv_net.name()).map_err(|source| RouterError::Network {
                key: "network.preset",
                source,
            })?;
        Ok(Self {
            consensus,
            ssv: ssv_net.ssv(),
            v2_upgrade_block: (ssv_net == stafi_contracts::Network::Mainnet)
                .then_some(MAINNET_V2_UPGRADE_BLOCK),
            ssv_api_network: Some(ssv_net.name().to_owned()),
            legacy_operator_eth_fee: U256::from(ssv_sync::DEFAULT_OPERATOR_ETH_FEE),
        })
    }

    /// A network described in the configuration.
    pub fn custom(c: &CustomNetwork) -> Result<Self, RouterError> {
        let consensus = Network::custom(&keygen::wire::NetworkConfig {
            name: c.name.clone(),
            chain_id: c.chain_id,
            genesis_fork_version: c.genesis_fork_version.clone(),
            capella_fork_version: c.capella_fork_version.clone(),
            genesis_validators_root: c.genesis_validators_root.clone(),
        })
        .map_err(|source| RouterError::Network {
            key: "network.custom",
            source,
        })?;
        Ok(Self {
            consensus,
            ssv: SsvDeployment {
                chain_id: c.chain_id,
                ssv_network: c.ssv_network,
                ssv_network_views: c.ssv_network_views,
                ssv_token: c.ssv_token.unwrap_or_default(),
                cssv_token: Address::ZERO,
                genesis_block: c.ssv_deployment_block,
            },
            v2_upgrade_block: c.v2_upgrade_block,
            ssv_api_network: c.ssv_api_network.clone(),
            legacy_operator_eth_fee: U256::from(
                c.legacy_operator_eth_fee
                    .unwrap_or(ssv_sync::DEFAULT_OPERATOR_ETH_FEE),
            ),
        })
    }

    /// The network's name (`mainnet`, `hoodi`, or the custom one's).
    pub fn name(&self) -> &str {
        &self.consensus.name
    }

    /// The execution chain id (EIP-155).
    pub fn chain_id(&self) -> u64 {
        self.consensus.chain_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_join_the_three_network_tables() {
        let mainnet = NetworkProfile::preset("mainnet").unwrap();
        assert_eq!(mainnet.chain_id(), 1);
        assert_eq!(mainnet.ssv.chain_id, 1);
        assert_eq!(mainnet.v2_upgrade_block, Some(MAINNET_V2_UPGRADE_BLOCK));
        assert_eq!(mainnet.ssv_api_network.as_deref(), Some("mainnet"));
        let hoodi = NetworkProfile::preset("Hoodi").unwrap();
        assert_eq!(hoodi.chain_id(), 560_048);
        assert_eq!(
            hoodi.consensus.capella_fork_version,
            [0x40, 0x00, 0x09, 0x10]
        );
        assert!(matches!(
            NetworkProfile::preset("holesky"),
            Err(RouterError::UnknownPreset { name, .. }) if name == "holesky"
        ));
    }
}
