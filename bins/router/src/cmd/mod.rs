//! One module per subcommand group. Each exposes its clap `Args` and a `run` function.

pub mod keys;
pub mod keyshares;
pub mod networks;
pub mod operators;

/// The error every subcommand returns: the binary prints it with its causes and exits non-zero.
pub type CmdError = Box<dyn std::error::Error + Send + Sync + 'static>;
