//! The reads behind the scheduled emails (`crate::jobs_app`): who receives them, and the
//! figures of the manager and reseller digests and of the declaration reminders. Each read
//! covers a whole tenant in one grouped query; the jobs split the rows per recipient in memory,
//! so a run's cost grows with the data, not with the number of people.

use super::Db;
use crate::with_db;
use chrono::{Duration, NaiveDate};

/// A reseller user with the reseller it speaks for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub user_id: i64,
    pub email: String,
    pub locale: Option<String>,
    pub reseller_id: i64,
    pub reseller_name: String,
}

/// The enabled users of the tenant's resellers, by reseller then user.
pub async fn reseller_users(db: &Db, tenant_id: i64) -> Result<Vec<Recipient>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select u.id as user_id, u.email, u.locale, r.id as reseller_id, r.name as reseller_name \
         from users u join reseller_access g on g.user_id = u.id and g.tenant_id = $1 \
         join resellers r on r.id = g.reseller_id \
         where u.role = 'reseller' and u.disabled = $2 order by r.id, u.id")
        .bind(tenant_id).bind(false).fetch_all(p).await)
}

/// [`reseller_users`] of the active resellers only.
pub async fn active_reseller_users(db: &Db, tenant_id: i64) -> Result<Vec<Recipient>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select u.id as user_id, u.email, u.locale, r.id as reseller_id, r.name as reseller_name \
         from users u join reseller_access g on g.user_id = u.id and g.tenant_id = $1 \
         join resellers r on r.id = g.reseller_id \
         where u.role = 'reseller' and u.disabled = $2 and r.status = 'active' order by r.id, u.id")
        .bind(tenant_id).bind(false).fetch_all(p).await)
}

/// The enabled users of a challenge's participants, by reseller then user.
pub async fn participant_users(
    db: &Db,
    tenant_id: i64,
    challenge_id: i64,
) -> Result<Vec<Recipient>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select u.id as user_id, u.email, u.locale, r.id as reseller_id, r.name as reseller_name \
         from challenge_participants s join resellers r on r.id = s.reseller_id \
         join reseller_access g on g.reseller_id = r.id join users u on u.id = g.user_id \
         where s.tenant_id = $1 and s.challenge_id = $2 and u.role = 'reseller' and u.disabled = $3 \
         order by r.id, u.id")
        .bind(tenant_id).bind(challenge_id).bind(false).fetch_all(p).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Manager {
    pub id: i64,
    pub email: String,
    pub locale: Option<String>,
}

/// The tenant's enabled channel managers.
pub async fn managers(db: &Db, tenant_id: i64) -> Result<Vec<Manager>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select id, email, locale from users where tenant_id = $1 and role = 'manager' and disabled = $2 order by id")
        .bind(tenant_id).bind(false).fetch_all(p).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ManagedReseller {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub status: String,
    pub manager_id: i64,
}

/// The resellers that have a manager, by code.
pub async fn managed_resellers(
    db: &Db,
    tenant_id: i64,
) -> Result<Vec<ManagedReseller>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select id, code, name, status, manager_id from resellers where tenant_id = $1 and manager_id is not null order by code")
        .bind(tenant_id).fetch_all(p).await)
}

/// A reseller's last sale day before today, and before a week ago.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LastSales {
    pub reseller_id: i64,
    pub last_now: Option<NaiveDate>,
    pub last_before: Option<NaiveDate>,
}

/// Each reseller's last live sale before `today` and before `week_ago`.
pub async fn last_sales(
    db: &Db,
    tenant_id: i64,
    today: NaiveDate,
    week_ago: NaiveDate,
) -> Result<Vec<LastSales>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select reseller_id, max(sale_date) as last_now, max(case when sale_date < $3 then sale_date end) as last_before \
         from declaration_lines where tenant_id = $1 and sale_date < $2 and review_status in ('approved', 'pending') \
         group by reseller_id")
        .bind(tenant_id).bind(today).bind(week_ago).fetch_all(p).await)
}

/// A reseller's sales of the last four weeks and of the four before, in cents.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FourWeeks {
    pub reseller_id: i64,
    pub current: i64,
    pub previous: i64,
}

