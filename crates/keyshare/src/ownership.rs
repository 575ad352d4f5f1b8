//! The ownership signature: the first 96 bytes of sharesData.

use alloy_primitives::{Address, keccak256};
use blst::BLST_ERROR;
use blst::min_pk::Signature;

use crate::KeyshareError;
use crate::secret::ValidatorSecret;
use crate::shamir::parse_g1;

/// Ethereum's proof-of-possession ciphersuite, which herumi's `EthModeDraft07` (SSV nodes,
/// ssv-dkg) and ssv-keys use for the ownership signature.
pub const POP_DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// keccak256 of `"<EIP-55 checksummed owner>:<nonce in decimal>"`, the 32 bytes that get signed.
pub fn ownership_message(owner: &Address, nonce: u64) -> [u8; 32] {
    let text = format!("{}:{nonce}", owner.to_checksum(None));
    keccak256(text.as_bytes()).0
}

/// The validator key's BLS signature over [`ownership_message`], 96 bytes compressed.
pub fn sign_ownership(secret: &ValidatorSecret, owner: &Address, nonce: u64) -> [u8; 96] {
    secret
        .key
        .sign(&ownership_message(owner, nonce), POP_DST, &[])
        .compress()
}

/// Checks an ownership signature as SSV nodes do (`verifySignature`).
pub fn verify_ownership(
    validator_public_key: &[u8; 48],
    owner: &Address,
    nonce: u64,
    signature: &[u8; 96],
) -> Result<(), KeyshareError> {
    let pk = parse_g1(validator_public_key, "validator public key")?;
    let failed = || KeyshareError::Signature {
        owner: owner.to_checksum(None),
        nonce,
    };
    let sig = Signature::from_bytes(signature).map_err(|_| failed())?;
    match sig.verify(
        true,
        &ownership_message(owner, nonce),
        POP_DST,
        &[],
        &pk,
        false,
    ) {
        BLST_ERROR::BLST_SUCCESS => Ok(()),
        _ => Err(failed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_uses_the_checksummed_address() {
        let owner: Address = "0xdcc846fa10c7cfce9e6eb37e06ed93b666cfc5e9"
            .parse()
            .unwrap();
        let expected = keccak256(b"0xDCc846fA10C7CfCE9e6Eb37e06eD93b666cFC5E9:1").0;
        assert_eq!(ownership_message(&owner, 1), expected);
    }

    #[test]
    fn signature_binds_owner_and_nonce() {
        let v = ValidatorSecret::from_bytes(&[7; 32]).unwrap();
        let owner = Address::repeat_byte(0xab);
        let sig = sign_ownership(&v, &owner, 3);
        let pk = v.public_key();
        verify_ownership(&pk, &owner, 3, &sig).unwrap();
        assert!(matches!(
            verify_ownership(&pk, &owner, 4, &sig),
            Err(KeyshareError::Signature { nonce: 4, .. })
        ));
        assert!(verify_ownership(&pk, &Address::repeat_byte(0xac), 3, &sig).is_err());
    }
}
