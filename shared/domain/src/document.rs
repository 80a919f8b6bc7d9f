//! Documents the portal shows, and the lifecycle of each kind.

use crate::contact::{ContactId, id_type};
use crate::money::{Currency, Money};
use crate::policy::Actor;
use crate::tax::{IrpfRate, VatRate};
use crate::totals::{Discount, LineAmounts, Quantity, Totals};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

id_type!(
    /// Identifies a document of any kind.
    DocumentId,
    "document"
);

/// Every kind of document a contact can be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    CreditNote,
    Quote,
    Proforma,
    SalesOrder,
    DeliveryNote,
    PurchaseOrder,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 7] = [
        DocumentKind::Invoice,
        DocumentKind::CreditNote,
        DocumentKind::Quote,
        DocumentKind::Proforma,
        DocumentKind::SalesOrder,
        DocumentKind::DeliveryNote,
        DocumentKind::PurchaseOrder,
    ];

    /// The path segment naming the kind in URLs (`/documents/invoices`).
    pub fn slug(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoices",
            DocumentKind::CreditNote => "credit-notes",
            DocumentKind::Quote => "quotes",
            DocumentKind::Proforma => "proformas",
            DocumentKind::SalesOrder => "sales-orders",
            DocumentKind::DeliveryNote => "delivery-notes",
            DocumentKind::PurchaseOrder => "purchase-orders",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// Purchase orders go from the business to a supplier; the rest are sales documents.
    pub fn is_purchase(self) -> bool {
        self == DocumentKind::PurchaseOrder
    }

    /// The statuses a document of this kind can be in.
    pub fn statuses(self) -> &'static [DocumentStatus] {
        use DocumentStatus::*;
        match self {
            DocumentKind::Invoice => &[Issued, PartiallyPaid, Paid, Void],
            DocumentKind::CreditNote => &[Issued, Refunded, Void],
            DocumentKind::Quote => &[Sent, Accepted, Rejected, Void],
            DocumentKind::Proforma => &[Issued, Invoiced, Cancelled],
            DocumentKind::SalesOrder => &[Pending, Confirmed, Shipped, Delivered, Cancelled],
            DocumentKind::DeliveryNote => &[Issued, Delivered],
            DocumentKind::PurchaseOrder => &[Sent, Confirmed, Received, Cancelled],
        }
    }

    /// The status a new document of this kind starts in.
    pub fn initial_status(self) -> DocumentStatus {
        self.statuses()[0]
    }

    /// The list filters offered for this kind, in display order.
    pub fn filters(self) -> &'static [DocumentFilter] {
        use DocumentFilter::*;
        match self {
            DocumentKind::Invoice => &[All, Open, PastDate, Done, Cancelled],
            DocumentKind::Quote => &[All, Current, PastDate, Done, Rejected, Cancelled],
            DocumentKind::CreditNote | DocumentKind::DeliveryNote => &[All, Open, Done],
            DocumentKind::Proforma | DocumentKind::SalesOrder | DocumentKind::PurchaseOrder => {
                &[All, Open, Done, Cancelled]
            }
        }
    }

    /// Which date a document of this kind is tracked by while open: invoices by
    /// due date (overdue), quotes by valid-until (expired), the rest by issue date.
    pub fn tracks_deadline(self) -> bool {
        matches!(self, DocumentKind::Invoice | DocumentKind::Quote)
    }
}

/// The stored status of a document. Overdue and expired are *derived* from dates
/// (see [`DisplayStatus`]), so time passing never needs a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    Issued,
    Sent,
    PartiallyPaid,
    Paid,
    Refunded,
    Accepted,
    Rejected,
    Invoiced,
    Pending,
    Confirmed,
    Shipped,
    Delivered,
    Received,
    Cancelled,
    Void,
}

/// Groups of statuses that list filters and indexes work with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusBucket {
    /// Waiting for something: payment, an answer, delivery.
    Open,
    /// Reached its happy end: paid, accepted, delivered, received...
    Done,
    /// Declined by the contact.
    Rejected,
    /// Cancelled or voided by the business.
    Cancelled,
}

impl StatusBucket {
    pub fn slug(self) -> &'static str {
        match self {
            StatusBucket::Open => "open",
            StatusBucket::Done => "done",
            StatusBucket::Rejected => "rejected",
            StatusBucket::Cancelled => "cancelled",
        }
    }
}

