//! The use cases against the embedded store: what each writes, once, and
//! how a lost race is decided again on what is stored.

use async_trait::async_trait;
use portal_adapters::TableStore;
use portal_adapters::file_table::FileTable;
use portal_adapters::system::{FixedClock, RandomIds};
use portal_app::answers::{self, AnswerError, OnDocument, QuoteAnswer};
use portal_app::payments::{self, Settlement, TransferError, TransferReceived};
use portal_app::staff_documents::{self, DocumentContent, LinkEdit, TransitionRefused};
use portal_app::{Stamps, WriteError};
use portal_domain::interaction::{Origin, SignerName};
use portal_domain::payment::{Checkout, Gateway, PaymentReference};
use portal_domain::ports::{
    ActivityStore, ContactStore, DocumentChange, DocumentListQuery, DocumentStore, DocumentUpdate, Page, PaymentStore,
    SettingsStore, StoreResult,
};
use portal_domain::{
    ActivityEvent, Actor, ContactId, Document, DocumentId, DocumentKind, DocumentStatus, DocumentSummary, LinkNonce,
    Money, testkit,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use time::macros::datetime;

struct World {
    store: TableStore,
    clock: FixedClock,
    ids: RandomIds,
}

impl World {
    async fn new() -> World {
        let store = TableStore::new(Arc::new(FileTable::in_memory()));
        store.put_business_settings(&testkit::settings()).await.unwrap();
        store.create_contact(&testkit::contact("c1")).await.unwrap();
        World { store, clock: FixedClock::new(datetime!(2026-11-20 10:00 UTC)), ids: RandomIds }
    }

    fn stamps(&self) -> Stamps<'_> {
        Stamps::new(&self.clock, &self.ids)
    }

    async fn issue(&self, id: &str, kind: DocumentKind) -> Document {
        let document = testkit::document(id, kind, "c1");
        self.store.create_document(&document, &[]).await.unwrap();
        self.read(id).await
    }

    async fn read(&self, id: &str) -> Document {
        self.store.document(&DocumentId::parse(id).unwrap()).await.unwrap().unwrap()
    }
}

fn contact_actor() -> Actor {
    Actor::Contact { id: ContactId::parse("c1").unwrap(), role: portal_domain::ContactRole::Both }
}

async fn answer(world: &World, shown: Document, answer: QuoteAnswer) -> Result<Document, AnswerError> {
    let (settings, contact) = (testkit::settings(), testkit::contact("c1"));
    let seen_version = Some(shown.content_version);
    let on = OnDocument {
        document: shown,
        actor: contact_actor(),
        origin: Origin::Portal,
        contact: &contact,
        settings: &settings,
        seen_version,
    };
    answers::answer_quote(&world.store, world.stamps(), on, answer).await
}

fn accept() -> QuoteAnswer {
    QuoteAnswer::Accept {
        signer: SignerName::parse("Ana López").unwrap(),
        ip: "192.0.2.1".into(),
        user_agent: "t".into(),
    }
}

#[tokio::test]
async fn a_quote_opened_before_its_link_was_rotated_is_still_accepted_and_the_rotation_stands() {
    let world = World::new().await;
    let shown = world.issue("q1", DocumentKind::Quote).await;
    let rotated =
        staff_documents::edit_link(&world.store, world.stamps(), &shown.id, LinkEdit::Rotate(LinkNonce("n2".into())))
            .await
            .unwrap();
    assert_eq!(rotated.content_version, shown.content_version, "a new link shows nothing new (same PDF, same answers)");
    assert_eq!(rotated.revision, shown.revision + 1);

    // The page was read before the rotation: its revision is stale, its content is not.
    let accepted = answer(&world, shown.clone(), accept()).await.expect("accepted");
    assert_eq!(accepted.status, DocumentStatus::Accepted);
    let stored = world.read("q1").await;
    assert_eq!(stored.status, DocumentStatus::Accepted);
    assert_eq!(stored.acceptance.as_ref().unwrap().content_version, shown.content_version, "what was accepted");
    assert_eq!(stored.content_version, shown.content_version + 1);
    assert_eq!(stored.access_link.nonce, LinkNonce("n2".into()), "the rotation was not written over");
    assert_eq!(stored.revision, 3);
}

#[tokio::test]
async fn an_answer_to_content_that_changed_is_refused_and_changes_nothing() {
    let world = World::new().await;
    let shown = world.issue("q1", DocumentKind::Quote).await;
    let mut content = content_of(&shown);
    content.lines[0].unit_price_minor += 5_000;
    staff_documents::update_document(&world.store, world.stamps(), &shown.id, shown.content_version, content)
        .await
        .unwrap();
    let refused = answer(&world, shown, accept()).await;
    assert!(matches!(refused, Err(AnswerError::DocumentChanged)), "{refused:?}");
    let stored = world.read("q1").await;
    assert_eq!((stored.status, stored.acceptance), (DocumentStatus::Sent, None));
}

