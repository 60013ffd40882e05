//! Challenge close (daily): every running challenge whose last day has passed is closed — a last
//! recomputation, then its final ranks frozen (`challenges::close_due`) — and the users of each
//! participant receive its final rank, once (recorded per user and challenge).
//!
//! Why: the close is when a challenge pays off for those who played; hearing the result is what
//! brings them to the next one. The announcement covers every challenge closed and ended in the
//! last [`ANNOUNCE_DAYS`], not only those this run closed: a challenge closed by hand is
//! announced once its end date has passed, and a run that stopped between the close and the
//! emails is completed by the next one (the send-once record keeps anyone from hearing twice).

use super::{local_date, recipient_lang, AppJobs, Mail};
use crate::challenges::{self, standings::ranked};
use crate::db::challenges as store;
use crate::db::digests;
use crate::db::mail::unsubscribed_users;
use crate::db::tenants::Tenant;
use crate::mail::outbound;
use chrono::{DateTime, Duration, Utc};
use relais_jobs::JobReport;
use relais_templates::emails::{self, ChallengeResultEmail};

/// How long after its end a closed challenge is still announced (the scheduler's catch-up
/// window: a missed daily run is made up within it).
pub const ANNOUNCE_DAYS: i64 = relais_jobs::CATCH_UP_WINDOW_DAYS;

/// The record kind of the result emails; they belong to the reseller-digest unsubscribe list.
pub const KIND: &str = "challenge-result";

pub async fn run(jobs: &AppJobs, tenant: &Tenant, at: DateTime<Utc>) -> anyhow::Result<JobReport> {
    let db = jobs.db();
    let today = local_date(at, &tenant.time_zone);
    let closed = challenges::close_due(db, tenant.id, today).await?;
    let announced: Vec<_> = store::list(db, tenant.id)
        .await?
        .into_iter()
        .filter(|c| {
            c.status == "closed"
                && c.end_date < today
                && c.end_date >= today - Duration::days(ANNOUNCE_DAYS)
        })
        .collect();
    let unsubscribed = unsubscribed_users(db, outbound::RESELLER_DIGEST).await?;
    let mut report = JobReport::default();
    for c in &announced {
        let board = ranked(store::standings(db, tenant.id, c.id).await?);
        let recipients = digests::participant_users(db, tenant.id, c.id).await?;
        let period_key = format!("challenge-{}", c.id);
        for u in &recipients {
            let Some(me) = board.iter().find(|s| s.reseller_id == u.reseller_id) else {
                continue;
            };
            let league = me.league.as_ref().map(|l| {
                let size = board
                    .iter()
                    .filter(|s| s.league.as_ref() == Some(l))
                    .count();
                (me.league_rank, size as i64)
            });
            let view = ChallengeResultEmail {
                tenant_name: tenant.name.clone(),
                reseller_name: u.reseller_name.clone(),
                challenge_name: c.name.clone(),
                start: c.start_date,
                end: c.end_date,
                rank: me.rank,
                participants: board.len() as i64,
                league,
                points: me.points_confirmed + me.points_pending,
                pending: me.points_pending,
                tier_reached: me.tier_reached,
                challenge_link: jobs.state.public_url(&format!("/challenges/{}", c.id)),
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
                    email: emails::challenge_result(lang, &view),
                    unsubscribed: &unsubscribed,
                },
            )
            .await?;
        }
    }
    report.note = format!(
        "closed: {}; announced: {}",
        id_note(closed.iter().copied()),
        id_note(announced.iter().map(|c| c.id))
    );
    Ok(report)
}

/// "#3, #4", or "none".
fn id_note(ids: impl Iterator<Item = i64>) -> String {
    let ids: Vec<String> = ids.map(|id| format!("#{id}")).collect();
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}
