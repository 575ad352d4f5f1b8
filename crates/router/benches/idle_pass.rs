//! The planning of one pass with nothing to do, over 10,000 validators in 2,500 SSV clusters.
//! Goal: ≤ 50 ms of CPU per pass, ≤ 100 MB peak RSS.
//!
//! The fixture (untimed, once): a `stafi-router.toml` for a custom network in a temporary
//! directory, loaded with `Config::load`; an SSV index built by applying synthetic SSVNetwork
//! events (500 operators with ETH fees, the network fee, 2,500 ETH clusters of 4 operators each
//! registered with 4 validators in one bulk transaction, one deposit per cluster that leaves
//! years of runway, and the fee recipient set to StaFi's super-node fee pool); 10,000 keys at
//! StaFi status STAKING, each on SSV and `active_ongoing` on the beacon chain; 20 ETH in the
//! pool (below one validator); every operator a candidate; no write in flight. Cluster tuples
//! are computed with `cluster-accounting`'s transition functions on the index's own fee
//! indices, as the contract would emit them. Validator pubkeys are synthetic 48-byte values: an
//! idle pass never derives a key.
//!
//! Before measuring, every step of `PASS` is planned once and must return nothing; the peak
//! RSS (`VmHWM`) is printed then, with the thread's CPU time per pass over at least one second
//! of CPU (`/proc/thread-self/schedstat`, so builds running beside the bench do not inflate it).
//! Nothing timing-related is asserted.
//!
//! Measured (`idle_pass`): the steps in `PASS` order on one `World`, then each step alone.
//!
//! Measured (`metrics`): `metrics::record_snapshot` (every gauge of the world, with each
//! cluster's balance, runway and liquidation block), rendering the Prometheus scrape (its size
//! is printed), and a pass's planning with the gauges recorded, against `idle_pass/plan_all_steps`
//! without them.
//!
//! Measured apart (`world_non_rpc`): the parts of `Node::world` that are not RPC round trips,
//! for the same 10,000 keys:
//! * `store_validators`, `store_open_intents`: `Store::validators` and `Store::open_intents` on
//!   a store holding the 10,000 validator records and the closed intents of onboarding them
//!   (625 deposits, 625 stakes, 125 registrations of 80, 500 top-ups, one fee recipient, each
//!   with its calldata and signed bytes); no intent is open;
//! * `derive_signing_pubkey`: one `Seed::signing_key(i).public_key()`, which
//!   `Stafi::recover_keys` does for every index in use (plus the gap window) on every pass;
//! * `recover_keys_bookkeeping`: the matching loop of `Stafi::recover_keys` on the chain's
//!   answers, reproduced here (the function itself needs a node);
//! * `beacon_ids_and_map`: the `0x…` ids of the staked keys and the status map built from the
//!   beacon node's answer, as `Node::world` does;
//! * `confirm_with_chain_500_operators`: `operators::confirm_with_chain` of 500 API candidates.
//!
//! Run: `cargo bench -p stafi-router-core --bench idle_pass -- --warm-up-time 1 --measurement-time 5`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use alloy::primitives::{Address, Bytes, U256, keccak256};
use alloy::sol_types::SolValue;
use cluster_accounting::{
    BLOCKS_PER_DAY, Cluster, ClusterVersion, LiquidationParams, VUnits, eth, runway,
};
use criterion::{Criterion, criterion_group, criterion_main};
use keygen::{Mnemonic, Seed};
use operator_selection::{Candidate, Policy};
use router::steps::PASS;
use router::{
    Account, BeaconValidator, BeaconValidatorData, Config, EjectorState, Identity, Intent,
    IntentKind, IntentRecord, IntentState, Settings, SignedTx, Store, StoreIdentity,
    ValidatorRecord, World, stafi_status,
};
use ssv_sync::{Index, Position, SsvEvent, SsvLog};
use stafi_contracts::StafiAddresses;

// The operator owners, the committees and the cluster tuples as `cold_sync`'s and
// `warm_restart`'s history makes them; the rest of that module is not used here.
#[allow(dead_code)]
#[path = "../../ssv-sync/benches/synthetic/mod.rs"]
mod synthetic;

