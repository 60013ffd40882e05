//! A reseller's analytics: the section of its page on `/network/{code}` (manufacturer side)
//! and the reseller's own `/my/insights`, with the anonymised peer benchmark.

use super::download::DownloadQuery;
use super::period_label;
use super::report::{self, Fields, PageSpec, Report};
use crate::analytics::compute::benchmark::PeerBenchmark;
use crate::analytics::filter::FilterQuery;
use crate::analytics::insights::profile::{benchmark, profile, PeerGroup, Profile};
use crate::db::network::Reseller;
use crate::db::tenants::Tenant;
use crate::http::ctx::{ResellerUser, Staff};
use crate::http::error::AppResult;
use crate::http::{chrome_for, AppState};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use relais_templates::i18n::{date, decimal, money, number, relative_days, t, Lang};
use relais_templates::pages::analytics::{
    report_page, report_section, ReportPage, ReportSection, ReportTable, Summary, Value, Widget,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/my/insights", get(my_insights))
}

/// A reseller's figures look back a year unless the filters say otherwise.
const DEFAULT_DAYS: i64 = 365;
/// Comments on a reseller's page (the feedback list has them all).
const COMMENTS: usize = 20;

async fn figures(
    state: &AppState,
    tenant: &Tenant,
    lang: Lang,
    reseller: &Reseller,
    q: FilterQuery,
    path: &str,
) -> AppResult<(Report, Profile)> {
    let r = report::report(
        state,
        tenant,
        lang,
        q,
        PageSpec {
            path,
            default_days: Some(DEFAULT_DAYS),
            fields: Fields::OneReseller,
            extra: &[],
        },
    )
    .await?;
    let p = profile(
        &state.db,
        tenant.id,
        reseller.id,
        &r.filter,
        r.today,
        &tenant.time_zone,
    )
    .await?;
    Ok((r, p))
}

fn summary(r: &Report, p: &Profile, with_cadence: bool) -> Summary {
    let lang = r.lang;
    let mut figures = vec![
        (
            t(lang, "insights.declarations").to_string(),
            number(p.declarations, lang),
        ),
        (
            t(lang, "analytics.quantity").to_string(),
            number(p.quantity, lang),
        ),
        (
            t(lang, "analytics.value").to_string(),
            money(p.amount_cents, &r.currency, lang),
        ),
    ];
    let c = &p.cadence;
    figures.push((
        t(lang, "insights.last_declaration").to_string(),
        match (c.last_declaration, c.current_gap_days) {
            (Some(last), Some(gap)) => {
                format!("{} ({})", date(last, lang), relative_days(gap, lang))
            }
            _ => t(lang, "insights.never").to_string(),
        },
    ));
    if with_cadence {
        figures.push((
            t(lang, "insights.usual_cadence").to_string(),
            c.median_gap_days.map_or_else(
                || t(lang, "insights.no_cadence").to_string(),
                |m| t(lang, "insights.every_days").replace("{n}", &decimal(m, 1, lang)),
            ),
        ));
    }
    let alert = (with_cadence && c.alert).then(|| {
        t(lang, "insights.cadence_alert")
            .replace("{gap}", &number(c.current_gap_days.unwrap_or(0), lang))
            .replace(
                "{median}",
                &decimal(c.median_gap_days.unwrap_or(0.0), 1, lang),
            )
    });
    Summary {
        title: period_label(lang, r.filter.period),
        figures,
        alert,
    }
}

fn widgets(r: &Report, p: &Profile, with_resellers: bool) -> Vec<Widget> {
    let lang = r.lang;
    let mut w = vec![report::trend_chart(r, "trend", &p.weekly)];
    w.extend(report::best_sellers(r, &p.best_sellers));
    w.extend(report::customer_mix(r, &p.customer_mix));
    w.push(Widget::Heading(t(lang, "insights.feedback").into()));
    w.extend(report::feedback(r, &p.feedback, COMMENTS, with_resellers));
    w
}

