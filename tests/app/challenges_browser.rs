//! In a real browser: a manager creates a challenge with rules, backtests it and launches it; the
//! reseller sees its points, rank and statement, and redeems a reward.

use crate::browser::Browser;
use crate::challenges_support::*;
use crate::helpers::spawn_app;
use crate::seed::{self, PASSWORD};
use fantoccini::Locator;
use std::time::Duration;

async fn fill(b: &Browser, name: &str, value: &str) {
    let field = b
        .client
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Date inputs take keystrokes in the browser's locale; the value is set directly instead.
async fn set_value(b: &Browser, name: &str, value: &str) {
    let script = format!("document.querySelector(\"[name='{name}']\").value = '{value}';");
    b.client.execute(&script, vec![]).await.unwrap();
}

async fn click(b: &Browser, css: &str) {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Clicks a button whose form asks for confirmation, and accepts.
async fn click_confirmed(b: &Browser, css: &str) {
    click(b, css).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = b.client.accept_alert().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
}

#[tokio::test]
async fn challenges_manager_builds_and_launches_and_reseller_redeems_in_a_browser() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let r1 = relais::db::network::by_organisation(&app.db, a.tenant_id, a.organisation_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mower = product(&app.db, a.tenant_id, "M-1", "mowers").await;
    let file = import(&app.db, a.tenant_id, r1, "ventes-mars.xlsx").await;
    let mut l = Line::new(r1, mower, "2026-03-10", "2026-03-12", 12, 120_000);
    l.import = Some((file, 3));
    line(&app.db, a.tenant_id, l).await;
    reward(&app.db, a.tenant_id, "Gourde", 20, Some(10)).await;

    let b = Browser::start().await;
    b.login(&app, "a.manager@test.example", PASSWORD).await;
    b.goto(&app, "/challenges/new").await;
    fill(&b, "name", "Printemps").await;
    set_value(&b, "start", "2026-03-01").await;
    set_value(&b, "end", "2026-03-31").await;
    fill(&b, "rule.0.points", "2").await;
    click(&b, "button[value=add_rule]").await;
    b.client
        .wait()
        .for_element(Locator::Css("[name='rule.1.kind']"))
        .await
        .unwrap();
    assert_eq!(
        b.client
            .find(Locator::Css("[name=name]"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Printemps"),
        "what was typed is kept"
    );
    b.client
        .find(Locator::Css(
            "[name='rule.1.kind'] option[value=per_amount]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&b, "rule.1.points", "1").await;
    fill(&b, "rule.1.per_amount", "10").await;
    b.screenshot("challenge-editor").await;
    click(&b, "button[value=save]").await;
    b.client
        .wait()
        .for_element(Locator::Css("#backtest"))
        .await
        .unwrap();
    let url = b.client.current_url().await.unwrap();
    let path = url.path().to_string();
    assert!(path.starts_with("/challenges/"), "{path}");

    // Backtest over March: 12 units × 2 + 120 steps of 10 € × 1 = 144 points, cost 1,44 €.
    click(&b, "button[name=backtest]").await;
    b.client
        .wait()
        .for_element(Locator::Css("#backtest-points"))
        .await
        .unwrap();
    let points = b
        .client
        .find(Locator::Css("#backtest-points"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(points.trim(), "144");
    b.screenshot("challenge-backtest").await;
    click_confirmed(&b, &format!("form[action='{path}/launch'] button")).await;
    b.client
        .wait()
        .for_element(Locator::Css("#leaderboard"))
        .await
        .unwrap();
    assert!(b.text().await.contains("Shop A-001"));
    b.screenshot("challenge-leaderboard").await;
    click(&b, "form.logout button").await;
    b.client
        .wait()
        .for_element(Locator::Css("input[name=password]"))
        .await
        .unwrap();

    b.login(&app, "a.reseller@test.example", PASSWORD).await;
    b.goto(&app, "/").await;
    let home = b
        .client
        .find(Locator::Css("#points-card"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("144"), "{home}");
    b.goto(&app, &path).await;
    let rank = b
        .client
        .find(Locator::Css("#my-rank"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(rank.starts_with("1 /"), "{rank}");
    b.goto(&app, "/points").await;
    let statement = b.text().await;
    assert!(
        statement.contains("ventes-mars.xlsx") && statement.contains("Printemps"),
        "{statement}"
    );
    b.screenshot("points-statement").await;
    b.goto(&app, "/rewards").await;
    click_confirmed(&b, "form[action$='/redeem'] button").await;
    b.client
        .wait()
        .for_element(Locator::Css("#points-available"))
        .await
        .unwrap();
    let available = b
        .client
        .find(Locator::Css("#points-available"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(available.trim(), "124");
    b.close().await;
}
