//! Replay of 1,000,000 synthetic logs (10,000 validators in 2,500 clusters, fee changes,
//! top-ups) followed by a balance query for every cluster.
//!
//! `generate_only` measures the log generator alone, so the ledger's share is the difference.
//! Run: `cargo bench -p cluster-accounting --bench replay -- --sample-size 10 --measurement-time 5`.

use std::hint::black_box;

use alloy_primitives::U256;
use cluster_accounting::Ledger;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "synthetic/mod.rs"]
mod synthetic;

use synthetic::Synthetic;

const EVENTS: u64 = 1_000_000;

fn replay_and_query() -> U256 {
    let mut ledger = Ledger::default();
    let mut logs = Synthetic::new(EVENTS);
    for log in &mut logs {
        ledger.apply(&log).expect("synthetic log applies");
    }
    let head = logs.head_block();
    logs.cluster_keys()
        .map(|(owner, ids)| ledger.balance(owner, ids, head).expect("balance"))
        .fold(U256::ZERO, |sum, b| sum + b)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("replay_1m");
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("generate_only", |b| {
        b.iter(|| black_box(Synthetic::new(EVENTS).count()));
    });
    group.bench_function("generate_replay_query", |b| {
        b.iter(|| black_box(replay_and_query()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
