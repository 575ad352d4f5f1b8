use std::fmt;
use std::path::PathBuf;

use alloy::contract::{CallBuilder, CallDecoder};
use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::ext::AnvilApi;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::TransactionReceipt;
use alloy::sol_types::SolEvent;
use stafi_contracts::ssv_network::SSVNetwork as PublishedSsvNetwork;
use stafi_contracts::{Cluster, ClusterRef, ContractsError, storage_key};

use crate::deposit::withdrawal_credentials;
use crate::doubles::{
    deposit_contract::DepositContract, double_cluster, ssv_network::SSVNetwork,
    ssv_network_views::SSVNetworkViews, ssv_token::SSVToken,
    stafi_network_settings::StafiNetworkSettings, stafi_storage::StafiStorage,
    stafi_super_node::StafiSuperNode, stafi_user_deposit::StafiUserDeposit,
    stafi_withdraw::StafiWithdraw,
};
use crate::operators::{
    OperatorSpec, SeededOperator, generate_operator_key, operator_public_key_bytes, seeded,
};
use crate::{DevnetError, anvil::anvil_path};

const ETH: u128 = 1_000_000_000_000_000_000;
/// Mainnet v2 parameters (ssv-contracts spec §9.1).
const MAINNET_ETH_NETWORK_FEE: u64 = 3_366_600_000;
const MAINNET_LTP: u64 = 42_960;
const MAINNET_MLC: u64 = 324_862_599_900_000;
const MAINNET_LTP_SSV: u64 = 100_240;
const MAINNET_MLC_SSV: u64 = 385_795_451_000_000_000;
const MAX_OPERATOR_FEE: u64 = 5_336_500_000;
const MIN_OPERATOR_ETH_FEE: u64 = 10_000_000;
/// Legacy SSV fees used for seeding: 1e9 wei SSV per block for every operator and the network.
const LEGACY_SSV_FEE: u64 = 1_000_000_000;
const VALIDATORS_PER_OPERATOR_LIMIT: u32 = 3000;
/// Fee declarations execute immediately and stay executable for a day.
const EXECUTE_OPERATOR_FEE_PERIOD: u64 = 86_400;
const OPERATOR_MAX_FEE_INCREASE_BPS: u64 = 1_000;

/// The dev accounts and the role each plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accounts {
    /// Deployer, StaFi admin and SSV DAO owner.
    pub admin: Address,
    /// The router's StaFi super-node account.
    pub super_node: Address,
    /// The router's SSV cluster owner.
    pub ssv_owner: Address,
    /// StaFi trusted (oracle) nodes.
    pub oracles: Vec<Address>,
    /// A user who funds the deposit pool.
    pub user: Address,
    /// Owners of the seeded SSV operators (round robin).
    pub operator_owners: Vec<Address>,
    /// Registered as `stafiSuperNodeFeePool`.
    pub super_node_fee_pool: Address,
}

/// Where everything is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addresses {
    pub deposit_contract: Address,
    pub stafi_storage: Address,
    pub user_deposit: Address,
    pub network_settings: Address,
    pub super_node: Address,
    pub withdraw: Address,
    pub ssv_token: Address,
    pub ssv_network: Address,
    pub ssv_network_views: Address,
}

/// Options for [`Devnet`]; defaults are mainnet's v2 parameters and [`OperatorSpec::default_set`].
#[derive(Debug, Clone)]
pub struct DevnetBuilder {
    anvil: Option<PathBuf>,
    operators: Vec<OperatorSpec>,
    pool_funding: U256,
    network_fee: U256,
    liquidation_threshold_period: u64,
    minimum_liquidation_collateral: U256,
}

impl Default for DevnetBuilder {
    fn default() -> Self {
        Self {
            anvil: None,
            operators: OperatorSpec::default_set(),
            pool_funding: U256::from(320 * ETH),
            network_fee: U256::from(MAINNET_ETH_NETWORK_FEE),
            liquidation_threshold_period: MAINNET_LTP,
            minimum_liquidation_collateral: U256::from(MAINNET_MLC),
        }
    }
}

