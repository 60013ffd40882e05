//! The reseller profile's analytics, the action lists under `/insights/…`, a reseller's own
//! `/my/insights` and the downloads, on a small fixed dataset computed by hand below.
//!
//! Tenant alpha; every reseller is a "reseller" of potential B (one league). Amounts in cents.
//! Declining (windows for `to=2026-03-29&weeks=4`: recent 2 – 29 March, before 2 Feb – 1 March):
//! | reseller | product | day        | cents  | rating | comment                 |
//! | A-001    | P1      | 2026-02-10 | 10000  | 5      | Great saw, very sharp   |
//! | A-001    | P2      | 2026-02-15 | 5000   |        |                         |
//! | A-001    | P1      | 2026-03-10 | 6000   | 3      | Chain came loose        |
//! | A-001    | P1      | 2026-03-11 | 99900  | 1      | SECRET pending (pending)|
//! | C-400    | P1      | 2026-02-20 | 2000   | 4      | Good value              |
//! | C-400    | P1      | 2026-03-05 | 1000   |        |                         |
//! | C-500    | P1      | 2026-02-20 | 1000   |        |                         |
//! | C-500    | P1      | 2026-03-20 | 123456 |        |                         |
//! → A-001 150.00 → 60.00 (drop 90.00, 60 %, stopped P2 50.00); C-400 20.00 → 10.00 (50 %);
//!   C-500 grows and is not listed.
//! Cross-sell (2025, customers h1–h4, 1000 cents each): h1 P1 (A-001, 10 Jan) then P2 (A-001,
//! 10 Feb); h2 P1 (A-001, 15 Jan) then P2 (C-400, 1 Mar); h3 P1 only (A-001, 20 Jan); h4 P2 only
//! (C-400, 5 Jan). N = 4, |P1| = 3, |P2| = 3, |P1→P2| = 2: support 50 %, confidence 66.7 %,
//! lift (2/3)/(3/4) = 0.89; P2→P1 never happens. A-001 should offer P2 to h3.
//! Cadence (declarations submitted N days before today, one 7/8/9.00 line each):
//! C-100 at 60, 53, 46 → usual 7 days, 46 since: alert since today−31;
//! C-200 at 40, 30, 20 → 20 = exactly twice 10: no alert;
//! C-300 at 100, 90, 80 → alert since today−59. Newest first: C-100, C-300.
//! All-time value per reseller: A-001 250.00 (with the 2025 lines), C-100 21.00, C-200 24.00,
//! C-300 27.00, C-400 50.00, C-500 1 244.56 → A-001's peers' median is 27.00.

use crate::helpers::{spawn_app, TestApp};
use crate::seed;
use chrono::{Duration, NaiveDate};
use relais::analytics::rollup::Scope;
use relais::db::analytics::rollup;
use relais::db::declarations::{
    insert_declaration, insert_lines, LineOwner, NewDeclaration, NewLine,
};
use relais::db::{self, network::ResellerInput, products::ProductInput, Db};

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn today() -> NaiveDate {
    relais::http::views::today("Europe/Paris")
}

