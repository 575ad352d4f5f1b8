//! `stafi-router status`: syncs, then shows every validator and cluster (`--json` for machines).

use clap::Args;

use super::node::{self, ConfigArgs};
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &StatusArgs) -> Result<(), CliError> {
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::Runtime)?;
    runtime.block_on(async {
        let settings = args.config.settings()?;
        let floor = settings.config.runway.floor_days;
        let seed = router::open_seed(
            &settings.config.accounts,
            &node::env,
            node::terminal_prompt(),
        )?;
        let (mut n, _accounts) = node::open(settings).await?;
        let report = node::sync(&mut n).await?;
        let status = n.status(&seed, report.head).await?;
        if args.json {
            let text = serde_json::to_string_pretty(&status).map_err(|source| CliError::Json {
                what: "status",
                source,
            })?;
            println!("{text}");
        } else {
            use std::io::IsTerminal as _;
            print!(
                "{}",
                status.to_table_with(floor, std::io::stdout().is_terminal())
            );
        }
        Ok(())
    })
}