impl DevnetBuilder {
    /// The anvil binary (default: [`crate::anvil_path`]).
    #[must_use]
    pub fn anvil(mut self, path: impl Into<PathBuf>) -> Self {
        self.anvil = Some(path.into());
        self
    }

    /// Operators to seed, registered in order as ids 1, 2, …
    #[must_use]
    pub fn operators(mut self, operators: Vec<OperatorSpec>) -> Self {
        self.operators = operators;
        self
    }

    /// ETH the user puts in the StaFi deposit pool at start.
    #[must_use]
    pub fn pool_funding(mut self, wei: U256) -> Self {
        self.pool_funding = wei;
        self
    }

    /// SSV ETH network fee, wei per block per 32 ETH.
    #[must_use]
    pub fn network_fee(mut self, wei: U256) -> Self {
        self.network_fee = wei;
        self
    }

    /// SSV liquidation threshold period in blocks (at least 21,480).
    #[must_use]
    pub fn liquidation_threshold_period(mut self, blocks: u64) -> Self {
        self.liquidation_threshold_period = blocks;
        self
    }

    /// SSV minimum liquidation collateral in wei.
    #[must_use]
    pub fn minimum_liquidation_collateral(mut self, wei: U256) -> Self {
        self.minimum_liquidation_collateral = wei;
        self
    }

    /// Starts anvil on 127.0.0.1 (OS-chosen port), deploys and seeds everything.
    pub async fn spawn(self) -> Result<Devnet, DevnetError> {
        let path = self.anvil.clone().unwrap_or_else(anvil_path);
        if !path.is_file() {
            return Err(DevnetError::AnvilMissing { path });
        }
        let mut anvil = Anvil::at(&path)
            .host("127.0.0.1")
            .args(["--balance", "1000000", "--gas-limit", "100000000"])
            .keep_stdout()
            .try_spawn()
            .map_err(|source| DevnetError::AnvilStart {
                path: path.clone(),
                source,
            })?;
        // anvil logs every request to stdout; drain it so a full pipe never blocks the node.
        if let Some(mut stdout) = anvil.child_mut().stdout.take() {
            std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        }
        let addrs = anvil.addresses().to_vec();
        if addrs.len() < 10 {
            return Err(DevnetError::TooFewAccounts {
                found: addrs.len(),
                needed: 10,
            });
        }
        let wallet = anvil.wallet().ok_or(DevnetError::TooFewAccounts {
            found: 0,
            needed: 10,
        })?;
        let provider = ProviderBuilder::new()
            .wallet(wallet)
            .connect_http(anvil.endpoint_url())
            .erased();
        let accounts = Accounts {
            admin: addrs[0],
            super_node: addrs[1],
            ssv_owner: addrs[2],
            oracles: addrs[3..6].to_vec(),
            user: addrs[6],
            operator_owners: addrs[7..9].to_vec(),
            super_node_fee_pool: addrs[9],
        };
        let addresses = deploy_stafi(&provider, &accounts, self.pool_funding).await?;
        let addresses = deploy_ssv(&provider, &accounts, addresses, &self).await?;
        let mut devnet = Devnet {
            anvil,
            provider,
            accounts,
            addresses,
            operators: Vec::new(),
        };
        devnet.seed_operators(&self.operators).await?;
        Ok(devnet)
    }
}

fn deploy_err(contract: &'static str) -> impl FnOnce(alloy::contract::Error) -> DevnetError {
    move |source| DevnetError::Deploy {
        contract,
        source: Box::new(source),
    }
}

