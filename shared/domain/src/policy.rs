//! Access policy, in one place: who may see which document and do what with it.

use crate::contact::{ContactId, ContactRole};
use crate::document::{Document, DocumentId, DocumentKind};

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A contact logged in to the portal.
    Contact { id: ContactId, role: ContactRole },
    /// Someone holding one document's access link: that document and nothing else.
    LinkHolder { document: DocumentId },
    /// The business's staff.
    Staff,
}

/// What the actor wants to do with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Preview, download the PDF, print, read the history.
    View,
    /// Write in the document's comment thread.
    Comment,
    /// Accept or reject (quotes).
    Respond,
    /// Pay online (invoices).
    Pay,
    /// Confirm an order sent to them (purchase orders, suppliers).
    ConfirmOrder,
}

impl Actor {
    /// The actor may see this document at all.
    pub fn may_see(&self, document: &Document) -> bool {
        match self {
            Actor::Contact { id, role } => document.contact_id == *id && role.sees(document.kind),
            Actor::LinkHolder { document: linked } => document.id == *linked,
            Actor::Staff => true,
        }
    }

    /// The actor may do `capability` with this document. Whether the document's
    /// *state* allows it is the lifecycle's call (`Document::transition`).
    pub fn may(&self, capability: Capability, document: &Document) -> bool {
        if !self.may_see(document) {
            return false;
        }
        match capability {
            Capability::View | Capability::Comment => true,
            Capability::Respond => document.kind == DocumentKind::Quote && !matches!(self, Actor::Staff),
            Capability::Pay => document.kind == DocumentKind::Invoice && !matches!(self, Actor::Staff),
            Capability::ConfirmOrder => document.kind == DocumentKind::PurchaseOrder && !matches!(self, Actor::Staff),
        }
    }

    /// The actor may list documents of `kind` (link holders never list anything).
    pub fn may_list(&self, kind: DocumentKind) -> bool {
        match self {
            Actor::Contact { role, .. } => role.sees(kind),
            Actor::LinkHolder { .. } => false,
            Actor::Staff => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentStatus;

    fn doc(id: &str, contact: &str, kind: DocumentKind) -> Document {
        crate::testkit::document(id, kind, contact)
    }

    fn contact(id: &str, role: ContactRole) -> Actor {
        Actor::Contact { id: ContactId::parse(id).unwrap(), role }
    }

    #[test]
    fn contacts_see_only_their_own_documents() {
        let invoice = doc("d1", "ana", DocumentKind::Invoice);
        assert!(contact("ana", ContactRole::Customer).may_see(&invoice));
        assert!(!contact("bob", ContactRole::Customer).may_see(&invoice));
        assert!(!contact("bob", ContactRole::Both).may(Capability::Comment, &invoice));
    }

    #[test]
    fn roles_limit_the_kinds_a_contact_sees_even_when_assigned() {
        let po = doc("d2", "ana", DocumentKind::PurchaseOrder);
        assert!(!contact("ana", ContactRole::Customer).may_see(&po));
        assert!(contact("ana", ContactRole::Supplier).may(Capability::ConfirmOrder, &po));
        let invoice = doc("d3", "ana", DocumentKind::Invoice);
        assert!(!contact("ana", ContactRole::Supplier).may_see(&invoice));
    }

    #[test]
    fn a_link_opens_its_document_only_and_no_list() {
        let quote = doc("q1", "ana", DocumentKind::Quote);
        let other = doc("q2", "ana", DocumentKind::Quote);
        let holder = Actor::LinkHolder { document: quote.id.clone() };
        assert!(holder.may(Capability::Respond, &quote));
        assert!(!holder.may_see(&other));
        assert!(DocumentKind::ALL.iter().all(|k| !holder.may_list(*k)));
    }

    #[test]
    fn capabilities_follow_the_kind() {
        let ana = contact("ana", ContactRole::Both);
        let invoice = doc("d1", "ana", DocumentKind::Invoice);
        let quote = doc("d2", "ana", DocumentKind::Quote);
        assert!(ana.may(Capability::Pay, &invoice) && !ana.may(Capability::Pay, &quote));
        assert!(ana.may(Capability::Respond, &quote) && !ana.may(Capability::Respond, &invoice));
        assert!(!Actor::Staff.may(Capability::Respond, &quote));
        assert!(Actor::Staff.may_see(&quote));
        assert_eq!(quote.status, DocumentStatus::Sent);
    }
}
