//! Staff pages: the staff login, the staff home (what waits, recent
//! activity) and the staff view of a document, in the business's language.

use super::pages::{document_content, iso_date, moment};
use super::{Frame, Html, layout, status_badge};
use crate::i18n;
use crate::routes::url;
use maud::{Markup, html};
use portal_domain::activity::{ActivityEvent, ActivityKind};
use portal_domain::interaction::{Comment, Origin};
use portal_domain::payment::Payment;
use portal_domain::{BusinessSettings, Contact, Document, DocumentKind, DocumentStatus, DocumentSummary, Locale};
use time::{Date, OffsetDateTime};

fn pick(locale: Locale, spanish: &'static str, english: &'static str) -> &'static str {
    if locale == Locale::Es { spanish } else { english }
}

/// The bar every signed-in staff page starts with.
fn staff_bar(locale: Locale, email: &str, csrf: &str) -> Markup {
    html! {
        div.staffbar.no-print {
            span { (pick(locale, "Equipo", "Staff")) " · " (email) }
            " "
            a href=(url::staff_home()) { (pick(locale, "Inicio del equipo", "Staff home")) }
            form method="post" action=(url::staff_logout()) {
                input type="hidden" name=(crate::csrf::FIELD) value=(csrf);
                button.linkbutton type="submit" { (pick(locale, "Cerrar sesión", "Log out")) }
            }
        }
    }
}

pub fn login_form(settings: &BusinessSettings, csrf: &str, next: &str, email: &str, problem: Option<&str>) -> Html {
    let locale = settings.default_locale;
    let title = pick(locale, "Acceso del equipo", "Staff login");
    let frame = Frame { locale, settings: Some(settings), title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (title) }
                p { (pick(locale, "Escribe tu correo de empresa y te enviaremos un enlace para entrar.", "Enter your work email and we will send you a login link.")) }
                form.stack method="post" action=(url::staff_login()) novalidate {
                    input type="hidden" name=(crate::csrf::FIELD) value=(csrf);
                    input type="hidden" name="next" value=(next);
                    label for="email" { (pick(locale, "Correo electrónico", "Email")) }
                    @if let Some(problem) = problem {
                        p.error #email-error role="alert" { (problem) }
                        input #email type="email" name="email" value=(email) autocomplete="email" required aria-invalid="true" aria-describedby="email-error";
                    } @else {
                        input #email type="email" name="email" value=(email) autocomplete="email" required;
                    }
                    button.button type="submit" { (pick(locale, "Enviar enlace", "Send link")) }
                }
            }
        },
    )
}

pub fn login_sent(settings: &BusinessSettings, email: &str) -> Html {
    let locale = settings.default_locale;
    let title = pick(locale, "Revisa tu correo", "Check your email");
    let frame = Frame { locale, settings: Some(settings), title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (title) }
                p { (pick(locale, "Si esta dirección pertenece al equipo, le hemos enviado un enlace de acceso:", "If this address belongs to the staff, we sent it a login link:")) " " strong { (email) } }
                p.muted { (pick(locale, "El enlace sirve una vez durante 15 minutos.", "The link works once, for 15 minutes.")) }
            }
        },
    )
}

