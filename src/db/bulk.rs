//! Writing many rows of one shape fast: multi-row inserts on SQLite, `COPY ... FROM STDIN` on
//! PostgreSQL. Used by declaration imports, the analytics roll-ups and the demo generator.

use super::Tx;
use anyhow::Context;
use chrono::NaiveDate;
use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteArguments;
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

/// Multi-row inserts, as many rows per statement as SQLite's bound variables allow; all full
/// statements share one SQL text, so SQLite prepares it once per connection. A shorter last
/// statement is not cached: each length would otherwise fill the statement cache with large,
/// never reused statements.
pub async fn sqlite_insert<'q, const N: usize>(
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
    let per_statement = SQLITE_VARIABLES / N;
    let full_sql = if n >= per_statement {
        insert_sql(table, columns, per_statement, suffix, false)
    } else {
        String::new()
    };
    let mut start = 0;
    while start < n {
        let count = per_statement.min(n - start);
        let tail_sql;
        let sql: &str = if count == per_statement {
            &full_sql
        } else {
            tail_sql = insert_sql(table, columns, count, suffix, false);
            &tail_sql
        };
        let mut args = SqliteArguments::default();
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
        sqlx::query_with(sql, args)
            .persistent(count == per_statement)
            .execute(&mut *c)
            .await
            .with_context(|| format!("inserting into {table}"))?;
        start += count;
    }
    Ok(())
}

/// Multi-row `insert into {table} ({columns}) values ... {suffix}` in a transaction of either
/// dialect, as many rows per statement as the bound-value limit allows. With an `on conflict`
/// suffix it is a bulk upsert; the rows of one call must then have distinct keys.
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
pub async fn pg_copy<'q, const N: usize>(
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
                V::D(d) => {
                    let _ = write!(buf, "{}", d.format("%Y-%m-%d"));
                }
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
