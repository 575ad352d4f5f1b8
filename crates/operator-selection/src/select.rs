use std::collections::{BTreeMap, HashMap};

use crate::{
    BindingConstraint, Candidate, CandidateReport, CommitteeScore, CommitteeSource, Dimension,
    NotChosen, Policy, Rejection, Selection, SelectionError, SelectionInput, Verdict,
    eligibility::check_candidate,
    search::{self, DIMS, Item, Problem},
};

/// Bits below the fee in a cost key: room for 13 performance deficits of at most 100,000.
const PERF_BITS: u32 = 24;

/// Choose a committee under `policy` and explain every candidate.
///
/// The committee is the cheapest feasible one by total ETH fee; ties go to the higher sum of 30d
/// performance, then to the committee whose members come first in (fee, −performance, id) order.
/// With `reuse_existing_cluster`, a healthy existing cluster that meets the policy wins first (the
/// one with the fewest validators).
pub fn select(input: &SelectionInput, policy: &Policy) -> Result<Selection, SelectionError> {
    policy.validate()?;
    let candidates = &input.candidates;
    let by_id = Ids::new(candidates)?;
    let size = policy.committee_size;
    let checks: Vec<Result<(), Rejection>> = candidates
        .iter()
        .map(|c| check_candidate(c, input.owner, input.validators_per_operator_limit, policy))
        .collect();
    for &id in &policy.pinned {
        match by_id.get(id) {
            None => return Err(infeasible(size, BindingConstraint::PinnedMissing { id })),
            Some(i) => {
                if let Err(rejection) = &checks[i] {
                    return Err(infeasible(
                        size,
                        BindingConstraint::PinnedRejected {
                            id,
                            rejection: rejection.clone(),
                        },
                    ));
                }
            }
        }
    }
    // Diversity values of eligible candidates; rejected ones are never compared.
    let values: Vec<[String; 5]> = candidates
        .iter()
        .zip(&checks)
        .map(|(c, check)| {
            if check.is_ok() {
                Dimension::ALL.map(|d| d.value_of(c))
            } else {
                Default::default()
            }
        })
        .collect();
    let eligible: Vec<usize> = (0..candidates.len())
        .filter(|&i| checks[i].is_ok())
        .collect();

    if policy.reuse_existing_cluster
        && let Some((ids, validator_count)) =
            reusable_cluster(input, policy, &checks, &by_id, &values)
    {
        let members: Vec<usize> = ids.iter().filter_map(|&id| by_id.get(id)).collect();
        return Ok(report(
            candidates,
            &checks,
            &values,
            &members,
            policy,
            CommitteeSource::Existing { validator_count },
            true,
        ));
    }

    if eligible.len() < size {
        return Err(infeasible(
            size,
            BindingConstraint::TooFewEligible {
                eligible: eligible.len(),
                needed: size,
                top_rejection: top_rejection(&checks),
            },
        ));
    }

    let (mut items, pinned, order, group_counts) =
        build_items(candidates, &values, &eligible, policy);
    let caps = caps_of(policy);
    let outcome = search::search(&Problem {
        items: &items,
        pinned: &pinned,
        caps,
        group_counts,
        size,
    });
    let Some(best) = outcome.best else {
        let binding = if outcome.exhaustive {
            diversity_binding(&mut items, &pinned, caps, group_counts, size, policy)
        } else {
            BindingConstraint::SearchBudget {
                nodes: outcome.nodes,
            }
        };
        return Err(infeasible(size, binding));
    };
    let mut members: Vec<usize> = best.picked.iter().map(|&i| order[i]).collect();
    members.extend(policy.pinned.iter().filter_map(|&id| by_id.get(id)));
    let total: u128 = members.iter().map(|&i| candidates[i].eth_fee).sum();
    if let Some(cap) = policy.max_fee_per_committee
        && total > cap
    {
        return Err(infeasible(
            size,
            BindingConstraint::CommitteeFeeCap {
                cap,
                cheapest: total,
            },
        ));
    }
    Ok(report(
        candidates,
        &checks,
        &values,
        &members,
        policy,
        CommitteeSource::New,
        outcome.exhaustive,
    ))
}

/// Candidate indices by operator id.
struct Ids(Vec<(u64, usize)>);

impl Ids {
    /// Index the candidates; an id seen twice is an error (the one whose second occurrence
    /// comes first).
    fn new(candidates: &[Candidate]) -> Result<Self, SelectionError> {
        let mut ids: Vec<(u64, usize)> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        ids.sort_unstable();
        if let Some(w) = ids
            .windows(2)
            .filter(|w| w[0].0 == w[1].0)
            .min_by_key(|w| w[1].1)
        {
            return Err(SelectionError::DuplicateCandidate(w[0].0));
        }
        Ok(Self(ids))
    }

