//! The filter bar at the top of list and analytics pages: a GET form, so filters live in the URL
//! and can be bookmarked and shared, followed by chips showing what is applied.

use maud::{html, Markup};

use super::table::url_with_query;
use crate::i18n::{colon, t, Lang};

/// How a filter is entered.
#[derive(Debug, Clone)]
pub enum FilterKind {
    /// A closed list of `(value, label)`; the empty value means "all".
    Select(Vec<(String, String)>),
    /// Free text.
    Search,
    /// A calendar date (`YYYY-MM-DD`, as `<input type="date">` sends it).
    Date,
}

/// One filter with its current value (empty when not applied).
#[derive(Debug, Clone)]
pub struct FilterField {
    pub name: String,
    pub label: String,
    pub value: String,
    pub kind: FilterKind,
}

impl FilterField {
    pub fn new(
        name: impl Into<String>,
        label: impl Into<String>,
        value: impl Into<String>,
        kind: FilterKind,
    ) -> Self {
        FilterField {
            name: name.into(),
            label: label.into(),
            value: value.into(),
            kind,
        }
    }

    pub fn select(
        name: impl Into<String>,
        label: impl Into<String>,
        value: impl Into<String>,
        options: Vec<(String, String)>,
    ) -> Self {
        Self::new(name, label, value, FilterKind::Select(options))
    }

    pub fn search(
        name: impl Into<String>,
        label: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Self::new(name, label, value, FilterKind::Search)
    }

    pub fn date(
        name: impl Into<String>,
        label: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Self::new(name, label, value, FilterKind::Date)
    }

    /// What the chip shows: the option's label for selects, the raw value otherwise.
    fn display_value(&self) -> &str {
        match &self.kind {
            FilterKind::Select(options) => options
                .iter()
                .find(|(v, _)| *v == self.value)
                .map_or(self.value.as_str(), |(_, label)| label.as_str()),
            FilterKind::Search | FilterKind::Date => &self.value,
        }
    }
}

/// The current filters as query pairs, for pagination links and exports.
pub fn filter_params(fields: &[FilterField]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter(|f| !f.value.is_empty())
        .map(|f| (f.name.clone(), f.value.clone()))
        .collect()
}

/// The filter form for `action` (the page's own path), then the applied filters as chips, each
/// a link to the same page without that filter.
pub fn filter_bar(lang: Lang, action: &str, fields: &[FilterField]) -> Markup {
    let applied: Vec<&FilterField> = fields.iter().filter(|f| !f.value.is_empty()).collect();
    html! {
        form .filter-bar method="get" action=(action) role="search" {
            @for field in fields {
                @let id = format!("filter-{}", field.name);
                div .filter-field {
                    label for=(id) { (field.label) }
                    @match &field.kind {
                        FilterKind::Select(options) => {
                            select id=(id) name=(field.name) data-autosubmit {
                                option value="" { (t(lang, "filter.all")) }
                                @for (value, label) in options {
                                    option value=(value) selected[*value == field.value] { (label) }
                                }
                            }
                        },
                        FilterKind::Search => {
                            input id=(id) type="search" name=(field.name) value=(field.value);
                        },
                        FilterKind::Date => {
                            input id=(id) type="date" name=(field.name) value=(field.value);
                        },
                    }
                }
            }
            div .filter-actions {
                button .btn .btn-primary type="submit" { (t(lang, "filter.apply")) }
                a .btn .btn-ghost href=(action) { (t(lang, "filter.reset")) }
            }
        }
        @if !applied.is_empty() {
            div .filter-chips {
                span .filter-chips-label { (t(lang, "filter.applied")) }
                ul {
                    @for field in &applied {
                        @let others: Vec<(&str, &str)> = applied
                            .iter()
                            .filter(|f| f.name != field.name)
                            .map(|f| (f.name.as_str(), f.value.as_str()))
                            .collect();
                        li {
                            a .chip href=(url_with_query(action, &others))
                                title=(t(lang, "filter.remove")) {
                                span { (field.label) (colon(lang)) (field.display_value()) }
                                span .chip-x aria-hidden="true" { "×" }
                                span .visually-hidden { " (" (t(lang, "filter.remove")) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chips_remove_one_filter_and_keep_the_others() {
        let fields = vec![
            FilterField::select(
                "type",
                "Type",
                "distributor",
                vec![("distributor".into(), "Distributor".into())],
            ),
            FilterField::search("q", "Search", "dupont"),
            FilterField::search("region", "Region", ""),
        ];
        let html = filter_bar(Lang::En, "/network", &fields).into_string();
        assert!(html.contains(r#"<option value="distributor" selected>Distributor</option>"#));
        assert!(
            html.contains(r#"href="/network?q=dupont""#),
            "removing type keeps q"
        );
        assert!(
            html.contains(r#"href="/network?type=distributor""#),
            "removing q keeps type"
        );
        assert!(html.contains("Type: Distributor"));
        assert_eq!(filter_params(&fields).len(), 2);
    }
}
