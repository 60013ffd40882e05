//! Demo challenges for every tenant: a closed challenge with frozen results, a running one with
//! several rules, leagues, tiers and caps, a rewards catalogue, and reward orders in every state.
//! Called at the end of the demo generator, once the declarations exist.

use crate::db::challenges::Header;
use crate::db::rewards::{self as store, RewardInput};
use crate::db::Db;
use crate::domain::points::def::ChallengeDef;
use anyhow::Context;
use chrono::{Datelike, Months, NaiveDate};

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn def(
    start: NaiveDate,
    end: NaiveDate,
    category: &str,
    rich: bool,
) -> anyhow::Result<ChallengeDef> {
    let mut rules = vec![
        serde_json::json!({ "label": format!("{category} : 2 pts / unité"), "kind": "per_unit", "points": 2, "products": { "categories": [category] } }),
        serde_json::json!({ "label": "1 pt / 10 €", "kind": "per_amount", "points": 1, "per_cents": 1000 }),
    ];
    if rich {
        rules.push(serde_json::json!({ "label": "Client ou avis renseigné", "kind": "quality", "points": 3, "requires": "either" }));
        rules.push(serde_json::json!({ "label": "Déclaré sous 10 jours", "kind": "timeliness", "points": 2, "within_days": 10 }));
        rules.push(serde_json::json!({ "label": "Multi-marques ×1,5", "kind": "multiplier", "factor_permille": 1500, "segment": { "brand_organisations": ["Multi"] } }));
    }
    let value = serde_json::json!({
        "id": 0, "start": start, "end": end, "version": 1,
        "eligibility": { "statuses": ["Active"] },
        "league_mode": if rich { "type_and_potential" } else { "none" },
        "rules": rules,
        "tiers": { "basis": "units", "cumulative": true, "payout": "flat",
                   "levels": [ { "threshold": 40, "bonus": 150 }, { "threshold": 120, "bonus": 500 } ] },
        "caps": if rich { serde_json::json!({ "per_participant": 30000, "per_participant_month": 8000 }) } else { serde_json::json!({}) }
    });
    serde_json::from_value(value).context("demo challenge definition")
}

/// Adds the challenges, rewards and redemptions to every tenant of a fresh demo database.
pub async fn generate(db: &Db, today: NaiveDate) -> anyhow::Result<()> {
    for tenant in crate::db::tenants::list(db).await? {
        let category = crate::db::demo::top_category(db, tenant.id)
            .await?
            .unwrap_or_default();
        let closed_start = month_start(today)
            .checked_sub_months(Months::new(6))
            .unwrap_or(today);
        let closed_end = month_start(today)
            .checked_sub_months(Months::new(3))
            .and_then(|d| d.pred_opt())
            .unwrap_or(today);
        let header =
            |name: &'static str, description: &'static str, start, end, show_names| Header {
                name,
                description,
                start,
                end,
                show_names,
                point_value_cents: 1,
                validity_months: None,
            };
        let closed = super::create(
            db,
            tenant.id,
            None,
            &header(
                "Challenge d’automne",
                "Le challenge du trimestre dernier : résultats figés.",
                closed_start,
                closed_end,
                true,
            ),
            &def(closed_start, closed_end, &category, false)?,
        )
        .await?;
        super::launch(db, tenant.id, closed, None).await?;
        super::close(db, tenant.id, closed, None).await?;
        let start = month_start(today)
            .checked_sub_months(Months::new(2))
            .unwrap_or(today);
        let end = month_start(today)
            .checked_add_months(Months::new(2))
            .and_then(|d| d.pred_opt())
            .unwrap_or(today);
        let running = super::create(
            db,
            tenant.id,
            None,
            &header("Challenge de saison", "Points par unité et par montant, bonus qualité et rapidité, ligues par type et potentiel.", start, end, false),
            &def(start, end, &category, true)?,
        )
        .await?;
        super::launch(db, tenant.id, running, None).await?;
        rewards(db, tenant.id).await?;
    }
    Ok(())
}

async fn rewards(db: &Db, tenant_id: i64) -> anyhow::Result<()> {
    let catalogue: [(&str, &str, i64, Option<i64>); 5] = [
        (
            "Mug Relais",
            "Un mug aux couleurs de la marque.",
            300,
            Some(200),
        ),
        (
            "Carte cadeau 20 €",
            "Valable dans les grandes enseignes.",
            2_000,
            None,
        ),
        (
            "Veste de travail",
            "Veste softshell brodée.",
            4_500,
            Some(30),
        ),
        (
            "Journée de formation",
            "Une journée chez le fabricant, déjeuner compris.",
            9_000,
            Some(10),
        ),
        (
            "Week-end découverte",
            "Deux nuits pour deux personnes.",
            40_000,
            Some(2),
        ),
    ];
    let mut ids = Vec::new();
    let mut tx = db.begin().await?;
    for (name, description, cost, stock) in catalogue {
        ids.push(
            store::insert(
                &mut tx,
                tenant_id,
                &RewardInput {
                    name,
                    description,
                    points_cost: cost,
                    stock,
                    active: true,
                },
            )
            .await?,
        );
    }
    tx.commit().await?;
    // Orders in every state, placed by the resellers with the most confirmed points.
    let rich = crate::db::demo::richest_resellers(db, tenant_id).await?;
    for (i, reseller) in rich.iter().enumerate() {
        let Ok(order) = super::redeem(db, tenant_id, *reseller, None, ids[0], None).await else {
            continue;
        };
        let outcome = match i % 4 {
            0 => Ok(()),
            1 => super::set_redemption_status(db, tenant_id, order, "approved", None).await,
            2 => super::set_redemption_status(db, tenant_id, order, "shipped", None).await,
            _ => super::cancel_redemption(db, tenant_id, order, None).await,
        };
        outcome.map_err(|e| anyhow::anyhow!("demo redemption: {e}"))?;
        if let Ok(second) = super::redeem(db, tenant_id, *reseller, None, ids[1], None).await {
            super::set_redemption_status(db, tenant_id, second, "shipped", None)
                .await
                .map_err(|e| anyhow::anyhow!("demo redemption: {e}"))?;
        }
    }
    Ok(())
}
