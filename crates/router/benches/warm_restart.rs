//! Warm restart of the router's SSV state: the redb store holding the applied `SsvLog`s of a
//! synthetic history (500 operators, 10,000 validators of the router's owner in 2,500 ETH
//! clusters, fee changes and deposits: about 12,000 logs over 1,000,000 blocks) is opened, the
//! logs are read and `Index::from_logs` rebuilds the index, which then answers
//! `ledger().balance(..)` for every cluster. Goal: ≤ 1 s to a synced, queryable state.
//!
//! Set-up (untimed, once): the history is generated, cold-synced through `Syncer` from an
//! in-memory node and committed with `Store::commit_sync` into a store in a temporary directory,
//! as the router does. The node then moves 100 blocks on (no new logs); the following sync's RPC
//! calls are printed.
//!
//! Measured:
//! * `open_store_read_logs`: `Store::open` + `sync_state` + `ssv_logs`;
//! * `index_from_logs`: `Index::from_logs` of the logs read (their clone untimed);
//! * `query_every_cluster`: `ledger().balance` of the 2,500 clusters;
//! * `restart_to_queryable`: the three above in a row, plus `Syncer::restore`;
//! * `restart_sync_100_blocks_query`: the same with a `Syncer::sync` over the 100 new blocks
//!   before the queries (in memory: the RPC latency of the 5 calls is not included).
//!
//! Run: `cargo bench -p stafi-router-core --bench warm_restart`.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use alloy::primitives::{Address, U256};
use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use router::{Store, StoreIdentity};
use ssv_sync::{Index, IndexConfig, SyncConfig, Syncer};

#[path = "../../ssv-sync/benches/synthetic/mod.rs"]
mod synthetic;

use synthetic::{DEPLOYMENT_BLOCK, History, MemoryChain, network, owner, runtime};

/// Blocks the chain moves on between the stored state and the restart.
const NEW_BLOCKS: u64 = 100;

fn identity() -> StoreIdentity {
    StoreIdentity {
        chain_id: 1,
        ssv_network: network(),
        ssv_owner: owner(),
        super_node: Address::repeat_byte(0x33),
    }
}

fn sync_config() -> SyncConfig {
    SyncConfig::new(network(), DEPLOYMENT_BLOCK)
}

/// What `Node::open` does with the store: open it, read the sync state and the logs, rebuild
/// the index, restore the syncer.
fn restore(dir: &Path) -> (Store, Index, Syncer) {
    let store = Store::open(dir, &identity()).expect("store opens");
    let state = store
        .sync_state()
        .expect("sync state")
        .expect("synced before");
    let logs = store.ssv_logs().expect("logs");
    let index = Index::from_logs(IndexConfig::new(owner()), logs).expect("index rebuilds");
    (store, index, Syncer::restore(sync_config(), state))
}

/// Every cluster's balance at `block`, summed.
fn query_every_cluster(index: &Index, clusters: &[Vec<u64>], block: u64) -> U256 {
    clusters
        .iter()
        .map(|ids| {
            index
                .ledger()
                .balance(owner(), ids, block)
                .expect("balance")
        })
        .fold(U256::ZERO, |sum, b| sum + b)
}

