//! The link to choose a new password after "forgot password".

use super::{expiry_line, Email, Message};
use crate::i18n::Lang;

#[derive(Debug, Clone)]
pub struct PasswordResetEmail {
    /// The tenant the request came from, so the user knows which space this is.
    pub tenant_name: String,
    /// The absolute `/reset/{token}` URL.
    pub link: String,
    pub expires_hours: u32,
}

pub fn password_reset(lang: Lang, m: &PasswordResetEmail) -> Email {
    let (subject, title, paragraphs, button, footer) = match lang {
        Lang::Fr => (
            format!("Réinitialisation de votre mot de passe Relais ({})", m.tenant_name),
            "Choisissez un nouveau mot de passe".to_string(),
            vec![
                format!(
                    "Une demande de nouveau mot de passe a été faite pour votre compte Relais ({}).",
                    m.tenant_name
                ),
                "Cliquez sur le bouton ci-dessous pour en choisir un.".to_string(),
            ],
            "Choisir un nouveau mot de passe",
            vec![
                expiry_line(lang, m.expires_hours),
                "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message\u{A0}: votre mot de passe reste inchangé."
                    .to_string(),
            ],
        ),
        Lang::En => (
            format!("Reset your Relais password ({})", m.tenant_name),
            "Choose a new password".to_string(),
            vec![
                format!("Someone asked for a new password for your Relais account ({}).", m.tenant_name),
                "Click the button below to choose one.".to_string(),
            ],
            "Choose a new password",
            vec![
                expiry_line(lang, m.expires_hours),
                "If you did not ask for this, ignore this message: your password stays unchanged.".to_string(),
            ],
        ),
    };
    Message {
        lang,
        subject,
        title,
        paragraphs,
        button,
        link: &m.link,
        footer,
    }
    .into_email()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_email_carries_link_expiry_and_tenant_in_both_languages() {
        let m = PasswordResetEmail {
            tenant_name: "Acme <Jardin>".into(),
            link: "https://relais.example/reset/abc".into(),
            expires_hours: 72,
        };
        let fr = password_reset(Lang::Fr, &m);
        assert!(fr.text.contains("valable 72 heures"));
        assert!(fr.text.contains("https://relais.example/reset/abc"));
        assert!(fr.subject.contains("Acme <Jardin>"));
        assert!(fr.html.0.contains("Acme &lt;Jardin&gt;"));
        let en = password_reset(Lang::En, &m);
        assert!(en.text.contains("valid for 72 hours"));
        assert!(en
            .html
            .0
            .contains(r#"href="https://relais.example/reset/abc""#));
    }
}
