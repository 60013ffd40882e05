//! Access is granted per tenant: an organisation in two manufacturers' networks shares no
//! access between them. A user one manufacturer invited sees nothing of the other, and gains
//! the other's network only when that manufacturer grants it; API tokens follow their user's
//! access.

use crate::accounts::link_in_outbox;
use crate::challenges_support::{credit, import, reward};
use crate::helpers::{spawn_app, TestApp};
use crate::seed::{self, Seeded, PASSWORD};
use relais::with_db;

async fn scalar(app: &TestApp, sql: &'static str) -> i64 {
    with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).unwrap()
}

async fn page(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Tenants alpha and beta with their admins; the organisation of A-001 is also beta's B-777.
async fn shared_organisation(app: &TestApp) -> (Seeded, Seeded, i64) {
    let (a, b) = seed::two_tenants(&app.db).await;
    seed::user(&app.db, "a.admin@test.example", "admin", a.tenant_id, None).await;
    seed::user(&app.db, "b.admin@test.example", "admin", b.tenant_id, None).await;
    let (b777, _) = seed::reseller(&app.db, b.tenant_id, "B-777", Some(a.organisation_id)).await;
    (a, b, b777)
}

async fn invite(
    app: &TestApp,
    admin: &reqwest::Client,
    email: &str,
    code: &str,
) -> reqwest::Response {
    app.post_form(
        admin,
        "/settings/users",
        "/settings/users/invite",
        &[
            ("email", email),
            ("role", "reseller"),
            ("reseller_code", code),
        ],
    )
    .await
}

#[tokio::test]
async fn a_user_invited_into_a_shared_organisation_sees_nothing_of_the_other_manufacturer() {
    let app = spawn_app().await;
    let (_, b, b777) = shared_organisation(&app).await;
    credit(&app.db, b.tenant_id, b777, 5_000).await;
    let a_admin = app.login("a.admin@test.example", PASSWORD).await;
    let resp = invite(&app, &a_admin, "new.shop@test.example", "A-001").await;
    assert_eq!(resp.status(), 303);

    let link = link_in_outbox(&app, "/invite/").await;
    let path = link.trim_start_matches(&app.url(""));
    let c = app.client();
    let password = "a-new-shop-password";
    let resp = app
        .post_form(
            &c,
            path,
            path,
            &[("password", password), ("password_confirm", password)],
        )
        .await;
    assert_eq!(resp.status(), 303);

    let u = app.login("new.shop@test.example", password).await;
    let (status, home) = page(&u, &app, "/").await;
    assert_eq!(status, 200);
    assert!(home.contains("Shop A-001"), "{home}");
    assert!(!home.contains("Manufacturer beta"), "beta is not offered");
    let resp = app
        .post_form(&u, "/", "/switch-tenant", &[("tenant", "beta")])
        .await;
    assert_eq!(resp.status(), 403);
    for path in ["/", "/points", "/rewards", "/my/insights", "/profile"] {
        let (_, body) = page(&u, &app, path).await;
        assert!(!body.contains("B-777"), "{path} shows beta's reseller");
        assert!(!body.contains("Manufacturer beta"), "{path} names beta");
    }
    // Beta's admin does not see the person alpha invited among its users.
    let b_admin = app.login("b.admin@test.example", PASSWORD).await;
    let (_, users) = page(&b_admin, &app, "/settings/users").await;
    assert!(!users.contains("new.shop@test.example"), "{users}");
}

#[tokio::test]
async fn the_other_manufacturer_grants_access_explicitly() {
    let app = spawn_app().await;
    shared_organisation(&app).await;
    // a.reseller was given access by alpha only.
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let resp = app
        .post_form(&r, "/", "/switch-tenant", &[("tenant", "beta")])
        .await;
    assert_eq!(resp.status(), 403);

    let b_admin = app.login("b.admin@test.example", PASSWORD).await;
    // Beta cannot attach a person of another organisation to its reseller B-001.
    let resp = invite(&app, &b_admin, "a.reseller@test.example", "B-001").await;
    assert_eq!(resp.status(), 422);
    let resp = invite(&app, &b_admin, "a.reseller@test.example", "B-777").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        scalar(
            &app,
            "select count(*) from audit_log where action = 'user.grant'"
        )
        .await,
        1
    );
    let (_, users) = page(&b_admin, &app, "/settings/users").await;
    assert!(users.contains("a.reseller@test.example"));

    let resp = app
        .post_form(&r, "/", "/switch-tenant", &[("tenant", "beta")])
        .await;
    assert_eq!(resp.status(), 303);
    let (_, home) = page(&r, &app, "/").await;
    assert!(home.contains("Shop B-777"), "{home}");
    // A tenant that granted nothing cannot be chosen.
    seed::tenant(&app.db, "gamma").await;
    let resp = app
        .post_form(&r, "/", "/switch-tenant", &[("tenant", "gamma")])
        .await;
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn every_reseller_route_refuses_the_other_manufacturers_ids() {
    let app = spawn_app().await;
    let (a, b, b777) = shared_organisation(&app).await;
    let db = &app.db;
    // Beta's records of the shared organisation: an import, a reward it could afford, a
    // draft declaration and an API token.
    let beta_import = import(db, b.tenant_id, b777, "beta.xlsx").await;
    credit(db, b.tenant_id, b777, 5_000).await;
    let beta_reward = reward(db, b.tenant_id, "Beta mug", 10, Some(3)).await;
    let b_user = seed::user(
        db,
        "b777.user@test.example",
        "reseller",
        b.tenant_id,
        Some(a.organisation_id),
    )
    .await;
    let beta_draft = relais::db::declarations::drafts::create(
        db,
        relais::db::declarations::drafts::Owner {
            tenant_id: b.tenant_id,
            reseller_id: Some(b777),
            source: "form",
        },
        b777,
        None,
        b_user,
    )
    .await
    .unwrap();
    let beta_token = relais::db::declarations::create_reseller_token(
        db,
        b.tenant_id,
        b777,
        b_user,
        "beta erp",
        "beta-token-hash",
    )
    .await
    .unwrap();

    // a.reseller belongs to the same organisation but only alpha granted it access.
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let resp = app
        .post_form(&r, "/", "/switch-tenant", &[("tenant", "beta")])
        .await;
    assert_eq!(resp.status(), 403, "cannot act in beta");
    for path in [
        format!("/imports/{beta_import}"),
        format!("/imports/{beta_import}/annotated.xlsx"),
        format!("/declare/{beta_draft}"),
    ] {
        let (status, _) = page(&r, &app, &path).await;
        assert!(status == 404 || status == 403, "{path}: {status}");
    }
    for path in [
        format!("/rewards/{beta_reward}/redeem"),
        format!("/imports/{beta_import}/undo"),
        format!("/imports/{beta_import}/commit"),
        format!("/declare/{beta_draft}/delete"),
        format!("/settings/api/{beta_token}/revoke"),
    ] {
        let resp = app.post_form(&r, "/", &path, &[]).await;
        let status = resp.status().as_u16();
        assert!(status == 404 || status == 403, "{path}: {status}");
    }
    // Nothing of beta changed.
    assert_eq!(scalar(&app, "select count(*) from redemptions").await, 0);
    assert_eq!(
        scalar(
            &app,
            "select count(*) from api_tokens where revoked_at is not null"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            "select count(*) from imports where status = 'committed'"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &app,
            "select count(*) from declarations where status = 'draft'"
        )
        .await,
        1
    );
}

/// The `rls_…` token shown once on /settings/api after creating it.
async fn create_token(app: &TestApp, c: &reqwest::Client) -> String {
    let resp = app
        .post_form(c, "/settings/api", "/settings/api", &[("name", "erp")])
        .await;
    let body = resp.text().await.unwrap();
    let start = body.find("rls_").expect("the new token is shown");
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// 401 without a usable token, 422 for the empty batch a valid token may send.
async fn api_status(app: &TestApp, token: &str) -> u16 {
    app.client()
        .post(app.url("/api/v1/declarations"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "lines": [] }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn api_tokens_stop_working_when_their_user_loses_access_or_is_disabled() {
    let app = spawn_app().await;
    let (a, _, _) = shared_organisation(&app).await;
    seed::user(
        &app.db,
        "a.second@test.example",
        "reseller",
        a.tenant_id,
        Some(a.organisation_id),
    )
    .await;
    let first = app.login("a.reseller@test.example", PASSWORD).await;
    let second = app.login("a.second@test.example", PASSWORD).await;
    let t1 = create_token(&app, &first).await;
    let t2 = create_token(&app, &second).await;
    assert_eq!(api_status(&app, &t1).await, 422);
    assert_eq!(api_status(&app, &t2).await, 422);

    // Alpha's admin removes the first user's access: its session and its token stop at once.
    let admin = app.login("a.admin@test.example", PASSWORD).await;
    let id = relais::db::users::by_email(&app.db, "a.reseller@test.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let path = format!("/settings/users/{id}/remove");
    let resp = app.post_form(&admin, "/settings/users", &path, &[]).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(api_status(&app, &t1).await, 401);
    assert_eq!(page(&first, &app, "/").await.0, 403);
    // Removing it twice finds nothing to remove.
    let resp = app.post_form(&admin, "/settings/users", &path, &[]).await;
    assert_eq!(resp.status(), 404);

    // The second user is disabled by an operator: its token stops too.
    assert_eq!(api_status(&app, &t2).await, 422);
    with_db!(&app.db, p => sqlx::query("update users set disabled = $1 where email = 'a.second@test.example'")
        .bind(true).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    assert_eq!(api_status(&app, &t2).await, 401);
}

#[tokio::test]
async fn an_admin_removes_a_staff_users_access_and_not_another_tenants_user() {
    let app = spawn_app().await;
    shared_organisation(&app).await;
    let manager = app.login("a.manager@test.example", PASSWORD).await;
    assert_eq!(page(&manager, &app, "/network").await.0, 200);
    let admin = app.login("a.admin@test.example", PASSWORD).await;
    let user_id = |email: &'static str| {
        let db = app.db.clone();
        async move {
            relais::db::users::by_email(&db, email)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    // Another tenant's users are out of reach, and so is the admin's own access.
    for email in [
        "b.manager@test.example",
        "b.reseller@test.example",
        "a.admin@test.example",
    ] {
        let path = format!("/settings/users/{}/remove", user_id(email).await);
        let status = app
            .post_form(&admin, "/settings/users", &path, &[])
            .await
            .status();
        assert!(status == 404 || status == 403, "{email}: {status}");
    }
    let b_manager = app.login("b.manager@test.example", PASSWORD).await;
    assert_eq!(page(&b_manager, &app, "/network").await.0, 200);

    let path = format!(
        "/settings/users/{}/remove",
        user_id("a.manager@test.example").await
    );
    assert_eq!(
        app.post_form(&admin, "/settings/users", &path, &[])
            .await
            .status(),
        303
    );
    assert_eq!(page(&manager, &app, "/network").await.0, 303, "signed out");
}
