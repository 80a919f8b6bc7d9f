//! The domain's storage ports as `TableStore` implements them on the embedded table.

use portal_adapters::TableStore;
use portal_adapters::file_table::FileTable;
use portal_domain::document::{AccessLink, LinkNonce};
use portal_domain::ports::{ContactStore, DocumentListQuery, DocumentStore, LoginToken, LoginTokenStore, StoreError};
use portal_domain::{
    Contact, ContactId, ContactRole, Currency, DisplayStatus, Document, DocumentFilter, DocumentId, DocumentKind,
    DocumentNumber, DocumentStatus, DocumentSummary, EmailAddress, Line, Locale, PriceCondition, Quantity, VatRate,
};
use std::collections::BTreeSet;
use std::sync::Arc;
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-06-15 10:00 UTC);
const TODAY: Date = date!(2026 - 06 - 15);

fn store() -> TableStore {
    TableStore::new(Arc::new(FileTable::in_memory()))
}

fn contact_id(id: &str) -> ContactId {
    ContactId::parse(id).unwrap()
}

fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

fn contact(id: &str, emails: &[&str]) -> Contact {
    Contact {
        id: contact_id(id),
        name: format!("Contact {id}"),
        tax_id: None,
        role: ContactRole::Customer,
        emails: emails.iter().map(|e| email(e)).collect(),
        locale: Locale::Es,
        portal_access: true,
        catalog: false,
        price_condition: PriceCondition::default(),
        recargo_equivalencia: false,
        address: None,
    }
}

fn document(id: &str, kind: DocumentKind, contact: &str, status: DocumentStatus, issue: Date, due: Date) -> Document {
    Document {
        id: DocumentId::parse(id).unwrap(),
        kind,
        number: DocumentNumber::parse(&format!("F-{id}")).unwrap(),
        contact_id: contact_id(contact),
        status,
        issue_date: issue,
        due_date: Some(due),
        valid_until: None,
        currency: Currency::parse("EUR").unwrap(),
        lines: vec![Line {
            description: "Servicio".into(),
            quantity: Quantity::units(1),
            unit_price_minor: 10_000,
            discount: Default::default(),
            vat: VatRate::General21,
            irpf: None,
            product: None,
        }],
        recargo: false,
        notes: None,
        paid_minor: 0,
        access_link: AccessLink { nonce: LinkNonce(format!("nonce-{id}")), expires_at: None },
        content_version: 1,
        revision: 0,
        acceptance: None,
        rejection: None,
        supplier_confirmation: None,
    }
}

fn invoice(id: &str, contact: &str, status: DocumentStatus, issue: Date, due: Date) -> Document {
    document(id, DocumentKind::Invoice, contact, status, issue, due)
}

fn list(contact: &str, filter: DocumentFilter, limit: u32, cursor: Option<String>) -> DocumentListQuery {
    DocumentListQuery { contact: contact_id(contact), kind: DocumentKind::Invoice, filter, today: TODAY, cursor, limit }
}

/// Every page of a listing, following `next` until there is none.
async fn all_pages(store: &TableStore, start: DocumentListQuery) -> Vec<Vec<DocumentSummary>> {
    let mut pages = Vec::new();
    let mut query = start;
    loop {
        let page = store.list_documents(&query).await.expect("list documents");
        pages.push(page.items);
        assert!(pages.len() < 50, "pagination does not terminate");
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => return pages,
        }
    }
}

fn ids(summaries: &[DocumentSummary]) -> Vec<&str> {
    summaries.iter().map(|s| s.id.as_str()).collect()
}

fn token(digest: &str, contact: &str, expires_at: OffsetDateTime) -> LoginToken {
    LoginToken { digest: digest.to_string(), contact_id: contact_id(contact), expires_at }
}

const DIGEST: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

