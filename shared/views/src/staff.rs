//! Staff pages: the staff login, the staff home (what waits, recent
//! activity) and the staff view of a document, in the business's language.

use super::pages::{document_content, iso_date, moment};
use super::{Frame, Html, layout, status_badge};
use maud::{Markup, html};
use portal_domain::activity::{ActivityEvent, ActivityKind};
use portal_domain::i18n::{self, StaffTexts};
use portal_domain::interaction::{Comment, Origin};
use portal_domain::payment::Payment;
use portal_domain::{BusinessSettings, Contact, Document, DocumentKind, DocumentStatus, DocumentSummary, Locale};
use portal_routes::url;
use time::{Date, OffsetDateTime};

/// The staff pages' words, in the business's language.
fn texts(locale: Locale) -> &'static StaffTexts {
    &i18n::texts(locale).staff
}

/// The bar every signed-in staff page starts with.
fn staff_bar(locale: Locale, email: &str, csrf: &str) -> Markup {
    let t = texts(locale);
    html! {
        div.staffbar.no-print {
            span { (t.staff) " · " (email) }
            " "
            a href=(url::staff_home()) { (t.home) }
            form method="post" action=(url::staff_logout()) {
                input type="hidden" name=(crate::fields::CSRF) value=(csrf);
                button.linkbutton type="submit" { (t.log_out) }
            }
        }
    }
}

pub fn login_form(settings: &BusinessSettings, csrf: &str, next: &str, email: &str, problem: Option<&str>) -> Html {
    let locale = settings.default_locale;
    let t = texts(locale);
    let title = t.login_title;
    let frame = Frame { locale, settings: Some(settings), title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (title) }
                p { (t.login_intro) }
                form.stack method="post" action=(url::staff_login()) novalidate {
                    input type="hidden" name=(crate::fields::CSRF) value=(csrf);
                    input type="hidden" name="next" value=(next);
                    (super::email_field(t.email_label, email, problem))
                    button.button type="submit" { (t.send_link) }
                }
            }
        },
    )
}

pub fn login_sent(settings: &BusinessSettings, email: &str) -> Html {
    let locale = settings.default_locale;
    let t = texts(locale);
    let title = t.login_sent_title;
    let frame = Frame { locale, settings: Some(settings), title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (title) }
                p { (t.login_sent_body) " " strong { (email) } }
                p.muted { (t.login_sent_expiry) }
            }
        },
    )
}

pub fn login_confirm(settings: &BusinessSettings, csrf: &str, token: &str, next: &str) -> Html {
    let locale = settings.default_locale;
    let t = texts(locale);
    let title = t.login_confirm_title;
    let frame = Frame { locale, settings: Some(settings), title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (title) }
                form.stack method="post" action=(url::staff_login_confirm()) {
                    input type="hidden" name=(crate::fields::CSRF) value=(csrf);
                    input type="hidden" name="token" value=(token);
                    input type="hidden" name="next" value=(next);
                    button.button type="submit" { (t.login_confirm_button) }
                }
            }
        },
    )
}

/// Something a contact did that staff should act on.
pub struct Waiting {
    pub event: ActivityEvent,
    /// The document as it is now.
    pub document: DocumentSummary,
}

impl Waiting {
    /// Still waits: the order not confirmed yet, the accepted quote not
    /// invoiced, the comment not answered, the refused payment (always).
    pub fn still_waits(event: &ActivityEvent, document: &DocumentSummary, last_comment_by_contact: bool) -> bool {
        match &event.kind {
            ActivityKind::OrderPlaced => document.status == DocumentStatus::Pending,
            ActivityKind::Accepted { .. } => document.status == DocumentStatus::Accepted,
            ActivityKind::Confirmed => {
                document.kind == DocumentKind::PurchaseOrder && document.status == DocumentStatus::Confirmed
            }
            ActivityKind::Commented => last_comment_by_contact,
            ActivityKind::PaymentRefused { .. } | ActivityKind::PaymentFailed => true,
            _ => false,
        }
    }
}

pub struct StaffHome<'a> {
    pub settings: &'a BusinessSettings,
    pub email: &'a str,
    pub csrf: &'a str,
    pub waiting: Vec<Waiting>,
    pub recent: Vec<ActivityEvent>,
    pub today: Date,
}

