//! Writing a tenant's reference rows one by one: the tenant, its staff, catalogue,
//! organisations, resellers, reseller users and product aliases.

use super::network::TenantPlan;
use crate::db::demo::{self as store, DemoProduct, DemoReseller, DemoUser};
use crate::db::Tx;
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
    let tenant = store::insert_tenant(tx, spec.slug, spec.name, spec.period_text, created_at)
        .await
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
        let product = DemoProduct {
            sku: &p.spec.sku,
            name: &p.spec.name,
            category: p.spec.category,
            brand: p.spec.brand,
            ean: &p.spec.ean,
            list_price_cents: p.spec.list_price_cents,
            active,
        };
        products.push(store::insert_product(tx, tenant, &product, created_at).await?);
    }
    let mut resellers = Vec::new();
    let mut reseller_users = Vec::new();
    for r in &plan.resellers {
        let joined = created_at + (r.joined - (today - Duration::days(730))).num_days() * 86400;
        let shared = if r.is_demo { *demo_organisation } else { None };
        let organisation = match shared {
            Some((id, _)) => id,
            None => store::insert_organisation(tx, &r.name, joined).await?,
        };
        let reseller = DemoReseller {
            organisation_id: organisation,
            code: &r.code,
            name: &r.name,
            reseller_type: r.reseller_type,
            brand_organisation: r.brand_organisation,
            country: r.city.country,
            region: r.city.region,
            city: r.city.name,
            postal_code: &r.postal_code,
            latitude: r.latitude,
            longitude: r.longitude,
            potential: r.potential,
            status: r.status,
            manager_id: staff[r.manager],
            contact_email: &r.contact_email,
            created_at: joined,
        };
        let id = store::insert_reseller(tx, tenant, &reseller)
            .await
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
        store::insert_alias(
            tx,
            tenant,
            reseller_id,
            code,
            products[*product],
            created_at,
        )
        .await?;
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
    let user = DemoUser {
        email,
        name,
        role,
        tenant_id: tenant,
        organisation_id: organisation,
        password_hash,
        created_at,
    };
    store::insert_user(tx, &user)
        .await
        .with_context(|| format!("creating user {email}"))
}
