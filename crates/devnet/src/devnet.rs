use std::fmt;
use std::path::PathBuf;

use alloy::contract::{CallBuilder, CallDecoder};
use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::{Address, B256, Bytes, U256, keccak256};
use alloy::providers::ext::AnvilApi;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{Filter, TransactionReceipt};
use alloy::sol_types::{SolCall, SolEvent};
use stafi_contracts::ssv_network::SSVNetwork as PublishedSsvNetwork;
use stafi_contracts::{Cluster, ClusterRef, ContractsError};

use crate::deposit::withdrawal_credentials;
use crate::doubles::{
    deposit_contract::DepositContract, double_cluster, reth_token::RETHToken,
    ssv_network::SSVNetwork, ssv_network_views::SSVNetworkViews, ssv_token::SSVToken,
    stafi_ether::StafiEther, stafi_network_settings::StafiNetworkSettings,
    stafi_node_manager::StafiNodeManager, stafi_storage::StafiStorage,
    stafi_super_node::StafiSuperNode, stafi_super_node_fee_pool::StafiSuperNodeFeePool,
    stafi_upgrade::StafiUpgrade, stafi_user_deposit::StafiUserDeposit,
    stafi_withdraw::StafiWithdraw, stafi_withdraw_proxy::StafiWithdrawProxy,
};
use crate::operators::{
    OperatorSpec, SeededOperator, generate_operator_key, operator_public_key_bytes, seeded,
};
use crate::{DevnetError, anvil::anvil_path};

const ETH: u128 = 1_000_000_000_000_000_000;
/// Mainnet v2 parameters (the upgrade batch, ssvlabs/ssv-network `deployments/mainnet/multisig-batch.json`).
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
/// StafiWithdraw's per-cycle limit (ETH): at most `limit · 3 / 20 ETH` = 300 exits per cycle.
const WITHDRAW_LIMIT_PER_CYCLE: u128 = 2_000 * ETH;
const USER_WITHDRAW_LIMIT_PER_CYCLE: u128 = 200 * ETH;
/// The double is one contract where the real SSVNetwork is a proxy over modules; it is larger than
/// EIP-170's 24,576 bytes, so the local chain allows bigger code.
const CODE_SIZE_LIMIT: &str = "49152";
/// Dev accounts: the roles below plus one owner per seeded operator.
const DEV_ACCOUNTS: usize = 30;
const FIRST_OPERATOR_OWNER: usize = 12;

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
    /// Admin of StafiWithdraw's transparent proxy (it may not call the implementation).
    pub proxy_admin: Address,
    /// SSV Network's effective-balance oracles (ids 1–4).
    pub ssv_oracles: Vec<Address>,
    /// Owners of the seeded SSV operators: one each, then round robin.
    pub operator_owners: Vec<Address>,
}