pub async fn reseller(db: &Db, tenant: i64, code: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let input = ResellerInput {
        code: code.into(),
        name: format!("Shop {code}"),
        reseller_type: "reseller".into(),
        brand_organisation: "multi".into(),
        country: "FR".into(),
        region: "Bretagne".into(),
        city: "Rennes".into(),
        postal_code: "35000".into(),
        latitude: Some(48.1),
        longitude: Some(-1.7),
        potential: "B".into(),
        status: "active".into(),
        manager_id: None,
        contact_email: String::new(),
    };
    let id = db::network::create(&mut tx, tenant, None, &input)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn product(db: &Db, tenant: i64, sku: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let input = ProductInput {
        sku: sku.into(),
        name: format!("Product {sku}"),
        category: "Saws".into(),
        list_price_cents: 100,
        ..Default::default()
    };
    db::products::upsert(&mut tx, tenant, &input).await.unwrap();
    tx.commit().await.unwrap();
    db::products::by_sku(db, tenant, sku)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// One line: product, day, cents, customer hash, rating, comment, status.
pub struct Line {
    product: i64,
    day: NaiveDate,
    cents: i64,
    customer: Option<&'static str>,
    rating: Option<i64>,
    feedback: Option<&'static str>,
    status: &'static str,
}

pub fn line(product: i64, day: NaiveDate, cents: i64) -> Line {
    Line {
        product,
        day,
        cents,
        customer: None,
        rating: None,
        feedback: None,
        status: "approved",
    }
}

/// One submitted declaration of `lines`, submitted `days_ago` days before today when set.
pub async fn declare(db: &Db, tenant: i64, reseller: i64, lines: &[Line], days_ago: Option<i64>) {
    let mut tx = db.begin().await.unwrap();
    let declaration_id = insert_declaration(
        &mut tx,
        &NewDeclaration {
            tenant_id: tenant,
            reseller_id: reseller,
            period: None,
            status: "submitted",
            source: "form",
            import_id: None,
            created_by: None,
        },
    )
    .await
    .unwrap();
    let new: Vec<NewLine> = lines
        .iter()
        .map(|l| NewLine {
            product_id: l.product,
            sale_date: l.day,
            quantity: 1,
            unit_price_cents: l.cents,
            amount_cents: l.cents,
            customer_type: Some("individual".into()),
            customer_postal_code: None,
            customer_hash: l.customer.map(str::to_string),
            channel: Some("store"),
            feedback: l.feedback.map(str::to_string),
            rating: l.rating,
            source_sheet: None,
            source_row: None,
            review_status: l.status,
            review_reason: None,
        })
        .collect();
    let owner = LineOwner {
        tenant_id: tenant,
        reseller_id: reseller,
        declaration_id,
        import_id: None,
        source: "form",
        created_at: relais::db::now(),
    };
    insert_lines(&mut tx, owner, &new).await.unwrap();
    let from = new.iter().map(|l| l.sale_date).min().unwrap();
    let to = new.iter().map(|l| l.sale_date).max().unwrap();
    rollup::apply(
        &mut tx,
        tenant,
        Scope::Range {
            reseller_id: reseller,
            from,
            to,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    if let Some(days) = days_ago {
        // Noon UTC is the same calendar day in Paris.
        let at = (today() - Duration::days(days))
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        relais::with_db!(db, p => sqlx::query("update declarations set created_at = $1 where id = $2")
            .bind(at).bind(declaration_id).execute(p).await.map(|_| ()))
        .unwrap();
    }
}

pub async fn fixture(app: &TestApp) {
    let db = &app.db;
    let (a, b) = seed::two_tenants(db).await;
    let alpha = a.tenant_id;
    let a001 = db::network::by_code(db, alpha, "A-001")
        .await
        .unwrap()
        .unwrap()
        .id;
    let [c100, c200, c300, c400, c500] = [
        reseller(db, alpha, "C-100").await,
        reseller(db, alpha, "C-200").await,
        reseller(db, alpha, "C-300").await,
        reseller(db, alpha, "C-400").await,
        reseller(db, alpha, "C-500").await,
    ];
    let (p1, p2, p3) = (
        product(db, alpha, "P1").await,
        product(db, alpha, "P2").await,
        product(db, alpha, "P3").await,
    );
    let rated = |p, day: &str, cents, rating, feedback, status| Line {
        rating: Some(rating),
        feedback: Some(feedback),
        status,
        ..line(p, d(day), cents)
    };
    declare(
        db,
        alpha,
        a001,
        &[
            rated(
                p1,
                "2026-02-10",
                10000,
                5,
                "Great saw, very sharp",
                "approved",
            ),
            line(p2, d("2026-02-15"), 5000),
            rated(p1, "2026-03-10", 6000, 3, "Chain came loose", "approved"),
            rated(p1, "2026-03-11", 99900, 1, "SECRET pending", "pending"),
        ],
        None,
    )
    .await;
    declare(
        db,
        alpha,
        c400,
        &[
            rated(p1, "2026-02-20", 2000, 4, "Good value", "approved"),
            line(p1, d("2026-03-05"), 1000),
        ],
        None,
    )
    .await;
    declare(
        db,
        alpha,
        c500,
        &[
            line(p1, d("2026-02-20"), 1000),
            line(p1, d("2026-03-20"), 123456),
        ],
        None,
    )
    .await;
    let bought = |p, day: &str, customer| Line {
        customer: Some(customer),
        ..line(p, d(day), 1000)
    };
    declare(
        db,
        alpha,
        a001,
        &[
            bought(p1, "2025-01-10", "h1"),
            bought(p2, "2025-02-10", "h1"),
            bought(p1, "2025-01-15", "h2"),
            bought(p1, "2025-01-20", "h3"),
        ],
        None,
    )
    .await;
    declare(
        db,
        alpha,
        c400,
        &[
            bought(p2, "2025-03-01", "h2"),
            bought(p2, "2025-01-05", "h4"),
        ],
        None,
    )
    .await;
    for (r, cents, days) in [
        (c100, 700, [60, 53, 46]),
        (c200, 800, [40, 30, 20]),
        (c300, 900, [100, 90, 80]),
    ] {
        for ago in days {
            let day = today() - Duration::days(ago);
            declare(db, alpha, r, &[line(p3, day, cents)], Some(ago)).await;
        }
    }
    // Beta's reseller B-001 has its own sales, never visible from alpha.
    let rb = db::network::by_code(db, b.tenant_id, "B-001")
        .await
        .unwrap()
        .unwrap()
        .id;
    let pb = product(db, b.tenant_id, "P1").await;
    declare(
        db,
        b.tenant_id,
        rb,
        &[line(pb, d("2026-03-10"), 777700)],
        None,
    )
    .await;
}

/// A CSV download's records (the test users read French: `;`-separated, decimal comma, BOM first).
pub async fn csv(client: &reqwest::Client, app: &TestApp, path: &str) -> Vec<Vec<String>> {
    let resp = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    assert_eq!(
        resp.headers()["content-type"],
        "text/csv; charset=utf-8",
        "{path}"
    );
    let bytes = resp.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("BOM");
    csv_records(text)
}

pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut out = vec![];
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes());
    for r in reader.records() {
        out.push(r.unwrap().iter().map(str::to_string).collect());
    }
    out
}

pub async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let resp = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    resp.text().await.unwrap()
}

pub async fn manager(app: &TestApp) -> reqwest::Client {
    app.login("a.manager@test.example", seed::PASSWORD).await
}

#[tokio::test]
async fn analytics_pages_reseller_profile_shows_figures_and_cadence_alert() {
    let app = spawn_app().await;
    fixture(&app).await;
    let m = manager(&app).await;
    let html = page(&m, &app, "/network/C-100").await;
    assert!(html.contains("reseller-analytics"), "section missing");
    assert!(html.contains("cadence-alert"), "no alert shown");
    assert!(
        html.contains("aucune déclaration depuis 46 jours, d’habitude tous les 7,0 jours"),
        "{html}"
    );
    // Default period: the last 365 days hold C-100's three 7.00 lines.
    assert!(html.contains("21,00\u{a0}€"), "value");
    // Existing parts of the page are kept.
    assert!(html.contains("Shop C-100"));
    // Exactly twice the usual gap is not yet late.
    let html = page(&m, &app, "/network/C-200").await;
    assert!(!html.contains("cadence-alert"));
    assert!(html.contains("tous les 10,0 jours"));
    // A-001 in Feb–March 2026: 3 approved lines, the pending one left out.
    let html = page(&m, &app, "/network/A-001?from=2026-02-01&to=2026-03-31").await;
    assert!(html.contains("210,00\u{a0}€"), "value of approved lines");
    assert!(!html.contains("SECRET") && !html.contains("999,00"));
    assert!(html.contains("Chain came loose"));
    let products = csv(
        &m,
        &app,
        "/network/A-001?from=2026-02-01&to=2026-03-31&download=best-sellers&format=csv",
    )
    .await;
    assert_eq!(products[0][0], "Référence");
    assert_eq!(&products[1][..4], ["P1", "Product P1", "2", "160,00"]);
    assert_eq!(&products[2][..4], ["P2", "Product P2", "1", "50,00"]);
}

#[tokio::test]
async fn analytics_pages_other_tenants_reseller_is_not_found() {
    let app = spawn_app().await;
    fixture(&app).await;
    let m = manager(&app).await;
    for path in [
        "/network/B-001",
        "/network/B-001?download=trend&format=png",
        "/network/B-001?download=best-sellers&format=csv",
    ] {
        let resp = m.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
    }
    for path in [
        "/insights/feedback?period=all",
        "/insights/declining?to=2026-03-29",
    ] {
        let html = page(&m, &app, path).await;
        assert!(
            !html.contains("B-001") && !html.contains("777,00"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn analytics_pages_declining_list_matches_hand_computed_drops() {
    let app = spawn_app().await;
    fixture(&app).await;
    let m = manager(&app).await;
    let html = page(&m, &app, "/insights/declining?to=2026-03-29&weeks=4").await;
    assert!(html.contains("Shop A-001") && html.contains("Shop C-400"));
    assert!(
        !html.contains("Shop C-500"),
        "a growing reseller is not declining"
    );
    let rows = csv(
        &m,
        &app,
        "/insights/declining?to=2026-03-29&weeks=4&download=declining&format=csv",
    )
    .await;
    assert_eq!(
        rows[1],
        [
            "A-001",
            "Shop A-001",
            "150,00",
            "60,00",
            "90,00",
            "60",
            "P2 (50,00\u{a0}€)"
        ]
    );
    assert_eq!(
        rows[2],
        ["C-400", "Shop C-400", "20,00", "10,00", "10,00", "50", ""]
    );
    assert_eq!(rows.len(), 3);
}

#[tokio::test]
async fn analytics_pages_cadence_alerts_newest_first() {
    let app = spawn_app().await;
    fixture(&app).await;
    let m = manager(&app).await;
    let rows = csv(&m, &app, "/insights/cadence?download=cadence&format=csv").await;
    let t = today();
    let codes: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(codes, ["C-100", "C-300"]);
    assert_eq!(rows[1][2], (t - Duration::days(31)).to_string());
    assert_eq!(rows[1][3], (t - Duration::days(46)).to_string());
    assert_eq!(
        &rows[1][4..],
        [
            "46",
            "7",
            &(46.0f64 / 7.0).to_string().replace('.', ","),
            "3"
        ]
    );
    assert_eq!(rows[2][2], (t - Duration::days(59)).to_string());
    let html = page(&m, &app, "/insights/cadence").await;
    assert!(html.contains("Shop C-100") && !html.contains("Shop C-200"));
}

#[tokio::test]
async fn analytics_pages_downloads_are_valid_files() {
    let app = spawn_app().await;
    fixture(&app).await;
    let m = manager(&app).await;
    let base = "/network/A-001?period=all&download=";
    for (widget, format, mime, magic) in [
        ("trend", "png", "image/png", &b"\x89PNG\r\n\x1a\n"[..]),
        ("trend", "pdf", "application/pdf", &b"%PDF"[..]),
        ("customers-chart", "png", "image/png", &b"\x89PNG"[..]),
        (
            "best-sellers",
            "csv",
            "text/csv; charset=utf-8",
            "\u{feff}Référence;".as_bytes(),
        ),
        (
            "best-sellers",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &b"PK\x03\x04"[..],
        ),
    ] {
        let resp = m
            .get(app.url(&format!("{base}{widget}&format={format}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{widget}.{format}");
        assert_eq!(resp.headers()["content-type"], mime);
        let body = resp.bytes().await.unwrap();
        assert!(
            body.len() > 100 && body.starts_with(magic),
            "{widget}.{format}"
        );
        if format == "png" {
            let decoder = png::Decoder::new(std::io::Cursor::new(body.to_vec()));
            let info = decoder.read_info().unwrap();
            assert!(info.info().width > 500);
        }
    }
    for (path, status) in [
        ("/network/A-001?download=trend&format=csv", 404),
        ("/network/A-001?download=nothing&format=png", 404),
        (
            "/insights/catalogue?download=catalogue-chart&format=pdf",
            200,
        ),
        ("/insights/declining?download=declining&format=xlsx", 200),
        (
            "/dashboard/widgets?period=all&download=trend&format=pdf",
            200,
        ),
        (
            "/dashboard/widgets?period=all&download=best-sellers&format=xlsx",
            200,
        ),
        ("/dashboard?period=all&download=reps&format=png", 200),
        ("/dashboard?download=self-service&format=csv", 200),
        ("/dashboard?download=self-weeks&format=png", 200),
    ] {
        assert_eq!(
            m.get(app.url(path)).send().await.unwrap().status(),
            status,
            "{path}"
        );
    }
}
