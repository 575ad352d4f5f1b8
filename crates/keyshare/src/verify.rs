//! Verification of keyshares: every rule that makes SSV nodes drop a registration, plus the
//! checks nodes skip but a registrant needs (share keys interpolate; shares decrypt).

use std::collections::BTreeMap;

use alloy_primitives::Address;

use crate::KeyshareError;
use crate::keyshares::{KeysharesFile, KeysharesItem};
use crate::operator_key::{Operator, OperatorPrivateKey};
use crate::ownership::verify_ownership;
use crate::shamir::{check_operator_ids, interpolate_public_key, parse_g1};
use crate::shares_data::SharesData;

/// Verifies keyshares items, optionally against an expected owner and base nonce and with
/// some operators' RSA private keys.
#[derive(Debug, Default)]
pub struct Verifier {
    owner: Option<Address>,
    base_nonce: Option<u64>,
    operator_keys: BTreeMap<u64, OperatorPrivateKey>,
}

/// The result of verifying one validator's item.
#[derive(Debug)]
pub struct Verdict {
    /// Position of the item in the file.
    pub index: usize,
    /// `data.publicKey`.
    pub public_key: [u8; 48],
    /// `data.ownerNonce`.
    pub owner_nonce: u64,
    /// Every rule the item breaks; empty when it is registrable.
    pub failures: Vec<KeyshareError>,
    /// Operators whose share was decrypted and matched its share public key.
    pub decrypted: Vec<u64>,
}

impl Verdict {
    /// Whether the item breaks no rule (no [`failures`](Self::failures)).
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }
}

impl Verifier {
    /// A verifier with no expected owner or nonce and no operator private keys: it checks what
    /// SSV nodes check, plus interpolation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Require this owner (compared as an address, so case does not matter).
    #[must_use]
    pub fn owner(mut self, owner: Address) -> Self {
        self.owner = Some(owner);
        self
    }

    /// Require item k to carry nonce `base + k`.
    #[must_use]
    pub fn nonce(mut self, base: u64) -> Self {
        self.base_nonce = Some(base);
        self
    }

    /// Decrypt and check the share of operator `id` with its private key.
    #[must_use]
    pub fn operator_key(mut self, id: u64, key: OperatorPrivateKey) -> Self {
        self.operator_keys.insert(id, key);
        self
    }

    /// Verifies every item of a file.
    pub fn verify_file(&self, file: &KeysharesFile) -> Vec<Verdict> {
        file.items
            .iter()
            .enumerate()
            .map(|(i, item)| self.verify_item(item, i))
            .collect()
    }

    /// Verifies one item; `index` is its position (for the expected nonce).
    pub fn verify_item(&self, item: &KeysharesItem, index: usize) -> Verdict {
        let mut failures = Vec::new();
        let mut decrypted = Vec::new();
        let ids = &item.operator_ids;

        let committee_ok = match check_operator_ids(ids) {
            Ok(_) => true,
            Err(e) => {
                failures.push(e);
                false
            }
        };
        let data_ids: Vec<u64> = item.operators.iter().map(|o| o.id).collect();
        if &data_ids != ids {
            failures.push(KeyshareError::OperatorIdsMismatch {
                data: data_ids,
                payload: ids.clone(),
            });
        }
        check_operator_keys(item, &mut failures);

        if item.public_key != item.payload_public_key {
            failures.push(KeyshareError::PublicKeyMismatch {
                data: hex::encode(item.public_key),
                payload: hex::encode(item.payload_public_key),
            });
        }
        let pubkey_ok = match parse_g1(&item.public_key, "validator public key") {
            Ok(_) => true,
            Err(e) => {
                failures.push(e);
                false
            }
        };

        let owner = item.owner_address.parse::<Address>().ok();
        if owner.is_none() {
            failures.push(KeyshareError::OwnerAddress(item.owner_address.clone()));
        }
        if let (Some(expected), Some(found)) = (self.owner, owner)
            && expected != found
        {
            failures.push(KeyshareError::OwnerMismatch {
                expected: expected.to_checksum(None),
                found: item.owner_address.clone(),
            });
        }
        if let Some(base) = self.base_nonce {
            let expected = u64::try_from(index).ok().and_then(|k| base.checked_add(k));
            if expected != Some(item.owner_nonce) {
                failures.push(KeyshareError::NonceMismatch {
                    expected: expected.unwrap_or(u64::MAX),
                    found: item.owner_nonce,
                });
            }
        }

        match SharesData::from_bytes(&item.shares_data, ids.len()) {
            Err(e) => failures.push(e),
            Ok(data) => {
                if let (Some(owner), true) = (owner, pubkey_ok)
                    && let Err(e) = verify_ownership(
                        &item.public_key,
                        &owner,
                        item.owner_nonce,
                        data.signature(),
                    )
                {
                    failures.push(e);
                }
                if committee_ok
                    && pubkey_ok
                    && let Err(e) = check_interpolation(item, &data)
                {
                    failures.push(e);
                }
                self.check_decryption(ids, &data, &mut failures, &mut decrypted);
            }
        }

        Verdict {
            index,
            public_key: item.public_key,
            owner_nonce: item.owner_nonce,
            failures,
            decrypted,
        }
    }

    fn check_decryption(
        &self,
        ids: &[u64],
        data: &SharesData,
        failures: &mut Vec<KeyshareError>,
        decrypted: &mut Vec<u64>,
    ) {
        for ((id, share_pk), ciphertext) in ids
            .iter()
            .zip(data.share_public_keys())
            .zip(data.encrypted_shares())
        {
            let Some(key) = self.operator_keys.get(id) else {
                continue;
            };
            match key.decrypt_share(*id, ciphertext) {
                Ok(share) if share.public_key() == *share_pk => decrypted.push(*id),
                Ok(_) => failures.push(KeyshareError::ShareMismatch { operator_id: *id }),
                Err(e) => failures.push(e),
            }
        }
    }
}

/// Every operator key must parse as an RSA-2048 SSV key, and no key may appear twice.
fn check_operator_keys(item: &KeysharesItem, failures: &mut Vec<KeyshareError>) {
    let mut seen: Vec<(u64, &str)> = Vec::new();
    for op in &item.operators {
        if let Err(e) = Operator::from_base64(op.id, &op.operator_key) {
            failures.push(e);
        }
        if let Some((first, _)) = seen.iter().find(|(_, k)| *k == op.operator_key) {
            failures.push(KeyshareError::DuplicateOperatorKey {
                first: *first,
                second: op.id,
            });
        }
        seen.push((op.id, &op.operator_key));
    }
}

/// The first t share keys must interpolate to the validator key, and every other share key
/// must lie on the same polynomial, so any t of them recover the validator key.
fn check_interpolation(item: &KeysharesItem, data: &SharesData) -> Result<(), KeyshareError> {
    let threshold = check_operator_ids(&item.operator_ids)?.threshold();
    let points: Vec<(u64, [u8; 48])> = item
        .operator_ids
        .iter()
        .copied()
        .zip(data.share_public_keys().iter().copied())
        .collect();
    let (basis, rest) = points.split_at(threshold);
    if interpolate_public_key(basis, 0)? != item.public_key {
        return Err(KeyshareError::Interpolation { operator_id: None });
    }
    for (id, pk) in rest {
        parse_g1(pk, &format!("share public key of operator {id}"))?;
        if interpolate_public_key(basis, *id)? != *pk {
            return Err(KeyshareError::Interpolation {
                operator_id: Some(*id),
            });
        }
    }
    Ok(())
}
