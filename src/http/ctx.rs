//! Who is asking: the context middleware loads the session (user, tenant, reseller access),
//! the language and the CSRF token once per request, guards the request body (size for
//! anonymous clients, time for everyone), checks CSRF on state-changing requests before any
//! large body is read, limits concurrent uploads, and renders error pages. Extractors then
//! enforce role and tenant, so handlers cannot forget.

use super::error::{AppError, ErrorMarker};
use super::limits::{self, BodyProblem};
use super::{csrf, redact, AppState};
use crate::auth;
use crate::db::{self, network::Reseller, tenants::Tenant, users::User};
use crate::domain::network::Role;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use relais_templates::i18n::Lang;
use std::time::Duration;

pub const SESSION_COOKIE: &str = "relais_session";
pub const CSRF_COOKIE: &str = "relais_csrf";
pub const LANG_COOKIE: &str = "relais_lang";
pub const FLASH_COOKIE: &str = "relais_flash";

/// A logged-in user's session with what it resolves to.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub id_hash: String,
    pub user: User,
    pub role: Role,
    /// The manufacturer the user is acting in (staff: theirs; reseller users: the one chosen).
    pub tenant: Option<Tenant>,
    /// For reseller users: the reseller record `tenant` granted them.
    pub reseller: Option<Reseller>,
    /// For reseller users: every manufacturer that granted them access.
    pub tenants: Vec<Tenant>,
}

/// Per-request context, available to every handler through the `Ctx` extractor.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: Lang,
    pub csrf_token: String,
    pub path: String,
    pub session: Option<SessionInfo>,
    pub flash: Vec<(String, String)>,
}

impl Ctx {
    pub fn t(&self, key: &'static str) -> &'static str {
        relais_templates::i18n::t(self.lang, key)
    }
}

/// The language without a session: the cookie, then the browser's preference.
fn visitor_lang(jar: &CookieJar, headers: &HeaderMap) -> Lang {
    jar.get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
                .unwrap_or(Lang::Fr)
        })
}

pub async fn context_middleware(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let visitor_lang = visitor_lang(&jar, req.headers());
    let session = match jar.get(SESSION_COOKIE) {
        Some(c) => match load_session(&state, c.value()).await {
            Ok(s) => s,
            // Never "no session": the user would be sent to the login page and their
            // cookie treated as gone. The page says what happened; the cookie stays.
            Err(e) => {
                let ctx = Ctx {
                    lang: visitor_lang,
                    csrf_token: String::new(),
                    path: req.uri().path().to_string(),
                    session: None,
                    flash: vec![],
                };
                return render_error(&state, &ctx, AppError::Internal(e).into_response());
            }
        },
        None => None,
    };
    let anon_csrf = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() >= 32);
    let new_anon_csrf = session.is_none() && anon_csrf.is_none();
    let csrf_token = match (&session, &anon_csrf) {
        (Some(s), _) => s.csrf_expected.clone(),
        (None, Some(v)) => v.clone(),
        (None, None) => auth::random_token(),
    };
    let lang = session
        .as_ref()
        .and_then(|s| s.info.user.locale.as_deref())
        .and_then(Lang::parse)
        .unwrap_or(visitor_lang);
    let flash = jar
        .get(FLASH_COOKIE)
        .and_then(|c| serde_urlencoded::from_str::<Vec<(String, String)>>(c.value()).ok())
        .unwrap_or_default();
    let ctx = Ctx {
        lang,
        csrf_token: csrf_token.clone(),
        path: req.uri().path().to_string(),
        session: session.as_ref().map(|s| s.info.clone()),
        flash: flash.clone(),
    };

    let (mut parts, body) = req.into_parts();
    let refuse = |e: AppError| render_error(&state, &ctx, e.into_response());
    let api = parts.uri.path().starts_with("/api/");
    // Anonymous visitors post only small forms; everyone else is capped by the router's
    // upload limit, which the upload handlers report in their own words.
    let max_body = if session.is_none() && !api {
        limits::ANONYMOUS_MAX_BODY
    } else {
        usize::MAX
    };
    if content_length(&parts.headers).is_some_and(|n| n > max_body as u64) {
        return refuse(AppError::Refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "error.too_large",
        ));
    }
    let server = &state.settings.server;
    let (body, body_outcome) = limits::guard(
        body,
        max_body,
        Duration::from_secs(server.body_idle_seconds),
        Duration::from_secs(server.body_total_seconds),
    );
    let state_changing = is_state_changing(&parts.method);
    let body = if state_changing && !api {
        match csrf::check(&parts, body, &csrf_token).await {
            Ok(body) => body,
            Err(()) => {
                if let Some(problem) = body_outcome.problem() {
                    return refuse(body_refusal(problem));
                }
                let path = redact::loggable_path(parts.uri.path());
                tracing::warn!(%path, "refused a state-changing request without a valid CSRF token");
                return refuse(AppError::Csrf);
            }
        }
    } else {
        body
    };
    let upload = if state_changing && csrf::is_multipart(&parts) {
        match upload_key(&parts.headers, session.as_ref()) {
            Some(key) => match state.uploads.start(&key) {
                Some(permit) => Some(permit),
                None => {
                    return refuse(AppError::Refused(
                        StatusCode::TOO_MANY_REQUESTS,
                        "error.too_many_uploads",
                    ))
                }
            },
            None => None,
        }
    } else {
        None
    };
    parts.extensions.insert(ctx.clone());
    let req = Request::from_parts(parts, body);

    let mut resp = next.run(req).await;
    drop(upload);
    if let Some(problem) = body_outcome.problem() {
        resp = body_refusal(problem).into_response();
    }

    if let Some(s) = &session {
        if s.needs_extension {
            let expires = db::now() + state.settings.server.session_hours * 3600;
            if let Err(e) = db::users::extend_session(&state.db, &s.info.id_hash, expires).await {
                tracing::warn!(error = ?e, "cannot extend session");
            }
        }
    }
    if new_anon_csrf {
        let cookie = state.cookie(CSRF_COOKIE, csrf_token, None);
        append_cookie(&mut resp, cookie);
    }
    if !flash.is_empty() && resp.headers().get(header::LOCATION).is_none() {
        append_cookie(&mut resp, state.expired_cookie(FLASH_COOKIE));
    }
    if resp.extensions().get::<ErrorMarker>().is_some() {
        return render_error(&state, &ctx, resp);
    }
    resp
}

