//! Portal domain: what a customer portal *is*, independent of AWS and HTTP.
//!
//! Values are parsed once at the edge into types that cannot hold bad values
//! ([`EmailAddress`], [`TaxId`], [`Quantity`], ...). Totals, lifecycles and the
//! access policy are pure functions over those types. The ports at the bottom
//! ([`ports`]) are the narrow traits the adapters implement.

pub mod activity;
pub mod catalog;
pub mod contact;
pub mod document;
pub mod i18n;
pub mod interaction;
pub mod locale;
pub mod money;
pub mod payment;
pub mod policy;
pub mod ports;
pub mod settings;
pub mod staff;
pub mod tax;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod totals;

pub use activity::{ActivityEvent, ActivityKind};
pub use contact::{Contact, ContactId, ContactRole, EmailAddress, PriceCondition};
pub use document::{
    DisplayStatus, Document, DocumentAction, DocumentFilter, DocumentId, DocumentKind, DocumentNumber, DocumentStatus,
    DocumentSummary, Line, LinkNonce, TransitionError,
};
pub use locale::Locale;
pub use money::{Currency, Money};
pub use policy::{Actor, Capability};
pub use settings::{BusinessSettings, TaxId};
pub use tax::{IrpfRate, VatRate};
pub use totals::{Discount, Quantity, Totals};