pub fn home(h: StaffHome<'_>) -> Html {
    let locale = h.settings.default_locale;
    let t = texts(locale);
    let title = t.home;
    let frame = Frame { locale, settings: Some(h.settings), title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            (staff_bar(locale, h.email, h.csrf))
            h1 { (title) }
            section aria-labelledby="waiting" {
                h2 #waiting { (t.waiting_heading) }
                @if h.waiting.is_empty() {
                    p.muted { (t.nothing_waiting) }
                } @else {
                    table.summary {
                        caption { (t.waiting_caption) }
                        thead { tr {
                            th scope="col" { (t.col_what) }
                            th scope="col" { (t.col_when) }
                            th scope="col" { (t.col_status) }
                        } }
                        tbody {
                            @for w in &h.waiting {
                                tr {
                                    td { a href=(url::staff_document(&w.document.id)) { (i18n::activity_line(locale, &w.event)) } }
                                    td { time datetime=(iso_date(w.event.at.date())) { (moment(locale, w.event.at)) } }
                                    td { (status_badge(locale, w.document.kind, w.document.display_status(h.today))) }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="recent" {
                h2 #recent { (t.recent_heading) }
                @if h.recent.is_empty() {
                    p.muted { (t.no_recent) }
                } @else {
                    ol.activity {
                        @for event in &h.recent {
                            li {
                                time datetime=(iso_date(event.at.date())) { (moment(locale, event.at)) }
                                a href=(url::staff_document(&event.document_id)) { (i18n::activity_line(locale, event)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub struct StaffDocument<'a> {
    pub settings: &'a BusinessSettings,
    pub email: &'a str,
    pub csrf: &'a str,
    pub document: &'a Document,
    pub contact: &'a Contact,
    pub history: Vec<ActivityEvent>,
    pub comments: Vec<Comment>,
    pub payments: Vec<Payment>,
    pub link_url: String,
    pub link_expires_at: Option<OffsetDateTime>,
    pub today: Date,
    /// The outcome of the action that led here, if any.
    pub notice: Option<&'a str>,
}

pub fn document(p: StaffDocument<'_>) -> Html {
    let locale = p.settings.default_locale;
    let t = texts(locale);
    let doc = p.document;
    let title = format!("{} {}", i18n::kind_name(locale, doc.kind), doc.number.as_str());
    let frame = Frame { locale, settings: Some(p.settings), title: &title, nav: None, language_switch: None };
    let due = doc.amount_due(&doc.totals());
    let can_confirm_order = doc.kind == DocumentKind::SalesOrder && doc.status == DocumentStatus::Pending;
    let origin = |origin: Origin| match origin {
        Origin::Portal => t.from_portal,
        Origin::Link => t.from_link,
        Origin::Staff => t.from_staff,
    };
    layout(
        frame,
        html! {
            (staff_bar(locale, p.email, p.csrf))
            @if let Some(notice) = p.notice { p.notice role="status" { (notice) } }
            h1 { (title) " " (status_badge(locale, doc.kind, doc.display_status(p.today))) }
            p.actions.no-print {
                a.button href=(url::document_pdf(doc.kind, &doc.id)) { (t.download_pdf) }
                " "
                a.button.secondary href=(url::document_print(doc.kind, &doc.id)) target="_blank" rel="noopener" { (t.print) }
            }
            p { (t.contact) ": " strong { (p.contact.name) } " · "
                @for (i, email) in p.contact.emails.iter().enumerate() { @if i > 0 { ", " } (email.as_str()) }
                " · " @if p.contact.portal_access { (t.has_portal_access) } @else { (t.no_portal_access) } }
            @if can_confirm_order || !due.is_zero() {
                section.answer.no-print aria-labelledby="actions-heading" {
                    h2 #actions-heading { (t.quick_actions) }
                    @if can_confirm_order {
                        form.stack method="post" action=(url::staff_order_confirm(&doc.id)) {
                            input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
                            button.button type="submit" { (t.confirm_order) }
                        }
                    }
                    @if !due.is_zero() {
                        form.stack method="post" action=(url::staff_transfer(&doc.id)) {
                            input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
                            label for="amount" { (t.transfer_amount_label) " (" (locale.format_money(due)) " " (t.due) ")" }
                            input #amount type="text" name="amount" inputmode="decimal" required;
                            label for="reference" { (t.bank_reference_label) }
                            input #reference type="text" name="reference" required maxlength="255";
                            button.button type="submit" { (t.mark_transfer) }
                        }
                    }
                }
            }
            (document_content(locale, p.settings, doc, p.contact))
            @if !p.payments.is_empty() {
                section aria-labelledby="payments-heading" {
                    h2 #payments-heading { (t.payments_heading) }
                    ol.activity {
                        @for payment in &p.payments {
                            li {
                                time datetime=(iso_date(payment.at.date())) { (moment(locale, payment.at)) }
                                (locale.format_money(payment.amount)) " · " (payment.gateway.slug()) " · " (payment.reference.as_str())
                            }
                        }
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
                                time datetime=(iso_date(comment.at.date())) { (moment(locale, comment.at)) }
                                strong { (comment.author) } " (" (origin(comment.origin)) ")"
                                p.comment-body { (comment.body.as_str()) }
                            }
                        }
                    }
                }
                form.stack.no-print method="post" action=(url::staff_reply(&doc.id)) {
                    input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
                    label for="reply" { (t.reply_label) }
                    textarea #reply name="body" rows="3" maxlength="2000" required {}
                    button.button type="submit" { (t.send_reply) }
                }
            }
            section.no-print aria-labelledby="link-heading" {
                h2 #link-heading { (t.link_heading) }
                p { code.link { (p.link_url) } }
                p.muted {
                    @match p.link_expires_at {
                        Some(at) => { (t.link_expires_on) " " (moment(locale, at)) }
                        None => { (t.link_never_expires) }
                    }
                }
                form.stack method="post" action=(url::staff_link_rotate(&doc.id)) {
                    input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
                    button.button.secondary type="submit" { (t.rotate_link) }
                }
                form.stack method="post" action=(url::staff_link_expiry(&doc.id)) {
                    input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
                    label for="expires" { (t.expiry_label) }
                    input #expires type="date" name="expires_on" value=(p.link_expires_at.map(|at| iso_date(at.date())).unwrap_or_default());
                    button.button.secondary type="submit" { (t.save_expiry) }
                }
            }
            section aria-labelledby="history" {
                h2 #history { (t.history_heading) }
                @if p.history.is_empty() {
                    p.muted { (t.no_history) }
                } @else {
                    ol.activity {
                        @for event in &p.history {
                            li {
                                time datetime=(iso_date(event.at.date())) { (moment(locale, event.at)) }
                                (i18n::activity_line(locale, event))
                            }
                        }
                    }
                }
            }
        },
    )
}
