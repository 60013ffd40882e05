//! The insight lists (cross-sell, feedback, catalogue) and a reseller's own insights, on the
//! fixed dataset of `analytics_pages`.

use crate::analytics_pages::*;
use crate::helpers::*;
use crate::seed;

#[tokio::test]
async fn analytics_pages_cross_sell_rule_and_targets() {
    let app = spawn_app().await;
    fixture(&app).await;
    let m = manager(&app).await;
    let q = "from=2025-01-01&to=2025-12-31&min_customers=1";
    let html = page(&m, &app, &format!("/insights/cross-sell?{q}")).await;
    assert!(html.contains("0,89"), "lift shown");
    let rules = csv(
        &m,
        &app,
        &format!("/insights/cross-sell?{q}&download=rules&format=csv"),
    )
    .await;
    assert_eq!(rules.len(), 2, "only P1 → P2: {rules:?}");
    assert_eq!(
        &rules[1][..4],
        ["P1 — Product P1", "P2 — Product P2", "2", "3"]
    );
    let num = |s: &str| s.replace(',', ".").parse::<f64>().unwrap();
    assert_eq!(num(&rules[1][4]), 50.0);
    assert!((num(&rules[1][5]) - 200.0 / 3.0).abs() < 1e-9);
    assert!((num(&rules[1][6]) - 8.0 / 9.0).abs() < 1e-9);
    let targets = csv(
        &m,
        &app,
        &format!("/insights/cross-sell?{q}&download=targets&format=csv"),
    )
    .await;
    assert_eq!(
        targets[1],
        [
            "A-001",
            "Shop A-001",
            "P1 — Product P1",
            "P2 — Product P2",
            "1",
            "h3"
        ]
    );
    assert_eq!(targets.len(), 2);
}

#[tokio::test]
async fn analytics_pages_feedback_ratings_comments_and_search() {
    let app = spawn_app().await;
    fixture(&app).await;
    let m = manager(&app).await;
    let q = "from=2026-01-01&to=2026-03-31";
    let ratings = csv(
        &m,
        &app,
        &format!("/insights/feedback?{q}&download=ratings&format=csv"),
    )
    .await;
    assert_eq!(ratings.len(), 2);
    assert_eq!(
        ratings[1],
        ["P1", "Product P1", "3", "4", "0", "0", "1", "1", "1", "3"]
    );
    let comments = csv(
        &m,
        &app,
        &format!("/insights/feedback?{q}&download=comments&format=csv"),
    )
    .await;
    let texts: Vec<&str> = comments[1..].iter().map(|r| r[4].as_str()).collect();
    assert_eq!(
        texts,
        ["Chain came loose", "Good value", "Great saw, very sharp"]
    );
    let html = page(&m, &app, &format!("/insights/feedback?{q}&q=CHAIN")).await;
    assert!(html.contains("Chain came loose") && !html.contains("Good value"));
    assert!(!html.contains("SECRET"));
}

#[tokio::test]
async fn analytics_pages_catalogue_by_segment_and_elasticity() {
    let app = spawn_app().await;
    fixture(&app).await;
    let m = manager(&app).await;
    let rows = csv(
        &m,
        &app,
        "/insights/catalogue?from=2026-02-01&to=2026-03-31&segment=channel&download=products&format=csv",
    )
    .await;
    assert_eq!(rows[0][5], "Magasin");
    // P1: 10000 + 6000 + 2000 + 1000 + 1000 + 123456 cents, all in store.
    assert_eq!(&rows[1][..4], ["P1", "Product P1", "6", "1434,56"]);
    assert_eq!(rows[1][5], "1434,56");
    let share: f64 = rows[1][4].replace(',', ".").parse().unwrap();
    assert!((share - 143456.0 / 148456.0 * 100.0).abs() < 1e-9);
    // Six weekly observations: fewer than the eight an estimate needs.
    assert_eq!(rows[1][6], "");
    assert_eq!(rows[1][7], "Pas assez d’observations");
}

#[tokio::test]
async fn analytics_pages_my_insights_never_show_another_resellers_figures() {
    let app = spawn_app().await;
    fixture(&app).await;
    let r = app.login("a.reseller@test.example", seed::PASSWORD).await;
    let html = page(&r, &app, "/my/insights?period=all").await;
    assert!(html.contains("250,00\u{a0}€"), "own value");
    assert!(html.contains("27,00\u{a0}€"), "peers' median");
    for peer in [
        "C-500",
        "244,56",
        "234,56",
        "Good value",
        "C-400",
        "Shop C-",
    ] {
        assert!(!html.contains(peer), "{peer} leaked");
    }
    let bench = csv(
        &r,
        &app,
        "/my/insights?period=all&download=benchmark&format=csv",
    )
    .await;
    assert_eq!(bench[1][..3], ["Valeur", "250,00", "27,00"]);
    // The reseller's own comments only.
    assert!(html.contains("Chain came loose"));
    for path in [
        "/insights/declining",
        "/insights/feedback",
        "/network/A-001",
    ] {
        let status = r.get(app.url(path)).send().await.unwrap().status();
        assert_eq!(status, 403, "{path}");
    }
}
