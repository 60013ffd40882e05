//! Login, logout, invitations, password resets, language and tenant switching, account page.

use super::client::ClientAddr;
use super::ctx::{Ctx, LoggedIn, LANG_COOKIE, SESSION_COOKIE};
use super::error::{AppError, AppResult};
use super::{chrome_for, flash_redirect, AppState};
use crate::{accounts, auth, db};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use maud::Markup;
use relais_templates::components::{FieldError, FieldErrors};
use relais_templates::i18n::Lang;
use relais_templates::pages::{self, LoginError, SetPasswordPurpose};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/forgot-password", get(forgot_page).post(forgot))
        .route("/invite/{token}", get(invite_page).post(invite))
        .route("/reset/{token}", get(reset_page).post(reset))
        .route("/lang", post(set_lang))
        .route("/switch-tenant", post(switch_tenant))
        .route("/account", get(account_page))
        .route("/account/password", post(change_password))
        .route("/account/language", post(set_lang))
}

#[derive(Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths are followed after login (no open redirects). The value must be an
/// absolute path without control characters, spaces or backslashes (browsers drop or turn them
/// into slashes, so `/\t/evil.example` would leave the site); it is then resolved as a URL
/// against this site and must stay on it. What is returned is the normalised path and query.
fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    if !next.starts_with('/')
        || next.starts_with("//")
        || next.contains('\\')
        || next.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return None;
    }
    let site = url::Url::parse("http://relais.invalid/").expect("a valid base");
    let target = site.join(next).ok()?;
    if target.origin() != site.origin() {
        return None;
    }
    let mut out = target.path().to_string();
    if let Some(q) = target.query() {
        out.push('?');
        out.push_str(q);
    }
    (out.starts_with('/') && !out.starts_with("//")).then_some(out)
}

