//! `/declare/upload` → preview (`/imports/{id}` while pending) → commit: a reseller declares
//! sales from its own spreadsheet; staff do the same for a reseller from
//! `/network/{code}/upload` (source "staff"). The file is staged as a pending import so that
//! the preview, the corrections and the commit all read the same bytes.

use super::ctx::{LoggedIn, ResellerUser, Staff};
use super::error::{AppError, AppResult};
use super::views::today;
use super::{chrome_for, flash_redirect, AppState};
use crate::db::{self, declarations as store, network::Reseller, tenants::Tenant};
use crate::declarations::{self, Input, Overlap, Request, Status};
use crate::domain::network::Source;
use crate::domain::period::Period;
use crate::import::mapping::{ColumnRef, Field};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use relais_templates::components::{FieldError, FieldErrors};
use relais_templates::i18n::t;
use relais_templates::pages;
use relais_templates::pages::declarations::UploadView;
use std::sync::Arc;

mod preview;
use preview::FIELDS;
pub use preview::{preview, row_error};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/declare/upload", get(upload_form).post(upload))
        .route(
            "/network/{code}/upload",
            get(staff_upload_form).post(staff_upload),
        )
        .route("/imports/{id}/mapping", post(correct_mapping))
        .route("/imports/{id}/aliases", post(match_products))
        .route("/imports/{id}/commit", post(commit))
}

/// Whoever acts on imports: a reseller user for its organisation, or staff for any reseller.
pub struct Actor {
    pub ctx: super::ctx::Ctx,
    pub tenant: Tenant,
    pub user_id: i64,
    /// Set for reseller users: every query is limited to it.
    pub reseller: Option<Reseller>,
}

impl Actor {
    pub fn source(&self) -> Source {
        if self.reseller.is_some() {
            Source::File
        } else {
            Source::Staff
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Actor {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        s: &S,
    ) -> Result<Self, AppError> {
        let user = LoggedIn::from_request_parts(parts, s).await?;
        if user.session.role.is_staff() {
            let tenant = user.session.tenant.clone().ok_or(AppError::Forbidden)?;
            return Ok(Actor {
                user_id: user.session.user.id,
                ctx: user.ctx,
                tenant,
                reseller: None,
            });
        }
        let r = ResellerUser::try_from(user)?;
        Ok(Actor {
            ctx: r.ctx,
            tenant: r.tenant,
            user_id: r.user.id,
            reseller: Some(r.reseller),
        })
    }
}

fn upload_view(
    state: &AppState,
    action: String,
    on_behalf_of: Option<String>,
    errors: FieldErrors,
) -> UploadView {
    UploadView {
        action,
        on_behalf_of,
        period: String::new(),
        max_mb: state.settings.server.max_upload_mb,
        errors,
    }
}

async fn upload_form(State(state): State<AppState>, r: ResellerUser) -> impl IntoResponse {
    pages::upload_page(
        &chrome_for(&r.ctx),
        &upload_view(&state, "/declare/upload".into(), None, FieldErrors::new()),
    )
}

async fn staff_upload_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let r = db::network::by_code(&state.db, staff.tenant.id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = upload_view(
        &state,
        format!("/network/{code}/upload"),
        Some(format!("{} ({})", r.name, r.code)),
        FieldErrors::new(),
    );
    Ok(pages::upload_page(&chrome_for(&staff.ctx), &view).into_response())
}

async fn upload(
    State(state): State<AppState>,
    r: ResellerUser,
    multipart: Multipart,
) -> AppResult<Response> {
    let actor = Actor {
        ctx: r.ctx,
        tenant: r.tenant,
        user_id: r.user.id,
        reseller: Some(r.reseller.clone()),
    };
    receive(
        &state,
        &actor,
        &r.reseller,
        "/declare/upload".into(),
        None,
        multipart,
    )
    .await
}

async fn staff_upload(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    multipart: Multipart,
) -> AppResult<Response> {
    let r = db::network::by_code(&state.db, staff.tenant.id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = Actor {
        ctx: staff.ctx,
        tenant: staff.tenant,
        user_id: staff.user.id,
        reseller: None,
    };
    let who = Some(format!("{} ({})", r.name, r.code));
    receive(
        &state,
        &actor,
        &r,
        format!("/network/{code}/upload"),
        who,
        multipart,
    )
    .await
}

/// Reads the multipart body: the file and the optional month. An oversize body is reported in
/// the user's language (the router's body limit stops it while it is read).
async fn read_upload(
    actor: &Actor,
    state: &AppState,
    mut multipart: Multipart,
) -> Result<(Option<(String, Vec<u8>)>, String), String> {
    let too_large = || {
        relais_templates::t(actor.ctx.lang, "decl.too_large")
            .replace("{n}", &state.settings.server.max_upload_mb.to_string())
    };
    let describe = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            e.body_text()
        }
    };
    let (mut file, mut period) = (None, String::new());
    while let Some(field) = multipart.next_field().await.map_err(describe)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(describe)?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            Some("period") => period = field.text().await.map_err(describe)?,
            _ => {}
        }
    }
    Ok((file, period))
}

