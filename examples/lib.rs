//! Examples for integrators live beside this file, one `[[example]]` each; `make test` builds
//! and runs every one of them:
//!
//! - `keys_and_deposit_data`: validator keys and their deposit data from a mnemonic (`keygen`).
//! - `onboard_offline`: one validator from mnemonic to registration payload and ETH amount,
//!   with the four pure crates.
//! - `onchain_onboard`: the router's main job once on a local anvil devnet — StaFi 1 ETH deposit,
//!   oracle vote, committee, keyshares, SSV v2 registration with the planned ETH, 31 ETH stake,
//!   cluster balance checked against the accounting crate — the crates composed by hand.
//! - `committee_keyshares`: every operator from an SSV API, a committee chosen with reasons, and
//!   keyshares for it (`ssv-api`, `operator-selection`, `keyshare`).
//! - `cluster_from_events`: a cluster's balance, runway and liquidation block rebuilt from
//!   SSVNetwork's events (`ssv-sync`, `cluster-accounting`), checked against `getBalance`.
//! - `what_if`: the ETH for N more validators on a committee of 4 vs 7 for 30/90/365 days, and
//!   the cost of migrating a legacy SSV cluster (`cluster-accounting`).
//!
//! Run one with `cargo run -p stafi-router-examples --example <name>`.
