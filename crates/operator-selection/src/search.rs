//! Exact search for the cheapest committee under diversity caps.
//!
//! The problem: take `size` candidates (pinned ones included) of least total cost key, with at
//! most `cap` members sharing a group in each capped dimension. Among committees of equal cost
//! the one whose members come first in rank order (lexicographically, members sorted) wins.
//!
//! The stages, each exact:
//!
//! 1. **Useless and dominated candidates go.** A candidate whose group is already full of
//!    pinned operators never fits. A group *binds* when it has more candidates than free seats
//!    and fewer free seats than seats to fill. Candidates in the same binding groups of every
//!    dimension are interchangeable for the caps, so at most `m` of such a class can be in a
//!    committee together (`m` the least free seats of those groups, at most the seats to fill),
//!    and only the `m` best-ranked can be in the preferred one: a later member can always be
//!    swapped for an unused earlier one at no extra cost, and the committee then ranks first.
//! 2. **An upper bound.** Greedy fills that never take a candidate that would leave some
//!    dimension unable to seat the rest give a committee; its cost is a limit.
//! 3. **A Lagrangian lower bound.** Each binding group's cap is priced with a multiplier
//!    `λ ≥ 0`: a candidate costs `key + Σ λ` of its groups, and the caps are dropped. For any
//!    `λ`, the cheapest `seats` candidates at those prices, less `Σ λ·room`, bound every
//!    committee from below; subgradient steps raise the bound towards the linear-programming
//!    bound, which on operator markets is close to the optimum.
//! 4. **Reduced-cost fixing.** Forcing a candidate into the relaxation costs at least its price
//!    minus the dearest price the relaxation took; a candidate for which that bound is worse
//!    than the limit is in no committee as good as the limit, and goes (before any multiplier,
//!    with `λ = 0`, and with every multiplier tried).
//! 5. **Branch and bound** over what is left, in rank order, taking before skipping, so
//!    committees are met in lexicographic order and the first one found at a cost is the
//!    preferred one. A branch is cut when one of two bounds on its completions is worse than
//!    the limit: the Lagrangian bound and, for every capped dimension, the cheapest completion
//!    respecting that dimension's cap alone (a partition matroid, where greedy is exact). Both
//!    only grow as the branch point moves down the ranking, so the first cut ends the loop. The
//!    first members' subproblems get their own multipliers and fixing (the subproblem's linear
//!    bound is much closer to its optimum than the root's). Of a class of interchangeable
//!    candidates, one is taken only when the previous one was.
//!
//! Every removal and cut keeps the preferred optimal committee, so the result is the one an
//! exhaustive enumeration finds. The search still counts its nodes and stops at a budget, which
//! no realistic market comes near; the caller is then told the committee may not be the best.

use std::collections::HashMap;

/// Dimensions the search knows: the five diversity dimensions plus one spare, uncapped one.
pub const DIMS: usize = 6;

/// Stop after this many branch-and-bound nodes; the result then says it may not be optimal.
pub const NODE_BUDGET: u64 = 2_000_000;

/// Subgradient steps at the root.
const ROOT_STEPS: usize = 200;

/// Subgradient steps for the subproblem of one of the first members, from its parent's
/// multipliers.
const BRANCH_STEPS: usize = 20;

/// First step length of an ascent, as a fraction of the gap to the limit (Polyak's rule).
const FIRST_STEP: f64 = 2.0;

/// Steps without a better bound after which the step length halves.
const STALE_STEPS: usize = 5;

/// A dimension with more binding groups than this (owners, typically) is left to the
/// per-dimension bound: so many multipliers slow the ascent down more than they raise it.
const MAX_PRICED_GROUPS: usize = 64;

/// Subproblems with up to this many members fixed get their own multipliers.
const BRANCH_DEPTH: usize = 2;

/// Keys at or above this disable the Lagrangian bound, so that prices, sums and `Σ λ·room`
/// stay far from `i128` overflow (real keys are below 2^64).
const LAGRANGE_KEY_LIMIT: u128 = 1 << 96;

/// No group.
const NONE: u32 = u32::MAX;

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
    #[cfg_attr(not(test), allow(dead_code, reason = "read by the tests"))]
    pub key: u128,
}

/// What the search returns.
#[derive(Debug)]
pub struct Outcome {
    /// The best committee, if any.
    pub best: Option<Found>,
    /// Branch-and-bound nodes visited.
    pub nodes: u64,
    /// Whether the search finished (so `best` is optimal, or no committee exists).
    pub exhaustive: bool,
}