async fn deploy_stafi(
    provider: &DynProvider,
    accounts: &Accounts,
    pool: U256,
) -> Result<Addresses, DevnetError> {
    let p = provider.clone();
    let deposit_contract = *DepositContract::deploy(p.clone())
        .await
        .map_err(deploy_err("DepositContract"))?
        .address();
    let storage = StafiStorage::deploy(p.clone())
        .await
        .map_err(deploy_err("StafiStorage"))?;
    let s = *storage.address();
    let user_deposit = *StafiUserDeposit::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiUserDeposit"))?
        .address();
    let withdraw = *StafiWithdraw::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiWithdraw"))?
        .address();
    let wc = Bytes::copy_from_slice(&withdrawal_credentials(withdraw));
    let network_settings = *StafiNetworkSettings::deploy(p.clone(), s, wc)
        .await
        .map_err(deploy_err("StafiNetworkSettings"))?
        .address();
    let super_node = StafiSuperNode::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiSuperNode"))?;
    for (name, address) in [
        ("ethDeposit", deposit_contract),
        ("stafiUserDeposit", user_deposit),
        ("stafiWithdraw", withdraw),
        ("stafiNetworkSettings", network_settings),
        ("stafiSuperNode", *super_node.address()),
        ("stafiSuperNodeFeePool", accounts.super_node_fee_pool),
    ] {
        send(
            storage.setAddress(storage_key(name), address),
            "StafiStorage.setAddress",
            None,
        )
        .await?;
    }
    for oracle in &accounts.oracles {
        send(
            storage.setTrustedNode(*oracle, true),
            "StafiStorage.setTrustedNode",
            None,
        )
        .await?;
    }
    send(
        super_node.setSuperNode(accounts.super_node, true),
        "StafiSuperNode.setSuperNode",
        None,
    )
    .await?;
    let pool_contract = StafiUserDeposit::new(user_deposit, p);
    send(
        pool_contract.deposit().value(pool).from(accounts.user),
        "StafiUserDeposit.deposit",
        None,
    )
    .await?;
    Ok(Addresses {
        deposit_contract,
        stafi_storage: s,
        user_deposit,
        network_settings,
        super_node: *super_node.address(),
        withdraw,
        ssv_token: Address::ZERO,
        ssv_network: Address::ZERO,
        ssv_network_views: Address::ZERO,
    })
}

async fn deploy_ssv(
    provider: &DynProvider,
    accounts: &Accounts,
    mut addresses: Addresses,
    opts: &DevnetBuilder,
) -> Result<Addresses, DevnetError> {
    let p = provider.clone();
    let token = SSVToken::deploy(p.clone())
        .await
        .map_err(deploy_err("SSVToken"))?;
    let network = SSVNetwork::deploy(
        p.clone(),
        *token.address(),
        opts.liquidation_threshold_period,
        opts.minimum_liquidation_collateral,
        VALIDATORS_PER_OPERATOR_LIMIT,
        0,
        EXECUTE_OPERATOR_FEE_PERIOD,
        OPERATOR_MAX_FEE_INCREASE_BPS,
    )
    .await
    .map_err(deploy_err("SSVNetwork"))?;
    let views = SSVNetworkViews::deploy(p.clone(), *network.address())
        .await
        .map_err(deploy_err("SSVNetworkViews"))?;
    send(
        network.updateMaximumOperatorFee(U256::from(MAX_OPERATOR_FEE)),
        "updateMaximumOperatorFee",
        None,
    )
    .await?;
    send(
        network.updateMinimumOperatorEthFee(U256::from(MIN_OPERATOR_ETH_FEE)),
        "updateMinimumOperatorEthFee",
        None,
    )
    .await?;
    send(
        network.updateNetworkFee(opts.network_fee),
        "updateNetworkFee",
        None,
    )
    .await?;
    send(
        network.updateNetworkFeeSSV(U256::from(LEGACY_SSV_FEE)),
        "updateNetworkFeeSSV",
        None,
    )
    .await?;
    send(
        network.updateLiquidationThresholdPeriodSSV(MAINNET_LTP_SSV),
        "updateLiquidationThresholdPeriodSSV",
        None,
    )
    .await?;
    send(
        network.updateMinimumLiquidationCollateralSSV(U256::from(MAINNET_MLC_SSV)),
        "updateMinimumLiquidationCollateralSSV",
        None,
    )
    .await?;
    let ssv = U256::from(10_000 * ETH);
    send(token.mint(accounts.ssv_owner, ssv), "SSVToken.mint", None).await?;
    send(
        token
            .approve(*network.address(), U256::MAX)
            .from(accounts.ssv_owner),
        "SSVToken.approve",
        None,
    )
    .await?;
    addresses.ssv_token = *token.address();
    addresses.ssv_network = *network.address();
    addresses.ssv_network_views = *views.address();
    Ok(addresses)
}

