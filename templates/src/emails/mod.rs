//! Transactional emails, each in the recipient's language with a plain-text and an HTML part.
//!
//! Mail clients ignore stylesheets and the site's CSP does not apply to mail, so the HTML part
//! uses tables and inline styles, which is what clients render reliably.

mod challenge_result;
mod digests;
mod invitation;
mod password_reset;
mod points_expiry;
mod reminders;
mod reseller_digest;

pub use challenge_result::{challenge_result, ChallengeResultEmail};
pub use digests::{
    manager_digest, AwaitingReview, BestSeller, CadenceAlert, Decline, LeaderboardMove,
    ManagerDigestEmail, RecencyChange, ResellerLink,
};
pub use invitation::{invitation, InvitationEmail};
pub use password_reset::{password_reset, PasswordResetEmail};
pub use points_expiry::{expiry_warning, ExpiryWarningEmail};
pub use reminders::{declaration_reminder, ReminderEmail};
pub use reseller_digest::{
    reseller_digest, AffordableReward, ChallengeRank, PointsSummary, RejectedLine,
    ResellerDigestEmail, TierGap,
};

use maud::{html, Markup, DOCTYPE};

use crate::i18n::Lang;

/// A message ready for the mail transport.
#[derive(Debug, Clone)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: Markup,
}

/// The parts every message is made of, rendered once as text and once as HTML.
struct Message<'a> {
    lang: Lang,
    subject: String,
    title: String,
    paragraphs: Vec<String>,
    button: &'a str,
    link: &'a str,
    footer: Vec<String>,
}

impl Message<'_> {
    fn into_email(self) -> Email {
        Email {
            text: text_layout(&self.title, &self.paragraphs, self.link, &self.footer),
            html: html_layout(
                self.lang,
                &self.title,
                &self.paragraphs,
                (self.button, self.link),
                &self.footer,
            ),
            subject: self.subject,
        }
    }
}

/// Links are single-use and expire; saying so up front saves support requests.
fn expiry_line(lang: Lang, hours: u32) -> String {
    match lang {
        Lang::Fr => format!("Ce lien est valable {hours} heures et ne peut servir qu’une fois."),
        Lang::En => format!("This link is valid for {hours} hours and can be used once."),
    }
}

/// The HTML wrapper shared by all emails: a centred 560px card with a call-to-action button.
fn html_layout(
    lang: Lang,
    title: &str,
    paragraphs: &[String],
    button: (&str, &str),
    footer: &[String],
) -> Markup {
    let (label, link) = button;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
            }
            body style="margin:0;padding:0;background:#f4f6fa;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a2233;" {
                table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f6fa;padding:24px 0;" {
                    tr { td align="center" {
                        table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;width:100%;background:#ffffff;border-radius:8px;border:1px solid #dde3ee;" {
                            tr { td style="padding:20px 28px;border-bottom:1px solid #dde3ee;font-weight:700;font-size:18px;color:#1f4fd1;" { "Relais" } }
                            tr { td style="padding:28px;font-size:15px;line-height:1.55;" {
                                h1 style="font-size:20px;margin:0 0 16px;" { (title) }
                                @for p in paragraphs {
                                    p style="margin:0 0 14px;" { (p) }
                                }
                                table role="presentation" cellpadding="0" cellspacing="0" style="margin:22px 0;" {
                                    tr { td style="border-radius:6px;background:#1f4fd1;" {
                                        a href=(link) style="display:inline-block;padding:12px 22px;color:#ffffff;text-decoration:none;font-weight:600;" { (label) }
                                    } }
                                }
                                p style="margin:0 0 6px;font-size:13px;color:#5b6577;" { (link) }
                            } }
                            tr { td style="padding:16px 28px;border-top:1px solid #dde3ee;font-size:12px;color:#5b6577;" {
                                @for line in footer {
                                    p style="margin:0 0 6px;" { (line) }
                                }
                            } }
                        }
                    } }
                }
            }
        }
    }
}

/// The plain-text part: the same paragraphs, then the link on its own line so every client
/// makes it clickable.
fn text_layout(title: &str, paragraphs: &[String], link: &str, footer: &[String]) -> String {
    let mut out = format!("{title}\n\n");
    for p in paragraphs {
        out.push_str(p);
        out.push_str("\n\n");
    }
    out.push_str(link);
    out.push_str("\n\n-- \n");
    for line in footer {
        out.push_str(line);
        out.push('\n');
    }
    out
}