/// Run the search with the default node budget.
pub fn search(problem: &Problem<'_>) -> Outcome {
    search_with_budget(problem, NODE_BUDGET)
}

/// Run the search, stopping after `budget` branch-and-bound nodes.
pub fn search_with_budget(problem: &Problem<'_>, budget: u64) -> Outcome {
    let infeasible = Outcome {
        best: None,
        nodes: 0,
        exhaustive: true,
    };
    let Some(root) = Root::new(problem) else {
        return infeasible;
    };
    if root.seats == 0 {
        return Outcome {
            best: Some(Found {
                picked: Vec::new(),
                key: root.base,
            }),
            nodes: 0,
            exhaustive: true,
        };
    }
    let mut pool = root.usable(problem);
    if pool.len() < root.seats {
        return infeasible;
    }
    // Every committee costs at most the `seats` dearest candidates.
    let mut incumbent = Incumbent {
        limit: Limit {
            key: root
                .base
                .saturating_add(pool.key[pool.len() - root.seats..].iter().sum()),
            inclusive: true,
        },
        committee: None,
    };
    let ranked: Vec<usize> = (0..pool.len()).collect();
    incumbent.offer(root.greedy(&pool, &ranked), &pool);
    root.truncate_by_key(&mut pool, incumbent.limit);
    root.drop_dominated(&mut pool);
    let dual = Lagrange::at_root(&root, &mut pool, &mut incumbent);
    let mut s = Search::new(&root, &pool, dual, incumbent.limit, budget);
    s.dfs(0);
    let exhaustive = !s.exhausted;
    let nodes = s.nodes;
    let best = match s.best {
        Some((key, picked)) => Some(Found {
            picked: picked.iter().map(|&i| pool.orig[i]).collect(),
            key,
        }),
        // A finished search always finds a committee when a greedy fill found one (that
        // committee, or one ranked before it at no extra cost, survives every cut); a stopped
        // one may not, and then returns the best greedy committee.
        None => incumbent.committee,
    };
    Outcome {
        best,
        nodes,
        exhaustive,
    }
}

/// The best cost so far; `inclusive` while no branch-and-bound committee has reached it (a
/// committee of exactly this cost may still be the preferred one).
#[derive(Debug, Clone, Copy)]
struct Limit {
    key: u128,
    inclusive: bool,
}

impl Limit {
    /// Whether a lower bound of `lower` rules a branch out.
    fn cuts(self, lower: u128) -> bool {
        lower > self.key || (lower == self.key && !self.inclusive)
    }

    /// The same for a signed bound.
    fn cuts_signed(self, lower: i128) -> bool {
        u128::try_from(lower).is_ok_and(|l| self.cuts(l))
    }
}

/// The limit before branch and bound, and the committee of the greedy fill that set it.
struct Incumbent {
    limit: Limit,
    committee: Option<Found>,
}

impl Incumbent {
    /// Take `committee` (key, pool indices) when it is cheaper; whether it was.
    fn offer(&mut self, committee: Option<(u128, Vec<usize>)>, pool: &Pool) -> bool {
        let Some((key, mut members)) = committee else {
            return false;
        };
        if key >= self.limit.key {
            return false;
        }
        self.limit.key = key;
        members.sort_unstable();
        self.committee = Some(Found {
            picked: members.iter().map(|&i| pool.orig[i]).collect(),
            key,
        });
        true
    }
}

/// What the pinned operators leave: free seats per group, seats, and the active dimensions.
struct Root {
    /// Capped dimensions.
    active: Vec<usize>,
    /// Free seats per group of each capped dimension, pinned operators counted.
    room: [Vec<u32>; DIMS],
    /// Seats left for the search.
    seats: usize,
    /// Total key of the pinned operators.
    base: u128,
}

/// Candidates still in play, in rank order.
#[derive(Debug, Default)]
struct Pool {
    /// Index into `Problem::items`.
    orig: Vec<usize>,
    key: Vec<u128>,
    groups: Vec<[u32; DIMS]>,
}

impl Pool {
    fn len(&self) -> usize {
        self.orig.len()
    }

    /// Keep the candidates for which `keep` holds (called once per candidate, in order).
    fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let mut next = 0;
        for i in 0..self.len() {
            if keep(i) {
                self.orig[next] = self.orig[i];
                self.key[next] = self.key[i];
                self.groups[next] = self.groups[i];
                next += 1;
            }
        }
        self.orig.truncate(next);
        self.key.truncate(next);
        self.groups.truncate(next);
    }
}

