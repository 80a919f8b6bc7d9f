//! Documents: create, read, change, void; bank-transfer payments; history,
//! comments and staff replies; the document's access link.

use crate::{optional_text, text};
use lambda_http::http::StatusCode;
use portal_domain::activity::ActivityKind;
use portal_domain::document::AccessLink;
use portal_domain::interaction::{Comment, CommentBody, CommentId, NotificationKind, Origin};
use portal_domain::payment::{Gateway, Payment, PaymentReference, PaymentRefusal};
use portal_domain::ports::{DocumentChange, PaymentRecord, Recorded, StoreError};
use portal_domain::{
    Actor, Contact, Currency, Document, DocumentAction, DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Line,
    Money,
};
use portal_web::api::{self, ApiError, ApiResult};
use portal_web::routes::url;
use portal_web::{AppState, Request, actions, http, tokens};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

pub const MAX_LINES: usize = 500;
/// Bounds that keep every total far inside `i64`: 500 lines × 1,000,000
/// units × 100,000,000.00 per unit.
pub const MAX_UNIT_PRICE_MINOR: i64 = 10_000_000_000;
pub const MAX_LINE_UNITS: i64 = 1_000_000;
/// History and thread reads.
pub const MAX_EVENTS: u32 = 200;
const ATTEMPTS: usize = 3;

/// A document as the API shows it: what it says, its totals and state.
#[derive(Debug, Serialize)]
pub struct DocumentView<'a> {
    pub id: &'a DocumentId,
    pub kind: DocumentKind,
    pub number: &'a DocumentNumber,
    pub contact_id: &'a portal_domain::ContactId,
    pub status: DocumentStatus,
    /// The status with dates applied: `overdue` invoices, `expired` quotes.
    pub display_status: &'static str,
    pub issue_date: Date,
    pub due_date: Option<Date>,
    pub valid_until: Option<Date>,
    pub currency: Currency,
    pub lines: &'a [Line],
    pub recargo: bool,
    pub notes: Option<&'a str>,
    pub base_minor: i64,
    pub vat_minor: i64,
    pub recargo_minor: i64,
    pub irpf_minor: i64,
    pub total_minor: i64,
    pub paid_minor: i64,
    pub amount_due_minor: i64,
    /// The optimistic lock: send it back with a change.
    pub version: u32,
    pub acceptance: Option<&'a portal_domain::interaction::Acceptance>,
    pub rejection: Option<&'a portal_domain::interaction::Rejection>,
    pub supplier_confirmation: Option<&'a portal_domain::interaction::SupplierConfirmation>,
    /// The page a logged-in contact opens.
    pub portal_url: String,
}

pub fn view<'a>(state: &AppState, document: &'a Document) -> DocumentView<'a> {
    let totals = document.totals();
    DocumentView {
        id: &document.id,
        kind: document.kind,
        number: &document.number,
        contact_id: &document.contact_id,
        status: document.status,
        display_status: document.display_status(state.clock.today()).slug(),
        issue_date: document.issue_date,
        due_date: document.due_date,
        valid_until: document.valid_until,
        currency: document.currency,
        lines: &document.lines,
        recargo: document.recargo,
        notes: document.notes.as_deref(),
        base_minor: totals.base,
        vat_minor: totals.vat,
        recargo_minor: totals.recargo,
        irpf_minor: totals.irpf,
        total_minor: totals.total,
        paid_minor: document.paid_minor,
        amount_due_minor: document.amount_due(&totals).minor,
        version: document.content_version,
        acceptance: document.acceptance.as_ref(),
        rejection: document.rejection.as_ref(),
        supplier_confirmation: document.supplier_confirmation.as_ref(),
        portal_url: format!("{}{}", state.config.public_url, url::document(document.kind, &document.id)),
    }
}

fn respond(state: &AppState, status: StatusCode, document: &Document) -> ApiResult {
    api::json(status, &view(state, document))
}

