//! The invitation to join a tenant's Relais space.

use super::{expiry_line, Email, Message};
use crate::i18n::Lang;
use crate::vocab::Role;

#[derive(Debug, Clone)]
pub struct InvitationEmail {
    pub tenant_name: String,
    /// Who invited, shown so the recipient trusts the message.
    pub inviter_email: Option<String>,
    pub role: Role,
    /// The absolute `/invite/{token}` URL.
    pub link: String,
    pub expires_hours: u32,
}

/// "qu’administrateur" but "que revendeur": French elides before a vowel.
fn french_as(role: &str) -> String {
    if role.starts_with(['a', 'e', 'i', 'o', 'u', 'é']) {
        format!("qu’{role}")
    } else {
        format!("que {role}")
    }
}

pub fn invitation(lang: Lang, m: &InvitationEmail) -> Email {
    let role = m.role.label(lang);
    let (subject, title, mut paragraphs, button, footer) = match lang {
        Lang::Fr => (
            format!("Invitation à rejoindre {} sur Relais", m.tenant_name),
            format!("Bienvenue sur l’espace Relais de {}", m.tenant_name),
            vec![format!(
                "Vous êtes invité à rejoindre l’espace Relais de {} en tant {}.",
                m.tenant_name,
                french_as(&role.to_lowercase())
            )],
            "Créer mon mot de passe",
            vec![
                expiry_line(lang, m.expires_hours),
                "Si vous n’attendiez pas cette invitation, ignorez ce message.".to_string(),
            ],
        ),
        Lang::En => (
            format!("Invitation to join {} on Relais", m.tenant_name),
            format!("Welcome to {}’s Relais space", m.tenant_name),
            vec![format!(
                "You have been invited to join {}’s Relais space as {}.",
                m.tenant_name,
                role.to_lowercase()
            )],
            "Create my password",
            vec![
                expiry_line(lang, m.expires_hours),
                "If you were not expecting this invitation, ignore this message.".to_string(),
            ],
        ),
    };
    if let Some(inviter) = &m.inviter_email {
        paragraphs.push(match lang {
            Lang::Fr => format!("Invitation envoyée par {inviter}."),
            Lang::En => format!("Sent by {inviter}."),
        });
    }
    paragraphs.push(match lang {
        Lang::Fr => "Cliquez sur le bouton ci-dessous pour créer votre mot de passe.".to_string(),
        Lang::En => "Click the button below to create your password.".to_string(),
    });
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
    fn invitation_names_the_tenant_the_role_and_the_expiry() {
        let m = InvitationEmail {
            tenant_name: "Acme".into(),
            inviter_email: Some("boss@acme.example".into()),
            role: Role::Manager,
            link: "https://relais.example/invite/xyz".into(),
            expires_hours: 72,
        };
        let fr = invitation(Lang::Fr, &m);
        assert!(fr.text.contains("en tant qu’animateur réseau"));
        assert!(fr.text.contains("valable 72 heures"));
        assert!(fr.text.contains("https://relais.example/invite/xyz"));
        assert!(fr.subject.contains("Acme"));
        let en = invitation(Lang::En, &m);
        assert!(en.text.contains("as channel manager"));
        assert!(en.html.0.contains("boss@acme.example"));
    }
}
