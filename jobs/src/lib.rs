//! Relais scheduled jobs: the schedule logic and the scheduler start-up. The application
//! implements [`JobContext`] (tenants, slot claims, job bodies); this crate never depends on it.
//!
//! Why a one-minute ticker instead of one cron job per schedule: tokio-cron-scheduler fixes a
//! time zone's UTC offset when a job is created, so a "Monday 07:00 Europe/Paris" job would drift
//! by an hour across daylight-saving changes. Here the scheduler only ticks; each tick asks croner,
//! in each tenant's own time zone, which slot is due, and the application's slot claim (a unique
//! row per job, tenant and slot) makes each slot run once — across restarts and across servers.
//! The same rule catches up a slot missed while the server was down: the latest due slot of the
//! look-back window is claimed once.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use croner::parser::{CronParser, Seconds};
use croner::Cron;
use std::sync::Arc;
use tokio_cron_scheduler::{Job, JobScheduler};

/// A job known to the application and its schedule (6-field cron, seconds first; None = off).
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub name: String,
    pub schedule: Option<String>,
}

/// A tenant as the scheduler needs it.
#[derive(Debug, Clone)]
pub struct TenantRef {
    pub slug: String,
    pub time_zone: String,
}

/// What a run did, for the runs list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobReport {
    /// Items handled (emails sent, entries written, rows deleted...).
    pub processed: u64,
    pub skipped: u64,
    pub failed: u64,
    pub note: String,
}

/// The application side of the scheduler.
#[async_trait]
pub trait JobContext: Send + Sync + 'static {
    async fn tenants(&self) -> anyhow::Result<Vec<TenantRef>>;
    /// Records that `job` for `tenant` at `slot` is starting; returns a run id, or None when this
    /// slot was already claimed (by an earlier run or another server).
    async fn claim_slot(
        &self,
        job: &str,
        tenant: &str,
        slot: DateTime<Utc>,
    ) -> anyhow::Result<Option<i64>>;
    /// The job body, run as of `at`.
    async fn run_job(
        &self,
        job: &str,
        tenant: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<JobReport>;
    /// Records how a claimed run ended.
    async fn finish_run(
        &self,
        run_id: i64,
        outcome: Result<&JobReport, &str>,
    ) -> anyhow::Result<()>;
}

/// Parses a 6-field cron expression (seconds first), as written in the configuration.
pub fn parse_schedule(expr: &str) -> anyhow::Result<Cron> {
    CronParser::builder()
        .seconds(Seconds::Required)
        .dom_and_dow(true)
        .build()
        .parse(expr.trim())
        .map_err(|e| anyhow::anyhow!("invalid schedule {expr:?}: {e}"))
}

/// The latest occurrence of `cron` in the tenant's time zone that is at or before `now` and
/// within `lookback` of it, in UTC.
pub fn due_slot(
    cron: &Cron,
    time_zone: &str,
    now: DateTime<Utc>,
    lookback: Duration,
) -> Option<DateTime<Utc>> {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Paris);
    let local_now = now.with_timezone(&tz);
    let slot = cron.find_previous_occurrence(&local_now, true).ok()?;
    let slot = slot.with_timezone(&Utc);
    (slot > now - lookback).then_some(slot)
}

/// How far back a missed slot is still caught up.
pub const CATCH_UP_WINDOW_DAYS: i64 = 7;

/// Runs every due, unclaimed slot of every scheduled job for every tenant. A failing job is
/// recorded and logged; the others still run. Returns the number of runs started.
pub async fn tick(
    ctx: &dyn JobContext,
    specs: &[JobSpec],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let tenants = ctx.tenants().await?;
    let mut started = 0;
    for spec in specs {
        let Some(expr) = &spec.schedule else { continue };
        let cron = match parse_schedule(expr) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(job = %spec.name, error = %e, "job schedule ignored");
                continue;
            }
        };
        for tenant in &tenants {
            let Some(slot) = due_slot(
                &cron,
                &tenant.time_zone,
                now,
                Duration::days(CATCH_UP_WINDOW_DAYS),
            ) else {
                continue;
            };
            match ctx.claim_slot(&spec.name, &tenant.slug, slot).await {
                Ok(Some(run_id)) => {
                    started += 1;
                    run_claimed(ctx, &spec.name, &tenant.slug, slot, run_id).await;
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(job = %spec.name, tenant = %tenant.slug, error = ?e, "cannot claim slot")
                }
            }
        }
    }
    Ok(started)
}

