//! Properties of `select`, checked against a brute-force search on small markets.

use alloy_primitives::Address;
use operator_selection::{
    BindingConstraint, Candidate, Dimension, DiversityCaps, OperatorStatus, Policy, SelectionError,
    SelectionInput, Verdict, check_candidate, select,
};
use proptest::prelude::*;

const OWNER: Address = Address::repeat_byte(0x0e);
const LIMIT: u32 = 100;

fn candidate() -> impl Strategy<Value = Candidate> {
    (
        (0u8..10, 0u8..5, 0u8..5, 0u8..4, 0u8..4),
        (
            0u8..12,
            0u8..8,
            0u32..=100,
            prop::sample::select(vec![1u128, 2, 3, 5, 8]),
        ),
        (
            prop::option::weighted(0.97, 77.0f64..=100.0),
            prop::option::weighted(0.97, 89.0f64..=100.0),
        ),
        any::<bool>(),
    )
        .prop_map(
            |(
                (owner, provider, location, el, cl),
                (state, privacy, count, fee),
                (p24, p30),
                verified,
            )| {
                Candidate {
                    owner_address: Address::with_last_byte(owner),
                    setup_provider: (provider > 0).then(|| format!("provider-{provider}")),
                    location: Some(format!("loc-{location}")),
                    el_client: Some(format!("el-{el}")),
                    cl_client: Some(format!("cl-{cl}")),
                    status: match state {
                        0 => OperatorStatus::Removed,
                        1 => OperatorStatus::Inactive,
                        2 => OperatorStatus::NoValidators,
                        _ => OperatorStatus::Active,
                    },
                    is_active: state != 3,
                    removed: state == 4,
                    is_private: privacy < 2,
                    whitelist: if privacy == 0 { vec![OWNER] } else { vec![] },
                    validator_count: count,
                    performance_24h: p24,
                    performance_30d: p30,
                    verified,
                    ..Candidate::new(0, "key", fee)
                }
            },
        )
}

fn market(max: usize) -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(candidate(), 0..max).prop_map(|mut cs| {
        for (i, c) in cs.iter_mut().enumerate() {
            c.id = i as u64 + 1;
        }
        cs
    })
}

fn cap() -> impl Strategy<Value = Option<usize>> {
    prop::option::weighted(0.6, 1usize..=3)
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        (cap(), cap(), cap(), cap(), cap()),
        prop::option::weighted(0.3, 2u128..=8),
        prop::option::weighted(0.3, 8u128..=24),
        prop::bool::weighted(0.2),
        0u32..10,
        prop::option::weighted(0.1, 1u64..6),
        prop::sample::select(vec![4usize, 4, 4, 7]),
    )
        .prop_map(
            |((o, s, l, e, c), fee, committee_fee, verified, headroom, pinned, size)| Policy {
                committee_size: size,
                diversity: DiversityCaps {
                    per_owner: o,
                    per_setup_provider: s,
                    per_location: l,
                    per_el_client: e,
                    per_cl_client: c,
                },
                max_fee_per_operator: fee,
                max_fee_per_committee: committee_fee,
                verified_only: verified,
                capacity_headroom: headroom,
                pinned: pinned.into_iter().collect(),
                ..Policy::default()
            },
        )
}

fn input(candidates: Vec<Candidate>) -> SelectionInput {
    SelectionInput {
        validators_per_operator_limit: LIMIT,
        ..SelectionInput::new(candidates, OWNER)
    }
}

fn eligible(input: &SelectionInput, policy: &Policy) -> Vec<usize> {
    (0..input.candidates.len())
        .filter(|&i| check_candidate(&input.candidates[i], OWNER, LIMIT, policy).is_ok())
        .collect()
}

/// 30d performance in milli-percent, as the selection ranks it.
#[allow(clippy::cast_possible_truncation, reason = "0..=100_000")]
fn perf_milli(c: &Candidate) -> i64 {
    (c.performance_30d.unwrap_or(0.0) * 1000.0).round() as i64
}

fn within_caps(members: &[&Candidate], caps: &DiversityCaps) -> bool {
    Dimension::ALL.iter().all(|&d| {
        let Some(cap) = caps.cap(d) else { return true };
        members.iter().all(|m| {
            members
                .iter()
                .filter(|o| d.value_of(o) == d.value_of(m))
                .count()
                <= cap
        })
    })
}

