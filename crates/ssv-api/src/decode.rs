//! The SSV API's answers decoded from their bytes, apart from the HTTP client (which calls
//! these): for callers holding a body from elsewhere (a cache, a file, a fuzzer). A body that is
//! not the expected shape is [`SsvApiError::Decode`] with the JSON path of the bad field, or
//! [`SsvApiError::OperatorField`] naming the operator; `url` only labels the error.

use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;

use crate::SsvApiError;
use crate::wire::{
    Account, AccountResponse, Cluster, Operator, OperatorsPage, Pagination, Validator,
};

/// `GET /operators` (one page).
pub fn operators_page(url: &str, body: &[u8]) -> Result<OperatorsPage, SsvApiError> {
    #[derive(Deserialize)]
    struct Raw {
        operators: Vec<Value>,
        #[serde(default)]
        pagination: Pagination,
    }
    let raw: Raw = json(url, body)?;
    let operators = raw
        .operators
        .into_iter()
        .map(|value| operator_value(url, value))
        .collect::<Result<_, _>>()?;
    Ok(OperatorsPage {
        operators,
        pagination: raw.pagination,
    })
}

/// `GET /operators/{id}`.
pub fn operator(url: &str, body: &[u8]) -> Result<Operator, SsvApiError> {
    let value: Value = json(url, body)?;
    operator_value(url, value)
}

/// `GET /accounts/{owner}`.
pub fn account(url: &str, body: &[u8]) -> Result<Account, SsvApiError> {
    let response: AccountResponse = json(url, body)?;
    Ok(response.data)
}

/// `GET /validators/{public key}`: the object, bare or wrapped as `{ "data": … }`.
pub fn validator(url: &str, body: &[u8]) -> Result<Validator, SsvApiError> {
    unwrapped(url, body)
}

/// `GET /clusters/{cluster hash}`: the object, bare or wrapped as `{ "data": … }`.
pub fn cluster(url: &str, body: &[u8]) -> Result<Cluster, SsvApiError> {
    unwrapped(url, body)
}

/// `GET /clusters/owner/{owner}` (one page): its clusters and pagination.
pub fn clusters_page(url: &str, body: &[u8]) -> Result<(Vec<Cluster>, Pagination), SsvApiError> {
    #[derive(Deserialize)]
    struct Page {
        #[serde(alias = "data")]
        clusters: Vec<Cluster>,
        #[serde(default)]
        pagination: Pagination,
    }
    let page: Page = json(url, body)?;
    Ok((page.clusters, page.pagination))
}

fn json<T: DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, SsvApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| SsvApiError::Decode {
        url: url.to_owned(),
        path: e.path().to_string(),
        reason: e.into_inner().to_string(),
    })
}

/// An object, or the same object wrapped as `{ "data": … }`.
fn unwrapped<T: DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, SsvApiError> {
    let mut value: Value = json(url, body)?;
    if let Some(inner) = value.get_mut("data").filter(|d| d.is_object()) {
        value = inner.take();
    }
    serde_path_to_error::deserialize(value).map_err(|e| SsvApiError::Decode {
        url: url.to_owned(),
        path: e.path().to_string(),
        reason: e.into_inner().to_string(),
    })
}

/// Decode one operator object; a field of the wrong type names the field and the operator.
fn operator_value(url: &str, value: Value) -> Result<Operator, SsvApiError> {
    let operator_id = match value.get("id") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => "?".to_owned(),
    };
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let reason = e.into_inner().to_string();
        SsvApiError::OperatorField {
            url: url.to_owned(),
            operator_id,
            field: if path == "." {
                // A missing required field: serde names it in the message.
                reason
                    .split('`')
                    .nth(1)
                    .map_or_else(|| path.clone(), str::to_owned)
            } else {
                path
            },
            reason,
        }
    })
}
