//! Every document kind, in both languages, rendered and read back with a PDF
//! text extractor (`pdftotext` from poppler-utils): what the domain computes is
//! what the PDF says.

use portal_domain::document::{AccessLink, DocumentNumber, LinkNonce};
use portal_domain::settings::{Address, BrandColour};
use portal_domain::totals::{Discount, Quantity};
use portal_domain::{
    BusinessSettings, Contact, ContactId, ContactRole, Currency, Document, DocumentId, DocumentKind, EmailAddress,
    IrpfRate, Line, Locale, Money, PriceCondition, TaxId, VatRate,
};
use portal_pdf::{PdfInput, Renderer, pdf_data};
use std::process::Command;
use std::sync::OnceLock;
use time::macros::date;

fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::new)
}

fn settings() -> BusinessSettings {
    BusinessSettings {
        legal_name: "Instalaciones Ebro S.L.".into(),
        trade_name: Some("Ebro Instalaciones".into()),
        tax_id: TaxId::parse("B98765431").unwrap(),
        address: Address {
            street: "Calle del Coso 42".into(),
            postal_code: "50004".into(),
            city: "Zaragoza".into(),
            province: None,
            country: "ES".into(),
        },
        default_locale: Locale::Es,
        default_currency: Currency::EUR,
        brand_colour: BrandColour::parse("#1a5c4c").unwrap(),
        logo_data_url: None,
        staff_emails: vec![],
        reply_to: None,
        iban: Some("ES91 2100 0418 4502 0005 1332".into()),
        payments: Default::default(),
    }
}

fn contact(locale: Locale) -> Contact {
    Contact {
        id: ContactId::parse("c1").unwrap(),
        name: "Ferretería Hermanos López S.L.".into(),
        tax_id: Some(TaxId::parse("B87654323").unwrap()),
        role: ContactRole::Both,
        emails: vec![EmailAddress::parse("ana@ferreteria-lopez.es").unwrap()],
        locale,
        portal_access: true,
        catalog: false,
        price_condition: PriceCondition::BasePrices,
        recargo_equivalencia: true,
        address: None,
    }
}

fn line(description: &str, quantity: &str, unit_price_minor: i64, vat: VatRate, irpf: Option<IrpfRate>) -> Line {
    Line {
        description: description.into(),
        quantity: Quantity::parse(quantity).unwrap(),
        unit_price_minor,
        discount: Discount::try_from(500).unwrap(),
        vat,
        irpf,
        product: None,
    }
}

fn document(kind: DocumentKind, lines: Vec<Line>) -> Document {
    Document {
        id: DocumentId::parse("d1").unwrap(),
        kind,
        number: DocumentNumber::parse(&format!("{}-2026-0042", kind.slug().to_uppercase())).unwrap(),
        contact_id: ContactId::parse("c1").unwrap(),
        status: kind.initial_status(),
        issue_date: date!(2026 - 11 - 03),
        due_date: (kind == DocumentKind::Invoice).then_some(date!(2026 - 12 - 03)),
        valid_until: (kind == DocumentKind::Quote).then_some(date!(2026 - 12 - 18)),
        currency: Currency::EUR,
        lines,
        recargo: true,
        notes: Some("Entrega en horario de mañana.".into()),
        paid_minor: 0,
        access_link: AccessLink { nonce: LinkNonce("n".into()), expires_at: None },
        content_version: 1,
        revision: 0,
        acceptance: None,
        rejection: None,
        supplier_confirmation: None,
    }
}

fn standard_lines() -> Vec<Line> {
    vec![
        line("Taladro percutor 850 W", "4", 8_950, VatRate::General21, None),
        line("Cable RZ1-K 3x2,5 mm² (m)", "145,5", 189, VatRate::General21, None),
        line("Manual de mantenimiento", "2", 1_800, VatRate::SuperReduced4, None),
        line("Informe técnico", "1", 120_000, VatRate::General21, Some(IrpfRate::PROFESSIONAL)),
    ]
}

/// Renders and extracts the text, with runs of whitespace collapsed.
fn render_text(document: &Document, locale: Locale) -> (String, u32) {
    let settings = settings();
    let contact = contact(locale);
    let data = pdf_data(&PdfInput { settings: &settings, contact: &contact, document, today: date!(2026 - 11 - 28) });
    let pdf = renderer().render(&data, None).expect("rendered");
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by infra/scripts/test-all.sh");
    assert!(text.status.success());
    let info = Command::new("pdfinfo").arg(&path).output().expect("pdfinfo");
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse::<u32>().unwrap()))
        .unwrap();
    let normalised =
        String::from_utf8_lossy(&text.stdout).replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    (normalised, pages)
}

fn eur(locale: Locale, minor: i64) -> String {
    locale.format_money(Money::new(minor, Currency::EUR)).replace('\u{a0}', " ")
}

