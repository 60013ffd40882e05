//! The consumer side of an import and the one write transaction.
//!
//! `commit_import` owns the transaction: the import row (marked committed first, so the unique
//! index `imports_committed_hash` refuses a concurrent commit of the same file before any line
//! is written), the declaration, every line and row error streamed in batches, the replaced
//! period, the mapping memory and the audit entry. Either all of it is committed or none.

use super::effects::Change;
use super::guard::Guard;
use super::pipeline::{
    produce, Analysed, Batch, Catalogue, Context, CustomerHasher, Feed, Input, Msg,
};
use super::review::ReviewRules;
use super::{
    mapping_from_json, mapping_to_json, Report, ReportError, Request, Status, UnknownProduct,
};
use super::{MAX_REPORTED_ERRORS, MAX_UNKNOWN_CODES};
use crate::analytics::rollup::Added;
use crate::db::declarations::{
    self as store, LineOwner, NewDeclaration, NewImport, StoredRowError, LINE_BATCH,
};
use crate::db::{self, audit, Db, Tx};
use crate::import::analyse::{analyse_sheets, Analysis, Options};
use crate::import::error::ReadError;
use crate::import::mapping::{ColumnRef, Field};
use crate::import::read_error_message;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Called after each batch with the rows read so far (lines and rejected rows) and, when the
/// file declares it, how many it says it has (an estimate: the count may end above or below).
pub type Progress<'a> = &'a (dyn Fn(u64, Option<u64>) + Send + Sync);

/// Logs how long each step of an import took, at debug level
/// (`RELAIS_LOG=relais::declarations=debug`): the phases the import benchmark is read by.
struct Clock(Instant);

impl Clock {
    fn start() -> Clock {
        Clock(Instant::now())
    }

    fn lap(&mut self, phase: &str) {
        tracing::debug!(
            phase,
            ms = self.0.elapsed().as_millis() as u64,
            "import phase"
        );
        self.0 = Instant::now();
    }
}

/// Where the consumer writes; None for a dry run.
struct Sink<'a> {
    tx: &'a mut Tx,
    owner: LineOwner<'a>,
    import_id: i64,
    /// The approved lines written, summed as the roll-ups group them.
    added: Added,
}

/// Reads the input through without writing: the preview, `--dry-run`, and the overlap question.
pub async fn plan(db: &Db, secret: &str, req: &Request) -> anyhow::Result<Report> {
    if let Some(r) = duplicate(db, req).await? {
        return Ok(r);
    }
    let (ctx, feed) = prepare(db, secret, req).await?;
    let (mut report, _) = run(ctx, feed, req, None, None).await?;
    if report.status != Status::Refused {
        report.status = Status::DryRun;
        if let (Some(from), Some(to)) = (report.date_from, report.date_to) {
            report.overlapping_lines =
                store::count_lines_in(db, req.tenant_id, req.reseller_id, from, to).await?;
        }
    }
    Ok(report)
}

/// A web upload: plans it and keeps it as a pending import (file, options, preview, one-time
/// commit token) until the user commits. Unreadable files and duplicates store nothing; a file
/// whose required columns were not found is kept, so that the user can map them.
pub async fn stage(db: &Db, secret: &str, req: &Request) -> anyhow::Result<Report> {
    let mut report = plan(db, secret, req).await?;
    let keep = match report.status {
        Status::DryRun => true,
        Status::Refused => !report.missing_columns.is_empty(),
        _ => false,
    };
    let Input::File { bytes, .. } = &req.input else {
        return Ok(report);
    };
    if !keep {
        return Ok(report);
    }
    let hash = req.input.content_hash();
    let mut tx = db.begin().await?;
    let import_id = store::insert_import(&mut tx, &new_import(req, &hash)).await?;
    store::store_file(&mut tx, req.tenant_id, import_id, bytes).await?;
    report.import_id = Some(import_id);
    report.status = Status::Pending;
    save_details(&mut tx, req, import_id, &report, &req.mapping).await?;
    store::renew_commit_token(&mut tx, req.tenant_id, import_id).await?;
    tx.commit().await?;
    Ok(report)
}

