//! Secrets: a server others can reach never runs with the built-in secret, and the bearer
//! secrets of links (invitations, resets, unsubscribe links) never reach the logs.

use crate::accounts::{invite_manager, link_in_outbox};
use crate::helpers::{fresh_db, spawn_app};
use crate::seed;
use std::sync::{Arc, Mutex, OnceLock};

#[tokio::test]
async fn serve_refuses_the_built_in_secret_where_others_can_reach_it() {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = fresh_db(dir.path()).await;
    let mut settings = relais::config::Settings::defaults();
    settings.database.url = url;
    settings.mail.outbox_dir = dir.path().join("outbox").display().to_string();
    let state = relais::app::build_state(settings.clone(), db.clone())
        .await
        .unwrap();
    let refused = relais::app::spawn(state, "0.0.0.0:0").await;
    let err = refused
        .err()
        .expect("refused on a public address")
        .to_string();
    assert!(err.contains("RELAIS__SECURITY__SECRET"), "{err}");

    // On this machine only (a demo), it starts.
    let state = relais::app::build_state(settings.clone(), db.clone())
        .await
        .unwrap();
    let running = relais::app::spawn(state, "127.0.0.1:0").await.unwrap();
    running.handle.abort();

    // With a secret of its own it serves anywhere.
    settings.security.secret = relais::auth::random_token().into();
    let state = relais::app::build_state(settings, db).await.unwrap();
    let running = relais::app::spawn(state, "0.0.0.0:0").await.unwrap();
    running.handle.abort();
}

/// Everything logged by the test binary from the first call on (all tests write here; each
/// test looks for its own random secrets).
fn captured() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        tracing_subscriber::fmt()
            .with_env_filter("tower_http=debug,relais=debug")
            .with_ansi(false)
            .with_writer(move || Writer(sink.clone()))
            .try_init()
            .expect("the test binary installs one log subscriber");
        logs
    })
    .clone()
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn link_secrets_never_reach_the_logs() {
    let logs = captured();
    let app = spawn_app().await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let added = invite_manager(&app, a.tenant_id, "logged@test.example").await;
    let invite = link_in_outbox(&app, "/invite/").await;
    let invite_token = invite.rsplit('/').next().unwrap().to_string();
    let path = format!("/invite/{invite_token}");
    let c = app.client();
    assert_eq!(c.get(app.url(&path)).send().await.unwrap().status(), 200);
    // A post without its CSRF token is logged as refused: by path, without the secret.
    let resp = c
        .post(app.url(&path))
        .form(&[("password", "x"), ("password_confirm", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let unsubscribe = relais::mail::outbound::unsubscribe_token(
        &app.state.secret(),
        added.user_id,
        relais::mail::outbound::MANAGER_DIGEST,
    );
    let resp = c
        .get(app.url(&format!("/unsubscribe/{unsubscribe}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let upload_csrf = app.csrf(&c, "/login").await;
    c.post(app.url(&format!("/declare/upload?csrf_token={upload_csrf}")))
        .send()
        .await
        .unwrap();

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
    assert!(text.contains("/invite/…"), "requests are logged, redacted");
    assert!(text.contains("refused a state-changing request"));
    for secret in [&invite_token, &unsubscribe, &upload_csrf] {
        assert!(!text.contains(secret.as_str()), "{secret} was logged");
    }
}