#[tokio::test(flavor = "multi_thread")]
async fn a_login_token_is_spent_once() {
    let store = store();
    let saved = token(DIGEST, "ana", NOW + Duration::minutes(15));
    store.save_login_token(&saved).await.unwrap();
    let again = store.save_login_token(&saved).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "a digest cannot be saved twice, got {again:?}");
    assert_eq!(store.spend_login_token(DIGEST, NOW).await, Ok(Some(saved)), "the first spend returns the token");
    assert_eq!(store.spend_login_token(DIGEST, NOW).await, Ok(None), "the second spend finds nothing");
    assert_eq!(store.spend_login_token("0000", NOW).await, Ok(None), "an unknown digest is refused");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_spends_of_one_token_let_exactly_one_through() {
    let store = store();
    store.save_login_token(&token(DIGEST, "ana", NOW + Duration::minutes(15))).await.unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.spend_login_token(DIGEST, NOW).await })
        })
        .collect();
    let mut spent = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(Some(token)) => {
                assert_eq!(token.contact_id.as_str(), "ana");
                spent += 1;
            }
            Ok(None) => {}
            Err(e) => panic!("a losing spend must be a refusal, not an error: {e}"),
        }
    }
    assert_eq!(spent, 1, "of 20 concurrent spends exactly one gets the token");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_login_token_is_refused() {
    let store = store();
    let expires_at = NOW + Duration::minutes(15);
    store.save_login_token(&token(DIGEST, "ana", expires_at)).await.unwrap();
    assert_eq!(store.spend_login_token(DIGEST, expires_at).await, Ok(None), "refused at the expiry instant");

    let other = "1b4f0e9851971998e732078544c96b36c3d01cedf7caa332359d6f1d83567014";
    store.save_login_token(&token(other, "ana", NOW - Duration::seconds(1))).await.unwrap();
    assert_eq!(store.spend_login_token(other, NOW).await, Ok(None), "a token that expired before now is refused");
}

