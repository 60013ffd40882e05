//! Writing many rows of one shape fast: multi-row inserts on SQLite, `COPY ... FROM STDIN` on
//! PostgreSQL. Used by declaration imports and by the demo generator.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, PgConnection, SqliteConnection};
use std::fmt::Write;

/// SQLite's limit on bound values in one statement (`SQLITE_MAX_VARIABLE_NUMBER`).
pub const SQLITE_VARIABLES: usize = 32766;

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
    debug_assert_eq!(columns.len(), N);
    let per_statement = SQLITE_VARIABLES / N;
    let full_sql = if n >= per_statement {
        insert_sql(table, columns, per_statement)
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
            tail_sql = insert_sql(table, columns, count);
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

/// The insert statement for `rows` rows. Its placeholders are anonymous `?`: sqlx looks up
/// the name of every numbered (`$n`) parameter, and SQLite finds a name by scanning the list
/// of all of them, which makes binding 30,000 numbered parameters quadratic.
fn insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(","));
    let mut sql = format!("insert into {table} ({}) values ", columns.join(", "));
    sql.reserve(rows * (row.len() + 1));
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push_str(&row);
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
