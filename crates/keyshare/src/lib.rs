//! SSV keyshares for the StaFi router.
//!
//! A validator key is split with Shamir's scheme over the BLS12-381 scalar field, evaluated at
//! the operator ids (threshold t = n − (n − 1)/3); each share is encrypted (RSAES-PKCS1-v1_5) to
//! its operator's RSA-2048 key; the validator key signs `"<checksummed owner>:<nonce>"`; and
//! the result is packed into the `sharesData` of an SSV registration and a keyshares file
//! (`"version": "v1.1.0"`). [`Verifier`] checks files from any source the way SSV nodes do,
//! plus interpolation and, given operator private keys, decryption.
//!
//! ```
//! use keyshare::{Address, KeysharesBuilder, Operator, ValidatorSecret, Verifier};
//!
//! // Operators as in a keyshares file or the SSV API: ids ascending, base64-PEM RSA keys.
//! let operators = Operator::list_from_json(include_str!(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/tests/fixtures/test-operators/operators.json"
//! )))?;
//! let owner: Address = "0x81592c3de184a3e2c0dcb5a261bc107bfa91f494".parse().unwrap();
//! let secret = ValidatorSecret::from_hex(
//!     "0x2ee1bd3d1f0b3f9f8c05f8a4bbef5e8f3eb4a1a0f5d17f6c2fb0d2b8b9d08c22",
//! )?;
//!
//! let file = KeysharesBuilder::new(operators, owner)?.nonce(3).build(&[secret])?;
//! assert_eq!(file.version, "v1.1.0");
//! assert_eq!(file.items[0].shares_data.len(), 1312);
//!
//! let verdicts = Verifier::new().owner(owner).nonce(3).verify_file(&file);
//! assert!(verdicts.iter().all(keyshare::Verdict::is_ok));
//! # Ok::<(), keyshare::KeyshareError>(())
//! ```
#![warn(missing_docs)]

mod builder;
mod error;
mod field;
mod keyshares;
mod operator_key;
mod ownership;
mod secret;
mod shamir;
mod shares_data;
mod verify;
mod wire;

pub use alloy_primitives::Address;
pub use builder::KeysharesBuilder;
pub use error::KeyshareError;
pub use keyshares::{KeysharesFile, KeysharesItem, WRITE_VERSION};
pub use operator_key::{CIPHERTEXT_LEN, Operator, OperatorPrivateKey, OperatorPublicKey};
pub use ownership::{POP_DST, ownership_message, sign_ownership, verify_ownership};
pub use secret::{ShareSecret, ValidatorSecret};
pub use shamir::{Share, check_operator_ids, recover_public_key, recover_secret, split};
pub use shares_data::SharesData;
pub use ssv_committee::{COMMITTEE_SIZES, Committee, CommitteeError, CommitteeSize};
pub use verify::{Verdict, Verifier};
pub use wire::OperatorJson;
