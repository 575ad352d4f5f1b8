//! Shamir secret sharing over Fr with x = operator id, as SSV nodes, ssv-keys and ssv-dkg use.

use blst::MultiPoint;
use blst::min_pk::{AggregatePublicKey, PublicKey};
use zeroize::Zeroizing;

use ssv_committee::{Committee, CommitteeError, CommitteeSize};

use crate::KeyshareError;
use crate::field::Scalar;
use crate::secret::{ShareSecret, ValidatorSecret};

/// One operator's share: its id (the x-coordinate), the secret f(id) and share · G1.
#[derive(Debug, Clone)]
pub struct Share {
    /// The operator id, which is the x-coordinate.
    pub operator_id: u64,
    /// The secret f(id).
    pub secret: ShareSecret,
    /// The share's compressed G1 public key (share · G1).
    pub public_key: [u8; 48],
}

/// Checks what the SSV contract and nodes require of an operator id list (a supported size,
/// strictly ascending, no id 0), by [`Committee::validate`].
pub fn check_operator_ids(ids: &[u64]) -> Result<CommitteeSize, KeyshareError> {
    Ok(Committee::validate(ids)?)
}

/// Interpolation points need distinct non-zero x, in any order and any number.
fn check_distinct_nonzero(ids: &[u64]) -> Result<(), KeyshareError> {
    if ids.contains(&0) {
        return Err(CommitteeError::ZeroId.into());
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(CommitteeError::Duplicate { id: *id }.into());
        }
    }
    Ok(())
}

/// Splits `secret` for the operators `ids` (sorted ascending, n ∈ {4, 7, 10, 13}) with a fresh
/// random polynomial of degree t − 1, t = n − (n − 1)/3. Shares come back in id order.
pub fn split(secret: &ValidatorSecret, ids: &[u64]) -> Result<Vec<Share>, KeyshareError> {
    let size = check_operator_ids(ids)?;
    let coefficients = random_polynomial(&secret.scalar, size.threshold())?;
    ids.iter()
        .map(|&id| {
            let scalar = evaluate(&coefficients, &Scalar::from_u64(id));
            // f(id) = 0 has probability 2^-255; refuse rather than emit an unusable share.
            let secret = ValidatorSecret::from_scalar(scalar, "share")?;
            let public_key = secret.public_key();
            Ok(Share {
                operator_id: id,
                secret: ShareSecret {
                    scalar: secret.scalar.clone(),
                },
                public_key,
            })
        })
        .collect()
}

/// a0 = secret, a1..a(t-1) uniformly random and non-zero.
fn random_polynomial(secret: &Scalar, threshold: usize) -> Result<Vec<Scalar>, KeyshareError> {
    let mut coefficients = Vec::with_capacity(threshold);
    coefficients.push(secret.clone());
    let mut wide = Zeroizing::new([0u8; 48]);
    while coefficients.len() < threshold {
        getrandom::fill(wide.as_mut_slice()).map_err(KeyshareError::Random)?;
        let c = Scalar::from_be_bytes_wide(wide.as_slice());
        if !c.is_zero() {
            coefficients.push(c);
        }
    }
    Ok(coefficients)
}

/// Horner evaluation of the polynomial at x.
fn evaluate(coefficients: &[Scalar], x: &Scalar) -> Scalar {
    coefficients
        .iter()
        .rev()
        .fold(Scalar::zero(), |acc, c| acc.mul(x).add(c))
}

/// Lagrange coefficients λ_i(at) for the points `xs` (distinct, non-zero).
fn lagrange_at(xs: &[u64], at: u64) -> Result<Vec<Scalar>, KeyshareError> {
    check_distinct_nonzero(xs)?;
    let at = Scalar::from_u64(at);
    let xs: Vec<Scalar> = xs.iter().map(|&x| Scalar::from_u64(x)).collect();
    xs.iter()
        .enumerate()
        .map(|(i, xi)| {
            let (num, den) = xs.iter().enumerate().filter(|(j, _)| *j != i).fold(
                (Scalar::from_u64(1), Scalar::from_u64(1)),
                |(num, den), (_, xj)| (num.mul(&at.sub(xj)), den.mul(&xi.sub(xj))),
            );
            // Distinct xs make every denominator non-zero.
            let inv = den
                .invert()
                .ok_or(KeyshareError::Interpolation { operator_id: None })?;
            Ok(num.mul(&inv))
        })
        .collect()
}

/// Recombines a validator secret from shares `(operator id, share)`. Exactly the shares
/// given are used; with fewer than t of them the result is simply a different scalar.
pub fn recover_secret(shares: &[(u64, &ShareSecret)]) -> Result<ValidatorSecret, KeyshareError> {
    if shares.is_empty() {
        return Err(KeyshareError::NotEnoughShares { have: 0, need: 1 });
    }
    let ids: Vec<u64> = shares.iter().map(|(id, _)| *id).collect();
    let lambdas = lagrange_at(&ids, 0)?;
    let secret = shares
        .iter()
        .zip(&lambdas)
        .fold(Scalar::zero(), |acc, ((_, s), l)| acc.add(&s.scalar.mul(l)));
    ValidatorSecret::from_scalar(secret, "recovered secret")
}