async fn run_claimed(
    ctx: &dyn JobContext,
    job: &str,
    tenant: &str,
    slot: DateTime<Utc>,
    run_id: i64,
) {
    tracing::info!(%job, %tenant, %slot, "job starting");
    let result = ctx.run_job(job, tenant, slot).await;
    let recorded = match &result {
        Ok(report) => ctx.finish_run(run_id, Ok(report)).await,
        Err(e) => {
            tracing::error!(%job, %tenant, error = ?e, "job failed; it will run again at its next slot");
            ctx.finish_run(run_id, Err(&format!("{e:#}"))).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(%job, %tenant, error = ?e, "cannot record the job run");
    }
}

/// Starts the in-process scheduler: one tick at once (catch-up), then one every minute.
pub async fn start(ctx: Arc<dyn JobContext>, specs: Vec<JobSpec>) -> anyhow::Result<JobScheduler> {
    for spec in &specs {
        if let Some(expr) = &spec.schedule {
            parse_schedule(expr)?;
        }
    }
    let scheduler = JobScheduler::new().await?;
    let specs = Arc::new(specs);
    {
        let (ctx, specs) = (ctx.clone(), specs.clone());
        tokio::spawn(async move {
            if let Err(e) = tick(ctx.as_ref(), &specs, Utc::now()).await {
                tracing::error!(error = ?e, "start-up catch-up failed");
            }
        });
    }
    let job = Job::new_async("0 * * * * *", move |_id, _lock| {
        let (ctx, specs) = (ctx.clone(), specs.clone());
        Box::pin(async move {
            if let Err(e) = tick(ctx.as_ref(), &specs, Utc::now()).await {
                tracing::error!(error = ?e, "scheduler tick failed");
            }
        })
    })?;
    scheduler.add(job).await?;
    scheduler.start().await?;
    Ok(scheduler)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn weekly_slot_follows_the_tenant_time_zone_across_daylight_saving() {
        let monday_7 = parse_schedule("0 0 7 * * Mon").unwrap();
        // Summer (UTC+2): Monday 7:00 in Paris is 5:00 UTC.
        let slot = due_slot(
            &monday_7,
            "Europe/Paris",
            utc(2026, 6, 10, 12, 0),
            Duration::days(7),
        )
        .unwrap();
        assert_eq!(slot, utc(2026, 6, 8, 5, 0));
        // Winter (UTC+1): 6:00 UTC.
        let slot = due_slot(
            &monday_7,
            "Europe/Paris",
            utc(2026, 11, 25, 12, 0),
            Duration::days(7),
        )
        .unwrap();
        assert_eq!(slot, utc(2026, 11, 23, 6, 0));
    }

    #[test]
    fn a_slot_is_due_only_inside_the_look_back_window() {
        let monthly = parse_schedule("0 0 6 1 * *").unwrap();
        let now = utc(2026, 11, 20, 0, 0);
        assert_eq!(due_slot(&monthly, "UTC", now, Duration::days(7)), None);
        assert_eq!(
            due_slot(&monthly, "UTC", now, Duration::days(30)),
            Some(utc(2026, 11, 1, 6, 0))
        );
    }

    #[test]
    fn bad_schedules_are_reported() {
        assert!(parse_schedule("every monday").is_err());
        assert!(
            parse_schedule("0 7 * * Mon").is_err(),
            "5 fields: seconds are required"
        );
    }
}