use synthetic::{Rng, committees, operator_owner, tuple};

const OPERATORS: u64 = 500;
const CLUSTERS: usize = 2_500;
const VALIDATORS_PER_CLUSTER: u32 = 4;
const CHAIN_ID: u64 = 31_337;
const MNEMONIC: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

const ETH: u128 = 1_000_000_000_000_000_000;
/// ETH sent with each validator's registration, and deposited once per cluster afterwards.
const REGISTRATION_WEI_PER_VALIDATOR: u128 = ETH / 20;
const DEPOSIT_WEI: u128 = ETH / 2;
/// Blocks of the history: operators from block 1, registrations from `REGISTER_FROM`, deposits
/// from `DEPOSIT_FROM`, the fee recipient at `FEE_RECIPIENT_AT`; the world one day later.
const REGISTER_FROM: u64 = 1_000;
const DEPOSIT_FROM: u64 = 60_000;
const FEE_RECIPIENT_AT: u64 = 120_000;
const WORLD_BLOCK: u64 = FEE_RECIPIENT_AT + BLOCKS_PER_DAY;
/// Length of an operator's registered RSA key (base64 of the PEM).
const OPERATOR_KEY_LEN: usize = 612;

fn ssv_network() -> Address {
    Address::repeat_byte(0x55)
}

fn ssv_network_views() -> Address {
    Address::repeat_byte(0x56)
}

fn addresses() -> StafiAddresses {
    StafiAddresses {
        super_node: Address::repeat_byte(0x31),
        user_deposit: Address::repeat_byte(0x32),
        network_settings: Address::repeat_byte(0x34),
        withdraw: Address::repeat_byte(0x35),
        super_node_fee_pool: Address::repeat_byte(0x36),
    }
}

fn identity() -> Identity {
    Identity {
        super_node: Address::repeat_byte(0x33),
        ssv_owner: Address::repeat_byte(0x11),
    }
}

/// An operator's registered key: base64-looking text of a PEM's length.
fn operator_key(id: u64) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state = keccak256(id.to_be_bytes());
    let mut key = String::with_capacity(OPERATOR_KEY_LEN);
    while key.len() < OPERATOR_KEY_LEN {
        for byte in state {
            if key.len() < OPERATOR_KEY_LEN {
                key.push(char::from(ALPHABET[usize::from(byte % 64)]));
            }
        }
        state = keccak256(state);
    }
    key
}

/// A synthetic 48-byte validator pubkey (the flags of a compressed G1 point, the rest hashed).
fn validator_pubkey(index: u64) -> Bytes {
    let a = keccak256(index.to_be_bytes());
    let b = keccak256(a);
    let mut bytes = Vec::with_capacity(48);
    bytes.extend_from_slice(a.as_slice());
    bytes.extend_from_slice(&b[..16]);
    bytes[0] = 0x80 | (bytes[0] & 0x1f);
    Bytes::from(bytes)
}

/// Applies transactions of SSVNetwork logs to an index, in chain order.
struct History {
    index: Index,
    block: u64,
    tx: u64,
    log_index: u64,
    logs: usize,
}

impl History {
    /// One transaction at `block` (not before the previous one) emitting `events`.
    fn transaction(&mut self, block: u64, events: Vec<SsvEvent>) {
        assert!(block >= self.block, "transactions in block order");
        if block > self.block {
            self.block = block;
            self.tx = 0;
            self.log_index = 0;
        } else {
            self.tx += 1;
        }
        let mut hash = [0u8; 16];
        hash[..8].copy_from_slice(&block.to_be_bytes());
        hash[8..].copy_from_slice(&self.tx.to_be_bytes());
        let transaction_hash = keccak256(hash);
        for event in events {
            let applied = self
                .index
                .apply(SsvLog {
                    position: Position {
                        block,
                        transaction_index: self.tx,
                        log_index: self.log_index,
                    },
                    block_hash: keccak256(block.to_be_bytes()),
                    transaction_hash,
                    event,
                })
                .expect("the synthetic log applies");
            assert!(applied, "every synthetic log is new");
            self.log_index += 1;
            self.logs += 1;
        }
    }
}

