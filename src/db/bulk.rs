//! Writing many rows of one shape fast: multi-row inserts on SQLite, `COPY ... FROM STDIN` on
//! PostgreSQL. Used by declaration imports, the analytics roll-ups and the demo generator.

use super::Tx;
use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use sqlx::postgres::PgArguments;
use sqlx::{Arguments, PgConnection, SqliteConnection};
use std::fmt::Write;

/// SQLite's limit on bound values in one statement (`SQLITE_MAX_VARIABLE_NUMBER`).
pub const SQLITE_VARIABLES: usize = 32766;

/// PostgreSQL's limit on bound values in one statement (the protocol counts them in 16 bits).
pub const PG_VARIABLES: usize = 65535;

/// One value of a row.
#[derive(Clone, Copy)]
pub enum V<'q> {
    I(Option<i64>),
    T(Option<&'q str>),
    D(NaiveDate),
}

/// Rows per SQLite insert statement. Each call prepares its statement (parsing costs about
/// the same per value whatever the statement's size) and runs it for every run of this many
/// rows. Measured on a 100,000-line import (instructions of the writer): a statement per row
/// costs 50 % more than multi-row statements, since SQLite runs its whole insert program
/// (cursors, journals) per statement; one statement for all 4,096 rows of a call is parsed
/// anew for every call (+20 %); 64 rows, +7 %; 256 rows is as cheap as 1,560.
const SQLITE_ROWS_PER_STATEMENT: usize = 256;

/// Appends `n` rows (`row(i)` for `i` in `0..n`) to `table` in a transaction of either
/// dialect, the fastest way each has: multi-row inserts on SQLite ([`sqlite_insert`]), `COPY`
/// on PostgreSQL ([`pg_copy`]).
pub async fn append<'q, const N: usize>(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    n: usize,
    row: impl Fn(usize) -> [V<'q>; N],
) -> anyhow::Result<()> {
    match tx {
        Tx::Sqlite(t) => sqlite_insert(t, table, columns, n, row).await,
        Tx::Postgres(t) => pg_copy(t, table, columns, n, row).await,
    }
}

/// Inserts `n` rows on SQLite in multi-row statements, bound from the rows through SQLite's C
/// API (`super::sqlite_raw`) rather than through sqlx's argument lists.
async fn sqlite_insert<'q, const N: usize>(
    c: &mut SqliteConnection,
    table: &str,
    columns: &[&str],
    n: usize,
    row: impl Fn(usize) -> [V<'q>; N],
) -> anyhow::Result<()> {
    sqlite_insert_with(c, table, columns, "", n, row).await
}

/// `sqlite_insert` with `suffix` after the values (an `on conflict` clause, say).
async fn sqlite_insert_with<'q, const N: usize>(
    c: &mut SqliteConnection,
    table: &str,
    columns: &[&str],
    suffix: &str,
    n: usize,
    row: impl Fn(usize) -> [V<'q>; N],
) -> anyhow::Result<()> {
    debug_assert_eq!(columns.len(), N);
    let sql = |rows| insert_sql(table, columns, rows, suffix, false);
    let per_statement = SQLITE_ROWS_PER_STATEMENT.min(SQLITE_VARIABLES / N);
    super::sqlite_raw::insert(c, sql, per_statement, n, row)
        .await
        .with_context(|| format!("inserting into {table}"))
}

/// A date as `YYYY-MM-DD`, the text both databases read, written without chrono's
/// general-purpose formatter (a visible share of a bulk write's time).
#[derive(Clone, Copy, Default)]
pub struct DateText {
    buf: [u8; 16],
    len: usize,
}

