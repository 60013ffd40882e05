//! The facts a challenge computation (`crate::challenges::recompute`) reads: participants' segments, product categories and the
//! declaration lines of the challenge's period.
//!
//! Line facts are the only large read (a million rows for a big challenge). On SQLite the driver
//! hands each row over from its own thread, which costs several times what SQLite spends
//! producing it, so when the lines fill most of an id span they are read in pages, each page
//! packed by SQLite into one text value and parsed here (4–5× less CPU than one row per line
//! on a million lines).

use crate::db::points::{id_list, Exec};
use crate::db::{Db, Tx};
use crate::domain::points::compile::ProductFacts;
use crate::domain::points::engine::LineFacts;
use crate::domain::points::segment::{
    BrandOrganisation, Potential, ResellerFacts, ResellerStatus, ResellerType,
};
use crate::with_exec;
use chrono::NaiveDate;

pub async fn reseller_facts(
    exec: Exec<'_>,
    tenant_id: i64,
) -> Result<Vec<ResellerFacts>, sqlx::Error> {
    let sql = "select id, reseller_type, brand_organisation, region, potential, status from resellers where tenant_id = $1 order by id";
    let rows = with_exec!(exec, c => sqlx::query_as::<_, (i64, String, String, String, String, String)>(sql).bind(tenant_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, t, b, region, p, s)| ResellerFacts {
            id,
            reseller_type: match t.as_str() {
                "distributor" => ResellerType::Distributor,
                "franchisee" => ResellerType::Franchisee,
                _ => ResellerType::Reseller,
            },
            brand_organisation: if b == "mono" {
                BrandOrganisation::Mono
            } else {
                BrandOrganisation::Multi
            },
            region,
            potential: match p.as_str() {
                "A" => Potential::A,
                "C" => Potential::C,
                _ => Potential::B,
            },
            status: match s.as_str() {
                "prospect" => ResellerStatus::Prospect,
                "inactive" => ResellerStatus::Inactive,
                _ => ResellerStatus::Active,
            },
        })
        .collect())
}

pub async fn product_facts(
    exec: Exec<'_>,
    tenant_id: i64,
) -> Result<Vec<ProductFacts>, sqlx::Error> {
    let sql = "select id, category from products where tenant_id = $1";
    let rows = with_exec!(exec, c => sqlx::query_as::<_, (i64, String)>(sql).bind(tenant_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, category)| ProductFacts { id, category })
        .collect())
}

/// Approved lines (confirmed points) and lines awaiting review (pending points) sold in
/// `[from, to]`; rejected, withdrawn and draft lines earn nothing, which reverses their points.
pub async fn line_facts(
    exec: Exec<'_>,
    tenant_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    resellers: Option<&[i64]>,
    tz: chrono_tz::Tz,
) -> Result<Vec<LineFacts>, sqlx::Error> {
    let mut exec = exec;
    let mut days = DeclarationDays::new(tz);
    let q = Query {
        tenant_id,
        from,
        to,
    };
    if resellers.is_none() {
        if let Some(span) = dense_span(&mut exec, &q).await? {
            return match exec {
                Exec::Db(Db::Sqlite(pool)) => {
                    packed_pages(&mut *pool.acquire().await?, &q, span, &mut days).await
                }
                Exec::Tx(Tx::Sqlite(t)) => packed_pages(t, &q, span, &mut days).await,
                _ => unreachable!("dense spans are only looked for on SQLite"),
            };
        }
    }
    let mut sql = format!("select {COLUMNS} from declaration_lines where {FILTER}");
    if let Some(ids) = resellers {
        sql.push_str(&format!(" and reseller_id in ({})", id_list(ids)));
    }
    sql.push_str(" order by id");
    type Row = (i64, i64, i64, NaiveDate, i64, i64, i64, i64);
    let rows = with_exec!(exec, c => sqlx::query_as::<_, Row>(&sql).persistent(false).bind(tenant_id).bind(from).bind(to).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, reseller, product, sale_date, created_at, quantity, amount, flags)| {
                days.facts(
                    [id, reseller, product, created_at, quantity, amount, flags],
                    sale_date,
                )
            },
        )
        .collect())
}

struct Query {
    tenant_id: i64,
    from: NaiveDate,
    to: NaiveDate,
}

// PostgreSQL types a bare `case … then 1` as int4: the cast makes the flags bigint.
// Flags: 1 customer details, 2 feedback, 4 approved.
macro_rules! flags {
    () => {
        "cast((case when coalesce(customer_type, '') <> '' or coalesce(customer_postal_code, '') <> '' \
         or coalesce(customer_hash, '') <> '' then 1 else 0 end) \
         + (case when coalesce(feedback, '') <> '' or rating is not null then 2 else 0 end) \
         + (case when review_status = 'approved' then 4 else 0 end) as bigint)"
    };
}
const COLUMNS: &str = concat!(
    "id, reseller_id, product_id, sale_date, created_at, quantity, amount_cents, ",
    flags!()
);
/// The same columns as one text record (SQLite).
const RECORD: &str = concat!(
    "id || ',' || reseller_id || ',' || product_id || ',' || sale_date || ',' || created_at \
     || ',' || quantity || ',' || amount_cents || ',' || ",
    flags!()
);
const FILTER: &str =
    "tenant_id = $1 and sale_date between $2 and $3 and review_status in ('approved', 'pending')";

/// Lines per packed page: a few megabytes of text.
const PAGE: i64 = 50_000;

