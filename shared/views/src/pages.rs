//! The portal's pages.

use super::{Frame, Html, Nav, Section, layout, status_badge};
use maud::{Markup, html};
use portal_domain::i18n::{self, texts};
use portal_domain::interaction::Comment;
use portal_domain::money::MoneySums;
use portal_domain::tax::format_percent;
use portal_domain::{
    ActivityEvent, Actor, BusinessSettings, Capability, Contact, DisplayStatus, Document, DocumentAction,
    DocumentFilter, DocumentKind, DocumentSummary, Locale, Money,
};
use portal_routes::url;
use time::Date;

/// A date cell that may be empty (a quote open without a valid-until date).
fn optional_date(locale: Locale, date: Option<Date>) -> Markup {
    match date {
        Some(date) => html! { (locale.format_date(date)) },
        None => html! { "—" },
    }
}

pub fn error(locale: Locale, message: &str, back: Option<&str>) -> Html {
    let t = texts(locale);
    let frame = Frame { locale, settings: None, title: t.error_title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (t.error_title) }
                p.error role="alert" { (message) }
                @if let Some(back) = back {
                    p { a href=(back) { (t.back_to_document) } }
                } @else {
                    p { a href=(url::dashboard()) { (t.back_to_portal) } }
                }
            }
        },
    )
}

fn switch_href(path: &str, locale: Locale) -> String {
    format!("{path}?lang={}", texts(locale).language_switch_to.tag())
}

pub fn login_form(locale: Locale, settings: &BusinessSettings, csrf: &str, email: &str, problem: Option<&str>) -> Html {
    let t = texts(locale);
    let switch = switch_href(&url::login(), locale);
    let frame =
        Frame { locale, settings: Some(settings), title: t.login_title, nav: None, language_switch: Some(&switch) };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (t.login_title) }
                p { (t.login_intro) }
                form.stack method="post" action={(url::login()) "?lang=" (locale.tag())} novalidate {
                    input type="hidden" name=(crate::fields::CSRF) value=(csrf);
                    (super::email_field(t.email_label, email, problem))
                    button.button type="submit" { (t.send_link) }
                }
            }
        },
    )
}

pub fn login_sent(locale: Locale, settings: &BusinessSettings, email: &str) -> Html {
    let t = texts(locale);
    let frame = Frame { locale, settings: Some(settings), title: t.login_sent_title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (t.login_sent_title) }
                p { (t.login_sent_body) " " strong { (email) } }
                p.muted { (t.login_sent_expiry) }
                p { a href={(url::login()) "?lang=" (locale.tag())} { (t.request_new_link) } }
            }
        },
    )
}

pub fn login_confirm(locale: Locale, settings: &BusinessSettings, csrf: &str, token: &str) -> Html {
    let t = texts(locale);
    let frame =
        Frame { locale, settings: Some(settings), title: t.login_confirm_title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (t.login_confirm_title) }
                p { (t.login_confirm_body) }
                form.stack method="post" action={(url::login_confirm()) "?lang=" (locale.tag())} {
                    input type="hidden" name=(crate::fields::CSRF) value=(csrf);
                    input type="hidden" name="token" value=(token);
                    button.button type="submit" { (t.login_confirm_button) }
                }
            }
        },
    )
}

/// Sums amounts per currency: `1.200,00 €` or `1.200,00 € + $50.00`.
fn sum_by_currency(locale: Locale, amounts: impl Iterator<Item = Money>) -> String {
    let sums: MoneySums = amounts.collect();
    if sums.is_empty() {
        return locale.format_money(Money::zero(portal_domain::Currency::EUR));
    }
    sums.iter().map(|(currency, minor)| locale.format_amount(minor, currency)).collect::<Vec<_>>().join(" + ")
}

