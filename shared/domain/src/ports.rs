//! Ports: the narrow traits the domain needs from the outside world. Each has
//! an AWS adapter and an embedded twin in `portal-adapters`.

use crate::activity::ActivityEvent;
use crate::catalog::{Cart, Category, CategoryId, PriceList, Product, ProductId};
use crate::contact::{Contact, ContactId, EmailAddress};
use crate::document::{Document, DocumentFilter, DocumentId, DocumentKind, DocumentNumber, DocumentSummary};
use crate::interaction::{Comment, Notification, NotificationId, OutboxEntry};
use crate::payment::{Checkout, Gateway, Payment, PaymentReference};
use crate::settings::BusinessSettings;
use crate::staff::{ApiKey, ApiKeyId, IdempotentRequest};
use async_trait::async_trait;
use time::{Date, OffsetDateTime};

/// Why a storage call failed. Conflicts are expected outcomes (a lost race, a
/// duplicate); the rest are faults.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the page cursor is not valid for this list")]
    InvalidCursor,
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One page of a list, with an opaque cursor to the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// A page of one contact's documents of one kind, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentListQuery {
    pub contact: ContactId,
    pub kind: DocumentKind,
    pub filter: DocumentFilter,
    /// Splits open documents into current and past-date.
    pub today: Date,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// A magic-link login token, kept by its SHA-256 digest only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginToken {
    /// Lowercase hex SHA-256 of the token sent by mail.
    pub digest: String,
    pub contact_id: ContactId,
    pub expires_at: OffsetDateTime,
}

#[async_trait]
pub trait SettingsStore: Send + Sync {
    async fn business_settings(&self) -> StoreResult<Option<BusinessSettings>>;
    async fn put_business_settings(&self, settings: &BusinessSettings) -> StoreResult<()>;
}

#[async_trait]
pub trait ContactStore: Send + Sync {
    async fn contact(&self, id: &ContactId) -> StoreResult<Option<Contact>>;
    async fn contact_by_email(&self, email: &EmailAddress) -> StoreResult<Option<Contact>>;
    /// Creates a contact; `Conflict` if the id or one of its emails is taken.
    async fn create_contact(&self, contact: &Contact) -> StoreResult<()>;
    /// Replaces `before` with `after` (same id), moving the email index entries
    /// that changed; `Conflict` if a new email belongs to someone else or the
    /// contact changed since `before` was read.
    async fn update_contact(&self, before: &Contact, after: &Contact) -> StoreResult<()>;
}

/// A stored document replaced by an edited copy, written only if nobody
/// wrote it since it was read. Built only by [`DocumentUpdate::edit`], the one
/// place both versions move: the revision (the optimistic lock) on every
/// write, the content version only when what the document shows changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentUpdate {
    document: Document,
    expected_revision: u32,
}

impl DocumentUpdate {
    /// `read` as stored, changed by `edit`.
    pub fn edit(read: &Document, edit: impl FnOnce(&mut Document)) -> Self {
        let mut edited = read.clone();
        edit(&mut edited);
        edited.revision = read.revision + 1;
        edited.content_version =
            if read.shows_same_as(&edited) { read.content_version } else { read.content_version + 1 };
        DocumentUpdate { document: edited, expected_revision: read.revision }
    }

    /// The document as it will be stored.
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The revision the stored document must still be at.
    pub fn expected_revision(&self) -> u32 {
        self.expected_revision
    }

    pub fn into_document(self) -> Document {
        self.document
    }
}

/// A change to a document and everything it causes, stored in one atomic write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentChange {
    pub update: DocumentUpdate,
    pub events: Vec<ActivityEvent>,
    pub notifications: Vec<Notification>,
}

impl DocumentChange {
    pub fn document(&self) -> &Document {
        self.update.document()
    }
}

/// A notification claimed for delivery by one consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub entry: OutboxEntry,
    /// The stored version the claim holds; finishing is conditional on it.
    pub version: u64,
}

#[async_trait]
pub trait DocumentStore: Send + Sync {
    async fn document(&self, id: &DocumentId) -> StoreResult<Option<Document>>;
    /// Creates a document with its first activity events in one atomic write,
    /// at revision 1 (`Conflict` if the id is taken).
    async fn create_document(&self, document: &Document, events: &[ActivityEvent]) -> StoreResult<()>;
    async fn list_documents(&self, query: &DocumentListQuery) -> StoreResult<Page<DocumentSummary>>;
    /// A contact's open documents of a kind, earliest key date first, at most `limit`.
    async fn open_documents(
        &self,
        contact: &ContactId,
        kind: DocumentKind,
        limit: u32,
    ) -> StoreResult<Vec<DocumentSummary>>;
    /// Applies a change if nobody changed the document since it was read
    /// (`Conflict` otherwise), with its events and notifications, atomically.
    async fn apply_change(&self, change: &DocumentChange) -> StoreResult<()>;
}

