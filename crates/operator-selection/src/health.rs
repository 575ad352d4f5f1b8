use std::{
    collections::{BTreeMap, HashMap},
    fmt,
};

use serde::{Deserialize, Serialize};

use crate::{
    Candidate, ExistingCluster, FeeToken, OperatorStatus, Policy, Rejection,
    eligibility::check_performance,
};

/// Remembers since when each operator of our clusters has been failing, so that a short dip does
/// not move validators (hysteresis). Plain data: the caller stores it between passes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthTracker {
    /// Operator id → unix seconds of the first failing observation in the current streak.
    pub failing_since: BTreeMap<u64, u64>,
}

impl HealthTracker {
    /// Record one observation at `now` (unix seconds) of every operator in `clusters`. An operator
    /// that passes clears its streak; operators no longer in any cluster are forgotten.
    pub fn observe(
        &mut self,
        clusters: &[ExistingCluster],
        candidates: &[Candidate],
        policy: &Policy,
        now: u64,
    ) {
        let by_id: HashMap<u64, &Candidate> = candidates.iter().map(|c| (c.id, c)).collect();
        let watched: Vec<u64> = clusters
            .iter()
            .flat_map(|c| c.operator_ids.iter().copied())
            .collect();
        self.failing_since.retain(|id, _| watched.contains(id));
        for id in watched {
            let failing = soft_problems(by_id.get(&id).copied(), policy)
                .next()
                .is_some();
            if failing {
                self.failing_since.entry(id).or_insert(now);
            } else {
                self.failing_since.remove(&id);
            }
        }
    }

    /// Seconds operator `id` has been failing at `now`, if it is failing.
    pub fn failing_for(&self, id: u64, now: u64) -> Option<u64> {
        self.failing_since
            .get(&id)
            .map(|since| now.saturating_sub(*since))
    }
}

/// Something wrong with an operator of an existing cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HealthProblem {
    /// Removed from SSV (counts at once).
    Removed,
    /// Fee above the policy's cap for the cluster's token (counts at once).
    FeeAboveCap {
        /// The token the cluster pays in.
        token: FeeToken,
        /// The operator's fee, wei per block.
        fee: u128,
        /// The cap, wei per block.
        cap: u128,
    },
    /// Not in the API's operator list (counts after the grace period).
    NotListed,
    /// Not active (counts after the grace period).
    NotActive {
        /// The API's status.
        status: OperatorStatus,
    },
    /// Below a performance floor or without data (counts after the grace period).
    Performance(Rejection),
}

impl HealthProblem {
    /// Removal and fees count at once; the rest only after the grace period.
    pub const fn is_immediate(&self) -> bool {
        matches!(self, Self::Removed | Self::FeeAboveCap { .. })
    }
}

impl fmt::Display for HealthProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Removed => f.write_str("removed"),
            Self::FeeAboveCap { token, fee, cap } => {
                write!(f, "{token:?} fee {fee} wei/block above cap {cap}")
            }
            Self::NotListed => f.write_str("not listed by the API"),
            Self::NotActive { status } => write!(f, "not active (status {status:?})"),
            Self::Performance(r) => write!(f, "{r}"),
        }
    }
}

/// One operator of a cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatorHealth {
    /// Operator id.
    pub id: u64,
    /// Everything wrong with it now.
    pub problems: Vec<HealthProblem>,
    /// Seconds it has been failing (soft problems), per the tracker.
    pub failing_for_secs: Option<u64>,
    /// Whether its problems count: an immediate one, or soft ones past the grace period.
    pub unhealthy: bool,
}

/// One existing cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterHealth {
    /// Operator ids, sorted.
    pub operator_ids: Vec<u64>,
    /// Validators in it.
    pub validator_count: u32,
    /// Per operator.
    pub operators: Vec<OperatorHealth>,
    /// Whether its validators should move to another cluster.
    pub should_move: bool,
}

/// A validator to move this pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    /// The validator's public key.
    pub validator: String,
    /// Its cluster's operator ids, sorted.
    pub from: Vec<u64>,
    /// The unhealthy operators.
    pub unhealthy_operators: Vec<u64>,
}

/// What to do about existing clusters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    /// Every cluster with validators, sorted by operator ids.
    pub clusters: Vec<ClusterHealth>,
    /// Validators to move this pass, at most `max_moves_per_pass`.
    pub moves: Vec<Move>,
    /// Validators that should move but wait for a later pass.
    pub deferred: usize,
}

