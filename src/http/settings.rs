//! `/settings/users`: the users of the tenant (staff and the reseller users it gave access),
//! invitations, and removing a user's access to the tenant.

use super::ctx::Admin;
use super::error::{AppError, AppResult};
use super::views::{local_time, role};
use super::{chrome_for, flash_redirect, AppState};
use crate::accounts::{self, AccountError};
use crate::db;
use crate::domain::network::Role;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::Markup;
use relais_templates::components::{FieldError, FieldErrors};
use relais_templates::pages::{self, InviteFormValues, UserRow, UsersView};
use relais_templates::vocab::UserStatus;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/users", get(users))
        .route("/settings/users/invite", post(invite))
        .route("/settings/users/{id}/remove", post(remove))
}

async fn users_view(
    state: &AppState,
    admin: &Admin,
    invite: InviteFormValues,
    errors: FieldErrors,
) -> AppResult<Markup> {
    let t = &admin.0.tenant;
    let rows = db::users::list_for_tenant(&state.db, t.id).await?;
    let view = UsersView {
        users: rows
            .iter()
            .map(|u| UserRow {
                id: u.id,
                email: u.email.clone(),
                role: role(Role::parse(&u.role).unwrap_or(Role::Reseller)),
                reseller: u.reseller_code.clone().map(|c| match &u.reseller_name {
                    Some(n) => format!("{c} — {n}"),
                    None => c,
                }),
                last_login: u.last_login_at.and_then(|ts| local_time(ts, &t.time_zone)),
                status: if u.disabled {
                    UserStatus::Disabled
                } else if u.has_password {
                    UserStatus::Active
                } else {
                    UserStatus::Invited
                },
                removable: u.id != admin.0.user.id && !u.disabled,
            })
            .collect(),
        invite,
        errors,
    };
    Ok(pages::users_list(&chrome_for(&admin.0.ctx), &view))
}

async fn users(State(state): State<AppState>, admin: Admin) -> AppResult<Markup> {
    users_view(
        &state,
        &admin,
        InviteFormValues::default(),
        FieldErrors::new(),
    )
    .await
}

async fn invite(
    State(state): State<AppState>,
    admin: Admin,
    Form(form): Form<InviteFormValues>,
) -> AppResult<Response> {
    let staff = &admin.0;
    let mut errors = FieldErrors::new();
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", FieldError::InvalidChoice);
    }
    if !accounts::valid_email(&form.email) {
        errors.add("email", FieldError::InvalidEmail);
    }
    let reseller = match role {
        Some(Role::Reseller) if form.reseller_code.trim().is_empty() => {
            errors.add("reseller_code", FieldError::Required);
            None
        }
        Some(Role::Reseller) => {
            match db::network::by_code(&state.db, staff.tenant.id, form.reseller_code.trim())
                .await?
            {
                Some(r) => Some(r),
                None => {
                    errors.add("reseller_code", FieldError::InvalidChoice);
                    None
                }
            }
        }
        _ => None,
    };
    if let (true, Some(role)) = (errors.is_empty(), role) {
        match accounts::add_user(
            &state,
            &staff.tenant,
            &form.email,
            role,
            reseller.as_ref(),
            None,
            Some(staff.user.id),
        )
        .await
        {
            Ok(added) => {
                let said = if added.existing {
                    "users.access_granted"
                } else {
                    "users.invited"
                };
                let message = format!("{} {}", staff.ctx.t(said), form.email.trim());
                return Ok(flash_redirect(
                    &state,
                    "/settings/users",
                    "success",
                    &message,
                ));
            }
            Err(AccountError::EmailTaken) => errors.add("email", FieldError::AlreadyTaken),
            Err(AccountError::InvalidEmail) => errors.add("email", FieldError::InvalidEmail),
            Err(AccountError::OtherOrganisation) => errors.add(
                "email",
                FieldError::Message(staff.ctx.t("users.other_organisation").to_string()),
            ),
            Err(AccountError::Other(e)) => return Err(e.into()),
        }
    }
    let page = users_view(&state, &admin, form, errors).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Removes a user's access to this tenant (see `accounts::remove_access`); an admin cannot
/// remove their own.
async fn remove(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let staff = &admin.0;
    if id == staff.user.id {
        return Err(AppError::Forbidden);
    }
    let user = db::users::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !accounts::remove_access(&state.db, staff.tenant.id, id, staff.user.id).await? {
        return Err(AppError::NotFound);
    }
    let message = format!("{} {}", staff.ctx.t("users.access_removed"), user.email);
    Ok(flash_redirect(
        &state,
        "/settings/users",
        "success",
        &message,
    ))
}
