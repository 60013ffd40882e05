//! `/map`: every reseller (after the filters) coloured by the recency of its last sale.

use crate::analytics::filter::FilterQuery;
use crate::analytics::map::recency;
use crate::http::ctx::Staff;
use crate::http::error::AppResult;
use crate::http::views::today;
use crate::http::{chrome_for, AppState};
use axum::extract::{Query, State};
use maud::Markup;
use relais_templates::pages::analytics::{MapPageView, MapRow};

pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<FilterQuery>,
) -> AppResult<Markup> {
    let t = &staff.tenant;
    let day = today(&t.time_zone);
    let rows = recency(&state.db, t.id, &q.resolve(day), day).await?;
    let view = MapPageView {
        filters: super::filter_fields(&state, t.id, staff.ctx.lang, &q).await?,
        rows: rows
            .into_iter()
            .map(|r| MapRow {
                recency: recency_vocab(r.recency),
                code: r.code,
                name: r.name,
                city: r.city,
                region: r.region,
                latitude: r.latitude,
                longitude: r.longitude,
                last_sale: r.last_sale,
            })
            .collect(),
    };
    Ok(relais_templates::pages::map_page(
        &chrome_for(&staff.ctx),
        &view,
    ))
}

pub fn recency_vocab(
    r: crate::analytics::compute::recency::Recency,
) -> relais_templates::vocab::Recency {
    use crate::analytics::compute::recency::Recency as R;
    use relais_templates::vocab::Recency as V;
    match r {
        R::Active => V::Active,
        R::FollowUp => V::FollowUp,
        R::Lapsed => V::Lapsed,
        R::NeverDeclared => V::NeverDeclared,
        R::Prospect => V::Prospect,
    }
}
