//! The steps after registration: exits StaFi asks for, offboarding exited validators, moving
//! validators off unhealthy operators, and legacy SSV-token clusters. Plans only, from the
//! [`World`]; the pass executes them through the same write path as every other step.

use std::collections::BTreeMap;

use alloy::primitives::{Bytes, U256};
use alloy::sol_types::SolCall;
use cluster_accounting::{
    Action, BLOCKS_PER_DAY, ClusterVersion, Horizon, TopUp, TopUpPolicy, VUnits, plan,
};
use keygen::Seed;
use operator_selection::{SelectionInput, select};
use stafi_contracts::ssv_network::SSVNetwork;

use crate::error::RouterError;
use crate::intent::{Intent, IntentKind};
use crate::steps::{Planned, cluster_write, eth, ssv_committee_cap};
use crate::world::{World, existing_clusters};

/// Blocks between removing a validator from its cluster and registering it in a new committee,
/// so the old operators have stopped signing for it (the old router's migration wait).
pub const MOVE_WAIT_BLOCKS: u64 = 96;

/// A signed voluntary exit to POST to the beacon node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitPost {
    /// The validator's index on the beacon chain.
    pub validator_index: u64,
    /// The EIP-2334 index of its signing key in the mnemonic.
    pub key_index: u64,
    /// Its 48-byte BLS public key.
    pub pubkey: Bytes,
    /// The signed exit, as the body of `POST /eth/v1/beacon/pool/voluntary_exits`.
    pub exit: keygen::wire::SignedVoluntaryExitJson,
    /// The exit message's epoch: the beacon head's epoch when it was signed.
    pub epoch: u64,
    /// Sent before; the beacon chain has not taken it up.
    pub resubmit: bool,
    /// Why: the withdraw cycles that ejected it, and for a resubmission the last POST.
    pub reason: String,
}

/// Ejector: a voluntary exit for every validator of ours StaFi ejected that may exit now, and
/// `bulkExitValidator` on SSV for those whose exit the beacon node accepted.
pub(crate) fn plan_exit(world: &World<'_>, seed: &Seed) -> Result<Planned, RouterError> {
    let open: Vec<_> = world
        .ejector
        .jobs
        .values()
        .filter(|j| !j.is_done())
        .collect();
    let mut planned = Planned {
        intents: plan_ssv_exits(world),
        ..Planned::default()
    };
    if open.is_empty() {
        return Ok(planned);
    }
    let clock = match &world.beacon_clock {
        Some(Ok(clock)) => *clock,
        Some(Err(e)) => {
            planned.waiting = Some(format!(
                "{} ejected validator(s) wait: the beacon node does not answer ({e})",
                open.len()
            ));
            return Ok(planned);
        }
        None => return Ok(planned),
    };
    if clock.syncing {
        planned.waiting = Some(format!(
            "{} ejected validator(s) wait: the beacon node is syncing",
            open.len()
        ));
        return Ok(planned);
    }
    let resubmit_after = world.settings.config.exits.resubmit_after_secs;
    let mut waits = Vec::new();
    for job in open {
        let Some(v) = world.beacon_validator(&job.pubkey) else {
            waits.push(format!(
                "validator {} is not known to the beacon node",
                job.validator_index
            ));
            continue;
        };
        let earliest = v
            .validator
            .activation_epoch
            .saturating_add(clock.timing.shard_committee_period);
        if clock.epoch < earliest {
            waits.push(format!(
                "validator {} may exit from epoch {earliest} (activation {} + {} epochs; now {}, {} to go)",
                job.validator_index,
                v.validator.activation_epoch,
                clock.timing.shard_committee_period,
                clock.epoch,
                earliest - clock.epoch
            ));
            continue;
        }
        if let Some(p) = job.posted
            && world.now.saturating_sub(p.at) < resubmit_after
        {
            continue;
        }
        let i = u32::try_from(job.key_index).map_err(|_| RouterError::Overflow {
            what: "key index",
            value: U256::from(job.key_index),
        })?;
        let signed = keygen::sign_voluntary_exit(
            &seed.signing_key(i),
            clock.epoch,
            job.validator_index,
            &world.settings.profile.consensus,
        );
        planned.posts.push(ExitPost {
            validator_index: job.validator_index,
            key_index: job.key_index,
            pubkey: job.pubkey.clone(),
            exit: signed.to_json(),
            epoch: clock.epoch,
            resubmit: job.posted.is_some(),
            reason: match job.posted {
                Some(p) => format!(
                    "ejected in cycle(s) {:?}; the exit POSTed at block {} ({} attempt(s)) is not on the beacon chain after {resubmit_after} s",
                    job.cycles, p.block, p.attempts
                ),
                None => format!(
                    "ejected by StaFi in withdraw cycle(s) {:?}; active since epoch {}",
                    job.cycles, v.validator.activation_epoch
                ),
            },
        });
    }
    if planned.posts.is_empty() && !waits.is_empty() {
        planned.waiting = Some(waits.join("; "));
    }
    Ok(planned)
}

