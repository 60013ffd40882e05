//! The application side of the scheduler: [`AppJobs`] implements `relais_jobs::JobContext`
//! (tenants, slot claims in `job_runs`, the job bodies) and is started by `relais serve`.
//! Each job lives in its own file; they are registered in [`JOBS`] and [`specs`].
//!
//! A scheduled run claims its slot with one `insert ... on conflict do nothing returning id`
//! in its own transaction: the unique index on (job, tenant, slot) lets exactly one server, once,
//! run a slot. Runs by hand (`relais jobs run`) are recorded as manual and take no slot; the
//! digests stay once-per-period anyway, because each email is recorded before it is sent.

pub mod challenge_close;
pub mod cli;
pub mod declaration_reminders;
pub mod housekeeping;
pub mod manager_digest;
pub mod movers;
pub mod points_expiry;
pub mod reseller_digest;

use crate::config::JobsSettings;
use crate::db::tenants::Tenant;
use crate::db::{self, job_runs, Db};
use crate::http::AppState;
use crate::mail::outbound::{self, Delivery, Envelope, Outbound, Pacer};
use crate::mail::Outgoing;
use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use relais_jobs::{JobContext, JobReport, JobSpec, TenantRef};
use relais_templates::emails::Email;
use relais_templates::Lang;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

pub const MANAGER_DIGEST: &str = "manager-digest";
pub const RESELLER_DIGEST: &str = "reseller-digest";
pub const DECLARATION_REMINDERS: &str = "declaration-reminders";
pub const HOUSEKEEPING: &str = "housekeeping";
pub const CHALLENGE_CLOSE: &str = "challenge-close";
pub const POINTS_EXPIRY: &str = "points-expiry";

/// Every job the application knows, in the order a tick runs them: challenges are closed and
/// points expired before the digests speak of them.
pub const JOBS: &[&str] = &[
    CHALLENGE_CLOSE,
    POINTS_EXPIRY,
    MANAGER_DIGEST,
    RESELLER_DIGEST,
    DECLARATION_REMINDERS,
    HOUSEKEEPING,
];

/// The jobs with their configured schedules (an empty string: off).
pub fn specs(s: &JobsSettings) -> Vec<JobSpec> {
    let schedule = |expr: &str| Some(expr.trim().to_string()).filter(|e| !e.is_empty());
    vec![
        JobSpec {
            name: CHALLENGE_CLOSE.into(),
            schedule: schedule(&s.challenge_close),
        },
        JobSpec {
            name: POINTS_EXPIRY.into(),
            schedule: schedule(&s.points_expiry),
        },
        JobSpec {
            name: MANAGER_DIGEST.into(),
            schedule: schedule(&s.manager_digest),
        },
        JobSpec {
            name: RESELLER_DIGEST.into(),
            schedule: schedule(&s.reseller_digest),
        },
        JobSpec {
            name: DECLARATION_REMINDERS.into(),
            schedule: schedule(&s.declaration_reminders),
        },
        JobSpec {
            name: HOUSEKEEPING.into(),
            schedule: schedule(&s.housekeeping),
        },
    ]
}

/// The scheduler's view of the application.
#[derive(Clone)]
pub struct AppJobs {
    pub state: AppState,
    pub outbound: Arc<Outbound>,
}

