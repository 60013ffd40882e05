//! Database faults under a running server: a PostgreSQL that stops (a private cluster, not the
//! shared server) and a SQLite file that becomes read-only. Users get a clear "temporarily
//! unavailable" page in their language, keep their session, and the service comes back by
//! itself; the health check tells the database is unreachable while the process stays live.

use crate::helpers::{spawn_app_on, TestApp};
use crate::seed::{self, PASSWORD};
use relais::db::Db;
use std::path::{Path, PathBuf};
use std::process::Command;

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A PostgreSQL cluster of the test's own, run as the `postgres` user (PostgreSQL refuses to
/// run as root) in a temporary folder, on a free port.
struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
}

fn as_postgres(args: &[&str]) {
    let out = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .args(args)
        .output()
        .expect("runuser");
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    fn create() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("chown")
            .args(["postgres:postgres", &dir.path().display().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data = dir.path().join("data").display().to_string();
        let initdb = format!("{PG_BIN}/initdb");
        as_postgres(&[
            &initdb,
            "-D",
            &data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        ]);
        let cluster = Cluster { dir, port };
        cluster.start();
        cluster
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        let pg_ctl = format!("{PG_BIN}/pg_ctl");
        as_postgres(&[
            &pg_ctl,
            "-D",
            &self.data(),
            "-o",
            &options,
            "-l",
            &log,
            "-w",
            "start",
        ]);
    }

    fn stop(&self) {
        let pg_ctl = format!("{PG_BIN}/pg_ctl");
        as_postgres(&[&pg_ctl, "-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let pg_ctl = format!("{PG_BIN}/pg_ctl");
        let _ = Command::new("runuser")
            .args([
                "-u",
                "postgres",
                "--",
                &pg_ctl,
                "-D",
                &self.data(),
                "-m",
                "immediate",
                "stop",
            ])
            .output();
    }
}

async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String, Vec<String>) {
    let r = c.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    let cookies = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    (status, r.text().await.unwrap(), cookies)
}

// Multi-threaded: stopping and starting the cluster blocks, and the server must go on serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_postgresql_gives_a_clear_503_keeps_the_session_and_service_comes_back() {
    let cluster = tokio::task::spawn_blocking(Cluster::create).await.unwrap();
    let url = cluster.url();
    let db = Db::connect(&url, 5).await.unwrap();
    db.migrate().await.unwrap();
    let app = spawn_app_on(tempfile::tempdir().unwrap(), db, url, |_| {}).await;
    seed::two_tenants(&app.db).await;
    let manager = app.login("a.manager@test.example", PASSWORD).await;
    assert_eq!(get(&manager, &app, "/dashboard").await.0, 200);
    assert_eq!(get(&manager, &app, "/healthz").await.0, 200);

    tokio::task::block_in_place(|| cluster.stop());
    let (status, page, cookies) = get(&manager, &app, "/dashboard").await;
    assert_eq!(status, 503, "{page}");
    assert!(
        page.contains("Service momentanément indisponible"),
        "in the user's language (French by default): {page}"
    );
    assert!(
        !cookies.iter().any(|c| c.starts_with("relais_session")),
        "the session cookie is left alone: {cookies:?}"
    );
    let (status, body, _) = get(&app.client(), &app, "/healthz").await;
    assert_eq!((status, body.as_str()), (503, "database unreachable"));
    assert_eq!(get(&app.client(), &app, "/livez").await.0, 200);
    let resp = app
        .client()
        .get(app.url("/login"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "pages that need no database still work");

    tokio::task::block_in_place(|| cluster.start());
    assert_eq!(
        get(&manager, &app, "/dashboard").await.0,
        200,
        "same session"
    );
    assert_eq!(get(&app.client(), &app, "/healthz").await.0, 200);
}

/// Makes files immutable (even root cannot write them: the tests run as root, for whom
/// permission bits mean nothing), and writable again when dropped.
struct ReadOnly(Vec<PathBuf>);

impl ReadOnly {
    fn set(paths: &[PathBuf]) -> ReadOnly {
        for p in paths {
            let status = Command::new("chattr").arg("+i").arg(p).status().unwrap();
            assert!(status.success(), "chattr +i {}", p.display());
        }
        ReadOnly(paths.to_vec())
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = Command::new("chattr").arg("-i").arg(p).status();
        }
    }
}

fn sqlite_files(dir: &Path) -> Vec<PathBuf> {
    // The shared-memory index stays writable: SQLite maps it, and readers need it.
    ["relais.db", "relais.db-wal"]
        .iter()
        .map(|f| dir.join(f))
        .collect()
}

#[tokio::test]
async fn a_read_only_sqlite_file_refuses_writes_with_503_and_keeps_reads() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("relais.db").display());
    let db = Db::connect(&url, 5).await.unwrap();
    db.migrate().await.unwrap();
    let files = sqlite_files(dir.path());
    let app = spawn_app_on(dir, db, url, |_| {}).await;
    let (a, _) = seed::two_tenants(&app.db).await;
    let manager = app.login("a.manager@test.example", PASSWORD).await;
    assert_eq!(get(&manager, &app, "/network").await.0, 200);

    let read_only = ReadOnly::set(&files);
    let (status, page, _) = get(&manager, &app, "/network/A-001").await;
    assert_eq!(status, 200, "reads keep working: {page}");
    // Concurrent reads make the pool open connections while the file is read-only.
    let reads = (0..8).map(|_| get(&manager, &app, "/network"));
    for (status, _, _) in futures::future::join_all(reads).await {
        assert_eq!(status, 200);
    }
    let fields = [
        ("code", "A-NEW"),
        ("name", "Written meanwhile"),
        ("type", "reseller"),
        ("organisation", "mono_brand"),
        ("country", "FR"),
        ("potential", "a"),
        ("status", "active"),
    ];
    let resp = app
        .post_form(&manager, "/network/new", "/network/new", &fields)
        .await;
    assert_eq!(resp.status(), 503);
    let page = resp.text().await.unwrap();
    assert!(
        page.contains("Service momentanément indisponible"),
        "{page}"
    );
    // A new login needs a write too: the same page, not "wrong password".
    let status = app
        .try_login(&app.client(), "a.manager@test.example", PASSWORD, None)
        .await;
    assert_eq!(status, 503);
    assert_eq!(
        get(&manager, &app, "/network").await.0,
        200,
        "still signed in"
    );

    drop(read_only);
    let resp = app
        .post_form(&manager, "/network/new", "/network/new", &fields)
        .await;
    assert_eq!(resp.status(), 303, "writes work again");
    assert!(relais::db::network::by_code(&app.db, a.tenant_id, "A-NEW")
        .await
        .unwrap()
        .is_some());
}
