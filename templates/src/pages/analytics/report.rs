//! The building blocks of the insight pages, the reseller profile's analytics and
//! `/my/insights`: charts and tables described as data ([`ChartSpec`], [`ReportTable`]),
//! so that the handler renders exactly the same thing in the page and in its PNG, PDF,
//! CSV or XLSX download.

use chrono::NaiveDate;
use maud::{html, Markup};

use super::{change, filters, pct};
use crate::charts::{
    bar_chart, donut_chart, stacked_chart, weekly_trend_chart, BarChartView, Chart, DonutView,
    StackedView, WeeklyTrendView,
};
use crate::components::{
    data_table, definition_list, page_header, url_with_query, Column, FilterField,
};
use crate::i18n::{date, decimal, money, number, t, Lang};
use crate::layout::{Chrome, Page};

/// One table cell, typed so that a download keeps numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// Text linking to a page of the application.
    Link {
        text: String,
        href: String,
    },
    Int(i64),
    /// Cents in the table's currency.
    Money(i64),
    /// Already in percent; `None` shows "—".
    Percent(Option<f64>),
    /// A signed change in percent; `None` shows "new".
    Change(Option<f64>),
    /// A plain number with this many decimals.
    Decimal(Option<f64>, usize),
    Date(Option<NaiveDate>),
}

