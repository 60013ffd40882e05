//! Resource limits on requests: a body must keep arriving and be complete in time, an anonymous
//! client may send only a small body, and a user may run only so many uploads at once.

use axum::body::Body;
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Largest body an anonymous client may send: the login, password and language forms are a few
/// hundred bytes; nothing an anonymous visitor may post is larger.
pub const ANONYMOUS_MAX_BODY: usize = 64 * 1024;

/// Why a guarded body stopped, if it did; the middleware turns it into the right answer (the
/// extractor that was reading the body only saw an error).
#[derive(Clone, Default)]
pub struct BodyOutcome(Arc<AtomicU8>);

const FINE: u8 = 0;
const TOO_LARGE: u8 = 1;
const TIMED_OUT: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BodyProblem {
    TooLarge,
    TimedOut,
}

impl BodyOutcome {
    pub fn problem(&self) -> Option<BodyProblem> {
        match self.0.load(Ordering::SeqCst) {
            TOO_LARGE => Some(BodyProblem::TooLarge),
            TIMED_OUT => Some(BodyProblem::TimedOut),
            _ => None,
        }
    }

    fn set(&self, v: u8) {
        let _ = self
            .0
            .compare_exchange(FINE, v, Ordering::SeqCst, Ordering::SeqCst);
    }
}

#[derive(Debug)]
struct BodyStopped(&'static str);

impl std::fmt::Display for BodyStopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for BodyStopped {}

/// Wraps a request body so that it fails when nothing arrives for `idle`, when it is not
/// complete within `total`, or past `max` bytes; `outcome` records which.
pub fn guard(body: Body, max: usize, idle: Duration, total: Duration) -> (Body, BodyOutcome) {
    let outcome = BodyOutcome::default();
    let seen = outcome.clone();
    let deadline = Instant::now() + total;
    let stream = body.into_data_stream();
    let guarded = futures::stream::unfold(
        (stream, 0usize, false),
        move |(mut stream, read, stopped)| {
            let seen = seen.clone();
            async move {
                if stopped {
                    return None;
                }
                let wait = deadline.min(Instant::now() + idle);
                let next = match tokio::time::timeout_at(wait, stream.next()).await {
                    Ok(next) => next?,
                    Err(_) => {
                        seen.set(TIMED_OUT);
                        let e = axum::Error::new(BodyStopped("request body too slow"));
                        return Some((Err(e), (stream, read, true)));
                    }
                };
                match next {
                    Ok(chunk) if read + chunk.len() > max => {
                        seen.set(TOO_LARGE);
                        let e = axum::Error::new(BodyStopped("request body too large"));
                        Some((Err(e), (stream, read, true)))
                    }
                    Ok(chunk) => {
                        let read = read + chunk.len();
                        Some((Ok(chunk), (stream, read, false)))
                    }
                    Err(e) => Some((Err(e), (stream, read, true))),
                }
            }
        },
    );
    (Body::from_stream(guarded), outcome)
}

/// Uploads in progress per user (or API token).
pub struct Uploads {
    per_user: usize,
    active: Arc<Mutex<HashMap<String, usize>>>,
}

/// One upload in progress; dropping it (the request ended, or its client went away) frees the
/// place.
pub struct UploadPermit {
    key: String,
    active: Arc<Mutex<HashMap<String, usize>>>,
}

impl Uploads {
    pub fn new(per_user: usize) -> Self {
        Uploads {
            per_user: per_user.max(1),
            active: Arc::default(),
        }
    }

    /// A place for one more upload of `key`, or None when it has as many as allowed.
    pub fn start(&self, key: &str) -> Option<UploadPermit> {
        let mut active = self.active.lock().expect("uploads lock");
        let n = active.entry(key.to_string()).or_default();
        if *n >= self.per_user {
            return None;
        }
        *n += 1;
        Some(UploadPermit {
            key: key.to_string(),
            active: self.active.clone(),
        })
    }
}

impl Drop for UploadPermit {
    fn drop(&mut self) {
        let mut active = self.active.lock().expect("uploads lock");
        if let Some(n) = active.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                active.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{to_bytes, Bytes};

    #[test]
    fn uploads_are_counted_per_user_and_freed_on_drop() {
        let u = Uploads::new(2);
        let a = u.start("user:1").unwrap();
        let _b = u.start("user:1").unwrap();
        assert!(u.start("user:1").is_none());
        assert!(u.start("user:2").is_some());
        drop(a);
        assert!(u.start("user:1").is_some());
    }

    #[tokio::test]
    async fn a_guarded_body_stops_past_its_size() {
        let (body, outcome) = guard(
            Body::from(vec![0u8; 100]),
            10,
            Duration::from_secs(5),
            Duration::from_secs(5),
        );
        assert!(to_bytes(body, usize::MAX).await.is_err());
        assert_eq!(outcome.problem(), Some(BodyProblem::TooLarge));
        let (body, outcome) = guard(
            Body::from("small"),
            10,
            Duration::from_secs(5),
            Duration::from_secs(5),
        );
        assert_eq!(to_bytes(body, usize::MAX).await.unwrap(), "small");
        assert_eq!(outcome.problem(), None);
    }

    #[tokio::test]
    async fn a_guarded_body_that_stalls_times_out() {
        let stalled = futures::stream::once(async { Ok::<_, std::io::Error>(Bytes::from("a")) })
            .chain(futures::stream::pending());
        let (body, outcome) = guard(
            Body::from_stream(stalled),
            1000,
            Duration::from_millis(50),
            Duration::from_secs(300),
        );
        assert!(to_bytes(body, usize::MAX).await.is_err());
        assert_eq!(outcome.problem(), Some(BodyProblem::TimedOut));
    }
}
