//! Cold sync of a synthetic SSVNetwork history (500 operators, 10,000 validators of one owner in
//! 2,500 ETH clusters, fee changes and deposits: about 12,000 logs over 1,000,000 blocks) from an
//! in-memory node, starting from an empty [`Index`].
//!
//! Four cases: a node without limits (the syncer's default 10,000-block windows); a node
//! refusing `eth_getLogs` ranges over 2,000 blocks as Alchemy does, with the default windows
//! (which halve to 1,250 and keep probing 2,500) and with windows configured to 2,000 (the
//! router's `execution.log_window`); and the default windows against the 2,000-block node
//! sending every answer through JSON as an HTTP transport would (`serde_json`, no network).
//! Before measuring, one sync per case prints its RPC calls by method, its windows and their
//! sizes.
//!
//! Run: `cargo bench -p ssv-sync --bench cold_sync`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use ssv_sync::{Index, IndexConfig, SyncConfig, SyncReport, Syncer, WindowConfig};

#[path = "synthetic/mod.rs"]
mod synthetic;

use synthetic::{DEPLOYMENT_BLOCK, History, MemoryChain, network, owner, runtime};

/// One sync from an empty index to the head.
fn cold_sync(
    rt: &tokio::runtime::Runtime,
    chain: &MemoryChain,
    config: &SyncConfig,
) -> (SyncReport, Index) {
    let mut index = Index::new(IndexConfig::new(owner())).expect("empty index");
    let mut syncer = Syncer::new(config.clone());
    let report = rt
        .block_on(syncer.sync(chain, &mut index, |_| {}))
        .expect("cold sync");
    (report, index)
}

/// Prints what one sync did and checks it indexed the whole history.
fn describe(
    rt: &tokio::runtime::Runtime,
    name: &str,
    history: &History,
    chain: &MemoryChain,
    config: &SyncConfig,
) {
    chain.reset_counts();
    let started = Instant::now();
    let (report, index) = cold_sync(rt, chain, config);
    let elapsed = started.elapsed();
    assert_eq!(report.new_logs, history.logs, "every synthetic log applied");
    let synced = report.synced_to.expect("synced");
    for ids in &history.clusters {
        index
            .ledger()
            .balance(owner(), ids, synced)
            .expect("every cluster has a balance");
    }
    let mut sizes: BTreeMap<u64, usize> = BTreeMap::new();
    for (from, to) in &report.windows {
        *sizes.entry(to - from + 1).or_default() += 1;
    }
    println!(
        "{name}: {} logs in {:.1} ms; RPC {}; {} windows, {} shrinks; window sizes (blocks: count) {sizes:?}; blocks {DEPLOYMENT_BLOCK}..={synced}",
        report.new_logs.len(),
        elapsed.as_secs_f64() * 1e3,
        chain.counts_line(),
        report.windows.len(),
        report.shrinks,
    );
}

fn bench(c: &mut Criterion) {
    let started = Instant::now();
    let history = History::generate();
    println!(
        "history: {} logs, {} clusters, blocks {DEPLOYMENT_BLOCK}..={} (head {}), generated in {:.2} s",
        history.logs.len(),
        history.clusters.len(),
        history.last_block(),
        history.head,
        started.elapsed().as_secs_f64()
    );
    let unlimited = MemoryChain::new(history.raw.clone(), history.head);
    let mut alchemy = MemoryChain::new(history.raw.clone(), history.head);
    alchemy.max_range = Some(2_000);
    let mut alchemy_json = MemoryChain::new(history.raw.clone(), history.head);
    alchemy_json.max_range = Some(2_000);
    alchemy_json.json = true;
    let default = SyncConfig::new(network(), DEPLOYMENT_BLOCK);
    let window_2000 = SyncConfig {
        window: WindowConfig {
            initial: 2_000,
            max: 2_000,
            ..WindowConfig::default()
        },
        ..default.clone()
    };
    let cases = [
        ("unlimited", &unlimited, &default),
        ("alchemy_2000", &alchemy, &default),
        ("alchemy_2000_window_2000", &alchemy, &window_2000),
        ("alchemy_2000_json", &alchemy_json, &default),
    ];

    let rt = runtime();
    for (name, chain, config) in cases {
        describe(&rt, name, &history, chain, config);
    }

    let mut group = c.benchmark_group("cold_sync_1m_blocks");
    group.sampling_mode(SamplingMode::Flat);
    for (name, chain, config) in cases {
        group.bench_function(name, |b| {
            b.iter(|| black_box(cold_sync(&rt, chain, config)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = synthetic::criterion();
    targets = bench
}
criterion_main!(benches);
