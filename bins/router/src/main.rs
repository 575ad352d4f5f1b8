//! `stafi-router`: the StaFi SSV router daemon and its command-line tools.
//!
//! This binary only parses arguments, does I/O and composes the workspace crates; the logic lives
//! in the crates. Each subcommand group has its own module under `cmd/`.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// StaFi SSV router: runs liquid-staking validators on SSV Network (StaFi SIP-7).
#[derive(Debug, Parser)]
#[command(name = "stafi-router", version, about, long_about = None)]
struct Cli {
    /// Log filter, e.g. `info` or `stafi_router=debug` (overrides RUST_LOG).
    #[arg(long, global = true, env = "STAFI_ROUTER_LOG", default_value = "info")]
    log: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the built-in networks and their parameters.
    Networks(cmd::networks::NetworksArgs),
    /// Validator keys: mnemonic, keystores, deposit data, voluntary exits.
    Keys(cmd::keys::KeysArgs),
    /// SSV keyshares: split validator keys for a committee, verify keyshares files.
    Keyshares(cmd::keyshares::KeysharesArgs),
    /// SSV operators: choose committees on fee, health, performance and diversity.
    Operators(cmd::operators::OperatorsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&cli.log))
        .with_writer(std::io::stderr)
        .init();

    let result = match cli.command {
        Command::Networks(args) => cmd::networks::run(&args),
        Command::Keys(args) => cmd::keys::run(&args),
        Command::Keyshares(args) => cmd::keyshares::run(&args),
        Command::Operators(args) => cmd::operators::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            let mut source = err.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
