//! Writing a tenant's reference rows one by one: the tenant, its staff, catalogue,
//! organisations, resellers, reseller users and product aliases.

use super::network::TenantPlan;
use crate::db::Tx;
use crate::with_tx;
use anyhow::Context;
use chrono::{Duration, NaiveDate};

/// The database ids of a written tenant plan, by index into the plan's vectors.
pub struct Ids {
    pub tenant: i64,
    pub staff: Vec<i64>,
    pub resellers: Vec<i64>,
    pub reseller_users: Vec<Option<i64>>,
    pub products: Vec<i64>,
    /// "YYYY-MM-DD" for every day from `first_day`, so that bound dates are borrowed.
    pub(super) dates: Vec<String>,
    pub(super) first_day: NaiveDate,
}

impl Ids {
    pub(super) fn date(&self, d: NaiveDate) -> &str {
        &self.dates[(d - self.first_day).num_days() as usize]
    }
}

/// Writes the tenant, its staff, catalogue, organisations, resellers and their users.
/// `demo_organisation` carries the multi-brand demo organisation (and its user) from one tenant
/// to the next.
pub async fn setup(
    tx: &mut Tx,
    plan: &TenantPlan,
    password_hash: &str,
    today: NaiveDate,
    created_at: i64,
    demo_organisation: &mut Option<(i64, i64)>,
) -> anyhow::Result<Ids> {
    let spec = plan.spec;
    let tenant: i64 = with_tx!(tx, c => sqlx::query_scalar(
        "insert into tenants (slug, name, currency, time_zone, locale, declaration_period, created_at) \
         values ($1, $2, 'EUR', 'Europe/Paris', 'fr', $3, $4) returning id")
        .bind(spec.slug).bind(spec.name).bind(spec.period_text).bind(created_at)
        .fetch_one(c).await)
    .with_context(|| format!("creating tenant {}", spec.slug))?;
    let mut staff = Vec::new();
    for s in &plan.staff {
        staff.push(
            insert_user(
                tx,
                &s.email,
                &s.name,
                s.role,
                Some(tenant),
                None,
                password_hash,
                created_at,
            )
            .await?,
        );
    }
    let mut products = Vec::new();
    for p in &plan.products {
        let active = p.life != super::network::Life::Discontinued;
        let id: i64 = with_tx!(tx, c => sqlx::query_scalar(
            "insert into products (tenant_id, sku, name, category, brand, ean, list_price_cents, active, \
             created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning id")
            .bind(tenant).bind(&p.spec.sku).bind(&p.spec.name).bind(p.spec.category).bind(p.spec.brand)
            .bind(&p.spec.ean).bind(p.spec.list_price_cents).bind(active).bind(created_at)
            .fetch_one(c).await)?;
        products.push(id);
    }
    let mut resellers = Vec::new();
    let mut reseller_users = Vec::new();
    for r in &plan.resellers {
        let joined = created_at + (r.joined - (today - Duration::days(730))).num_days() * 86400;
        let shared = if r.is_demo { *demo_organisation } else { None };
        let organisation = match shared {
            Some((id, _)) => id,
            None => with_tx!(tx, c => sqlx::query_scalar::<_, i64>(
                "insert into organisations (name, created_at) values ($1, $2) returning id")
                .bind(&r.name).bind(joined).fetch_one(c).await)?,
        };
        let id: i64 = with_tx!(tx, c => sqlx::query_scalar(
            "insert into resellers (tenant_id, organisation_id, code, name, reseller_type, brand_organisation, \
             country, region, city, postal_code, latitude, longitude, potential, status, manager_id, \
             contact_email, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) returning id")
            .bind(tenant).bind(organisation).bind(&r.code).bind(&r.name).bind(r.reseller_type)
            .bind(r.brand_organisation).bind(r.city.country).bind(r.city.region).bind(r.city.name)
            .bind(&r.postal_code).bind(r.latitude).bind(r.longitude).bind(r.potential).bind(r.status)
            .bind(staff[r.manager]).bind(&r.contact_email).bind(joined)
            .fetch_one(c).await)
        .with_context(|| format!("creating reseller {}", r.code))?;
        resellers.push(id);
        let user = match (&r.user, shared) {
            (_, Some((_, user))) => Some(user),
            (Some((email, name)), None) => Some(
                insert_user(
                    tx,
                    email,
                    name,
                    "reseller",
                    None,
                    Some(organisation),
                    password_hash,
                    joined,
                )
                .await?,
            ),
            (None, None) => None,
        };
        if let Some(user) = user {
            // Each manufacturer grants access to its own reseller record: the multi-brand demo
            // user works in both networks because both grant it, not because it shares an
            // organisation.
            let granted = crate::db::access::grant(tx, tenant, id, user, None).await?;
            anyhow::ensure!(granted, "granting {} access to {}", user, r.code);
        }
        if r.is_demo && shared.is_none() {
            *demo_organisation = user.map(|u| (organisation, u));
        }
        reseller_users.push(user);
    }
    for (reseller, code, product) in &plan.aliases {
        let reseller_id = reseller.map(|r| resellers[r]);
        with_tx!(tx, c => sqlx::query(
            "insert into product_aliases (tenant_id, reseller_id, code, product_id, created_at) values ($1, $2, $3, $4, $5)")
            .bind(tenant).bind(reseller_id).bind(code).bind(products[*product]).bind(created_at)
            .execute(c).await.map(|_| ()))?;
    }
    let first_day = today - Duration::days(800);
    let dates = (0..820)
        .map(|d| {
            (first_day + Duration::days(d))
                .format("%Y-%m-%d")
                .to_string()
        })
        .collect();
    Ok(Ids {
        tenant,
        staff,
        resellers,
        reseller_users,
        products,
        dates,
        first_day,
    })
}

#[allow(clippy::too_many_arguments)]
async fn insert_user(
    tx: &mut Tx,
    email: &str,
    name: &str,
    role: &str,
    tenant: Option<i64>,
    organisation: Option<i64>,
    password_hash: &str,
    created_at: i64,
) -> anyhow::Result<i64> {
    let id = with_tx!(tx, c => sqlx::query_scalar::<_, i64>(
        "insert into users (email, name, password_hash, role, tenant_id, organisation_id, locale, created_at) \
         values ($1, $2, $3, $4, $5, $6, 'fr', $7) returning id")
        .bind(email).bind(name).bind(password_hash).bind(role).bind(tenant).bind(organisation).bind(created_at)
        .fetch_one(c).await)
    .with_context(|| format!("creating user {email}"))?;
    Ok(id)
}
