//! The database: one enum over the two native sqlx pools. Each query is written once, with `$n`
//! placeholders (which SQLite accepts too), and compiled for both backends by `with_db!`/`with_tx!`.
//! SQL that must differ between dialects is rare and kept next to its query.

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

pub mod access;
pub mod analytics;
pub mod audit;
pub mod bulk;
pub mod challenges;
pub mod declarations;
pub mod demo;
pub mod digests;
pub mod job_runs;
pub mod mail;
pub mod network;
pub mod points;
pub mod products;
pub mod rewards;
mod sqlite_raw;
pub use sqlite_raw::RawError;
pub mod tenants;
pub mod users;

#[derive(Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction on either backend.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$p` bound to the backend's pool; the body is compiled once per backend.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($p) => $body,
            $crate::db::Db::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's connection (`&mut Connection`).
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// When SQLite last said its file is read-only or failing (see [`is_unavailable`]), as
/// milliseconds after [`CLOCK_START`] plus one (0: never). Pooled SQLite connections are
/// checked against it before reuse (see [`Db::connect_with`]).
static SQLITE_FAULT_AT: AtomicU64 = AtomicU64::new(0);
static CLOCK_START: LazyLock<Instant> = LazyLock::new(Instant::now);

/// How long after a disk fault newly opened SQLite connections are still suspect (they may
/// have opened files that were read-only then).
const FAULT_QUARANTINE: Duration = Duration::from_secs(5);

fn note_sqlite_fault() {
    let at = u64::try_from(CLOCK_START.elapsed().as_millis()).unwrap_or(u64::MAX - 1) + 1;
    SQLITE_FAULT_AT.store(at, Ordering::Relaxed);
}

/// The instant of the last SQLite disk fault, if there was one.
fn last_sqlite_fault() -> Option<Instant> {
    match SQLITE_FAULT_AT.load(Ordering::Relaxed) {
        0 => None,
        at => Some(*CLOCK_START + Duration::from_millis(at - 1)),
    }
}

/// How long a request waits for a PostgreSQL connection by default (`database.
/// acquire_timeout_seconds`): an unreachable server shows as this wait, after which the request
/// is answered "temporarily unavailable".
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

impl Db {
    /// Connects to `sqlite://PATH` (creating the file when missing) or `postgres://...`.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        Self::connect_with(url, max_connections, ACQUIRE_TIMEOUT).await
    }

    /// [`Db::connect`] with the PostgreSQL acquire timeout. SQLite keeps a long one: its
    /// failures come back at once, and a wait there is only a busy pool.
    pub async fn connect_with(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> anyhow::Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(acquire_timeout)
                .connect_with(options)
                .await
                .with_context(|| format!("cannot connect to {}", crate::config::redact_url(url)))?;
            Ok(Db::Postgres(pool))
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or(url.strip_prefix("sqlite:"))
        {
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                // WAL lets readers proceed while one writer writes: https://sqlite.org/wal.html
                .journal_mode(SqliteJournalMode::Wal)
                // NORMAL is durable in WAL mode except for the last commits on power loss:
                // https://sqlite.org/pragma.html#pragma_synchronous
                .synchronous(SqliteSynchronous::Normal)
                // Wait for a competing writer instead of failing at once:
                // https://sqlite.org/pragma.html#pragma_busy_timeout
                .busy_timeout(Duration::from_secs(10))
                // Off by default in SQLite: https://sqlite.org/foreignkeys.html
                .foreign_keys(true)
                .pragma("temp_store", "memory")
                .pragma("cache_size", "-32000");
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(30))
                // After a disk fault some connections are unusable for good: one whose COMMIT
                // failed (SQLite rolled back by itself) is still counted in a transaction by
                // sqlx, so it refuses every new one; one that opened the database or its
                // write-ahead log while the file was read-only refuses every write, and nothing
                // tells it apart until it fails. So every connection opened before the last
                // fault, or just after it, is closed instead of being reused, and service comes
                // back once the disk does.
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        use sqlx::Connection;
                        if conn.is_in_transaction() {
                            return Ok(false);
                        }
                        Ok(last_sqlite_fault()
                            .is_none_or(|fault| meta.age + FAULT_QUARANTINE < fault.elapsed()))
                    })
                })
                .connect_with(options)
                .await
                .with_context(|| format!("cannot open SQLite database {path}"))?;
            Ok(Db::Sqlite(pool))
        } else {
            anyhow::bail!(
                "unsupported database URL (expected sqlite://PATH or postgres://...): {url}"
            )
        }
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// One round trip to the database (health check).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        with_db!(self, p => sqlx::query("select 1").execute(p).await.map(|_| ()))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`, which takes the write lock
    /// up front: a deferred transaction that reads and then writes fails with "database is
    /// locked" when another writer got in first, and `busy_timeout` cannot help it.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        with_db!(self, p => p.close().await)
    }
}