#[async_trait]
pub trait CommentStore: Send + Sync {
    /// Stores a comment with its event and notifications, atomically.
    async fn add_comment(
        &self,
        comment: &Comment,
        event: &ActivityEvent,
        notifications: &[Notification],
    ) -> StoreResult<()>;
    /// A document's thread, oldest first.
    async fn comments(&self, document: &DocumentId, limit: u32) -> StoreResult<Vec<Comment>>;
    /// A page of a document's thread, oldest first, from `cursor`.
    async fn comments_page(
        &self,
        document: &DocumentId,
        cursor: Option<String>,
        limit: u32,
    ) -> StoreResult<Page<Comment>>;
}

/// The notification outbox: pending entries are claimed with a lease, sent,
/// and marked delivered, each step conditional on the previous one, so a
/// replayed or concurrent delivery never sends twice.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Pending notifications, oldest first.
    async fn pending_notifications(&self, limit: u32) -> StoreResult<Vec<NotificationId>>;
    async fn outbox_entry(&self, id: &NotificationId) -> StoreResult<Option<OutboxEntry>>;
    /// Claims a pending, unclaimed (or lease-expired) notification until `lease_until`.
    async fn claim_notification(
        &self,
        id: &NotificationId,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> StoreResult<Option<Claim>>;
    async fn mark_delivered(&self, claim: &Claim, now: OffsetDateTime) -> StoreResult<()>;
    /// Gives a failed delivery back to the queue, recording why.
    async fn release_claim(&self, claim: &Claim, error: &str) -> StoreResult<()>;
    /// Takes a notification that keeps failing out of the pending queue for good.
    async fn abandon_notification(&self, claim: &Claim, error: &str, now: OffsetDateTime) -> StoreResult<()>;
}

#[async_trait]
pub trait ActivityStore: Send + Sync {
    /// The contact's latest events, newest first.
    async fn contact_activity(&self, contact: &ContactId, limit: u32) -> StoreResult<Vec<ActivityEvent>>;
    /// The business's latest events across every contact, newest first (the staff home).
    async fn business_activity(&self, limit: u32) -> StoreResult<Vec<ActivityEvent>>;
    /// A document's latest `limit` events, oldest first.
    async fn document_activity(&self, document: &DocumentId, limit: u32) -> StoreResult<Vec<ActivityEvent>>;
    /// A page of a document's whole history, oldest first, from `cursor`.
    async fn document_activity_page(
        &self,
        document: &DocumentId,
        cursor: Option<String>,
        limit: u32,
    ) -> StoreResult<Page<ActivityEvent>>;
}

#[async_trait]
pub trait LoginTokenStore: Send + Sync {
    async fn save_login_token(&self, token: &LoginToken) -> StoreResult<()>;
    /// Removes and returns the token if it exists and is unexpired at `now`.
    /// Of concurrent callers, exactly one gets it.
    async fn spend_login_token(&self, digest: &str, now: OffsetDateTime) -> StoreResult<Option<LoginToken>>;
    /// Counts one more attempt in a fixed window named `bucket`, returning the
    /// count so far; the counter disappears after `window_ends`.
    async fn count_attempt(&self, bucket: &str, window_ends: OffsetDateTime) -> StoreResult<u64>;
    /// The count so far in `bucket` (0 when none or gone at `now`), without counting.
    async fn attempts_so_far(&self, bucket: &str, now: OffsetDateTime) -> StoreResult<u64>;
}

/// Which part of the catalog a page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogSection {
    All,
    Category(CategoryId),
}

/// A page of the active catalog, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogQuery {
    pub section: CatalogSection,
    pub limit: u32,
    pub cursor: Option<String>,
}

