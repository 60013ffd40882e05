//! `/network`: the manufacturer's list of resellers.

use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;

use crate::components::{
    button_link, data_table, empty_state, filter_bar, filter_params, or_dash, page_header,
    pagination, recency_badge, reseller_status_badge, ButtonKind, Column, FilterField, Pager,
};
use crate::i18n::{date, t, Lang};
use crate::layout::{Chrome, Page};
use crate::vocab::{BrandOrganisation, Potential, Recency, ResellerStatus, ResellerType};

/// The network filters as they appear in the query string; an empty value means "all".
/// Deserializable so a handler can take it straight from `Query<NetworkFilters>`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NetworkFilters {
    #[serde(rename = "type")]
    pub reseller_type: String,
    pub organisation: String,
    pub region: String,
    pub potential: String,
    pub status: String,
    /// A manager id from `manager_options`.
    pub manager: String,
    pub q: String,
}

#[derive(Debug, Clone)]
pub struct ResellerRow {
    pub code: String,
    pub name: String,
    pub reseller_type: ResellerType,
    pub organisation: BrandOrganisation,
    pub city: String,
    pub region: String,
    pub potential: Option<Potential>,
    pub status: ResellerStatus,
    pub manager: Option<String>,
    pub last_declaration: Option<NaiveDate>,
    pub recency: Recency,
}

#[derive(Debug, Clone)]
pub struct NetworkListView {
    pub filters: NetworkFilters,
    /// `(value, label)` for the region filter.
    pub region_options: Vec<(String, String)>,
    /// `(manager id, name)` for the manager filter.
    pub manager_options: Vec<(String, String)>,
    pub rows: Vec<ResellerRow>,
    pub pager: Pager,
    /// Shows "Add a reseller" and "Import" (admins and managers who may edit).
    pub can_edit: bool,
}

fn filter_fields(lang: Lang, view: &NetworkListView) -> Vec<FilterField> {
    let f = &view.filters;
    vec![
        FilterField::search("q", t(lang, "filter.search"), &f.q),
        FilterField::select(
            "type",
            t(lang, "field.reseller_type"),
            &f.reseller_type,
            ResellerType::options(lang),
        ),
        FilterField::select(
            "organisation",
            t(lang, "field.organisation"),
            &f.organisation,
            BrandOrganisation::options(lang),
        ),
        FilterField::select(
            "region",
            t(lang, "field.region"),
            &f.region,
            view.region_options.clone(),
        ),
        FilterField::select(
            "potential",
            t(lang, "field.potential"),
            &f.potential,
            Potential::options(lang),
        ),
        FilterField::select(
            "status",
            t(lang, "field.status"),
            &f.status,
            ResellerStatus::options(lang),
        ),
        FilterField::select(
            "manager",
            t(lang, "field.manager"),
            &f.manager,
            view.manager_options.clone(),
        ),
    ]
}

fn row_cells(lang: Lang, r: &ResellerRow) -> Vec<Markup> {
    vec![
        html! { a href=(format!("/network/{}", r.code)) { code { (r.code) } } },
        html! { a href=(format!("/network/{}", r.code)) { (r.name) } },
        html! { (r.reseller_type.label(lang)) },
        html! { (r.organisation.label(lang)) },
        html! { (r.city) },
        html! { (r.region) },
        or_dash(r.potential.map(|p| p.label(lang))),
        reseller_status_badge(lang, r.status),
        or_dash(r.manager.as_deref()),
        html! {
            span .stack {
                (or_dash(r.last_declaration.map(|d| date(d, lang)).as_deref()))
                (recency_badge(lang, r.recency))
            }
        },
    ]
}

/// `GET /network?type=&organisation=&region=&potential=&status=&manager=&q=&page=`.
pub fn network_list(chrome: &Chrome, view: &NetworkListView) -> Markup {
    let lang = chrome.lang;
    let fields = filter_fields(lang, view);
    let actions = html! {
        @if view.can_edit {
            (button_link("/network/import", t(lang, "action.import"), ButtonKind::Secondary))
            (button_link("/network/new", t(lang, "network.add"), ButtonKind::Primary))
        }
    };
    let columns = [
        Column::new(t(lang, "field.code")),
        Column::new(t(lang, "field.name")),
        Column::new(t(lang, "field.reseller_type")),
        Column::new(t(lang, "field.organisation")),
        Column::new(t(lang, "field.city")),
        Column::new(t(lang, "field.region")),
        Column::new(t(lang, "field.potential")),
        Column::new(t(lang, "field.status")),
        Column::new(t(lang, "field.manager")),
        Column::new(t(lang, "field.last_declaration")),
    ];
    let content = html! {
        (page_header(t(lang, "network.title"), actions))
        (filter_bar(lang, "/network", &fields))
        @if view.rows.is_empty() {
            (empty_state(t(lang, "network.empty_title"), t(lang, "network.empty_text"), None))
        } @else {
            (data_table(
                Some(t(lang, "network.caption")),
                &columns,
                view.rows.iter().map(|r| row_cells(lang, r)).collect(),
            ))
        }
        (pagination(lang, "/network", &filter_params(&fields), &view.pager))
    };
    Page::new(chrome, t(lang, "network.title"))
        .body(content)
        .render()
}
