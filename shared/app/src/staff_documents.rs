//! What staff do to documents, from the API and from the staff pages alike:
//! issue, edit, void or cancel, confirm orders, manage the access link,
//! reply in the thread.

use crate::answers::new_comment_id;
use crate::stamps::Stamps;
use crate::write::{self, WriteError};
use portal_domain::document::StatusBucket;
use portal_domain::interaction::{Comment, CommentBody, NotificationKind, Origin};
use portal_domain::ports::{
    CommentStore, ContactStore, DocumentChange, DocumentStore, DocumentUpdate, SettingsStore, StoreError,
};
use portal_domain::{
    ActivityKind, Actor, Contact, ContactId, Currency, Document, DocumentAction, DocumentId, DocumentKind,
    DocumentNumber, DocumentStatus, Line, LinkNonce,
};
use time::{Date, OffsetDateTime};

/// What a document says, checked at the edge (line count, bounds, texts).
#[derive(Debug, Clone)]
pub struct DocumentContent {
    pub number: DocumentNumber,
    pub issue_date: Date,
    pub due_date: Option<Date>,
    pub valid_until: Option<Date>,
    pub lines: Vec<Line>,
    /// Defaults to the contact's recargo de equivalencia.
    pub recargo: Option<bool>,
    pub notes: Option<String>,
}

impl DocumentContent {
    fn apply_to(self, document: &mut Document, contact: &Contact) {
        document.number = self.number;
        document.issue_date = self.issue_date;
        document.due_date = self.due_date;
        document.valid_until = self.valid_until;
        document.lines = self.lines;
        document.recargo = self.recargo.unwrap_or(contact.recargo_equivalencia);
        document.notes = self.notes;
    }
}

/// A document staff issue.
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// The business's own id for it; generated when absent.
    pub id: Option<DocumentId>,
    pub kind: DocumentKind,
    pub contact_id: ContactId,
    /// Defaults to the business's currency.
    pub currency: Option<Currency>,
    /// Defaults to the kind's first status.
    pub status: Option<DocumentStatus>,
    /// Invoices: what was already paid outside the portal.
    pub paid_minor: i64,
    pub content: DocumentContent,
    /// The secret-free half of its first access link.
    pub link_nonce: LinkNonce,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("no contact with this id")]
    NoSuchContact,
    #[error("the contact's role does not see this kind of document")]
    WrongRole,
    #[error("this status does not exist for this kind of document")]
    StatusNotOfKind,
    #[error("only invoices carry a paid amount, from 0 to their total")]
    PaidOutOfRange,
    #[error("a document with this id already exists: {0}")]
    Exists(String),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Issues a document, with its first event, at revision 1.
