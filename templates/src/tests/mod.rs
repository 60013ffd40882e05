//! Cross-cutting checks over every page, in both languages: CSRF fields in POST forms, nothing
//! the CSP would block, user data escaped.

mod fixtures;

use fixtures::{all_pages, HOSTILE, TOKEN};

use crate::components::FieldError;
use crate::emails;
use crate::i18n::Lang;
use crate::vocab::Role;

/// The named page from the fixtures, as HTML.
fn page(lang: Lang, name: &str) -> String {
    all_pages(lang)
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no page {name}"))
        .1
        .into_string()
}

/// Each `<form …>` opening tag with the markup up to its `</form>`.
fn forms(html: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let after = &rest[start..];
        let tag_end = after.find('>').expect("unclosed form tag");
        let body_end = after.find("</form>").expect("form without </form>");
        out.push((&after[..=tag_end], &after[..body_end]));
        rest = &after[body_end..];
    }
    out
}

#[test]
fn every_page_renders_in_both_languages_with_its_lang_attribute() {
    for lang in Lang::ALL {
        for (name, page) in all_pages(lang) {
            let html = page.into_string();
            assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
            assert!(
                html.contains(&format!(r#"<html lang="{}">"#, lang.code())),
                "{name}"
            );
            assert!(html.contains(r##"href="#main""##), "{name}: skip link");
        }
    }
}

#[test]
fn every_post_form_carries_the_csrf_token() {
    let mut post_forms = 0;
    for lang in Lang::ALL {
        for (name, page) in all_pages(lang) {
            let html = page.into_string();
            for (tag, body) in forms(&html) {
                if tag.contains(r#"method="post""#) {
                    post_forms += 1;
                    assert!(
                        body.contains(&format!(r#"name="csrf_token" value="{TOKEN}""#)),
                        "{name}: {tag} has no CSRF field"
                    );
                } else {
                    assert!(
                        tag.contains(r#"method="get""#),
                        "{name}: {tag} has no explicit method"
                    );
                }
            }
        }
    }
    // Guards against the check passing vacuously if form detection broke.
    assert!(post_forms > 40, "only {post_forms} POST forms found");
}

#[test]
fn no_page_needs_inline_script_or_style() {
    for lang in Lang::ALL {
        for (name, page) in all_pages(lang) {
            let html = page.into_string();
            assert!(!html.contains(" style=\""), "{name}: inline style");
            let scripts: Vec<&str> = html
                .match_indices("<script")
                .map(|(i, _)| &html[i..])
                .collect();
            for script in scripts {
                let tag = &script[..script.find('>').unwrap()];
                assert!(tag.contains(" src=\""), "{name}: inline script {tag}");
                assert!(
                    script[tag.len() + 1..].starts_with("</script>"),
                    "{name}: script with a body"
                );
            }
            let bytes = html.as_bytes();
            for (i, _) in html.match_indices(" on") {
                let name_end = bytes[i + 3..]
                    .iter()
                    .take_while(|b| b.is_ascii_lowercase())
                    .count();
                assert!(
                    name_end == 0 || bytes.get(i + 3 + name_end) != Some(&b'='),
                    "{name}: event handler attribute near {}",
                    &html[i..(i + 20).min(html.len())]
                );
            }
        }
    }
}

#[test]
fn user_provided_strings_are_escaped() {
    for (name, page) in all_pages(Lang::Fr) {
        let html = page.into_string();
        assert!(
            !html.contains(HOSTILE),
            "{name}: raw user input in the page"
        );
    }
    let html = page(Lang::En, "network");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn pages_show_locale_formatted_values() {
    let catalogue = page(Lang::Fr, "catalogue");
    assert!(catalogue.contains("1\u{202F}234,56\u{A0}€"));
    let detail = page(Lang::Fr, "reseller_detail");
    assert!(detail.contains("23/11/2026"));
    assert!(detail.contains("À relancer (2–4 mois)"));
    let catalogue = page(Lang::En, "catalogue");
    assert!(catalogue.contains("€1,234.56"));
}

#[test]
fn field_errors_show_in_the_page_language() {
    let fr = page(Lang::Fr, "reseller_form");
    assert!(fr.contains("Ce champ est obligatoire."));
    assert!(fr.contains(r#"aria-invalid="true""#));
    let en = page(Lang::En, "reseller_form");
    assert!(en.contains("This field is required."));
}

#[test]
fn no_placeholder_is_left_unfilled() {
    for lang in Lang::ALL {
        for (name, page) in all_pages(lang) {
            let html = page.into_string();
            assert!(
                !html.contains("{n}") && !html.contains("{min}"),
                "{name}: unfilled placeholder"
            );
        }
    }
    let message = FieldError::OutOfRange { min: -90, max: 90 }.message(Lang::Fr);
    assert_eq!(message, "Saisissez une valeur comprise entre -90 et 90.");
}

#[test]
fn emails_are_translated() {
    let m = emails::InvitationEmail {
        tenant_name: "Acme".into(),
        inviter_email: None,
        role: Role::Reseller,
        link: "https://x.example/invite/t".into(),
        expires_hours: 72,
    };
    assert_ne!(
        emails::invitation(Lang::Fr, &m).subject,
        emails::invitation(Lang::En, &m).subject
    );
}
