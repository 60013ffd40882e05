//! Login and emailed links against abuse: no open redirect after login, throttling that slows
//! the guesser without locking anyone else out, throttled resets and password changes, one
//! valid link at a time, spent on use, and a link used exactly once under concurrency.

use crate::accounts::{invite_manager, link_in_outbox, links_in_outbox, new_link_in_outbox};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::seed::{self, PASSWORD};

#[tokio::test]
async fn login_follows_next_only_to_a_path_of_this_site() {
    let app = spawn_app().await;
    seed::two_tenants(&app.db).await;
    let cases = [
        ("/\t/evil.example", "/"),
        ("/%09/evil.example", "/%09/evil.example"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/ /evil.example", "/"),
        ("/\r\nSet-Cookie: x=1", "/"),
        ("/network?q=A-001", "/network?q=A-001"),
        ("/network/../settings/users", "/settings/users"),
    ];
    for (next, expected) in cases {
        let c = app.client();
        let token = app.csrf(&c, "/login").await;
        let resp = c
            .post(app.url("/login"))
            .form(&[
                ("email", "a.manager@test.example"),
                ("password", PASSWORD),
                ("csrf_token", &token),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303, "{next:?}");
        assert_eq!(resp.headers()["location"], expected, "{next:?}");
    }
    // The login page does not carry a hostile `next` into its form either.
    let page = app
        .client()
        .get(app.url("/login?next=%2F%09%2Fevil.example"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("evil.example"), "{page}");
}

/// Trusts the test client's loopback address as a proxy, and makes delays long enough that
/// no test depends on how fast it runs.
fn behind_a_proxy(s: &mut relais::config::Settings) {
    s.server.trusted_proxies = vec!["127.0.0.0/8".into()];
    s.security.login_delay_seconds = 600;
}

#[tokio::test]
async fn failing_on_purpose_from_one_address_does_not_lock_the_account_for_others() {
    let app = spawn_app_with(behind_a_proxy).await;
    seed::two_tenants(&app.db).await;
    let attacker = app.client();
    let victim = "a.manager@test.example";
    for attempt in 0..10 {
        let status = app
            .try_login(&attacker, victim, "wrong-password-1", Some("203.0.113.7"))
            .await;
        assert_eq!(status, if attempt < 5 { 401 } else { 429 }, "{attempt}");
    }
    // The throttled address waits even with the right password.
    assert_eq!(
        app.try_login(&attacker, victim, PASSWORD, Some("203.0.113.7"))
            .await,
        429
    );
    // The owner, from another address, logs in.
    let owner = app.client();
    assert_eq!(
        app.try_login(&owner, victim, PASSWORD, Some("198.51.100.9"))
            .await,
        303
    );
}

#[tokio::test]
async fn guessing_across_accounts_stops_that_address_only() {
    let app = spawn_app_with(|s| {
        behind_a_proxy(s);
        s.security.login_max_failures_per_ip = 20;
    })
    .await;
    seed::two_tenants(&app.db).await;
    let attacker = app.client();
    let mut statuses = Vec::new();
    for i in 0..25 {
        let email = format!("guess{i}@test.example");
        statuses.push(
            app.try_login(&attacker, &email, "wrong-password-1", Some("203.0.113.7"))
                .await,
        );
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        20,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
    // Every other client of the same proxy still logs in.
    let other = app.client();
    let status = app
        .try_login(
            &other,
            "b.manager@test.example",
            PASSWORD,
            Some("198.51.100.9"),
        )
        .await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn a_forwarded_address_is_ignored_unless_it_comes_from_a_trusted_proxy() {
    let app = spawn_app_with(|s| s.security.login_delay_seconds = 600).await;
    seed::two_tenants(&app.db).await;
    let c = app.client();
    for i in 0..5 {
        let forwarded = format!("192.0.2.{i}");
        let status = app
            .try_login(
                &c,
                "a.manager@test.example",
                "wrong-password-1",
                Some(&forwarded),
            )
            .await;
        assert_eq!(status, 401);
    }
    // A new forwarded address each time does not escape the throttle.
    let status = app
        .try_login(&c, "a.manager@test.example", PASSWORD, Some("192.0.2.99"))
        .await;
    assert_eq!(status, 429);
}

async fn forgot(app: &TestApp, c: &reqwest::Client, email: &str) -> (u16, String) {
    let resp = app
        .post_form(
            c,
            "/forgot-password",
            "/forgot-password",
            &[("email", email)],
        )
        .await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn password_resets_are_throttled_per_account_and_per_address() {
    let app = spawn_app_with(|s| {
        s.security.reset_max_per_account = 2;
        s.security.reset_max_per_ip = 5;
    })
    .await;
    seed::two_tenants(&app.db).await;
    let c = app.client();
    let mut known = Vec::new();
    for _ in 0..4 {
        let (status, page) = forgot(&app, &c, "a.manager@test.example").await;
        assert_eq!(status, 200, "the same answer every time");
        assert!(page.contains("If an account exists") || page.contains("Si un compte existe"));
    }
    for _ in 0..2 {
        known.push(new_link_in_outbox(&app, "/reset/", &known).await);
    }
    // Asked after the four: its email arrives after theirs would have.
    let (status, _) = forgot(&app, &c, "b.manager@test.example").await;
    assert_eq!(status, 200);
    new_link_in_outbox(&app, "/reset/", &known).await;
    assert_eq!(
        links_in_outbox(&app, "/reset/").len(),
        3,
        "two for a.manager, one for b"
    );
    // The address has used its five requests.
    let (status, page) = forgot(&app, &c, "nobody@test.example").await;
    assert_eq!(status, 429);
    assert!(
        page.contains("Trop de demandes"),
        "said in the user's language: {page}"
    );
}

/// A mail server that accepts connections and never answers.
async fn silent_smtp() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    port
}

#[tokio::test]
async fn forgot_password_answers_alike_for_known_and_unknown_accounts_even_when_mail_stalls() {
    let port = silent_smtp().await;
    let app = spawn_app_with(|s| {
        s.mail.transport = "smtp".into();
        s.mail.smtp_port = port;
    })
    .await;
    seed::two_tenants(&app.db).await;
    let c = app.client();
    // Waiting on the mail server would hang the request for good: past this, it did.
    let answer = |email: &'static str| {
        let (app, c) = (&app, &c);
        async move {
            tokio::time::timeout(std::time::Duration::from_secs(30), forgot(app, c, email))
                .await
                .expect("the answer waited for the mail server")
        }
    };
    let (known_status, known_page) = answer("a.manager@test.example").await;
    let (unknown_status, unknown_page) = answer("nobody@test.example").await;
    assert_eq!(known_status, 200);
    assert_eq!(unknown_status, 200);
    let strip = |p: &str| crate::helpers::csrf_in(p).map_or(p.to_string(), |t| p.replace(&t, ""));
    assert_eq!(strip(&known_page), strip(&unknown_page), "the same page");
}

async fn use_link(app: &TestApp, c: &reqwest::Client, link: &str, password: &str) -> u16 {
    let path = link.trim_start_matches(&app.url(""));
    let token = app.csrf(c, "/login").await;
    c.post(app.url(path))
        .form(&[
            ("password", password),
            ("password_confirm", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn link_status(app: &TestApp, link: &str) -> u16 {
    let path = link.trim_start_matches(&app.url(""));
    app.client()
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn one_link_is_valid_at_a_time_and_all_are_spent_by_a_new_password() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    invite_manager(&app, a.tenant_id, "late@test.example").await;
    let invite = link_in_outbox(&app, "/invite/").await;
    let c = app.client();
    // A reset asked meanwhile replaces the invitation.
    forgot(&app, &c, "late@test.example").await;
    let reset1 = link_in_outbox(&app, "/reset/").await;
    assert_eq!(
        link_status(&app, &invite).await,
        410,
        "the older link is spent"
    );
    forgot(&app, &c, "late@test.example").await;
    let reset2 = new_link_in_outbox(&app, "/reset/", std::slice::from_ref(&reset1)).await;
    assert_eq!(link_status(&app, &reset1).await, 410);
    assert_eq!(
        use_link(&app, &c, &reset2, "the-late-password-1").await,
        303
    );
    assert_eq!(
        use_link(&app, &c, &reset1, "another-password-22").await,
        410
    );
    assert_eq!(
        use_link(&app, &c, &invite, "another-password-22").await,
        410
    );
    app.login("late@test.example", "the-late-password-1").await;

    // A password change spends a pending reset link.
    forgot(&app, &c, "a.manager@test.example").await;
    let pending = new_link_in_outbox(&app, "/reset/", &[reset1, reset2]).await;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let resp = app
        .post_form(
            &m,
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a-changed-password-3"),
                ("new_password_confirm", "a-changed-password-3"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        use_link(&app, &c, &pending, "a-thief-password-44").await,
        410
    );
    app.login("a.manager@test.example", "a-changed-password-3")
        .await;
}

#[tokio::test]
async fn twenty_concurrent_uses_of_one_link_set_one_password() {
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    invite_manager(&app, a.tenant_id, "race@test.example").await;
    let invite = link_in_outbox(&app, "/invite/").await;
    let c = app.client();
    let token = app.csrf(&c, "/login").await;
    let path = invite.trim_start_matches(&app.url("")).to_string();
    let attempts = (0..20).map(|i| {
        let (c, url, token) = (c.clone(), app.url(&path), token.clone());
        async move {
            let password = format!("racing-password-{i:02}");
            let status = c
                .post(url)
                .form(&[
                    ("password", password.as_str()),
                    ("password_confirm", password.as_str()),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            (status, password)
        }
    });
    let results = futures::future::join_all(attempts).await;
    let winners: Vec<_> = results.iter().filter(|(s, _)| *s == 303).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results.iter().all(|(s, _)| *s == 303 || *s == 410),
        "{results:?}"
    );
    app.login("race@test.example", &winners[0].1).await;
    let accepted = relais::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "select count(*) from audit_log where action = 'user.accept_invitation'").fetch_one(p).await)
    .unwrap();
    assert_eq!(accepted, 1);
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled() {
    let app = spawn_app_with(|s| s.security.login_delay_seconds = 600).await;
    seed::two_tenants(&app.db).await;
    let m = app.login("a.manager@test.example", PASSWORD).await;
    let change = |current: &'static str| {
        let (app, m) = (&app, m.clone());
        async move {
            app.post_form(
                &m,
                "/account",
                "/account/password",
                &[
                    ("current_password", current),
                    ("new_password", "a-changed-password-3"),
                    ("new_password_confirm", "a-changed-password-3"),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    };
    for _ in 0..5 {
        assert_eq!(change("not-the-password-9").await, 422);
    }
    assert_eq!(change("not-the-password-9").await, 429);
    assert_eq!(
        change(PASSWORD).await,
        429,
        "not even the right one, for now"
    );
    app.login("a.manager@test.example", PASSWORD).await;
}
