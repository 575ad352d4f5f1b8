use clap::Args;
use keygen::Network;

use super::CmdError;

#[derive(Debug, Args)]
pub struct NetworksArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &NetworksArgs) -> Result<(), CmdError> {
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
                    "genesis_fork_version": hex(&n.genesis_fork_version),
                    "capella_fork_version": hex(&n.capella_fork_version),
                    "genesis_validators_root": hex(&n.genesis_validators_root),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
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
                hex(&n.genesis_fork_version),
                hex(&n.capella_fork_version)
            );
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::from("0x"), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