/// What the dashboard shows, gathered by the dashboard function.
pub struct Dashboard<'a> {
    pub settings: &'a BusinessSettings,
    pub contact: &'a Contact,
    pub csrf: &'a str,
    pub today: Date,
    pub open_invoices: Vec<DocumentSummary>,
    pub open_quotes: Vec<DocumentSummary>,
    pub open_orders: Vec<DocumentSummary>,
    pub open_purchase_orders: Vec<DocumentSummary>,
    /// Open lists were cut at this many rows.
    pub open_limit: usize,
    pub activity: Vec<ActivityEvent>,
}

pub fn dashboard(d: Dashboard<'_>) -> Html {
    let locale = d.contact.locale;
    let t = texts(locale);
    let today = d.today;
    let overdue: Vec<&DocumentSummary> =
        d.open_invoices.iter().filter(|s| s.display_status(today) == DisplayStatus::Overdue).collect();
    let awaiting: Vec<&DocumentSummary> =
        d.open_quotes.iter().filter(|s| s.display_status(today) != DisplayStatus::Expired).collect();
    let outstanding = sum_by_currency(locale, d.open_invoices.iter().map(|s| s.amount_due));
    let overdue_sum = sum_by_currency(locale, overdue.iter().map(|s| s.amount_due));
    let customer = d.contact.role.is_customer();
    let supplier = d.contact.role.is_supplier();
    let nav = Nav { contact: d.contact, current: Section::Dashboard, csrf_token: d.csrf };
    let frame =
        Frame { locale, settings: Some(d.settings), title: t.dashboard_title, nav: Some(nav), language_switch: None };
    let truncated = |list: &[DocumentSummary]| list.len() >= d.open_limit;
    layout(
        frame,
        html! {
            h1 { (t.greeting) ", " (d.contact.name) }
            ul.cards aria-label=(t.dashboard_title) {
                @if customer {
                    li.card { span.label { (t.outstanding) } span.figure data-figure="outstanding" { (outstanding) } span.muted { (i18n::count_of(locale, DocumentKind::Invoice, d.open_invoices.len())) } }
                    li class={"card" @if !overdue.is_empty() { " alert" }} { span.label { (t.overdue) } span.figure data-figure="overdue" { (overdue_sum) } span.muted { (i18n::count_of(locale, DocumentKind::Invoice, overdue.len())) } }
                    li.card { span.label { (t.quotes_awaiting) } span.figure data-figure="quotes" { (awaiting.len()) } }
                    li.card { span.label { (t.orders_in_progress) } span.figure data-figure="orders" { (d.open_orders.len()) } }
                }
                @if supplier {
                    li.card { span.label { (t.purchase_orders_open) } span.figure data-figure="purchase-orders" { (d.open_purchase_orders.len()) } }
                }
            }
            @if customer {
                section aria-labelledby="pending-invoices" {
                    h2 #pending-invoices { (t.invoices_to_pay) }
                    (summary_table(locale, DocumentKind::Invoice, &d.open_invoices.iter().collect::<Vec<_>>(), today, truncated(&d.open_invoices)))
                }
                section aria-labelledby="pending-quotes" {
                    h2 #pending-quotes { (t.quotes_awaiting) }
                    (summary_table(locale, DocumentKind::Quote, &awaiting, today, truncated(&d.open_quotes)))
                }
                section aria-labelledby="pending-orders" {
                    h2 #pending-orders { (t.orders_in_progress) }
                    (summary_table(locale, DocumentKind::SalesOrder, &d.open_orders.iter().collect::<Vec<_>>(), today, truncated(&d.open_orders)))
                }
            }
            @if supplier {
                section aria-labelledby="pending-pos" {
                    h2 #pending-pos { (t.purchase_orders_open) }
                    (summary_table(locale, DocumentKind::PurchaseOrder, &d.open_purchase_orders.iter().collect::<Vec<_>>(), today, truncated(&d.open_purchase_orders)))
                }
            }
            section aria-labelledby="recent-activity" {
                h2 #recent-activity { (t.recent_activity) }
                (activity_list(locale, &d.activity, t.no_activity))
            }
        },
    )
}

