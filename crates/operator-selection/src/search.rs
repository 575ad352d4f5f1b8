//! Branch and bound over candidates in rank order: the cheapest committee under diversity caps.
//!
//! Candidates are sorted by cost key (fee, then performance deficit) and id. The depth-first
//! search takes before it skips, so it meets committees in lexicographic rank order and the first
//! committee found at a given cost is the preferred one among equals. A node is cut when a lower
//! bound on any completion is not better than the best committee so far. The bound is, over every
//! capped dimension, the cheapest way to fill the remaining seats respecting that dimension's cap
//! alone (a partition matroid, where greedy is exact); the largest of these is a valid bound, and
//! when one dimension cannot fill the seats at all the node has no completion.
//!
//! Dominance: two candidates that share every group that matters (groups with more than one
//! member) are interchangeable for the caps, so the better-ranked one dominates. A candidate is
//! taken only if the previous candidate with the same signature was taken too.

/// Dimensions the search knows: the five diversity dimensions plus one uncapped dimension that
/// makes the plain "cheapest r remaining" bound part of the same loop.
pub const DIMS: usize = 6;

/// Stop after this many nodes; the result then says it may not be optimal.
pub const NODE_BUDGET: u64 = 200_000;

/// One eligible candidate, reduced to what the search needs.
#[derive(Debug, Clone)]
pub struct Item {
    /// Lower is better: fee in the high bits, performance deficit in the low bits.
    pub key: u128,
    /// Group index per dimension.
    pub groups: [u32; DIMS],
}

/// A search problem. `items` must be sorted by rank (key, then id).
#[derive(Debug)]
pub struct Problem<'a> {
    /// Candidates in rank order, pinned ones excluded.
    pub items: &'a [Item],
    /// Pinned candidates, always in the committee.
    pub pinned: &'a [Item],
    /// Cap per dimension (`u32::MAX` for none).
    pub caps: [u32; DIMS],
    /// Groups per dimension.
    pub group_counts: [usize; DIMS],
    /// Committee size.
    pub size: usize,
}

/// The best committee found.
#[derive(Debug)]
pub struct Found {
    /// Indices into `items` (pinned not included), ascending.
    pub picked: Vec<usize>,
    /// Total key of the committee, pinned included.
    pub key: u128,
}

/// What the search returns.
#[derive(Debug)]
pub struct Outcome {
    /// The best committee, if any.
    pub best: Option<Found>,
    /// Nodes visited.
    pub nodes: u64,
    /// Whether the search finished (so `best` is optimal, or no committee exists).
    pub exhaustive: bool,
}

struct Search<'a> {
    p: &'a Problem<'a>,
    counts: [Vec<u32>; DIMS],
    scratch: [Vec<u32>; DIMS],
    touched: Vec<(usize, u32)>,
    active: Vec<usize>,
    picked: Vec<usize>,
    taken: Vec<bool>,
    prev_same: Vec<Option<usize>>,
    cur: u128,
    best: Option<Found>,
    nodes: u64,
    budget: u64,
    exhausted: bool,
}

/// Run the search with the default node budget.
pub fn search(problem: &Problem<'_>) -> Outcome {
    search_with_budget(problem, NODE_BUDGET)
}

/// Run the search, stopping after `budget` nodes.
pub fn search_with_budget(problem: &Problem<'_>, budget: u64) -> Outcome {
    let counts: [Vec<u32>; DIMS] = std::array::from_fn(|d| vec![0; problem.group_counts[d]]);
    let active: Vec<usize> = (0..DIMS)
        .filter(|&d| problem.caps[d] != u32::MAX || d == DIMS - 1)
        .collect();
    let prev_same = previous_same_signature(problem, &active);
    let mut s = Search {
        p: problem,
        scratch: counts.clone(),
        counts,
        touched: Vec::new(),
        active,
        picked: Vec::with_capacity(problem.size),
        taken: vec![false; problem.items.len()],
        prev_same,
        cur: 0,
        best: None,
        nodes: 0,
        budget,
        exhausted: false,
    };
    for item in problem.pinned {
        if !s.fits(item) {
            return Outcome {
                best: None,
                nodes: 0,
                exhaustive: true,
            };
        }
        s.add(item, 1);
        s.cur += item.key;
    }
    if problem.pinned.len() > problem.size {
        return Outcome {
            best: None,
            nodes: 0,
            exhaustive: true,
        };
    }
    s.dfs(0);
    Outcome {
        best: s.best,
        nodes: s.nodes,
        exhaustive: !s.exhausted,
    }
}

/// For each item, the closest better-ranked item with the same signature: its groups in the
/// capped dimensions, with groups of a single member (which no cap can bind) left out.
fn previous_same_signature(problem: &Problem<'_>, active: &[usize]) -> Vec<Option<usize>> {
    let mut sizes: [Vec<u32>; DIMS] = std::array::from_fn(|d| vec![0; problem.group_counts[d]]);
    for item in problem.items.iter().chain(problem.pinned) {
        for &d in active {
            sizes[d][item.groups[d] as usize] += 1;
        }
    }
    let mut last: std::collections::HashMap<[u32; DIMS], usize> =
        std::collections::HashMap::with_capacity(problem.items.len());
    problem
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut signature = [u32::MAX; DIMS];
            for &d in active {
                if d != DIMS - 1 && sizes[d][item.groups[d] as usize] > 1 {
                    signature[d] = item.groups[d];
                }
            }
            last.insert(signature, i)
        })
        .collect()
}

