//! `/declare/{id}`: a draft declaration being typed. One form holds every line, so whichever
//! button is pressed (save, add, remove a line, submit) nothing typed elsewhere is lost.
//! Errors sit next to their field, as the server checked them.

use maud::{html, Markup};

use crate::components::{action_form, ButtonKind, Field, FieldError, FieldErrors};
use crate::i18n::{t, Lang};
use crate::layout::{csrf, Chrome, Page};
use crate::vocab::{Channel, CustomerType};

/// A line's values as typed.
#[derive(Debug, Clone, Default)]
pub struct DraftValues {
    pub product: String,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
    pub sale_date: String,
    pub customer_type: String,
    pub customer_postal_code: String,
    pub channel: String,
    pub feedback: String,
    pub rating: String,
}

#[derive(Debug, Clone)]
pub struct DraftLineView {
    /// Prefix of the line's field names: `l{id}` for a saved line, `new` for the blank one.
    pub key: String,
    /// 1-based; None for the blank line.
    pub number: Option<usize>,
    pub values: DraftValues,
    /// A hashed end-customer identifier is kept for this line.
    pub has_customer_id: bool,
    /// The product the text names: "name (SKU)".
    pub product: Option<String>,
    /// The product's list price, formatted: the default unit price.
    pub list_price: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DraftView {
    /// `/declare/{id}`: the form posts here with `action` = save, add, submit or remove:{id}.
    pub action: String,
    pub delete_action: String,
    pub back_href: String,
    pub on_behalf_of: Option<String>,
    /// The declared period's label, or None when declared line by line.
    pub period: Option<String>,
    pub lines: Vec<DraftLineView>,
    pub new_line: DraftLineView,
    /// By field name (`{key}_{field}`).
    pub errors: FieldErrors,
    /// Why the submit was refused.
    pub message: Option<String>,
    /// `(value, label)` for the product list: codes the reseller can type, with the names.
    pub products: Vec<(String, String)>,
}

fn customer_types(lang: Lang) -> Vec<(String, String)> {
    CustomerType::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), c.label(lang).to_string()))
        .collect()
}

fn channels(lang: Lang) -> Vec<(String, String)> {
    Channel::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), c.label(lang).to_string()))
        .collect()
}

/// The product field: a text input backed by the catalogue's `datalist` (search by SKU, EAN,
/// name or the reseller's own code), with the product it names shown below.
fn product_field(
    lang: Lang,
    name: &str,
    line: &DraftLineView,
    error: Option<&FieldError>,
) -> Markup {
    let id = format!("f-{name}");
    let hint = match (&line.product, &line.list_price) {
        (Some(p), Some(price)) => format!("{p} — {} {price}", t(lang, "declform.list_price")),
        _ => t(lang, "declform.product_hint").to_string(),
    };
    let described = match error {
        Some(_) => format!("{id}-hint {id}-error"),
        None => format!("{id}-hint"),
    };
    html! {
        div .field .has-error[error.is_some()] {
            label for=(id) { (t(lang, "decl.col.product")) span .required aria-hidden="true" { " *" } }
            input id=(id) type="text" name=(name) value=(line.values.product) list="products"
                autocomplete="off" required aria-invalid=[error.map(|_| "true")] aria-describedby=(described);
            p .hint id=(format!("{id}-hint")) { (hint) }
            @if let Some(e) = error {
                p .field-error id=(format!("{id}-error")) { (e.message(lang)) }
            }
        }
    }
}

fn line_fields(chrome: &Chrome, v: &DraftView, line: &DraftLineView) -> Markup {
    let lang = chrome.lang;
    let name = |field: &str| format!("{}_{field}", line.key);
    let (product, quantity, date, unit, amount) = (
        name("product"),
        name("quantity"),
        name("sale_date"),
        name("unit_price"),
        name("amount"),
    );
    let (ctype, postal, cid, forget, channel, rating, feedback) = (
        name("customer_type"),
        name("customer_postal_code"),
        name("customer_id"),
        name("customer_id_forget"),
        name("channel"),
        name("rating"),
        name("feedback"),
    );
    let price_hint = line
        .list_price
        .as_ref()
        .map(|p| format!("{} {p}", t(lang, "declform.price_default")))
        .unwrap_or_else(|| t(lang, "declform.price_hint").to_string());
    let id_hint = if line.has_customer_id {
        t(lang, "declform.customer_id_kept")
    } else {
        t(lang, "declform.customer_id_hint")
    };
    let vals = &line.values;
    let e = &v.errors;
    html! {
        div .form-grid {
            (product_field(lang, &product, line, e.get(&product)))
            (Field::new(lang, &quantity, t(lang, "decl.field.quantity")).value(&vals.quantity).errors(e).required().text())
            (Field::new(lang, &date, t(lang, "decl.field.sale_date")).value(&vals.sale_date).errors(e).required().date())
            (Field::new(lang, &unit, t(lang, "decl.field.unit_price")).value(&vals.unit_price).errors(e).hint(&price_hint).text())
            (Field::new(lang, &amount, t(lang, "decl.field.line_amount")).value(&vals.amount).errors(e).hint(t(lang, "declform.amount_hint")).text())
            (Field::new(lang, &ctype, t(lang, "decl.field.customer_type")).value(&vals.customer_type).errors(e).blank_option().select(&customer_types(lang)))
            (Field::new(lang, &postal, t(lang, "decl.field.customer_postal_code")).value(&vals.customer_postal_code).errors(e).autocomplete("off").text())
            (Field::new(lang, &cid, t(lang, "decl.field.customer_id")).errors(e).hint(id_hint).autocomplete("off").text())
            (Field::new(lang, &channel, t(lang, "decl.field.channel")).value(&vals.channel).errors(e).blank_option().select(&channels(lang)))
            (Field::new(lang, &rating, t(lang, "decl.field.rating")).value(&vals.rating).errors(e).text())
        }
        (Field::new(lang, &feedback, t(lang, "decl.field.feedback")).value(&vals.feedback).errors(e).textarea())
        @if line.has_customer_id {
            (Field::new(lang, &forget, t(lang, "declform.customer_id_forget")).checkbox(false))
        }
    }
}

