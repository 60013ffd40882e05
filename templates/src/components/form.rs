//! Labelled form fields that keep what the user typed and show errors next to the field, in the
//! user's language, wired for screen readers (`aria-invalid`, `aria-describedby`).

use std::collections::BTreeMap;

use maud::{html, Markup};

use crate::i18n::{number, t, Lang};

/// Why a field's value was refused. Handlers say *what* is wrong; the template says it in the
/// user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    Required,
    InvalidEmail,
    InvalidNumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    TooLong {
        max: usize,
    },
    PasswordTooShort {
        min: usize,
    },
    PasswordMismatch,
    /// The value must be unique and is already used (a reseller code, an email).
    AlreadyTaken,
    InvalidChoice,
    /// Anything else, already in the user's language.
    Message(String),
}

impl FieldError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FieldError::Required => t(lang, "error.required").to_string(),
            FieldError::InvalidEmail => t(lang, "error.email").to_string(),
            FieldError::InvalidNumber => t(lang, "error.number").to_string(),
            FieldError::OutOfRange { min, max } => t(lang, "error.range")
                .replace("{min}", &number(*min, lang))
                .replace("{max}", &number(*max, lang)),
            FieldError::TooLong { max } => {
                t(lang, "error.too_long").replace("{n}", &number(*max as i64, lang))
            }
            FieldError::PasswordTooShort { min } => {
                t(lang, "error.password_short").replace("{n}", &number(*min as i64, lang))
            }
            FieldError::PasswordMismatch => t(lang, "error.password_mismatch").to_string(),
            FieldError::AlreadyTaken => t(lang, "error.taken").to_string(),
            FieldError::InvalidChoice => t(lang, "error.choice").to_string(),
            FieldError::Message(m) => m.clone(),
        }
    }
}

/// A form's errors by field name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        FieldErrors::default()
    }
    /// Records an error; the first one recorded for a field wins, as it is usually the root cause.
    pub fn add(&mut self, field: impl Into<String>, error: FieldError) {
        self.0.entry(field.into()).or_insert(error);
    }
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.get(field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FieldError)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// A short alert at the top of a form that failed, so screen-reader users learn about errors
/// they would otherwise only meet field by field.
pub fn error_summary(lang: Lang, errors: &FieldErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div .flash .flash-error role="alert" {
                (t(lang, "form.has_errors")) " (" (errors.len()) ")"
            }
        }
    }
}

/// A form field being built: `Field::new(lang, "email", label).value(v).errors(&e).email()`.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    lang: Lang,
    name: &'a str,
    label: &'a str,
    value: &'a str,
    hint: Option<&'a str>,
    error: Option<&'a FieldError>,
    required: bool,
    autocomplete: Option<&'a str>,
    blank_option: bool,
}

impl<'a> Field<'a> {
    pub fn new(lang: Lang, name: &'a str, label: &'a str) -> Self {
        Field {
            lang,
            name,
            label,
            value: "",
            hint: None,
            error: None,
            required: false,
            autocomplete: None,
            blank_option: false,
        }
    }