fn is_state_changing(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

fn body_refusal(problem: BodyProblem) -> AppError {
    match problem {
        BodyProblem::TooLarge => {
            AppError::Refused(StatusCode::PAYLOAD_TOO_LARGE, "error.too_large")
        }
        BodyProblem::TimedOut => {
            AppError::Refused(StatusCode::REQUEST_TIMEOUT, "error.body_timeout")
        }
    }
}

/// Whose uploads an upload counts against: the logged-in user, or the API token (requests
/// without either are refused before their body is read).
fn upload_key(headers: &HeaderMap, session: Option<&LoadedSession>) -> Option<String> {
    if let Some(s) = session {
        return Some(format!("user:{}", s.info.user.id));
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })?;
    Some(format!("token:{}", auth::token_hash(bearer.trim())))
}

struct LoadedSession {
    info: SessionInfo,
    csrf_expected: String,
    needs_extension: bool,
}

async fn load_session(
    state: &AppState,
    cookie_value: &str,
) -> anyhow::Result<Option<LoadedSession>> {
    let id_hash = auth::token_hash(cookie_value);
    let Some(session) = db::users::session(&state.db, &id_hash).await? else {
        return Ok(None);
    };
    let Some(user) = db::users::by_id(&state.db, session.user_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let Some(role) = Role::parse(&user.role) else {
        return Ok(None);
    };
    let (tenant, reseller, tenants) = if role.is_staff() {
        let tenant = match user.tenant_id {
            Some(id) => db::tenants::by_id(&state.db, id).await?,
            None => None,
        };
        (tenant, None, vec![])
    } else {
        let tenants = db::tenants::of_reseller_user(&state.db, user.id).await?;
        let tenant = tenants
            .iter()
            .find(|t| Some(t.id) == session.tenant_id)
            .or(tenants.first())
            .cloned();
        let reseller = match &tenant {
            Some(t) => db::network::of_reseller_user(&state.db, t.id, user.id).await?,
            None => None,
        };
        (tenant, reseller, tenants)
    };
    let lifetime = state.settings.server.session_hours * 3600;
    let needs_extension = session.expires_at - db::now() < lifetime - 3600;
    Ok(Some(LoadedSession {
        info: SessionInfo {
            id_hash,
            user,
            role,
            tenant,
            reseller,
            tenants,
        },
        csrf_expected: session.csrf_token,
        needs_extension,
    }))
}

fn append_cookie(resp: &mut Response, cookie: Cookie<'static>) {
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Replaces an error response's body with a page (or JSON for the API) in the user's language.
fn render_error(state: &AppState, ctx: &Ctx, resp: Response) -> Response {
    let marker = resp
        .extensions()
        .get::<ErrorMarker>()
        .cloned()
        .expect("error marker present");
    let message = marker
        .message
        .clone()
        .or_else(|| marker.key.map(|k| ctx.t(k).to_string()));
    let mut out = if ctx.path.starts_with("/api/") {
        let message = message.unwrap_or_else(|| {
            marker
                .status
                .canonical_reason()
                .unwrap_or("error")
                .to_lowercase()
        });
        let body = serde_json::json!({ "error": message, "request_id": marker.request_id });
        (marker.status, axum::Json(body)).into_response()
    } else if marker.status == StatusCode::UNAUTHORIZED {
        let next = serde_urlencoded::to_string([("next", ctx.path.as_str())]).unwrap_or_default();
        return Redirect::to(&format!("/login?{next}")).into_response();
    } else {
        let _ = state;
        let chrome = super::chrome_for(ctx);
        use relais_templates::pages;
        let status = marker.status;
        let page = match status {
            StatusCode::NOT_FOUND => pages::not_found(&chrome),
            StatusCode::FORBIDDEN if message.is_none() => pages::forbidden(&chrome),
            StatusCode::INTERNAL_SERVER_ERROR => {
                pages::server_error(&chrome, marker.request_id.as_deref().unwrap_or(""))
            }
            StatusCode::SERVICE_UNAVAILABLE => pages::unavailable(&chrome),
            StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::REQUEST_TIMEOUT
            | StatusCode::TOO_MANY_REQUESTS => {
                pages::refused(&chrome, status.as_u16(), message.as_deref().unwrap_or(""))
            }
            _ => pages::bad_request(&chrome, message.as_deref().unwrap_or("")),
        };
        (status, page).into_response()
    };
    for name in [header::SET_COOKIE, header::RETRY_AFTER] {
        for v in resp.headers().get_all(&name) {
            out.headers_mut().append(name.clone(), v.clone());
        }
    }
    out
}

// --- extractors ---------------------------------------------------------------------------------

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("context middleware not installed")))
    }
}

