//! Every declaration state change happens once, however many identical requests arrive together:
//! a web commit (add or replace), an undo, a review decision, a draft submit, an API retry with
//! its Idempotency-Key; and distinct declarations of one reseller sent at once all succeed.
//! Each test runs on SQLite and, with RELAIS_TEST_POSTGRES_URL, on PostgreSQL.

use crate::concurrency::{at_once, locations, once_then, page_form, same_form, tally, N};
use crate::declarations::{scalar, setup};
use crate::declarations_effects::sheet;
use crate::declarations_form::{add_line, challenge, figures, get, new_draft, reseller_id, today};
use crate::declarations_web::{location, upload};
use crate::helpers::{spawn_app, TestApp};
use crate::seed::PASSWORD;

/// Tenant alpha with its catalogue, a live one-point-per-unit challenge and the reseller's
/// logged-in client: (tenant, reseller id, client).
async fn world(app: &TestApp) -> (i64, i64, reqwest::Client) {
    let tenant = setup(app).await;
    challenge(app, tenant).await;
    let reseller = reseller_id(app, tenant, "A-001").await;
    let client = app.login("a.reseller@test.example", PASSWORD).await;
    (tenant, reseller, client)
}

/// Uploads a file; returns the preview's path (`/imports/{id}`).
async fn staged(app: &TestApp, client: &reqwest::Client, name: &str, file: Vec<u8>) -> String {
    let resp = upload(app, client, "/declare/upload", name, file, "").await;
    assert_eq!(resp.status(), 303, "upload of {name}");
    location(&resp)
}

/// Fires `N` copies of the preview's commit form with this overlap choice.
async fn commit_n(
    app: &TestApp,
    client: &reqwest::Client,
    preview: &str,
    overlap: &str,
) -> Vec<reqwest::Response> {
    let fields = page_form(app, client, preview, "/commit", &[("overlap", overlap)]).await;
    let url = app.url(&format!("{preview}/commit"));
    at_once(same_form(client, &url, &fields, N)).await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    scalar(&app.db, sql).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_commits_of_one_preview_store_it_once() {
    let app = spawn_app().await;
    let (tenant, reseller, r) = world(&app).await;
    let day = today() - chrono::Duration::days(2);
    let preview = staged(
        &app,
        &r,
        "a.xlsx",
        sheet(&[("SC-20", 2), ("SC-20", 3)], day),
    )
    .await;

    let answers = commit_n(&app, &r, &preview, "add").await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(
        locations(&answers),
        [preview.as_str()],
        "every click lands on the import"
    );
    assert_eq!(
        count(&app, "select count(*) from declaration_lines").await,
        2
    );
    assert_eq!(count(&app, "select count(*) from declarations").await, 1);
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'commit'"
        )
        .await,
        1
    );
    assert_eq!(
        figures(&app, tenant, reseller).await,
        (5, 5, 0),
        "figures and points once"
    );
    let (_, page) = get(&app, &r, &preview).await;
    assert!(
        !page.contains("/commit"),
        "the committed import offers no second commit"
    );
}

