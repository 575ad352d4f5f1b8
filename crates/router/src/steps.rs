//! The pass's steps, in order: each is a value with a `plan` from the [`World`] snapshot to the
//! [`Intent`]s it wants sent; the pass executes them all through the one write path.

use alloy::primitives::{B256, Bytes, U256};
use alloy::sol_types::SolCall;
use cluster_accounting::{
    Action, BLOCKS_PER_DAY, ClusterVersion, Horizon, TopUp, TopUpPolicy, plan,
};
use keygen::{DepositPlan, Seed, WithdrawalTarget};
use keyshare::{KeysharesBuilder, Operator, ValidatorSecret};
use operator_selection::{ExistingCluster, FeeToken, SelectionInput, select};
use stafi_contracts::ssv_network::SSVNetwork;
use stafi_contracts::stafi_super_node::StafiSuperNode;

use crate::error::RouterError;
use crate::intent::{Intent, IntentKind};
use crate::lifecycle::{self, ExitPost, MOVE_WAIT_BLOCKS};
use crate::stafi::status;
use crate::world::World;

const ETH: u128 = 1_000_000_000_000_000_000;

/// One step of the pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// MATCH keys → one batched `SuperNode.stake` (31 ETH each).
    Stake,
    /// Free pool ETH → the next unused keys, one batched `SuperNode.deposit` (1 ETH each).
    Deposit,
    /// Staked keys not on SSV → `bulkRegisterValidator` with the ETH the runway needs.
    Onboard,
    /// Top up, reactivate, or withdraw from empty clusters.
    Fund,
    /// `setFeeRecipientAddress(stafiSuperNodeFeePool)` when SSV has another.
    FeeRecipient,
    /// StaFi's ejections → signed voluntary exits POSTed to the beacon node, and
    /// `bulkExitValidator` on SSV.
    Exit,
    /// Validators exited on the beacon chain → `bulkRemoveValidator`.
    Offboard,
    /// Validators of clusters with unhealthy operators → removed, re-registered by onboard in a
    /// new committee after the wait.
    Move,
    /// Legacy SSV-token clusters: reported, or migrated to ETH when configured.
    Legacy,
}

/// The steps in the order a pass runs them: exits first (they are due by a deadline and move no
/// ETH), stake before deposit (the pool's ETH goes to keys already started), removals before
/// registrations, and funding last (it sees every cluster the pass did not touch).
pub const PASS: [Step; 9] = [
    Step::Exit,
    Step::Stake,
    Step::Deposit,
    Step::Offboard,
    Step::Move,
    Step::Onboard,
    Step::Legacy,
    Step::Fund,
    Step::FeeRecipient,
];

impl Step {
    /// The step's name in logs, reports and metrics labels (`stake`, `fee recipient`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Stake => "stake",
            Self::Deposit => "deposit",
            Self::Onboard => "onboard",
            Self::Fund => "fund",
            Self::FeeRecipient => "fee recipient",
            Self::Exit => "exit",
            Self::Offboard => "offboard",
            Self::Move => "move",
            Self::Legacy => "legacy",
        }
    }

    /// What this step would send, from the snapshot alone.
    pub fn plan(self, world: &World<'_>, seed: &Seed) -> Result<Vec<Intent>, RouterError> {
        self.plan_or_wait(world, seed).map(|p| p.intents)
    }

    /// [`plan`](Self::plan), and when it has work it cannot do now, why it waits.
    pub fn plan_or_wait(self, world: &World<'_>, seed: &Seed) -> Result<Planned, RouterError> {
        match self {
            Self::Stake => plan_stake(world, seed),
            Self::Deposit => plan_deposit(world, seed),
            Self::Onboard => plan_onboard(world, seed),
            Self::Fund => plan_fund(world).map(Planned::from),
            Self::FeeRecipient => Ok(Planned::from(plan_fee_recipient(world))),
            Self::Exit => lifecycle::plan_exit(world, seed),
            Self::Offboard => Ok(lifecycle::plan_offboard(world)),
            Self::Move => Ok(lifecycle::plan_move(world)),
            Self::Legacy => lifecycle::plan_legacy(world),
        }
    }
}

