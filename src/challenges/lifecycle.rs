//! A challenge's life: created as a draft, edited (a running challenge's edit is a new version),
//! launched, closed with its results frozen.

use super::recompute::recompute_in;
use super::{standings, ChallengeError, TenantPoints};
use crate::db::challenges::{self as store, ChallengeRow, Header};
use crate::db::points::Exec;
use crate::db::{audit, Db, Tx};
use crate::domain::points::def::ChallengeDef;
use chrono::NaiveDate;

fn check(def: &ChallengeDef) -> Result<String, ChallengeError> {
    def.validate().map_err(ChallengeError::Invalid)?;
    serde_json::to_string(def).map_err(|e| ChallengeError::Other(e.into()))
}

async fn record(
    tx: &mut Tx,
    tenant_id: i64,
    user: Option<i64>,
    action: &str,
    id: i64,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    audit::record(
        tx,
        audit::Entry {
            tenant_id: Some(tenant_id),
            user_id: user,
            action,
            entity: "challenge",
            entity_id: id.to_string(),
            detail,
        },
    )
    .await
}

fn header_of<'a>(def: &ChallengeDef, h: &Header<'a>) -> Header<'a> {
    Header {
        start: def.start,
        end: def.end,
        ..h.clone()
    }
}

/// Creates a draft (version 1). The header's dates are taken from `def`.
pub async fn create(
    db: &Db,
    tenant_id: i64,
    user: Option<i64>,
    h: &Header<'_>,
    def: &ChallengeDef,
) -> Result<i64, ChallengeError> {
    let json = check(def)?;
    let mut tx = db.begin().await?;
    let id = store::insert(&mut tx, tenant_id, &header_of(def, h), user).await?;
    store::insert_version(&mut tx, tenant_id, id, 1, &json, user).await?;
    record(
        &mut tx,
        tenant_id,
        user,
        "challenge.create",
        id,
        serde_json::json!({ "name": h.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves an edit; returns the version now current. A draft's rules change in place; a running
/// challenge gets a new version and is recomputed at once, in the same transaction, so the
/// ledger reverses the old version's entries and books the new ones.
pub async fn save(
    db: &Db,
    tenant_id: i64,
    id: i64,
    user: Option<i64>,
    h: &Header<'_>,
    def: &ChallengeDef,
) -> Result<i64, ChallengeError> {
    let mut tx = db.begin().await?;
    let c = store::lock(&mut tx, tenant_id, id)
        .await?
        .ok_or(ChallengeError::NotFound)?;
    let mut def = def.clone();
    def.id = id;
    let version = match c.status.as_str() {
        "draft" => {
            def.version = c.current_version;
            store::replace_version(&mut tx, tenant_id, id, c.current_version, &check(&def)?)
                .await?;
            c.current_version
        }
        "running" => {
            let previous = super::recompute::load_def(Exec::Tx(&mut tx), &c).await?;
            def.version = previous.version;
            def.status = previous.status;
            def.name = previous.name.clone();
            if def == previous {
                c.current_version
            } else {
                def.version = c.current_version + 1;
                store::insert_version(&mut tx, tenant_id, id, def.version, &check(&def)?, user)
                    .await?;
                def.version
            }
        }
        _ => return Err(ChallengeError::WrongStatus),
    };
    store::update_header(&mut tx, tenant_id, id, &header_of(&def, h), version).await?;
    if c.status == "running" {
        let tenant = TenantPoints::load(Exec::Tx(&mut tx), tenant_id).await?;
        let c = store::by_id(Exec::Tx(&mut tx), tenant_id, id)
            .await?
            .ok_or(ChallengeError::NotFound)?;
        recompute_in(&mut tx, &tenant, &c, None).await?;
    }
    record(
        &mut tx,
        tenant_id,
        user,
        "challenge.update",
        id,
        serde_json::json!({ "version": version }),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Why a status change did not happen: no such challenge, already done (the challenge is
/// already `done`), or not possible from where it is.
fn not_moved(c: Option<&ChallengeRow>, done: &str) -> ChallengeError {
    match c {
        None => ChallengeError::NotFound,
        Some(c) if c.status == done => ChallengeError::AlreadyDone,
        Some(_) => ChallengeError::WrongStatus,
    }
}

/// Draft → running: the challenge starts earning points for every line already declared in it.
/// A second launch finds it running and changes nothing (`AlreadyDone`).
pub async fn launch(
    db: &Db,
    tenant_id: i64,
    id: i64,
    user: Option<i64>,
) -> Result<(), ChallengeError> {
    let mut tx = db.begin().await?;
    let c = store::lock(&mut tx, tenant_id, id).await?;
    if store::set_status(&mut tx, tenant_id, id, "draft", "running").await? == 0 {
        return Err(not_moved(c.as_ref(), "running"));
    }
    let tenant = TenantPoints::load(Exec::Tx(&mut tx), tenant_id).await?;
    let c = store::by_id(Exec::Tx(&mut tx), tenant_id, id)
        .await?
        .ok_or(ChallengeError::NotFound)?;
    recompute_in(&mut tx, &tenant, &c, None).await?;
    record(
        &mut tx,
        tenant_id,
        user,
        "challenge.launch",
        id,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Running → closed: a last full recomputation, then the final ranks are frozen and kept. Later
/// reviews still move the ledger (a pending line approved after the close is paid), never the
/// frozen standings. A second close finds it closed and changes nothing (`AlreadyDone`).
pub async fn close(
    db: &Db,
    tenant_id: i64,
    id: i64,
    user: Option<i64>,
) -> Result<(), ChallengeError> {
    let mut tx = db.begin().await?;
    let c = store::lock(&mut tx, tenant_id, id).await?;
    let c = match c {
        Some(c) if c.status == "running" => c,
        other => return Err(not_moved(other.as_ref(), "closed")),
    };
    let tenant = TenantPoints::load(Exec::Tx(&mut tx), tenant_id).await?;
    let (_, outcome) = recompute_in(&mut tx, &tenant, &c, None).await?;
    store::write_standings(
        &mut tx,
        tenant_id,
        id,
        &standings::from_outcome(&outcome, None),
        true,
        true,
    )
    .await?;
    if store::set_status(&mut tx, tenant_id, id, "running", "closed").await? == 0 {
        return Err(ChallengeError::WrongStatus);
    }
    record(
        &mut tx,
        tenant_id,
        user,
        "challenge.close",
        id,
        serde_json::json!({ "participants": outcome.participants.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Closes every running challenge of the tenant whose last day is before `today` (the tenant's
/// day); returns the ids it closed. The challenge-close job calls this once a day; running it
/// twice, or while a manager closes one of them, closes each once.
pub async fn close_due(
    db: &Db,
    tenant_id: i64,
    today: NaiveDate,
) -> Result<Vec<i64>, ChallengeError> {
    let mut closed = Vec::new();
    for id in store::due(db, tenant_id, today).await? {
        match close(db, tenant_id, id, None).await {
            Ok(()) => closed.push(id),
            Err(ChallengeError::AlreadyDone) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(closed)
}
