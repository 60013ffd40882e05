//! Sell-out declarations through the web form: drafts that count nowhere, an explicit submit
//! that writes lines, roll-ups and points together, review of implausible lines, errors next to
//! their fields in both languages, numbers read in the user's language. Staff declaring on a
//! reseller's behalf, isolation and CSRF are in `declarations_form_access`.

use crate::declarations::{scalar, setup};
use crate::helpers::{csrf_in, TestApp};
use crate::seed::PASSWORD;
use chrono::{Datelike, Duration, NaiveDate};

pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

pub fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

pub async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let resp = client.get(app.url(path)).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// Posts `fields` to `path` with the CSRF token of `page`, in the given UI language.
pub async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    path: &str,
    lang: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (status, html) = get(app, client, page).await;
    let token =
        csrf_in(&html).unwrap_or_else(|| panic!("no CSRF token on {page} ({status}): {html}"));
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    client
        .post(app.url(path))
        .header("accept-language", lang)
        .form(&all)
        .send()
        .await
        .unwrap()
}

/// Starts a draft from a list page (`/declare` or `/network/{code}/declare`); returns its path.
pub async fn new_draft(
    app: &TestApp,
    client: &reqwest::Client,
    list: &str,
    period: &str,
) -> String {
    let resp = post(app, client, list, list, "fr", &[("period", period)]).await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    let to = location(&resp);
    assert!(to.starts_with("/declare/"), "{to}");
    to
}

/// Types one line in the draft's blank line and presses "add".
pub async fn add_line(app: &TestApp, client: &reqwest::Client, draft: &str, line: &[(&str, &str)]) {
    let mut fields: Vec<(String, String)> = line
        .iter()
        .map(|(k, v)| (format!("new_{k}"), v.to_string()))
        .collect();
    fields.push(("action".into(), "add".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let resp = post(app, client, draft, draft, "fr", &refs).await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
}

pub async fn reseller_id(app: &TestApp, tenant: i64, code: &str) -> i64 {
    scalar(
        &app.db,
        &format!("select id from resellers where tenant_id = {tenant} and code = '{code}'"),
    )
    .await
}

/// (dashboard quantity, available points, pending points) of the tenant and reseller.
pub async fn figures(app: &TestApp, tenant: i64, reseller: i64) -> (i64, i64, i64) {
    let q: relais::analytics::filter::FilterQuery = serde_urlencoded::from_str("").unwrap();
    let dash = relais::analytics::dashboard::dashboard(&app.db, tenant, &q.resolve(today()))
        .await
        .unwrap();
    let t = relais::db::points::totals(relais::db::points::Exec::Db(&app.db), tenant, reseller)
        .await
        .unwrap();
    (dash.total.quantity, t.available, t.pending)
}

/// A live challenge of one point per unit sold around today.
pub async fn challenge(app: &TestApp, tenant: i64) {
    let start = today() - Duration::days(30);
    let end = today() + Duration::days(30);
    let def: relais::domain::points::def::ChallengeDef =
        serde_json::from_value(serde_json::json!({
            "id": 0, "start": start.to_string(), "end": end.to_string(), "version": 1,
            "league_mode": "none",
            "rules": [ { "label": "Units", "kind": "per_unit", "points": 1 } ]
        }))
        .unwrap();
    let header = relais::db::challenges::Header {
        name: "Form",
        description: "",
        start,
        end,
        show_names: false,
        point_value_cents: 10,
        validity_months: None,
    };
    let id = relais::challenges::create(&app.db, tenant, None, &header, &def)
        .await
        .unwrap();
    relais::challenges::launch(&app.db, tenant, id, None)
        .await
        .unwrap();
}

/// The text of the element with this id.
pub fn text_of(html: &str, id: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("[id='{id}']")).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_draft_counts_nowhere_until_submitted_then_lines_figures_and_points_follow() {
    let app = crate::helpers::spawn_app().await;
    let tenant = setup(&app).await;
    let reseller = reseller_id(&app, tenant, "A-001").await;
    challenge(&app, tenant).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let day = (today() - Duration::days(2)).to_string();

    let draft = new_draft(&app, &r, "/declare", "").await;
    add_line(
        &app,
        &r,
        &draft,
        &[
            ("product", "sc-20"),
            ("quantity", "2"),
            ("sale_date", &day),
            ("customer_type", "landscaper"),
            ("customer_postal_code", "35000"),
            ("customer_id", "Client 42"),
            ("channel", "store"),
            ("feedback", "Très satisfait"),
            ("rating", "5"),
        ],
    )
    .await;
    // By name, with a line amount instead of a unit price.
    add_line(
        &app,
        &r,
        &draft,
        &[
            ("product", "Product HT-10"),
            ("quantity", "3"),
            ("amount", "267,00"),
            ("sale_date", &day),
            ("channel", "online"),
        ],
    )
    .await;
    // A unit price far from the list price (199.90): held for review.
    add_line(
        &app,
        &r,
        &draft,
        &[
            ("product", "TD-450"),
            ("quantity", "1"),
            ("unit_price", "1,00"),
            ("sale_date", &day),
        ],
    )
    .await;

    let (status, page) = get(&app, &r, &draft).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Product HT-10 (HT-10)"),
        "the name resolves: {page}"
    );
    assert!(
        !page.contains("Client 42"),
        "the identifier is never shown back"
    );
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_draft_lines").await,
        3
    );
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_draft_lines where customer_hash is not null and customer_hash not like '%42%'").await,
        1,
        "only a keyed hash of the identifier is stored"
    );
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        0
    );
    assert_eq!(
        figures(&app, tenant, reseller).await,
        (0, 0, 0),
        "a draft counts nowhere"
    );

    let resp = post(&app, &r, &draft, &draft, "en", &[("action", "submit")]).await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    assert_eq!(location(&resp), "/declare");
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where source = 'form'"
        )
        .await,
        3
    );
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_status = 'pending' \
             and review_reason = 'price_far_from_list' and quantity = 1"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where customer_type = 'landscaper' \
             and channel = 'store' and rating = 5 and customer_hash is not null \
             and amount_cents = 3980 and customer_postal_code = '35000'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where unit_price_cents = 8900 and amount_cents = 26700"
        )
        .await,
        1
    );
    assert_eq!(
        figures(&app, tenant, reseller).await,
        (5, 5, 1),
        "approved lines reach the dashboard and points; the held one is pending"
    );
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_draft_lines").await,
        0
    );
    assert_eq!(
        scalar(&app.db, "select count(*) from declarations where status = 'submitted' and source = 'form' and period_start is not null").await,
        1
    );
    let (_, list) = get(&app, &r, "/declare").await;
    assert!(list.contains("Déclarations envoyées"), "{list}");

    // Submitted: no longer a draft to edit; submitting it again says so and adds nothing.
    let (status, _) = get(&app, &r, &draft).await;
    assert_eq!(status, 404);
    let resp = post(&app, &r, "/declare", &draft, "fr", &[("action", "submit")]).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/declare");
    assert_eq!(
        crate::concurrency::flash(&resp).map(|f| f.0).as_deref(),
        Some("info")
    );
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        3
    );
}