/// Where everything is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addresses {
    /// The beacon deposit contract double (`ethDeposit` in StaFi's storage).
    pub deposit_contract: Address,
    /// StafiStorage, the key-value store every StaFi contract is found through.
    pub stafi_storage: Address,
    /// StafiUpgrade, which registered the StaFi contracts in the storage.
    pub stafi_upgrade: Address,
    /// StafiEther, the ETH ledger of StaFi's contracts (it holds the deposit pool's ETH).
    pub stafi_ether: Address,
    /// RETHToken, minted to users who deposit into the pool.
    pub reth_token: Address,
    /// StafiUserDeposit, the user deposit pool.
    pub user_deposit: Address,
    /// StafiNetworkSettings: consensus threshold, withdrawal credentials, super-node key limit.
    pub network_settings: Address,
    /// StafiNodeManager, which holds the trusted and super node roles.
    pub node_manager: Address,
    /// StafiSuperNode: the super node's deposits and stakes, the trusted nodes' credential votes.
    pub super_node: Address,
    /// StafiSuperNodeFeePool, StaFi's fee recipient for super-node validators.
    pub super_node_fee_pool: Address,
    /// StafiWithdraw's proxy: `stafiWithdraw` in storage and in the withdrawal credentials.
    pub withdraw: Address,
    /// StafiWithdraw's implementation behind the proxy.
    pub withdraw_implementation: Address,
    /// The SSV token double (ERC-20).
    pub ssv_token: Address,
    /// The SSVNetwork double (one contract, where the real one is a proxy over modules).
    pub ssv_network: Address,
    /// SSVNetworkViews, reading the SSVNetwork double.
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

    /// ETH the user puts in the StaFi deposit pool at start (zero: none).
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
            .args(["--accounts", &DEV_ACCOUNTS.to_string()])
            .args(["--code-size-limit", CODE_SIZE_LIMIT])
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
        if addrs.len() < DEV_ACCOUNTS {
            return Err(DevnetError::TooFewAccounts {
                found: addrs.len(),
                needed: DEV_ACCOUNTS,
            });
        }
        let wallet = anvil.wallet().ok_or(DevnetError::TooFewAccounts {
            found: 0,
            needed: DEV_ACCOUNTS,
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
            proxy_admin: addrs[7],
            ssv_oracles: addrs[8..FIRST_OPERATOR_OWNER].to_vec(),
            operator_owners: addrs[FIRST_OPERATOR_OWNER..].to_vec(),
        };
        let addresses = deploy_stafi(&provider, &accounts, self.pool_funding).await?;
        let mut addresses = addresses;
        (
            addresses.ssv_token,
            addresses.ssv_network,
            addresses.ssv_network_views,
        ) = deploy_ssv(&provider, &accounts, &self).await?;
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

/// Deploys StaFi's contracts as eth2-staking deploys them: StafiStorage (the deployer is its owner),
/// every contract registered through StafiUpgrade while the storage is open, roles and settings,
/// then the storage closed to everything but registered contracts.
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
    let s = *StafiStorage::deploy(p.clone())
        .await
        .map_err(deploy_err("StafiStorage"))?
        .address();
    let upgrade = StafiUpgrade::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiUpgrade"))?;
    let stafi_ether = *StafiEther::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiEther"))?
        .address();
    let reth_token = *RETHToken::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("RETHToken"))?
        .address();
    let user_deposit = *StafiUserDeposit::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiUserDeposit"))?
        .address();
    let settings = StafiNetworkSettings::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiNetworkSettings"))?;
    let node_manager = StafiNodeManager::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiNodeManager"))?;
    let super_node = StafiSuperNode::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiSuperNode"))?;
    let super_node_fee_pool = *StafiSuperNodeFeePool::deploy(p.clone(), s)
        .await
        .map_err(deploy_err("StafiSuperNodeFeePool"))?
        .address();
    let withdraw_implementation = *StafiWithdraw::deploy(p.clone())
        .await
        .map_err(deploy_err("StafiWithdraw"))?
        .address();
    let init = StafiWithdraw::initializeCall {
        _stafiStorageAddress: s,
        _withdrawLimitPerCycle: U256::from(WITHDRAW_LIMIT_PER_CYCLE),
        _userWithdrawLimitPerCycle: U256::from(USER_WITHDRAW_LIMIT_PER_CYCLE),
    }
    .abi_encode();
    let withdraw = *StafiWithdrawProxy::deploy(
        p.clone(),
        withdraw_implementation,
        accounts.proxy_admin,
        init.into(),
    )
    .await
    .map_err(deploy_err("StafiWithdrawProxy"))?
    .address();
    for (name, address) in [
        ("stafiUpgrade", *upgrade.address()),
        ("ethDeposit", deposit_contract),
        ("stafiEther", stafi_ether),
        ("rETHToken", reth_token),
        ("stafiUserDeposit", user_deposit),
        ("stafiNetworkSettings", *settings.address()),
        ("stafiNodeManager", *node_manager.address()),
        ("stafiSuperNode", *super_node.address()),
        ("stafiSuperNodeFeePool", super_node_fee_pool),
        ("stafiWithdraw", withdraw),
    ] {
        send(
            upgrade.addContract(name.to_owned(), address),
            "StafiUpgrade.addContract",
            None,
        )
        .await?;
    }
    let wc = Bytes::copy_from_slice(&withdrawal_credentials(withdraw));
    send(
        settings.setWithdrawalCredentials(wc),
        "StafiNetworkSettings.setWithdrawalCredentials",
        None,
    )
    .await?;
    for oracle in &accounts.oracles {
        send(
            node_manager.setNodeTrusted(*oracle, true),
            "StafiNodeManager.setNodeTrusted",
            None,
        )
        .await?;
    }
    send(
        node_manager.setNodeSuper(accounts.super_node, true),
        "StafiNodeManager.setNodeSuper",
        None,
    )
    .await?;
    send(
        super_node.setSuperNodeDepositEnabled(true),
        "StafiSuperNode.setSuperNodeDepositEnabled",
        None,
    )
    .await?;
    send(upgrade.initStorage(true), "StafiUpgrade.initStorage", None).await?;
    if !pool.is_zero() {
        let pool_contract = StafiUserDeposit::new(user_deposit, p);
        send(
            pool_contract.deposit().value(pool).from(accounts.user),
            "StafiUserDeposit.deposit",
            None,
        )
        .await?;
    }
    Ok(Addresses {
        deposit_contract,
        stafi_storage: s,
        stafi_upgrade: *upgrade.address(),
        stafi_ether,
        reth_token,
        user_deposit,
        network_settings: *settings.address(),
        node_manager: *node_manager.address(),
        super_node: *super_node.address(),
        super_node_fee_pool,
        withdraw,
        withdraw_implementation,
        ssv_token: Address::ZERO,
        ssv_network: Address::ZERO,
        ssv_network_views: Address::ZERO,
    })
}

