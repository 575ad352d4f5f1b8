//! Building keyshares: split, encrypt, sign, pack — for one validator or many in parallel.

use std::num::NonZeroUsize;

use alloy_primitives::Address;

use crate::KeyshareError;
use crate::keyshares::{KeysharesFile, KeysharesItem, WRITE_VERSION, now_iso8601};
use crate::operator_key::Operator;
use crate::ownership::sign_ownership;
use crate::secret::ValidatorSecret;
use crate::shamir::{check_operator_ids, split};
use crate::shares_data::SharesData;
use crate::wire::OperatorJson;

/// Builds SSV keyshares for one committee and owner.
///
/// Validator k of a bulk build gets nonce `base + k`, the order in which
/// `bulkRegisterValidator` consumes them.
#[derive(Debug, Clone)]
pub struct KeysharesBuilder {
    operators: Vec<Operator>,
    owner: Address,
    nonce: u64,
    threads: NonZeroUsize,
    created_at: Option<String>,
}

impl KeysharesBuilder {
    /// Checks the committee: n ∈ {4, 7, 10, 13}, ids strictly ascending and non-zero, no RSA
    /// key used twice.
    pub fn new(operators: Vec<Operator>, owner: Address) -> Result<Self, KeyshareError> {
        let ids: Vec<u64> = operators.iter().map(|o| o.id).collect();
        check_operator_ids(&ids)?;
        for (i, a) in operators.iter().enumerate() {
            if let Some(b) = operators[i + 1..].iter().find(|b| b.key == a.key) {
                return Err(KeyshareError::DuplicateOperatorKey {
                    first: a.id,
                    second: b.id,
                });
            }
        }
        Ok(Self {
            operators,
            owner,
            nonce: 0,
            threads: NonZeroUsize::MIN,
            created_at: None,
        })
    }

    /// The owner's next nonce: the number of `ValidatorAdded` events it has so far.
    #[must_use]
    pub fn nonce(mut self, base: u64) -> Self {
        self.nonce = base;
        self
    }

    /// Worker threads for bulk builds (default 1).
    #[must_use]
    pub fn threads(mut self, threads: NonZeroUsize) -> Self {
        self.threads = threads;
        self
    }

    /// Fixes `createdAt` (default: the time of the build).
    #[must_use]
    pub fn created_at(mut self, timestamp: impl Into<String>) -> Self {
        self.created_at = Some(timestamp.into());
        self
    }

    /// The committee's operator ids, ascending.
    pub fn operator_ids(&self) -> Vec<u64> {
        self.operators.iter().map(|o| o.id).collect()
    }

    /// Splits, encrypts and signs one validator key with the given nonce.
    pub fn build_item(
        &self,
        secret: &ValidatorSecret,
        nonce: u64,
    ) -> Result<KeysharesItem, KeyshareError> {
        let ids = self.operator_ids();
        let shares = split(secret, &ids)?;
        let encrypted = shares
            .iter()
            .zip(&self.operators)
            .map(|(share, op)| {
                op.key
                    .encrypt_share(&share.secret)
                    .map_err(|e| KeyshareError::Operator {
                        id: op.id,
                        source: Box::new(e),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let signature = sign_ownership(secret, &self.owner, nonce);
        let shares_data = SharesData::new(
            signature,
            shares.iter().map(|s| s.public_key).collect(),
            encrypted,
        )?;
        let public_key = secret.public_key();
        Ok(KeysharesItem {
            owner_address: self.owner.to_checksum(None),
            owner_nonce: nonce,
            public_key,
            operators: self
                .operators
                .iter()
                .map(|o| OperatorJson {
                    id: o.id,
                    operator_key: o.key.encoded().to_owned(),
                })
                .collect(),
            payload_public_key: public_key,
            operator_ids: ids,
            shares_data: shares_data.to_bytes(),
        })
    }

    /// Builds a file for `secrets` with nonces base, base + 1, … in that order.
    pub fn build(&self, secrets: &[ValidatorSecret]) -> Result<KeysharesFile, KeyshareError> {
        if secrets.is_empty() {
            return Err(KeyshareError::NoValidators);
        }
        u64::try_from(secrets.len() - 1)
            .ok()
            .and_then(|k| self.nonce.checked_add(k))
            .ok_or(KeyshareError::NonceOverflow {
                base: self.nonce,
                count: secrets.len(),
            })?;
        let threads = self.threads.get().min(secrets.len());
        let chunk = secrets.len().div_ceil(threads);
        let items: Vec<KeysharesItem> = std::thread::scope(|scope| {
            let workers: Vec<_> = secrets
                .chunks(chunk)
                .enumerate()
                .map(|(c, part)| {
                    scope.spawn(move || {
                        part.iter()
                            .zip(self.nonce + (c * chunk) as u64..)
                            .map(|(secret, nonce)| self.build_item(secret, nonce))
                            .collect::<Result<Vec<_>, _>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|parts| parts.into_iter().flatten().collect())
        })?;
        Ok(KeysharesFile {
            version: WRITE_VERSION.to_owned(),
            created_at: self.created_at.clone().unwrap_or_else(now_iso8601),
            items,
        })
    }
}
