//! Account life cycle: adding users (with a password or an emailed invitation), password resets
//! by single-use expiring links, and setting a password from such a link.

use crate::auth;
use crate::db::{self, audit, tenants::Tenant};
use crate::domain::network::Role;
use crate::http::AppState;
use crate::mail::Outgoing;
use relais_templates::i18n::Lang;

pub struct AddedUser {
    pub user_id: i64,
    /// Present when the user was invited (no password given).
    pub invitation_link: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error("invalid email address")]
    InvalidEmail,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Other(e.into())
    }
}

pub fn valid_email(email: &str) -> bool {
    let e = email.trim();
    e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
}

/// Creates a user in `tenant`; staff get `tenant_id`, reseller users their `organisation_id`.
/// Without a password an invitation link is created, emailed and returned.
pub async fn add_user(
    state: &AppState,
    tenant: &Tenant,
    email: &str,
    role: Role,
    organisation_id: Option<i64>,
    password: Option<String>,
    acting_user: Option<i64>,
) -> Result<AddedUser, AccountError> {
    let email = email.trim().to_lowercase();
    if !valid_email(&email) {
        return Err(AccountError::InvalidEmail);
    }
    if db::users::by_email(&state.db, &email).await?.is_some() {
        return Err(AccountError::EmailTaken);
    }
    let hash = match password {
        Some(p) => Some(auth::hash_password(p).await?),
        None => None,
    };
    let invited = hash.is_none();
    let mut tx = state.db.begin().await?;
    let user_id = db::users::create(
        &mut tx,
        db::users::NewUser {
            email: &email,
            name: "",
            role: role.as_str(),
            tenant_id: role.is_staff().then_some(tenant.id),
            organisation_id: if role.is_staff() {
                None
            } else {
                organisation_id
            },
            password_hash: hash,
        },
    )
    .await
    .map_err(|e| {
        if db::is_unique_violation(&e) {
            AccountError::EmailTaken
        } else {
            e.into()
        }
    })?;
    let link = if invited {
        let token = auth::random_token();
        let expires = db::now() + state.settings.security.invite_hours * 3600;
        db::users::create_link_token(
            &mut tx,
            user_id,
            "invite",
            &auth::token_hash(&token),
            expires,
        )
        .await?;
        Some(state.public_url(&format!("/invite/{token}")))
    } else {
        None
    };
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(tenant.id),
            user_id: acting_user,
            action: if invited {
                "user.invite"
            } else {
                "user.create"
            },
            entity: "user",
            entity_id: user_id.to_string(),
            detail: serde_json::json!({ "email": email, "role": role.as_str() }),
        },
    )
    .await?;
    tx.commit().await?;
    if let Some(link) = &link {
        let lang = Lang::parse(&tenant.locale).unwrap_or(Lang::Fr);
        let inviter_email = match acting_user {
            Some(id) => db::users::by_id(&state.db, id).await?.map(|u| u.email),
            None => None,
        };
        let view = relais_templates::emails::InvitationEmail {
            tenant_name: tenant.name.clone(),
            inviter_email,
            role: crate::http::views::role(role),
            link: link.clone(),
            expires_hours: u32::try_from(state.settings.security.invite_hours).unwrap_or(72),
        };
        let email_msg = relais_templates::emails::invitation(lang, &view);
        send(state, &email, email_msg).await?;
    }
    Ok(AddedUser {
        user_id,
        invitation_link: link,
    })
}

/// Emails a reset link when the account exists; says nothing either way (no account probing).
pub async fn request_password_reset(
    state: &AppState,
    email: &str,
    lang: Lang,
) -> anyhow::Result<()> {
    let Some(user) = db::users::by_email(&state.db, email).await? else {
        return Ok(());
    };
    if user.disabled {
        return Ok(());
    }
    let token = auth::random_token();
    let expires = db::now() + state.settings.security.reset_hours * 3600;
    let mut tx = state.db.begin().await?;
    db::users::create_link_token(
        &mut tx,
        user.id,
        "reset",
        &auth::token_hash(&token),
        expires,
    )
    .await?;
    tx.commit().await?;
    let lang = user.locale.as_deref().and_then(Lang::parse).unwrap_or(lang);
    let tenant_name = match user.tenant_id {
        Some(id) => db::tenants::by_id(&state.db, id)
            .await?
            .map(|t| t.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let view = relais_templates::emails::PasswordResetEmail {
        tenant_name,
        link: state.public_url(&format!("/reset/{token}")),
        expires_hours: u32::try_from(state.settings.security.reset_hours).unwrap_or(2),
    };
    send(
        state,
        &user.email,
        relais_templates::emails::password_reset(lang, &view),
    )
    .await
}

/// Sets a password from an invitation or reset link. The link is consumed in the same
/// transaction, so it works exactly once; every other session of the user ends.
pub async fn set_password_from_link(
    state: &AppState,
    kind: &str,
    token: &str,
    password: String,
) -> anyhow::Result<Option<i64>> {
    let hash = auth::hash_password(password).await?;
    let mut tx = state.db.begin().await?;
    let Some(user_id) =
        db::users::consume_link_token(&mut tx, kind, &auth::token_hash(token)).await?
    else {
        return Ok(None);
    };
    db::users::set_password(&mut tx, user_id, &hash).await?;
    db::users::delete_sessions_of(&mut tx, user_id).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: None,
            user_id: Some(user_id),
            action: if kind == "invite" {
                "user.accept_invitation"
            } else {
                "user.reset_password"
            },
            entity: "user",
            entity_id: user_id.to_string(),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(user_id))
}

async fn send(
    state: &AppState,
    to: &str,
    email: relais_templates::emails::Email,
) -> anyhow::Result<()> {
    let msg = Outgoing {
        to: to.to_string(),
        subject: email.subject,
        text: email.text,
        html: email.html.into_string(),
        headers: vec![],
    };
    state.mailer.send(&state.mail_from, &msg).await
}
