//! Housekeeping (daily): deletes expired sessions and emailed links, and import previews that
//! were never committed within a week (with their stored file).
//!
//! Why: these rows only grow; an abandoned preview also keeps the uploaded spreadsheet, which
//! may hold customer data that has no reason to stay.

use super::AppJobs;
use crate::db::tenants::Tenant;
use crate::db::{declarations, users};
use chrono::{DateTime, Duration, Utc};
use relais_jobs::JobReport;

/// An import preview older than this is abandoned.
pub const PENDING_IMPORT_DAYS: i64 = 7;

pub async fn run(jobs: &AppJobs, tenant: &Tenant, at: DateTime<Utc>) -> anyhow::Result<JobReport> {
    let db = jobs.db();
    let sessions = users::delete_expired_sessions(db).await?;
    let links = users::delete_expired_link_tokens(db).await?;
    let cutoff = (at - Duration::days(PENDING_IMPORT_DAYS)).timestamp();
    let imports = declarations::delete_abandoned_imports(db, tenant.id, cutoff).await?;
    Ok(JobReport {
        processed: sessions + links + imports,
        note: format!("{sessions} sessions, {links} links, {imports} pending imports deleted"),
        ..Default::default()
    })
}