impl DocumentStatus {
    pub fn slug(self) -> &'static str {
        match self {
            DocumentStatus::Issued => "issued",
            DocumentStatus::Sent => "sent",
            DocumentStatus::PartiallyPaid => "partially_paid",
            DocumentStatus::Paid => "paid",
            DocumentStatus::Refunded => "refunded",
            DocumentStatus::Accepted => "accepted",
            DocumentStatus::Rejected => "rejected",
            DocumentStatus::Invoiced => "invoiced",
            DocumentStatus::Pending => "pending",
            DocumentStatus::Confirmed => "confirmed",
            DocumentStatus::Shipped => "shipped",
            DocumentStatus::Delivered => "delivered",
            DocumentStatus::Received => "received",
            DocumentStatus::Cancelled => "cancelled",
            DocumentStatus::Void => "void",
        }
    }

    pub fn bucket(self) -> StatusBucket {
        use DocumentStatus::*;
        match self {
            Issued | Sent | PartiallyPaid | Pending | Confirmed | Shipped => StatusBucket::Open,
            Paid | Refunded | Accepted | Invoiced | Delivered | Received => StatusBucket::Done,
            Rejected => StatusBucket::Rejected,
            Cancelled | Void => StatusBucket::Cancelled,
        }
    }
}

/// A list filter. `PastDate` is "overdue" for invoices and "expired" for quotes;
/// `Current` is the open ones still within their date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentFilter {
    All,
    Open,
    Current,
    PastDate,
    Done,
    Rejected,
    Cancelled,
}

impl DocumentFilter {
    pub fn slug(self) -> &'static str {
        match self {
            DocumentFilter::All => "all",
            DocumentFilter::Open => "open",
            DocumentFilter::Current => "current",
            DocumentFilter::PastDate => "past-date",
            DocumentFilter::Done => "done",
            DocumentFilter::Rejected => "rejected",
            DocumentFilter::Cancelled => "cancelled",
        }
    }

    /// Parses a filter offered for `kind`; any other value is refused.
    pub fn parse_for(kind: DocumentKind, slug: &str) -> Option<Self> {
        kind.filters().iter().copied().find(|f| f.slug() == slug)
    }

    /// The status bucket this filter reads, or `None` for all documents.
    pub fn bucket(self) -> Option<StatusBucket> {
        match self {
            DocumentFilter::All => None,
            DocumentFilter::Open | DocumentFilter::Current | DocumentFilter::PastDate => Some(StatusBucket::Open),
            DocumentFilter::Done => Some(StatusBucket::Done),
            DocumentFilter::Rejected => Some(StatusBucket::Rejected),
            DocumentFilter::Cancelled => Some(StatusBucket::Cancelled),
        }
    }
}

/// What the contact is shown: the stored status, or the one dates imply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayStatus {
    Stored(DocumentStatus),
    /// An open invoice past its due date.
    Overdue,
    /// An open quote past its valid-until date.
    Expired,
}

impl DisplayStatus {
    pub fn slug(self) -> &'static str {
        match self {
            DisplayStatus::Stored(status) => status.slug(),
            DisplayStatus::Overdue => "overdue",
            DisplayStatus::Expired => "expired",
        }
    }
}

/// A document number as the business issues it (`F2026-0042`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a document number has 1 to 40 visible characters")]
pub struct InvalidDocumentNumber;

impl DocumentNumber {
    pub fn parse(text: &str) -> Result<Self, InvalidDocumentNumber> {
        let t = text.trim();
        if t.is_empty() || t.chars().count() > 40 || t.chars().any(char::is_control) {
            return Err(InvalidDocumentNumber);
        }
        Ok(DocumentNumber(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DocumentNumber {
    type Error = InvalidDocumentNumber;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        DocumentNumber::parse(&value)
    }
}

impl From<DocumentNumber> for String {
    fn from(value: DocumentNumber) -> Self {
        value.0
    }
}

/// One line of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub description: String,
    pub quantity: Quantity,
    pub unit_price_minor: i64,
    #[serde(default)]
    pub discount: Discount,
    pub vat: VatRate,
    #[serde(default)]
    pub irpf: Option<IrpfRate>,
    /// The catalog product the line was ordered as (portal orders), for re-ordering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<crate::catalog::ProductId>,
}

impl Line {
    pub fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity,
            unit_price_minor: self.unit_price_minor,
            discount: self.discount,
            vat: self.vat,
            irpf: self.irpf,
        }
    }
}