fn summary_table(
    locale: Locale,
    kind: DocumentKind,
    rows: &[&DocumentSummary],
    today: Date,
    truncated: bool,
) -> Markup {
    let t = texts(locale);
    html! {
        @if rows.is_empty() {
            p.muted { (t.nothing_pending) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (t.col_number) }
                    th scope="col" { (deadline_heading(locale, kind)) }
                    th scope="col" { (t.col_status) }
                    th.num scope="col" { @if kind == DocumentKind::Invoice { (t.col_amount_due) } @else { (t.col_total) } }
                } }
                tbody {
                    @for row in rows {
                        tr {
                            td { a href=(url::document(row.kind, &row.id)) { (row.number.as_str()) } }
                            td { (optional_date(locale, row.deadline)) }
                            td { (status_badge(locale, row.kind, row.display_status(today))) }
                            td.num { @if kind == DocumentKind::Invoice { (locale.format_money(row.amount_due)) } @else { (locale.format_money(row.total)) } }
                        }
                    }
                }
            }
            @if truncated { p.muted { (t.more_than_shown) " " a href=(url::document_list(kind)) { (t.see_all) } } }
        }
    }
}

fn deadline_heading(locale: Locale, kind: DocumentKind) -> &'static str {
    let t = texts(locale);
    match kind {
        DocumentKind::Invoice => t.col_due,
        DocumentKind::Quote => t.col_valid_until,
        _ => t.col_date,
    }
}

fn activity_list(locale: Locale, events: &[ActivityEvent], empty: &str) -> Markup {
    html! {
        @if events.is_empty() {
            p.muted { (empty) }
        } @else {
            ul.activity {
                @for event in events {
                    li {
                        time datetime=(crate::pages::iso_date(event.at.date())) { (locale.format_date(event.at.date())) }
                        a href=(url::document(event.document_kind, &event.document_id)) { (i18n::activity_line(locale, event)) }
                    }
                }
            }
        }
    }
}

pub fn iso_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// What a list page shows.
pub struct DocumentList<'a> {
    pub settings: &'a BusinessSettings,
    pub contact: &'a Contact,
    pub csrf: &'a str,
    pub today: Date,
    pub kind: DocumentKind,
    pub filter: DocumentFilter,
    pub rows: Vec<DocumentSummary>,
    pub first_page: bool,
    pub next_cursor: Option<String>,
}

pub fn document_list(l: DocumentList<'_>) -> Html {
    let locale = l.contact.locale;
    let t = texts(locale);
    let title = i18n::kind_plural(locale, l.kind);
    let nav = Nav { contact: l.contact, current: Section::Documents(l.kind), csrf_token: l.csrf };
    let frame = Frame { locale, settings: Some(l.settings), title, nav: Some(nav), language_switch: None };
    let invoice = l.kind == DocumentKind::Invoice;
    layout(
        frame,
        html! {
            h1 { (title) }
            nav.filters aria-label=(t.filter_label) {
                ul {
                    @for &filter in l.kind.filters() {
                        li { a href=(url::document_list_page(l.kind, filter.slug(), None)) aria-current=[(filter == l.filter).then_some("page")] { (i18n::filter_name(locale, l.kind, filter)) } }
                    }
                }
            }
            @if l.rows.is_empty() {
                p.muted { (t.no_documents) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (t.col_number) }
                        th scope="col" { (t.col_date) }
                        @if l.kind.tracks_deadline() { th scope="col" { (deadline_heading(locale, l.kind)) } }
                        th scope="col" { (t.col_status) }
                        th.num scope="col" { (t.col_total) }
                        @if invoice { th.num scope="col" { (t.col_amount_due) } }
                    } }
                    tbody {
                        @for row in &l.rows {
                            tr {
                                td { a href=(url::document(row.kind, &row.id)) { (row.number.as_str()) } }
                                td { (locale.format_date(row.issue_date)) }
                                @if l.kind.tracks_deadline() { td { (optional_date(locale, row.deadline)) } }
                                td { (status_badge(locale, row.kind, row.display_status(l.today))) }
                                td.num { (locale.format_money(row.total)) }
                                @if invoice { td.num { (locale.format_money(row.amount_due)) } }
                            }
                        }
                    }
                }
            }
            nav.pager aria-label=(t.next_page) {
                @if !l.first_page { a href=(url::document_list_page(l.kind, l.filter.slug(), None)) { (t.first_page) } }
                @if let Some(cursor) = &l.next_cursor { a href=(url::document_list_page(l.kind, l.filter.slug(), Some(cursor))) rel="next" { (t.next_page) } }
            }
        },
    )
}

