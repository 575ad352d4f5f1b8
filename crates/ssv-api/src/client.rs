use std::{sync::Arc, time::Duration};

use alloy_primitives::Address;
use reqwest::{StatusCode, Url, header::RETRY_AFTER};
use tokio::{sync::Semaphore, task::JoinSet};

use crate::{
    OperatorsQuery, SsvApiError, SsvNetwork, decode,
    wire::{Account, Cluster, Operator, OperatorsPage, Pagination, Validator},
};

/// Typed async client of the SSV API. Cheap to clone; clones share the connection pool and the
/// concurrency limit.
#[derive(Debug, Clone)]
pub struct SsvApiClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: Url,
    timeout: Duration,
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    max_pages: u64,
    limiter: Semaphore,
}

/// Builds an [`SsvApiClient`]. Defaults: the network's public URL, 10 s per request (5 s to
/// connect), 4 attempts with exponential backoff from 250 ms up to 8 s with jitter, `Retry-After`
/// honoured up to 60 s, 4 requests in flight, at most 200 pages per listing.
#[derive(Debug, Clone)]
pub struct SsvApiClientBuilder {
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    max_concurrency: usize,
    max_pages: u64,
}

impl SsvApiClientBuilder {
    /// Use another base URL (a mirror or a test server), e.g. `http://127.0.0.1:8080/api/v4/hoodi`.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Time allowed for one request, from sending to the last body byte.
    #[must_use]
    pub const fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect.
    #[must_use]
    pub const fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Attempts per request (at least 1).
    #[must_use]
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// First backoff delay; it doubles per attempt up to `max_backoff`, with jitter.
    #[must_use]
    pub const fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Longest `Retry-After` the client will wait; a longer one fails at once.
    #[must_use]
    pub const fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Requests in flight at once (at least 1).
    #[must_use]
    pub const fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = n;
        self
    }

    /// Most pages one listing may read.
    #[must_use]
    pub const fn max_pages(mut self, n: u64) -> Self {
        self.max_pages = n;
        self
    }

    /// Build the client.
    pub fn build(self) -> Result<SsvApiClient, SsvApiError> {
        let trimmed = self.base_url.trim_end_matches('/');
        let base = Url::parse(trimmed)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && !u.cannot_be_a_base())
            .ok_or_else(|| SsvApiError::InvalidBaseUrl {
                url: self.base_url.clone(),
            })?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(concat!("stafi-router-ssv-api/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(SsvApiError::Client)?;
        Ok(SsvApiClient {
            inner: Arc::new(Inner {
                http,
                base,
                timeout: self.timeout,
                max_attempts: self.max_attempts.max(1),
                initial_backoff: self.initial_backoff,
                max_backoff: self.max_backoff.max(self.initial_backoff),
                max_retry_after: self.max_retry_after,
                max_pages: self.max_pages.max(1),
                limiter: Semaphore::new(self.max_concurrency.max(1)),
            }),
        })
    }
}

/// How a failed attempt ends.
enum Attempt {
    Done(Vec<u8>),
    Fatal(SsvApiError),
    Retry {
        wait: Option<Duration>,
        error: SsvApiError,
    },
}