/// Everything a `World` borrows or copies, built once.
struct Fixture {
    _dir: tempfile::TempDir,
    settings: Settings,
    addresses: StafiAddresses,
    index: Index,
    logs: usize,
    clusters: Vec<Vec<u64>>,
    keys: Vec<ValidatorRecord>,
    beacon: BTreeMap<String, BeaconValidator>,
    candidates: Vec<Candidate>,
}

fn settings(dir: &Path) -> Settings {
    let path = dir.join("stafi-router.toml");
    let text = format!(
        r#"data_dir = "data"

[network.custom]
name = "benchnet"
chain_id = {CHAIN_ID}
genesis_fork_version = "0x10000000"
capella_fork_version = "0x40000000"
genesis_validators_root = "0x{root}"
ssv_network = "{network}"
ssv_network_views = "{views}"
ssv_deployment_block = 0
v2_upgrade_block = 0

[execution]
rpc_urls = ["http://127.0.0.1:8545"]

[beacon]
urls = ["http://127.0.0.1:5052"]

[contracts]
stafi_storage = "{storage}"

[accounts]
super_node_keystore = "keys/super-node.json"
ssv_owner_keystore = "keys/ssv-owner.json"
mnemonic_store = "keys/mnemonic.json"
"#,
        root = "00".repeat(32),
        network = ssv_network(),
        views = ssv_network_views(),
        storage = Address::repeat_byte(0x30),
    );
    std::fs::write(&path, text).expect("write stafi-router.toml");
    Config::load(&path, std::iter::empty(), &[]).expect("the configuration loads")
}

impl Fixture {
    fn build() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let settings = settings(dir.path());
        let owner = identity().ssv_owner;
        let addresses = addresses();
        let params = LiquidationParams::MAINNET_ETH;
        let mut rng = Rng(0x1d1e_9a55);
        let mut history = History {
            index: Index::new(router::index_config(&settings, identity())).expect("empty index"),
            block: 0,
            tx: 0,
            log_index: 0,
            logs: 0,
        };

        // Operators, ten per block, then the network fee.
        let mut fees = BTreeMap::new();
        for id in 1..=OPERATORS {
            let fee = rng.fee();
            fees.insert(id, fee);
            history.transaction(
                1 + (id - 1) / 10,
                vec![SsvEvent::OperatorAdded {
                    operator_id: id,
                    owner: operator_owner(id),
                    public_key: Bytes::from(operator_key(id).abi_encode()),
                    fee: U256::from(fee),
                }],
            );
        }
        history.transaction(
            OPERATORS / 10 + 10,
            vec![SsvEvent::NetworkFeeUpdated {
                new_fee: U256::from(3_300_000_000u64),
            }],
        );

        // 2,500 distinct committees of 4.
        let clusters = committees(&mut rng, CLUSTERS, OPERATORS);

        // One bulk registration of 4 validators per cluster: one ValidatorAdded per key, each
        // with the tuple after the transaction.
        let mut states = Vec::with_capacity(CLUSTERS);
        let mut keys = Vec::with_capacity(CLUSTERS * 4);
        for (c, ids) in clusters.iter().enumerate() {
            let block = REGISTER_FROM + 20 * u64::try_from(c).expect("cluster number fits");
            let at = history
                .index
                .ledger()
                .indices(ClusterVersion::Eth, ids, block)
                .expect("known operators");
            let new = eth::EthCluster {
                cluster: Cluster::NEW,
                vunits: VUnits::Implicit,
            };
            let value =
                U256::from(REGISTRATION_WEI_PER_VALIDATOR * u128::from(VALIDATORS_PER_CLUSTER));
            let next = eth::register(&new, VALIDATORS_PER_CLUSTER, value, &at, &params)
                .expect("the registration is solvent");
            let events = (0..VALIDATORS_PER_CLUSTER)
                .map(|_| {
                    let index = u64::try_from(keys.len()).expect("key index fits");
                    let pubkey = validator_pubkey(index);
                    keys.push(ValidatorRecord {
                        ssv_cluster: Some(ids.clone()),
                        beacon_status: Some("active_ongoing".to_owned()),
                        beacon_index: Some(1_000_000 + index),
                        ..ValidatorRecord::new(index, pubkey.clone(), stafi_status::STAKING)
                    });
                    SsvEvent::ValidatorAdded {
                        owner,
                        operator_ids: ids.clone(),
                        public_key: pubkey,
                        cluster: tuple(next.cluster),
                    }
                })
                .collect();
            history.transaction(block, events);
            states.push(next);
        }

