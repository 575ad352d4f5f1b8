//! Withdrawal credentials: 0x00 (BLS), 0x01 (execution address) and 0x02 (compounding).

use std::fmt;

use alloy_primitives::Address;
use sha2::{Digest, Sha256};

use crate::KeygenError;
use crate::bls::PublicKey;

/// 32-byte withdrawal credentials as they go into a deposit.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WithdrawalCredentials([u8; 32]);

impl WithdrawalCredentials {
    /// `0x01 ‖ 0x00×11 ‖ address`: withdrawals to an execution address (StaFi's Withdraw contract).
    pub fn execution(address: Address) -> Self {
        Self::with_address(0x01, address)
    }

    /// `0x02 ‖ 0x00×11 ‖ address`: compounding validator (EIP-7251).
    pub fn compounding(address: Address) -> Self {
        Self::with_address(0x02, address)
    }

    /// `0x00 ‖ sha256(withdrawal_pubkey)[1..]`: BLS withdrawal credentials.
    pub fn bls(withdrawal_pubkey: &PublicKey) -> Self {
        let mut out: [u8; 32] = Sha256::digest(withdrawal_pubkey.as_bytes()).into();
        out[0] = 0x00;
        Self(out)
    }

    /// From raw bytes, accepting the three known prefixes.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, KeygenError> {
        match bytes[0] {
            0x00 => Ok(Self(bytes)),
            0x01 | 0x02 if bytes[1..12].iter().all(|&b| b == 0) => Ok(Self(bytes)),
            prefix => Err(KeygenError::InvalidWithdrawalCredentials {
                credentials: hex::encode(bytes),
                prefix,
            }),
        }
    }

    fn with_address(prefix: u8, address: Address) -> Self {
        let mut out = [0u8; 32];
        out[0] = prefix;
        out[12..].copy_from_slice(address.as_slice());
        Self(out)
    }

    /// The first byte: 0x00, 0x01 or 0x02.
    pub fn prefix(&self) -> u8 {
        self.0[0]
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for WithdrawalCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WithdrawalCredentials(0x{})", hex::encode(self.0))
    }
}

/// Parses a withdrawal address: `0x` and 40 hex digits; mixed case must be a valid EIP-55
/// checksum; the zero address is refused (withdrawals there are lost).
pub fn parse_withdrawal_address(input: &str) -> Result<Address, KeygenError> {
    let bad = |reason: &'static str| KeygenError::InvalidAddress {
        input: input.to_owned(),
        reason,
    };
    let digits = input
        .strip_prefix("0x")
        .ok_or_else(|| bad("must start with 0x"))?;
    if digits.len() != 40 {
        return Err(bad("must have 40 hex digits after 0x"));
    }
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("contains a non-hex character"));
    }
    let address: Address = input.parse().map_err(|_| bad("not a hex address"))?;
    let mixed_case = digits.bytes().any(|b| b.is_ascii_lowercase())
        && digits.bytes().any(|b| b.is_ascii_uppercase());
    if mixed_case && address.to_checksum(None) != input {
        return Err(bad("mixed-case address with a wrong EIP-55 checksum"));
    }
    if address.is_zero() {
        return Err(bad("the zero address would burn every withdrawal"));
    }
    Ok(address)
}
