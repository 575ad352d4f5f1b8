//! Deposit data: DepositMessage / DepositData roots and the deposit signature.

use crate::KeygenError;
use crate::bls::{PublicKey, SecretKey, Signature};
use crate::credentials::WithdrawalCredentials;
use crate::derivation::Seed;
use crate::network::Network;
use crate::ssz::{self, DOMAIN_DEPOSIT, compute_domain, compute_signing_root};
use crate::wire::DepositDataJson;

/// One gwei-denominated ether.
pub const GWEI_PER_ETH: u64 = 1_000_000_000;
/// The deposit contract refuses less than 1 ETH.
pub const MIN_DEPOSIT_GWEI: u64 = GWEI_PER_ETH;
/// The deposit tool's upper bound (`MAX_EFFECTIVE_BALANCE_ELECTRA`, 2048 ETH).
pub const MAX_DEPOSIT_GWEI: u64 = 2048 * GWEI_PER_ETH;
/// Written in `deposit_cli_version`: the ethstaker-deposit release whose output this matches.
/// The launchpad checks this field.
pub const DEPOSIT_CLI_VERSION: &str = "1.3.1";

/// One signed deposit with the roots the deposit tool reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositDatum {
    /// Validator signing public key.
    pub pubkey: PublicKey,
    /// Withdrawal credentials.
    pub withdrawal_credentials: WithdrawalCredentials,
    /// Amount in gwei.
    pub amount_gwei: u64,
    /// BLS signature over the deposit signing root.
    pub signature: Signature,
    /// `hash_tree_root(DepositMessage)`.
    pub deposit_message_root: [u8; 32],
    /// `hash_tree_root(DepositData)`: the `deposit_data_root` argument of the deposit contract.
    pub deposit_data_root: [u8; 32],
    /// Genesis fork version of the network.
    pub fork_version: [u8; 4],
    /// Network name.
    pub network_name: String,
}

/// `compute_domain(DOMAIN_DEPOSIT, genesis_fork_version, 0x00…)`.
pub fn deposit_domain(network: &Network) -> [u8; 32] {
    compute_domain(DOMAIN_DEPOSIT, network.genesis_fork_version, [0u8; 32])
}

fn check_amount(amount_gwei: u64) -> Result<(), KeygenError> {
    if (MIN_DEPOSIT_GWEI..=MAX_DEPOSIT_GWEI).contains(&amount_gwei) {
        Ok(())
    } else {
        Err(KeygenError::DepositAmount {
            amount_gwei,
            min_gwei: MIN_DEPOSIT_GWEI,
            max_gwei: MAX_DEPOSIT_GWEI,
        })
    }
}

fn message_root(
    pubkey: &PublicKey,
    withdrawal_credentials: &WithdrawalCredentials,
    amount_gwei: u64,
) -> [u8; 32] {
    ssz::root(&ssz::DepositMessage {
        pubkey: *pubkey.as_bytes(),
        withdrawal_credentials: *withdrawal_credentials.as_bytes(),
        amount: amount_gwei,
    })
}

/// Signs a deposit of `amount_gwei` for `signing_key` on `network`.
pub fn sign_deposit(
    signing_key: &SecretKey,
    withdrawal_credentials: &WithdrawalCredentials,
    amount_gwei: u64,
    network: &Network,
) -> Result<DepositDatum, KeygenError> {
    check_amount(amount_gwei)?;
    let pubkey = signing_key.public_key();
    let deposit_message_root = message_root(&pubkey, withdrawal_credentials, amount_gwei);
    let signing_root = compute_signing_root(deposit_message_root, deposit_domain(network));
    let signature = signing_key.sign(&signing_root);
    let deposit_data_root = ssz::root(&ssz::DepositData {
        pubkey: *pubkey.as_bytes(),
        withdrawal_credentials: *withdrawal_credentials.as_bytes(),
        amount: amount_gwei,
        signature: *signature.as_bytes(),
    });
    Ok(DepositDatum {
        pubkey,
        withdrawal_credentials: *withdrawal_credentials,
        amount_gwei,
        signature,
        deposit_message_root,
        deposit_data_root,
        fork_version: network.genesis_fork_version,
        network_name: network.name.clone(),
    })
}

