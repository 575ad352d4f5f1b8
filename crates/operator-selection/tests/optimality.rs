//! `select` against an exhaustive reference: every subset of a small market, ranked by the
//! crate's objective (total ETH fee, then higher summed 30d performance, then members first in
//! (fee, −performance, id) order), with the existing-cluster preference in front.

use std::collections::HashMap;

use alloy_primitives::Address;
use operator_selection::{
    BindingConstraint, Candidate, CommitteeSource, Dimension, DiversityCaps, ExistingCluster,
    FeeToken, Policy, SelectionError, SelectionInput, check_candidate, select,
};
use proptest::prelude::*;

const OWNER: Address = Address::repeat_byte(0x0e);
const LIMIT: u32 = 100;

fn candidate() -> impl Strategy<Value = Candidate> {
    (
        (0u8..6, 0u8..4, 0u8..4, 0u8..3, 0u8..3),
        prop::sample::select(vec![1u128, 2, 2, 3, 3, 5, 8, 13]),
        (90_000u32..=100_000, 80_000u32..=100_000),
        0u32..=100,
    )
        .prop_map(
            |((owner, provider, location, el, cl), fee, (p30, p24), count)| {
                // Performance on a coarse grid, so that ties in the objective are common.
                let p30 = f64::from(p30 / 2_500 * 2_500) / 1000.0;
                Candidate {
                    owner_address: Address::with_last_byte(owner),
                    setup_provider: (provider > 0).then(|| format!("provider-{provider}")),
                    location: Some(format!("loc-{location}")),
                    el_client: Some(format!("el-{el}")),
                    cl_client: Some(format!("cl-{cl}")),
                    validator_count: count,
                    performance_30d: Some(p30),
                    performance_24h: Some(f64::from(p24) / 1000.0),
                    ..Candidate::new(0, "key", fee)
                }
            },
        )
}

fn cap() -> impl Strategy<Value = Option<usize>> {
    prop::option::weighted(0.7, 1usize..=3)
}

fn case() -> impl Strategy<Value = (SelectionInput, Policy)> {
    (
        prop::collection::vec(candidate(), 4..=14),
        (cap(), cap(), cap(), cap(), cap()),
        prop::sample::select(vec![4usize, 7]),
        prop::option::weighted(0.2, 10u128..=60),
        prop::collection::vec(any::<prop::sample::Index>(), 0..=2),
        any::<bool>(),
        prop::collection::vec(
            (
                prop::collection::vec(any::<prop::sample::Index>(), 4..=7),
                0u32..5,
            ),
            0..=4,
        ),
    )
        .prop_map(
            |(mut candidates, (o, s, l, e, c), size, committee_fee, pins, reuse, clusters)| {
                for (i, candidate) in candidates.iter_mut().enumerate() {
                    candidate.id = i as u64 + 1;
                }
                let n = candidates.len();
                let mut pinned: Vec<u64> = pins.iter().map(|p| p.index(n) as u64 + 1).collect();
                pinned.sort_unstable();
                pinned.dedup();
                let clusters = clusters
                    .into_iter()
                    .map(|(ids, validator_count)| ExistingCluster {
                        // Sizes and duplicates vary: some clusters are not committees of the
                        // policy's size, and must not be reused.
                        operator_ids: ids.iter().map(|i| i.index(n) as u64 + 1).collect(),
                        validator_count,
                        validators: Vec::new(),
                        fee_token: FeeToken::Eth,
                    })
                    .collect();
                let input = SelectionInput {
                    clusters,
                    validators_per_operator_limit: LIMIT,
                    ..SelectionInput::new(candidates, OWNER)
                };
                let policy = Policy {
                    committee_size: size,
                    diversity: DiversityCaps {
                        per_owner: o,
                        per_setup_provider: s,
                        per_location: l,
                        per_el_client: e,
                        per_cl_client: c,
                    },
                    max_fee_per_committee: committee_fee,
                    pinned,
                    reuse_existing_cluster: reuse,
                    ..Policy::default()
                };
                (input, policy)
            },
        )
}

/// 30d performance in milli-percent, as the selection ranks it.
#[allow(clippy::cast_possible_truncation, reason = "0..=100_000")]
fn perf_milli(c: &Candidate) -> i64 {
    (c.performance_30d.unwrap_or(0.0) * 1000.0).round() as i64
}

/// A candidate's rank: fee, then higher performance, then id.
fn rank(c: &Candidate) -> (u128, i64, u64) {
    (c.eth_fee, -perf_milli(c), c.id)
}

fn within_caps(members: &[&Candidate], caps: &DiversityCaps) -> bool {
    Dimension::ALL.iter().all(|&d| {
        let Some(cap) = caps.cap(d) else { return true };
        let mut counts: HashMap<String, usize> = HashMap::new();
        members.iter().all(|m| {
            let n = counts.entry(d.value_of(m)).or_default();
            *n += 1;
            *n <= cap
        })
    })
}

/// What the reference expects.
#[derive(Debug, PartialEq)]
enum Expected {
    /// This committee (ids ascending), reused from a cluster or new.
    Committee(Vec<u64>, bool),
    /// No committee meets the policy.
    Infeasible,
    /// The best new committee costs more than the committee fee cap.
    OverCommitteeCap(u128),
}

/// Validators, total fee, ids of a reusable cluster: lower is better.
type ClusterRank = (u32, u128, Vec<u64>);

/// The objective of a new committee: lower is better.
type Objective = (u128, i64, Vec<(u128, i64, u64)>);

