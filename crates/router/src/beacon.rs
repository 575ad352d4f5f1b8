//! A beacon-node REST client (ethereum/beacon-APIs): genesis, spec, sync status, the head slot,
//! validators by pubkey or index (GET for up to 64 ids, POST beyond), voluntary exits. Several
//! URLs are tried in order.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::RouterError;

/// `GET /eth/v1/beacon/genesis`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Genesis {
    /// The chain's genesis time, in Unix seconds.
    #[serde(deserialize_with = "num")]
    pub genesis_time: u64,
    /// The genesis validators root, `0x`-prefixed hex (32 bytes); part of the signing domain.
    pub genesis_validators_root: String,
    /// The genesis fork version, `0x`-prefixed hex (4 bytes).
    pub genesis_fork_version: String,
}

/// `GET /eth/v1/node/syncing`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SyncStatus {
    /// The slot of the node's head block.
    #[serde(deserialize_with = "num")]
    pub head_slot: u64,
    /// How many slots the head is behind the wall clock.
    #[serde(deserialize_with = "num")]
    pub sync_distance: u64,
    /// Whether the node is still syncing.
    pub is_syncing: bool,
    /// Whether the head is optimistic (its execution payload not yet verified); `false` when
    /// the node leaves it out.
    #[serde(default)]
    pub is_optimistic: bool,
    /// Whether the node's execution client is offline; `false` when the node leaves it out.
    #[serde(default)]
    pub el_offline: bool,
}

/// One item of `/eth/v1/beacon/states/{state}/validators`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BeaconValidator {
    /// The validator's index on the beacon chain.
    #[serde(deserialize_with = "num")]
    pub index: u64,
    /// Its current balance, in gwei.
    #[serde(deserialize_with = "num")]
    pub balance: u64,
    /// `pending_initialized`, `active_ongoing`, `exited_unslashed`, `withdrawal_done`, …
    pub status: String,
    /// The validator record itself.
    pub validator: BeaconValidatorData,
}

/// The `validator` object of a [`BeaconValidator`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BeaconValidatorData {
    /// The BLS public key, `0x`-prefixed hex (48 bytes).
    pub pubkey: String,
    /// The withdrawal credentials, `0x`-prefixed hex (32 bytes).
    pub withdrawal_credentials: String,
    /// The effective balance, in gwei.
    #[serde(deserialize_with = "num")]
    pub effective_balance: u64,
    /// Whether the validator has been slashed.
    pub slashed: bool,
    /// The epoch it became active ([`FAR_FUTURE_EPOCH`] while it is not yet scheduled).
    #[serde(deserialize_with = "num")]
    pub activation_epoch: u64,
    /// The epoch it exits ([`FAR_FUTURE_EPOCH`] while no exit has been initiated).
    #[serde(deserialize_with = "num")]
    pub exit_epoch: u64,
}

/// One beacon node's HTTP answer.
struct Answer {
    url: String,
    status: reqwest::StatusCode,
    text: String,
}

#[derive(Deserialize)]
struct Data<T> {
    data: T,
}

/// A beacon-API answer's `data`, decoded from its text (the client calls this for every answer;
/// `url` only labels the error): [`RouterError::BeaconDecode`] when the body is not
/// `{"data": T}`.
pub fn decode_answer<T: DeserializeOwned>(url: &str, text: &str) -> Result<T, RouterError> {
    serde_json::from_str::<Data<T>>(text)
        .map(|d| d.data)
        .map_err(|e| RouterError::BeaconDecode {
            url: url.to_owned(),
            message: e.to_string(),
        })
}

fn num<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        S(String),
        U(u64),
    }
    match N::deserialize(d)? {
        N::S(s) => s.parse().map_err(serde::de::Error::custom),
        N::U(u) => Ok(u),
    }
}

/// The beacon chain's timing constants the ejector needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// `SLOTS_PER_EPOCH` (at least 1).
    pub slots_per_epoch: u64,
    /// Epochs a validator must have been active before it may exit.
    pub shard_committee_period: u64,
}

/// `exit_epoch` of a validator that has not initiated an exit.
pub const FAR_FUTURE_EPOCH: u64 = u64::MAX;

/// What the beacon node said to a voluntary exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitSubmission {
    /// 2xx: the node took the exit into its pool.
    Accepted,
    /// 4xx: the node refused it (retried later, never dropped).
    Rejected {
        /// The HTTP status code.
        status: u16,
        /// The start of the answer's body (at most 300 characters).
        message: String,
    },
}

/// The GET form takes at most this many ids (beacon-APIs; 414 beyond).
pub const MAX_GET_IDS: usize = 64;

/// A beacon-node client over one or more URLs.
#[derive(Debug, Clone)]
pub struct Beacon {
    urls: Vec<String>,
    http: reqwest::Client,
}