    fn get(&self, id: u64) -> Option<usize> {
        self.0
            .binary_search_by_key(&id, |&(id, _)| id)
            .ok()
            .map(|k| self.0[k].1)
    }
}

fn infeasible(size: usize, binding: BindingConstraint) -> SelectionError {
    SelectionError::NoFeasibleCommittee { size, binding }
}

/// The cost key: fee in the high bits, 30d performance deficit (milli-percent) in the low bits.
fn cost_key(c: &Candidate) -> u128 {
    let perf = c
        .performance_30d
        .filter(|p| p.is_finite())
        .unwrap_or(0.0)
        .clamp(0.0, 100.0);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 0..=100_000"
    )]
    let deficit = 100_000 - (perf * 1000.0).round() as u128;
    (c.eth_fee.min(u128::MAX >> 40) << PERF_BITS) | deficit
}

fn caps_of(policy: &Policy) -> [u32; DIMS] {
    let mut caps = [u32::MAX; DIMS];
    for (d, dim) in Dimension::ALL.iter().enumerate() {
        if let Some(cap) = policy.diversity.cap(*dim) {
            caps[d] = u32::try_from(cap).unwrap_or(u32::MAX);
        }
    }
    caps
}

type Built = (Vec<Item>, Vec<Item>, Vec<usize>, [usize; DIMS]);

/// Items for the search in rank order (pinned apart), the candidate index of each item, and the
/// number of groups per dimension.
fn build_items(
    candidates: &[Candidate],
    values: &[[String; 5]],
    eligible: &[usize],
    policy: &Policy,
) -> Built {
    let mut interners: [HashMap<&str, u32>; 5] = Default::default();
    let mut order: Vec<(u128, u64, usize)> = eligible
        .iter()
        .map(|&i| (cost_key(&candidates[i]), candidates[i].id, i))
        .collect();
    order.sort_unstable();
    let mut items = Vec::with_capacity(order.len());
    let mut pinned = Vec::new();
    let mut kept = Vec::with_capacity(order.len());
    for &(key, _, i) in &order {
        let mut groups = [0u32; DIMS];
        for (d, interner) in interners.iter_mut().enumerate() {
            let next = u32::try_from(interner.len()).unwrap_or(u32::MAX);
            groups[d] = *interner.entry(values[i][d].as_str()).or_insert(next);
        }
        let item = Item { key, groups };
        if policy.pinned.contains(&candidates[i].id) {
            pinned.push(item);
        } else {
            items.push(item);
            kept.push(i);
        }
    }
    let mut group_counts = [1usize; DIMS];
    for (d, interner) in interners.iter().enumerate() {
        group_counts[d] = interner.len().max(1);
    }
    (items, pinned, kept, group_counts)
}

fn top_rejection(checks: &[Result<(), Rejection>]) -> Option<(String, usize)> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for r in checks.iter().filter_map(|c| c.as_ref().err()) {
        *counts.entry(r.kind()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(kind, n)| (kind.to_owned(), n))
}

/// Which diversity caps make the search infeasible: one cap alone, or the caps whose removal
/// alone would allow a committee.
fn diversity_binding(
    items: &mut [Item],
    pinned: &[Item],
    caps: [u32; DIMS],
    group_counts: [usize; DIMS],
    size: usize,
    policy: &Policy,
) -> BindingConstraint {
    let mut tightest: Option<(usize, usize)> = None;
    for (d, dim) in Dimension::ALL.iter().enumerate() {
        let Some(cap) = policy.diversity.cap(*dim) else {
            continue;
        };
        let mut per_group = vec![0usize; group_counts[d]];
        for item in items.iter().chain(pinned) {
            per_group[item.groups[d] as usize] += 1;
        }
        let reachable: usize = per_group.iter().map(|&n| n.min(cap)).sum();
        if reachable < size && tightest.is_none_or(|(_, r)| reachable < r) {
            tightest = Some((d, reachable));
        }
    }
    if let Some((d, reachable)) = tightest {
        let dimension = Dimension::ALL[d];
        return BindingConstraint::DiversityCap {
            dimension,
            cap: policy.diversity.cap(dimension).unwrap_or(usize::MAX),
            reachable,
        };
    }
    let mut dimensions = Vec::new();
    for (d, dim) in Dimension::ALL.iter().enumerate() {
        if caps[d] == u32::MAX {
            continue;
        }
        let mut relaxed = caps;
        relaxed[d] = u32::MAX;
        let outcome = search::search_with_budget(
            &Problem {
                items,
                pinned,
                caps: relaxed,
                group_counts,
                size,
            },
            search::NODE_BUDGET / 10,
        );
        if outcome.best.is_some() {
            dimensions.push(*dim);
        }
    }
    BindingConstraint::DiversityCaps { dimensions }
}