async fn receive(
    state: &AppState,
    actor: &Actor,
    reseller: &Reseller,
    action: String,
    on_behalf_of: Option<String>,
    multipart: Multipart,
) -> AppResult<Response> {
    let refuse = |status: StatusCode, field: &str, message: FieldError| {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        let view = upload_view(state, action.clone(), on_behalf_of.clone(), errors);
        Ok((status, pages::upload_page(&chrome_for(&actor.ctx), &view)).into_response())
    };
    let (file, period) = match read_upload(actor, state, multipart).await {
        Ok(v) => v,
        Err(message) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "file",
                FieldError::Message(message),
            )
        }
    };
    let Some((filename, bytes)) = file else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            FieldError::Required,
        );
    };
    let period = match period.trim() {
        "" => None,
        p => match Period::parse_month(p) {
            Some(p) => Some((p.start, p.end)),
            None => {
                return refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "period",
                    FieldError::InvalidChoice,
                )
            }
        },
    };
    let mut req = request(
        state,
        actor,
        reseller,
        Input::File {
            filename,
            bytes: Arc::new(bytes),
        },
    );
    req.period = period;
    let report = declarations::stage(&state.db, &state.secret(), &req).await?;
    match (report.status, report.import_id) {
        (Status::Duplicate, _) => {
            let text = relais_templates::t(actor.ctx.lang, "decl.duplicate")
                .replace("{n}", &report.duplicate_of.unwrap_or(0).to_string());
            refuse(StatusCode::CONFLICT, "file", FieldError::Message(text))
        }
        (_, Some(id)) => {
            Ok(axum::response::Redirect::to(&format!("/imports/{id}")).into_response())
        }
        _ => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "file",
            FieldError::Message(report.message.unwrap_or_default()),
        ),
    }
}

/// A request for this actor and reseller with the defaults of a web upload.
pub fn request(state: &AppState, actor: &Actor, reseller: &Reseller, input: Input) -> Request {
    Request {
        tenant_id: actor.tenant.id,
        currency: actor.tenant.currency.clone(),
        reseller_id: reseller.id,
        user_id: Some(actor.user_id),
        source: actor.source(),
        input,
        period: None,
        mapping: Vec::new(),
        sheet: None,
        overlap: Overlap::Add,
        today: today(&actor.tenant.time_zone),
        lang: actor.ctx.lang.code().to_string(),
        reader: state.reader.clone(),
    }
}