/// Plans a pending import again after a correction (mapping, product matches) and keeps the
/// new preview and mapping with it.
pub async fn restage(
    db: &Db,
    secret: &str,
    req: &Request,
    import_id: i64,
) -> anyhow::Result<Report> {
    let mut report = plan(db, secret, req).await?;
    if matches!(report.status, Status::DryRun | Status::Refused) {
        report.import_id = Some(import_id);
        report.status = if report.status == Status::DryRun {
            Status::Pending
        } else {
            Status::Refused
        };
        let mut tx = db.begin().await?;
        // A commit form shown before this correction would commit what the user no longer
        // sees: it gets a new token. An import committed meanwhile keeps its details.
        if store::renew_commit_token(&mut tx, req.tenant_id, import_id)
            .await?
            .is_some()
        {
            save_details(&mut tx, req, import_id, &report, &req.mapping).await?;
            tx.commit().await?;
        }
    }
    Ok(report)
}

/// Commits an import in one transaction: a new one (CLI, API) or a staged one
/// ([`Guard::Staged`]).
///
/// The transaction first locks the reseller (see `db::network::lock_resellers`), then marks the
/// import committed with a conditional update whose row count is checked: whatever arrives twice
/// finds the work done and gets a `Duplicate` report (`duplicate_of` naming the import), or
/// `Stale` for a staged import's outdated preview, and writes nothing.
///
/// Points and analytics roll-ups belong in this transaction too: call them after the lines and
/// the replaced period are written (see the marked place below), with `tx`, the import id and
/// the declaration id, so that a failure there rolls the whole import back.
pub async fn commit_import(
    db: &Db,
    secret: &str,
    req: &Request,
    guard: Option<Guard<'_>>,
    progress: Option<Progress<'_>>,
) -> anyhow::Result<Report> {
    let mut clock = Clock::start();
    if let Some(r) = duplicate(db, req).await? {
        return Ok(r);
    }
    clock.lap("duplicate check");
    let (ctx, feed) = prepare(db, secret, req).await?;
    clock.lap("prepare");
    let hash = req.input.content_hash();
    let mut tx = db.begin().await?;
    db::network::lock_resellers(&mut tx, req.tenant_id, &[req.reseller_id]).await?;
    if let Some(Guard::Keyed(key)) = guard {
        let owner = (req.tenant_id, req.reseller_id);
        if !store::claim_idempotency_key(&mut tx, owner, &key.key, &key.request_hash).await? {
            drop(tx);
            return Ok(Report::new(Status::Duplicate, &req.currency));
        }
    }
    let (import_id, commit_token) = match guard {
        Some(Guard::Staged {
            import_id,
            commit_token,
        }) => (import_id, commit_token),
        _ => (
            store::insert_import(&mut tx, &new_import(req, &hash)).await?,
            "",
        ),
    };
    match store::mark_committed(&mut tx, req.tenant_id, import_id, commit_token).await {
        Err(e) if db::is_unique_violation(&e) => {
            drop(tx);
            return Ok(duplicate(db, req)
                .await?
                .unwrap_or_else(|| Report::new(Status::Duplicate, &req.currency)));
        }
        Ok(0) => {
            drop(tx);
            return super::guard::not_pending(db, req, import_id).await;
        }
        other => other?,
    };
    let staged = matches!(guard, Some(Guard::Staged { .. }));
    if let (false, Input::File { bytes, .. }) = (staged, &req.input) {
        store::store_file(&mut tx, req.tenant_id, import_id, bytes).await?;
    }
    clock.lap("import row and file");
    let source = req.source.as_str();
    let declaration_id = store::insert_declaration(
        &mut tx,
        &NewDeclaration {
            tenant_id: req.tenant_id,
            reseller_id: req.reseller_id,
            period: req.period,
            status: "submitted",
            source,
            import_id: Some(import_id),
            created_by: req.user_id,
        },
    )
    .await?;
    let owner = LineOwner {
        tenant_id: req.tenant_id,
        reseller_id: req.reseller_id,
        declaration_id,
        import_id: Some(import_id),
        source,
        created_at: db::now(),
    };
    let mut sink = Sink {
        tx: &mut tx,
        owner,
        import_id,
        added: Added::default(),
    };
    let (mut report, mapping) = run(ctx, feed, req, Some(&mut sink), progress).await?;
    let added = sink.added;
    clock.lap("lines");
    if report.status == Status::Refused {
        // Dropping the transaction rolls back every line written so far.
        drop(tx);
        return Ok(report);
    }
    if let (Some(from), Some(to)) = (report.date_from, report.date_to) {
        if req.overlap == super::Overlap::Replace {
            let reason = format!("replaced:{import_id}");
            report.replaced_lines = store::withdraw_period(
                &mut tx,
                req.tenant_id,
                req.reseller_id,
                from,
                to,
                declaration_id,
                &reason,
            )
            .await?;
        }
        if req.period.is_none() {
            store::set_declaration_period(&mut tx, req.tenant_id, declaration_id, (from, to))
                .await?;
        }
    }
    // Roll-ups and points follow the lines in the same transaction: a failure there rolls the
    // whole import back. When the import only added lines, their sums (gathered while they
    // were written) are added to the roll-ups; after a replacement, or when there were too
    // many groups to keep, the range is recomputed from the lines. The range covers the
    // replaced period too (it is the same dates).
    if let (Some(from), Some(to)) = (report.date_from, report.date_to) {
        let change = if report.replaced_lines == 0 && added.is_complete() {
            Change::Added(&added)
        } else {
            Change::Range
        };
        super::effects::import_committed(
            &mut tx,
            (req.tenant_id, req.reseller_id),
            source,
            (from, to),
            change,
        )
        .await?;
    }
    clock.lap("period, roll-ups and points");
    report.status = Status::Committed;
    report.import_id = Some(import_id);
    save_details(&mut tx, req, import_id, &report, &mapping).await?;
    if let Some(signature) = &report.header_signature {
        store::remember_mapping(
            &mut tx,
            req.tenant_id,
            req.reseller_id,
            signature,
            &mapping_to_json(&mapping),
        )
        .await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            tenant_id: Some(req.tenant_id),
            user_id: req.user_id,
            action: "commit",
            entity: "import",
            entity_id: import_id.to_string(),
            detail: serde_json::json!({
                "reseller_id": req.reseller_id, "source": source, "file": req.input.filename(),
                "accepted": report.accepted, "rejected": report.rejected, "pending_review": report.pending_review,
                "quantity_total": report.quantity_total, "amount_total_cents": report.amount_total,
                "replaced_lines": report.replaced_lines,
            }),
        },
    )
    .await?;
    if let Some(Guard::Keyed(key)) = guard {
        let response = (
            i64::from(key.committed_status),
            serde_json::to_string(&report)?,
        );
        let owner = (req.tenant_id, req.reseller_id);
        store::remember_in(&mut tx, owner, &key.key, (response.0, &response.1)).await?;
    }
    clock.lap("details, mapping and audit");
    tx.commit().await?;
    clock.lap("commit");
    Ok(report)
}

