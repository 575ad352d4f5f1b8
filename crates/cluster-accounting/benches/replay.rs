//! Replay of 1,000,000 synthetic logs (10,000 validators in 2,500 clusters, fee changes,
//! top-ups, withdrawals, oracle updates) followed by a balance query for every cluster.
//!
//! `replay_and_query` times only the ledger: the logs are generated untimed in chunks of
//! 50,000 (so they never all sit in memory), then each chunk is applied under the clock.
//! `generate_only` times the generator for reference.
//! Run: `cargo bench -p cluster-accounting --bench replay -- --sample-size 10 --measurement-time 5`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use alloy_primitives::U256;
use cluster_accounting::Ledger;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "synthetic/mod.rs"]
mod synthetic;

use synthetic::Synthetic;

const EVENTS: u64 = 1_000_000;
const CHUNK: usize = 50_000;

/// Replays the whole stream and queries every cluster; returns the time spent in the ledger.
fn replay_and_query() -> Duration {
    let mut ledger = Ledger::default();
    let mut logs = Synthetic::new(EVENTS);
    let mut timed = Duration::ZERO;
    loop {
        let chunk: Vec<_> = logs.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let started = Instant::now();
        for log in &chunk {
            ledger.apply(log).expect("synthetic log applies");
        }
        timed += started.elapsed();
    }
    let head = logs.head_block();
    let started = Instant::now();
    let total = logs
        .cluster_keys()
        .map(|(owner, ids)| ledger.balance(owner, ids, head).expect("balance"))
        .fold(U256::ZERO, |sum, b| sum + b);
    black_box(total);
    timed + started.elapsed()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("replay_1m");
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("replay_and_query", |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| replay_and_query()).sum());
    });
    group.bench_function("generate_only", |b| {
        b.iter(|| black_box(Synthetic::new(EVENTS).count()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
