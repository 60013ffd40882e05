//! `/declare`: the web form. A reseller user lists its drafts, starts one (for a period of the
//! tenant's kind, or line by line), types lines, saves and submits them (source "form"); a
//! channel manager does the same for a reseller from `/network/{code}/declare` (source
//! "staff"). A draft is only found by whoever may edit it: another reseller, tenant or source
//! gets 404. The rules live in `declarations::form`; this module reads forms and renders.

use super::declare::Actor;
use super::error::{AppError, AppResult};
use super::views::today;
use super::{chrome_for, flash_redirect, AppState};
use crate::db::declarations::drafts::{
    self as store, Draft, DraftLine, HashChange, LineValues, Owner,
};
use crate::db::points::Exec;
use crate::db::{self, network::Reseller, tenants::Tenant};
use crate::declarations::form::{self, Checked, Declarer, Problem, ProductIndex, Submitted};
use crate::declarations::pipeline::customer_hash;
use crate::domain::network::Source;
use crate::domain::period::PeriodKind;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use relais_templates::components::{FieldError, FieldErrors};
use relais_templates::i18n::{date, iso_week, money, month, t, Lang};
use relais_templates::pages::declarations::{DraftLineView, DraftValues, DraftView};
use relais_templates::pages::draft_page;
use std::collections::HashMap;

/// Entries of the product list offered while typing (the server resolves any code anyway).
const MAX_PRODUCT_CHOICES: usize = 3000;

mod drafts;

pub fn router() -> Router<AppState> {
    drafts::router()
        .route("/declare/{id}", get(edit).post(save))
        .route("/declare/{id}/delete", post(delete))
}

fn source_of(actor: &Actor) -> Source {
    if actor.reseller.is_some() {
        Source::Form
    } else {
        Source::Staff
    }
}

fn owner(actor: &Actor) -> Owner<'static> {
    Owner {
        tenant_id: actor.tenant.id,
        reseller_id: actor.reseller.as_ref().map(|r| r.id),
        source: source_of(actor).as_str(),
    }
}

/// Where the actor's list of drafts for this reseller is.
fn list_path(actor: &Actor, reseller: &Reseller) -> String {
    match actor.reseller {
        Some(_) => "/declare".into(),
        None => format!("/network/{}/declare", reseller.code),
    }
}

fn on_behalf_of(actor: &Actor, reseller: &Reseller) -> Option<String> {
    actor
        .reseller
        .is_none()
        .then(|| format!("{} ({})", reseller.name, reseller.code))
}

fn period_kind(tenant: &Tenant) -> PeriodKind {
    PeriodKind::parse(&tenant.declaration_period).unwrap_or(PeriodKind::Month)
}

fn period_label(kind: PeriodKind, start: NaiveDate, end: NaiveDate, lang: Lang) -> String {
    let name = match kind {
        PeriodKind::Month => month(start, lang),
        PeriodKind::Week => iso_week(start, lang),
    };
    format!("{name} ({} – {})", date(start, lang), date(end, lang))
}

fn stored_period(
    kind: PeriodKind,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    lang: Lang,
) -> Option<String> {
    start.zip(end).map(|(a, b)| period_label(kind, a, b, lang))
}

// --- the draft -------------------------------------------------------------------------------------

/// The draft and its reseller, when this actor may edit it.
async fn load(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Draft, Reseller)> {
    let draft = store::find(&state.db, owner(actor), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reseller = db::network::by_id(&state.db, actor.tenant.id, draft.reseller_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((draft, reseller))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (draft, reseller) = load(&state, &actor, id).await?;
    show(&state, &actor, &draft, &reseller, None, StatusCode::OK).await
}

/// Renders the draft with every line checked, so that errors show next to their fields.
async fn show(
    state: &AppState,
    actor: &Actor,
    draft: &Draft,
    reseller: &Reseller,
    message: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let lines = store::lines(Exec::Db(&state.db), actor.tenant.id, draft.id).await?;
    let products = ProductIndex::load(&state.db, actor.tenant.id, reseller.id).await?;
    let secret = state.secret();
    let who = declarer(actor, &secret);
    let checked = form::check(&state.db, &who, draft, &lines, &products).await?;
    let view = draft_view(
        state, actor, draft, reseller, &lines, &products, &checked, message,
    )
    .await?;
    Ok((status, draft_page(&chrome_for(&actor.ctx), &view)).into_response())
}

fn declarer<'a>(actor: &Actor, secret: &'a str) -> Declarer<'a> {
    Declarer {
        tenant_id: actor.tenant.id,
        user_id: actor.user_id,
        source: source_of(actor),
        today: today(&actor.tenant.time_zone),
        secret,
        decimal_comma: actor.ctx.lang == Lang::Fr,
    }
}

