//! Manager digest (weekly): each channel manager gets the action list of THEIR resellers
//! (`resellers.manager_id`) — who turned yellow or red, who is later than their usual cadence,
//! the biggest declines, lines awaiting review, who moved most in a challenge leaderboard, the
//! week's best-sellers — each item a link.
//!
//! Why: managers read email before they open a portal; this tells them whom to call this week.
//! All the tenant's figures are read in a few grouped queries, then split per manager in memory,
//! so the cost grows with the data, not with the number of managers.

use super::movers::{self, Movement};
use super::{local_date, recipient_lang, segment, week_key, AppJobs, Mail};
use crate::analytics::compute::cadence::cadence;
use crate::analytics::compute::recency::{classify, Recency};
use crate::db::digests::{self, FourWeeks, LastSales, ManagedReseller, ProductSales};
use crate::db::mail::unsubscribed_users;
use crate::db::tenants::Tenant;
use crate::domain::network::ResellerStatus;
use crate::mail::outbound;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use relais_jobs::JobReport;
use relais_templates::emails::{
    self, AwaitingReview, BestSeller, CadenceAlert, Decline, Email, LeaderboardMove,
    ManagerDigestEmail, RecencyChange, ResellerLink,
};
use relais_templates::vocab;
use std::collections::HashMap;

/// Items per section: a digest is a short action list, the portal has the rest.
const TOP: usize = 10;

pub async fn run(jobs: &AppJobs, tenant: &Tenant, at: DateTime<Utc>) -> anyhow::Result<JobReport> {
    let today = local_date(at, &tenant.time_zone);
    let period_key = week_key(today - Duration::days(7));
    let unsubscribed = unsubscribed_users(jobs.db(), outbound::MANAGER_DIGEST).await?;
    let mut report = JobReport::default();
    for d in build(jobs, tenant, today, at).await? {
        jobs.deliver(
            &mut report,
            Mail {
                tenant_id: tenant.id,
                user_id: d.user_id,
                to: &d.to,
                kind: outbound::MANAGER_DIGEST,
                list: outbound::MANAGER_DIGEST,
                period_key: &period_key,
                email: d.email,
                unsubscribed: &unsubscribed,
            },
        )
        .await?;
    }
    report.note = format!("week {period_key}");
    Ok(report)
}

/// A rendered digest for one manager.
pub struct Prepared {
    pub user_id: i64,
    pub to: String,
    pub email: Email,
}

