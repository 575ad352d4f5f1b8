//! SSV keyshares for the StaFi router.
//!
//! A validator key is split with Shamir's scheme over the BLS12-381 scalar field, evaluated at the
//! operator ids; each share is encrypted to its operator's RSA key, and the result is packed into
//! the `sharesData` of an SSV registration and into a keyshares file.
//!
//! ```
//! use keyshare::CommitteeSize;
//!
//! let size = CommitteeSize::try_from(7)?;
//! assert_eq!(size.threshold(), 5);
//! # Ok::<(), keyshare::KeyshareError>(())
//! ```

mod committee;
mod error;

pub use committee::CommitteeSize;
pub use error::KeyshareError;
