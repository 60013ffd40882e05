//! `POST /api/v1/declarations` (JSON lines) and `POST /api/v1/declarations/files` (multipart):
//! the same validation and the same report as the CLI. An `Idempotency-Key` header makes a
//! retry safe: the same key with the same body gets the first response and adds nothing; the
//! same key with another body is refused (422). A committing request claims its key and records
//! its response inside the commit's transaction, so retries sent while it runs get its answer
//! too; requests that write nothing record theirs afterwards, and the first recorded wins.

use super::ApiReseller;
use crate::declarations::{self, Guard, IdempotencyKey, Input, Overlap, Report, Request, Status};
use crate::domain::network::Source;
use crate::domain::period::Period;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::AppState;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/declarations", post(post_lines))
        .route("/api/v1/declarations/files", post(post_file))
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// The body of `POST /api/v1/declarations`.
#[derive(serde::Deserialize)]
struct LinesBody {
    lines: Vec<serde_json::Map<String, Value>>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    overlap: Overlap,
}

type Dates = Option<(chrono::NaiveDate, chrono::NaiveDate)>;

/// The optional `YYYY-MM` month; Err when it is not one.
fn period(p: Option<&str>) -> Result<Dates, ()> {
    match p.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) => Period::parse_month(p)
            .map(|p| Some((p.start, p.end)))
            .ok_or(()),
    }
}

/// A request refused before any work: its status and message.
type Refusal = (StatusCode, String);

fn bad_period() -> Refusal {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        "period must be YYYY-MM".into(),
    )
}

async fn post_lines(
    State(state): State<AppState>,
    api: ApiReseller,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let hash = crate::auth::token_hash_bytes(&body);
    let key = match idempotency_key(&headers, &hash) {
        Ok(k) => k,
        Err((status, message)) => return Ok(error(status, message)),
    };
    if let Some(recorded) = replay(&state, &api, key.as_ref()).await? {
        return Ok(recorded);
    }
    let resp = match lines_request(&state, &api, &ctx, &body) {
        Ok(req) => commit(&state, &req, key.as_ref()).await?,
        Err((status, message)) => error(status, message),
    };
    settle(&state, &api, key.as_ref(), resp).await
}

/// The declaration a JSON body asks for, or why a malformed one is refused.
fn lines_request(
    state: &AppState,
    api: &ApiReseller,
    ctx: &Ctx,
    body: &[u8],
) -> Result<Request, Refusal> {
    let parsed: LinesBody = serde_json::from_slice(body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("invalid JSON body: {e}")))?;
    if parsed.lines.is_empty() {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines must not be empty".into(),
        ));
    }
    let period = period(parsed.period.as_deref()).map_err(|()| bad_period())?;
    Ok(request(
        state,
        api,
        ctx,
        Input::Lines(Arc::new(parsed.lines)),
        period,
        parsed.overlap,
    ))
}

async fn post_file(
    State(state): State<AppState>,
    api: ApiReseller,
    ctx: Ctx,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let (mut file, mut period_text, mut overlap) = (None, None, Overlap::Add);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Ok(error(e.status(), e.body_text())),
        };
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().unwrap_or("upload").to_string();
        let data = match field.bytes().await {
            Ok(d) => d,
            Err(e) => return Ok(error(e.status(), e.body_text())),
        };
        match name.as_str() {
            "file" => file = Some((filename, data.to_vec())),
            "period" => period_text = Some(String::from_utf8_lossy(&data).into_owned()),
            "overlap" if &data[..] == b"replace" => overlap = Overlap::Replace,
            _ => {}
        }
    }
    let Some((filename, bytes)) = file else {
        return Ok(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the multipart field \"file\" is required",
        ));
    };
    let mut fingerprint = bytes.clone();
    fingerprint.extend_from_slice(format!("\n{period_text:?}\n{overlap:?}").as_bytes());
    let hash = crate::auth::token_hash_bytes(&fingerprint);
    let key = match idempotency_key(&headers, &hash) {
        Ok(k) => k,
        Err((status, message)) => return Ok(error(status, message)),
    };
    if let Some(recorded) = replay(&state, &api, key.as_ref()).await? {
        return Ok(recorded);
    }
    let resp = match period(period_text.as_deref()) {
        Ok(period) => {
            let input = Input::File {
                filename,
                bytes: Arc::new(bytes),
            };
            let req = request(&state, &api, &ctx, input, period, overlap);
            commit(&state, &req, key.as_ref()).await?
        }
        Err(()) => {
            let (status, message) = bad_period();
            error(status, message)
        }
    };
    settle(&state, &api, key.as_ref(), resp).await
}

