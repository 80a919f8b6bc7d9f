//! Mail through SES as raw MIME (multipart/alternative text + HTML, plus any
//! attachments), built with `mail-builder`.

use crate::describe;
use async_trait::async_trait;
use aws_sdk_ses::Client;
use aws_sdk_ses::primitives::Blob;
use aws_sdk_ses::types::RawMessage;
use mail_builder::MessageBuilder;
use portal_domain::EmailAddress;
use portal_domain::ports::{MailError, Mailer, OutgoingMail};

#[derive(Clone, Debug)]
pub struct SesMailer {
    client: Client,
    from: EmailAddress,
    from_name: Option<String>,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: Client, from: EmailAddress, from_name: Option<String>) -> Self {
        SesMailer { client, from, from_name, configuration_set: None }
    }

    /// Sends every message through the SES configuration set `name`: its
    /// event destinations are where bounce and complaint metrics come from.
    /// An empty name (an unset template parameter) means none.
    pub fn with_configuration_set(mut self, name: Option<String>) -> Self {
        self.configuration_set = name.filter(|name| !name.is_empty());
        self
    }
}

/// The MIME message SES will send.
pub fn mime(from: &EmailAddress, from_name: Option<&str>, mail: &OutgoingMail) -> Result<Vec<u8>, MailError> {
    let mut builder = MessageBuilder::new()
        .from((from_name.unwrap_or_default(), from.as_str()))
        .to(mail.to.as_str())
        .subject(mail.subject.as_str())
        .text_body(mail.text.as_str())
        .html_body(mail.html.as_str());
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(reply_to.as_str());
    }
    for attachment in &mail.attachments {
        builder = builder.attachment(
            attachment.content_type.as_str(),
            attachment.file_name.as_str(),
            attachment.bytes.as_slice(),
        );
    }
    builder.write_to_vec().map_err(|e| MailError(format!("cannot build MIME: {e}")))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let bytes = mime(&self.from, self.from_name.as_deref(), mail)?;
        let raw = RawMessage::builder().data(Blob::new(bytes)).build().map_err(|e| MailError(e.to_string()))?;
        self.client
            .send_raw_email()
            .source(self.from.as_str())
            .destinations(mail.to.as_str())
            .raw_message(raw)
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|e| MailError(format!("SES SendRawEmail failed: {}", describe(&e))))?;
        Ok(())
    }
}
