//! The points jobs at fixed dates, over the loopback SMTP server: the challenge close announces
//! final ranks once, the expiry job books expiries and warns 30 days ahead once, the reseller
//! digest carries the points section and the manager digest the leaderboard movers.

use crate::challenges_support::{self as cs, Line};
use crate::jobs_data::{d, set_manager};
use crate::jobs_mail::{app_with_smtp, parse, to, Parsed};
use crate::seed;
use crate::smtp::SmtpServer;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use relais::db::points::NewEntry;
use relais::db::Db;
use relais::domain::points::def::ChallengeDef;
use relais::jobs_app::AppJobs;
use relais::with_db;
use relais_jobs::{JobContext, JobReport};

/// 07:00 in Paris on `day` (winter time, and summer time from 29 March 2026).
fn morning(day: &str) -> DateTime<Utc> {
    let local = d(day).and_hms_opt(7, 0, 0).unwrap();
    chrono_tz::Europe::Paris
        .from_local_datetime(&local)
        .unwrap()
        .with_timezone(&Utc)
}

/// March 2026: 10 points per unit; 50 bonus points at 5 units, 100 more at 10.
fn march() -> ChallengeDef {
    serde_json::from_value(serde_json::json!({
        "id": 0, "start": "2026-03-01", "end": "2026-03-31", "version": 1,
        "rules": [ { "label": "Units", "kind": "per_unit", "points": 10 } ],
        "tiers": { "basis": "units", "cumulative": true, "payout": "flat",
                   "levels": [ { "threshold": 5, "bonus": 50 }, { "threshold": 10, "bonus": 100 } ] }
    }))
    .unwrap()
}

struct Challenge {
    tenant: i64,
    challenge: i64,
    manager_a: i64,
    r1: i64,
    r2: i64,
}

/// Three resellers in the March challenge. R-2 (3 units, 30 points) and R-3 (1 unit, 10 points)
/// declared early in March; R-1 declared 6 units (110 points with the first tier) on 27 March,
/// and moved from last to first in the week before Monday 30 March. belong to
/// manager A, R-3 to manager B. R-1's user reads English, R-2's French; R-3 has no user.
async fn challenge(db: &Db) -> Challenge {
    let tenant = seed::tenant(db, "alpha").await;
    let manager_a = seed::user(db, "a.manager@test.example", "manager", tenant, None).await;
    let manager_b = seed::user(db, "b.manager@test.example", "manager", tenant, None).await;
    let (r1, o1) = seed::reseller(db, tenant, "R-1", None).await;
    let (r2, o2) = seed::reseller(db, tenant, "R-2", None).await;
    let (r3, _) = seed::reseller(db, tenant, "R-3", None).await;
    for (r, m) in [(r1, manager_a), (r2, manager_a), (r3, manager_b)] {
        set_manager(db, r, m).await;
    }
    seed::user(db, "r1@test.example", "reseller", tenant, Some(o1)).await;
    let u2 = seed::user(db, "r2@test.example", "reseller", tenant, Some(o2)).await;
    relais::db::users::set_locale(db, u2, "fr").await.unwrap();
    let mower = cs::product(db, tenant, "M-1", "mowers").await;
    for l in [
        Line::new(r1, mower, "2026-03-26", "2026-03-27", 6, 60_000),
        Line::new(r2, mower, "2026-03-05", "2026-03-09", 3, 30_000),
        Line::new(r3, mower, "2026-03-05", "2026-03-09", 1, 10_000),
    ] {
        cs::line(db, tenant, l).await;
    }
    let challenge = relais::challenges::create(db, tenant, None, &cs::header("March"), &march())
        .await
        .unwrap();
    relais::challenges::launch(db, tenant, challenge, None)
        .await
        .unwrap();
    // The launch booked every entry today; place each on the day its line was declared, as
    // weeks of running would have.
    for (reseller, day) in [(r1, "2026-03-27"), (r2, "2026-03-09"), (r3, "2026-03-09")] {
        with_db!(db, p => sqlx::query("update points_entries set booked_on = $1 where tenant_id = $2 and reseller_id = $3")
            .bind(d(day)).bind(tenant).bind(reseller).execute(p).await.map(|r| r.rows_affected()))
        .unwrap();
    }
    Challenge {
        tenant,
        challenge,
        manager_a,
        r1,
        r2,
    }
}

async fn run(app_jobs: &AppJobs, job: &str, day: &str) -> JobReport {
    app_jobs.run_job(job, "alpha", morning(day)).await.unwrap()
}

fn received(smtp: &SmtpServer) -> Vec<Parsed> {
    smtp.messages().iter().map(parse).collect()
}

