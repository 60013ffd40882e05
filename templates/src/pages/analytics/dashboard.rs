//! `/dashboard`: sales by rep, best-sellers, weekly trend and self-service share.
//! The widgets sit in one region (`#dashboard-widgets`) that relais.js reloads when the
//! server-sent events stream announces new declarations.

use maud::{html, Markup};

use super::report::{report_table, widget, ChartSpec, Downloads, ReportTable, Value, Widget};
use super::{filters, pct};
use crate::charts::{
    Bar, BarChartView, Orientation, StackMode, StackedPeriod, StackedView, ValueKind, WeekValue,
    WeeklyTrendView,
};
use crate::components::{
    data_table, definition_card, empty_state, page_header, Column, FilterField,
};
use crate::i18n::{money, number, t, Lang};
use crate::layout::{Chrome, Page};

#[derive(Debug, Clone)]
pub struct RepRow {
    pub name: String,
    /// The rep's page, with the current filters.
    pub href: Option<String>,
    pub amount_cents: i64,
    pub share: f64,
}

#[derive(Debug, Clone)]
pub struct BestSellerRow {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub quantity_share: f64,
    pub amount_cents: i64,
    pub share: f64,
    /// `None` for all time (no previous period).
    pub previous_amount_cents: Option<i64>,
    pub change_pct: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct SelfServiceRow {
    pub label: String,
    pub self_service_lines: i64,
    pub staff_lines: i64,
    pub share: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct DashboardView {
    pub filters: Vec<FilterField>,
    pub currency: String,
    /// "from – to" or "all time", already formatted.
    pub period_label: String,
    pub total_amount_cents: i64,
    pub total_quantity: i64,
    pub total_lines: i64,
    pub reps: Vec<RepRow>,
    pub best_sellers: Vec<BestSellerRow>,
    pub weeks: Vec<WeekValue>,
    pub self_service: SelfServiceRow,
    pub self_service_weeks: Vec<SelfServiceRow>,
    pub self_service_segments: Vec<SelfServiceRow>,
    /// `/dashboard/widgets?…` (the region relais.js reloads) and `/dashboard/events`.
    pub widgets_url: String,
    /// Where the charts and tables download from (`/dashboard/widgets` with the filters).
    pub downloads: Downloads,
}

/// The whole page.
pub fn dashboard(chrome: &Chrome, view: &DashboardView) -> Markup {
    let lang = chrome.lang;
    Page::new(chrome, t(lang, "analytics.dashboard"))
        .body(html! {
            (page_header(t(lang, "analytics.dashboard"), html! {}))
            (filters(lang, "/dashboard", &view.filters))
            div #dashboard-widgets data-live-url=(view.widgets_url) data-events-url="/dashboard/events" aria-live="polite" {
                (dashboard_widgets(lang, view))
            }
        })
        .render()
}

/// The widgets alone (the live region's content).
pub fn dashboard_widgets(lang: Lang, view: &DashboardView) -> Markup {
    let m = |c: i64| money(c, &view.currency, lang);
    let exports = dashboard_exports(lang, view);
    let show = |id: &str| {
        exports
            .iter()
            .find(|w| w.id() == Some(id))
            .map(|w| widget(lang, w, &view.downloads))
    };
    html! {
        (definition_card(&view.period_label, vec![
            (t(lang, "analytics.value"), html! { (m(view.total_amount_cents)) }),
            (t(lang, "analytics.quantity"), html! { (number(view.total_quantity, lang)) }),
            (t(lang, "analytics.lines"), html! { (number(view.total_lines, lang)) }),
            (t(lang, "analytics.self_service_share"), html! { (view.self_service.share.map_or("—".into(), |s| pct(s, lang))) }),
        ]))
        @if view.total_lines == 0 {
            (empty_state(t(lang, "analytics.no_sales"), t(lang, "analytics.no_sales_text"), None))
        }
        // Each chart and table carries its own title; only the self-service pair gets a heading.
        section .widget #widget-reps {
            (show("reps").unwrap_or_default())
        }
        section .widget #widget-best-sellers {
            (show("best-sellers").unwrap_or_default())
        }
        section .widget #widget-trend {
            (show("trend").unwrap_or_default())
        }
        section .widget #widget-self-service {
            h2 { (t(lang, "analytics.self_service")) }
            (show("self-weeks").unwrap_or_default())
            (show("self-service").unwrap_or_default())
        }
    }
}