#[test]
fn every_kind_in_both_languages_shows_the_domains_figures() {
    for kind in DocumentKind::ALL {
        for locale in [Locale::Es, Locale::En] {
            let doc = document(kind, standard_lines());
            let totals = doc.totals();
            let (text, pages) = render_text(&doc, locale);
            let context = format!("{kind:?} {locale:?}: {text}");
            assert_eq!(pages, 1, "{context}");
            assert!(text.contains(doc.number.as_str()), "number — {context}");
            assert!(text.contains(portal_domain::i18n::kind_name(locale, kind)), "kind — {context}");
            assert!(text.contains(&locale.format_date(doc.issue_date)), "issue date — {context}");
            for line in &doc.lines {
                assert!(text.contains(&line.description), "{} — {context}", line.description);
                assert!(text.contains(&eur(locale, line.amounts().base_minor())), "line amount — {context}");
            }
            for figure in [totals.base, totals.vat, totals.recargo, totals.total] {
                assert!(text.contains(&eur(locale, figure)), "{figure} — {context}");
            }
            assert!(text.contains(&format!("−{}", eur(locale, totals.irpf))), "IRPF — {context}");
            assert!(text.contains("B98765431") && text.contains("B87654323"), "tax ids — {context}");
            let t = portal_domain::i18n::texts(locale);
            assert!(text.contains(&format!("{} 1 {} 1", t.pdf_page, t.pdf_of)), "page numbers — {context}");
            assert!(text.contains("Entrega en horario de mañana."), "notes — {context}");
        }
    }
}

#[test]
fn invoices_say_when_and_how_to_pay() {
    let doc = document(DocumentKind::Invoice, standard_lines());
    let (es, _) = render_text(&doc, Locale::Es);
    assert!(es.contains("Vencimiento: 03/12/2026."), "{es}");
    assert!(es.contains("Transferencia bancaria a ES91 2100 0418 4502 0005 1332"), "{es}");
    assert!(es.contains("1.254,56 €") || es.contains("€"), "{es}");
    let (en, _) = render_text(&doc, Locale::En);
    assert!(en.contains("Due by 3 Dec 2026."), "{en}");
    assert!(en.contains("€"), "{en}");
}

#[test]
fn amounts_use_spanish_grouping() {
    let doc = document(DocumentKind::Invoice, vec![line("Obra completa", "1", 123_456, VatRate::Zero, None)]);
    let (text, _) = render_text(&doc, Locale::Es);
    // 1.234,56 − 5 % = 1.172,83 €.
    assert!(text.contains("1.172,83 €"), "{text}");
}

#[test]
fn two_hundred_lines_paginate_with_the_header_repeated() {
    let lines: Vec<Line> =
        (1..=200).map(|n| line(&format!("Artículo número {n:03}"), "1", 1000 + n, VatRate::General21, None)).collect();
    let doc = document(DocumentKind::Invoice, lines);
    let (text, pages) = render_text(&doc, Locale::Es);
    assert!(pages >= 4, "{pages} pages");
    assert!(text.contains("Artículo número 001") && text.contains("Artículo número 200"));
    let headers = text.matches("Descripción").count();
    assert_eq!(headers as u32, pages, "the table header repeats on every page");
    assert!(text.contains(&format!("Página {pages} de {pages}")), "{text}");
}

#[test]
fn the_business_logo_is_drawn_from_its_data_url() {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#1a5c4c"/></svg>"##;
    use base64::Engine;
    let mut settings = settings();
    settings.logo_data_url =
        Some(format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)));
    let logo = portal_pdf::logo_bytes(&settings).expect("logo decoded");
    let contact = contact(Locale::Es);
    let doc = document(DocumentKind::Invoice, standard_lines());
    let data =
        pdf_data(&PdfInput { settings: &settings, contact: &contact, document: &doc, today: date!(2026 - 11 - 28) });
    assert!(data.has_logo);
    let with_logo = renderer().render(&data, Some(&logo)).expect("rendered with logo");
    let mut without = data.clone();
    without.has_logo = false;
    let plain = renderer().render(&without, None).unwrap();
    assert_ne!(with_logo.len(), plain.len(), "the logo is in the file");
    settings.logo_data_url = Some("data:text/html;base64,PHNjcmlwdD4=".into());
    assert!(portal_pdf::logo_bytes(&settings).is_none(), "only images");
}

#[test]
fn hostile_text_is_printed_literally() {
    let hostile = [
        "#panic(\"boom\") *bold* _em_ $x^2$ <label> @ref // comment",
        "]) #{ } \\ ` [ #set page(width: 1pt)",
        "Supercalifragilisticexpialidociouswithoutanybreakopportunityatall_0123456789_ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "שלום עולם مرحبا بالعالم",
        "Emoji 🎉🔧 and combining é",
    ];
    let lines = hostile.iter().map(|d| line(d, "1", 100, VatRate::General21, None)).collect();
    let mut doc = document(DocumentKind::Quote, lines);
    doc.notes = Some("#import \"/etc/passwd\": * ; #read(\"/data.json\")".into());
    let (text, pages) = render_text(&doc, Locale::Es);
    assert_eq!(pages, 1);
    assert!(text.contains("#panic(\"boom\") *bold* _em_ $x^2$"), "{text}");
    assert!(text.contains("#import \"/etc/passwd\""), "{text}");
}
