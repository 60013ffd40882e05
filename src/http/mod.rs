//! The web application: one module per area, each with its `router()`, merged here.

pub mod analytics;
pub mod api;
pub mod assets;
pub mod auth;
pub mod catalogue;
pub mod challenges;
pub mod client;
pub mod csrf;
pub mod ctx;
pub mod declare;
pub mod declare_form;
pub mod declared_imports;
pub mod error;
pub mod health;
pub mod imports;
pub mod jobs;
pub mod limits;
pub mod network;
pub mod points;
pub mod redact;
pub mod reseller;
pub mod reviews;
pub mod rewards;
pub mod settings;
pub mod views;

use crate::config::Settings;
use crate::db::Db;
use crate::mail::Mailer;
use crate::throttle::{Policy, RateLimit, Throttle};
use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use ctx::Ctx;
use lettre::message::Mailbox;
use relais_templates::Chrome;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub mailer: Mailer,
    pub mail_from: Mailbox,
    /// Failed password checks (login, current password) per account and client address.
    pub throttle: Arc<Throttle>,
    /// Password-reset requests per account and per client address.
    pub reset_limits: Arc<ResetLimits>,
    pub proxies: Arc<client::Proxies>,
    /// Uploads in progress per user.
    pub uploads: Arc<limits::Uploads>,
    /// Sales changed: open dashboards reload (see `analytics::events`).
    pub events: tokio::sync::broadcast::Sender<crate::analytics::events::SalesChanged>,
    /// Reads uploaded files in worker processes.
    pub reader: crate::reader::Reader,
}

impl AppState {
    pub fn new(
        db: Db,
        settings: Settings,
        mailer: Mailer,
        mail_from: Mailbox,
    ) -> anyhow::Result<Self> {
        let sec = &settings.security;
        let throttle = Throttle::new(Policy {
            free_failures: sec.login_free_failures,
            delay: sec.login_delay_seconds,
            max_delay: sec.login_max_delay_seconds,
            max_per_address: sec.login_max_failures_per_ip,
            window: sec.login_window_seconds,
        });
        let reset_limits = ResetLimits {
            per_account: RateLimit::new(sec.reset_max_per_account, 3600),
            per_address: RateLimit::new(sec.reset_max_per_ip, 3600),
        };
        let proxies = client::Proxies::parse(&settings.server.trusted_proxies)?;
        let uploads = limits::Uploads::new(settings.server.max_uploads_per_user);
        Ok(AppState {
            db,
            reader: crate::reader::Reader::new(&settings.reader),
            settings: Arc::new(settings),
            mailer,
            mail_from,
            throttle: Arc::new(throttle),
            reset_limits: Arc::new(reset_limits),
            proxies: Arc::new(proxies),
            uploads: Arc::new(uploads),
            events: crate::analytics::events::channel(),
        })
    }

    pub fn secret(&self) -> String {
        use secrecy::ExposeSecret;
        self.settings.security.secret.expose_secret().to_string()
    }

    pub fn cookie(
        &self,
        name: &'static str,
        value: String,
        max_age: Option<i64>,
    ) -> axum_extra::extract::cookie::Cookie<'static> {
        ctx::base_cookie(name, value, self.settings.server.secure_cookies, max_age)
    }

    pub fn expired_cookie(
        &self,
        name: &'static str,
    ) -> axum_extra::extract::cookie::Cookie<'static> {
        ctx::base_cookie(
            name,
            String::new(),
            self.settings.server.secure_cookies,
            Some(0),
        )
    }

    /// Largest accepted request body: the upload cap plus room for the other form fields.
    pub fn max_body(&self) -> usize {
        (self.settings.server.max_upload_mb as usize) * 1024 * 1024 + 64 * 1024
    }

    /// An absolute URL for emailed links.
    pub fn public_url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.settings.server.public_url.trim_end_matches('/'),
            path
        )
    }
}

/// How often password-reset links may be asked for (see `accounts::request_password_reset`).
pub struct ResetLimits {
    pub per_account: RateLimit,
    pub per_address: RateLimit,
}

/// The page chrome (navigation, language, CSRF token, flash) for the current request.
pub fn chrome_for(ctx: &Ctx) -> Chrome {
    use relais_templates::{Flash, TenantChoice, UserChrome};
    let (user, tenants) = match &ctx.session {
        Some(s) => (
            Some(UserChrome {
                email: s.user.email.clone(),
                role: views::role(s.role),
                tenant_name: s
                    .tenant
                    .as_ref()
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
            }),
            s.tenants
                .iter()
                .map(|t| TenantChoice {
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    current: s.tenant.as_ref().is_some_and(|c| c.id == t.id),
                })
                .collect(),
        ),
        None => (None, vec![]),
    };
    Chrome {
        lang: ctx.lang,
        csrf_token: ctx.csrf_token.clone(),
        current_path: ctx.path.clone(),
        user,
        tenants,
        flash: ctx
            .flash
            .iter()
            .map(|(k, m)| match k.as_str() {
                "success" => Flash::success(m),
                "error" => Flash::error(m),
                _ => Flash::info(m),
            })
            .collect(),
        css_url: assets::CSS_URL.clone(),
        js_url: assets::JS_URL.clone(),
        icon_url: assets::ICON_URL.clone(),
    }
}

/// Builds the whole router with its middleware.
pub fn router(state: AppState) -> Router {
    let max_body = state.max_body();
    Router::new()
        .merge(assets::router())
        .merge(health::router())
        .merge(auth::router())
        .merge(network::router())
        .merge(catalogue::router())
        .merge(imports::router())
        .merge(settings::router())
        .merge(reseller::router())
        .merge(challenges::router())
        .merge(points::router())
        .merge(rewards::router())
        .merge(declare::router())
        .merge(declare_form::router())
        .merge(declared_imports::router())
        .merge(reviews::router())
        .merge(api::router())
        .merge(analytics::router())
        .merge(jobs::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), ctx::context_middleware))
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                 object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<axum::body::Body>| {
                    let path = redact::loggable_path(req.uri().path());
                    tracing::debug_span!("request", method = %req.method(), %path)
                },
            ),
        )
        .with_state(state)
}

/// A 303 redirect that shows `message` once on the next page (kind: success, error or info).
pub fn flash_redirect(
    state: &AppState,
    to: &str,
    kind: &str,
    message: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let value = serde_urlencoded::to_string([(kind, message)]).unwrap_or_default();
    let cookie = state.cookie(ctx::FLASH_COOKIE, value, Some(60));
    (
        [(header::SET_COOKIE, cookie.to_string())],
        axum::response::Redirect::to(to),
    )
        .into_response()
}
