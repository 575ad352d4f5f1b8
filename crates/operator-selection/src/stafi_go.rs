//! The `stafi-go` preset: the rule of StaFi's Go client (`eth-ssv-client`), for comparison.
//!
//! 1. Pre-select operators that are public, have a key, are active (not removed) and have
//!    `validator_count + 5 <= limit`; at least `2 × size` must pass.
//! 2. Sort them by fee, then id; the upper median fee is `sorted[len / 2]`.
//! 3. A new cluster takes operators in that order while the fee is at most the median; when a
//!    full set is already an existing cluster it is dropped, the operator being looked at is
//!    skipped, and collecting starts again.
//! 4. Among clusters with validators whose operators are all pre-selected and at most the median,
//!    take the one with the fewest validators; when there is none, add the new cluster and take
//!    the one with the fewest validators among all such clusters (ties to the lowest ids, where Go
//!    used map order).
//!
//! Fees are the ETH fees (`eth_fee`); the Go client compared SSV fees because it predates ETH
//! clusters. Performance, verification and diversity are ignored, as in the Go client.

use std::collections::{BTreeSet, HashMap};

use crate::{
    BindingConstraint, Candidate, CandidateReport, CommitteeScore, CommitteeSource, NotChosen,
    Rejection, Selection, SelectionError, SelectionInput, Verdict, eligibility::check_capacity,
};

/// The headroom the Go client keeps below the per-operator limit.
pub const GO_HEADROOM: u32 = 5;

/// Select a committee of `size` with the Go client's rule.
pub fn select_stafi_go(input: &SelectionInput, size: usize) -> Result<Selection, SelectionError> {
    ssv_committee::CommitteeSize::try_from(size)?;
    let candidates = &input.candidates;
    let mut seen = BTreeSet::new();
    if let Some(c) = candidates.iter().find(|c| !seen.insert(c.id)) {
        return Err(SelectionError::DuplicateCandidate(c.id));
    }
    let mut checks: Vec<Result<(), Rejection>> = candidates
        .iter()
        .map(|c| preselect(c, input.validators_per_operator_limit))
        .collect();
    let mut sorted: Vec<usize> = (0..candidates.len())
        .filter(|&i| checks[i].is_ok())
        .collect();
    if sorted.len() < 2 * size {
        return Err(SelectionError::NoFeasibleCommittee {
            size,
            binding: BindingConstraint::TooFewPreselected {
                survivors: sorted.len(),
                needed: 2 * size,
            },
        });
    }
    sorted.sort_by_key(|&i| (candidates[i].eth_fee, candidates[i].id));
    let median = candidates[sorted[sorted.len() / 2]].eth_fee;
    for (i, c) in candidates.iter().enumerate() {
        if checks[i].is_ok() && c.eth_fee > median {
            checks[i] = Err(Rejection::FeeAboveMedian {
                fee: c.eth_fee,
                median,
            });
        }
    }
    let by_id: HashMap<u64, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let eligible = |id: &u64| by_id.get(id).is_some_and(|&i| checks[i].is_ok());
    let existing: Vec<(Vec<u64>, u32)> = input
        .clusters
        .iter()
        .map(|c| (c.sorted_ids(), c.validator_count))
        .collect();
    let fits = |ids: &Vec<u64>| ids.len() == size && ids.iter().all(eligible);

    let pick = |pool: &[(Vec<u64>, u32)], with_validators: bool| {
        pool.iter()
            .filter(|(ids, count)| fits(ids) && (!with_validators || *count > 0))
            .min_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)))
            .cloned()
    };
    let (committee, source) = if let Some((ids, count)) = pick(&existing, true) {
        (
            ids,
            CommitteeSource::Existing {
                validator_count: count,
            },
        )
    } else {
        let new = new_cluster(candidates, &sorted, median, &existing, size)?;
        let mut pool = existing.clone();
        pool.push((new, 0));
        let (ids, count) = pick(&pool, false).expect("the new cluster qualifies");
        let source = if existing.iter().any(|(e, _)| *e == ids) {
            CommitteeSource::Existing {
                validator_count: count,
            }
        } else {
            CommitteeSource::New
        };
        (ids, source)
    };

    let members: Vec<&Candidate> = committee.iter().map(|id| &candidates[by_id[id]]).collect();
    let highest_member_fee = members.iter().map(|c| c.eth_fee).max().unwrap_or(0);
    let reused = matches!(source, CommitteeSource::Existing { .. });
    let mut reasons: Vec<CandidateReport> = candidates
        .iter()
        .zip(&checks)
        .map(|(c, check)| CandidateReport {
            id: c.id,
            verdict: match check {
                _ if committee.contains(&c.id) => Verdict::Chosen,
                Err(r) => Verdict::Rejected(r.clone()),
                Ok(()) if reused => Verdict::NotChosen(NotChosen::ExistingClusterReused),
                Ok(()) => Verdict::NotChosen(NotChosen::BetterCommittee {
                    fee: c.eth_fee,
                    highest_member_fee,
                }),
            },
        })
        .collect();
    reasons.sort_by_key(|r| r.id);
    Ok(Selection {
        score: CommitteeScore::of(&members),
        committee,
        source,
        optimal: true,
        reasons,
    })
}

fn preselect(c: &Candidate, limit: u32) -> Result<(), Rejection> {
    if c.is_removed() {
        return Err(Rejection::Removed);
    }
    if !c.is_active {
        return Err(Rejection::NotActive { status: c.status });
    }
    if c.is_private {
        return Err(Rejection::PrivateNotWhitelisted);
    }
    if c.public_key.trim().is_empty() {
        return Err(Rejection::NoPublicKey);
    }
    check_capacity(c, limit, GO_HEADROOM)
}

/// Step 3: the cheapest operators at or below the median that are not already a cluster.
fn new_cluster(
    candidates: &[Candidate],
    sorted: &[usize],
    median: u128,
    existing: &[(Vec<u64>, u32)],
    size: usize,
) -> Result<Vec<u64>, SelectionError> {
    let exists = |ids: &[u64]| {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        existing.iter().any(|(e, _)| *e == ids)
    };
    let mut ids: Vec<u64> = Vec::with_capacity(size);
    for &i in sorted {
        let op = &candidates[i];
        if op.eth_fee > median {
            break;
        }
        if ids.len() == size {
            if exists(&ids) {
                ids.clear();
                continue;
            }
            break;
        }
        ids.push(op.id);
    }
    if ids.len() == size && exists(&ids) {
        ids.clear();
    }
    if ids.len() != size {
        return Err(SelectionError::NoFeasibleCommittee {
            size,
            binding: BindingConstraint::NoNewCluster {
                collected: ids.len(),
            },
        });
    }
    ids.sort_unstable();
    Ok(ids)
}
