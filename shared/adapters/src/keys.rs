//! Every key format of the single table, in one place. `docs/data-model.md`
//! lists the access patterns these keys serve.

use crate::table::{IndexKey, Key};
use portal_domain::catalog::{CategoryId, ProductId};
use portal_domain::document::StatusBucket;
use portal_domain::{ContactId, DocumentId, DocumentKind, EmailAddress};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// A fixed-width UTC timestamp that sorts lexicographically in time order.
pub fn sortable_timestamp(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC).format(TIMESTAMP).unwrap_or_default()
}

/// `YYYY-MM-DD`, which sorts in date order.
pub fn sortable_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

fn kind_tag(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Invoice => "INVOICE",
        DocumentKind::CreditNote => "CREDIT_NOTE",
        DocumentKind::Quote => "QUOTE",
        DocumentKind::Proforma => "PROFORMA",
        DocumentKind::SalesOrder => "SALES_ORDER",
        DocumentKind::DeliveryNote => "DELIVERY_NOTE",
        DocumentKind::PurchaseOrder => "PURCHASE_ORDER",
    }
}

fn bucket_tag(bucket: StatusBucket) -> &'static str {
    match bucket {
        StatusBucket::Open => "OPEN",
        StatusBucket::Done => "DONE",
        StatusBucket::Rejected => "REJECTED",
        StatusBucket::Cancelled => "CANCELLED",
    }
}

/// The business's settings (one per deployment).
pub fn settings() -> Key {
    Key::new("BUSINESS", "SETTINGS")
}

pub fn contact(id: &ContactId) -> Key {
    Key::new(format!("CONTACT#{id}"), "PROFILE")
}

/// Maps an email to its contact; also makes emails unique.
pub fn contact_email(email: &EmailAddress) -> Key {
    Key::new(format!("EMAIL#{email}"), "EMAIL")
}

pub fn document(id: &DocumentId) -> Key {
    Key::new(format!("DOC#{id}"), "DOCUMENT")
}

/// GSI1: a contact's documents of one kind, by issue date.
pub fn documents_by_kind(contact: &ContactId, kind: DocumentKind) -> String {
    format!("CONTACT#{contact}#KIND#{}", kind_tag(kind))
}

pub fn document_by_kind_position(
    contact: &ContactId,
    kind: DocumentKind,
    issue_date: Date,
    id: &DocumentId,
) -> IndexKey {
    IndexKey::new(documents_by_kind(contact, kind), format!("{}#{id}", sortable_date(issue_date)))
}

/// GSI2: a contact's documents of one kind in one status bucket, by key date
/// (due date for invoices, valid-until for quotes, else issue date).
pub fn documents_by_bucket(contact: &ContactId, kind: DocumentKind, bucket: StatusBucket) -> String {
    format!("CONTACT#{contact}#KIND#{}#{}", kind_tag(kind), bucket_tag(bucket))
}

pub fn document_by_bucket_position(
    contact: &ContactId,
    kind: DocumentKind,
    bucket: StatusBucket,
    key_date: Date,
    id: &DocumentId,
) -> IndexKey {
    IndexKey::new(documents_by_bucket(contact, kind, bucket), format!("{}#{id}", sortable_date(key_date)))
}

/// The sort-key bound that splits a bucket at `date`: keys below it have an
/// earlier key date.
pub fn date_bound(date: Date) -> String {
    sortable_date(date)
}

/// Activity events live in their document's partition...
pub fn activity(document: &DocumentId, at: OffsetDateTime, event_id: &str) -> Key {
    Key::new(format!("DOC#{document}"), format!("{ACTIVITY_PREFIX}{}#{event_id}", sortable_timestamp(at)))
}

pub const ACTIVITY_PREFIX: &str = "EVENT#";

/// ...and in GSI1 under their contact, newest last.
pub fn contact_activity(contact: &ContactId) -> String {
    format!("CONTACT#{contact}#ACTIVITY")
}

pub fn contact_activity_position(contact: &ContactId, at: OffsetDateTime, event_id: &str) -> IndexKey {
    IndexKey::new(contact_activity(contact), format!("{}#{event_id}", sortable_timestamp(at)))
}

/// GSI2: every event of the business, for the staff home.
pub const BUSINESS_ACTIVITY: &str = "STAFF#ACTIVITY";

pub fn business_activity_position(at: OffsetDateTime, event_id: &str) -> IndexKey {
    IndexKey::new(BUSINESS_ACTIVITY, format!("{}#{event_id}", sortable_timestamp(at)))
}

/// A staff magic-link token, by its SHA-256.
pub fn staff_login_token(digest: &str) -> Key {
    Key::new(format!("STAFFLOGIN#{digest}"), "LOGIN")
}

/// Comments live in their document's partition, oldest first.
pub fn comment(document: &DocumentId, at: OffsetDateTime, comment_id: &str) -> Key {
    Key::new(format!("DOC#{document}"), format!("{COMMENT_PREFIX}{}#{comment_id}", sortable_timestamp(at)))
}

pub const COMMENT_PREFIX: &str = "COMMENT#";

const OUTBOX_PREFIX: &str = "OUTBOX#";