/// Deploys the SSV token, SSVNetwork and SSVNetworkViews with mainnet's v2 parameters; returns
/// their addresses.
async fn deploy_ssv(
    provider: &DynProvider,
    accounts: &Accounts,
    opts: &DevnetBuilder,
) -> Result<(Address, Address, Address), DevnetError> {
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
    for (id, oracle) in (1u32..).zip(&accounts.ssv_oracles) {
        send(network.replaceOracle(id, *oracle), "replaceOracle", None).await?;
    }
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
    Ok((*token.address(), *network.address(), *views.address()))
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
    /// The dev accounts and their roles.
    pub accounts: Accounts,
    /// Where each contract is deployed.
    pub addresses: Addresses,
    /// The operators seeded at start, in registration order (ids 1, 2, …).
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
    /// A builder with the default options (mainnet's v2 parameters, [`OperatorSpec::default_set`]).
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

    /// anvil's JSON-RPC URL, `http://127.0.0.1:{port}`.
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

    /// StafiSuperNode through the double's ABI.
    pub fn super_node(&self) -> StafiSuperNode::StafiSuperNodeInstance<DynProvider> {
        StafiSuperNode::new(self.addresses.super_node, self.provider.clone())
    }

    /// StafiUserDeposit (the deposit pool) through the double's ABI.
    pub fn user_deposit(&self) -> StafiUserDeposit::StafiUserDepositInstance<DynProvider> {
        StafiUserDeposit::new(self.addresses.user_deposit, self.provider.clone())
    }

    /// StafiNetworkSettings through the double's ABI.
    pub fn network_settings(
        &self,
    ) -> StafiNetworkSettings::StafiNetworkSettingsInstance<DynProvider> {
        StafiNetworkSettings::new(self.addresses.network_settings, self.provider.clone())
    }

    /// StafiWithdraw, through its proxy.
    pub fn withdraw(&self) -> StafiWithdraw::StafiWithdrawInstance<DynProvider> {
        StafiWithdraw::new(self.addresses.withdraw, self.provider.clone())
    }

    /// StafiNodeManager through the double's ABI.
    pub fn node_manager(&self) -> StafiNodeManager::StafiNodeManagerInstance<DynProvider> {
        StafiNodeManager::new(self.addresses.node_manager, self.provider.clone())
    }

    /// The beacon deposit contract double.
    pub fn deposit_contract(&self) -> DepositContract::DepositContractInstance<DynProvider> {
        DepositContract::new(self.addresses.deposit_contract, self.provider.clone())
    }

    /// The SSV token double.
    pub fn ssv_token(&self) -> SSVToken::SSVTokenInstance<DynProvider> {
        SSVToken::new(self.addresses.ssv_token, self.provider.clone())
    }

    /// The seeded operator with SSV id `id`; [`DevnetError::UnknownOperator`] if none has it.
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
                network.testSetOperatorFeeSSV(id, U256::from(LEGACY_SSV_FEE)),
                "testSetOperatorFeeSSV",
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

    /// The latest block number (`eth_blockNumber`).
    pub async fn block_number(&self) -> Result<u64, DevnetError> {
        self.provider
            .get_block_number()
            .await
            .map_err(|source| DevnetError::Rpc {
                method: "eth_blockNumber",
                source,
            })
    }

    /// The private key of a dev account (for writing keystores a router can run with).
    pub fn signer(&self, address: Address) -> Option<alloy::signers::local::PrivateKeySigner> {
        self.anvil
            .addresses()
            .iter()
            .position(|a| *a == address)
            .map(|i| alloy::signers::local::PrivateKeySigner::from(self.anvil.keys()[i].clone()))
    }

    /// An anvil snapshot of the chain to [`Devnet::revert`] to.
    pub async fn snapshot(&self) -> Result<U256, DevnetError> {
        self.provider
            .anvil_snapshot()
            .await
            .map_err(|source| DevnetError::Rpc {
                method: "anvil_snapshot",
                source,
            })
    }

    /// Reverts the chain to `snapshot` (a reorg, for the chain's readers) and starts a new
    /// provider: the old one's cached account nonces belong to the abandoned branch.
    pub async fn revert(&mut self, snapshot: U256) -> Result<(), DevnetError> {
        self.provider
            .anvil_revert(snapshot)
            .await
            .map_err(|source| DevnetError::Rpc {
                method: "anvil_revert",
                source,
            })?;
        let wallet = self.anvil.wallet().ok_or(DevnetError::TooFewAccounts {
            found: 0,
            needed: DEV_ACCOUNTS,
        })?;
        self.provider = ProviderBuilder::new()
            .wallet(wallet)
            .connect_http(self.anvil.endpoint_url())
            .erased();
        Ok(())
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

    /// Mines a block every `seconds` from now on, instead of one per transaction (`0` goes back
    /// to mining on every transaction): a chain with a block time, like a real one.
    pub async fn set_block_time(&self, seconds: u64) -> Result<(), DevnetError> {
        let result = if seconds == 0 {
            self.provider
                .anvil_set_interval_mining(0)
                .await
                .and(self.provider.anvil_set_auto_mine(true).await)
        } else {
            self.provider.anvil_set_interval_mining(seconds).await
        };
        result.map_err(|source| DevnetError::Rpc {
            method: "evm_setIntervalMining",
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

    /// The user adds ETH to the deposit pool; returns the block it was mined in.
    pub async fn fund_pool(&self, wei: U256) -> Result<u64, DevnetError> {
        send(
            self.user_deposit()
                .deposit()
                .value(wei)
                .from(self.accounts.user),
            "StafiUserDeposit.deposit",
            None,
        )
        .await
        .map(|r| r.block_number.unwrap_or_default())
    }

    /// StaFi's admin sets how many pubkeys a super node may hold
    /// (`StafiNetworkSettings.setSuperNodePubkeyLimit`; the devnet starts at 50).
    pub async fn set_super_node_pubkey_limit(&self, limit: u64) -> Result<(), DevnetError> {
        send(
            self.network_settings()
                .setSuperNodePubkeyLimit(U256::from(limit))
                .from(self.accounts.admin),
            "StafiNetworkSettings.setSuperNodePubkeyLimit",
            None,
        )
        .await
        .map(|_| ())
    }

    /// Every log of event `E` that `address` emitted, decoded, in chain order.
    pub async fn events<E: SolEvent>(&self, address: Address) -> Result<Vec<E>, DevnetError> {
        let filter = Filter::new()
            .address(address)
            .event_signature(E::SIGNATURE_HASH)
            .from_block(0);
        let logs = self
            .provider()
            .get_logs(&filter)
            .await
            .map_err(|source| DevnetError::Rpc {
                method: "eth_getLogs",
                source,
            })?;
        logs.iter()
            .map(|l| {
                E::decode_log(&l.inner)
                    .map(|e| e.data)
                    .map_err(|e| DevnetError::EventDecode {
                        event: E::SIGNATURE,
                        message: e.to_string(),
                    })
            })
            .collect()
    }

    /// The super node's pubkeys, in deposit order, with their StaFi status (0 uninitial,
    /// 1 deposited, 2 match, 3 staked, 4 unmatch).
    pub async fn super_node_keys(&self) -> Result<Vec<(Bytes, u64)>, DevnetError> {
        let sn = self.super_node();
        let node = self.accounts.super_node;
        let read = |call| move |e| ContractsError::from_call(call, None, e);
        let count = sn
            .getSuperNodePubkeyCount(node)
            .call()
            .await
            .map_err(read("getSuperNodePubkeyCount"))?;
        let mut out = Vec::new();
        for i in 0..count.to::<u64>() {
            let pk = sn
                .getSuperNodePubkeyAt(node, U256::from(i))
                .call()
                .await
                .map_err(read("getSuperNodePubkeyAt"))?;
            let status = sn
                .getSuperNodePubkeyStatus(pk.clone())
                .call()
                .await
                .map_err(read("getSuperNodePubkeyStatus"))?;
            out.push((pk, status.to::<u64>()));
        }
        Ok(out)
    }

    /// As StaFi's oracles: every deposited key not voted yet is voted MATCH; returns how many.
    pub async fn vote_deposited(&self) -> Result<usize, DevnetError> {
        let fresh: Vec<Bytes> = self
            .super_node_keys()
            .await?
            .into_iter()
            .filter(|(_, status)| *status == 1)
            .map(|(pk, _)| pk)
            .collect();
        if !fresh.is_empty() {
            self.vote_withdraw_credentials(&fresh, true).await?;
        }
        Ok(fresh.len())
    }

    /// Every trusted oracle votes the withdrawal credentials of `pubkeys` as matching (or not);
    /// returns the block of the last vote (the one that decides).
    pub async fn vote_withdraw_credentials(
        &self,
        pubkeys: &[Bytes],
        matched: bool,
    ) -> Result<u64, DevnetError> {
        let sn = self.super_node();
        let mut last = 0;
        for oracle in &self.accounts.oracles {
            let receipt = send(
                sn.voteWithdrawCredentials(pubkeys.to_vec(), vec![matched; pubkeys.len()])
                    .from(*oracle),
                "voteWithdrawCredentials",
                None,
            )
            .await?;
            last = receipt.block_number.unwrap_or_default();
        }
        Ok(last)
    }

    /// The trusted nodes eject validators (by beacon index): during cycle C they record the list of
    /// cycle C−1, voting until the proposal reaches the consensus threshold. Returns C−1. The
    /// ejected start cycle is C−2, as the first notification of a fresh chain would give it.
    pub async fn eject_validators(&self, indices: &[u64]) -> Result<U256, DevnetError> {
        let withdraw = self.withdraw();
        let current = withdraw
            .currentWithdrawCycle()
            .call()
            .await
            .map_err(|e| ContractsError::from_call("currentWithdrawCycle", None, e))?;
        let cycle = current - U256::from(1);
        let start = cycle - U256::from(1);
        let indices: Vec<U256> = indices.iter().map(|i| U256::from(*i)).collect();
        for oracle in &self.accounts.oracles {
            send(
                withdraw
                    .notifyValidatorExit(cycle, start, indices.clone())
                    .from(*oracle),
                "notifyValidatorExit",
                None,
            )
            .await?;
            let recorded = withdraw
                .getEjectedValidatorsAtCycle(cycle)
                .call()
                .await
                .map_err(|e| ContractsError::from_call("getEjectedValidatorsAtCycle", None, e))?;
            if !recorded.is_empty() {
                return Ok(cycle);
            }
        }
        Err(DevnetError::MissingEvent {
            call: "notifyValidatorExit",
            event: "NotifyValidatorExit",
        })
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

    /// Registers an operator as it existed before the v2 upgrade (SSV fee `ssv_fee` wei per
    /// block; v2 gives it the default ETH fee), through the double's test-only
    /// `testRegisterLegacyOperator`; returns its id.
    pub async fn register_legacy_operator(
        &self,
        public_key: Bytes,
        ssv_fee: U256,
    ) -> Result<u64, DevnetError> {
        let network = self.ssv_double();
        let receipt = send(
            network
                .testRegisterLegacyOperator(public_key, ssv_fee)
                .from(self.accounts.user),
            "testRegisterLegacyOperator",
            None,
        )
        .await?;
        receipt
            .inner
            .logs()
            .iter()
            .find_map(|log| {
                log.log_decode::<SSVNetwork::OperatorAdded>()
                    .ok()
                    .map(|e| e.inner.data.operatorId)
            })
            .ok_or(DevnetError::MissingEvent {
                call: "testRegisterLegacyOperator",
                event: "OperatorAdded",
            })
    }

    /// Emits `SSVNetworkUpgradeBlock` again at the next block (the double's test-only
    /// `testAnnounceUpgradeBlock`): to an indexer, everything before it is v1 history, so the
    /// legacy operators and clusters seeded before it read as pre-v2. Returns the block.
    pub async fn announce_upgrade_block(&self) -> Result<u64, DevnetError> {
        let receipt = send(
            self.ssv_double().testAnnounceUpgradeBlock(),
            "testAnnounceUpgradeBlock",
            None,
        )
        .await?;
        Ok(receipt.block_number.unwrap_or_default())
    }

    /// Creates a legacy SSV-token cluster with one validator, as it would exist from before the v2
    /// upgrade (through the double's test-only `testRegisterLegacyValidator`).
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
        let receipt = send(
            network
                .testRegisterLegacyValidator(
                    public_key,
                    operator_ids.to_vec(),
                    Bytes::new(),
                    ssv_amount,
                    double_cluster(&new_cluster()),
                )
                .from(owner),
            "testRegisterLegacyValidator",
            Some(cluster_ref(owner, operator_ids)),
        )
        .await?;
        snapshot("testRegisterLegacyValidator", receipt).map(|(c, _)| c)
    }

    /// Proves a new effective balance for an ETH cluster the way it happens on chain: three of the
    /// four SSV oracles commit a Merkle root at the current block (a tree of this one cluster, so
    /// the root is its leaf), then anyone calls `updateClusterBalance` with the (empty) proof.
    /// Returns the receipt of `updateClusterBalance`.
    pub async fn update_effective_balance(
        &self,
        owner: Address,
        operator_ids: &[u64],
        cluster: &Cluster,
        effective_balance: u32,
    ) -> Result<TransactionReceipt, DevnetError> {
        let network = self.ssv_network();
        let block = self.block_number().await?;
        let root = effective_balance_leaf(owner, operator_ids, effective_balance);
        for oracle in &self.accounts.ssv_oracles[..3] {
            send(
                network.commitRoot(root, block).from(*oracle),
                "commitRoot",
                None,
            )
            .await?;
        }
        send(
            network.updateClusterBalance(
                block,
                owner,
                operator_ids.to_vec(),
                cluster.clone(),
                effective_balance,
                Vec::new(),
            ),
            "updateClusterBalance",
            Some(cluster_ref(owner, operator_ids)),
        )
        .await
    }

    /// The owner nonce the next keyshare must be signed with: the number of the owner's
    /// `ValidatorAdded` events so far.
    pub async fn owner_nonce(&self, owner: Address) -> Result<u64, DevnetError> {
        let filter = Filter::new()
            .address(self.addresses.ssv_network)
            .event_signature(PublishedSsvNetwork::ValidatorAdded::SIGNATURE_HASH)
            .topic1(owner.into_word())
            .from_block(0);
        let logs = self
            .provider
            .get_logs(&filter)
            .await
            .map_err(|source| DevnetError::Rpc {
                method: "eth_getLogs",
                source,
            })?;
        Ok(logs.len() as u64)
    }
}

/// The Merkle leaf of a cluster's effective balance in SSV's oracle tree:
/// `keccak256(keccak256(abi.encode(clusterId, uint32 effectiveBalance)))`.
pub fn effective_balance_leaf(
    owner: Address,
    operator_ids: &[u64],
    effective_balance: u32,
) -> B256 {
    let mut preimage = Vec::with_capacity(20 + 32 * operator_ids.len());
    preimage.extend_from_slice(owner.as_slice());
    for id in operator_ids {
        preimage.extend_from_slice(&U256::from(*id).to_be_bytes::<32>());
    }
    let id = keccak256(preimage);
    let mut encoded = [0u8; 64];
    encoded[..32].copy_from_slice(id.as_slice());
    encoded[60..].copy_from_slice(&effective_balance.to_be_bytes());
    keccak256(keccak256(encoded))
}

/// The [`ClusterRef`] a failed call's error names: `owner` and `operator_ids` as given.
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