impl Root {
    fn new(p: &Problem<'_>) -> Option<Self> {
        if p.pinned.len() > p.size {
            return None;
        }
        let active: Vec<usize> = (0..DIMS).filter(|&d| p.caps[d] != u32::MAX).collect();
        let mut room: [Vec<u32>; DIMS] = std::array::from_fn(|d| {
            if active.contains(&d) {
                vec![p.caps[d]; p.group_counts[d]]
            } else {
                Vec::new()
            }
        });
        let mut base = 0u128;
        for item in p.pinned {
            for &d in &active {
                let slot = &mut room[d][item.groups[d] as usize];
                *slot = slot.checked_sub(1)?;
            }
            base = base.saturating_add(item.key);
        }
        Some(Self {
            active,
            room,
            seats: p.size - p.pinned.len(),
            base,
        })
    }

    /// Whether a group's cap can bind: more candidates than free seats, and fewer free seats
    /// than seats to fill.
    fn binds(&self, d: usize, g: usize, members: u32) -> bool {
        let room = self.room[d][g];
        members > room && (room as usize) < self.seats
    }

    /// Candidates per group of each capped dimension.
    fn members(&self, groups: &[[u32; DIMS]]) -> [Vec<u32>; DIMS] {
        let mut members: [Vec<u32>; DIMS] = std::array::from_fn(|d| vec![0; self.room[d].len()]);
        for g in groups {
            for &d in &self.active {
                members[d][g[d] as usize] += 1;
            }
        }
        members
    }

    /// The candidates that fit beside the pinned operators.
    fn usable(&self, p: &Problem<'_>) -> Pool {
        let mut pool = Pool::default();
        for (i, item) in p.items.iter().enumerate() {
            if self
                .active
                .iter()
                .all(|&d| self.room[d][item.groups[d] as usize] > 0)
            {
                pool.orig.push(i);
                pool.key.push(item.key);
                pool.groups.push(item.groups);
            }
        }
        pool
    }

    /// Cut each class of interchangeable candidates (the same groups wherever a group can
    /// bind) to the best-ranked ones that can be in a committee together.
    fn drop_dominated(&self, pool: &mut Pool) {
        let members = self.members(&pool.groups);
        let mut seen: HashMap<[u32; DIMS], usize> = HashMap::with_capacity(pool.len());
        let groups = pool.groups.clone();
        pool.retain(|i| {
            let mut signature = [NONE; DIMS];
            let mut most = self.seats;
            for &d in &self.active {
                let g = groups[i][d] as usize;
                if self.binds(d, g, members[d][g]) {
                    signature[d] = groups[i][d];
                    most = most.min(self.room[d][g] as usize);
                }
            }
            let taken = seen.entry(signature).or_default();
            *taken += 1;
            *taken <= most
        });
    }

    /// Fill the seats with candidates in `order`: each one that fits is taken unless some
    /// capped dimension could then no longer seat the rest from the candidates after it.
    fn greedy(&self, pool: &Pool, order: &[usize]) -> Option<(u128, Vec<usize>)> {
        // Per group: members taken, and candidates not yet passed.
        let mut used: [Vec<u32>; DIMS] = std::array::from_fn(|d| vec![0; self.room[d].len()]);
        let mut ahead: [Vec<u32>; DIMS] = std::array::from_fn(|d| vec![0; self.room[d].len()]);
        for &i in order {
            for &d in &self.active {
                ahead[d][pool.groups[i][d] as usize] += 1;
            }
        }
        // Per dimension: Σ over groups of min(free seats, candidates ahead).
        let reach = |d: usize, g: usize, used: &[Vec<u32>; DIMS], ahead: &[Vec<u32>; DIMS]| {
            (self.room[d][g] - used[d][g]).min(ahead[d][g]) as usize
        };
        let mut reachable = [0usize; DIMS];
        for &d in &self.active {
            reachable[d] = (0..self.room[d].len())
                .map(|g| reach(d, g, &used, &ahead))
                .sum();
        }
        let mut members = Vec::with_capacity(self.seats);
        let mut key = self.base;
        for &i in order {
            let groups = pool.groups[i];
            let fits = self
                .active
                .iter()
                .all(|&d| used[d][groups[d] as usize] < self.room[d][groups[d] as usize]);
            // Pass the candidate, then take it if the others can still be seated.
            for &d in &self.active {
                let g = groups[d] as usize;
                reachable[d] -= reach(d, g, &used, &ahead);
                ahead[d][g] -= 1;
                if fits {
                    used[d][g] += 1;
                }
                reachable[d] += reach(d, g, &used, &ahead);
            }
            if fits {
                let left = self.seats - members.len() - 1;
                if self.active.iter().all(|&d| reachable[d] >= left) {
                    members.push(i);
                    key = key.saturating_add(pool.key[i]);
                    if members.len() == self.seats {
                        return Some((key, members));
                    }
                    continue;
                }
                for &d in &self.active {
                    let g = groups[d] as usize;
                    reachable[d] -= reach(d, g, &used, &ahead);
                    used[d][g] -= 1;
                    reachable[d] += reach(d, g, &used, &ahead);
                }
            }
            if self
                .active
                .iter()
                .any(|&d| reachable[d] < self.seats - members.len())
            {
                return None;
            }
        }
        None
    }