fn line_card(chrome: &Chrome, v: &DraftView, line: &DraftLineView) -> Markup {
    let lang = chrome.lang;
    let title = match line.number {
        Some(n) => t(lang, "declform.line_n").replace("{n}", &n.to_string()),
        None => t(lang, "declform.new_line").to_string(),
    };
    html! {
        fieldset .card .section id=(line.key) {
            legend { strong { (title) } }
            (line_fields(chrome, v, line))
            div .form-actions {
                @match line.number {
                    Some(_) => {
                        button .btn .btn-ghost .btn-small type="submit" name="action"
                            value=(format!("remove:{}", line.key.trim_start_matches('l'))) {
                            (t(lang, "declform.remove"))
                        }
                    }
                    None => {
                        button .btn .btn-secondary type="submit" name="action" value="add" {
                            (t(lang, "declform.add_line"))
                        }
                    }
                }
            }
        }
    }
}

/// The draft editor.
pub fn draft_page(chrome: &Chrome, v: &DraftView) -> Markup {
    let lang = chrome.lang;
    let title = t(lang, "declform.edit_title");
    let period = v
        .period
        .clone()
        .unwrap_or_else(|| t(lang, "declform.line_by_line").to_string());
    let content = html! {
        div .page-header {
            h1 { (title) }
            div .page-actions {
                a .btn .btn-ghost href=(v.back_href) { "← " (t(lang, "declform.title")) }
                (action_form(chrome, &v.delete_action, t(lang, "declform.delete"), ButtonKind::Danger,
                    Some(t(lang, "declform.delete_confirm"))))
            }
        }
        @if let Some(name) = &v.on_behalf_of {
            p { strong { (t(lang, "decl.on_behalf")) " " (name) } }
        }
        p { strong { (t(lang, "declform.period")) } (crate::i18n::colon(lang)) (period) }
        p .muted { (t(lang, "declform.draft_notice")) }
        @if let Some(m) = &v.message {
            div .flash .flash-error role="alert" { (m) }
        }
        datalist #products {
            @for (value, label) in &v.products {
                option value=(value) label=(label);
            }
        }
        form method="post" action=(v.action) novalidate {
            (csrf(chrome))
            // Enter in a field presses the form's first button: let it be "save".
            button .visually-hidden type="submit" name="action" value="save" tabindex="-1" aria-hidden="true" {
                (t(lang, "declform.save"))
            }
            @for line in &v.lines {
                (line_card(chrome, v, line))
            }
            (line_card(chrome, v, &v.new_line))
            div .form-actions {
                button .btn .btn-secondary type="submit" name="action" value="save" { (t(lang, "declform.save")) }
                button .btn .btn-primary type="submit" name="action" value="submit" { (t(lang, "declform.submit")) }
            }
        }
    };
    Page::new(chrome, title).body(content).render()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(key: &str, number: Option<usize>) -> DraftLineView {
        DraftLineView {
            key: key.into(),
            number,
            values: DraftValues {
                product: "TD-450".into(),
                quantity: "<b>x</b>".into(),
                ..Default::default()
            },
            has_customer_id: number.is_some(),
            product: Some("Tondeuse (TD-450)".into()),
            list_price: Some("199,90 €".into()),
        }
    }

    #[test]
    fn the_editor_keeps_values_shows_errors_and_saves_on_enter() {
        for lang in Lang::ALL {
            let mut errors = FieldErrors::new();
            errors.add("l7_quantity", FieldError::Message("bad quantity".into()));
            let view = DraftView {
                action: "/declare/3".into(),
                delete_action: "/declare/3/delete".into(),
                back_href: "/declare".into(),
                on_behalf_of: Some("Shop".into()),
                period: None,
                lines: vec![line("l7", Some(1))],
                new_line: line("new", None),
                errors,
                message: Some("fix".into()),
                products: vec![("TD-450".into(), "Tondeuse".into())],
            };
            let chrome = Chrome {
                lang,
                csrf_token: "tok".into(),
                ..Default::default()
            };
            let html = draft_page(&chrome, &view).into_string();
            assert!(
                html.contains("&lt;b&gt;x&lt;/b&gt;"),
                "typed value kept, escaped"
            );
            assert!(html.contains(r#"id="f-l7_quantity-error""#));
            assert!(html.contains(r#"value="remove:7""#));
            let form = html.find(r#"action="/declare/3""#).unwrap();
            let first_button = form + html[form..].find("<button").unwrap();
            assert!(html[first_button..].starts_with(
                r#"<button class="visually-hidden" type="submit" name="action" value="save""#
            ));
            assert!(html.contains(r#"name="csrf_token" value="tok""#));
        }
    }
}
