//! `/rewards` (managers edit the catalogue, resellers redeem), `/redemptions` (manager decisions)
//! and `/payouts/*` (liability and orders as CSV/XLSX, the FEC journal).

use super::ctx::{LoggedIn, ResellerUser, Staff};
use super::error::{AppError, AppResult};
use super::{chrome_for, flash_redirect, AppState};
use crate::challenges::{self, RedeemError};
use crate::db::points::{self as ledger, Exec};
use crate::db::rewards::{self as store, RewardInput};
use crate::export::{payouts, table_to_csv, table_to_xlsx};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use relais_templates::components::{FieldError, FieldErrors};
use relais_templates::pages::challenges::{
    self as pages, RedemptionRow, RewardFormValues, RewardRow, RewardsView,
};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rewards", get(list).post(create))
        .route("/rewards/{id}", post(update))
        .route("/rewards/{id}/redeem", post(redeem))
        .route("/redemptions", get(redemptions))
        .route("/redemptions/{id}/{action}", post(decide))
        .route("/payouts/{file}", get(export))
}

async fn list(State(state): State<AppState>, user: LoggedIn) -> AppResult<Response> {
    if user.session.role.is_staff() {
        let staff = Staff {
            ctx: user.ctx,
            user: user.session.user,
            role: user.session.role,
            tenant: user.session.tenant.ok_or(AppError::Forbidden)?,
        };
        let form = RewardFormValues {
            active: "true".into(),
            ..Default::default()
        };
        return Ok(manager_page(&state, &staff, form, FieldErrors::new())
            .await?
            .into_response());
    }
    let r = ResellerUser::try_from(user)?;
    let available = ledger::totals(Exec::Db(&state.db), r.tenant.id, r.reseller.id)
        .await?
        .available;
    let rows = store::list(&state.db, r.tenant.id, true)
        .await?
        .into_iter()
        .map(|w| RewardRow {
            affordable: w.points_cost <= available,
            order_key: crate::auth::random_token(),
            id: w.id,
            name: w.name,
            description: w.description,
            points_cost: w.points_cost,
            stock: w.stock,
            active: w.active,
        })
        .collect();
    let view = RewardsView {
        manager: false,
        rows,
        available: Some(available),
        form: RewardFormValues::default(),
        errors: FieldErrors::new(),
    };
    Ok(pages::rewards_page(&chrome_for(&r.ctx), &view).into_response())
}

async fn manager_page(
    state: &AppState,
    staff: &Staff,
    form: RewardFormValues,
    errors: FieldErrors,
) -> AppResult<maud::Markup> {
    let rows = store::list(&state.db, staff.tenant.id, false)
        .await?
        .into_iter()
        .map(|w| RewardRow {
            affordable: true,
            order_key: String::new(),
            id: w.id,
            name: w.name,
            description: w.description,
            points_cost: w.points_cost,
            stock: w.stock,
            active: w.active,
        })
        .collect();
    let view = RewardsView {
        manager: true,
        rows,
        available: None,
        form,
        errors,
    };
    Ok(pages::rewards_page(&chrome_for(&staff.ctx), &view))
}

