//! Helpers of the integration tests that run on a devnet (this crate's and `ssv-sync`'s): start
//! one, read a revert reason, and distinct validator pubkeys and signatures.

use alloy::primitives::Bytes;
use stafi_contracts::{ContractsError, RevertReason};

use crate::{Devnet, DevnetBuilder, DevnetError};

/// Starts a devnet, failing with the reason (e.g. anvil missing: run scripts/install-tools.sh).
pub async fn spawn(builder: DevnetBuilder) -> Devnet {
    builder
        .spawn()
        .await
        .unwrap_or_else(|e| panic!("devnet failed to start: {e}"))
}

/// The revert reason of a failed devnet call.
pub fn reason(err: &DevnetError) -> &RevertReason {
    match err {
        DevnetError::Contract(ContractsError::Reverted { reason, .. }) => reason,
        other => panic!("expected a revert, got {other}"),
    }
}

/// A distinct 48-byte validator public key per `n`.
pub fn pubkey(n: u32) -> [u8; 48] {
    let mut pk = [0xa5; 48];
    pk[..4].copy_from_slice(&n.to_be_bytes());
    pk
}

/// A distinct 96-byte signature per `n`.
pub fn signature(n: u32) -> [u8; 96] {
    let mut sig = [0x5a; 96];
    sig[..4].copy_from_slice(&n.to_be_bytes());
    sig
}

/// `b` as `Bytes`.
pub fn bytes(b: &[u8]) -> Bytes {
    Bytes::copy_from_slice(b)
}
