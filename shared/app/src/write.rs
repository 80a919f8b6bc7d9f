//! Writing a document change decided on a fresh read, again after a lost race.

use portal_domain::ports::{ContactStore, DocumentChange, DocumentStore, StoreError};
use portal_domain::{Contact, Document, DocumentId};

/// Reads and decisions a change gets before the caller is told the document
/// keeps changing under it.
pub const ATTEMPTS: usize = 5;

/// Why a write could not be made; each use case's error wraps it.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("document {0} does not exist")]
    Missing(DocumentId),
    #[error("document {0} kept changing: {ATTEMPTS} attempts lost the race")]
    KeptChanging(DocumentId),
    #[error("document {0} names a missing contact")]
    MissingContact(DocumentId),
    #[error("business settings are missing: import them first")]
    MissingSettings,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Decides a change on the stored document and writes it with its events and
/// notifications in one atomic write. When someone wrote the document
/// between the read and the write, it is read again and `decide` runs again
/// on what is now stored, so a decision is never written over a state it did
/// not see. `decide` answers `None` when there is nothing to write: the
/// stored document is returned as it is. `first`: the document as the
/// caller already read it.
pub async fn change_document<S, E>(
    store: &S,
    id: &DocumentId,
    first: Option<Document>,
    mut decide: impl FnMut(&Document) -> Result<Option<DocumentChange>, E>,
) -> Result<Document, E>
where
    S: DocumentStore + ?Sized,
    E: From<WriteError>,
{
    let mut read = first;
    for _ in 0..ATTEMPTS {
        let document = match read.take() {
            Some(document) => document,
            None => load(store, id).await?,
        };
        let Some(change) = decide(&document)? else { return Ok(document) };
        match store.apply_change(&change).await {
            Ok(()) => return Ok(change.update.into_document()),
            Err(StoreError::Conflict(cause)) => {
                tracing::debug!(document = %id, cause, "lost a race; deciding again");
            }
            Err(other) => return Err(WriteError::Store(other).into()),
        }
    }
    Err(WriteError::KeptChanging(id.clone()).into())
}

/// The stored document, or [`WriteError::Missing`].
pub async fn load<S: DocumentStore + ?Sized>(store: &S, id: &DocumentId) -> Result<Document, WriteError> {
    store.document(id).await?.ok_or_else(|| WriteError::Missing(id.clone()))
}

/// The contact a document belongs to; a document naming none is corrupt data.
pub async fn owner<S: ContactStore + ?Sized>(store: &S, document: &Document) -> Result<Contact, WriteError> {
    store.contact(&document.contact_id).await?.ok_or_else(|| WriteError::MissingContact(document.id.clone()))
}

/// The business's settings; a deployment without them cannot act.
pub async fn settings<S: portal_domain::ports::SettingsStore + ?Sized>(
    store: &S,
) -> Result<portal_domain::BusinessSettings, WriteError> {
    store.business_settings().await?.ok_or(WriteError::MissingSettings)
}