    /// Reduced-cost fixing without multipliers: a candidate forced into the `seats` cheapest
    /// costs at least the cheapest `seats` plus its key minus the last of them; the pool is in
    /// key order, so the ones over the limit form a tail.
    fn truncate_by_key(&self, pool: &mut Pool, limit: Limit) {
        let cheapest: u128 = self
            .base
            .saturating_add(pool.key[..self.seats].iter().sum());
        let last = pool.key[self.seats - 1];
        let keep = (self.seats..pool.len())
            .find(|&i| limit.cuts((cheapest - last).saturating_add(pool.key[i])))
            .unwrap_or(pool.len());
        pool.retain(|i| i < keep);
    }

    /// Whether `members` (pool indices) respect every cap.
    fn feasible(&self, pool: &Pool, members: &[usize]) -> bool {
        self.active.iter().all(|&d| {
            let mut used: HashMap<u32, u32> = HashMap::new();
            members.iter().all(|&i| {
                let g = pool.groups[i][d];
                let n = used.entry(g).or_default();
                *n += 1;
                *n <= self.room[d][g as usize]
            })
        })
    }
}

/// The binding groups of a pool: their free seats, and each candidate's among them.
struct Binding {
    /// Dimension and group of each binding group.
    groups: Vec<(usize, usize)>,
    /// Free seats of each binding group, beside the pinned operators.
    rooms: Vec<i128>,
    /// Per candidate: its binding groups (`NONE` where it has none).
    of: Vec<[u32; DIMS]>,
}

impl Binding {
    fn new(root: &Root, pool: &Pool) -> Self {
        let members = root.members(&pool.groups);
        let mut index: [Vec<u32>; DIMS] = std::array::from_fn(|d| vec![NONE; root.room[d].len()]);
        let mut groups = Vec::new();
        let mut rooms = Vec::new();
        for &d in &root.active {
            let binding: Vec<usize> = (0..root.room[d].len())
                .filter(|&g| root.binds(d, g, members[d][g]))
                .collect();
            if binding.len() > MAX_PRICED_GROUPS {
                continue;
            }
            for g in binding {
                index[d][g] = u32::try_from(rooms.len()).unwrap_or(NONE);
                groups.push((d, g));
                rooms.push(i128::from(root.room[d][g]));
            }
        }
        let of = pool
            .groups
            .iter()
            .map(|g| {
                let mut of = [NONE; DIMS];
                for &d in &root.active {
                    of[d] = index[d][g[d] as usize];
                }
                of
            })
            .collect();
        Self { groups, rooms, of }
    }
}

/// A Lagrangian relaxation: `seats` more members from some candidates, beside members of total
/// key `base`, with `rooms` free seats per binding group.
struct Relaxation<'a> {
    key: &'a [u128],
    of: &'a [[u32; DIMS]],
    rooms: Vec<i128>,
    seats: usize,
    base: i128,
}

/// What a subgradient ascent leaves.
struct Ascent {
    /// The best bound found.
    bound: i128,
    /// Its multipliers.
    lambda: Vec<i128>,
}

