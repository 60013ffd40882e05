//! The analytics pages: `/dashboard` (and a rep's page), `/map`. Handlers pass the filter bar
//! fields and already-computed figures; the charts come from [`crate::charts`], each with its
//! data table, and the tables here carry what the charts cannot (shares, changes).

mod dashboard;
mod map;
mod report;

pub use dashboard::{
    dashboard, dashboard_exports, dashboard_widgets, rep_page, BestSellerRow, DashboardView,
    RepPageView, RepRow, SelfServiceRow,
};
pub use map::{map_page, MapPageView, MapRow};
pub use report::{
    report_page, report_section, report_table, widget, ChartSpec, Downloads, ReportColumn,
    ReportPage, ReportSection, ReportTable, Summary, Value, Widget,
};

use crate::components::filter_bar;
use crate::components::FilterField;
use crate::i18n::{decimal, Lang};
use maud::{html, Markup};

/// The filters bar shared by every analytics page (the fields are built by the handler).
pub fn filters(lang: Lang, action: &str, fields: &[FilterField]) -> Markup {
    html! { section .analytics-filters { (filter_bar(lang, action, fields)) } }
}

/// A percentage already in percent (12.5 → "12.5 %" / "12,5 %").
pub fn pct(value: f64, lang: Lang) -> String {
    crate::i18n::percent(value / 100.0, lang)
}

/// A signed change in percent, or "new" when there was nothing before.
pub fn change(value: Option<f64>, lang: Lang) -> String {
    match value {
        Some(v) => {
            let sign = if v > 0.0 { "+" } else { "" };
            format!("{sign}{}", pct(v, lang))
        }
        None => crate::i18n::t(lang, "analytics.new").to_string(),
    }
}

/// A plain decimal, for ratios such as lift.
pub fn ratio(value: f64, lang: Lang) -> String {
    decimal(value, 2, lang)
}