        // One deposit per cluster.
        for (c, (ids, state)) in clusters.iter().zip(&states).enumerate() {
            let block = DEPOSIT_FROM + 20 * u64::try_from(c).expect("cluster number fits");
            let value = U256::from(DEPOSIT_WEI);
            let next = eth::deposit(state, value).expect("deposit");
            history.transaction(
                block,
                vec![SsvEvent::ClusterDeposited {
                    owner,
                    operator_ids: ids.clone(),
                    value,
                    cluster: tuple(next.cluster),
                }],
            );
        }

        // The fee recipient is already StaFi's fee pool.
        history.transaction(
            FEE_RECIPIENT_AT,
            vec![SsvEvent::FeeRecipientAddressUpdated {
                owner,
                recipient: addresses.super_node_fee_pool,
            }],
        );

        let beacon = keys
            .iter()
            .map(|k| (format!("{:#x}", k.pubkey), active(k)))
            .collect();
        let mut validator_counts: BTreeMap<u64, u32> = BTreeMap::new();
        for id in clusters.iter().flatten() {
            *validator_counts.entry(*id).or_default() += VALIDATORS_PER_CLUSTER;
        }
        let candidates = fees
            .iter()
            .map(|(&id, &fee)| Candidate {
                owner_address: operator_owner(id),
                validator_count: validator_counts.get(&id).copied().unwrap_or(0),
                ..Candidate::new(id, operator_key(id), u128::from(fee))
            })
            .collect();
        Self {
            _dir: dir,
            settings,
            addresses,
            logs: history.logs,
            index: history.index,
            clusters,
            keys,
            beacon,
            candidates,
        }
    }

    /// The snapshot a pass plans on.
    fn world(&self) -> World<'_> {
        World {
            settings: &self.settings,
            addresses: &self.addresses,
            identity: identity(),
            index: &self.index,
            block: WORLD_BLOCK,
            pool_balance: U256::from(20 * ETH),
            pubkey_limit: 20_000,
            deposits_enabled: true,
            withdrawal_credentials_match: true,
            keys: self.keys.clone(),
            beacon: self.beacon.clone(),
            beacon_clock: None,
            ejector: EjectorState::default(),
            withdraw_cycle: 0,
            health: None,
            ssv_params: None,
            now: 0,
            ssv_invalid: (0, std::collections::BTreeSet::new()),
            in_flight: Vec::new(),
            candidates: Ok(self.candidates.clone()),
            excluded: Vec::new(),
            policy: Policy::default(),
            validators_per_operator_limit: 3_000,
            eth_params: LiquidationParams::MAINNET_ETH,
            fee_pool: self.addresses.super_node_fee_pool,
        }
    }

    /// The shortest runway of the clusters at the world's block, in days.
    fn shortest_runway_days(&self) -> u64 {
        let owner = identity().ssv_owner;
        self.clusters
            .iter()
            .map(|ids| {
                let (state, at) = self
                    .index
                    .ledger()
                    .view(owner, ids, WORLD_BLOCK)
                    .expect("cluster view");
                runway(&state, &at, &LiquidationParams::MAINNET_ETH)
                    .expect("runway")
                    .blocks()
                    .map_or(u64::MAX, |b| b / BLOCKS_PER_DAY)
            })
            .min()
            .expect("clusters")
    }
}

/// Every step of the pass, in order; the number of intents planned.
fn plan_pass(world: &World<'_>, seed: &Seed) -> usize {
    PASS.iter()
        .map(|step| step.plan(world, seed).expect("the step plans").len())
        .sum()
}

/// A field of `/proc/self/status` counted in kB, e.g. `VmHWM`.
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

fn print_memory(when: &str) {
    let hwm = status_kb("VmHWM:");
    let rss = status_kb("VmRSS:");
    eprintln!(
        "memory {when}: peak RSS (VmHWM) {:.1} MB, RSS {:.1} MB",
        kb_to_mb(hwm),
        kb_to_mb(rss)
    );
}

