//! Account life cycle: adding users (with a password or an emailed invitation), granting and
//! removing a tenant's access, password resets by single-use expiring links (one valid at a
//! time), and setting a password from such a link.

use crate::auth;
use crate::db::{self, audit, network::Reseller, tenants::Tenant, users::User, Db};
use crate::domain::network::Role;
use crate::http::AppState;
use crate::mail::Outgoing;
use relais_templates::i18n::Lang;

pub struct AddedUser {
    pub user_id: i64,
    /// Present when the user was invited (no password given).
    pub invitation_link: Option<String>,
    /// True when the person already had an account (a reseller user of the same organisation,
    /// working with another manufacturer) and was given access to this tenant's reseller.
    pub existing: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error("this person belongs to another organisation")]
    OtherOrganisation,
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

/// Creates a user in `tenant`: staff get `tenant_id`; reseller users the organisation of
/// `reseller` (one of the tenant's) and access to that reseller only. Without a password an
/// invitation link is created, emailed and returned. A reseller user who already exists in the
/// same organisation is given access to `reseller` instead (see [`AddedUser::existing`]).
pub async fn add_user(
    state: &AppState,
    tenant: &Tenant,
    email: &str,
    role: Role,
    reseller: Option<&Reseller>,
    password: Option<String>,
    acting_user: Option<i64>,
) -> Result<AddedUser, AccountError> {
    let email = email.trim().to_lowercase();
    if !valid_email(&email) {
        return Err(AccountError::InvalidEmail);
    }
    let reseller = match (role, reseller) {
        (Role::Reseller, Some(r)) if r.tenant_id == tenant.id => Some(r),
        (Role::Reseller, _) => {
            return Err(
                anyhow::anyhow!("a reseller user needs a reseller of {}", tenant.slug).into(),
            )
        }
        _ => None,
    };
    if let Some(existing) = db::users::by_email(&state.db, &email).await? {
        return match reseller {
            Some(r) => grant_existing(&state.db, tenant, r, &existing, acting_user).await,
            None => Err(AccountError::EmailTaken),
        };
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
            organisation_id: reseller.map(|r| r.organisation_id),
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
    if let Some(r) = reseller {
        if !db::access::grant(&mut tx, tenant.id, r.id, user_id, acting_user).await? {
            return Err(anyhow::anyhow!("cannot grant {email} access to {}", r.code).into());
        }
    }
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
            detail: serde_json::json!({
                "email": email, "role": role.as_str(), "reseller": reseller.map(|r| &r.code),
            }),
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
        existing: false,
    })
}

/// Gives an existing reseller user of the reseller's organisation access to it: the tenant's
/// own decision, recorded in its audit log. Anyone else keeps the "email taken" answer.
async fn grant_existing(
    db: &Db,
    tenant: &Tenant,
    reseller: &Reseller,
    user: &User,
    acting_user: Option<i64>,
) -> Result<AddedUser, AccountError> {
    if user.role != Role::Reseller.as_str() {
        return Err(AccountError::EmailTaken);
    }
    if user.organisation_id != Some(reseller.organisation_id) {
        return Err(AccountError::OtherOrganisation);
    }
    let mut tx = db.begin().await?;
    if !db::access::grant(&mut tx, tenant.id, reseller.id, user.id, acting_user).await? {
        return Err(AccountError::EmailTaken);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(tenant.id),
            user_id: acting_user,
            action: "user.grant",
            entity: "user",
            entity_id: user.id.to_string(),
            detail: serde_json::json!({ "email": user.email, "reseller": reseller.code }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(AddedUser {
        user_id: user.id,
        invitation_link: None,
        existing: true,
    })
}

/// Removes a user's access to the tenant: a reseller user loses its grant (its other
/// manufacturers keep theirs), a staff user is disabled and signed out. Their sessions and API
/// tokens stop working at the next request, which re-checks access. False when the user had
/// no access to remove.
pub async fn remove_access(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    acting_user: i64,
) -> anyhow::Result<bool> {
    let Some(user) = db::users::by_id(db, user_id).await? else {
        return Ok(false);
    };
    let mut tx = db.begin().await?;
    let removed = if user.role == Role::Reseller.as_str() {
        db::access::revoke_in_tenant(&mut tx, tenant_id, user.id).await? > 0
    } else if db::users::disable_staff(&mut tx, tenant_id, user.id).await? {
        db::users::delete_sessions_of(&mut tx, user.id).await?;
        true
    } else {
        false
    };
    if !removed {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(tenant_id),
            user_id: Some(acting_user),
            action: "user.remove_access",
            entity: "user",
            entity_id: user.id.to_string(),
            detail: serde_json::json!({ "email": user.email }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Emails a reset link when the account exists and is enabled; does nothing otherwise. The
/// caller answers the same way whatever happens here (no account probing), and runs this apart
/// from the request so that the answer takes as long either way. A new link spends the older
/// ones.
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

/// Sets a password from an invitation or reset link. The link is consumed by a conditional
/// update in the same transaction that sets the password, so of concurrent uses exactly one
/// succeeds; every other link of the user is spent and every session of the user ends.
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
    if !db::users::set_password(&mut tx, user_id, &hash).await? {
        return Ok(None);
    }
    db::users::spend_links_of(&mut tx, user_id).await?;
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

/// Replaces a logged-in user's password (the caller checked the current one): every link of
/// the user is spent and every session ends, in one transaction.
pub async fn change_password(db: &Db, user_id: i64, hash: &str) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    if !db::users::set_password(&mut tx, user_id, hash).await? {
        return Ok(false);
    }
    db::users::spend_links_of(&mut tx, user_id).await?;
    db::users::delete_sessions_of(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(true)
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