impl Relaxation<'_> {
    /// Write `key + Σ λ` of every candidate in `cands` into `price`.
    fn price(&self, cands: &[usize], lambda: &[i128], price: &mut [i128]) {
        for &i in cands {
            price[i] = self.of[i]
                .iter()
                .filter(|&&k| k != NONE)
                .fold(i128::try_from(self.key[i]).unwrap_or(i128::MAX), |p, &k| {
                    p + lambda[k as usize]
                });
        }
    }

    /// `base − Σ λ·room`: the bound less the prices of the members to come.
    fn offset(&self, lambda: &[i128]) -> i128 {
        self.base
            - lambda
                .iter()
                .zip(&self.rooms)
                .map(|(l, r)| l * r)
                .sum::<i128>()
    }

    /// The bound, and the `seats` cheapest candidates by price (into `order`).
    fn solve(
        &self,
        cands: &[usize],
        price: &[i128],
        lambda: &[i128],
        order: &mut Vec<usize>,
    ) -> i128 {
        order.clear();
        order.extend_from_slice(cands);
        if self.seats < order.len() {
            order.select_nth_unstable_by_key(self.seats - 1, |&i| (price[i], i));
        }
        order.truncate(self.seats);
        order.iter().fold(self.offset(lambda), |s, &i| s + price[i])
    }

    /// Reduced-cost fixing: drop from `cands` the candidates whose forced bound is cut.
    fn fix(cands: &mut Vec<usize>, price: &[i128], bound: i128, chosen: &[usize], limit: Limit) {
        let last = chosen.iter().map(|&i| price[i]).max().unwrap_or(0);
        cands.retain(|&i| !limit.cuts_signed(bound - last + price[i]) || chosen.contains(&i));
    }

    /// Subgradient ascent from `start` over `cands`, for at most `steps` steps, fixing as it
    /// goes and at the end with the best multipliers. On return `price` holds the best
    /// multipliers' prices of the candidates left. `round` sees each step's relaxation (its
    /// choice and prices) and says whether it improved the limit.
    #[allow(
        clippy::too_many_arguments,
        reason = "one ascent, used at the root and in branches"
    )]
    fn ascend(
        &self,
        cands: &mut Vec<usize>,
        start: &[i128],
        steps: usize,
        limit: &mut Limit,
        price: &mut [i128],
        mut round: impl FnMut(usize, &[usize], &[usize], &[i128], &mut Limit) -> bool,
    ) -> Ascent {
        let key_max = cands.iter().map(|&i| self.key[i]).max().unwrap_or(0);
        #[allow(
            clippy::cast_precision_loss,
            reason = "keys below 2^96; multipliers are heuristic"
        )]
        let lambda_max = key_max as f64;
        #[allow(clippy::cast_precision_loss, reason = "multipliers are heuristic")]
        let mut lambda: Vec<f64> = start.iter().map(|&l| l as f64).collect();
        let mut best = Ascent {
            bound: i128::MIN,
            lambda: start.to_vec(),
        };
        let mut step = FIRST_STEP;
        let mut stale = 0;
        let mut order = Vec::with_capacity(self.seats);
        let mut used = vec![0i128; self.rooms.len()];
        let mut lam = start.to_vec();
        for r in 0..steps {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "clamped to 0..=key_max < 2^96"
            )]
            lam.iter_mut()
                .zip(&lambda)
                .for_each(|(l, &f)| *l = f.round() as i128);
            self.price(cands, &lam, price);
            let bound = self.solve(cands, price, &lam, &mut order);
            if bound > best.bound {
                best.bound = bound;
                best.lambda.clone_from(&lam);
                stale = 0;
            } else {
                stale += 1;
                if stale >= STALE_STEPS {
                    step /= 2.0;
                    stale = 0;
                }
            }
            if limit.cuts_signed(bound) {
                return best;
            }
            used.fill(0);
            for &i in &order {
                for &k in self.of[i].iter().filter(|&&k| k != NONE) {
                    used[k as usize] += 1;
                }
            }
            let improved = round(r, &order, cands, price, limit);
            if improved || r % 8 == 7 {
                Self::fix(cands, price, bound, &order, *limit);
            }
            if step < 1e-3 {
                break;
            }
            let mut norm = 0f64;
            for (k, &l) in lambda.iter().enumerate() {
                let s = used[k] - self.rooms[k];
                if s > 0 || l > 0.0 {
                    #[allow(clippy::cast_precision_loss, reason = "small counts")]
                    let s = s as f64;
                    norm += s * s;
                }
            }
            if norm == 0.0 {
                break;
            }
            let gap = i128::try_from(limit.key)
                .unwrap_or(i128::MAX)
                .saturating_sub(bound);
            #[allow(clippy::cast_precision_loss, reason = "heuristic step length")]
            let t = step * (gap.max(1) as f64) / norm;
            for (k, l) in lambda.iter_mut().enumerate() {
                #[allow(clippy::cast_precision_loss, reason = "small counts")]
                let s = (used[k] - self.rooms[k]) as f64;
                *l = (*l + t * s).clamp(0.0, lambda_max);
            }
        }
        self.price(cands, &best.lambda, price);
        let bound = self.solve(cands, price, &best.lambda, &mut order);
        Self::fix(cands, price, bound, &order, *limit);
        best
    }
}