/// A notification in the outbox.
pub fn outbox(id: &str) -> Key {
    Key::new(format!("{OUTBOX_PREFIX}{id}"), "OUTBOX")
}

/// The notification an outbox item's partition key names (a table stream
/// record's key, an index entry's item); `None` for any other key.
pub fn outbox_notification(pk: &str) -> Option<&str> {
    pk.strip_prefix(OUTBOX_PREFIX).filter(|id| !id.is_empty() && *id != "PENDING")
}

/// GSI1: pending notifications, oldest first (the entry leaves the index once delivered).
pub const OUTBOX_PENDING: &str = "OUTBOX#PENDING";

pub fn outbox_pending_position(created_at: OffsetDateTime, id: &str) -> IndexKey {
    IndexKey::new(OUTBOX_PENDING, format!("{}#{id}", sortable_timestamp(created_at)))
}

/// A magic-link token, by the SHA-256 of the token (the token itself is never stored).
pub fn login_token(digest: &str) -> Key {
    Key::new(format!("LOGIN#{digest}"), "LOGIN")
}

/// A fixed-window attempt counter (rate limits).
pub fn attempts(bucket: &str) -> Key {
    Key::new(format!("ATTEMPTS#{bucket}"), "COUNT")
}

/// A product. Its catalog entries (below) live in the same partition, so
/// saving a product rewrites them in one transaction.
pub fn product(id: &ProductId) -> Key {
    Key::new(format!("PRODUCT#{id}"), "PRODUCT")
}

