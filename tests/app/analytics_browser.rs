//! The analytics pages in a real headless Chromium: the dashboard, the map with its recency
//! colours, a reseller profile with a cadence alert, the insight lists, and a chart opened as
//! PNG and fetched as PDF. Run with RELAIS_SCREENSHOTS=docs to refresh the screenshots.

use crate::analytics_pages::{declare, line, reseller, today};
use crate::browser::Browser;
use crate::helpers::spawn_app;
use chrono::Duration;
use fantoccini::Locator;
use relais::with_db;
use serde_json::Value;

#[tokio::test]
async fn analytics_browser_dashboard_map_profile_alert_and_exports() {
    let app = spawn_app().await;
    let opts = relais::demo::DemoOptions {
        lines: 3_000,
        seed: 42,
    };
    relais::demo::generate(&app.db, &opts, &|_, _| {})
        .await
        .unwrap();
    // A reseller that declared weekly and then stopped 46 days ago: a cadence alert.
    let tenant = relais::db::tenants::by_slug(&app.db, "verdure")
        .await
        .unwrap()
        .unwrap()
        .id;
    let product: i64 = with_db!(&app.db, p => sqlx::query_scalar(
        "select id from products where tenant_id = $1 order by id limit 1")
        .bind(tenant).fetch_one(p).await)
    .unwrap();
    let late = reseller(&app.db, tenant, "ZZ-LATE").await;
    for ago in [60, 53, 46] {
        let day = today() - Duration::days(ago);
        declare(
            &app.db,
            tenant,
            late,
            &[line(product, day, 45_000)],
            Some(ago),
        )
        .await;
    }

    let b = Browser::start().await;
    b.login(&app, "manager@verdure.demo", "relais-demo").await;
    // Tall enough for the screenshots to show the widgets, not only the filters.
    b.client.set_window_size(1366, 1700).await.unwrap();

    b.goto(&app, "/dashboard?period=all").await;
    b.client
        .wait()
        .for_element(Locator::Css("#widget-trend svg"))
        .await
        .unwrap();
    let text = b.text().await;
    assert!(text.contains("Meilleures ventes"), "{text}");
    let links = b
        .client
        .find_all(Locator::Css("#dashboard-widgets a[data-format=png]"))
        .await
        .unwrap()
        .len();
    assert!(links >= 3, "every chart has its download links: {links}");
    b.screenshot("dashboard").await;

    b.goto(&app, "/map?period=all").await;
    b.client
        .wait()
        .for_element(Locator::Css("svg circle"))
        .await
        .unwrap();
    let map = b.text().await;
    assert!(map.contains("Actif") && map.contains("ZZ-LATE"), "{map}");
    b.screenshot("map").await;

    b.goto(&app, "/network/ZZ-LATE").await;
    let alert = b
        .client
        .wait()
        .for_element(Locator::Css(".cadence-alert"))
        .await
        .unwrap();
    let alert_text = alert.text().await.unwrap();
    assert!(
        alert_text.contains("46 jours") && alert_text.contains("7,0 jours"),
        "{alert_text}"
    );
    b.client
        .execute(
            "document.getElementById('reseller-analytics').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    b.screenshot("reseller-profile").await;

    b.goto(&app, "/insights/cadence").await;
    let list = b.text().await;
    assert!(list.contains("ZZ-LATE"), "{list}");
    b.goto(&app, "/insights/declining").await;
    b.client
        .wait()
        .for_element(Locator::Css("#widget-declining"))
        .await
        .unwrap();
    b.screenshot("insights").await;
    b.goto(&app, "/insights/catalogue").await;
    b.client
        .wait()
        .for_element(Locator::Css("#widget-products"))
        .await
        .unwrap();
    b.screenshot("insights-catalogue").await;

    // The trend chart's PNG link, fetched and shown by the browser as an image.
    b.goto(&app, "/network/ZZ-LATE").await;
    let png = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const a = document.querySelector('#widget-trend a[data-format=png]');
             fetch(a.href).then(r => r.blob().then(blob => {
                 const img = new Image();
                 img.onload = () => {
                     document.body.replaceChildren(img);
                     done([r.status, r.headers.get('content-type'), img.naturalWidth, img.naturalHeight]);
                 };
                 img.onerror = () => done([r.status, r.headers.get('content-type'), 0, 0]);
                 img.src = URL.createObjectURL(blob);
             }));",
            vec![],
        )
        .await
        .unwrap();
    let png = png.as_array().unwrap();
    assert_eq!(png[0], Value::from(200));
    assert_eq!(png[1], Value::from("image/png"));
    assert_eq!((png[2].as_u64(), png[3].as_u64()), (Some(1520), Some(760)));
    b.screenshot("export-png").await;
    // The PDF fetched by the page, as the download link would.
    b.goto(&app, "/network/ZZ-LATE").await;
    let pdf = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const a = document.querySelector('#widget-trend a[data-format=pdf]');
             fetch(a.href).then(r => r.arrayBuffer().then(buf => done([
                 r.status, r.headers.get('content-type'),
                 String.fromCharCode(...new Uint8Array(buf).slice(0, 5)), buf.byteLength])));",
            vec![],
        )
        .await
        .unwrap();
    let pdf = pdf.as_array().unwrap();
    assert_eq!(pdf[0], Value::from(200));
    assert_eq!(pdf[1], Value::from("application/pdf"));
    assert_eq!(pdf[2], Value::from("%PDF-"));
    assert!(pdf[3].as_u64().unwrap() > 1000);

    // The reseller side: its own figures and the anonymous benchmark.
    b.client
        .find(Locator::Css("form.logout button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.client
        .wait()
        .for_element(Locator::Css("input[name=password]"))
        .await
        .unwrap();
    b.login(&app, "reseller@demo.relais", "relais-demo").await;
    b.goto(&app, "/my/insights").await;
    let mine = b.text().await;
    assert!(mine.contains("Comparaison avec vos pairs"), "{mine}");
    assert!(!mine.contains("ZZ-LATE"));
    b.screenshot("my-insights").await;
    b.close().await;
}