#[tokio::test]
async fn two_answers_at_once_record_one() {
    let world = World::new().await;
    let shown = world.issue("q1", DocumentKind::Quote).await;
    let (a, b) = tokio::join!(
        answer(&world, shown.clone(), accept()),
        answer(&world, shown.clone(), QuoteAnswer::Reject { reason: None })
    );
    let outcomes = [a.is_ok(), b.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(matches!(loser, Err(AnswerError::AlreadyAnswered)), "{loser:?}");
    let history = world.store.document_activity(&shown.id, 10).await.unwrap();
    assert_eq!(history.len(), 1, "one event for one answer");
}

fn content_of(document: &Document) -> DocumentContent {
    DocumentContent {
        number: document.number.clone(),
        issue_date: document.issue_date,
        due_date: document.due_date,
        valid_until: document.valid_until,
        lines: document.lines.clone(),
        recargo: Some(document.recargo),
        notes: document.notes.clone(),
    }
}

/// A document store where someone else writes the document just before
/// each of the first `interfere` changes: the use case loses those races.
struct Contended {
    inner: TableStore,
    interfere: usize,
    done: AtomicUsize,
    /// What the other writer changes (the n-th interference).
    change: fn(&mut Document, usize),
}

/// Another writer sets the link's expiry (a change no contact sees).
fn set_expiry(document: &mut Document, n: usize) {
    document.access_link.expires_at = Some(datetime!(2027-01-01 00:00 UTC) + time::Duration::days(n as i64));
}

/// Another writer rotates the link.
fn rotate_link(document: &mut Document, n: usize) {
    document.access_link.nonce = LinkNonce(format!("rotated-{n}"));
}

#[async_trait]
impl DocumentStore for Contended {
    async fn document(&self, id: &DocumentId) -> StoreResult<Option<Document>> {
        self.inner.document(id).await
    }
    async fn create_document(&self, document: &Document, events: &[ActivityEvent]) -> StoreResult<()> {
        self.inner.create_document(document, events).await
    }
    async fn list_documents(&self, query: &DocumentListQuery) -> StoreResult<Page<DocumentSummary>> {
        self.inner.list_documents(query).await
    }
    async fn open_documents(
        &self,
        contact: &ContactId,
        kind: DocumentKind,
        limit: u32,
    ) -> StoreResult<Vec<DocumentSummary>> {
        self.inner.open_documents(contact, kind, limit).await
    }
    async fn apply_change(&self, change: &DocumentChange) -> StoreResult<()> {
        let n = self.done.fetch_add(1, Ordering::SeqCst);
        if n < self.interfere {
            let stored = self.inner.document(&change.document().id).await?.expect("stored");
            let update = DocumentUpdate::edit(&stored, |d| (self.change)(d, n));
            self.inner.apply_change(&DocumentChange { update, events: vec![], notifications: vec![] }).await?;
        }
        self.inner.apply_change(change).await
    }
}

#[tokio::test]
async fn a_staff_change_that_loses_a_race_is_decided_again_on_what_is_stored() {
    let world = World::new().await;
    world.issue("i1", DocumentKind::Invoice).await;
    let contended =
        Contended { inner: world.store.clone(), interfere: 2, done: AtomicUsize::new(0), change: set_expiry };
    let voided = staff_documents::void_or_cancel(&contended, world.stamps(), &DocumentId::parse("i1").unwrap())
        .await
        .expect("voided on the third try");
    assert_eq!(voided.status, DocumentStatus::Void);
    let stored = world.read("i1").await;
    assert_eq!(stored.status, DocumentStatus::Void);
    assert_eq!(stored.access_link.expires_at, Some(datetime!(2027-01-02 00:00 UTC)), "the other writes stand");
    assert_eq!(stored.revision, 4, "created, two link changes, the void");

    let always =
        Contended { inner: world.store.clone(), interfere: usize::MAX, done: AtomicUsize::new(0), change: set_expiry };
    world.issue("i2", DocumentKind::Invoice).await;
    let gave_up = staff_documents::void_or_cancel(&always, world.stamps(), &DocumentId::parse("i2").unwrap()).await;
    assert!(matches!(gave_up, Err(TransitionRefused::Write(WriteError::KeptChanging(_)))), "{gave_up:?}");
    assert_eq!(world.read("i2").await.status, DocumentStatus::Issued);
}

fn transfer(amount_minor: i64, reference: &str) -> TransferReceived {
    TransferReceived { amount_minor, reference: PaymentReference::parse(reference).unwrap(), received_at: None }
}

#[tokio::test]
async fn a_transfer_is_recorded_once_however_often_or_concurrently_it_is_sent() {
    let world = World::new().await;
    let invoice = world.issue("i1", DocumentKind::Invoice).await;
    let (a, b) = tokio::join!(
        payments::record_transfer(&world.store, world.stamps(), &invoice.id, transfer(5_000, "TRF-1")),
        payments::record_transfer(&world.store, world.stamps(), &invoice.id, transfer(5_000, "TRF-1")),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!([a.recorded_now, b.recorded_now].iter().filter(|now| **now).count(), 1);
    let again = payments::record_transfer(&world.store, world.stamps(), &invoice.id, transfer(5_000, "TRF-1")).await;
    assert!(!again.unwrap().recorded_now);
    assert_eq!(world.store.payments(&invoice.id).await.unwrap().len(), 1);
    let stored = world.read("i1").await;
    assert_eq!((stored.paid_minor, stored.status), (5_000, DocumentStatus::PartiallyPaid));

    let too_much = payments::record_transfer(&world.store, world.stamps(), &invoice.id, transfer(7_101, "TRF-2")).await;
    assert!(matches!(too_much, Err(TransferError::MoreThanDue { due: 7_100 })), "{too_much:?}");
    let rest = payments::record_transfer(&world.store, world.stamps(), &invoice.id, transfer(7_100, "TRF-3")).await;
    assert!(rest.unwrap().recorded_now);
    assert_eq!(world.read("i1").await.status, DocumentStatus::Paid);
}

#[tokio::test]
async fn a_checkout_is_settled_once_and_one_that_cannot_apply_goes_to_staff() {
    let world = World::new().await;
    let invoice = world.issue("i1", DocumentKind::Invoice).await;
    let session = PaymentReference::parse("cs_1").unwrap();
    let amount = Money::new(12_100, testkit::eur());
    let settle = || payments::settle_checkout(&world.store, world.stamps(), Gateway::Stripe, &session, amount);
    assert_eq!(settle().await.unwrap(), Settlement::UnknownCheckout, "a session the portal never opened");
    let checkout = Checkout {
        session: session.clone(),
        invoice: invoice.id.clone(),
        gateway: Gateway::Stripe,
        amount,
        created_at: world.clock_now(),
    };
    world.store.save_checkout(&checkout).await.unwrap();
    assert_eq!(settle().await.unwrap(), Settlement::Recorded);
    assert_eq!(settle().await.unwrap(), Settlement::AlreadyRecorded);
    assert_eq!(world.read("i1").await.status, DocumentStatus::Paid);

    // A second session for the now paid invoice cannot apply: history and staff only.
    let late = PaymentReference::parse("cs_2").unwrap();
    world.store.save_checkout(&Checkout { session: late.clone(), ..checkout }).await.unwrap();
    let refused = payments::settle_checkout(&world.store, world.stamps(), Gateway::Stripe, &late, amount).await;
    assert_eq!(refused.unwrap(), Settlement::RefusedForStaff);
    let stored = world.read("i1").await;
    assert_eq!(stored.paid_minor, 12_100, "nothing counted twice");
    assert_eq!(world.store.payments(&invoice.id).await.unwrap().len(), 1);
}

impl World {
    fn clock_now(&self) -> time::OffsetDateTime {
        portal_domain::ports::Clock::now(&self.clock)
    }
}

#[tokio::test]
async fn a_link_rotated_while_a_link_holder_answers_refuses_the_answer_but_not_the_contacts() {
    let world = World::new().await;
    let shown = world.issue("q1", DocumentKind::Quote).await;
    let (settings, contact) = (testkit::settings(), testkit::contact("c1"));
    let rotating =
        Contended { inner: world.store.clone(), interfere: 1, done: AtomicUsize::new(0), change: rotate_link };
    let holder = OnDocument {
        document: shown.clone(),
        actor: Actor::LinkHolder { document: shown.id.clone() },
        origin: Origin::Link,
        contact: &contact,
        settings: &settings,
        seen_version: Some(shown.content_version),
    };
    let refused = answers::answer_quote(&rotating, world.stamps(), holder, accept()).await;
    assert!(matches!(refused, Err(AnswerError::NotPermitted)), "{refused:?}");
    assert_eq!(world.read("q1").await.status, DocumentStatus::Sent);

    let rotating =
        Contended { inner: world.store.clone(), interfere: 1, done: AtomicUsize::new(0), change: rotate_link };
    let contact_answer = OnDocument {
        document: world.read("q1").await,
        actor: contact_actor(),
        origin: Origin::Portal,
        contact: &contact,
        settings: &settings,
        seen_version: Some(shown.content_version),
    };
    let accepted = answers::answer_quote(&rotating, world.stamps(), contact_answer, accept()).await;
    assert_eq!(accepted.expect("a logged-in contact does not use the link").status, DocumentStatus::Accepted);
}

#[tokio::test]
async fn sending_a_documents_content_again_writes_nothing() {
    let world = World::new().await;
    let stored = world.issue("q1", DocumentKind::Quote).await;
    let same = staff_documents::update_document(
        &world.store,
        world.stamps(),
        &stored.id,
        stored.content_version,
        content_of(&stored),
    )
    .await
    .unwrap();
    assert_eq!((same.content_version, same.revision), (stored.content_version, stored.revision));
    assert!(world.store.document_activity(&stored.id, 10).await.unwrap().is_empty(), "no Updated event");
}