fn objective(members: &[&Candidate]) -> Objective {
    let fee = members.iter().map(|m| m.eth_fee).sum();
    let perf = members.iter().map(|m| -perf_milli(m)).sum();
    let mut ranks: Vec<_> = members.iter().map(|m| rank(m)).collect();
    ranks.sort_unstable();
    (fee, perf, ranks)
}

/// Visit every subset of `size` of `0..n`, in lexicographic order.
fn walk(
    start: usize,
    n: usize,
    size: usize,
    chosen: &mut Vec<usize>,
    visit: &mut dyn FnMut(&[usize]),
) {
    if chosen.len() == size {
        visit(chosen);
        return;
    }
    for i in start..n {
        if n - i < size - chosen.len() {
            break;
        }
        chosen.push(i);
        walk(i + 1, n, size, chosen, visit);
        chosen.pop();
    }
}

fn reference(input: &SelectionInput, policy: &Policy) -> Expected {
    let eligible: Vec<&Candidate> = input
        .candidates
        .iter()
        .filter(|c| check_candidate(c, OWNER, LIMIT, policy).is_ok())
        .collect();
    let ok = |members: &[&Candidate]| {
        policy
            .pinned
            .iter()
            .all(|id| members.iter().any(|m| m.id == *id))
            && within_caps(members, &policy.diversity)
    };
    let fee_ok = |members: &[&Candidate]| {
        policy
            .max_fee_per_committee
            .is_none_or(|cap| members.iter().map(|m| m.eth_fee).sum::<u128>() <= cap)
    };
    if policy.reuse_existing_cluster {
        let mut best: Option<(ClusterRank, Vec<u64>)> = None;
        for cluster in &input.clusters {
            let ids = cluster.sorted_ids();
            if ids.len() != policy.committee_size || ids.windows(2).any(|w| w[0] == w[1]) {
                continue;
            }
            let Some(members) = ids
                .iter()
                .map(|id| eligible.iter().copied().find(|c| c.id == *id))
                .collect::<Option<Vec<&Candidate>>>()
            else {
                continue;
            };
            if !ok(&members) || !fee_ok(&members) {
                continue;
            }
            let fee = members.iter().map(|m| m.eth_fee).sum();
            let key = (cluster.validator_count, fee, ids.clone());
            if best.as_ref().is_none_or(|(b, _)| key < *b) {
                best = Some((key, ids));
            }
        }
        if let Some((_, ids)) = best {
            return Expected::Committee(ids, true);
        }
    }
    let n = eligible.len();
    let size = policy.committee_size;
    let mut best: Option<(Objective, Vec<u64>)> = None;
    let mut chosen: Vec<usize> = Vec::with_capacity(size);
    walk(0, n, size, &mut chosen, &mut |subset| {
        let members: Vec<&Candidate> = subset.iter().map(|&i| eligible[i]).collect();
        if !ok(&members) {
            return;
        }
        let value = objective(&members);
        if best.as_ref().is_none_or(|(b, _)| value < *b) {
            let mut ids: Vec<u64> = members.iter().map(|m| m.id).collect();
            ids.sort_unstable();
            best = Some((value, ids));
        }
    });
    match best {
        None => Expected::Infeasible,
        Some(((fee, _, _), _)) if policy.max_fee_per_committee.is_some_and(|cap| fee > cap) => {
            Expected::OverCommitteeCap(fee)
        }
        Some((_, ids)) => Expected::Committee(ids, false),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn select_is_optimal_against_exhaustive_search((input, policy) in case()) {
        let expected = reference(&input, &policy);
        match select(&input, &policy) {
            Ok(selection) => {
                prop_assert!(selection.optimal);
                let members: Vec<&Candidate> = selection
                    .committee
                    .iter()
                    .map(|id| input.candidates.iter().find(|c| c.id == *id).unwrap())
                    .collect();
                // Every constraint holds.
                prop_assert_eq!(members.len(), policy.committee_size);
                for m in &members {
                    prop_assert_eq!(check_candidate(m, OWNER, LIMIT, &policy), Ok(()));
                }
                prop_assert!(within_caps(&members, &policy.diversity));
                prop_assert!(policy.pinned.iter().all(|id| selection.committee.contains(id)));
                let fee: u128 = members.iter().map(|m| m.eth_fee).sum();
                prop_assert!(policy.max_fee_per_committee.is_none_or(|cap| fee <= cap));
                prop_assert_eq!(selection.score.total_eth_fee, fee);
                // The same committee as the exhaustive search, so the same objective value.
                let reused = matches!(selection.source, CommitteeSource::Existing { .. });
                let Expected::Committee(ids, want_reused) = &expected else {
                    return Err(TestCaseError::fail(format!(
                        "got {:?}, reference says {expected:?}", selection.committee
                    )));
                };
                prop_assert_eq!(reused, *want_reused);
                if !reused {
                    let want: Vec<&Candidate> = ids
                        .iter()
                        .map(|id| input.candidates.iter().find(|c| c.id == *id).unwrap())
                        .collect();
                    let (want_fee, want_perf, _) = objective(&want);
                    let (got_fee, got_perf, _) = objective(&members);
                    prop_assert_eq!((got_fee, got_perf), (want_fee, want_perf));
                }
                prop_assert_eq!(&selection.committee, ids);
            }
            Err(SelectionError::NoFeasibleCommittee { binding, .. }) => match binding {
                BindingConstraint::CommitteeFeeCap { cheapest, .. } => {
                    prop_assert_eq!(expected, Expected::OverCommitteeCap(cheapest));
                }
                other => {
                    prop_assert_eq!(&expected, &Expected::Infeasible, "binding {:?}", other);
                }
            },
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}
