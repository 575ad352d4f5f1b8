//! The one write path: every transaction goes build → simulate (`eth_call` and `eth_estimateGas`;
//! a revert is refused, named with the decoded error and the call) → EIP-1559 fees from
//! `eth_feeHistory`, capped (above the cap the write waits and says so) → an explicit per-account
//! nonce from the chain and the store → signed → recorded in the store → sent → its receipt
//! awaited, replacing a stuck transaction (same nonce, higher fees, within the cap) → recorded.

use std::time::{Duration, Instant};

use alloy::consensus::TxEnvelope;
use alloy::eips::{BlockId, Encodable2718};
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{Address, B256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::TransactionRequest;
use stafi_contracts::{ClusterRef, ContractsError};

use crate::accounts::Accounts;
use crate::error::RouterError;
use crate::intent::{Account, Intent, IntentRecord, IntentState, SignedTx};
use crate::store::Store;

/// How writes are paid for and waited on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterConfig {
    /// No transaction is sent with a higher `maxFeePerGas` (wei per gas).
    pub max_fee_per_gas: u128,
    /// Cap of `maxPriorityFeePerGas` (wei per gas).
    pub max_priority_fee_per_gas: u128,
    /// Gas a transaction may use.
    pub max_gas_per_tx: u64,
    /// A transaction unmined this long is replaced with higher fees.
    pub replace_after: Duration,
    /// Give up waiting (the intent stays open; the next pass goes on waiting) after this long.
    pub receipt_timeout: Duration,
    /// How often receipts are polled.
    pub poll: Duration,
}

/// What became of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Mined; `success` is the receipt status.
    Mined {
        /// The intent's id in the store.
        intent: u64,
        /// The hash of the signed version that was mined.
        tx: B256,
        /// The block it was mined in.
        block: u64,
        /// The receipt status: `false` when it reverted.
        success: bool,
        /// Gas the receipt says it used.
        gas_used: u64,
    },
    /// Not mined within the timeout: still open, awaited again on the next pass.
    Pending {
        /// The intent's id in the store.
        intent: u64,
        /// The hash of its newest signed version.
        tx: B256,
    },
    /// The network's fees are above the cap: nothing was signed.
    FeeAboveCap {
        /// The `maxFeePerGas` the network asks for, in wei per gas.
        needed: u128,
        /// The configured cap, in wei per gas.
        cap: u128,
    },
    /// The intent's nonce went to another transaction; re-planned from the chain.
    Abandoned {
        /// The intent's id in the store.
        intent: u64,
        /// Why it was given up (the nonce that another transaction used).
        reason: String,
    },
}

/// Wei per gas in gwei, with as many decimals as it needs (`50`, `1.5`, `0.000000215`).
fn gwei(wei: u128) -> String {
    let (whole, frac) = (wei / 1_000_000_000, wei % 1_000_000_000);
    if frac == 0 {
        return whole.to_string();
    }
    let frac = format!("{frac:09}");
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

/// Why a write waits when the fee the network asks for is above the configured cap.
pub(crate) fn fee_above_cap(needed: u128, cap: u128) -> String {
    format!(
        "the network's fee {} gwei is above the cap {} gwei (gas.max_fee_per_gas_gwei)",
        gwei(needed),
        gwei(cap)
    )
}

impl std::fmt::Display for WriteOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Mined {
                intent,
                tx,
                block,
                success,
                gas_used,
            } => write!(
                f,
                "write #{intent} {} in block {block} ({tx}, {gas_used} gas)",
                if *success { "mined" } else { "REVERTED" }
            ),
            Self::Pending { intent, tx } => {
                write!(
                    f,
                    "write #{intent} sent ({tx}), not mined yet: awaited next pass"
                )
            }
            Self::FeeAboveCap { needed, cap } => write!(
                f,
                "waiting: {}; nothing signed",
                fee_above_cap(*needed, *cap)
            ),
            Self::Abandoned { intent, reason } => {
                write!(f, "write #{intent} abandoned: {reason}")
            }
        }
    }
}