/// The pending import `id` as a request again.
async fn pending_request(state: &AppState, actor: &Actor, id: i64) -> AppResult<Request> {
    let reseller_filter = actor.reseller.as_ref().map(|r| r.id);
    let import = store::import_by_id(&state.db, actor.tenant.id, reseller_filter, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if import.status != "pending" {
        return Err(AppError::NotFound);
    }
    import_request(state, actor, &import).await
}

/// The import as a request again (its stored file, period, sheet and mapping).
async fn import_request(
    state: &AppState,
    actor: &Actor,
    import: &store::ImportRow,
) -> AppResult<Request> {
    let id = import.id;
    let reseller = db::network::by_id(&state.db, actor.tenant.id, import.reseller_id.unwrap_or(0))
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = store::file_bytes(&state.db, actor.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut req = request(
        state,
        actor,
        &reseller,
        Input::File {
            filename: import.filename.clone(),
            bytes: Arc::new(bytes),
        },
    );
    req.period = import.period_start.zip(import.period_end);
    req.sheet = import.sheet.clone();
    req.mapping = import
        .mapping_json
        .as_deref()
        .map(declarations::mapping_from_json)
        .unwrap_or_default();
    Ok(req)
}

/// `col_{index}=field` pairs from the preview's mapping form.
async fn correct_mapping(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut req = pending_request(&state, &actor, id).await?;
    let mut mapping: Vec<(Field, ColumnRef)> = Vec::new();
    for (k, v) in &form {
        let (Some(index), Some(field)) = (
            k.strip_prefix("col_").and_then(|i| i.parse().ok()),
            FIELDS.iter().find(|f| f.as_str() == v),
        ) else {
            continue;
        };
        if !mapping.iter().any(|(f, _)| f == field) {
            mapping.push((*field, ColumnRef::Index(index)));
        }
    }
    req.mapping = mapping;
    declarations::commit::restage(&state.db, &state.secret(), &req, id).await?;
    Ok(axum::response::Redirect::to(&format!("/imports/{id}")).into_response())
}

/// `code_{i}` and `alias_{i}=product id` pairs: remembered as the reseller's own codes.
async fn match_products(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let req = pending_request(&state, &actor, id).await?;
    let get = |key: String| form.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
    let mut tx = state.db.begin().await?;
    let mut i = 0;
    while let Some(code) = get(format!("code_{i}")) {
        if let Some(product) = get(format!("alias_{i}")).and_then(|v| v.parse::<i64>().ok()) {
            store::set_reseller_alias(
                &mut tx,
                req.tenant_id,
                req.reseller_id,
                code.trim(),
                product,
            )
            .await?;
        }
        i += 1;
    }
    tx.commit().await?;
    declarations::commit::restage(&state.db, &state.secret(), &req, id).await?;
    Ok(axum::response::Redirect::to(&format!("/imports/{id}")).into_response())
}

#[derive(serde::Deserialize)]
struct CommitForm {
    #[serde(default)]
    overlap: String,
    /// The preview's one-time token (see `declarations::Guard::Staged`).
    #[serde(default)]
    commit_token: String,
}

/// Commits the pending import once. A second click (or a second tab) lands on the committed
/// import's page and is told that nothing was added twice; a click on a preview corrected since
/// lands on the current preview.
async fn commit(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Form(form): Form<CommitForm>,
) -> AppResult<Response> {
    let lang = actor.ctx.lang;
    let to = format!("/imports/{id}");
    let already = || flash_redirect(&state, &to, "info", t(lang, "decl.already_committed"));
    let reseller_filter = actor.reseller.as_ref().map(|r| r.id);
    let import = store::import_by_id(&state.db, actor.tenant.id, reseller_filter, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match import.status.as_str() {
        "committed" => return Ok(already()),
        "pending" => {}
        _ => return Err(AppError::NotFound),
    }
    let mut req = import_request(&state, &actor, &import).await?;
    req.overlap = if form.overlap == "replace" {
        Overlap::Replace
    } else {
        Overlap::Add
    };
    let guard = declarations::Guard::Staged {
        import_id: id,
        commit_token: &form.commit_token,
    };
    let report =
        declarations::commit_import(&state.db, &state.secret(), &req, Some(guard), None).await?;
    if report.status == Status::Committed {
        crate::analytics::events::publish(&state.events, req.tenant_id);
    }
    Ok(match report.status {
        Status::Committed => flash_redirect(
            &state,
            &to,
            "success",
            &t(lang, "decl.committed").replace("{n}", &report.accepted.to_string()),
        ),
        Status::Duplicate if report.duplicate_of == Some(id) => already(),
        Status::Stale => flash_redirect(&state, &to, "error", t(lang, "decl.preview_changed")),
        Status::Duplicate => flash_redirect(
            &state,
            &to,
            "error",
            &t(lang, "decl.duplicate")
                .replace("{n}", &report.duplicate_of.unwrap_or(0).to_string()),
        ),
        _ => flash_redirect(
            &state,
            &to,
            "error",
            report.message.as_deref().unwrap_or(""),
        ),
    })
}
