//! Small, explicit data for the challenge tests: products, lines written straight into the
//! tables (with chosen declaration times), and a challenge definition built in code.

use chrono::{NaiveDate, TimeZone};
use relais::db::Db;
use relais::domain::points::def::ChallengeDef;
use relais::with_db;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Noon UTC of a day: the same day in Europe/Paris.
pub fn at(day: &str) -> i64 {
    chrono::Utc
        .from_utc_datetime(&d(day).and_hms_opt(12, 0, 0).unwrap())
        .timestamp()
}

pub async fn product(db: &Db, tenant_id: i64, sku: &str, category: &str) -> i64 {
    let sql = "insert into products (tenant_id, sku, name, category, list_price_cents, created_at, updated_at) \
               values ($1, $2, $3, $4, 1000, 0, 0) returning id";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(sku).bind(format!("Product {sku}")).bind(category).fetch_one(p).await).unwrap()
}

/// Sets a reseller's segment (the seed makes every reseller a multi-brand B reseller).
pub async fn segment(db: &Db, reseller_id: i64, kind: &str, brand: &str, potential: &str) {
    let sql = "update resellers set reseller_type = $2, brand_organisation = $3, potential = $4 where id = $1";
    with_db!(db, p => sqlx::query(sql).bind(reseller_id).bind(kind).bind(brand).bind(potential).execute(p).await.map(|r| r.rows_affected())).unwrap();
}

pub async fn import(db: &Db, tenant_id: i64, reseller_id: i64, filename: &str) -> i64 {
    let sql = "insert into imports (tenant_id, reseller_id, kind, filename, content_hash, size_bytes, status, created_at) \
               values ($1, $2, 'declarations', $3, $3, 1, 'committed', 0) returning id";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(reseller_id).bind(filename).fetch_one(p).await).unwrap()
}

#[derive(Clone)]
pub struct Line {
    pub reseller_id: i64,
    pub product_id: i64,
    pub sale: &'static str,
    pub declared: &'static str,
    pub quantity: i64,
    pub amount_cents: i64,
    pub customer_type: Option<&'static str>,
    pub feedback: Option<&'static str>,
    pub status: &'static str,
    pub import: Option<(i64, i64)>,
}

impl Line {
    pub fn new(
        reseller_id: i64,
        product_id: i64,
        sale: &'static str,
        declared: &'static str,
        quantity: i64,
        amount_cents: i64,
    ) -> Line {
        Line {
            reseller_id,
            product_id,
            sale,
            declared,
            quantity,
            amount_cents,
            customer_type: None,
            feedback: None,
            status: "approved",
            import: None,
        }
    }
}

pub async fn line(db: &Db, tenant_id: i64, l: Line) -> i64 {
    let sql =
        "insert into declarations (tenant_id, reseller_id, status, source, import_id, created_at) \
               values ($1, $2, 'submitted', $3, $4, $5) returning id";
    let source = if l.import.is_some() { "file" } else { "form" };
    let import_id = l.import.map(|i| i.0);
    let decl = with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(l.reseller_id).bind(source).bind(import_id).bind(at(l.declared)).fetch_one(p).await).unwrap();
    let sql = "insert into declaration_lines (tenant_id, reseller_id, declaration_id, product_id, sale_date, quantity, \
               unit_price_cents, amount_cents, customer_type, feedback, source, import_id, source_sheet, source_row, \
               review_status, created_at) values ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10, $11, $12, $13, $14, $15) returning id";
    let sheet = l.import.map(|_| "Ventes".to_string());
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql)
        .bind(tenant_id).bind(l.reseller_id).bind(decl).bind(l.product_id).bind(d(l.sale)).bind(l.quantity)
        .bind(l.amount_cents).bind(l.customer_type).bind(l.feedback).bind(source).bind(import_id).bind(sheet)
        .bind(l.import.map(|i| i.1)).bind(l.status).bind(at(l.declared))
        .fetch_one(p).await).unwrap()
}

