//! Voluntary exits signed per EIP-7044 (Capella fork version, network's genesis validators root).

use crate::bls::{PublicKey, SecretKey, Signature};
use crate::network::Network;
use crate::ssz::{self, DOMAIN_VOLUNTARY_EXIT, compute_domain, compute_signing_root};
use crate::wire::{SignedVoluntaryExitJson, VoluntaryExitJson};

/// A signed `VoluntaryExit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedVoluntaryExit {
    /// Earliest epoch the exit may be processed.
    pub epoch: u64,
    /// Beacon-chain validator index.
    pub validator_index: u64,
    /// Signature by the validator's signing key.
    pub signature: Signature,
}

/// `compute_domain(DOMAIN_VOLUNTARY_EXIT, capella_fork_version, genesis_validators_root)`
/// (EIP-7044: fixed at Capella for every later fork).
pub fn voluntary_exit_domain(network: &Network) -> [u8; 32] {
    compute_domain(
        DOMAIN_VOLUNTARY_EXIT,
        network.capella_fork_version,
        network.genesis_validators_root,
    )
}

fn signing_root(epoch: u64, validator_index: u64, network: &Network) -> [u8; 32] {
    let object_root = ssz::root(&ssz::VoluntaryExit {
        epoch,
        validator_index,
    });
    compute_signing_root(object_root, voluntary_exit_domain(network))
}

/// Signs an exit of `validator_index` at `epoch` on `network`.
pub fn sign_voluntary_exit(
    signing_key: &SecretKey,
    epoch: u64,
    validator_index: u64,
    network: &Network,
) -> SignedVoluntaryExit {
    let signature = signing_key.sign(&signing_root(epoch, validator_index, network));
    SignedVoluntaryExit {
        epoch,
        validator_index,
        signature,
    }
}

impl SignedVoluntaryExit {
    /// Whether the signature is valid for `pubkey` on `network`.
    pub fn verify(&self, pubkey: &PublicKey, network: &Network) -> bool {
        self.signature.verify(
            &signing_root(self.epoch, self.validator_index, network),
            pubkey,
        )
    }

    /// The body of `POST /eth/v1/beacon/pool/voluntary_exits`.
    pub fn to_json(&self) -> SignedVoluntaryExitJson {
        SignedVoluntaryExitJson {
            message: VoluntaryExitJson {
                epoch: self.epoch.to_string(),
                validator_index: self.validator_index.to_string(),
            },
            signature: format!("0x{}", self.signature.to_hex()),
        }
    }
}
