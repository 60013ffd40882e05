//! Customer feedback declared with the sales: ratings per product and the latest comments,
//! searchable.

use super::{line_conditions, over_lines};
use crate::analytics::filter::SalesFilter;
use crate::db::{Db, Param};
use chrono::NaiveDate;

/// Comments shown (and downloaded) at most.
pub const MAX_COMMENTS: i64 = 200;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ProductRatings {
    pub sku: String,
    pub name: String,
    /// Lines with a rating.
    pub ratings: i64,
    pub rating_sum: i64,
    /// Lines with a written comment.
    pub comments: i64,
    pub stars_1: i64,
    pub stars_2: i64,
    pub stars_3: i64,
    pub stars_4: i64,
    pub stars_5: i64,
}

impl ProductRatings {
    pub fn average(&self) -> Option<f64> {
        (self.ratings > 0).then(|| self.rating_sum as f64 / self.ratings as f64)
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Comment {
    pub day: NaiveDate,
    pub reseller_code: String,
    pub reseller_name: String,
    pub sku: String,
    pub product_name: String,
    pub rating: Option<i64>,
    pub feedback: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub products: Vec<ProductRatings>,
    pub comments: Vec<Comment>,
}

/// Ratings per product (best average first) and the latest comments containing `search`
/// (case-insensitive; empty: all).
pub async fn feedback(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    search: &str,
) -> Result<Feedback, sqlx::Error> {
    let mut w = line_conditions(tenant_id, filter);
    w.and_raw("(s.rating is not null or coalesce(s.feedback, '') <> '')");
    let star = |n: u8| {
        format!("cast(sum(case when s.rating = {n} then 1 else 0 end) as bigint) as stars_{n}")
    };
    let select = format!(
        "select p.sku, p.name, count(s.rating) as ratings, cast(coalesce(sum(s.rating), 0) as bigint) as rating_sum, \
         cast(sum(case when coalesce(s.feedback, '') <> '' then 1 else 0 end) as bigint) as comments, {}",
        (1..=5).map(star).collect::<Vec<_>>().join(", ")
    );
    let mut products: Vec<ProductRatings> =
        over_lines(db, &select, &w, "group by p.sku, p.name").await?;
    products.sort_by(|a, b| {
        b.average()
            .unwrap_or(0.0)
            .total_cmp(&a.average().unwrap_or(0.0))
            .then_with(|| b.ratings.cmp(&a.ratings))
            .then_with(|| a.sku.cmp(&b.sku))
    });

    let mut w = line_conditions(tenant_id, filter);
    w.and_raw("coalesce(s.feedback, '') <> ''");
    let search = search.trim();
    if !search.is_empty() {
        let escaped = search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        w.and(
            "lower(s.feedback) like {} escape '\\'",
            Param::Text(format!("%{escaped}%")),
        );
    }
    let tail = format!("order by s.day desc, s.id desc limit {MAX_COMMENTS}");
    let comments: Vec<Comment> = over_lines(
        db,
        "select s.day, r.code as reseller_code, r.name as reseller_name, p.sku, p.name as product_name, \
         s.rating, s.feedback",
        &w,
        &tail,
    )
    .await?;
    Ok(Feedback { products, comments })
}
