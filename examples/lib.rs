//! Examples for integrators live beside this file, one `[[example]]` each:
//!
//! - `onboard_offline`: one validator from mnemonic to registration payload and ETH amount,
//!   `cargo run -p stafi-router-examples --example onboard_offline`.
