//! Invitations and password resets: emailed, single-use, expiring links.

use crate::helpers::{spawn_app, TestApp};
use crate::seed::{self, PASSWORD};
use relais::domain::network::Role;

/// Every distinct link to `path_prefix` in the outbox (quoted-printable soft breaks undone).
pub fn links_in_outbox(app: &TestApp, path_prefix: &str) -> Vec<String> {
    let all = app
        .outbox_messages()
        .join("\n")
        .replace("=\r\n", "")
        .replace("=\n", "");
    let needle = format!("{}{path_prefix}", app.url(""));
    let mut links: Vec<String> = Vec::new();
    for (start, _) in all.match_indices(&needle) {
        let link: String = all[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
            .collect();
        if !links.contains(&link) {
            links.push(link);
        }
    }
    links
}

/// Waits for an emailed link to `path_prefix` that is not among `known` (password-reset
/// emails are sent apart from the request that asks for them).
pub async fn new_link_in_outbox(app: &TestApp, path_prefix: &str, known: &[String]) -> String {
    for _ in 0..600 {
        if let Some(link) = links_in_outbox(app, path_prefix)
            .into_iter()
            .find(|l| !known.contains(l))
        {
            return link;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no new {path_prefix} link was emailed");
}

/// Invites a manager into the tenant: the invitation as `add_user` returns it.
pub async fn invite_manager(
    app: &TestApp,
    tenant_id: i64,
    email: &str,
) -> relais::accounts::AddedUser {
    let tenant = relais::db::tenants::by_id(&app.db, tenant_id)
        .await
        .unwrap()
        .unwrap();
    relais::accounts::add_user(&app.state, &tenant, email, Role::Manager, None, None, None)
        .await
        .unwrap()
}

/// The first link to `path_prefix` emailed.
pub async fn link_in_outbox(app: &TestApp, path_prefix: &str) -> String {
    new_link_in_outbox(app, path_prefix, &[]).await
}

#[tokio::test]
async fn invitation_link_sets_a_password_once_and_only_once() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let added = invite_manager(&app, a.tenant_id, "new.manager@test.example").await;
    let printed = added.invitation_link.expect("an invitation link");
    let emailed = link_in_outbox(&app, "/invite/").await;
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
    invite_manager(&app, a.tenant_id, "late@test.example").await;
    relais::with_db!(&app.db, p => sqlx::query("update user_tokens set expires_at = 1").execute(p).await.map(|r| r.rows_affected())).unwrap();
    let link = link_in_outbox(&app, "/invite/").await;
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
    let link = link_in_outbox(&app, "/reset/").await;
    assert_eq!(app.outbox_messages().len(), 1);

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