/// A 429 page or response with how long to wait.
fn throttled(page: Markup, wait: i64) -> Response {
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
    if let Ok(v) = HeaderValue::from_str(&wait.max(1).to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    if ctx.session.is_some() {
        return Redirect::to("/").into_response();
    }
    let view = pages::LoginView {
        email: String::new(),
        error: None,
        next: safe_next(q.next.as_deref()),
    };
    pages::login(&chrome_for(&ctx), &view).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let now = db::now();
    let ip = client.to_string();
    let email = form.email.trim().to_lowercase();
    let chrome = chrome_for(&ctx);
    let retry = |error: LoginError| {
        let view = pages::LoginView {
            email: email.clone(),
            error: Some(error),
            next: safe_next(form.next.as_deref()),
        };
        pages::login(&chrome, &view)
    };
    if let Some(wait) = state.throttle.wait(&email, &ip, now) {
        tracing::warn!(%ip, wait, "login throttled");
        return Ok(throttled(retry(LoginError::TooManyAttempts), wait));
    }
    let user = db::users::by_email(&state.db, &email).await?;
    let hash = user
        .as_ref()
        .filter(|u| !u.disabled)
        .and_then(|u| u.password_hash.clone());
    let ok = auth::verify_password(form.password.clone(), hash).await;
    let Some(user) = user.filter(|_| ok) else {
        state.throttle.record_failure(&email, &ip, now);
        let page = retry(LoginError::InvalidCredentials);
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    state.throttle.succeeded(&email, &ip);
    let token = auth::random_token();
    let lifetime = state.settings.server.session_hours * 3600;
    db::users::create_session(
        &state.db,
        &auth::token_hash(&token),
        user.id,
        user.tenant_id,
        &auth::random_token(),
        now + lifetime,
    )
    .await?;
    db::users::touch_login(&state.db, user.id).await?;
    let cookie = state.cookie(SESSION_COOKIE, token, None);
    let target = safe_next(form.next.as_deref()).unwrap_or_else(|| "/".into());
    Ok((
        [(header::SET_COOKIE, cookie.to_string())],
        Redirect::to(&target),
    )
        .into_response())
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        db::users::delete_session(&state.db, &auth::token_hash(c.value())).await?;
    }
    let expired = state.expired_cookie(SESSION_COOKIE);
    Ok((
        [(header::SET_COOKIE, expired.to_string())],
        Redirect::to("/login"),
    )
        .into_response())
}

async fn forgot_page(ctx: Ctx) -> Markup {
    pages::forgot_password(&chrome_for(&ctx), &pages::ForgotPasswordView::default())
}

#[derive(Deserialize)]
struct ForgotForm {
    email: String,
}

/// Answers the same page at once whether or not the account exists: the reset itself (lookup,
/// link, email) runs apart from the request, so neither the answer nor its timing tells. An
/// address is limited in how many resets it asks for, and an account in how many it receives.
async fn forgot(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ctx: Ctx,
    Form(form): Form<ForgotForm>,
) -> AppResult<Response> {
    if !accounts::valid_email(&form.email) {
        let mut errors = FieldErrors::new();
        errors.add("email", FieldError::InvalidEmail);
        let view = pages::ForgotPasswordView {
            email: form.email,
            errors,
        };
        return Ok(pages::forgot_password(&chrome_for(&ctx), &view).into_response());
    }
    let now = db::now();
    let limits = &state.reset_limits;
    if !limits.per_address.allow(&client.to_string(), now) {
        tracing::warn!(%client, "password reset requests throttled");
        let mut errors = FieldErrors::new();
        errors.add(
            "email",
            FieldError::Message(ctx.t("error.too_many_requests").to_string()),
        );
        let view = pages::ForgotPasswordView {
            email: form.email,
            errors,
        };
        let page = pages::forgot_password(&chrome_for(&ctx), &view);
        return Ok(throttled(page, 3600));
    }
    let email = form.email.trim().to_lowercase();
    if limits.per_account.allow(&email, now) {
        let (state, lang) = (state.clone(), ctx.lang);
        tokio::spawn(async move {
            if let Err(e) = accounts::request_password_reset(&state, &email, lang).await {
                tracing::error!(error = ?e, "password reset failed");
            }
        });
    }
    Ok(pages::forgot_password_sent(&chrome_for(&ctx)).into_response())
}

async fn invite_page(
    state: State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    link_page(state, ctx, "invite", token).await
}

async fn reset_page(
    state: State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    link_page(state, ctx, "reset", token).await
}

async fn link_page(
    State(state): State<AppState>,
    ctx: Ctx,
    kind: &str,
    token: String,
) -> AppResult<Response> {
    let chrome = chrome_for(&ctx);
    let Some(user_id) =
        db::users::peek_link_token(&state.db, kind, &auth::token_hash(&token)).await?
    else {
        return Ok((StatusCode::GONE, pages::link_invalid(&chrome)).into_response());
    };
    let view = set_password_view(&state, kind, &token, user_id, FieldErrors::new()).await?;
    Ok(pages::set_password(&chrome, &view).into_response())
}

async fn set_password_view(
    state: &AppState,
    kind: &str,
    token: &str,
    user_id: i64,
    errors: FieldErrors,
) -> AppResult<pages::SetPasswordView> {
    let user = db::users::by_id(&state.db, user_id).await?;
    let tenant_name = match user.as_ref().and_then(|u| u.tenant_id) {
        Some(id) => db::tenants::by_id(&state.db, id).await?.map(|t| t.name),
        None => None,
    };
    Ok(pages::SetPasswordView {
        purpose: if kind == "invite" {
            SetPasswordPurpose::Invitation
        } else {
            SetPasswordPurpose::Reset
        },
        action: format!("/{kind}/{token}"),
        email: user.map(|u| u.email),
        tenant_name,
        errors,
        min_length: auth::MIN_PASSWORD_LEN,
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
    password_confirm: String,
}

async fn invite(
    state: State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    complete_link(state, ctx, "invite", token, form).await
}

async fn reset(
    state: State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    complete_link(state, ctx, "reset", token, form).await
}

/// The problems of a new password, keyed by the form's field names.
fn password_problems(
    password: &str,
    confirm: &str,
    field: &str,
    confirm_field: &str,
) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if password.chars().count() < auth::MIN_PASSWORD_LEN {
        errors.add(
            field,
            FieldError::PasswordTooShort {
                min: auth::MIN_PASSWORD_LEN,
            },
        );
    } else if password != confirm {
        errors.add(confirm_field, FieldError::PasswordMismatch);
    }
    errors
}

async fn complete_link(
    State(state): State<AppState>,
    ctx: Ctx,
    kind: &str,
    token: String,
    form: PasswordForm,
) -> AppResult<Response> {
    let chrome = chrome_for(&ctx);
    let errors = password_problems(
        &form.password,
        &form.password_confirm,
        "password",
        "password_confirm",
    );
    if !errors.is_empty() {
        let Some(user_id) =
            db::users::peek_link_token(&state.db, kind, &auth::token_hash(&token)).await?
        else {
            return Ok((StatusCode::GONE, pages::link_invalid(&chrome)).into_response());
        };
        let view = set_password_view(&state, kind, &token, user_id, errors).await?;
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::set_password(&chrome, &view),
        )
            .into_response());
    }
    match accounts::set_password_from_link(&state, kind, &token, form.password).await? {
        Some(_) => Ok(flash_redirect(
            &state,
            "/login",
            "success",
            ctx.t("password.set"),
        )),
        None => Ok((StatusCode::GONE, pages::link_invalid(&chrome)).into_response()),
    }
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    next: Option<String>,
}

