//! A deterministic SSVNetwork history for the `cold_sync` (ssv-sync) and `warm_restart` (router)
//! benchmarks, and an in-memory [`ChainSource`] serving it as a node would.
//!
//! The history: 500 operators (`OperatorAdded` with an ETH fee), the network fee, then, shuffled
//! over 1,000,000 blocks, 10,000 validators of one owner in 2,500 ETH clusters of 4 operators
//! (half registered in one bulk transaction of 4, half one validator at a time), 300 operator fee
//! changes (`OperatorFeeDeclared`, later `OperatorFeeExecuted`), 4 more network fee changes and
//! 1,000 deposits. One to six transactions per block with logs, block-wide log indices.
//!
//! The pieces of the generator that other synthetic fixtures share (the router's `idle_pass`
//! bench) are public: [`Rng`], [`committees`], [`operator_owner`] and [`tuple`].
//!
//! Every cluster tuple is what the contract would emit: computed with `cluster-accounting`'s
//! transition functions on fee indices from the generator's own ledger, which applies every log.
//! Raw logs are encoded with the generated `SSVNetwork` event types, with realistic payload sizes
//! (1,312-byte `shares` for 4 operators, a 612-byte operator public key).

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use alloy::primitives::{Address, B256, Bytes, U256, keccak256};
use alloy::rpc::types::{Filter, Log};
use alloy::sol_types::SolEvent;
use cluster_accounting::{
    Cluster, ClusterVersion, Ledger, LiquidationParams, Log as AccountingLog, VUnits, eth,
};
use criterion::Criterion;
use ssv_sync::{ChainSource, ClusterTuple, Position, RpcCounts, SourceError, SsvEvent, SsvLog};
use stafi_contracts::ssv_network::SSVNetwork as N;

pub const OPERATORS: u64 = 500;
pub const CLUSTERS: usize = 2_500;
pub const VALIDATORS_PER_CLUSTER: u32 = 4;
/// Clusters `0..BULK_CLUSTERS` get their 4 validators in one bulk transaction.
const BULK_CLUSTERS: usize = CLUSTERS / 2;
const FEE_CHANGES: u64 = 300;
const NETWORK_FEE_CHANGES: u64 = 4;
const DEPOSITS: u64 = 1_000;
/// First block of the history (SSVNetwork's deployment, for the syncer).
pub const DEPLOYMENT_BLOCK: u64 = 20_000_000;
/// Blocks the history spans.
pub const SPAN: u64 = 1_000_000;
/// The syncer's default confirmation depth.
pub const CONFIRMATIONS: u64 = 2;

const GWEI: u64 = 1_000_000_000;
const SHARES_LEN: usize = 96 + 4 * 48 + 4 * 256;
const OPERATOR_KEY_LEN: usize = 612;

/// Criterion's settings of the benchmarks over the history: 10 samples, 1 s of warm-up, 5 s of
/// measurement.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

/// The single-threaded runtime the benchmarks sync on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime")
}

/// The SSVNetwork contract of the synthetic chain.
pub fn network() -> Address {
    Address::repeat_byte(0x55)
}

/// The one cluster owner (the router's SSV owner).
pub fn owner() -> Address {
    Address::repeat_byte(0x11)
}

/// The owner of operator `id`.
pub fn operator_owner(id: u64) -> Address {
    let mut bytes = [0x22u8; 20];
    bytes[12..].copy_from_slice(&id.to_be_bytes());
    Address::from(bytes)
}

/// The hash of block `number` on the synthetic chain.
pub fn block_hash(number: u64) -> B256 {
    keccak256(number.to_be_bytes())
}

fn transaction_hash(block: u64, tx: u64) -> B256 {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&block.to_be_bytes());
    bytes[8..].copy_from_slice(&tx.to_be_bytes());
    keccak256(bytes)
}

fn slot(index: u64) -> usize {
    usize::try_from(index).expect("index fits usize")
}

