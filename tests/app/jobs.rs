//! The scheduler on a real database: slot claims under a race, catch-up, failures, the
//! reminder cadence at fixed dates, and the runs page.

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::jobs_data::{self, d, line, ts, APPROVED};
use crate::seed;
use chrono::{DateTime, TimeZone, Utc};
use relais::db::Db;
use relais::jobs_app::AppJobs;
use relais::with_db;
use relais_jobs::{tick, JobContext, JobSpec};

fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, h, min, 0).unwrap()
}

fn spec(name: &str, cron: &str) -> JobSpec {
    JobSpec {
        name: name.into(),
        schedule: Some(cron.into()),
    }
}

#[derive(Debug, sqlx::FromRow, PartialEq)]
struct Run {
    job: String,
    slot: i64,
    outcome: String,
    error: Option<String>,
}

async fn runs(db: &Db) -> Vec<Run> {
    with_db!(db, p => sqlx::query_as::<_, Run>("select job, slot, outcome, error from job_runs order by id")
        .fetch_all(p).await).unwrap()
}

/// A second application instance on the same database, as a second server would be.
async fn second_instance(app: &TestApp) -> AppJobs {
    let db = Db::connect(&app.state.settings.database.url, 5)
        .await
        .unwrap();
    let mut state = app.state.clone();
    state.db = db;
    AppJobs::new(state)
}

#[tokio::test]
async fn a_slot_runs_once_when_two_schedulers_race_on_one_database() {
    let app = spawn_app().await;
    seed::tenant(&app.db, "alpha").await;
    seed::tenant(&app.db, "beta").await;
    let one = AppJobs::new(app.state.clone());
    let two = second_instance(&app).await;
    let specs = [spec("housekeeping", "0 0 3 * * *")];
    let now = utc(2026, 11, 23, 10, 0);
    let (a, b) = tokio::join!(tick(&one, &specs, now), tick(&two, &specs, now));
    assert_eq!(
        a.unwrap() + b.unwrap(),
        2,
        "one run per tenant, whoever claimed it"
    );
    assert_eq!(runs(&app.db).await.len(), 2);
    // A restart, or the next minute's tick, finds the slots taken.
    let (a, b) = tokio::join!(
        tick(&two, &specs, now),
        tick(&one, &specs, utc(2026, 11, 23, 10, 1))
    );
    assert_eq!(a.unwrap() + b.unwrap(), 0);
    assert!(runs(&app.db).await.iter().all(|r| r.outcome == "ok"));
}

#[tokio::test]
async fn a_missed_slot_is_caught_up_once_on_start_up() {
    let app = spawn_app().await;
    seed::tenant(&app.db, "alpha").await;
    let specs = [spec("manager-digest", "0 0 7 * * Mon")];
    // The server was down on Monday 23 November at 07:00 Paris; it starts on Wednesday.
    let started = tick(
        &AppJobs::new(app.state.clone()),
        &specs,
        utc(2026, 11, 25, 9, 0),
    )
    .await
    .unwrap();
    assert_eq!(started, 1);
    let recorded = runs(&app.db).await;
    assert_eq!(
        recorded[0].slot,
        utc(2026, 11, 23, 6, 0).timestamp(),
        "Monday 07:00 in Paris is 06:00 UTC"
    );
    // Restarted again the same day: nothing more.
    let again = tick(
        &second_instance(&app).await,
        &specs,
        utc(2026, 11, 25, 15, 0),
    )
    .await
    .unwrap();
    assert_eq!(again, 0);
    // Down again from before Monday 30 November until Sunday 6 December: that one missed slot
    // is caught up once; older slots are never replayed.
    let late = tick(
        &AppJobs::new(app.state.clone()),
        &specs,
        utc(2026, 12, 6, 12, 0),
    )
    .await
    .unwrap();
    assert_eq!(late, 1);
    let recorded = runs(&app.db).await;
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[1].slot, utc(2026, 11, 30, 6, 0).timestamp());
}

#[tokio::test]
async fn a_failing_job_is_recorded_and_retried_at_its_next_slot_without_stopping_others() {
    let app = spawn_app().await;
    seed::tenant(&app.db, "alpha").await;
    let ctx = AppJobs::new(app.state.clone());
    let specs = [
        spec("no-such-job", "0 0 3 * * *"),
        spec("housekeeping", "0 0 3 * * *"),
    ];
    assert_eq!(
        tick(&ctx, &specs, utc(2026, 11, 23, 10, 0)).await.unwrap(),
        2
    );
    assert_eq!(
        tick(&ctx, &specs, utc(2026, 11, 24, 10, 0)).await.unwrap(),
        2,
        "the failed job runs again next slot"
    );
    let recorded = runs(&app.db).await;
    let outcomes: Vec<(&str, &str)> = recorded
        .iter()
        .map(|r| (r.job.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("no-such-job", "failed"),
            ("housekeeping", "ok"),
            ("no-such-job", "failed"),
            ("housekeeping", "ok")
        ]
    );
    assert!(recorded[0]
        .error
        .as_deref()
        .unwrap()
        .contains("unknown job no-such-job"));
}

