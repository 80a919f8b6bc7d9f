//! What the template is given: every value already formatted for the contact's
//! language, as plain strings (the template only lays them out).

use portal_domain::i18n::{self, texts};
use portal_domain::tax::format_percent;
use portal_domain::{BusinessSettings, Contact, Document, DocumentKind, Locale, Money};
use serde::Serialize;
use time::Date;

/// Everything a document PDF shows.
pub struct PdfInput<'a> {
    pub settings: &'a BusinessSettings,
    pub contact: &'a Contact,
    pub document: &'a Document,
    /// Decides the shown status (overdue, expired).
    pub today: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub heading: String,
    pub name: String,
    pub tax_id: Option<String>,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PdfLine {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub discount: String,
    pub taxes: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub label: String,
    pub value: String,
    pub strong: bool,
}

/// The template's input; serialised to `/data.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PdfData {
    pub lang: &'static str,
    pub title: String,
    pub kind: String,
    pub number: String,
    pub status: String,
    pub brand: String,
    pub has_logo: bool,
    pub business_name: String,
    pub business_legal: String,
    pub tax_id_label: String,
    pub business_tax_id: String,
    pub issuer: Party,
    pub recipient: Party,
    pub facts: Vec<Row>,
    pub columns: Vec<String>,
    pub lines: Vec<PdfLine>,
    pub taxes_heading: String,
    pub tax_columns: Vec<String>,
    pub tax_rows: Vec<Vec<String>>,
    pub totals: Vec<Row>,
    pub payment_heading: String,
    pub payment: Vec<String>,
    pub notes_heading: String,
    pub notes: Option<String>,
    /// Who accepted (or confirmed) the document and when.
    pub answer: Option<String>,
    pub page_label: String,
    pub of_label: String,
}

fn party(heading: &str, name: &str, tax_id: Option<String>, lines: Vec<String>) -> Party {
    Party { heading: heading.to_string(), name: name.to_string(), tax_id, lines }
}

/// The business logo's bytes, from the `data:image/...;base64,` URL in settings
/// (PNG, JPEG, GIF, WebP or SVG; typst detects which from the bytes).
pub fn logo_bytes(settings: &BusinessSettings) -> Option<Vec<u8>> {
    use base64::Engine;
    let url = settings.logo_data_url.as_deref()?;
    let (header, payload) = url.strip_prefix("data:")?.split_once(',')?;
    let supported = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"];
    let (mime, encoding) = header.split_once(';')?;
    if !supported.contains(&mime) || encoding != "base64" {
        return None;
    }
    base64::engine::general_purpose::STANDARD.decode(payload.trim()).ok()
}

/// "Aceptado por Ana López · 28/11/2026 10:15 UTC" (quotes) or the supplier's confirmation.
fn answer_line(locale: Locale, doc: &Document) -> Option<String> {
    let t = texts(locale);
    let when =
        |at: time::OffsetDateTime| format!("{} {:02}:{:02} UTC", locale.format_date(at.date()), at.hour(), at.minute());
    if let Some(acceptance) = &doc.acceptance {
        return Some(format!("{} {} · {}", t.accepted_by, acceptance.signer.as_str(), when(acceptance.at)));
    }
    if let Some(rejection) = &doc.rejection {
        return Some(format!("{} {}", t.rejected_on, when(rejection.at)));
    }
    doc.supplier_confirmation.as_ref().map(|c| {
        let mut line = format!("{} {}", t.confirmed_on, when(c.at));
        if let Some(day) = c.delivery_date {
            line.push_str(&format!(" · {} {}", t.delivery_on, locale.format_date(day)));
        }
        line
    })
}

