//! Points expiry (daily): books the expiry of every point past its validity
//! (`challenges::expire_due`, oldest points first), and warns resellers of points about to
//! expire, 30 days ahead.
//!
//! Why: an expiry nobody saw coming feels like a confiscation; a warning while the points can
//! still buy a reward turns it into a reason to order one. Warnings go by batch — the points
//! expiring in one calendar month — at the first run within 30 days of the batch's first expiry
//! date, once per user and batch (recorded). With a validity counted from each booking day, a
//! reseller earning points every day would otherwise hear about it every day.

use super::{local_date, recipient_lang, AppJobs, Mail};
use crate::challenges::digest::EXPIRY_NOTICE_DAYS;
use crate::challenges::{expire_due, expiry};
use crate::db::digests::{self, Recipient};
use crate::db::mail::unsubscribed_users;
use crate::db::points::{self as ledger_db, AccountRow, Exec};
use crate::db::tenants::Tenant;
use crate::mail::outbound;
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use relais_jobs::JobReport;
use relais_templates::emails::{self, ExpiryWarningEmail};
use std::collections::{BTreeMap, HashMap};

/// The record kind of the warnings; they belong to the reseller-digest unsubscribe list.
pub const KIND: &str = "points-expiry";

/// The points of one month's expiries that are still unspent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The first day of the month.
    pub month: NaiveDate,
    /// Each expiry date of the month and the points expiring on it, earliest first.
    pub dates: Vec<(NaiveDate, i64)>,
}

impl Batch {
    /// "2026-05": the period key of the warning.
    pub fn key(&self) -> String {
        self.month.format("%Y-%m").to_string()
    }
}

/// The batches a reseller is to be warned of on `today`: months whose first expiry date after
/// today is at most `days` away, each with every expiry of that month (what will expire unless
/// spent first, as the FIFO expiry will count it).
pub fn batches(rows: &[AccountRow], today: NaiveDate, days: u64) -> Vec<Batch> {
    let horizon = today + Days::new(days);
    let first_of = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let end_of_horizon_month = (first_of(horizon) + Months::new(1))
        .pred_opt()
        .unwrap_or(horizon);
    let expires: HashMap<i64, NaiveDate> = rows
        .iter()
        .filter_map(|r| r.expires_on.map(|d| (r.id, d)))
        .collect();
    let mut months: BTreeMap<NaiveDate, BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    for (lot, left) in expiry::due(rows, end_of_horizon_month) {
        let Some(&on) = expires.get(&lot).filter(|on| **on > today) else {
            continue;
        };
        *months
            .entry(first_of(on))
            .or_default()
            .entry(on)
            .or_default() += left;
    }
    months
        .into_iter()
        .filter(|(_, dates)| dates.keys().next().is_some_and(|first| *first <= horizon))
        .map(|(month, dates)| Batch {
            month,
            dates: dates.into_iter().collect(),
        })
        .collect()
}

pub async fn run(jobs: &AppJobs, tenant: &Tenant, at: DateTime<Utc>) -> anyhow::Result<JobReport> {
    let db = jobs.db();
    let today = local_date(at, &tenant.time_zone);
    let expired = expire_due(db, tenant.id, today).await?;
    let horizon = today + Days::new(EXPIRY_NOTICE_DAYS);
    let candidates = ledger_db::resellers_with_expiring(db, tenant.id, horizon).await?;
    let recipients = digests::reseller_users(db, tenant.id).await?;
    let mut users_of: HashMap<i64, Vec<&Recipient>> = HashMap::new();
    for r in &recipients {
        users_of.entry(r.reseller_id).or_default().push(r);
    }
    let unsubscribed = unsubscribed_users(db, outbound::RESELLER_DIGEST).await?;
    let mut report = JobReport::default();
    let mut warned = 0;
    for reseller_id in candidates {
        let Some(users) = users_of.get(&reseller_id) else {
            continue;
        };
        let rows = ledger_db::account(Exec::Db(db), tenant.id, reseller_id).await?;
        let due = batches(&rows, today, EXPIRY_NOTICE_DAYS);
        if due.is_empty() {
            continue;
        }
        warned += 1;
        let available = ledger_db::totals(Exec::Db(db), tenant.id, reseller_id)
            .await?
            .available;
        for batch in &due {
            let period_key = batch.key();
            for u in users {
                let view = ExpiryWarningEmail {
                    tenant_name: tenant.name.clone(),
                    reseller_name: u.reseller_name.clone(),
                    month: batch.month,
                    dates: batch.dates.clone(),
                    available,
                    rewards_link: jobs.state.public_url("/rewards"),
                    points_link: jobs.state.public_url("/points"),
                    unsubscribe_link: jobs.unsubscribe_link(u.user_id, outbound::RESELLER_DIGEST),
                };
                let lang = recipient_lang(u.locale.as_deref(), &tenant.locale);
                jobs.deliver(
                    &mut report,
                    Mail {
                        tenant_id: tenant.id,
                        user_id: u.user_id,
                        to: &u.email,
                        kind: KIND,
                        list: outbound::RESELLER_DIGEST,
                        period_key: &period_key,
                        email: emails::expiry_warning(lang, &view),
                        unsubscribed: &unsubscribed,
                    },
                )
                .await?;
            }
        }
    }
    report.note = format!("{expired} points expired; {warned} resellers with points expiring within {EXPIRY_NOTICE_DAYS} days");
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn lot(id: i64, booked: &str, points: i64, expires: Option<&str>) -> AccountRow {
        AccountRow {
            id,
            booked_on: d(booked),
            points,
            state: if points > 0 { "confirmed" } else { "redeemed" }.into(),
            expires_on: expires.map(d),
        }
    }

    #[test]
    fn a_month_is_warned_of_30_days_before_its_first_expiry_with_all_its_dates() {
        let rows = vec![
            lot(1, "2025-05-10", 100, Some("2026-05-10")),
            lot(2, "2025-05-20", 50, Some("2026-05-20")),
            lot(3, "2025-06-02", 70, Some("2026-06-02")),
            lot(4, "2025-07-01", -30, None),
        ];
        assert_eq!(batches(&rows, d("2026-04-09"), 30), vec![]);
        let april_10 = batches(&rows, d("2026-04-10"), 30);
        // The redemption used 30 of the oldest lot.
        assert_eq!(
            april_10,
            vec![Batch {
                month: d("2026-05-01"),
                dates: vec![(d("2026-05-10"), 70), (d("2026-05-20"), 50)],
            }]
        );
        assert_eq!(april_10[0].key(), "2026-05");
        // On 3 May June's batch comes into view; May's is still there (the record keeps it
        // from being sent twice).
        let may_3: Vec<String> = batches(&rows, d("2026-05-03"), 30)
            .iter()
            .map(Batch::key)
            .collect();
        assert_eq!(may_3, ["2026-05", "2026-06"]);
    }
}
