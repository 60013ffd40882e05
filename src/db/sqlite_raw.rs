//! Bulk inserts through SQLite's C API, on the connection's own handle.
//!
//! sqlx copies every bound value twice (into an owned argument list, then into SQLite) and
//! hands each statement to its worker thread; for a million-line import that was about a third
//! of the writer's work. Here multi-row inserts (one statement runs the insert program once
//! for many rows; a statement per row costs more than the binding saved) are bound straight
//! from the caller's rows, text without a copy (`SQLITE_STATIC`: the rows outlive the
//! statement), inside whatever transaction the connection is in.
//!
//! This is the only module with `unsafe` code; its invariants are stated where they are used.

use super::bulk::{DateText, V};
use libsqlite3_sys as ffi;
use sqlx::SqliteConnection;
use std::ffi::{c_int, CStr};
use std::ptr;

/// A prepared statement, finalized when dropped.
struct Statement {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
}

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: `stmt` came from `sqlite3_prepare_v2` on `db` and is finalized once, here,
        // while the caller still holds the connection's handle (see `insert`).
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

/// A failure of the C API, with SQLite's result code (so that a read-only or failing disk can
/// be told from a bad row, see `db::is_unavailable_raw`).
#[derive(Debug)]
pub struct RawError {
    pub code: c_int,
    message: String,
}

impl std::fmt::Display for RawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (SQLite code {})", self.message, self.code)
    }
}

impl std::error::Error for RawError {}

impl Statement {
    /// SQLite's message for the last error on this connection.
    fn error(&self, rc: c_int, doing: &str) -> anyhow::Error {
        // SAFETY: `db` is the open connection; `sqlite3_errmsg` returns a NUL-terminated
        // string owned by SQLite, copied out before any further call.
        let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.db)) }
            .to_string_lossy()
            .into_owned();
        anyhow::Error::new(RawError {
            code: rc,
            message: format!("{doing}: {message}"),
        })
    }
}

/// Inserts `n` rows (`row(i)` for `i` in `0..n`) on the connection `c`, in its current
/// transaction: multi-row statements of up to `per_statement` rows, whose SQL for `k` rows of
/// `N` anonymous parameters is `sql(k)`.
pub async fn insert<'q, const N: usize>(
    c: &mut SqliteConnection,
    sql: impl Fn(usize) -> String,
    per_statement: usize,
    n: usize,
    row: impl Fn(usize) -> [V<'q>; N],
) -> anyhow::Result<()> {
    if n == 0 {
        return Ok(());
    }
    let mut handle = c.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // Everything below is synchronous: the handle is held, sqlx's worker waits, and nothing
    // else uses the connection until `handle` is dropped at the end of this function.
    let mut full: Option<Statement> = None;
    let mut dates = vec![DateText::default(); per_statement.min(n) * N];
    let mut start = 0;
    while start < n {
        let count = per_statement.min(n - start);
        let tail;
        let statement = if count == per_statement {
            match &mut full {
                Some(s) => &*s,
                None => &*full.insert(prepare(db, &sql(count), count * N)?),
            }
        } else {
            tail = prepare(db, &sql(count), count * N)?;
            &tail
        };
        for r in 0..count {
            for (k, v) in row(start + r).iter().enumerate() {
                let slot = r * N + k;
                let index = slot as c_int + 1;
                // SAFETY: `stmt` is a live statement of `db` with `count * N` parameters
                // (checked in `prepare`); text pointers stay valid until the statement is
                // reset below: `row` borrows data that outlives this call, and `dates` is not
                // resized while the statement runs, each slot rewritten only after a reset.
                let rc = unsafe {
                    match v {
                        V::I(Some(x)) => ffi::sqlite3_bind_int64(statement.stmt, index, *x),
                        V::I(None) | V::T(None) => ffi::sqlite3_bind_null(statement.stmt, index),
                        V::T(Some(s)) => bind_text(statement.stmt, index, s),
                        V::D(d) => {
                            dates[slot] = DateText::new(*d);
                            bind_text(statement.stmt, index, dates[slot].as_str())
                        }
                    }
                };
                if rc != ffi::SQLITE_OK {
                    return Err(statement.error(rc, "binding a value"));
                }
            }
        }
        // SAFETY: a live statement of `db`, every parameter bound; `sqlite3_reset` makes it
        // ready for the next rows and ends its use of the bound pointers.
        let rc = unsafe { ffi::sqlite3_step(statement.stmt) };
        let done = (rc == ffi::SQLITE_DONE)
            .then_some(())
            .ok_or_else(|| statement.error(rc, "inserting rows"));
        // SAFETY: as above.
        unsafe { ffi::sqlite3_reset(statement.stmt) };
        done?;
        start += count;
    }
    drop(full);
    drop(handle);
    Ok(())
}

/// Binds `s` without copying it (`SQLITE_STATIC`).
///
/// # Safety
/// `stmt` must be a live statement with parameter `index`, and `s` must stay valid and
/// unchanged until the statement is reset or the parameter bound again.
unsafe fn bind_text(stmt: *mut ffi::sqlite3_stmt, index: c_int, s: &str) -> c_int {
    ffi::sqlite3_bind_text64(
        stmt,
        index,
        s.as_ptr().cast(),
        s.len() as u64,
        ffi::SQLITE_STATIC(),
        ffi::SQLITE_UTF8 as u8,
    )
}

/// Prepares `sql`, which must have exactly `parameters` parameters.
fn prepare(db: *mut ffi::sqlite3, sql: &str, parameters: usize) -> anyhow::Result<Statement> {
    let mut stmt = ptr::null_mut();
    // SAFETY: `db` is an open connection held by the caller; `sql` is passed with its length,
    // so it needs no NUL terminator.
    let rc = unsafe {
        ffi::sqlite3_prepare_v2(
            db,
            sql.as_ptr().cast(),
            sql.len() as c_int,
            &mut stmt,
            ptr::null_mut(),
        )
    };
    // Finalizing the null statement of a failed prepare is a harmless no-op.
    let statement = Statement { db, stmt };
    if rc != ffi::SQLITE_OK || stmt.is_null() {
        return Err(statement.error(rc, "preparing a bulk insert"));
    }
    // SAFETY: a live statement of `db`.
    let found = unsafe { ffi::sqlite3_bind_parameter_count(statement.stmt) };
    if found as usize != parameters {
        anyhow::bail!("a bulk insert with {found} parameters for {parameters} values");
    }
    Ok(statement)
}
