//! Split + encrypt + sign for 4 operators: one validator, 100 in bulk on one and two threads,
//! the per-operation floor (BLS signature, share public key, RSA encryption), and, in the same
//! run, npm ssv-keys 1.1.0 in Node (`tools/oracles/ssv_keys_oracle.js bench`) for the ratios.
//!
//! cargo bench -p keyshare --bench split -- --sample-size 10 --measurement-time 5

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use alloy_primitives::Address;
use criterion::Criterion;
use keyshare::{KeysharesBuilder, Operator, ShareSecret, ValidatorSecret, sign_ownership};

const OWNER: &str = "0x81592c3de184a3e2c0dcb5a261bc107bfa91f494";
const SECRET: &str = "0x2ee1bd3d1f0b3f9f8c05f8a4bbef5e8f3eb4a1a0f5d17f6c2fb0d2b8b9d08c22";
const BULK: usize = 100;
/// ssv-keys takes ~20 ms per validator; 40 iterations keep the Node run under a few seconds.
const SSV_KEYS_ITERATIONS: &str = "40";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn operators_file() -> PathBuf {
    manifest_dir().join("tests/fixtures/test-operators/operators.json")
}

fn operators() -> Vec<Operator> {
    let json = std::fs::read_to_string(operators_file()).expect("test operator fixture");
    Operator::list_from_json(&json).expect("valid operators")
}

fn secrets(count: usize) -> Vec<ValidatorSecret> {
    (1..=count)
        .map(|i| {
            let mut bytes = [0x11u8; 32];
            bytes[24..].copy_from_slice(&(i as u64).to_be_bytes());
            ValidatorSecret::from_bytes(&bytes).expect("valid secret")
        })
        .collect()
}

fn builder(threads: usize) -> KeysharesBuilder {
    KeysharesBuilder::new(operators(), OWNER.parse().expect("owner"))
        .expect("committee")
        .threads(NonZeroUsize::new(threads).expect("threads > 0"))
        .created_at("2026-01-01T00:00:00.000Z")
}

fn benches(c: &mut Criterion) {
    let owner: Address = OWNER.parse().expect("owner");
    let one = ValidatorSecret::from_hex(SECRET).expect("secret");
    let share = ShareSecret::from_hex(SECRET).expect("share");
    let ops = operators();
    let many = secrets(BULK);

    let mut floor = c.benchmark_group("floor");
    floor.bench_function("bls_sign_ownership", |b| {
        b.iter(|| sign_ownership(black_box(&one), &owner, 0));
    });
    floor.bench_function("share_public_key", |b| {
        b.iter(|| black_box(&share).public_key());
    });
    floor.bench_function("rsa2048_pkcs1v15_encrypt", |b| {
        b.iter(|| {
            ops[0]
                .key
                .encrypt_share(black_box(&share))
                .expect("encrypt")
        });
    });
    floor.finish();

    let single = builder(1);
    let mut split = c.benchmark_group("split_encrypt_sign_4_operators");
    split.bench_function("one_validator", |b| {
        b.iter(|| single.build_item(black_box(&one), 0).expect("build"));
    });
    for threads in [1, 2] {
        let bulk = builder(threads);
        split.bench_function(format!("bulk_{BULK}_validators_{threads}_threads"), |b| {
            b.iter(|| bulk.build(black_box(&many)).expect("build"));
        });
    }
    split.finish();
}

/// Mean wall time per validator over `rounds` bulk builds.
fn ours_ms_per_validator(threads: usize, rounds: u32) -> f64 {
    let many = secrets(BULK);
    let bulk = builder(threads);
    bulk.build(&many).expect("warm-up");
    let start = Instant::now();
    for _ in 0..rounds {
        black_box(bulk.build(&many).expect("build"));
    }
    let validators = f64::from(rounds) * f64::from(u32::try_from(BULK).expect("small"));
    start.elapsed().as_secs_f64() * 1e3 / validators
}

/// Mean wall time of `f` in milliseconds over `iters` calls.
fn time_ms(iters: u32, mut f: impl FnMut()) -> f64 {
    f();
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_secs_f64() * 1e3 / f64::from(iters)
}

/// The per-validator floor measured now: one BLS signature, four share public keys and four
/// RSA-2048 encryptions.
fn floor_ms() -> f64 {
    let owner: Address = OWNER.parse().expect("owner");
    let one = ValidatorSecret::from_hex(SECRET).expect("secret");
    let share = ShareSecret::from_hex(SECRET).expect("share");
    let ops = operators();
    let sign = time_ms(200, || {
        black_box(sign_ownership(black_box(&one), &owner, 0));
    });
    let pk = time_ms(200, || {
        black_box(black_box(&share).public_key());
    });
    let rsa = time_ms(200, || {
        black_box(
            ops[0]
                .key
                .encrypt_share(black_box(&share))
                .expect("encrypt"),
        );
    });
    sign + 4.0 * (pk + rsa)
}

fn ssv_keys_ms_per_validator() -> Result<f64, String> {
    let root = manifest_dir().join("../..");
    let node_path = std::env::var_os("SSV_KEYS_NODE_PATH")
        .map_or_else(|| root.join(".tools/ssv-keys/node_modules"), PathBuf::from);
    if !node_path.join("ssv-keys/package.json").is_file() {
        return Err(format!(
            "ssv-keys not found under {}; run scripts/install-tools.sh",
            node_path.display()
        ));
    }
    let out = Command::new("node")
        .arg(root.join("tools/oracles/ssv_keys_oracle.js"))
        .args(["bench", SECRET, OWNER, "0"])
        .arg(operators_file())
        .arg(SSV_KEYS_ITERATIONS)
        .env("NODE_PATH", node_path)
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("oracle output: {e}"))?;
    v["msPerValidator"]
        .as_f64()
        .ok_or_else(|| "oracle output has no msPerValidator".to_owned())
}

fn compare_with_ssv_keys() {
    let node = match ssv_keys_ms_per_validator() {
        Ok(ms) => ms,
        Err(e) => {
            eprintln!("ssv-keys comparison skipped: {e}");
            return;
        }
    };
    let floor = floor_ms();
    let one_thread = ours_ms_per_validator(1, 5);
    let two_threads = ours_ms_per_validator(2, 5);
    println!("\nssv-keys 1.1.0 (Node, warm, one process): {node:.2} ms/validator");
    println!(
        "floor (1 BLS signature + 4 share keys + 4 RSA-2048 encryptions): {floor:.3} ms; \
         keyshare on 1 thread = {:.2}x floor",
        one_thread / floor
    );
    println!(
        "keyshare, 1 thread:  {one_thread:.3} ms/validator  ({:.1}x faster)",
        node / one_thread
    );
    println!(
        "keyshare, 2 threads: {two_threads:.3} ms/validator  ({:.1}x faster)",
        node / two_threads
    );
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    compare_with_ssv_keys();
}
