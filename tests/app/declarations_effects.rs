//! What a declaration changes elsewhere, through the web as users do it: the analytics roll-ups
//! and the challenge points follow a commit, a review decision and an undo, in the same
//! transaction as the lines.

use crate::declarations::{scalar, setup};
use crate::declarations_web::{commit, upload};
use crate::helpers::{spawn_app, TestApp};
use crate::seed::PASSWORD;
use rust_xlsxwriter::Workbook;

/// A sales sheet with French headers (Date, SKU, Quantité): one row per (code, quantity).
pub fn sheet(rows: &[(&str, i64)], day: chrono::NaiveDate) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Date", "SKU", "Quantité"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (i, (code, q)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write(r, 0, day.format("%d/%m/%Y").to_string()).unwrap();
        ws.write(r, 1, *code).unwrap();
        ws.write(r, 2, *q as f64).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// Uploads and commits a file as the reseller; returns the import id.
async fn declare(app: &TestApp, r: &reqwest::Client, name: &str, file: Vec<u8>) -> String {
    let resp = upload(app, r, "/declare/upload", name, file, "").await;
    assert_eq!(resp.status(), 303, "upload of {name}");
    let page = resp.headers()["location"].to_str().unwrap().to_string();
    let id = page.rsplit('/').next().unwrap().to_string();
    let resp = commit(app, r, &page, "add").await;
    assert_eq!(resp.status(), 303);
    id
}

/// (roll-up quantity, available points, pending points) of the tenant's only declaring reseller.
async fn state(app: &TestApp, tenant: i64, reseller: i64) -> (i64, i64, i64) {
    let rolled = scalar(
        &app.db,
        &format!("select cast(coalesce(sum(quantity), 0) as bigint) from sales_daily where tenant_id = {tenant}"),
    )
    .await;
    let t = relais::db::points::totals(relais::db::points::Exec::Db(&app.db), tenant, reseller)
        .await
        .unwrap();
    (rolled, t.available, t.pending)
}

#[tokio::test]
async fn commits_reviews_and_undos_move_rollups_and_points_together() {
    let app = spawn_app().await;
    let tenant = setup(&app).await;
    let reseller = scalar(
        &app.db,
        &format!("select id from resellers where tenant_id = {tenant} and code = 'A-001'"),
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    let day = today - chrono::Duration::days(2);
    // One point per unit sold in the challenge's dates.
    let def: relais::domain::points::def::ChallengeDef =
        serde_json::from_value(serde_json::json!({
            "id": 0, "start": (today - chrono::Duration::days(30)).to_string(),
            "end": (today + chrono::Duration::days(30)).to_string(), "version": 1,
            "league_mode": "none",
            "rules": [ { "label": "Units", "kind": "per_unit", "points": 1 } ]
        }))
        .unwrap();
    let header = relais::db::challenges::Header {
        name: "Autumn",
        description: "",
        start: today - chrono::Duration::days(30),
        end: today + chrono::Duration::days(30),
        show_names: false,
        point_value_cents: 10,
        validity_months: None,
    };
    let challenge = relais::challenges::create(&app.db, tenant, None, &header, &def)
        .await
        .unwrap();
    relais::challenges::launch(&app.db, tenant, challenge, None)
        .await
        .unwrap();

    let r = app.login("a.reseller@test.example", PASSWORD).await;
    declare(
        &app,
        &r,
        "h.xlsx",
        sheet(&[("SC-20", 2), ("SC-20", 2), ("SC-20", 2)], day),
    )
    .await;
    assert_eq!(state(&app, tenant, reseller).await, (6, 6, 0));

    // 11 is more than 5 × the usual 2: held for review, its points pending, not in the roll-ups.
    let second = declare(
        &app,
        &r,
        "n.xlsx",
        sheet(&[("SC-20", 11), ("SC-20", 3)], day),
    )
    .await;
    assert_eq!(state(&app, tenant, reseller).await, (9, 9, 11));

    let m = app.login("a.manager@test.example", PASSWORD).await;
    let held = scalar(
        &app.db,
        "select id from declaration_lines where review_status = 'pending'",
    )
    .await
    .to_string();
    let resp = app
        .post_form(
            &m,
            "/reviews",
            "/reviews",
            &[("line", &held), ("decision", "approve"), ("reason", "")],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        state(&app, tenant, reseller).await,
        (20, 20, 0),
        "approval moves the line into the figures and its points to available"
    );

    // Undoing the second file withdraws both its lines: figures and points as before it.
    let resp = app
        .post_form(
            &r,
            &format!("/imports/{second}"),
            &format!("/imports/{second}/undo"),
            &[],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(state(&app, tenant, reseller).await, (6, 6, 0));
    // The ledger shows why: the reversal entries name the withdrawn lines.
    assert!(
        scalar(
            &app.db,
            &format!(
                "select count(*) from points_entries where tenant_id = {tenant} and points < 0"
            ),
        )
        .await
            >= 2
    );
}
