//! `/points`: a reseller's statement, where every entry explains itself (challenge, rule version,
//! the declaration line, and for imports the file and row); and the points card of its home.

use super::ctx::ResellerUser;
use super::error::AppResult;
use super::{chrome_for, AppState};
use crate::challenges::digest::points_digest;
use crate::db::{challenges as store, points as ledger};
use crate::domain::points::def::ChallengeDef;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use maud::Markup;
use relais_templates::components::Pager;
use relais_templates::i18n::Lang;
use relais_templates::pages::challenges::{
    self as pages, PointsCard, StatementLine, StatementView,
};
use serde::Deserialize;
use std::collections::HashMap;

const PER_PAGE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/points", get(statement))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    page: Option<u32>,
}

/// The rule's label in the version that produced an entry ("Tier 2" for tier bonuses).
fn rule_label(
    defs: &HashMap<(i64, i64), ChallengeDef>,
    row: &ledger::StatementRow,
    lang: Lang,
) -> Option<String> {
    let (c, v, i) = (row.challenge_id?, row.version?, row.rule_index? as usize);
    if row.kind == "tier" {
        return Some(format!(
            "{} {}",
            relais_templates::i18n::t(lang, "challenge.tier"),
            i + 1
        ));
    }
    let rule = defs.get(&(c, v))?.rules.get(i)?;
    Some(if rule.label.is_empty() {
        crate::challenges::form::describe(rule, lang == Lang::Fr)
    } else {
        rule.label.clone()
    })
}

async fn statement(
    State(state): State<AppState>,
    r: ResellerUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Markup> {
    let (tenant, reseller) = (r.tenant.id, r.reseller.id);
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = ledger::statement(
        &state.db,
        tenant,
        reseller,
        PER_PAGE as i64,
        ((page - 1) * PER_PAGE) as i64,
    )
    .await?;
    let mut defs: HashMap<(i64, i64), ChallengeDef> = HashMap::new();
    let mut challenges: Vec<i64> = rows.iter().filter_map(|r| r.challenge_id).collect();
    challenges.sort_unstable();
    challenges.dedup();
    for c in challenges {
        for (version, json, _) in store::versions(&state.db, tenant, c).await? {
            if let Ok(def) = serde_json::from_str::<ChallengeDef>(&json) {
                defs.insert((c, version), def);
            }
        }
    }
    let lang = r.ctx.lang;
    let today = super::views::today(&r.tenant.time_zone);
    let digest = points_digest(&state.db, tenant, reseller, today, today).await?;
    let view = StatementView {
        available: digest.available,
        pending: digest.pending,
        expiring_soon: digest.expiring_soon,
        pager: Pager {
            page,
            per_page: PER_PAGE,
            total: total as u64,
        },
        rows: rows
            .iter()
            .map(|e| StatementLine {
                booked_on: e.booked_on,
                kind: e.kind.clone(),
                state: e.state.clone(),
                points: e.points,
                reason: e.reason.clone(),
                challenge: e.challenge_id.zip(e.challenge_name.clone()),
                version: e.version,
                rule: rule_label(&defs, e, lang),
                basis: e.basis,
                rate: e.rate,
                factor_permille: e.factor_permille,
                capped_by: e.capped_by.clone(),
                line: e.line_id.map(|id| {
                    let product = format!(
                        "{} {}",
                        e.product_sku.clone().unwrap_or_default(),
                        e.product_name.clone().unwrap_or_default()
                    );
                    (id, e.sale_date, e.quantity, product.trim().to_string())
                }),
                import: e.import_id.map(|id| {
                    (
                        id,
                        e.import_file.clone().unwrap_or_default(),
                        e.source_sheet.clone(),
                        e.source_row,
                    )
                }),
                reward: e.reward_name.clone(),
                expires_on: e.expires_on,
            })
            .collect(),
    };
    Ok(pages::points_statement(&chrome_for(&r.ctx), &view))
}

/// The points card of the reseller home: balance and rank in each running challenge.
pub async fn card(state: &AppState, r: &ResellerUser) -> AppResult<Markup> {
    let today = super::views::today(&r.tenant.time_zone);
    let d = points_digest(&state.db, r.tenant.id, r.reseller.id, today, today).await?;
    let card = PointsCard {
        available: d.available,
        pending: d.pending,
        challenges: d
            .challenges
            .iter()
            .map(|c| (c.challenge_id, c.name.clone(), c.rank, c.participants))
            .collect(),
    };
    Ok(pages::points_card(r.ctx.lang, &card))
}
