//! Validator keys and deposit data from a mnemonic, with `keygen` alone: the EIP-2334 paths and
//! public keys of the first three validators, then the deposit data file `ethstaker-deposit`
//! would write for them (1 ETH each, as StaFi's pre-deposit; withdrawals to StaFi's withdraw
//! contract), each checked with `DepositDatum::verify` before it is written.
//!
//! The mnemonic is BIP-39's published test phrase ("abandon" × 23, "art"), never a real one;
//! a router keeps its own encrypted (`keygen::MnemonicStore`, `stafi-router keys import-mnemonic`).
//!
//! Run: `cargo run -p stafi-router-examples --example keys_and_deposit_data`

use keygen::{DepositPlan, DerivationPath, Mnemonic, WithdrawalTarget, parse_withdrawal_address};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let phrase = ["abandon"; 23].join(" ") + " art";
    let mnemonic = Mnemonic::parse(&phrase)?;
    let seed = mnemonic.to_seed("");

    for index in 0..3 {
        let keys = seed.validator_keys(index);
        println!(
            "validator {index}: {} at {}",
            keys.signing.public_key(),
            DerivationPath::signing(index)
        );
    }

    // StaFi's pre-deposit: 1 ETH per key, withdrawal credentials 0x01 to StaFi's withdraw
    // contract (a made-up address here: the router reads the real one from StafiStorage).
    let stafi_withdraw = parse_withdrawal_address("0x27d64Dd9172E4b59a444817D30F7af8228F174CC")?;
    let network: keygen::Network = "hoodi".parse()?;
    let deposits = DepositPlan::new(network.clone(), WithdrawalTarget::Execution(stafi_withdraw))
        .amount_gwei(1_000_000_000)
        .start_index(0)
        .count(3)
        .run(&seed)?;
    for d in &deposits {
        d.verify(&network)?;
    }
    let file: Vec<_> = deposits.iter().map(keygen::DepositDatum::to_json).collect();
    let json = serde_json::to_string_pretty(&file)?;
    println!(
        "deposit_data ({} entries, {} bytes):\n{}",
        file.len(),
        json.len(),
        json.lines().take(12).collect::<Vec<_>>().join("\n")
    );
    Ok(())
}
