//! What contacts do with documents — comments, answers to quotes, suppliers'
//! confirmations — and the notifications those actions owe to people.

use crate::contact::{ContactId, id_type};
use crate::document::DocumentId;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// A comment's text: 1 to 2 000 characters after trimming; line breaks kept,
/// other control characters refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommentBody(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("the text is empty")]
    Empty,
    #[error("the text is longer than {0} characters")]
    TooLong(usize),
    #[error("the text contains control characters")]
    ControlCharacters,
    #[error("the text is shorter than {0} characters")]
    TooShort(usize),
}

fn checked(text: &str, min: usize, max: usize, multiline: bool) -> Result<String, TextError> {
    let trimmed = text.trim().replace("\r\n", "\n");
    let count = trimmed.chars().count();
    if count == 0 {
        return Err(TextError::Empty);
    }
    if count < min {
        return Err(TextError::TooShort(min));
    }
    if count > max {
        return Err(TextError::TooLong(max));
    }
    if trimmed.chars().any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t'))) {
        return Err(TextError::ControlCharacters);
    }
    Ok(trimmed)
}

impl CommentBody {
    pub const MAX: usize = 2000;

    pub fn parse(text: &str) -> Result<Self, TextError> {
        checked(text, 1, Self::MAX, true).map(CommentBody)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CommentBody {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CommentBody::parse(&value)
    }
}

impl From<CommentBody> for String {
    fn from(value: CommentBody) -> Self {
        value.0
    }
}

/// The full name of whoever accepts a quote: 3 to 120 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SignerName(String);

impl SignerName {
    pub const MAX: usize = 120;

    pub fn parse(text: &str) -> Result<Self, TextError> {
        let name = checked(text, 3, Self::MAX, false)?;
        Ok(SignerName(name.split_whitespace().collect::<Vec<_>>().join(" ")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SignerName {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        SignerName::parse(&value)
    }
}

impl From<SignerName> for String {
    fn from(value: SignerName) -> Self {
        value.0
    }
}

/// An optional short note (a rejection reason, a supplier's note): up to 500
/// characters; empty means none.
pub fn optional_note(text: &str) -> Result<Option<String>, TextError> {
    match checked(text, 1, 500, true) {
        Ok(note) => Ok(Some(note)),
        Err(TextError::Empty) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Where an action came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A logged-in contact.
    Portal,
    /// Someone holding the document's link.
    Link,
    Staff,
}

id_type!(
    /// Identifies a comment.
    CommentId,
    "comment"
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    pub document_id: DocumentId,
    pub contact_id: ContactId,
    pub author: String,
    pub origin: Origin,
    pub body: CommentBody,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Who accepted a quote, when, from where, and exactly which version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub signer: SignerName,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub ip: String,
    pub user_agent: String,
    pub content_version: u32,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub origin: Origin,
}

/// A supplier's confirmation of a purchase order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierConfirmation {
    pub delivery_date: Option<Date>,
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub origin: Origin,
}

/// Why someone gets an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// To staff.
    QuoteAccepted,
    /// To staff.
    QuoteRejected,
    /// To staff.
    PurchaseOrderConfirmed,
    /// To staff: a contact wrote in a document's thread.
    ContactCommented,
    /// To the contact: staff replied in the thread.
    StaffReplied,
    /// To the contact: the confirmation of their acceptance.
    AcceptanceReceipt,
    /// To staff: a contact placed an order from the catalog.
    OrderPlaced,
    /// To the contact: the confirmation of the order they placed.
    OrderReceipt,
    /// To staff: an invoice was paid online (in full or in part).
    PaymentReceived,
    /// To the contact: the receipt of their payment.
    PaymentReceipt,
    /// To staff: a confirmed payment could not be applied to its invoice.
    PaymentNeedsAttention,
}

impl NotificationKind {
    pub fn to_staff(self) -> bool {
        matches!(
            self,
            NotificationKind::QuoteAccepted
                | NotificationKind::QuoteRejected
                | NotificationKind::PurchaseOrderConfirmed
                | NotificationKind::ContactCommented
                | NotificationKind::OrderPlaced
                | NotificationKind::PaymentReceived
                | NotificationKind::PaymentNeedsAttention
        )
    }
}

id_type!(
    /// Identifies a notification in the outbox.
    NotificationId,
    "notification"
);

/// An email owed to one recipient, written in the same atomic write as the
/// action that owes it, delivered later by the outbox consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: NotificationKind,
    pub document_id: DocumentId,
    pub to: crate::EmailAddress,
    pub locale: crate::Locale,
    /// The comment that caused it, as it was written.
    pub comment: Option<Comment>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A notification's delivery state in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub notification: Notification,
    pub attempts: u32,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub claimed_until: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
    /// Set when delivery failed too many times: the entry leaves the pending
    /// queue (so it cannot hold up the others) and stays for staff to read.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub abandoned_at: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_bodies_are_bounded_and_clean() {
        assert_eq!(CommentBody::parse("  Hola\r\nqué tal ").unwrap().as_str(), "Hola\nqué tal");
        assert_eq!(CommentBody::parse("   "), Err(TextError::Empty));
        assert_eq!(CommentBody::parse(&"x".repeat(2001)), Err(TextError::TooLong(2000)));
        assert!(CommentBody::parse(&"ñ".repeat(2000)).is_ok(), "characters, not bytes");
        assert_eq!(CommentBody::parse("a\u{0}b"), Err(TextError::ControlCharacters));
    }

    #[test]
    fn signer_names_are_one_line() {
        assert_eq!(SignerName::parse("  Ana   López  Martín ").unwrap().as_str(), "Ana López Martín");
        assert_eq!(SignerName::parse("A"), Err(TextError::TooShort(3)));
        assert_eq!(SignerName::parse("Ana\nLópez"), Err(TextError::ControlCharacters));
        assert!(SignerName::parse(&"a".repeat(121)).is_err());
    }

    #[test]
    fn notes_are_optional() {
        assert_eq!(optional_note("  "), Ok(None));
        assert_eq!(optional_note(" Muy caro "), Ok(Some("Muy caro".into())));
        assert!(optional_note(&"x".repeat(501)).is_err());
    }
}
