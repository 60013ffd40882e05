//! Tenants never see each other's data, resellers never see staff pages or each other's data,
//! and every state-changing form needs its CSRF token.

use crate::helpers::spawn_app;
use crate::seed::{self, PASSWORD};

#[tokio::test]
async fn channel_manager_of_one_tenant_cannot_see_another_tenants_reseller() {
    let app = spawn_app().await;
    seed::two_tenants(&app.db).await;
    let a = app.login("a.manager@test.example", PASSWORD).await;
    let own = a.get(app.url("/network/A-001")).send().await.unwrap();
    assert_eq!(own.status(), 200);
    assert!(own.text().await.unwrap().contains("Shop A-001"));
    for path in ["/network/B-001", "/network/B-001/edit"] {
        let resp = a.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
    }
    let list = a
        .get(app.url("/network?q=B-001"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Shop B-001"));
}

#[tokio::test]
async fn reseller_user_is_refused_every_manufacturer_page() {
    let app = spawn_app().await;
    seed::two_tenants(&app.db).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    for path in [
        "/network",
        "/network/A-001",
        "/network/B-001",
        "/network/new",
        "/network/import",
        "/catalogue",
        "/catalogue/import",
        "/settings/users",
    ] {
        let resp = r.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 403, "{path}");
    }
    let home = r.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let body = home.text().await.unwrap();
    assert!(body.contains("Shop A-001"));
    assert!(!body.contains("Shop B-001"));
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page() {
    let app = spawn_app().await;
    let resp = app.client().get(app.url("/network")).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/login?next=%2Fnetwork");
}

#[tokio::test]
async fn post_without_a_valid_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let s = seed::two_tenants(&app.db).await.0;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let fields = [
        ("code", "A-NEW"),
        ("name", "Forged"),
        ("type", "reseller"),
        ("organisation", "mono_brand"),
        ("country", "FR"),
        ("potential", "a"),
        ("status", "active"),
    ];
    let no_token = m
        .post(app.url("/network/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 403);
    let mut wrong: Vec<(&str, &str)> = fields.to_vec();
    wrong.push(("csrf_token", "not-the-token"));
    let wrong_token = m
        .post(app.url("/network/new"))
        .form(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_token.status(), 403);
    assert!(relais::db::network::by_code(&app.db, s.tenant_id, "A-NEW")
        .await
        .unwrap()
        .is_none());
    // The same form with the page's token goes through.
    let ok = app
        .post_form(&m, "/network/new", "/network/new", &fields)
        .await;
    assert_eq!(ok.status(), 303, "{}", ok.text().await.unwrap());
    assert!(relais::db::network::by_code(&app.db, s.tenant_id, "A-NEW")
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn login_form_itself_needs_the_csrf_token() {
    let app = spawn_app().await;
    seed::two_tenants(&app.db).await;
    let c = app.client();
    let resp = c
        .post(app.url("/login"))
        .form(&[("email", "a.manager@test.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn login_is_throttled_per_account_and_address_after_repeated_failures() {
    let app = crate::helpers::spawn_app_with(|s| s.security.login_delay_seconds = 600).await;
    seed::two_tenants(&app.db).await;
    let c = app.client();
    let token = app.csrf(&c, "/login").await;
    let attempt = |password: &'static str| {
        let c = c.clone();
        let url = app.url("/login");
        let token = token.clone();
        async move {
            c.post(url)
                .form(&[
                    ("email", "a.manager@test.example"),
                    ("password", password),
                    ("csrf_token", &token),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong-password-123").await, 401);
    }
    // Even the right password is refused while this address is throttled on the account.
    assert_eq!(attempt(PASSWORD).await, 429);
    // Another account from the same address is still allowed (the per-IP limit is higher).
    let other = app.client();
    let t2 = app.csrf(&other, "/login").await;
    let resp = other
        .post(app.url("/login"))
        .form(&[
            ("email", "b.manager@test.example"),
            ("password", PASSWORD),
            ("csrf_token", &t2),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
}

#[tokio::test]
async fn responses_carry_security_headers_and_safe_cookies() {
    let app = spawn_app().await;
    let resp = app.client().get(app.url("/login")).send().await.unwrap();
    let h = resp.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    let cookie = h["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}