/// A document as staff write it. Creating needs `kind`, `contact_id` and the
/// content; changing needs `version` and the content, and refuses the fields
/// that cannot change (id, kind, contact, currency, status, paid amount).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    /// Your system's id for the document; generated when absent.
    #[serde(default)]
    pub id: Option<DocumentId>,
    #[serde(default)]
    pub kind: Option<DocumentKind>,
    #[serde(default)]
    pub contact_id: Option<portal_domain::ContactId>,
    /// Defaults to the business's currency.
    #[serde(default)]
    pub currency: Option<Currency>,
    /// Defaults to the kind's first status (issued, sent, pending).
    #[serde(default)]
    pub status: Option<DocumentStatus>,
    /// Invoices: what was already paid outside the portal.
    #[serde(default)]
    pub paid_minor: Option<i64>,
    /// Changes: the `version` the change was made on; another one is a conflict.
    #[serde(default)]
    pub version: Option<u32>,
    pub number: DocumentNumber,
    pub issue_date: Date,
    #[serde(default)]
    pub due_date: Option<Date>,
    #[serde(default)]
    pub valid_until: Option<Date>,
    pub lines: Vec<Line>,
    /// Defaults to the contact's recargo de equivalencia.
    #[serde(default)]
    pub recargo: Option<bool>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Applies checked content to a document.
fn apply_content(document: &mut Document, content: DocumentInput, contact: &Contact) -> Result<(), ApiError> {
    if content.lines.is_empty() || content.lines.len() > MAX_LINES {
        return Err(ApiError::invalid("lines", format!("A document has 1 to {MAX_LINES} lines.")));
    }
    let mut lines = content.lines;
    for (i, line) in lines.iter_mut().enumerate() {
        line.description = text(&format!("lines[{i}].description"), &line.description, 500)?;
        if line.unit_price_minor.abs() > MAX_UNIT_PRICE_MINOR {
            return Err(ApiError::invalid(format!("lines[{i}].unit_price_minor"), "The unit price is out of range."));
        }
        if line.quantity.thousandths().abs() > MAX_LINE_UNITS * portal_domain::Quantity::SCALE {
            return Err(ApiError::invalid(format!("lines[{i}].quantity"), "The quantity is out of range."));
        }
    }
    if content.due_date.is_some_and(|due| due < content.issue_date) {
        return Err(ApiError::invalid("due_date", "The due date cannot be before the issue date."));
    }
    if content.valid_until.is_some_and(|until| until < content.issue_date) {
        return Err(ApiError::invalid("valid_until", "The valid-until date cannot be before the issue date."));
    }
    document.number = content.number;
    document.issue_date = content.issue_date;
    document.due_date = content.due_date;
    document.valid_until = content.valid_until;
    document.lines = lines;
    document.recargo = content.recargo.unwrap_or(contact.recargo_equivalencia);
    document.notes = optional_text("notes", content.notes.as_deref(), 2000)?;
    Ok(())
}

pub async fn find(state: &AppState, id: &str) -> Result<Document, ApiError> {
    let id = DocumentId::parse(id).map_err(|_| ApiError::not_found("document"))?;
    state.store.document(&id).await?.ok_or_else(|| ApiError::not_found("document"))
}

fn changed_meanwhile(cause: String) -> ApiError {
    ApiError {
        cause: Some(cause),
        ..ApiError::conflict("version_mismatch", "The document changed meanwhile; read it again and retry.")
    }
}

