//! Arithmetic in Fr, the BLS12-381 scalar field, over blst's field functions.
//!
//! blst exposes Fr arithmetic only through its C API, so this is the crate's one module that
//! calls `unsafe` code. Every call passes pointers to live, properly aligned `blst_fr` /
//! `blst_scalar` values or fixed-size byte arrays of the length the C function reads or
//! writes; blst does not retain the pointers. The rest of the crate sees only [`Scalar`].
#![allow(unsafe_code)] // blst's Fr API is C-only; see the module documentation.

use blst::{
    blst_bendian_from_scalar, blst_fr, blst_fr_add, blst_fr_eucl_inverse, blst_fr_from_scalar,
    blst_fr_from_uint64, blst_fr_mul, blst_fr_sub, blst_lendian_from_scalar, blst_scalar,
    blst_scalar_fr_check, blst_scalar_from_be_bytes, blst_scalar_from_bendian, blst_scalar_from_fr,
};
use zeroize::{Zeroize, Zeroizing};

/// An element of Fr (kept in blst's Montgomery form). Zeroed on drop because shares and
/// polynomial coefficients are secrets.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Scalar(blst_fr);

impl std::fmt::Debug for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scalar(<redacted>)")
    }
}

impl Drop for Scalar {
    fn drop(&mut self) {
        self.0.l.zeroize();
    }
}

impl Scalar {
    pub(crate) fn zero() -> Self {
        Self(blst_fr::default())
    }

    pub(crate) fn from_u64(value: u64) -> Self {
        let limbs = [value, 0, 0, 0];
        let mut out = blst_fr::default();
        // SAFETY: blst_fr_from_uint64 reads exactly four u64 limbs and writes one blst_fr.
        unsafe { blst_fr_from_uint64(&raw mut out, limbs.as_ptr()) };
        Self(out)
    }

    /// Parses a canonical 32-byte big-endian scalar; `None` if it is ≥ r.
    pub(crate) fn from_be_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let mut s = ZeroScalar::default();
        // SAFETY: blst_scalar_from_bendian reads exactly 32 bytes and writes one blst_scalar.
        unsafe { blst_scalar_from_bendian(&raw mut s.0, bytes.as_ptr()) };
        // SAFETY: reads one initialised blst_scalar.
        if !unsafe { blst_scalar_fr_check(&raw const s.0) } {
            return None;
        }
        Some(Self::from_blst_scalar(&s))
    }

    /// Reduces an arbitrary big-endian byte string modulo r (used on 48 random bytes, which
    /// makes the result uniform up to a 2^-128 bias).
    pub(crate) fn from_be_bytes_wide(bytes: &[u8]) -> Self {
        let mut s = ZeroScalar::default();
        // SAFETY: blst_scalar_from_be_bytes reads `len` bytes from a live slice of that length.
        // The returned flag only reports a zero result, which callers check via `is_zero`.
        let _nonzero =
            unsafe { blst_scalar_from_be_bytes(&raw mut s.0, bytes.as_ptr(), bytes.len()) };
        Self::from_blst_scalar(&s)
    }

    fn from_blst_scalar(s: &ZeroScalar) -> Self {
        let mut out = blst_fr::default();
        // SAFETY: reads one blst_scalar, writes one blst_fr.
        unsafe { blst_fr_from_scalar(&raw mut out, &raw const s.0) };
        Self(out)
    }

    fn to_blst_scalar(&self) -> ZeroScalar {
        let mut s = ZeroScalar::default();
        // SAFETY: reads one blst_fr, writes one blst_scalar.
        unsafe { blst_scalar_from_fr(&raw mut s.0, &raw const self.0) };
        s
    }

    /// Canonical 32-byte big-endian encoding.
    pub(crate) fn to_be_bytes(&self) -> Zeroizing<[u8; 32]> {
        let s = self.to_blst_scalar();
        let mut out = Zeroizing::new([0u8; 32]);
        // SAFETY: writes exactly 32 bytes into a 32-byte array; reads one blst_scalar.
        unsafe { blst_bendian_from_scalar(out.as_mut_ptr(), &raw const s.0) };
        out
    }

    /// Canonical 32-byte little-endian encoding (the form blst's multi-scalar product takes).
    pub(crate) fn to_le_bytes(&self) -> Zeroizing<[u8; 32]> {
        let s = self.to_blst_scalar();
        let mut out = Zeroizing::new([0u8; 32]);
        // SAFETY: writes exactly 32 bytes into a 32-byte array; reads one blst_scalar.
        unsafe { blst_lendian_from_scalar(out.as_mut_ptr(), &raw const s.0) };
        out
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0 == blst_fr::default()
    }

    pub(crate) fn add(&self, other: &Self) -> Self {
        let mut out = blst_fr::default();
        // SAFETY: reads two blst_fr, writes one; aliasing is not involved (fresh output).
        unsafe { blst_fr_add(&raw mut out, &raw const self.0, &raw const other.0) };
        Self(out)
    }

    pub(crate) fn sub(&self, other: &Self) -> Self {
        let mut out = blst_fr::default();
        // SAFETY: as in `add`.
        unsafe { blst_fr_sub(&raw mut out, &raw const self.0, &raw const other.0) };
        Self(out)
    }

    pub(crate) fn mul(&self, other: &Self) -> Self {
        let mut out = blst_fr::default();
        // SAFETY: as in `add`.
        unsafe { blst_fr_mul(&raw mut out, &raw const self.0, &raw const other.0) };
        Self(out)
    }

    /// Multiplicative inverse; `None` for zero.
    pub(crate) fn invert(&self) -> Option<Self> {
        if self.is_zero() {
            return None;
        }
        let mut out = blst_fr::default();
        // SAFETY: reads one blst_fr, writes one.
        unsafe { blst_fr_eucl_inverse(&raw mut out, &raw const self.0) };
        Some(Self(out))
    }
}

