//! Realistic demo data for local runs: a Spanish business, its customers and a
//! supplier, and documents of every kind in every state, dated around today.

use portal_domain::contact::ContactId;
use portal_domain::document::DocumentNumber;
use portal_domain::interaction::{Acceptance, Origin, Rejection, SignerName, SupplierConfirmation};
use portal_domain::ports::{StoreError, StoreResult};
use portal_domain::settings::{Address, BrandColour};
use portal_domain::totals::{Discount, Quantity};
use portal_domain::{
    ActivityEvent, ActivityKind, BusinessSettings, Contact, ContactRole, Currency, Document, DocumentId, DocumentKind,
    DocumentStatus, EmailAddress, IrpfRate, Line, Locale, Money, PriceCondition, TaxId, VatRate,
};
use portal_web::AppState;
use time::{Date, Duration, OffsetDateTime, Time};

/// A retailer (recargo de equivalencia) with portal and catalog access, in Spanish.
pub const CUSTOMER_EMAIL: &str = "ana@ferreteria-lopez.es";
/// A customer in English with portal access but no catalog.
pub const ENGLISH_CUSTOMER_EMAIL: &str = "tom@brightline.ie";
/// A supplier with portal access.
pub const SUPPLIER_EMAIL: &str = "compras@suministros-norte.es";
/// A customer without portal access (reached by document links only).
pub const NO_PORTAL_EMAIL: &str = "marta@ruizconsultoria.es";

pub const CUSTOMER_ID: &str = "c-ferreteria-lopez";
pub const ENGLISH_CUSTOMER_ID: &str = "c-brightline";
pub const SUPPLIER_ID: &str = "c-suministros-norte";
pub const NO_PORTAL_ID: &str = "c-ruiz-consultoria";

fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).expect("demo email")
}

fn address(street: &str, postal_code: &str, city: &str, province: &str, country: &str) -> Address {
    Address {
        street: street.into(),
        postal_code: postal_code.into(),
        city: city.into(),
        province: (!province.is_empty()).then(|| province.to_string()),
        country: country.into(),
    }
}

pub fn settings() -> BusinessSettings {
    BusinessSettings {
        legal_name: "Instalaciones Ebro S.L.".into(),
        trade_name: Some("Ebro Instalaciones".into()),
        tax_id: TaxId::parse("B98765431").expect("demo tax id"),
        address: address("Calle del Coso 42, 3º", "50004", "Zaragoza", "Zaragoza", "ES"),
        default_locale: Locale::Es,
        default_currency: Currency::EUR,
        brand_colour: BrandColour::parse("#1a5c4c").expect("demo colour"),
        logo_data_url: None,
        staff_emails: vec![email("oficina@ebro-instalaciones.es")],
        reply_to: Some(email("oficina@ebro-instalaciones.es")),
        iban: Some("ES91 2100 0418 4502 0005 1332".into()),
        payments: portal_domain::payment::PaymentMethods { stripe: true, bank_transfer: true },
    }
}

pub fn contacts() -> Vec<Contact> {
    let contact = |id: &str, name: &str, tax_id: &str, role, emails: &[&str], locale, portal, catalog| Contact {
        id: ContactId::parse(id).expect("demo id"),
        name: String::from(name),
        tax_id: Some(TaxId::parse(tax_id).expect("demo tax id")),
        role,
        emails: emails.iter().map(|e| email(e)).collect(),
        locale,
        portal_access: portal,
        catalog,
        price_condition: PriceCondition::BasePrices,
        recargo_equivalencia: false,
        address: None,
    };
    let mut ferreteria = contact(
        CUSTOMER_ID,
        "Ferretería Hermanos López S.L.",
        "B87654323",
        ContactRole::Customer,
        &[CUSTOMER_EMAIL, "pedidos@ferreteria-lopez.es"],
        Locale::Es,
        true,
        true,
    );
    ferreteria.recargo_equivalencia = true;
    ferreteria.price_condition = PriceCondition::Discount { discount: Discount::try_from(500).expect("5 %") };
    ferreteria.address = Some(address("Avenida de Madrid 118", "50010", "Zaragoza", "Zaragoza", "ES"));
    let mut brightline = contact(
        ENGLISH_CUSTOMER_ID,
        "Brightline Studio Ltd",
        "IE6388047V",
        ContactRole::Customer,
        &[ENGLISH_CUSTOMER_EMAIL],
        Locale::En,
        true,
        false,
    );
    brightline.address = Some(address("12 Grand Canal Quay", "D02 XY45", "Dublin", "", "IE"));
    let mut supplier = contact(
        SUPPLIER_ID,
        "Suministros Industriales Norte S.A.",
        "A58372616",
        ContactRole::Supplier,
        &[SUPPLIER_EMAIL],
        Locale::Es,
        true,
        false,
    );
    supplier.address = Some(address("Polígono Malpica, calle E 7", "50016", "Zaragoza", "Zaragoza", "ES"));
    let mut ruiz = contact(
        NO_PORTAL_ID,
        "Ruiz Consultoría S.L.",
        "B33445560",
        ContactRole::Customer,
        &[NO_PORTAL_EMAIL],
        Locale::Es,
        false,
        false,
    );
    ruiz.address = Some(address("Paseo de la Independencia 8", "50001", "Zaragoza", "Zaragoza", "ES"));
    vec![ferreteria, brightline, supplier, ruiz]
}

