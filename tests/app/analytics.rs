//! Sales analytics on a small fixed dataset whose figures are computed by hand below:
//! widgets, filters and scoping (tenant, reseller); the API shapes are in `analytics_api`, the
//! roll-ups against a direct aggregation of the lines in `analytics_rollup`.
//!
//! Tenant alpha, March 2026 (a 31-day period; the previous one is 29 Jan – 28 Feb):
//! | line | reseller | product | day        | qty | cents | customer    | channel | source | status   |
//! | 1    | R1       | P1      | 2026-03-05 | 2   | 20000 | individual  | store   | form   | approved |
//! | 2    | R1       | P2      | 2026-03-10 | 1   | 5000  | business    | online  | file   | approved |
//! | 3    | R2       | P1      | 2026-03-12 | 3   | 30000 | individual  | store   | staff  | approved |
//! | 4    | R2       | P3      | 2026-03-20 | 1   | 25000 | landscaper  | store   | api    | approved |
//! | 5    | R1       | P3      | 2026-03-15 | 5   | 99999 | individual  | store   | form   | pending  |
//! | 6    | R2       | P2      | 2026-02-20 | 2   | 10000 | individual  | store   | form   | approved |
//! | 7    | R1       | P1      | 2026-02-25 | 1   | 10000 | individual  | store   | form   | approved |
//! | 8    | R1       | P1      | 2025-03-05 | 1   | 10000 | individual  | store   | form   | approved |
//! | 9    | R5       | P2      | 2025-12-15 | 1   | 10000 | —           | —       | form   | approved |
//! | 10   | R6       | P2      | 2025-10-01 | 1   | 10000 | —           | —       | form   | approved |
//! R1 = A-010 (Bretagne, reseller, multi, B, manager m1), R2 = A-020 (Alsace, distributor, mono,
//! A, manager m2); P1, P2 are "Saws", P3 "Mowers". Tenant beta has one 7777.00 line in March.

use crate::analytics_api::{api, token};
use crate::helpers::{spawn_app, TestApp};
use crate::seed;
use chrono::NaiveDate;
use relais::analytics::rollup::Scope;
use relais::db::analytics::rollup;
use relais::db::declarations::{
    insert_declaration, insert_lines, LineOwner, NewDeclaration, NewLine,
};
use relais::db::{self, network::ResellerInput, products::ProductInput, Db};

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub struct Fixture {
    pub alpha: i64,
    pub beta: i64,
    pub m1: i64,
    pub m2: i64,
    pub r1: i64,
    pub r2: i64,
}

