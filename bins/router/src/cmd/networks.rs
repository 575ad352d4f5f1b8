//! `stafi-router networks`: the built-in networks and their parameters.

use clap::Args;
use keygen::Network;

use crate::error::CliError;
use crate::io::to_hex;

#[derive(Debug, Args)]
pub struct NetworksArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Prints the built-in networks as a table, or as JSON with `--json`.
pub fn run(args: &NetworksArgs) -> Result<(), CliError> {
    let networks = Network::known_names()
        .map(Network::by_name)
        .collect::<Result<Vec<_>, _>>()?;
    if args.json {
        let rows: Vec<_> = networks
            .iter()
            .map(|n| {
                serde_json::json!({
                    "name": n.name,
                    "chain_id": n.chain_id,
                    "genesis_fork_version": to_hex(&n.genesis_fork_version),
                    "capella_fork_version": to_hex(&n.capella_fork_version),
                    "genesis_validators_root": to_hex(&n.genesis_validators_root),
                })
            })
            .collect();
        let json = serde_json::to_string_pretty(&rows).map_err(|source| CliError::Json {
            what: "network table",
            source,
        })?;
        println!("{json}");
    } else {
        println!(
            "{:<10} {:>10}  {:<10}  {:<10}",
            "network", "chain id", "genesis", "capella"
        );
        for n in &networks {
            println!(
                "{:<10} {:>10}  {:<10}  {:<10}",
                n.name,
                n.chain_id,
                to_hex(&n.genesis_fork_version),
                to_hex(&n.capella_fork_version)
            );
        }
    }
    Ok(())
}