fn new_import<'a>(req: &'a Request, hash: &'a str) -> NewImport<'a> {
    NewImport {
        tenant_id: req.tenant_id,
        reseller_id: req.reseller_id,
        user_id: req.user_id,
        filename: req.input.filename(),
        content_hash: hash,
        size_bytes: req.input.size(),
        status: "pending",
    }
}

async fn save_details(
    tx: &mut Tx,
    req: &Request,
    import_id: i64,
    report: &Report,
    mapping: &[(Field, ColumnRef)],
) -> anyhow::Result<()> {
    // Row errors are kept in import_row_errors; the summary keeps the first ones for the preview.
    let mut summary = report.clone();
    summary.errors.truncate(500);
    let summary_json = serde_json::to_string(&summary)?;
    let mapping_json = mapping_to_json(mapping);
    let details = store::ImportDetails {
        sheet: report.sheet.as_deref(),
        header_signature: report.header_signature.as_deref(),
        mapping_json: Some(&mapping_json),
        period: req.period,
        summary_json: &summary_json,
    };
    store::save_details(tx, req.tenant_id, import_id, &details).await?;
    Ok(())
}

async fn duplicate(db: &Db, req: &Request) -> anyhow::Result<Option<Report>> {
    let hash = req.input.content_hash();
    Ok(
        store::committed_with_hash(db, req.tenant_id, req.reseller_id, &hash)
            .await?
            .map(|id| {
                let mut r = Report::new(Status::Duplicate, &req.currency);
                r.duplicate_of = Some(id);
                r.message = Some(if req.lang == "fr" {
                    format!("Ce fichier a déjà été importé (import n° {id}) : rien n'a été ajouté.")
                } else {
                    format!("This file was already imported (import #{id}): nothing was added.")
                });
                r
            }),
    )
}

