//! Bulk mail from the scheduled jobs: each (kind, recipient, period) is recorded before it is
//! sent so that no restart can send it twice; unsubscribed recipients are skipped; sending is
//! paced and retried with backoff; a message still failing is recorded with its error.
//!
//! Why "record, then send": a digest sent twice is worse than one lost to a crash between the
//! two steps (that rare case stays visible as a `sending` row).

use super::{Mailer, Outgoing};
use crate::auth::{constant_time_eq, keyed_hash};
use crate::db::{self, Db};
use lettre::message::Mailbox;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// The kinds of email a user can unsubscribe from, as stored and as put in signed links.
pub const UNSUBSCRIBABLE: &[&str] = &[MANAGER_DIGEST, RESELLER_DIGEST, REMINDERS];
pub const MANAGER_DIGEST: &str = "manager-digest";
pub const RESELLER_DIGEST: &str = "reseller-digest";
pub const REMINDERS: &str = "reminders";

/// `{user}.{kind}.{signature}`: the signature (a keyed hash with the installation secret) is the
/// authority, so the link works without login and cannot be forged for another user.
pub fn unsubscribe_token(secret: &str, user_id: i64, kind: &str) -> String {
    format!("{user_id}.{kind}.{}", signature(secret, user_id, kind))
}

fn signature(secret: &str, user_id: i64, kind: &str) -> String {
    keyed_hash(secret, &format!("unsubscribe:{user_id}:{kind}"))[..32].to_string()
}

/// The user and kind of a genuine token; None for anything forged or malformed.
pub fn verify_unsubscribe_token(secret: &str, token: &str) -> Option<(i64, &'static str)> {
    let mut parts = token.splitn(3, '.');
    let user_id: i64 = parts.next()?.parse().ok()?;
    let kind = parts.next()?;
    let sig = parts.next()?;
    let kind = UNSUBSCRIBABLE.iter().find(|k| **k == kind)?;
    constant_time_eq(sig, &signature(secret, user_id, kind)).then_some((user_id, *kind))
}

/// Paces outgoing mail: at most `per_second` messages a second (0 = unpaced).
pub struct Pacer {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    pub fn new(per_second: f64) -> Self {
        let interval = if per_second > 0.0 {
            Duration::from_secs_f64(1.0 / per_second)
        } else {
            Duration::ZERO
        };
        Pacer {
            interval,
            next: Mutex::new(None),
        }
    }

    async fn wait(&self) {
        if self.interval.is_zero() {
            return;
        }
        let mut next = self.next.lock().await;
        let now = Instant::now();
        let at = next.map_or(now, |n| n.max(now));
        *next = Some(at + self.interval);
        drop(next);
        tokio::time::sleep_until(at).await;
    }
}

/// How the jobs deliver: transport, sender, pace and retry policy.
pub struct Outbound {
    pub mailer: Mailer,
    pub from: Mailbox,
    pub pacer: Pacer,
    pub attempts: u32,
    pub backoff: Duration,
}

/// What became of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Already recorded for this period (sent, or being sent by someone else).
    AlreadyRecorded,
    Failed,
}

/// One message of a job, identified for the send-once record.
pub struct Envelope<'a> {
    pub tenant_id: i64,
    pub user_id: i64,
    pub kind: &'a str,
    pub period_key: &'a str,
    pub message: Outgoing,
}

impl Outbound {
    /// Records the message, then sends it (paced, retried with doubling delays) and records the
    /// outcome. A message already recorded for this period is never sent again.
    pub async fn deliver_once(&self, db: &Db, env: &Envelope<'_>) -> anyhow::Result<Delivery> {
        let recorded =
            db::mail::record_send(db, env.tenant_id, env.user_id, env.kind, env.period_key).await?;
        let Some(id) = recorded else {
            return Ok(Delivery::AlreadyRecorded);
        };
        let (attempts, result) = self.send_with_retry(&env.message).await;
        let (status, error) = match &result {
            Ok(()) => ("sent", None),
            Err(e) => ("failed", Some(format!("{e:#}"))),
        };
        db::mail::record_outcome(db, id, status, attempts, error.as_deref()).await?;
        if let Some(e) = error {
            tracing::warn!(kind = env.kind, user = env.user_id, error = %e, "email delivery failed; recorded");
            return Ok(Delivery::Failed);
        }
        Ok(Delivery::Sent)
    }

    async fn send_with_retry(&self, msg: &Outgoing) -> (u32, anyhow::Result<()>) {
        let mut delay = self.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.pacer.wait().await;
            match self.mailer.send(&self.from, msg).await {
                Ok(()) => return (attempt, Ok(())),
                Err(e) if attempt >= self.attempts.max(1) => return (attempt, Err(e)),
                Err(e) => {
                    tracing::info!(attempt, error = %e, "email delivery failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
            }
        }
    }
}

/// The List-Unsubscribe headers (RFC 2369, and RFC 8058 one-click: the mail client POSTs
/// `List-Unsubscribe=One-Click` to the URL).
pub fn unsubscribe_headers(one_click_url: &str) -> Vec<(String, String)> {
    vec![
        ("List-Unsubscribe".into(), format!("<{one_click_url}>")),
        (
            "List-Unsubscribe-Post".into(),
            "List-Unsubscribe=One-Click".into(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_tokens_verify_only_when_genuine() {
        let token = unsubscribe_token("s3cret", 42, MANAGER_DIGEST);
        assert_eq!(
            verify_unsubscribe_token("s3cret", &token),
            Some((42, MANAGER_DIGEST))
        );
        assert_eq!(verify_unsubscribe_token("other", &token), None);
        let forged = token.replacen("42.", "43.", 1);
        assert_eq!(verify_unsubscribe_token("s3cret", &forged), None);
        let other_kind = token.replace(MANAGER_DIGEST, REMINDERS);
        assert_eq!(verify_unsubscribe_token("s3cret", &other_kind), None);
        assert_eq!(verify_unsubscribe_token("s3cret", "garbage"), None);
    }

    #[tokio::test]
    async fn the_pacer_spaces_messages() {
        let pacer = Pacer::new(50.0);
        let start = Instant::now();
        for _ in 0..6 {
            pacer.wait().await;
        }
        // Five intervals of 20 ms after the first message.
        assert!(
            start.elapsed() >= Duration::from_millis(100),
            "{:?}",
            start.elapsed()
        );
        let unpaced = Pacer::new(0.0);
        let start = Instant::now();
        for _ in 0..100 {
            unpaced.wait().await;
        }
        assert!(start.elapsed() < Duration::from_millis(50));
    }
}