#[tokio::test]
async fn challenge_close_emails_each_participant_its_final_rank_once_even_when_run_twice() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp, 3).await;
    let c = challenge(&app.db).await;
    let jobs = AppJobs::new(app.state.clone());

    // On its last day the challenge is still running.
    let report = run(&jobs, "challenge-close", "2026-03-31").await;
    assert_eq!(report.processed, 0, "{report:?}");
    assert!(smtp.messages().is_empty());

    let report = run(&jobs, "challenge-close", "2026-04-01").await;
    assert_eq!((report.processed, report.failed), (2, 0), "{report:?}");
    let status: String =
        with_db!(&app.db, p => sqlx::query_scalar("select status from challenges where id = $1")
        .bind(c.challenge).fetch_one(p).await)
        .unwrap();
    assert_eq!(status, "closed");
    let frozen: Vec<(i64, i64, bool)> = with_db!(&app.db, p => sqlx::query_as(
        "select reseller_id, rank, frozen from challenge_participants where challenge_id = $1 order by rank")
        .bind(c.challenge).fetch_all(p).await).unwrap();
    assert_eq!(frozen.len(), 3);
    assert!(frozen.iter().all(|f| f.2), "the final ranks are frozen");
    assert_eq!((frozen[0].0, frozen[1].0), (c.r1, c.r2));

    let messages = received(&smtp);
    assert_eq!(messages.len(), 2);
    let r1 = &messages[to(&messages, "r1@test.example")[0]];
    assert!(
        r1.subject.contains("March: your final rank"),
        "{}",
        r1.subject
    );
    for part in [&r1.text, &r1.html] {
        assert!(part.contains("rank 1 of 3"), "{part}");
        assert!(part.contains("110"), "{part}");
        assert!(!part.contains("Shop R-2"), "only its own result");
    }
    assert!(r1.html.contains(&format!("/challenges/{}\"", c.challenge)));
    assert!(r1.list_unsubscribe.is_some());
    let r2 = &messages[to(&messages, "r2@test.example")[0]];
    assert!(
        r2.subject.contains("votre classement final"),
        "in the user's language: {}",
        r2.subject
    );
    assert!(r2.text.contains("rang 2 sur 3"), "{}", r2.text);
    assert!(!r2.text.contains("Shop R-1"));

    // Run again (the next day, and by hand the same day): nothing is sent twice.
    let again = run(&jobs, "challenge-close", "2026-04-02").await;
    assert_eq!((again.processed, again.skipped), (0, 2), "{again:?}");
    let tenant = relais::db::tenants::by_slug(&app.db, "alpha")
        .await
        .unwrap()
        .unwrap();
    let (_, by_hand) = jobs
        .run_by_hand("challenge-close", &tenant, morning("2026-04-01"))
        .await
        .unwrap();
    assert_eq!(by_hand.unwrap().processed, 0);
    assert_eq!(smtp.messages().len(), 2);
    let _ = c.tenant;
}

/// A confirmed credit with its own expiry date (the ledger's lots).
fn lot(reseller_id: i64, points: i64, booked: &str, expires: &str) -> NewEntry {
    NewEntry {
        reseller_id,
        challenge_id: None,
        version: None,
        line_id: None,
        kind: "refund",
        rule_index: None,
        state: "confirmed",
        points,
        reason: "earned",
        basis: None,
        rate: None,
        factor_permille: None,
        capped_by: None,
        redemption_id: None,
        booked_on: d(booked),
        expires_on: Some(d(expires)),
    }
}

async fn expiries(db: &Db, tenant: i64) -> Vec<(i64, i64, NaiveDate)> {
    with_db!(db, p => sqlx::query_as("select reseller_id, points, booked_on from points_entries \
        where tenant_id = $1 and kind = 'expiry' order by id")
        .bind(tenant).fetch_all(p).await)
    .unwrap()
}