/// `POST /api/v1/documents` → 201 with the document.
pub async fn create(state: &AppState, request: &Request) -> ApiResult {
    let body: DocumentInput = api::body(request)?;
    if body.version.is_some() {
        return Err(ApiError::invalid("version", "A new document has no version yet."));
    }
    let kind = body.kind.ok_or_else(|| ApiError::invalid("kind", "Say which kind of document this is."))?;
    let contact_id =
        body.contact_id.clone().ok_or_else(|| ApiError::invalid("contact_id", "Say whose document this is."))?;
    let contact = state
        .store
        .contact(&contact_id)
        .await?
        .ok_or_else(|| ApiError::invalid("contact_id", "No contact with this id."))?;
    if !contact.role.sees(kind) {
        return Err(ApiError::invalid(
            "contact_id",
            "Sales documents go to customers and purchase orders to suppliers; change the contact's role first.",
        ));
    }
    let status = body.status.unwrap_or_else(|| kind.initial_status());
    if !kind.statuses().contains(&status) {
        return Err(ApiError::invalid("status", "This status does not exist for this kind of document."));
    }
    let settings = state.store.business_settings().await?.ok_or_else(|| ApiError::internal("settings missing"))?;
    let id = match body.id.clone() {
        Some(id) => id,
        None => {
            DocumentId::parse(&format!("d-{}", state.ids.new_id())).map_err(|e| ApiError::internal(e.to_string()))?
        }
    };
    let mut document = Document {
        id,
        kind,
        number: body.number.clone(),
        contact_id: contact.id.clone(),
        status,
        issue_date: body.issue_date,
        due_date: None,
        valid_until: None,
        currency: body.currency.unwrap_or(settings.default_currency),
        lines: Vec::new(),
        recargo: false,
        notes: None,
        paid_minor: 0,
        access_link: AccessLink { nonce: tokens::new_link_nonce(), expires_at: None },
        content_version: 1,
        acceptance: None,
        rejection: None,
        supplier_confirmation: None,
    };
    let paid_minor = body.paid_minor.unwrap_or(0);
    apply_content(&mut document, body, &contact)?;
    let total = document.totals().total;
    if paid_minor != 0 && (kind != DocumentKind::Invoice || paid_minor < 0 || paid_minor > total) {
        return Err(ApiError::invalid("paid_minor", "Only invoices carry a paid amount, from 0 to their total."));
    }
    document.paid_minor = paid_minor;
    let event = actions::event(state, &document, ActivityKind::Issued);
    match state.store.create_document(&document, &[event]).await {
        Ok(()) => respond(state, StatusCode::CREATED, &document),
        Err(StoreError::Conflict(cause)) => Err(ApiError {
            cause: Some(cause),
            ..ApiError::conflict("document_exists", "A document with this id already exists.")
        }),
        Err(other) => Err(other.into()),
    }
}

/// `GET /api/v1/documents/{id}`.
pub async fn show(state: &AppState, id: &str) -> ApiResult {
    let document = find(state, id).await?;
    respond(state, StatusCode::OK, &document)
}

/// `PUT /api/v1/documents/{id}`: replaces what an open document says. A
/// document with an answer, a payment or a final status is not changed.
pub async fn update(state: &AppState, request: &Request, id: &str) -> ApiResult {
    let body: DocumentInput = api::body(request)?;
    let fixed = [
        ("id", body.id.is_some()),
        ("kind", body.kind.is_some()),
        ("contact_id", body.contact_id.is_some()),
        ("currency", body.currency.is_some()),
        ("status", body.status.is_some()),
        ("paid_minor", body.paid_minor.is_some()),
    ];
    if let Some((field, _)) = fixed.iter().find(|(_, sent)| *sent) {
        return Err(ApiError::invalid(
            *field,
            format!("{field} cannot change; void the document and issue a new one."),
        ));
    }
    let version = body.version.ok_or_else(|| ApiError::invalid("version", "Send the version you read."))?;
    let document = find(state, id).await?;
    if version != document.content_version {
        return Err(changed_meanwhile(format!("sent version {version}, stored {}", document.content_version)));
    }
    let answered = document.acceptance.is_some()
        || document.rejection.is_some()
        || document.supplier_confirmation.is_some()
        || document.paid_minor > 0;
    if answered || document.status.bucket() != portal_domain::document::StatusBucket::Open {
        return Err(ApiError::conflict(
            "document_locked",
            "The document was answered, paid or closed; issue a new one (or a credit note) instead.",
        ));
    }
    let contact = state
        .store
        .contact(&document.contact_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("document {} names a missing contact", document.id)))?;
    let mut updated = document.clone();
    apply_content(&mut updated, body, &contact)?;
    updated.content_version += 1;
    let change = DocumentChange {
        events: vec![actions::event(state, &updated, ActivityKind::Updated)],
        document: updated,
        notifications: Vec::new(),
    };
    match state.store.apply_change(&change).await {
        Ok(()) => respond(state, StatusCode::OK, &change.document),
        Err(StoreError::Conflict(cause)) => Err(changed_meanwhile(cause)),
        Err(other) => Err(other.into()),
    }
}

