//! Reseller digest (weekly): each reseller user learns what its organisation declared to this
//! manufacturer last week, which lines were rejected and why, and where its points stand —
//! earned and pending, rank and distance to the next tier in each running challenge, the
//! rewards it can order now (`challenges::digest`) — only its own data.
//!
//! Why: a rejected line nobody hears about is a sale that never earns points and a reseller
//! that stops declaring; points seen growing are what keeps it declaring. A reseller with
//! nothing declared, nothing rejected and no points booked in the week gets no digest: the
//! declaration reminders speak to it instead.

use super::{local_date, recipient_lang, week_key, AppJobs, Mail};
use crate::challenges::digest::{points_digest_with, Boards};
use crate::challenges::recompute::load_def;
use crate::db::challenges as store;
use crate::db::digests::{self, Declared};
use crate::db::mail::unsubscribed_users;
use crate::db::points::Exec;
use crate::db::rewards::{self, Reward};
use crate::db::tenants::Tenant;
use crate::domain::points::def::TierBasis;
use crate::mail::outbound;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use relais_jobs::JobReport;
use relais_templates::emails::{
    self, AffordableReward, ChallengeRank, PointsSummary, RejectedLine, ResellerDigestEmail,
    TierGap,
};
use std::collections::{HashMap, HashSet};

/// Rejected lines listed in one digest; the imports page has the rest.
const MAX_REJECTED: usize = 20;

/// Rewards listed as within reach, the most expensive first.
const MAX_REWARDS: usize = 3;

pub async fn run(jobs: &AppJobs, tenant: &Tenant, at: DateTime<Utc>) -> anyhow::Result<JobReport> {
    let db = jobs.db();
    let today = local_date(at, &tenant.time_zone);
    let week_of = today - Duration::days(7);
    let period_key = week_key(week_of);
    let (from, to) = ((at - Duration::days(7)).timestamp(), at.timestamp());
    let unsubscribed = unsubscribed_users(db, outbound::RESELLER_DIGEST).await?;
    let recipients = digests::reseller_users(db, tenant.id).await?;
    let declared: HashMap<i64, Declared> = digests::declared(db, tenant.id, from, to)
        .await?
        .into_iter()
        .map(|d| (d.reseller_id, d))
        .collect();

    let mut report = JobReport::default();
    let rejected_of = rejected_lines(jobs, tenant.id, (from, to)).await?;
    let mut points = PointsReader {
        jobs,
        tenant,
        today,
        since: week_of,
        rewards: rewards::list(db, tenant.id, true).await?,
        in_ledger: crate::db::points::resellers_in_ledger(db, tenant.id)
            .await?
            .into_iter()
            .collect(),
        boards: Boards::default(),
        tiers: HashMap::new(),
        summaries: HashMap::new(),
    };
    for r in &recipients {
        let rejected = rejected_of.get(&r.reseller_id).cloned().unwrap_or_default();
        let d = declared.get(&r.reseller_id);
        let (points, week_change) = points.of(r.reseller_id).await?;
        if d.is_none() && rejected.is_empty() && week_change == 0 {
            report.skipped += 1;
            continue;
        }
        let view = ResellerDigestEmail {
            tenant_name: tenant.name.clone(),
            reseller_name: r.reseller_name.clone(),
            currency: tenant.currency.clone(),
            week_of,
            declarations: d.map_or(0, |d| d.declarations),
            lines: d.map_or(0, |d| d.lines),
            amount_cents: d.map_or(0, |d| d.amount),
            rejected,
            points,
            imports_link: jobs.state.public_url("/imports"),
            declare_link: jobs.state.public_url("/declare"),
            unsubscribe_link: jobs.unsubscribe_link(r.user_id, outbound::RESELLER_DIGEST),
        };
        let lang = recipient_lang(r.locale.as_deref(), &tenant.locale);
        jobs.deliver(
            &mut report,
            Mail {
                tenant_id: tenant.id,
                user_id: r.user_id,
                to: &r.email,
                kind: outbound::RESELLER_DIGEST,
                list: outbound::RESELLER_DIGEST,
                period_key: &period_key,
                email: emails::reseller_digest(lang, &view),
                unsubscribed: &unsubscribed,
            },
        )
        .await?;
    }
    report.note = format!("week {period_key}");
    Ok(report)
}