fn line(description: &str, quantity: &str, unit_price_minor: i64, discount_bp: u32, vat: VatRate) -> Line {
    Line {
        description: description.into(),
        quantity: Quantity::parse(quantity).expect("demo quantity"),
        unit_price_minor,
        discount: Discount::try_from(discount_bp).expect("demo discount"),
        vat,
        irpf: None,
        product: None,
    }
}

fn tools() -> Vec<Line> {
    vec![
        line("Taladro percutor 850 W", "4", 8_950, 0, VatRate::General21),
        line("Juego de brocas HSS 19 piezas", "10", 1_475, 1_000, VatRate::General21),
        line("Cinta métrica 5 m", "24", 390, 0, VatRate::General21),
        line("Guantes de trabajo (par)", "50", 215, 500, VatRate::General21),
    ]
}

fn installation() -> Vec<Line> {
    vec![
        line("Instalación eléctrica local comercial", "1", 185_000, 0, VatRate::General21),
        line("Horas de oficial electricista", "12,5", 3_200, 0, VatRate::General21),
        line("Cable RZ1-K 3x2,5 mm² (m)", "145,5", 189, 0, VatRate::General21),
        line("Manual de mantenimiento impreso", "2", 1_800, 0, VatRate::SuperReduced4),
    ]
}

fn studio() -> Vec<Line> {
    vec![
        line("Lighting design consultancy (hours)", "16", 7_500, 0, VatRate::Zero),
        line("LED track system, installed", "3", 42_000, 1_000, VatRate::Zero),
    ]
}

fn supplies() -> Vec<Line> {
    vec![
        line("Cuadro eléctrico 24 módulos", "6", 4_820, 0, VatRate::General21),
        line("Interruptor diferencial 40 A 30 mA", "20", 2_390, 0, VatRate::General21),
        line("Tubo corrugado 20 mm (rollo 100 m)", "8", 2_150, 0, VatRate::General21),
    ]
}

fn consultancy() -> Vec<Line> {
    let mut report = line("Informe técnico de eficiencia energética", "1", 120_000, 0, VatRate::General21);
    report.irpf = Some(IrpfRate::PROFESSIONAL);
    let mut visit = line("Visitas de inspección", "3", 9_000, 0, VatRate::General21);
    visit.irpf = Some(IrpfRate::PROFESSIONAL);
    vec![report, visit]
}

/// One demo document, dated relative to today.
struct Spec {
    kind: DocumentKind,
    number: &'static str,
    contact: &'static str,
    status: DocumentStatus,
    issued_days_ago: i64,
    /// Due date (invoices) or valid-until (quotes), relative to today.
    deadline_in_days: Option<i64>,
    lines: fn() -> Vec<Line>,
    /// Fraction of the total already paid, in percent (invoices).
    paid_percent: i64,
    notes: Option<&'static str>,
}

