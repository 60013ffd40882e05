//! CSV downloads never carry a live formula: text typed by a reseller or a manager that a
//! spreadsheet would run (`=`, `+`, `-`, `@`, tab, carriage return first) comes out with a
//! leading `'`, in the web downloads and in `relais export lines`.

use crate::analytics_pages::csv_records;
use crate::declarations::{relais, scalar, setup};
use crate::helpers::spawn_app;
use crate::seed::PASSWORD;
use serde_json::json;

const LINK: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";

#[tokio::test]
async fn csv_exports_neutralise_text_that_spreadsheets_would_run_as_formulas() {
    let app = spawn_app().await;
    setup(&app).await;
    // The reseller sends its feedback through the API, as an ERP would.
    let c = app.login("a.reseller@test.example", PASSWORD).await;
    let page = app
        .post_form(&c, "/settings/api", "/settings/api", &[("name", "ERP")])
        .await
        .text()
        .await
        .unwrap();
    let start = page.find("rls_").expect("the new token is shown once");
    let token = page[start..].split('<').next().unwrap().to_string();
    let day = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string();
    let resp = reqwest::Client::new()
        .post(app.url("/api/v1/declarations"))
        .bearer_auth(&token)
        .json(&json!({ "lines": [
            { "product": "TD-450", "quantity": 2, "sale_date": day, "unit_price": "199.90",
              "rating": 1, "feedback": LINK }
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    relais::with_db!(&app.db, p => sqlx::query("update products set name = '@SUM(1+1)' where sku = 'TD-450'")
        .execute(p).await.map(|_| ()))
    .unwrap();
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        1
    );

    let m = app.login("a.manager@test.example", PASSWORD).await;
    let resp = m
        .get(app.url("/insights/feedback?period=all&download=comments&format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    let rows = csv_records(text.trim_start_matches('\u{feff}'));
    let comment = rows[1].iter().find(|c| c.contains("HYPERLINK")).unwrap();
    assert_eq!(comment, &format!("'{LINK}"));

    let (code, out, err) = relais(
        &app,
        &["export", "lines", "--tenant", "alpha", "--format", "csv"],
    );
    assert_eq!(code, 0, "{err}");
    let mut reader = ::csv::Reader::from_reader(out.as_bytes());
    let header = reader.headers().unwrap().clone();
    let record = reader.records().next().unwrap().unwrap();
    let col = |name: &str| &record[header.iter().position(|h| h == name).unwrap()];
    assert_eq!(col("product_name"), "'@SUM(1+1)");
    assert_eq!(col("quantity"), "2");
    assert_eq!(col("amount"), "399.80");
}
