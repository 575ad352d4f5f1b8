//! Goal: select a committee from 2,000 candidates with every diversity cap on in ≤ 10 ms.

use std::hint::black_box;

use alloy_primitives::Address;
use criterion::{Criterion, criterion_group, criterion_main};
use operator_selection::{Candidate, DiversityCaps, Policy, SelectionInput, select};

/// A deterministic market shaped like mainnet: many operators on the legacy default ETH fee,
/// a few big providers and locations, few client choices, some owners with several operators.
fn market(n: u64) -> Vec<Candidate> {
    let mut seed = 0x5eed_u64;
    let mut next = move |m: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % m
    };
    let providers = [
        "AWS",
        "Hetzner",
        "OVH",
        "GCP",
        "Azure",
        "Bare metal",
        "Vultr",
    ];
    let locations = [
        "Germany",
        "United States of America",
        "Finland",
        "France",
        "Japan",
    ];
    let el = ["Geth", "Nethermind", "Besu", "Erigon", "Reth"];
    let cl = ["Lighthouse", "Prysm", "Teku", "Nimbus", "Lodestar"];
    (1..=n)
        .map(|id| {
            let skew = |len: usize, r: u64| (r * r / 100) as usize % len;
            Candidate {
                owner_address: owner(next(1400)),
                validator_count: u32::try_from(next(3001)).unwrap(),
                performance_24h: Some(70.0 + f64::from(u32::try_from(next(31)).unwrap())),
                performance_30d: Some(85.0 + f64::from(u32::try_from(next(16)).unwrap())),
                setup_provider: Some(providers[skew(providers.len(), next(100))].to_owned()),
                location: Some(locations[skew(locations.len(), next(100))].to_owned()),
                el_client: Some(el[skew(el.len(), next(100))].to_owned()),
                cl_client: Some(cl[skew(cl.len(), next(100))].to_owned()),
                ..Candidate::new(
                    id,
                    "LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0t",
                    if next(2) == 0 {
                        1_770_000_000
                    } else {
                        10_000_000 + u128::from(next(500)) * 10_000_000
                    },
                )
            }
        })
        .collect()
}

fn owner(n: u64) -> Address {
    let mut bytes = [0u8; 20];
    bytes[12..].copy_from_slice(&n.to_be_bytes());
    Address::from(bytes)
}

/// Every diversity cap on: 1 per owner and, per setup provider, location, EL and CL client, the
/// default 2, or 3 for a committee of 13 (the market has five locations and five clients of each
/// layer, so 2 each seats at most 10).
fn policy(size: usize) -> Policy {
    let per_value = Some(if size > 10 { 3 } else { 2 });
    Policy {
        committee_size: size,
        diversity: DiversityCaps {
            per_owner: Some(1),
            per_setup_provider: per_value,
            per_location: per_value,
            per_el_client: per_value,
            per_cl_client: per_value,
        },
        ..Policy::default()
    }
}

fn bench(c: &mut Criterion) {
    let typical = SelectionInput::new(market(2000), Address::repeat_byte(0x42));
    // Everyone eligible, and the 300 cheapest all on one provider and location: the caps bind.
    let mut crowded = typical.clone();
    for (i, candidate) in crowded.candidates.iter_mut().enumerate() {
        candidate.performance_24h = Some(99.0);
        candidate.performance_30d = Some(99.0);
        candidate.validator_count = 0;
        if i < 300 {
            candidate.eth_fee = 10_000_000 + i as u128;
            candidate.setup_provider = Some("AWS".to_owned());
            candidate.location = Some("Germany".to_owned());
        }
    }
    for (name, input) in [("typical", &typical), ("crowded", &crowded)] {
        for size in [4, 7, 10, 13] {
            let policy = policy(size);
            let selection = select(input, &policy).expect("feasible");
            assert!(
                selection.optimal,
                "{name} {size}: the search hit its budget"
            );
            c.bench_function(&format!("select {size} of 2000 {name}, all caps"), |b| {
                b.iter(|| select(black_box(input), black_box(&policy)).unwrap());
            });
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