#[tokio::test(flavor = "multi_thread")]
async fn attempts_are_counted_per_bucket() {
    let store = store();
    let window_ends = NOW + Duration::minutes(10);
    for expected in 1..=3 {
        assert_eq!(store.count_attempt("login-email#ana@example.es", window_ends).await, Ok(expected));
    }
    assert_eq!(store.count_attempt("login-ip#192.0.2.1", window_ends).await, Ok(1), "buckets count separately");
    assert_eq!(store.count_attempt("login-email#ana@example.es", window_ends).await, Ok(4));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contact_cannot_take_another_contacts_email() {
    let store = store();
    let ana = contact("ana", &["ana@example.es"]);
    store.create_contact(&ana).await.unwrap();
    assert_eq!(store.contact(&ana.id).await, Ok(Some(ana.clone())));
    assert_eq!(store.contact_by_email(&email("ANA@example.es")).await, Ok(Some(ana.clone())));

    let intruder = contact("bea", &["bea@example.es", "Ana@Example.es"]);
    let result = store.create_contact(&intruder).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "an email already in use is a conflict, got {result:?}");
    assert_eq!(store.contact(&intruder.id).await, Ok(None), "the conflicting contact was not written");
    assert_eq!(
        store.contact_by_email(&email("bea@example.es")).await,
        Ok(None),
        "none of the conflicting contact's emails were claimed"
    );
    assert_eq!(
        store.contact_by_email(&email("ana@example.es")).await,
        Ok(Some(ana.clone())),
        "the email still belongs to its first contact"
    );

    let same_id = contact("ana", &["other@example.es"]);
    assert!(matches!(store.create_contact(&same_id).await, Err(StoreError::Conflict(_))), "a taken id is a conflict");
    assert_eq!(store.contact_by_email(&email("other@example.es")).await, Ok(None), "nothing of it was written");
    assert_eq!(store.contact(&ana.id).await, Ok(Some(ana)), "the first contact is unchanged");

    let bea = contact("bea", &["bea@example.es"]);
    store.create_contact(&bea).await.expect("the refused contact can be created without the taken email");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contacts_invoices_page_newest_first_and_never_leak() {
    let store = store();
    let start = date!(2026 - 01 - 01);
    let statuses = [DocumentStatus::Issued, DocumentStatus::Paid, DocumentStatus::PartiallyPaid, DocumentStatus::Void];
    for n in 0..25 {
        let issue = start + Duration::days(n * 3);
        let doc = invoice(&format!("ana-{n:02}"), "ana", statuses[n as usize % 4], issue, issue + Duration::days(30));
        store.create_document(&doc, &[]).await.unwrap();
        // Another contact whose documents sort in between, and one of ana's quotes.
        if n % 5 == 0 {
            let other = invoice(&format!("anb-{n:02}"), "ana-b", DocumentStatus::Issued, issue, issue);
            store.create_document(&other, &[]).await.unwrap();
            let quote = document(&format!("q-{n:02}"), DocumentKind::Quote, "ana", DocumentStatus::Sent, issue, issue);
            store.create_document(&quote, &[]).await.unwrap();
        }
    }

    let pages = all_pages(&store, list("ana", DocumentFilter::All, 10, None)).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert!(sizes.starts_with(&[10, 10, 5]), "25 invoices come in pages of 10, 10 and 5, got {sizes:?}");
    assert!(sizes[3..].iter().all(|&s| s == 0) && sizes.len() <= 4, "nothing follows the last page, got {sizes:?}");
    let all: Vec<DocumentSummary> = pages.concat();
    let expected: Vec<String> = (0..25).rev().map(|n| format!("ana-{n:02}")).collect();
    assert_eq!(ids(&all), expected, "every invoice exactly once, newest issue date first");
    assert!(all.iter().all(|s| s.contact_id.as_str() == "ana"), "another contact's documents leaked in");
    assert!(all.iter().all(|s| s.kind == DocumentKind::Invoice), "another kind leaked in");
    assert_eq!(all.iter().map(|s| &s.id).collect::<BTreeSet<_>>().len(), 25, "no duplicates");
    let first = &all[0];
    assert_eq!(first.issue_date, start + Duration::days(72), "summaries carry the document's fields");
    assert_eq!(first.total.minor, 12_100, "summaries carry the total");

    // A cursor from another contact's list cannot continue this one.
    let other = store.list_documents(&list("ana-b", DocumentFilter::All, 2, None)).await.unwrap();
    assert_eq!(ids(&other.items), ["anb-20", "anb-15"], "the other contact sees only its own");
    let stolen = list("ana", DocumentFilter::All, 10, other.next.clone());
    assert_eq!(
        store.list_documents(&stolen).await,
        Err(StoreError::InvalidCursor),
        "another contact's cursor is refused"
    );
    // Nor can a cursor of one filter continue another.
    let open = store.list_documents(&list("ana", DocumentFilter::Open, 2, None)).await.unwrap();
    let switched = list("ana", DocumentFilter::All, 10, open.next);
    assert_eq!(
        store.list_documents(&switched).await,
        Err(StoreError::InvalidCursor),
        "a cursor from another filter is refused"
    );
    let garbage = list("ana", DocumentFilter::All, 10, Some("garbage".into()));
    assert_eq!(store.list_documents(&garbage).await, Err(StoreError::InvalidCursor), "a garbage cursor is refused");
}

#[tokio::test(flavor = "multi_thread")]
async fn open_invoices_split_at_today_by_due_date() {
    let store = store();
    let issue = date!(2026 - 05 - 01);
    let rows = [
        ("due-0601", DocumentStatus::Issued, date!(2026 - 06 - 01)),
        ("due-0610", DocumentStatus::PartiallyPaid, date!(2026 - 06 - 10)),
        ("due-0614", DocumentStatus::Issued, date!(2026 - 06 - 14)),
        ("due-0615", DocumentStatus::Issued, TODAY),
        ("due-0616", DocumentStatus::Issued, date!(2026 - 06 - 16)),
        ("due-0701", DocumentStatus::PartiallyPaid, date!(2026 - 07 - 01)),
        ("paid-0501", DocumentStatus::Paid, date!(2026 - 05 - 01)),
        ("void-0620", DocumentStatus::Void, date!(2026 - 06 - 20)),
    ];
    // Inserted in scrambled order so the index, not insertion, orders them.
    for n in [4, 0, 7, 2, 6, 5, 1, 3] {
        let (id, status, due) = rows[n];
        store.create_document(&invoice(id, "carla", status, issue, due), &[]).await.unwrap();
    }
    store
        .create_document(&invoice("dora-1", "dora", DocumentStatus::Issued, issue, date!(2026 - 06 - 02)), &[])
        .await
        .unwrap();

    let listed = |filter| {
        let store = store.clone();
        async move { all_pages(&store, list("carla", filter, 2, None)).await.concat() }
    };
    let past = listed(DocumentFilter::PastDate).await;
    assert_eq!(
        ids(&past),
        ["due-0614", "due-0610", "due-0601"],
        "PastDate: open invoices due before today, latest first"
    );
    assert!(
        past.iter().all(|s| s.display_status(TODAY) == DisplayStatus::Overdue),
        "every PastDate invoice displays as overdue"
    );
    let current = listed(DocumentFilter::Current).await;
    assert_eq!(
        ids(&current),
        ["due-0701", "due-0616", "due-0615"],
        "Current: open invoices due today or later, latest first"
    );
    assert!(
        current.iter().all(|s| matches!(s.display_status(TODAY), DisplayStatus::Stored(_))),
        "no Current invoice displays as overdue"
    );
    let open = listed(DocumentFilter::Open).await;
    assert_eq!(
        ids(&open),
        ["due-0701", "due-0616", "due-0615", "due-0614", "due-0610", "due-0601"],
        "Open is exactly PastDate and Current together"
    );
    assert_eq!(ids(&listed(DocumentFilter::Done).await), ["paid-0501"], "a paid invoice is done, never past-date");
    assert_eq!(ids(&listed(DocumentFilter::Cancelled).await), ["void-0620"], "a void invoice is cancelled");

    let soonest = store.open_documents(&contact_id("carla"), DocumentKind::Invoice, 10).await.unwrap();
    assert_eq!(
        ids(&soonest),
        ["due-0601", "due-0610", "due-0614", "due-0615", "due-0616", "due-0701"],
        "open documents come earliest due date first"
    );
    let two = store.open_documents(&contact_id("carla"), DocumentKind::Invoice, 2).await.unwrap();
    assert_eq!(ids(&two), ["due-0601", "due-0610"], "the limit keeps the earliest due");
    assert!(
        store.open_documents(&contact_id("carla"), DocumentKind::Quote, 10).await.unwrap().is_empty(),
        "open documents are per kind"
    );
}

#[tokio::test]
async fn a_long_document_history_keeps_its_latest_events_in_order() {
    use portal_domain::ports::ActivityStore;
    use portal_domain::{ActivityEvent, ActivityKind};
    let store = store();
    let doc = invoice("long", "ana", DocumentStatus::Issued, TODAY, TODAY);
    let events: Vec<ActivityEvent> = (0..5)
        .map(|n| ActivityEvent {
            id: format!("e{n}"),
            document_id: doc.id.clone(),
            document_kind: doc.kind,
            document_number: doc.number.clone(),
            contact_id: doc.contact_id.clone(),
            at: NOW + Duration::minutes(n),
            kind: ActivityKind::Commented,
        })
        .collect();
    store.create_document(&doc, &events).await.unwrap();
    let latest = store.document_activity(&doc.id, 3).await.unwrap();
    let ids: Vec<&str> = latest.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e2", "e3", "e4"], "the three latest, oldest of them first");
}

fn product(id: &str, name: &str, category: &str) -> portal_domain::catalog::Product {
    use portal_domain::catalog::{Availability, CategoryId, Localized, Product, ProductId, Sku, Unit};
    Product {
        id: ProductId::parse(id).unwrap(),
        sku: Sku::parse(&id.to_uppercase()).unwrap(),
        name: Localized { es: name.into(), en: None },
        description: Localized::default(),
        unit: Unit::Piece,
        base_price_minor: 100,
        currency: Currency::EUR,
        vat: VatRate::General21,
        image: None,
        availability: Availability::InStock,
        active: true,
        categories: vec![CategoryId::parse(category).unwrap()],
    }
}

#[tokio::test]
async fn the_catalog_pages_by_name_lists_only_active_products_and_follows_edits() {
    use portal_domain::catalog::CategoryId;
    use portal_domain::ports::{CatalogQuery, CatalogSection, CatalogStore};
    let store = store();
    for n in 0..25 {
        let category = if n % 5 == 0 { "luz" } else { "cable" };
        store.save_product(&product(&format!("p{n:02}"), &format!("Artículo {n:02}"), category)).await.unwrap();
    }
    let mut retired = product("p99", "Artículo 99", "luz");
    retired.active = false;
    store.save_product(&retired).await.unwrap();

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let query = CatalogQuery { section: CatalogSection::All, limit: 10, cursor: cursor.clone() };
        let page = store.catalog_page(&query).await.unwrap();
        seen.extend(page.items.iter().map(|p| p.id.to_string()));
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    let expected: Vec<String> = (0..25).map(|n| format!("p{n:02}")).collect();
    assert_eq!(seen, expected, "every active product once, by name, never the inactive one");

    let luz = CatalogSection::Category(CategoryId::parse("luz").unwrap());
    let page = store.catalog_page(&CatalogQuery { section: luz.clone(), limit: 50, cursor: None }).await.unwrap();
    let ids: Vec<String> = page.items.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(ids, ["p00", "p05", "p10", "p15", "p20"]);
    assert_eq!(store.search_catalog(&["articulo".into(), "07".into()], 10).await.unwrap().len(), 1);
    assert!(store.search_catalog(&["articulo".into(), "99".into()], 10).await.unwrap().is_empty(), "inactive");

    // Renamed and moved: the old word and category entries are gone.
    let mut moved = product("p05", "Lámpara colgante", "cable");
    moved.base_price_minor = 250;
    store.save_product(&moved).await.unwrap();
    let page = store.catalog_page(&CatalogQuery { section: luz, limit: 50, cursor: None }).await.unwrap();
    assert!(!page.items.iter().any(|p| p.id.as_str() == "p05"), "left its old category");
    let found = store.search_catalog(&["lampara".into()], 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].base_price_minor, 250, "listings carry the saved product");
    assert!(
        store.search_catalog(&["articulo".into(), "05".into()], 10).await.unwrap().is_empty(),
        "old name words are gone"
    );
    // Retiring a product removes every listing.
    moved.active = false;
    store.save_product(&moved).await.unwrap();
    assert!(store.search_catalog(&["lampara".into()], 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_product_named_in_a_category_twice_is_saved_and_listed_once() {
    use portal_domain::catalog::CategoryId;
    use portal_domain::ports::{CatalogQuery, CatalogSection, CatalogStore};
    let store = store();
    let mut twice = product("p1", "Panel LED", "luz");
    twice.categories.push(CategoryId::parse("luz").unwrap());
    store.save_product(&twice).await.expect("one listing per category");
    let luz = CatalogSection::Category(CategoryId::parse("luz").unwrap());
    let page = store.catalog_page(&CatalogQuery { section: luz, limit: 10, cursor: None }).await.unwrap();
    assert_eq!(page.items.len(), 1);
    store.save_product(&product("p1", "Panel LED", "cable")).await.expect("and saved again");
}
