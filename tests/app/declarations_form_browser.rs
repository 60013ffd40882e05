//! The declaration form and the file upload in a real browser: errors in place, then a submit.

use crate::browser::Browser;
use crate::declarations::{scalar, setup};
use crate::helpers::TestApp;
use crate::seed::PASSWORD;

/// The test app with its catalogue, and a browser logged in as a reseller who chose French
/// (headless Chromium asks for English whatever its flags).
async fn french_reseller() -> (TestApp, Browser) {
    let app = crate::helpers::spawn_app().await;
    setup(&app).await;
    relais::with_db!(&app.db, p => sqlx::query("update users set locale = 'fr' where email = 'a.reseller@test.example'")
        .execute(p).await.map(|_| ()))
    .unwrap();
    let b = Browser::start().await;
    b.login(&app, "a.reseller@test.example", PASSWORD).await;
    (app, b)
}

#[tokio::test]
async fn declaring_in_a_real_browser_shows_errors_in_place_then_submits() {
    use fantoccini::Locator;
    let (app, b) = french_reseller().await;
    b.goto(&app, "/declare").await;
    b.click("main form button[type=submit]").await;
    for (product, quantity) in [("SC-20", "3"), ("HT-10", "abc")] {
        let product_input = b.find("input[name=new_product]").await;
        product_input.send_keys(product).await.unwrap();
        let quantity_input = b.find("input[name=new_quantity]").await;
        quantity_input.send_keys(quantity).await.unwrap();
        b.click("button[value=add]").await;
        let saved = format!("//input[@value='{product}']");
        b.client
            .wait()
            .for_element(Locator::XPath(&saved))
            .await
            .unwrap();
    }
    let error = b.find(".field-error").await.text().await.unwrap();
    assert_eq!(error, "La quantité n'est pas un nombre.");
    b.client.set_window_size(1366, 2300).await.unwrap();
    b.client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
    b.screenshot("declare-form").await;

    let quantity = b.find("input[value=abc]").await;
    quantity.clear().await.unwrap();
    quantity.send_keys("1").await.unwrap();
    b.click("button[value=submit]").await;
    b.find(".flash-success").await;
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

/// A reseller's own spreadsheet through the upload page in a real browser: the file input, the
/// month field, the preview (mapping, totals, rejected rows in French) and the commit button.
#[tokio::test]
async fn uploading_a_file_in_a_real_browser_previews_then_commits() {
    use fantoccini::Locator;
    let (app, b) = french_reseller().await;
    let file = format!(
        "{}/tests/fixtures/imports/sellout_fr.xlsx",
        env!("CARGO_MANIFEST_DIR")
    );
    b.goto(&app, "/declare/upload").await;
    // WebDriver types a local path into a file input; a month input takes its value from script
    // (typing into it depends on the browser's locale).
    b.find("input[type=file][name=file]")
        .await
        .send_keys(&file)
        .await
        .unwrap();
    b.client
        .execute(
            "document.getElementById('f-period').value = '2026-08'",
            vec![],
        )
        .await
        .unwrap();
    b.click("main form button[type=submit]").await;
    b.find("form[action$='/commit'] button[type=submit]").await;
    let preview = b.text().await.replace(['\u{a0}', '\u{202f}'], " ");
    assert!(preview.contains("Aperçu de l’import"), "{preview}");
    assert!(
        preview.contains("Qté"),
        "the mapping shows the file's header: {preview}"
    );
    assert!(
        preview.contains("1 188,00"),
        "the amount in French: {preview}"
    );
    assert!(
        preview.contains("La quantité doit être un nombre entier d'unités."),
        "row 9's error in the user's language: {preview}"
    );
    let rejected_rows: Vec<String> = {
        let mut rows = Vec::new();
        for row in b
            .client
            .find_all(Locator::XPath(
                "//table[caption[contains(., 'Lignes refusées')]]/tbody/tr",
            ))
            .await
            .unwrap()
        {
            let cells = row.find_all(Locator::Css("td")).await.unwrap();
            rows.push(cells[1].text().await.unwrap());
        }
        rows
    };
    assert_eq!(rejected_rows, ["9", "10", "11", "12"], "{preview}");
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        0,
        "the preview stores nothing"
    );
    b.client.set_window_size(1366, 2000).await.unwrap();
    b.screenshot("import-preview").await;

    b.click("form[action$='/commit'] button[type=submit]").await;
    b.find(".flash-success").await;
    let text = b.text().await.replace('\u{a0}', " ");
    assert!(
        text.contains("Déclaration enregistrée : 4 lignes."),
        "{text}"
    );
    assert_eq!(
        scalar(
            &app.db,
            "select cast(coalesce(sum(quantity), 0) as bigint) from declaration_lines where source = 'file'"
        )
        .await,
        11
    );
    b.close().await;
}