/// Reads the tenant's figures and renders one digest per manager who has resellers. `today` is
/// the digest's day in the tenant's zone; `at` bounds "declared this week".
pub async fn build(
    jobs: &AppJobs,
    tenant: &Tenant,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> anyhow::Result<Vec<Prepared>> {
    let db = jobs.db();
    let t = tenant.id;
    let week_ago = today - Duration::days(7);
    let managers = digests::managers(db, t).await?;
    let resellers = digests::managed_resellers(db, t).await?;
    let last = digests::last_sales(db, t, today, week_ago).await?;
    let values = digests::four_weeks(db, t, today).await?;
    let pending = digests::pending_lines(db, t).await?;
    let since = (at - Duration::days(365)).timestamp();
    let declared = digests::submissions(db, t, since, at.timestamp()).await?;
    let week = (at - Duration::days(7)).timestamp();
    let best = digests::sales_by_manager(db, t, week, at.timestamp()).await?;

    let movements = movers::since(db, t, week_ago).await?;
    let mut moves_of: HashMap<i64, Vec<&Movement>> = HashMap::new();
    for m in movements.iter().flatten() {
        moves_of.entry(m.reseller_id).or_default().push(m);
    }

    let last: HashMap<i64, LastSales> = last.into_iter().map(|l| (l.reseller_id, l)).collect();
    let values: HashMap<i64, FourWeeks> = values.into_iter().map(|v| (v.reseller_id, v)).collect();
    let pending: HashMap<i64, i64> = pending.into_iter().collect();
    let mut declaration_days: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
    for (reseller, ts) in declared {
        let day =
            DateTime::from_timestamp(ts, 0).map_or(today, |d| local_date(d, &tenant.time_zone));
        let days = declaration_days.entry(reseller).or_default();
        if days.last() != Some(&day) {
            days.push(day);
        }
    }
    let mut best_by_manager: HashMap<i64, Vec<ProductSales>> = HashMap::new();
    for b in best {
        best_by_manager.entry(b.manager_id).or_default().push(b);
    }
    let mut by_manager: HashMap<i64, Vec<&ManagedReseller>> = HashMap::new();
    for r in &resellers {
        by_manager.entry(r.manager_id).or_default().push(r);
    }

    let link = |r: &ManagedReseller| ResellerLink {
        code: r.code.clone(),
        name: r.name.clone(),
        link: jobs
            .state
            .public_url(&format!("/network/{}", segment(&r.code))),
    };
    let mut out = Vec::new();
    for m in &managers {
        let Some(mine) = by_manager.get(&m.id) else {
            continue;
        };
        let mut digest = ManagerDigestEmail {
            tenant_name: tenant.name.clone(),
            currency: tenant.currency.clone(),
            week_of: week_ago,
            recency_changes: vec![],
            cadence_alerts: vec![],
            declines: vec![],
            awaiting_review: vec![],
            reviews_link: jobs.state.public_url("/reviews"),
            movers: None,
            best_sellers: vec![],
            network_link: jobs.state.public_url("/network"),
            unsubscribe_link: jobs.unsubscribe_link(m.id, outbound::MANAGER_DIGEST),
        };
        let mut declines = Vec::new();
        let mut moves = Vec::new();
        for r in mine {
            for m in moves_of.get(&r.id).into_iter().flatten() {
                moves.push((*m, r));
            }
            let l = last.get(&r.id);
            let (now_last, before_last) =
                (l.and_then(|l| l.last_now), l.and_then(|l| l.last_before));
            if let Some(now) = turned_worse(&r.status, before_last, now_last, today) {
                digest.recency_changes.push(RecencyChange {
                    reseller: link(r),
                    now,
                    last_sale: now_last,
                });
            }
            if let Some(days) = declaration_days.get(&r.id) {
                let c = cadence(days, today);
                if let (true, Some(gap), Some(median)) =
                    (c.alert, c.current_gap_days, c.median_gap_days)
                {
                    let median_gap_days = median.round() as i64;
                    digest.cadence_alerts.push(CadenceAlert {
                        reseller: link(r),
                        gap_days: gap,
                        median_gap_days,
                    });
                }
            }
            if let Some(v) = values.get(&r.id).filter(|v| v.previous > v.current) {
                declines.push((
                    v.previous - v.current,
                    Decline {
                        reseller: link(r),
                        previous_cents: v.previous,
                        current_cents: v.current,
                    },
                ));
            }
            if let Some(&n) = pending.get(&r.id) {
                digest.awaiting_review.push(AwaitingReview {
                    reseller: link(r),
                    lines: n,
                });
            }
        }
        declines.sort_by_key(|d| std::cmp::Reverse(d.0));
        digest.declines = declines.into_iter().take(5).map(|(_, d)| d).collect();
        if movements.is_some() {
            // Biggest moves first, up or down; among equals, the better placed.
            moves.sort_by_key(|(m, _)| (std::cmp::Reverse(m.places().abs()), m.rank));
            digest.movers = Some(
                moves
                    .into_iter()
                    .take(5)
                    .map(|(m, r)| LeaderboardMove {
                        reseller: link(r),
                        challenge: m.challenge.clone(),
                        previous_rank: m.previous_rank,
                        rank: m.rank,
                        participants: m.participants,
                    })
                    .collect(),
            );
        }
        digest.recency_changes.truncate(TOP);
        digest
            .cadence_alerts
            .sort_by_key(|a| std::cmp::Reverse(a.gap_days));
        digest.cadence_alerts.truncate(TOP);
        digest
            .awaiting_review
            .sort_by_key(|a| std::cmp::Reverse(a.lines));
        digest.awaiting_review.truncate(TOP);
        let mut best = best_by_manager.remove(&m.id).unwrap_or_default();
        best.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.sku.cmp(&b.sku)));
        digest.best_sellers = best
            .into_iter()
            .take(5)
            .map(|b| BestSeller {
                link: jobs
                    .state
                    .public_url(&format!("/catalogue/{}", segment(&b.sku))),
                sku: b.sku,
                name: b.name,
                quantity: b.quantity,
                amount_cents: b.amount,
            })
            .collect();
        let lang = recipient_lang(m.locale.as_deref(), &tenant.locale);
        out.push(Prepared {
            user_id: m.id,
            to: m.email.clone(),
            email: emails::manager_digest(lang, &digest),
        });
    }
    Ok(out)
}

/// The new colour when a reseller went from green to yellow, or from green/yellow to red, in
/// the week before `today`.
fn turned_worse(
    status: &str,
    before: Option<NaiveDate>,
    now: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<vocab::Recency> {
    let status = ResellerStatus::parse(status).unwrap_or(ResellerStatus::Active);
    let was = classify(status, before, today - Duration::days(7));
    let is = classify(status, now, today);
    match (was, is) {
        (Recency::Active, Recency::FollowUp) => Some(vocab::Recency::FollowUp),
        (Recency::Active | Recency::FollowUp, Recency::Lapsed) => Some(vocab::Recency::Lapsed),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn only_worsening_colours_are_reported() {
        let today = d("2026-11-23");
        // Last sale 2026-09-20: green a week ago (within 2 months of 2026-11-16), yellow now.
        assert_eq!(
            turned_worse(
                "active",
                Some(d("2026-09-20")),
                Some(d("2026-09-20")),
                today
            ),
            Some(vocab::Recency::FollowUp)
        );
        assert_eq!(
            turned_worse(
                "active",
                Some(d("2026-07-20")),
                Some(d("2026-07-20")),
                today
            ),
            Some(vocab::Recency::Lapsed)
        );
        assert_eq!(
            turned_worse(
                "active",
                Some(d("2026-11-01")),
                Some(d("2026-11-20")),
                today
            ),
            None
        );
        assert_eq!(turned_worse("prospect", None, None, today), None);
        assert_eq!(
            turned_worse("active", None, None, today),
            None,
            "never declared stays purple"
        );
    }
}