async fn set_lang(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LangForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&form.lang)
        .ok_or_else(|| AppError::BadRequest(ctx.t("error.bad_request").into()))?;
    if let Some(s) = &ctx.session {
        db::users::set_locale(&state.db, s.user.id, lang.code()).await?;
    }
    let cookie = state.cookie(LANG_COOKIE, lang.code().to_string(), Some(365 * 86400));
    let back = safe_next(form.next.as_deref())
        .or_else(|| ctx.session.as_ref().map(|_| "/account".to_string()))
        .unwrap_or_else(|| "/".into());
    Ok((
        [(header::SET_COOKIE, cookie.to_string())],
        Redirect::to(&back),
    )
        .into_response())
}

#[derive(Deserialize)]
struct SwitchForm {
    tenant: String,
}

/// A multi-brand reseller user switches to another manufacturer its organisation works with.
async fn switch_tenant(
    State(state): State<AppState>,
    user: LoggedIn,
    Form(form): Form<SwitchForm>,
) -> AppResult<Response> {
    let target = user
        .session
        .tenants
        .iter()
        .find(|t| t.slug == form.tenant)
        .ok_or(AppError::Forbidden)?;
    db::users::set_session_tenant(&state.db, &user.session.id_hash, target.id).await?;
    Ok(Redirect::to("/").into_response())
}

fn account_view(user: &LoggedIn, password_errors: FieldErrors) -> pages::AccountView {
    pages::AccountView {
        email: user.session.user.email.clone(),
        preferred_lang: user.ctx.lang,
        password_errors,
        min_password_length: auth::MIN_PASSWORD_LEN,
    }
}

async fn account_page(user: LoggedIn) -> Markup {
    pages::account(
        &chrome_for(&user.ctx),
        &account_view(&user, FieldErrors::new()),
    )
}

#[derive(Deserialize)]
struct ChangePasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
}

/// The current password is checked under the same throttle as logins (per user and client
/// address): a stolen session cannot be used to guess it.
async fn change_password(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    user: LoggedIn,
    Form(form): Form<ChangePasswordForm>,
) -> AppResult<Response> {
    let ctx = &user.ctx;
    let me = &user.session.user;
    let now = db::now();
    let (account, ip) = (format!("user:{}", me.id), client.to_string());
    if let Some(wait) = state.throttle.wait(&account, &ip, now) {
        let mut e = FieldErrors::new();
        e.add(
            "current_password",
            FieldError::Message(ctx.t("password.too_many").to_string()),
        );
        let page = pages::account(&chrome_for(ctx), &account_view(&user, e));
        return Ok(throttled(page, wait));
    }
    let current_ok =
        auth::verify_password(form.current_password.clone(), me.password_hash.clone()).await;
    if current_ok {
        state.throttle.succeeded(&account, &ip);
    } else {
        state.throttle.record_failure(&account, &ip, now);
    }
    let errors = if !current_ok {
        let mut e = FieldErrors::new();
        e.add(
            "current_password",
            FieldError::Message(ctx.t("password.current_wrong").to_string()),
        );
        e
    } else {
        password_problems(
            &form.new_password,
            &form.new_password_confirm,
            "new_password",
            "new_password_confirm",
        )
    };
    if !errors.is_empty() {
        let page = pages::account(&chrome_for(ctx), &account_view(&user, errors));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = auth::hash_password(form.new_password).await?;
    if !accounts::change_password(&state.db, me.id, &hash).await? {
        return Err(AppError::LoginRequired);
    }
    Ok(flash_redirect(
        &state,
        "/login",
        "success",
        ctx.t("password.changed"),
    ))
}
