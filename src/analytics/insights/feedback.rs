//! Customer feedback declared with the sales: ratings per product and the latest comments,
//! searchable.

use crate::analytics::filter::SalesFilter;
use crate::db::analytics::insights::{self, Comment, ProductRatings};
use crate::db::Db;

/// Comments shown (and downloaded) at most.
pub const MAX_COMMENTS: i64 = 200;

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
    let mut products = insights::product_ratings(db, tenant_id, filter).await?;
    products.sort_by(|a, b| {
        b.average()
            .unwrap_or(0.0)
            .total_cmp(&a.average().unwrap_or(0.0))
            .then_with(|| b.ratings.cmp(&a.ratings))
            .then_with(|| a.sku.cmp(&b.sku))
    });
    let comments = insights::comments(db, tenant_id, filter, search, MAX_COMMENTS).await?;
    Ok(Feedback { products, comments })
}
