use std::path::PathBuf;

use alloy::primitives::B256;
use stafi_contracts::ContractsError;
use thiserror::Error;

/// Everything that can go wrong while starting or driving the devnet.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DevnetError {
    /// The anvil binary is not where `ANVIL_BIN` or the default `.tools/` path says.
    #[error("anvil not found at {}; run scripts/install-tools.sh (or set ANVIL_BIN)", path.display())]
    AnvilMissing {
        /// Where anvil was looked for.
        path: PathBuf,
    },
    /// anvil did not start.
    #[error("anvil at {} failed to start: {source}", path.display())]
    AnvilStart {
        /// The anvil binary that was run.
        path: PathBuf,
        /// Why it did not start.
        #[source]
        source: alloy::node_bindings::NodeError,
    },
    /// anvil printed no dev accounts to sign with.
    #[error("anvil reported {found} dev accounts; the devnet needs {needed}")]
    TooFewAccounts {
        /// How many dev accounts anvil reported (0 when it gave no wallet or key to sign with).
        found: usize,
        /// How many the devnet needs.
        needed: usize,
    },
    /// Deploying a test double failed.
    #[error("deploying {contract} failed: {source}")]
    Deploy {
        /// The double's contract name (`SSVNetwork`, `StafiWithdrawProxy`, …).
        contract: &'static str,
        /// The deployment error.
        #[source]
        source: Box<alloy::contract::Error>,
    },
    /// A contract call reverted or could not be sent (the error names the call and the cluster).
    #[error(transparent)]
    Contract(#[from] ContractsError),
    /// A sent transaction's receipt could not be fetched.
    #[error("waiting for the receipt of {call} failed: {source}")]
    Receipt {
        /// The call that was sent (`registerOperator`, `StafiUpgrade.addContract`, …).
        call: &'static str,
        /// Why the receipt could not be fetched.
        #[source]
        source: alloy::providers::PendingTransactionError,
    },
    /// A mined transaction has a failed status.
    #[error("{call} was mined in transaction {tx} but failed")]
    Failed {
        /// The call that was sent.
        call: &'static str,
        /// The hash of the failed transaction.
        tx: B256,
    },
    /// A transaction succeeded but did not emit the event the helper reads.
    #[error("{call} emitted no {event} event")]
    MissingEvent {
        /// The call whose receipt was read.
        call: &'static str,
        /// The event it should have emitted (`OperatorAdded`, `ValidatorAdded`, …).
        event: &'static str,
    },
    /// A log with an event's signature whose data does not decode as that event.
    #[error("a {event} log does not decode: {message}")]
    EventDecode {
        /// The event's Solidity signature.
        event: &'static str,
        /// The ABI decoder's message.
        message: String,
    },
    /// A JSON-RPC request (anvil_mine, eth_blockNumber, …) failed.
    #[error("{method} failed: {source}")]
    Rpc {
        /// The JSON-RPC method that failed.
        method: &'static str,
        /// The transport error.
        #[source]
        source: alloy::transports::TransportError,
    },
    /// Generating an operator's RSA key failed.
    #[error("generating the RSA key of operator {index} failed: {source}")]
    OperatorKey {
        /// The operator's position in the builder's operator list (0-based).
        index: usize,
        /// The RSA library's error.
        #[source]
        source: rsa::Error,
    },
    /// Encoding an operator's RSA public key as SPKI DER failed.
    #[error("encoding the RSA public key of operator {index} failed: {source}")]
    OperatorKeyEncoding {
        /// The operator's position in the builder's operator list (0-based).
        index: usize,
        /// The encoder's error.
        #[source]
        source: rsa::pkcs8::spki::Error,
    },
    /// No seeded operator has this id.
    #[error("no seeded operator has id {id}")]
    UnknownOperator {
        /// The operator id asked for.
        id: u64,
    },
    /// A local fake HTTP server (beacon or SSV API) could not listen on 127.0.0.1.
    #[error("the fake {server} could not listen on 127.0.0.1: {source}")]
    FakeServerBind {
        /// Which fake: `beacon API` or `SSV API`.
        server: &'static str,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
    /// The chain has no block with this number (a fake reads it at start).
    #[error("the chain has no block {number}")]
    MissingBlock {
        /// The block number asked for (0: the genesis block, for its timestamp).
        number: u64,
    },
    /// The fake beacon could not read the deposit contract's logs.
    #[error("the fake beacon node could not read the chain (HTTP {status} it would answer)")]
    BeaconChain {
        /// The HTTP status the fake would have answered a request with.
        status: u16,
    },
    /// A keygen operation (mnemonic, store, secret file) failed.
    #[error(transparent)]
    Keygen {
        /// The keygen error.
        #[from]
        source: keygen::KeygenError,
    },
    /// A file of the stack could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An account keystore could not be written.
    #[error("writing the keystore {}: {message}", path.display())]
    Keystore {
        /// The keystore file.
        path: PathBuf,
        /// The keystore encryption error.
        message: String,
    },
}