/// The per-rate tax breakdown (IVA, recargo, IRPF) of a document or a cart.
pub fn tax_table(
    locale: Locale,
    totals: &portal_domain::Totals,
    currency: portal_domain::Currency,
    recargo: bool,
) -> Markup {
    let t = texts(locale);
    let money = |minor: i64| locale.format_money(Money::new(minor, currency));
    let decimal = locale.decimal_mark();
    html! {
        table.taxes {
            caption { (t.taxes_caption) }
            thead { tr {
                th scope="col" { (t.tax_base) }
                th.num scope="col" { "%" }
                th.num scope="col" { (t.vat) }
                @if recargo { th.num scope="col" { (t.recargo) } }
            } }
            tbody {
                @for row in &totals.vat_rows {
                    tr {
                        td.num { (money(row.base)) }
                        td.num { (format_percent(row.rate.basis_points(), decimal)) " %"
                            @if recargo { " + " (format_percent(row.rate.recargo_basis_points(), decimal)) " %" } }
                        td.num { (money(row.vat)) }
                        @if recargo { td.num { (money(row.recargo)) } }
                    }
                }
                @for row in &totals.irpf_rows {
                    tr {
                        td.num { (money(row.base)) }
                        td.num { (t.irpf) " " (format_percent(row.rate.basis_points(), decimal)) " %" }
                        td.num { "−" (money(row.withheld)) }
                        @if recargo { td {} }
                    }
                }
            }
        }
    }
}

/// What the document page shows.
pub struct DocumentPage<'a> {
    pub settings: &'a BusinessSettings,
    pub document: &'a Document,
    pub contact: &'a Contact,
    /// The visitor is the logged-in contact (navigation shown), not a link holder.
    pub logged_in: bool,
    pub csrf: &'a str,
    pub actor: Actor,
    pub today: Date,
    pub history: Vec<ActivityEvent>,
    pub comments: Vec<Comment>,
    /// How the invoice can be paid (invoices the visitor may pay).
    pub payment: Option<super::payment::PaymentOptions>,
}