/// Validators, total fee, ids: lower is better.
type ClusterRank = (u32, u128, Vec<u64>);

/// The reusable existing cluster with the fewest validators (then lowest fee, then lowest ids).
fn reusable_cluster(
    input: &SelectionInput,
    policy: &Policy,
    checks: &[Result<(), Rejection>],
    by_id: &Ids,
    values: &[[String; 5]],
) -> Option<(Vec<u64>, u32)> {
    let mut best: Option<(ClusterRank, Vec<u64>)> = None;
    for cluster in &input.clusters {
        let ids = cluster.sorted_ids();
        // Only a committee SSV accepts (no repeated or zero id) of the policy's size.
        if ids.len() != policy.committee_size || ssv_committee::Committee::validate(&ids).is_err() {
            continue;
        }
        let Some(members) = ids
            .iter()
            .map(|&id| by_id.get(id).filter(|&i| checks[i].is_ok()))
            .collect::<Option<Vec<usize>>>()
        else {
            continue;
        };
        if !policy.pinned.iter().all(|id| ids.contains(id)) {
            continue;
        }
        if first_cap_violation(&members, values, policy).is_some() {
            continue;
        }
        let total: u128 = members.iter().map(|&i| input.candidates[i].eth_fee).sum();
        if policy.max_fee_per_committee.is_some_and(|cap| total > cap) {
            continue;
        }
        let rank = (cluster.validator_count, total, ids.clone());
        if best.as_ref().is_none_or(|(r, _)| rank < *r) {
            best = Some((rank, ids));
        }
    }
    best.map(|((count, _, _), ids)| (ids, count))
}

/// The first dimension in which `members` exceed the policy's cap, with the value.
pub(crate) fn first_cap_violation(
    members: &[usize],
    values: &[[String; 5]],
    policy: &Policy,
) -> Option<(Dimension, String)> {
    for (d, dim) in Dimension::ALL.iter().enumerate() {
        let Some(cap) = policy.diversity.cap(*dim) else {
            continue;
        };
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for &m in members {
            let n = counts.entry(values[m][d].as_str()).or_default();
            *n += 1;
            if *n > cap {
                return Some((*dim, values[m][d].clone()));
            }
        }
    }
    None
}

