//! The `job_runs` table: slot claims, outcomes, and the list shown on `/jobs` and by
//! `relais jobs list`.

use super::{now, Db};
use crate::with_db;
use relais_jobs::JobReport;

/// Claims a scheduled slot in its own transaction; None when it was already claimed (by an
/// earlier run, or by another server at the same moment).
pub async fn claim(
    db: &Db,
    job: &str,
    tenant_id: i64,
    slot: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = "insert into job_runs (job, tenant_id, slot, manual, started_at) values ($1, $2, $3, $4, $5) \
               on conflict do nothing returning id";
    let mut tx = db.begin().await?;
    let id = crate::with_tx!(&mut tx, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(job).bind(tenant_id).bind(slot).bind(false).bind(now())
        .fetch_optional(c).await)?;
    tx.commit().await?;
    Ok(id)
}

/// Records the start of a run by hand (it takes no slot: a scheduled run still happens).
pub async fn start_manual(db: &Db, job: &str, tenant_id: i64, at: i64) -> Result<i64, sqlx::Error> {
    let sql = "insert into job_runs (job, tenant_id, slot, manual, started_at) values ($1, $2, $3, $4, $5) returning id";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql)
        .bind(job).bind(tenant_id).bind(at).bind(true).bind(now()).fetch_one(p).await)
}

pub async fn finish(
    db: &Db,
    run_id: i64,
    outcome: Result<&JobReport, &str>,
) -> Result<(), sqlx::Error> {
    let (status, report, error) = match outcome {
        Ok(r) => ("ok", r.clone(), None),
        Err(e) => ("failed", JobReport::default(), Some(e.to_string())),
    };
    let sql = "update job_runs set ended_at = $1, outcome = $2, processed = $3, skipped = $4, failed = $5, \
               note = $6, error = $7 where id = $8";
    with_db!(db, p => sqlx::query(sql)
        .bind(now()).bind(status).bind(report.processed as i64).bind(report.skipped as i64)
        .bind(report.failed as i64).bind(&report.note).bind(&error).bind(run_id)
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRun {
    pub id: i64,
    pub job: String,
    pub tenant_slug: String,
    pub time_zone: String,
    pub slot: i64,
    pub manual: bool,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub outcome: String,
    pub processed: i64,
    pub skipped: i64,
    pub failed: i64,
    pub note: String,
    pub error: Option<String>,
}

/// The latest runs, of one tenant or of all of them.
pub async fn recent(
    db: &Db,
    tenant_id: Option<i64>,
    limit: i64,
) -> Result<Vec<JobRun>, sqlx::Error> {
    let sql = "select r.id, r.job, t.slug as tenant_slug, t.time_zone, r.slot, r.manual, r.started_at, r.ended_at, \
               r.outcome, r.processed, r.skipped, r.failed, r.note, r.error \
               from job_runs r join tenants t on t.id = r.tenant_id \
               where ($1 = 0 or r.tenant_id = $1) order by r.started_at desc, r.id desc limit $2";
    with_db!(db, p => sqlx::query_as::<_, JobRun>(sql).bind(tenant_id.unwrap_or(0)).bind(limit).fetch_all(p).await)
}
