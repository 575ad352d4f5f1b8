//! A deterministic stream of SSVNetwork logs for the replay benchmark and the memory example:
//! 100 operators, 50 owners × 50 clusters of 4 validators (10,000 validators in 2,500 clusters),
//! then fee changes, top-ups, withdrawals and oracle balance updates, ten logs per block.
//!
//! Every cluster tuple is what the contract would emit, computed with the crate's own
//! transition functions on the generator's copy of the operator and network state.

use alloy_primitives::{Address, U256};
use cluster_accounting::{
    Cluster, ClusterIndices, ClusterVersion, Event, FeeSnapshot, LiquidationParams, Log,
    LogPosition, NetworkState, OperatorState, VUnits, eth,
};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

pub const OPERATORS: u64 = 100;
pub const OWNERS: u64 = 50;
pub const CLUSTERS_PER_OWNER: u64 = 50;
pub const VALIDATORS_PER_CLUSTER: u32 = 4;
pub const LOGS_PER_BLOCK: u64 = 10;

const GWEI: u64 = 1_000_000_000;

#[derive(Debug)]
struct SyntheticCluster {
    owner: Address,
    operator_ids: Vec<u64>,
    state: eth::EthCluster,
}

/// The log stream; an `Iterator` so a million logs never sit in memory at once.
#[derive(Debug)]
pub struct Synthetic {
    rng: StdRng,
    total: u64,
    emitted: u64,
    operators: Vec<OperatorState>,
    network: NetworkState,
    clusters: Vec<SyntheticCluster>,
    params: LiquidationParams,
    /// Registration progress: (cluster index, validators registered in it).
    registering: (usize, u32),
}

fn slot(index: u64) -> usize {
    usize::try_from(index).expect("index fits usize")
}

pub fn owner(index: u64) -> Address {
    let mut bytes = [0u8; 20];
    bytes[12..].copy_from_slice(&(index + 1).to_be_bytes());
    Address::from(bytes)
}

fn operator_ids(owner_index: u64, cluster_index: u64) -> Vec<u64> {
    let first = (owner_index * 7 + cluster_index) % (OPERATORS - 4) + 1;
    (first..first + 4).collect()
}

impl Synthetic {
    /// `total` logs (at least the set-up and registrations: 101 + 10,000).
    pub fn new(total: u64) -> Self {
        let clusters = (0..OWNERS)
            .flat_map(|o| {
                (0..CLUSTERS_PER_OWNER).map(move |c| SyntheticCluster {
                    owner: owner(o),
                    operator_ids: operator_ids(o, c),
                    state: eth::EthCluster {
                        cluster: Cluster::NEW,
                        vunits: VUnits::Implicit,
                    },
                })
            })
            .collect();
        Self {
            rng: StdRng::seed_from_u64(0x5eed),
            total,
            emitted: 0,
            operators: Vec::with_capacity(slot(OPERATORS)),
            network: NetworkState::default(),
            clusters,
            params: LiquidationParams::MAINNET_ETH,
            registering: (0, 0),
        }
    }

    fn log_position(&self) -> LogPosition {
        let n = self.emitted;
        LogPosition::new(1 + n / LOGS_PER_BLOCK, n % LOGS_PER_BLOCK, 0)
    }

    fn indices(&self, ids: &[u64], block: u64) -> ClusterIndices {
        ClusterIndices::compute(
            ClusterVersion::Eth,
            block,
            ids.iter().map(|&id| &self.operators[slot(id - 1)]),
            &self.network,
        )
        .expect("synthetic indices")
    }

    fn fee(&mut self) -> u64 {
        GWEI + self.rng.random_range(0..10_000) * 100_000
    }