/// SplitMix64 from a seed: deterministic and dependency-free.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// An ETH fee in wei per block, a multiple of the 1e5 packing unit.
    pub fn fee(&mut self) -> u64 {
        GWEI + self.below(10_000) * 100_000
    }
}

#[derive(Debug, Clone, Copy)]
enum Op {
    AddOperator(u64),
    NetworkFee,
    /// Register `count` validators into cluster `cluster` in one transaction.
    Register {
        cluster: usize,
        count: u32,
    },
    /// Fee change `change` of operator `operator`: declared, then executed.
    Declare {
        change: u64,
        operator: u64,
    },
    Execute {
        change: u64,
        operator: u64,
    },
    Deposit,
}

/// Where the next log goes: blocks with 1–6 transactions, gaps so the history fills [`SPAN`].
#[derive(Debug)]
struct Cursor {
    block: u64,
    txs_left: u64,
    tx: u64,
    log_index: u64,
    average_gap: u64,
}

impl Cursor {
    fn begin_tx(&mut self, rng: &mut Rng) {
        if self.txs_left == 0 {
            self.block += 1 + rng.below(2 * self.average_gap - 1);
            self.txs_left = 1 + rng.below(6);
            self.tx = rng.below(20);
            self.log_index = rng.below(50);
        } else {
            self.tx += 1 + rng.below(10);
            self.log_index += 1 + rng.below(10);
        }
        self.txs_left -= 1;
    }

    fn next_position(&mut self) -> Position {
        let p = Position {
            block: self.block,
            transaction_index: self.tx,
            log_index: self.log_index,
        };
        self.log_index += 1;
        p
    }
}

/// The synthetic history: decoded logs (as the index keeps them) and the same logs raw (as
/// `eth_getLogs` returns them), in chain order.
#[derive(Debug)]
pub struct History {
    pub logs: Vec<SsvLog>,
    pub raw: Vec<Log>,
    /// Operator ids of every cluster (sorted).
    pub clusters: Vec<Vec<u64>>,
    /// The chain head the history was generated for (the last log is at least
    /// [`CONFIRMATIONS`] blocks below it).
    pub head: u64,
}

struct Generator {
    rng: Rng,
    cursor: Cursor,
    ledger: Ledger,
    params: LiquidationParams,
    clusters: Vec<(Vec<u64>, eth::EthCluster)>,
    registered: Vec<bool>,
    validators: u64,
    network_fee: u64,
    declared: Vec<u64>,
    logs: Vec<SsvLog>,
    raw: Vec<Log>,
}

/// The tuple SSVNetwork emits for a cluster state.
pub fn tuple(c: Cluster) -> ClusterTuple {
    ClusterTuple {
        validator_count: c.validator_count,
        network_fee_index: c.network_fee_index,
        index: c.index,
        active: c.active,
        balance: c.balance,
    }
}