/// Signs and sends for the router's two accounts.
#[derive(Debug, Clone)]
pub struct Writer {
    provider: DynProvider,
    wallet: EthereumWallet,
    super_node: Address,
    ssv_owner: Address,
    chain_id: u64,
    config: WriterConfig,
}

fn rpc(method: &str, e: &impl std::fmt::Display) -> RouterError {
    RouterError::Rpc {
        method: method.to_owned(),
        message: e.to_string(),
    }
}

impl Writer {
    /// A writer that signs with both `accounts` for `chain_id` (EIP-155) and sends through
    /// `provider`.
    pub fn new(
        provider: DynProvider,
        accounts: &Accounts,
        chain_id: u64,
        config: WriterConfig,
    ) -> Self {
        let mut wallet = EthereumWallet::from(accounts.super_node.clone());
        wallet.register_signer(accounts.ssv_owner.clone());
        Self {
            provider,
            wallet,
            super_node: accounts.super_node_address(),
            ssv_owner: accounts.ssv_owner_address(),
            chain_id,
            config,
        }
    }

    /// The address of one of the two accounts.
    pub fn address(&self, account: Account) -> Address {
        match account {
            Account::SuperNode => self.super_node,
            Account::SsvOwner => self.ssv_owner,
        }
    }

    /// The fee caps and timings it writes with.
    pub fn config(&self) -> &WriterConfig {
        &self.config
    }

    fn request(from: Address, intent: &Intent) -> TransactionRequest {
        TransactionRequest::default()
            .with_from(from)
            .with_to(intent.to)
            .with_input(intent.data.clone())
            .with_value(intent.value)
    }

    /// Simulates the call at `block` (`eth_call`, then `eth_estimateGas`): a revert is refused
    /// with its decoded reason; returns the gas to send with (estimate + 20 %), refused above the
    /// per-transaction cap.
    pub async fn simulate(&self, intent: &Intent, block: BlockId) -> Result<u64, RouterError> {
        let from = self.address(intent.kind.account());
        let tx = Self::request(from, intent);
        let call = intent.kind.function();
        let cluster = intent.cluster.as_ref().map(|ids| ClusterRef {
            owner: self.ssv_owner,
            operator_ids: ids.clone(),
        });
        if let Err(e) = self.provider.call(tx.clone()).block(block).await {
            return Err(RouterError::Contract(ContractsError::from_call(
                call,
                cluster,
                alloy::contract::Error::TransportError(e),
            )));
        }
        let estimate = self
            .provider
            .estimate_gas(tx)
            .block(block)
            .await
            .map_err(|e| {
                RouterError::Contract(ContractsError::from_call(
                    call,
                    cluster.clone(),
                    alloy::contract::Error::TransportError(e),
                ))
            })?;
        let gas = estimate + estimate / 5;
        if gas > self.config.max_gas_per_tx {
            return Err(RouterError::GasAboveCap {
                call,
                gas,
                cap: self.config.max_gas_per_tx,
            });
        }
        Ok(gas)
    }

    /// Fees from `eth_feeHistory`, the tip capped: `Ok((max_fee, tip))` in wei per gas, or
    /// `Err((needed, cap))` when the fee needed is above the cap.
    pub async fn fees(&self) -> Result<Result<(u128, u128), (u128, u128)>, RouterError> {
        let est = self
            .provider
            .estimate_eip1559_fees()
            .await
            .map_err(|e| rpc("eth_feeHistory", &e))?;
        let tip = est
            .max_priority_fee_per_gas
            .min(self.config.max_priority_fee_per_gas);
        let max_fee = est.max_fee_per_gas.max(tip);
        if max_fee > self.config.max_fee_per_gas {
            return Ok(Err((max_fee, self.config.max_fee_per_gas)));
        }
        Ok(Ok((max_fee, tip)))
    }