fn soft_problems<'a>(
    candidate: Option<&'a Candidate>,
    policy: &'a Policy,
) -> impl Iterator<Item = HealthProblem> + 'a {
    let problem = match candidate {
        None => Some(HealthProblem::NotListed),
        Some(c) if c.is_removed() => None,
        Some(c) if !c.is_running() => Some(HealthProblem::NotActive { status: c.status }),
        Some(c) => check_performance(c, policy)
            .err()
            .map(HealthProblem::Performance),
    };
    problem.into_iter()
}

/// Judge every cluster with validators and pick the validators to move this pass.
///
/// An operator is unhealthy when it is removed or charges more than the cap for its cluster's
/// token, or when it has been inactive, unlisted or below the performance floors for at least
/// `grace_period_secs` per `tracker`. A cluster moves when at least `unhealthy_operators_to_move`
/// of its operators are unhealthy. Clusters with more unhealthy operators go first.
pub fn assess_clusters(
    clusters: &[ExistingCluster],
    candidates: &[Candidate],
    tracker: &HealthTracker,
    policy: &Policy,
    now: u64,
) -> HealthReport {
    let by_id: HashMap<u64, &Candidate> = candidates.iter().map(|c| (c.id, c)).collect();
    let mut judged: Vec<(ClusterHealth, &ExistingCluster)> = clusters
        .iter()
        .filter(|c| c.validator_count > 0 || !c.validators.is_empty())
        .map(|cluster| {
            let operator_ids = cluster.sorted_ids();
            let operators: Vec<OperatorHealth> = operator_ids
                .iter()
                .map(|&id| judge(id, by_id.get(&id).copied(), cluster, tracker, policy, now))
                .collect();
            let unhealthy = operators.iter().filter(|o| o.unhealthy).count();
            (
                ClusterHealth {
                    operator_ids,
                    validator_count: cluster.validator_count,
                    operators,
                    should_move: unhealthy >= policy.unhealthy_operators_to_move,
                },
                cluster,
            )
        })
        .collect();
    judged.sort_by(|a, b| a.0.operator_ids.cmp(&b.0.operator_ids));

    let mut urgent: Vec<&(ClusterHealth, &ExistingCluster)> =
        judged.iter().filter(|(h, _)| h.should_move).collect();
    urgent.sort_by_key(|(h, _)| {
        std::cmp::Reverse(h.operators.iter().filter(|o| o.unhealthy).count())
    });
    let mut moves = Vec::new();
    let mut deferred = 0usize;
    for (health, cluster) in urgent {
        let unhealthy_operators: Vec<u64> = health
            .operators
            .iter()
            .filter(|o| o.unhealthy)
            .map(|o| o.id)
            .collect();
        let mut pubkeys = cluster.validators.clone();
        pubkeys.sort();
        let unnamed = (cluster.validator_count as usize).saturating_sub(pubkeys.len());
        deferred += unnamed;
        for validator in pubkeys {
            if moves.len() < policy.max_moves_per_pass {
                moves.push(Move {
                    validator,
                    from: health.operator_ids.clone(),
                    unhealthy_operators: unhealthy_operators.clone(),
                });
            } else {
                deferred += 1;
            }
        }
    }
    HealthReport {
        clusters: judged.into_iter().map(|(h, _)| h).collect(),
        moves,
        deferred,
    }
}