pub fn login_confirm(settings: &BusinessSettings, csrf: &str, token: &str, next: &str) -> Html {
    let locale = settings.default_locale;
    let title = pick(locale, "Entrar como equipo", "Log in as staff");
    let frame = Frame { locale, settings: Some(settings), title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            div.narrow {
                h1 { (title) }
                form.stack method="post" action=(url::staff_login_confirm()) {
                    input type="hidden" name=(crate::csrf::FIELD) value=(csrf);
                    input type="hidden" name="token" value=(token);
                    input type="hidden" name="next" value=(next);
                    button.button type="submit" { (pick(locale, "Entrar", "Log in")) }
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
    let title = pick(locale, "Inicio del equipo", "Staff home");
    let frame = Frame { locale, settings: Some(h.settings), title, nav: None, language_switch: None };
    layout(
        frame,
        html! {
            (staff_bar(locale, h.email, h.csrf))
            h1 { (title) }
            section aria-labelledby="waiting" {
                h2 #waiting { (pick(locale, "Pendiente de ti", "Waiting for you")) }
                @if h.waiting.is_empty() {
                    p.muted { (pick(locale, "Nada pendiente: no hay pedidos por confirmar, presupuestos aceptados ni comentarios sin responder.", "Nothing waiting: no orders to confirm, accepted quotes or unanswered comments.")) }
                } @else {
                    table.summary {
                        caption { (pick(locale, "Lo que los contactos hicieron y espera una respuesta", "What contacts did that waits for an answer")) }
                        thead { tr {
                            th scope="col" { (pick(locale, "Qué", "What")) }
                            th scope="col" { (pick(locale, "Cuándo", "When")) }
                            th scope="col" { (pick(locale, "Estado", "Status")) }
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
                h2 #recent { (pick(locale, "Actividad reciente", "Recent activity")) }
                @if h.recent.is_empty() {
                    p.muted { (pick(locale, "Todavía no hay actividad.", "No activity yet.")) }
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
    let doc = p.document;
    let title = format!("{} {}", i18n::kind_name(locale, doc.kind), doc.number.as_str());
    let frame = Frame { locale, settings: Some(p.settings), title: &title, nav: None, language_switch: None };
    let due = doc.amount_due(&doc.totals());
    let can_confirm_order = doc.kind == DocumentKind::SalesOrder && doc.status == DocumentStatus::Pending;
    let origin = |origin: Origin| match origin {
        Origin::Portal => pick(locale, "desde el portal", "from the portal"),
        Origin::Link => pick(locale, "con el enlace compartido", "with the shared link"),
        Origin::Staff => pick(locale, "equipo", "staff"),
    };
    layout(
        frame,
        html! {
            (staff_bar(locale, p.email, p.csrf))
            @if let Some(notice) = p.notice { p.notice role="status" { (notice) } }
            h1 { (title) " " (status_badge(locale, doc.kind, doc.display_status(p.today))) }
            p.actions.no-print {
                a.button href=(url::document_pdf(doc.kind, &doc.id)) { (pick(locale, "Descargar PDF", "Download PDF")) }
                " "
                a.button.secondary href=(url::document_print(doc.kind, &doc.id)) target="_blank" rel="noopener" { (pick(locale, "Imprimir", "Print")) }
            }
            p { (pick(locale, "Contacto", "Contact")) ": " strong { (p.contact.name) } " · "
                @for (i, email) in p.contact.emails.iter().enumerate() { @if i > 0 { ", " } (email.as_str()) }
                " · " @if p.contact.portal_access { (pick(locale, "con acceso al portal", "has portal access")) } @else { (pick(locale, "sin acceso al portal", "no portal access")) } }
            @if can_confirm_order || !due.is_zero() {
                section.answer.no-print aria-labelledby="actions-heading" {
                    h2 #actions-heading { (pick(locale, "Acciones rápidas", "Quick actions")) }
                    @if can_confirm_order {
                        form.stack method="post" action=(url::staff_order_confirm(&doc.id)) {
                            input type="hidden" name=(crate::csrf::FIELD) value=(p.csrf);
                            button.button type="submit" { (pick(locale, "Confirmar pedido", "Confirm order")) }
                        }
                    }
                    @if !due.is_zero() {
                        form.stack method="post" action=(url::staff_transfer(&doc.id)) {
                            input type="hidden" name=(crate::csrf::FIELD) value=(p.csrf);
                            label for="amount" { (pick(locale, "Transferencia recibida: importe", "Transfer received: amount")) " (" (locale.format_money(due)) " " (pick(locale, "pendiente", "due")) ")" }
                            input #amount type="text" name="amount" inputmode="decimal" required;
                            label for="reference" { (pick(locale, "Referencia del banco", "Bank reference")) }
                            input #reference type="text" name="reference" required maxlength="255";
                            button.button type="submit" { (pick(locale, "Marcar transferencia recibida", "Mark transfer received")) }
                        }
                    }
                }
            }
            (document_content(locale, p.settings, doc, p.contact))
            @if !p.payments.is_empty() {
                section aria-labelledby="payments-heading" {
                    h2 #payments-heading { (pick(locale, "Pagos", "Payments")) }
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
                h2 #comments-heading { (pick(locale, "Comentarios", "Comments")) }
                @if p.comments.is_empty() {
                    p.muted { (pick(locale, "Sin comentarios.", "No comments.")) }
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
                    input type="hidden" name=(crate::csrf::FIELD) value=(p.csrf);
                    label for="reply" { (pick(locale, "Responder al contacto (recibirá un correo)", "Reply to the contact (they get an email)")) }
                    textarea #reply name="body" rows="3" maxlength="2000" required {}
                    button.button type="submit" { (pick(locale, "Enviar respuesta", "Send reply")) }
                }
            }
            section.no-print aria-labelledby="link-heading" {
                h2 #link-heading { (pick(locale, "Enlace para compartir", "Shareable link")) }
                p { code.link { (p.link_url) } }
                p.muted {
                    @match p.link_expires_at {
                        Some(at) => { (pick(locale, "Caduca el", "Expires on")) " " (moment(locale, at)) }
                        None => { (pick(locale, "No caduca.", "Does not expire.")) }
                    }
                }
                form.stack method="post" action=(url::staff_link_rotate(&doc.id)) {
                    input type="hidden" name=(crate::csrf::FIELD) value=(p.csrf);
                    button.button.secondary type="submit" { (pick(locale, "Cambiar el enlace (el actual deja de funcionar)", "Replace the link (the current one stops working)")) }
                }
                form.stack method="post" action=(url::staff_link_expiry(&doc.id)) {
                    input type="hidden" name=(crate::csrf::FIELD) value=(p.csrf);
                    label for="expires" { (pick(locale, "Caducidad (vacío: nunca)", "Expiry (empty: never)")) }
                    input #expires type="date" name="expires_on" value=(p.link_expires_at.map(|at| iso_date(at.date())).unwrap_or_default());
                    button.button.secondary type="submit" { (pick(locale, "Guardar caducidad", "Save expiry")) }
                }
            }
            section aria-labelledby="history" {
                h2 #history { (pick(locale, "Historial completo", "Full history")) }
                @if p.history.is_empty() {
                    p.muted { (pick(locale, "Sin actividad.", "No activity.")) }
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