/// `attrs`: region, type, brand organisation, potential, status.
async fn reseller(db: &Db, tenant: i64, code: &str, attrs: [&str; 5], manager: Option<i64>) -> i64 {
    let [region, kind, brand, potential, status] = attrs;
    let mut tx = db.begin().await.unwrap();
    let input = ResellerInput {
        code: code.into(),
        name: format!("Shop {code}"),
        reseller_type: kind.into(),
        brand_organisation: brand.into(),
        country: "FR".into(),
        region: region.into(),
        city: "Ville".into(),
        postal_code: "35000".into(),
        latitude: Some(48.0),
        longitude: Some(-1.0),
        potential: potential.into(),
        status: status.into(),
        manager_id: manager,
        contact_email: String::new(),
    };
    let id = db::network::create(&mut tx, tenant, None, &input)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn product(db: &Db, tenant: i64, sku: &str, category: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let input = ProductInput {
        sku: sku.into(),
        name: format!("Product {sku}"),
        category: category.into(),
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

/// `(product, day, qty, cents, customer, channel, status)`.
type L<'a> = (
    i64,
    &'a str,
    i64,
    i64,
    Option<&'a str>,
    Option<&'static str>,
    &'static str,
);

/// Inserts one declaration of `lines` and updates the roll-ups as a commit does.
pub async fn declare(db: &Db, tenant: i64, reseller: i64, source: &str, lines: &[L<'_>]) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let decl = NewDeclaration {
        tenant_id: tenant,
        reseller_id: reseller,
        period: None,
        status: "submitted",
        source,
        import_id: None,
        created_by: None,
    };
    let declaration_id = insert_declaration(&mut tx, &decl).await.unwrap();
    let new: Vec<NewLine> = lines
        .iter()
        .map(|(p, day, q, cents, customer, channel, status)| NewLine {
            product_id: *p,
            sale_date: d(day),
            quantity: *q,
            unit_price_cents: cents / q,
            amount_cents: *cents,
            customer_type: customer.map(str::to_string),
            customer_postal_code: None,
            customer_hash: None,
            channel: *channel,
            feedback: None,
            rating: None,
            source_sheet: None,
            source_row: None,
            review_status: status,
            review_reason: None,
        })
        .collect();
    let owner = LineOwner {
        tenant_id: tenant,
        reseller_id: reseller,
        declaration_id,
        import_id: None,
        source,
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
    declaration_id
}

pub async fn fixture(app: &TestApp) -> Fixture {
    let db = &app.db;
    let (a, b) = seed::two_tenants(db).await;
    let (alpha, beta) = (a.tenant_id, b.tenant_id);
    let m1 = db::users::by_email(db, "a.manager@test.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let m2 = seed::user(db, "a.second@test.example", "manager", alpha, None).await;
    let r1 = reseller(
        db,
        alpha,
        "A-010",
        ["Bretagne", "reseller", "multi", "B", "active"],
        Some(m1),
    )
    .await;
    let r2 = reseller(
        db,
        alpha,
        "A-020",
        ["Alsace", "distributor", "mono", "A", "active"],
        Some(m2),
    )
    .await;
    reseller(
        db,
        alpha,
        "A-030",
        ["Bretagne", "reseller", "multi", "C", "active"],
        None,
    )
    .await;
    reseller(
        db,
        alpha,
        "A-040",
        ["Bretagne", "reseller", "multi", "C", "prospect"],
        None,
    )
    .await;
    let r5 = reseller(
        db,
        alpha,
        "A-050",
        ["Bretagne", "reseller", "multi", "C", "active"],
        None,
    )
    .await;
    let r6 = reseller(
        db,
        alpha,
        "A-060",
        ["Bretagne", "reseller", "multi", "C", "active"],
        None,
    )
    .await;
    let p1 = product(db, alpha, "P1", "Saws").await;
    let p2 = product(db, alpha, "P2", "Saws").await;
    let p3 = product(db, alpha, "P3", "Mowers").await;
    let (ind, st) = (Some("individual"), Some("store"));
    declare(
        db,
        alpha,
        r1,
        "form",
        &[
            (p1, "2026-03-05", 2, 20000, ind, st, "approved"),
            (p3, "2026-03-15", 5, 99999, ind, st, "pending"),
        ],
    )
    .await;
    declare(
        db,
        alpha,
        r1,
        "file",
        &[(
            p2,
            "2026-03-10",
            1,
            5000,
            Some("business"),
            Some("online"),
            "approved",
        )],
    )
    .await;
    declare(
        db,
        alpha,
        r2,
        "staff",
        &[(p1, "2026-03-12", 3, 30000, ind, st, "approved")],
    )
    .await;
    declare(
        db,
        alpha,
        r2,
        "api",
        &[(
            p3,
            "2026-03-20",
            1,
            25000,
            Some("landscaper"),
            st,
            "approved",
        )],
    )
    .await;
    declare(
        db,
        alpha,
        r2,
        "form",
        &[(p2, "2026-02-20", 2, 10000, ind, st, "approved")],
    )
    .await;
    declare(
        db,
        alpha,
        r1,
        "form",
        &[
            (p1, "2026-02-25", 1, 10000, ind, st, "approved"),
            (p1, "2025-03-05", 1, 10000, ind, st, "approved"),
        ],
    )
    .await;
    declare(
        db,
        alpha,
        r5,
        "form",
        &[(p2, "2025-12-15", 1, 10000, None, None, "approved")],
    )
    .await;
    declare(
        db,
        alpha,
        r6,
        "form",
        &[(p2, "2025-10-01", 1, 10000, None, None, "approved")],
    )
    .await;
    let rb = db::network::by_code(db, beta, "B-001")
        .await
        .unwrap()
        .unwrap()
        .id;
    let pb = product(db, beta, "P1", "Saws").await;
    declare(
        db,
        beta,
        rb,
        "form",
        &[(pb, "2026-03-10", 1, 777700, ind, st, "approved")],
    )
    .await;
    Fixture {
        alpha,
        beta,
        m1,
        m2,
        r1,
        r2,
    }
}

pub const MARCH: &str = "from=2026-03-01&to=2026-03-31";

#[tokio::test]
async fn analytics_widgets_match_hand_computed_figures() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let q: relais::analytics::filter::FilterQuery = serde_urlencoded::from_str(MARCH).unwrap();
    let filter = q.resolve(d("2026-04-15"));
    let dash = relais::analytics::dashboard::dashboard(&app.db, f.alpha, &filter)
        .await
        .unwrap();
    assert_eq!(
        (
            dash.total.amount_cents,
            dash.total.quantity,
            dash.total.lines
        ),
        (80000, 7, 4)
    );
    let weeks: Vec<(u32, i64, Option<i64>)> = dash
        .weekly
        .iter()
        .map(|w| (w.iso_week, w.amount, w.previous_year_amount))
        .collect();
    assert_eq!(
        weeks,
        vec![
            (9, 0, Some(0)),
            (10, 20000, Some(10000)),
            (11, 35000, Some(0)),
            (12, 25000, Some(0)),
            (13, 0, Some(0)),
            (14, 0, Some(0))
        ]
    );
    let ss = &dash.self_service;
    assert_eq!(
        (
            ss.overall.self_service_lines,
            ss.overall.staff_lines,
            ss.overall.share
        ),
        (3, 1, Some(75.0))
    );
    let segments: Vec<(&str, i64, i64)> = ss
        .by_segment
        .iter()
        .map(|s| (s.key.as_str(), s.self_service_lines, s.staff_lines))
        .collect();
    assert_eq!(segments, vec![("distributor", 1, 1), ("reseller", 2, 0)]);
    let rep = relais::analytics::dashboard::rep_detail(
        &app.db,
        f.alpha,
        &relais::analytics::filter::SalesFilter {
            manager_id: Some(f.m2),
            ..filter.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(rep.amount_cents, 55000);
    assert_eq!(rep.regions, vec![("Alsace".to_string(), 55000, 100.0)]);
    assert_eq!(
        rep.customer_types,
        vec![
            ("individual".to_string(), 30000, 54.5),
            ("landscaper".to_string(), 25000, 45.5)
        ]
    );
    // All time: every approved alpha line, nothing from beta, nothing pending.
    let all = relais::analytics::dashboard::dashboard(
        &app.db,
        f.alpha,
        &relais::analytics::filter::SalesFilter::all_time(),
    )
    .await
    .unwrap();
    assert_eq!(all.total.amount_cents, 130000);
    let _ = (f.r1, f.r2, f.beta);
}

#[tokio::test]
async fn analytics_filters_combine() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = token(&app, f.alpha, f.m1).await;
    let cases = [
        ("region=Alsace&category=Saws", vec![("P1", 300.0)]),
        ("channel=online", vec![("P2", 50.0)]),
        (
            "customer_type=individual&type=reseller",
            vec![("P1", 200.0)],
        ),
        (
            "organisation=mono_brand&potential=a",
            vec![("P1", 300.0), ("P3", 250.0)],
        ),
        (&format!("manager={}&product=P3", f.m2), vec![("P3", 250.0)]),
        ("category=Mowers&region=Bretagne", vec![]),
    ];
    for (filters, expected) in cases {
        let (status, body) = api(
            &app,
            &t,
            &format!("/api/v1/analytics/best-sellers?{MARCH}&{filters}"),
        )
        .await;
        assert_eq!(status, 200);
        let got: Vec<(String, f64)> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["sku"].as_str().unwrap().to_string(),
                    i["amount"].as_f64().unwrap(),
                )
            })
            .collect();
        let expected: Vec<(String, f64)> = expected
            .into_iter()
            .map(|(s, a)| (s.to_string(), a))
            .collect();
        assert_eq!(got, expected, "filters {filters}");
    }
}

#[tokio::test]
async fn analytics_pages_are_for_staff_only_and_show_the_figures() {
    let app = spawn_app().await;
    let _f = fixture(&app).await;
    let manager = app.login("a.manager@test.example", seed::PASSWORD).await;
    let resp = manager
        .get(app.url(&format!("/dashboard?{MARCH}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Product P1") && html.contains("dashboard-widgets"));
    assert!(
        !html.contains("7 777") && !html.contains("7,777") && !html.contains("7777"),
        "beta's figures leaked"
    );
    for path in ["/dashboard/widgets", "/map", "/dashboard/rep/1"] {
        let status = manager.get(app.url(path)).send().await.unwrap().status();
        assert!(status == 200 || status == 404, "{path}: {status}");
    }
    let reseller = app.login("a.reseller@test.example", seed::PASSWORD).await;
    for path in [
        "/dashboard",
        "/dashboard/widgets",
        "/map",
        "/dashboard/events",
    ] {
        assert_eq!(
            reseller.get(app.url(path)).send().await.unwrap().status(),
            403,
            "{path}"
        );
    }
}

#[tokio::test]
async fn analytics_dashboard_events_announce_new_sales_of_the_tenant_only() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let manager = app.login("a.manager@test.example", seed::PASSWORD).await;
    let mut resp = manager
        .get(app.url("/dashboard/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The handler subscribed before answering: another tenant's event is skipped, ours arrives.
    relais::analytics::events::publish(&app.state.events, f.beta);
    relais::analytics::events::publish(&app.state.events, f.alpha);
    let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), resp.chunk())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&chunk);
    assert!(text.contains("event: sales"), "{text}");
}
