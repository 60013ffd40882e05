//! Every points and settings state change happens once, however many identical requests arrive
//! together: a challenge's launch, recompute and close, a redemption's approval, shipping and
//! cancellation, an API token's revocation; and racing orders never spend more than the balance.
//! Each test runs on SQLite and, with RELAIS_TEST_POSTGRES_URL, on PostgreSQL.

use crate::challenges_support::*;
use crate::concurrency::{at_once, flash, locations, once_then, page_form, same_form, tally, N};
use crate::declarations::scalar;
use crate::helpers::{spawn_app, TestApp};
use crate::seed::PASSWORD;
use relais::challenges;

/// `challenges_support::spring` (its challenge still a draft) on a new app: (app, tenant,
/// A-001's id, the challenge).
async fn world() -> (TestApp, i64, i64, i64) {
    let app = spawn_app().await;
    let s = spring(&app.db).await;
    (app, s.tenant, s.r1, s.challenge)
}

/// Ledger keys booked as earned more than once: a double booking leaves some.
async fn booked_twice(app: &TestApp) -> i64 {
    scalar(
        &app.db,
        "select count(*) from (select reseller_id, line_id, kind, rule_index, version, state \
         from points_entries where reason = 'earned' \
         group by reseller_id, line_id, kind, rule_index, version, state having count(*) > 1) t",
    )
    .await
}

