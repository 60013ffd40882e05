//! A reseller's record: `/network/{code}` for the manufacturer, `/profile` for the reseller
//! itself (read-only: the manufacturer owns these attributes).

use chrono::{NaiveDate, NaiveDateTime};
use maud::{html, Markup};

use crate::components::{
    button_link, data_table, definition_card, empty_state, or_dash, page_header, recency_badge,
    reseller_status_badge, user_status_badge, ButtonKind, Column,
};
use crate::i18n::{date, datetime, decimal, t, Lang};
use crate::layout::{Chrome, Page};
use crate::vocab::{BrandOrganisation, Potential, Recency, ResellerStatus, ResellerType};

/// Everything the manufacturer records about a reseller.
#[derive(Debug, Clone)]
pub struct ResellerAttributes {
    pub code: String,
    pub name: String,
    pub reseller_type: ResellerType,
    pub organisation: BrandOrganisation,
    pub country: String,
    pub region: String,
    pub city: String,
    pub postal_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub potential: Option<Potential>,
    pub status: ResellerStatus,
    /// The channel manager's name.
    pub manager: Option<String>,
    pub contact_email: Option<String>,
    pub last_declaration: Option<NaiveDate>,
    pub recency: Recency,
}

/// A user belonging to a reseller organisation.
#[derive(Debug, Clone)]
pub struct OrgUser {
    pub email: String,
    pub status: crate::vocab::UserStatus,
    /// Already in the tenant's time zone.
    pub last_login: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct ResellerDetailView {
    pub reseller: ResellerAttributes,
    pub users: Vec<OrgUser>,
    /// Shows the "Edit" button.
    pub can_edit: bool,
}

#[derive(Debug, Clone)]
pub struct ProfileView {
    pub reseller: ResellerAttributes,
    pub users: Vec<OrgUser>,
}

fn attributes(lang: Lang, r: &ResellerAttributes) -> Markup {
    let coordinates = match (r.latitude, r.longitude) {
        (Some(lat), Some(lon)) => Some(format!(
            "{}, {}",
            decimal(lat, 5, lang),
            decimal(lon, 5, lang)
        )),
        _ => None,
    };
    html! {
        div .cards {
            (definition_card(t(lang, "reseller.identity"), vec![
                (t(lang, "field.code"), html! { code { (r.code) } }),
                (t(lang, "field.name"), html! { (r.name) }),
                (t(lang, "field.reseller_type"), html! { (r.reseller_type.label(lang)) }),
                (t(lang, "field.organisation"), html! { (r.organisation.label(lang)) }),
                (t(lang, "field.potential"), or_dash(r.potential.map(|p| p.label(lang)))),
                (t(lang, "field.status"), reseller_status_badge(lang, r.status)),
            ]))
            (definition_card(t(lang, "reseller.location"), vec![
                (t(lang, "field.postal_code"), or_dash(Some(&r.postal_code))),
                (t(lang, "field.city"), or_dash(Some(&r.city))),
                (t(lang, "field.region"), or_dash(Some(&r.region))),
                (t(lang, "field.country"), or_dash(Some(&r.country))),
                (t(lang, "reseller.coordinates"), or_dash(coordinates.as_deref())),
            ]))
            (definition_card(t(lang, "reseller.relationship"), vec![
                (t(lang, "field.manager"), or_dash(r.manager.as_deref())),
                (t(lang, "field.contact_email"), match &r.contact_email {
                    Some(email) => html! { a href=(format!("mailto:{email}")) { (email) } },
                    None => or_dash(None),
                }),
                (t(lang, "field.last_declaration"), html! {
                    span .stack {
                        (or_dash(r.last_declaration.map(|d| date(d, lang)).as_deref()))
                        (recency_badge(lang, r.recency))
                    }
                }),
            ]))
        }
    }
}

fn users_section(lang: Lang, users: &[OrgUser]) -> Markup {
    let columns = [
        Column::new(t(lang, "field.email")),
        Column::new(t(lang, "field.status")),
        Column::new(t(lang, "field.last_login")),
    ];
    let rows = users
        .iter()
        .map(|u| {
            vec![
                html! { (u.email) },
                user_status_badge(lang, u.status),
                or_dash(u.last_login.map(|d| datetime(d, lang)).as_deref()),
            ]
        })
        .collect();
    html! {
        section .section {
            h2 { (t(lang, "reseller.users")) }
            @if users.is_empty() {
                (empty_state(t(lang, "reseller.no_users"), t(lang, "reseller.no_users_text"), None))
            } @else {
                (data_table(None, &columns, rows))
            }
        }
    }
}

/// `GET /network/{code}`. `sections` is appended after the attributes and users: later pages
/// (declarations, points, challenges) add their own blocks there.
pub fn reseller_detail(chrome: &Chrome, view: &ResellerDetailView, sections: Markup) -> Markup {
    let lang = chrome.lang;
    let r = &view.reseller;
    let actions = html! {
        a .btn .btn-ghost href="/network" { "← " (t(lang, "nav.network")) }
        @if view.can_edit {
            (button_link(&format!("/network/{}/declare", r.code), t(lang, "declform.for_reseller"), ButtonKind::Secondary))
            (button_link(&format!("/network/{}/edit", r.code), t(lang, "action.edit"), ButtonKind::Primary))
        }
    };
    let content = html! {
        (page_header(&r.name, actions))
        (attributes(lang, r))
        (users_section(lang, &view.users))
        (sections)
    };
    Page::new(chrome, r.name.clone()).body(content).render()
}

/// `GET /profile`: the reseller's own record as the manufacturer keeps it.
pub fn reseller_profile(chrome: &Chrome, view: &ProfileView) -> Markup {
    let lang = chrome.lang;
    let content = html! {
        (page_header(t(lang, "profile.title"), html! {}))
        p .lead { (t(lang, "profile.intro")) }
        (attributes(lang, &view.reseller))
        (users_section(lang, &view.users))
    };
    Page::new(chrome, t(lang, "profile.title"))
        .body(content)
        .render()
}