    /// The nonce the account's next transaction takes: the chain's pending count, or past the
    /// store's open intents of that account if higher.
    pub async fn next_nonce(&self, store: &Store, account: Account) -> Result<u64, RouterError> {
        let from = self.address(account);
        let chain = self
            .provider
            .get_transaction_count(from)
            .pending()
            .await
            .map_err(|e| rpc("eth_getTransactionCount", &e))?;
        let stored = store
            .open_intents()?
            .iter()
            .filter(|r| r.account == account)
            .map(|r| r.nonce + 1)
            .max()
            .unwrap_or(0);
        Ok(chain.max(stored))
    }

    async fn sign(
        &self,
        from: Address,
        intent: &Intent,
        nonce: u64,
        gas: u64,
        (max_fee, tip): (u128, u128),
    ) -> Result<SignedTx, RouterError> {
        let tx = Self::request(from, intent)
            .with_nonce(nonce)
            .with_gas_limit(gas)
            .with_max_fee_per_gas(max_fee)
            .with_max_priority_fee_per_gas(tip)
            .with_chain_id(self.chain_id);
        let envelope: TxEnvelope = tx.build(&self.wallet).await.map_err(|e| rpc("sign", &e))?;
        Ok(SignedTx {
            hash: *envelope.tx_hash(),
            raw: envelope.encoded_2718().into(),
            max_fee_per_gas: max_fee,
            max_priority_fee_per_gas: tip,
        })
    }

