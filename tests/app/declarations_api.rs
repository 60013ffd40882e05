//! The declarations API: reseller tokens (created once, revocable, bound to one reseller),
//! JSON lines with the CLI's report, files, Idempotency-Key, and the OpenAPI document.

use crate::declarations::{fixture, scalar, setup};
use crate::helpers::{spawn_app, TestApp};
use crate::seed::{self, PASSWORD};
use serde_json::{json, Value};

/// Creates a token from the reseller's settings page and returns it.
pub async fn token(app: &TestApp, email: &str) -> String {
    let c = app.login(email, PASSWORD).await;
    let resp = app
        .post_form(&c, "/settings/api", "/settings/api", &[("name", "ERP")])
        .await;
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    let start = page.find("rls_").expect("the new token is shown once");
    page[start..].split('<').next().unwrap().to_string()
}

fn lines_body() -> Value {
    let day = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string();
    json!({ "lines": [
        { "product": "TD-450", "quantity": 2, "sale_date": day, "unit_price": "199.90", "customer_id": " Client 42 ", "channel": "online", "rating": 5 },
        { "product": "3017620422003", "quantity": 1, "sale_date": day },
        { "product": "NOPE", "quantity": 1, "sale_date": day },
        { "product": "SC-20", "quantity": 0, "sale_date": day }
    ]})
}

#[tokio::test]
async fn json_lines_get_the_cli_report_and_idempotency_keys_are_honoured() {
    let app = spawn_app().await;
    setup(&app).await;
    let tok = token(&app, "a.reseller@test.example").await;
    let c = reqwest::Client::new();
    let post = |body: Value, key: Option<&str>| {
        let mut r = c
            .post(app.url("/api/v1/declarations"))
            .bearer_auth(&tok)
            .json(&body);
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        r.send()
    };
    let resp = post(lines_body(), Some("k-1")).await.unwrap();
    assert_eq!(resp.status(), 201);
    let first: Value = resp.json().await.unwrap();
    assert_eq!(first["status"], "committed");
    assert_eq!(
        (first["accepted"].as_u64(), first["rejected"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(first["quantity_total"], 3);
    assert_eq!(first["amount_total"].as_f64(), Some(599.70));
    let codes: Vec<(u64, &str)> = first["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [(3, "unknown_product"), (4, "quantity_zero")]);
    assert_eq!(
        scalar(
            &app.db,
            "select count(*) from declaration_lines where source = 'api'"
        )
        .await,
        2
    );
    // The customer identifier is stored only as a keyed hash.
    assert_eq!(scalar(&app.db, "select count(*) from declaration_lines where customer_hash is not null and customer_hash not like '%42%'").await, 1);

    // Same key, same body: the same response, nothing added.
    let again = post(lines_body(), Some("k-1")).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        2
    );
    // Same key, different body: refused.
    let mut other = lines_body();
    other["lines"][0]["quantity"] = json!(3);
    assert_eq!(post(other, Some("k-1")).await.unwrap().status(), 422);
    // Same content under a new key: a duplicate, naming the first import.
    let dup = post(lines_body(), Some("k-2")).await.unwrap();
    assert_eq!(dup.status(), 409);
    assert_eq!(
        dup.json::<Value>().await.unwrap()["duplicate_of"],
        first["import_id"]
    );
    assert_eq!(
        scalar(&app.db, "select count(*) from declaration_lines").await,
        2
    );
}

#[tokio::test]
async fn tokens_are_bound_to_their_reseller_and_revocable() {
    let app = spawn_app().await;
    let tenant = setup(&app).await;
    let tok_a = token(&app, "a.reseller@test.example").await;
    let c = reqwest::Client::new();
    assert_eq!(
        c.post(app.url("/api/v1/declarations"))
            .json(&lines_body())
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        c.post(app.url("/api/v1/declarations"))
            .bearer_auth("rls_forged")
            .json(&lines_body())
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // A's token writes for A only, whatever the body says.
    let mut body = lines_body();
    body["reseller"] = json!("A-002");
    seed::reseller(&app.db, tenant, "A-002", None).await;
    let resp = c
        .post(app.url("/api/v1/declarations"))
        .bearer_auth(&tok_a)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let a_id = scalar(&app.db, "select id from resellers where code = 'A-001'").await;
    assert_eq!(
        scalar(
            &app.db,
            &format!("select count(*) from declaration_lines where reseller_id <> {a_id}")
        )
        .await,
        0
    );

    // A file through the API gets the same report as the CLI.
    let form = reqwest::multipart::Form::new()
        .text("period", "2026-08")
        .part(
            "file",
            reqwest::multipart::Part::bytes(fixture("sellout_fr.xlsx")).file_name("ventes.xlsx"),
        );
    let resp = c
        .post(app.url("/api/v1/declarations/files"))
        .bearer_auth(&tok_a)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let r: Value = resp.json().await.unwrap();
    assert_eq!(
        (
            r["accepted"].as_u64(),
            r["rejected"].as_u64(),
            r["quantity_total"].as_i64()
        ),
        (Some(4), Some(4), Some(11))
    );

    // Revoked: refused.
    let m = app.login("a.reseller@test.example", PASSWORD).await;
    let id = scalar(&app.db, "select min(id) from api_tokens").await;
    let resp = app
        .post_form(
            &m,
            "/settings/api",
            &format!("/settings/api/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        c.post(app.url("/api/v1/declarations"))
            .bearer_auth(&tok_a)
            .json(&lines_body())
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // Another reseller cannot revoke A's tokens.
    let b = app.login("b.reseller@test.example", PASSWORD).await;
    let resp = app
        .post_form(&b, "/", &format!("/settings/api/{id}/revoke"), &[])
        .await;
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn the_openapi_document_describes_the_declarations_endpoints() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/declarations"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/declarations/files"]["post"].is_object());
    assert!(
        doc["components"]["schemas"]["DeclarationReport"]["required"]
            .as_array()
            .unwrap()
            .contains(&json!("duplicate_of"))
    );
}