/// Sends a call, waits for its receipt and checks it succeeded; reverts come back as named errors.
pub async fn send<P: Provider, D: CallDecoder>(
    call: CallBuilder<P, D>,
    name: &'static str,
    cluster: Option<ClusterRef>,
) -> Result<TransactionReceipt, DevnetError> {
    // Simulate first: a revert comes back with its data and no nonce is spent on it.
    if let Err(e) = call.call_raw().await {
        return Err(ContractsError::from_call(name, cluster, e).into());
    }
    let pending = call
        .send()
        .await
        .map_err(|e| ContractsError::from_call(name, cluster, e))?;
    let receipt = pending
        .get_receipt()
        .await
        .map_err(|source| DevnetError::Receipt { call: name, source })?;
    if !receipt.status() {
        return Err(DevnetError::Failed {
            call: name,
            tx: receipt.transaction_hash,
        });
    }
    Ok(receipt)
}

/// The last cluster snapshot carried by an SSVNetwork event in this receipt.
pub fn cluster_from_receipt(receipt: &TransactionReceipt) -> Option<Cluster> {
    use PublishedSsvNetwork as N;
    receipt.logs().iter().rev().find_map(|log| {
        let l = &log.inner;
        N::ValidatorAdded::decode_log(l)
            .map(|e| e.data.cluster)
            .or_else(|_| N::ValidatorRemoved::decode_log(l).map(|e| e.data.cluster))
            .or_else(|_| N::ClusterDeposited::decode_log(l).map(|e| e.data.cluster))
            .or_else(|_| N::ClusterWithdrawn::decode_log(l).map(|e| e.data.cluster))
            .or_else(|_| N::ClusterLiquidated::decode_log(l).map(|e| e.data.cluster))
            .or_else(|_| N::ClusterReactivated::decode_log(l).map(|e| e.data.cluster))
            .or_else(|_| N::ClusterBalanceUpdated::decode_log(l).map(|e| e.data.cluster))
            .or_else(|_| N::ClusterMigratedToETH::decode_log(l).map(|e| e.data.cluster))
            .ok()
    })
}

/// The "new cluster" tuple `(0, 0, 0, true, 0)`.
pub fn new_cluster() -> Cluster {
    Cluster {
        validatorCount: 0,
        networkFeeIndex: 0,
        index: 0,
        active: true,
        balance: U256::ZERO,
    }
}

/// A running anvil with StaFi and SSV Network doubles deployed and seeded; anvil is killed on drop.
pub struct Devnet {
    anvil: AnvilInstance,
    provider: DynProvider,
    pub accounts: Accounts,
    pub addresses: Addresses,
    pub operators: Vec<SeededOperator>,
}

impl fmt::Debug for Devnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Devnet")
            .field("endpoint", &self.anvil.endpoint())
            .field("accounts", &self.accounts)
            .field("addresses", &self.addresses)
            .field("operators", &self.operators)
            .finish_non_exhaustive()
    }
}

impl Devnet {
    pub fn builder() -> DevnetBuilder {
        DevnetBuilder::default()
    }

    /// A devnet with the default options.
    pub async fn spawn() -> Result<Self, DevnetError> {
        DevnetBuilder::default().spawn().await
    }

    /// A provider that signs for every dev account (pick one with `.from(..)`).
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    pub fn endpoint_url(&self) -> alloy::transports::http::reqwest::Url {
        self.anvil.endpoint_url()
    }

    /// SSVNetwork through the published v2 ABI.
    pub fn ssv_network(&self) -> PublishedSsvNetwork::SSVNetworkInstance<DynProvider> {
        PublishedSsvNetwork::new(self.addresses.ssv_network, self.provider.clone())
    }