#[allow(clippy::cast_precision_loss, reason = "display only")]
fn kb_to_mb(kb: u64) -> f64 {
    kb as f64 / 1_000.0
}

/// CPU time this thread has run, from `/proc/thread-self/schedstat`.
fn thread_cpu_time() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").expect("schedstat");
    let ns = text
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .expect("run time in schedstat");
    Duration::from_nanos(ns)
}

/// Plans every step once and requires nothing to do.
fn check_idle(world: &World<'_>, seed: &Seed) {
    for step in PASS {
        let intents = step
            .plan(world, seed)
            .unwrap_or_else(|e| panic!("step {} failed to plan: {e}", step.name()));
        assert!(
            intents.is_empty(),
            "step {} planned {} write(s) on the idle fixture: {:?}",
            step.name(),
            intents.len(),
            intents.iter().map(|i| &i.reason).collect::<Vec<_>>()
        );
    }
}

fn idle_pass(c: &mut Criterion) {
    let started = Instant::now();
    let fixture = Fixture::build();
    let built = started.elapsed();
    let seed = Mnemonic::parse(MNEMONIC)
        .expect("test mnemonic")
        .to_seed("");
    let world = fixture.world();
    check_idle(&world, &seed);
    eprintln!(
        "fixture: {} operators, {} ETH clusters of 4, {} keys STAKING on SSV and active_ongoing, \
         {} SSV logs applied (built in {:.2} s); pool 20 ETH; shortest runway {} days; world at \
         block {WORLD_BLOCK}",
        fixture.index.operators().count(),
        fixture.index.clusters_of(identity().ssv_owner).count(),
        world.keys.len(),
        fixture.logs,
        built.as_secs_f64(),
        fixture.shortest_runway_days(),
    );
    print_memory("after building the world and planning every step");

    // CPU time per pass, over at least one second of CPU and 20 passes.
    let cpu = thread_cpu_time();
    let wall = Instant::now();
    let mut passes = 0u32;
    while thread_cpu_time().saturating_sub(cpu) < Duration::from_secs(1) || passes < 20 {
        black_box(plan_pass(black_box(&world), &seed));
        passes += 1;
    }
    let cpu = thread_cpu_time().saturating_sub(cpu);
    eprintln!(
        "idle pass: {:.3} ms CPU per pass ({:.3} ms wall) over {passes} passes",
        cpu.as_secs_f64() * 1e3 / f64::from(passes),
        wall.elapsed().as_secs_f64() * 1e3 / f64::from(passes),
    );

    let mut group = c.benchmark_group("idle_pass");
    group.bench_function("plan_all_steps", |b| {
        b.iter(|| black_box(plan_pass(black_box(&world), &seed)));
    });
    for step in PASS {
        group.bench_function(format!("plan/{}", step.name().replace(' ', "_")), |b| {
            b.iter(|| {
                black_box(
                    step.plan(black_box(&world), &seed)
                        .expect("the step plans")
                        .len(),
                )
            });
        });
    }
    group.finish();
    print_memory("after the idle_pass benchmarks");

    // The exporter: the snapshot's gauges recorded, then a scrape of them.
    let handle = router::metrics::install().expect("the only recorder of this process");
    router::metrics::record_snapshot(&world, WORLD_BLOCK).expect("the gauges record");
    let scrape = handle.render();
    eprintln!(
        "scrape: {} bytes, {} series ({} clusters)",
        scrape.len(),
        scrape.lines().filter(|l| !l.starts_with('#')).count(),
        fixture.clusters.len()
    );
    let mut group = c.benchmark_group("metrics");
    group.bench_function("record_snapshot", |b| {
        b.iter(|| router::metrics::record_snapshot(black_box(&world), WORLD_BLOCK));
    });
    group.bench_function("render_scrape", |b| {
        b.iter(|| black_box(handle.render().len()));
    });
    group.bench_function("plan_all_steps_and_record", |b| {
        b.iter(|| {
            let n = plan_pass(black_box(&world), &seed);
            router::metrics::record_snapshot(&world, WORLD_BLOCK).expect("the gauges record");
            black_box(n)
        });
    });
    group.finish();
    print_memory("after the metrics benchmarks");
    drop(world);

    world_non_rpc(c, &fixture, &seed);
    print_memory("at the end (including the Node::world parts)");
}