impl AppJobs {
    pub fn new(state: AppState) -> Self {
        let j = &state.settings.jobs;
        let outbound = Outbound {
            mailer: state.mailer.clone(),
            from: state.mail_from.clone(),
            pacer: Pacer::new(j.mail_per_second),
            attempts: j.mail_attempts,
            backoff: Duration::from_millis(j.mail_backoff_ms),
        };
        AppJobs {
            state,
            outbound: Arc::new(outbound),
        }
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Runs `job` for one tenant as of `at`, by hand: recorded as a manual run.
    pub async fn run_by_hand(
        &self,
        job: &str,
        tenant: &Tenant,
        at: DateTime<Utc>,
    ) -> anyhow::Result<(i64, anyhow::Result<JobReport>)> {
        let run_id = job_runs::start_manual(self.db(), job, tenant.id, at.timestamp()).await?;
        let result = self.run_job(job, &tenant.slug, at).await;
        match &result {
            Ok(report) => self.finish_run(run_id, Ok(report)).await?,
            Err(e) => self.finish_run(run_id, Err(&format!("{e:#}"))).await?,
        }
        Ok((run_id, result))
    }

    /// Sends one job email unless the user unsubscribed from its `list`, at most once per
    /// `kind` and `period_key`, and counts what happened in `report`.
    pub async fn deliver(&self, report: &mut JobReport, mail: Mail<'_>) -> anyhow::Result<()> {
        if mail.unsubscribed.contains(&mail.user_id) {
            report.skipped += 1;
            return Ok(());
        }
        let token = outbound::unsubscribe_token(&self.state.secret(), mail.user_id, mail.list);
        let one_click = self
            .state
            .public_url(&format!("/api/v1/unsubscribe/{token}"));
        let envelope = Envelope {
            tenant_id: mail.tenant_id,
            user_id: mail.user_id,
            kind: mail.kind,
            period_key: mail.period_key,
            message: Outgoing {
                to: mail.to.to_string(),
                subject: mail.email.subject,
                text: mail.email.text,
                html: mail.email.html.into_string(),
                headers: outbound::unsubscribe_headers(&one_click),
            },
        };
        match self.outbound.deliver_once(self.db(), &envelope).await? {
            Delivery::Sent => report.processed += 1,
            Delivery::AlreadyRecorded => report.skipped += 1,
            Delivery::Failed => report.failed += 1,
        }
        Ok(())
    }

    /// The visible unsubscribe link of an email (the page asks for confirmation).
    pub fn unsubscribe_link(&self, user_id: i64, kind: &str) -> String {
        let token = outbound::unsubscribe_token(&self.state.secret(), user_id, kind);
        self.state.public_url(&format!("/unsubscribe/{token}"))
    }
}

/// One email of a job run.
pub struct Mail<'a> {
    pub tenant_id: i64,
    pub user_id: i64,
    pub to: &'a str,
    /// What the send-once record is about (`reseller-digest`, `challenge-result`...).
    pub kind: &'a str,
    /// The unsubscribe list the email belongs to (one of `outbound::UNSUBSCRIBABLE`);
    /// `unsubscribed` holds that list's users.
    pub list: &'a str,
    pub period_key: &'a str,
    pub email: Email,
    pub unsubscribed: &'a HashSet<i64>,
}

#[async_trait]
impl JobContext for AppJobs {
    async fn tenants(&self) -> anyhow::Result<Vec<TenantRef>> {
        Ok(db::tenants::list(self.db())
            .await?
            .into_iter()
            .map(|t| TenantRef {
                slug: t.slug,
                time_zone: t.time_zone,
            })
            .collect())
    }

    async fn claim_slot(
        &self,
        job: &str,
        tenant: &str,
        slot: DateTime<Utc>,
    ) -> anyhow::Result<Option<i64>> {
        let tenant = tenant_by_slug(self.db(), tenant).await?;
        Ok(job_runs::claim(self.db(), job, tenant.id, slot.timestamp()).await?)
    }

    async fn run_job(
        &self,
        job: &str,
        tenant: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<JobReport> {
        let tenant = tenant_by_slug(self.db(), tenant).await?;
        match job {
            CHALLENGE_CLOSE => challenge_close::run(self, &tenant, at).await,
            POINTS_EXPIRY => points_expiry::run(self, &tenant, at).await,
            MANAGER_DIGEST => manager_digest::run(self, &tenant, at).await,
            RESELLER_DIGEST => reseller_digest::run(self, &tenant, at).await,
            DECLARATION_REMINDERS => declaration_reminders::run(self, &tenant, at).await,
            HOUSEKEEPING => housekeeping::run(self, &tenant, at).await,
            other => anyhow::bail!("unknown job {other} (known: {})", JOBS.join(", ")),
        }
    }

    async fn finish_run(
        &self,
        run_id: i64,
        outcome: Result<&JobReport, &str>,
    ) -> anyhow::Result<()> {
        Ok(job_runs::finish(self.db(), run_id, outcome).await?)
    }
}

async fn tenant_by_slug(db: &Db, slug: &str) -> anyhow::Result<Tenant> {
    db::tenants::by_slug(db, slug)
        .await?
        .with_context(|| format!("no tenant {slug}"))
}

/// Starts the in-process scheduler when configured; `serve` shuts it down on exit.
pub async fn start(state: AppState) -> anyhow::Result<Option<tokio_cron_scheduler::JobScheduler>> {
    if !state.settings.jobs.scheduler {
        return Ok(None);
    }
    let specs = specs(&state.settings.jobs);
    let ctx: Arc<dyn JobContext> = Arc::new(AppJobs::new(state));
    Ok(Some(relais_jobs::start(ctx, specs).await?))
}

/// The calendar day of `at` in the tenant's time zone.
pub fn local_date(at: DateTime<Utc>, time_zone: &str) -> NaiveDate {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Paris);
    at.with_timezone(&tz).date_naive()
}

/// The recipient's own language, else the tenant's.
pub fn recipient_lang(user_locale: Option<&str>, tenant_locale: &str) -> Lang {
    user_locale
        .and_then(Lang::parse)
        .or_else(|| Lang::parse(tenant_locale))
        .unwrap_or(Lang::Fr)
}

/// A path segment for links (reseller codes and SKUs are free text).
pub fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// "2026-W47": the ISO week of a day, the period key of weekly digests.
pub fn week_key(day: NaiveDate) -> String {
    use chrono::Datelike;
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}
