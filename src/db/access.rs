//! Reseller access: which users may act for which reseller membership. Access is granted per
//! tenant, by that tenant's staff, to a user of the membership's own organisation; sharing an
//! organisation across manufacturers never shares access.

use super::{now, Tx};
use crate::with_tx;

/// Grants `user_id` access to the tenant's reseller `reseller_id`, provided the user is a
/// reseller user of that reseller's organisation. True when a grant was added; false when it
/// existed already or the user or reseller do not qualify.
pub async fn grant(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: i64,
    user_id: i64,
    granted_by: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let sql =
        "insert into reseller_access (tenant_id, reseller_id, user_id, granted_by, created_at) \
               select r.tenant_id, r.id, u.id, $4, $5 from resellers r \
               join users u on u.organisation_id = r.organisation_id and u.role = 'reseller' \
               where r.tenant_id = $1 and r.id = $2 and u.id = $3 \
               on conflict (reseller_id, user_id) do nothing";
    let added = with_tx!(tx, c => sqlx::query(sql)
        .bind(tenant_id).bind(reseller_id).bind(user_id).bind(granted_by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(added == 1)
}

/// Removes the user's access in one tenant; the number of grants removed (0 when none).
pub async fn revoke_in_tenant(
    tx: &mut Tx,
    tenant_id: i64,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    with_tx!(tx, c => sqlx::query("delete from reseller_access where tenant_id = $1 and user_id = $2")
        .bind(tenant_id).bind(user_id).execute(c).await.map(|r| r.rows_affected()))
}
