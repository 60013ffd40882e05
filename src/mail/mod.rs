//! Outgoing email: a file outbox (the default: one `.eml` file per message) or SMTP.
//! Every message is multipart text + HTML.

pub mod outbound;

use crate::config::MailSettings;
use anyhow::Context;
use lettre::message::{header, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

#[derive(Clone)]
pub enum Mailer {
    File(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// A message ready to send.
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Extra headers such as List-Unsubscribe: (name, value).
    pub headers: Vec<(String, String)>,
}

impl Mailer {
    pub fn from_settings(s: &MailSettings) -> anyhow::Result<(Mailer, Mailbox)> {
        let from: Mailbox = s
            .from
            .parse()
            .with_context(|| format!("invalid mail.from address: {}", s.from))?;
        let mailer = match s.transport.as_str() {
            "file" => {
                std::fs::create_dir_all(&s.outbox_dir)
                    .with_context(|| format!("cannot create outbox folder {}", s.outbox_dir))?;
                Mailer::File(AsyncFileTransport::new(&s.outbox_dir))
            }
            "smtp" => {
                let builder = match s.smtp_security.as_str() {
                    "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.smtp_host)?,
                    "starttls" => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.smtp_host)?
                    }
                    "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.smtp_host),
                    other => anyhow::bail!(
                        "mail.smtp_security must be none, starttls or tls, not {other}"
                    ),
                };
                let mut builder = builder.port(s.smtp_port);
                if !s.smtp_username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        s.smtp_username.clone(),
                        s.smtp_password.expose_secret().to_string(),
                    ));
                }
                Mailer::Smtp(builder.build())
            }
            other => anyhow::bail!("mail.transport must be file or smtp, not {other}"),
        };
        Ok((mailer, from))
    }

    pub async fn send(&self, from: &Mailbox, msg: &Outgoing) -> anyhow::Result<()> {
        let to: Mailbox = msg
            .to
            .parse()
            .with_context(|| format!("invalid recipient {}", msg.to))?;
        let mut builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&msg.subject);
        for (name, value) in &msg.headers {
            builder = builder.raw_header(header::HeaderValue::new(
                header::HeaderName::new_from_ascii(name.clone()).context("invalid header name")?,
                value.clone(),
            ));
        }
        let email = builder.multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(msg.text.clone()))
                .singlepart(SinglePart::html(msg.html.clone())),
        )?;
        match self {
            Mailer::File(t) => {
                t.send(email).await.context("cannot write to the outbox")?;
            }
            Mailer::Smtp(t) => {
                t.send(email).await.context("SMTP delivery failed")?;
            }
        }
        Ok(())
    }
}