pub fn document(p: DocumentPage<'_>) -> Html {
    let locale = p.contact.locale;
    let t = texts(locale);
    let doc = p.document;
    let title = format!("{} {}", i18n::kind_name(locale, doc.kind), doc.number.as_str());
    let nav =
        p.logged_in.then_some(Nav { contact: p.contact, current: Section::Documents(doc.kind), csrf_token: p.csrf });
    let can_answer =
        p.actor.may(Capability::Respond, doc) && doc.transition(DocumentAction::Accept, &p.actor, p.today).is_ok();
    let can_confirm = p.actor.may(Capability::ConfirmOrder, doc)
        && doc.transition(DocumentAction::Confirm, &p.actor, p.today).is_ok();
    let when = |at: time::OffsetDateTime| moment(locale, at);
    let frame = Frame { locale, settings: Some(p.settings), title: &title, nav, language_switch: None };
    layout(
        frame,
        html! {
            @if !p.logged_in { p.notice.no-print { (t.shared_document_notice) } }
            h1 { (title) " " (status_badge(locale, doc.kind, doc.display_status(p.today))) }
            p.actions.no-print {
                a.button href=(url::document_pdf(doc.kind, &doc.id)) { (t.download_pdf) }
                " "
                a.button.secondary href=(url::document_print(doc.kind, &doc.id)) target="_blank" rel="noopener" { (t.print) }
            }
            @if let Some(options) = &p.payment { (super::payment::section(locale, p.csrf, doc, options)) }
            @if p.logged_in && p.contact.catalog && doc.kind == DocumentKind::SalesOrder && doc.lines.iter().any(|l| l.product.is_some()) {
                (super::catalog::reorder_form(locale, p.csrf, doc))
            }
            (document_content(locale, p.settings, doc, p.contact))
            @if can_answer {
                section.answer.no-print aria-labelledby="answer-heading" {
                    h2 #answer-heading { (t.accept_heading) }
                    form.stack method="post" action=(url::quote_accept(&doc.id)) {
                        input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
                        input type="hidden" name=(crate::fields::VERSION) value=(doc.content_version);
                        label for="signer" { (t.signer_label) }
                        input #signer type="text" name="signer" autocomplete="name" required minlength="3" maxlength="120";
                        button.button type="submit" { (t.accept_button) }
                    }
                    form.stack method="post" action=(url::quote_reject(&doc.id)) {
                        input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
                        input type="hidden" name=(crate::fields::VERSION) value=(doc.content_version);
                        label for="reason" { (t.reject_reason_label) }
                        textarea #reason name="reason" rows="2" maxlength="500" {}
                        button.button.secondary type="submit" { (t.reject_button) }
                    }
                }
            }
            @if can_confirm {
                section.answer.no-print aria-labelledby="confirm-heading" {
                    h2 #confirm-heading { (t.confirm_heading) }
                    form.stack method="post" action=(url::order_confirm(&doc.id)) {
                        input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
                        input type="hidden" name=(crate::fields::VERSION) value=(doc.content_version);
                        label for="delivery" { (t.delivery_date_label) }
                        input #delivery type="date" name="delivery_date";
                        label for="note" { (t.note_label) }
                        textarea #note name="note" rows="2" maxlength="500" {}
                        button.button type="submit" { (t.confirm_button) }
                    }
                }
            }
            section aria-labelledby="comments-heading" {
                h2 #comments-heading { (t.comments_heading) }
                @if p.comments.is_empty() {
                    p.muted { (t.no_comments) }
                } @else {
                    ol.activity.comments {
                        @for comment in &p.comments {
                            li {
                                time datetime=(iso_date(comment.at.date())) { (when(comment.at)) }
                                strong { (comment.author) }
                                p.comment-body { (comment.body.as_str()) }
                            }
                        }
                    }
                }
                form.stack.no-print method="post" action=(url::document_comments(doc.kind, &doc.id)) {
                    input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
                    label for="comment" { (t.comment_label) }
                    textarea #comment name="body" rows="3" maxlength="2000" required {}
                    button.button type="submit" { (t.comment_button) }
                }
            }
            section aria-labelledby="history" {
                h2 #history { (t.history) }
                (activity_list(locale, &p.history, t.no_history))
            }
            p.muted.print-hint { (t.print_hint) }
        },
    )
}

