//! Payout exports: the points liability per reseller and the reward orders (CSV or XLSX through
//! `export::table`), and the FEC journal of a period read from the ledger and the orders.

use super::fec::{self, Movement};
use super::Cell;
use crate::config::PayoutsSettings;
use crate::db::{points, rewards, Db};
use chrono::NaiveDate;

pub const LIABILITY_HEADERS: [&str; 5] = [
    "code",
    "reseller",
    "available_points",
    "pending_points",
    "value",
];

/// One row per reseller holding points on `as_of`; the value is at `point_value_cents`.
pub async fn liability_rows(
    db: &Db,
    tenant_id: i64,
    as_of: NaiveDate,
    point_value_cents: i64,
    currency: &str,
) -> Result<Vec<Vec<Cell>>, sqlx::Error> {
    Ok(points::liability(db, tenant_id, as_of)
        .await?
        .into_iter()
        .filter(|r| r.available != 0 || r.pending != 0)
        .map(|r| {
            vec![
                Cell::Text(r.code),
                Cell::Text(r.name),
                Cell::Integer(r.available),
                Cell::Integer(r.pending),
                Cell::Money {
                    cents: r.available * point_value_cents,
                    currency: currency.to_string(),
                },
            ]
        })
        .collect())
}

pub const REDEMPTION_HEADERS: [&str; 8] = [
    "id", "code", "reseller", "reward", "points", "status", "ordered", "shipped",
];

pub async fn redemption_rows(
    db: &Db,
    tenant_id: i64,
    tz: &str,
) -> Result<Vec<Vec<Cell>>, sqlx::Error> {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Europe::Paris);
    let day = |ts: Option<i64>| {
        ts.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map_or(Cell::Empty, |t| {
                Cell::Date(t.with_timezone(&tz).date_naive())
            })
    };
    Ok(rewards::list_redemptions(db, tenant_id, None, i64::MAX)
        .await?
        .into_iter()
        .rev()
        .map(|r| {
            vec![
                Cell::Integer(r.id),
                Cell::Text(r.reseller_code),
                Cell::Text(r.reseller_name),
                Cell::Text(r.reward_name),
                Cell::Integer(r.points),
                Cell::Text(r.status),
                day(Some(r.created_at)),
                day(r.shipped_at),
            ]
        })
        .collect())
}

/// The FEC journal of `[from, to]` for a tenant.
pub async fn fec(
    db: &Db,
    tenant_id: i64,
    tz: &str,
    p: &PayoutsSettings,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<String, sqlx::Error> {
    let mut moves = Vec::new();
    for m in points::movements(db, tenant_id, from, to).await? {
        match (m.state.as_str(), m.challenge_id) {
            ("confirmed" | "reversed", Some(challenge_id)) => moves.push(Movement::Earned {
                date: m.booked_on,
                challenge_id,
                challenge: m.challenge_name.unwrap_or_default(),
                points: m.points,
                point_value_cents: m.point_value_cents.unwrap_or(p.point_value_cents),
            }),
            ("expired", _) => moves.push(Movement::Expired {
                date: m.booked_on,
                points: m.points,
            }),
            _ => {}
        }
    }
    // Net each challenge's day: confirmed and reversed rows of one day and challenge are one entry.
    moves = net_earned(moves);
    for (date, redemption_id, reward, pts) in
        rewards::shipped_between(db, tenant_id, from, to, tz).await?
    {
        moves.push(Movement::Shipped {
            date,
            redemption_id,
            reward,
            points: pts,
        });
    }
    moves.sort_by_key(|m| match m {
        Movement::Earned { date, .. }
        | Movement::Shipped { date, .. }
        | Movement::Expired { date, .. } => *date,
    });
    Ok(fec::render(p, &fec::entries(p, &moves)))
}

fn net_earned(moves: Vec<Movement>) -> Vec<Movement> {
    let mut out: Vec<Movement> = Vec::new();
    for m in moves {
        if let Movement::Earned {
            date,
            challenge_id,
            points,
            ..
        } = &m
        {
            if let Some(Movement::Earned { points: total, .. }) = out.iter_mut().find(
                |o| matches!(o, Movement::Earned { date: d, challenge_id: c, .. } if d == date && c == challenge_id),
            ) {
                *total += points;
                continue;
            }
        }
        out.push(m);
    }
    out
}
