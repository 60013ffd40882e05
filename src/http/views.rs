//! Conversions from stored rows to the view structs of `relais-templates`.

use crate::db::network::Reseller;
use crate::db::users::User;
use relais_templates::pages::{OrgUser, ResellerAttributes, ResellerRow};
use relais_templates::vocab;

pub fn reseller_type(s: &str) -> vocab::ResellerType {
    vocab::ResellerType::parse(s).unwrap_or(vocab::ResellerType::Reseller)
}

pub fn brand_organisation(s: &str) -> vocab::BrandOrganisation {
    if s == "mono" {
        vocab::BrandOrganisation::MonoBrand
    } else {
        vocab::BrandOrganisation::MultiBrand
    }
}

pub fn potential(s: &str) -> Option<vocab::Potential> {
    vocab::Potential::parse(&s.to_lowercase())
}

pub fn reseller_status(s: &str) -> vocab::ResellerStatus {
    vocab::ResellerStatus::parse(s).unwrap_or(vocab::ResellerStatus::Active)
}

pub fn recency(r: &Reseller, today: chrono::NaiveDate) -> vocab::Recency {
    use crate::analytics::compute::recency::{classify, Recency as R};
    use crate::domain::network::ResellerStatus;
    let status = ResellerStatus::parse(&r.status).unwrap_or(ResellerStatus::Active);
    match classify(status, r.last_sale, today) {
        R::Active => vocab::Recency::Active,
        R::FollowUp => vocab::Recency::FollowUp,
        R::Lapsed => vocab::Recency::Lapsed,
        R::NeverDeclared => vocab::Recency::NeverDeclared,
        R::Prospect => vocab::Recency::Prospect,
    }
}

pub fn reseller_row(r: &Reseller, today: chrono::NaiveDate) -> ResellerRow {
    ResellerRow {
        code: r.code.clone(),
        name: r.name.clone(),
        reseller_type: reseller_type(&r.reseller_type),
        organisation: brand_organisation(&r.brand_organisation),
        city: r.city.clone(),
        region: r.region.clone(),
        potential: potential(&r.potential),
        status: reseller_status(&r.status),
        manager: r.manager_email.clone(),
        last_declaration: r.last_sale,
        recency: recency(r, today),
    }
}

pub fn reseller_attributes(r: &Reseller, today: chrono::NaiveDate) -> ResellerAttributes {
    ResellerAttributes {
        code: r.code.clone(),
        name: r.name.clone(),
        reseller_type: reseller_type(&r.reseller_type),
        organisation: brand_organisation(&r.brand_organisation),
        country: r.country.clone(),
        region: r.region.clone(),
        city: r.city.clone(),
        postal_code: r.postal_code.clone(),
        latitude: r.latitude,
        longitude: r.longitude,
        potential: potential(&r.potential),
        status: reseller_status(&r.status),
        manager: r.manager_email.clone(),
        contact_email: Some(r.contact_email.clone()).filter(|e| !e.is_empty()),
        last_declaration: r.last_sale,
        recency: recency(r, today),
    }
}

pub fn org_user(u: &User, tz: &str) -> OrgUser {
    let status = if u.disabled {
        vocab::UserStatus::Disabled
    } else if u.password_hash.is_none() {
        vocab::UserStatus::Invited
    } else {
        vocab::UserStatus::Active
    };
    OrgUser {
        email: u.email.clone(),
        status,
        last_login: u.last_login_at.and_then(|t| local_time(t, tz)),
    }
}

/// A unix timestamp in the tenant's time zone.
pub fn local_time(ts: i64, tz: &str) -> Option<chrono::NaiveDateTime> {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Europe::Paris);
    chrono::DateTime::from_timestamp(ts, 0).map(|d| d.with_timezone(&tz).naive_local())
}

/// Today in the tenant's time zone.
pub fn today(tz: &str) -> chrono::NaiveDate {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Europe::Paris);
    chrono::Utc::now().with_timezone(&tz).date_naive()
}

pub fn role(r: crate::domain::network::Role) -> vocab::Role {
    use crate::domain::network::Role;
    match r {
        Role::Admin => vocab::Role::Admin,
        Role::Manager => vocab::Role::Manager,
        Role::Reseller => vocab::Role::Reseller,
    }
}
