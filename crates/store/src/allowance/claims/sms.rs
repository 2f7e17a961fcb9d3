//! The SMS gateway is an adapter (issue 4 item 8): the claim's transaction writes the SMS
//! rows into `notifications`; a gateway sends them. Only [`LogOnlySms`] exists, named so
//! nobody mistakes it for delivery: it writes each message to the log, for the demo and
//! tests. A real gateway implements [`SmsGateway`] and is wired where the claim routes call
//! it.

use super::super::steps::Notification;

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
                recipient = %m.recipient,
                subject = %m.subject_id,
                body = %m.body,
                "SMS not sent (log-only gateway)"
            );
        }
    }
}
