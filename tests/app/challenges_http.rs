//! Challenge pages over HTTP: isolation between resellers and tenants, the editor's versioning,
//! the reseller's statement, redemption, and the FEC export.

use crate::challenges_support::*;
use crate::helpers::{spawn_app, TestApp};
use crate::seed::{self, PASSWORD};
use relais::challenges;

struct World {
    app: TestApp,
    tenant: i64,
    r1: i64,
    challenge: i64,
}

/// Tenant alpha: resellers A-001 (user a.reseller) and A-002 (user a2.reseller), one running
/// challenge with a line each; tenant beta has its own manager and reseller.
async fn world() -> World {
    let app = spawn_app().await;
    let s = spring(&app.db).await;
    seed::user(
        &app.db,
        "a2.reseller@test.example",
        "reseller",
        s.tenant,
        Some(s.o2),
    )
    .await;
    challenges::launch(&app.db, s.tenant, s.challenge, None)
        .await
        .unwrap();
    World {
        app,
        tenant: s.tenant,
        r1: s.r1,
        challenge: s.challenge,
    }
}

async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn challenges_reseller_sees_only_its_own_statement_and_board() {
    let w = world().await;
    let a1 = w.app.login("a.reseller@test.example", PASSWORD).await;
    let (status, page) = text(&a1, w.app.url("/points")).await;
    assert_eq!(status, 200);
    // L1: 3×2×1.5 + 30×1×1.5 + 3×1.5 (declared 2 days after) = 9 + 45 + 4 = 58.
    assert!(page.contains("mars.xlsx"), "the statement names the file");
    assert!(page.contains("Spring"));
    assert!(page.contains(">58<"), "{page}");
    let (_, page) = text(&a1, w.app.url(&format!("/challenges/{}", w.challenge))).await;
    assert!(page.contains("Shop A-001"), "its own name");
    assert!(
        !page.contains("Shop A-002"),
        "names are masked in this challenge"
    );
    let a2 = w.app.login("a2.reseller@test.example", PASSWORD).await;
    let (_, other) = text(&a2, w.app.url("/points")).await;
    assert!(
        !other.contains("mars.xlsx"),
        "another reseller never sees these entries"
    );
    let b = w.app.login("b.reseller@test.example", PASSWORD).await;
    let (status, _) = text(&b, w.app.url(&format!("/challenges/{}", w.challenge))).await;
    assert_eq!(
        status, 404,
        "another tenant's challenge does not exist for it"
    );
    let (status, _) = text(&b, w.app.url("/redemptions")).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn challenges_managers_cannot_reach_another_tenants_challenge() {
    let w = world().await;
    let b = w.app.login("b.manager@test.example", PASSWORD).await;
    let (status, _) = text(&b, w.app.url(&format!("/challenges/{}", w.challenge))).await;
    assert_eq!(status, 404);
    let resp = w
        .app
        .post_form(
            &b,
            "/challenges",
            &format!("/challenges/{}/close", w.challenge),
            &[],
        )
        .await;
    assert_eq!(resp.status(), 404);
    let a = w.app.login("a.manager@test.example", PASSWORD).await;
    let (status, page) = text(
        &a,
        w.app.url(&format!(
            "/challenges/{}?backtest=1&from=2026-03-01&to=2026-03-31",
            w.challenge
        )),
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("backtest-points"));
}

#[tokio::test]
async fn challenges_editing_rules_in_the_page_creates_a_new_version() {
    let w = world().await;
    let a = w.app.login("a.manager@test.example", PASSWORD).await;
    let path = format!("/challenges/{}", w.challenge);
    let (_, page) = text(&a, w.app.url(&path)).await;
    // Submit the form as rendered, with the first rule's points changed from 2 to 4.
    let doc = scraper::Html::parse_document(&page);
    let form = scraper::Selector::parse(
        "form.challenge-form input, form.challenge-form select, form.challenge-form textarea",
    )
    .unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for e in doc.select(&form) {
        let v = e.value();
        let Some(name) = v.attr("name") else { continue };
        let value = match v.name() {
            "select" => e
                .select(&scraper::Selector::parse("option[selected]").unwrap())
                .next()
                .and_then(|o| o.value().attr("value"))
                .unwrap_or("")
                .to_string(),
            "textarea" => e.text().collect(),
            _ if v.attr("type") == Some("checkbox") && v.attr("checked").is_none() => continue,
            _ => v.attr("value").unwrap_or("").to_string(),
        };
        fields.push((
            name.to_string(),
            if name == "rule.0.points" {
                "4".into()
            } else {
                value
            },
        ));
    }
    fields.push(("op".into(), "save".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let resp = a.post(w.app.url(&path)).form(&refs).send().await.unwrap();
    assert_eq!(
        resp.status(),
        303,
        "{}",
        resp.text().await.unwrap_or_default()
    );
    let c = relais::db::challenges::by_id(
        relais::db::points::Exec::Db(&w.app.db),
        w.tenant,
        w.challenge,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(c.current_version, 2);
    // L1 units now 3×4×1.5 = 18: 58 − 9 + 18 = 67.
    assert_eq!(totals(&w.app.db, w.tenant, w.r1).await.0, 67);
}

#[tokio::test]
async fn challenges_reseller_redeems_and_manager_ships_then_fec_balances() {
    let w = world().await;
    let db = &w.app.db;
    let mug = reward(db, w.tenant, "Mug", 50, Some(5)).await;
    let a1 = w.app.login("a.reseller@test.example", PASSWORD).await;
    let resp = w
        .app
        .post_form(&a1, "/rewards", &format!("/rewards/{mug}/redeem"), &[])
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(totals(db, w.tenant, w.r1).await.0, 8);
    let again = w
        .app
        .post_form(&a1, "/rewards", &format!("/rewards/{mug}/redeem"), &[])
        .await;
    assert_eq!(again.status(), 303);
    assert_eq!(
        totals(db, w.tenant, w.r1).await.0,
        8,
        "8 points do not buy a 50-point mug"
    );
    let manager = w.app.login("a.manager@test.example", PASSWORD).await;
    let orders = relais::db::rewards::list_redemptions(db, w.tenant, None, 10)
        .await
        .unwrap();
    let resp = w
        .app
        .post_form(
            &manager,
            "/redemptions",
            &format!("/redemptions/{}/ship", orders[0].id),
            &[],
        )
        .await;
    assert_eq!(resp.status(), 303);
    let today = relais::challenges::TenantPoints::load(relais::db::points::Exec::Db(db), w.tenant)
        .await
        .unwrap()
        .today();
    let month_start = today - chrono::Days::new(40);
    let (status, body) = text(
        &manager,
        w.app
            .url(&format!("/payouts/fec?from={month_start}&to={today}")),
    )
    .await;
    assert_eq!(status, 200);
    assert_fec_balances(&body, 2);
    let (status, csv) = text(&manager, w.app.url("/payouts/liability.csv")).await;
    assert_eq!(status, 200);
    assert!(csv.contains("A-001"));
    let xlsx = manager
        .get(w.app.url("/payouts/redemptions.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
}

/// Every line has the 18 FEC columns; each EcritureNum balances, and so does the file.
fn assert_fec_balances(body: &str, entries: usize) {
    let mut lines = body.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header, relais::export::fec::COLUMNS.to_vec());
    let cents = |s: &str| -> i64 { s.replace(',', "").parse().unwrap() };
    let mut by_entry: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for l in lines {
        let f: Vec<&str> = l.split('\t').collect();
        assert_eq!(f.len(), 18, "{l}");
        assert_eq!(f[3].len(), 8, "YYYYMMDD");
        let e = by_entry.entry(f[2].to_string()).or_default();
        e.0 += cents(f[11]);
        e.1 += cents(f[12]);
    }
    assert_eq!(by_entry.len(), entries, "{body}");
    for (num, (debit, credit)) in &by_entry {
        assert_eq!(debit, credit, "entry {num} balances");
    }
    let total: (i64, i64) = by_entry
        .values()
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert_eq!(total.0, total.1);
    assert!(total.0 > 0);
}
