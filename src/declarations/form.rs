//! The web form: a reseller user (source `form`), or a channel manager on a reseller's behalf
//! (source `staff`), prepares a declaration as a draft and submits it explicitly.
//!
//! Draft lines keep the text as typed (`crate::db::declarations::drafts`), so nothing is lost while it has errors, and
//! count nowhere. Checking a draft runs its lines through the import producer as JSON lines —
//! the API's path — so the form has exactly the file imports' validation, product resolution,
//! money completion and review rules. Submitting writes the lines, the roll-ups and the points
//! in one transaction.

use super::pipeline::{produce, Catalogue, Context, CustomerHasher, Feed, Msg};
use super::review::ReviewRules;
use crate::db::declarations::drafts::{self as store, Draft, DraftLine, ProductChoice};
use crate::db::declarations::{self as decl, LineOwner, NewLine, LINE_BATCH};
use crate::db::points::Exec;
use crate::db::{audit, Db};
use crate::domain::network::Source;
use crate::import::analyse::Options;
use crate::import::cell::NumberStyle;
use crate::import::error::ErrorCode;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tokio::sync::mpsc;

/// A declaration typed by hand stays small; files are for more.
pub const MAX_LINES: usize = 500;
/// Longest accepted feedback text, in characters.
pub const MAX_FEEDBACK: usize = 2000;
/// Longest accepted value of the other fields, in characters.
pub const MAX_FIELD: usize = 100;

/// A problem with one field of a line. Field names are the API's (`pipeline::API_FIELDS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The import's own check, with its message in both languages.
    Import(ErrorCode),
    TooLong {
        max: usize,
    },
}

/// What a check found: the lines ready to be written, or the problems by draft line id.
#[derive(Debug, Default)]
pub struct Checked {
    pub lines: Vec<NewLine>,
    pub problems: BTreeMap<i64, Vec<(String, Problem)>>,
    /// The product each line's text names, by draft line id.
    pub products: HashMap<i64, ProductChoice>,
}

/// Who declares, for whom, and with which calendar.
pub struct Declarer<'a> {
    pub tenant_id: i64,
    pub user_id: i64,
    pub source: Source,
    /// The tenant's today: later sale dates are errors.
    pub today: NaiveDate,
    pub secret: &'a str,
    /// The user writes numbers the French way: "1,250" is one and a quarter, "1 250" or
    /// "1.250" a thousand two hundred and fifty.
    pub decimal_comma: bool,
}

/// The codes and names that name a product for this reseller.
pub struct ProductIndex {
    catalogue: Catalogue,
    by_id: HashMap<i64, ProductChoice>,
    /// Folded product name → product ids with that name.
    by_name: HashMap<String, Vec<i64>>,
}

impl ProductIndex {
    pub async fn load(db: &Db, tenant_id: i64, reseller_id: i64) -> anyhow::Result<ProductIndex> {
        let catalogue = Catalogue::new(decl::product_codes(db, tenant_id, reseller_id).await?);
        let products = store::products(db, tenant_id).await?;
        let mut by_name: HashMap<String, Vec<i64>> = HashMap::new();
        for p in &products {
            by_name.entry(fold(&p.name)).or_default().push(p.id);
        }
        Ok(ProductIndex {
            catalogue,
            by_id: products.into_iter().map(|p| (p.id, p)).collect(),
            by_name,
        })
    }

    /// The product a typed text names: a code (SKU, EAN, alias, the reseller's own code), or
    /// else the exact name of exactly one product.
    pub fn resolve(&self, text: &str) -> Option<&ProductChoice> {
        if let Some((id, _)) = self.catalogue.resolve(text) {
            return self.by_id.get(&id);
        }
        match self.by_name.get(&fold(text)).map(Vec::as_slice) {
            Some([id]) => self.by_id.get(id),
            _ => None,
        }
    }

    pub fn get(&self, id: i64) -> Option<&ProductChoice> {
        self.by_id.get(&id)
    }