pub async fn create_document<S>(store: &S, stamps: Stamps<'_>, new: NewDocument) -> Result<Document, CreateError>
where
    S: DocumentStore + ContactStore + SettingsStore + ?Sized,
{
    let contact = store.contact(&new.contact_id).await.map_err(WriteError::from)?.ok_or(CreateError::NoSuchContact)?;
    if !contact.role.sees(new.kind) {
        return Err(CreateError::WrongRole);
    }
    let status = new.status.unwrap_or_else(|| new.kind.initial_status());
    if !new.kind.statuses().contains(&status) {
        return Err(CreateError::StatusNotOfKind);
    }
    let settings = write::settings(store).await?;
    let id = match new.id {
        Some(id) => id,
        None => DocumentId::parse(&format!("d-{}", stamps.new_id()))
            .map_err(|e| WriteError::Store(StoreError::Corrupt(format!("generated document id: {e}"))))?,
    };
    let currency = new.currency.unwrap_or(settings.default_currency);
    let (number, issue_date) = (new.content.number.clone(), new.content.issue_date);
    let mut document = Document::new(id, new.kind, number, contact.id.clone(), issue_date, currency, new.link_nonce);
    document.status = status;
    new.content.apply_to(&mut document, &contact);
    let paid = new.paid_minor;
    if paid != 0 && (new.kind != DocumentKind::Invoice || paid < 0 || paid > document.totals().total) {
        return Err(CreateError::PaidOutOfRange);
    }
    document.paid_minor = paid;
    let event = stamps.event(&document, ActivityKind::Issued);
    match store.create_document(&document, &[event]).await {
        Ok(()) => {
            document.revision = 1;
            Ok(document)
        }
        Err(StoreError::Conflict(cause)) => Err(CreateError::Exists(cause)),
        Err(other) => Err(WriteError::Store(other).into()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("the document changed meanwhile: sent version {sent}, stored {stored}")]
    VersionMismatch { sent: u32, stored: u32 },
    #[error("the document was answered, paid or closed")]
    Locked,
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Replaces what an open document says, if staff edited the version now
/// stored. A document with an answer, a payment or a final status is not
/// changed (issue a new one, or a credit note).
pub async fn update_document<S>(
    store: &S,
    stamps: Stamps<'_>,
    id: &DocumentId,
    seen_version: u32,
    content: DocumentContent,
) -> Result<Document, UpdateError>
where
    S: DocumentStore + ContactStore + ?Sized,
{
    let document = write::load(store, id).await?;
    let contact = write::owner(store, &document).await?;
    write::change_document(store, id, Some(document), |document| {
        if seen_version != document.content_version {
            return Err(UpdateError::VersionMismatch { sent: seen_version, stored: document.content_version });
        }
        let answered = document.acceptance.is_some()
            || document.rejection.is_some()
            || document.supplier_confirmation.is_some()
            || document.paid_minor > 0;
        if answered || document.status.bucket() != StatusBucket::Open {
            return Err(UpdateError::Locked);
        }
        let update = DocumentUpdate::edit(document, |edited| content.clone().apply_to(edited, &contact));
        if update.document().content_version == document.content_version {
            // The same content again (a retried PUT): nothing to write or tell.
            return Ok(None);
        }
        let events = vec![stamps.event(update.document(), ActivityKind::Updated)];
        Ok(Some(DocumentChange { update, events, notifications: Vec::new() }))
    })
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum TransitionRefused {
    #[error("the document's kind or status does not allow this")]
    NotAllowed,
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Moves a document on to the status `next` picks for it as stored (`None`:
/// not allowed), with a status-change event.
async fn move_on<S>(
    store: &S,
    stamps: Stamps<'_>,
    id: &DocumentId,
    next: impl Fn(&Document) -> Option<DocumentStatus>,
) -> Result<Document, TransitionRefused>
where
    S: DocumentStore + ?Sized,
{
    write::change_document(store, id, None, |document| {
        let status = next(document).ok_or(TransitionRefused::NotAllowed)?;
        Ok(Some(DocumentChange {
            update: DocumentUpdate::edit(document, |edited| edited.status = status),
            events: vec![stamps.event(document, ActivityKind::StatusChanged { to: status })],
            notifications: Vec::new(),
        }))
    })
    .await
}

/// Voids (invoices, credit notes, quotes) or cancels (the others) a
/// document, when its lifecycle allows.
pub async fn void_or_cancel<S>(store: &S, stamps: Stamps<'_>, id: &DocumentId) -> Result<Document, TransitionRefused>
where
    S: DocumentStore + ?Sized,
{
    let today = stamps.today();
    move_on(store, stamps, id, |document| {
        document
            .transition(DocumentAction::Void, &Actor::Staff, today)
            .or_else(|_| document.transition(DocumentAction::Cancel, &Actor::Staff, today))
            .ok()
    })
    .await
}

/// Confirms a sales order placed from the portal (pending → confirmed).
pub async fn confirm_sales_order<S>(
    store: &S,
    stamps: Stamps<'_>,
    id: &DocumentId,
) -> Result<Document, TransitionRefused>
where
    S: DocumentStore + ?Sized,
{
    let today = stamps.today();
    move_on(store, stamps, id, |document| {
        (document.kind == DocumentKind::SalesOrder)
            .then(|| document.transition(DocumentAction::Confirm, &Actor::Staff, today).ok())
            .flatten()
    })
    .await
}

/// A change to a document's access link.
#[derive(Debug, Clone)]
pub enum LinkEdit {
    /// A new link: every earlier link, and every browser that opened one,
    /// stops working at once.
    Rotate(LinkNonce),
    /// When the link stops working; `None` for never.
    Expire(Option<OffsetDateTime>),
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("the expiry must be in the future (or none)")]
    ExpiryNotInFuture,
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Changes a document's access link. What the document shows is unchanged,
/// so its content version (its PDF, the answers given to it) stays.
pub async fn edit_link<S>(store: &S, stamps: Stamps<'_>, id: &DocumentId, edit: LinkEdit) -> Result<Document, LinkError>
where
    S: DocumentStore + ?Sized,
{
    if let LinkEdit::Expire(Some(at)) = edit
        && at <= stamps.now()
    {
        return Err(LinkError::ExpiryNotInFuture);
    }
    write::change_document(store, id, None, |document| {
        let update = DocumentUpdate::edit(document, |edited| match &edit {
            LinkEdit::Rotate(nonce) => edited.access_link.nonce = nonce.clone(),
            LinkEdit::Expire(at) => edited.access_link.expires_at = *at,
        });
        Ok::<_, LinkError>(Some(DocumentChange { update, events: Vec::new(), notifications: Vec::new() }))
    })
    .await
}

/// Adds a staff reply to a document's thread and owes the contact a mail.
/// `author`: who signs it, the business's name when absent.
pub async fn reply<S>(
    store: &S,
    stamps: Stamps<'_>,
    id: &DocumentId,
    body: CommentBody,
    author: Option<String>,
) -> Result<Comment, WriteError>
where
    S: DocumentStore + ContactStore + SettingsStore + CommentStore + ?Sized,
{
    let document = write::load(store, id).await?;
    let (settings, contact) = tokio::join!(write::settings(store), write::owner(store, &document));
    let (settings, contact) = (settings?, contact?);
    let comment = Comment {
        id: new_comment_id(stamps)?,
        document_id: document.id.clone(),
        contact_id: document.contact_id.clone(),
        author: author.unwrap_or_else(|| settings.display_name().to_string()),
        origin: Origin::Staff,
        body,
        at: stamps.now(),
    };
    let event = stamps.event(&document, ActivityKind::Commented);
    let notifications = stamps.to_contact(&contact, NotificationKind::StaffReplied, &document, Some(&comment));
    store.add_comment(&comment, &event, &notifications).await?;
    Ok(comment)
}