    async fn broadcast(&self, signed: &SignedTx) -> Result<(), RouterError> {
        match self.provider.send_raw_transaction(&signed.raw).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let m = e.to_string().to_ascii_lowercase();
                // Sent before (a restart re-broadcasts the same bytes): wait for it.
                if m.contains("already known") || m.contains("nonce too low") {
                    Ok(())
                } else {
                    Err(rpc("eth_sendRawTransaction", &e))
                }
            }
        }
    }

    /// Sends `intent` through the whole path and waits for it. The intent is in the store,
    /// signed, before it is sent.
    pub async fn execute(
        &self,
        store: &Store,
        intent: Intent,
        planned_at: u64,
    ) -> Result<WriteOutcome, RouterError> {
        let account = intent.kind.account();
        let from = self.address(account);
        let gas = self.simulate(&intent, BlockId::latest()).await?;
        let fees = match self.fees().await? {
            Ok(f) => f,
            Err((needed, cap)) => return Ok(WriteOutcome::FeeAboveCap { needed, cap }),
        };
        let nonce = self.next_nonce(store, account).await?;
        let signed = self.sign(from, &intent, nonce, gas, fees).await?;
        let record = IntentRecord {
            id: store.next_intent_id()?,
            intent,
            account,
            from,
            nonce,
            signed: vec![signed.clone()],
            state: IntentState::Signed,
            planned_at,
        };
        store.put_intent(&record)?;
        tracing::Span::current().record("tx", tracing::field::display(&signed.hash));
        tracing::info!(intent = record.id, tx = %signed.hash, call = record.intent.kind.function(), nonce, "sending");
        crate::failpoint::hit("before_send", record.intent.kind.label());
        self.broadcast(&signed).await?;
        crate::failpoint::hit("after_send", record.intent.kind.label());
        self.await_mined(store, record).await
    }

    /// Waits for an open intent: any of its signed transactions mined closes it; one unmined
    /// past `replace_after` is replaced (same nonce, fees up 12.5 %, within the cap); its nonce
    /// used while none of its transactions shows a receipt for `receipt_timeout` abandons it.
    pub async fn await_mined(
        &self,
        store: &Store,
        mut record: IntentRecord,
    ) -> Result<WriteOutcome, RouterError> {
        let started = Instant::now();
        let mut last_sent = Instant::now();
        let mut nonce_used_since: Option<Instant> = None;
        loop {
            for s in record.signed.iter().rev() {
                if let Some(receipt) = self
                    .provider
                    .get_transaction_receipt(s.hash)
                    .await
                    .map_err(|e| rpc("eth_getTransactionReceipt", &e))?
                {
                    let block = receipt.block_number.unwrap_or_default();
                    let success = receipt.status();
                    crate::failpoint::hit("after_receipt", record.intent.kind.label());
                    record.state = IntentState::Mined {
                        block,
                        success,
                        tx: s.hash,
                    };
                    store.put_intent(&record)?;
                    return Ok(WriteOutcome::Mined {
                        intent: record.id,
                        tx: s.hash,
                        block,
                        success,
                        gas_used: receipt.gas_used,
                    });
                }
            }
            let mined_nonce = self
                .provider
                .get_transaction_count(record.from)
                .await
                .map_err(|e| rpc("eth_getTransactionCount", &e))?;
            if mined_nonce > record.nonce {
                // A node may serve the new nonce before the receipt of the transaction that used
                // it (one of ours, mined a moment ago): keep looking for a receipt of any of ours
                // and abandon only when none shows up for the receipt timeout. No replacement:
                // the nonce is spent.
                let since = *nonce_used_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= self.config.receipt_timeout {
                    let reason = format!("nonce {} was used by another transaction", record.nonce);
                    record.state = IntentState::Abandoned {
                        reason: reason.clone(),
                    };
                    store.put_intent(&record)?;
                    return Ok(WriteOutcome::Abandoned {
                        intent: record.id,
                        reason,
                    });
                }
                tokio::time::sleep(self.config.poll).await;
                continue;
            }
            if started.elapsed() >= self.config.receipt_timeout {
                let tx = record.signed.last().map(|s| s.hash).unwrap_or_default();
                return Ok(WriteOutcome::Pending {
                    intent: record.id,
                    tx,
                });
            }
            if last_sent.elapsed() >= self.config.replace_after {
                last_sent = Instant::now();
                self.replace(store, &mut record).await?;
            }
            tokio::time::sleep(self.config.poll).await;
        }
    }

    async fn replace(&self, store: &Store, record: &mut IntentRecord) -> Result<(), RouterError> {
        let Some(last) = record.signed.last().cloned() else {
            return Ok(());
        };
        let bump = |v: u128| v + v / 8 + 1;
        let max_fee = bump(last.max_fee_per_gas);
        let tip = bump(last.max_priority_fee_per_gas).min(self.config.max_priority_fee_per_gas);
        if max_fee > self.config.max_fee_per_gas {
            tracing::warn!(intent = record.id, tx = %last.hash, "stuck, and a replacement would exceed the fee cap; waiting");
            // Re-broadcast the same bytes in case the node dropped them.
            return self.broadcast(&last).await;
        }
        let gas = self
            .simulate(&record.intent, BlockId::latest())
            .await
            .unwrap_or_else(|_| self.config.max_gas_per_tx.min(30_000_000));
        let signed = self
            .sign(
                record.from,
                &record.intent,
                record.nonce,
                gas,
                (max_fee, tip.max(1)),
            )
            .await?;
        record.signed.push(signed.clone());
        store.put_intent(record)?;
        tracing::info!(intent = record.id, old = %last.hash, new = %signed.hash, max_fee, "replacing a stuck transaction");
        self.broadcast(&signed).await
    }

    /// Reconciles the store's open intents with the chain (on start, before any new plan):
    /// each is awaited (its signed bytes re-broadcast, never re-signed with new content), so a
    /// write that landed is recorded and one whose nonce went elsewhere is abandoned.
    pub async fn reconcile(&self, store: &Store) -> Result<Vec<WriteOutcome>, RouterError> {
        let mut out = Vec::new();
        for record in store.open_intents()? {
            if let Some(last) = record.signed.last() {
                let _ = self.broadcast(last).await;
            }
            out.push(self.await_mined(store, record).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::{fee_above_cap, gwei};

    #[test]
    fn fees_are_shown_in_gwei_with_the_decimals_they_need() {
        assert_eq!(gwei(50_000_000_000), "50");
        assert_eq!(gwei(1_500_000_000), "1.5");
        assert_eq!(gwei(215), "0.000000215");
        assert_eq!(gwei(0), "0");
        assert_eq!(
            fee_above_cap(215, 0),
            "the network's fee 0.000000215 gwei is above the cap 0 gwei (gas.max_fee_per_gas_gwei)"
        );
    }
}