/// The root's relaxation, for the branch and bound.
struct Lagrange {
    binding: Binding,
    /// The root's multipliers (empty when the relaxation is off).
    lambda: Vec<i128>,
    /// Per candidate of the final pool: its price.
    price: Vec<i128>,
    /// `base − Σ λ·room` at the root.
    offset: i128,
}

impl Lagrange {
    /// Prices equal to keys: the bound is the cheapest completion.
    fn plain(root: &Root, pool: &Pool) -> Self {
        Self {
            binding: Binding {
                groups: Vec::new(),
                rooms: Vec::new(),
                of: vec![[NONE; DIMS]; pool.len()],
            },
            lambda: Vec::new(),
            price: pool
                .key
                .iter()
                .map(|&k| i128::try_from(k).unwrap_or(i128::MAX))
                .collect(),
            offset: i128::try_from(root.base).unwrap_or(i128::MAX),
        }
    }

    /// Ascend at the root, with greedy fills in price order improving the limit, and drop the
    /// candidates the multipliers rule out.
    fn at_root(root: &Root, pool: &mut Pool, incumbent: &mut Incumbent) -> Self {
        if pool.len() <= root.seats
            || root.base >= LAGRANGE_KEY_LIMIT
            || pool.key.iter().any(|&k| k >= LAGRANGE_KEY_LIMIT)
        {
            return Self::plain(root, pool);
        }
        let binding = Binding::new(root, pool);
        if binding.rooms.is_empty() || binding.rooms.len() >= 1 << 16 {
            return Self::plain(root, pool);
        }
        let relaxation = Relaxation {
            key: &pool.key,
            of: &binding.of,
            rooms: binding.rooms.clone(),
            seats: root.seats,
            base: i128::try_from(root.base).unwrap_or(i128::MAX),
        };
        let mut cands: Vec<usize> = (0..pool.len()).collect();
        let mut price = vec![0i128; pool.len()];
        let mut limit = incumbent.limit;
        let start = vec![0i128; binding.rooms.len()];
        let ascent = relaxation.ascend(
            &mut cands,
            &start,
            ROOT_STEPS,
            &mut limit,
            &mut price,
            |r, chosen, cands, price, limit| {
                let mut improved = false;
                if root.feasible(pool, chosen) {
                    let key = chosen.iter().fold(root.base, |s, &i| s + pool.key[i]);
                    improved |= incumbent.offer(Some((key, chosen.to_vec())), pool);
                }
                if r % 8 == 7 {
                    let mut by_price = cands.to_vec();
                    by_price.sort_unstable_by_key(|&i| (price[i], i));
                    improved |= incumbent.offer(root.greedy(pool, &by_price), pool);
                }
                limit.key = incumbent.limit.key;
                improved
            },
        );
        let offset = relaxation.offset(&ascent.lambda);
        let mut keep = vec![false; pool.len()];
        for &i in &cands {
            keep[i] = true;
        }
        let price: Vec<i128> = cands.iter().map(|&i| price[i]).collect();
        pool.retain(|i| keep[i]);
        let binding = Binding::new_with(root, pool, binding);
        Self {
            binding,
            lambda: ascent.lambda,
            price,
            offset,
        }
    }
}

impl Binding {
    /// The same binding groups, for a smaller pool.
    fn new_with(root: &Root, pool: &Pool, old: Self) -> Self {
        let mut index: HashMap<(usize, usize), u32> = HashMap::with_capacity(old.groups.len());
        for (k, &dg) in old.groups.iter().enumerate() {
            index.insert(dg, u32::try_from(k).unwrap_or(NONE));
        }
        let of = pool
            .groups
            .iter()
            .map(|g| {
                let mut of = [NONE; DIMS];
                for &d in &root.active {
                    of[d] = index.get(&(d, g[d] as usize)).copied().unwrap_or(NONE);
                }
                of
            })
            .collect();
        Self {
            groups: old.groups,
            rooms: old.rooms,
            of,
        }
    }
}

/// The candidates that still fit at one node, after its branch point, in rank order and in
/// price order, with the prices and offset of the node's multipliers.
#[derive(Default)]
struct Level {
    ranked: Vec<usize>,
    priced: Vec<usize>,
    /// Which price table (`Search::tables`) the node uses.
    table: usize,
    /// The Lagrangian bound less the prices of the members to come.
    offset: i128,
}