/// The points sections of the tenant's resellers, each read once (several users of one reseller
/// get the same), with the leaderboards and the tier bases read once per challenge.
struct PointsReader<'a> {
    jobs: &'a AppJobs,
    tenant: &'a Tenant,
    today: NaiveDate,
    since: NaiveDate,
    rewards: Vec<Reward>,
    /// Resellers with at least one points entry: the others have no points to speak of, and
    /// are not read one by one.
    in_ledger: HashSet<i64>,
    boards: Boards,
    tiers: HashMap<i64, Option<TierBasis>>,
    summaries: HashMap<i64, (Option<PointsSummary>, i64)>,
}

impl PointsReader<'_> {
    /// The reseller's points section (None when it has no points and no running challenge) and
    /// the net points booked in the week.
    async fn of(&mut self, reseller_id: i64) -> anyhow::Result<(Option<PointsSummary>, i64)> {
        if !self.in_ledger.contains(&reseller_id) {
            return Ok((None, 0));
        }
        if let Some(done) = self.summaries.get(&reseller_id) {
            return Ok(done.clone());
        }
        let db = self.jobs.db();
        let p = points_digest_with(
            db,
            self.tenant.id,
            reseller_id,
            self.today,
            self.since,
            &mut self.boards,
        )
        .await?;
        let summary = if p.available == 0 && p.pending == 0 && p.challenges.is_empty() {
            None
        } else {
            let mut challenges = Vec::new();
            for c in &p.challenges {
                let basis = self.tier_basis(c.challenge_id).await?;
                challenges.push(ChallengeRank {
                    name: c.name.clone(),
                    link: self
                        .jobs
                        .state
                        .public_url(&format!("/challenges/{}", c.challenge_id)),
                    rank: c.rank,
                    participants: c.participants,
                    points: c.points,
                    next_tier: c.next_tier_missing.zip(basis).map(|(m, b)| match b {
                        TierBasis::Units => TierGap::Units(m),
                        TierBasis::Amount => TierGap::Cents(m),
                    }),
                });
            }
            let mut affordable: Vec<AffordableReward> = self
                .rewards
                .iter()
                .filter(|w| w.points_cost <= p.available && w.stock != Some(0))
                .map(|w| AffordableReward {
                    name: w.name.clone(),
                    points_cost: w.points_cost,
                })
                .collect();
            affordable.reverse();
            affordable.truncate(MAX_REWARDS);
            Some(PointsSummary {
                available: p.available,
                pending: p.pending,
                week_change: p.booked_since,
                expiring_soon: p.expiring_soon,
                challenges,
                affordable,
                points_link: self.jobs.state.public_url("/points"),
                rewards_link: self.jobs.state.public_url("/rewards"),
            })
        };
        let done = (summary, p.booked_since);
        self.summaries.insert(reseller_id, done.clone());
        Ok(done)
    }

    /// What a challenge's tiers count (units or amount); None without tiers.
    async fn tier_basis(&mut self, challenge_id: i64) -> anyhow::Result<Option<TierBasis>> {
        if let Some(b) = self.tiers.get(&challenge_id) {
            return Ok(*b);
        }
        let db = self.jobs.db();
        let basis = match store::by_id(Exec::Db(db), self.tenant.id, challenge_id).await? {
            Some(c) => load_def(Exec::Db(db), &c).await?.tiers.map(|t| t.basis),
            None => None,
        };
        self.tiers.insert(challenge_id, basis);
        Ok(basis)
    }
}

/// The lines rejected during `window` (unix seconds) with the reviewer's reason, per reseller,
/// in one query for the tenant (at most [`MAX_REJECTED`] listed per reseller).
async fn rejected_lines(
    jobs: &AppJobs,
    tenant_id: i64,
    window: (i64, i64),
) -> Result<HashMap<i64, Vec<RejectedLine>>, sqlx::Error> {
    let rows = digests::rejected(jobs.db(), tenant_id, window.0, window.1).await?;
    let mut out: HashMap<i64, Vec<RejectedLine>> = HashMap::new();
    for x in rows {
        let lines = out.entry(x.reseller_id).or_default();
        if lines.len() < MAX_REJECTED {
            lines.push(RejectedLine {
                sale_date: x.sale_date,
                product: format!("{} {}", x.sku, x.name),
                quantity: x.quantity,
                reason: x.review_reason,
            });
        }
    }
    Ok(out)
}