    /// SSVNetworkViews through the published v2 ABI.
    pub fn ssv_views(
        &self,
    ) -> stafi_contracts::ssv_network_views::SSVNetworkViews::SSVNetworkViewsInstance<DynProvider>
    {
        stafi_contracts::ssv_network_views::SSVNetworkViews::new(
            self.addresses.ssv_network_views,
            self.provider.clone(),
        )
    }

    /// SSVNetwork through the double's ABI (adds the test-only hooks).
    pub fn ssv_double(&self) -> SSVNetwork::SSVNetworkInstance<DynProvider> {
        SSVNetwork::new(self.addresses.ssv_network, self.provider.clone())
    }

    pub fn super_node(&self) -> StafiSuperNode::StafiSuperNodeInstance<DynProvider> {
        StafiSuperNode::new(self.addresses.super_node, self.provider.clone())
    }

    pub fn user_deposit(&self) -> StafiUserDeposit::StafiUserDepositInstance<DynProvider> {
        StafiUserDeposit::new(self.addresses.user_deposit, self.provider.clone())
    }

    pub fn network_settings(
        &self,
    ) -> StafiNetworkSettings::StafiNetworkSettingsInstance<DynProvider> {
        StafiNetworkSettings::new(self.addresses.network_settings, self.provider.clone())
    }

    pub fn withdraw(&self) -> StafiWithdraw::StafiWithdrawInstance<DynProvider> {
        StafiWithdraw::new(self.addresses.withdraw, self.provider.clone())
    }

    pub fn deposit_contract(&self) -> DepositContract::DepositContractInstance<DynProvider> {
        DepositContract::new(self.addresses.deposit_contract, self.provider.clone())
    }

    pub fn ssv_token(&self) -> SSVToken::SSVTokenInstance<DynProvider> {
        SSVToken::new(self.addresses.ssv_token, self.provider.clone())
    }

    pub fn operator(&self, id: u64) -> Result<&SeededOperator, DevnetError> {
        self.operators
            .iter()
            .find(|o| o.id == id)
            .ok_or(DevnetError::UnknownOperator { id })
    }

    /// Ids of the public, not removed operators, ascending.
    pub fn public_operator_ids(&self) -> Vec<u64> {
        self.operators
            .iter()
            .filter(|o| !o.private && !o.removed)
            .map(|o| o.id)
            .collect()
    }

    async fn seed_operators(&mut self, specs: &[OperatorSpec]) -> Result<(), DevnetError> {
        let network = self.ssv_double();
        for (i, spec) in specs.iter().enumerate() {
            let (key, public_key) = generate_operator_key(i)?;
            let owner = self.accounts.operator_owners[i % self.accounts.operator_owners.len()];
            let receipt = send(
                network
                    .registerOperator(
                        operator_public_key_bytes(&public_key),
                        spec.fee,
                        spec.private,
                    )
                    .from(owner),
                "registerOperator",
                None,
            )
            .await?;
            let id = receipt
                .decoded_log::<PublishedSsvNetwork::OperatorAdded>()
                .ok_or(DevnetError::MissingEvent {
                    call: "registerOperator",
                    event: "OperatorAdded",
                })?
                .data
                .operatorId;
            send(
                network.setOperatorFeeSSV(id, U256::from(LEGACY_SSV_FEE)),
                "setOperatorFeeSSV",
                None,
            )
            .await?;
            if spec.removed {
                send(
                    network.removeOperator(id).from(owner),
                    "removeOperator",
                    None,
                )
                .await?;
            }
            self.operators
                .push(seeded(id, owner, spec, key, public_key));
        }
        Ok(())
    }

    // ------------------------------------------------------------------ chain helpers

    pub async fn block_number(&self) -> Result<u64, DevnetError> {
        self.provider
            .get_block_number()
            .await
            .map_err(|source| DevnetError::Rpc {
                method: "eth_blockNumber",
                source,
            })
    }

    /// Mines `blocks` empty blocks.
    pub async fn mine(&self, blocks: u64) -> Result<(), DevnetError> {
        self.provider
            .anvil_mine(Some(blocks), None)
            .await
            .map_err(|source| DevnetError::Rpc {
                method: "anvil_mine",
                source,
            })
    }