impl DateText {
    pub fn new(d: NaiveDate) -> DateText {
        let mut t = DateText::default();
        let (y, m, day) = (d.year(), d.month(), d.day());
        if (0..=9999).contains(&y) {
            let digit = |v: u32| b'0' + (v % 10) as u8;
            let y = y as u32;
            t.buf[..10].copy_from_slice(&[
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(day / 10),
                digit(day),
            ]);
            t.len = 10;
        } else {
            // Years beyond four digits (never a sale date): chrono's text, signed.
            let text = d.format("%Y-%m-%d").to_string();
            t.len = text.len().min(t.buf.len());
            t.buf[..t.len].copy_from_slice(&text.as_bytes()[..t.len]);
        }
        t
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

/// `insert into {table} ({columns}) values ... {suffix}` in a transaction of either dialect:
/// row by row through SQLite's C API, or multi-row statements as large as PostgreSQL's
/// bound-value limit allows. With an `on conflict` suffix it is a bulk upsert; the rows of one
/// call must then have distinct keys (PostgreSQL refuses a statement that updates a row twice).
pub async fn insert_rows<'q, const N: usize>(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    suffix: &str,
    n: usize,
    row: impl Fn(usize) -> [V<'q>; N],
) -> anyhow::Result<()> {
    match tx {
        Tx::Sqlite(t) => sqlite_insert_with(t, table, columns, suffix, n, row).await,
        Tx::Postgres(t) => pg_insert_with(t, table, columns, suffix, n, row).await,
    }
}

async fn pg_insert_with<'q, const N: usize>(
    c: &mut PgConnection,
    table: &str,
    columns: &[&str],
    suffix: &str,
    n: usize,
    row: impl Fn(usize) -> [V<'q>; N],
) -> anyhow::Result<()> {
    debug_assert_eq!(columns.len(), N);
    let per_statement = PG_VARIABLES / N;
    let mut start = 0;
    while start < n {
        let count = per_statement.min(n - start);
        let sql = insert_sql(table, columns, count, suffix, true);
        let mut args = PgArguments::default();
        for i in start..start + count {
            for v in row(i) {
                match v {
                    V::I(x) => args.add(x),
                    V::T(x) => args.add(x),
                    V::D(x) => args.add(x),
                }
                .map_err(|e| anyhow::anyhow!("binding a value for {table}: {e}"))?;
            }
        }
        sqlx::query_with(&sql, args)
            .persistent(false)
            .execute(&mut *c)
            .await
            .with_context(|| format!("inserting into {table}"))?;
        start += count;
    }
    Ok(())
}

/// The insert statement for `rows` rows. On SQLite its placeholders are anonymous `?`: sqlx
/// looks up the name of every numbered (`$n`) parameter, and SQLite finds a name by scanning
/// the list of all of them, which makes binding 30,000 numbered parameters quadratic.
/// PostgreSQL wants them numbered.
fn insert_sql(table: &str, columns: &[&str], rows: usize, suffix: &str, numbered: bool) -> String {
    let mut sql = format!("insert into {table} ({}) values ", columns.join(", "));
    sql.reserve(rows * (columns.len() * if numbered { 7 } else { 2 } + 3) + suffix.len() + 1);
    let mut k = 0;
    for r in 0..rows {
        sql.push_str(if r > 0 { ",(" } else { "(" });
        for c in 0..columns.len() {
            if c > 0 {
                sql.push(',');
            }
            if numbered {
                k += 1;
                let _ = write!(sql, "${k}");
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    if !suffix.is_empty() {
        sql.push(' ');
        sql.push_str(suffix);
    }
    sql
}

/// `COPY ... FROM STDIN` in text format, sent in pieces of about 1 MiB.
async fn pg_copy<'q, const N: usize>(
    c: &mut PgConnection,
    table: &str,
    columns: &[&str],
    n: usize,
    row: impl Fn(usize) -> [V<'q>; N],
) -> anyhow::Result<()> {
    debug_assert_eq!(columns.len(), N);
    if n == 0 {
        return Ok(());
    }
    let statement = format!("copy {table} ({}) from stdin", columns.join(", "));
    let mut copy = c
        .copy_in_raw(&statement)
        .await
        .with_context(|| format!("starting copy into {table}"))?;
    let mut buf = String::with_capacity(1 << 20);
    for i in 0..n {
        for (k, v) in row(i).into_iter().enumerate() {
            if k > 0 {
                buf.push('\t');
            }
            match v {
                V::I(Some(x)) => {
                    let _ = write!(buf, "{x}");
                }
                V::T(Some(s)) => {
                    for ch in s.chars() {
                        match ch {
                            '\\' => buf.push_str("\\\\"),
                            '\t' => buf.push_str("\\t"),
                            '\n' => buf.push_str("\\n"),
                            '\r' => buf.push_str("\\r"),
                            other => buf.push(other),
                        }
                    }
                }
                V::D(d) => buf.push_str(DateText::new(d).as_str()),
                V::I(None) | V::T(None) => buf.push_str("\\N"),
            }
        }
        buf.push('\n');
        if buf.len() >= 1 << 20 {
            copy.send(buf.as_bytes()).await?;
            buf.clear();
        }
    }
    if !buf.is_empty() {
        copy.send(buf.as_bytes()).await?;
    }
    copy.finish()
        .await
        .with_context(|| format!("copying into {table}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_iso_text() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        for date in [d(2026, 3, 1), d(1999, 12, 31), d(9, 1, 2), d(9999, 12, 31)] {
            assert_eq!(
                DateText::new(date).as_str(),
                date.format("%Y-%m-%d").to_string()
            );
        }
        assert_eq!(DateText::new(d(12345, 6, 7)).as_str(), "+12345-06-07");
        assert_eq!(DateText::new(d(-44, 3, 15)).as_str(), "-0044-03-15");
    }
}
