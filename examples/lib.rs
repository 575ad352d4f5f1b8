//! Examples for integrators live beside this file, one `[[example]]` each:
//!
//! - `onboard_offline`: one validator from mnemonic to registration payload and ETH amount,
//!   `cargo run -p stafi-router-examples --example onboard_offline`.
//! - `onchain_onboard`: the router's main job once on a local anvil devnet — StaFi 1 ETH deposit,
//!   oracle vote, committee, keyshares, SSV v2 registration with the planned ETH, 31 ETH stake,
//!   cluster balance checked against the accounting crate,
//!   `cargo run -p stafi-router-examples --example onchain_onboard`.