/// A step's plan: the writes to send, and why there is work it cannot do now.
#[derive(Debug, Clone, Default)]
pub struct Planned {
    /// The transactions to send, in order.
    pub intents: Vec<Intent>,
    /// Voluntary exits to POST to the beacon node (the exit step), before its intents.
    pub posts: Vec<ExitPost>,
    /// Set when there is work the step cannot do now (pool full of owed stakes, pubkey limit,
    /// no operator metadata, an exit before its epoch, …).
    pub waiting: Option<String>,
}

impl From<Vec<Intent>> for Planned {
    fn from(intents: Vec<Intent>) -> Self {
        Self {
            intents,
            ..Self::default()
        }
    }
}

impl Planned {
    pub(crate) fn waiting(reason: String) -> Self {
        Self {
            waiting: Some(reason),
            ..Self::default()
        }
    }

    /// Nothing to send or POST.
    pub fn is_empty(&self) -> bool {
        self.intents.is_empty() && self.posts.is_empty()
    }
}

pub(crate) fn eth(wei: U256) -> String {
    cluster_accounting::format_amount(wei, ClusterVersion::Eth)
        .unwrap_or_else(|_| format!("{wei} wei"))
}

/// Pool ETH the router may commit: the balance above the reserve.
fn above_reserve(world: &World<'_>) -> U256 {
    world
        .pool_balance
        .saturating_sub(world.settings.pool_reserve)
}

/// Deposit data (pubkey, signature, deposit_data_root) of keys for `gwei` to StaFi's withdrawal
/// address, on this network.
fn deposit_data(
    world: &World<'_>,
    seed: &Seed,
    indices: &[u64],
    gwei: u64,
) -> Result<Vec<(Bytes, Bytes, B256)>, RouterError> {
    let network = world.settings.profile.consensus.clone();
    let target = WithdrawalTarget::Execution(world.addresses.withdraw);
    indices
        .iter()
        .map(|&index| {
            let i = u32::try_from(index).map_err(|_| RouterError::Overflow {
                what: "key index",
                value: U256::from(index),
            })?;
            let d = DepositPlan::new(network.clone(), target)
                .start_index(i)
                .count(1)
                .amount_gwei(gwei)
                .run(seed)
                .map_err(|source| RouterError::KeyDerivation { index, source })?
                .remove(0);
            Ok((
                Bytes::copy_from_slice(d.pubkey.as_bytes()),
                Bytes::copy_from_slice(d.signature.as_bytes()),
                B256::from(d.deposit_data_root),
            ))
        })
        .collect()
}

fn plan_stake(world: &World<'_>, seed: &Seed) -> Result<Planned, RouterError> {
    let in_flight: std::collections::BTreeSet<u64> = world.in_flight_keys().into_iter().collect();
    let matched: Vec<u64> = world
        .keys
        .iter()
        .filter(|k| k.stafi_status == status::MATCH && !in_flight.contains(&k.index))
        .map(|k| k.index)
        .collect();
    for k in world
        .keys
        .iter()
        .filter(|k| k.stafi_status == status::UNMATCH)
    {
        tracing::warn!(index = k.index, pubkey = %k.pubkey, "StaFi's oracles voted UNMATCH: never staked");
    }
    let affordable = above_reserve(world) / U256::from(31 * ETH);
    let cap = usize::try_from(world.settings.config.batch.max_stakes_per_tx)
        .unwrap_or(usize::MAX)
        .min(batch_within_gas(
            world.settings.config.gas.max_gas_per_tx,
            STAKE_GAS,
        ));
    let n = matched
        .len()
        .min(cap)
        .min(usize::try_from(affordable).unwrap_or(usize::MAX));
    if n == 0 {
        if matched.is_empty() {
            let unvoted = world
                .keys
                .iter()
                .filter(|k| k.stafi_status == status::INITIAL && !in_flight.contains(&k.index))
                .count();
            if unvoted == 0 {
                return Ok(Planned::default());
            }
            return Ok(Planned::waiting(format!(
                "{unvoted} deposited key(s) wait for StaFi's oracles to vote on their withdrawal credentials"
            )));
        }
        return Ok(Planned::waiting(format!(
            "{} key(s) at MATCH wait for the pool: {} above the reserve is less than 31 ETH",
            matched.len(),
            eth(above_reserve(world))
        )));
    }
    let indices = &matched[..n];
    let data = deposit_data(world, seed, indices, 31_000_000_000)?;
    let (pubkeys, sigs, roots) = unzip3(data);
    Ok(Planned::from(vec![Intent {
        kind: IntentKind::Stake,
        to: world.addresses.super_node,
        data: StafiSuperNode::stakeCall {
            _validatorPubkeys: pubkeys.clone(),
            _validatorSignatures: sigs,
            _depositDataRoots: roots,
        }
        .abi_encode()
        .into(),
        value: U256::ZERO,
        key_indices: indices.to_vec(),
        pubkeys,
        cluster: None,
        owner_nonce: None,
        reason: format!(
            "{} key(s) at MATCH; pool {} above the reserve covers {} stake(s) of 31 ETH",
            matched.len(),
            eth(above_reserve(world)),
            affordable
        ),
    }]))
}

