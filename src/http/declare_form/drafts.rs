//! `/declare` and `/network/{code}/declare`: the drafts of a reseller, the declarations it
//! submitted, and the start of a new draft.

use super::{list_path, on_behalf_of, owner, period_kind, period_label, stored_period};
use crate::db::declarations::drafts as store;
use crate::db::{self, network::Reseller};
use crate::domain::period::Period;
use crate::http::ctx::{ResellerUser, Staff};
use crate::http::declare::Actor;
use crate::http::error::{AppError, AppResult};
use crate::http::reseller::period_to_declare;
use crate::http::views::{local_time, today};
use crate::http::{chrome_for, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use relais_templates::components::{FieldError, FieldErrors};
use relais_templates::pages::declarations::{DraftRow, DraftsView, SubmittedRow};
use relais_templates::pages::drafts_page;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/declare", get(list).post(create))
        .route(
            "/network/{code}/declare",
            get(staff_list).post(staff_create),
        )
}

/// Periods offered when starting a declaration: the current one and those before it.
const PERIOD_CHOICES: i32 = 6;
/// Submitted declarations listed under the drafts.
const SUBMITTED_SHOWN: i64 = 10;

fn from_staff(staff: Staff) -> Actor {
    Actor {
        user_id: staff.user.id,
        ctx: staff.ctx,
        tenant: staff.tenant,
        reseller: None,
    }
}

fn from_reseller(r: ResellerUser) -> (Actor, Reseller) {
    let reseller = r.reseller.clone();
    let actor = Actor {
        ctx: r.ctx,
        tenant: r.tenant,
        user_id: r.user.id,
        reseller: Some(r.reseller),
    };
    (actor, reseller)
}

async fn staff_reseller(
    state: &AppState,
    staff: Staff,
    code: &str,
) -> AppResult<(Actor, Reseller)> {
    let reseller = db::network::by_code(&state.db, staff.tenant.id, code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((from_staff(staff), reseller))
}

#[derive(serde::Deserialize)]
struct NewDraft {
    #[serde(default)]
    period: String,
}

async fn list(State(state): State<AppState>, r: ResellerUser) -> AppResult<Response> {
    let (actor, reseller) = from_reseller(r);
    render_list(&state, &actor, &reseller, None, FieldErrors::new()).await
}

async fn staff_list(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let (actor, reseller) = staff_reseller(&state, staff, &code).await?;
    render_list(&state, &actor, &reseller, None, FieldErrors::new()).await
}

async fn create(
    State(state): State<AppState>,
    r: ResellerUser,
    Form(form): Form<NewDraft>,
) -> AppResult<Response> {
    let (actor, reseller) = from_reseller(r);
    start(&state, &actor, &reseller, form).await
}

async fn staff_create(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(form): Form<NewDraft>,
) -> AppResult<Response> {
    let (actor, reseller) = staff_reseller(&state, staff, &code).await?;
    start(&state, &actor, &reseller, form).await
}

/// Creates the draft for the chosen period (a period start of the tenant's kind, not in the
/// future), or line by line when none is chosen.
async fn start(
    state: &AppState,
    actor: &Actor,
    reseller: &Reseller,
    form: NewDraft,
) -> AppResult<Response> {
    let kind = period_kind(&actor.tenant);
    let today = today(&actor.tenant.time_zone);
    let period = match form.period.trim() {
        "" => None,
        s => match NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(|d| Period::containing(kind, d))
            .filter(|p| p.start <= today)
        {
            Some(p) => Some((p.start, p.end)),
            None => {
                let mut errors = FieldErrors::new();
                errors.add("period", FieldError::InvalidChoice);
                return render_list(state, actor, reseller, Some(form.period), errors).await;
            }
        },
    };
    let id = store::create(&state.db, owner(actor), reseller.id, period, actor.user_id).await?;
    Ok(Redirect::to(&format!("/declare/{id}")).into_response())
}

async fn render_list(
    state: &AppState,
    actor: &Actor,
    reseller: &Reseller,
    period: Option<String>,
    errors: FieldErrors,
) -> AppResult<Response> {
    let lang = actor.ctx.lang;
    let tz = &actor.tenant.time_zone;
    let kind = period_kind(&actor.tenant);
    let today = today(tz);
    let mut p = Period::containing(kind, today);
    let mut periods = Vec::new();
    for _ in 0..PERIOD_CHOICES {
        periods.push((
            p.start.to_string(),
            period_label(kind, p.start, p.end, lang),
        ));
        p = p.previous(kind);
    }
    let owner = owner(actor);
    let drafts = store::list(&state.db, owner, reseller.id).await?;
    let submitted = store::submitted(&state.db, owner, reseller.id, SUBMITTED_SHOWN).await?;
    let base = list_path(actor, reseller);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = DraftsView {
        action: base.clone(),
        on_behalf_of: on_behalf_of(actor, reseller),
        periods,
        period: period.unwrap_or_else(|| period_to_declare(kind, today).start.to_string()),
        errors,
        drafts: drafts
            .iter()
            .map(|d| DraftRow {
                href: format!("/declare/{}", d.id),
                period: stored_period(kind, d.period_start, d.period_end, lang),
                lines: d.lines,
                changed: local_time(d.updated_at.unwrap_or(d.created_at), tz).unwrap_or_default(),
            })
            .collect(),
        submitted: submitted
            .iter()
            .map(|s| SubmittedRow {
                period: stored_period(kind, s.period_start, s.period_end, lang),
                submitted: s.submitted_at.and_then(|ts| local_time(ts, tz)),
                lines: s.lines,
                pending: s.pending,
                rejected: s.rejected,
            })
            .collect(),
        upload_href: match actor.reseller {
            Some(_) => "/declare/upload".into(),
            None => format!("/network/{}/upload", reseller.code),
        },
    };
    Ok((status, drafts_page(&chrome_for(&actor.ctx), &view)).into_response())
}