fn validate(v: &RewardFormValues) -> Result<(i64, Option<i64>), FieldErrors> {
    let mut errors = FieldErrors::new();
    if v.name.trim().is_empty() {
        errors.add("name", FieldError::Required);
    } else if v.name.trim().chars().count() > 200 {
        errors.add("name", FieldError::TooLong { max: 200 });
    }
    let cost = match v.points_cost.trim().parse::<i64>() {
        Ok(n) if n > 0 => Some(n),
        Ok(_) => {
            errors.add(
                "points_cost",
                FieldError::OutOfRange {
                    min: 1,
                    max: i64::from(i32::MAX),
                },
            );
            None
        }
        Err(_) => {
            errors.add(
                "points_cost",
                if v.points_cost.trim().is_empty() {
                    FieldError::Required
                } else {
                    FieldError::InvalidNumber
                },
            );
            None
        }
    };
    let stock = match v.stock.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                errors.add("stock", FieldError::InvalidNumber);
                None
            }
        },
    };
    match cost {
        Some(c) if errors.is_empty() => Ok((c, stock)),
        _ => Err(errors),
    }
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(v): Form<RewardFormValues>,
) -> AppResult<Response> {
    let (cost, stock) = match validate(&v) {
        Ok(x) => x,
        Err(errors) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                manager_page(&state, &staff, v, errors).await?,
            )
                .into_response())
        }
    };
    let mut tx = state.db.begin().await?;
    let input = RewardInput {
        name: v.name.trim(),
        description: v.description.trim(),
        points_cost: cost,
        stock,
        active: v.active == "true",
    };
    store::insert(&mut tx, staff.tenant.id, &input).await?;
    tx.commit().await?;
    Ok(flash_redirect(
        &state,
        "/rewards",
        "success",
        staff.ctx.t("reward.saved"),
    ))
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(v): Form<RewardFormValues>,
) -> AppResult<Response> {
    let (cost, stock) = match validate(&v) {
        Ok(x) => x,
        Err(errors) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                manager_page(&state, &staff, v, errors).await?,
            )
                .into_response())
        }
    };
    let mut tx = state.db.begin().await?;
    let input = RewardInput {
        name: v.name.trim(),
        description: v.description.trim(),
        points_cost: cost,
        stock,
        active: v.active == "true",
    };
    let shown = v.stock_shown.trim().parse::<i64>().ok();
    if store::update(&mut tx, staff.tenant.id, id, &input, shown).await? == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(flash_redirect(
        &state,
        "/rewards",
        "success",
        staff.ctx.t("reward.saved"),
    ))
}

/// The order form's one-time key (see `challenges::redeem`).
#[derive(Deserialize)]
struct RedeemForm {
    #[serde(default)]
    order_key: Option<String>,
}

async fn redeem(
    State(state): State<AppState>,
    r: ResellerUser,
    Path(id): Path<i64>,
    Form(form): Form<RedeemForm>,
) -> AppResult<Response> {
    let key = form.order_key.filter(|k| !k.is_empty() && k.len() <= 64);
    let (tenant, reseller, user) = (r.tenant.id, r.reseller.id, Some(r.user.id));
    match challenges::redeem(&state.db, tenant, reseller, user, id, key.as_deref()).await {
        Ok(_) => Ok(flash_redirect(
            &state,
            "/points",
            "success",
            r.ctx.t("reward.redeemed"),
        )),
        Err(RedeemError::AlreadyPlaced(_)) => Ok(flash_redirect(
            &state,
            "/points",
            "info",
            r.ctx.t("reward.already_ordered"),
        )),
        Err(RedeemError::NotFound) => Err(AppError::NotFound),
        Err(RedeemError::OutOfStock) => Ok(flash_redirect(
            &state,
            "/rewards",
            "error",
            r.ctx.t("reward.out_of_stock"),
        )),
        Err(RedeemError::NotEnoughPoints { .. }) => Ok(flash_redirect(
            &state,
            "/rewards",
            "error",
            r.ctx.t("reward.not_enough"),
        )),
        Err(e) => Err(AppError::Internal(e.into())),
    }
}

async fn redemptions(State(state): State<AppState>, staff: Staff) -> AppResult<maud::Markup> {
    let tz: chrono_tz::Tz = staff
        .tenant
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::Europe::Paris);
    let rows: Vec<RedemptionRow> = store::list_redemptions(&state.db, staff.tenant.id, None, 500)
        .await?
        .into_iter()
        .map(|d| RedemptionRow {
            id: d.id,
            reseller: format!("{} — {}", d.reseller_code, d.reseller_name),
            reward: d.reward_name,
            points: d.points,
            status: d.status,
            created: chrono::DateTime::from_timestamp(d.created_at, 0)
                .unwrap_or_default()
                .with_timezone(&tz)
                .naive_local(),
        })
        .collect();
    Ok(pages::redemptions_page(&chrome_for(&staff.ctx), &rows))
}

