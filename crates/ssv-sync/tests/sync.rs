//! The indexer against the devnet: windows that shrink when the node refuses a range, a reorg
//! rolled back and resynced, a restart from kept state that fetches only new blocks.

use alloy::primitives::{B256, Bytes, U256};
use alloy::rpc::types::{Filter, Log};
use devnet::Devnet;
use devnet::testing::{bytes, pubkey, spawn};
use ssv_sync::{
    ChainSource, ClusterTuple, Index, IndexConfig, RpcSource, SourceError, SyncConfig, SyncState,
    Syncer, WindowConfig,
};

/// A node that refuses `eth_getLogs` over more than `limit` blocks, as Alchemy does at 2,000.
struct Capped<S> {
    inner: S,
    limit: u64,
}

impl<S: ChainSource + Sync> ChainSource for Capped<S> {
    async fn head(&self) -> Result<u64, SourceError> {
        self.inner.head().await
    }

    async fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError> {
        self.inner.block_hash(number).await
    }

    async fn logs(&self, filter: &Filter) -> Result<Vec<Log>, SourceError> {
        let span = filter.get_to_block().unwrap() - filter.get_from_block().unwrap() + 1;
        if span > self.limit {
            return Err(SourceError::RangeTooLarge(format!(
                "block range is too wide: {span} > {}",
                self.limit
            )));
        }
        self.inner.logs(filter).await
    }
}

fn index(devnet: &Devnet) -> Index {
    Index::new(IndexConfig::new(devnet.accounts.ssv_owner)).unwrap()
}

fn syncer(devnet: &Devnet) -> Syncer {
    Syncer::new(SyncConfig {
        confirmations: 0,
        ..SyncConfig::new(devnet.addresses.ssv_network, 0)
    })
}

/// Registers one validator in the owner's cluster over the first four public operators with
/// enough ETH for a while; returns the new tuple.
async fn register(devnet: &Devnet, idx: &Index, n: u32) -> ClusterTuple {
    let owner = devnet.accounts.ssv_owner;
    let ids = devnet.public_operator_ids()[..4].to_vec();
    let tuple = idx.cluster_tuple(owner, &ids);
    let (cluster, _) = devnet
        .register_validator(
            owner,
            &ids,
            bytes(&pubkey(n)),
            Bytes::from(vec![0u8; 64]),
            tuple.into(),
            U256::from(10u64.pow(16)),
        )
        .await
        .unwrap();
    cluster.into()
}

async fn sync(devnet: &Devnet, idx: &mut Index, s: &mut Syncer) -> ssv_sync::SyncReport {
    let source = RpcSource::new(devnet.provider().clone());
    s.sync(&source, idx, |_| {}).await.unwrap()
}

