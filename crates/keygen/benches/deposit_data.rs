//! Keys and deposit data for 1,000 indices, compared with the ethstaker-deposit library on the
//! same machine in the same run; plus the cost of one EIP-2335 keystore (scrypt n = 2^18).
//!
//! The Python side runs `KEYGEN_BENCH_PYTHON_INDICES` indices (default 20; set 1000 for the full
//! run, about 15 minutes) in one process and is scaled to 1,000: each index is independent
//! work there (seed, two key derivations, one signature), so its time is linear in the count.

use std::hint::black_box;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use keygen::{DepositPlan, Kdf, Keystore, Mnemonic, Network, WithdrawalTarget};

const MNEMONIC: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const ADDRESS: &str = "0x1111111111111111111111111111111111111111";
const INDICES: u32 = 1000;

fn plan() -> DepositPlan {
    let address = keygen::parse_withdrawal_address(ADDRESS).unwrap();
    DepositPlan::new(
        Network::by_name("mainnet").unwrap(),
        WithdrawalTarget::Execution(address),
    )
    .amount_gwei(32_000_000_000)
    .count(INDICES)
}

/// Mnemonic → seed → keys and deposit data for every index, as the deposit tool does.
fn rust_run() -> usize {
    let seed = Mnemonic::parse(MNEMONIC).unwrap().to_seed("");
    plan().run(&seed).unwrap().len()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("keygen");
    group.sample_size(10);
    group.bench_function("deposit_data_1000_indices", |b| {
        b.iter(|| black_box(rust_run()));
    });
    let sk = Mnemonic::parse(MNEMONIC).unwrap().signing_key(0);
    group.bench_function("keystore_encrypt_scrypt_n2^18", |b| {
        b.iter(|| {
            black_box(
                Keystore::builder(&sk, "password")
                    .kdf(Kdf::DEFAULT)
                    .build()
                    .unwrap(),
            )
        });
    });
    group.finish();
}

criterion_group!(keygen_benches, benches);

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python_seconds_per_index(count: u32) -> f64 {
    let python = std::env::var_os("ETHSTAKER_PYTHON").map_or_else(
        || workspace_root().join(".tools/python/bin/python"),
        PathBuf::from,
    );
    assert!(
        python.exists(),
        "ethstaker-deposit Python not found at {}: run scripts/install-tools.sh",
        python.display()
    );
    let mut child = Command::new(python)
        .arg(workspace_root().join("tools/oracles/ethstaker_deposit.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let request = serde_json::json!({
        "op": "bench", "mnemonic": MNEMONIC, "chain": "mainnet",
        "withdrawal_address": ADDRESS, "start": 0, "count": count,
        "amount": 32_000_000_000u64,
    });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python bench failed");
    let reply: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    reply["seconds"].as_f64().unwrap() / f64::from(count)
}

fn compare() {
    let count: u32 = std::env::var("KEYGEN_BENCH_PYTHON_INDICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        black_box(rust_run());
        best = best.min(start.elapsed());
    }
    let py_per_index = python_seconds_per_index(count);
    let py_1000 = py_per_index * f64::from(INDICES);
    let rust = best.as_secs_f64();
    println!("\nkeys + deposit data for {INDICES} indices (mnemonic to deposit_data):");
    println!("  keygen (best of 3):        {rust:>9.3} s");
    println!(
        "  ethstaker-deposit 1.3.1:   {py_1000:>9.3} s  ({count} indices measured, {:.1} ms each)",
        py_per_index * 1e3
    );
    println!("  speed-up:                  {:>9.1}x", py_1000 / rust);
}

fn main() {
    keygen_benches();
    Criterion::default().configure_from_args().final_summary();
    if std::env::args().any(|a| a == "--bench") {
        compare();
    }
}
