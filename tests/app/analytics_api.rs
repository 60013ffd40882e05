//! The published analytics API shapes and their token scoping, on the fixed dataset of
//! `analytics`.

use crate::analytics::{fixture, MARCH};
use crate::helpers::{spawn_app, TestApp};
use relais::db;
use serde_json::{json, Value};

pub async fn token(app: &TestApp, tenant: i64, user: i64) -> String {
    relais::analytics::tokens::create(&app.db, tenant, user, "test")
        .await
        .unwrap()
}

pub async fn api(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn analytics_api_best_sellers_shape_and_figures() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = token(&app, f.alpha, f.m1).await;
    let (status, body) = api(&app, &t, &format!("/api/v1/analytics/best-sellers?{MARCH}")).await;
    assert_eq!(status, 200, "{body}");
    let items: Vec<Value> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({ "sku": i["sku"], "name": i["name"], "quantity": i["quantity"], "amount": i["amount"], "share": i["share"] }))
        .collect();
    assert_eq!(
        items,
        vec![
            json!({ "sku": "P1", "name": "Product P1", "quantity": 5, "amount": 500.0, "share": 62.5 }),
            json!({ "sku": "P3", "name": "Product P3", "quantity": 1, "amount": 250.0, "share": 31.25 }),
            json!({ "sku": "P2", "name": "Product P2", "quantity": 1, "amount": 50.0, "share": 6.25 }),
        ]
    );
    // Against 29 Jan – 28 Feb: P1 100 → 500 (+400 %), P2 100 → 50 (−50 %), P3 new.
    assert_eq!(body["items"][0]["change_pct"], json!(400.0));
    assert_eq!(body["items"][1]["change_pct"], Value::Null);
    assert_eq!(body["items"][2]["change_pct"], json!(-50.0));
}

#[tokio::test]
async fn analytics_api_sales_by_rep_and_recency_shapes() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = token(&app, f.alpha, f.m2).await;
    let (status, body) = api(&app, &t, &format!("/api/v1/analytics/sales-by-rep?{MARCH}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "items": [
            { "manager_email": "a.second@test.example", "amount": 550.0, "share": 68.75 },
            { "manager_email": "a.manager@test.example", "amount": 250.0, "share": 31.25 },
        ]})
    );
    let (status, body) = api(&app, &t, "/api/v1/analytics/recency?as_of=2026-03-31").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "items": [
            { "code": "A-001", "status": "purple", "last_sale": null },
            { "code": "A-010", "status": "green", "last_sale": "2026-03-10" },
            { "code": "A-020", "status": "green", "last_sale": "2026-03-20" },
            { "code": "A-030", "status": "purple", "last_sale": null },
            { "code": "A-040", "status": "blue", "last_sale": null },
            { "code": "A-050", "status": "yellow", "last_sale": "2025-12-15" },
            { "code": "A-060", "status": "red", "last_sale": "2025-10-01" },
        ]})
    );
    let (status, _) = api(&app, &t, "/api/v1/analytics/recency?as_of=31/03/2026").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn analytics_api_is_scoped_to_the_token_tenant_and_refuses_others() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let b_manager = db::users::by_email(&app.db, "b.manager@test.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let t = token(&app, f.beta, b_manager).await;
    let (_, body) = api(&app, &t, &format!("/api/v1/analytics/best-sellers?{MARCH}")).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert_eq!(body["items"][0]["amount"], json!(7777.0));
    let (_, body) = api(&app, &t, "/api/v1/analytics/recency").await;
    let codes: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["B-001"]);
    // No token, an unknown one, and a reseller's (declarations) token are all refused.
    assert_eq!(api(&app, "", "/api/v1/analytics/best-sellers").await.0, 401);
    assert_eq!(
        api(&app, "nope", "/api/v1/analytics/best-sellers").await.0,
        401
    );
    let reseller_token = relais::auth::random_token();
    let sql = "insert into api_tokens (tenant_id, user_id, reseller_id, name, token_hash, created_at) values ($1, null, $2, 'erp', $3, 0)";
    relais::with_db!(&app.db, p => sqlx::query(sql).bind(f.alpha).bind(f.r1).bind(relais::auth::token_hash(&reseller_token)).execute(p).await.map(|_| ())).unwrap();
    assert_eq!(
        api(&app, &reseller_token, "/api/v1/analytics/sales-by-rep")
            .await
            .0,
        401
    );
}