#[allow(clippy::too_many_arguments)]
async fn draft_view(
    state: &AppState,
    actor: &Actor,
    draft: &Draft,
    reseller: &Reseller,
    lines: &[DraftLine],
    products: &ProductIndex,
    checked: &Checked,
    message: Option<String>,
) -> AppResult<DraftView> {
    let lang = actor.ctx.lang;
    let currency = &actor.tenant.currency;
    let mut errors = FieldErrors::new();
    for (line_id, problems) in &checked.problems {
        for (field, problem) in problems {
            let field = if field.is_empty() { "product" } else { field };
            let error = match problem {
                Problem::Import(code) => FieldError::Message(code.message(lang.code()).into()),
                Problem::TooLong { max } => FieldError::TooLong { max: *max },
            };
            errors.add(format!("l{line_id}_{field}"), error);
        }
    }
    let line_view = |(i, l): (usize, &DraftLine)| {
        let product = checked.products.get(&l.id);
        DraftLineView {
            key: format!("l{}", l.id),
            number: Some(i + 1),
            values: typed(&l.values),
            has_customer_id: l.customer_hash.is_some(),
            product: product.map(|p| format!("{} ({})", p.name, p.sku)),
            list_price: product.map(|p| money(p.list_price_cents, currency, lang)),
        }
    };
    let today = today(&actor.tenant.time_zone);
    let default_date = draft.period_end.map_or(today, |end| end.min(today));
    let mut choices: Vec<(String, String)> = products
        .active()
        .map(|p| {
            let label = match &p.ean {
                Some(ean) => format!("{} · {ean}", p.name),
                None => p.name.clone(),
            };
            (p.sku.clone(), label)
        })
        .collect();
    for (code, product_id) in store::reseller_codes(&state.db, actor.tenant.id, reseller.id).await?
    {
        if let Some(p) = products.get(product_id) {
            choices.push((code, format!("{} ({})", p.name, p.sku)));
        }
    }
    choices.truncate(MAX_PRODUCT_CHOICES);
    Ok(DraftView {
        action: format!("/declare/{}", draft.id),
        delete_action: format!("/declare/{}/delete", draft.id),
        back_href: list_path(actor, reseller),
        on_behalf_of: on_behalf_of(actor, reseller),
        period: stored_period(
            period_kind(&actor.tenant),
            draft.period_start,
            draft.period_end,
            lang,
        ),
        lines: lines.iter().enumerate().map(line_view).collect(),
        new_line: DraftLineView {
            key: "new".into(),
            number: None,
            values: DraftValues {
                sale_date: default_date.to_string(),
                ..Default::default()
            },
            has_customer_id: false,
            product: None,
            list_price: None,
        },
        errors,
        message,
        products: choices,
    })
}

fn typed(v: &LineValues) -> DraftValues {
    DraftValues {
        product: v.product.clone(),
        quantity: v.quantity.clone(),
        unit_price: v.unit_price.clone(),
        amount: v.amount.clone(),
        sale_date: v.sale_date.clone(),
        customer_type: v.customer_type.clone(),
        customer_postal_code: v.customer_postal_code.clone(),
        channel: v.channel.clone(),
        feedback: v.feedback.clone(),
        rating: v.rating.clone(),
    }
}