fn synced_block(syncer: &Syncer) -> u64 {
    syncer.state().cursor.expect("a cursor")
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let started = Instant::now();
    let history = History::generate();
    let generated = started.elapsed();

    // The stored state: a cold sync through the syncer, committed as the router commits it.
    let mut chain = MemoryChain::new(history.raw.clone(), history.head);
    let mut index = Index::new(IndexConfig::new(owner())).expect("empty index");
    let mut syncer = Syncer::new(sync_config());
    let report = rt
        .block_on(syncer.sync(&chain, &mut index, |_| {}))
        .expect("cold sync");
    assert_eq!(report.new_logs, history.logs, "every synthetic log applied");
    let dir = tempfile::tempdir().expect("temporary directory");
    let started = Instant::now();
    {
        let store = Store::open(dir.path(), &identity()).expect("store opens");
        store
            .commit_sync(&report, syncer.state())
            .expect("commit_sync");
    }
    let committed = started.elapsed();
    let file = std::fs::metadata(dir.path().join("router.redb"))
        .expect("store file")
        .len();
    println!(
        "history: {} logs, {} clusters, blocks {DEPLOYMENT_BLOCK}..={} (head {}, generated in \
         {:.2} s); store: {:.1} MiB, commit_sync of all logs {:.0} ms, in {}",
        history.logs.len(),
        history.clusters.len(),
        history.last_block(),
        history.head,
        generated.as_secs_f64(),
        f64::from(u32::try_from(file).expect("store under 4 GiB")) / 1_048_576.0,
        committed.as_secs_f64() * 1e3,
        dir.path().display(),
    );

    // The chain moves on by NEW_BLOCKS blocks without SSV logs.
    chain.head += NEW_BLOCKS;
    chain.reset_counts();
    let moved = chain;

    // One restart, step by step, and the RPC calls of the sync that follows it.
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1e3;
    let all = Instant::now();
    let step = Instant::now();
    let store = Store::open(dir.path(), &identity()).expect("store opens");
    let open = ms(step);
    let step = Instant::now();
    let state = store.sync_state().expect("sync state").expect("synced");
    let logs = store.ssv_logs().expect("logs");
    let read = ms(step);
    let step = Instant::now();
    let mut index = Index::from_logs(IndexConfig::new(owner()), logs).expect("index");
    let rebuild = ms(step);
    let step = Instant::now();
    let mut syncer = Syncer::restore(sync_config(), state);
    let report = rt
        .block_on(syncer.sync(&moved, &mut index, |_| {}))
        .expect("sync of the new blocks");
    let sync = ms(step);
    let step = Instant::now();
    black_box(query_every_cluster(
        &index,
        &history.clusters,
        synced_block(&syncer),
    ));
    let query = ms(step);
    println!(
        "one restart: open {open:.1} ms, read logs {read:.1} ms, from_logs {rebuild:.1} ms, \
         sync {sync:.2} ms, query {query:.2} ms: {:.1} ms in all",
        ms(all),
    );
    println!(
        "sync after restart over {NEW_BLOCKS} new blocks: RPC {}; windows {:?}; {} new logs",
        moved.counts_line(),
        report.windows,
        report.new_logs.len(),
    );
    drop(store);

    // RPC calls grow with the blocks missed, not with the history: an hour, a day, a week.
    let mut later = MemoryChain::new(Vec::new(), history.head);
    for missed in [300, 7_200, 50_400] {
        later.head = history.head + missed;
        later.reset_counts();
        let (_store, mut index, mut syncer) = restore(dir.path());
        let report = rt
            .block_on(syncer.sync(&later, &mut index, |_| {}))
            .expect("sync of the new blocks");
        println!(
            "sync after restart over {missed} new blocks: RPC {}; {} windows",
            later.counts_line(),
            report.windows.len(),
        );
    }

    let mut group = c.benchmark_group("warm_restart_10k_validators");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("open_store_read_logs", |b| {
        b.iter(|| {
            let store = Store::open(dir.path(), &identity()).expect("store opens");
            black_box(store.sync_state().expect("sync state"));
            black_box(store.ssv_logs().expect("logs"))
        });
    });
    let logs = {
        let store = Store::open(dir.path(), &identity()).expect("store opens");
        store.ssv_logs().expect("logs")
    };
    group.bench_function("index_from_logs", |b| {
        b.iter_batched(
            || logs.clone(),
            |logs| Index::from_logs(IndexConfig::new(owner()), logs).expect("index"),
            BatchSize::LargeInput,
        );
    });
    let index = Index::from_logs(IndexConfig::new(owner()), logs).expect("index");
    let block = history.head - synthetic::CONFIRMATIONS;
    group.bench_function("query_every_cluster", |b| {
        b.iter(|| query_every_cluster(&index, &history.clusters, block));
    });
    group.bench_function("restart_to_queryable", |b| {
        b.iter(|| {
            let (store, index, syncer) = restore(dir.path());
            let total = query_every_cluster(&index, &history.clusters, synced_block(&syncer));
            black_box((store, index, total))
        });
    });
    group.bench_function("restart_sync_100_blocks_query", |b| {
        b.iter(|| {
            let (store, mut index, mut syncer) = restore(dir.path());
            rt.block_on(syncer.sync(&moved, &mut index, |_| {}))
                .expect("sync of the new blocks");
            let total = query_every_cluster(&index, &history.clusters, synced_block(&syncer));
            black_box((store, index, total))
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = synthetic::criterion();
    targets = bench
}
criterion_main!(benches);