#[tokio::test]
async fn points_expiry_books_expiries_and_warns_30_days_ahead_once() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp, 3).await;
    let t = seed::tenant(&app.db, "alpha").await;
    let (r1, o1) = seed::reseller(&app.db, t, "R-1", None).await;
    let (r2, o2) = seed::reseller(&app.db, t, "R-2", None).await;
    seed::user(&app.db, "r1@test.example", "reseller", t, Some(o1)).await;
    seed::user(&app.db, "r2@test.example", "reseller", t, Some(o2)).await;
    let mut tx = app.db.begin().await.unwrap();
    let lots = [
        lot(r1, 100, "2025-05-10", "2026-05-10"),
        lot(r1, 40, "2025-05-25", "2026-05-25"),
        lot(r2, 80, "2025-08-01", "2026-08-01"),
    ];
    relais::db::points::insert(&mut tx, t, &lots).await.unwrap();
    tx.commit().await.unwrap();
    let jobs = AppJobs::new(app.state.clone());

    // 31 days before R-1's first expiry: too early.
    let report = run(&jobs, "points-expiry", "2026-04-09").await;
    assert_eq!(report.processed, 0, "{report:?}");
    // 30 days before: R-1 hears of May's 140 points, once.
    let report = run(&jobs, "points-expiry", "2026-04-10").await;
    assert_eq!((report.processed, report.failed), (1, 0), "{report:?}");
    for day in ["2026-04-10", "2026-04-11", "2026-04-30"] {
        let again = run(&jobs, "points-expiry", day).await;
        assert_eq!((again.processed, again.skipped), (0, 1), "{day}: {again:?}");
    }
    let messages = received(&smtp);
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m.to, ["r1@test.example"]);
    assert!(
        m.subject.contains("140 points expire in May 2026"),
        "{}",
        m.subject
    );
    for part in [&m.text, &m.html] {
        assert!(
            part.contains("2026-05-10") && part.contains("2026-05-25"),
            "{part}"
        );
    }
    assert!(m.html.contains("/rewards\""));
    assert!(expiries(&app.db, t).await.is_empty(), "nothing expired yet");

    // On 10 May the first lot expires; the entry is written once, and nobody is warned again.
    let report = run(&jobs, "points-expiry", "2026-05-10").await;
    assert!(report.note.starts_with("100 points expired"), "{report:?}");
    assert_eq!(report.processed, 0);
    run(&jobs, "points-expiry", "2026-05-10").await;
    assert_eq!(expiries(&app.db, t).await, [(r1, -100, d("2026-05-10"))]);
    run(&jobs, "points-expiry", "2026-05-25").await;
    assert_eq!(
        expiries(&app.db, t).await,
        [(r1, -100, d("2026-05-10")), (r1, -40, d("2026-05-25"))]
    );
    // R-2's August points are announced on 2 July.
    assert_eq!(run(&jobs, "points-expiry", "2026-07-01").await.processed, 0);
    assert_eq!(run(&jobs, "points-expiry", "2026-07-02").await.processed, 1);
    let messages = received(&smtp);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1].to, ["r2@test.example"]);
    assert!(
        messages[1]
            .subject
            .contains("80 points expire in August 2026"),
        "{}",
        messages[1].subject
    );
}

#[tokio::test]
async fn the_reseller_digest_has_the_points_section_and_rewards_within_reach() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp, 3).await;
    let c = challenge(&app.db).await;
    cs::reward(&app.db, c.tenant, "Cap", 100, None).await;
    cs::reward(&app.db, c.tenant, "Sold out", 50, Some(0)).await;
    cs::reward(&app.db, c.tenant, "Bike", 500, None).await;
    let jobs = AppJobs::new(app.state.clone());

    // Monday 30 March: R-1 declared and earned points last week; R-2 did neither and gets no
    // digest (the reminders speak to it).
    let report = run(&jobs, "reseller-digest", "2026-03-30").await;
    assert_eq!((report.processed, report.skipped), (1, 1), "{report:?}");
    let messages = received(&smtp);
    let m = &messages[0];
    assert_eq!(m.to, ["r1@test.example"]);
    for want in [
        "Your points",
        "110 points available: 0 awaiting review, +110 this week",
        "March: rank 1 of 3, 110 points — 4 units more for the next tier",
        "Rewards you can order now",
        "Cap: 100 points",
    ] {
        assert!(m.text.contains(want), "{want:?} in {}", m.text);
    }
    assert!(!m.text.contains("Bike") && !m.text.contains("Sold out"));
    assert!(m.html.contains(&format!("/challenges/{}\"", c.challenge)));
    assert!(m.html.contains("Your points"));
}

#[tokio::test]
async fn the_manager_digest_names_the_leaderboard_movers_of_their_own_resellers() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp, 3).await;
    let c = challenge(&app.db).await;
    let jobs = AppJobs::new(app.state.clone());
    let report = run(&jobs, "manager-digest", "2026-03-30").await;
    assert_eq!(report.processed, 2, "{report:?}");
    let messages = received(&smtp);
    let a = &messages[to(&messages, "a.manager@test.example")[0]];
    let b = &messages[to(&messages, "b.manager@test.example")[0]];
    for part in [&a.text, &a.html] {
        assert!(part.contains("Challenge leaderboard movers"), "{part}");
        assert!(
            part.contains("March: up from rank 3 to 1 of 3"),
            "R-1 climbed: {part}"
        );
        assert!(
            part.contains("March: down from rank 1 to 2 of 3"),
            "R-2 fell: {part}"
        );
    }
    assert!(
        a.text.find("up from rank 3").unwrap() < a.text.find("down from rank 1").unwrap(),
        "the biggest move first"
    );
    assert!(!a.text.contains("R-3"), "manager B's reseller: {}", a.text);
    assert!(
        b.text.contains("R-3") && b.text.contains("March: down from rank 2 to 3 of 3"),
        "{}",
        b.text
    );
    let _ = c.manager_a;
}