/// The values posted for the line whose fields start with `key`.
fn posted(fields: &HashMap<String, String>, key: &str) -> LineValues {
    let get = |f: &str| {
        fields
            .get(&format!("{key}_{f}"))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    LineValues {
        product: get("product"),
        quantity: get("quantity"),
        unit_price: get("unit_price"),
        amount: get("amount"),
        sale_date: get("sale_date"),
        customer_type: get("customer_type"),
        customer_postal_code: get("customer_postal_code"),
        channel: get("channel"),
        feedback: fields
            .get(&format!("{key}_feedback"))
            .cloned()
            .unwrap_or_default(),
        rating: get("rating"),
    }
}

/// A typed identifier replaces the stored hash; "forget" clears it; else it is kept.
fn hash_change(
    fields: &HashMap<String, String>,
    key: &str,
    secret: &str,
    tenant_id: i64,
) -> HashChange {
    let typed = fields
        .get(&format!("{key}_customer_id"))
        .map(String::as_str)
        .unwrap_or("");
    match customer_hash(secret, tenant_id, typed) {
        Some(h) => HashChange::Set(h),
        None if fields.contains_key(&format!("{key}_customer_id_forget")) => HashChange::Clear,
        None => HashChange::Keep,
    }
}

/// The editor's one form: saves every line (and the new one when filled), then does what the
/// pressed button asks: `save`, `add`, `remove:{line id}` or `submit`.
async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (draft, reseller) = match load(&state, &actor, id).await {
        Err(AppError::NotFound) => return already_submitted(&state, &actor, id).await,
        other => other?,
    };
    let lang = actor.ctx.lang;
    let tenant_id = actor.tenant.id;
    let secret = state.secret();
    let fields: HashMap<String, String> = form.into_iter().collect();
    let action = fields.get("action").map(String::as_str).unwrap_or("save");
    let mut tx = state.db.begin().await?;
    if !store::lock_draft(&mut tx, owner(&actor), draft.id).await? {
        drop(tx);
        return already_submitted(&state, &actor, id).await;
    }
    // Read under the lock: the count of lines checked against the maximum is the one written to.
    let stored = store::lines(Exec::Tx(&mut tx), tenant_id, draft.id).await?;
    for l in &stored {
        let key = format!("l{}", l.id);
        if fields.contains_key(&format!("{key}_product")) {
            let values = posted(&fields, &key);
            let hash = hash_change(&fields, &key, &secret, tenant_id);
            store::update_line(&mut tx, tenant_id, draft.id, l.id, &values, &hash).await?;
        }
    }
    let new = posted(&fields, "new");
    let new_id = fields
        .get("new_customer_id")
        .map(String::as_str)
        .unwrap_or("");
    let mut too_many = false;
    if !form::is_blank(&new, new_id) {
        if stored.len() >= form::MAX_LINES {
            too_many = true;
        } else {
            let hash = customer_hash(&secret, tenant_id, new_id);
            store::insert_line(&mut tx, tenant_id, draft.id, &new, hash.as_deref()).await?;
        }
    }
    if let Some(line) = action.strip_prefix("remove:").and_then(|v| v.parse().ok()) {
        store::remove_line(&mut tx, tenant_id, draft.id, line).await?;
    }
    tx.commit().await?;
    let here = format!("/declare/{}", draft.id);
    if too_many {
        let text = t(lang, "declform.too_many").replace("{n}", &form::MAX_LINES.to_string());
        return Ok(flash_redirect(&state, &here, "error", &text));
    }
    match action {
        "submit" => submit(&state, &actor, &draft, &reseller).await,
        "add" => Ok(Redirect::to(&format!("{here}#new")).into_response()),
        _ => Ok(flash_redirect(
            &state,
            &here,
            "success",
            t(lang, "declform.saved"),
        )),
    }
}

async fn submit(
    state: &AppState,
    actor: &Actor,
    draft: &Draft,
    reseller: &Reseller,
) -> AppResult<Response> {
    let lang = actor.ctx.lang;
    let secret = state.secret();
    let who = declarer(actor, &secret);
    let refused = |key: &'static str| Some(t(lang, key).to_string());
    match form::submit(&state.db, &who, draft).await? {
        Submitted::Done { lines, pending } => {
            crate::analytics::events::publish(&state.events, actor.tenant.id);
            let mut text = t(lang, "declform.submitted").replace("{n}", &lines.to_string());
            if pending > 0 {
                text.push(' ');
                text.push_str(
                    &t(lang, "declform.submitted_review").replace("{n}", &pending.to_string()),
                );
            }
            Ok(flash_redirect(
                state,
                &list_path(actor, reseller),
                "success",
                &text,
            ))
        }
        Submitted::Invalid(_) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            show(
                state,
                actor,
                draft,
                reseller,
                refused("declform.fix_errors"),
                status,
            )
            .await
        }
        Submitted::Empty => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            show(
                state,
                actor,
                draft,
                reseller,
                refused("declform.empty"),
                status,
            )
            .await
        }
        Submitted::Changed => {
            let status = StatusCode::CONFLICT;
            show(
                state,
                actor,
                draft,
                reseller,
                refused("declform.changed"),
                status,
            )
            .await
        }
        Submitted::Gone => already_submitted(state, actor, draft.id).await,
    }
}

/// A post to a draft that is one no more: when this actor submitted it (a double click, another
/// tab), its list says so and nothing is written twice; otherwise 404.
async fn already_submitted(state: &AppState, actor: &Actor, id: i64) -> AppResult<Response> {
    let reseller = match store::submitted_by(&state.db, owner(actor), id).await? {
        Some(r) => db::network::by_id(&state.db, actor.tenant.id, r).await?,
        None => None,
    };
    let reseller = reseller.ok_or(AppError::NotFound)?;
    Ok(flash_redirect(
        state,
        &list_path(actor, &reseller),
        "info",
        t(actor.ctx.lang, "declform.already_submitted"),
    ))
}

async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (draft, reseller) = load(&state, &actor, id).await?;
    store::delete(&state.db, actor.tenant.id, draft.id).await?;
    let text = t(actor.ctx.lang, "declform.deleted");
    Ok(flash_redirect(
        &state,
        &list_path(&actor, &reseller),
        "success",
        text,
    ))
}