struct Search<'a> {
    root: &'a Root,
    pool: &'a Pool,
    dual: Lagrange,
    /// Price tables: the root's, then one per depth that re-optimises its multipliers.
    tables: Vec<Vec<i128>>,
    /// Multipliers of each table.
    lambdas: Vec<Vec<i128>>,
    /// One per depth; `levels[depth]` belongs to the node being expanded at that depth.
    levels: Vec<Level>,
    /// Members per group.
    counts: [Vec<u32>; DIMS],
    scratch: [Vec<u32>; DIMS],
    touched: Vec<(usize, u32)>,
    picked: Vec<usize>,
    taken: Vec<bool>,
    prev_same: Vec<Option<usize>>,
    /// Total key so far, pinned included.
    cur: u128,
    best: Option<(u128, Vec<usize>)>,
    limit: Limit,
    nodes: u64,
    budget: u64,
    exhausted: bool,
}

impl<'a> Search<'a> {
    fn new(root: &'a Root, pool: &'a Pool, dual: Lagrange, limit: Limit, budget: u64) -> Self {
        let counts: [Vec<u32>; DIMS] = std::array::from_fn(|d| vec![0; root.room[d].len()]);
        let mut priced: Vec<usize> = (0..pool.len()).collect();
        priced.sort_unstable_by_key(|&i| (dual.price[i], i));
        let mut levels: Vec<Level> = (0..=root.seats).map(|_| Level::default()).collect();
        levels[0] = Level {
            ranked: (0..pool.len()).collect(),
            priced,
            table: 0,
            offset: dual.offset,
        };
        let depth = BRANCH_DEPTH.min(root.seats);
        let mut tables = vec![dual.price.clone()];
        tables.extend((0..depth).map(|_| vec![0i128; pool.len()]));
        let mut lambdas = vec![dual.lambda.clone()];
        lambdas.extend((0..depth).map(|_| Vec::new()));
        Self {
            root,
            pool,
            dual,
            tables,
            lambdas,
            levels,
            scratch: counts.clone(),
            counts,
            touched: Vec::new(),
            picked: Vec::with_capacity(root.seats),
            taken: vec![false; pool.len()],
            prev_same: previous_same_signature(root, pool),
            cur: root.base,
            best: None,
            limit,
            nodes: 0,
            budget,
            exhausted: false,
        }
    }

    /// Whether candidate `i` fits beside the members so far.
    fn fits(&self, i: usize) -> bool {
        let groups = &self.pool.groups[i];
        self.root
            .active
            .iter()
            .all(|&d| self.counts[d][groups[d] as usize] < self.root.room[d][groups[d] as usize])
    }

    fn add(&mut self, i: usize, delta: i32) {
        let groups = self.pool.groups[i];
        for &d in &self.root.active {
            let slot = &mut self.counts[d][groups[d] as usize];
            *slot = slot.wrapping_add_signed(delta);
        }
    }

    /// Expand the node at `depth`, whose candidates are `levels[depth]`.
    fn dfs(&mut self, depth: usize) {
        let r = self.root.seats - depth;
        if r == 0 {
            if !self.limit.cuts(self.cur) {
                self.best = Some((self.cur, self.picked.clone()));
                self.limit = Limit {
                    key: self.cur,
                    inclusive: false,
                };
            }
            return;
        }
        let level = std::mem::take(&mut self.levels[depth]);
        let mut child = std::mem::take(&mut self.levels[depth + 1]);
        let n = level.ranked.len();
        for p in 0..n {
            if n - p < r {
                break;
            }
            let c = level.ranked[p];
            if self.prev_same[c].is_some_and(|q| !self.taken[q]) {
                continue;
            }
            self.nodes += 1;
            if self.nodes > self.budget {
                self.exhausted = true;
                break;
            }
            // Both bounds cover the completions from `c` on; they only grow with `p`.
            let Some(priced) = self.priced_bound(&level, c, r) else {
                break;
            };
            if self.limit.cuts_signed(priced) {
                break;
            }
            let Some(lower) = self.bound(&level.ranked[p..], r) else {
                break;
            };
            if self.limit.cuts(self.cur.saturating_add(lower)) {
                break;
            }
            let key = self.pool.key[c];
            self.add(c, 1);
            self.cur += key;
            self.picked.push(c);
            self.taken[c] = true;
            child.ranked.clear();
            child.ranked.extend(
                level.ranked[p + 1..]
                    .iter()
                    .copied()
                    .filter(|&i| self.fits(i)),
            );
            let open = if depth < self.tables.len() - 1 && r > 1 && !self.dual.lambda.is_empty() {
                self.reoptimise(depth + 1, &mut child)
            } else {
                child.priced.clear();
                child.priced.extend(
                    level
                        .priced
                        .iter()
                        .copied()
                        .filter(|&i| i > c && self.fits(i)),
                );
                child.table = level.table;
                child.offset = level.offset + self.tables[level.table][c];
                true
            };
            if open {
                self.levels[depth + 1] = child;
                self.dfs(depth + 1);
                child = std::mem::take(&mut self.levels[depth + 1]);
            }
            self.taken[c] = false;
            self.picked.pop();
            self.cur -= key;
            self.add(c, -1);
            if self.exhausted {
                break;
            }
        }
        self.levels[depth] = level;
        self.levels[depth + 1] = child;
    }