/// Where an active product is listed; each entry carries the product in its
/// index projection, so a catalog page is one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing<'a> {
    All,
    Category(&'a CategoryId),
    /// Found by a word of its name or SKU.
    Word(&'a str),
}

/// The table key of one listing entry of `product`.
pub fn product_listing(product: &ProductId, listing: &Listing<'_>) -> Key {
    let sort = match listing {
        Listing::All => "LISTED#ALL".to_string(),
        Listing::Category(category) => format!("LISTED#CATEGORY#{category}", category = category.as_str()),
        Listing::Word(word) => format!("LISTED#WORD#{word}"),
    };
    Key::new(format!("PRODUCT#{product}"), sort)
}

/// Every listing entry of a product shares this sort-key prefix.
pub const LISTING_PREFIX: &str = "LISTED#";

/// GSI1 partition of a section of the catalog.
pub fn catalog_section(listing: &Listing<'_>) -> String {
    match listing {
        Listing::All => "CATALOG#ALL".into(),
        Listing::Category(category) => format!("CATALOG#CATEGORY#{}", category.as_str()),
        // Words are spread over partitions by their first two characters.
        Listing::Word(word) => format!("CATALOG#WORD#{}", word.chars().take(2).collect::<String>()),
    }
}

/// GSI1 position of a listing entry: by name in sections, by word in search.
pub fn catalog_position(listing: &Listing<'_>, sort_name: &str, product: &ProductId) -> IndexKey {
    let sort = match listing {
        Listing::Word(word) => format!("{word}#{sort_name}#{product}"),
        _ => format!("{sort_name}#{product}"),
    };
    IndexKey::new(catalog_section(listing), sort)
}

/// The catalog's categories (one item: the navigation is one read).
pub fn categories() -> Key {
    Key::new("CATALOG", "CATEGORIES")
}

pub fn price_list(name: &str) -> Key {
    Key::new(format!("PRICELIST#{name}"), "PRICES")
}

/// A contact's cart in one session.
pub fn cart(contact: &ContactId, session: &str) -> Key {
    Key::new(format!("CONTACT#{contact}"), format!("CART#{session}"))
}

/// A checkout the portal opened, by the gateway's session id.
/// Staff API keys: one partition, so listing them is one Query.
pub const API_KEYS: &str = "STAFF#API_KEYS";

pub fn api_key(id: &portal_domain::staff::ApiKeyId) -> Key {
    Key::new(API_KEYS, format!("KEY#{id}"))
}

/// A request made with an idempotency key (expires with its record's TTL).
pub fn idempotent_request(scope: &str) -> Key {
    Key::new(format!("IDEMPOTENCY#{scope}"), "REQUEST")
}

pub fn checkout(gateway: &str, session: &str) -> Key {
    Key::new(format!("CHECKOUT#{gateway}#{session}"), "CHECKOUT")
}

/// A payment confirmation recorded on its invoice (the payment itself, or a
/// note that one failed or was refused), unique per confirmation.
pub fn payment_record(invoice: &DocumentId, key: &str) -> Key {
    Key::new(format!("DOC#{invoice}"), format!("{PAYMENT_PREFIX}{key}"))
}

pub const PAYMENT_PREFIX: &str = "PAYMENT#";

/// The business's sales-order number sequence for one year.
pub fn order_sequence(year: i32) -> Key {
    Key::new(format!("SEQUENCE#SALES_ORDER#{year}"), "SEQUENCE")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn catalog_keys_are_exactly_these() {
        let p = ProductId::parse("tal-850").unwrap();
        let c = CategoryId::parse("herramientas").unwrap();
        assert_eq!(product(&p), Key::new("PRODUCT#tal-850", "PRODUCT"));
        assert_eq!(product_listing(&p, &Listing::All), Key::new("PRODUCT#tal-850", "LISTED#ALL"));
        assert_eq!(
            product_listing(&p, &Listing::Category(&c)),
            Key::new("PRODUCT#tal-850", "LISTED#CATEGORY#herramientas")
        );
        assert_eq!(product_listing(&p, &Listing::Word("taladro")), Key::new("PRODUCT#tal-850", "LISTED#WORD#taladro"));
        assert_eq!(
            catalog_position(&Listing::All, "taladro percutor", &p),
            IndexKey::new("CATALOG#ALL", "taladro percutor#tal-850")
        );
        assert_eq!(
            catalog_position(&Listing::Category(&c), "taladro percutor", &p),
            IndexKey::new("CATALOG#CATEGORY#herramientas", "taladro percutor#tal-850")
        );
        assert_eq!(
            catalog_position(&Listing::Word("taladro"), "taladro percutor", &p),
            IndexKey::new("CATALOG#WORD#ta", "taladro#taladro percutor#tal-850")
        );
        assert_eq!(categories(), Key::new("CATALOG", "CATEGORIES"));
        assert_eq!(price_list("mayorista"), Key::new("PRICELIST#mayorista", "PRICES"));
        let contact_id = ContactId::parse("c42").unwrap();
        assert_eq!(cart(&contact_id, "s1"), Key::new("CONTACT#c42", "CART#s1"));
        assert_eq!(order_sequence(2026), Key::new("SEQUENCE#SALES_ORDER#2026", "SEQUENCE"));
        assert_eq!(checkout("stripe", "cs_1"), Key::new("CHECKOUT#stripe#cs_1", "CHECKOUT"));
        let d = DocumentId::parse("d7").unwrap();
        assert_eq!(payment_record(&d, "stripe#cs_1"), Key::new("DOC#d7", "PAYMENT#stripe#cs_1"));
    }

    #[test]
    fn serialized_keys_are_exactly_these() {
        let c = ContactId::parse("c42").unwrap();
        let d = DocumentId::parse("d7").unwrap();
        assert_eq!(settings(), Key::new("BUSINESS", "SETTINGS"));
        assert_eq!(contact(&c), Key::new("CONTACT#c42", "PROFILE"));
        assert_eq!(
            contact_email(&EmailAddress::parse("Ana@Example.es").unwrap()),
            Key::new("EMAIL#ana@example.es", "EMAIL")
        );
        assert_eq!(document(&d), Key::new("DOC#d7", "DOCUMENT"));
        assert_eq!(
            document_by_kind_position(&c, DocumentKind::CreditNote, date!(2026 - 03 - 09), &d),
            IndexKey::new("CONTACT#c42#KIND#CREDIT_NOTE", "2026-03-09#d7")
        );
        assert_eq!(
            document_by_bucket_position(&c, DocumentKind::Invoice, StatusBucket::Open, date!(2026 - 12 - 31), &d),
            IndexKey::new("CONTACT#c42#KIND#INVOICE#OPEN", "2026-12-31#d7")
        );
        let at = datetime!(2026-11-28 09:05:03.25 +01:00);
        assert_eq!(activity(&d, at, "e1"), Key::new("DOC#d7", "EVENT#2026-11-28T08:05:03.250000Z#e1"));
        assert_eq!(
            contact_activity_position(&c, at, "e1"),
            IndexKey::new("CONTACT#c42#ACTIVITY", "2026-11-28T08:05:03.250000Z#e1")
        );
        assert_eq!(login_token("ab12"), Key::new("LOGIN#ab12", "LOGIN"));
        assert_eq!(comment(&d, at, "k1"), Key::new("DOC#d7", "COMMENT#2026-11-28T08:05:03.250000Z#k1"));
        assert_eq!(outbox("n1"), Key::new("OUTBOX#n1", "OUTBOX"));
        assert_eq!(outbox_notification(&outbox("n1").pk), Some("n1"));
        assert_eq!(outbox_notification("DOC#n1"), None);
        assert_eq!(outbox_notification(OUTBOX_PENDING), None);
        assert_eq!(
            outbox_pending_position(at, "n1"),
            IndexKey::new("OUTBOX#PENDING", "2026-11-28T08:05:03.250000Z#n1")
        );
        assert_eq!(attempts("login-email#x"), Key::new("ATTEMPTS#login-email#x", "COUNT"));
    }

    #[test]
    fn date_bound_splits_before_and_on_the_day() {
        let d = DocumentId::parse("zzz").unwrap();
        let c = ContactId::parse("c").unwrap();
        let bound = date_bound(date!(2026 - 11 - 28));
        let before =
            document_by_bucket_position(&c, DocumentKind::Invoice, StatusBucket::Open, date!(2026 - 11 - 27), &d);
        let on = document_by_bucket_position(&c, DocumentKind::Invoice, StatusBucket::Open, date!(2026 - 11 - 28), &d);
        assert!(before.sk < bound && on.sk >= bound);
    }
}
