//! What contacts (and link holders) do to a document from the portal: answer
//! a quote, confirm a purchase order, write in the thread.
//!
//! Each is one atomic write of the new state, its event and its
//! notifications. Pressed twice, from two tabs or by two people, it applies
//! once; the others are told it already happened. A write that lost a race
//! to something the contact could not see (a rotated link) is decided again
//! and goes through.

use crate::stamps::Stamps;
use crate::write::{self, WriteError};
use portal_domain::interaction::{
    Acceptance, Comment, CommentBody, CommentId, NotificationKind, Origin, Rejection, SignerName, SupplierConfirmation,
};
use portal_domain::ports::{CommentStore, DocumentChange, DocumentStore, DocumentUpdate, LoginTokenStore};
use portal_domain::{
    ActivityKind, Actor, BusinessSettings, Capability, Contact, Document, DocumentAction, DocumentStatus,
    TransitionError,
};
use time::Date;

/// A contact's action on a document they were shown: who, from where, and
/// the content version their page showed (the form's hidden field).
pub struct OnDocument<'a> {
    /// The document as read to authorise the request.
    pub document: Document,
    pub actor: Actor,
    pub origin: Origin,
    pub contact: &'a Contact,
    pub settings: &'a BusinessSettings,
    /// `None` when the form did not say (refused like a stale one).
    pub seen_version: Option<u32>,
}

/// Why an answer was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("this actor may not do this with this document")]
    NotPermitted,
    #[error("the quote's valid-until date has passed")]
    Expired,
    #[error("the document already has this answer or another")]
    AlreadyAnswered,
    #[error("the document's status does not allow this")]
    Unavailable,
    #[error("the document changed since the page was shown")]
    DocumentChanged,
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// A contact's answer to a quote.
#[derive(Debug, Clone)]
pub enum QuoteAnswer {
    /// Accepted in the name the signer typed, from this address and browser.
    Accept {
        signer: SignerName,
        ip: String,
        user_agent: String,
    },
    Reject {
        reason: Option<String>,
    },
}

/// Records the answer to a quote, once; the staff and (for acceptances) the
/// contact are told.
pub async fn answer_quote<S>(
    store: &S,
    stamps: Stamps<'_>,
    on: OnDocument<'_>,
    answer: QuoteAnswer,
) -> Result<Document, AnswerError>
where
    S: DocumentStore + ?Sized,
{
    if !on.actor.may(Capability::Respond, &on.document) {
        return Err(AnswerError::NotPermitted);
    }
    let (action, activity, owed) = match &answer {
        QuoteAnswer::Accept { signer, .. } => (
            DocumentAction::Accept,
            ActivityKind::Accepted { signer: signer.as_str().to_string() },
            &[NotificationKind::QuoteAccepted, NotificationKind::AcceptanceReceipt][..],
        ),
        QuoteAnswer::Reject { .. } => {
            (DocumentAction::Reject, ActivityKind::Rejected, &[NotificationKind::QuoteRejected][..])
        }
    };
    let id = on.document.id.clone();
    let today = stamps.today();
    let answered = write::change_document(store, &id, Some(on.document.clone()), |document| {
        still_permitted(&on, document, stamps)?;
        let status = document.transition(action, &on.actor, today).map_err(|e| refusal(&e, document.status))?;
        require_seen(document, on.seen_version)?;
        let now = stamps.now();
        let update = DocumentUpdate::edit(document, |edited| {
            edited.status = status;
            match &answer {
                QuoteAnswer::Accept { signer, ip, user_agent } => {
                    edited.acceptance = Some(Acceptance {
                        signer: signer.clone(),
                        at: now,
                        ip: ip.clone(),
                        user_agent: user_agent.clone(),
                        content_version: document.content_version,
                        origin: on.origin,
                    });
                }
                QuoteAnswer::Reject { reason } => {
                    edited.rejection = Some(Rejection { reason: reason.clone(), at: now, origin: on.origin });
                }
            }
        });
        Ok::<_, AnswerError>(Some(DocumentChange {
            update,
            events: vec![stamps.event(document, activity.clone())],
            notifications: stamps.owed(owed, on.settings, on.contact, document, None),
        }))
    })
    .await?;
    tracing::info!(document = %answered.id, decision = ?action, "quote answered");
    Ok(answered)
}

/// What a supplier says when confirming a purchase order.
#[derive(Debug, Clone, Default)]
pub struct OrderConfirmation {
    /// When they will deliver, not before today (checked at the edge).
    pub delivery_date: Option<Date>,
    pub note: Option<String>,
}