#[tokio::test]
async fn windows_shrink_on_refused_ranges_and_grow_back() {
    let devnet = spawn(Devnet::builder()).await;
    let mut idx = index(&devnet);
    register(&devnet, &idx, 1).await;
    devnet.mine(300).await.unwrap();
    let mut s = Syncer::new(SyncConfig {
        confirmations: 0,
        window: WindowConfig {
            initial: 256,
            min: 1,
            max: 256,
            grow_after: 2,
        },
        ..SyncConfig::new(devnet.addresses.ssv_network, 0)
    });
    let source = Capped {
        inner: RpcSource::new(devnet.provider().clone()),
        limit: 50,
    };
    let report = s.sync(&source, &mut idx, |_| {}).await.unwrap();
    assert!(report.shrinks >= 3, "256 → 128 → 64 → 32: {report:?}");
    assert!(
        report.windows.iter().all(|(a, b)| b - a < 50),
        "{:?}",
        report.windows
    );
    assert_eq!(report.synced_to, Some(devnet.block_number().await.unwrap()));
    // Every operator and the validator arrived, as a sync without the cap finds them.
    let mut plain = index(&devnet);
    sync(&devnet, &mut plain, &mut syncer(&devnet)).await;
    assert_eq!(idx.logs(), plain.logs());
    assert_eq!(idx.owner_nonce(devnet.accounts.ssv_owner), 1);
    assert_eq!(idx.operators().count(), devnet.operators.len());
    // It grew back after successes, up to what the node accepts, and never again to a size it
    // refused: a few refusals while it homes in on the limit, not one every few windows.
    assert!(
        (33..=50).contains(&s.state().window),
        "window {}",
        s.state().window
    );
    assert!(report.shrinks <= 8, "{report:?}");

    // A node that refuses even one block is an error naming the block, not a loop.
    let refusing = Capped {
        inner: RpcSource::new(devnet.provider().clone()),
        limit: 0,
    };
    let err = syncer(&devnet)
        .sync(&refusing, &mut index(&devnet), |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, ssv_sync::SyncError::RangeRefused { block: 0, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn a_reorg_is_rolled_back_and_resynced() {
    let mut devnet = spawn(Devnet::builder()).await;
    let owner = devnet.accounts.ssv_owner;
    let ids = devnet.public_operator_ids()[..4].to_vec();
    let mut idx = index(&devnet);
    let mut s = syncer(&devnet);
    register(&devnet, &idx, 1).await;
    sync(&devnet, &mut idx, &mut s).await;
    let fork = devnet.block_number().await.unwrap();
    let snapshot = devnet.snapshot().await.unwrap();

    // The branch the index sees first: two more validators.
    register(&devnet, &idx, 2).await;
    sync(&devnet, &mut idx, &mut s).await;
    register(&devnet, &idx, 3).await;
    sync(&devnet, &mut idx, &mut s).await;
    assert_eq!(idx.owner_nonce(owner), 3);

    // The chain switches to another branch from `fork`: the index finds the fork by block hash
    // and drops what it applied above it; then a different validator, on a longer branch.
    devnet.revert(snapshot).await.unwrap();
    let report = sync(&devnet, &mut idx, &mut s).await;
    assert_eq!(report.rolled_back_to, Some(fork), "{report:?}");
    assert_eq!(idx.owner_nonce(owner), 1);
    register(&devnet, &idx, 4).await;
    devnet.mine(5).await.unwrap();
    let report = sync(&devnet, &mut idx, &mut s).await;
    assert_eq!(report.rolled_back_to, None);
    let keys: Vec<Bytes> = idx
        .cluster(owner, &ids)
        .unwrap()
        .validators
        .iter()
        .cloned()
        .collect();
    assert_eq!(keys, vec![bytes(&pubkey(1)), bytes(&pubkey(4))]);
    assert_eq!(idx.owner_nonce(owner), 2);
    assert!(idx.validator(owner, &pubkey(2)).is_none());

    // The same as an index that only ever saw the new branch.
    let mut fresh = index(&devnet);
    sync(&devnet, &mut fresh, &mut syncer(&devnet)).await;
    assert_eq!(idx.logs(), fresh.logs());
    assert_eq!(
        idx.cluster_tuple(owner, &ids),
        fresh.cluster_tuple(owner, &ids)
    );
}

#[tokio::test]
async fn restart_from_kept_state_fetches_only_new_blocks() {
    let devnet = spawn(Devnet::builder()).await;
    let owner = devnet.accounts.ssv_owner;
    let mut idx = index(&devnet);
    let mut s = syncer(&devnet);
    register(&devnet, &idx, 1).await;
    sync(&devnet, &mut idx, &mut s).await;

    // What a router keeps: the applied logs and the sync state (here through JSON, as a store would).
    let kept_logs = serde_json::to_vec(idx.logs()).unwrap();
    let kept_state = serde_json::to_vec(s.state()).unwrap();
    let cursor = s.state().cursor.unwrap();
    drop((idx, s));

    register_with_owner_nonce(&devnet, 2).await;
    devnet.mine(3).await.unwrap();
    let logs = serde_json::from_slice(&kept_logs).unwrap();
    let state: SyncState = serde_json::from_slice(&kept_state).unwrap();
    let mut idx = Index::from_logs(IndexConfig::new(owner), logs).unwrap();
    let mut s = Syncer::restore(
        SyncConfig {
            confirmations: 0,
            ..SyncConfig::new(devnet.addresses.ssv_network, 0)
        },
        state,
    );
    let source = RpcSource::new(devnet.provider().clone());
    let report = s.sync(&source, &mut idx, |_| {}).await.unwrap();
    assert_eq!(report.windows.first().map(|w| w.0), Some(cursor + 1));
    assert_eq!(report.windows.len(), 1);
    // head, the kept block's hash (reorg check), the window end's hash, two eth_getLogs.
    assert_eq!(source.counts().total(), 5);
    assert_eq!(idx.owner_nonce(owner), 2);
    let mut fresh = index(&devnet);
    sync(&devnet, &mut fresh, &mut syncer(&devnet)).await;
    assert_eq!(idx.logs(), fresh.logs());
}

/// A second registration straight through the devnet, reading the tuple from the chain's last
/// event (the index is not running meanwhile).
async fn register_with_owner_nonce(devnet: &Devnet, n: u32) {
    let mut idx = index(devnet);
    sync(devnet, &mut idx, &mut syncer(devnet)).await;
    register(devnet, &idx, n).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reorg_between_two_windows_of_one_sync_is_rolled_back_before_it_returns() {
    use alloy::providers::ext::AnvilApi;
    let devnet = spawn(Devnet::builder()).await;
    let owner = devnet.accounts.ssv_owner;
    let mut idx = index(&devnet);
    // Windows of 4 blocks: one sync spans several.
    let mut s = Syncer::new(SyncConfig {
        confirmations: 0,
        window: WindowConfig {
            initial: 4,
            min: 1,
            max: 4,
            grow_after: 1,
        },
        ..SyncConfig::new(devnet.addresses.ssv_network, 0)
    });
    sync(&devnet, &mut idx, &mut s).await;
    let snapshot = devnet.snapshot().await.unwrap();
    register(&devnet, &idx, 1).await;
    devnet.mine(8).await.unwrap();

    // One sync from the cursor: after its first window (which holds the registration) the chain
    // switches to a longer branch without it.
    let provider = devnet.provider().clone();
    let mut switched = false;
    let source = RpcSource::new(devnet.provider().clone());
    let report = s
        .sync(&source, &mut idx, |_| {
            if !switched {
                switched = true;
                tokio::task::block_in_place(|| {
                    tokio::runtime::Handle::current().block_on(async {
                        provider.anvil_revert(snapshot).await.unwrap();
                        provider.anvil_mine(Some(16), None).await.unwrap();
                    });
                });
            }
        })
        .await
        .unwrap();
    assert!(switched);
    assert!(report.rolled_back_to.is_some(), "{report:?}");
    assert!(idx.validator(owner, &pubkey(1)).is_none());
    assert_eq!(idx.owner_nonce(owner), 0);
    // The same as an index that only ever saw the new branch.
    let mut fresh = index(&devnet);
    sync(&devnet, &mut fresh, &mut syncer(&devnet)).await;
    assert_eq!(idx.logs(), fresh.logs());
    // What a store would persist from this sync holds nothing of the dropped branch.
    assert!(
        report.new_logs.iter().all(|l| fresh.logs().contains(l)),
        "{report:?}"
    );
}