#[tokio::test]
async fn errors_show_next_to_their_fields_in_french_and_english_and_keep_what_was_typed() {
    let app = crate::helpers::spawn_app().await;
    setup(&app).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    // The previous month: sale dates must fall inside it.
    let this_month = today().with_day(1).unwrap();
    let start = (this_month - Duration::days(1)).with_day(1).unwrap();
    let inside = start + Duration::days(3);
    let before = start - Duration::days(2);
    let future = today() + Duration::days(5);

    let draft = new_draft(&app, &r, "/declare", &start.to_string()).await;
    let (inside_s, future_s, before_s) =
        (inside.to_string(), future.to_string(), before.to_string());
    let lines: [Vec<(&str, &str)>; 3] = [
        vec![
            ("product", "NOPE-1"),
            ("quantity", "2"),
            ("sale_date", &inside_s),
        ],
        vec![
            ("product", "SC-20"),
            ("quantity", "abc"),
            ("sale_date", &future_s),
            ("rating", "7"),
        ],
        vec![
            ("product", "SC-20"),
            ("quantity", "0"),
            ("sale_date", &before_s),
        ],
    ];
    for line in &lines {
        add_line(&app, &r, &draft, line).await;
    }
    let ids: Vec<i64> = relais::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "select id from declaration_draft_lines order by position").fetch_all(p).await)
    .unwrap();
    assert_eq!(ids.len(), 3);

    let expected = [
        (
            "fr",
            [
                "Ce produit n'est pas dans le catalogue.",
                "La quantité n'est pas un nombre.",
                "La date de vente est dans le futur.",
                "La note doit être un nombre entier de 1 à 5.",
                "La quantité est zéro.",
                "La date de vente est hors de la période déclarée.",
            ],
            "rien n’a été envoyé",
        ),
        (
            "en",
            [
                "This product is not in the catalogue.",
                "The quantity is not a number.",
                "The sale date is in the future.",
                "The rating must be a whole number from 1 to 5.",
                "The quantity is zero.",
                "The sale date is outside the declared period.",
            ],
            "nothing was submitted",
        ),
    ];
    for (lang, messages, summary) in expected {
        let resp = post(&app, &r, &draft, &draft, lang, &[("action", "submit")]).await;
        assert_eq!(resp.status(), 422, "{lang}");
        let html = resp.text().await.unwrap();
        assert!(html.contains(summary), "{lang}: {html}");
        let at =
            |line: usize, field: &str| text_of(&html, &format!("f-l{}_{field}-error", ids[line]));
        assert!(
            at(0, "product").contains(messages[0]),
            "{lang}: {}",
            at(0, "product")
        );
        assert!(at(1, "quantity").contains(messages[1]), "{lang}");
        assert!(at(1, "sale_date").contains(messages[2]), "{lang}");
        assert!(at(1, "rating").contains(messages[3]), "{lang}");
        assert!(at(2, "quantity").contains(messages[4]), "{lang}");
        assert!(at(2, "sale_date").contains(messages[5]), "{lang}");
        for kept in [r#"value="NOPE-1""#, r#"value="abc""#, r#"value="7""#] {
            assert!(html.contains(kept), "{lang}: {kept} kept");
        }
    }
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        0,
        "nothing is submitted while a line has an error"
    );
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declarations where status = 'draft'"
        )
        .await,
        1
    );

    // Fixing the lines in the form (and removing one) then submitting works.
    let (l0, l1, l2) = (
        format!("l{}", ids[0]),
        format!("l{}", ids[1]),
        format!("l{}", ids[2]),
    );
    let inside = inside.to_string();
    let remove = format!("remove:{}", ids[2]);
    let fix = [
        (format!("{l0}_product"), "SC-20"),
        (format!("{l0}_quantity"), "2"),
        (format!("{l0}_sale_date"), inside.as_str()),
        (format!("{l1}_product"), "SC-20"),
        (format!("{l1}_quantity"), "1"),
        (format!("{l1}_sale_date"), inside.as_str()),
        (format!("{l1}_rating"), "4"),
        (format!("{l2}_product"), "SC-20"),
        ("action".to_string(), remove.as_str()),
    ];
    let refs: Vec<(&str, &str)> = fix.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let resp = post(&app, &r, &draft, &draft, "fr", &refs).await;
    assert_eq!(resp.status(), 303);
    let resp = post(&app, &r, &draft, &draft, "fr", &[("action", "submit")]).await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where review_status = 'approved'"
        )
        .await,
        2
    );

    // An empty draft cannot be submitted; a period in the future cannot be chosen.
    let empty = new_draft(&app, &r, "/declare", "").await;
    let resp = post(&app, &r, &empty, &empty, "en", &[("action", "submit")]).await;
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("Add at least one line"));
    let next_month = (this_month + Duration::days(40))
        .with_day(1)
        .unwrap()
        .to_string();
    let resp = post(
        &app,
        &r,
        "/declare",
        "/declare",
        "en",
        &[("period", &next_month)],
    )
    .await;
    assert_eq!(resp.status(), 422);
}

