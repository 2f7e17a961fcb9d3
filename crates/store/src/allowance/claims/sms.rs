//! The SMS gateway is an adapter (issue 4 item 8): the claim's transaction writes the SMS
//! rows into `notifications`; a gateway sends them. Only [`LogOnlySms`] exists, named so
//! nobody mistakes it for delivery: it writes each message to the log, for the demo and
//! tests. A real gateway implements [`SmsGateway`] and is wired where the claim routes call
//! it.

use onething_domain::access::mask_id_text;

use super::super::steps::Notification;

/// `person:<id>` with the id masked (logs never carry full ids); `employer:<uscc>` as is.
fn mask_id_text_in_key(key: &str) -> String {
    match key.split_once(':') {
        Some(("person", id)) => format!("person:{}", mask_id_text(id)),
        _ => key.to_owned(),
    }
}

/// Sends SMS notifications.
pub trait SmsGateway: Send + Sync {
    /// Hands the messages to the gateway; errors are the gateway's to log and retry.
    fn send(&self, messages: &[Notification]);
}

/// Logs messages instead of sending them (demo and tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct LogOnlySms;

impl SmsGateway for LogOnlySms {
    fn send(&self, messages: &[Notification]) {
        for m in messages.iter().filter(|m| m.channel == "sms") {
            tracing::info!(
                target: "sms_log_only",
                recipient = %mask_id_text_in_key(&m.recipient),
                subject = %m.subject_id,
                body = %m.body,
                "SMS not sent (log-only gateway)"
            );
        }
    }
}
