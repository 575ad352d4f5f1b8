//! The ledger, fed the synthetic stream (fee changes, top-ups, withdrawals, oracle updates),
//! agrees with the generator's own contract-exact model of every cluster; a rollback and
//! re-application of the tail restores the same ledger.

use cluster_accounting::{Applied, Ledger, eth};

#[path = "../benches/synthetic/mod.rs"]
mod synthetic;

use synthetic::Synthetic;

const LOGS: u64 = 30_000;

#[test]
fn ledger_matches_the_generator_model() {
    let mut logs = Synthetic::new(LOGS);
    let mut ledger = Ledger::default();
    for log in &mut logs {
        assert_eq!(ledger.apply(&log), Ok(Applied::New), "{:?}", log.position);
    }
    let head = logs.head_block();
    let expected = logs.expected();
    assert_eq!(ledger.cluster_count(), expected.len());
    assert_eq!(logs.cluster_keys().count(), expected.len());
    for (owner, ids, state, at) in &expected {
        let record = ledger.cluster(*owner, ids).expect("cluster replayed");
        assert_eq!(record.state.cluster, state.cluster);
        assert_eq!(record.state.vunits, state.vunits);
        assert_eq!(
            ledger.balance(*owner, ids, head),
            eth::balance(state, at),
            "{owner} {ids:?}"
        );
        assert_eq!(ledger.indices(record.state.version, ids, head), Ok(*at));
    }
    for owner in 0..synthetic::OWNERS {
        assert_eq!(
            ledger.registration_nonce(synthetic::owner(owner)),
            synthetic::CLUSTERS_PER_OWNER * u64::from(synthetic::VALIDATORS_PER_CLUSTER)
        );
    }
}

#[test]
fn rollback_and_reapply_restores_the_ledger() {
    let all: Vec<_> = Synthetic::new(LOGS).collect();
    let head = all.last().unwrap().position.block;
    let mut reference = Ledger::default();
    reference.apply_all(&all).unwrap();

    let mut ledger = reference.clone();
    let undone = ledger.rollback_to(head - 50).unwrap();
    assert_eq!(
        undone,
        all.iter().filter(|l| l.position.block > head - 50).count()
    );
    let mut duplicates = 0;
    for log in all.iter().filter(|l| l.position.block > head - 100) {
        if ledger.apply(log).unwrap() == Applied::Duplicate {
            duplicates += 1;
        }
    }
    assert_eq!(duplicates, 50 * synthetic::LOGS_PER_BLOCK);
    assert_eq!(ledger, reference);
}