/// The closed intents of onboarding the fixture's keys: 625 deposits and 625 stakes of 16,
/// 125 registrations of 80, 500 top-ups and one fee recipient, each with its signed bytes.
fn onboarding_intents(fixture: &Fixture) -> Vec<IntentRecord> {
    let a = &fixture.addresses;
    let mut kinds = Vec::new();
    kinds.extend((0..625).map(|i| (IntentKind::Deposit, a.super_node, i * 16, 16, 176)));
    kinds.extend((0..625).map(|i| (IntentKind::Stake, a.super_node, i * 16, 16, 176)));
    // Each registered key carries its pubkey and 1,312 bytes of shares.
    kinds.extend((0..125).map(|i| (IntentKind::Register, ssv_network(), i * 80, 80, 1_360)));
    kinds.extend((0..500).map(|_| (IntentKind::TopUp, ssv_network(), 0, 0, 0)));
    kinds.push((IntentKind::FeeRecipient, ssv_network(), 0, 0, 0));
    kinds
        .into_iter()
        .enumerate()
        .map(|(n, (kind, to, first, count, bytes_per_key))| {
            let id = u64::try_from(n).expect("intent id fits") + 1;
            let key_indices: Vec<u64> = (first..first + count).collect();
            let data = Bytes::from(vec![0xab; 356 + bytes_per_key * key_indices.len()]);
            let hash = keccak256(id.to_be_bytes());
            let account = kind.account();
            IntentRecord {
                id,
                account,
                from: match account {
                    Account::SuperNode => identity().super_node,
                    Account::SsvOwner => identity().ssv_owner,
                },
                nonce: id,
                signed: vec![SignedTx {
                    hash,
                    raw: Bytes::from([data.as_ref(), &[0xcd; 110]].concat()),
                    max_fee_per_gas: 30_000_000_000,
                    max_priority_fee_per_gas: 1_000_000_000,
                }],
                state: IntentState::Mined {
                    block: id * 10,
                    success: true,
                    tx: hash,
                },
                planned_at: id * 10,
                intent: Intent {
                    pubkeys: key_indices
                        .iter()
                        .map(|&i| {
                            fixture.keys[usize::try_from(i).expect("fits")]
                                .pubkey
                                .clone()
                        })
                        .collect(),
                    cluster: (kind == IntentKind::Register || kind == IntentKind::TopUp).then(
                        || fixture.clusters[usize::try_from(id).expect("fits") % CLUSTERS].clone(),
                    ),
                    owner_nonce: (kind == IntentKind::Register).then_some(first),
                    reason: "onboarding".to_owned(),
                    kind,
                    to,
                    data,
                    value: U256::ZERO,
                    key_indices,
                },
            }
        })
        .collect()
}

/// `Stafi::recover_keys`' bookkeeping (`router::KeyScan`) on the chain's answers: `derived[i]`
/// the pubkey of index `i`, `listed` the super node's pubkeys, `statuses` their StaFi statuses,
/// fed 32 at a time as recovery does.
fn recover_keys_bookkeeping(
    derived: &[Bytes],
    listed: &[Bytes],
    statuses: &[u64],
    known: &[ValidatorRecord],
    gap_window: u64,
) -> Vec<ValidatorRecord> {
    let mut scan = router::KeyScan::new(listed.to_vec(), known, gap_window);
    for (chunk, (keys, states)) in derived.chunks(32).zip(statuses.chunks(32)).enumerate() {
        let start = u64::try_from(chunk * 32).expect("fits");
        if scan
            .feed(start, keys.to_vec(), states)
            .expect("no foreign key")
        {
            break;
        }
    }
    scan.found
}