    fn next_event(&mut self, block: u64) -> Event {
        let n = self.emitted;
        if n < OPERATORS {
            let fee = self.fee();
            self.operators.push(OperatorState {
                id: n + 1,
                ssv: FeeSnapshot::new(0, block),
                eth: FeeSnapshot::new(fee / 100_000, block),
                removed: false,
            });
            return Event::OperatorAdded {
                operator_id: n + 1,
                fee: U256::from(fee),
            };
        }
        if n == OPERATORS || n.is_multiple_of(100_000) {
            let fee = 3_300_000_000 + self.rng.random_range(0..1_000) * 100_000;
            self.network
                .eth
                .change_fee(block, fee / 100_000)
                .expect("network fee");
            return Event::NetworkFeeUpdated {
                new_fee: U256::from(fee),
            };
        }
        let (cluster_index, registered) = self.registering;
        if cluster_index < self.clusters.len() {
            // Registration phase: one validator per log, enough ETH for a long runway.
            let ids = self.clusters[cluster_index].operator_ids.clone();
            let at = self.indices(&ids, block);
            let c = &mut self.clusters[cluster_index];
            c.state = eth::register(&c.state, 1, U256::from(10u64.pow(17)), &at, &self.params)
                .expect("synthetic registration");
            self.registering = if registered + 1 == VALIDATORS_PER_CLUSTER {
                (cluster_index + 1, 0)
            } else {
                (cluster_index, registered + 1)
            };
            return Event::ValidatorAdded {
                owner: c.owner,
                operator_ids: ids,
                cluster: c.state.cluster,
            };
        }
        let pick = self.rng.random_range(0..100);
        if pick < 5 {
            let operator_id = 1 + self.rng.random_range(0..OPERATORS);
            let fee = self.fee();
            self.operators[slot(operator_id - 1)]
                .eth
                .change_fee(block, fee / 100_000)
                .expect("operator fee");
            return Event::OperatorFeeExecuted {
                operator_id,
                fee: U256::from(fee),
            };
        }
        let cluster_index = self.rng.random_range(0..self.clusters.len());
        let ids = self.clusters[cluster_index].operator_ids.clone();
        if pick < 90 {
            let value = U256::from(GWEI * (1 + self.rng.random_range(0..1_000_000)));
            let c = &mut self.clusters[cluster_index];
            c.state = eth::deposit(&c.state, value).expect("deposit");
            return Event::ClusterDeposited {
                owner: c.owner,
                operator_ids: ids,
                value,
                cluster: c.state.cluster,
            };
        }
        let at = self.indices(&ids, block);
        let params = self.params;
        let c = &mut self.clusters[cluster_index];
        if pick < 95 {
            let value = U256::from(GWEI);
            c.state = eth::withdraw(&c.state, value, &at, &params).expect("withdraw");
            Event::ClusterWithdrawn {
                owner: c.owner,
                operator_ids: ids,
                value,
                cluster: c.state.cluster,
            }
        } else {
            let effective_balance = 128 + self.rng.random_range(0..4u32);
            let update = eth::update_effective_balance(&c.state, effective_balance, &at, &params)
                .expect("balance update");
            assert!(
                update.liquidation_refund.is_none(),
                "synthetic clusters stay funded"
            );
            c.state = update.state;
            Event::ClusterBalanceUpdated {
                owner: c.owner,
                operator_ids: ids,
                effective_balance,
                cluster: c.state.cluster,
            }
        }
    }

    /// The block of the last log emitted.
    pub fn head_block(&self) -> u64 {
        1 + self.emitted.saturating_sub(1) / LOGS_PER_BLOCK
    }

    /// The generator's own view of every cluster: (owner, ids, state, fee indices at the head
    /// block). Used by the replay test to check the ledger against it.
    #[allow(dead_code)] // used by tests/synthetic_replay.rs only
    pub fn expected(&self) -> Vec<(Address, Vec<u64>, eth::EthCluster, ClusterIndices)> {
        let head = self.head_block();
        self.clusters
            .iter()
            .map(|c| {
                let at = self.indices(&c.operator_ids, head);
                (c.owner, c.operator_ids.clone(), c.state, at)
            })
            .collect()
    }

    /// Every cluster as (owner, operator ids).
    pub fn cluster_keys(&self) -> impl Iterator<Item = (Address, &[u64])> {
        self.clusters
            .iter()
            .map(|c| (c.owner, c.operator_ids.as_slice()))
    }
}

impl Iterator for Synthetic {
    type Item = Log;

    fn next(&mut self) -> Option<Log> {
        if self.emitted == self.total {
            return None;
        }
        let position = self.log_position();
        let event = self.next_event(position.block);
        self.emitted += 1;
        Some(Log { position, event })
    }
}