async fn audits(app: &TestApp, action: &str) -> i64 {
    scalar(
        &app.db,
        &format!("select count(*) from audit_log where action = '{action}'"),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_launches_recomputes_and_closes_of_a_challenge_change_it_once() {
    let (app, tenant, r1, challenge) = world().await;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let page = format!("/challenges/{challenge}");
    let fire = |action: &'static str| {
        let (app, m, page) = (&app, &m, &page);
        async move {
            let fields = page_form(app, m, page, &format!("/{action}"), &[]).await;
            let url = app.url(&format!("{page}/{action}"));
            at_once(same_form(m, &url, &fields, N)).await
        }
    };

    let answers = fire("launch").await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(locations(&answers), [page.as_str()]);
    assert_eq!(audits(&app, "challenge.launch").await, 1);
    assert_eq!(totals(&app.db, tenant, r1).await, (58, 0));

    // A line written behind the ledger's back: each recompute would book it.
    let mower = scalar(&app.db, "select id from products where sku = 'M-1'").await;
    line(
        &app.db,
        tenant,
        Line::new(r1, mower, "2026-03-20", "2026-03-21", 2, 2_000),
    )
    .await;
    let answers = fire("recompute").await;
    assert_eq!(tally(&answers), once_then("303 success", "303 success", N));
    assert_eq!(booked_twice(&app).await, 0, "no ledger key is booked twice");
    let after_recompute = totals(&app.db, tenant, r1).await;
    assert!(after_recompute.0 > 58, "{after_recompute:?}");

    let answers = fire("close").await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(audits(&app, "challenge.close").await, 1);
    assert_eq!(booked_twice(&app).await, 0);
    assert_eq!(totals(&app.db, tenant, r1).await, after_recompute);
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from challenge_participants where frozen = true"
        )
        .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_orders_never_spend_more_than_the_balance() {
    let (app, tenant, r1, _) = world().await;
    credit(&app.db, tenant, r1, 100).await;
    let mug = reward(&app.db, tenant, "Mug", 60, None).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    // Distinct orders (one key each, as from twenty pages) race for the balance.
    let action = format!("/rewards/{mug}/redeem");
    let fields = page_form(&app, &r, "/rewards", &action, &[]).await;
    let url = app.url(&action);
    let orders = (0..N)
        .map(|i| {
            let mut f = fields.clone();
            f.retain(|(k, _)| k != "order_key");
            f.push(("order_key".into(), format!("order-{i}")));
            r.post(&url).form(&f)
        })
        .collect();
    let answers = at_once(orders).await;
    assert_eq!(tally(&answers), once_then("303 success", "303 error", N));
    assert_eq!(scalar(&app.db, "select count(*) from redemptions").await, 1);
    assert_eq!(totals(&app.db, tenant, r1).await, (40, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_clicks_on_redeem_place_one_order_and_a_new_page_places_another() {
    let (app, tenant, r1, _) = world().await;
    credit(&app.db, tenant, r1, 200).await;
    let mug = reward(&app.db, tenant, "Mug", 60, None).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let action = format!("/rewards/{mug}/redeem");
    let fields = page_form(&app, &r, "/rewards", &action, &[]).await;
    let answers = at_once(same_form(&r, &app.url(&action), &fields, N)).await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(scalar(&app.db, "select count(*) from redemptions").await, 1);
    assert_eq!(totals(&app.db, tenant, r1).await, (140, 0));
    // Ordering the same reward again from a freshly loaded page is a second order.
    let fields = page_form(&app, &r, "/rewards", &action, &[]).await;
    let again = r.post(app.url(&action)).form(&fields).send().await.unwrap();
    assert_eq!(flash(&again).map(|f| f.0).as_deref(), Some("success"));
    assert_eq!(scalar(&app.db, "select count(*) from redemptions").await, 2);
    assert_eq!(totals(&app.db, tenant, r1).await, (80, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_approvals_shipments_and_cancellations_of_an_order_happen_once() {
    let (app, tenant, r1, _) = world().await;
    credit(&app.db, tenant, r1, 100).await;
    let mug = reward(&app.db, tenant, "Mug", 40, Some(5)).await;
    let shipped = challenges::redeem(&app.db, tenant, r1, None, mug, None)
        .await
        .unwrap();
    let cancelled = challenges::redeem(&app.db, tenant, r1, None, mug, None)
        .await
        .unwrap();
    assert_eq!(totals(&app.db, tenant, r1).await, (20, 0));

    let m = app.login("a.manager@test.example", PASSWORD).await;
    for (id, action) in [
        (shipped, "approve"),
        (shipped, "ship"),
        (cancelled, "cancel"),
    ] {
        let path = format!("/redemptions/{id}/{action}");
        let fields = page_form(&app, &m, "/redemptions", &path, &[]).await;
        let answers = at_once(same_form(&m, &app.url(&path), &fields, N)).await;
        assert_eq!(
            tally(&answers),
            once_then("303 success", "303 info", N),
            "{action}"
        );
    }
    assert_eq!(audits(&app, "redemption.status").await, 2);
    assert_eq!(audits(&app, "redemption.cancel").await, 1);
    assert_eq!(
        scalar(&app.db, "select count(*) from points_entries where kind = 'refund' and redemption_id is not null").await,
        1
    );
    assert_eq!(
        totals(&app.db, tenant, r1).await,
        (60, 0),
        "the cancelled order is refunded once"
    );
    assert_eq!(
        scalar(&app.db, "select stock from rewards").await,
        4,
        "its unit comes back once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_revocations_of_an_api_token_revoke_it_once() {
    let (app, _, _, _) = world().await;
    let token = crate::declarations_api::token(&app, "a.reseller@test.example").await;
    let id = scalar(&app.db, "select id from api_tokens").await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let path = format!("/settings/api/{id}/revoke");
    let fields = page_form(&app, &r, "/settings/api", &path, &[]).await;
    let answers = at_once(same_form(&r, &app.url(&path), &fields, N)).await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(locations(&answers), ["/settings/api"]);
    let refused = reqwest::Client::new()
        .post(app.url("/api/v1/declarations"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "lines": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn a_reward_edited_while_orders_come_in_keeps_the_units_they_took() {
    let (app, tenant, r1, _) = world().await;
    credit(&app.db, tenant, r1, 100).await;
    let mug = reward(&app.db, tenant, "Mug", 10, Some(5)).await;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let path = format!("/rewards/{mug}");
    let order = |n: usize| {
        let db = app.db.clone();
        async move {
            for _ in 0..n {
                challenges::redeem(&db, tenant, r1, None, mug, None)
                    .await
                    .unwrap();
            }
        }
    };
    // The manager opens the catalogue, `n` orders come in, the manager saves `stock`.
    let edit = |n: usize, stock: &'static str| {
        let (app, m, path) = (&app, &m, &path);
        async move {
            let mut fields = page_form(app, m, "/rewards", path, &[]).await;
            order(n).await;
            fields.extend(
                [
                    ("name", "Mug"),
                    ("points_cost", "10"),
                    ("stock", stock),
                    ("active", "true"),
                ]
                .map(|(k, v)| (k.to_string(), v.to_string())),
            );
            let resp = m.post(app.url(path)).form(&fields).send().await.unwrap();
            assert_eq!(resp.status(), 303);
            scalar(&app.db, "select coalesce(stock, -1) from rewards").await
        }
    };
    assert_eq!(
        edit(2, "5").await,
        3,
        "a rename does not bring ordered units back"
    );
    assert_eq!(edit(1, "8").await, 7, "raised by five from the three shown");
    assert_eq!(
        edit(2, "0").await,
        0,
        "lowered past what orders left: none, never fewer"
    );
    assert_eq!(edit(0, "").await, -1, "an empty stock means unlimited");
}