/// The secret-free half of a document's access link. The link itself is a MAC
/// over the document id and this nonce (see the web layer); replacing the nonce
/// (rotation) invalidates every earlier link at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkNonce(pub String);

/// The access-link state of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLink {
    pub nonce: LinkNonce,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

impl AccessLink {
    pub fn is_usable(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

/// A document as the business issued it. Totals are derived from the lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocumentId,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    pub contact_id: ContactId,
    pub status: DocumentStatus,
    pub issue_date: Date,
    pub due_date: Option<Date>,
    pub valid_until: Option<Date>,
    pub currency: Currency,
    pub lines: Vec<Line>,
    /// Carries recargo de equivalencia (the contact is a retailer under that regime).
    pub recargo: bool,
    pub notes: Option<String>,
    /// Sum of the payments received (invoices).
    pub paid_minor: i64,
    pub access_link: AccessLink,
    /// Bumped when what the document shows changes (lines, dates, status,
    /// payments, answers): the PDF cache key, and the version a contact's
    /// answer was given to. Changing the access link leaves it alone.
    pub content_version: u32,
    /// The stored revision, bumped on every write: the optimistic lock. Kept
    /// by the store beside the document, not in its JSON; 0 for a document
    /// never stored. Only [`crate::ports::DocumentUpdate`] moves it on.
    #[serde(skip)]
    pub revision: u32,
    /// Quotes: who accepted, when, and which version.
    #[serde(default)]
    pub acceptance: Option<crate::interaction::Acceptance>,
    #[serde(default)]
    pub rejection: Option<crate::interaction::Rejection>,
    /// Purchase orders: the supplier's confirmation.
    #[serde(default)]
    pub supplier_confirmation: Option<crate::interaction::SupplierConfirmation>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a {kind:?} cannot go from {from:?} by {action:?}")]
    NotAllowed { kind: DocumentKind, from: DocumentStatus, action: DocumentAction },
    #[error("only {0} may do this")]
    WrongActor(&'static str),
    #[error("the quote expired on its valid-until date")]
    Expired,
}

/// Something that moves a document through its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentAction {
    /// A payment that leaves part of the amount due.
    RecordPartialPayment,
    /// A payment that settles the amount due.
    RecordFullPayment,
    Refund,
    Accept,
    Reject,
    Confirm,
    Ship,
    Deliver,
    Receive,
    MarkInvoiced,
    Cancel,
    Void,
}

impl DocumentAction {
    pub const ALL: [DocumentAction; 12] = [
        DocumentAction::RecordPartialPayment,
        DocumentAction::RecordFullPayment,
        DocumentAction::Refund,
        DocumentAction::Accept,
        DocumentAction::Reject,
        DocumentAction::Confirm,
        DocumentAction::Ship,
        DocumentAction::Deliver,
        DocumentAction::Receive,
        DocumentAction::MarkInvoiced,
        DocumentAction::Cancel,
        DocumentAction::Void,
    ];
}

impl Document {
    /// A document never stored: of `kind`, in its first status, with no lines
    /// or dates beyond its issue date, nothing paid, answered or confirmed.
    /// The one place a document is put together; callers fill in its content.
    pub fn new(
        id: DocumentId,
        kind: DocumentKind,
        number: DocumentNumber,
        contact_id: ContactId,
        issue_date: Date,
        currency: Currency,
        link: LinkNonce,
    ) -> Document {
        Document {
            id,
            kind,
            number,
            contact_id,
            status: kind.initial_status(),
            issue_date,
            due_date: None,
            valid_until: None,
            currency,
            lines: Vec::new(),
            recargo: false,
            notes: None,
            paid_minor: 0,
            access_link: AccessLink { nonce: link, expires_at: None },
            content_version: 1,
            revision: 0,
            acceptance: None,
            rejection: None,
            supplier_confirmation: None,
        }
    }

    pub fn totals(&self) -> Totals {
        Totals::compute(self.currency, self.lines.iter().map(Line::amounts), self.recargo)
    }