    /// The current value: what the user typed, or the stored value when editing.
    pub fn value(mut self, value: &'a str) -> Self {
        self.value = value;
        self
    }
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }
    pub fn error(mut self, error: Option<&'a FieldError>) -> Self {
        self.error = error;
        self
    }
    /// Takes this field's error, if any, from the form's errors.
    pub fn errors(mut self, errors: &'a FieldErrors) -> Self {
        self.error = errors.get(self.name);
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn autocomplete(mut self, token: &'a str) -> Self {
        self.autocomplete = Some(token);
        self
    }
    /// Starts a select with an empty "— choose —" option, for optional or not-yet-chosen values.
    pub fn blank_option(mut self) -> Self {
        self.blank_option = true;
        self
    }

    fn id(&self) -> String {
        format!("f-{}", self.name)
    }

    fn described_by(&self) -> Option<String> {
        let id = self.id();
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{id}-hint"));
        }
        if self.error.is_some() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    fn invalid(&self) -> Option<&'static str> {
        self.error.map(|_| "true")
    }

    fn wrap(&self, control: Markup) -> Markup {
        let id = self.id();
        html! {
            div .field .has-error[self.error.is_some()] {
                label for=(id) {
                    (self.label)
                    @if self.required {
                        span .required aria-hidden="true" { " *" }
                    }
                }
                (control)
                (self.notes())
            }
        }
    }

    fn notes(&self) -> Markup {
        let id = self.id();
        html! {
            @if let Some(hint) = self.hint {
                p .hint id=(format!("{id}-hint")) { (hint) }
            }
            @if let Some(error) = self.error {
                p .field-error id=(format!("{id}-error")) { (error.message(self.lang)) }
            }
        }
    }

    fn input(&self, kind: &str, step: Option<&str>) -> Markup {
        // Browsers must never refill a password from a failed submission.
        let value = (kind != "password").then_some(self.value);
        let control = html! {
            input id=(self.id()) type=(kind) name=(self.name) value=[value] step=[step]
                required[self.required] autocomplete=[self.autocomplete]
                aria-invalid=[self.invalid()] aria-describedby=[self.described_by()];
        };
        self.wrap(control)
    }

    pub fn text(self) -> Markup {
        self.input("text", None)
    }
    pub fn email(self) -> Markup {
        self.input("email", None)
    }
    pub fn password(self) -> Markup {
        self.input("password", None)
    }
    /// A number input; `step` is `"1"` for integers, `"any"` for coordinates.
    pub fn number(self, step: &str) -> Markup {
        self.input("number", Some(step))
    }
    pub fn date(self) -> Markup {
        self.input("date", None)
    }

    pub fn textarea(self) -> Markup {
        let control = html! {
            textarea id=(self.id()) name=(self.name) rows="4" required[self.required]
                aria-invalid=[self.invalid()] aria-describedby=[self.described_by()] { (self.value) }
        };
        self.wrap(control)
    }

    /// A select over `(value, label)` options with the current value selected.
    pub fn select(self, options: &[(String, String)]) -> Markup {
        let control = html! {
            select id=(self.id()) name=(self.name) required[self.required]
                aria-invalid=[self.invalid()] aria-describedby=[self.described_by()] {
                @if self.blank_option {
                    option value="" { (t(self.lang, "form.choose")) }
                }
                @for (value, label) in options {
                    option value=(value) selected[value == self.value] { (label) }
                }
            }
        };
        self.wrap(control)
    }

    /// A checkbox sending `value="true"` when checked; the label follows the box.
    pub fn checkbox(self, checked: bool) -> Markup {
        let id = self.id();
        html! {
            div .field .field-checkbox .has-error[self.error.is_some()] {
                input id=(id) type="checkbox" name=(self.name) value="true" checked[checked]
                    aria-invalid=[self.invalid()] aria-describedby=[self.described_by()];
                label for=(id) { (self.label) }
                (self.notes())
            }
        }
    }

    /// A file input; `accept` lists extensions such as `.xlsx,.xls,.ods,.csv`.
    pub fn file(self, accept: &str) -> Markup {
        let control = html! {
            input id=(self.id()) type="file" name=(self.name) accept=(accept) required[self.required]
                aria-invalid=[self.invalid()] aria-describedby=[self.described_by()];
        };
        self.wrap(control)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_field_keeps_its_value_and_points_to_its_error() {
        let mut errors = FieldErrors::new();
        errors.add("email", FieldError::InvalidEmail);
        let html = Field::new(Lang::Fr, "email", "E-mail")
            .value("pas-un-email")
            .hint("Adresse professionnelle")
            .errors(&errors)
            .email()
            .into_string();
        assert!(html.contains(r#"value="pas-un-email""#));
        assert!(html.contains(r#"aria-invalid="true""#));
        assert!(html.contains(r#"aria-describedby="f-email-hint f-email-error""#));
        assert!(html.contains(r#"id="f-email-error""#));
        assert!(html.contains(&FieldError::InvalidEmail.message(Lang::Fr)));
    }

    #[test]
    fn passwords_are_never_echoed() {
        let html = Field::new(Lang::En, "password", "Password")
            .value("secret")
            .password()
            .into_string();
        assert!(!html.contains("secret"));
    }

    #[test]
    fn selects_mark_the_current_value() {
        let options = vec![
            ("a".to_string(), "A".to_string()),
            ("b".to_string(), "B".to_string()),
        ];
        let html = Field::new(Lang::En, "p", "P")
            .value("b")
            .blank_option()
            .select(&options)
            .into_string();
        assert!(html.contains(r#"<option value="b" selected>B</option>"#));
        assert!(html.contains(r#"<option value="">"#));
    }
}