/// (total fee, −Σ perf30 in milli-percent) of the best committee, by trying every subset.
fn brute(
    input: &SelectionInput,
    policy: &Policy,
    ignore_committee_cap: bool,
) -> Option<(u128, i64)> {
    struct Walk<'a> {
        pool: Vec<(&'a Candidate, [String; 5])>,
        policy: &'a Policy,
        ignore_committee_cap: bool,
        chosen: Vec<usize>,
        best: Option<(u128, i64)>,
    }
    impl Walk<'_> {
        fn last_fits(&self) -> bool {
            let last = &self.pool[*self.chosen.last().unwrap()].1;
            Dimension::ALL.iter().enumerate().all(|(d, dim)| {
                self.policy.diversity.cap(*dim).is_none_or(|cap| {
                    self.chosen
                        .iter()
                        .filter(|&&j| self.pool[j].1[d] == last[d])
                        .count()
                        <= cap
                })
            })
        }
        fn run(&mut self, start: usize) {
            if self.chosen.len() == self.policy.committee_size {
                let members: Vec<&Candidate> =
                    self.chosen.iter().map(|&i| self.pool[i].0).collect();
                if !self
                    .policy
                    .pinned
                    .iter()
                    .all(|id| members.iter().any(|m| m.id == *id))
                {
                    return;
                }
                let fee: u128 = members.iter().map(|m| m.eth_fee).sum();
                if !self.ignore_committee_cap
                    && self
                        .policy
                        .max_fee_per_committee
                        .is_some_and(|cap| fee > cap)
                {
                    return;
                }
                let perf: i64 = members.iter().map(|m| -perf_milli(m)).sum();
                if self.best.is_none_or(|b| (fee, perf) < b) {
                    self.best = Some((fee, perf));
                }
                return;
            }
            for i in start..self.pool.len() {
                self.chosen.push(i);
                if self.last_fits() {
                    self.run(i + 1);
                }
                self.chosen.pop();
            }
        }
    }
    let pool = eligible(input, policy)
        .into_iter()
        .map(|i| {
            let c = &input.candidates[i];
            (c, Dimension::ALL.map(|d| d.value_of(c)))
        })
        .collect();
    let mut walk = Walk {
        pool,
        policy,
        ignore_committee_cap,
        chosen: Vec::new(),
        best: None,
    };
    walk.run(0);
    walk.best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn never_picks_a_bad_operator_and_finds_the_best(candidates in market(26), policy in policy()) {
        let input = input(candidates);
        let result = select(&input, &policy);
        let best = brute(&input, &policy, false);
        match &result {
            Ok(selection) => {
                let members: Vec<&Candidate> = selection
                    .committee
                    .iter()
                    .map(|id| input.candidates.iter().find(|c| c.id == *id).unwrap())
                    .collect();
                prop_assert_eq!(members.len(), policy.committee_size);
                prop_assert!(selection.committee.windows(2).all(|w| w[0] < w[1]));
                for m in &members {
                    prop_assert!(!m.is_removed());
                    prop_assert!(m.is_running());
                    prop_assert!(m.accepts_owner(OWNER));
                    prop_assert!(m.validator_count + policy.capacity_headroom <= LIMIT);
                    prop_assert!(policy.max_fee_per_operator.is_none_or(|cap| m.eth_fee <= cap));
                    prop_assert_eq!(selection.verdict(m.id), Some(&Verdict::Chosen));
                }
                prop_assert!(within_caps(&members, &policy.diversity));
                prop_assert!(policy.pinned.iter().all(|id| selection.committee.contains(id)));
                let fee: u128 = members.iter().map(|m| m.eth_fee).sum();
                let perf: i64 = members
                    .iter()
                    .map(|m| -perf_milli(m))
                    .sum();
                prop_assert_eq!(Some((fee, perf)), best);
                prop_assert_eq!(selection.reasons.len(), input.candidates.len());
            }
            Err(SelectionError::NoFeasibleCommittee { binding, .. }) => {
                prop_assert_eq!(best, None);
                check_binding(&input, &policy, binding)?;
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn identical_input_gives_identical_output(candidates in market(40), policy in policy()) {
        let input = input(candidates);
        let first = select(&input, &policy);
        let second = select(&input, &policy);
        prop_assert_eq!(format!("{first:?}"), format!("{second:?}"));
        // Candidate order does not matter either.
        let mut reversed = input.clone();
        reversed.candidates.reverse();
        let third = select(&reversed, &policy);
        prop_assert_eq!(format!("{first:?}"), format!("{third:?}"));
    }
}

/// The named constraint really binds.
fn check_binding(
    input: &SelectionInput,
    policy: &Policy,
    binding: &BindingConstraint,
) -> Result<(), TestCaseError> {
    match binding {
        BindingConstraint::TooFewEligible {
            eligible: n,
            needed,
            ..
        } => {
            prop_assert_eq!(*n, eligible(input, policy).len());
            prop_assert!(n < needed);
        }
        BindingConstraint::PinnedMissing { id } => {
            prop_assert!(input.candidates.iter().all(|c| c.id != *id));
        }
        BindingConstraint::PinnedRejected { id, rejection } => {
            let c = input.candidates.iter().find(|c| c.id == *id).unwrap();
            prop_assert_eq!(
                check_candidate(c, OWNER, LIMIT, policy),
                Err(rejection.clone())
            );
        }
        BindingConstraint::DiversityCap {
            dimension,
            cap,
            reachable,
        } => {
            prop_assert_eq!(policy.diversity.cap(*dimension), Some(*cap));
            prop_assert!(*reachable < policy.committee_size);
            let mut relaxed = policy.clone();
            relaxed.diversity.set_cap(*dimension, None);
            // Dropping that cap removes the obstacle it names: the pool alone is big enough.
            prop_assert!(eligible(input, &relaxed).len() >= policy.committee_size);
        }
        BindingConstraint::DiversityCaps { dimensions } => {
            for d in dimensions {
                let mut relaxed = policy.clone();
                relaxed.diversity.set_cap(*d, None);
                relaxed.max_fee_per_committee = None;
                prop_assert!(
                    brute(input, &relaxed, true).is_some(),
                    "relaxing {d} should help"
                );
            }
        }
        BindingConstraint::CommitteeFeeCap { cap, cheapest } => {
            prop_assert_eq!(Some(*cap), policy.max_fee_per_committee);
            prop_assert!(cheapest > cap);
            prop_assert_eq!(brute(input, policy, true).map(|b| b.0), Some(*cheapest));
        }
        other => prop_assert!(false, "unexpected binding constraint {other:?}"),
    }
    Ok(())
}