/// The products the business sells, its categories and its price lists.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Creates or replaces a product with its catalog, category and search entries.
    async fn save_product(&self, product: &Product) -> StoreResult<()>;
    async fn product(&self, id: &ProductId) -> StoreResult<Option<Product>>;
    /// The products with these ids that exist (one read each, in parallel).
    async fn products(&self, ids: &[ProductId]) -> StoreResult<Vec<Product>>;
    /// Active products of a section, by name.
    async fn catalog_page(&self, query: &CatalogQuery) -> StoreResult<Page<Product>>;
    /// Active products with a word starting with each of `words` (name or SKU),
    /// by name, at most `limit`.
    async fn search_catalog(&self, words: &[String], limit: u32) -> StoreResult<Vec<Product>>;
    async fn categories(&self) -> StoreResult<Vec<Category>>;
    async fn save_categories(&self, categories: &[Category]) -> StoreResult<()>;
    async fn price_list(&self, name: &str) -> StoreResult<Option<PriceList>>;
    async fn save_price_list(&self, list: &PriceList) -> StoreResult<()>;
}

/// A cart belongs to one contact's one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartOwner {
    pub contact: ContactId,
    pub session: String,
}

/// A stored cart and the version its next save is conditional on (0: none yet).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredCart {
    pub cart: Cart,
    pub version: u64,
}

/// An order ready to be numbered and written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// The sales order; its number and id are set from the sequence.
    pub document: Document,
    pub events: Vec<ActivityEvent>,
    pub notifications: Vec<Notification>,
    /// The cart the order empties, at the version it was priced from.
    pub cart: CartOwner,
    pub cart_version: u64,
}

#[async_trait]
pub trait OrderStore: Send + Sync {
    async fn cart(&self, owner: &CartOwner) -> StoreResult<StoredCart>;
    /// Saves the cart if it is still at `expected_version` (`Conflict` otherwise);
    /// it lives until `expires_at` (the session's end).
    async fn save_cart(&self, owner: &CartOwner, cart: &StoredCart, expires_at: OffsetDateTime) -> StoreResult<()>;
    /// Takes the next number of the business's order sequence for `year`, and
    /// in the same atomic write stores the order (named by `number`), its
    /// events and notifications, and empties the cart. The cart having changed
    /// since it was priced is a `Conflict`; a lost race for a number is retried.
    async fn place_order(&self, order: &NewOrder, number: fn(i32, u64) -> DocumentNumber) -> StoreResult<Document>;
    /// Moves the sequence on to at least `last` (importing numbers used elsewhere).
    async fn reserve_order_numbers(&self, year: i32, last: u64) -> StoreResult<()>;
}

/// A confirmation from a gateway, to be recorded once: the payment (when it
/// applies), the invoice after it, and what it owes (events, mail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub invoice: DocumentId,
    /// Unique per confirmation (e.g. `stripe#cs_…`, `stripe#cs_…#failed`):
    /// the same confirmation delivered again finds it and writes nothing.
    pub key: String,
    pub payment: Option<Payment>,
    /// The invoice after the payment, conditioned on the revision it was read at.
    pub document: Option<DocumentUpdate>,
    pub events: Vec<ActivityEvent>,
    pub notifications: Vec<Notification>,
}

/// Whether a confirmation was written now or had been before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Now,
    Before,
}

#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Remembers a checkout opened for an invoice (what confirmations are matched against).
    async fn save_checkout(&self, checkout: &Checkout) -> StoreResult<()>;
    async fn checkout(&self, gateway: Gateway, session: &PaymentReference) -> StoreResult<Option<Checkout>>;
    /// Writes the record atomically, once per key. `Conflict`: the invoice
    /// changed since it was read (read again and decide again).
    async fn record_payment(&self, record: &PaymentRecord) -> StoreResult<Recorded>;
    /// An invoice's payments, oldest first.
    async fn payments(&self, invoice: &DocumentId) -> StoreResult<Vec<Payment>>;
}

/// A stored value and the version its next write is conditional on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    pub value: T,
    pub version: u64,
}