/// `POST /api/v1/documents/{id}/void`: voids (invoices, credit notes, quotes)
/// or cancels (the others) a document, when its lifecycle allows.
pub async fn void(state: &AppState, id: &str) -> ApiResult {
    for _ in 0..ATTEMPTS {
        let document = find(state, id).await?;
        let today = state.clock.today();
        let status = document
            .transition(DocumentAction::Void, &Actor::Staff, today)
            .or_else(|_| document.transition(DocumentAction::Cancel, &Actor::Staff, today))
            .map_err(|_| {
                ApiError::conflict(
                    "transition_not_allowed",
                    "The document cannot be voided or cancelled in its status.",
                )
            })?;
        let mut updated = document.clone();
        updated.status = status;
        updated.content_version += 1;
        let change = DocumentChange {
            events: vec![actions::event(state, &document, ActivityKind::StatusChanged { to: status })],
            document: updated,
            notifications: Vec::new(),
        };
        match state.store.apply_change(&change).await {
            Ok(()) => return respond(state, StatusCode::OK, &change.document),
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(ApiError::conflict("version_mismatch", "The document kept changing; retry."))
}

/// `GET /api/v1/documents/{id}/payments`: every payment, oldest first.
pub async fn payments(state: &AppState, id: &str) -> ApiResult {
    let document = find(state, id).await?;
    let payments = state.store.payments(&document.id).await?;
    api::json(StatusCode::OK, &serde_json::json!({ "items": payments }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferReceived {
    pub amount_minor: i64,
    /// The bank's reference for the transfer: recording it again changes nothing.
    pub reference: PaymentReference,
    /// When the money arrived; now when absent.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub received_at: Option<OffsetDateTime>,
}

/// `POST /api/v1/documents/{id}/payments`: staff saw a bank transfer arrive.
/// The invoice's amount due goes down (paid at zero), the contact gets a
/// receipt. The same reference twice records one payment (200 the second time).
pub async fn record_transfer(state: &AppState, request: &Request, id: &str) -> ApiResult {
    let body: TransferReceived = api::body(request)?;
    let outcome = transfer_received(state, id, body).await?;
    let status = if outcome.recorded_now { StatusCode::CREATED } else { StatusCode::OK };
    api::json(status, &serde_json::json!({ "payment": outcome.payment, "document": view(state, &outcome.document) }))
}

/// What recording a transfer did.
#[derive(Debug)]
pub struct TransferOutcome {
    pub document: Document,
    pub payment: Option<Payment>,
    /// `false`: this reference had been recorded before; nothing changed.
    pub recorded_now: bool,
}

/// Records a bank transfer staff saw arrive (the API and the staff pages).
pub async fn transfer_received(
    state: &AppState,
    id: &str,
    body: TransferReceived,
) -> Result<TransferOutcome, ApiError> {
    let at = body.received_at.unwrap_or_else(|| state.clock.now());
    if at > state.clock.now() {
        return Err(ApiError::invalid("received_at", "A transfer cannot arrive in the future."));
    }
    for _ in 0..ATTEMPTS {
        let invoice = find(state, id).await?;
        let key = format!("{}#{}", Gateway::BankTransfer.slug(), body.reference.as_str());
        let already = state
            .store
            .payments(&invoice.id)
            .await?
            .into_iter()
            .find(|p| p.gateway == Gateway::BankTransfer && p.reference == body.reference);
        if let Some(earlier) = already {
            return Ok(TransferOutcome { document: invoice, payment: Some(earlier), recorded_now: false });
        }
        let amount = Money::new(body.amount_minor, invoice.currency);
        let applied = invoice.apply_payment(amount).map_err(|refusal| match refusal {
            PaymentRefusal::NotPayable => {
                ApiError::conflict("not_payable", "The document is not an invoice waiting for payment.")
            }
            PaymentRefusal::Overpayment { due, .. } => {
                ApiError::invalid("amount_minor", format!("The amount is more than the {due} (minor units) still due."))
            }
            other => ApiError::invalid("amount_minor", other.to_string()),
        })?;
        let contact = state
            .store
            .contact(&invoice.contact_id)
            .await?
            .ok_or_else(|| ApiError::internal(format!("invoice {} names a missing contact", invoice.id)))?;
        let mut updated = invoice.clone();
        updated.status = applied.status;
        updated.paid_minor = applied.paid_minor;
        updated.content_version += 1;
        let payment = Payment {
            invoice: invoice.id.clone(),
            gateway: Gateway::BankTransfer,
            reference: body.reference.clone(),
            amount,
            at,
        };
        let record = PaymentRecord {
            invoice: invoice.id.clone(),
            key,
            payment: Some(payment.clone()),
            document: Some(updated.clone()),
            events: vec![actions::event(state, &invoice, ActivityKind::PaymentReceived { amount })],
            notifications: actions::to_contact(state, &contact, NotificationKind::PaymentReceipt, &invoice, None),
        };
        match state.store.record_payment(&record).await {
            Ok(Recorded::Now) => {
                tracing::info!(invoice = %invoice.id, amount = amount.minor, "bank transfer recorded");
                return Ok(TransferOutcome { document: updated, payment: Some(payment), recorded_now: true });
            }
            // Recorded by a concurrent request: read again, which finds it.
            Ok(Recorded::Before) | Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(ApiError::conflict("version_mismatch", "The invoice kept changing; retry."))
}

/// `GET /api/v1/documents/{id}/activity?cursor=&limit=`: the whole history, oldest first, a page at a time.
pub async fn activity(state: &AppState, request: &Request, id: &str) -> ApiResult {
    let document = find(state, id).await?;
    let query = http::query(request);
    let page =
        state.store.document_activity_page(&document.id, query.get("cursor").cloned(), api::page_size(&query)?).await?;
    api::json(StatusCode::OK, &serde_json::json!({ "items": page.items, "next_cursor": page.next }))
}

/// `GET /api/v1/documents/{id}/comments?cursor=&limit=`: the thread, oldest first, a page at a time.
pub async fn comments(state: &AppState, request: &Request, id: &str) -> ApiResult {
    let document = find(state, id).await?;
    let query = http::query(request);
    let page = state.store.comments_page(&document.id, query.get("cursor").cloned(), api::page_size(&query)?).await?;
    api::json(StatusCode::OK, &serde_json::json!({ "items": page.items, "next_cursor": page.next }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    pub body: CommentBody,
    /// Who signs the reply; the business's name when absent.
    #[serde(default)]
    pub author: Option<String>,
}

/// `POST /api/v1/documents/{id}/comments`: staff reply in the thread; the
/// contact is told by email with a link to the document.
pub async fn reply(state: &AppState, request: &Request, id: &str) -> ApiResult {
    let body: Reply = api::body(request)?;
    let comment = staff_reply(state, id, body).await?;
    api::json(StatusCode::CREATED, &comment)
}

/// Adds a staff reply to a document's thread and owes the contact a mail
/// (the API and the staff pages).
pub async fn staff_reply(state: &AppState, id: &str, body: Reply) -> Result<Comment, ApiError> {
    let document = find(state, id).await?;
    let settings = state.store.business_settings().await?.ok_or_else(|| ApiError::internal("settings missing"))?;
    let contact = state
        .store
        .contact(&document.contact_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("document {} names a missing contact", document.id)))?;
    let author =
        optional_text("author", body.author.as_deref(), 120)?.unwrap_or_else(|| settings.display_name().to_string());
    let comment = Comment {
        id: CommentId::parse(&state.ids.new_id()).map_err(|e| ApiError::internal(e.to_string()))?,
        document_id: document.id.clone(),
        contact_id: document.contact_id.clone(),
        author,
        origin: Origin::Staff,
        body: body.body,
        at: state.clock.now(),
    };
    let event = actions::event(state, &document, ActivityKind::Commented);
    let notifications = actions::to_contact(state, &contact, NotificationKind::StaffReplied, &document, Some(&comment));
    state.store.add_comment(&comment, &event, &notifications).await?;
    Ok(comment)
}

/// The document's current access link.
#[derive(Debug, Serialize)]
pub struct LinkView {
    pub url: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    pub usable: bool,
}

pub fn link_view(state: &AppState, document: &Document) -> LinkView {
    let token = state.keys.document_link_token(&document.id, &document.access_link.nonce);
    LinkView {
        url: format!("{}{}", state.config.public_url, url::document_link(&token)),
        expires_at: document.access_link.expires_at,
        usable: document.access_link.is_usable(state.clock.now()),
    }
}

/// `GET /api/v1/documents/{id}/link`: the link to send to someone without a login.
pub async fn link(state: &AppState, id: &str) -> ApiResult {
    let document = find(state, id).await?;
    api::json(StatusCode::OK, &link_view(state, &document))
}

/// Changes the document's link: its nonce, its expiry, or both (the API and the staff pages).
pub async fn change_link(state: &AppState, id: &str, change: impl Fn(&mut AccessLink)) -> Result<Document, ApiError> {
    for _ in 0..ATTEMPTS {
        let document = find(state, id).await?;
        let mut updated = document.clone();
        change(&mut updated.access_link);
        updated.content_version += 1;
        let change = DocumentChange { document: updated, events: Vec::new(), notifications: Vec::new() };
        match state.store.apply_change(&change).await {
            Ok(()) => return Ok(change.document),
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(ApiError::conflict("version_mismatch", "The document kept changing; retry."))
}

/// A link expiry staff may set: in the future, or none.
pub fn check_link_expiry(state: &AppState, expires_at: Option<OffsetDateTime>) -> Result<(), ApiError> {
    if expires_at.is_some_and(|at| at <= state.clock.now()) {
        return Err(ApiError::invalid("expires_at", "The expiry must be in the future (or null for never)."));
    }
    Ok(())
}

/// `POST /api/v1/documents/{id}/link/rotate`: a new link; every earlier link
/// and every browser that opened one stop working at once.
pub async fn rotate_link(state: &AppState, id: &str) -> ApiResult {
    let document = change_link(state, id, |link| link.nonce = tokens::new_link_nonce()).await?;
    api::json(StatusCode::OK, &link_view(state, &document))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkExpiry {
    /// When the link stops working; `null` for never.
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

/// `PUT /api/v1/documents/{id}/link/expiry` `{"expires_at": "…" | null}`.
pub async fn set_link_expiry(state: &AppState, request: &Request, id: &str) -> ApiResult {
    let body: LinkExpiry = api::body(request)?;
    check_link_expiry(state, body.expires_at)?;
    let expires_at = body.expires_at;
    let document = change_link(state, id, move |link| link.expires_at = expires_at).await?;
    api::json(StatusCode::OK, &link_view(state, &document))
}

/// Staff confirm a sales order placed from the portal (pending → confirmed).
pub async fn confirm_sales_order(state: &AppState, id: &str) -> Result<Document, ApiError> {
    for _ in 0..ATTEMPTS {
        let document = find(state, id).await?;
        let status = document
            .transition(DocumentAction::Confirm, &Actor::Staff, state.clock.today())
            .ok()
            .filter(|_| document.kind == DocumentKind::SalesOrder)
            .ok_or_else(|| {
                ApiError::conflict("transition_not_allowed", "Only a pending sales order can be confirmed.")
            })?;
        let mut updated = document.clone();
        updated.status = status;
        updated.content_version += 1;
        let change = DocumentChange {
            events: vec![actions::event(state, &document, ActivityKind::StatusChanged { to: status })],
            document: updated,
            notifications: Vec::new(),
        };
        match state.store.apply_change(&change).await {
            Ok(()) => return Ok(change.document),
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(ApiError::conflict("version_mismatch", "The document kept changing; retry."))
}
