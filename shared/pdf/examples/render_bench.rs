//! PDF render benchmark: a one-page, 20-line invoice rendered by the in-process
//! typst renderer. Not a test; run through `infra/bench/pdf.sh`, which also
//! renders the same invoices as HTML with WeasyPrint and headless Chromium and
//! prints the comparison (see `docs/benchmarks/pdf.md`).
//!
//! ```text
//! render_bench [--iterations N] [--warmup N] [--data-out FILE] [--pdf-out FILE] [--cold-only]
//! ```
//!
//! One process measures, in order:
//! 1. **cold**: from before `Renderer::new()` (font parsing, standard library,
//!    template) to the first PDF's bytes, split into `new_ms` and
//!    `first_render_ms`. Only meaningful once per process, so the driver script
//!    starts several fresh processes with `--cold-only`.
//! 2. **warm, varied**: `--warmup` untimed renders, then `--iterations` timed
//!    renders, each of a *different* invoice (number and one line's quantity
//!    change, so the totals, tax rows and payment reference change too): typst's
//!    memoization cannot hand back a previous result. Each sample times
//!    `pdf_data()` + `Renderer::render()`, i.e. domain document → PDF bytes.
//! 3. **warm, identical**: `--iterations` renders of one unchanged invoice (the
//!    memoized best case, reported separately).
//!
//! Prints one JSON object on stdout with the raw samples (ms) and a summary.
//! `--data-out` writes the exact `PdfData` of every varied invoice (warm-up and
//! timed ones, in order) so the HTML side renders the same invoices.

use portal_domain::document::{AccessLink, DocumentNumber, LinkNonce};
use portal_domain::settings::{Address, BrandColour};
use portal_domain::totals::{Discount, Quantity};
use portal_domain::{
    BusinessSettings, Contact, ContactId, ContactRole, Currency, Document, DocumentId, DocumentKind, EmailAddress,
    IrpfRate, Line, Locale, PriceCondition, TaxId, VatRate,
};
use portal_pdf::{PdfData, PdfInput, Renderer, pdf_data};
use serde_json::json;
use std::time::Instant;
use time::macros::date;

const LINES: usize = 20;

struct Args {
    iterations: usize,
    warmup: usize,
    data_out: Option<String>,
    pdf_out: Option<String>,
    cold_only: bool,
}

fn parse_args() -> Args {
    let mut args = Args { iterations: 200, warmup: 10, data_out: None, pdf_out: None, cold_only: false };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--iterations" => args.iterations = value().parse().unwrap_or_else(|_| usage("bad --iterations")),
            "--warmup" => args.warmup = value().parse().unwrap_or_else(|_| usage("bad --warmup")),
            "--data-out" => args.data_out = Some(value()),
            "--pdf-out" => args.pdf_out = Some(value()),
            "--cold-only" => args.cold_only = true,
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if args.iterations == 0 {
        usage("--iterations must be at least 1");
    }
    args
}

