//! Invitations and password resets: emailed, single-use, expiring links.

use crate::helpers::{spawn_app, TestApp};
use crate::seed::{self, PASSWORD};
use relais::domain::network::Role;

/// The first link to `path_prefix` found in the outbox (quoted-printable soft breaks undone).
fn link_in_outbox(app: &TestApp, path_prefix: &str) -> String {
    let all = app
        .outbox_messages()
        .join("\n")
        .replace("=\r\n", "")
        .replace("=\n", "");
    let start = all
        .find(&format!("{}{path_prefix}", app.url("")))
        .expect("link in an emailed message");
    all[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect()
}

#[tokio::test]
async fn invitation_link_sets_a_password_once_and_only_once() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let tenant = relais::db::tenants::by_id(&app.db, a.tenant_id)
        .await
        .unwrap()
        .unwrap();
    let added = relais::accounts::add_user(
        &app.state,
        &tenant,
        "new.manager@test.example",
        Role::Manager,
        None,
        None,
        None,
    )
    .await
    .unwrap();
    let printed = added.invitation_link.expect("an invitation link");
    let emailed = link_in_outbox(&app, "/invite/");
    assert_eq!(printed, emailed);
    let path = emailed.trim_start_matches(&app.url(""));

    let c = app.client();
    assert_eq!(c.get(app.url(path)).send().await.unwrap().status(), 200);
    let too_short = app
        .post_form(
            &c,
            path,
            path,
            &[("password", "short"), ("password_confirm", "short")],
        )
        .await;
    assert_eq!(too_short.status(), 422);
    let new_password = "a-brand-new-password";
    let ok = app
        .post_form(
            &c,
            path,
            path,
            &[
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    app.login("new.manager@test.example", new_password).await;

    // The link is spent: the page says so and a second POST changes nothing.
    assert_eq!(c.get(app.url(path)).send().await.unwrap().status(), 410);
    let token = app.csrf(&c, "/login").await;
    let again = c
        .post(app.url(path))
        .form(&[
            ("password", "another-password-1"),
            ("password_confirm", "another-password-1"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 410);
    app.login("new.manager@test.example", new_password).await;
}

#[tokio::test]
async fn expired_invitation_links_are_refused() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let tenant = relais::db::tenants::by_id(&app.db, a.tenant_id)
        .await
        .unwrap()
        .unwrap();
    relais::accounts::add_user(
        &app.state,
        &tenant,
        "late@test.example",
        Role::Manager,
        None,
        None,
        None,
    )
    .await
    .unwrap();
    relais::with_db!(&app.db, p => sqlx::query("update user_tokens set expires_at = 1").execute(p).await.map(|r| r.rows_affected())).unwrap();
    let link = link_in_outbox(&app, "/invite/");
    let path = link.trim_start_matches(&app.url(""));
    let c = app.client();
    assert_eq!(c.get(app.url(path)).send().await.unwrap().status(), 410);
    let token = app.csrf(&c, "/login").await;
    let resp = c
        .post(app.url(path))
        .form(&[
            ("password", "a-long-password-9"),
            ("password_confirm", "a-long-password-9"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 410);
}

#[tokio::test]
async fn password_reset_emails_a_link_that_replaces_the_password_and_ends_sessions() {
    let app = spawn_app().await;
    seed::two_tenants(&app.db).await;
    let old_session = app.login("a.manager@test.example", PASSWORD).await;
    let c = app.client();
    let resp = app
        .post_form(
            &c,
            "/forgot-password",
            "/forgot-password",
            &[("email", "a.manager@test.example")],
        )
        .await;
    assert_eq!(resp.status(), 200);
    // Unknown addresses get the same answer and no email.
    let resp = app
        .post_form(
            &c,
            "/forgot-password",
            "/forgot-password",
            &[("email", "nobody@test.example")],
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(app.outbox_messages().len(), 1);

    let link = link_in_outbox(&app, "/reset/");
    let path = link.trim_start_matches(&app.url(""));
    let new_password = "the-new-password-42";
    let ok = app
        .post_form(
            &c,
            path,
            path,
            &[
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    let gone = old_session.get(app.url("/network")).send().await.unwrap();
    assert_eq!(gone.status(), 303, "the old session must have ended");
    app.login("a.manager@test.example", new_password).await;
}

#[tokio::test]
async fn multi_brand_reseller_switches_between_its_manufacturers() {
    let app = spawn_app().await;
    let (a, b) = seed::two_tenants(&app.db).await;
    // The organisation of A-001 also joins tenant B's network as B-777.
    seed::reseller(&app.db, b.tenant_id, "B-777", Some(a.organisation_id)).await;
    let r = app.login("a.reseller@test.example", PASSWORD).await;
    let home = r
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Manufacturer alpha") || home.contains("Manufacturer beta"));
    let resp = app
        .post_form(&r, "/", "/switch-tenant", &[("tenant", "beta")])
        .await;
    assert_eq!(resp.status(), 303);
    let home = r
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Shop B-777"), "{home}");
    // A tenant the organisation is not in cannot be chosen.
    seed::tenant(&app.db, "gamma").await;
    let resp = app
        .post_form(&r, "/", "/switch-tenant", &[("tenant", "gamma")])
        .await;
    assert_eq!(resp.status(), 403);
}
