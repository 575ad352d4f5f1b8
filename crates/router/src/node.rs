//! The router's view of the world, opened once: configuration, execution endpoints, StaFi's
//! contracts, the beacon node, the store and the SSV index restored from it.

use std::time::Duration;

use alloy::eips::BlockId;
use alloy::primitives::Address;
use cluster_accounting::LiquidationParams;
use ssv_sync::{Index, IndexConfig, Progress, SyncConfig, SyncReport, Syncer, WindowConfig};
use stafi_contracts::ssv_network_views::SSVNetworkViews;

use crate::beacon::Beacon;
use crate::chain::Chain;
use crate::config::Settings;
use crate::error::RouterError;
use crate::stafi::Stafi;
use crate::store::{Store, StoreIdentity};

/// The router's accounts, by address (what reading the world needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    /// The StaFi super node account's address.
    pub super_node: Address,
    /// The SSV owner account's address.
    pub ssv_owner: Address,
}

/// Everything the router reads through.
#[derive(Debug)]
pub struct Node {
    /// The validated configuration it was opened with.
    pub settings: Settings,
    /// The two accounts' addresses.
    pub identity: Identity,
    /// The execution endpoints, checked to be on the configured chain.
    pub chain: Chain,
    /// The beacon-node client.
    pub beacon: Beacon,
    /// StaFi's contracts, resolved from StafiStorage.
    pub stafi: Stafi,
    /// The store in the data directory, locked for this process.
    pub store: Store,
    /// The SSV index built from SSVNetwork's logs: operators, and the SSV owner's clusters and
    /// validators.
    pub index: Index,
    /// Follows SSVNetwork's logs into `index`; holds the sync cursor.
    pub syncer: Syncer,
    /// The beacon node's `SLOTS_PER_EPOCH` and `SHARD_COMMITTEE_PERIOD`, read once when needed.
    pub beacon_timing: std::sync::OnceLock<crate::beacon::Timing>,
    /// Our registrations the SSV API marked invalid, and when (block) that was last checked.
    pub validity: std::sync::Mutex<Option<Validity>>,
}

/// The SSV API's validity flags of our registered validators, as last checked.
#[derive(Debug, Clone, Default)]
pub struct Validity {
    /// When the SSV API was last asked; `None` before the first check.
    pub checked: Option<std::time::Instant>,
    /// The synced block at the check: a registration after it is not judged by it.
    pub block: u64,
    /// The pubkeys whose registration the SSV API marks invalid (`isValid` or `isSharesValid`
    /// false).
    pub invalid: std::collections::BTreeSet<alloy::primitives::Bytes>,
}

impl Node {
    /// Connects, checks every execution endpoint is on the configured chain, resolves StaFi's
    /// addresses, opens the store (refusing one made for another chain or accounts) and rebuilds
    /// the SSV index from the logs it keeps.
    pub async fn open(settings: Settings, identity: Identity) -> Result<Self, RouterError> {
        let timeout = Duration::from_secs(settings.config.execution.request_timeout_secs);
        let chain = Chain::connect(
            &settings.config.execution.rpc_urls,
            settings.profile.chain_id(),
            timeout,
        )?;
        chain.check_chain_ids().await?;
        chain
            .check_contracts(&[
                (
                    "contracts.stafi_storage",
                    settings.config.contracts.stafi_storage,
                ),
                ("ssv_network", settings.ssv_network),
                ("ssv_network_views", settings.ssv_network_views),
            ])
            .await?;
        let network =
            stafi_contracts::ssv_network::SSVNetwork::new(settings.ssv_network, chain.provider());
        match network.getVersion().call().await {
            Ok(_) => {}
            // No answer (a JSON-RPC error, such as the revert, is an answer): wait and retry.
            Err(alloy::contract::Error::TransportError(e)) if e.as_error_resp().is_none() => {
                return Err(RouterError::Rpc {
                    method: "eth_call".into(),
                    message: e.to_string(),
                });
            }
            Err(e) => {
                return Err(RouterError::NotSsvNetwork {
                    address: settings.ssv_network,
                    message: e.to_string(),
                });
            }
        }
        let beacon = Beacon::new(&settings.config.beacon.urls, timeout)?;
        let stafi =
            Stafi::resolve(chain.provider(), settings.config.contracts.stafi_storage).await?;
        let store = Store::open(
            &settings.config.data_dir,
            &StoreIdentity {
                chain_id: settings.profile.chain_id(),
                ssv_network: settings.ssv_network,
                ssv_owner: identity.ssv_owner,
                super_node: identity.super_node,
            },
        )?;
        let state = store.sync_state()?;
        let checkpoint = match (
            store.checkpoint()?,
            settings.config.execution.from_block,
            &state,
        ) {
            (Some(cp), _, _) => Some(cp),
            (None, Some(block), None) => {
                let cp =
                    ssv_sync::read_checkpoint(chain.provider(), settings.ssv_network_views, block)
                        .await?;
                store.set_checkpoint(&cp)?;
                Some(cp)
            }
            (None, _, _) => None,
        };
        let mut sync_config = sync_config(&settings);
        if let Some(cp) = &checkpoint {
            sync_config.start_block = cp.block + 1;
        }
        let index = Index::from_logs(
            IndexConfig {
                checkpoint,
                ..index_config(&settings, identity)
            },
            store.ssv_logs()?,
        )?;
        let syncer = match state {
            Some(state) => Syncer::restore(sync_config, state),
            None => Syncer::new(sync_config),
        };
        Ok(Self {
            settings,
            identity,
            chain,
            beacon,
            stafi,
            store,
            index,
            syncer,
            beacon_timing: std::sync::OnceLock::new(),
            validity: std::sync::Mutex::new(None),
        })
    }