impl Value {
    pub fn display(&self, lang: Lang, currency: &str) -> Markup {
        let dash = || "—".to_string();
        html! {
            @match self {
                Value::Text(s) => { (s) }
                Value::Link { text, href } => { a href=(href) { (text) } }
                Value::Int(n) => { (number(*n, lang)) }
                Value::Money(c) => { (money(*c, currency, lang)) }
                Value::Percent(p) => { (p.map_or_else(dash, |p| pct(p, lang))) }
                Value::Change(c) => { (change(*c, lang)) }
                Value::Decimal(x, digits) => { (x.map_or_else(dash, |x| decimal(x, *digits, lang))) }
                Value::Date(d) => { (d.map_or_else(dash, |d| date(d, lang))) }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportColumn {
    pub label: String,
    pub numeric: bool,
}

/// A table with an id (its download name) and a title (its caption).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    pub id: String,
    pub title: String,
    pub currency: String,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<Vec<Value>>,
}

impl ReportTable {
    pub fn new(id: &str, title: &str, currency: &str) -> Self {
        ReportTable {
            id: id.into(),
            title: title.into(),
            currency: currency.into(),
            columns: vec![],
            rows: vec![],
        }
    }

    pub fn text(mut self, label: &str) -> Self {
        self.columns.push(ReportColumn {
            label: label.into(),
            numeric: false,
        });
        self
    }

    pub fn numeric(mut self, label: &str) -> Self {
        self.columns.push(ReportColumn {
            label: label.into(),
            numeric: true,
        });
        self
    }
}

/// A chart described by its input, rendered on demand (page or export).
#[derive(Debug, Clone)]
pub enum ChartSpec {
    Trend(WeeklyTrendView),
    Bar(BarChartView),
    Donut(DonutView),
    Stacked(StackedView),
}

impl ChartSpec {
    pub fn id(&self) -> &str {
        match self {
            ChartSpec::Trend(v) => &v.id,
            ChartSpec::Bar(v) => &v.id,
            ChartSpec::Donut(v) => &v.id,
            ChartSpec::Stacked(v) => &v.id,
        }
    }

    pub fn render(&self, lang: Lang) -> Chart {
        match self {
            ChartSpec::Trend(v) => weekly_trend_chart(lang, v),
            ChartSpec::Bar(v) => bar_chart(lang, v),
            ChartSpec::Donut(v) => donut_chart(lang, v),
            ChartSpec::Stacked(v) => stacked_chart(lang, v),
        }
    }
}

/// What a report shows, in order.
#[derive(Debug, Clone)]
pub enum Widget {
    Chart(ChartSpec),
    Table(ReportTable),
    /// A heading between widgets.
    Heading(String),
    /// A muted explanation.
    Note(String),
}

impl Widget {
    pub fn id(&self) -> Option<&str> {
        match self {
            Widget::Chart(c) => Some(c.id()),
            Widget::Table(t) => Some(&t.id),
            Widget::Heading(_) | Widget::Note(_) => None,
        }
    }
}

/// The page a report lives on, to which `download=ID&format=F` is added for its downloads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Downloads {
    pub path: String,
    /// The page's other query parameters (filters), kept in the download.
    pub query: Vec<(String, String)>,
}

impl Downloads {
    pub fn href(&self, id: &str, format: &str) -> String {
        let mut pairs = self.query.clone();
        pairs.push(("download".into(), id.into()));
        pairs.push(("format".into(), format.into()));
        url_with_query(&self.path, &pairs)
    }

    fn links(&self, lang: Lang, id: &str, formats: &[&str]) -> Markup {
        html! {
            p .downloads {
                span .muted { (t(lang, "report.download")) " " }
                @for (i, f) in formats.iter().enumerate() {
                    @if i > 0 { " · " }
                    a .btn .btn-ghost .btn-small href=(self.href(id, f)) download
                        data-format=(f) { (f.to_uppercase()) }
                }
            }
        }
    }
}

pub fn widgets(lang: Lang, list: &[Widget], dl: &Downloads) -> Markup {
    html! {
        @for w in list {
            @match w.id() {
                Some(id) => {
                    section .widget id=(format!("widget-{id}")) { (widget(lang, w, dl)) }
                }
                None => { (widget(lang, w, dl)) }
            }
        }
    }
}

/// One widget with its download links.
pub fn widget(lang: Lang, w: &Widget, dl: &Downloads) -> Markup {
    html! {
        @match w {
            Widget::Chart(c) => {
                (c.render(lang))
                (dl.links(lang, c.id(), &["png", "pdf"]))
            }
            Widget::Table(table) => {
                (report_table(lang, table))
                (dl.links(lang, &table.id, &["csv", "xlsx"]))
            }
            Widget::Heading(h) => { h2 { (h) } }
            Widget::Note(n) => { p .muted { (n) } }
        }
    }
}

pub fn report_table(lang: Lang, table: &ReportTable) -> Markup {
    let columns: Vec<Column> = table
        .columns
        .iter()
        .map(|c| {
            if c.numeric {
                Column::numeric(&c.label)
            } else {
                Column::new(&c.label)
            }
        })
        .collect();
    let rows = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| v.display(lang, &table.currency))
                .collect()
        })
        .collect();
    if table.rows.is_empty() {
        html! {
            (data_table(Some(&table.title), &columns, vec![]))
            p .muted { (t(lang, "report.empty")) }
        }
    } else {
        data_table(Some(&table.title), &columns, rows)
    }
}

/// Key figures and optional alert above a report.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The period, already formatted.
    pub title: String,
    /// `(label, value)`, formatted.
    pub figures: Vec<(String, String)>,
    /// A visible warning (e.g. the cadence alert).
    pub alert: Option<String>,
}

pub fn summary(summary: &Summary) -> Markup {
    html! {
        @if let Some(alert) = &summary.alert {
            div .flash .flash-error .cadence-alert role="alert" { strong { (alert) } }
        }
        @if !summary.figures.is_empty() {
            section .card {
                h2 { (summary.title) }
                (definition_list(summary.figures.iter().map(|(k, v)| (k.as_str(), html! { (v) })).collect()))
            }
        }
    }
}