impl DepositDatum {
    /// Recomputes both roots and checks the signature against the pubkey and `network`'s
    /// deposit domain.
    pub fn verify(&self, network: &Network) -> Result<(), KeygenError> {
        let fail = |what: &'static str| KeygenError::DepositVerification {
            pubkey: self.pubkey.to_hex(),
            what,
        };
        let message_root =
            message_root(&self.pubkey, &self.withdrawal_credentials, self.amount_gwei);
        if message_root != self.deposit_message_root {
            return Err(fail("deposit_message_root"));
        }
        let data_root = ssz::root(&ssz::DepositData {
            pubkey: *self.pubkey.as_bytes(),
            withdrawal_credentials: *self.withdrawal_credentials.as_bytes(),
            amount: self.amount_gwei,
            signature: *self.signature.as_bytes(),
        });
        if data_root != self.deposit_data_root {
            return Err(fail("deposit_data_root"));
        }
        if self.fork_version != network.genesis_fork_version {
            return Err(fail("fork_version"));
        }
        let signing_root = compute_signing_root(message_root, deposit_domain(network));
        if !self.signature.verify(&signing_root, &self.pubkey) {
            return Err(fail("signature"));
        }
        Ok(())
    }

    /// The deposit tool's JSON object for this deposit.
    pub fn to_json(&self) -> DepositDataJson {
        DepositDataJson {
            pubkey: self.pubkey.to_hex(),
            withdrawal_credentials: hex::encode(self.withdrawal_credentials.as_bytes()),
            amount: self.amount_gwei,
            signature: self.signature.to_hex(),
            deposit_message_root: hex::encode(self.deposit_message_root),
            deposit_data_root: hex::encode(self.deposit_data_root),
            fork_version: hex::encode(self.fork_version),
            network_name: self.network_name.clone(),
            deposit_cli_version: DEPOSIT_CLI_VERSION.to_owned(),
        }
    }
}

/// Where withdrawals of a batch of deposits go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalTarget {
    /// 0x01 credentials to this address.
    Execution(alloy_primitives::Address),
    /// 0x02 (compounding) credentials to this address.
    Compounding(alloy_primitives::Address),
    /// 0x00 credentials from each validator's own withdrawal key (`m/12381/3600/{i}/0`).
    Bls,
}

/// A batch of deposits for consecutive key indices. Build with [`DepositPlan::new`].
#[derive(Debug, Clone)]
pub struct DepositPlan {
    network: Network,
    target: WithdrawalTarget,
    amount_gwei: u64,
    start_index: u32,
    count: u32,
}

impl DepositPlan {
    /// One 32 ETH deposit at index 0; change with the setters.
    pub fn new(network: Network, target: WithdrawalTarget) -> Self {
        Self {
            network,
            target,
            amount_gwei: 32 * GWEI_PER_ETH,
            start_index: 0,
            count: 1,
        }
    }

    /// Amount per deposit, in gwei.
    #[must_use]
    pub fn amount_gwei(mut self, amount_gwei: u64) -> Self {
        self.amount_gwei = amount_gwei;
        self
    }

    /// First key index.
    #[must_use]
    pub fn start_index(mut self, start_index: u32) -> Self {
        self.start_index = start_index;
        self
    }

    /// Number of consecutive indices.
    #[must_use]
    pub fn count(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    /// Derives every key and signs every deposit. Fails before doing any work if the amount or
    /// the index range is invalid.
    pub fn run(&self, seed: &Seed) -> Result<Vec<DepositDatum>, KeygenError> {
        check_amount(self.amount_gwei)?;
        let end = self
            .start_index
            .checked_add(self.count)
            .ok_or(KeygenError::IndexRange {
                start: self.start_index,
                count: self.count,
            })?;
        (self.start_index..end)
            .map(|index| {
                let keys = seed.validator_keys(index);
                let credentials = match self.target {
                    WithdrawalTarget::Execution(a) => WithdrawalCredentials::execution(a),
                    WithdrawalTarget::Compounding(a) => WithdrawalCredentials::compounding(a),
                    WithdrawalTarget::Bls => {
                        WithdrawalCredentials::bls(&keys.withdrawal.public_key())
                    }
                };
                sign_deposit(&keys.signing, &credentials, self.amount_gwei, &self.network)
            })
            .collect()
    }
}
