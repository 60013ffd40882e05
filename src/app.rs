//! Start-up: settings → database (migrated) → mailer → router bound to a port.

use crate::config::Settings;
use crate::db::Db;
use crate::http::{self, AppState};
use crate::mail::Mailer;
use anyhow::Context;
use tokio::net::TcpListener;

/// Opens and migrates the configured database.
pub async fn open_db(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect_with(
        &settings.database.url,
        settings.database.max_connections,
        std::time::Duration::from_secs(settings.database.acquire_timeout_seconds),
    )
    .await?;
    db.migrate()
        .await
        .context("cannot apply database migrations")?;
    Ok(db)
}

pub async fn build_state(settings: Settings, db: Db) -> anyhow::Result<AppState> {
    let (mailer, from) = Mailer::from_settings(&settings.mail)?;
    AppState::new(db, settings, mailer, from)
}

/// A running server: its address (tests bind port 0) and the task serving it.
pub struct Running {
    pub addr: std::net::SocketAddr,
    pub handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds the listener and serves in a background task. Refuses a server others can reach that
/// would sign links with the built-in secret (see `Settings::check_secret`).
pub async fn spawn(state: AppState, listen: &str) -> anyhow::Result<Running> {
    state.settings.check_secret(listen)?;
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    spawn_on(listener, state)
}

/// Serves on an already bound listener (tests bind first to know the port for emailed links).
pub fn spawn_on(listener: TcpListener, state: AppState) -> anyhow::Result<Running> {
    let addr = listener.local_addr()?;
    let router = http::router(state);
    let handle = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    });
    Ok(Running { addr, handle })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