/// Confirms a purchase order sent to a supplier, once; staff are told.
pub async fn confirm_purchase_order<S>(
    store: &S,
    stamps: Stamps<'_>,
    on: OnDocument<'_>,
    confirmation: OrderConfirmation,
) -> Result<Document, AnswerError>
where
    S: DocumentStore + ?Sized,
{
    if !on.actor.may(Capability::ConfirmOrder, &on.document) {
        return Err(AnswerError::NotPermitted);
    }
    let id = on.document.id.clone();
    let today = stamps.today();
    write::change_document(store, &id, Some(on.document.clone()), |document| {
        still_permitted(&on, document, stamps)?;
        let status = document.transition(DocumentAction::Confirm, &on.actor, today).map_err(|_| {
            if document.supplier_confirmation.is_some() {
                AnswerError::AlreadyAnswered
            } else {
                AnswerError::Unavailable
            }
        })?;
        require_seen(document, on.seen_version)?;
        let update = DocumentUpdate::edit(document, |edited| {
            edited.status = status;
            edited.supplier_confirmation = Some(SupplierConfirmation {
                delivery_date: confirmation.delivery_date,
                note: confirmation.note.clone(),
                at: stamps.now(),
                origin: on.origin,
            });
        });
        Ok(Some(DocumentChange {
            update,
            events: vec![stamps.event(document, ActivityKind::Confirmed)],
            notifications: stamps.to_staff(on.settings, NotificationKind::PurchaseOrderConfirmed, document, None),
        }))
    })
    .await
}

/// Why a comment was not added.
/// Comments one document's thread takes per hour: a conversation, not a
/// flood (each one mails staff).
pub const COMMENTS_PER_HOUR: u64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    #[error("this actor may not comment on this document")]
    NotPermitted,
    #[error("the thread took its comments for this hour")]
    TooMany,
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Adds a contact's (or link holder's) comment to the thread, with its event
/// and the staff notifications, in one write; at most [`COMMENTS_PER_HOUR`]
/// per thread.
pub async fn comment<S>(
    store: &S,
    stamps: Stamps<'_>,
    on: &OnDocument<'_>,
    body: CommentBody,
) -> Result<Comment, CommentError>
where
    S: CommentStore + LoginTokenStore + ?Sized,
{
    if !on.actor.may(Capability::Comment, &on.document) {
        return Err(CommentError::NotPermitted);
    }
    let document = &on.document;
    let thread = format!("comment#{}", document.id);
    let count = crate::limits::count_attempt(store, &thread, stamps.now(), 3600).await.map_err(WriteError::from)?;
    if count > COMMENTS_PER_HOUR {
        return Err(CommentError::TooMany);
    }
    let comment = Comment {
        id: new_comment_id(stamps)?,
        document_id: document.id.clone(),
        contact_id: on.contact.id.clone(),
        author: on.contact.name.clone(),
        origin: on.origin,
        body,
        at: stamps.now(),
    };
    let event = stamps.event(document, ActivityKind::Commented);
    let notifications = stamps.to_staff(on.settings, NotificationKind::ContactCommented, document, Some(&comment));
    store.add_comment(&comment, &event, &notifications).await.map_err(WriteError::from)?;
    Ok(comment)
}

pub(crate) fn new_comment_id(stamps: Stamps<'_>) -> Result<CommentId, WriteError> {
    CommentId::parse(&stamps.new_id())
        .map_err(|e| WriteError::Store(portal_domain::ports::StoreError::Corrupt(format!("generated comment id: {e}"))))
}

/// A link holder acts through the link they opened: if staff rotated or
/// expired it while the request was deciding again (a lost race), the
/// answer is refused like any request on a dead link.
fn still_permitted(on: &OnDocument<'_>, stored: &Document, stamps: Stamps<'_>) -> Result<(), AnswerError> {
    let link_died = matches!(on.actor, Actor::LinkHolder { .. })
        && (stored.access_link.nonce != on.document.access_link.nonce || !stored.access_link.is_usable(stamps.now()));
    if link_died { Err(AnswerError::NotPermitted) } else { Ok(()) }
}

/// The contact-facing reason a transition was refused.
fn refusal(error: &TransitionError, current: DocumentStatus) -> AnswerError {
    match error {
        TransitionError::Expired => AnswerError::Expired,
        TransitionError::NotAllowed { .. }
            if matches!(current, DocumentStatus::Accepted | DocumentStatus::Rejected) =>
        {
            AnswerError::AlreadyAnswered
        }
        _ => AnswerError::Unavailable,
    }
}

/// The answer was given to the content now stored: an edit in between (new
/// lines, a new price) is never accepted unseen. A change the page did not
/// show (the access link) does not count.
fn require_seen(document: &Document, seen: Option<u32>) -> Result<(), AnswerError> {
    if seen == Some(document.content_version) { Ok(()) } else { Err(AnswerError::DocumentChanged) }
}
