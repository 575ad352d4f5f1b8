//! Validator keys for the StaFi router.
//!
//! Everything the router signs with is derived from one mnemonic: BLS keys by EIP-2333 along
//! EIP-2334 paths, kept in EIP-2335 keystores, and used for deposit data and voluntary exits.
//! The output matches the ethstaker deposit tool byte for byte.
//!
//! The network table ([`Network`]) is shared by the whole workspace: it carries each chain's
//! fork versions, genesis validators root and chain id.
//!
//! ```
//! use keygen::{DepositPlan, Mnemonic, Network, WithdrawalTarget, parse_withdrawal_address};
//!
//! let mnemonic = Mnemonic::parse(
//!     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
//! )?;
//! let seed = mnemonic.to_seed("");
//! let withdraw = parse_withdrawal_address("0x1111111111111111111111111111111111111111")?;
//! let deposits = DepositPlan::new("mainnet".parse()?, WithdrawalTarget::Execution(withdraw))
//!     .amount_gwei(32_000_000_000)
//!     .start_index(0)
//!     .count(1)
//!     .run(&seed)?;
//! assert_eq!(
//!     hex::encode(deposits[0].deposit_data_root),
//!     "2bf5e19730af00ba7252ad9928e1fe8a9ae7f598bd3f1ad96ea094663f40c946"
//! );
//!
//! // Keys at rest: open a keystore or the mnemonic store with a password.
//! let hoodi: Network = "hoodi".parse()?;
//! assert_eq!(hoodi.genesis_fork_version, [0x10, 0x00, 0x09, 0x10]);
//! # Ok::<(), keygen::KeygenError>(())
//! ```
#![warn(missing_docs)]

mod bls;
mod credentials;
mod crypto;
mod deposit;
mod derivation;
mod error;
mod exit;
mod fs;
mod keystore;
mod mnemonic;
mod network;
mod ssz;
mod store;
pub mod wire;

pub use bls::{BLS_DST, PublicKey, SecretKey, Signature};
pub use credentials::{WithdrawalCredentials, parse_withdrawal_address};
pub use crypto::{Kdf, decrypt_keystore_secret, process_password};
pub use deposit::{
    DEPOSIT_CLI_VERSION, DepositDatum, DepositPlan, GWEI_PER_ETH, MAX_DEPOSIT_GWEI,
    MIN_DEPOSIT_GWEI, WithdrawalTarget, deposit_domain, sign_deposit,
};
pub use derivation::{COIN_TYPE, DerivationPath, PURPOSE, Seed, ValidatorKeys};
pub use error::KeygenError;
pub use exit::{SignedVoluntaryExit, sign_voluntary_exit, voluntary_exit_domain};
pub use fs::{
    ensure_private, open_keystore, open_mnemonic_store, read_keystore, read_mnemonic_store,
    write_secret_file,
};
pub use keystore::{Keystore, KeystoreBuilder};
pub use mnemonic::{Mnemonic, NEW_MNEMONIC_WORDS};
pub use network::Network;
pub use ssz::{DOMAIN_DEPOSIT, DOMAIN_VOLUNTARY_EXIT, compute_domain, compute_signing_root};
pub use store::{MNEMONIC_STORE_CONTENT, MnemonicStore};
