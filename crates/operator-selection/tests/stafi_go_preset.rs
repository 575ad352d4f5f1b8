//! The `stafi-go` preset against hand-worked cases of the Go client's rule
//! (`eth-ssv-client` `preSelectOperators`, `fetchNewClusterAndSave`, `selectClusterForRegister`).

use alloy_primitives::Address;
use operator_selection::{
    BindingConstraint, Candidate, CommitteeSource, ExistingCluster, NotChosen, OperatorStatus,
    Rejection, SelectionError, SelectionInput, Verdict, select_stafi_go,
};

/// Operators 1..=10 with fee `id × 10`, all eligible.
fn ten() -> Vec<Candidate> {
    (1..=10)
        .map(|id| Candidate::new(id, "key", u128::from(id) * 10))
        .collect()
}

fn cluster(ids: &[u64], validators: u32) -> ExistingCluster {
    ExistingCluster {
        operator_ids: ids.to_vec(),
        validator_count: validators,
        validators: Vec::new(),
        fee_token: operator_selection::FeeToken::Eth,
    }
}

fn input(candidates: Vec<Candidate>, clusters: Vec<ExistingCluster>) -> SelectionInput {
    SelectionInput {
        clusters,
        validators_per_operator_limit: 100,
        ..SelectionInput::new(candidates, Address::repeat_byte(1))
    }
}

#[test]
fn new_cluster_is_the_four_cheapest_preselected_operators() {
    let mut ops = ten();
    ops[0].is_active = false; // 1: inactive
    ops[1].validator_count = 96; // 2: 96 + 5 > 100
    ops[2].is_private = true; // 3: private
    ops[3].validator_count = 95; // 4: 95 + 5 = 100, still fine
    ops.push(Candidate {
        status: OperatorStatus::Removed,
        ..Candidate::new(11, "key", 1)
    });
    ops.push(Candidate::new(12, "key", 5)); // cheapest of all
    let selection = select_stafi_go(&input(ops, vec![]), 4).unwrap();
    // Survivors: 12(5) 4(40) 5 6 7 8 9 10 → 8 of them, upper median = sorted[4] = 70.
    assert_eq!(selection.committee, vec![4, 5, 6, 12]);
    assert_eq!(selection.source, CommitteeSource::New);
    assert!(matches!(
        selection.verdict(1),
        Some(Verdict::Rejected(Rejection::NotActive { .. }))
    ));
    assert!(matches!(
        selection.verdict(2),
        Some(Verdict::Rejected(Rejection::OverCapacity { .. }))
    ));
    assert_eq!(
        selection.verdict(3),
        Some(&Verdict::Rejected(Rejection::PrivateNotWhitelisted))
    );
    assert_eq!(
        selection.verdict(11),
        Some(&Verdict::Rejected(Rejection::Removed))
    );
    assert_eq!(
        selection.verdict(8),
        Some(&Verdict::Rejected(Rejection::FeeAboveMedian {
            fee: 80,
            median: 70
        }))
    );
    assert!(matches!(
        selection.verdict(7),
        Some(Verdict::NotChosen(NotChosen::BetterCommittee {
            fee: 70,
            ..
        }))
    ));
    assert_eq!(selection.score.total_eth_fee, 5 + 40 + 50 + 60);
}

#[test]
fn reuses_the_eligible_cluster_with_fewest_validators() {
    // Ten survivors, median = sorted[5] = 60.
    let clusters = vec![
        cluster(&[1, 2, 3, 4], 9),
        cluster(&[2, 3, 4, 5], 3),
        cluster(&[3, 4, 5, 7], 1), // 7 is above the median: not eligible
        cluster(&[1, 3, 5, 6], 3),
        cluster(&[1, 2, 5, 6], 0), // no validators: skipped in the first pass
    ];
    let selection = select_stafi_go(&input(ten(), clusters), 4).unwrap();
    // [2,3,4,5] and [1,3,5,6] tie on 3 validators; the lower ids win.
    assert_eq!(selection.committee, vec![1, 3, 5, 6]);
    assert_eq!(
        selection.source,
        CommitteeSource::Existing { validator_count: 3 }
    );
    assert_eq!(
        selection.verdict(2),
        Some(&Verdict::NotChosen(NotChosen::ExistingClusterReused))
    );
}

#[test]
fn existing_set_is_dropped_and_the_operator_looked_at_is_skipped() {
    // Ten survivors, median = sorted[5] = 60. The first pass finds no cluster with validators.
    // Walk: 1,2,3,4 collected; at 5 the set exists → dropped and 5 skipped; 6 collected; 7 is
    // above the median and ends the walk with one operator: no new cluster.
    let err = select_stafi_go(&input(ten(), vec![cluster(&[1, 2, 3, 4], 0)]), 4).unwrap_err();
    assert!(matches!(
        err,
        SelectionError::NoFeasibleCommittee {
            binding: BindingConstraint::NoNewCluster { collected: 1 },
            ..
        }
    ));

    // 16 operators; the cheapest are 5..=8, then 1..=4, then 9..=16. Median = sorted[8] = 90.
    // Walk: 5,6,7,8 exist → dropped, 1 skipped; 2,3,4,9 collected; 10 is above the median.
    let fee = |id: u64| match id {
        5..=8 => (id - 4) * 10,
        1..=4 => (id + 4) * 10,
        _ => id * 10,
    };
    let ops: Vec<Candidate> = (1..=16)
        .map(|id| Candidate::new(id, "key", u128::from(fee(id))))
        .collect();
    let selection =
        select_stafi_go(&input(ops.clone(), vec![cluster(&[5, 6, 7, 8], 0)]), 4).unwrap();
    // Second pass: both clusters are empty; the lower ids win.
    assert_eq!(selection.committee, vec![2, 3, 4, 9]);
    assert_eq!(selection.source, CommitteeSource::New);

    // With ids ordered like fees, the existing empty cluster wins the second pass instead.
    let plain: Vec<Candidate> = (1..=16)
        .map(|id| Candidate::new(id, "key", u128::from(id) * 10))
        .collect();
    let selection = select_stafi_go(&input(plain, vec![cluster(&[1, 2, 3, 4], 0)]), 4).unwrap();
    assert_eq!(selection.committee, vec![1, 2, 3, 4]);
    assert_eq!(
        selection.source,
        CommitteeSource::Existing { validator_count: 0 }
    );
}

#[test]
fn needs_twice_the_committee_size_after_preselection() {
    let mut ops = ten();
    ops[0].removed = true;
    ops[1].removed = true;
    ops[2].removed = true;
    let err = select_stafi_go(&input(ops, vec![]), 4).unwrap_err();
    assert!(matches!(
        err,
        SelectionError::NoFeasibleCommittee {
            binding: BindingConstraint::TooFewPreselected {
                survivors: 7,
                needed: 8
            },
            ..
        }
    ));
    assert!(err.to_string().contains("pre-selection"), "{err}");
}

#[test]
fn only_ssv_committee_sizes_are_selected() {
    let err = select_stafi_go(&input(ten(), vec![]), 5).unwrap_err();
    assert!(
        matches!(
            err,
            SelectionError::Committee(ssv_committee::CommitteeError::Size { size: 5 })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("committee size 5"), "{err}");
}