/// Builds the template's data from the domain's figures.
pub fn pdf_data(input: &PdfInput<'_>) -> PdfData {
    let PdfInput { settings, contact, document: doc, today } = *input;
    let locale = contact.locale;
    let t = texts(locale);
    let totals = doc.totals();
    let money = |minor: i64| locale.format_money(Money::new(minor, doc.currency));
    let decimal = locale.decimal_mark();
    let percent = |bp: u32| format!("{} %", format_percent(bp, decimal));
    let kind = i18n::kind_name(locale, doc.kind).to_string();

    let business = party("", &settings.legal_name, Some(settings.tax_id.to_string()), settings.address.lines());
    let customer = party(
        "",
        &contact.name,
        contact.tax_id.as_ref().map(ToString::to_string),
        contact.address.as_ref().map(|a| a.lines()).unwrap_or_default(),
    );
    // A purchase order goes from the business (customer) to the contact (supplier).
    let (issuer_heading, recipient_heading) =
        if doc.kind.is_purchase() { (t.bill_to, t.supplier_to) } else { (t.supplier_to, t.bill_to) };
    let issuer = Party { heading: issuer_heading.into(), ..business };
    let recipient = Party { heading: recipient_heading.into(), ..customer };

    let mut facts = vec![Row { label: t.issued_on.into(), value: locale.format_date(doc.issue_date), strong: false }];
    if let Some(due) = doc.due_date {
        facts.push(Row { label: t.due_on.into(), value: locale.format_date(due), strong: false });
    }
    if let Some(valid) = doc.valid_until {
        facts.push(Row { label: t.valid_until.into(), value: locale.format_date(valid), strong: false });
    }

    let lines = doc
        .lines
        .iter()
        .map(|line| {
            let mut taxes = percent(line.vat.basis_points());
            if let Some(irpf) = line.irpf {
                taxes.push_str(&format!(" / IRPF −{}", percent(irpf.basis_points())));
            }
            PdfLine {
                description: line.description.clone(),
                quantity: locale.format_decimal(line.quantity.thousandths(), 3),
                unit_price: money(line.unit_price_minor),
                discount: if line.discount.basis_points() > 0 {
                    percent(line.discount.basis_points())
                } else {
                    String::new()
                },
                taxes,
                amount: money(line.amounts().base_minor()),
            }
        })
        .collect();

    let mut tax_rows: Vec<Vec<String>> = totals
        .vat_rows
        .iter()
        .map(|row| {
            let mut cells = vec![money(row.base), percent(row.rate.basis_points()), money(row.vat)];
            if doc.recargo {
                cells.push(format!("{} · {}", percent(row.rate.recargo_basis_points()), money(row.recargo)));
            }
            cells
        })
        .collect();
    let mut tax_columns: Vec<String> = vec![t.tax_base.into(), "%".into(), t.vat.into()];
    if doc.recargo {
        tax_columns.push(t.recargo.into());
    }
    for row in &totals.irpf_rows {
        let mut cells = vec![
            money(row.base),
            format!("{} {}", t.irpf, percent(row.rate.basis_points())),
            format!("−{}", money(row.withheld)),
        ];
        if doc.recargo {
            cells.push(String::new());
        }
        tax_rows.push(cells);
    }

    let mut total_rows = vec![
        Row { label: t.tax_base.into(), value: money(totals.base), strong: false },
        Row { label: t.vat.into(), value: money(totals.vat), strong: false },
    ];
    if doc.recargo {
        total_rows.push(Row { label: t.recargo.into(), value: money(totals.recargo), strong: false });
    }
    if totals.irpf != 0 {
        total_rows.push(Row { label: t.irpf.into(), value: format!("−{}", money(totals.irpf)), strong: false });
    }
    total_rows.push(Row { label: t.total.into(), value: money(totals.total), strong: true });
    let amount_due = doc.amount_due(&totals);
    if doc.kind == DocumentKind::Invoice && doc.paid_minor > 0 {
        total_rows.push(Row { label: t.paid.into(), value: money(doc.paid_minor), strong: false });
    }
    if !amount_due.is_zero() {
        total_rows.push(Row { label: t.amount_due.into(), value: locale.format_money(amount_due), strong: true });
    }

    let payment = if doc.kind == DocumentKind::Invoice && !amount_due.is_zero() {
        let due = doc.due_date.map(|d| locale.format_date(d));
        i18n::payment_instructions(locale, due.as_deref(), settings.iban.as_deref(), doc.number.as_str())
    } else {
        Vec::new()
    };

    PdfData {
        lang: locale.tag(),
        title: format!("{kind} {}", doc.number.as_str()),
        kind,
        number: doc.number.as_str().to_string(),
        status: i18n::status_name(locale, doc.kind, doc.display_status(today)).to_string(),
        brand: settings.brand_colour.as_str().to_string(),
        has_logo: logo_bytes(settings).is_some(),
        business_name: settings.display_name().to_string(),
        business_legal: settings.legal_name.clone(),
        tax_id_label: t.tax_id.into(),
        business_tax_id: settings.tax_id.to_string(),
        issuer,
        recipient,
        facts,
        columns: vec![
            t.line_description.into(),
            t.line_quantity.into(),
            t.line_unit_price.into(),
            t.line_discount.into(),
            t.line_vat.into(),
            t.line_amount.into(),
        ],
        lines,
        taxes_heading: t.taxes_caption.into(),
        tax_columns,
        tax_rows,
        totals: total_rows,
        payment_heading: t.payment_heading.into(),
        payment,
        notes_heading: t.notes.into(),
        notes: doc.notes.clone(),
        answer: answer_line(locale, doc),
        page_label: t.pdf_page.into(),
        of_label: t.pdf_of.into(),
    }
}
