//! Sending one batch: sign, POST, classify the answer, retry what is worth retrying.
//!
//! Why reqwest: the push runs on tokio (the demo pushes to the server it runs in the same
//! process), and reqwest without default features is a thin layer over the hyper stack
//! axum already compiles. TLS is not compiled in by default: departments reach the platform
//! on the government extranet or through a TLS-terminating gateway, and the rustls backend
//! reqwest 0.13 offers (aws-lc-rs) adds about two minutes of C compilation to a clean release
//! build on two cores (measured, docs/benchmarks.md "TLS"), so it is the opt-in feature `tls`
//! (`cargo build --release -p onething --features tls`); without it an `https://` URL is
//! refused with a message saying so.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde::Deserialize;

use super::{PushConfig, PushError, RecordError, RetryPolicy};
use crate::signature::{self, SigningKey};

/// The NDJSON media type of the contract.
const NDJSON: &str = "application/x-ndjson";
/// A server's `Retry-After` is honoured up to this long.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The server's `200` answer.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PushResponse {
    pub accepted: u64,
    pub duplicates: u64,
    #[serde(default)]
    pub rejected: Vec<ServerRejection>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ServerRejection {
    pub index: usize,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub errors: Vec<RecordError>,
}

/// The contract's error body.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    field: Option<String>,
}

/// What became of a batch.
#[derive(Debug)]
pub(crate) enum Outcome {
    Answered(PushResponse),
    /// A 4xx for the whole batch (malformed body, too large…): its records are rejected.
    Refused(RecordError),
}

/// Why an attempt failed, and whether another is worth it.
enum Failure {
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    Fatal(PushError),
}

pub(crate) struct Sender {
    client: reqwest::Client,
    url: Url,
    dept: String,
    key: SigningKey,
    retry: RetryPolicy,
}

impl Sender {
    pub fn new(config: &PushConfig) -> Result<Self, PushError> {
        let url = push_url(&config.base_url, config.dataset.as_str())?;
        let client = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(Duration::from_secs(10))
            // A redirect would change the signed path (and turn POST into GET).
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("onething-push/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PushError::Url {
                url: config.base_url.clone(),
                problem: e.to_string(),
            })?;
        Ok(Sender {
            client,
            url,
            dept: config.dept.clone(),
            key: config.key.clone(),
            retry: config.retry,
        })
    }

    /// Sends `body` until it is answered, refused, or the attempts run out. `retries`
    /// counts the attempts after the first.
    pub async fn send(&self, body: &[u8], retries: &mut u64) -> Result<Outcome, PushError> {
        let attempts = self.retry.attempts.max(1);
        let mut attempt = 1;
        let mut previous = None;
        loop {
            let timestamp = fresh_timestamp(Utc::now().timestamp(), previous);
            previous = Some(timestamp);
            match self.attempt(body, timestamp).await {
                Ok(outcome) => return Ok(outcome),
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Retry { reason, .. }) if attempt >= attempts => {
                    return Err(PushError::Unavailable {
                        attempts,
                        last: reason,
                    });
                }
                Err(Failure::Retry { after, .. }) => {
                    let wait = self.retry.backoff(attempt).max(after.unwrap_or_default());
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    *retries += 1;
                }
            }
        }
    }

    /// One signed request, with a fresh timestamp (a retry after minutes must not be stale,
    /// and the platform refuses a signature it has seen: `REPLAYED_REQUEST`).
    async fn attempt(&self, body: &[u8], timestamp: i64) -> Result<Outcome, Failure> {
        let signature = signature::sign(&self.key, "POST", self.url.path(), timestamp, body);
        let response = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, NDJSON)
            .header(signature::HEADER_DEPT, &self.dept)
            .header(signature::HEADER_TIMESTAMP, timestamp.to_string())
            .header(signature::HEADER_SIGNATURE, signature)
            .body(body.to_vec())
            .send()
            .await
            .map_err(network_failure)?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(network_failure)?;
        classify(status, retry_after, &bytes)
    }
}

/// The timestamp to sign an attempt with: now, but always later than the previous attempt's.
/// Ed25519 is deterministic, so a retry within the same second would otherwise carry the
/// very signature the platform already accepted, and be refused as a replay.
pub(crate) fn fresh_timestamp(now: i64, previous: Option<i64>) -> i64 {
    previous.map_or(now, |p| now.max(p + 1))
}

/// `{base}/api/v1/exchange/{dataset}`; the base may carry a path prefix (a gateway's).
pub(crate) fn push_url(base: &str, dataset: &str) -> Result<Url, PushError> {
    let invalid = |problem: String| PushError::Url {
        url: base.to_owned(),
        problem,
    };
    let text = format!("{}/api/v1/exchange/{dataset}", base.trim_end_matches('/'));
    let url = Url::parse(&text).map_err(|e| invalid(e.to_string()))?;
    match url.scheme() {
        "http" => Ok(url),
        "https" if cfg!(feature = "tls") => Ok(url),
        "https" => Err(invalid(
            "this build speaks plain HTTP: use the gateway's http:// address, or build with `--features tls`".to_owned(),
        )),
        other => Err(invalid(format!("unsupported scheme `{other}`"))),
    }
}

