//! The small HTTP/1.1 server under the local fakes ([`crate::FakeBeacon`], [`crate::FakeSsvApi`]):
//! hyper on 127.0.0.1 at an OS-chosen port, one tokio task for the listener and one per
//! connection, all stopped when the [`Server`] is dropped. Requests arrive as a parsed
//! [`Request`] (percent-decoded path segments and query pairs, the whole body); handlers answer a
//! [`Response`], usually JSON. The server counts requests per path and can play "down" (every
//! request answered with the fake's own 503).

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, StatusCode, header};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use crate::DevnetError;

/// One request, parsed.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: Method,
    /// Percent-decoded, non-empty path segments.
    pub segments: Vec<String>,
    /// Percent-decoded query pairs in order (`+` is a space).
    pub query: Vec<(String, String)>,
    pub body: Bytes,
}

impl Request {
    /// The path segments as `&str`, for slice patterns.
    pub fn path(&self) -> Vec<&str> {
        self.segments.iter().map(String::as_str).collect()
    }

    /// The first value of a query parameter.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter, each split at commas (`id=1,2&id=3` is 1, 2, 3); empty
    /// items are dropped.
    pub fn query_list(&self, key: &str) -> Vec<String> {
        self.query
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// What a handler answers.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: StatusCode,
    pub body: Option<Value>,
}

impl Response {
    /// `status` with a JSON body.
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
        }
    }

    /// 200 with a JSON body.
    pub fn ok(body: Value) -> Self {
        Self::json(StatusCode::OK, body)
    }

    /// `status` without a body.
    pub fn empty(status: StatusCode) -> Self {
        Self { status, body: None }
    }

    fn into_hyper(self) -> hyper::Response<Full<Bytes>> {
        let mut builder = hyper::Response::builder().status(self.status);
        let body = match self.body {
            Some(value) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Bytes::from(value.to_string())
            }
            None => Bytes::new(),
        };
        builder
            .body(Full::new(body))
            .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
    }
}

/// A handler's future.
pub(crate) type ResponseFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// What a fake does with each request.
pub(crate) type Handler = Arc<dyn Fn(Request) -> ResponseFuture + Send + Sync>;

/// Switches and counters shared by a fake's handle and its server task.
#[derive(Debug, Default)]
pub(crate) struct Controls {
    down: AtomicBool,
    total: AtomicU64,
    per_path: Mutex<HashMap<String, u64>>,
}

impl Controls {
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }

    /// Requests received for `path` (as sent, without the query), whatever the answer.
    pub fn requests(&self, path: &str) -> u64 {
        self.per_path
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// Requests received in all.
    pub fn total_requests(&self) -> u64 {
        self.total.load(Ordering::SeqCst)
    }

    /// A copy of the per-path counters.
    pub fn request_counts(&self) -> HashMap<String, u64> {
        self.per_path
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn count(&self, path: &str) {
        self.total.fetch_add(1, Ordering::SeqCst);
        *self
            .per_path
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(path.to_owned())
            .or_default() += 1;
    }
}

/// A running server; dropping it stops the listener and every open connection.
#[derive(Debug)]
pub(crate) struct Server {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Server {
    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds 127.0.0.1 on a free port and serves `handler` from a tokio task. Every request is
/// counted in `controls`; while `controls` is down, `unavailable` answers instead of `handler`.
pub(crate) async fn serve(
    server: &'static str,
    controls: Arc<Controls>,
    unavailable: fn() -> Response,
    handler: Handler,
) -> Result<Server, DevnetError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(|source| DevnetError::FakeServerBind { server, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| DevnetError::FakeServerBind { server, source })?;
    let task = tokio::spawn(async move {
        // Dropped with this task on abort, which aborts every connection task too.
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else {
                        // Out of file descriptors or similar: back off instead of spinning.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    };
                    let handler = handler.clone();
                    let controls = controls.clone();
                    connections.spawn(async move {
                        let service = service_fn(move |request| {
                            let handler = handler.clone();
                            let controls = controls.clone();
                            async move {
                                Ok::<_, Infallible>(
                                    dispatch(&handler, &controls, unavailable, request).await,
                                )
                            }
                        });
                        // A client that goes away mid-request is not an error of the fake.
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
    });
    Ok(Server { addr, task })
}

async fn dispatch(
    handler: &Handler,
    controls: &Controls,
    unavailable: fn() -> Response,
    request: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    controls.count(parts.uri.path());
    if controls.is_down() {
        return unavailable().into_hyper();
    }
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Response::empty(StatusCode::BAD_REQUEST).into_hyper(),
    };
    let request = Request {
        method: parts.method,
        segments: parts
            .uri
            .path()
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode(s, false))
            .collect(),
        query: parts.uri.query().map(parse_query).unwrap_or_default(),
        body,
    };
    handler(request).await.into_hyper()
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key, true), percent_decode(value, true))
        })
        .collect()
}

/// `%XX` escapes (and `+` as a space in query strings); malformed escapes stay as they are.
fn percent_decode(text: &str, plus_is_space: bool) -> String {
    fn hex(b: u8) -> Option<u8> {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                if let (Some(high), Some(low)) = (
                    bytes.get(i + 1).copied().and_then(hex),
                    bytes.get(i + 2).copied().and_then(hex),
                ) {
                    out.push((high << 4) | low);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_plus() {
        assert_eq!(percent_decode("0x12%2C0x34", true), "0x12,0x34");
        assert_eq!(percent_decode("a+b", true), "a b");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("100%", true), "100%");
        assert_eq!(percent_decode("%zz%4", true), "%zz%4");
    }

    #[test]
    fn query_lists_split_at_commas_and_repeat() {
        let request = Request {
            method: Method::GET,
            segments: Vec::new(),
            query: parse_query("id=1,2&status=active&id=3&id="),
            body: Bytes::new(),
        };
        assert_eq!(request.query_list("id"), vec!["1", "2", "3"]);
        assert_eq!(request.query_value("status"), Some("active"));
        assert_eq!(request.query_value("missing"), None);
    }
}
