//! Test harness: every test gets its own fresh database — a temporary SQLite file, or, when
//! RELAIS_TEST_POSTGRES_URL is set, a freshly created PostgreSQL database (tests fail, rather
//! than skip, when that server is unreachable) — and its own server on a random port.

use relais::config::Settings;
use relais::db::Db;
use relais::http::AppState;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub db: Db,
    pub state: AppState,
    pub outbox: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The relais binary, started as a file-reading worker by the servers of the tests.
pub const WORKER: &str = env!("CARGO_BIN_EXE_relais");

/// A file reader with the default ceilings, for tests that call the library directly.
pub fn test_reader() -> relais::reader::Reader {
    let mut settings = Settings::defaults().reader;
    settings.worker_exe = WORKER.into();
    relais::reader::Reader::new(&settings)
}

/// A fresh, migrated database for one test.
pub async fn fresh_db(dir: &std::path::Path) -> (Db, String) {
    let url = match std::env::var("RELAIS_TEST_POSTGRES_URL") {
        Ok(base) if !base.is_empty() => create_pg_database(&base).await,
        _ => format!("sqlite://{}", dir.join("relais-test.db").display()),
    };
    let db = Db::connect(&url, 5)
        .await
        .expect("connect to the test database");
    db.migrate().await.expect("migrate the test database");
    (db, url)
}

async fn create_pg_database(base: &str) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .unwrap_or_else(|e| panic!("RELAIS_TEST_POSTGRES_URL is set but unreachable: {e}"));
    let name = format!(
        "relais_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        relais::auth::random_token()[..8]
            .to_lowercase()
            .replace(['-', '_'], "x")
    );
    sqlx::query(&format!("create database {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let mut url = url::Url::parse(base).expect("valid RELAIS_TEST_POSTGRES_URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, url) = fresh_db(dir.path()).await;
    spawn_app_on(dir, db, url, adjust).await
}

/// A server over a database the test prepared itself (e.g. one it will break on purpose).
pub async fn spawn_app_on(
    dir: tempfile::TempDir,
    db: Db,
    url: String,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = Settings::defaults();
    settings.database.url = url;
    settings.mail.outbox_dir = dir.path().join("outbox").display().to_string();
    settings.security.secret = "test-secret-not-for-production".to_string().into();
    // The server runs inside this test binary: its file readers are the relais binary.
    settings.reader.worker_exe = WORKER.into();
    adjust(&mut settings);
    let outbox = std::path::PathBuf::from(&settings.mail.outbox_dir);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    settings.server.public_url = format!("http://{}", listener.local_addr().expect("addr"));
    let state = relais::app::build_state(settings, db.clone())
        .await
        .expect("state");
    let running = relais::app::spawn_on(listener, state.clone()).expect("spawn");
    TestApp {
        addr: running.addr,
        db,
        state,
        outbox,
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// The messages written to the file outbox, as raw RFC 5322 text.
    pub fn outbox_messages(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(&self.outbox)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }

    /// GETs a page and returns the CSRF token of its first form (what a browser would submit).
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf_token on {path}"))
    }

    /// Logs in through the login form; panics unless it succeeds.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Client {
        let client = self.client();
        let token = self.csrf(&client, "/login").await;
        let resp = client
            .post(self.url("/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .expect("post login");
        assert_eq!(
            resp.status(),
            303,
            "login of {email} failed: {}",
            resp.text().await.unwrap_or_default()
        );
        client
    }

    /// Posts the login form and returns the status (303 when it worked). `forwarded` is sent as
    /// `X-Forwarded-For`, believed only when the server trusts the test's loopback address.
    pub async fn try_login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
        forwarded: Option<&str>,
    ) -> u16 {
        let token = self.csrf(client, "/login").await;
        let mut req = client.post(self.url("/login")).form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &token),
        ]);
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        req.send().await.expect("post login").status().as_u16()
    }

    /// POSTs a form with the CSRF token taken from `form_page`.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(client, form_page).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("post")
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("input[name=csrf_token]").expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_string)
}