/// A `blst_scalar` that is wiped when dropped (it holds the same secret as the `Scalar`).
#[derive(Default)]
struct ZeroScalar(blst_scalar);

impl Drop for ZeroScalar {
    fn drop(&mut self) {
        self.0.b.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R_MINUS_1: [u8; 32] = [
        0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8,
        0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00,
        0x00, 0x00,
    ];

    #[test]
    fn r_minus_one_is_canonical_and_r_is_not() {
        let max = Scalar::from_be_bytes(&R_MINUS_1).expect("r - 1 is in the field");
        assert_eq!(*max.to_be_bytes(), R_MINUS_1);
        // (r - 1) + 1 = 0 in Fr.
        assert!(max.add(&Scalar::from_u64(1)).is_zero());
        let mut r = R_MINUS_1;
        r[31] = 0x01;
        assert!(Scalar::from_be_bytes(&r).is_none());
    }

    #[test]
    fn small_integer_arithmetic() {
        let a = Scalar::from_u64(6);
        let b = Scalar::from_u64(7);
        assert_eq!(a.mul(&b), Scalar::from_u64(42));
        assert_eq!(b.sub(&a), Scalar::from_u64(1));
        let inv = a.invert().expect("6 is invertible");
        assert_eq!(inv.mul(&a), Scalar::from_u64(1));
        assert!(Scalar::zero().invert().is_none());
        let mut le = [0u8; 32];
        le[0] = 42;
        assert_eq!(*Scalar::from_u64(42).to_le_bytes(), le);
    }

    #[test]
    fn wide_reduction_wraps_modulo_r() {
        // r itself, given as 48 big-endian bytes, reduces to zero; r + 5 reduces to 5.
        let mut wide = [0u8; 48];
        wide[16..].copy_from_slice(&R_MINUS_1);
        wide[47] = 0x01;
        assert!(Scalar::from_be_bytes_wide(&wide).is_zero());
        wide[47] = 0x06;
        assert_eq!(Scalar::from_be_bytes_wide(&wide), Scalar::from_u64(5));
    }
}