/// `count` distinct committees of 4 operators out of `1..=operators`, each sorted.
pub fn committees(rng: &mut Rng, count: usize, operators: u64) -> Vec<Vec<u64>> {
    let mut seen = HashSet::new();
    (0..count)
        .map(|_| {
            loop {
                let mut ids: Vec<u64> = Vec::with_capacity(4);
                while ids.len() < 4 {
                    let id = 1 + rng.below(operators);
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                ids.sort_unstable();
                if seen.insert(ids.clone()) {
                    break ids;
                }
            }
        })
        .collect()
}

fn bytes(len: usize, seed: u64) -> Bytes {
    let seed = seed.to_le_bytes();
    Bytes::from(
        (0..len)
            .map(|i| seed[i % 8] ^ u8::try_from(i % 251).expect("below 251"))
            .collect::<Vec<u8>>(),
    )
}

impl Generator {
    /// Records one log: applies its accounting to the generator's ledger, keeps it decoded and
    /// raw.
    fn push(&mut self, event: SsvEvent, data: alloy::primitives::LogData) {
        let position = self.cursor.next_position();
        let log = SsvLog {
            position,
            block_hash: block_hash(position.block),
            transaction_hash: transaction_hash(position.block, position.transaction_index),
            event,
        };
        if let Some(event) = log.event.accounting() {
            self.ledger
                .apply(&AccountingLog {
                    position: position.into(),
                    event,
                })
                .expect("the synthetic log applies");
        }
        self.raw.push(Log {
            inner: alloy::primitives::Log {
                address: network(),
                data,
            },
            block_hash: Some(log.block_hash),
            block_number: Some(position.block),
            block_timestamp: None,
            transaction_hash: Some(log.transaction_hash),
            transaction_index: Some(position.transaction_index),
            log_index: Some(position.log_index),
            removed: false,
        });
        self.logs.push(log);
    }

    fn run(&mut self, op: Op) {
        self.cursor.begin_tx(&mut self.rng);
        let block = self.cursor.block;
        match op {
            Op::AddOperator(id) => {
                let fee = U256::from(self.rng.fee());
                let public_key = bytes(OPERATOR_KEY_LEN, id);
                let data = N::OperatorAdded {
                    operatorId: id,
                    owner: operator_owner(id),
                    publicKey: public_key.clone(),
                    fee,
                }
                .encode_log_data();
                self.push(
                    SsvEvent::OperatorAdded {
                        operator_id: id,
                        owner: operator_owner(id),
                        public_key,
                        fee,
                    },
                    data,
                );
            }
            Op::NetworkFee => {
                let old = self.network_fee;
                self.network_fee = 3_300_000_000 + self.rng.below(1_000) * 100_000;
                let new_fee = U256::from(self.network_fee);
                let data = N::NetworkFeeUpdated {
                    oldFee: U256::from(old),
                    newFee: new_fee,
                }
                .encode_log_data();
                self.push(SsvEvent::NetworkFeeUpdated { new_fee }, data);
            }
            Op::Register { cluster, count } => {
                let (ids, state) = self.clusters[cluster].clone();
                let at = self
                    .ledger
                    .indices(ClusterVersion::Eth, &ids, block)
                    .expect("known operators");
                let value = U256::from(10u64.pow(17)) * U256::from(count);
                let next = eth::register(&state, count, value, &at, &self.params)
                    .expect("synthetic registration");
                self.clusters[cluster].1 = next;
                self.registered[cluster] = true;
                // A bulk registration emits one ValidatorAdded per key, all with the final tuple.
                for _ in 0..count {
                    self.validators += 1;
                    let public_key = bytes(48, self.validators);
                    let data = N::ValidatorAdded {
                        owner: owner(),
                        operatorIds: ids.clone(),
                        publicKey: public_key.clone(),
                        shares: bytes(SHARES_LEN, self.validators),
                        cluster: tuple(next.cluster).into(),
                    }
                    .encode_log_data();
                    self.push(
                        SsvEvent::ValidatorAdded {
                            owner: owner(),
                            operator_ids: ids.clone(),
                            public_key,
                            cluster: tuple(next.cluster),
                        },
                        data,
                    );
                }
            }
            Op::Declare { change, operator } => {
                let fee = self.rng.fee();
                self.declared[slot(change)] = fee;
                let data = N::OperatorFeeDeclared {
                    owner: operator_owner(operator),
                    operatorId: operator,
                    blockNumber: U256::from(block),
                    fee: U256::from(fee),
                }
                .encode_log_data();
                self.push(
                    SsvEvent::OperatorFeeDeclared {
                        operator_id: operator,
                        fee: U256::from(fee),
                    },
                    data,
                );
            }
            Op::Execute { change, operator } => {
                let fee = U256::from(self.declared[slot(change)]);
                let data = N::OperatorFeeExecuted {
                    owner: operator_owner(operator),
                    operatorId: operator,
                    blockNumber: U256::from(block),
                    fee,
                }
                .encode_log_data();
                self.push(
                    SsvEvent::OperatorFeeExecuted {
                        operator_id: operator,
                        fee,
                    },
                    data,
                );
            }
            Op::Deposit => {
                let registered: Vec<usize> =
                    (0..CLUSTERS).filter(|&c| self.registered[c]).collect();
                let cluster = registered[slot(self.rng.below(registered.len() as u64))];
                let value = U256::from(GWEI * (1 + self.rng.below(1_000_000)));
                let (ids, state) = self.clusters[cluster].clone();
                let next = eth::deposit(&state, value).expect("deposit");
                self.clusters[cluster].1 = next;
                let data = N::ClusterDeposited {
                    owner: owner(),
                    operatorIds: ids.clone(),
                    value,
                    cluster: tuple(next.cluster).into(),
                }
                .encode_log_data();
                self.push(
                    SsvEvent::ClusterDeposited {
                        owner: owner(),
                        operator_ids: ids,
                        value,
                        cluster: tuple(next.cluster),
                    },
                    data,
                );
            }
        }
    }
}

impl History {
    /// The history (deterministic; generated in well under a second).
    pub fn generate() -> Self {
        let mut rng = Rng(0x5eed_0f55);
        let clusters = committees(&mut rng, CLUSTERS, OPERATORS);

        // The schedule: operators and the network fee first, then everything else shuffled.
        let mut middle = Vec::new();
        for cluster in 0..CLUSTERS {
            if cluster < BULK_CLUSTERS {
                middle.push(Op::Register { cluster, count: 4 });
            } else {
                middle.extend(
                    (0..VALIDATORS_PER_CLUSTER).map(|_| Op::Register { cluster, count: 1 }),
                );
            }
        }
        for change in 0..FEE_CHANGES {
            let operator = 1 + rng.below(OPERATORS);
            middle.push(Op::Declare { change, operator });
            middle.push(Op::Execute { change, operator });
        }
        middle.extend((0..NETWORK_FEE_CHANGES).map(|_| Op::NetworkFee));
        middle.extend((0..DEPOSITS).map(|_| Op::Deposit));
        for i in (1..middle.len()).rev() {
            middle.swap(i, slot(rng.below(i as u64 + 1)));
        }
        // A fee is executed after it is declared, and nothing deposits before a registration.
        let position_of =
            |ops: &[Op], f: &dyn Fn(&Op) -> bool| ops.iter().position(f).expect("scheduled");
        for change in 0..FEE_CHANGES {
            let d = position_of(
                &middle,
                &|op| matches!(op, Op::Declare { change: c, .. } if *c == change),
            );
            let e = position_of(
                &middle,
                &|op| matches!(op, Op::Execute { change: c, .. } if *c == change),
            );
            if e < d {
                middle.swap(d, e);
            }
        }
        loop {
            let register = position_of(&middle, &|op| matches!(op, Op::Register { .. }));
            let deposit = position_of(&middle, &|op| matches!(op, Op::Deposit));
            if deposit > register {
                break;
            }
            middle.swap(deposit, register);
        }
        let schedule: Vec<Op> = (1..=OPERATORS)
            .map(Op::AddOperator)
            .chain(std::iter::once(Op::NetworkFee))
            .chain(middle)
            .collect();

        // 3.5 transactions per block with logs on average; gaps fill 95% of the span.
        let txs = schedule.len() as u64;
        let average_gap = (SPAN * 95 * 7 / (100 * 2 * txs)).max(1);
        let mut generator = Generator {
            rng,
            cursor: Cursor {
                block: DEPLOYMENT_BLOCK - 1,
                txs_left: 0,
                tx: 0,
                log_index: 0,
                average_gap,
            },
            ledger: Ledger::default(),
            params: LiquidationParams::MAINNET_ETH,
            clusters: clusters
                .iter()
                .map(|ids| {
                    (
                        ids.clone(),
                        eth::EthCluster {
                            cluster: Cluster::NEW,
                            vunits: VUnits::Implicit,
                        },
                    )
                })
                .collect(),
            registered: vec![false; CLUSTERS],
            validators: 0,
            network_fee: 0,
            declared: vec![0; slot(FEE_CHANGES)],
            logs: Vec::new(),
            raw: Vec::new(),
        };
        for op in schedule {
            generator.run(op);
        }
        let last = generator.cursor.block;
        let head = (DEPLOYMENT_BLOCK + SPAN).max(last + CONFIRMATIONS);
        Self {
            logs: generator.logs,
            raw: generator.raw,
            clusters,
            head,
        }
    }

    /// The block of the last log.
    pub fn last_block(&self) -> u64 {
        self.logs
            .last()
            .map_or(DEPLOYMENT_BLOCK, |l| l.position.block)
    }
}

/// A node in memory: serves a history's raw logs, filtered by address, topics and block range as
/// `eth_getLogs` does, and counts requests by method. `max_range` refuses wider `eth_getLogs`
/// ranges as Alchemy does (2,000 blocks); `json` sends every answer through JSON as a transport
/// would.
#[derive(Debug)]
pub struct MemoryChain {
    logs: Vec<Log>,
    pub head: u64,
    pub max_range: Option<u64>,
    pub json: bool,
    pub counts: RpcCounts,
}

impl MemoryChain {
    /// `logs` in chain order; the head at `head`.
    pub fn new(logs: Vec<Log>, head: u64) -> Self {
        Self {
            logs,
            head,
            max_range: None,
            json: false,
            counts: RpcCounts::default(),
        }
    }

    /// Forgets the requests counted so far.
    pub fn reset_counts(&self) {
        self.counts.block_number.store(0, Ordering::Relaxed);
        self.counts.get_block.store(0, Ordering::Relaxed);
        self.counts.get_logs.store(0, Ordering::Relaxed);
    }

    /// `eth_blockNumber=…, eth_getBlockByNumber=…, eth_getLogs=…, total=…`.
    pub fn counts_line(&self) -> String {
        format!(
            "eth_blockNumber={} eth_getBlockByNumber={} eth_getLogs={} total={}",
            self.counts.block_number.load(Ordering::Relaxed),
            self.counts.get_block.load(Ordering::Relaxed),
            self.counts.get_logs.load(Ordering::Relaxed),
            self.counts.total(),
        )
    }
}

impl ChainSource for MemoryChain {
    async fn head(&self) -> Result<u64, SourceError> {
        self.counts.block_number.fetch_add(1, Ordering::Relaxed);
        Ok(self.head)
    }

    async fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError> {
        self.counts.get_block.fetch_add(1, Ordering::Relaxed);
        Ok((number <= self.head).then(|| block_hash(number)))
    }

    async fn logs(&self, filter: &Filter) -> Result<Vec<Log>, SourceError> {
        self.counts.get_logs.fetch_add(1, Ordering::Relaxed);
        let from = filter.get_from_block().unwrap_or(0);
        let to = filter.get_to_block().unwrap_or(self.head).min(self.head);
        if let Some(max) = self.max_range
            && to.saturating_sub(from) + 1 > max
        {
            return Err(SourceError::RangeTooLarge(format!(
                "Log response size exceeded. You can make eth_getLogs requests with up to a \
                 {max} block range and no limit on the response size."
            )));
        }
        let block = |l: &Log| l.block_number.expect("mined");
        let start = self.logs.partition_point(|l| block(l) < from);
        let end = self.logs.partition_point(|l| block(l) <= to);
        let found: Vec<Log> = self.logs[start..end]
            .iter()
            .filter(|l| filter.matches(&l.inner))
            .cloned()
            .collect();
        if self.json {
            let text = serde_json::to_string(&found).expect("logs serialise");
            return serde_json::from_str(&text).map_err(|e| SourceError::Other(e.to_string()));
        }
        Ok(found)
    }
}
