//! Validator keys for the StaFi router.
//!
//! Everything the router signs with is derived from one mnemonic: BLS keys by EIP-2333 along
//! EIP-2334 paths, kept in EIP-2335 keystores, and used for deposit data and voluntary exits.
//!
//! The network table ([`Network`]) is shared by the whole workspace: it carries each chain's
//! fork versions, genesis validators root and chain id.
//!
//! ```
//! use keygen::Network;
//!
//! let hoodi: Network = "hoodi".parse()?;
//! assert_eq!(hoodi.genesis_fork_version, [0x10, 0x00, 0x09, 0x10]);
//! # Ok::<(), keygen::KeygenError>(())
//! ```

mod error;
mod network;

pub use error::KeygenError;
pub use network::Network;