/// Interpolates the public polynomial through `(operator id, share public key)` at x = 0,
/// giving the validator public key when the points are ≥ t shares of one key.
pub fn recover_public_key(points: &[(u64, [u8; 48])]) -> Result<[u8; 48], KeyshareError> {
    interpolate_public_key(points, 0)
}

/// Interpolates the public polynomial through `points` and evaluates it at x = `at`.
pub(crate) fn interpolate_public_key(
    points: &[(u64, [u8; 48])],
    at: u64,
) -> Result<[u8; 48], KeyshareError> {
    if points.is_empty() {
        return Err(KeyshareError::NotEnoughShares { have: 0, need: 1 });
    }
    let ids: Vec<u64> = points.iter().map(|(id, _)| *id).collect();
    let lambdas = lagrange_at(&ids, at)?;
    let keys = points
        .iter()
        .map(|(id, pk)| parse_g1(pk, &format!("share public key of operator {id}")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut scalars = Vec::with_capacity(32 * lambdas.len());
    for l in &lambdas {
        scalars.extend_from_slice(l.to_le_bytes().as_slice());
    }
    let sum: AggregatePublicKey = keys.as_slice().mult(&scalars, 255);
    Ok(PublicKey::from_aggregate(&sum).compress())
}

/// Parses a compressed G1 public key, requiring it to be on the curve, in the prime-order
/// subgroup and not the point at infinity (what SSV nodes and the deposit contract accept).
pub(crate) fn parse_g1(bytes: &[u8; 48], what: &str) -> Result<PublicKey, KeyshareError> {
    PublicKey::key_validate(bytes).map_err(|_| KeyshareError::InvalidPublicKey {
        what: what.to_owned(),
        hex: hex::encode(bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(byte: u8) -> ValidatorSecret {
        ValidatorSecret::from_bytes(&[byte; 32]).unwrap()
    }

    #[test]
    fn shares_are_evaluated_at_the_operator_id() {
        // With ids not proportional to 1..n, recombining at the wrong x would fail.
        let ids = [5, 9, 12, 40];
        let v = secret(0x21);
        let shares = split(&v, &ids).unwrap();
        let pairs: Vec<_> = shares.iter().map(|s| (s.operator_id, &s.secret)).collect();
        for skip in 0..4 {
            let subset: Vec<_> = pairs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, p)| *p)
                .collect();
            assert_eq!(*recover_secret(&subset).unwrap().to_bytes(), *v.to_bytes());
        }
        let wrong_x: Vec<_> = pairs[..3]
            .iter()
            .enumerate()
            .map(|(i, (_, s))| (i as u64 + 1, *s))
            .collect();
        assert_ne!(*recover_secret(&wrong_x).unwrap().to_bytes(), *v.to_bytes());
    }

    #[test]
    fn share_public_keys_interpolate_to_the_validator_key() {
        let ids = [3, 17, 29, 101, 150, 200, 999];
        let v = secret(0x42);
        let shares = split(&v, &ids).unwrap();
        let points: Vec<_> = shares
            .iter()
            .map(|s| (s.operator_id, s.public_key))
            .collect();
        assert_eq!(recover_public_key(&points[2..]).unwrap(), v.public_key());
        // Evaluating the public polynomial at an operator's id gives its share key.
        assert_eq!(
            interpolate_public_key(&points[..5], 999).unwrap(),
            points[6].1
        );
    }

    #[test]
    fn rejects_bad_id_lists() {
        let v = secret(1);
        let cases = [
            (vec![1, 2, 3, 4, 5], CommitteeError::Size { size: 5 }),
            (
                vec![2, 1, 3, 4],
                CommitteeError::Unsorted {
                    previous: 2,
                    next: 1,
                },
            ),
            (vec![1, 2, 2, 4], CommitteeError::Duplicate { id: 2 }),
            (vec![0, 2, 3, 4], CommitteeError::ZeroId),
        ];
        for (ids, expected) in cases {
            assert!(
                matches!(split(&v, &ids), Err(KeyshareError::Committee(ref e)) if *e == expected),
                "{ids:?}"
            );
        }
    }

    #[test]
    fn recombination_needs_distinct_nonzero_ids_in_any_order() {
        let v = secret(3);
        let shares = split(&v, &[5, 9, 12, 40]).unwrap();
        let s = |i: usize| (shares[i].operator_id, &shares[i].secret);
        // Any order is fine for interpolation.
        let reversed = [s(3), s(1), s(0)];
        assert_eq!(
            *recover_secret(&reversed).unwrap().to_bytes(),
            *v.to_bytes()
        );
        let twice = [s(0), s(1), s(0)];
        assert!(matches!(
            recover_secret(&twice),
            Err(KeyshareError::Committee(CommitteeError::Duplicate {
                id: 5
            }))
        ));
        let zero = [(0, &shares[0].secret), s(1), s(2)];
        assert!(matches!(
            recover_secret(&zero),
            Err(KeyshareError::Committee(CommitteeError::ZeroId))
        ));
    }
}