    /// The amount still to pay (invoices), never below zero.
    pub fn amount_due(&self, totals: &Totals) -> Money {
        let due = if self.kind == DocumentKind::Invoice && self.status.bucket() == StatusBucket::Open {
            (totals.total - self.paid_minor).max(0)
        } else {
            0
        };
        Money::new(due, self.currency)
    }

    /// The date after which an open document is late: invoices are due on
    /// their due date (on issue when none was agreed); quotes close after
    /// their valid-until date and never expire without one.
    pub fn deadline(&self) -> Option<Date> {
        match self.kind {
            DocumentKind::Invoice => Some(self.due_date.unwrap_or(self.issue_date)),
            DocumentKind::Quote => self.valid_until,
            _ => None,
        }
    }

    /// The date lists sort by: the deadline when there is one, otherwise the issue date.
    pub fn key_date(&self) -> Date {
        self.deadline().unwrap_or(self.issue_date)
    }

    pub fn display_status(&self, today: Date) -> DisplayStatus {
        display_status(self.kind, self.status, self.deadline(), today)
    }

    /// The quote's answer window has closed.
    pub fn is_expired(&self, today: Date) -> bool {
        self.display_status(today) == DisplayStatus::Expired
    }

    /// Applies `action` by `actor` on `today`, returning the new status or why not.
    pub fn transition(
        &self,
        action: DocumentAction,
        actor: &Actor,
        today: Date,
    ) -> Result<DocumentStatus, TransitionError> {
        next_status(self.kind, self.status, action, actor, self.is_expired(today))
    }

    /// Whether `other` shows what this document shows: everything but the
    /// access link and the two versions. Destructured field by field, so a
    /// new field cannot be added without deciding whether it is content.
    pub fn shows_same_as(&self, other: &Document) -> bool {
        let Document {
            id,
            kind,
            number,
            contact_id,
            status,
            issue_date,
            due_date,
            valid_until,
            currency,
            lines,
            recargo,
            notes,
            paid_minor,
            access_link: _,
            content_version: _,
            revision: _,
            acceptance,
            rejection,
            supplier_confirmation,
        } = self;
        *id == other.id
            && *kind == other.kind
            && *number == other.number
            && *contact_id == other.contact_id
            && *status == other.status
            && *issue_date == other.issue_date
            && *due_date == other.due_date
            && *valid_until == other.valid_until
            && *currency == other.currency
            && *lines == other.lines
            && *recargo == other.recargo
            && *notes == other.notes
            && *paid_minor == other.paid_minor
            && *acceptance == other.acceptance
            && *rejection == other.rejection
            && *supplier_confirmation == other.supplier_confirmation
    }