/// What the pool owes to keys already started, and what is left for new ones.
pub(crate) struct PoolUse {
    /// Keys deposited but not staked.
    pub pending: usize,
    /// Keys in a deposit still in flight.
    pub depositing: usize,
    pub owed: U256,
    /// Pool above the reserve, less what is owed.
    pub usable: U256,
}

pub(crate) fn pool_use(world: &World<'_>) -> PoolUse {
    // Each key deposited but not staked still needs its 31 ETH from the pool.
    let pending = world
        .keys
        .iter()
        .filter(|k| matches!(k.stafi_status, status::INITIAL | status::MATCH))
        .count();
    // A deposit still in flight has not taken its 1 ETH from the pool yet: its keys owe 32 ETH
    // each (or, once mined but not yet closed, are counted twice: briefly too careful, never
    // over-committed).
    let depositing: usize = world
        .in_flight
        .iter()
        .filter(|r| r.intent.kind == IntentKind::Deposit)
        .map(|r| r.intent.key_indices.len())
        .sum();
    let owed =
        U256::from(31 * ETH) * U256::from(pending) + U256::from(32 * ETH) * U256::from(depositing);
    PoolUse {
        pending,
        depositing,
        owed,
        usable: above_reserve(world).saturating_sub(owed),
    }
}

fn plan_deposit(world: &World<'_>, seed: &Seed) -> Result<Planned, RouterError> {
    if !world.withdrawal_credentials_match {
        tracing::error!(
            "StafiNetworkSettings' withdrawal credentials differ from 0x01 ‖ StafiWithdraw: no deposit is made"
        );
        return Ok(Planned::waiting(
            "StafiNetworkSettings' withdrawal credentials differ from 0x01 ‖ StafiWithdraw: no deposit is made".into(),
        ));
    }
    if !world.deposits_enabled {
        return Ok(Planned::waiting(
            "StaFi has super-node deposits disabled".into(),
        ));
    }
    let PoolUse {
        pending,
        depositing,
        owed,
        usable,
    } = pool_use(world);
    let in_use: std::collections::BTreeSet<u64> = world.keys.iter().map(|k| k.index).collect();
    let affordable = usize::try_from(usable / U256::from(32 * ETH)).unwrap_or(usize::MAX);
    let fresh_in_flight = world
        .in_flight_keys()
        .into_iter()
        .filter(|i| !in_use.contains(i))
        .count();
    let used = world.keys.len() + fresh_in_flight;
    let room = usize::try_from(world.pubkey_limit)
        .unwrap_or(usize::MAX)
        .saturating_sub(used);
    let cap = usize::try_from(world.settings.config.batch.max_deposits_per_tx)
        .unwrap_or(usize::MAX)
        .min(batch_within_gas(
            world.settings.config.gas.max_gas_per_tx,
            DEPOSIT_GAS,
        ));
    let n = affordable.min(room).min(cap);
    if n == 0 {
        if affordable > 0 && room == 0 {
            return Ok(Planned::waiting(format!(
                "{affordable} validator(s) affordable, but the super node's pubkey limit of {} is reached",
                world.pubkey_limit
            )));
        }
        return Ok(Planned::default());
    }
    let indices = world.free_indices(n);
    let data = deposit_data(world, seed, &indices, 1_000_000_000)?;
    let (pubkeys, sigs, roots) = unzip3(data);
    Ok(Planned::from(vec![Intent {
        kind: IntentKind::Deposit,
        to: world.addresses.super_node,
        data: StafiSuperNode::depositCall {
            _validatorPubkeys: pubkeys.clone(),
            _validatorSignatures: sigs,
            _depositDataRoots: roots,
        }
        .abi_encode()
        .into(),
        value: U256::ZERO,
        key_indices: indices,
        pubkeys,
        cluster: None,
        owner_nonce: None,
        reason: format!(
            "pool {} above the reserve, {} owed to {pending} deposited key(s){}: {} usable = {affordable} validator(s); pubkey room {room}",
            eth(above_reserve(world)),
            eth(owed),
            if depositing > 0 {
                format!(" and {depositing} key(s) being deposited")
            } else {
                String::new()
            },
            eth(usable),
        ),
    }]))
}

