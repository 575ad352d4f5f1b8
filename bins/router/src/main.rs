//! `stafi-router`: the StaFi SSV router daemon and its command-line tools.
//!
//! This binary only parses arguments, does I/O and composes the workspace crates; the logic lives
//! in the crates. Each subcommand group has its own module under `cmd/`.

// The doc comments of the argument types are `--help` text, printed as written, not Markdown.
#![allow(rustdoc::invalid_html_tags, rustdoc::bare_urls)]

mod cmd;
mod error;
mod io;

use std::error::Error as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

/// StaFi SSV router: runs liquid-staking validators on SSV Network (StaFi SIP-7).
#[derive(Debug, Parser)]
#[command(name = "stafi-router", version, about, long_about = None)]
struct Cli {
    /// Log filter, e.g. `info` or `stafi_router=debug` (overrides RUST_LOG).
    #[arg(long, global = true, env = "STAFI_ROUTER_LOG", default_value = "info")]
    log: String,

    /// Log lines as human text (colours only on a terminal) or as JSON objects, one per line.
    #[arg(long, global = true, env = "STAFI_ROUTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human)]
    log_format: LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Human,
    Json,
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
    /// Sync, then show every validator (StaFi, SSV and beacon status) and SSV cluster (balance,
    /// runway, liquidation block).
    Status(cmd::status::StatusArgs),
    /// The configuration: check it against the chain, or print a documented example.
    Config(cmd::config::ConfigCmdArgs),
    /// The daemon: on every new block, stake matched keys, deposit free pool ETH, register staked
    /// keys on SSV, fund clusters and set the fee recipient (`--plan`: one read-only pass).
    Run(cmd::run::RunArgs),
    /// One read-only pass: every transaction `run` would send now, with gas and the reason.
    Plan(cmd::run::PlanArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs(&cli.log, cli.log_format);

    let result = match cli.command {
        Command::Networks(args) => cmd::networks::run(&args),
        Command::Keys(args) => cmd::keys::run(&args),
        Command::Keyshares(args) => cmd::keyshares::run(&args),
        Command::Operators(args) => cmd::operators::run(&args),
        Command::Status(args) => cmd::status::run(&args),
        Command::Config(args) => cmd::config::run(&args),
        Command::Run(args) => cmd::run::run(&args),
        Command::Plan(args) => cmd::run::plan(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprint!("{}", report(&err));
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr: human lines (ANSI colours only when stderr is a terminal) or JSON lines, with
/// the pass and write spans (block, step, call, tx hash) on every event inside them.
fn init_logs(filter: &str, format: LogFormat) {
    use std::io::IsTerminal as _;
    use tracing_subscriber::fmt::format::FmtSpan;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Human => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_span_events(FmtSpan::NONE)
            .init(),
    }
}

/// The error and its chain of causes, one per line. A cause whose message already ends the
/// line above (errors that print their source in their own message) is not repeated.
fn report(err: &CliError) -> String {
    use std::fmt::Write as _;
    let mut shown = err.to_string();
    let mut text = format!("error: {shown}\n");
    let mut source = err.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !shown.ends_with(&message) {
            let _ = writeln!(text, "  caused by: {message}");
        }
        shown = message;
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn the_report_lists_every_cause() {
        let err = CliError::ReadFile {
            path: PathBuf::from("policy.toml"),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        };
        assert_eq!(
            report(&err),
            "error: cannot read policy.toml\n  caused by: no such file\n"
        );
    }

    #[test]
    fn a_cause_already_in_the_message_above_is_not_repeated() {
        let err = CliError::OpenStore {
            path: PathBuf::from("store.json"),
            source: keygen::KeygenError::Io {
                path: PathBuf::from("store.json"),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            },
        };
        assert_eq!(
            report(&err),
            "error: cannot open the mnemonic store store.json\n  \
             caused by: store.json: no such file\n"
        );
    }
}