/// Loads what the producer needs: the product codes, the review history, and the input — a
/// file is opened by a worker process (`crate::reader`) and analysed with the mapping the user
/// gave, else the one remembered for its layout.
async fn prepare(db: &Db, secret: &str, req: &Request) -> anyhow::Result<(Arc<Context>, Feed)> {
    let mut options = Options::new(req.today);
    options.period = req.period;
    options.sheet = req.sheet.clone();
    options.mapping_override = req.mapping.clone();
    let feed = match &req.input {
        Input::File { filename, bytes } => {
            let (reader, name, bytes) = (req.reader.clone(), filename.clone(), bytes.clone());
            let opts = options.clone();
            let analysis = tokio::task::spawn_blocking(move || {
                let book = reader.open(&bytes, &name, &opts.limits)?;
                analyse_sheets(Box::new(book), &opts)
            })
            .await?;
            Feed::File(Box::new(match analysis {
                Ok(a) if req.mapping.is_empty() => remembered(db, req, a, &options).await?,
                other => other,
            }))
        }
        Input::Lines(lines) => Feed::Lines(lines.clone()),
    };
    let catalogue = Catalogue::new(store::product_codes(db, req.tenant_id, req.reseller_id).await?);
    let review = ReviewRules::new(
        store::approved_quantities(db, req.tenant_id, req.reseller_id).await?,
        req.today,
    );
    let ctx = Arc::new(Context {
        catalogue,
        review,
        customers: CustomerHasher::new(secret, req.tenant_id),
        options,
    });
    Ok((ctx, feed))
}

/// The analysis again with the mapping remembered for this reseller and header layout, when
/// there is one; read from the same worker.
async fn remembered(
    db: &Db,
    req: &Request,
    analysis: Analysis<'static>,
    options: &Options,
) -> anyhow::Result<Result<Analysis<'static>, ReadError>> {
    let mapping = store::remembered_mapping(
        db,
        req.tenant_id,
        req.reseller_id,
        &analysis.header_signature,
    )
    .await?
    .map(|j| mapping_from_json(&j))
    .unwrap_or_default();
    if mapping.is_empty() {
        return Ok(Ok(analysis));
    }
    let mut options = options.clone();
    options.mapping_override = mapping;
    Ok(
        tokio::task::spawn_blocking(move || analyse_sheets(analysis.into_sheets(), &options))
            .await?,
    )
}

/// Streams the input through the producer; writes to `sink` when given. Returns the report and
/// the mapping used (by column index, for mapping memory).
async fn run(
    ctx: Arc<Context>,
    feed: Feed,
    req: &Request,
    mut sink: Option<&mut Sink<'_>>,
    progress: Option<Progress<'_>>,
) -> anyhow::Result<(Report, Vec<(Field, ColumnRef)>)> {
    let (sender, mut rx) = mpsc::channel::<Msg>(4);
    let producer = tokio::task::spawn_blocking(move || produce(feed, ctx, sender));
    let mut report = Report::new(Status::DryRun, &req.currency);
    let mut mapping = Vec::new();
    let mut unknown: HashMap<String, (u64, i64)> = HashMap::new();
    // Time the consumer spent waiting for the producer, and writing.
    let (mut waiting, mut writing) = (Duration::ZERO, Duration::ZERO);
    let mut rows_expected = None;
    let mut t = Instant::now();
    while let Some(msg) = rx.recv().await {
        waiting += t.elapsed();
        match msg {
            Msg::Analysed(a) => {
                rows_expected = a.rows_expected;
                mapping = describe(&mut report, a);
            }
            Msg::Batch(b) => {
                if let Some(s) = sink.as_mut() {
                    let w = Instant::now();
                    write_batch(s, &b).await?;
                    writing += w.elapsed();
                }
                tally(&mut report, &mut unknown, b, &req.lang);
                if let Some(p) = progress {
                    p(report.accepted + report.rejected, rows_expected);
                }
            }
        }
        t = Instant::now();
    }
    tracing::debug!(
        waiting_ms = waiting.as_millis() as u64,
        writing_ms = writing.as_millis() as u64,
        "import consumer"
    );
    let mut codes: Vec<UnknownProduct> = unknown
        .into_iter()
        .map(|(code, (rows, quantity))| UnknownProduct {
            code,
            rows,
            quantity,
        })
        .collect();
    codes.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.code.cmp(&b.code)));
    report.unknown_products = codes;
    if let Err(e) = producer.await? {
        refuse(&mut report, &e, &req.lang);
    }
    Ok((report, mapping))
}

