use super::*;
use crate::with_db;
use chrono::Duration as Days;

const LINES: u64 = 40_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 20).expect("valid date")
}

async fn sqlite_db(dir: &tempfile::TempDir, name: &str) -> Db {
    let path = dir.path().join(name);
    let db = Db::connect(&format!("sqlite://{}", path.display()), 2)
        .await
        .expect("open SQLite");
    db.migrate().await.expect("migrate");
    db
}

/// What must be identical for the same seed: counts and sums per tenant.
#[derive(Debug, PartialEq, Eq)]
struct TenantStats {
    slug: String,
    period: String,
    resellers: i64,
    products: i64,
    staff: i64,
    declarations: i64,
    lines: i64,
    quantity: i64,
    amount: i64,
    with_customer: i64,
    with_feedback: i64,
    pending: i64,
    rejected: i64,
    imports: i64,
}

async fn stats(db: &Db) -> Vec<TenantStats> {
    let sql = "select t.slug, t.declaration_period, \
        (select count(*) from resellers r where r.tenant_id = t.id), \
        (select count(*) from products p where p.tenant_id = t.id), \
        (select count(*) from users u where u.tenant_id = t.id), \
        (select count(*) from declarations d where d.tenant_id = t.id), \
        (select count(*) from declaration_lines l where l.tenant_id = t.id), \
        (select cast(coalesce(sum(quantity), 0) as bigint) from declaration_lines l where l.tenant_id = t.id), \
        (select cast(coalesce(sum(amount_cents), 0) as bigint) from declaration_lines l where l.tenant_id = t.id), \
        (select count(*) from declaration_lines l where l.tenant_id = t.id and customer_hash is not null), \
        (select count(*) from declaration_lines l where l.tenant_id = t.id and feedback is not null), \
        (select count(*) from declaration_lines l where l.tenant_id = t.id and review_status = 'pending'), \
        (select count(*) from declaration_lines l where l.tenant_id = t.id and review_status = 'rejected'), \
        (select count(*) from imports i where i.tenant_id = t.id) \
        from tenants t order by t.slug";
    type Row = (
        String,
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    );
    let rows: Vec<Row> = with_db!(db, p => sqlx::query_as(sql).fetch_all(p).await).expect("stats");
    rows.into_iter()
        .map(|r| TenantStats {
            slug: r.0,
            period: r.1,
            resellers: r.2,
            products: r.3,
            staff: r.4,
            declarations: r.5,
            lines: r.6,
            quantity: r.7,
            amount: r.8,
            with_customer: r.9,
            with_feedback: r.10,
            pending: r.11,
            rejected: r.12,
            imports: r.13,
        })
        .collect()
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Checks the shape of generated demo data (on either backend).
async fn check_shape(db: &Db, summary: &DemoSummary) {
    let stats = stats(db).await;
    assert_eq!(stats.len(), 2);
    let brasserie = &stats[0];
    let verdure = &stats[1];
    assert_eq!(
        (verdure.slug.as_str(), verdure.period.as_str()),
        ("verdure", "month")
    );
    assert_eq!(
        (brasserie.slug.as_str(), brasserie.period.as_str()),
        ("brasserie", "week")
    );
    let lines = verdure.lines + brasserie.lines;
    assert_eq!(lines as u64, summary.lines);
    assert!(
        (lines as f64 - LINES as f64).abs() <= LINES as f64 * 0.05,
        "{lines} lines for {LINES} requested"
    );
    for s in &stats {
        assert!((290..=310).contains(&s.resellers), "{s:?}");
        assert!((110..=130).contains(&s.products), "{s:?}");
        assert!((6..=8).contains(&s.staff), "{s:?}");
        assert!(
            s.with_customer > 0 && s.with_feedback > 0 && s.pending > 0 && s.imports > 0,
            "{s:?}"
        );
        assert!(s.amount > 0 && s.quantity >= s.lines, "{s:?}");
    }
    assert_eq!(
        summary.declarations as i64,
        verdure.declarations + brasserie.declarations
    );

    // The demo logins.
    let role = |email: &'static str| async move {
        crate::db::users::by_email(db, email)
            .await
            .expect("query")
            .map(|u| u.role)
            .unwrap_or_default()
    };
    assert_eq!(role("admin@verdure.demo").await, "admin");
    assert_eq!(role("manager@verdure.demo").await, "manager");
    assert_eq!(role("manager@brasserie.demo").await, "manager");
    assert_eq!(role(DEMO_RESELLER_EMAIL).await, "reseller");
    let user = crate::db::users::by_email(db, DEMO_RESELLER_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let hash = user.password_hash.expect("a password");
    assert!(crate::auth::verify_password(DEMO_PASSWORD.into(), Some(hash)).await);
    // Its organisation is in both networks, with declarations in both, and both manufacturers
    // granted it access.
    let organisation = user.organisation_id.expect("an organisation");
    let tenants = crate::db::tenants::of_reseller_user(db, user.id)
        .await
        .unwrap();
    assert_eq!(tenants.len(), 2);
    let ungranted = scalar(
        db,
        "select count(*) from users u join resellers r on r.organisation_id = u.organisation_id \
         where u.role = 'reseller' and not exists (select 1 from reseller_access g \
         where g.user_id = u.id and g.reseller_id = r.id)",
    )
    .await;
    assert_eq!(
        ungranted, 0,
        "every demo reseller user works for its own reseller"
    );
    let declared = scalar(
        db,
        &format!(
            "select count(distinct d.tenant_id) from declarations d join resellers r on r.id = d.reseller_id \
             where r.organisation_id = {organisation}"
        ),
    )
    .await;
    assert_eq!(declared, 2);
    // The demo manager owns a good share of the network.
    let owned = scalar(
        db,
        "select count(*) from resellers r join users u on u.id = r.manager_id where u.email like 'manager@%'",
    )
    .await;
    assert!(
        owned * 5 > verdure.resellers + brasserie.resellers,
        "demo managers own {owned}"
    );

    // Prospects, never-declared, to-follow-up and lapsed resellers.
    let last_sales: Vec<(String, Option<String>)> = with_db!(db, p => sqlx::query_as(
        "select r.status, (select max(cast(l.sale_date as text)) from declaration_lines l \
           where l.tenant_id = r.tenant_id and l.reseller_id = r.id) from resellers r")
        .fetch_all(p).await)
    .unwrap();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let now = today();
    let count = |f: &dyn Fn(&str, Option<NaiveDate>) -> bool| {
        last_sales
            .iter()
            .filter(|(status, last)| f(status, last.as_deref().map(day)))
            .count()
    };
    assert_eq!(
        count(&|s, last| s == "prospect" && last.is_some()),
        0,
        "prospects never declare"
    );
    assert!(count(&|s, _| s == "prospect") > 30);
    assert!(
        count(&|s, last| s == "active" && last.is_none()) > 5,
        "active, never declared"
    );
    assert!(
        count(&|s, last| s == "active" && last.is_some_and(|d| d > now - Days::days(60))) > 300
    );
    let follow_up = count(&|_, last| {
        last.is_some_and(|d| d <= now - Days::days(60) && d > now - Days::days(120))
    });
    assert!(follow_up > 20, "to follow up: {follow_up}");
    assert!(
        count(&|_, last| last.is_some_and(|d| d <= now - Days::days(120))) > 20,
        "lapsed"
    );

    // Every line's product and reseller belong to the line's tenant; sources match.
    assert_eq!(
        scalar(
            db,
            "select count(*) from declaration_lines l join products p on p.id = l.product_id \
             join resellers r on r.id = l.reseller_id join declarations d on d.id = l.declaration_id \
             where p.tenant_id <> l.tenant_id or r.tenant_id <> l.tenant_id or d.tenant_id <> l.tenant_id \
             or d.reseller_id <> l.reseller_id or d.source <> l.source"
        )
        .await,
        0
    );
    assert_eq!(scalar(db, "select count(*) from declaration_lines where amount_cents <> quantity * unit_price_cents").await, 0);
    assert_eq!(
        scalar(db, "select count(*) from declaration_lines l join declarations d on d.id = l.declaration_id \
                    where l.sale_date < d.period_start or l.sale_date > d.period_end").await,
        0
    );
    let staff_share = scalar(db, "select count(*) * 100 / (select count(*) from declarations) from declarations where source = 'staff'").await;
    assert!(
        (8..=25).contains(&staff_share),
        "staff declarations: {staff_share}%"
    );
    let online = scalar(db, "select count(*) * 100 / (select count(*) from declaration_lines) from declaration_lines where channel = 'online'").await;
    assert!((10..=30).contains(&online), "online lines: {online}%");
    assert!(scalar(db, "select count(*) from resellers where country <> 'FR'").await > 0);
    assert!(scalar(db, "select count(*) from products where active = false").await > 0);
    assert!(
        scalar(
            db,
            "select count(*) from product_aliases where reseller_id is not null"
        )
        .await
            >= 8
    );
}

#[tokio::test]
async fn same_seed_gives_the_same_realistic_data() {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions {
        lines: LINES,
        seed: 7,
    };
    let a = sqlite_db(&dir, "a.db").await;
    assert!(is_empty(&a).await.unwrap());
    let calls = std::cell::Cell::new(0);
    let summary = generate_at(&a, &opts, today(), &|done, total| {
        assert!(done <= total);
        calls.set(calls.get() + 1);
    })
    .await
    .unwrap();
    assert!(calls.get() >= 1);
    assert!(!is_empty(&a).await.unwrap());
    check_shape(&a, &summary).await;

    let b = sqlite_db(&dir, "b.db").await;
    generate_at(&b, &opts, today(), &|_, _| {}).await.unwrap();
    assert_eq!(stats(&a).await, stats(&b).await);

    let c = sqlite_db(&dir, "c.db").await;
    generate_at(
        &c,
        &DemoOptions {
            lines: LINES,
            seed: 8,
        },
        today(),
        &|_, _| {},
    )
    .await
    .unwrap();
    assert_ne!(
        stats(&a).await,
        stats(&c).await,
        "another seed gives other data"
    );

    let again = generate_at(&a, &opts, today(), &|_, _| {}).await;
    let message = again.expect_err("refused").to_string();
    assert!(message.contains("already has the demo tenant"), "{message}");
}

/// With RELAIS_TEST_POSTGRES_URL set, the generator also runs into a fresh PostgreSQL database
/// and must produce exactly what it produces on SQLite.
#[tokio::test]
async fn postgres_gets_the_same_data_as_sqlite() {
    let Ok(url) = std::env::var("RELAIS_TEST_POSTGRES_URL") else {
        eprintln!("RELAIS_TEST_POSTGRES_URL not set: skipping the PostgreSQL demo test");
        return;
    };
    let name = format!("relais_demo_test_{:016x}", rand::random::<u64>());
    let admin = Db::connect(&url, 1).await.expect("connect to PostgreSQL");
    with_db!(&admin, p => sqlx::query(&format!("create database {name}")).execute(p).await.map(|_| ())).unwrap();
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let result = async {
        let db = Db::connect(&format!("{base}/{name}"), 2).await?;
        db.migrate().await?;
        let opts = DemoOptions {
            lines: LINES,
            seed: 7,
        };
        let summary = generate_at(&db, &opts, today(), &|_, _| {}).await?;
        check_shape(&db, &summary).await;
        let dir = tempfile::tempdir()?;
        let lite = sqlite_db(&dir, "twin.db").await;
        generate_at(&lite, &opts, today(), &|_, _| {}).await?;
        assert_eq!(stats(&db).await, stats(&lite).await);
        db.close().await;
        anyhow::Ok(())
    }
    .await;
    with_db!(&admin, p => sqlx::query(&format!("drop database if exists {name} with (force)")).execute(p).await.map(|_| ()))
        .unwrap();
    result.unwrap();
}

/// Measures the generation rate: `RELAIS_DEMO_BENCH_LINES=1000000 cargo test --release --lib
/// demo::tests::rate -- --ignored --nocapture` (into SQLite, and into PostgreSQL too when
/// RELAIS_TEST_POSTGRES_URL is set).
#[tokio::test]
#[ignore]
async fn rate() {
    let lines = std::env::var("RELAIS_DEMO_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let opts = DemoOptions { lines, seed: 42 };
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(&dir, "rate.db").await;
    let summary = generate(&db, &opts, &|done, total| eprintln!("{done}/{total}"))
        .await
        .unwrap();
    eprintln!("SQLite: {summary}");
    if let Ok(url) = std::env::var("RELAIS_TEST_POSTGRES_URL") {
        let name = format!("relais_demo_test_{:016x}", rand::random::<u64>());
        let admin = Db::connect(&url, 1).await.unwrap();
        with_db!(&admin, p => sqlx::query(&format!("create database {name}")).execute(p).await.map(|_| ())).unwrap();
        let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
        let result = async {
            let db = Db::connect(&format!("{base}/{name}"), 2).await?;
            db.migrate().await?;
            let summary = generate(&db, &opts, &|_, _| {}).await?;
            db.close().await;
            anyhow::Ok(summary)
        }
        .await;
        with_db!(&admin, p => sqlx::query(&format!("drop database if exists {name} with (force)")).execute(p).await.map(|_| ()))
            .unwrap();
        eprintln!("PostgreSQL: {}", result.unwrap());
    }
}
