//! `stafi-router config check | example`.

use clap::{Args, Subcommand};

use super::node::{self, ConfigArgs};
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct ConfigCmdArgs {
    #[command(subcommand)]
    command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Read the chain and report whether the configuration matches it; exits non-zero on any
    /// mismatch, naming what and both values.
    Check(ConfigArgs),
    /// Print a configuration file documenting every key with its default.
    Example,
}

/// The documented example (docs/stafi-router.example.toml).
pub const EXAMPLE: &str = include_str!("../../../../docs/stafi-router.example.toml");

pub fn run(args: &ConfigCmdArgs) -> Result<(), CliError> {
    match &args.command {
        ConfigCommand::Example => {
            print!("{EXAMPLE}");
            Ok(())
        }
        ConfigCommand::Check(config) => check(config),
    }
}

fn check(args: &ConfigArgs) -> Result<(), CliError> {
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::Runtime)?;
    runtime.block_on(async {
        let settings = args.settings()?;
        let api = match &settings.config.ssv_api.url {
            Some(url) => Some(
                ssv_api::SsvApiClient::builder(ssv_api::SsvNetwork::Mainnet)
                    .base_url(url.clone())
                    .build()?,
            ),
            None => None,
        };
        let (mut n, _accounts) = node::open(settings).await?;
        node::sync(&mut n).await?;
        let report = n.check(api.as_ref()).await;
        print!("{}", report.to_text());
        match report.mismatches.first() {
            None => Ok(()),
            Some(first) => Err(CliError::CheckFailed {
                count: report.mismatches.len(),
                first: first.to_string(),
            }),
        }
    })
}