fn refuse(report: &mut Report, e: &ReadError, lang: &str) {
    report.status = Status::Refused;
    report.message = Some(read_error_message(e, lang));
    report.accepted = 0;
    report.quantity_total = 0;
    report.amount_total = 0;
    report.pending_review = 0;
}

fn describe(report: &mut Report, a: Analysed) -> Vec<(Field, ColumnRef)> {
    report.sheet = Some(a.sheet);
    report.header_signature = a.header_signature;
    report.headers = a.headers;
    report.mapping = a
        .mapping
        .iter()
        .map(|c| (c.field.as_str().to_string(), c.header.clone()))
        .collect();
    report.missing_columns = a
        .missing_required
        .iter()
        .map(|f| f.as_str().to_string())
        .collect();
    a.mapping
        .iter()
        .map(|c| (c.field, ColumnRef::Index(c.index)))
        .collect()
}

async fn write_batch(s: &mut Sink<'_>, b: &Batch) -> anyhow::Result<()> {
    for chunk in b.lines.chunks(LINE_BATCH) {
        store::insert_lines(s.tx, s.owner, chunk).await?;
    }
    for l in b.lines.iter().filter(|l| l.review_status == "approved") {
        s.added.line(
            l.sale_date,
            l.product_id,
            l.customer_type.as_deref(),
            l.channel,
            l.quantity,
            l.amount_cents,
        );
    }
    if !b.errors.is_empty() {
        let stored: Vec<StoredRowError> = b
            .errors
            .iter()
            .map(|e| StoredRowError {
                sheet: e.sheet.clone(),
                row: i64::from(e.row),
                column: e.column.clone(),
                code: e.code.as_str(),
                value: e.value.clone(),
            })
            .collect();
        store::insert_row_errors(s.tx, s.owner.tenant_id, s.import_id, &stored).await?;
    }
    Ok(())
}

fn tally(report: &mut Report, unknown: &mut HashMap<String, (u64, i64)>, b: Batch, lang: &str) {
    for l in &b.lines {
        report.accepted += 1;
        report.quantity_total += l.quantity;
        report.amount_total += l.amount_cents;
        report.date_from = Some(report.date_from.map_or(l.sale_date, |d| d.min(l.sale_date)));
        report.date_to = Some(report.date_to.map_or(l.sale_date, |d| d.max(l.sale_date)));
        if l.review_status == "pending" {
            report.pending_review += 1;
        }
    }
    // A row's errors are pushed together, so a rejected row is a change of (sheet, row).
    let mut last: Option<(&str, u32)> = None;
    for e in &b.errors {
        if last != Some((e.sheet.as_str(), e.row)) {
            report.rejected += 1;
            last = Some((e.sheet.as_str(), e.row));
        }
    }
    report.errors_total += b.errors.len() as u64;
    let room = MAX_REPORTED_ERRORS.saturating_sub(report.errors.len());
    report
        .errors
        .extend(b.errors.iter().take(room).map(|e| ReportError {
            sheet: e.sheet.clone(),
            row: e.row,
            column: e.column.clone(),
            code: e.code.as_str().to_string(),
            message: e.code.message(lang).to_string(),
            value: e.value.clone(),
        }));
    for (code, q) in b.unknown {
        if unknown.len() < MAX_UNKNOWN_CODES || unknown.contains_key(&code) {
            let entry = unknown.entry(code).or_default();
            entry.0 += 1;
            entry.1 += q;
        }
    }
}