/// The dashboard's charts and tables, as the page shows them and as they download.
pub fn dashboard_exports(lang: Lang, view: &DashboardView) -> Vec<Widget> {
    let kind = ValueKind::Money(view.currency.clone());
    let reps = BarChartView {
        id: "reps".into(),
        title: t(lang, "analytics.by_rep").into(),
        kind: kind.clone(),
        orientation: Orientation::Horizontal,
        category_title: t(lang, "field.manager").into(),
        bars: view
            .reps
            .iter()
            .map(|r| Bar {
                label: r.name.clone(),
                value: r.amount_cents,
                href: r.href.clone(),
            })
            .collect(),
        total: None,
    };
    let trend = WeeklyTrendView {
        id: "trend".into(),
        title: t(lang, "analytics.weekly_trend").into(),
        kind,
        weeks: view.weeks.clone(),
    };
    let self_weeks = StackedView {
        id: "self-weeks".into(),
        title: t(lang, "analytics.self_service").into(),
        kind: ValueKind::Count,
        mode: StackMode::Percent,
        x_title: t(lang, "chart.axis.week").into(),
        series: vec![
            t(lang, "chart.series.self_service").into(),
            t(lang, "chart.series.staff").into(),
        ],
        periods: view
            .self_service_weeks
            .iter()
            .map(|r| StackedPeriod {
                label: r.label.clone(),
                values: vec![r.self_service_lines, r.staff_lines],
            })
            .collect(),
    };
    vec![
        Widget::Chart(ChartSpec::Bar(reps)),
        Widget::Table(best_sellers_report(
            lang,
            &view.currency,
            &view.best_sellers,
        )),
        Widget::Chart(ChartSpec::Trend(trend)),
        Widget::Chart(ChartSpec::Stacked(self_weeks)),
        Widget::Table(self_service_table(
            lang,
            t(lang, "analytics.by_segment"),
            &view.self_service_segments,
        )),
    ]
}

fn self_service_table(lang: Lang, caption: &str, rows: &[SelfServiceRow]) -> ReportTable {
    let mut table = ReportTable::new("self-service", caption, "")
        .text(t(lang, "analytics.segment"))
        .numeric(t(lang, "chart.series.self_service"))
        .numeric(t(lang, "chart.series.staff"))
        .numeric(t(lang, "analytics.self_service_share"));
    table.rows = rows
        .iter()
        .map(|r| {
            vec![
                Value::Text(r.label.clone()),
                Value::Int(r.self_service_lines),
                Value::Int(r.staff_lines),
                Value::Percent(r.share),
            ]
        })
        .collect();
    table
}

/// Best-sellers with their shares and change, as a downloadable table.
fn best_sellers_report(lang: Lang, currency: &str, rows: &[BestSellerRow]) -> ReportTable {
    let mut table = ReportTable::new("best-sellers", t(lang, "analytics.best_sellers"), currency)
        .text(t(lang, "field.sku"))
        .text(t(lang, "field.name"))
        .numeric(t(lang, "analytics.quantity"))
        .numeric(t(lang, "analytics.quantity_share"))
        .numeric(t(lang, "analytics.value"))
        .numeric(t(lang, "analytics.share"))
        .numeric(t(lang, "analytics.previous_period"))
        .numeric(t(lang, "analytics.change"));
    let dash = || Value::Text("—".into());
    table.rows = rows
        .iter()
        .map(|b| {
            vec![
                Value::Link {
                    text: b.sku.clone(),
                    href: format!("/catalogue/{}", b.sku),
                },
                Value::Text(b.name.clone()),
                Value::Int(b.quantity),
                Value::Percent(Some(b.quantity_share)),
                Value::Money(b.amount_cents),
                Value::Percent(Some(b.share)),
                b.previous_amount_cents.map_or_else(dash, Value::Money),
                if b.previous_amount_cents.is_some() {
                    Value::Change(b.change_pct)
                } else {
                    dash()
                },
            ]
        })
        .collect();
    table
}

/// `/dashboard/rep/{id}`: one channel manager's figures.
#[derive(Debug, Clone)]
pub struct RepPageView {
    pub filters: Vec<FilterField>,
    pub action: String,
    pub name: String,
    pub currency: String,
    pub period_label: String,
    pub amount_cents: i64,
    pub products: Vec<BestSellerRow>,
    /// `(label, amount, share %)`.
    pub regions: Vec<(String, i64, f64)>,
    pub customer_types: Vec<(String, i64, f64)>,
}

pub fn rep_page(chrome: &Chrome, view: &RepPageView) -> Markup {
    let lang = chrome.lang;
    let shares_table = |caption: &str, first: &str, rows: &[(String, i64, f64)]| {
        let cols = [
            Column::new(first),
            Column::numeric(t(lang, "analytics.value")),
            Column::numeric(t(lang, "analytics.share")),
        ];
        let body = rows
            .iter()
            .map(|(label, amount, share)| {
                vec![
                    html! { (label) },
                    html! { (money(*amount, &view.currency, lang)) },
                    html! { (pct(*share, lang)) },
                ]
            })
            .collect();
        data_table(Some(caption), &cols, body)
    };
    Page::new(chrome, &view.name)
        .body(html! {
            (page_header(&view.name, html! { a .btn .btn-ghost href="/dashboard" { (t(lang, "analytics.dashboard")) } }))
            (filters(lang, &view.action, &view.filters))
            (definition_card(&view.period_label, vec![(t(lang, "analytics.value"), html! { (money(view.amount_cents, &view.currency, lang)) })]))
            section .widget { h2 { (t(lang, "analytics.products")) } (report_table(lang, &best_sellers_report(lang, &view.currency, &view.products))) }
            section .widget { (shares_table(t(lang, "analytics.regions"), t(lang, "field.region"), &view.regions)) }
            section .widget { (shares_table(t(lang, "analytics.customer_types"), t(lang, "analytics.customer_type"), &view.customer_types)) }
        })
        .render()
}
