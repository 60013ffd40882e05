//! The declaration form in a real browser: errors in place, then a submit.

use crate::declarations::{scalar, setup};
use crate::seed::PASSWORD;

#[tokio::test]
async fn declaring_in_a_real_browser_shows_errors_in_place_then_submits() {
    use fantoccini::Locator;
    let app = crate::helpers::spawn_app().await;
    setup(&app).await;
    // Headless Chromium asks for English whatever its flags: this user chose French.
    relais::with_db!(&app.db, p => sqlx::query("update users set locale = 'fr' where email = 'a.reseller@test.example'")
        .execute(p).await.map(|_| ()))
    .unwrap();
    let b = crate::browser::Browser::start().await;
    b.login(&app, "a.reseller@test.example", PASSWORD).await;
    b.goto(&app, "/declare").await;
    // Each step waits for its element: after a click the next page may still be loading.
    let find = |selector: &'static str| {
        b.client
            .wait()
            .at_most(std::time::Duration::from_secs(10))
            .for_element(Locator::Css(selector))
    };
    let click = |selector: &'static str| async move {
        find(selector).await.unwrap().click().await.unwrap();
    };
    let type_into = |selector: &'static str, text: &'static str| async move {
        find(selector).await.unwrap().send_keys(text).await.unwrap();
    };
    click("main form button[type=submit]").await;
    for (product, quantity) in [("SC-20", "3"), ("HT-10", "abc")] {
        type_into("input[name=new_product]", product).await;
        type_into("input[name=new_quantity]", quantity).await;
        click("button[value=add]").await;
        let saved = format!("//input[@value='{product}']");
        b.client
            .wait()
            .for_element(Locator::XPath(&saved))
            .await
            .unwrap();
    }
    let error = find(".field-error").await.unwrap().text().await.unwrap();
    assert_eq!(error, "La quantité n'est pas un nombre.");
    b.client.set_window_size(1366, 2300).await.unwrap();
    b.client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
    b.screenshot("declare-form").await;

    let quantity = find("input[value=abc]").await.unwrap();
    quantity.clear().await.unwrap();
    quantity.send_keys("1").await.unwrap();
    click("button[value=submit]").await;
    b.client
        .wait()
        .for_element(Locator::Css(".flash-success"))
        .await
        .unwrap();
    // WebDriver reports no-break spaces as spaces.
    let text = b.text().await.replace('\u{a0}', " ");
    assert!(text.contains("Déclaration envoyée : 2 lignes."), "{text}");
    assert_eq!(
        scalar(
            &app.db,
            "select cast(coalesce(sum(quantity), 0) as bigint) from declaration_lines where source = 'form'"
        )
        .await,
        4
    );
    b.close().await;
}
