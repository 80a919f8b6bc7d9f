//! The domain's storage ports, mapped once onto the single table.

use crate::keys;
use crate::table::{Condition, Index, Item, Query, SortCondition, Table, TableError, Write};
use async_trait::async_trait;
use portal_domain::catalog::{self, Category, PriceList, Product, ProductId};
use portal_domain::document::StatusBucket;
use portal_domain::interaction::{Comment, Notification, NotificationId, OutboxEntry};
use portal_domain::payment::{Checkout, Gateway, Payment, PaymentReference};
use portal_domain::ports::{
    ActivityStore, CartOwner, CatalogQuery, CatalogSection, CatalogStore, Claim, CommentStore, ContactStore,
    DocumentChange, DocumentListQuery, DocumentStore, DocumentUpdate, LoginToken, LoginTokenStore, NewOrder,
    OrderStore, OutboxStore, Page, PaymentRecord, PaymentStore, Recorded, SettingsStore, StaffStore, StoreError,
    StoreResult, StoredCart, Versioned,
};
use portal_domain::staff::{ApiKey, ApiKeyId, IdempotentRequest};
use portal_domain::{
    ActivityEvent, BusinessSettings, Contact, ContactId, Document, DocumentFilter, DocumentId, DocumentKind,
    DocumentNumber, DocumentSummary, EmailAddress,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use time::OffsetDateTime;

/// Implements every storage port on top of any [`Table`] backend.
#[derive(Clone)]
pub struct TableStore {
    table: Arc<dyn Table>,
}

impl TableStore {
    pub fn new(table: Arc<dyn Table>) -> Self {
        TableStore { table }
    }

    pub fn table(&self) -> &Arc<dyn Table> {
        &self.table
    }
}

fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json<T: DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn map_err(error: TableError) -> StoreError {
    match error {
        TableError::ConditionFailed { failed } => {
            StoreError::Conflict(format!("condition failed on write(s) {failed:?}"))
        }
        TableError::InvalidCursor => StoreError::InvalidCursor,
        TableError::Unavailable(why) => StoreError::Unavailable(why),
        TableError::Corrupt(why) => StoreError::Corrupt(why),
    }
}

/// A new document's first revision.
const FIRST_REVISION: u32 = 1;

/// A stored document, with the revision its item carries.
fn stored_document(item: &Item) -> StoreResult<Document> {
    let mut document: Document = from_json(&item.data)?;
    document.revision = u32::try_from(item.version)
        .map_err(|_| StoreError::Corrupt(format!("revision {} out of range", item.version)))?;
    Ok(document)
}

/// The items of a document: the entity (with its two list positions) and the
/// summary the indexes project.
fn document_item(document: &Document, revision: u32) -> StoreResult<Item> {
    let summary = document.summary();
    let mut item = Item::new(keys::document(&document.id), to_json(document)?);
    item.gsi1 =
        Some(keys::document_by_kind_position(&document.contact_id, document.kind, document.issue_date, &document.id));
    item.gsi2 = Some(keys::document_by_bucket_position(
        &document.contact_id,
        document.kind,
        document.status.bucket(),
        summary.key_date,
        &document.id,
    ));
    item.summary = Some(to_json(&summary)?);
    // The revision is the item's optimistic-locking version.
    item.version = u64::from(revision);
    Ok(item)
}

/// The write of an updated document, conditioned on the revision it was read at.
fn update_write(update: &DocumentUpdate) -> StoreResult<Write> {
    let document = update.document();
    Ok(Write::Put {
        item: document_item(document, document.revision)?,
        condition: Condition::VersionIs(u64::from(update.expected_revision())),
    })
}

fn outbox_item(entry: &OutboxEntry, version: u64) -> StoreResult<Item> {
    let notification = &entry.notification;
    let mut item = Item::new(keys::outbox(notification.id.as_str()), to_json(entry)?);
    if entry.delivered_at.is_none() && entry.abandoned_at.is_none() {
        item.gsi1 = Some(keys::outbox_pending_position(notification.created_at, notification.id.as_str()));
    }
    item.version = version;
    Ok(item)
}

fn new_outbox_items(notifications: &[Notification]) -> StoreResult<Vec<Write>> {
    notifications
        .iter()
        .map(|notification| {
            let entry = OutboxEntry {
                notification: notification.clone(),
                attempts: 0,
                last_error: None,
                claimed_until: None,
                delivered_at: None,
                abandoned_at: None,
            };
            Ok(Write::Put { item: outbox_item(&entry, 1)?, condition: Condition::NotExists })
        })
        .collect()
}

fn activity_item(event: &ActivityEvent) -> StoreResult<Item> {
    let json = to_json(event)?;
    let mut item = Item::new(keys::activity(&event.document_id, event.at, &event.id), json.clone());
    item.gsi1 = Some(keys::contact_activity_position(&event.contact_id, event.at, &event.id));
    item.gsi2 = Some(keys::business_activity_position(event.at, &event.id));
    item.summary = Some(json);
    Ok(item)
}

fn summaries<T: DeserializeOwned>(items: Vec<Item>) -> StoreResult<Vec<T>> {
    items.iter().map(|item| from_json(item.summary.as_deref().unwrap_or_default())).collect()
}

#[async_trait]
impl SettingsStore for TableStore {
    async fn business_settings(&self) -> StoreResult<Option<BusinessSettings>> {
        let item = self.table.get(&keys::settings()).await.map_err(map_err)?;
        item.map(|i| from_json(&i.data)).transpose()
    }

    async fn put_business_settings(&self, settings: &BusinessSettings) -> StoreResult<()> {
        let item = Item::new(keys::settings(), to_json(settings)?);
        self.table.write(Write::Put { item, condition: Condition::Always }).await.map_err(map_err)
    }
}

#[async_trait]
impl ContactStore for TableStore {
    async fn contact(&self, id: &ContactId) -> StoreResult<Option<Contact>> {
        let item = self.table.get(&keys::contact(id)).await.map_err(map_err)?;
        item.map(|i| from_json(&i.data)).transpose()
    }

    async fn contact_by_email(&self, email: &EmailAddress) -> StoreResult<Option<Contact>> {
        let Some(pointer) = self.table.get(&keys::contact_email(email)).await.map_err(map_err)? else {
            return Ok(None);
        };
        let id: ContactId = from_json(&pointer.data)?;
        self.contact(&id).await
    }

    async fn create_contact(&self, contact: &Contact) -> StoreResult<()> {
        let mut writes = vec![Write::Put {
            item: Item::new(keys::contact(&contact.id), to_json(contact)?),
            condition: Condition::NotExists,
        }];
        let mut emails: Vec<&EmailAddress> = contact.emails.iter().collect();
        emails.sort();
        emails.dedup();
        for email in emails {
            writes.push(Write::Put {
                item: Item::new(keys::contact_email(email), to_json(&contact.id)?),
                condition: Condition::NotExists,
            });
        }
        self.table.transact(writes).await.map_err(|e| match e {
            TableError::ConditionFailed { .. } => {
                StoreError::Conflict(format!("contact {} or one of its emails already exists", contact.id))
            }
            other => map_err(other),
        })
    }

    async fn update_contact(&self, before: &Contact, after: &Contact) -> StoreResult<()> {
        if before.id != after.id {
            return Err(StoreError::Conflict("a contact's id cannot change".into()));
        }
        let Some(stored) = self.table.get(&keys::contact(&before.id)).await.map_err(map_err)? else {
            return Err(StoreError::Conflict(format!("contact {} does not exist", before.id)));
        };
        if from_json::<Contact>(&stored.data)? != *before {
            return Err(StoreError::Conflict(format!("contact {} changed since it was read", before.id)));
        }
        let mut item = Item::new(keys::contact(&after.id), to_json(after)?);
        item.version = stored.version + 1;
        let mut writes = vec![Write::Put { item, condition: Condition::VersionIs(stored.version) }];
        let old: std::collections::BTreeSet<&EmailAddress> = before.emails.iter().collect();
        let new: std::collections::BTreeSet<&EmailAddress> = after.emails.iter().collect();
        for gone in old.difference(&new) {
            writes.push(Write::Delete { key: keys::contact_email(gone), condition: Condition::Always });
        }
        for added in new.difference(&old) {
            writes.push(Write::Put {
                item: Item::new(keys::contact_email(added), to_json(&after.id)?),
                condition: Condition::NotExists,
            });
        }
        self.table.transact(writes).await.map_err(|e| match e {
            TableError::ConditionFailed { .. } => {
                StoreError::Conflict(format!("contact {} changed, or a new email belongs to another contact", after.id))
            }
            other => map_err(other),
        })
    }
}

#[async_trait]
impl DocumentStore for TableStore {
    async fn document(&self, id: &DocumentId) -> StoreResult<Option<Document>> {
        let item = self.table.get(&keys::document(id)).await.map_err(map_err)?;
        item.as_ref().map(stored_document).transpose()
    }

    async fn create_document(&self, document: &Document, events: &[ActivityEvent]) -> StoreResult<()> {
        let mut writes =
            vec![Write::Put { item: document_item(document, FIRST_REVISION)?, condition: Condition::NotExists }];
        for event in events {
            writes.push(Write::Put { item: activity_item(event)?, condition: Condition::NotExists });
        }
        self.table.transact(writes).await.map_err(|e| match e {
            TableError::ConditionFailed { .. } => {
                StoreError::Conflict(format!("document {} already exists", document.id))
            }
            other => map_err(other),
        })
    }

    async fn list_documents(&self, query: &DocumentListQuery) -> StoreResult<Page<DocumentSummary>> {
        let today = keys::date_bound(query.today);
        let (index, pk, sort) = match query.filter.bucket() {
            None => (Index::Gsi1, keys::documents_by_kind(&query.contact, query.kind), SortCondition::Any),
            Some(bucket) => {
                let sort = match query.filter {
                    DocumentFilter::PastDate => SortCondition::Below(today),
                    DocumentFilter::Current => SortCondition::AtLeast(today),
                    _ => SortCondition::Any,
                };
                (Index::Gsi2, keys::documents_by_bucket(&query.contact, query.kind, bucket), sort)
            }
        };
        let page = self
            .table
            .query(&Query { index, pk, sort, descending: true, limit: query.limit, cursor: query.cursor.clone() })
            .await
            .map_err(map_err)?;
        Ok(Page { items: summaries(page.items)?, next: page.next })
    }

    async fn open_documents(
        &self,
        contact: &ContactId,
        kind: DocumentKind,
        limit: u32,
    ) -> StoreResult<Vec<DocumentSummary>> {
        let mut query = Query::new(Index::Gsi2, keys::documents_by_bucket(contact, kind, StatusBucket::Open));
        query.limit = limit;
        let page = self.table.query(&query).await.map_err(map_err)?;
        summaries(page.items)
    }

    async fn apply_change(&self, change: &DocumentChange) -> StoreResult<()> {
        let mut writes = vec![update_write(&change.update)?];
        for event in &change.events {
            writes.push(Write::Put { item: activity_item(event)?, condition: Condition::NotExists });
        }
        writes.extend(new_outbox_items(&change.notifications)?);
        self.table.transact(writes).await.map_err(|e| match e {
            TableError::ConditionFailed { .. } => {
                StoreError::Conflict(format!("document {} changed since it was read", change.document().id))
            }
            other => map_err(other),
        })
    }
}

#[async_trait]
impl CommentStore for TableStore {
    async fn add_comment(
        &self,
        comment: &Comment,
        event: &ActivityEvent,
        notifications: &[Notification],
    ) -> StoreResult<()> {
        let item = Item::new(keys::comment(&comment.document_id, comment.at, comment.id.as_str()), to_json(comment)?);
        let mut writes = vec![
            Write::Put { item, condition: Condition::NotExists },
            Write::Put { item: activity_item(event)?, condition: Condition::NotExists },
        ];
        writes.extend(new_outbox_items(notifications)?);
        self.table.transact(writes).await.map_err(map_err)
    }

    async fn comments(&self, document: &DocumentId, limit: u32) -> StoreResult<Vec<Comment>> {
        let mut query = Query::new(Index::Table, keys::document(document).pk);
        query.sort = SortCondition::BeginsWith(keys::COMMENT_PREFIX.to_string());
        query.limit = limit;
        let page = self.table.query(&query).await.map_err(map_err)?;
        page.items.iter().map(|item| from_json(&item.data)).collect()
    }

    async fn comments_page(
        &self,
        document: &DocumentId,
        cursor: Option<String>,
        limit: u32,
    ) -> StoreResult<Page<Comment>> {
        let mut query = Query::new(Index::Table, keys::document(document).pk);
        query.sort = SortCondition::BeginsWith(keys::COMMENT_PREFIX.to_string());
        query.limit = limit;
        query.cursor = cursor;
        let page = self.table.query(&query).await.map_err(map_err)?;
        let items = page.items.iter().map(|item| from_json(&item.data)).collect::<StoreResult<_>>()?;
        Ok(Page { items, next: page.next })
    }
}

#[async_trait]
impl OutboxStore for TableStore {
    async fn pending_notifications(&self, limit: u32) -> StoreResult<Vec<NotificationId>> {
        let mut query = Query::new(Index::Gsi1, keys::OUTBOX_PENDING);
        query.limit = limit;
        let page = self.table.query(&query).await.map_err(map_err)?;
        page.items
            .iter()
            .map(|item| {
                let id = keys::outbox_notification(&item.key.pk).unwrap_or_default();
                NotificationId::parse(id).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    async fn outbox_entry(&self, id: &NotificationId) -> StoreResult<Option<OutboxEntry>> {
        let item = self.table.get(&keys::outbox(id.as_str())).await.map_err(map_err)?;
        item.map(|i| from_json(&i.data)).transpose()
    }

    async fn claim_notification(
        &self,
        id: &NotificationId,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> StoreResult<Option<Claim>> {
        let Some(item) = self.table.get(&keys::outbox(id.as_str())).await.map_err(map_err)? else { return Ok(None) };
        let mut entry: OutboxEntry = from_json(&item.data)?;
        if entry.delivered_at.is_some()
            || entry.abandoned_at.is_some()
            || entry.claimed_until.is_some_and(|until| until > now)
        {
            return Ok(None);
        }
        entry.claimed_until = Some(lease_until);
        entry.attempts += 1;
        let version = item.version + 1;
        let claimed = self
            .table
            .write(Write::Put { item: outbox_item(&entry, version)?, condition: Condition::VersionIs(item.version) })
            .await;
        match claimed {
            Ok(()) => Ok(Some(Claim { entry, version })),
            Err(TableError::ConditionFailed { .. }) => Ok(None),
            Err(other) => Err(map_err(other)),
        }
    }

    async fn mark_delivered(&self, claim: &Claim, now: OffsetDateTime) -> StoreResult<()> {
        let mut entry = claim.entry.clone();
        entry.delivered_at = Some(now);
        entry.claimed_until = None;
        entry.last_error = None;
        let item = outbox_item(&entry, claim.version + 1)?;
        self.table.write(Write::Put { item, condition: Condition::VersionIs(claim.version) }).await.map_err(map_err)
    }

    async fn release_claim(&self, claim: &Claim, error: &str) -> StoreResult<()> {
        let mut entry = claim.entry.clone();
        entry.claimed_until = None;
        entry.last_error = Some(error.chars().take(500).collect());
        let item = outbox_item(&entry, claim.version + 1)?;
        self.table.write(Write::Put { item, condition: Condition::VersionIs(claim.version) }).await.map_err(map_err)
    }

    async fn abandon_notification(&self, claim: &Claim, error: &str, now: OffsetDateTime) -> StoreResult<()> {
        let mut entry = claim.entry.clone();
        entry.claimed_until = None;
        entry.abandoned_at = Some(now);
        entry.last_error = Some(error.chars().take(500).collect());
        let item = outbox_item(&entry, claim.version + 1)?;
        self.table.write(Write::Put { item, condition: Condition::VersionIs(claim.version) }).await.map_err(map_err)
    }
}

#[async_trait]
impl ActivityStore for TableStore {
    async fn contact_activity(&self, contact: &ContactId, limit: u32) -> StoreResult<Vec<ActivityEvent>> {
        let mut query = Query::new(Index::Gsi1, keys::contact_activity(contact));
        query.descending = true;
        query.limit = limit;
        let page = self.table.query(&query).await.map_err(map_err)?;
        summaries(page.items)
    }

    async fn business_activity(&self, limit: u32) -> StoreResult<Vec<ActivityEvent>> {
        let mut query = Query::new(Index::Gsi2, keys::BUSINESS_ACTIVITY);
        query.descending = true;
        query.limit = limit;
        let page = self.table.query(&query).await.map_err(map_err)?;
        summaries(page.items)
    }

    async fn document_activity_page(
        &self,
        document: &DocumentId,
        cursor: Option<String>,
        limit: u32,
    ) -> StoreResult<Page<ActivityEvent>> {
        let mut query = Query::new(Index::Table, keys::document(document).pk);
        query.sort = SortCondition::BeginsWith(keys::ACTIVITY_PREFIX.to_string());
        query.limit = limit;
        query.cursor = cursor;
        let page = self.table.query(&query).await.map_err(map_err)?;
        let items = page.items.iter().map(|item| from_json(&item.data)).collect::<StoreResult<_>>()?;
        Ok(Page { items, next: page.next })
    }

    async fn document_activity(&self, document: &DocumentId, limit: u32) -> StoreResult<Vec<ActivityEvent>> {
        let mut query = Query::new(Index::Table, keys::document(document).pk);
        query.sort = SortCondition::BeginsWith(keys::ACTIVITY_PREFIX.to_string());
        // Newest first so a long history keeps its latest events, then shown in order.
        query.descending = true;
        query.limit = limit;
        let page = self.table.query(&query).await.map_err(map_err)?;
        page.items.iter().rev().map(|item| from_json(&item.data)).collect()
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredLoginToken {
    contact_id: ContactId,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

impl Expiring for StoredLoginToken {
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredStaffLogin {
    email: EmailAddress,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

impl Expiring for StoredStaffLogin {
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
}

/// A single-use token's stored form.
trait Expiring {
    fn expires_at(&self) -> OffsetDateTime;
}

impl TableStore {
    /// Removes and returns a single-use token if it exists and is unexpired.
    /// Deleting on the version read makes the spend single-use under races:
    /// of two concurrent spenders, one delete's condition fails.
    async fn spend_once<T: DeserializeOwned + Expiring>(
        &self,
        key: crate::table::Key,
        now: OffsetDateTime,
    ) -> StoreResult<Option<T>> {
        let Some(item) = self.table.get(&key).await.map_err(map_err)? else {
            return Ok(None);
        };
        match self.table.write(Write::Delete { key, condition: Condition::VersionIs(item.version) }).await {
            Ok(()) => {}
            Err(TableError::ConditionFailed { .. }) => return Ok(None),
            Err(other) => return Err(map_err(other)),
        }
        let stored: T = from_json(&item.data)?;
        // TTL deletion is lazy in DynamoDB: expiry is always checked here too.
        Ok((stored.expires_at() > now).then_some(stored))
    }
}

#[async_trait]
impl LoginTokenStore for TableStore {
    async fn save_login_token(&self, token: &LoginToken) -> StoreResult<()> {
        let stored = StoredLoginToken { contact_id: token.contact_id.clone(), expires_at: token.expires_at };
        let mut item = Item::new(keys::login_token(&token.digest), to_json(&stored)?);
        item.expires_at = Some(token.expires_at.unix_timestamp());
        self.table.write(Write::Put { item, condition: Condition::NotExists }).await.map_err(map_err)
    }

    async fn spend_login_token(&self, digest: &str, now: OffsetDateTime) -> StoreResult<Option<LoginToken>> {
        let Some(stored) = self.spend_once::<StoredLoginToken>(keys::login_token(digest), now).await? else {
            return Ok(None);
        };
        Ok(Some(LoginToken {
            digest: digest.to_string(),
            contact_id: stored.contact_id,
            expires_at: stored.expires_at,
        }))
    }

    async fn count_attempt(&self, bucket: &str, window_ends: OffsetDateTime) -> StoreResult<u64> {
        self.table.increment(&keys::attempts(bucket), window_ends.unix_timestamp()).await.map_err(map_err)
    }

    async fn attempts_so_far(&self, bucket: &str, now: OffsetDateTime) -> StoreResult<u64> {
        let item = self.table.get(&keys::attempts(bucket)).await.map_err(map_err)?;
        // TTL deletion is lazy in DynamoDB: expiry is checked here too.
        let live = item.filter(|i| i.expires_at.is_none_or(|at| at > now.unix_timestamp()));
        Ok(live.map_or(0, |i| i.version))
    }
}

/// The listing entries an active product has (none for an inactive one).
fn listings(product: &Product) -> Vec<keys::Listing<'_>> {
    if !product.listed() {
        return Vec::new();
    }
    let mut listings = vec![keys::Listing::All];
    listings.extend(product.categories.iter().take(MAX_CATEGORIES).map(keys::Listing::Category));
    listings
}

/// Categories a product is listed under (bounds one save's transaction).
const MAX_CATEGORIES: usize = 8;

/// Every listing item of `product`, each projecting the product for its index.
fn listing_items(product: &Product) -> StoreResult<Vec<Item>> {
    let summary = to_json(product)?;
    let name = catalog::sort_name(product);
    let words = if product.listed() { catalog::product_search_words(product) } else { Vec::new() };
    let mut entries: Vec<keys::Listing<'_>> = listings(product);
    entries.extend(words.iter().map(|w| keys::Listing::Word(w)));
    let mut items: Vec<Item> = Vec::with_capacity(entries.len());
    for listing in &entries {
        let key = keys::product_listing(&product.id, listing);
        // One entry per key: a category named twice is listed once (a
        // transaction may write each item only once).
        if items.iter().any(|item| item.key == key) {
            continue;
        }
        let mut item = Item::new(key, String::new());
        item.gsi1 = Some(keys::catalog_position(listing, &name, &product.id));
        item.summary = Some(summary.clone());
        items.push(item);
    }
    Ok(items)
}

fn products_of(items: Vec<Item>) -> StoreResult<Vec<Product>> {
    summaries(items)
}

/// How many times a lost race for an order number is retried.
const ORDER_NUMBER_ATTEMPTS: u32 = 40;

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Sequence {
    last: u64,
}

impl TableStore {
    async fn sequence(&self, year: i32) -> StoreResult<(Sequence, u64)> {
        match self.table.get(&keys::order_sequence(year)).await.map_err(map_err)? {
            Some(item) => Ok((from_json(&item.data)?, item.version)),
            None => Ok((Sequence::default(), 0)),
        }
    }

    fn sequence_write(year: i32, last: u64, version: u64) -> StoreResult<Write> {
        let mut item = Item::new(keys::order_sequence(year), to_json(&Sequence { last })?);
        item.version = version + 1;
        let condition = if version == 0 { Condition::NotExists } else { Condition::VersionIs(version) };
        Ok(Write::Put { item, condition })
    }
}

#[async_trait]
impl CatalogStore for TableStore {
    async fn save_product(&self, product: &Product) -> StoreResult<()> {
        let key = keys::product(&product.id);
        let existing = self.table.get(&key).await.map_err(map_err)?;
        let (old, version) = match &existing {
            Some(item) => (Some(from_json::<Product>(&item.data)?), item.version),
            None => (None, 0),
        };
        let new_items = listing_items(product)?;
        let mut item = Item::new(key, to_json(product)?);
        item.version = version + 1;
        let condition = if version == 0 { Condition::NotExists } else { Condition::VersionIs(version) };
        let mut writes = vec![Write::Put { item, condition }];
        if let Some(old) = old {
            // Entries the product no longer has (a category left, a renamed word).
            for stale in listing_items(&old)? {
                if !new_items.iter().any(|n| n.key == stale.key) {
                    writes.push(Write::Delete { key: stale.key, condition: Condition::Always });
                }
            }
        }
        writes.extend(new_items.into_iter().map(|item| Write::Put { item, condition: Condition::Always }));
        self.table.transact(writes).await.map_err(map_err)
    }

    async fn product(&self, id: &ProductId) -> StoreResult<Option<Product>> {
        let item = self.table.get(&keys::product(id)).await.map_err(map_err)?;
        item.map(|i| from_json(&i.data)).transpose()
    }

    async fn products(&self, ids: &[ProductId]) -> StoreResult<Vec<Product>> {
        let reads = ids.iter().map(|id| self.product(id));
        let found = futures::future::try_join_all(reads).await?;
        Ok(found.into_iter().flatten().collect())
    }

    async fn catalog_page(&self, query: &CatalogQuery) -> StoreResult<Page<Product>> {
        let listing = match &query.section {
            CatalogSection::All => keys::Listing::All,
            CatalogSection::Category(category) => keys::Listing::Category(category),
        };
        let mut table_query = Query::new(Index::Gsi1, keys::catalog_section(&listing));
        table_query.limit = query.limit;
        table_query.cursor = query.cursor.clone();
        let page = self.table.query(&table_query).await.map_err(map_err)?;
        Ok(Page { items: products_of(page.items)?, next: page.next })
    }

    async fn search_catalog(&self, words: &[String], limit: u32) -> StoreResult<Vec<Product>> {
        // The index is read for the longest word; the others filter what it found.
        let Some(longest) = words.iter().filter(|w| w.chars().count() >= 2).max_by_key(|w| w.len()) else {
            return Ok(Vec::new());
        };
        let listing = keys::Listing::Word(longest);
        let mut query = Query::new(Index::Gsi1, keys::catalog_section(&listing));
        query.sort = SortCondition::BeginsWith(longest.clone());
        query.limit = SEARCH_CANDIDATES;
        let page = self.table.query(&query).await.map_err(map_err)?;
        let mut found: Vec<Product> = Vec::new();
        for product in products_of(page.items)? {
            if found.iter().any(|p| p.id == product.id) {
                continue;
            }
            let own = catalog::product_search_words(&product);
            if words.iter().all(|w| own.iter().any(|o| o.starts_with(w.as_str()))) {
                found.push(product);
            }
        }
        found.sort_by_key(catalog::sort_name);
        found.truncate(limit as usize);
        Ok(found)
    }

    async fn categories(&self) -> StoreResult<Vec<Category>> {
        let item = self.table.get(&keys::categories()).await.map_err(map_err)?;
        Ok(item.map(|i| from_json(&i.data)).transpose()?.unwrap_or_default())
    }

    async fn save_categories(&self, categories: &[Category]) -> StoreResult<()> {
        let item = Item::new(keys::categories(), to_json(&categories)?);
        self.table.write(Write::Put { item, condition: Condition::Always }).await.map_err(map_err)
    }

    async fn price_list(&self, name: &str) -> StoreResult<Option<PriceList>> {
        let item = self.table.get(&keys::price_list(name)).await.map_err(map_err)?;
        item.map(|i| from_json(&i.data)).transpose()
    }

    async fn save_price_list(&self, list: &PriceList) -> StoreResult<()> {
        if list.prices.len() > PriceList::MAX_PRICES {
            return Err(StoreError::Conflict(format!("a price list holds at most {} prices", PriceList::MAX_PRICES)));
        }
        let item = Item::new(keys::price_list(&list.name), to_json(list)?);
        self.table.write(Write::Put { item, condition: Condition::Always }).await.map_err(map_err)
    }
}

/// Index entries read for one search (its results are cut to the caller's limit).
const SEARCH_CANDIDATES: u32 = 200;

#[async_trait]
impl OrderStore for TableStore {
    async fn cart(&self, owner: &CartOwner) -> StoreResult<StoredCart> {
        match self.table.get(&keys::cart(&owner.contact, &owner.session)).await.map_err(map_err)? {
            Some(item) => Ok(StoredCart { cart: from_json(&item.data)?, version: item.version }),
            None => Ok(StoredCart::default()),
        }
    }

    async fn save_cart(&self, owner: &CartOwner, cart: &StoredCart, expires_at: OffsetDateTime) -> StoreResult<()> {
        let mut item = Item::new(keys::cart(&owner.contact, &owner.session), to_json(&cart.cart)?);
        item.version = cart.version + 1;
        item.expires_at = Some(expires_at.unix_timestamp());
        let condition = if cart.version == 0 { Condition::NotExists } else { Condition::VersionIs(cart.version) };
        self.table.write(Write::Put { item, condition }).await.map_err(map_err)
    }

    async fn place_order(&self, order: &NewOrder, number: fn(i32, u64) -> DocumentNumber) -> StoreResult<Document> {
        let year = order.document.issue_date.year();
        for _ in 0..ORDER_NUMBER_ATTEMPTS {
            let (sequence, version) = self.sequence(year).await?;
            let next = sequence.last + 1;
            let mut document = order.document.clone();
            document.revision = FIRST_REVISION;
            document.number = number(year, next);
            document.id = DocumentId::parse(&format!("d-{}", document.number.as_str().to_lowercase()))
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let mut writes = vec![
                Self::sequence_write(year, next, version)?,
                Write::Put { item: document_item(&document, FIRST_REVISION)?, condition: Condition::NotExists },
                Write::Delete {
                    key: keys::cart(&order.cart.contact, &order.cart.session),
                    condition: Condition::VersionIs(order.cart_version),
                },
            ];
            for event in &order.events {
                let mut event = event.clone();
                event.document_id = document.id.clone();
                event.document_number = document.number.clone();
                writes.push(Write::Put { item: activity_item(&event)?, condition: Condition::NotExists });
            }
            let notifications: Vec<Notification> = order
                .notifications
                .iter()
                .map(|n| Notification { document_id: document.id.clone(), ..n.clone() })
                .collect();
            writes.extend(new_outbox_items(&notifications)?);
            match self.table.transact(writes).await {
                Ok(()) => return Ok(document),
                Err(TableError::ConditionFailed { failed }) if failed.contains(&2) => {
                    return Err(StoreError::Conflict("the cart changed since it was priced".into()));
                }
                // A number already used outside the sequence: move past it.
                Err(TableError::ConditionFailed { failed }) if failed.contains(&1) => {
                    self.reserve_order_numbers(year, next).await?;
                }
                // Another order took the number first: read the sequence again.
                Err(TableError::ConditionFailed { .. }) => {}
                Err(other) => return Err(map_err(other)),
            }
        }
        Err(StoreError::Conflict("too many orders at once; try again".into()))
    }

    async fn reserve_order_numbers(&self, year: i32, last: u64) -> StoreResult<()> {
        for _ in 0..ORDER_NUMBER_ATTEMPTS {
            let (sequence, version) = self.sequence(year).await?;
            if sequence.last >= last {
                return Ok(());
            }
            match self.table.write(Self::sequence_write(year, last, version)?).await {
                Ok(()) => return Ok(()),
                Err(TableError::ConditionFailed { .. }) => {}
                Err(other) => return Err(map_err(other)),
            }
        }
        Err(StoreError::Conflict("the order sequence is too busy".into()))
    }
}

#[async_trait]
impl PaymentStore for TableStore {
    async fn save_checkout(&self, checkout: &Checkout) -> StoreResult<()> {
        let item = Item::new(keys::checkout(checkout.gateway.slug(), checkout.session.as_str()), to_json(checkout)?);
        self.table.write(Write::Put { item, condition: Condition::Always }).await.map_err(map_err)
    }

    async fn checkout(&self, gateway: Gateway, session: &PaymentReference) -> StoreResult<Option<Checkout>> {
        let item = self.table.get(&keys::checkout(gateway.slug(), session.as_str())).await.map_err(map_err)?;
        item.map(|i| from_json(&i.data)).transpose()
    }

    async fn record_payment(&self, record: &PaymentRecord) -> StoreResult<Recorded> {
        // The record item holds the payment (or null for a note); first, so a
        // repeat is recognised by its position.
        let marker = Item::new(keys::payment_record(&record.invoice, &record.key), to_json(&record.payment)?);
        let mut writes = vec![Write::Put { item: marker, condition: Condition::NotExists }];
        if let Some(update) = &record.document {
            writes.push(update_write(update)?);
        }
        for event in &record.events {
            writes.push(Write::Put { item: activity_item(event)?, condition: Condition::NotExists });
        }
        writes.extend(new_outbox_items(&record.notifications)?);
        match self.table.transact(writes).await {
            Ok(()) => Ok(Recorded::Now),
            Err(TableError::ConditionFailed { failed }) if failed.contains(&0) => Ok(Recorded::Before),
            Err(TableError::ConditionFailed { .. }) => {
                Err(StoreError::Conflict(format!("invoice {} changed since it was read", record.invoice)))
            }
            Err(other) => Err(map_err(other)),
        }
    }

    async fn payments(&self, invoice: &DocumentId) -> StoreResult<Vec<Payment>> {
        let mut query = Query::new(Index::Table, keys::document(invoice).pk);
        query.sort = SortCondition::BeginsWith(keys::PAYMENT_PREFIX.to_string());
        query.limit = 100;
        let page = self.table.query(&query).await.map_err(map_err)?;
        let mut payments = Vec::new();
        for item in page.items {
            if let Some(payment) = from_json::<Option<Payment>>(&item.data)? {
                payments.push(payment);
            }
        }
        payments.sort_by_key(|p| p.at);
        Ok(payments)
    }
}

#[async_trait]
impl StaffStore for TableStore {
    async fn create_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        let item = Item::new(keys::api_key(&key.id), to_json(key)?);
        self.table.write(Write::Put { item, condition: Condition::NotExists }).await.map_err(map_err)
    }

    async fn api_key(&self, id: &ApiKeyId) -> StoreResult<Option<Versioned<ApiKey>>> {
        let item = self.table.get(&keys::api_key(id)).await.map_err(map_err)?;
        item.map(|i| Ok(Versioned { value: from_json(&i.data)?, version: i.version })).transpose()
    }

    async fn api_keys(&self) -> StoreResult<Vec<ApiKey>> {
        let mut keys = Vec::new();
        let mut query = Query::new(Index::Table, keys::API_KEYS);
        loop {
            let page = self.table.query(&query).await.map_err(map_err)?;
            for item in page.items {
                keys.push(from_json(&item.data)?);
            }
            match page.next {
                Some(next) => query.cursor = Some(next),
                None => return Ok(keys),
            }
        }
    }

    async fn update_api_key(&self, key: &ApiKey, version: u64) -> StoreResult<()> {
        let mut item = Item::new(keys::api_key(&key.id), to_json(key)?);
        item.version = version + 1;
        self.table.write(Write::Put { item, condition: Condition::VersionIs(version) }).await.map_err(map_err)
    }

    async fn reserve_request(&self, request: &IdempotentRequest) -> StoreResult<Option<IdempotentRequest>> {
        let key = keys::idempotent_request(&request.scope);
        let mut item = Item::new(key.clone(), to_json(request)?);
        item.expires_at = Some(request.expires_at.unix_timestamp());
        match self.table.write(Write::Put { item, condition: Condition::NotExists }).await {
            Ok(()) => Ok(None),
            Err(TableError::ConditionFailed { .. }) => {
                let stored = self.table.get(&key).await.map_err(map_err)?;
                match stored {
                    Some(item) => Ok(Some(from_json(&item.data)?)),
                    // Released between our write and our read: the caller retries.
                    None => Err(StoreError::Conflict("idempotency record released concurrently".into())),
                }
            }
            Err(other) => Err(map_err(other)),
        }
    }

    async fn complete_request(&self, request: &IdempotentRequest) -> StoreResult<()> {
        let mut item = Item::new(keys::idempotent_request(&request.scope), to_json(request)?);
        item.expires_at = Some(request.expires_at.unix_timestamp());
        item.version = 2;
        self.table.write(Write::Put { item, condition: Condition::VersionIs(1) }).await.map_err(map_err)
    }

    async fn save_staff_login(
        &self,
        digest: &str,
        email: &EmailAddress,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        let stored = StoredStaffLogin { email: email.clone(), expires_at };
        let mut item = Item::new(keys::staff_login_token(digest), to_json(&stored)?);
        item.expires_at = Some(expires_at.unix_timestamp());
        self.table.write(Write::Put { item, condition: Condition::NotExists }).await.map_err(map_err)
    }

    async fn spend_staff_login(&self, digest: &str, now: OffsetDateTime) -> StoreResult<Option<EmailAddress>> {
        let stored = self.spend_once::<StoredStaffLogin>(keys::staff_login_token(digest), now).await?;
        Ok(stored.map(|s| s.email))
    }

    async fn release_request(&self, scope: &str) -> StoreResult<()> {
        let key = keys::idempotent_request(scope);
        self.table.write(Write::Delete { key, condition: Condition::VersionIs(1) }).await.map_err(map_err)
    }
}
