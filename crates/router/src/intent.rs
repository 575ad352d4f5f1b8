//! Write intents: every transaction the router sends is recorded before it is sent (what, for
//! which keys and cluster, with which account nonce, then its signed bytes and hash) and closed
//! after its receipt. On start, open intents are reconciled with the chain before anything new is
//! planned, so a crash never sends a write twice or loses one in flight.

use alloy::primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};

/// The account a transaction is signed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Account {
    /// StaFi's super-node account: `deposit`, `stake`.
    SuperNode,
    /// The SSV cluster owner: every SSVNetwork write.
    SsvOwner,
}

/// What a write does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntentKind {
    /// `StafiSuperNode.deposit`: 1 ETH per key from the pool.
    Deposit,
    /// `StafiSuperNode.stake`: 31 ETH per MATCH key.
    Stake,
    /// `SSVNetwork.registerValidator` / `bulkRegisterValidator` with ETH.
    Register,
    /// `SSVNetwork.deposit`: top a cluster up.
    TopUp,
    /// `SSVNetwork.reactivate`.
    Reactivate,
    /// `SSVNetwork.withdraw` from a cluster with no validators.
    Withdraw,
    /// `SSVNetwork.setFeeRecipientAddress`.
    FeeRecipient,
    /// `SSVNetwork.bulkRemoveValidator`: offboard exited validators, or start a move.
    Remove,
    /// `SSVNetwork.bulkExitValidator`: tell the operators an exit was signed.
    ExitOnSsv,
    /// `SSVNetwork.migrateClusterToETH`: a legacy SSV-token cluster to ETH.
    Migrate,
}

impl IntentKind {
    /// The account that signs this kind of write.
    pub fn account(&self) -> Account {
        match self {
            Self::Deposit | Self::Stake => Account::SuperNode,
            _ => Account::SsvOwner,
        }
    }

    /// A short name: `deposit`, `stake`, `register`, `top_up`, …
    pub fn label(&self) -> &'static str {
        match self {
            Self::Deposit => "deposit",
            Self::Stake => "stake",
            Self::Register => "register",
            Self::TopUp => "top_up",
            Self::Reactivate => "reactivate",
            Self::Withdraw => "withdraw",
            Self::FeeRecipient => "fee_recipient",
            Self::Remove => "remove",
            Self::ExitOnSsv => "exit_on_ssv",
            Self::Migrate => "migrate",
        }
    }

    /// The contract function.
    pub fn function(&self) -> &'static str {
        match self {
            Self::Deposit => "StafiSuperNode.deposit",
            Self::Stake => "StafiSuperNode.stake",
            Self::Register => "SSVNetwork.bulkRegisterValidator",
            Self::TopUp => "SSVNetwork.deposit",
            Self::Reactivate => "SSVNetwork.reactivate",
            Self::Withdraw => "SSVNetwork.withdraw",
            Self::FeeRecipient => "SSVNetwork.setFeeRecipientAddress",
            Self::Remove => "SSVNetwork.bulkRemoveValidator",
            Self::ExitOnSsv => "SSVNetwork.bulkExitValidator",
            Self::Migrate => "SSVNetwork.migrateClusterToETH",
        }
    }
}

/// A transaction to send, as a step plans it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    /// What the write does.
    pub kind: IntentKind,
    /// The contract called.
    pub to: Address,
    /// The ABI-encoded call data.
    pub data: Bytes,
    /// Wei sent with the call.
    pub value: U256,
    /// Validator key indices and pubkeys it concerns.
    pub key_indices: Vec<u64>,
    /// The 48-byte BLS public keys of those validators, in the same order.
    pub pubkeys: Vec<Bytes>,
    /// The SSV cluster's operator ids, for SSV writes.
    pub cluster: Option<Vec<u64>>,
    /// The first SSV owner nonce the keyshares were signed with (registrations).
    pub owner_nonce: Option<u64>,
    /// Why: the numbers that triggered it.
    pub reason: String,
}

/// Where a recorded intent is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntentState {
    /// Signed with `nonce`; maybe sent (a crash may come between signing and sending).
    Signed,
    /// Mined in `block`; `success` is the receipt status.
    Mined {
        /// The block it was mined in.
        block: u64,
        /// The receipt status: `false` when it reverted.
        success: bool,
        /// The hash of the signed version that was mined.
        tx: B256,
    },
    /// Its nonce was used by another transaction, or it was given up; re-planned from the chain.
    Abandoned {
        /// Why it was given up.
        reason: String,
    },
}

/// An intent as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentRecord {
    /// The store's id of the intent, counting up from 1.
    pub id: u64,
    /// The transaction as planned.
    pub intent: Intent,
    /// The account that signs it.
    pub account: Account,
    /// That account's address.
    pub from: Address,
    /// The account nonce every signed version uses.
    pub nonce: u64,
    /// Every signed version (a replacement adds one), newest last, as raw EIP-2718 bytes.
    pub signed: Vec<SignedTx>,
    /// Whether it is open, mined or abandoned.
    pub state: IntentState,
    /// Block of the snapshot it was planned at.
    pub planned_at: u64,
}

/// One signed transaction of an intent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedTx {
    /// The transaction hash.
    pub hash: B256,
    /// The signed EIP-2718 envelope, as sent with `eth_sendRawTransaction`.
    pub raw: Bytes,
    /// Its EIP-1559 `maxFeePerGas`, in wei per gas.
    pub max_fee_per_gas: u128,
    /// Its EIP-1559 `maxPriorityFeePerGas`, in wei per gas.
    pub max_priority_fee_per_gas: u128,
}

impl IntentRecord {
    /// Still open (not mined, not abandoned).
    pub fn is_open(&self) -> bool {
        matches!(self.state, IntentState::Signed)
    }
}