/// Turns a row into facts; declaration days come from creation timestamps in the tenant's zone,
/// and consecutive lines of one import share a timestamp, so the conversion is cached.
struct DeclarationDays {
    tz: chrono_tz::Tz,
    last: (i64, NaiveDate),
}

impl DeclarationDays {
    fn new(tz: chrono_tz::Tz) -> Self {
        DeclarationDays {
            tz,
            last: (i64::MIN, NaiveDate::MIN),
        }
    }

    /// `v`: id, reseller, product, created_at, quantity, amount_cents, flags.
    fn facts(&mut self, v: [i64; 7], sale_date: NaiveDate) -> LineFacts {
        let created_at = v[3];
        if created_at != self.last.0 {
            let day = chrono::DateTime::from_timestamp(created_at, 0)
                .map_or(sale_date, |t| t.with_timezone(&self.tz).date_naive());
            self.last = (created_at, day);
        }
        LineFacts {
            line_id: v[0],
            reseller_id: v[1],
            product_id: v[2],
            sale_date,
            declared_on: self.last.1,
            quantity: v[4],
            amount_cents: v[5],
            has_customer_details: v[6] & 1 != 0,
            has_feedback: v[6] & 2 != 0,
            approved: v[6] & 4 != 0,
        }
    }
}

/// On SQLite, the id span of a tenant's lines sold in `[from, to]` when they fill at least a
/// quarter of it: scanning the span in storage order then beats one random row read per line
/// through the date index (SQLite alone: 0.6 s against 1.8–4 s for a million lines).
/// PostgreSQL's planner makes this choice itself.
async fn dense_span(exec: &mut Exec<'_>, q: &Query) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let sql = "select count(*), min(id), max(id) from declaration_lines \
               where tenant_id = $1 and sale_date between $2 and $3";
    let query = || {
        sqlx::query_as::<_, (i64, Option<i64>, Option<i64>)>(sql)
            .bind(q.tenant_id)
            .bind(q.from)
            .bind(q.to)
    };
    let (count, first, last) = match exec {
        Exec::Db(Db::Sqlite(p)) => query().fetch_one(p).await?,
        Exec::Tx(Tx::Sqlite(t)) => query().fetch_one(&mut **t).await?,
        _ => return Ok(None),
    };
    Ok(match (first, last) {
        (Some(first), Some(last)) if count.saturating_mul(4) > last - first => Some((first, last)),
        _ => None,
    })
}

/// Reads the lines of `[first, last]` in storage order, `PAGE` at a time, each page as one text
/// value of `;`-separated records (see `RECORD`).
async fn packed_pages(
    conn: &mut sqlx::SqliteConnection,
    q: &Query,
    (first, last): (i64, i64),
    days: &mut DeclarationDays,
) -> Result<Vec<LineFacts>, sqlx::Error> {
    // `not indexed` keeps SQLite on the rowid range (the date index would visit rows at random).
    let sql = format!(
        "select group_concat(r, ';'), max(id), count(*) from ( \
           select id, {RECORD} as r from declaration_lines not indexed \
           where id > $4 and id <= $5 and {FILTER} order by id limit {PAGE})"
    );
    let mut facts: Vec<LineFacts> = Vec::new();
    let mut after = first - 1;
    loop {
        let (text, max_id, count): (Option<String>, Option<i64>, i64) = sqlx::query_as(&sql)
            .bind(q.tenant_id)
            .bind(q.from)
            .bind(q.to)
            .bind(after)
            .bind(last)
            .fetch_one(&mut *conn)
            .await?;
        for record in text
            .as_deref()
            .unwrap_or("")
            .split(';')
            .filter(|r| !r.is_empty())
        {
            let (values, sale_date) = parse_record(record).ok_or_else(|| {
                sqlx::Error::Decode(format!("unreadable line facts record: {record}").into())
            })?;
            facts.push(days.facts(values, sale_date));
        }
        match max_id {
            Some(max) if count == PAGE => after = max,
            _ => return Ok(facts),
        }
    }
}

/// `id,reseller,product,YYYY-MM-DD,created_at,quantity,amount,flags`.
fn parse_record(record: &str) -> Option<([i64; 7], NaiveDate)> {
    let mut fields = record.split(',');
    let mut values = [0i64; 7];
    let mut sale_date = None;
    for at in 0..8 {
        let field = fields.next()?;
        match at {
            3 => sale_date = NaiveDate::parse_from_str(field, "%Y-%m-%d").ok(),
            _ => values[if at < 3 { at } else { at - 1 }] = field.parse().ok()?,
        }
    }
    if fields.next().is_some() {
        return None;
    }
    Some((values, sale_date?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_record_reads_back_and_a_damaged_one_is_refused() {
        let (v, day) = parse_record("12,3,4,2025-03-08,1741392000,-2,5000,5").unwrap();
        assert_eq!(v, [12, 3, 4, 1741392000, -2, 5000, 5]);
        assert_eq!(day, NaiveDate::from_ymd_opt(2025, 3, 8).unwrap());
        assert_eq!(parse_record("12,3,4,2025-03-08,1741392000,-2,5000"), None);
        assert_eq!(
            parse_record("12,3,4,2025-03-08,1741392000,-2,5000,5,9"),
            None
        );
        assert_eq!(parse_record("12,3,x,2025-03-08,1741392000,-2,5000,5"), None);
        assert_eq!(parse_record("12,3,4,08/03/2025,1741392000,-2,5000,5"), None);
    }
}
