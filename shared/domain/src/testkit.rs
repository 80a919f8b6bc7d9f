//! Valid values to build tests from: a business, a contact, and documents of
//! any kind, each a function so a test changes only what it is about.

use crate::contact::{ContactRole, PriceCondition};
use crate::document::LinkNonce;
use crate::settings::{Address, BrandColour};
use crate::{
    BusinessSettings, Contact, ContactId, Currency, Document, DocumentId, DocumentKind, DocumentNumber, EmailAddress,
    Line, Locale, Quantity, TaxId, VatRate,
};
use time::macros::date;

/// The business: Spanish, in euros, one staff address.
pub fn settings() -> BusinessSettings {
    BusinessSettings {
        legal_name: "Ebro Instalaciones S.L.".into(),
        trade_name: Some("Ebro Instalaciones".into()),
        tax_id: TaxId::parse("B12345674").expect("valid tax id"),
        address: Address {
            street: "Calle Mayor 1".into(),
            postal_code: "50001".into(),
            city: "Zaragoza".into(),
            province: Some("Zaragoza".into()),
            country: "ES".into(),
        },
        default_locale: Locale::Es,
        default_currency: eur(),
        brand_colour: BrandColour::parse("#1f6feb").expect("valid colour"),
        logo_data_url: None,
        staff_emails: vec![email("oficina@ebro.example")],
        reply_to: None,
        iban: None,
        payments: Default::default(),
    }
}

pub fn eur() -> Currency {
    Currency::parse("EUR").expect("EUR")
}

pub fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).expect("valid email")
}

/// A customer with portal access, named `id`, writing from `{id}@cliente.example`.
pub fn contact(id: &str) -> Contact {
    Contact {
        id: ContactId::parse(id).expect("valid contact id"),
        name: format!("Cliente {id}"),
        tax_id: None,
        role: ContactRole::Both,
        emails: vec![email(&format!("{id}@cliente.example"))],
        locale: Locale::Es,
        portal_access: true,
        catalog: false,
        price_condition: PriceCondition::default(),
        recargo_equivalencia: false,
        address: None,
    }
}

/// A line of `units` at `unit_price_minor` with 21 % IVA.
pub fn line(units: i64, unit_price_minor: i64) -> Line {
    Line {
        description: "Servicio".into(),
        quantity: Quantity::units(units),
        unit_price_minor,
        discount: Default::default(),
        vat: VatRate::General21,
        irpf: None,
        product: None,
    }
}

/// A new document of `kind` for `contact`, in its first status, with one
/// 100.00 € line (121.00 € with IVA), never stored yet.
pub fn document(id: &str, kind: DocumentKind, contact: &str) -> Document {
    let mut document = Document::new(
        DocumentId::parse(id).expect("valid document id"),
        kind,
        DocumentNumber::parse(&format!("N-{id}")).expect("valid number"),
        ContactId::parse(contact).expect("valid contact id"),
        date!(2026 - 11 - 02),
        eur(),
        LinkNonce(format!("nonce-{id}")),
    );
    document.lines = vec![line(1, 10_000)];
    document
}