/// `bulkExitValidator` for the ejected validators whose exit the beacon node accepted and that
/// SSV has not been told about, one call per cluster.
fn plan_ssv_exits(world: &World<'_>) -> Vec<Intent> {
    let owner = world.identity.ssv_owner;
    let in_flight: std::collections::BTreeSet<u64> = world.in_flight_keys().into_iter().collect();
    let mut by_cluster: BTreeMap<Vec<u64>, Vec<(u64, Bytes)>> = BTreeMap::new();
    for job in world.ejector.jobs.values() {
        if job.posted.is_none() && !job.is_done() {
            continue;
        }
        if in_flight.contains(&job.key_index) {
            continue;
        }
        let Some(v) = world.index.validator(owner, &job.pubkey) else {
            continue;
        };
        if v.removed.is_some() || v.exit_requested.is_some() {
            continue;
        }
        by_cluster
            .entry(v.operator_ids.clone())
            .or_default()
            .push((job.key_index, job.pubkey.clone()));
    }
    by_cluster
        .into_iter()
        .flat_map(|(ids, keys)| {
            let cap = ssv_committee_cap(ids.len());
            keys.chunks(cap)
                .map(|chunk| {
                    let pubkeys: Vec<Bytes> = chunk.iter().map(|(_, p)| p.clone()).collect();
                    Intent {
                        kind: IntentKind::ExitOnSsv,
                        to: world.settings.ssv_network,
                        data: SSVNetwork::bulkExitValidatorCall {
                            publicKeys: pubkeys.clone(),
                            operatorIds: ids.clone(),
                        }
                        .abi_encode()
                        .into(),
                        value: U256::ZERO,
                        key_indices: chunk.iter().map(|(k, _)| *k).collect(),
                        pubkeys,
                        cluster: None,
                        owner_nonce: None,
                        reason: format!(
                            "{} exit(s) accepted by the beacon node; SSV's operators are told",
                            chunk.len()
                        ),
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Why a validator leaves its cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Leaving {
    /// Exited on the beacon chain: offboarded for good.
    Exited(String),
    /// Moved off unhealthy operators: re-registered after [`MOVE_WAIT_BLOCKS`].
    Move(String),
    /// The SSV API marks the registration invalid: registered again with fresh shares.
    Invalid,
}

/// `bulkRemoveValidator` per cluster for `leaving` (pubkey → key index, why).
fn removals(
    world: &World<'_>,
    leaving: BTreeMap<Vec<u64>, Vec<(u64, Bytes, Leaving)>>,
) -> Vec<Intent> {
    let owner = world.identity.ssv_owner;
    let mut out = Vec::new();
    for (ids, keys) in leaving {
        if world.cluster_in_flight(&ids) {
            continue;
        }
        let tuple: stafi_contracts::Cluster = world.index.cluster_tuple(owner, &ids).into();
        // One transaction per cluster per pass: the next one needs the tuple this one leaves.
        let chunk = &keys[..keys.len().min(ssv_committee_cap(ids.len()))];
        let pubkeys: Vec<Bytes> = chunk.iter().map(|(_, p, _)| p.clone()).collect();
        let mut why: Vec<String> = chunk
            .iter()
            .map(|(k, _, l)| match l {
                Leaving::Exited(s) => format!("#{k} exited on the beacon chain ({s})"),
                Leaving::Move(s) => format!("#{k} moves: {s}"),
                Leaving::Invalid => format!(
                    "#{k}: the SSV API marks its registration invalid; registered again with fresh shares after {MOVE_WAIT_BLOCKS} blocks"
                ),
            })
            .collect();
        why.dedup();
        let mut intent = cluster_write(
            world,
            IntentKind::Remove,
            SSVNetwork::bulkRemoveValidatorCall {
                publicKeys: pubkeys.clone(),
                operatorIds: ids.clone(),
                cluster: tuple,
            }
            .abi_encode(),
            U256::ZERO,
            ids,
            why.join("; "),
        );
        intent.key_indices = chunk.iter().map(|(k, _, _)| *k).collect();
        intent.pubkeys = pubkeys;
        out.push(intent);
    }
    out
}

/// Offboard: every validator of ours on SSV that has exited on the beacon chain leaves its
/// cluster (the fund step then withdraws an emptied cluster's balance), and so does every
/// registration the SSV API marks invalid (onboard registers it again).
pub(crate) fn plan_offboard(world: &World<'_>) -> Planned {
    let owner = world.identity.ssv_owner;
    let in_flight: std::collections::BTreeSet<u64> = world.in_flight_keys().into_iter().collect();
    // From the few that qualify, not from every key: exited ones (the beacon statuses), and the
    // registrations the API marks invalid.
    let exited = world.beacon.iter().filter_map(|(hex, v)| {
        let exited = v.status.starts_with("exited") || v.status.starts_with("withdrawal");
        let pubkey: Bytes = hex.parse().ok().filter(|_| exited)?;
        Some((pubkey, Leaving::Exited(v.status.clone())))
    });
    let invalid = world
        .ssv_invalid
        .1
        .iter()
        .map(|pubkey| (pubkey.clone(), Leaving::Invalid));
    let mut leaving: BTreeMap<Vec<u64>, Vec<(u64, Bytes, Leaving)>> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for (pubkey, why) in exited.chain(invalid) {
        let Some(v) = world.index.validator(owner, &pubkey) else {
            continue;
        };
        if v.removed.is_some()
            || (why == Leaving::Invalid && v.added.block > world.ssv_invalid.0)
            || !seen.insert(pubkey.clone())
        {
            continue;
        }
        let Some(key) = world.keys.iter().find(|k| k.pubkey == pubkey) else {
            continue;
        };
        if in_flight.contains(&key.index) {
            continue;
        }
        leaving
            .entry(v.operator_ids.clone())
            .or_default()
            .push((key.index, pubkey, why));
    }
    Planned::from(removals(world, leaving))
}

/// Validators removed from SSV for a move and not yet re-registered, with the block each was
/// removed at.
pub(crate) fn moving(world: &World<'_>) -> Vec<(u64, u64)> {
    let owner = world.identity.ssv_owner;
    // From the removed registrations (few), not from every key.
    let removed: Vec<_> = world
        .index
        .validators_of(owner)
        .filter_map(|v| v.removed.map(|r| (&v.public_key, r.block)))
        .collect();
    if removed.is_empty() {
        return Vec::new();
    }
    let keys: std::collections::HashMap<&Bytes, &crate::store::ValidatorRecord> =
        world.keys.iter().map(|k| (&k.pubkey, k)).collect();
    removed
        .into_iter()
        .filter_map(|(pubkey, block)| {
            let k = keys.get(pubkey)?;
            let exited = world
                .beacon_status(pubkey)
                .is_some_and(|s| s.starts_with("exited") || s.starts_with("withdrawal"));
            (k.stafi_status == crate::stafi::status::STAKING && !exited).then_some((k.index, block))
        })
        .collect()
}

/// Operator health moves: validators of clusters with unhealthy operators (removed, fee above
/// the cap, inactive or below the performance floor past the grace period) leave them, at most
/// `max_moves_per_pass` at a time counting those still waiting to be re-registered, never all
/// of our validators at once, and only when a committee without those operators exists.
pub(crate) fn plan_move(world: &World<'_>) -> Planned {
    let Some(health) = &world.health else {
        return Planned::default();
    };
    if health.moves.is_empty() {
        return Planned::default();
    }
    let owner = world.identity.ssv_owner;
    let registered = world
        .index
        .validators_of(owner)
        .filter(|v| v.removed.is_none())
        .count();
    let in_progress = moving(world).len();
    let limit = world
        .policy
        .max_moves_per_pass
        .min(registered.saturating_sub(1).max(1));
    let room = limit.saturating_sub(in_progress);
    if room == 0 {
        return Planned::waiting(format!(
            "{} validator(s) should move; {in_progress} move(s) still in progress (limit {limit})",
            health.moves.len()
        ));
    }
    // The new committee must not be worse by the same rule: it is chosen without any unhealthy
    // operator, and without clusters that hold one.
    let unhealthy = world.unhealthy_operators();
    let Ok(candidates) = &world.candidates else {
        return Planned::default();
    };
    let input = SelectionInput {
        candidates: candidates
            .iter()
            .filter(|c| !unhealthy.contains(&c.id))
            .cloned()
            .collect(),
        clusters: existing_clusters(world.index, owner)
            .into_iter()
            .filter(|c| !c.operator_ids.iter().any(|id| unhealthy.contains(id)))
            .collect(),
        owner,
        validators_per_operator_limit: world.validators_per_operator_limit,
    };
    let target = match select(&input, &world.policy) {
        Ok(s) => s.committee,
        Err(e) => {
            return Planned::waiting(format!(
                "{} validator(s) should move, but no committee without the unhealthy operators {unhealthy:?} exists: {e}",
                health.moves.len()
            ));
        }
    };
    let by_pubkey: BTreeMap<String, u64> = world
        .keys
        .iter()
        .map(|k| (format!("{:#x}", k.pubkey), k.index))
        .collect();
    let in_flight: std::collections::BTreeSet<u64> = world.in_flight_keys().into_iter().collect();
    let mut leaving: BTreeMap<Vec<u64>, Vec<(u64, Bytes, Leaving)>> = BTreeMap::new();
    for m in &health.moves {
        if leaving.values().map(Vec::len).sum::<usize>() >= room {
            break;
        }
        let Some(&key) = by_pubkey.get(&m.validator.to_ascii_lowercase()) else {
            continue;
        };
        if in_flight.contains(&key) {
            continue;
        }
        let Ok(pubkey) = m.validator.parse::<Bytes>() else {
            continue;
        };
        let rules: Vec<String> = health
            .clusters
            .iter()
            .filter(|c| c.operator_ids == m.from)
            .flat_map(|c| &c.operators)
            .filter(|o| o.unhealthy)
            .map(|o| {
                let problems: Vec<String> = o.problems.iter().map(ToString::to_string).collect();
                format!("operator {} {}", o.id, problems.join(", "))
            })
            .collect();
        leaving.entry(m.from.clone()).or_default().push((
            key,
            pubkey,
            Leaving::Move(format!(
                "{} (next committee {target:?} after {MOVE_WAIT_BLOCKS} blocks)",
                rules.join("; ")
            )),
        ));
    }
    Planned::from(removals(world, leaving))
}

/// Legacy SSV-token clusters (frozen by SSV v2 but for remove, exit, `liquidateSSV` and
/// `migrateClusterToETH`): reported with their SSV runway; migrated to ETH with the amount
/// `cluster-accounting` plans when `runway.migrate_legacy` is set, otherwise only the cost is
/// shown. Never a v1 write.
pub(crate) fn plan_legacy(world: &World<'_>) -> Result<Planned, RouterError> {
    let owner = world.identity.ssv_owner;
    let Some(ssv_params) = world.ssv_params else {
        return Ok(Planned::default());
    };
    let runway = &world.settings.config.runway;
    let horizon = Horizon {
        inclusion_blocks: runway.inclusion_margin_blocks,
        runway_blocks: runway.target_days * BLOCKS_PER_DAY,
    };
    let policy = TopUpPolicy {
        threshold_runway_blocks: runway.floor_days * BLOCKS_PER_DAY,
        target_runway_blocks: runway.target_days * BLOCKS_PER_DAY,
        inclusion_margin_blocks: runway.inclusion_margin_blocks,
    };
    let mut out = Vec::new();
    let mut reports = Vec::new();
    for c in world.index.clusters_of(owner) {
        let (state, at) = world
            .index
            .ledger()
            .view(owner, &c.operator_ids, world.block)?;
        if state.version != ClusterVersion::Ssv || world.cluster_in_flight(&c.operator_ids) {
            continue;
        }
        let ssv_runway = match policy.decide(&state, &at, &ssv_params)? {
            TopUp::MigrationRequired { runway } | TopUp::NotNeeded { runway } => runway
                .days()
                .map_or_else(|| "unlimited".into(), |d| format!("{d} days")),
            TopUp::Deposit { .. } | TopUp::Reactivate { .. } => "-".into(),
        };
        let eth_indices =
            world
                .index
                .ledger()
                .indices(ClusterVersion::Eth, &c.operator_ids, world.block)?;
        let migration = plan(
            &state,
            &at,
            &ssv_params,
            &Action::MigrateToEth {
                vunits: VUnits::Implicit,
                eth_indices,
                eth_params: world.eth_params,
            },
            horizon,
        )?;
        let refund = migration.ssv_refund.unwrap_or_default();
        let refund_text = cluster_accounting::format_amount(refund, ClusterVersion::Ssv)
            .unwrap_or_else(|_| format!("{refund} SSV-wei"));
        let summary = format!(
            "legacy SSV cluster {:?} with {} validator(s), SSV runway {ssv_runway}: migrating costs {} (funds {} days) and refunds {refund_text}",
            c.operator_ids,
            c.tuple.validator_count,
            eth(migration.amount),
            runway.target_days
        );
        tracing::warn!(operators = ?c.operator_ids, %summary, "legacy SSV cluster");
        if runway.migrate_legacy {
            out.push(cluster_write(
                world,
                IntentKind::Migrate,
                SSVNetwork::migrateClusterToETHCall {
                    operatorIds: c.operator_ids.clone(),
                    cluster: c.tuple.into(),
                }
                .abi_encode(),
                migration.amount,
                c.operator_ids.clone(),
                summary,
            ));
        } else {
            reports.push(format!("{summary} (runway.migrate_legacy = false)"));
        }
    }
    let mut planned = Planned::from(out);
    if !reports.is_empty() {
        planned.waiting = Some(reports.join("; "));
    }
    Ok(planned)
}