/// What the staff API keeps of its callers.
#[async_trait]
pub trait StaffStore: Send + Sync {
    /// `Conflict` if the id is taken.
    async fn create_api_key(&self, key: &ApiKey) -> StoreResult<()>;
    async fn api_key(&self, id: &ApiKeyId) -> StoreResult<Option<Versioned<ApiKey>>>;
    /// Every key, revoked ones included, in id order.
    async fn api_keys(&self) -> StoreResult<Vec<ApiKey>>;
    /// Saves a changed key if it is still at `version` (`Conflict` otherwise),
    /// so a last-used write never undoes a revocation.
    async fn update_api_key(&self, key: &ApiKey, version: u64) -> StoreResult<()>;
    /// Reserves the request's scope: `None` if it is reserved now, else what
    /// is stored under it (running, or done with its response).
    async fn reserve_request(&self, request: &IdempotentRequest) -> StoreResult<Option<IdempotentRequest>>;
    /// Stores the response of a reserved request for its retries.
    async fn complete_request(&self, request: &IdempotentRequest) -> StoreResult<()>;
    /// Forgets a reservation whose request failed, so a retry runs again.
    async fn release_request(&self, scope: &str) -> StoreResult<()>;
    /// Keeps a staff magic-link token (by its digest) until `expires_at`.
    async fn save_staff_login(&self, digest: &str, email: &EmailAddress, expires_at: OffsetDateTime)
    -> StoreResult<()>;
    /// Removes and returns the staff email of an unexpired token; of
    /// concurrent callers, exactly one gets it.
    async fn spend_staff_login(&self, digest: &str, now: OffsetDateTime) -> StoreResult<Option<EmailAddress>>;
}

/// Everything the portal keeps.
pub trait Store:
    SettingsStore
    + ContactStore
    + DocumentStore
    + ActivityStore
    + LoginTokenStore
    + CommentStore
    + OutboxStore
    + CatalogStore
    + OrderStore
    + PaymentStore
    + StaffStore
{
}
impl<T> Store for T where
    T: SettingsStore
        + ContactStore
        + DocumentStore
        + ActivityStore
        + LoginTokenStore
        + CommentStore
        + OutboxStore
        + CatalogStore
        + OrderStore
        + PaymentStore
        + StaffStore
{
}

/// A file attached to an email (a PDF, a receipt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// An email ready to send. The sender is the mailer's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: EmailAddress,
    pub reply_to: Option<EmailAddress>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mail not sent: {0}")]
pub struct MailError(pub String);

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}

/// Stored files (generated PDFs, product images).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    #[error("invalid blob key «{0}»")]
    InvalidKey(String),
    #[error("blob storage unavailable: {0}")]
    Unavailable(String),
}

/// Blob keys are `/`-separated segments of `[A-Za-z0-9._-]`, none `.` or `..`,
/// at most 512 bytes: safe as S3 keys and as relative file paths.
pub fn check_blob_key(key: &str) -> Result<(), BlobError> {
    let valid = !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        });
    if valid { Ok(()) } else { Err(BlobError::InvalidKey(key.chars().take(80).collect())) }
}

/// How a browser should treat a downloaded blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Save as a file.
    Attachment,
    /// Show in the browser (e.g. to print a PDF).
    Inline,
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    async fn put(&self, key: &str, blob: &Blob) -> Result<(), BlobError>;
    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError>;
    async fn exists(&self, key: &str) -> Result<bool, BlobError>;
    /// A URL that fetches the blob, named `file_name`, until `expires_in` passes.
    async fn presigned_get(
        &self,
        key: &str,
        file_name: &str,
        disposition: Disposition,
        expires_in: std::time::Duration,
    ) -> Result<String, BlobError>;
}

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
    fn today(&self) -> Date {
        self.now().date()
    }
}

/// Produces unique, unguessable, path-safe ids.
pub trait IdGenerator: Send + Sync {
    fn new_id(&self) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    #[test]
    fn every_write_moves_the_revision_and_only_a_visible_change_the_content_version() {
        let mut stored = testkit::document("q1", crate::DocumentKind::Quote, "c1");
        stored.revision = 4;
        stored.content_version = 2;

        let rotated = DocumentUpdate::edit(&stored, |d| d.access_link.nonce = crate::LinkNonce("new".into()));
        assert_eq!(rotated.expected_revision(), 4, "conditioned on the revision read");
        assert_eq!(rotated.document().revision, 5);
        assert_eq!(rotated.document().content_version, 2, "a new link shows nothing new");

        let expiring =
            DocumentUpdate::edit(&stored, |d| d.access_link.expires_at = Some(time::OffsetDateTime::UNIX_EPOCH));
        assert_eq!((expiring.document().revision, expiring.document().content_version), (5, 2));

        let repriced = DocumentUpdate::edit(&stored, |d| d.lines[0].unit_price_minor += 1);
        assert_eq!((repriced.document().revision, repriced.document().content_version), (5, 3));

        let answered = DocumentUpdate::edit(&stored, |d| d.status = crate::DocumentStatus::Accepted);
        assert_eq!(answered.document().content_version, 3, "a new status is shown");

        let untouched = DocumentUpdate::edit(&stored, |_| {});
        assert_eq!((untouched.document().revision, untouched.document().content_version), (5, 2));
    }
}