fn specs() -> Vec<Spec> {
    use DocumentKind::*;
    use DocumentStatus::*;
    let s =
        |kind, number, contact, status, issued_days_ago, deadline_in_days, lines: fn() -> Vec<Line>, paid_percent| {
            Spec { kind, number, contact, status, issued_days_ago, deadline_in_days, lines, paid_percent, notes: None }
        };
    let mut specs = vec![
        s(Invoice, "F2026-0101", CUSTOMER_ID, Paid, 75, Some(-45), tools, 100),
        s(Invoice, "F2026-0112", CUSTOMER_ID, Issued, 40, Some(-10), installation, 0),
        s(Invoice, "F2026-0120", CUSTOMER_ID, PartiallyPaid, 20, Some(10), tools, 40),
        s(Invoice, "F2026-0125", CUSTOMER_ID, Issued, 5, Some(25), installation, 0),
        s(Invoice, "F2026-0090", CUSTOMER_ID, Void, 120, Some(-90), tools, 0),
        s(
            CreditNote,
            "R2026-0003",
            CUSTOMER_ID,
            Issued,
            30,
            None,
            || vec![line("Devolución: taladro defectuoso", "-1", 8_950, 0, VatRate::General21)],
            0,
        ),
        s(Quote, "P2026-0040", CUSTOMER_ID, Sent, 3, Some(27), installation, 0),
        s(Quote, "P2026-0035", CUSTOMER_ID, Sent, 40, Some(-10), tools, 0),
        s(Quote, "P2026-0030", CUSTOMER_ID, Accepted, 60, Some(-30), installation, 0),
        s(Quote, "P2026-0028", CUSTOMER_ID, Rejected, 70, Some(-40), tools, 0),
        s(Proforma, "PF2026-0007", CUSTOMER_ID, Issued, 8, None, tools, 0),
        s(SalesOrder, "PED2026-0051", CUSTOMER_ID, Pending, 1, None, tools, 0),
        s(SalesOrder, "PED2026-0048", CUSTOMER_ID, Confirmed, 6, None, tools, 0),
        s(SalesOrder, "PED2026-0044", CUSTOMER_ID, Shipped, 12, None, tools, 0),
        s(SalesOrder, "PED2026-0040", CUSTOMER_ID, Delivered, 25, None, tools, 0),
        s(SalesOrder, "PED2026-0038", CUSTOMER_ID, Cancelled, 35, None, tools, 0),
        s(DeliveryNote, "ALB2026-0044", CUSTOMER_ID, Issued, 11, None, tools, 0),
        s(DeliveryNote, "ALB2026-0040", CUSTOMER_ID, Delivered, 24, None, tools, 0),
        s(Invoice, "F2026-0115", ENGLISH_CUSTOMER_ID, Issued, 33, Some(-3), studio, 0),
        s(Invoice, "F2026-0122", ENGLISH_CUSTOMER_ID, Paid, 15, Some(15), studio, 100),
        s(Quote, "P2026-0042", ENGLISH_CUSTOMER_ID, Sent, 2, Some(28), studio, 0),
        s(SalesOrder, "PED2026-0052", ENGLISH_CUSTOMER_ID, Confirmed, 4, None, studio, 0),
        s(PurchaseOrder, "PC2026-0012", SUPPLIER_ID, Sent, 2, None, supplies, 0),
        s(PurchaseOrder, "PC2026-0010", SUPPLIER_ID, Confirmed, 9, None, supplies, 0),
        s(PurchaseOrder, "PC2026-0008", SUPPLIER_ID, Received, 30, None, supplies, 0),
        s(PurchaseOrder, "PC2026-0006", SUPPLIER_ID, Cancelled, 50, None, supplies, 0),
        s(Invoice, "F2026-0118", NO_PORTAL_ID, Issued, 18, Some(12), consultancy, 0),
    ];
    specs[1].notes =
        Some("Forma de pago: transferencia a ES91 2100 0418 4502 0005 1332 indicando el número de factura.");
    specs[18].notes = Some("Intra-community supply, VAT reverse charge (art. 25 LIVA).");
    specs
}

