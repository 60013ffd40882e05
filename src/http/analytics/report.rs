//! What the insight pages, the reseller profile and `/my/insights` share: the filters with a
//! page's own default period, the download base, and turning figures into widgets.

use super::download::{self, DownloadQuery};
use super::filter_fields;
use crate::analytics::compute::shares::Share;
use crate::analytics::compute::weekly::WeekRow;
use crate::analytics::dashboard::BestSeller;
use crate::analytics::filter::{FilterQuery, SalesFilter};
use crate::analytics::insights::feedback::Feedback;
use crate::db::tenants::Tenant;
use crate::http::error::AppResult;
use crate::http::views::today;
use crate::http::AppState;
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use relais_templates::charts::{
    Bar, BarChartView, DonutView, Orientation, Slice, ValueKind, WeekValue, WeeklyTrendView,
};
use relais_templates::components::FilterField;
use relais_templates::i18n::{t, Lang};
use relais_templates::pages::analytics::{ChartSpec, Downloads, ReportTable, Value, Widget};
use relais_templates::vocab;

/// The resolved filters of one analytics request.
pub struct Report {
    pub lang: Lang,
    pub currency: String,
    pub today: NaiveDate,
    pub filter: SalesFilter,
    pub fields: Vec<FilterField>,
    pub downloads: Downloads,
}

/// Which filter fields a page shows.
pub enum Fields {
    All,
    /// Everything but the period (lists computed as of today or over fixed windows).
    NoPeriod,
    /// Period and product/line filters (a single reseller's view).
    OneReseller,
    /// Reseller attributes only (cadence).
    ResellersOnly,
}

impl Fields {
    fn keeps(&self, name: &str) -> bool {
        let reseller = matches!(
            name,
            "region" | "type" | "organisation" | "potential" | "manager"
        );
        match self {
            Fields::All => true,
            Fields::NoPeriod => !matches!(name, "period" | "from"),
            Fields::OneReseller => !reseller,
            Fields::ResellersOnly => reseller,
        }
    }
}

/// How a page reads the filters.
pub struct PageSpec<'a> {
    pub path: &'a str,
    /// Replaces the dashboard's 30 days when no period was asked for (cross-sell and
    /// elasticity need months of data); it is written into the query so that the filter bar
    /// shows it and downloads keep it.
    pub default_days: Option<i64>,
    pub fields: Fields,
    /// The page's own parameters, kept in download links.
    pub extra: &'a [(&'a str, &'a str)],
}