/// March 2026: 2 pts per mower unit, 1 pt per full 10 €, 5 pts quality, 3 pts if declared
/// within 7 days, ×1.5 for multi-brand resellers; a flat 100-point tier at 5 units.
pub fn march_def() -> ChallengeDef {
    serde_json::from_value(serde_json::json!({
        "id": 0, "start": "2026-03-01", "end": "2026-03-31", "version": 1,
        "league_mode": "type_and_potential",
        "rules": [
            { "label": "Mowers", "kind": "per_unit", "points": 2, "products": { "categories": ["mowers"] } },
            { "label": "Per 10 €", "kind": "per_amount", "points": 1, "per_cents": 1000 },
            { "label": "Customer data", "kind": "quality", "points": 5, "requires": "either" },
            { "label": "Quick", "kind": "timeliness", "points": 3, "within_days": 7 },
            { "label": "Multi-brand", "kind": "multiplier", "factor_permille": 1500, "segment": { "brand_organisations": ["Multi"] } }
        ],
        "tiers": { "basis": "units", "cumulative": true, "payout": "flat", "levels": [ { "threshold": 5, "bonus": 100 } ] }
    }))
    .unwrap()
}

pub fn header(name: &str) -> relais::db::challenges::Header<'_> {
    relais::db::challenges::Header {
        name,
        description: "",
        start: d("2026-03-01"),
        end: d("2026-03-31"),
        show_names: false,
        point_value_cents: 10,
        validity_months: None,
    }
}

/// Sum of a reseller's entries by state class: (available, pending).
pub async fn totals(db: &Db, tenant_id: i64, reseller_id: i64) -> (i64, i64) {
    let t = relais::db::points::totals(relais::db::points::Exec::Db(db), tenant_id, reseller_id)
        .await
        .unwrap();
    (t.available, t.pending)
}

pub async fn set_review(db: &Db, line_id: i64, status: &str, reason: Option<&str>) {
    let sql = "update declaration_lines set review_status = $2, review_reason = $3 where id = $1";
    with_db!(db, p => sqlx::query(sql).bind(line_id).bind(status).bind(reason).execute(p).await.map(|r| r.rows_affected())).unwrap();
}

/// Appends a confirmed credit (a balance to spend in redemption tests).
pub async fn credit(db: &Db, tenant_id: i64, reseller_id: i64, points: i64) {
    let mut tx = db.begin().await.unwrap();
    let e = relais::db::points::NewEntry {
        reseller_id,
        challenge_id: None,
        version: None,
        line_id: None,
        kind: "refund",
        rule_index: None,
        state: "refund",
        points,
        reason: "cancelled",
        basis: None,
        rate: None,
        factor_permille: None,
        capped_by: None,
        redemption_id: None,
        booked_on: d("2026-03-01"),
        expires_on: None,
    };
    relais::db::points::insert(&mut tx, tenant_id, &[e])
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

pub async fn reward(db: &Db, tenant_id: i64, name: &str, cost: i64, stock: Option<i64>) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let input = relais::db::rewards::RewardInput {
        name,
        description: "",
        points_cost: cost,
        stock,
        active: true,
    };
    let id = relais::db::rewards::insert(&mut tx, tenant_id, &input)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Tenant alpha of `seed::two_tenants` with a second reseller, A-002, a March line each (3 mowers
/// for 300 € by A-001, one for 10 € by A-002) and the draft challenge "Spring" (`march_def`).
pub struct Spring {
    pub tenant: i64,
    pub r1: i64,
    /// A-002's organisation.
    pub o2: i64,
    pub challenge: i64,
}

pub async fn spring(db: &Db) -> Spring {
    let (a, _) = crate::seed::two_tenants(db).await;
    let r1 = relais::db::network::by_organisation(db, a.tenant_id, a.organisation_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (r2, o2) = crate::seed::reseller(db, a.tenant_id, "A-002", None).await;
    let mower = product(db, a.tenant_id, "M-1", "mowers").await;
    let import = import(db, a.tenant_id, r1, "mars.xlsx").await;
    let mut l1 = Line::new(r1, mower, "2026-03-10", "2026-03-12", 3, 30_000);
    l1.import = Some((import, 4));
    line(db, a.tenant_id, l1).await;
    line(
        db,
        a.tenant_id,
        Line::new(r2, mower, "2026-03-11", "2026-03-30", 1, 1_000),
    )
    .await;
    let challenge =
        relais::challenges::create(db, a.tenant_id, None, &header("Spring"), &march_def())
            .await
            .unwrap();
    Spring {
        tenant: a.tenant_id,
        r1,
        o2,
        challenge,
    }
}