impl Search<'_> {
    fn fits(&self, item: &Item) -> bool {
        self.active
            .iter()
            .all(|&d| self.counts[d][item.groups[d] as usize] < self.p.caps[d])
    }

    fn add(&mut self, item: &Item, delta: i32) {
        for &d in &self.active {
            let slot = &mut self.counts[d][item.groups[d] as usize];
            *slot = slot.wrapping_add_signed(delta);
        }
    }

    fn seats_left(&self) -> usize {
        self.p.size - self.p.pinned.len() - self.picked.len()
    }

    fn dfs(&mut self, start: usize) {
        let r = self.seats_left();
        if r == 0 {
            if self.best.as_ref().is_none_or(|b| self.cur < b.key) {
                self.best = Some(Found {
                    picked: self.picked.clone(),
                    key: self.cur,
                });
            }
            return;
        }
        let n = self.p.items.len();
        for c in start..n {
            if n - c < r {
                break;
            }
            // An item that does not fit now never fits deeper in this branch; the bound from
            // here equals the bound from the next item that fits.
            if !self.fits(&self.p.items[c]) {
                continue;
            }
            if self.prev_same[c].is_some_and(|p| !self.taken[p]) {
                continue;
            }
            self.nodes += 1;
            if self.nodes > self.budget {
                self.exhausted = true;
                return;
            }
            let Some(lower) = self.bound(c, r) else {
                break;
            };
            if self
                .best
                .as_ref()
                .is_some_and(|b| self.cur.saturating_add(lower) >= b.key)
            {
                break;
            }
            let item = &self.p.items[c];
            self.add(item, 1);
            self.cur += item.key;
            self.picked.push(c);
            self.taken[c] = true;
            self.dfs(c + 1);
            self.taken[c] = false;
            self.picked.pop();
            self.cur -= item.key;
            self.add(item, -1);
            if self.exhausted {
                return;
            }
        }
    }

    /// Lower bound on the key of `r` more members taken from `items[from..]`, or `None` when
    /// some dimension cannot seat `r` more.
    fn bound(&mut self, from: usize, r: usize) -> Option<u128> {
        let mut sums = [0u128; DIMS];
        let mut picks = [0usize; DIMS];
        let mut open = self.active.len();
        for item in &self.p.items[from..] {
            if !self.fits(item) {
                continue;
            }
            for &d in &self.active {
                if picks[d] == r {
                    continue;
                }
                let g = item.groups[d] as usize;
                if self.counts[d][g] + self.scratch[d][g] < self.p.caps[d] {
                    self.scratch[d][g] += 1;
                    #[allow(clippy::cast_possible_truncation, reason = "group ids are u32")]
                    self.touched.push((d, g as u32));
                    sums[d] += item.key;
                    picks[d] += 1;
                    if picks[d] == r {
                        open -= 1;
                    }
                }
            }
            if open == 0 {
                break;
            }
        }
        for (d, g) in self.touched.drain(..) {
            self.scratch[d][g as usize] = 0;
        }
        if open > 0 {
            return None;
        }
        self.active.iter().map(|&d| sums[d]).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: u128, provider: u32) -> Item {
        Item {
            key,
            groups: [0, provider, 0, 0, 0, 0],
        }
    }

    fn problem(items: &[Item], cap: u32, size: usize) -> Problem<'_> {
        let mut caps = [u32::MAX; DIMS];
        caps[1] = cap;
        Problem {
            items,
            pinned: &[],
            caps,
            group_counts: [1, 8, 1, 1, 1, 1],
            size,
        }
    }

    /// Every subset of `size`, checked by brute force.
    fn brute(items: &[Item], cap: u32, size: usize) -> Option<u128> {
        let n = items.len();
        let mut best: Option<u128> = None;
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize != size {
                continue;
            }
            let mut per = [0u32; 8];
            let mut key = 0;
            let mut ok = true;
            for (i, it) in items.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    per[it.groups[1] as usize] += 1;
                    ok &= per[it.groups[1] as usize] <= cap;
                    key += it.key;
                }
            }
            if ok {
                best = Some(best.map_or(key, |b: u128| b.min(key)));
            }
        }
        best
    }

    #[test]
    fn matches_brute_force_on_small_cases() {
        let mut seed = 7u64;
        for _ in 0..200 {
            let mut items: Vec<Item> = (0..12)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    item(u128::from((seed >> 33) % 20), ((seed >> 20) % 4) as u32)
                })
                .collect();
            items.sort_by_key(|i| i.key);
            for cap in 1..=2 {
                let out = search(&problem(&items, cap, 4));
                assert!(out.exhaustive);
                assert_eq!(out.best.map(|b| b.key), brute(&items, cap, 4));
            }
        }
    }

    #[test]
    fn budget_stops_the_search() {
        let items: Vec<Item> = (0..40).map(|i| item(i, (i % 8) as u32)).collect();
        let out = search_with_budget(&problem(&items, 1, 7), 3);
        assert!(!out.exhaustive);
        assert_eq!(out.nodes, 4);
    }
}
