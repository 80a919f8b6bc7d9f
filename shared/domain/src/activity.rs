//! What happened on a document: the history shown on the document and the
//! "recent activity" of the dashboard.

use crate::contact::ContactId;
use crate::document::{DocumentId, DocumentKind, DocumentNumber, DocumentStatus};
use crate::money::Money;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActivityKind {
    /// The business issued or sent the document.
    Issued,
    /// The business changed what the document says (lines, dates, notes).
    Updated,
    PaymentReceived {
        amount: Money,
    },
    StatusChanged {
        to: DocumentStatus,
    },
    Accepted {
        signer: String,
    },
    Rejected,
    Confirmed,
    Commented,
    /// The contact placed the order from the catalog.
    OrderPlaced,
    /// A delayed payment method (a bank debit) failed at the gateway.
    PaymentFailed,
    /// A confirmed payment could not be applied (more than due, another
    /// currency, the invoice no longer open): staff must sort it out.
    PaymentRefused {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEvent {
    pub id: String,
    pub document_id: DocumentId,
    pub document_kind: DocumentKind,
    pub document_number: DocumentNumber,
    pub contact_id: ContactId,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub kind: ActivityKind,
}