impl SsvApiClient {
    /// A builder for `network`'s public API.
    pub fn builder(network: SsvNetwork) -> SsvApiClientBuilder {
        SsvApiClientBuilder {
            base_url: network.default_base_url(),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_mins(1),
            max_concurrency: 4,
            max_pages: 200,
        }
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// One page of `GET /operators`.
    ///
    /// The API answers a page number past the end with 404; that page is returned empty, with
    /// only `pagination.page` set. A 404 for page 1 stays [`SsvApiError::NotFound`]: the list
    /// itself is missing, most likely behind a wrong base URL.
    pub async fn operators_page(
        &self,
        query: &OperatorsQuery,
    ) -> Result<OperatorsPage, SsvApiError> {
        let url = self.url(&["operators"], &query.pairs());
        let page = query.current_page().max(1);
        match self.get(&url).await {
            Ok(body) => decode::operators_page(url.as_str(), &body),
            Err(SsvApiError::NotFound { .. }) if page > 1 => Ok(OperatorsPage {
                operators: Vec::new(),
                pagination: Pagination {
                    page: Some(page),
                    ..Pagination::default()
                },
            }),
            Err(error) => Err(error),
        }
    }

    /// Every page of `GET /operators` from `query`'s page on, fetched concurrently, sorted by
    /// id with duplicates (operators that moved between pages while listing) removed. A page
    /// past the end (404, as when the list shrinks while it is read) ends the list.
    pub async fn all_operators(
        &self,
        query: &OperatorsQuery,
    ) -> Result<Vec<Operator>, SsvApiError> {
        let first_page = query.current_page().max(1);
        let first = self.operators_page(&query.clone().page(first_page)).await?;
        // A first page past the end reports no pages beyond itself.
        let pages = first.pagination.page_count();
        if (pages + 1).saturating_sub(first_page) > self.inner.max_pages {
            return Err(SsvApiError::TooManyPages {
                url: self.url(&["operators"], &query.pairs()).to_string(),
                max_pages: self.inner.max_pages,
            });
        }
        let mut operators = first.operators;
        let mut tasks = JoinSet::new();
        for page in first_page + 1..=pages {
            let client = self.clone();
            let query = query.clone().page(page);
            tasks.spawn(async move { client.operators_page(&query).await });
        }
        while let Some(joined) = tasks.join_next().await {
            let page = joined.expect("operator page task panicked")?;
            operators.extend(page.operators);
        }
        operators.sort_by_key(|o| o.id);
        operators.dedup_by_key(|o| o.id);
        Ok(operators)
    }

    /// `GET /operators/{id}`.
    pub async fn operator(&self, id: u64) -> Result<Operator, SsvApiError> {
        let url = self.url(&["operators", &id.to_string()], &[]);
        let body = self.get(&url).await?;
        decode::operator(url.as_str(), &body)
    }

    /// The owner's registration nonce per `GET /accounts/{checksummed owner}`. An owner the
    /// API does not know (404: it has never registered a validator) has nonce 0. The API lags
    /// the chain; check it against the owner's `ValidatorAdded` events before signing.
    pub async fn owner_nonce(&self, owner: Address) -> Result<u64, SsvApiError> {
        match self.account(owner).await {
            Ok(account) => Ok(account.nonce),
            Err(SsvApiError::NotFound { .. }) => Ok(0),
            Err(error) => Err(error),
        }
    }

    /// `GET /accounts/{checksummed owner}`; an unknown owner is [`SsvApiError::NotFound`].
    pub async fn account(&self, owner: Address) -> Result<Account, SsvApiError> {
        let url = self.url(&["accounts", &owner.to_checksum(None)], &[]);
        let body = self.get(&url).await?;
        decode::account(url.as_str(), &body)
    }

    /// `GET /validators/{public key}`.
    pub async fn validator(&self, public_key: &str) -> Result<Validator, SsvApiError> {
        let url = self.url(&["validators", public_key.trim()], &[]);
        let body = self.get(&url).await?;
        decode::validator(url.as_str(), &body)
    }

    /// `GET /clusters/{cluster hash}`.
    pub async fn cluster(&self, cluster_hash: &str) -> Result<Cluster, SsvApiError> {
        let url = self.url(&["clusters", cluster_hash.trim()], &[]);
        let body = self.get(&url).await?;
        decode::cluster(url.as_str(), &body)
    }

    /// Every page of `GET /clusters/owner/{owner}`. An owner without clusters gets an empty
    /// list (200 with no clusters, or 404), and a 404 for a later page ends the list.
    pub async fn clusters_by_owner(&self, owner: Address) -> Result<Vec<Cluster>, SsvApiError> {
        let owner = owner.to_checksum(None);
        let mut all = Vec::new();
        let mut page = 1;
        loop {
            let url = self.url(
                &["clusters", "owner", &owner],
                &[("page", page.to_string()), ("perPage", "100".to_owned())],
            );
            let body = match self.get(&url).await {
                Ok(body) => body,
                Err(SsvApiError::NotFound { .. }) => return Ok(all),
                Err(error) => return Err(error),
            };
            let (clusters, pagination) = decode::clusters_page(url.as_str(), &body)?;
            all.extend(clusters);
            if page >= pagination.page_count() {
                return Ok(all);
            }
            if page >= self.inner.max_pages {
                return Err(SsvApiError::TooManyPages {
                    url: url.to_string(),
                    max_pages: self.inner.max_pages,
                });
            }
            page += 1;
        }
    }

    fn url(&self, segments: &[&str], pairs: &[(&str, String)]) -> Url {
        let mut url = self.inner.base.clone();
        url.path_segments_mut()
            .expect("checked in build: the base URL can be a base")
            .extend(segments);
        if !pairs.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in pairs {
                q.append_pair(k, v);
            }
        }
        url
    }