impl Beacon {
    /// A client that tries `urls` in order, each request bounded by `timeout`.
    pub fn new(urls: &[String], timeout: Duration) -> Result<Self, RouterError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| RouterError::Beacon {
                url: urls.join(", "),
                message: e.to_string(),
            })?;
        Ok(Self {
            urls: urls.to_vec(),
            http,
        })
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, RouterError> {
        self.request(path, None).await
    }

    async fn request<T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, RouterError> {
        let answer = self.answer(path, body, false).await?;
        if !answer.status.is_success() {
            return Err(RouterError::Beacon {
                url: answer.url,
                message: format!(
                    "{}: {}",
                    answer.status,
                    answer.text.chars().take(300).collect::<String>()
                ),
            });
        }
        decode_answer(&answer.url, &answer.text)
    }

    /// The first URL's answer that is a success (or, with `client_errors_answer`, a 4xx: the
    /// node's own verdict, which another node would give too). Otherwise the last HTTP answer,
    /// or the last failure when no URL answered at all.
    async fn answer(
        &self,
        path: &str,
        body: Option<&serde_json::Value>,
        client_errors_answer: bool,
    ) -> Result<Answer, RouterError> {
        let mut last_answer = None;
        let mut last_error = None;
        for base in &self.urls {
            let url = format!("{}{path}", base.trim_end_matches('/'));
            let req = match body {
                Some(b) => self.http.post(&url).json(b),
                None => self.http.get(&url),
            };
            let sent = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    resp.text().await.map(|text| Answer {
                        url: url.clone(),
                        status,
                        text,
                    })
                }
                Err(e) => Err(e),
            };
            match sent {
                Ok(answer)
                    if answer.status.is_success()
                        || (client_errors_answer && answer.status.is_client_error()) =>
                {
                    return Ok(answer);
                }
                Ok(answer) => last_answer = Some(answer),
                Err(e) => {
                    last_error = Some(RouterError::Beacon {
                        url,
                        message: e.to_string(),
                    });
                }
            }
        }
        match (last_answer, last_error) {
            (Some(answer), _) => Ok(answer),
            (None, Some(e)) => Err(e),
            (None, None) => Err(RouterError::Beacon {
                url: String::new(),
                message: "no beacon URL configured".into(),
            }),
        }
    }

    /// `GET /eth/v1/beacon/genesis`.
    pub async fn genesis(&self) -> Result<Genesis, RouterError> {
        self.get("/eth/v1/beacon/genesis").await
    }

    /// `/eth/v1/config/spec` as strings.
    pub async fn spec(&self) -> Result<BTreeMap<String, serde_json::Value>, RouterError> {
        self.get("/eth/v1/config/spec").await
    }

    /// `GET /eth/v1/node/syncing`.
    pub async fn syncing(&self) -> Result<SyncStatus, RouterError> {
        self.get("/eth/v1/node/syncing").await
    }

    /// `SLOTS_PER_EPOCH` and `SHARD_COMMITTEE_PERIOD` of the node's spec.
    pub async fn timing(&self) -> Result<Timing, RouterError> {
        let spec = self.spec().await?;
        let field = |key: &str| -> Result<u64, RouterError> {
            spec.get(key)
                .and_then(|v| match v {
                    serde_json::Value::String(s) => s.parse().ok(),
                    serde_json::Value::Number(n) => n.as_u64(),
                    _ => None,
                })
                .ok_or_else(|| RouterError::BeaconDecode {
                    url: self.urls.join(", "),
                    message: format!("/eth/v1/config/spec has no numeric {key}"),
                })
        };
        Ok(Timing {
            slots_per_epoch: field("SLOTS_PER_EPOCH")?.max(1),
            shard_committee_period: field("SHARD_COMMITTEE_PERIOD")?,
        })
    }

    /// `POST /eth/v1/beacon/pool/voluntary_exits`. A 400 (the node's own checks failed: too
    /// early, already exiting, …) is [`ExitSubmission::Rejected`], to be retried later; no
    /// answer at all is an error.
    pub async fn submit_voluntary_exit(
        &self,
        exit: &keygen::wire::SignedVoluntaryExitJson,
    ) -> Result<ExitSubmission, RouterError> {
        let body = serde_json::to_value(exit).map_err(|e| RouterError::BeaconDecode {
            url: String::new(),
            message: e.to_string(),
        })?;
        let answer = self
            .answer("/eth/v1/beacon/pool/voluntary_exits", Some(&body), true)
            .await?;
        if answer.status.is_success() {
            Ok(ExitSubmission::Accepted)
        } else if answer.status.is_client_error() {
            Ok(ExitSubmission::Rejected {
                status: answer.status.as_u16(),
                message: answer.text.chars().take(300).collect(),
            })
        } else {
            Err(RouterError::Beacon {
                url: answer.url,
                message: answer.status.to_string(),
            })
        }
    }

    /// Validators of the head state by pubkey (`0x…`) or index; unknown ones are left out.
    pub async fn validators(&self, ids: &[String]) -> Result<Vec<BeaconValidator>, RouterError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if ids.len() <= MAX_GET_IDS {
            return self
                .get(&format!(
                    "/eth/v1/beacon/states/head/validators?id={}",
                    ids.join(",")
                ))
                .await;
        }
        let mut out = Vec::new();
        for chunk in ids.chunks(1_000) {
            let body = serde_json::json!({ "ids": chunk });
            out.extend(
                self.request::<Vec<BeaconValidator>>(
                    "/eth/v1/beacon/states/head/validators",
                    Some(&body),
                )
                .await?,
            );
        }
        Ok(out)
    }
}
