//! The audit log: who changed what, when. Written in the same transaction as the change.

use super::{now, Tx};
use crate::with_tx;

pub struct Entry<'a> {
    pub tenant_id: Option<i64>,
    pub user_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub detail: serde_json::Value,
}

pub async fn record(tx: &mut Tx, e: Entry<'_>) -> Result<(), sqlx::Error> {
    let sql = "insert into audit_log (tenant_id, user_id, action, entity, entity_id, detail, created_at) \
               values ($1, $2, $3, $4, $5, $6, $7)";
    let detail = e.detail.to_string();
    with_tx!(tx, c => sqlx::query(sql)
        .bind(e.tenant_id).bind(e.user_id).bind(e.action).bind(e.entity)
        .bind(&e.entity_id).bind(&detail).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub user_email: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: Option<String>,
    pub created_at: i64,
}

pub async fn recent(
    db: &super::Db,
    tenant_id: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let sql = "select a.id, u.email as user_email, a.action, a.entity, a.entity_id, a.detail, a.created_at \
               from audit_log a left join users u on u.id = a.user_id \
               where a.tenant_id = $1 order by a.id desc limit $2";
    crate::with_db!(db, p => sqlx::query_as::<_, AuditRow>(sql).bind(tenant_id).bind(limit).fetch_all(p).await)
}
