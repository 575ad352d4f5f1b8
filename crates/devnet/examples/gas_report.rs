//! Gas per validator for `registerValidator` (k single calls) vs `bulkRegisterValidator` (one call
//! with k keys) on the SSVNetwork double, each into a fresh 4-operator ETH cluster, with 1,312-byte
//! shares (4 operators, RSA-2048). Run: `cargo run -p devnet --example gas_report`.

use alloy::primitives::{Bytes, U256};
use devnet::{Devnet, DevnetError, new_cluster};

fn pubkey(n: u32) -> Bytes {
    let mut pk = [0xa5; 48];
    pk[..4].copy_from_slice(&n.to_be_bytes());
    Bytes::copy_from_slice(&pk)
}

/// Distinct sorted 4-operator committees from the given ids (lexicographic combinations).
fn committees(ids: &[u64]) -> Vec<Vec<u64>> {
    let mut out = Vec::new();
    let n = ids.len();
    for a in 0..n {
        for b in a + 1..n {
            for c in b + 1..n {
                for d in c + 1..n {
                    out.push(vec![ids[a], ids[b], ids[c], ids[d]]);
                }
            }
        }
    }
    out
}

#[tokio::main]
async fn main() -> Result<(), DevnetError> {
    let devnet = Devnet::spawn().await?;
    let owner = devnet.accounts.ssv_owner;
    let mut sets = committees(&devnet.public_operator_ids()).into_iter();
    let shares = Bytes::from(vec![0x42u8; 1312]);
    let per_validator = U256::from(1_000_000_000_000_000u64); // 0.001 ETH, above the threshold
    let mut next = 1u32;

    println!(
        "| k | registerValidator gas/validator | bulkRegisterValidator gas/validator | bulk saving |"
    );
    println!("|---:|---:|---:|---:|");
    for k in [1u32, 10, 20, 40, 80] {
        let ids = sets.next().expect("enough committees");
        let mut cluster = new_cluster();
        let mut single_gas = 0u64;
        for _ in 0..k {
            let (c, receipt) = devnet
                .register_validator(
                    owner,
                    &ids,
                    pubkey(next),
                    shares.clone(),
                    cluster,
                    per_validator,
                )
                .await?;
            next += 1;
            cluster = c;
            single_gas += receipt.gas_used;
        }
        let ids = sets.next().expect("enough committees");
        let keys = (next..next + k)
            .map(|n| (pubkey(n), shares.clone()))
            .collect();
        next += k;
        let (_, receipt) = devnet
            .bulk_register_validators(
                owner,
                &ids,
                keys,
                new_cluster(),
                per_validator * U256::from(k),
            )
            .await?;
        let single = single_gas / u64::from(k);
        let bulk = receipt.gas_used / u64::from(k);
        #[allow(clippy::cast_precision_loss)]
        let saving = 100.0 * (1.0 - bulk as f64 / single as f64);
        println!("| {k} | {single} | {bulk} | {saving:.1}% |");
    }
    Ok(())
}