fn usage(problem: &str) -> ! {
    eprintln!("render_bench: {problem}");
    eprintln!("usage: render_bench [--iterations N] [--warmup N] [--data-out FILE] [--pdf-out FILE] [--cold-only]");
    std::process::exit(2)
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

fn contact() -> Contact {
    Contact {
        id: ContactId::parse("c1").unwrap(),
        name: "Ferretería Hermanos López S.L.".into(),
        tax_id: Some(TaxId::parse("B87654323").unwrap()),
        role: ContactRole::Both,
        emails: vec![EmailAddress::parse("ana@ferreteria-lopez.es").unwrap()],
        locale: Locale::Es,
        portal_access: true,
        catalog: false,
        price_condition: PriceCondition::BasePrices,
        recargo_equivalencia: true,
        address: Some(Address {
            street: "Avenida de Madrid 118, nave 3".into(),
            postal_code: "50017".into(),
            city: "Zaragoza".into(),
            province: Some("Zaragoza".into()),
            country: "ES".into(),
        }),
    }
}

/// Twenty realistic lines: materials at 21 %, a few at 10 % and 4 %, one
/// professional service with IRPF, some with a discount.
fn lines() -> Vec<Line> {
    /// Description, quantity, unit price (cents), IVA, IRPF, discount (basis points).
    type Item = (&'static str, &'static str, i64, VatRate, Option<IrpfRate>, u32);
    const ITEMS: [Item; LINES] = [
        ("Taladro percutor 850 W", "4", 8_950, VatRate::General21, None, 500),
        ("Cable RZ1-K 3x2,5 mm² (m)", "145,5", 189, VatRate::General21, None, 500),
        ("Cable RZ1-K 3x6 mm² (m)", "60", 412, VatRate::General21, None, 500),
        ("Tubo corrugado Ø20 mm (rollo 100 m)", "3", 2_340, VatRate::General21, None, 0),
        ("Caja de registro estanca 100x100", "24", 315, VatRate::General21, None, 1000),
        ("Interruptor magnetotérmico 2P 16 A", "12", 1_125, VatRate::General21, None, 500),
        ("Interruptor diferencial 2P 40 A 30 mA", "4", 3_890, VatRate::General21, None, 500),
        ("Cuadro de distribución 24 módulos", "2", 7_460, VatRate::General21, None, 0),
        ("Base de enchufe Schuko empotrable", "36", 265, VatRate::General21, None, 1000),
        ("Luminaria LED estanca 1500 mm 50 W", "18", 3_150, VatRate::General21, None, 750),
        ("Regleta de conexión 12 polos", "20", 98, VatRate::General21, None, 0),
        ("Bridas de nailon 300 mm (bolsa 100)", "5", 640, VatRate::General21, None, 0),
        ("Cinta aislante PVC 19 mm", "15", 125, VatRate::General21, None, 0),
        ("Detector de movimiento 360° techo", "6", 2_275, VatRate::General21, None, 500),
        ("Manual de mantenimiento", "2", 1_800, VatRate::SuperReduced4, None, 0),
        ("Catálogo técnico impreso", "1", 950, VatRate::SuperReduced4, None, 0),
        ("Reparación de vivienda: mano de obra (h)", "16", 3_500, VatRate::Reduced10, None, 0),
        ("Desplazamiento y retirada de residuos", "1", 6_000, VatRate::Reduced10, None, 0),
        ("Boletín eléctrico (CIE) y legalización", "1", 18_000, VatRate::General21, None, 0),
        ("Informe técnico", "1", 120_000, VatRate::General21, Some(IrpfRate::PROFESSIONAL), 0),
    ];
    ITEMS
        .iter()
        .map(|&(description, quantity, unit_price_minor, vat, irpf, discount)| Line {
            description: description.into(),
            quantity: Quantity::parse(quantity).unwrap(),
            unit_price_minor,
            discount: Discount::try_from(discount).unwrap(),
            vat,
            irpf,
            product: None,
        })
        .collect()
}

fn invoice(variant: usize) -> Document {
    let mut lines = lines();
    // Variant 0 is the base invoice; every other variant has its own number and
    // one line's quantity raised, so every figure downstream changes as well.
    if variant > 0 {
        let line = &mut lines[variant % LINES];
        line.quantity = Quantity::from_thousandths(line.quantity.thousandths() + 1000 * variant as i64).unwrap();
    }
    Document {
        id: DocumentId::parse("d1").unwrap(),
        kind: DocumentKind::Invoice,
        number: DocumentNumber::parse(&format!("INV-2026-{:04}", 42 + variant)).unwrap(),
        contact_id: ContactId::parse("c1").unwrap(),
        status: DocumentKind::Invoice.initial_status(),
        issue_date: date!(2026 - 11 - 03),
        due_date: Some(date!(2026 - 12 - 03)),
        valid_until: None,
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

fn data_for(settings: &BusinessSettings, contact: &Contact, document: &Document) -> PdfData {
    pdf_data(&PdfInput { settings, contact, document, today: date!(2026 - 11 - 28) })
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// Nearest-rank percentile of sorted samples (the same rule as
/// `infra/bench/pdf_compare.py`).
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn summary(samples: &[f64]) -> serde_json::Value {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
    json!({
        "n": n,
        "median_ms": median,
        "p99_ms": percentile(&sorted, 99.0),
        "mean_ms": sorted.iter().sum::<f64>() / n as f64,
        "min_ms": sorted[0],
        "max_ms": sorted[n - 1],
    })
}

fn main() {
    let args = parse_args();
    let settings = settings();
    let contact = contact();
    let base = invoice(0);

    // Cold: everything a fresh process (a Lambda cold start) pays before the
    // first PDF exists. The domain document is built outside the timer; the
    // conversion to template data is inside, as in every warm sample.
    let start = Instant::now();
    let renderer = Renderer::new();
    let new_ms = ms(start);
    let first_start = Instant::now();
    let pdf = renderer.render(&data_for(&settings, &contact, &base), None).expect("first render");
    let first_render_ms = ms(first_start);
    let cold_ms = ms(start);
    assert!(pdf.starts_with(b"%PDF-"));
    let pdf_bytes = pdf.len();
    if let Some(path) = &args.pdf_out {
        std::fs::write(path, &pdf).expect("write --pdf-out");
    }
    let cold = json!({ "new_ms": new_ms, "first_render_ms": first_render_ms, "total_ms": cold_ms });
    if args.cold_only {
        println!("{}", json!({ "tool": "typst", "cold": cold, "pdf_bytes": pdf_bytes }));
        return;
    }

    // Varied invoices: variants 1..=warmup+iterations, each used once.
    let documents: Vec<Document> = (1..=args.warmup + args.iterations).map(invoice).collect();
    if let Some(path) = &args.data_out {
        let datas: Vec<PdfData> = documents.iter().map(|d| data_for(&settings, &contact, d)).collect();
        let file = json!({
            "lines_per_invoice": LINES,
            "warmup": args.warmup,
            "iterations": args.iterations,
            "base": data_for(&settings, &contact, &base),
            "variants": datas,
        });
        std::fs::write(path, serde_json::to_vec(&file).unwrap()).expect("write --data-out");
    }

    let mut varied = Vec::with_capacity(args.iterations);
    for (i, document) in documents.iter().enumerate() {
        let start = Instant::now();
        let pdf = renderer.render(&data_for(&settings, &contact, document), None).expect("render");
        let elapsed = ms(start);
        assert!(pdf.starts_with(b"%PDF-"));
        std::hint::black_box(&pdf);
        if i >= args.warmup {
            varied.push(elapsed);
        }
    }

    // Identical input: one untimed render to fill the memoization cache, then
    // the same invoice again and again.
    let same = documents.last().unwrap();
    renderer.render(&data_for(&settings, &contact, same), None).expect("render");
    let mut identical = Vec::with_capacity(args.iterations);
    for _ in 0..args.iterations {
        let start = Instant::now();
        let pdf = renderer.render(&data_for(&settings, &contact, same), None).expect("render");
        identical.push(ms(start));
        std::hint::black_box(&pdf);
    }

    let report = json!({
        "tool": "typst",
        "lines_per_invoice": LINES,
        "pdf_bytes": pdf_bytes,
        "cold": cold,
        "warm_varied": { "summary": summary(&varied), "samples_ms": varied },
        "warm_identical": { "summary": summary(&identical), "samples_ms": identical },
    });
    println!("{report}");
}