/// The analytics section of `/network/{code}`, or the requested download of one of its
/// widgets.
pub async fn section(
    state: &AppState,
    staff: &Staff,
    reseller: &Reseller,
    q: FilterQuery,
    dl: &DownloadQuery,
) -> AppResult<Result<maud::Markup, Response>> {
    let lang = staff.ctx.lang;
    let path = report::reseller_href(&reseller.code);
    let (r, p) = figures(state, &staff.tenant, lang, reseller, q, &path).await?;
    let widgets = widgets(&r, &p, false);
    if let Some(file) = report::download(lang, &widgets, dl).await {
        return Ok(Err(file?));
    }
    let view = ReportSection {
        title: t(lang, "insights.sales_analytics").into(),
        summary: summary(&r, &p, true),
        filters: r.fields,
        widgets,
        downloads: r.downloads,
    };
    Ok(Ok(report_section(lang, &view)))
}

/// A reseller's own trend, best-sellers, feedback and its benchmark against its peers.
async fn my_insights(
    State(state): State<AppState>,
    user: ResellerUser,
    Query(q): Query<FilterQuery>,
    Query(dl): Query<DownloadQuery>,
) -> AppResult<Response> {
    let lang = user.ctx.lang;
    let (r, p) = figures(
        &state,
        &user.tenant,
        lang,
        &user.reseller,
        q,
        "/my/insights",
    )
    .await?;
    let bench = benchmark(&state.db, user.tenant.id, user.reseller.id, &r.filter).await?;
    let mut list = vec![Widget::Heading(t(lang, "insights.benchmark").into())];
    match &bench {
        Some(b) => {
            list.push(Widget::Note(
                t(lang, "insights.benchmark_note")
                    .replace("{group}", t(lang, group_key(b.group)))
                    .replace("{n}", &number(b.amount.peers as i64, lang)),
            ));
            list.push(Widget::Table(benchmark_table(&r, b)));
        }
        None => list.push(Widget::Note(t(lang, "insights.benchmark_none").into())),
    }
    list.extend(widgets(&r, &p, false));
    if let Some(file) = report::download(lang, &list, &dl).await {
        return file;
    }
    let view = ReportPage {
        title: t(lang, "nav.my_insights").into(),
        tab: None,
        intro: t(lang, "insights.my_intro").into(),
        summary: summary(&r, &p, false),
        filters: r.fields,
        widgets: list,
        downloads: r.downloads,
    };
    Ok(report_page(&chrome_for(&user.ctx), &view).into_response())
}

fn group_key(g: PeerGroup) -> &'static str {
    match g {
        PeerGroup::League => "insights.peers_league",
        PeerGroup::ResellerType => "insights.peers_type",
        PeerGroup::Network => "insights.peers_network",
    }
}

/// Only the reseller's own value and the peers' median: never one peer's figure.
fn benchmark_table(r: &Report, b: &crate::analytics::insights::profile::Benchmark) -> ReportTable {
    let lang = r.lang;
    let mut table = ReportTable::new("benchmark", t(lang, "insights.benchmark"), &r.currency)
        .text(t(lang, "insights.measure"))
        .numeric(t(lang, "insights.you"))
        .numeric(t(lang, "insights.peer_median"))
        .numeric(t(lang, "insights.difference"));
    let money = |x: f64| Value::Money(x.round() as i64);
    let count = |x: f64| Value::Decimal(Some(x), if x.fract() == 0.0 { 0 } else { 1 });
    let row = |label: &str, m: &PeerBenchmark, show: &dyn Fn(f64) -> Value| {
        vec![
            Value::Text(label.into()),
            show(m.value.unwrap_or(0.0)),
            show(m.peer_median),
            Value::Change(m.difference_pct),
        ]
    };
    table.rows = vec![
        row(t(lang, "analytics.value"), &b.amount, &money),
        row(t(lang, "analytics.quantity"), &b.quantity, &count),
        row(t(lang, "analytics.lines"), &b.lines, &count),
    ];
    table
}