fn plan_onboard(world: &World<'_>, seed: &Seed) -> Result<Planned, RouterError> {
    let owner = world.identity.ssv_owner;
    let index = &world.index;
    let in_flight: std::collections::BTreeSet<u64> = world.in_flight_keys().into_iter().collect();
    // A validator removed for a move is registered again only once its old operators have
    // had MOVE_WAIT_BLOCKS to stop.
    let mut settling = Vec::new();
    let waiting: Vec<&crate::store::ValidatorRecord> = world
        .keys
        .iter()
        .filter(|k| k.stafi_status == status::STAKING && !in_flight.contains(&k.index))
        .filter(|k| {
            // Registered validators (most keys) are decided by the index alone; the beacon
            // status is read only for the others: an exited key is never registered again.
            let removed = match index.validator(owner, &k.pubkey) {
                Some(v) => match v.removed {
                    None => return false,
                    removed => removed,
                },
                None => None,
            };
            if world
                .beacon_status(&k.pubkey)
                .is_some_and(|s| s.starts_with("exited") || s.starts_with("withdrawal"))
            {
                return false;
            }
            match removed {
                Some(r) if r.block + MOVE_WAIT_BLOCKS > world.block => {
                    settling.push((k.index, r.block + MOVE_WAIT_BLOCKS));
                    false
                }
                _ => true,
            }
        })
        .collect();
    if waiting.is_empty() {
        if let Some((key, from)) = settling.first() {
            return Ok(Planned::waiting(format!(
                "{} moved validator(s) wait {MOVE_WAIT_BLOCKS} blocks after removal (#{key} from block {from})",
                settling.len()
            )));
        }
        return Ok(Planned::default());
    }
    let unhealthy = world.unhealthy_operators();
    let candidates = match &world.candidates {
        Ok(c) => c
            .iter()
            .filter(|c| !unhealthy.contains(&c.id))
            .cloned()
            .collect::<Vec<_>>(),
        Err(problem) => {
            tracing::warn!(
                ?problem,
                waiting = waiting.len(),
                "no operator metadata: onboarding waits"
            );
            return Ok(Planned::waiting(format!(
                "{} staked key(s) wait: {problem}",
                waiting.len()
            )));
        }
    };
    let clusters: Vec<ExistingCluster> = index
        .clusters_of(owner)
        .filter(|c| c.tuple.active && !world.cluster_in_flight(&c.operator_ids))
        .filter(|c| !c.operator_ids.iter().any(|id| unhealthy.contains(id)))
        .map(|c| ExistingCluster {
            operator_ids: c.operator_ids.clone(),
            validator_count: c.tuple.validator_count,
            validators: Vec::new(),
            fee_token: if index
                .ledger()
                .cluster(owner, &c.operator_ids)
                .is_some_and(|r| r.state.version == ClusterVersion::Ssv)
            {
                FeeToken::LegacySsv
            } else {
                FeeToken::Eth
            },
        })
        .collect();
    let input = SelectionInput {
        candidates: candidates.clone(),
        clusters,
        owner,
        validators_per_operator_limit: world.validators_per_operator_limit,
    };
    let selection =
        select(&input, &world.policy).map_err(|e| RouterError::Selection(Box::new(e)))?;
    if !selection.optimal {
        tracing::warn!(
            committee = ?selection.committee,
            "operator selection hit its search budget: the committee is valid but may not be the cheapest"
        );
    }
    let ids = selection.committee.clone();
    if world.cluster_in_flight(&ids) {
        return Ok(Planned::default());
    }
    let committee = ssv_committee_cap(ids.len());
    let cap = usize::try_from(world.settings.config.batch.max_registrations_per_tx)
        .unwrap_or(usize::MAX)
        .min(committee)
        .min(registrations_within_gas(
            world.settings.config.gas.max_gas_per_tx,
            ids.len(),
        ));
    if cap == 0 {
        tracing::warn!(
            max_gas_per_tx = world.settings.config.gas.max_gas_per_tx,
            "gas.max_gas_per_tx is too low for even one SSV registration: onboarding waits"
        );
        return Ok(Planned::waiting(format!(
            "gas.max_gas_per_tx = {} is too low for one SSV registration with {} operators",
            world.settings.config.gas.max_gas_per_tx,
            ids.len()
        )));
    }
    let batch: Vec<&crate::store::ValidatorRecord> = waiting.into_iter().take(cap).collect();
    let nonce = index.owner_nonce(owner);
    let operators = candidates
        .iter()
        .filter(|c| ids.contains(&c.id))
        .map(|c| Operator::from_base64(c.id, &c.public_key))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| RouterError::Keyshare(Box::new(e)))?;
    let secrets = batch
        .iter()
        .map(|k| {
            let i = u32::try_from(k.index).map_err(|_| RouterError::Overflow {
                what: "key index",
                value: U256::from(k.index),
            })?;
            ValidatorSecret::from_bytes(&seed.signing_key(i).to_bytes())
                .map_err(|e| RouterError::Keyshare(Box::new(e)))
        })
        .collect::<Result<Vec<_>, RouterError>>()?;
    let file = KeysharesBuilder::new(operators, owner)
        .map_err(|e| RouterError::Keyshare(Box::new(e)))?
        .nonce(nonce)
        .build(&secrets)
        .map_err(|e| RouterError::Keyshare(Box::new(e)))?;
    let tuple = index.cluster_tuple(owner, &ids);
    let (state, at) = index.ledger().view(owner, &ids, world.block)?;
    let runway = &world.settings.config.runway;
    let count = u32::try_from(batch.len()).unwrap_or(u32::MAX);
    let amount = plan(
        &state,
        &at,
        &world.eth_params,
        &Action::AddValidators { count },
        Horizon {
            inclusion_blocks: runway.inclusion_margin_blocks,
            runway_blocks: runway.target_days * BLOCKS_PER_DAY,
        },
    )?
    .amount;
    let pubkeys: Vec<Bytes> = file
        .items
        .iter()
        .map(|i| Bytes::copy_from_slice(&i.public_key))
        .collect();
    let shares: Vec<Bytes> = file
        .items
        .iter()
        .map(|i| Bytes::copy_from_slice(&i.shares_data))
        .collect();
    Ok(Planned::from(vec![Intent {
        kind: IntentKind::Register,
        to: world.settings.ssv_network,
        data: SSVNetwork::bulkRegisterValidatorCall {
            publicKeys: pubkeys.clone(),
            operatorIds: ids.clone(),
            sharesData: shares,
            cluster: tuple.into(),
        }
        .abi_encode()
        .into(),
        value: amount,
        key_indices: batch.iter().map(|k| k.index).collect(),
        pubkeys,
        cluster: Some(ids.clone()),
        owner_nonce: Some(nonce),
        reason: format!(
            "{count} staked key(s) not on SSV; committee {ids:?} ({:?}); {} funds {} days of runway",
            selection.source,
            eth(amount),
            runway.target_days
        ),
    }]))
}