fn report(
    candidates: &[Candidate],
    checks: &[Result<(), Rejection>],
    values: &[[String; 5]],
    members: &[usize],
    policy: &Policy,
    source: CommitteeSource,
    optimal: bool,
) -> Selection {
    let member_refs: Vec<&Candidate> = members.iter().map(|&i| &candidates[i]).collect();
    let highest_member_fee = member_refs.iter().map(|c| c.eth_fee).max().unwrap_or(0);
    let reused = matches!(source, CommitteeSource::Existing { .. });
    // Per capped dimension, the values the committee holds `cap` times.
    let full: [Vec<&str>; 5] = std::array::from_fn(|d| {
        let Some(cap) = policy.diversity.cap(Dimension::ALL[d]) else {
            return Vec::new();
        };
        let mut full: Vec<&str> = Vec::new();
        for &m in members {
            let value = values[m][d].as_str();
            let held = members.iter().filter(|&&o| values[o][d] == value).count();
            if held >= cap && !full.contains(&value) {
                full.push(value);
            }
        }
        full
    });
    let mut reasons: Vec<CandidateReport> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let verdict = if members.contains(&i) {
                Verdict::Chosen
            } else if let Err(rejection) = &checks[i] {
                Verdict::Rejected(rejection.clone())
            } else if reused {
                Verdict::NotChosen(NotChosen::ExistingClusterReused)
            } else {
                let capped = Dimension::ALL.iter().enumerate().find_map(|(d, dim)| {
                    let cap = policy.diversity.cap(*dim)?;
                    let value = values[i][d].as_str();
                    full[d].contains(&value).then(|| NotChosen::DiversityCap {
                        dimension: *dim,
                        value: value.to_owned(),
                        cap,
                    })
                });
                Verdict::NotChosen(capped.unwrap_or(NotChosen::BetterCommittee {
                    fee: c.eth_fee,
                    highest_member_fee,
                }))
            };
            CandidateReport { id: c.id, verdict }
        })
        .collect();
    reasons.sort_by_key(|r| r.id);
    let mut committee: Vec<u64> = member_refs.iter().map(|c| c.id).collect();
    committee.sort_unstable();
    Selection {
        committee,
        source,
        score: CommitteeScore::of(&member_refs),
        optimal,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::Address;

    use super::*;
    use crate::{ExistingCluster, FeeToken};

    /// Operators 1..=8 with fee = id, distinct owners, locations and clients, and the given
    /// providers.
    fn market(providers: [&str; 8]) -> Vec<Candidate> {
        (1..=8u8)
            .map(|id| Candidate {
                owner_address: Address::with_last_byte(id),
                setup_provider: Some(providers[usize::from(id - 1)].to_owned()),
                location: Some(format!("country-{id}")),
                el_client: Some(format!("client-{id}")),
                ..Candidate::new(u64::from(id), "key", u128::from(id))
            })
            .collect()
    }

    fn cluster(ids: [u64; 4], validator_count: u32) -> ExistingCluster {
        ExistingCluster {
            operator_ids: ids.to_vec(),
            validator_count,
            validators: Vec::new(),
            fee_token: FeeToken::Eth,
        }
    }

    #[test]
    fn diversity_cap_is_named_for_skipped_cheap_operators() {
        let input = SelectionInput::new(
            market(["a", "a", "a", "b", "c", "d", "e", "f"]),
            Address::ZERO,
        );
        let selection = select(&input, &Policy::default()).unwrap();
        assert_eq!(selection.committee, vec![1, 2, 4, 5]);
        assert_eq!(
            selection.verdict(3),
            Some(&Verdict::NotChosen(NotChosen::DiversityCap {
                dimension: Dimension::SetupProvider,
                value: "a".to_owned(),
                cap: 2,
            }))
        );
        assert_eq!(
            selection.verdict(6),
            Some(&Verdict::NotChosen(NotChosen::BetterCommittee {
                fee: 6,
                highest_member_fee: 5,
            }))
        );
    }

    #[test]
    fn reuses_the_healthy_cluster_with_fewest_validators() {
        let mut candidates = market(["a", "a", "a", "b", "c", "d", "e", "f"]);
        candidates[7].performance_30d = Some(50.0); // 8 fails the floor
        let input = SelectionInput {
            clusters: vec![
                cluster([5, 6, 7, 8], 0), // 8 is rejected
                cluster([1, 2, 3, 4], 1), // three from provider "a"
                cluster([4, 5, 6, 7], 9),
                cluster([2, 4, 6, 7], 3),
            ],
            ..SelectionInput::new(candidates, Address::ZERO)
        };
        let policy = Policy {
            reuse_existing_cluster: true,
            ..Policy::default()
        };
        let selection = select(&input, &policy).unwrap();
        assert_eq!(selection.committee, vec![2, 4, 6, 7]);
        assert_eq!(
            selection.source,
            CommitteeSource::Existing { validator_count: 3 }
        );
        assert_eq!(
            selection.verdict(1),
            Some(&Verdict::NotChosen(NotChosen::ExistingClusterReused))
        );
        // Without reuse the cheapest new committee wins.
        let fresh = select(&input, &Policy::default()).unwrap();
        assert_eq!(fresh.committee, vec![1, 2, 4, 5]);
        assert_eq!(fresh.source, CommitteeSource::New);
    }

    #[test]
    fn a_cluster_that_is_not_an_ssv_committee_is_not_reused() {
        let input = SelectionInput {
            clusters: vec![
                cluster([2, 2, 4, 6], 0), // a repeated id
                cluster([2, 4, 6, 7], 3),
            ],
            ..SelectionInput::new(
                market(["a", "b", "c", "d", "e", "f", "g", "h"]),
                Address::ZERO,
            )
        };
        let policy = Policy {
            reuse_existing_cluster: true,
            ..Policy::default()
        };
        let selection = select(&input, &policy).unwrap();
        assert_eq!(selection.committee, vec![2, 4, 6, 7]);
        assert_eq!(
            selection.source,
            CommitteeSource::Existing { validator_count: 3 }
        );
    }

    #[test]
    fn pinned_operators_are_kept_and_named_when_missing() {
        let input = SelectionInput::new(
            market(["a", "b", "c", "d", "e", "f", "g", "h"]),
            Address::ZERO,
        );
        let pinned = Policy {
            pinned: vec![8],
            ..Policy::default()
        };
        assert_eq!(select(&input, &pinned).unwrap().committee, vec![1, 2, 3, 8]);
        let missing = Policy {
            pinned: vec![99],
            ..Policy::default()
        };
        let err = select(&input, &missing).unwrap_err();
        assert!(err.to_string().contains("pinned operator 99"), "{err}");
    }

    #[test]
    fn duplicate_candidates_are_refused() {
        let mut candidates = market(["a", "b", "c", "d", "e", "f", "g", "h"]);
        candidates[1].id = 1;
        let err = select(
            &SelectionInput::new(candidates, Address::ZERO),
            &Policy::default(),
        )
        .unwrap_err();
        assert!(
            matches!(err, SelectionError::DuplicateCandidate(1)),
            "{err}"
        );
    }
}