#[tokio::test]
async fn a_commit_from_a_preview_corrected_since_writes_nothing() {
    let app = spawn_app().await;
    let (tenant, reseller, r) = world(&app).await;
    let day = today() - chrono::Duration::days(2);
    let preview = staged(&app, &r, "c.xlsx", sheet(&[("SC-20", 2)], day)).await;
    // The preview is open in one tab; in another, its columns are corrected.
    let old_form = page_form(&app, &r, &preview, "/commit", &[("overlap", "add")]).await;
    let columns = [
        ("col_0", "sale_date"),
        ("col_1", "product"),
        ("col_2", "quantity"),
    ];
    let fields = page_form(&app, &r, &preview, "/mapping", &columns).await;
    let resp = r
        .post(app.url(&format!("{preview}/mapping")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);

    let url = app.url(&format!("{preview}/commit"));
    let resp = r.post(&url).form(&old_form).send().await.unwrap();
    assert_eq!(location(&resp), preview, "back to the current preview");
    assert_eq!(
        crate::concurrency::flash(&resp).map(|f| f.0).as_deref(),
        Some("error")
    );
    let mut no_token = old_form.clone();
    no_token.retain(|(k, _)| k != "commit_token");
    let resp = r.post(&url).form(&no_token).send().await.unwrap();
    assert_eq!(location(&resp), preview);
    assert_eq!(
        count(&app, "select count(*) from declaration_lines").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from imports where status = 'pending'"
        )
        .await,
        1
    );

    let answers = commit_n(&app, &r, &preview, "add").await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(figures(&app, tenant, reseller).await, (2, 2, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_replacing_commits_withdraw_the_earlier_lines_once() {
    let app = spawn_app().await;
    let (tenant, reseller, r) = world(&app).await;
    let day = today() - chrono::Duration::days(3);
    let first = staged(&app, &r, "first.xlsx", sheet(&[("SC-20", 2)], day)).await;
    let answers = commit_n(&app, &r, &first, "add").await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(figures(&app, tenant, reseller).await, (2, 2, 0));

    let second = staged(&app, &r, "second.xlsx", sheet(&[("SC-20", 4)], day)).await;
    let answers = commit_n(&app, &r, &second, "replace").await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(
        count(&app, "select count(*) from declaration_lines").await,
        2,
        "one line per file"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from declaration_lines where review_status = 'withdrawn'"
        )
        .await,
        1
    );
    assert_eq!(figures(&app, tenant, reseller).await, (4, 4, 0));
    assert_eq!(
        count(&app, "select count(*) from points_entries where points < 0").await,
        1,
        "the replaced line's point is reversed once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_undos_withdraw_an_import_once() {
    let app = spawn_app().await;
    let (tenant, reseller, r) = world(&app).await;
    let day = today() - chrono::Duration::days(2);
    let preview = staged(
        &app,
        &r,
        "u.xlsx",
        sheet(&[("SC-20", 2), ("HT-10", 1)], day),
    )
    .await;
    commit_n(&app, &r, &preview, "add").await;
    assert_eq!(figures(&app, tenant, reseller).await, (3, 3, 0));

    let fields = page_form(&app, &r, &preview, "/undo", &[]).await;
    let url = app.url(&format!("{preview}/undo"));
    let answers = at_once(same_form(&r, &url, &fields, N)).await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(locations(&answers), [preview.as_str()]);
    assert_eq!(
        count(&app, "select count(*) from audit_log where action = 'undo'").await,
        1
    );
    assert_eq!(figures(&app, tenant, reseller).await, (0, 0, 0));
    assert_eq!(
        count(&app, "select count(*) from points_entries where points < 0").await,
        2,
        "each line's points are reversed once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_review_decisions_on_a_line_decide_it_once() {
    let app = spawn_app().await;
    let (tenant, reseller, r) = world(&app).await;
    let day = today() - chrono::Duration::days(2);
    // Three lines of 2 make 2 the usual quantity; 11 and 12 are held for review.
    let usual = sheet(&[("SC-20", 2), ("SC-20", 2), ("SC-20", 2)], day);
    let preview = staged(&app, &r, "usual.xlsx", usual).await;
    commit_n(&app, &r, &preview, "add").await;
    let preview = staged(
        &app,
        &r,
        "big.xlsx",
        sheet(&[("SC-20", 11), ("SC-20", 12)], day),
    )
    .await;
    commit_n(&app, &r, &preview, "add").await;
    assert_eq!(figures(&app, tenant, reseller).await, (6, 6, 23));
    let held = |q: i64| {
        format!(
            "select id from declaration_lines where review_status = 'pending' and quantity = {q}"
        )
    };
    let approve = count(&app, &held(11)).await.to_string();
    let reject = count(&app, &held(12)).await.to_string();

    let m = app.login("a.manager@test.example", PASSWORD).await;
    let url = app.url("/reviews");
    let fields = page_form(&app, &m, "/reviews", "/reviews", &[]).await;
    let with = |line: &str, decision: &str, reason: &str| {
        let mut f = fields.clone();
        f.extend(
            [("line", line), ("decision", decision), ("reason", reason)]
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        f
    };
    let answers = at_once(same_form(&m, &url, &with(&approve, "approve", ""), N)).await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    let answers = at_once(same_form(
        &m,
        &url,
        &with(&reject, "reject", "no such sale"),
        N,
    ))
    .await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    for action in ["approve", "reject"] {
        assert_eq!(
            count(
                &app,
                &format!("select count(*) from audit_log where action = '{action}'")
            )
            .await,
            1,
            "{action}"
        );
    }
    assert_eq!(figures(&app, tenant, reseller).await, (17, 17, 0));
    assert_eq!(
        count(
            &app,
            "select count(*) from points_entries where state = 'confirmed'"
        )
        .await,
        4,
        "three lines earned, one approved: confirmed once each"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_submits_of_one_draft_write_it_once() {
    let app = spawn_app().await;
    let (tenant, reseller, r) = world(&app).await;
    let day = (today() - chrono::Duration::days(1)).to_string();
    let draft = new_draft(&app, &r, "/declare", "").await;
    for q in ["2", "3"] {
        add_line(
            &app,
            &r,
            &draft,
            &[("product", "SC-20"), ("quantity", q), ("sale_date", &day)],
        )
        .await;
    }
    let fields = page_form(&app, &r, &draft, &draft, &[("action", "submit")]).await;
    let answers = at_once(same_form(&r, &app.url(&draft), &fields, N)).await;
    assert_eq!(tally(&answers), once_then("303 success", "303 info", N));
    assert_eq!(locations(&answers), ["/declare"]);
    assert_eq!(
        count(&app, "select count(*) from declaration_lines").await,
        2
    );
    assert_eq!(
        count(&app, "select count(*) from declaration_draft_lines").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'submit'"
        )
        .await,
        1
    );
    assert_eq!(figures(&app, tenant, reseller).await, (5, 5, 0));
}

/// A reseller API token made on the settings page.
async fn api_token(app: &TestApp) -> String {
    crate::declarations_api::token(app, "a.reseller@test.example").await
}

fn one_line(quantity: i64, unit_price: &str) -> serde_json::Value {
    let day = (today() - chrono::Duration::days(1)).to_string();
    serde_json::json!({ "lines": [
        { "product": "SC-20", "quantity": quantity, "sale_date": day, "unit_price": unit_price }
    ]})
}

/// The `i`-th of 50 distinct one-unit sales: one of two products on one of 25 recent days, so
/// that the declarations share no roll-up row (a shared row would queue them by itself).
fn distinct_sale(i: i64) -> (&'static str, String) {
    let product = if i < 25 { "SC-20" } else { "HT-10" };
    (
        product,
        (today() - chrono::Duration::days(1 + i % 25)).to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_api_retries_with_one_idempotency_key_get_one_answer_and_one_import() {
    let app = spawn_app().await;
    let (tenant, reseller, _) = world(&app).await;
    let token = api_token(&app).await;
    let c = reqwest::Client::new();
    let post = |key: Option<&str>, body: &serde_json::Value| {
        let r = c
            .post(app.url("/api/v1/declarations"))
            .bearer_auth(&token)
            .json(body);
        match key {
            Some(k) => r.header("Idempotency-Key", k),
            None => r,
        }
    };
    let body = one_line(3, "19.90");
    let answers = at_once((0..N).map(|_| post(Some("order-7"), &body)).collect()).await;
    let mut bodies = Vec::new();
    for a in answers {
        assert_eq!(a.status(), 201, "every retry gets the first answer");
        bodies.push(a.json::<serde_json::Value>().await.unwrap());
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_eq!(bodies[0]["status"], "committed");
    assert_eq!(count(&app, "select count(*) from imports").await, 1);
    assert_eq!(
        count(&app, "select count(*) from declaration_lines").await,
        1
    );
    assert_eq!(figures(&app, tenant, reseller).await, (3, 3, 0));

    // Without a key, the same content is stored once and the others are told it is a duplicate.
    let body = one_line(4, "19.90");
    let answers = at_once((0..N).map(|_| post(None, &body)).collect()).await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [[201].as_slice(), &[409; N - 1]].concat());
    assert_eq!(
        count(&app, "select count(*) from declaration_lines").await,
        2
    );
    assert_eq!(figures(&app, tenant, reseller).await, (7, 7, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_distinct_api_declarations_of_one_reseller_at_once_all_succeed() {
    let app = spawn_app().await;
    let (tenant, reseller, _) = world(&app).await;
    let token = api_token(&app).await;
    let c = reqwest::Client::new();
    let requests = (0..50)
        .map(|i| {
            let (product, day) = distinct_sale(i);
            let body = serde_json::json!({ "lines": [
                { "product": product, "quantity": 1, "sale_date": day }
            ]});
            c.post(app.url("/api/v1/declarations"))
                .bearer_auth(&token)
                .json(&body)
        })
        .collect();
    let answers = at_once(requests).await;
    let mut failed = Vec::new();
    for a in answers {
        if a.status() != 201 {
            failed.push((a.status(), a.text().await.unwrap_or_default()));
        }
    }
    assert!(failed.is_empty(), "{} failed: {failed:?}", failed.len());
    assert_eq!(
        count(&app, "select count(*) from declaration_lines").await,
        50
    );
    assert_eq!(figures(&app, tenant, reseller).await, (50, 50, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_distinct_form_declarations_of_one_reseller_at_once_all_succeed() {
    let app = spawn_app().await;
    let (tenant, reseller, r) = world(&app).await;
    let mut requests = Vec::new();
    for i in 0..50 {
        let (product, day) = distinct_sale(i);
        let draft = new_draft(&app, &r, "/declare", "").await;
        add_line(
            &app,
            &r,
            &draft,
            &[("product", product), ("quantity", "1"), ("sale_date", &day)],
        )
        .await;
        let fields = page_form(&app, &r, &draft, &draft, &[("action", "submit")]).await;
        requests.push(r.post(app.url(&draft)).form(&fields));
    }
    let answers = at_once(requests).await;
    assert_eq!(tally(&answers), once_then("303 success", "303 success", 50));
    assert_eq!(
        count(&app, "select count(*) from declaration_lines").await,
        50
    );
    assert_eq!(figures(&app, tenant, reseller).await, (50, 50, 0));
}
