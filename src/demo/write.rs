//! Writing imports, declarations and lines in bulk: multi-row inserts of one fixed shape on
//! SQLite, `COPY ... FROM STDIN` on PostgreSQL; one transaction per chunk.

use super::network::TenantPlan;
use super::sales::{Chunk, CreatedBy, Review};
use super::setup::Ids;
use crate::db::bulk::{append, V};
use crate::db::demo::reserve_ids;
use crate::db::Db;

const IMPORT_COLUMNS: &[&str] = &[
    "id",
    "tenant_id",
    "reseller_id",
    "user_id",
    "kind",
    "filename",
    "content_hash",
    "size_bytes",
    "status",
    "sheet",
    "period_start",
    "period_end",
    "summary_json",
    "created_at",
    "committed_at",
];
const DECLARATION_COLUMNS: &[&str] = &[
    "id",
    "tenant_id",
    "reseller_id",
    "period_start",
    "period_end",
    "status",
    "source",
    "import_id",
    "created_by",
    "created_at",
    "submitted_at",
];
const LINE_COLUMNS: &[&str] = &[
    "tenant_id",
    "reseller_id",
    "declaration_id",
    "product_id",
    "sale_date",
    "quantity",
    "unit_price_cents",
    "amount_cents",
    "customer_type",
    "customer_postal_code",
    "customer_region",
    "customer_hash",
    "channel",
    "feedback",
    "rating",
    "source",
    "import_id",
    "source_sheet",
    "source_row",
    "review_status",
    "review_reason",
    "reviewed_by",
    "reviewed_at",
    "created_at",
];

/// The rows of a chunk, as values in the column order above.
struct Rows<'q> {
    plan: &'q TenantPlan,
    ids: &'q Ids,
    chunk: &'q Chunk,
    declaration_ids: Vec<i64>,
    import_ids: Vec<Option<i64>>,
    summaries: Vec<String>,
    /// Declaration indexes that have an import.
    with_import: Vec<usize>,
}

impl<'q> Rows<'q> {
    fn import(&'q self, i: usize) -> [V<'q>; 15] {
        let d = &self.chunk.declarations[self.with_import[i]];
        let imp = d.import.as_ref().expect("declaration with an import");
        let r = d.reseller as usize;
        [
            V::I(self.import_ids[self.with_import[i]]),
            V::I(Some(self.ids.tenant)),
            V::I(Some(self.ids.resellers[r])),
            V::I(self.ids.reseller_users[r]),
            V::T(Some("declarations")),
            V::T(Some(&imp.filename)),
            V::T(Some(&imp.content_hash)),
            V::I(Some(imp.size_bytes)),
            V::T(Some("committed")),
            V::T(Some("Ventes")),
            V::T(Some(self.ids.date(d.period.start))),
            V::T(Some(self.ids.date(d.period.end))),
            V::T(Some(&self.summaries[self.with_import[i]])),
            V::I(Some(imp.created_at)),
            V::I(Some(d.created_at)),
        ]
    }

    fn declaration(&'q self, i: usize) -> [V<'q>; 11] {
        let d = &self.chunk.declarations[i];
        let r = d.reseller as usize;
        let created_by = match d.created_by {
            CreatedBy::ResellerUser => self.ids.reseller_users[r],
            CreatedBy::Manager => Some(self.ids.staff[self.plan.resellers[r].manager]),
            CreatedBy::Nobody => None,
        };
        [
            V::I(Some(self.declaration_ids[i])),
            V::I(Some(self.ids.tenant)),
            V::I(Some(self.ids.resellers[r])),
            V::T(Some(self.ids.date(d.period.start))),
            V::T(Some(self.ids.date(d.period.end))),
            V::T(Some("submitted")),
            V::T(Some(d.source.as_str())),
            V::I(self.import_ids[i]),
            V::I(created_by),
            V::I(Some(d.created_at)),
            V::I(Some(d.created_at)),
        ]
    }

    fn line(&'q self, i: usize) -> [V<'q>; 24] {
        let l = &self.chunk.lines[i];
        let d = &self.chunk.declarations[l.decl as usize];
        let r = d.reseller as usize;
        let reseller = &self.plan.resellers[r];
        let (status, reason, reviewed_by, reviewed_at) = match l.review {
            Review::Approved => ("approved", None, None, None),
            Review::Pending => ("pending", None, None, None),
            Review::Rejected(reason, at) => (
                "rejected",
                Some(reason),
                Some(self.ids.staff[reseller.manager]),
                Some(at),
            ),
        };
        let import = self.import_ids[l.decl as usize];
        [
            V::I(Some(self.ids.tenant)),
            V::I(Some(self.ids.resellers[r])),
            V::I(Some(self.declaration_ids[l.decl as usize])),
            V::I(Some(self.ids.products[l.product as usize])),
            V::T(Some(self.ids.date(l.sale_date))),
            V::I(Some(l.quantity)),
            V::I(Some(l.unit_price_cents)),
            V::I(Some(l.quantity * l.unit_price_cents)),
            V::T(l.customer_type),
            V::T(l.postal.as_deref()),
            V::T(l.region),
            V::T(l.customer.map(|c| reseller.customers[c as usize].as_str())),
            V::T(Some(l.channel)),
            V::T(l.feedback.map(|(text, _)| text)),
            V::I(l.feedback.map(|(_, rating)| rating as i64)),
            V::T(Some(d.source.as_str())),
            V::I(import),
            V::T(import.map(|_| "Ventes")),
            V::I(l.source_row),
            V::T(Some(status)),
            V::T(reason),
            V::I(reviewed_by),
            V::I(reviewed_at),
            V::I(Some(d.created_at)),
        ]
    }
}

/// Writes a chunk of declarations and their lines in one transaction.
pub async fn chunk(db: &Db, plan: &TenantPlan, ids: &Ids, chunk: &Chunk) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let n_decl = chunk.declarations.len();
    let with_import: Vec<usize> = (0..n_decl)
        .filter(|&i| chunk.declarations[i].import.is_some())
        .collect();
    let import_id_list = reserve_ids(&mut tx, "imports", with_import.len()).await?;
    let declaration_ids = reserve_ids(&mut tx, "declarations", n_decl).await?;
    let mut import_ids = vec![None; n_decl];
    for (k, &i) in with_import.iter().enumerate() {
        import_ids[i] = Some(import_id_list[k]);
    }
    let mut counts = vec![0usize; n_decl];
    for l in &chunk.lines {
        counts[l.decl as usize] += 1;
    }
    let summaries = counts
        .iter()
        .map(|n| format!("{{\"lines\":{n}}}"))
        .collect();
    let rows = Rows {
        plan,
        ids,
        chunk,
        declaration_ids,
        import_ids,
        summaries,
        with_import,
    };
    let n_imp = rows.with_import.len();
    append(&mut tx, "imports", IMPORT_COLUMNS, n_imp, |i| {
        rows.import(i)
    })
    .await?;
    append(&mut tx, "declarations", DECLARATION_COLUMNS, n_decl, |i| {
        rows.declaration(i)
    })
    .await?;
    append(
        &mut tx,
        "declaration_lines",
        LINE_COLUMNS,
        chunk.lines.len(),
        |i| rows.line(i),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
