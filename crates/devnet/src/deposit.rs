use alloy::primitives::B256;
use sha2::{Digest, Sha256};

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// `hash_tree_root(DepositData{pubkey, withdrawal_credentials, amount, signature})`, the root the
/// beacon deposit contract recomputes and checks.
pub fn deposit_data_root(
    pubkey: &[u8; 48],
    withdrawal_credentials: &[u8; 32],
    amount_gwei: u64,
    signature: &[u8; 96],
) -> B256 {
    let pubkey_root = sha256(&[pubkey, &[0u8; 16]]);
    let signature_root = sha256(&[
        &sha256(&[&signature[..64]]),
        &sha256(&[&signature[64..], &[0u8; 32]]),
    ]);
    let mut amount = [0u8; 32];
    amount[..8].copy_from_slice(&amount_gwei.to_le_bytes());
    B256::from(sha256(&[
        &sha256(&[&pubkey_root, withdrawal_credentials]),
        &sha256(&[&amount, &signature_root]),
    ]))
}

/// 0x01 withdrawal credentials for an execution address: `0x01 ‖ 11 zero bytes ‖ address`.
pub fn withdrawal_credentials(address: alloy::primitives::Address) -> [u8; 32] {
    let mut wc = [0u8; 32];
    wc[0] = 1;
    wc[12..].copy_from_slice(address.as_slice());
    wc
}