/// What a document says, as its contact and staff both see it: dates,
/// parties, lines, taxes, totals, notes and the answer it got.
pub fn document_content(locale: Locale, settings: &BusinessSettings, doc: &Document, contact: &Contact) -> Markup {
    let t = texts(locale);
    let totals = doc.totals();
    let money = |minor: i64| locale.format_money(Money::new(minor, doc.currency));
    let decimal = locale.decimal_mark();
    let when = |at: time::OffsetDateTime| moment(locale, at);
    let (business_heading, contact_heading) =
        if doc.kind.is_purchase() { (t.bill_to, t.supplier_to) } else { (t.supplier_to, t.bill_to) };
    let amount_due = doc.amount_due(&totals);
    html! {
        dl.facts {
            div { dt { (t.issued_on) } dd { (locale.format_date(doc.issue_date)) } }
            @if let Some(due) = doc.due_date { div { dt { (t.due_on) } dd { (locale.format_date(due)) } } }
            @if let Some(valid) = doc.valid_until { div { dt { (t.valid_until) } dd { (locale.format_date(valid)) } } }
        }
        div.parties {
            section.party aria-labelledby="party-business" {
                h2 #party-business { (business_heading) }
                p { strong { (settings.legal_name) } br; (t.tax_id) " " (settings.tax_id.as_str()) br;
                    @for line in settings.address.lines() { (line) br; } }
            }
            section.party aria-labelledby="party-contact" {
                h2 #party-contact { (contact_heading) }
                p { strong { (contact.name) } br;
                    @if let Some(tax_id) = &contact.tax_id { (t.tax_id) " " (tax_id.as_str()) br; }
                    @if let Some(address) = &contact.address { @for line in address.lines() { (line) br; } } }
            }
        }
        table.lines {
            caption { (t.lines_caption) }
            thead { tr {
                th scope="col" { (t.line_description) }
                th.num scope="col" { (t.line_quantity) }
                th.num scope="col" { (t.line_unit_price) }
                th.num scope="col" { (t.line_discount) }
                th.num scope="col" { (t.line_vat) }
                th.num scope="col" { (t.line_amount) }
            } }
            tbody {
                @for line in &doc.lines {
                    tr {
                        td { (line.description) }
                        td.num { (locale.format_decimal(line.quantity.thousandths(), 3)) }
                        td.num { (money(line.unit_price_minor)) }
                        td.num { @if line.discount.basis_points() > 0 { (format_percent(line.discount.basis_points(), decimal)) " %" } }
                        td.num { (format_percent(line.vat.basis_points(), decimal)) " %"
                            @if let Some(irpf) = line.irpf { br; span.muted { "IRPF −" (format_percent(irpf.basis_points(), decimal)) " %" } } }
                        td.num { (money(line.amounts().base_minor())) }
                    }
                }
            }
        }
        (tax_table(locale, &totals, doc.currency, doc.recargo))
        dl.totals {
            div { dt { (t.tax_base) } dd.num { (money(totals.base)) } }
            div { dt { (t.vat) } dd.num { (money(totals.vat)) } }
            @if doc.recargo { div { dt { (t.recargo) } dd.num { (money(totals.recargo)) } } }
            @if totals.irpf != 0 { div { dt { (t.irpf) } dd.num { "−" (money(totals.irpf)) } } }
            div.grand { dt { (t.total) } dd.num data-total { (money(totals.total)) } }
            @if doc.kind == DocumentKind::Invoice && doc.paid_minor > 0 {
                div { dt { (t.paid) } dd.num { (money(doc.paid_minor)) } }
            }
            @if !amount_due.is_zero() {
                div.grand { dt { (t.amount_due) } dd.num data-amount-due { (locale.format_money(amount_due)) } }
            }
        }
        @if let Some(notes) = &doc.notes {
            section aria-labelledby="notes" { h2 #notes { (t.notes) } p { (notes) } }
        }
        @if let Some(acceptance) = &doc.acceptance {
            p.notice #answer { (t.accepted_by) " " strong { (acceptance.signer.as_str()) } " · " (when(acceptance.at)) }
        }
        @if let Some(rejection) = &doc.rejection {
            p.notice #answer { (t.rejected_on) " " (when(rejection.at))
                @if let Some(reason) = &rejection.reason { " · «" (reason) "»" } }
        }
        @if let Some(confirmation) = &doc.supplier_confirmation {
            p.notice #answer { (t.confirmed_on) " " (when(confirmation.at))
                @if let Some(day) = confirmation.delivery_date { " · " (t.delivery_on) " " (locale.format_date(day)) }
                @if let Some(note) = &confirmation.note { " · «" (note) "»" } }
        }
    }
}

/// A moment as pages show it: the date and UTC time.
pub fn moment(locale: Locale, at: time::OffsetDateTime) -> String {
    format!("{} {:02}:{:02} UTC", locale.format_date(at.date()), at.hour(), at.minute())
}