fn request(
    state: &AppState,
    api: &ApiReseller,
    ctx: &Ctx,
    input: Input,
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    overlap: Overlap,
) -> Request {
    Request {
        tenant_id: api.tenant.id,
        currency: api.tenant.currency.clone(),
        reseller_id: api.reseller.id,
        user_id: None,
        source: Source::Api,
        input,
        period,
        mapping: Vec::new(),
        sheet: None,
        overlap,
        today: crate::http::views::today(&api.tenant.time_zone),
        lang: ctx.lang.code().to_string(),
        reader: state.reader.clone(),
    }
}

/// 201 committed, 409 duplicate, 422 refused; the body is the CLI's report.
async fn commit(
    state: &AppState,
    req: &Request,
    key: Option<&IdempotencyKey>,
) -> Result<Response, AppError> {
    let guard = key.map(Guard::Keyed);
    let report: Report =
        declarations::commit_import(&state.db, &state.secret(), req, guard, None).await?;
    if report.status == Status::Committed {
        crate::analytics::events::publish(&state.events, req.tenant_id);
    }
    let status = match report.status {
        Status::Committed => StatusCode::CREATED,
        Status::Duplicate => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok((status, Json(report)).into_response())
}

/// The request's Idempotency-Key, if it has one (a key too long is refused).
fn idempotency_key(
    headers: &HeaderMap,
    request_hash: &str,
) -> Result<Option<IdempotencyKey>, Refusal> {
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
    else {
        return Ok(None);
    };
    if key.len() > 255 {
        return Err((
            StatusCode::BAD_REQUEST,
            "Idempotency-Key is longer than 255 characters".into(),
        ));
    }
    Ok(Some(IdempotencyKey {
        key: key.to_string(),
        request_hash: request_hash.to_string(),
        committed_status: StatusCode::CREATED.as_u16(),
    }))
}

/// The response recorded for this key when it came with the same request (422 for another
/// request); None without a key, or for a key not recorded yet.
async fn replay(
    state: &AppState,
    api: &ApiReseller,
    key: Option<&IdempotencyKey>,
) -> Result<Option<Response>, AppError> {
    let Some(key) = key else {
        return Ok(None);
    };
    let (t, r) = (api.tenant.id, api.reseller.id);
    let Some((hash, status, body)) =
        crate::db::declarations::idempotent_response(&state.db, t, r, &key.key).await?
    else {
        return Ok(None);
    };
    if hash != key.request_hash {
        return Ok(Some(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "this Idempotency-Key was used with a different request",
        )));
    }
    let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
    let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    Ok(Some(
        (status, [("idempotent-replayed", "true")], Json(value)).into_response(),
    ))
}

/// Records the response of a keyed request that wrote nothing (a commit recorded its own in
/// its transaction; a server error is no answer), unless another request with the key recorded
/// one meanwhile: that one is then the answer.
async fn settle(
    state: &AppState,
    api: &ApiReseller,
    key: Option<&IdempotencyKey>,
    resp: Response,
) -> Result<Response, AppError> {
    let status = resp.status();
    let Some(k) = key else {
        return Ok(resp);
    };
    if status == StatusCode::CREATED || status.is_server_error() {
        return Ok(resp);
    }
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let recorded = crate::db::declarations::remember_response(
        &state.db,
        api.tenant.id,
        api.reseller.id,
        &k.key,
        &k.request_hash,
        i64::from(status.as_u16()),
        &text,
    )
    .await?;
    if !recorded {
        if let Some(first) = replay(state, api, key).await? {
            return Ok(first);
        }
    }
    Ok(Response::from_parts(parts, axum::body::Body::from(bytes)))
}