    pub fn summary(&self) -> DocumentSummary {
        let totals = self.totals();
        DocumentSummary {
            id: self.id.clone(),
            kind: self.kind,
            number: self.number.clone(),
            contact_id: self.contact_id.clone(),
            status: self.status,
            issue_date: self.issue_date,
            key_date: self.key_date(),
            deadline: self.deadline(),
            total: totals.total_money(),
            amount_due: self.amount_due(&totals),
        }
    }
}

fn display_status(kind: DocumentKind, status: DocumentStatus, deadline: Option<Date>, today: Date) -> DisplayStatus {
    let past = deadline.is_some_and(|deadline| deadline < today) && status.bucket() == StatusBucket::Open;
    match kind {
        DocumentKind::Invoice if past => DisplayStatus::Overdue,
        DocumentKind::Quote if past => DisplayStatus::Expired,
        _ => DisplayStatus::Stored(status),
    }
}

/// The lifecycle table: every allowed (kind, status, action) and who may do it.
pub fn next_status(
    kind: DocumentKind,
    from: DocumentStatus,
    action: DocumentAction,
    actor: &Actor,
    expired: bool,
) -> Result<DocumentStatus, TransitionError> {
    use DocumentAction as A;
    use DocumentKind as K;
    use DocumentStatus as S;
    enum By {
        Staff,
        Contact,
    }
    let not_allowed = TransitionError::NotAllowed { kind, from, action };
    let (to, by) = match (kind, from, action) {
        (K::Invoice, S::Issued | S::PartiallyPaid, A::RecordPartialPayment) => (S::PartiallyPaid, By::Staff),
        (K::Invoice, S::Issued | S::PartiallyPaid, A::RecordFullPayment) => (S::Paid, By::Staff),
        (K::Invoice, S::Issued, A::Void) => (S::Void, By::Staff),
        (K::CreditNote, S::Issued, A::Refund) => (S::Refunded, By::Staff),
        (K::CreditNote, S::Issued, A::Void) => (S::Void, By::Staff),
        (K::Quote, S::Sent, A::Accept) => (S::Accepted, By::Contact),
        (K::Quote, S::Sent, A::Reject) => (S::Rejected, By::Contact),
        (K::Quote, S::Sent | S::Accepted, A::Void) => (S::Void, By::Staff),
        (K::Proforma, S::Issued, A::MarkInvoiced) => (S::Invoiced, By::Staff),
        (K::Proforma, S::Issued, A::Cancel) => (S::Cancelled, By::Staff),
        (K::SalesOrder, S::Pending, A::Confirm) => (S::Confirmed, By::Staff),
        (K::SalesOrder, S::Confirmed, A::Ship) => (S::Shipped, By::Staff),
        (K::SalesOrder, S::Confirmed | S::Shipped, A::Deliver) => (S::Delivered, By::Staff),
        (K::SalesOrder, S::Pending | S::Confirmed, A::Cancel) => (S::Cancelled, By::Staff),
        (K::DeliveryNote, S::Issued, A::Deliver) => (S::Delivered, By::Staff),
        (K::PurchaseOrder, S::Sent, A::Confirm) => (S::Confirmed, By::Contact),
        (K::PurchaseOrder, S::Sent | S::Confirmed, A::Receive) => (S::Received, By::Staff),
        (K::PurchaseOrder, S::Sent | S::Confirmed, A::Cancel) => (S::Cancelled, By::Staff),
        _ => return Err(not_allowed),
    };
    match (by, actor) {
        (By::Staff, Actor::Staff) => {}
        (By::Contact, Actor::Contact { .. } | Actor::LinkHolder { .. }) => {}
        (By::Staff, _) => return Err(TransitionError::WrongActor("staff")),
        (By::Contact, _) => return Err(TransitionError::WrongActor("the contact")),
    }
    if kind == K::Quote && matches!(action, A::Accept | A::Reject) && expired {
        return Err(TransitionError::Expired);
    }
    Ok(to)
}

/// What a list row needs: small enough to be projected into an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub id: DocumentId,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    pub contact_id: ContactId,
    pub status: DocumentStatus,
    pub issue_date: Date,
    pub key_date: Date,
    /// See [`Document::deadline`].
    #[serde(default)]
    pub deadline: Option<Date>,
    pub total: Money,
    pub amount_due: Money,
}