/// Seeds the demo business, contacts and documents unless the store already
/// has business settings; returns whether it seeded. The catalog is seeded
/// apart ([`seed_catalog`]) so tests that do not use it stay fast on the emulator.
pub async fn seed_if_empty(state: &AppState) -> StoreResult<bool> {
    if state.store.business_settings().await?.is_some() {
        return Ok(false);
    }
    let today = state.clock.today();
    state.store.put_business_settings(&settings()).await?;
    let contacts = contacts();
    for contact in &contacts {
        match state.store.create_contact(contact).await {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    for spec in specs() {
        let contact = contacts.iter().find(|c| c.id.as_str() == spec.contact).expect("demo contact");
        let (document, events) = build(state, &spec, contact, today);
        match state.store.create_document(&document, &events).await {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(true)
}

fn at(date: Date, hour: u8) -> OffsetDateTime {
    date.with_time(Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_utc()
}

fn build(state: &AppState, spec: &Spec, contact: &Contact, today: Date) -> (Document, Vec<ActivityEvent>) {
    let issue_date = today - Duration::days(spec.issued_days_ago);
    let deadline = spec.deadline_in_days.map(|days| today + Duration::days(days));
    let mut document = Document::new(
        DocumentId::parse(&format!("d-{}", spec.number.to_lowercase())).expect("demo document id"),
        spec.kind,
        DocumentNumber::parse(spec.number).expect("demo number"),
        contact.id.clone(),
        issue_date,
        Currency::EUR,
        portal_web::tokens::new_link_nonce(),
    );
    document.status = spec.status;
    document.due_date = if spec.kind == DocumentKind::Invoice { deadline } else { None };
    document.valid_until = if spec.kind == DocumentKind::Quote { deadline } else { None };
    document.lines = (spec.lines)();
    document.recargo = contact.recargo_equivalencia && !spec.kind.is_purchase();
    document.notes = spec.notes.map(str::to_string);
    let total = document.totals().total;
    document.paid_minor = total * spec.paid_percent / 100;
    let (document_id, document_kind, document_number) = (document.id.clone(), document.kind, document.number.clone());
    let event = |kind: ActivityKind, at_time: OffsetDateTime| ActivityEvent {
        id: state.ids.new_id(),
        document_id: document_id.clone(),
        document_kind,
        document_number: document_number.clone(),
        contact_id: contact.id.clone(),
        at: at_time,
        kind,
    };
    let mut events = vec![event(ActivityKind::Issued, at(issue_date, 9))];
    let later = at(issue_date + Duration::days((spec.issued_days_ago / 2).max(0)), 11);
    match spec.status {
        DocumentStatus::Paid | DocumentStatus::PartiallyPaid => {
            events.push(event(
                ActivityKind::PaymentReceived { amount: Money::new(document.paid_minor, document.currency) },
                later,
            ));
        }
        DocumentStatus::Accepted => {
            let signer = SignerName::parse("Ana López Martín").expect("demo signer");
            events.push(event(ActivityKind::Accepted { signer: signer.as_str().into() }, later));
            document.acceptance = Some(Acceptance {
                signer,
                at: later,
                ip: "192.0.2.10".into(),
                user_agent: "Mozilla/5.0 (demo)".into(),
                content_version: document.content_version,
                origin: Origin::Portal,
            });
        }
        DocumentStatus::Rejected => {
            events.push(event(ActivityKind::Rejected, later));
            document.rejection =
                Some(Rejection { reason: Some("Hemos elegido otra oferta.".into()), at: later, origin: Origin::Link });
        }
        DocumentStatus::Confirmed if document.kind == DocumentKind::PurchaseOrder => {
            events.push(event(ActivityKind::Confirmed, later));
            document.supplier_confirmation = Some(SupplierConfirmation {
                delivery_date: Some(today + Duration::days(5)),
                note: Some("Entregamos en dos bultos.".into()),
                at: later,
                origin: Origin::Portal,
            });
        }
        DocumentStatus::Issued | DocumentStatus::Sent | DocumentStatus::Pending => {}
        other => events.push(event(ActivityKind::StatusChanged { to: other }, later)),
    }
    (document, events)
}

/// The price list of installers (used by contacts whose condition names it).
pub const INSTALLERS_PRICE_LIST: &str = "instaladores";

/// The demo catalog: categories, products in every availability (one no
/// longer sold), images for some, and the installers' price list.
pub async fn seed_catalog(state: &AppState) -> StoreResult<()> {
    use portal_domain::catalog::{
        Availability, Category, CategoryId, Localized, PriceList, Product, ProductId, Sku, Unit,
    };
    let category = |id: &str, es: &str, en: &str| Category {
        id: CategoryId::parse(id).expect("demo category"),
        name: Localized::new(es, en),
    };
    state
        .store
        .save_categories(&[
            category("herramientas", "Herramientas", "Tools"),
            category("electricidad", "Material eléctrico", "Electrical supplies"),
            category("iluminacion", "Iluminación", "Lighting"),
        ])
        .await?;
    type ProductSpec =
        (&'static str, &'static str, &'static str, &'static str, Unit, i64, VatRate, Availability, &'static str);
    let products: [ProductSpec; 10] = [
        (
            "tal-850",
            "TAL-850",
            "Taladro percutor 850 W",
            "Hammer drill 850 W",
            Unit::Piece,
            8_950,
            VatRate::General21,
            Availability::InStock,
            "herramientas",
        ),
        (
            "ato-18v",
            "ATO-18V",
            "Atornillador de batería 18 V",
            "Cordless screwdriver 18 V",
            Unit::Piece,
            12_900,
            VatRate::General21,
            Availability::OnRequest,
            "herramientas",
        ),
        (
            "jue-llaves",
            "JUE-LL12",
            "Juego de llaves combinadas (12 piezas)",
            "Combination spanner set (12 pieces)",
            Unit::Box,
            3_475,
            VatRate::General21,
            Availability::InStock,
            "herramientas",
        ),
        (
            "cab-rz1-25",
            "CAB-RZ1-25",
            "Cable RZ1-K 3x2,5 mm²",
            "RZ1-K cable 3x2.5 mm²",
            Unit::Metre,
            189,
            VatRate::General21,
            Availability::InStock,
            "electricidad",
        ),
        (
            "mag-2p16",
            "MAG-2P16",
            "Interruptor magnetotérmico 2P 16 A",
            "Circuit breaker 2P 16 A",
            Unit::Piece,
            1_125,
            VatRate::General21,
            Availability::InStock,
            "electricidad",
        ),
        (
            "dif-2p40",
            "DIF-2P40",
            "Interruptor diferencial 2P 40 A 30 mA",
            "Residual current device 2P 40 A 30 mA",
            Unit::Piece,
            3_890,
            VatRate::General21,
            Availability::Unavailable,
            "electricidad",
        ),
        (
            "bas-schuko",
            "BAS-SCH",
            "Base de enchufe Schuko empotrable",
            "Flush Schuko socket",
            Unit::Piece,
            265,
            VatRate::General21,
            Availability::InStock,
            "electricidad",
        ),
        (
            "led-1500",
            "LED-1500",
            "Luminaria LED estanca 1500 mm 50 W",
            "Waterproof LED batten 1500 mm 50 W",
            Unit::Piece,
            3_150,
            VatRate::General21,
            Availability::InStock,
            "iluminacion",
        ),
        (
            "led-panel",
            "LED-PAN60",
            "Panel LED 60x60 40 W",
            "LED panel 60x60 40 W",
            Unit::Piece,
            2_490,
            VatRate::General21,
            Availability::InStock,
            "iluminacion",
        ),
        (
            "hal-antiguo",
            "HAL-500",
            "Foco halógeno 500 W",
            "Halogen floodlight 500 W",
            Unit::Piece,
            1_500,
            VatRate::General21,
            Availability::InStock,
            "iluminacion",
        ),
    ];
    let with_images = ["tal-850", "led-1500", "led-panel"];
    for (id, sku, es, en, unit, price, vat, availability, category) in products {
        let image = if with_images.contains(&id) {
            let key = format!("catalog/images/{id}.svg");
            let blob = portal_domain::ports::Blob {
                content_type: "image/svg+xml".into(),
                bytes: product_image(sku).into_bytes(),
            };
            state.blobs.put(&key, &blob).await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
            Some(key)
        } else {
            None
        };
        let product = Product {
            id: ProductId::parse(id).expect("demo product"),
            sku: Sku::parse(sku).expect("demo sku"),
            name: Localized::new(es, en),
            description: Localized::default(),
            unit,
            base_price_minor: price,
            currency: Currency::EUR,
            vat,
            image,
            availability,
            // Halogen floodlights are no longer sold: only old orders show them.
            active: id != "hal-antiguo",
            categories: vec![CategoryId::parse(category).expect("demo category")],
        };
        state.store.save_product(&product).await?;
    }
    let prices = [("tal-850", 7_900), ("led-1500", 2_750), ("cab-rz1-25", 160)]
        .into_iter()
        .map(|(id, price)| (ProductId::parse(id).expect("demo product"), price))
        .collect();
    state.store.save_price_list(&PriceList { name: INSTALLERS_PRICE_LIST.into(), prices }).await?;
    // Orders placed from the catalog continue after the demo's own sales orders.
    let last = specs()
        .iter()
        .filter(|spec| spec.kind == DocumentKind::SalesOrder)
        .filter_map(|spec| spec.number.strip_prefix("PED2026-")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    state.store.reserve_order_numbers(2026, last).await
}

/// A small square picture with the SKU on it (the demo has no photographs).
fn product_image(sku: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"96\" viewBox=\"0 0 96 96\">\
         <rect width=\"96\" height=\"96\" rx=\"8\" fill=\"#1a5c4c\"/>\
         <text x=\"48\" y=\"54\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#fff\" text-anchor=\"middle\">{sku}</text></svg>"
    )
}