    /// GET with retries: 5xx, connection errors and timeouts back off exponentially with
    /// jitter; 429 waits for `Retry-After` (or the backoff when it has none).
    async fn get(&self, url: &Url) -> Result<Vec<u8>, SsvApiError> {
        let inner = &self.inner;
        let mut attempt = 1;
        loop {
            let outcome = {
                let _permit = inner
                    .limiter
                    .acquire()
                    .await
                    .expect("the semaphore is never closed");
                self.attempt(url, attempt).await
            };
            match outcome {
                Attempt::Done(body) => return Ok(body),
                Attempt::Fatal(error) => return Err(error),
                Attempt::Retry { error, .. } if attempt >= inner.max_attempts => {
                    return Err(error);
                }
                Attempt::Retry { wait, error } => {
                    let delay = wait.unwrap_or_else(|| self.backoff(attempt));
                    tracing::debug!(%url, attempt, ?delay, %error, "retrying SSV API request");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    async fn attempt(&self, url: &Url, attempt: u32) -> Attempt {
        let inner = &self.inner;
        let transport = |source: reqwest::Error| {
            let error = if source.is_timeout() {
                SsvApiError::Timeout {
                    url: url.to_string(),
                    timeout: inner.timeout,
                    attempts: attempt,
                }
            } else {
                SsvApiError::Transport {
                    url: url.to_string(),
                    attempts: attempt,
                    source,
                }
            };
            Attempt::Retry { wait: None, error }
        };
        let response = match inner.http.get(url.clone()).send().await {
            Ok(r) => r,
            Err(e) => return transport(e),
        };
        let status = response.status();
        if status.is_success() {
            return match response.bytes().await {
                Ok(body) => Attempt::Done(body.to_vec()),
                Err(e) => transport(e),
            };
        }
        if status == StatusCode::NOT_FOUND {
            return Attempt::Fatal(SsvApiError::NotFound {
                url: url.to_string(),
            });
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let error = SsvApiError::RateLimited {
                url: url.to_string(),
                retry_after,
                attempts: attempt,
            };
            if retry_after.is_some_and(|wait| wait > inner.max_retry_after) {
                return Attempt::Fatal(error);
            }
            return Attempt::Retry {
                wait: retry_after,
                error,
            };
        }
        let body = response.text().await.unwrap_or_default();
        let error = SsvApiError::Status {
            url: url.to_string(),
            status: status.as_u16(),
            attempts: attempt,
            body: body.chars().take(200).collect(),
        };
        if status.is_server_error() {
            Attempt::Retry { wait: None, error }
        } else {
            Attempt::Fatal(error)
        }
    }

    /// `initial × 2^(attempt−1)`, capped, then a uniform pick in its upper half.
    fn backoff(&self, attempt: u32) -> Duration {
        let inner = &self.inner;
        let exp = inner
            .initial_backoff
            .saturating_mul(1u32 << (attempt - 1).min(20))
            .min(inner.max_backoff);
        let half = exp / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(rand::random_range(0..=nanos))
    }
}
