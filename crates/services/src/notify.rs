//! The notifications outbox's sender. Use cases write in-site messages and SMS rows in the
//! transaction of the change that causes them, whichever door the change came through; this
//! worker hands the SMS rows to the gateway. Only [`LogOnlySms`] exists, named so nobody
//! mistakes it for delivery: it writes each message to the log (demo and tests). A real
//! gateway implements [`SmsGateway`].

use chrono::{DateTime, Utc};
use onething_domain::access::mask_id_text;
use onething_store::allowance::Notification;
use onething_store::{Store, StoreError};

/// Sends one SMS; an error is kept on the row and the message is tried again.
pub trait SmsGateway: Send + Sync {
    fn send(&self, message: &Notification) -> Result<(), String>;
}

/// Logs messages instead of sending them (demo and tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct LogOnlySms;

impl SmsGateway for LogOnlySms {
    fn send(&self, m: &Notification) -> Result<(), String> {
        tracing::info!(
            target: "sms_log_only",
            recipient = %masked_recipient(&m.recipient),
            subject = %m.subject_id,
            body = %m.body,
            "SMS not sent (log-only gateway)"
        );
        Ok(())
    }
}

/// `person:<id>` with the id masked (logs never carry full ids); `employer:<uscc>` as is.
fn masked_recipient(key: &str) -> String {
    match key.split_once(':') {
        Some(("person", id)) => format!("person:{}", mask_id_text(id)),
        _ => key.to_owned(),
    }
}

/// Sends what waits, in batches, until nothing is left; returns how many were sent.
pub async fn send_pending_sms(
    store: &Store,
    gateway: &dyn SmsGateway,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut sent = 0;
    loop {
        let batch = store.take_unsent_sms(now, 100).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for message in &batch {
            match gateway.send(message) {
                Ok(()) => sent += 1,
                Err(e) => store.mark_sms_failed(&message.id, &e).await?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_never_carry_a_full_citizen_id() {
        let key = masked_recipient("person:11010519491231002X");
        assert!(!key.contains("19491231"), "{key}");
        assert_eq!(
            masked_recipient("employer:91110000600037341L"),
            "employer:91110000600037341L"
        );
    }
}