#[tokio::test]
async fn form_numbers_are_read_in_the_users_language() {
    let app = crate::helpers::spawn_app().await;
    setup(&app).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let day = (today() - Duration::days(2)).to_string();
    // "1,250": one euro twenty-five in French, one thousand two hundred and fifty in English;
    // "1 250,5" and "2.5" read the same in both.
    for (lang, price, amount, cents) in [
        ("fr", "1,250", "1 250,5", (125, 125050)),
        ("en", "1,250", "2.5", (125000, 250)),
    ] {
        let draft = new_draft(&app, &r, "/declare", "").await;
        for (sku, field, value) in [("SC-20", "unit_price", price), ("HT-10", "amount", amount)] {
            add_line(
                &app,
                &r,
                &draft,
                &[
                    ("product", sku),
                    ("quantity", "1"),
                    (field, value),
                    ("sale_date", &day),
                ],
            )
            .await;
        }
        let resp = post(&app, &r, &draft, &draft, lang, &[("action", "submit")]).await;
        assert_eq!(resp.status(), 303, "{lang}: {}", resp.text().await.unwrap());
        let decl = draft.rsplit('/').next().unwrap();
        let got = (
            scalar(&app.db, &format!("select l.unit_price_cents from declaration_lines l join products p on p.id = l.product_id where l.declaration_id = {decl} and p.sku = 'SC-20'")).await,
            scalar(&app.db, &format!("select l.amount_cents from declaration_lines l join products p on p.id = l.product_id where l.declaration_id = {decl} and p.sku = 'HT-10'")).await,
        );
        assert_eq!(got, cents, "{lang}");
    }
}