/// Each reseller's live sales of the four weeks before `today` and of the four before those.
pub async fn four_weeks(
    db: &Db,
    tenant_id: i64,
    today: NaiveDate,
) -> Result<Vec<FourWeeks>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select reseller_id, \
         cast(sum(case when sale_date >= $2 then amount_cents else 0 end) as bigint) as current, \
         cast(sum(case when sale_date < $2 then amount_cents else 0 end) as bigint) as previous \
         from declaration_lines where tenant_id = $1 and sale_date >= $3 and sale_date < $4 \
         and review_status in ('approved', 'pending') group by reseller_id")
        .bind(tenant_id).bind(today - Duration::days(28)).bind(today - Duration::days(56)).bind(today)
        .fetch_all(p).await)
}

/// `(reseller, lines awaiting review)`.
pub async fn pending_lines(db: &Db, tenant_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select reseller_id, count(*) from declaration_lines where tenant_id = $1 and review_status = 'pending' \
         group by reseller_id")
        .bind(tenant_id).fetch_all(p).await)
}

/// `(reseller, created_at)` of the declarations submitted in `[since, until)` (unix seconds),
/// by reseller then time.
pub async fn submissions(
    db: &Db,
    tenant_id: i64,
    since: i64,
    until: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select reseller_id, created_at from declarations where tenant_id = $1 and status = 'submitted' \
         and created_at >= $2 and created_at < $3 order by reseller_id, created_at")
        .bind(tenant_id).bind(since).bind(until).fetch_all(p).await)
}

/// A product's live sales declared in a window, for one manager's resellers.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductSales {
    pub manager_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub amount: i64,
}

/// Live sales declared in `[since, until)` (unix seconds) per manager and product.
pub async fn sales_by_manager(
    db: &Db,
    tenant_id: i64,
    since: i64,
    until: i64,
) -> Result<Vec<ProductSales>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select r.manager_id, p.sku, p.name, cast(sum(l.quantity) as bigint) as quantity, \
         cast(sum(l.amount_cents) as bigint) as amount \
         from declaration_lines l join resellers r on r.id = l.reseller_id join products p on p.id = l.product_id \
         where l.tenant_id = $1 and r.manager_id is not null and l.created_at >= $2 and l.created_at < $3 \
         and l.review_status in ('approved', 'pending') group by r.manager_id, p.sku, p.name")
        .bind(tenant_id).bind(since).bind(until).fetch_all(p).await)
}

/// What a reseller declared in a window.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Declared {
    pub reseller_id: i64,
    pub declarations: i64,
    pub lines: i64,
    pub amount: i64,
}

/// Per reseller, the declarations and lines declared in `[since, until)` (unix seconds),
/// drafts and withdrawn lines aside.
pub async fn declared(
    db: &Db,
    tenant_id: i64,
    since: i64,
    until: i64,
) -> Result<Vec<Declared>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select reseller_id, count(distinct declaration_id) as declarations, count(*) as lines, \
         cast(sum(amount_cents) as bigint) as amount from declaration_lines \
         where tenant_id = $1 and created_at >= $2 and created_at < $3 \
         and review_status not in ('draft', 'withdrawn') group by reseller_id")
        .bind(tenant_id).bind(since).bind(until).fetch_all(p).await)
}

/// A line rejected by a reviewer, with the reason given.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Rejected {
    pub reseller_id: i64,
    pub sale_date: NaiveDate,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub review_reason: Option<String>,
}

/// The lines rejected in `[since, until)` (unix seconds), by reseller then sale date.
pub async fn rejected(
    db: &Db,
    tenant_id: i64,
    since: i64,
    until: i64,
) -> Result<Vec<Rejected>, sqlx::Error> {
    with_db!(db, p => sqlx::query_as(
        "select l.reseller_id, l.sale_date, p.sku, p.name, l.quantity, l.review_reason \
         from declaration_lines l join products p on p.id = l.product_id \
         where l.tenant_id = $1 and l.review_status = 'rejected' \
         and l.reviewed_at >= $2 and l.reviewed_at < $3 order by l.reseller_id, l.sale_date, l.id")
        .bind(tenant_id).bind(since).bind(until).fetch_all(p).await)
}

/// Resellers that declared `[from, to]`: lines sold in it, or a submitted declaration covering
/// it (a reseller may declare that it sold nothing).
pub async fn declared_period(
    db: &Db,
    tenant_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<i64>, sqlx::Error> {
    let sql = "select reseller_id from declaration_lines where tenant_id = $1 and sale_date between $2 and $3 \
               and review_status in ('approved', 'pending') \
               union select reseller_id from declarations where tenant_id = $1 and status = 'submitted' \
               and period_start <= $3 and period_end >= $2";
    with_db!(db, pool => sqlx::query_scalar(sql)
        .bind(tenant_id).bind(from).bind(to).fetch_all(pool).await)
}
