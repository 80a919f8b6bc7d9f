//! What every write is stamped with: the time, fresh ids, and the activity
//! events and notifications it owes.

use portal_domain::interaction::{Comment, Notification, NotificationId, NotificationKind};
use portal_domain::ports::{Clock, IdGenerator};
use portal_domain::{ActivityEvent, ActivityKind, BusinessSettings, Contact, Document, EmailAddress, Locale};
use time::{Date, OffsetDateTime};

/// The clock and the id generator a use case stamps its records with.
#[derive(Clone, Copy)]
pub struct Stamps<'a> {
    pub clock: &'a dyn Clock,
    pub ids: &'a dyn IdGenerator,
}

impl<'a> Stamps<'a> {
    pub fn new(clock: &'a dyn Clock, ids: &'a dyn IdGenerator) -> Self {
        Stamps { clock, ids }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn today(&self) -> Date {
        self.clock.today()
    }

    pub fn new_id(&self) -> String {
        self.ids.new_id()
    }

    /// An activity event on `document` now.
    pub fn event(&self, document: &Document, kind: ActivityKind) -> ActivityEvent {
        ActivityEvent {
            id: self.ids.new_id(),
            document_id: document.id.clone(),
            document_kind: document.kind,
            document_number: document.number.clone(),
            contact_id: document.contact_id.clone(),
            at: self.clock.now(),
            kind,
        }
    }

    fn notification(
        &self,
        kind: NotificationKind,
        document: &Document,
        to: &EmailAddress,
        locale: Locale,
        comment: Option<&Comment>,
    ) -> Option<Notification> {
        Some(Notification {
            id: NotificationId::parse(&self.ids.new_id()).ok()?,
            kind,
            document_id: document.id.clone(),
            to: to.clone(),
            locale,
            comment: comment.cloned(),
            created_at: self.clock.now(),
        })
    }

    /// One notification per staff address, in the business's language.
    pub fn to_staff(
        &self,
        settings: &BusinessSettings,
        kind: NotificationKind,
        document: &Document,
        comment: Option<&Comment>,
    ) -> Vec<Notification> {
        settings
            .staff_emails
            .iter()
            .filter_map(|to| self.notification(kind, document, to, settings.default_locale, comment))
            .collect()
    }

    /// A notification to the contact's first address, in their language.
    pub fn to_contact(
        &self,
        contact: &Contact,
        kind: NotificationKind,
        document: &Document,
        comment: Option<&Comment>,
    ) -> Vec<Notification> {
        contact
            .primary_email()
            .and_then(|to| self.notification(kind, document, to, contact.locale, comment))
            .into_iter()
            .collect()
    }

    /// The notifications of `kinds`, each to staff or to the contact as its kind says.
    pub fn owed(
        &self,
        kinds: &[NotificationKind],
        settings: &BusinessSettings,
        contact: &Contact,
        document: &Document,
        comment: Option<&Comment>,
    ) -> Vec<Notification> {
        kinds
            .iter()
            .flat_map(|&kind| {
                if kind.to_staff() {
                    self.to_staff(settings, kind, document, comment)
                } else {
                    self.to_contact(contact, kind, document, comment)
                }
            })
            .collect()
    }
}
