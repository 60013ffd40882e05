//! The declarations area: the web form and its drafts, file upload and preview, imports, review
//! and the list of declared lines (manufacturer side), and the reseller's API tokens.

mod draft;
mod drafts;
mod imports;
mod lines;
mod tokens;
mod upload;

pub use draft::{draft_page, DraftLineView, DraftValues, DraftView};
pub use drafts::{drafts_page, DraftRow, DraftsView, SubmittedRow};
pub use imports::{import_detail, imports_list, ImportDetailView, ImportListRow, ImportsView};
pub use lines::{declarations_list, reviews_page, DeclarationsView, LineView, ReviewsView};
pub use tokens::{api_tokens, ApiTokenRow, ApiTokensView};
pub use upload::{preview_page, upload_page, MappingColumn, PreviewView, UnknownCode, UploadView};

use crate::components::badge;
use crate::i18n::{t, Lang};
use maud::Markup;

/// `{n}` in a translated sentence replaced by `n`.
pub(crate) fn tn(lang: Lang, key: &'static str, n: impl std::fmt::Display) -> String {
    t(lang, key).replace("{n}", &n.to_string())
}

/// A line's review status as a badge (`draft`, `pending`, `approved`, `rejected`, `withdrawn`).
pub fn line_status_badge(lang: Lang, status: &str) -> Markup {
    let (colour, key) = match status {
        "draft" => ("grey", "decl.status.draft"),
        "pending" => ("yellow", "decl.status.pending"),
        "approved" => ("green", "decl.status.approved"),
        "rejected" => ("red", "decl.status.rejected"),
        _ => ("grey", "decl.status.withdrawn"),
    };
    badge(colour, t(lang, key))
}

/// An import's status as a badge (`pending`, `committed`, `undone`, `refused`).
pub fn import_status_badge(lang: Lang, status: &str) -> Markup {
    let (colour, key) = match status {
        "pending" => ("blue", "decl.import_status.pending"),
        "committed" => ("green", "decl.import_status.committed"),
        "undone" => ("grey", "decl.import_status.undone"),
        _ => ("red", "decl.import_status.refused"),
    };
    badge(colour, t(lang, key))
}

/// A stored review reason (comma-separated codes, or `replaced:ID` / `undone`, or a manager's
/// free text) in the user's language.
pub fn review_reason(lang: Lang, reason: Option<&str>) -> String {
    let Some(reason) = reason.filter(|r| !r.is_empty()) else {
        return String::new();
    };
    reason
        .split(',')
        .map(|code| {
            let key = match code.split(':').next().unwrap_or("") {
                "quantity_above_usual" => "decl.reason.quantity_above_usual",
                "price_far_from_list" => "decl.reason.price_far_from_list",
                "sale_date_old" => "decl.reason.sale_date_old",
                "undone" => "decl.reason.undone",
                "replaced" => "decl.reason.replaced",
                _ => return reason.to_string(),
            };
            t(lang, key).to_string()
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}