fn judge(
    id: u64,
    candidate: Option<&Candidate>,
    cluster: &ExistingCluster,
    tracker: &HealthTracker,
    policy: &Policy,
    now: u64,
) -> OperatorHealth {
    let mut problems = Vec::new();
    if candidate.is_some_and(Candidate::is_removed) {
        problems.push(HealthProblem::Removed);
    }
    if let Some(c) = candidate {
        let (fee, cap) = match cluster.fee_token {
            FeeToken::Eth => (Some(c.eth_fee), policy.max_fee_per_operator),
            FeeToken::LegacySsv => (c.ssv_fee, policy.max_ssv_fee_per_operator),
        };
        if let (Some(fee), Some(cap)) = (fee, cap)
            && fee > cap
        {
            problems.push(HealthProblem::FeeAboveCap {
                token: cluster.fee_token,
                fee,
                cap,
            });
        }
    }
    problems.extend(soft_problems(candidate, policy));
    let failing_for_secs = tracker.failing_for(id, now);
    let past_grace = failing_for_secs.is_some_and(|secs| secs >= policy.grace_period_secs);
    let unhealthy = problems.iter().any(|p| p.is_immediate() || past_grace);
    OperatorHealth {
        id,
        problems,
        failing_for_secs,
        unhealthy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(ids: [u64; 4], validators: &[&str], token: FeeToken) -> ExistingCluster {
        ExistingCluster {
            operator_ids: ids.to_vec(),
            validator_count: u32::try_from(validators.len()).unwrap(),
            validators: validators.iter().map(|v| (*v).to_owned()).collect(),
            fee_token: token,
        }
    }

    fn ops() -> Vec<Candidate> {
        (1..=8).map(|id| Candidate::new(id, "key", 10)).collect()
    }

    #[test]
    fn low_performance_counts_only_after_the_grace_period() {
        let policy = Policy::default();
        let clusters = vec![cluster([1, 2, 3, 4], &["0xaa", "0xbb"], FeeToken::Eth)];
        let mut candidates = ops();
        candidates[1].performance_24h = Some(50.0);
        let mut tracker = HealthTracker::default();
        tracker.observe(&clusters, &candidates, &policy, 1_000);
        let early = assess_clusters(&clusters, &candidates, &tracker, &policy, 1_000 + 3_599);
        assert!(early.moves.is_empty());
        assert!(!early.clusters[0].should_move);
        assert_eq!(early.clusters[0].operators[1].failing_for_secs, Some(3_599));

        tracker.observe(&clusters, &candidates, &policy, 4_600);
        let late = assess_clusters(&clusters, &candidates, &tracker, &policy, 4_600);
        assert!(late.clusters[0].should_move);
        assert_eq!(late.moves.len(), 1, "one move per pass by default");
        assert_eq!(late.moves[0].validator, "0xaa");
        assert_eq!(late.moves[0].unhealthy_operators, vec![2]);
        assert_eq!(late.deferred, 1);

        // Recovery clears the streak.
        candidates[1].performance_24h = Some(99.0);
        tracker.observe(&clusters, &candidates, &policy, 5_000);
        assert!(tracker.failing_since.is_empty());
    }

    #[test]
    fn removal_and_fee_cap_count_at_once_per_token() {
        let policy = Policy {
            max_fee_per_operator: Some(20),
            max_ssv_fee_per_operator: Some(1_000),
            max_moves_per_pass: 10,
            ..Policy::default()
        };
        let mut candidates = ops();
        candidates[0].status = OperatorStatus::Removed;
        candidates[5].eth_fee = 21;
        candidates[6].ssv_fee = Some(1_001);
        let clusters = vec![
            cluster([1, 2, 3, 4], &["0x01"], FeeToken::Eth),
            cluster([5, 6, 7, 8], &["0x02"], FeeToken::Eth),
            cluster([5, 6, 7, 8], &["0x03"], FeeToken::LegacySsv),
            cluster([2, 3, 4, 5], &[], FeeToken::Eth),
        ];
        let tracker = HealthTracker::default();
        let report = assess_clusters(&clusters, &candidates, &tracker, &policy, 0);
        let moved: Vec<(&str, Vec<u64>)> = report
            .moves
            .iter()
            .map(|m| (m.validator.as_str(), m.unhealthy_operators.clone()))
            .collect();
        assert_eq!(
            moved,
            vec![("0x01", vec![1]), ("0x02", vec![6]), ("0x03", vec![7])]
        );
        // The cluster without validators is not judged.
        assert_eq!(report.clusters.len(), 3);
    }

    #[test]
    fn unlisted_operator_is_soft_and_a_threshold_applies() {
        let policy = Policy {
            unhealthy_operators_to_move: 2,
            grace_period_secs: 0,
            ..Policy::default()
        };
        let candidates: Vec<Candidate> = ops().into_iter().filter(|c| c.id != 3).collect();
        let clusters = vec![cluster([1, 2, 3, 4], &["0x01"], FeeToken::Eth)];
        let mut tracker = HealthTracker::default();
        tracker.observe(&clusters, &candidates, &policy, 10);
        let report = assess_clusters(&clusters, &candidates, &tracker, &policy, 10);
        assert_eq!(
            report.clusters[0].operators[2].problems,
            vec![HealthProblem::NotListed]
        );
        assert!(report.clusters[0].operators[2].unhealthy);
        assert!(!report.clusters[0].should_move, "1 of 2 needed");
    }
}