async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, action)): Path<(i64, String)>,
) -> AppResult<Response> {
    let by = Some(staff.user.id);
    let already = match action.as_str() {
        "approve" => "redemption.already_approved",
        "ship" => "redemption.already_shipped",
        _ => "redemption.already_cancelled",
    };
    let result = match action.as_str() {
        "approve" => {
            challenges::set_redemption_status(&state.db, staff.tenant.id, id, "approved", by).await
        }
        "ship" => {
            challenges::set_redemption_status(&state.db, staff.tenant.id, id, "shipped", by).await
        }
        "cancel" => challenges::cancel_redemption(&state.db, staff.tenant.id, id, by).await,
        _ => return Err(AppError::NotFound),
    };
    match result {
        Ok(()) => Ok(flash_redirect(
            &state,
            "/redemptions",
            "success",
            staff.ctx.t("redemption.updated"),
        )),
        Err(RedeemError::NotFound) => Err(AppError::NotFound),
        Err(RedeemError::AlreadyDone) => Ok(flash_redirect(
            &state,
            "/redemptions",
            "info",
            staff.ctx.t(already),
        )),
        Err(RedeemError::WrongStatus) => Ok(flash_redirect(
            &state,
            "/redemptions",
            "error",
            staff.ctx.t("challenge.wrong_status"),
        )),
        Err(e) => Err(AppError::Internal(e.into())),
    }
}

#[derive(Deserialize, Default)]
struct Period {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn export(
    State(state): State<AppState>,
    staff: Staff,
    Path(file): Path<String>,
    Query(p): Query<Period>,
) -> AppResult<Response> {
    let t = &staff.tenant;
    let today = super::views::today(&t.time_zone);
    let value = state.settings.payouts.point_value_cents;
    let lang = staff.ctx.lang;
    let slug = &t.slug;
    match file.as_str() {
        "liability.csv" | "liability.xlsx" => {
            let rows = payouts::liability_rows(&state.db, t.id, today, value, &t.currency).await?;
            if file.ends_with("csv") {
                Ok(download(
                    table_to_csv(lang, &payouts::LIABILITY_HEADERS, &rows),
                    "text/csv; charset=utf-8",
                    &format!("{slug}-points-liability-{today}.csv"),
                ))
            } else {
                let bytes = table_to_xlsx("liability", &payouts::LIABILITY_HEADERS, &rows)
                    .map_err(|e| AppError::Internal(e.into()))?;
                Ok(download(
                    bytes,
                    XLSX,
                    &format!("{slug}-points-liability-{today}.xlsx"),
                ))
            }
        }
        "redemptions.csv" | "redemptions.xlsx" => {
            let rows = payouts::redemption_rows(&state.db, t.id, &t.time_zone).await?;
            if file.ends_with("csv") {
                Ok(download(
                    table_to_csv(lang, &payouts::REDEMPTION_HEADERS, &rows),
                    "text/csv; charset=utf-8",
                    &format!("{slug}-redemptions-{today}.csv"),
                ))
            } else {
                let bytes = table_to_xlsx("redemptions", &payouts::REDEMPTION_HEADERS, &rows)
                    .map_err(|e| AppError::Internal(e.into()))?;
                Ok(download(
                    bytes,
                    XLSX,
                    &format!("{slug}-redemptions-{today}.xlsx"),
                ))
            }
        }
        "fec" => {
            let (Some(from), Some(to)) = (p.from, p.to) else {
                return Err(AppError::BadRequest(
                    staff.ctx.t("error.bad_request").into(),
                ));
            };
            let text = payouts::fec(
                &state.db,
                t.id,
                &t.time_zone,
                &state.settings.payouts,
                from,
                to,
            )
            .await?;
            let name = format!(
                "{slug}-FEC-{}-{}.txt",
                from.format("%Y%m%d"),
                to.format("%Y%m%d")
            );
            Ok(download(
                text.into_bytes(),
                "text/plain; charset=utf-8",
                &name,
            ))
        }
        _ => Err(AppError::NotFound),
    }
}