/// Links between the insight lists; `current` is the active path.
pub fn insight_tabs(lang: Lang, current: &str, query: &[(String, String)]) -> Markup {
    let tabs = [
        ("/insights/declining", t(lang, "insights.declining")),
        ("/insights/cadence", t(lang, "insights.cadence")),
        ("/insights/cross-sell", t(lang, "insights.cross_sell")),
        ("/insights/catalogue", t(lang, "insights.catalogue")),
        ("/insights/feedback", t(lang, "insights.feedback")),
    ];
    html! {
        nav .insight-tabs aria-label=(t(lang, "nav.insights")) {
            p {
                @for (i, (path, label)) in tabs.iter().enumerate() {
                    @if i > 0 { " · " }
                    @if *path == current {
                        a .btn .btn-secondary .btn-small href=(url_with_query(path, query)) aria-current="page" { (label) }
                    } @else {
                        a .btn .btn-ghost .btn-small href=(url_with_query(path, query)) { (label) }
                    }
                }
            }
        }
    }
}

/// An insight list page or `/my/insights`.
#[derive(Debug, Clone)]
pub struct ReportPage {
    pub title: String,
    /// Shows the insight tabs, this one active.
    pub tab: Option<String>,
    pub intro: String,
    pub filters: Vec<FilterField>,
    pub summary: Summary,
    pub widgets: Vec<Widget>,
    pub downloads: Downloads,
}

pub fn report_page(chrome: &Chrome, view: &ReportPage) -> Markup {
    let lang = chrome.lang;
    Page::new(chrome, &view.title)
        .body(html! {
            (page_header(&view.title, html! {}))
            @if let Some(tab) = &view.tab {
                (insight_tabs(lang, tab, &view.downloads.query))
            }
            @if !view.intro.is_empty() { p .lead { (view.intro) } }
            (filters(lang, &view.downloads.path, &view.filters))
            (summary(&view.summary))
            (widgets(lang, &view.widgets, &view.downloads))
        })
        .render()
}

/// The analytics section added to a reseller's page (`/network/{code}`).
#[derive(Debug, Clone)]
pub struct ReportSection {
    pub title: String,
    pub filters: Vec<FilterField>,
    pub summary: Summary,
    pub widgets: Vec<Widget>,
    pub downloads: Downloads,
}

pub fn report_section(lang: Lang, view: &ReportSection) -> Markup {
    html! {
        section .section #reseller-analytics aria-labelledby="reseller-analytics-title" {
            h2 #reseller-analytics-title { (view.title) }
            (filters(lang, &view.downloads.path, &view.filters))
            (summary(&view.summary))
            (widgets(lang, &view.widgets, &view.downloads))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ReportTable {
        let mut table = ReportTable::new("best", "Best", "EUR")
            .text("SKU")
            .numeric("Value")
            .numeric("Change");
        table.rows = vec![vec![
            Value::Link {
                text: "P1".into(),
                href: "/catalogue/P1".into(),
            },
            Value::Money(123_456),
            Value::Change(None),
        ]];
        table
    }

    #[test]
    fn downloads_keep_the_filters_and_name_the_widget() {
        let dl = Downloads {
            path: "/network/A 1".into(),
            query: vec![("from".into(), "2026-03-01".into())],
        };
        assert_eq!(
            dl.href("trend", "png"),
            "/network/A 1?from=2026-03-01&download=trend&format=png"
        );
        let html = widgets(Lang::En, &[Widget::Table(table())], &dl).into_string();
        assert!(html.contains(r#"id="widget-best""#));
        assert!(html.contains("download=best&amp;format=csv") && html.contains("format=xlsx"));
        assert!(
            !html.contains("format=png"),
            "tables have no image download"
        );
    }

    #[test]
    fn values_are_formatted_in_the_users_language() {
        let html = report_table(Lang::Fr, &table()).into_string();
        assert!(html.contains("1\u{202f}234,56\u{a0}€") || html.contains("1\u{a0}234,56\u{a0}€"));
        assert!(html.contains(r#"<a href="/catalogue/P1">P1</a>"#));
        assert!(html.contains("nouveau"));
        let mut empty = table();
        empty.rows.clear();
        assert!(report_table(Lang::En, &empty)
            .into_string()
            .contains("Nothing to show"));
    }
}