fn world_non_rpc(c: &mut Criterion, fixture: &Fixture, seed: &Seed) {
    let mut group = c.benchmark_group("world_non_rpc");
    group.sample_size(10);

    // The store: validator records and the intent log.
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(
        dir.path(),
        &StoreIdentity {
            chain_id: CHAIN_ID,
            ssv_network: ssv_network(),
            ssv_owner: identity().ssv_owner,
            super_node: identity().super_node,
        },
    )
    .expect("store opens");
    store.put_validators(&fixture.keys).expect("put_validators");
    let intents = onboarding_intents(fixture);
    for record in &intents {
        store.put_intent(record).expect("put_intent");
    }
    let file = std::fs::metadata(store.path()).expect("store file").len();
    eprintln!(
        "store: {} validator records, {} closed intents, {:.1} MB",
        fixture.keys.len(),
        intents.len(),
        kb_to_mb(file / 1_000),
    );
    drop(intents);
    print_memory("after writing the store");
    group.bench_function("store_validators", |b| {
        b.iter(|| black_box(store.validators().expect("validators").len()));
    });
    group.bench_function("store_open_intents", |b| {
        b.iter(|| black_box(store.open_intents().expect("open intents").len()));
    });
    print_memory("after reading the store");

    // Key derivation: one signing key and its pubkey.
    let mut i = 0u32;
    group.bench_function("derive_signing_pubkey", |b| {
        b.iter(|| {
            i = (i + 1) % 10_000;
            black_box(Bytes::copy_from_slice(
                seed.signing_key(black_box(i)).public_key().as_bytes(),
            ))
        });
    });

    // The matching loop, on 10,000 listed keys plus the gap window and a chunk of unused
    // indices, all listed keys STAKING.
    let gap_window = fixture.settings.config.keys.gap_window;
    let keys = u64::try_from(fixture.keys.len()).expect("fits");
    let derived: Vec<Bytes> = (0..keys + gap_window + 64).map(validator_pubkey).collect();
    let statuses: Vec<u64> = (0..keys + gap_window + 64)
        .map(|i| {
            if i < keys {
                stafi_status::STAKING
            } else {
                stafi_status::UNINITIAL
            }
        })
        .collect();
    let listed: Vec<Bytes> = fixture.keys.iter().map(|k| k.pubkey.clone()).collect();
    let recovered =
        recover_keys_bookkeeping(&derived, &listed, &statuses, &fixture.keys, gap_window);
    assert_eq!(recovered, fixture.keys, "every key recovered");
    group.bench_function("recover_keys_bookkeeping", |b| {
        b.iter(|| {
            black_box(
                recover_keys_bookkeeping(&derived, &listed, &statuses, &fixture.keys, gap_window)
                    .len(),
            )
        });
    });

    // The beacon ids and the status map built from the answer.
    let answer: Vec<BeaconValidator> = fixture.keys.iter().map(active).collect();
    group.bench_function("beacon_ids_and_map", |b| {
        b.iter(|| {
            let ids: Vec<String> = fixture
                .keys
                .iter()
                .filter(|k| k.stafi_status == stafi_status::STAKING)
                .map(|k| format!("{:#x}", k.pubkey))
                .collect();
            let beacon: BTreeMap<String, BeaconValidator> = answer
                .iter()
                .cloned()
                .map(|v| (v.validator.pubkey.to_ascii_lowercase(), v))
                .collect();
            black_box((ids.len(), beacon.len()))
        });
    });

    group.bench_function("confirm_with_chain_500_operators", |b| {
        b.iter(|| {
            let (kept, excluded) =
                router::operators::confirm_with_chain(fixture.candidates.clone(), &fixture.index);
            black_box((kept.len(), excluded.len()))
        });
    });
    group.finish();
    drop(store);
}

criterion_group!(benches, idle_pass);
criterion_main!(benches);

/// The beacon node's answer for an active validator of ours.
fn active(k: &ValidatorRecord) -> BeaconValidator {
    BeaconValidator {
        index: 1_000_000 + k.index,
        balance: 32_000_000_000,
        status: "active_ongoing".to_owned(),
        validator: BeaconValidatorData {
            pubkey: format!("{:#x}", k.pubkey),
            withdrawal_credentials: format!("0x01{}", "00".repeat(31)),
            effective_balance: 32_000_000_000,
            slashed: false,
            activation_epoch: 10,
            exit_epoch: router::FAR_FUTURE_EPOCH,
        },
    }
}