#[tokio::test]
async fn the_in_process_scheduler_catches_up_at_start_and_shuts_down() {
    let app = spawn_app().await;
    seed::tenant(&app.db, "alpha").await;
    let ctx: std::sync::Arc<dyn JobContext> = std::sync::Arc::new(AppJobs::new(app.state.clone()));
    let mut scheduler = relais_jobs::start(ctx, vec![spec("housekeeping", "0 0 3 * * *")])
        .await
        .unwrap();
    let mut found = 0;
    for _ in 0..100 {
        found = runs(&app.db)
            .await
            .iter()
            .filter(|r| r.outcome == "ok")
            .count();
        if found > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    scheduler.shutdown().await.unwrap();
    assert_eq!(found, 1, "the start-up tick ran last night's housekeeping");
}

#[tokio::test]
async fn housekeeping_deletes_expired_sessions_and_abandoned_imports() {
    let app = spawn_app().await;
    let t = seed::tenant(&app.db, "alpha").await;
    let user = seed::user(&app.db, "m@test.example", "manager", t, None).await;
    relais::db::users::create_session(&app.db, "expired", user, Some(t), "csrf", 1)
        .await
        .unwrap();
    let now = Utc::now();
    for (age_days, name) in [(10, "old.xlsx"), (1, "fresh.xlsx")] {
        with_db!(&app.db, p => sqlx::query(
            "insert into imports (tenant_id, kind, filename, content_hash, size_bytes, status, created_at) \
             values ($1, 'declarations', $2, $2, 1, 'pending', $3)")
            .bind(t).bind(name).bind(now.timestamp() - age_days * 86400).execute(p).await.map(|r| r.rows_affected())).unwrap();
    }
    let report = AppJobs::new(app.state.clone())
        .run_job("housekeeping", "alpha", now)
        .await
        .unwrap();
    assert!(
        report.note.contains("1 sessions") && report.note.contains("1 pending imports"),
        "{}",
        report.note
    );
    let left: Vec<String> = with_db!(&app.db, p => sqlx::query_scalar("select filename from imports").fetch_all(p).await).unwrap();
    assert_eq!(left, ["fresh.xlsx"]);
}

#[tokio::test]
async fn reminders_follow_the_cadence_and_are_never_sent_twice() {
    let app = spawn_app_with(|s| {
        s.jobs.reminder_days_before = vec![7, 2];
        s.jobs.reminder_every_days = 3;
        s.jobs.reminder_max = 5;
        s.jobs.mail_per_second = 0.0;
    })
    .await;
    let t = seed::tenant(&app.db, "alpha").await; // monthly periods, Europe/Paris
    let (late, late_org) = seed::reseller(&app.db, t, "LATE", None).await;
    let (on_time, on_time_org) = seed::reseller(&app.db, t, "ONTIME", None).await;
    seed::user(&app.db, "late@test.example", "reseller", t, Some(late_org)).await;
    seed::user(
        &app.db,
        "ontime@test.example",
        "reseller",
        t,
        Some(on_time_org),
    )
    .await;
    let p = jobs_data::product(&app.db, t, "SKU", "Thing").await;
    line(
        &app.db,
        t,
        on_time,
        p,
        "2026-11-10",
        1000,
        ts("2026-11-12T10:00:00Z"),
        APPROVED,
    )
    .await;
    line(
        &app.db,
        t,
        late,
        p,
        "2026-10-10",
        1000,
        ts("2026-10-12T10:00:00Z"),
        APPROVED,
    )
    .await;
    let ctx = AppJobs::new(app.state.clone());
    // November's deadline is 7 December: reminders on 30 Nov, 5 Dec, 7 Dec, 10 Dec, 13 Dec.
    let mut sent_on = Vec::new();
    for day in 28..=47 {
        let date = d("2026-11-01") + chrono::Duration::days(day - 1);
        let at = Utc.from_utc_datetime(&date.and_hms_opt(7, 0, 0).unwrap());
        let before = app.outbox_messages().len();
        ctx.run_job("declaration-reminders", "alpha", at)
            .await
            .unwrap();
        ctx.run_job("declaration-reminders", "alpha", at)
            .await
            .unwrap(); // a second run that day
        let after = app.outbox_messages().len();
        assert!(after - before <= 1, "{date}: one reminder at most");
        if after > before {
            sent_on.push(date.to_string());
        }
    }
    assert_eq!(
        sent_on,
        [
            "2026-11-30",
            "2026-12-05",
            "2026-12-07",
            "2026-12-10",
            "2026-12-13"
        ]
    );
    let outbox = app.outbox_messages();
    assert!(
        outbox.iter().all(|m| m.contains("To: late@test.example")),
        "the reseller that declared gets none"
    );
    assert!(
        outbox[0].contains("November 2026"),
        "in the tenant's language (en)"
    );
}

#[tokio::test]
async fn the_jobs_page_lists_runs_for_admins_only() {
    let app = spawn_app().await;
    let t = seed::tenant(&app.db, "alpha").await;
    seed::user(&app.db, "admin@test.example", "admin", t, None).await;
    seed::user(&app.db, "manager@test.example", "manager", t, None).await;
    let ctx = AppJobs::new(app.state.clone());
    let tenant = relais::db::tenants::by_slug(&app.db, "alpha")
        .await
        .unwrap()
        .unwrap();
    ctx.run_by_hand("housekeeping", &tenant, Utc::now())
        .await
        .unwrap()
        .1
        .unwrap();
    let admin = app.login("admin@test.example", seed::PASSWORD).await;
    let page = admin.get(app.url("/jobs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Housekeeping") || html.contains("Nettoyage"),
        "{html}"
    );
    assert!(html.contains("0 0 7 * * Mon"), "schedules are shown");
    let manager = app.login("manager@test.example", seed::PASSWORD).await;
    assert_eq!(
        manager.get(app.url("/jobs")).send().await.unwrap().status(),
        403
    );
}
