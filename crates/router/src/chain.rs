//! Execution-layer access: several JSON-RPC endpoints tried in order (failover), each checked to
//! be on the configured chain; the SSV indexer reads through the same endpoints.

use std::future::Future;
use std::time::Duration;

use alloy::primitives::B256;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{Filter, Log};
use ssv_sync::{ChainSource, RpcSource, SourceError};

use crate::error::RouterError;

/// One endpoint.
#[derive(Debug)]
struct Endpoint {
    url: String,
    source: RpcSource<DynProvider>,
}

/// The execution endpoints, in failover order.
#[derive(Debug)]
pub struct Chain {
    endpoints: Vec<Endpoint>,
    expected_id: u64,
    /// Every endpoint behind alloy's `FallbackLayer` (with more than one URL): each call goes to
    /// the two best-ranked endpoints, the first good answer wins, and an endpoint that fails
    /// drops in the ranking until it answers again. Transactions are sent to one at a time.
    fallback: Option<DynProvider>,
}

impl Chain {
    /// Connects to `urls` (no request is made yet).
    pub fn connect(urls: &[String], chain_id: u64, timeout: Duration) -> Result<Self, RouterError> {
        let mut endpoints = Vec::with_capacity(urls.len());
        let mut transports = Vec::with_capacity(urls.len());
        for url in urls {
            let parsed = reqwest::Url::parse(url).map_err(|e| RouterError::ConfigInvalid {
                key: "execution.rpc_urls".into(),
                reason: format!("{url:?}: {e}"),
            })?;
            let client = reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .map_err(|e| RouterError::Rpc {
                    method: "connect".into(),
                    message: e.to_string(),
                })?;
            transports.push(alloy::transports::http::Http::with_client(
                client.clone(),
                parsed.clone(),
            ));
            let provider = ProviderBuilder::new()
                .connect_reqwest(client, parsed)
                .erased();
            endpoints.push(Endpoint {
                url: url.clone(),
                source: RpcSource::new(provider),
            });
        }
        let fallback = (transports.len() > 1).then(|| {
            let service = alloy::transports::layers::FallbackService::new(transports, 2)
                .append_sequential_method("eth_sendRawTransaction");
            let client = alloy::rpc::client::RpcClient::builder().transport(service, false);
            ProviderBuilder::new().connect_client(client).erased()
        });
        Ok(Self {
            endpoints,
            expected_id: chain_id,
            fallback,
        })
    }

    /// Checks that every endpoint that answers is on the configured chain; an endpoint on
    /// another chain is an error naming it (it would feed us another chain's state).
    pub async fn check_chain_ids(&self) -> Result<(), RouterError> {
        let mut last = None;
        let mut answered = false;
        for e in &self.endpoints {
            match e.source.provider().get_chain_id().await {
                Ok(found) if found != self.expected_id => {
                    return Err(RouterError::WrongChain {
                        url: e.url.clone(),
                        found,
                        expected: self.expected_id,
                    });
                }
                Ok(_) => answered = true,
                Err(err) => last = Some(err.to_string()),
            }
        }
        if answered {
            Ok(())
        } else {
            Err(RouterError::Rpc {
                method: "eth_chainId".into(),
                message: last.unwrap_or_else(|| "no endpoint configured".into()),
            })
        }
    }

    /// Checks that each configured contract (`(config key, address)`) has code on the chain: a
    /// wrong address is named before any call to it fails in a less telling way.
    pub async fn check_contracts(
        &self,
        contracts: &[(&'static str, alloy::primitives::Address)],
    ) -> Result<(), RouterError> {
        for &(key, address) in contracts {
            let code = self
                .read("eth_getCode", |p| async move {
                    alloy::providers::Provider::get_code_at(&p, address).await
                })
                .await?;
            if code.is_empty() {
                return Err(RouterError::NoContract {
                    key,
                    address,
                    chain_id: self.expected_id,
                });
            }
        }
        Ok(())
    }

    /// The provider for contract calls and transactions: every endpoint behind a fallback
    /// (failover and back), or the only one.
    pub fn provider(&self) -> DynProvider {
        self.fallback
            .clone()
            .unwrap_or_else(|| self.endpoints[0].source.provider().clone())
    }

    /// Total requests the indexer made through every endpoint.
    pub fn indexer_requests(&self) -> u64 {
        self.endpoints
            .iter()
            .map(|e| e.source.counts().total())
            .sum()
    }

    /// Runs a read on each endpoint in order until one succeeds.
    pub async fn read<T, E, F, Fut>(&self, method: &str, f: F) -> Result<T, RouterError>
    where
        F: Fn(DynProvider) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: std::fmt::Display,
    {
        let mut last = String::new();
        for (i, e) in self.endpoints.iter().enumerate() {
            match f(e.source.provider().clone()).await {
                Ok(v) => {
                    crate::metrics::record_rpc(method, i, None);
                    return Ok(v);
                }
                Err(err) => {
                    tracing::warn!(endpoint = %e.url, method, error = %err, "execution endpoint failed; trying the next");
                    last = err.to_string();
                    crate::metrics::record_rpc(method, i, Some(&last));
                }
            }
        }
        Err(RouterError::Rpc {
            method: method.to_owned(),
            message: last,
        })
    }
}

/// Tries `$call` on each endpoint's source in order; a refused range is the node's policy, not an
/// outage, so it is returned at once (the indexer shrinks its window) instead of failing over.
macro_rules! failover {
    ($self:ident, $method:literal, |$s:ident| $call:expr) => {{
        let mut last = SourceError::Other("no execution endpoint".into());
        for (i, e) in $self.endpoints.iter().enumerate() {
            let $s = &e.source;
            match $call.await {
                Ok(v) => {
                    crate::metrics::record_rpc($method, i, None);
                    return Ok(v);
                }
                Err(SourceError::RangeTooLarge(m)) => {
                    crate::metrics::record_rpc($method, i, Some("range too large"));
                    return Err(SourceError::RangeTooLarge(m));
                }
                Err(other) => {
                    tracing::warn!(endpoint = %e.url, error = %other, "execution endpoint failed; trying the next");
                    crate::metrics::record_rpc($method, i, Some(&other.to_string()));
                    last = other;
                }
            }
        }
        Err(last)
    }};
}

impl ChainSource for Chain {
    async fn head(&self) -> Result<u64, SourceError> {
        failover!(self, "eth_blockNumber", |s| s.head())
    }

    async fn block_hash(&self, number: u64) -> Result<Option<B256>, SourceError> {
        failover!(self, "eth_getBlockByNumber", |s| s.block_hash(number))
    }

    async fn logs(&self, filter: &Filter) -> Result<Vec<Log>, SourceError> {
        failover!(self, "eth_getLogs", |s| s.logs(filter))
    }
}