fn network_failure(error: reqwest::Error) -> Failure {
    if error.is_builder() {
        return Failure::Fatal(PushError::Protocol(error.to_string()));
    }
    Failure::Retry {
        reason: describe(&error),
        after: None,
    }
}

/// The error with its causes (reqwest's own message is often just "error sending request").
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn classify(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<Outcome, Failure> {
    if status.is_success() {
        return serde_json::from_slice(body)
            .map(Outcome::Answered)
            .map_err(|e| Failure::Fatal(PushError::Protocol(format!("{status}: {e}"))));
    }
    let detail = error_detail(status, body);
    match status.as_u16() {
        // A replay refusal means an earlier attempt of this batch did arrive (its answer was
        // lost): sending again, signed afresh, answers with duplicates.
        401 if detail.code == "REPLAYED_REQUEST" => Err(Failure::Retry {
            reason: format!("{status} {}", detail.code),
            after: retry_after,
        }),
        408 | 429 | 500..=599 => Err(Failure::Retry {
            reason: format!("{status} {}", detail.code),
            after: retry_after,
        }),
        401 | 403 => Err(Failure::Fatal(PushError::Auth {
            status: status.as_u16(),
            code: detail.code,
            message: detail.message,
        })),
        // A wrong URL, dataset or method: every batch would fail the same way.
        300..=399 | 404 | 405 => Err(Failure::Fatal(PushError::Refused {
            status: status.as_u16(),
            code: detail.code,
            message: detail.message,
        })),
        _ => Ok(Outcome::Refused(RecordError {
            field: detail.field,
            code: detail.code,
            message: format!(
                "整批被拒 / whole batch refused ({status}): {}",
                detail.message
            ),
        })),
    }
}

/// The contract's error body, or the status itself when the body is something else (a
/// proxy's HTML page).
fn error_detail(status: StatusCode, body: &[u8]) -> ErrorDetail {
    serde_json::from_slice::<ErrorBody>(body)
        .map(|b| b.error)
        .unwrap_or_else(|_| ErrorDetail {
            code: format!("HTTP_{}", status.as_u16()),
            message: String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
            field: None,
        })
}

/// `Retry-After` in seconds (the HTTP-date form is not used by the platform).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_a_gateway_prefix_and_refuse_what_cannot_work() {
        let url = push_url("http://gw.example:8080/onething/", "contributions").expect("url");
        assert_eq!(url.path(), "/onething/api/v1/exchange/contributions");
        assert_eq!(
            push_url("https://x", "marriages").is_ok(),
            cfg!(feature = "tls")
        );
        assert!(push_url("ftp://x", "marriages").is_err());
        assert!(push_url("not a url", "marriages").is_err());
    }

    #[test]
    fn every_attempt_is_signed_with_a_new_timestamp() {
        assert_eq!(fresh_timestamp(100, None), 100);
        assert_eq!(
            fresh_timestamp(100, Some(100)),
            101,
            "same second: one later"
        );
        assert_eq!(fresh_timestamp(100, Some(101)), 102);
        assert_eq!(fresh_timestamp(130, Some(101)), 130);
    }

    #[test]
    fn a_replay_refusal_is_retried() {
        let body = br#"{"error":{"code":"REPLAYED_REQUEST","message":"m","field":null}}"#;
        assert!(matches!(
            classify(StatusCode::UNAUTHORIZED, None, body),
            Err(Failure::Retry { .. })
        ));
    }

    #[test]
    fn statuses_are_classified_for_retry_stop_or_reject() {
        let body = br#"{"error":{"code":"BAD_SIGNATURE","message":"m","field":null}}"#;
        let retry = |s: u16| {
            matches!(
                classify(StatusCode::from_u16(s).expect("status"), None, b"x"),
                Err(Failure::Retry { .. })
            )
        };
        assert!(retry(500) && retry(502) && retry(503) && retry(429) && retry(408));
        let auth = classify(StatusCode::UNAUTHORIZED, None, body);
        assert!(
            matches!(auth, Err(Failure::Fatal(PushError::Auth { ref code, .. })) if code == "BAD_SIGNATURE")
        );
        let refused = classify(StatusCode::PAYLOAD_TOO_LARGE, None, b"<html>");
        assert!(matches!(refused, Ok(Outcome::Refused(ref e)) if e.code == "HTTP_413"));
        let ok = classify(
            StatusCode::OK,
            None,
            br#"{"accepted":1,"duplicates":0,"rejected":[]}"#,
        );
        assert!(matches!(
            ok,
            Ok(Outcome::Answered(PushResponse { accepted: 1, .. }))
        ));
    }
}