/// Any logged-in user.
pub struct LoggedIn {
    pub ctx: Ctx,
    pub session: SessionInfo,
}

impl<S: Send + Sync> FromRequestParts<S> for LoggedIn {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        let session = ctx.session.clone().ok_or(AppError::LoginRequired)?;
        Ok(LoggedIn { ctx, session })
    }
}

/// A channel manager or tenant admin, with their tenant.
pub struct Staff {
    pub ctx: Ctx,
    pub user: User,
    pub role: Role,
    pub tenant: Tenant,
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let LoggedIn { ctx, session } = LoggedIn::from_request_parts(parts, s).await?;
        if !session.role.is_staff() {
            return Err(AppError::Forbidden);
        }
        let tenant = session.tenant.clone().ok_or(AppError::Forbidden)?;
        Ok(Staff {
            ctx,
            user: session.user,
            role: session.role,
            tenant,
        })
    }
}

/// A tenant admin.
pub struct Admin(pub Staff);

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let staff = Staff::from_request_parts(parts, s).await?;
        if staff.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        Ok(Admin(staff))
    }
}

/// A reseller user acting for its organisation in the current manufacturer's network.
pub struct ResellerUser {
    pub ctx: Ctx,
    pub user: User,
    pub tenant: Tenant,
    pub reseller: Reseller,
}

impl<S: Send + Sync> FromRequestParts<S> for ResellerUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        ResellerUser::try_from(LoggedIn::from_request_parts(parts, s).await?)
    }
}

impl TryFrom<LoggedIn> for ResellerUser {
    type Error = AppError;
    fn try_from(user: LoggedIn) -> Result<Self, AppError> {
        let LoggedIn { ctx, session } = user;
        if session.role != Role::Reseller {
            return Err(AppError::Forbidden);
        }
        let tenant = session.tenant.clone().ok_or(AppError::Forbidden)?;
        let reseller = session.reseller.clone().ok_or(AppError::Forbidden)?;
        Ok(ResellerUser {
            ctx,
            user: session.user,
            tenant,
            reseller,
        })
    }
}

/// Cookie settings shared by every cookie Relais sets.
pub fn base_cookie(
    name: &'static str,
    value: String,
    secure: bool,
    max_age: Option<i64>,
) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(secure);
    c.set_path("/");
    if let Some(s) = max_age {
        c.set_max_age(time_duration(s));
    }
    c
}

fn time_duration(seconds: i64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(seconds)
}
