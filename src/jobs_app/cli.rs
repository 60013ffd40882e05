//! `relais jobs run NAME [--tenant SLUG] [--at DATETIME]` and `relais jobs list`.

use super::{AppJobs, JOBS};
use crate::app;
use crate::cli::Refused;
use crate::config::Settings;
use crate::db;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum JobsCommand {
    /// Run a job now (or as of --at) and record the run.
    Run {
        /// manager-digest, reseller-digest, declaration-reminders or housekeeping.
        name: String,
        /// One tenant (default: every tenant).
        #[arg(long)]
        tenant: Option<String>,
        /// Run as of this time: RFC 3339, or "YYYY-MM-DD HH:MM" in the tenant's time zone.
        #[arg(long)]
        at: Option<String>,
    },
    /// Print the recent runs.
    List {
        #[arg(long)]
        tenant: Option<String>,
        #[arg(long, default_value_t = 30)]
        limit: i64,
    },
}

pub async fn run(settings: Settings, command: JobsCommand) -> anyhow::Result<ExitCode> {
    let db = app::open_db(&settings).await?;
    match command {
        JobsCommand::Run { name, tenant, at } => {
            if !JOBS.contains(&name.as_str()) {
                return Err(
                    Refused(format!("unknown job {name} (known: {})", JOBS.join(", "))).into(),
                );
            }
            let tenants = match tenant {
                Some(slug) => vec![db::tenants::by_slug(&db, &slug)
                    .await?
                    .ok_or_else(|| Refused(format!("no tenant {slug}")))?],
                None => db::tenants::list(&db).await?,
            };
            let jobs = AppJobs::new(app::build_state(settings, db).await?);
            let mut failed = false;
            for t in tenants {
                let when = match &at {
                    Some(s) => parse_at(s, &t.time_zone).map_err(Refused)?,
                    None => Utc::now(),
                };
                let (run_id, result) = jobs.run_by_hand(&name, &t, when).await?;
                match result {
                    Ok(r) => println!(
                        "{name}\t{}\trun {run_id}\tok\t{} done, {} skipped, {} failed\t{}",
                        t.slug, r.processed, r.skipped, r.failed, r.note
                    ),
                    Err(e) => {
                        failed = true;
                        println!("{name}\t{}\trun {run_id}\tfailed\t{e:#}", t.slug);
                    }
                }
            }
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        JobsCommand::List { tenant, limit } => {
            let tenant_id = match tenant {
                Some(slug) => Some(
                    db::tenants::by_slug(&db, &slug)
                        .await?
                        .ok_or_else(|| Refused(format!("no tenant {slug}")))?
                        .id,
                ),
                None => None,
            };
            for r in db::job_runs::recent(&db, tenant_id, limit).await? {
                let slot = DateTime::from_timestamp(r.slot, 0)
                    .map(|d| d.to_rfc3339())
                    .unwrap_or_default();
                let duration = r
                    .ended_at
                    .map(|e| format!("{} s", e - r.started_at))
                    .unwrap_or_else(|| "-".into());
                println!(
                    "{}\t{}\t{}\t{slot}{}\t{}\t{duration}\t{} done, {} skipped, {} failed\t{}",
                    r.id,
                    r.job,
                    r.tenant_slug,
                    if r.manual { " (by hand)" } else { "" },
                    r.outcome,
                    r.processed,
                    r.skipped,
                    r.failed,
                    r.error.unwrap_or(r.note)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// RFC 3339, or a local "YYYY-MM-DD HH:MM" in the tenant's zone (the earlier instant when a
/// daylight-saving change makes it ambiguous).
pub fn parse_at(s: &str, time_zone: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(d.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M")
        .map_err(|_| format!("invalid --at {s:?}: use RFC 3339 or \"YYYY-MM-DD HH:MM\""))?;
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Paris);
    tz.from_local_datetime(&local)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| format!("{s} does not exist in {time_zone} (daylight-saving gap)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_is_read_in_the_tenant_time_zone() {
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            parse_at("2026-11-23 07:00", "Europe/Paris").unwrap(),
            utc("2026-11-23T06:00:00Z")
        );
        assert_eq!(
            parse_at("2026-06-22 07:00", "Europe/Paris").unwrap(),
            utc("2026-06-22T05:00:00Z")
        );
        assert_eq!(
            parse_at("2026-11-23T07:00:00+01:00", "UTC").unwrap(),
            utc("2026-11-23T06:00:00Z")
        );
        assert!(parse_at("2026-03-29 02:30", "Europe/Paris").is_err());
        assert!(parse_at("monday", "Europe/Paris").is_err());
    }
}
