//! Declaration reminders (daily): a reseller that has not declared a period hears about it on a
//! cadence around the deadline (the period's end + 7 days): so many days before, on the day,
//! then every few days, up to a limit. Each step is recorded per reseller and period in
//! `reminder_sends` before anything is sent, so no reminder goes out twice.
//!
//! Why: sell-out data is only as good as its completeness; a nudge at the right moment is what
//! makes resellers declare. The cadence is configuration (`[jobs] reminder_*`).

use super::{local_date, recipient_lang, AppJobs, Mail};
use crate::config::JobsSettings;
use crate::db::digests::{self, Recipient};
use crate::db::mail::{self, unsubscribed_users};
use crate::db::tenants::Tenant;
use crate::domain::period::{Period, PeriodKind};
use crate::mail::outbound;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use relais_jobs::JobReport;
use relais_templates::emails::{self, ReminderEmail};
use relais_templates::i18n::{iso_week, month};
use relais_templates::Lang;
use std::collections::{HashMap, HashSet};

/// Days between the end of a period and its declaration deadline.
pub const GRACE_DAYS: i64 = 7;

/// Periods looked back at: enough for the longest configured cadence of weekly periods.
const PERIODS_BACK: usize = 8;

/// The reminder steps as days relative to the deadline, e.g. [-7, -2, 0, 3, 6] for 7 and 2
/// days before, on the day, then every 3 days, 5 reminders at most.
pub fn steps(s: &JobsSettings) -> Vec<i64> {
    let mut out: Vec<i64> = s
        .reminder_days_before
        .iter()
        .map(|d| -d.abs())
        .filter(|d| *d < 0)
        .collect();
    out.sort_unstable();
    out.dedup();
    out.push(0);
    let max = s.reminder_max.max(0) as usize;
    let mut next = s.reminder_every_days;
    while s.reminder_every_days > 0 && out.len() < max {
        out.push(next);
        next += s.reminder_every_days;
    }
    out.truncate(max);
    out
}

/// The step due on `today` for a deadline: the latest step whose day has come, as long as the
/// next step's day has not (a step missed while the server was down is sent late once, never
/// a flood of them). The last step stays due for `every` days.
pub fn due_step(steps: &[i64], due: NaiveDate, today: NaiveDate, every: i64) -> Option<usize> {
    let offset = (today - due).num_days();
    let k = steps.iter().rposition(|s| *s <= offset)?;
    let until = steps.get(k + 1).copied().unwrap_or(steps[k] + every.max(1));
    (offset < until).then_some(k)
}

pub async fn run(jobs: &AppJobs, tenant: &Tenant, at: DateTime<Utc>) -> anyhow::Result<JobReport> {
    let db = jobs.db();
    let today = local_date(at, &tenant.time_zone);
    let kind = PeriodKind::parse(&tenant.declaration_period).unwrap_or(PeriodKind::Month);
    let settings = &jobs.state.settings.jobs;
    let steps = steps(settings);
    let mut report = JobReport::default();
    if steps.is_empty() {
        report.note = "no reminder step configured".into();
        return Ok(report);
    }
    // The periods with a step due today, most recent first.
    let mut candidates = Vec::new();
    let mut period = Period::containing(kind, today);
    for _ in 0..PERIODS_BACK {
        let due = period.end + Duration::days(GRACE_DAYS);
        if let Some(step) = due_step(&steps, due, today, settings.reminder_every_days) {
            candidates.push((period, due, step));
        }
        period = period.previous(kind);
    }
    if candidates.is_empty() {
        report.note = "no reminder due today".into();
        return Ok(report);
    }
    let recipients = digests::active_reseller_users(db, tenant.id).await?;
    let mut users_of: Vec<(i64, String, Vec<&Recipient>)> = Vec::new();
    for r in &recipients {
        match users_of.last_mut() {
            Some((id, _, users)) if *id == r.reseller_id => users.push(r),
            _ => users_of.push((r.reseller_id, r.reseller_name.clone(), vec![r])),
        }
    }
    let mut declared: HashMap<NaiveDate, HashSet<i64>> = HashMap::new();
    for (p, _, _) in &candidates {
        let ids = digests::declared_period(db, tenant.id, p.start, p.end).await?;
        declared.insert(p.start, ids.into_iter().collect());
    }
    let unsubscribed = unsubscribed_users(db, outbound::REMINDERS).await?;
    for (reseller_id, reseller_name, users) in users_of {
        let Some((period, due, step)) = candidates
            .iter()
            .find(|(p, _, _)| !declared[&p.start].contains(&reseller_id))
        else {
            continue;
        };
        if !mail::claim_reminder(db, tenant.id, reseller_id, period.start, *step).await? {
            report.skipped += 1;
            continue;
        }
        let period_key = format!("{}#{}", period.start, step);
        for u in users {
            let lang = recipient_lang(u.locale.as_deref(), &tenant.locale);
            let view = ReminderEmail {
                tenant_name: tenant.name.clone(),
                reseller_name: reseller_name.clone(),
                period_label: period_label(kind, *period, lang),
                due: *due,
                days_left: (*due - today).num_days(),
                declare_link: jobs.state.public_url("/declare"),
                unsubscribe_link: jobs.unsubscribe_link(u.user_id, outbound::REMINDERS),
            };
            jobs.deliver(
                &mut report,
                Mail {
                    tenant_id: tenant.id,
                    user_id: u.user_id,
                    to: &u.email,
                    kind: outbound::REMINDERS,
                    list: outbound::REMINDERS,
                    period_key: &period_key,
                    email: emails::declaration_reminder(lang, &view),
                    unsubscribed: &unsubscribed,
                },
            )
            .await?;
        }
    }
    report.note = candidates
        .iter()
        .map(|(p, _, s)| format!("{} step {}", p.start, s + 1))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(report)
}

fn period_label(kind: PeriodKind, p: Period, lang: Lang) -> String {
    match kind {
        PeriodKind::Month => month(p.start, lang),
        PeriodKind::Week => iso_week(p.start, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(before: Vec<i64>, every: i64, max: i64) -> JobsSettings {
        let mut s = crate::config::Settings::defaults().jobs;
        s.reminder_days_before = before;
        s.reminder_every_days = every;
        s.reminder_max = max;
        s
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn steps_follow_the_configured_cadence() {
        assert_eq!(steps(&settings(vec![7, 2], 3, 5)), vec![-7, -2, 0, 3, 6]);
        assert_eq!(steps(&settings(vec![2, 7, 2], 0, 9)), vec![-7, -2, 0]);
        assert_eq!(steps(&settings(vec![7], 3, 2)), vec![-7, 0]);
    }

    #[test]
    fn each_step_is_due_until_the_next_one() {
        let steps = [-7, -2, 0, 3, 6];
        let due = d("2026-12-07");
        let at = |day: &str| due_step(&steps, due, d(day), 3);
        assert_eq!(at("2026-11-29"), None);
        assert_eq!(at("2026-11-30"), Some(0));
        assert_eq!(at("2026-12-04"), Some(0));
        assert_eq!(at("2026-12-05"), Some(1));
        assert_eq!(at("2026-12-07"), Some(2));
        assert_eq!(at("2026-12-10"), Some(3));
        assert_eq!(at("2026-12-15"), Some(4));
        assert_eq!(
            at("2026-12-16"),
            None,
            "after the last step, no more reminders"
        );
    }
}
