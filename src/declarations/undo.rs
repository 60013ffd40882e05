//! Undoing a committed import: its lines are withdrawn, once.

use crate::db::{self, audit, declarations as store, Db};

/// What an undo did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undo {
    /// The import's lines were withdrawn: how many.
    Done(u64),
    /// An earlier request undid it; nothing changed.
    AlreadyUndone,
    /// No committed import of this id for this tenant (and reseller).
    NotFound,
}

/// Withdraws a committed import's lines, once: the status moves from `committed` to `undone`
/// with a conditional update inside the transaction that withdraws the lines.
pub async fn undo_import(
    db: &Db,
    tenant_id: i64,
    reseller_id: Option<i64>,
    import_id: i64,
    user_id: Option<i64>,
) -> anyhow::Result<Undo> {
    let Some(import) = store::import_by_id(db, tenant_id, reseller_id, import_id).await? else {
        return Ok(Undo::NotFound);
    };
    let mut tx = db.begin().await?;
    let owner = import.reseller_id.unwrap_or(0);
    db::network::lock_resellers(&mut tx, tenant_id, &[owner]).await?;
    if store::mark_undone(&mut tx, tenant_id, import_id).await? == 0 {
        drop(tx);
        let now = store::import_by_id(db, tenant_id, reseller_id, import_id).await?;
        return Ok(match now.map(|i| i.status) {
            Some(s) if s == "undone" => Undo::AlreadyUndone,
            _ => Undo::NotFound,
        });
    }
    let withdrawn = store::withdraw_import(&mut tx, tenant_id, import_id, "undone").await?;
    for (reseller_id, from, to) in store::import_date_spans(&mut tx, tenant_id, import_id).await? {
        super::effects::range_changed(&mut tx, tenant_id, reseller_id, from, to).await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(tenant_id),
            user_id,
            action: "undo",
            entity: "import",
            entity_id: import_id.to_string(),
            detail: serde_json::json!({ "withdrawn_lines": withdrawn }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Undo::Done(withdrawn))
}
