//! Who is asking: the context middleware loads the session (user, tenant, reseller membership),
//! the language and the CSRF token once per request, checks CSRF on state-changing requests,
//! and renders error pages. Extractors then enforce role and tenant, so handlers cannot forget.

use super::error::{AppError, ErrorMarker};
use super::AppState;
use crate::auth;
use crate::db::{self, network::Reseller, tenants::Tenant, users::User};
use crate::domain::network::Role;
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use relais_templates::i18n::Lang;

pub const SESSION_COOKIE: &str = "relais_session";
pub const CSRF_COOKIE: &str = "relais_csrf";
pub const LANG_COOKIE: &str = "relais_lang";
pub const FLASH_COOKIE: &str = "relais_flash";
/// Largest urlencoded form body buffered for the CSRF check (uploads are multipart and carry
/// their token in the action URL's query string instead).
const MAX_FORM_BODY: usize = 2 * 1024 * 1024;

/// A logged-in user's session with what it resolves to.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub id_hash: String,
    pub user: User,
    pub role: Role,
    /// The manufacturer the user is acting in (staff: theirs; reseller users: the one chosen).
    pub tenant: Option<Tenant>,
    /// For reseller users: their organisation's membership in `tenant`.
    pub reseller: Option<Reseller>,
    /// For reseller users: every manufacturer their organisation works with.
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

pub async fn context_middleware(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let session = match jar.get(SESSION_COOKIE) {
        Some(c) => load_session(&state, c.value()).await.unwrap_or_else(|e| {
            tracing::error!(error = ?e, "cannot load session");
            None
        }),
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
        .or(jar.get(LANG_COOKIE).map(|c| c.value()))
        .and_then(Lang::parse)
        .unwrap_or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
                .unwrap_or(Lang::Fr)
        });
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
    let mut req = if is_state_changing(&parts.method) && !parts.uri.path().starts_with("/api/") {
        match check_csrf(&parts, body, &csrf_token, state.max_body()).await {
            Ok(body) => Request::from_parts(parts, body),
            Err(()) => {
                tracing::warn!(path = %parts.uri.path(), "refused a state-changing request without a valid CSRF token");
                parts.extensions.insert(ctx.clone());
                return render_error(&state, &ctx, AppError::Csrf.into_response());
            }
        }
    } else {
        Request::from_parts(parts, body)
    };
    req.extensions_mut().insert(ctx.clone());

    let mut resp = next.run(req).await;

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

/// Accepts the token from the `csrf_token` query parameter, the `x-csrf-token` header or an
/// urlencoded form field; returns the body intact for the handler.
async fn check_csrf(
    parts: &Parts,
    body: Body,
    expected: &str,
    max_body: usize,
) -> Result<Body, ()> {
    if let (Some(origin), Some(host)) = (
        parts.headers.get(header::ORIGIN),
        parts.headers.get(header::HOST),
    ) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin != "null" && origin_host != host {
            return Err(());
        }
    }
    let from_query = parts.uri.query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v)
    });
    let from_header = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(token) = from_query.or(from_header) {
        return if auth::constant_time_eq(&token, expected) {
            Ok(body)
        } else {
            Err(())
        };
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        return check_multipart_csrf(content_type, body, max_body, expected).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(());
    }
    let bytes = to_bytes(body, MAX_FORM_BODY).await.map_err(|_| ())?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .map_err(|_| ())?
        .into_iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v)
        .ok_or(())?;
    if auth::constant_time_eq(&token, expected) {
        Ok(Body::from(bytes))
    } else {
        Err(())
    }
}

/// Uploads are multipart: the body is buffered (it is capped by the upload limit anyway) and its
/// `csrf_token` field checked before the handler sees it.
async fn check_multipart_csrf(
    content_type: &str,
    body: Body,
    max_body: usize,
    expected: &str,
) -> Result<Body, ()> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| ())?;
    let bytes = to_bytes(body, max_body).await.map_err(|_| ())?;
    let stream = futures::stream::once({
        let b = bytes.clone();
        async move { Ok::<_, std::io::Error>(b) }
    });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Some(field) = multipart.next_field().await.map_err(|_| ())? {
        if field.name() == Some("csrf_token") {
            let token = field.text().await.map_err(|_| ())?;
            return if auth::constant_time_eq(&token, expected) {
                Ok(Body::from(bytes))
            } else {
                Err(())
            };
        }
    }
    Err(())
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
        let org = user.organisation_id.unwrap_or(0);
        let tenants = db::tenants::of_organisation(&state.db, org).await?;
        let tenant = tenants
            .iter()
            .find(|t| Some(t.id) == session.tenant_id)
            .or(tenants.first())
            .cloned();
        let reseller = match &tenant {
            Some(t) => db::network::by_organisation(&state.db, t.id, org).await?,
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
    if ctx.path.starts_with("/api/") {
        let message = marker.message.clone().unwrap_or_else(|| {
            marker
                .status
                .canonical_reason()
                .unwrap_or("error")
                .to_lowercase()
        });
        let body = serde_json::json!({ "error": message, "request_id": marker.request_id });
        return (marker.status, axum::Json(body)).into_response();
    }
    if marker.status == StatusCode::UNAUTHORIZED {
        let next = serde_urlencoded::to_string([("next", ctx.path.as_str())]).unwrap_or_default();
        return Redirect::to(&format!("/login?{next}")).into_response();
    }
    let message = match marker.message.as_deref() {
        Some("csrf") => Some(ctx.t("error.csrf").to_string()),
        other => other.map(str::to_string),
    };
    let _ = state;
    let chrome = super::chrome_for(ctx);
    use relais_templates::pages;
    let page = match marker.status {
        StatusCode::NOT_FOUND => pages::not_found(&chrome),
        StatusCode::FORBIDDEN if message.is_none() => pages::forbidden(&chrome),
        StatusCode::INTERNAL_SERVER_ERROR => {
            pages::server_error(&chrome, marker.request_id.as_deref().unwrap_or(""))
        }
        _ => pages::bad_request(&chrome, message.as_deref().unwrap_or("")),
    };
    let mut out = (marker.status, page).into_response();
    for v in resp.headers().get_all(header::SET_COOKIE) {
        out.headers_mut().append(header::SET_COOKIE, v.clone());
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
