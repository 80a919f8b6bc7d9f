//! Documents: create, read, change, void; bank-transfer payments; history,
//! comments and staff replies; the document's access link. Each writing
//! endpoint parses its body and calls its use case in
//! `portal_app::staff_documents` or `portal_app::payments`.

use crate::{optional_text, text};
use lambda_http::http::StatusCode;
use portal_app::payments::{self as payment_cases, TransferReceived};
use portal_app::staff_documents::{self as cases, DocumentContent, LinkEdit, NewDocument};
use portal_domain::interaction::CommentBody;
use portal_domain::payment::PaymentReference;
use portal_domain::{Currency, Document, DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Line};
use portal_web::api::{self, ApiError, ApiResult, link_view};
use portal_web::routes::url;
use portal_web::{AppState, Request, http, tokens};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

pub const MAX_LINES: usize = 500;
/// Bounds that keep every total far inside `i64`: 500 lines × 1,000,000
/// units × 100,000,000.00 per unit.
pub const MAX_UNIT_PRICE_MINOR: i64 = 10_000_000_000;
pub const MAX_LINE_UNITS: i64 = 1_000_000;

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

/// Checks what a document says (the API's edge): line count and bounds, dates in order, texts.
fn content(input: DocumentInput) -> Result<DocumentContent, ApiError> {
    if input.lines.is_empty() || input.lines.len() > MAX_LINES {
        return Err(ApiError::invalid("lines", format!("A document has 1 to {MAX_LINES} lines.")));
    }
    let mut lines = input.lines;
    for (i, line) in lines.iter_mut().enumerate() {
        line.description = text(&format!("lines[{i}].description"), &line.description, 500)?;
        if line.unit_price_minor.abs() > MAX_UNIT_PRICE_MINOR {
            return Err(ApiError::invalid(format!("lines[{i}].unit_price_minor"), "The unit price is out of range."));
        }
        if line.quantity.thousandths().abs() > MAX_LINE_UNITS * portal_domain::Quantity::SCALE {
            return Err(ApiError::invalid(format!("lines[{i}].quantity"), "The quantity is out of range."));
        }
    }
    if input.due_date.is_some_and(|due| due < input.issue_date) {
        return Err(ApiError::invalid("due_date", "The due date cannot be before the issue date."));
    }
    if input.valid_until.is_some_and(|until| until < input.issue_date) {
        return Err(ApiError::invalid("valid_until", "The valid-until date cannot be before the issue date."));
    }
    Ok(DocumentContent {
        number: input.number,
        issue_date: input.issue_date,
        due_date: input.due_date,
        valid_until: input.valid_until,
        lines,
        recargo: input.recargo,
        notes: optional_text("notes", input.notes.as_deref(), 2000)?,
    })
}

pub async fn find(state: &AppState, id: &str) -> Result<Document, ApiError> {
    let id = DocumentId::parse(id).map_err(|_| ApiError::not_found("document"))?;
    state.store.document(&id).await?.ok_or_else(|| ApiError::not_found("document"))
}

/// The id in a path; an id that cannot exist is a document that does not.
fn document_id(id: &str) -> Result<DocumentId, ApiError> {
    DocumentId::parse(id).map_err(|_| ApiError::not_found("document"))
}

/// `POST /api/v1/documents` → 201 with the document.
pub async fn create(state: &AppState, request: &Request) -> ApiResult {
    let mut body: DocumentInput = api::body(request)?;
    if body.version.is_some() {
        return Err(ApiError::invalid("version", "A new document has no version yet."));
    }
    let kind = body.kind.ok_or_else(|| ApiError::invalid("kind", "Say which kind of document this is."))?;
    let contact_id =
        body.contact_id.take().ok_or_else(|| ApiError::invalid("contact_id", "Say whose document this is."))?;
    let new = NewDocument {
        id: body.id.take(),
        kind,
        contact_id,
        currency: body.currency,
        status: body.status,
        paid_minor: body.paid_minor.unwrap_or(0),
        content: content(body)?,
        link_nonce: tokens::new_link_nonce(),
    };
    let document = cases::create_document(state.store.as_ref(), state.stamps(), new).await?;
    respond(state, StatusCode::CREATED, &document)
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
    let id = document_id(id)?;
    let content = content(body)?;
    let document = cases::update_document(state.store.as_ref(), state.stamps(), &id, version, content).await?;
    respond(state, StatusCode::OK, &document)
}

/// `POST /api/v1/documents/{id}/void`: voids (invoices, credit notes, quotes)
/// or cancels (the others) a document, when its lifecycle allows.
pub async fn void(state: &AppState, id: &str) -> ApiResult {
    let document = cases::void_or_cancel(state.store.as_ref(), state.stamps(), &document_id(id)?).await?;
    respond(state, StatusCode::OK, &document)
}

/// `GET /api/v1/documents/{id}/payments`: every payment, oldest first.
pub async fn payments(state: &AppState, id: &str) -> ApiResult {
    let document = find(state, id).await?;
    let payments = state.store.payments(&document.id).await?;
    api::json(StatusCode::OK, &serde_json::json!({ "items": payments }))
}

/// A bank transfer as the API receives it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
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
    let body: TransferInput = api::body(request)?;
    let transfer =
        TransferReceived { amount_minor: body.amount_minor, reference: body.reference, received_at: body.received_at };
    let outcome =
        payment_cases::record_transfer(state.store.as_ref(), state.stamps(), &document_id(id)?, transfer).await?;
    let status = if outcome.recorded_now { StatusCode::CREATED } else { StatusCode::OK };
    api::json(status, &serde_json::json!({ "payment": outcome.payment, "document": view(state, &outcome.document) }))
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
    let author = optional_text("author", body.author.as_deref(), 120)?;
    let comment = cases::reply(state.store.as_ref(), state.stamps(), &document_id(id)?, body.body, author).await?;
    api::json(StatusCode::CREATED, &comment)
}

/// `GET /api/v1/documents/{id}/link`: the link to send to someone without a login.
pub async fn link(state: &AppState, id: &str) -> ApiResult {
    let document = find(state, id).await?;
    api::json(StatusCode::OK, &link_view(state, &document))
}

/// `POST /api/v1/documents/{id}/link/rotate`: a new link; every earlier link
/// and every browser that opened one stop working at once.
pub async fn rotate_link(state: &AppState, id: &str) -> ApiResult {
    let edit = LinkEdit::Rotate(tokens::new_link_nonce());
    let document = cases::edit_link(state.store.as_ref(), state.stamps(), &document_id(id)?, edit).await?;
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
    let edit = LinkEdit::Expire(body.expires_at);
    let document = cases::edit_link(state.store.as_ref(), state.stamps(), &document_id(id)?, edit).await?;
    api::json(StatusCode::OK, &link_view(state, &document))
}
