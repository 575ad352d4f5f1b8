//! Replays 1,000,000 synthetic logs once and queries every cluster's balance; prints wall time,
//! CPU time (from `/proc/self/schedstat`, so a busy machine does not distort the rate) and the
//! rates. For peak memory run it under `/usr/bin/time -v`:
//! `cargo build --release -p cluster-accounting --example replay_synthetic` then
//! `/usr/bin/time -v target/release/examples/replay_synthetic`.

use std::time::{Duration, Instant};

use alloy_primitives::U256;
use cluster_accounting::Ledger;

#[path = "../benches/synthetic/mod.rs"]
mod synthetic;

use synthetic::Synthetic;

const EVENTS: u32 = 1_000_000;

/// CPU time of this process so far (Linux), if readable.
fn cpu_time() -> Option<Duration> {
    let schedstat = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let nanos = schedstat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Runs `f`, returning its result, wall time and CPU time.
fn measure<T>(f: impl FnOnce() -> T) -> (T, Duration, Option<Duration>) {
    let (cpu, wall) = (cpu_time(), Instant::now());
    let out = f();
    let cpu = cpu
        .zip(cpu_time())
        .map(|(before, after)| after.saturating_sub(before));
    (out, wall.elapsed(), cpu)
}

fn rate(d: Duration) -> f64 {
    f64::from(EVENTS) / d.as_secs_f64()
}

fn main() {
    let (generated, gen_wall, gen_cpu) = measure(|| Synthetic::new(u64::from(EVENTS)).count());
    let ((ledger, head, total), all_wall, all_cpu) = measure(|| {
        let mut ledger = Ledger::default();
        let mut logs = Synthetic::new(u64::from(EVENTS));
        for log in &mut logs {
            ledger.apply(&log).expect("synthetic log applies");
        }
        let head = logs.head_block();
        let total = logs
            .cluster_keys()
            .map(|(owner, ids)| ledger.balance(owner, ids, head).expect("balance"))
            .fold(U256::ZERO, |sum, b| sum + b);
        (ledger, head, total)
    });
    println!(
        "logs: {generated}, clusters: {}, nonce of the first owner: {}",
        ledger.cluster_count(),
        ledger.registration_nonce(synthetic::owner(0))
    );
    println!("sum of balances at block {head}: {total} wei");
    println!("generate only: wall {gen_wall:?}, cpu {gen_cpu:?}");
    println!(
        "generate + replay + query: wall {all_wall:?} ({:.0} logs/s), cpu {all_cpu:?}",
        rate(all_wall)
    );
    if let (Some(all), Some(generate)) = (all_cpu, gen_cpu) {
        let cpu = all.saturating_sub(generate);
        println!(
            "replay + query alone: cpu {cpu:?} ({:.0} logs/s per core)",
            rate(cpu)
        );
    }
}
