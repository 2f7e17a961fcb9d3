//! The outbox sender (EX-6): claims due deliveries, POSTs each payload to its department's
//! webhook signed with the platform's own key (same signing string and headers as department
//! pushes, `X-Onething-Dept: platform`), and retries with exponential backoff. After
//! [`MAX_ATTEMPTS`] the delivery is `failed` and an audit alert (`delivery_failed`) is written
//! for supervisors. Delivery is at least once: receivers de-duplicate by `delivery_id`.
//! The same worker hands waiting SMS notifications to the SMS gateway (written by every
//! use case, whichever door it came through: `onething_services::notify`).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use onething_exchange::signature::{self, SigningKey};
use onething_store::StoreError;
use onething_store::audit::NewAuditEntry;
use onething_store::outbox::{AttemptOutcome, Delivery};
use serde_json::json;

use onething_services::notify::{LogOnlySms, send_pending_sms};

use crate::AppState;

/// Attempts before a delivery is marked `failed`.
pub const MAX_ATTEMPTS: i64 = 5;
/// The `X-Onething-Dept` value of the platform's own requests.
pub const PLATFORM_DEPT: &str = "platform";
/// How long a claim holds before another sender may take the delivery over.
const LEASE: TimeDelta = TimeDelta::seconds(120);
/// The first retry's delay; each further one doubles it.
const FIRST_BACKOFF_SECS: i64 = 30;
/// How long one POST may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(20);
/// The background loop's pause between drains.
const POLL: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("平台签名密钥无效：{0}")]
    Key(String),
    #[error("HTTP 客户端无法创建：{0}")]
    Client(String),
}

/// Sends every delivery due now and every SMS waiting for the gateway; the number of
/// attempts made (tests drain with it).
pub async fn run_outbox_once(state: &AppState) -> usize {
    let deliveries = match drain(state).await {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = %e, "outbox run failed");
            0
        }
    };
    let sms = send_pending_sms(&state.store, &LogOnlySms, state.now()).await;
    match sms {
        Ok(n) => deliveries + n,
        Err(e) => {
            tracing::error!(error = %e, "SMS outbox run failed");
            deliveries
        }
    }
}

/// Drains the outbox every few seconds until the process ends (`onething serve`).
pub async fn run_outbox_loop(state: AppState) {
    loop {
        run_outbox_once(&state).await;
        tokio::time::sleep(POLL).await;
    }
}

async fn drain(state: &AppState) -> Result<usize, OutboxError> {
    let key = state.platform.signing_key().clone();
    let client = reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| OutboxError::Client(e.to_string()))?;
    let mut attempts = 0;
    while let Some(delivery) = state
        .store
        .claim_delivery(state.now(), state.now() + LEASE)
        .await?
    {
        attempts += 1;
        let result = send(state, &client, &key, &delivery).await;
        let outcome = outcome_of(&delivery, result, state.now());
        state
            .store
            .finish_attempt(&delivery.id, &outcome, state.now())
            .await?;
        if let AttemptOutcome::Failed { error } = &outcome {
            alert(state, &delivery, error).await?;
        }
    }
    Ok(attempts)
}

/// Delivered, or retried after 30 s × 2^(attempts−1), or failed after [`MAX_ATTEMPTS`].
fn outcome_of(
    delivery: &Delivery,
    result: Result<(), String>,
    now: DateTime<Utc>,
) -> AttemptOutcome {
    match result {
        Ok(()) => AttemptOutcome::Delivered,
        Err(error) if delivery.attempts >= MAX_ATTEMPTS => AttemptOutcome::Failed { error },
        Err(error) => {
            let exponent = u32::try_from(delivery.attempts.saturating_sub(1))
                .unwrap_or(0)
                .min(16);
            let delay = TimeDelta::seconds(FIRST_BACKOFF_SECS * (1_i64 << exponent));
            AttemptOutcome::Retry {
                error,
                at: now + delay,
            }
        }
    }
}

/// One signed POST of the payload; an error text for anything but a 2xx answer.
async fn send(
    state: &AppState,
    client: &reqwest::Client,
    key: &SigningKey,
    delivery: &Delivery,
) -> Result<(), String> {
    let dept = state
        .store
        .department(&delivery.dept_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("部门 {} 未登记", delivery.dept_id))?;
    let url = dept
        .webhook_url
        .ok_or_else(|| format!("部门 {} 没有回调地址", dept.id))?;
    let parsed = reqwest::Url::parse(&url).map_err(|e| format!("回调地址无效：{e}"))?;
    let timestamp = state.now().timestamp();
    let body = delivery.payload.as_bytes().to_vec();
    let signed = signature::sign(key, "POST", parsed.path(), timestamp, &body);
    let response = client
        .post(parsed)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(signature::HEADER_DEPT, PLATFORM_DEPT)
        .header(signature::HEADER_TIMESTAMP, timestamp.to_string())
        .header(signature::HEADER_SIGNATURE, signed)
        .body(body)
        .send()
        .await
        .map_err(|e| format!("发送失败：{e}"))?;
    match response.status() {
        s if s.is_success() => Ok(()),
        s => Err(format!("部门回调返回 {s}")),
    }
}

/// The audit alert for a delivery given up on.
async fn alert(state: &AppState, delivery: &Delivery, error: &str) -> Result<(), StoreError> {
    tracing::warn!(delivery = %delivery.id, dept = %delivery.dept_id, error, "delivery failed");
    let entry = NewAuditEntry {
        at: state.now(),
        actor: "system".to_owned(),
        role: None,
        action: "delivery_failed".to_owned(),
        subject_type: "delivery".to_owned(),
        subject_id: delivery.id.clone(),
        case_id: Some(delivery.case_id.clone()),
        detail: json!({"dept_id": delivery.dept_id, "item": delivery.item,
            "attempts": delivery.attempts, "error": error}),
    };
    state.store.append_audit(&entry).await.map(|_| ())
}