    /// Give the node at `depth` (candidates `child.ranked`) its own multipliers, from its
    /// parent's, and fix its candidates; whether it stays open.
    fn reoptimise(&mut self, depth: usize, child: &mut Level) -> bool {
        let binding = &self.dual.binding;
        let relaxation = Relaxation {
            key: &self.pool.key,
            of: &binding.of,
            rooms: binding
                .groups
                .iter()
                .map(|&(d, g)| i128::from(self.root.room[d][g] - self.counts[d][g]))
                .collect(),
            seats: self.root.seats - depth,
            base: i128::try_from(self.cur).unwrap_or(i128::MAX),
        };
        let mut limit = self.limit;
        let mut table = std::mem::take(&mut self.tables[depth]);
        let ascent = relaxation.ascend(
            &mut child.ranked,
            &self.lambdas[depth - 1],
            BRANCH_STEPS,
            &mut limit,
            &mut table,
            |_, _, _, _, _| false,
        );
        let open = !self.limit.cuts_signed(ascent.bound) && child.ranked.len() >= relaxation.seats;
        if open {
            child.priced.clear();
            child.priced.extend_from_slice(&child.ranked);
            child.priced.sort_unstable_by_key(|&i| (table[i], i));
            child.table = depth;
            child.offset = relaxation.offset(&ascent.lambda);
            self.lambdas[depth] = ascent.lambda;
        }
        self.tables[depth] = table;
        open
    }

    /// Lagrangian lower bound on the whole committee when `r` more members come from the
    /// node's candidates ranked from `from` on: the node's offset plus the `r` cheapest of
    /// their prices, or `None` when fewer than `r` are left.
    fn priced_bound(&self, level: &Level, from: usize, r: usize) -> Option<i128> {
        let table = &self.tables[level.table];
        let mut sum = level.offset;
        let mut found = 0;
        for &i in &level.priced {
            if i < from {
                continue;
            }
            sum += table[i];
            found += 1;
            if found == r {
                return Some(sum);
            }
        }
        None
    }

    /// Lower bound on the key of `r` more members taken from `ranked` (candidates that fit, in
    /// rank order), or `None` when some capped dimension cannot seat `r` more.
    fn bound(&mut self, ranked: &[usize], r: usize) -> Option<u128> {
        let active = &self.root.active;
        if active.is_empty() {
            return Some(0);
        }
        let mut sums = [0u128; DIMS];
        let mut picks = [0usize; DIMS];
        let mut open = active.len();
        for &i in ranked {
            let groups = &self.pool.groups[i];
            for &d in active {
                if picks[d] == r {
                    continue;
                }
                let g = groups[d] as usize;
                if self.counts[d][g] + self.scratch[d][g] < self.root.room[d][g] {
                    self.scratch[d][g] += 1;
                    #[allow(clippy::cast_possible_truncation, reason = "group ids are u32")]
                    self.touched.push((d, g as u32));
                    sums[d] = sums[d].saturating_add(self.pool.key[i]);
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
        active.iter().map(|&d| sums[d]).max()
    }
}

/// For each candidate, the closest better-ranked one with the same signature: its groups in
/// the dimensions where they can bind among the candidates left.
fn previous_same_signature(root: &Root, pool: &Pool) -> Vec<Option<usize>> {
    let members = root.members(&pool.groups);
    let mut last: HashMap<[u32; DIMS], usize> = HashMap::with_capacity(pool.len());
    pool.groups
        .iter()
        .enumerate()
        .map(|(i, groups)| {
            let mut signature = [NONE; DIMS];
            for &d in &root.active {
                let g = groups[d] as usize;
                if root.binds(d, g, members[d][g]) {
                    signature[d] = groups[d];
                }
            }
            last.insert(signature, i)
        })
        .collect()
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
        let out = search_with_budget(&problem(&items, 1, 7), 0);
        assert!(!out.exhaustive);
        assert_eq!(out.nodes, 1);
        // The greedy committee is still returned, as a committee that may not be the best.
        assert!(out.best.is_some());
    }
}
