//! `/catalogue`: the manufacturer's products.

use maud::{html, Markup};
use serde::Deserialize;

use crate::components::{
    button_link, data_table, definition_card, empty_state, filter_bar, filter_params, or_dash,
    page_header, pagination, yes_no_badge, ButtonKind, Column, FilterField, Pager,
};
use crate::i18n::{money, t, Lang};
use crate::layout::{Chrome, Page};

/// `?q=&category=`, deserializable from the query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CatalogueFilters {
    pub q: String,
    pub category: String,
}

#[derive(Debug, Clone)]
pub struct ProductRow {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub brand: String,
    pub ean: Option<String>,
    pub unit: String,
    pub list_price_cents: Option<i64>,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct CatalogueListView {
    pub filters: CatalogueFilters,
    /// `(value, label)` for the category filter.
    pub category_options: Vec<(String, String)>,
    pub rows: Vec<ProductRow>,
    pub pager: Pager,
    /// The tenant's currency (ISO 4217) for prices.
    pub currency: String,
    /// Shows the "Import" button.
    pub can_edit: bool,
}

fn price(lang: Lang, cents: Option<i64>, currency: &str) -> Markup {
    or_dash(cents.map(|c| money(c, currency, lang)).as_deref())
}

fn product_href(sku: &str) -> String {
    format!("/catalogue/{sku}")
}

/// `GET /catalogue?q=&category=&page=`.
pub fn catalogue_list(chrome: &Chrome, view: &CatalogueListView) -> Markup {
    let lang = chrome.lang;
    let fields = vec![
        FilterField::search("q", t(lang, "filter.search"), &view.filters.q),
        FilterField::select(
            "category",
            t(lang, "field.category"),
            &view.filters.category,
            view.category_options.clone(),
        ),
    ];
    let actions = html! {
        @if view.can_edit {
            (button_link("/catalogue/import", t(lang, "action.import"), ButtonKind::Primary))
        }
    };
    let columns = [
        Column::new(t(lang, "field.sku")),
        Column::new(t(lang, "field.product_name")),
        Column::new(t(lang, "field.category")),
        Column::new(t(lang, "field.brand")),
        Column::new(t(lang, "field.ean")),
        Column::new(t(lang, "field.unit")),
        Column::numeric(t(lang, "field.list_price")),
        Column::new(t(lang, "field.active")),
    ];
    let rows = view
        .rows
        .iter()
        .map(|p| {
            vec![
                html! { a href=(product_href(&p.sku)) { code { (p.sku) } } },
                html! { a href=(product_href(&p.sku)) { (p.name) } },
                html! { (p.category) },
                html! { (p.brand) },
                or_dash(p.ean.as_deref()),
                html! { (p.unit) },
                price(lang, p.list_price_cents, &view.currency),
                yes_no_badge(lang, p.active),
            ]
        })
        .collect();
    let content = html! {
        (page_header(t(lang, "catalogue.title"), actions))
        (filter_bar(lang, "/catalogue", &fields))
        @if view.rows.is_empty() {
            (empty_state(t(lang, "catalogue.empty_title"), t(lang, "catalogue.empty_text"), None))
        } @else {
            (data_table(Some(t(lang, "catalogue.caption")), &columns, rows))
        }
        (pagination(lang, "/catalogue", &filter_params(&fields), &view.pager))
    };
    Page::new(chrome, t(lang, "catalogue.title"))
        .body(content)
        .render()
}

#[derive(Debug, Clone)]
pub struct ProductDetailView {
    pub product: ProductRow,
    pub description: Option<String>,
    pub currency: String,
}

/// `GET /catalogue/{sku}`.
pub fn product_detail(chrome: &Chrome, view: &ProductDetailView) -> Markup {
    let lang = chrome.lang;
    let p = &view.product;
    let actions = html! {
        a .btn .btn-ghost href="/catalogue" { "← " (t(lang, "nav.catalogue")) }
    };
    let content = html! {
        (page_header(&p.name, actions))
        div .cards {
            (definition_card(t(lang, "catalogue.product"), vec![
                (t(lang, "field.sku"), html! { code { (p.sku) } }),
                (t(lang, "field.product_name"), html! { (p.name) }),
                (t(lang, "field.category"), html! { (p.category) }),
                (t(lang, "field.brand"), html! { (p.brand) }),
                (t(lang, "field.ean"), or_dash(p.ean.as_deref())),
                (t(lang, "field.unit"), html! { (p.unit) }),
                (t(lang, "field.list_price"), price(lang, p.list_price_cents, &view.currency)),
                (t(lang, "field.active"), yes_no_badge(lang, p.active)),
            ]))
            @if let Some(description) = &view.description {
                section .card {
                    h2 { (t(lang, "field.description")) }
                    p .prewrap { (description) }
                }
            }
        }
    };
    Page::new(chrome, p.name.clone()).body(content).render()
}
