//! The portal's use cases: every workflow written once, over the narrow ports
//! of `portal-domain`, with no AWS and no HTTP.
//!
//! A function crate parses its request into the types a use case takes, calls
//! it, and maps its typed error to an answer. The rules every write follows
//! live here once:
//!
//! - a document is changed only through [`portal_domain::ports::DocumentUpdate`],
//!   which moves the revision (the optimistic lock) on every write and the
//!   content version only when what the document shows changed;
//! - a lost race is decided again on a fresh read by [`write::change_document`]
//!   (or, for payments, [`payments::record_payment`]), never written blind;
//! - events and notifications are stamped by [`Stamps`], and written in the
//!   same atomic change as what caused them.

pub mod answers;
pub mod keys;
pub mod limits;
pub mod login;
pub mod orders;
pub mod payments;
pub mod staff_documents;
pub mod stamps;
pub mod write;

pub use stamps::Stamps;
pub use write::WriteError;