    /// Syncs the SSV index to the head (minus the confirmation depth) and persists what changed.
    pub async fn sync(
        &mut self,
        progress: impl FnMut(Progress),
    ) -> Result<SyncReport, RouterError> {
        let report = self
            .syncer
            .sync(&self.chain, &mut self.index, progress)
            .await?;
        self.store.commit_sync(&report, self.syncer.state())?;
        Ok(report)
    }

    /// ETH-cluster liquidation parameters from SSVNetworkViews, at block `at`.
    pub async fn eth_liquidation_params(
        &self,
        at: BlockId,
    ) -> Result<LiquidationParams, RouterError> {
        self.liquidation_params(false, at).await
    }

    /// Legacy SSV-cluster liquidation parameters from SSVNetworkViews, at block `at`.
    pub async fn ssv_liquidation_params(
        &self,
        at: BlockId,
    ) -> Result<LiquidationParams, RouterError> {
        self.liquidation_params(true, at).await
    }

    async fn liquidation_params(
        &self,
        legacy: bool,
        at: BlockId,
    ) -> Result<LiquidationParams, RouterError> {
        let views = SSVNetworkViews::new(self.settings.ssv_network_views, self.chain.provider());
        let err = |name| {
            move |e| {
                RouterError::Contract(stafi_contracts::ContractsError::from_call(name, None, e))
            }
        };
        let (threshold_period, minimum_collateral) = if legacy {
            (
                views
                    .getLiquidationThresholdPeriodSSV()
                    .block(at)
                    .call()
                    .await
                    .map_err(err("getLiquidationThresholdPeriodSSV"))?,
                views
                    .getMinimumLiquidationCollateralSSV()
                    .block(at)
                    .call()
                    .await
                    .map_err(err("getMinimumLiquidationCollateralSSV"))?,
            )
        } else {
            (
                views
                    .getLiquidationThresholdPeriod()
                    .block(at)
                    .call()
                    .await
                    .map_err(err("getLiquidationThresholdPeriod"))?,
                views
                    .getMinimumLiquidationCollateral()
                    .block(at)
                    .call()
                    .await
                    .map_err(err("getMinimumLiquidationCollateral"))?,
            )
        };
        Ok(LiquidationParams {
            threshold_period,
            minimum_collateral,
        })
    }

    /// The keys in use, from the chain at block `at` (the super node's list and statuses), with
    /// what the store knows of them.
    pub async fn recover_keys(
        &self,
        seed: &keygen::Seed,
        at: BlockId,
    ) -> Result<Vec<crate::store::ValidatorRecord>, RouterError> {
        let known = self.store.validators()?;
        self.stafi
            .recover_keys(
                seed,
                self.identity.super_node,
                &known,
                self.settings.config.keys.gap_window,
                at,
            )
            .await
    }
}

/// The SSV index configuration for these settings.
pub fn index_config(settings: &Settings, identity: Identity) -> IndexConfig {
    IndexConfig {
        owners: vec![identity.ssv_owner],
        upgrade_block: settings.profile.v2_upgrade_block,
        legacy_operator_eth_fee: settings.profile.legacy_operator_eth_fee,
        checkpoint: None,
    }
}

/// The SSV sync configuration for these settings.
pub fn sync_config(settings: &Settings) -> SyncConfig {
    let e = &settings.config.execution;
    SyncConfig {
        confirmations: e.confirmations,
        window: WindowConfig {
            initial: e.log_window,
            max: e.log_window,
            ..WindowConfig::default()
        },
        ..SyncConfig::new(settings.ssv_network, settings.profile.ssv.genesis_block)
    }
}