/// Gas of a batched call: a fixed part and a part per key.
#[derive(Debug, Clone, Copy)]
struct BatchGas {
    first: u64,
    each: u64,
}

/// `StafiSuperNode.deposit`: one beacon deposit per key (≈ 90k per key in a batch of 45 and
/// ≈ 240k + 144k per key in batches of 4–6, measured on the devnet's doubles; kept above both).
const DEPOSIT_GAS: BatchGas = BatchGas {
    first: 400_000,
    each: 150_000,
};
/// `StafiSuperNode.stake`: one 31 ETH beacon deposit per key (≈ 147k + 53k per key on the
/// devnet's doubles; doubled).
const STAKE_GAS: BatchGas = BatchGas {
    first: 300_000,
    each: 110_000,
};

/// How many keys of a batched call fit in `max_gas`, with a 25 % margin for the estimate (the
/// simulation before sending has the last word). At least one: a single key over the cap is
/// refused by the write path, which says so.
fn batch_within_gas(max_gas: u64, gas: BatchGas) -> usize {
    let budget = max_gas.saturating_mul(4) / 5;
    let n = budget.saturating_sub(gas.first) / gas.each + 1;
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Registrations that fit in `max_gas` with a committee of `operators`, by SSV v2's measured
/// cost (SSVNetwork v2.0.0 on mainnet: ≈ 259k gas for one validator, ≈ 71.6k each in a bulk of
/// 80 with 4 operators; shares grow with the committee), kept above it and with a 25 % margin
/// for the estimate. The simulation before sending has the last word.
fn registrations_within_gas(max_gas: u64, operators: usize) -> usize {
    let ops = operators as u64;
    let first = 250_000 + 3_000 * ops;
    let each = 60_000 + 3_000 * ops;
    let budget = max_gas.saturating_mul(4) / 5;
    if budget < first {
        return 0;
    }
    usize::try_from((budget - first) / each + 1).unwrap_or(usize::MAX)
}

pub(crate) fn ssv_committee_cap(n: usize) -> usize {
    match n {
        4 => 80,
        7 => 40,
        10 => 30,
        _ => 20,
    }
}

fn plan_fund(world: &World<'_>) -> Result<Vec<Intent>, RouterError> {
    let owner = world.identity.ssv_owner;
    let index = &world.index;
    let runway = &world.settings.config.runway;
    let policy = TopUpPolicy {
        threshold_runway_blocks: runway.floor_days * BLOCKS_PER_DAY,
        target_runway_blocks: runway.target_days * BLOCKS_PER_DAY,
        inclusion_margin_blocks: runway.inclusion_margin_blocks,
    };
    let mut out = Vec::new();
    for c in index.clusters_of(owner) {
        if world.cluster_in_flight(&c.operator_ids) {
            continue;
        }
        let (state, at) = index.ledger().view(owner, &c.operator_ids, world.block)?;
        if state.version == ClusterVersion::Ssv {
            continue;
        }
        let ids = c.operator_ids.clone();
        let tuple: stafi_contracts::Cluster = c.tuple.into();
        if c.tuple.validator_count == 0 {
            let balance = if c.tuple.active {
                state.balance(&at)?
            } else {
                c.tuple.balance
            };
            if balance > U256::ZERO {
                out.push(cluster_write(
                    world,
                    IntentKind::Withdraw,
                    SSVNetwork::withdrawCall {
                        operatorIds: ids.clone(),
                        amount: balance,
                        cluster: tuple,
                    }
                    .abi_encode(),
                    U256::ZERO,
                    ids,
                    format!("cluster has no validators and holds {}", eth(balance)),
                ));
            }
            continue;
        }
        if policy.is_clear(&state, &at, &world.eth_params)? {
            continue;
        }
        match policy.decide(&state, &at, &world.eth_params)? {
            TopUp::NotNeeded { .. } | TopUp::MigrationRequired { .. } => {}
            TopUp::Deposit {
                amount,
                runway,
                urgent,
            } => out.push(cluster_write(
                world,
                IntentKind::TopUp,
                SSVNetwork::depositCall {
                    clusterOwner: owner,
                    operatorIds: ids.clone(),
                    cluster: tuple,
                }
                .abi_encode(),
                amount,
                ids,
                format!(
                    "runway {} days is below the floor of {} days{}; {} restores {} days",
                    runway.days().map_or_else(|| "-".into(), |d| d.to_string()),
                    world.settings.config.runway.floor_days,
                    if urgent { " (urgent)" } else { "" },
                    eth(amount),
                    world.settings.config.runway.target_days
                ),
            )),
            TopUp::Reactivate { amount } => out.push(cluster_write(
                world,
                IntentKind::Reactivate,
                SSVNetwork::reactivateCall {
                    operatorIds: ids.clone(),
                    cluster: tuple,
                }
                .abi_encode(),
                amount,
                ids,
                format!(
                    "liquidated with {} validator(s); {} reactivates it for {} days",
                    c.tuple.validator_count,
                    eth(amount),
                    world.settings.config.runway.target_days
                ),
            )),
        }
    }
    Ok(out)
}

/// An SSVNetwork write for the cluster of `ids` that concerns no key.
pub(crate) fn cluster_write(
    world: &World<'_>,
    kind: IntentKind,
    data: Vec<u8>,
    value: U256,
    ids: Vec<u64>,
    reason: String,
) -> Intent {
    Intent {
        kind,
        to: world.settings.ssv_network,
        data: data.into(),
        value,
        key_indices: Vec::new(),
        pubkeys: Vec::new(),
        cluster: Some(ids),
        owner_nonce: None,
        reason,
    }
}

fn plan_fee_recipient(world: &World<'_>) -> Vec<Intent> {
    let owner = world.identity.ssv_owner;
    let current = world.index.fee_recipient(owner);
    let in_flight = world
        .in_flight
        .iter()
        .any(|r| r.intent.kind == IntentKind::FeeRecipient);
    if current == Some(world.fee_pool) || in_flight {
        return Vec::new();
    }
    vec![Intent {
        kind: IntentKind::FeeRecipient,
        to: world.settings.ssv_network,
        data: SSVNetwork::setFeeRecipientAddressCall {
            recipientAddress: world.fee_pool,
        }
        .abi_encode()
        .into(),
        value: U256::ZERO,
        key_indices: Vec::new(),
        pubkeys: Vec::new(),
        cluster: None,
        owner_nonce: None,
        reason: format!(
            "SSV fee recipient is {}, StaFi's super-node fee pool is {}",
            current.map_or_else(|| "unset".to_owned(), |a| a.to_string()),
            world.fee_pool
        ),
    }]
}

fn unzip3(v: Vec<(Bytes, Bytes, B256)>) -> (Vec<Bytes>, Vec<Bytes>, Vec<B256>) {
    let mut a = Vec::with_capacity(v.len());
    let mut b = Vec::with_capacity(v.len());
    let mut c = Vec::with_capacity(v.len());
    for (x, y, z) in v {
        a.push(x);
        b.push(y);
        c.push(z);
    }
    (a, b, c)
}

#[cfg(test)]
mod tests {
    use super::registrations_within_gas;

    #[test]
    fn registration_batches_fit_the_gas_cap() {
        // The model covers SSV v2's measured cost: 259k for one, 80 × 71.6k in a bulk of 80.
        assert!(registrations_within_gas(262_000 * 5 / 4 + 1, 4) >= 1);
        assert!(registrations_within_gas(10_000_000, 4) >= 80);
        // A tight cap: fewer per transaction, or none below one registration's cost.
        let few = registrations_within_gas(2_000_000, 4);
        assert!((1..80).contains(&few), "{few}");
        assert_eq!(registrations_within_gas(200_000, 4), 0);
        // Larger committees carry more share bytes: fewer fit.
        assert!(registrations_within_gas(3_000_000, 13) < registrations_within_gas(3_000_000, 4));
    }

    #[test]
    fn deposit_and_stake_batches_fit_the_gas_cap() {
        use super::{DEPOSIT_GAS, STAKE_GAS, batch_within_gas};
        // The default cap (10M) allows the default batches of 16.
        assert!(batch_within_gas(10_000_000, DEPOSIT_GAS) >= 16);
        assert!(batch_within_gas(10_000_000, STAKE_GAS) >= 16);
        // A 2M cap: fewer, but never zero.
        let few = batch_within_gas(2_000_000, DEPOSIT_GAS);
        assert!((1..16).contains(&few), "{few}");
        assert_eq!(batch_within_gas(100_000, STAKE_GAS), 1);
    }
}
