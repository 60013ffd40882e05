//! Housekeeping (daily): deletes expired sessions and emailed links, and import previews that
//! were never committed within a week (with their stored file).
//!
//! Why: these rows only grow; an abandoned preview also keeps the uploaded spreadsheet, which
//! may hold customer data that has no reason to stay.

use super::AppJobs;
use crate::db::tenants::Tenant;
use crate::db::users;
use crate::with_db;
use chrono::{DateTime, Duration, Utc};
use relais_jobs::JobReport;

/// An import preview older than this is abandoned.
pub const PENDING_IMPORT_DAYS: i64 = 7;

pub async fn run(jobs: &AppJobs, tenant: &Tenant, at: DateTime<Utc>) -> anyhow::Result<JobReport> {
    let db = jobs.db();
    let sessions = users::delete_expired_sessions(db).await?;
    let links = users::delete_expired_link_tokens(db).await?;
    let cutoff = (at - Duration::days(PENDING_IMPORT_DAYS)).timestamp();
    // Their stored file and row errors go with them (on delete cascade). An import's lines
    // all belong to its declaration, so an import without a declaration has no lines.
    let sql =
        "delete from imports where tenant_id = $1 and status = 'pending' and created_at < $2 \
               and not exists (select 1 from declarations d where d.import_id = imports.id)";
    let imports = with_db!(db, p => sqlx::query(sql).bind(tenant.id).bind(cutoff).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(JobReport {
        processed: sessions + links + imports,
        note: format!("{sessions} sessions, {links} links, {imports} pending imports deleted"),
        ..Default::default()
    })
}