    /// Moves the chain clock forward (applies to the next block).
    pub async fn increase_time(&self, seconds: u64) -> Result<(), DevnetError> {
        self.provider
            .anvil_increase_time(seconds)
            .await
            .map(|_| ())
            .map_err(|source| DevnetError::Rpc {
                method: "anvil_increaseTime",
                source,
            })
    }

    // ------------------------------------------------------------------ StaFi helpers

    /// The user adds ETH to the deposit pool.
    pub async fn fund_pool(&self, wei: U256) -> Result<(), DevnetError> {
        send(
            self.user_deposit()
                .deposit()
                .value(wei)
                .from(self.accounts.user),
            "StafiUserDeposit.deposit",
            None,
        )
        .await
        .map(|_| ())
    }

    /// Every trusted oracle votes the withdrawal credentials of `pubkeys` as matching (or not).
    pub async fn vote_withdraw_credentials(
        &self,
        pubkeys: &[Bytes],
        matched: bool,
    ) -> Result<(), DevnetError> {
        let sn = self.super_node();
        for oracle in &self.accounts.oracles {
            send(
                sn.voteWithdrawCredentials(pubkeys.to_vec(), vec![matched; pubkeys.len()])
                    .from(*oracle),
                "voteWithdrawCredentials",
                None,
            )
            .await?;
        }
        Ok(())
    }

    /// The oracle ejects validators (by beacon index) in the current withdraw cycle; returns the cycle.
    pub async fn eject_validators(&self, indices: &[u64]) -> Result<U256, DevnetError> {
        let withdraw = self.withdraw();
        let cycle = withdraw
            .currentWithdrawCycle()
            .call()
            .await
            .map_err(|e| ContractsError::from_call("currentWithdrawCycle", None, e))?;
        let indices = indices.iter().map(|i| U256::from(*i)).collect();
        send(
            withdraw
                .notifyValidatorExit(cycle, cycle, indices)
                .from(self.accounts.oracles[0]),
            "notifyValidatorExit",
            None,
        )
        .await?;
        Ok(cycle)
    }

    // ------------------------------------------------------------------ SSV helpers

    /// Changes an operator's ETH fee: a decrease applies at once; an increase is declared and
    /// executed (the devnet's declare period is 0).
    pub async fn set_operator_fee(&self, id: u64, fee: U256) -> Result<(), DevnetError> {
        let owner = self.operator(id)?.owner;
        let network = self.ssv_double();
        let current = network
            .getOperatorFee(id)
            .call()
            .await
            .map_err(|e| ContractsError::from_call("getOperatorFee", None, e))?;
        if fee < current {
            send(
                network.reduceOperatorFee(id, fee).from(owner),
                "reduceOperatorFee",
                None,
            )
            .await?;
        } else {
            send(
                network.declareOperatorFee(id, fee).from(owner),
                "declareOperatorFee",
                None,
            )
            .await?;
            send(
                network.executeOperatorFee(id).from(owner),
                "executeOperatorFee",
                None,
            )
            .await?;
        }
        Ok(())
    }

    /// The DAO changes the ETH network fee.
    pub async fn set_network_fee(&self, fee: U256) -> Result<(), DevnetError> {
        send(
            self.ssv_double().updateNetworkFee(fee),
            "updateNetworkFee",
            None,
        )
        .await
        .map(|_| ())
    }

    /// Registers one validator (ETH cluster, `value` wei in msg.value); returns the new snapshot.
    pub async fn register_validator(
        &self,
        owner: Address,
        operator_ids: &[u64],
        public_key: Bytes,
        shares: Bytes,
        cluster: Cluster,
        value: U256,
    ) -> Result<(Cluster, TransactionReceipt), DevnetError> {
        let network = self.ssv_network();
        let call = network
            .registerValidator(public_key, operator_ids.to_vec(), shares, cluster)
            .value(value)
            .from(owner);
        let receipt = send(
            call,
            "registerValidator",
            Some(cluster_ref(owner, operator_ids)),
        )
        .await?;
        snapshot("registerValidator", receipt)
    }

