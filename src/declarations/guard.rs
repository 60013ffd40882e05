//! What makes a commit happen once besides a new import's content hash: a staged web upload's
//! one-time token, or an API request's Idempotency-Key (see `commit::commit_import`).

use super::{Report, Request, Status};
use crate::db::declarations as store;
use crate::db::Db;

/// What, besides the content hash of a new import, makes a commit happen once.
#[derive(Clone, Copy)]
pub enum Guard<'a> {
    /// A staged web upload: committed only while still pending, and only from the preview
    /// showing its current one-time token (`imports.commit_token`), so a second click, or a
    /// click on a preview corrected since in another tab, writes nothing.
    Staged {
        import_id: i64,
        commit_token: &'a str,
    },
    /// An API request with an Idempotency-Key: the key is claimed in the commit's transaction
    /// and the response remembered with it there, so a retry arriving meanwhile writes nothing.
    Keyed(&'a IdempotencyKey),
}

/// An API Idempotency-Key with what is remembered under it.
pub struct IdempotencyKey {
    pub key: String,
    /// The fingerprint of the request that came with the key.
    pub request_hash: String,
    /// The HTTP status the API answers a committed import with (kept with the report).
    pub committed_status: u16,
}

/// Why a staged import was not committed: it is not pending any more (an earlier click
/// committed it: `Duplicate` naming it), or its preview changed since the form was shown
/// (`Stale`).
pub(super) async fn not_pending(db: &Db, req: &Request, import_id: i64) -> anyhow::Result<Report> {
    let status = store::import_by_id(db, req.tenant_id, Some(req.reseller_id), import_id)
        .await?
        .map(|i| i.status);
    Ok(if status.as_deref() == Some("pending") {
        Report::new(Status::Stale, &req.currency)
    } else {
        let mut r = Report::new(Status::Duplicate, &req.currency);
        r.duplicate_of = Some(import_id);
        r
    })
}
