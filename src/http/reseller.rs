//! The reseller's own pages: home (`/`) and profile (`/profile`). Staff reaching `/` are sent to
//! their network.

use super::ctx::{LoggedIn, ResellerUser};
use super::error::AppResult;
use super::views::{self, today};
use super::{chrome_for, AppState};
use crate::db;
use crate::domain::period::{Period, PeriodKind};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use maud::Markup;
use relais_templates::pages::{self, NextDeclaration, ResellerHomeView};

/// Days after a period's end by which it should be declared.
pub const DECLARATION_GRACE_DAYS: i64 = 7;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/profile", get(profile))
}

async fn home(state: State<AppState>, user: LoggedIn) -> AppResult<Response> {
    if user.session.role.is_staff() {
        return Ok(Redirect::to("/network").into_response());
    }
    let reseller = ResellerUser::try_from(user)?;
    Ok(reseller_home(state, reseller).await?.into_response())
}

/// The last completed period, which is the one a reseller should declare now.
pub fn period_to_declare(kind: PeriodKind, day: chrono::NaiveDate) -> Period {
    Period::containing(kind, day).previous(kind)
}

async fn reseller_home(State(state): State<AppState>, r: ResellerUser) -> AppResult<Markup> {
    let kind = PeriodKind::parse(&r.tenant.declaration_period).unwrap_or(PeriodKind::Month);
    let period = period_to_declare(kind, today(&r.tenant.time_zone));
    let declared = db::declarations::has_lines_in(
        &state.db,
        r.tenant.id,
        r.reseller.id,
        period.start,
        period.end,
    )
    .await?;
    let lang = r.ctx.lang;
    let label = match kind {
        PeriodKind::Month => relais_templates::i18n::month(period.start, lang),
        PeriodKind::Week => relais_templates::i18n::iso_week(period.start, lang),
    };
    let view = ResellerHomeView {
        user_name: if r.user.name.is_empty() {
            r.user.email.clone()
        } else {
            r.user.name.clone()
        },
        organisation_name: r.reseller.name.clone(),
        next_declaration: Some(NextDeclaration {
            period_label: label,
            due: period.end + chrono::Duration::days(DECLARATION_GRACE_DAYS),
            declared,
        }),
        recent: vec![],
    };
    let points = super::points::card(&state, &r).await?;
    Ok(pages::reseller_home(&chrome_for(&r.ctx), &view, points))
}

async fn profile(State(state): State<AppState>, r: ResellerUser) -> AppResult<Markup> {
    let users = db::users::list_for_reseller(&state.db, r.tenant.id, r.reseller.id).await?;
    let view = pages::ProfileView {
        reseller: views::reseller_attributes(&r.reseller, today(&r.tenant.time_zone)),
        users: users
            .iter()
            .map(|u| views::org_user(u, &r.tenant.time_zone))
            .collect(),
    };
    Ok(pages::reseller_profile(&chrome_for(&r.ctx), &view))
}
