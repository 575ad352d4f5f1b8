//! SSZ containers and signing domains (consensus-specs phase0), hashed with `tree_hash`.

use tree_hash::TreeHash;
use tree_hash_derive::TreeHash;

/// `DOMAIN_DEPOSIT`.
pub const DOMAIN_DEPOSIT: [u8; 4] = [0x03, 0x00, 0x00, 0x00];
/// `DOMAIN_VOLUNTARY_EXIT`.
pub const DOMAIN_VOLUNTARY_EXIT: [u8; 4] = [0x04, 0x00, 0x00, 0x00];

#[derive(TreeHash)]
pub(crate) struct DepositMessage {
    pub pubkey: [u8; 48],
    pub withdrawal_credentials: [u8; 32],
    pub amount: u64,
}

#[derive(TreeHash)]
pub(crate) struct DepositData {
    pub pubkey: [u8; 48],
    pub withdrawal_credentials: [u8; 32],
    pub amount: u64,
    pub signature: [u8; 96],
}

#[derive(TreeHash)]
pub(crate) struct VoluntaryExit {
    pub epoch: u64,
    pub validator_index: u64,
}

#[derive(TreeHash)]
struct ForkData {
    current_version: [u8; 4],
    genesis_validators_root: [u8; 32],
}

#[derive(TreeHash)]
struct SigningData {
    object_root: [u8; 32],
    domain: [u8; 32],
}

/// `compute_domain(domain_type, fork_version, genesis_validators_root)`.
pub fn compute_domain(
    domain_type: [u8; 4],
    fork_version: [u8; 4],
    genesis_validators_root: [u8; 32],
) -> [u8; 32] {
    let fork_data_root = ForkData {
        current_version: fork_version,
        genesis_validators_root,
    }
    .tree_hash_root();
    let mut domain = [0u8; 32];
    domain[..4].copy_from_slice(&domain_type);
    domain[4..].copy_from_slice(&fork_data_root[..28]);
    domain
}

/// `compute_signing_root` for an object whose hash tree root is `object_root`.
pub fn compute_signing_root(object_root: [u8; 32], domain: [u8; 32]) -> [u8; 32] {
    SigningData {
        object_root,
        domain,
    }
    .tree_hash_root()
    .0
}

pub(crate) fn root(object: &impl TreeHash) -> [u8; 32] {
    object.tree_hash_root().0
}