impl Tx {
    /// The clause that locks the rows a `select` returns until the transaction ends: `for
    /// update` on PostgreSQL; nothing on SQLite, where a write transaction (`BEGIN IMMEDIATE`)
    /// already holds the database's one write lock.
    pub fn for_update(&self) -> &'static str {
        match self {
            Tx::Sqlite(_) => "",
            Tx::Postgres(_) => " for update",
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

/// A value bound into dynamically built SQL (filters, searches).
#[derive(Debug, Clone)]
pub enum Param {
    I64(i64),
    F64(f64),
    Text(String),
    Date(chrono::NaiveDate),
}

/// Builds a `where` clause with numbered placeholders that both backends accept.
#[derive(Debug, Default)]
pub struct Where {
    clauses: Vec<String>,
    pub params: Vec<Param>,
}

impl Where {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a condition; `{}` in `sql` stands for the next placeholder (repeatable).
    pub fn and(&mut self, sql: &str, param: Param) -> &mut Self {
        self.params.push(param);
        let placeholder = format!("${}", self.params.len());
        self.clauses.push(sql.replace("{}", &placeholder));
        self
    }

    /// Adds a condition that takes no parameter.
    pub fn and_raw(&mut self, sql: &str) -> &mut Self {
        self.clauses.push(sql.to_string());
        self
    }

    /// The next placeholder number, for parameters appended after the clause (limit, offset).
    pub fn next_placeholder(&self) -> usize {
        self.params.len() + 1
    }

    pub fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "true".into()
        } else {
            self.clauses.join(" and ")
        }
    }
}

/// Binds a list of [`Param`]s onto a `query_as`/`query_scalar`/`query` value.
#[macro_export]
macro_rules! bind_params {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params.iter() {
            q = match p {
                $crate::db::Param::I64(v) => q.bind(*v),
                $crate::db::Param::F64(v) => q.bind(*v),
                $crate::db::Param::Text(v) => q.bind(v.clone()),
                $crate::db::Param::Date(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// Current time as unix seconds; all stored timestamps use it.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// True when the error says the database cannot serve now — unreachable, shutting down, out of
/// connections, read-only or failing to write — rather than that the request was wrong. Such
/// errors are answered "temporarily unavailable" (503), never taken for "not found" or "no
/// session". An SQLite disk fault is also noted for the pool's connection checks.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    use sqlx::Error as E;
    match err {
        E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::WorkerCrashed => true,
        E::Database(e) => {
            if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // Extended result codes carry the primary one in their low byte.
                e.code()
                    .and_then(|c| c.parse::<i32>().ok())
                    .is_some_and(|c| sqlite_unavailable(c & 0xff))
            } else {
                // SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html):
                // 08 connection exception, 53 insufficient resources, 57P01-03 shutting down or
                // starting, 25006 read-only transaction (a standby).
                let code = e.code().unwrap_or_default();
                code.starts_with("08")
                    || code.starts_with("53")
                    || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "25006")
            }
        }
        _ => false,
    }
}

/// [`is_unavailable`] for the failures of SQLite's C API (bulk inserts).
pub fn is_unavailable_raw(err: &RawError) -> bool {
    sqlite_unavailable(err.code & 0xff)
}

/// SQLite primary result codes (https://sqlite.org/rescode.html) that mean "cannot serve now":
/// BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN. The last four are disk faults.
fn sqlite_unavailable(primary: i32) -> bool {
    let disk_fault = matches!(primary, 8 | 10 | 13 | 14);
    if disk_fault {
        note_sqlite_fault();
    }
    disk_fault || matches!(primary, 5 | 6)
}

/// True when the error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}