    /// Active products by name, for the form's product list.
    pub fn active(&self) -> impl Iterator<Item = &ProductChoice> {
        let mut all: Vec<&ProductChoice> = self.by_id.values().filter(|p| p.active).collect();
        all.sort_by(|a, b| a.name.cmp(&b.name).then(a.sku.cmp(&b.sku)));
        all.into_iter()
    }
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// True when a line has nothing the user typed (the date and channel may be prefilled).
pub fn is_blank(v: &store::LineValues, customer_id: &str) -> bool {
    [
        &v.product,
        &v.quantity,
        &v.unit_price,
        &v.amount,
        &v.customer_type,
        &v.customer_postal_code,
        &v.feedback,
        &v.rating,
    ]
    .iter()
    .all(|s| s.trim().is_empty())
        && customer_id.trim().is_empty()
}

/// Checks the draft's lines as an import would, without writing.
pub async fn check(
    db: &Db,
    who: &Declarer<'_>,
    draft: &Draft,
    lines: &[DraftLine],
    products: &ProductIndex,
) -> anyhow::Result<Checked> {
    let mut checked = Checked::default();
    let mut json = Vec::with_capacity(lines.len());
    for l in lines {
        let v = &l.values;
        let product = products.resolve(&v.product);
        if let Some(p) = product {
            checked.products.insert(l.id, p.clone());
        }
        // A name is passed on as the product's SKU, which the catalogue knows.
        let code = product.map_or(v.product.as_str(), |p| p.sku.as_str());
        let mut m = serde_json::Map::new();
        for (field, value) in [
            ("sale_date", v.sale_date.as_str()),
            ("product", code),
            ("quantity", v.quantity.as_str()),
            ("unit_price", v.unit_price.as_str()),
            ("amount", v.amount.as_str()),
            ("customer_type", v.customer_type.as_str()),
            ("customer_postal_code", v.customer_postal_code.as_str()),
            ("channel", v.channel.as_str()),
            ("feedback", v.feedback.as_str()),
            ("rating", v.rating.as_str()),
        ] {
            m.insert(field.into(), serde_json::Value::String(value.to_string()));
            let max = if field == "feedback" {
                MAX_FEEDBACK
            } else {
                MAX_FIELD
            };
            if value.chars().count() > max {
                checked
                    .problems
                    .entry(l.id)
                    .or_default()
                    .push((field.into(), Problem::TooLong { max }));
            }
        }
        json.push(m);
    }
    let mut options = Options::new(who.today);
    options.period = draft.period();
    if who.decimal_comma {
        options.text_numbers = NumberStyle::DecimalComma;
    }
    let context = Arc::new(Context {
        catalogue: Catalogue::new(decl::product_codes(db, who.tenant_id, draft.reseller_id).await?),
        review: ReviewRules::new(
            decl::approved_quantities(db, who.tenant_id, draft.reseller_id).await?,
            who.today,
        ),
        customers: CustomerHasher::new(who.secret, who.tenant_id),
        options,
    });
    let (sender, mut rx) = mpsc::channel::<Msg>(4);
    let feed = Feed::Lines(Arc::new(json));
    let producer = tokio::task::spawn_blocking(move || produce(feed, context, sender));
    while let Some(msg) = rx.recv().await {
        let Msg::Batch(batch) = msg else { continue };
        for e in batch.errors {
            let Some(line) = (e.row as usize).checked_sub(1).and_then(|i| lines.get(i)) else {
                continue;
            };
            checked
                .problems
                .entry(line.id)
                .or_default()
                .push((e.column.unwrap_or_default(), Problem::Import(e.code)));
        }
        for mut l in batch.lines {
            // The producer numbers lines from 1 in the order given, which is the draft's.
            let draft_line = l
                .source_row
                .and_then(|row| (row as usize).checked_sub(1))
                .and_then(|i| lines.get(i))
                .ok_or_else(|| anyhow::anyhow!("line without its draft row"))?;
            l.source_sheet = None;
            l.customer_hash = draft_line.customer_hash.clone();
            checked.lines.push(l);
        }
    }
    producer
        .await?
        .map_err(|e| anyhow::anyhow!("reading form lines: {e}"))?;
    Ok(checked)
}

/// The outcome of a submit.
#[derive(Debug)]
pub enum Submitted {
    /// The lines are committed: how many, and how many wait for review.
    Done { lines: u64, pending: u64 },
    /// Nothing was written; the problems are by draft line.
    Invalid(Checked),
    /// The draft has no line.
    Empty,
    /// The draft was submitted meanwhile (a double click, another tab): nothing was written.
    Gone,
    /// The draft's lines were saved meanwhile (another tab), after they were checked: nothing
    /// was written, the user checks the draft again.
    Changed,
}

/// Checks the draft and, when every line is valid, writes its lines in one transaction with
/// their roll-ups and points; the draft becomes a submitted declaration. The caller announces
/// the new sales after this returns `Done`.
pub async fn submit(db: &Db, who: &Declarer<'_>, draft: &Draft) -> anyhow::Result<Submitted> {
    let lines = store::lines(Exec::Db(db), who.tenant_id, draft.id).await?;
    if lines.is_empty() {
        // A submit that just finished took the lines with it.
        return Ok(if store::is_draft(db, who.tenant_id, draft.id).await? {
            Submitted::Empty
        } else {
            Submitted::Gone
        });
    }
    let products = ProductIndex::load(db, who.tenant_id, draft.reseller_id).await?;
    let checked = check(db, who, draft, &lines, &products).await?;
    if !checked.problems.is_empty() || checked.lines.len() != lines.len() {
        return Ok(Submitted::Invalid(checked));
    }
    let from = checked.lines.iter().map(|l| l.sale_date).min();
    let to = checked.lines.iter().map(|l| l.sale_date).max();
    let Some(dates) = draft.period().or(from.zip(to)) else {
        return Ok(Submitted::Empty);
    };
    let mut tx = db.begin().await?;
    crate::db::network::lock_resellers(&mut tx, who.tenant_id, &[draft.reseller_id]).await?;
    if store::mark_submitted(&mut tx, who.tenant_id, draft.id, dates).await? == 0 {
        return Ok(Submitted::Gone);
    }
    // The lines were checked before the transaction: they must still be the ones written.
    if store::lines(Exec::Tx(&mut tx), who.tenant_id, draft.id).await? != lines {
        return Ok(Submitted::Changed);
    }
    let owner = LineOwner {
        tenant_id: who.tenant_id,
        reseller_id: draft.reseller_id,
        declaration_id: draft.id,
        import_id: None,
        source: who.source.as_str(),
        created_at: crate::db::now(),
    };
    for chunk in checked.lines.chunks(LINE_BATCH) {
        decl::insert_lines(&mut tx, owner, chunk).await?;
    }
    let ids = store::line_ids(&mut tx, who.tenant_id, draft.id).await?;
    store::clear_lines(&mut tx, who.tenant_id, draft.id).await?;
    super::effects::lines_changed(&mut tx, who.tenant_id, &ids).await?;
    let pending = checked
        .lines
        .iter()
        .filter(|l| l.review_status == "pending")
        .count() as u64;
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(who.tenant_id),
            user_id: Some(who.user_id),
            action: "submit",
            entity: "declaration",
            entity_id: draft.id.to_string(),
            detail: serde_json::json!({
                "reseller_id": draft.reseller_id, "source": who.source.as_str(),
                "lines": ids.len(), "pending_review": pending,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Submitted::Done {
        lines: ids.len() as u64,
        pending,
    })
}