/// Resolves `q` for the page described by `spec`.
pub async fn report(
    state: &AppState,
    tenant: &Tenant,
    lang: Lang,
    mut q: FilterQuery,
    spec: PageSpec<'_>,
) -> AppResult<Report> {
    let PageSpec {
        path,
        default_days,
        fields,
        extra,
    } = spec;
    let day = today(&tenant.time_zone);
    if let Some(days) = default_days {
        if q.from.is_empty() && q.to.is_empty() && q.period.is_empty() {
            q.from = (day - Duration::days(days - 1)).to_string();
            q.to = day.to_string();
        }
    }
    let filter = q.resolve(day);
    let fields = filter_fields(state, tenant.id, lang, &q)
        .await?
        .into_iter()
        .filter(|f| fields.keeps(&f.name))
        .collect();
    let mut query: Vec<(String, String)> = q
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    query.extend(
        extra
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    Ok(Report {
        lang,
        currency: tenant.currency.clone(),
        today: day,
        filter,
        fields,
        downloads: Downloads {
            path: path.to_string(),
            query,
        },
    })
}

/// The requested download, if any.
pub async fn download(
    lang: Lang,
    widgets: &[Widget],
    dl: &DownloadQuery,
) -> Option<AppResult<Response>> {
    if dl.requested() {
        Some(download::respond(lang, widgets, dl).await)
    } else {
        None
    }
}

/// A code as one URL path segment.
fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

pub fn reseller_href(code: &str) -> String {
    format!("/network/{}", segment(code))
}

pub fn product_href(sku: &str) -> String {
    format!("/catalogue/{}", segment(sku))
}

pub fn customer_label(lang: Lang, code: &str) -> String {
    match vocab::CustomerType::parse(code) {
        Some(c) => c.label(lang).to_string(),
        None if code.is_empty() => t(lang, "report.unknown").to_string(),
        None => code.to_string(),
    }
}

pub fn trend_chart(r: &Report, id: &str, weeks: &[WeekRow]) -> Widget {
    Widget::Chart(ChartSpec::Trend(WeeklyTrendView {
        id: id.into(),
        title: t(r.lang, "analytics.weekly_trend").into(),
        kind: ValueKind::Money(r.currency.clone()),
        weeks: weeks
            .iter()
            .map(|w| WeekValue {
                week: w.week_start,
                value: w.amount,
                previous_year: w.previous_year_amount,
            })
            .collect(),
    }))
}

/// The best products as a bar chart (top 10) and a table (all).
pub fn best_sellers(r: &Report, products: &[BestSeller]) -> Vec<Widget> {
    let lang = r.lang;
    let title = t(lang, "analytics.best_sellers");
    let chart = Widget::Chart(ChartSpec::Bar(BarChartView {
        id: "best-sellers-chart".into(),
        title: title.into(),
        kind: ValueKind::Money(r.currency.clone()),
        orientation: Orientation::Horizontal,
        category_title: t(lang, "analytics.product").into(),
        bars: products
            .iter()
            .take(10)
            .map(|p| Bar {
                label: format!("{} — {}", p.sku, p.name),
                value: p.amount_cents,
                href: None,
            })
            .collect(),
        total: Some(products.iter().map(|p| p.amount_cents.max(0)).sum()),
    }));
    let mut table = ReportTable::new("best-sellers", title, &r.currency)
        .text(t(lang, "field.sku"))
        .text(t(lang, "field.name"))
        .numeric(t(lang, "analytics.quantity"))
        .numeric(t(lang, "analytics.value"))
        .numeric(t(lang, "analytics.share"))
        .numeric(t(lang, "analytics.change"));
    table.rows = products
        .iter()
        .map(|p| {
            vec![
                Value::Text(p.sku.clone()),
                Value::Text(p.name.clone()),
                Value::Int(p.quantity),
                Value::Money(p.amount_cents),
                Value::Percent(Some(p.share)),
                Value::Change(p.change_pct),
            ]
        })
        .collect();
    vec![chart, Widget::Table(table)]
}

/// The end-customer mix as a donut and a table.
pub fn customer_mix(r: &Report, mix: &[Share<String>]) -> Vec<Widget> {
    let lang = r.lang;
    let title = t(lang, "analytics.customer_types");
    let chart = Widget::Chart(ChartSpec::Donut(DonutView {
        id: "customers-chart".into(),
        title: title.into(),
        kind: ValueKind::Money(r.currency.clone()),
        category_title: t(lang, "analytics.customer_type").into(),
        slices: mix
            .iter()
            .filter(|s| s.amount > 0)
            .map(|s| Slice {
                label: customer_label(lang, &s.key),
                value: s.amount,
            })
            .collect(),
    }));
    let mut table = ReportTable::new("customers", title, &r.currency)
        .text(t(lang, "analytics.customer_type"))
        .numeric(t(lang, "analytics.value"))
        .numeric(t(lang, "analytics.share"));
    table.rows = mix
        .iter()
        .map(|s| {
            vec![
                Value::Text(customer_label(lang, &s.key)),
                Value::Money(s.amount),
                Value::Percent(Some(s.percent)),
            ]
        })
        .collect();
    vec![chart, Widget::Table(table)]
}

/// Ratings per product and the latest comments (at most `max_comments`), reseller names
/// only when `with_resellers` (never on a reseller's own view).
pub fn feedback(
    r: &Report,
    fb: &Feedback,
    max_comments: usize,
    with_resellers: bool,
) -> Vec<Widget> {
    let lang = r.lang;
    let mut ratings = ReportTable::new("ratings", t(lang, "insights.ratings"), &r.currency)
        .text(t(lang, "field.sku"))
        .text(t(lang, "field.name"))
        .numeric(t(lang, "insights.ratings_count"))
        .numeric(t(lang, "insights.average_rating"))
        .numeric("1★")
        .numeric("2★")
        .numeric("3★")
        .numeric("4★")
        .numeric("5★")
        .numeric(t(lang, "insights.comments_count"));
    ratings.rows = fb
        .products
        .iter()
        .map(|p| {
            vec![
                Value::Text(p.sku.clone()),
                Value::Text(p.name.clone()),
                Value::Int(p.ratings),
                Value::Decimal(p.average(), 2),
                Value::Int(p.stars_1),
                Value::Int(p.stars_2),
                Value::Int(p.stars_3),
                Value::Int(p.stars_4),
                Value::Int(p.stars_5),
                Value::Int(p.comments),
            ]
        })
        .collect();
    let mut comments =
        ReportTable::new("comments", t(lang, "insights.latest_comments"), &r.currency)
            .text(t(lang, "insights.sale_date"));
    if with_resellers {
        comments = comments.text(t(lang, "insights.reseller"));
    }
    comments = comments
        .text(t(lang, "analytics.product"))
        .numeric(t(lang, "insights.rating"))
        .text(t(lang, "insights.comment"));
    comments.rows = fb
        .comments
        .iter()
        .take(max_comments)
        .map(|c| {
            let mut row = vec![Value::Date(Some(c.day))];
            if with_resellers {
                row.push(Value::Link {
                    text: format!("{} — {}", c.reseller_code, c.reseller_name),
                    href: reseller_href(&c.reseller_code),
                });
            }
            row.push(Value::Text(format!("{} — {}", c.sku, c.product_name)));
            row.push(c.rating.map_or(Value::Text("—".into()), Value::Int));
            row.push(Value::Text(c.feedback.clone()));
            row
        })
        .collect();
    vec![Widget::Table(ratings), Widget::Table(comments)]
}