impl DocumentSummary {
    pub fn display_status(&self, today: Date) -> DisplayStatus {
        display_status(self.kind, self.status, self.deadline, today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::ContactRole;
    use time::macros::date;

    fn contact() -> Actor {
        Actor::Contact { id: ContactId::parse("c1").unwrap(), role: ContactRole::Both }
    }

    #[test]
    fn every_kind_starts_in_a_status_it_lists_and_has_filters() {
        for kind in DocumentKind::ALL {
            assert!(kind.statuses().contains(&kind.initial_status()));
            assert_eq!(kind.filters()[0], DocumentFilter::All);
            assert_eq!(DocumentKind::from_slug(kind.slug()), Some(kind));
        }
        assert_eq!(DocumentKind::from_slug("nope"), None);
    }

    #[test]
    fn quote_lifecycle() {
        use DocumentAction::*;
        use DocumentStatus::*;
        let k = DocumentKind::Quote;
        assert_eq!(next_status(k, Sent, Accept, &contact(), false), Ok(Accepted));
        assert_eq!(next_status(k, Sent, Reject, &contact(), false), Ok(Rejected));
        assert_eq!(next_status(k, Sent, Accept, &contact(), true), Err(TransitionError::Expired));
        assert!(matches!(next_status(k, Accepted, Accept, &contact(), false), Err(TransitionError::NotAllowed { .. })));
        assert!(matches!(next_status(k, Rejected, Accept, &contact(), false), Err(TransitionError::NotAllowed { .. })));
        assert_eq!(next_status(k, Sent, Accept, &Actor::Staff, false), Err(TransitionError::WrongActor("the contact")));
    }

    #[test]
    fn invoice_lifecycle() {
        use DocumentAction::*;
        use DocumentStatus::*;
        let k = DocumentKind::Invoice;
        assert_eq!(next_status(k, Issued, RecordPartialPayment, &Actor::Staff, false), Ok(PartiallyPaid));
        assert_eq!(next_status(k, PartiallyPaid, RecordFullPayment, &Actor::Staff, false), Ok(Paid));
        assert!(next_status(k, Paid, RecordFullPayment, &Actor::Staff, false).is_err());
        assert!(next_status(k, PartiallyPaid, DocumentAction::Void, &Actor::Staff, false).is_err());
        assert_eq!(next_status(k, Issued, DocumentAction::Void, &Actor::Staff, false), Ok(DocumentStatus::Void));
        assert_eq!(
            next_status(k, Issued, RecordFullPayment, &contact(), false),
            Err(TransitionError::WrongActor("staff"))
        );
    }

    #[test]
    fn orders_lifecycles() {
        use DocumentAction::*;
        use DocumentStatus::*;
        assert_eq!(next_status(DocumentKind::PurchaseOrder, Sent, Confirm, &contact(), false), Ok(Confirmed));
        assert!(next_status(DocumentKind::PurchaseOrder, Confirmed, Confirm, &contact(), false).is_err());
        assert_eq!(next_status(DocumentKind::SalesOrder, Pending, Confirm, &Actor::Staff, false), Ok(Confirmed));
        assert!(next_status(DocumentKind::SalesOrder, Pending, Confirm, &contact(), false).is_err());
        assert!(next_status(DocumentKind::SalesOrder, Delivered, Cancel, &Actor::Staff, false).is_err());
        assert_eq!(next_status(DocumentKind::DeliveryNote, Issued, Deliver, &Actor::Staff, false), Ok(Delivered));
    }

    #[test]
    fn every_transition_target_is_a_status_of_its_kind() {
        let actions = DocumentAction::ALL;
        for kind in DocumentKind::ALL {
            for &from in kind.statuses() {
                for action in actions {
                    for actor in [Actor::Staff, contact()] {
                        if let Ok(to) = next_status(kind, from, action, &actor, false) {
                            assert!(kind.statuses().contains(&to), "{kind:?} {from:?} -> {to:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn overdue_and_expired_are_derived_from_dates() {
        let today = date!(2026 - 11 - 28);
        assert_eq!(
            display_status(DocumentKind::Invoice, DocumentStatus::Issued, Some(date!(2026 - 11 - 27)), today),
            DisplayStatus::Overdue
        );
        assert_eq!(
            display_status(DocumentKind::Invoice, DocumentStatus::Issued, Some(today), today),
            DisplayStatus::Stored(DocumentStatus::Issued)
        );
        assert_eq!(
            display_status(DocumentKind::Invoice, DocumentStatus::Paid, Some(date!(2026 - 01 - 01)), today),
            DisplayStatus::Stored(DocumentStatus::Paid)
        );
        assert_eq!(
            display_status(DocumentKind::Quote, DocumentStatus::Sent, Some(date!(2026 - 11 - 01)), today),
            DisplayStatus::Expired
        );
        assert_eq!(
            display_status(DocumentKind::SalesOrder, DocumentStatus::Pending, Some(date!(2026 - 01 - 01)), today),
            DisplayStatus::Stored(DocumentStatus::Pending)
        );
        // A quote without a valid-until date stays open however old it is.
        assert_eq!(
            display_status(DocumentKind::Quote, DocumentStatus::Sent, None, today),
            DisplayStatus::Stored(DocumentStatus::Sent)
        );
    }

    #[test]
    fn filters_parse_only_for_their_kind() {
        assert_eq!(DocumentFilter::parse_for(DocumentKind::Invoice, "past-date"), Some(DocumentFilter::PastDate));
        assert_eq!(DocumentFilter::parse_for(DocumentKind::SalesOrder, "past-date"), None);
        assert_eq!(DocumentFilter::parse_for(DocumentKind::Quote, "rejected"), Some(DocumentFilter::Rejected));
        assert_eq!(DocumentFilter::parse_for(DocumentKind::Invoice, "<x>"), None);
    }
}