    /// Registers several validators in one `bulkRegisterValidator`.
    pub async fn bulk_register_validators(
        &self,
        owner: Address,
        operator_ids: &[u64],
        keys: Vec<(Bytes, Bytes)>,
        cluster: Cluster,
        value: U256,
    ) -> Result<(Cluster, TransactionReceipt), DevnetError> {
        let (pks, shares): (Vec<Bytes>, Vec<Bytes>) = keys.into_iter().unzip();
        let network = self.ssv_network();
        let call = network
            .bulkRegisterValidator(pks, operator_ids.to_vec(), shares, cluster)
            .value(value)
            .from(owner);
        let receipt = send(
            call,
            "bulkRegisterValidator",
            Some(cluster_ref(owner, operator_ids)),
        )
        .await?;
        snapshot("bulkRegisterValidator", receipt)
    }

    /// Creates a legacy SSV-token cluster with one validator, as it would exist from before the v2 upgrade.
    pub async fn seed_legacy_cluster(
        &self,
        owner: Address,
        operator_ids: &[u64],
        public_key: Bytes,
        ssv_amount: U256,
    ) -> Result<Cluster, DevnetError> {
        let network = self.ssv_double();
        let token = self.ssv_token();
        send(token.mint(owner, ssv_amount), "SSVToken.mint", None).await?;
        send(
            token
                .approve(self.addresses.ssv_network, U256::MAX)
                .from(owner),
            "SSVToken.approve",
            None,
        )
        .await?;
        send(
            network.setLegacyRegistrationOpen(true),
            "setLegacyRegistrationOpen",
            None,
        )
        .await?;
        let receipt = send(
            network
                .legacyRegisterValidator(
                    public_key,
                    operator_ids.to_vec(),
                    Bytes::new(),
                    ssv_amount,
                    double_cluster(&new_cluster()),
                )
                .from(owner),
            "legacyRegisterValidator",
            Some(cluster_ref(owner, operator_ids)),
        )
        .await?;
        send(
            network.setLegacyRegistrationOpen(false),
            "setLegacyRegistrationOpen",
            None,
        )
        .await?;
        snapshot("legacyRegisterValidator", receipt).map(|(c, _)| c)
    }

    /// The DAO sets an ETH cluster's effective balance (standing in for an oracle-proven
    /// `updateClusterBalance`): settles with the old vUnits, then vUnits = ceil(EB·10000/32).
    pub async fn update_effective_balance(
        &self,
        owner: Address,
        operator_ids: &[u64],
        cluster: &Cluster,
        effective_balance: u32,
    ) -> Result<TransactionReceipt, DevnetError> {
        let network = self.ssv_double();
        send(
            network.updateClusterEffectiveBalance(
                owner,
                operator_ids.to_vec(),
                double_cluster(cluster),
                effective_balance,
            ),
            "updateClusterEffectiveBalance",
            Some(cluster_ref(owner, operator_ids)),
        )
        .await
    }

    /// The owner nonce the next keyshare must be signed with (count of the owner's `ValidatorAdded`).
    pub async fn owner_nonce(&self, owner: Address) -> Result<U256, DevnetError> {
        self.ssv_double()
            .getOwnerNonce(owner)
            .call()
            .await
            .map_err(|e| DevnetError::from(ContractsError::from_call("getOwnerNonce", None, e)))
    }
}

pub fn cluster_ref(owner: Address, operator_ids: &[u64]) -> ClusterRef {
    ClusterRef {
        owner,
        operator_ids: operator_ids.to_vec(),
    }
}

fn snapshot(
    call: &'static str,
    receipt: TransactionReceipt,
) -> Result<(Cluster, TransactionReceipt), DevnetError> {
    let cluster = cluster_from_receipt(&receipt).ok_or(DevnetError::MissingEvent {
        call,
        event: "ValidatorAdded",
    })?;
    Ok((cluster, receipt))
}
