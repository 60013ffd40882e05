//! Adding or editing a reseller: `/network/new` and `/network/{code}/edit`.

use maud::{html, Markup};
use serde::Deserialize;

use crate::components::{
    error_summary, page_header, submit_button, ButtonKind, Field, FieldErrors,
};
use crate::i18n::t;
use crate::layout::{csrf, Chrome, Page};
use crate::vocab::{BrandOrganisation, Potential, ResellerStatus, ResellerType};

/// The form's values as typed, strings so a refused submission shows exactly what was entered.
/// Deserializable from the posted form (`Form<ResellerFormValues>`); the field `reseller_type`
/// is posted as `type`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ResellerFormValues {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub reseller_type: String,
    pub organisation: String,
    pub country: String,
    pub region: String,
    pub city: String,
    pub postal_code: String,
    pub latitude: String,
    pub longitude: String,
    pub potential: String,
    pub status: String,
    /// A manager id from `manager_options`, empty for none.
    pub manager: String,
    pub contact_email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormMode {
    /// Posts to `/network/new`.
    Create,
    /// Posts to `/network/{code}/edit`; `code` is the stored code (the form may change it).
    Edit { code: String },
}

#[derive(Debug, Clone)]
pub struct ResellerFormView {
    pub mode: FormMode,
    pub values: ResellerFormValues,
    /// `(manager id, name)`.
    pub manager_options: Vec<(String, String)>,
    /// Keyed by the posted field names (`type` for the reseller type).
    pub errors: FieldErrors,
}

pub fn reseller_form(chrome: &Chrome, view: &ResellerFormView) -> Markup {
    let lang = chrome.lang;
    let v = &view.values;
    let e = &view.errors;
    let (title, action, cancel) = match &view.mode {
        FormMode::Create => (
            t(lang, "reseller_form.add_title"),
            "/network/new".to_string(),
            "/network".to_string(),
        ),
        FormMode::Edit { code } => (
            t(lang, "reseller_form.edit_title"),
            format!("/network/{code}/edit"),
            format!("/network/{code}"),
        ),
    };
    let content = html! {
        (page_header(title, html! {}))
        (error_summary(lang, e))
        form .form-card method="post" action=(action) novalidate {
            (csrf(chrome))
            fieldset {
                legend { (t(lang, "reseller.identity")) }
                div .form-grid {
                    (Field::new(lang, "code", t(lang, "field.code")).value(&v.code).errors(e).required()
                        .hint(t(lang, "reseller_form.code_hint")).text())
                    (Field::new(lang, "name", t(lang, "field.name")).value(&v.name).errors(e).required().text())
                    (Field::new(lang, "type", t(lang, "field.reseller_type")).value(&v.reseller_type).errors(e)
                        .required().blank_option().select(&ResellerType::options(lang)))
                    (Field::new(lang, "organisation", t(lang, "field.organisation")).value(&v.organisation)
                        .errors(e).required().blank_option().select(&BrandOrganisation::options(lang)))
                    (Field::new(lang, "potential", t(lang, "field.potential")).value(&v.potential).errors(e)
                        .blank_option().select(&Potential::options(lang)))
                    (Field::new(lang, "status", t(lang, "field.status")).value(&v.status).errors(e)
                        .required().blank_option().select(&ResellerStatus::options(lang)))
                }
            }
            fieldset {
                legend { (t(lang, "reseller.location")) }
                div .form-grid {
                    (Field::new(lang, "postal_code", t(lang, "field.postal_code")).value(&v.postal_code)
                        .errors(e).autocomplete("postal-code").text())
                    (Field::new(lang, "city", t(lang, "field.city")).value(&v.city).errors(e).text())
                    (Field::new(lang, "region", t(lang, "field.region")).value(&v.region).errors(e).text())
                    (Field::new(lang, "country", t(lang, "field.country")).value(&v.country).errors(e)
                        .hint(t(lang, "reseller_form.country_hint")).text())
                    (Field::new(lang, "latitude", t(lang, "field.latitude")).value(&v.latitude).errors(e)
                        .hint(t(lang, "reseller_form.coordinates_hint")).number("any"))
                    (Field::new(lang, "longitude", t(lang, "field.longitude")).value(&v.longitude).errors(e)
                        .number("any"))
                }
            }
            fieldset {
                legend { (t(lang, "reseller.relationship")) }
                div .form-grid {
                    (Field::new(lang, "manager", t(lang, "field.manager")).value(&v.manager).errors(e)
                        .blank_option().select(&view.manager_options))
                    (Field::new(lang, "contact_email", t(lang, "field.contact_email")).value(&v.contact_email)
                        .errors(e).email())
                }
            }
            div .form-actions {
                (submit_button(t(lang, "action.save"), ButtonKind::Primary))
                a .btn .btn-ghost href=(cancel) { (t(lang, "action.cancel")) }
            }
        }
    };
    Page::new(chrome, title).body(content).render()
}
