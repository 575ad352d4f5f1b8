//! One module per subcommand group. Each exposes its clap `Args` and a `run` function that
//! returns a [`CliError`](crate::error::CliError).

pub mod config;
pub mod keys;
pub mod keyshares;
pub mod networks;
pub mod node;
pub mod operators;
pub mod run;
pub mod status;
