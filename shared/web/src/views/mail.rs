//! Emails: an HTML part and a plain-text part, in the recipient's language.

use crate::i18n;
use maud::{DOCTYPE, html};
use portal_domain::{BusinessSettings, Locale};

pub struct MailContent {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The magic-link email. `link` is absolute.
pub fn login_link(locale: Locale, settings: &BusinessSettings, link: &str) -> MailContent {
    let t = i18n::texts(locale);
    link_mail(locale, settings, link, t.mail_login_subject, t.mail_login_intro)
}

/// The mail carrying a login link to its reader. `link` is absolute.
pub fn login_link_mail(
    reader: &portal_app::login::LinkReader,
    settings: &BusinessSettings,
    link: &str,
) -> portal_domain::ports::OutgoingMail {
    let content = login_link(reader.locale, settings, link);
    portal_domain::ports::OutgoingMail {
        to: reader.to.clone(),
        reply_to: reader.reply_to.clone(),
        subject: content.subject,
        text: content.text,
        html: content.html,
        attachments: Vec::new(),
    }
}

/// The invitation staff send a contact: a login link that lasts longer. `link` is absolute.
pub fn invitation(locale: Locale, settings: &BusinessSettings, link: &str) -> MailContent {
    let t = i18n::texts(locale);
    link_mail(locale, settings, link, t.mail_invite_subject, t.mail_invite_intro)
}

fn link_mail(locale: Locale, settings: &BusinessSettings, link: &str, subject: &str, intro: &str) -> MailContent {
    let t = i18n::texts(locale);
    let business = settings.display_name();
    let subject = format!("{subject} · {business}");
    let text = format!("{intro}\n\n{link}\n\n{}\n\n— {business}\n", t.mail_login_ignore);
    let html = html! {
        (DOCTYPE)
        html lang=(locale.tag()) {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family:Arial,sans-serif;color:#1d2327" {
                p { (intro) }
                p {
                    a href=(link) style={"display:inline-block;padding:10px 18px;border-radius:4px;color:#fff;text-decoration:none;background:" (settings.brand_colour.as_str())} {
                        (t.mail_login_button)
                    }
                }
                p style="font-size:13px;color:#4a5560" { (link) }
                p style="font-size:13px;color:#4a5560" { (t.mail_login_ignore) }
                p { "— " (business) }
            }
        }
    };
    MailContent { subject, text, html: html.into_string() }
}

/// What a notification email says, beyond its kind.
pub struct NotificationFacts<'a> {
    pub kind: portal_domain::interaction::NotificationKind,
    pub locale: Locale,
    pub settings: &'a BusinessSettings,
    pub document: &'a portal_domain::Document,
    pub contact_name: &'a str,
    pub comment: Option<&'a portal_domain::interaction::Comment>,
    /// Absolute URL that opens the document for this recipient.
    pub link: &'a str,
}

/// A notification email: one sentence of what happened, the detail, the link.
pub fn notification(facts: &NotificationFacts<'_>) -> MailContent {
    use portal_domain::interaction::NotificationKind as K;
    let t = i18n::texts(facts.locale);
    let es = facts.locale == Locale::Es;
    let doc = facts.document;
    let title = format!("{} {}", i18n::kind_name(facts.locale, doc.kind), doc.number.as_str());
    let who = facts.contact_name;
    let date = |at: time::OffsetDateTime| facts.locale.format_date(at.date());
    let (subject, lead, detail): (String, String, Option<String>) = match facts.kind {
        K::QuoteAccepted => {
            let signer = doc.acceptance.as_ref().map(|a| a.signer.as_str().to_string()).unwrap_or_default();
            if es {
                (
                    format!("{title} aceptado · {who}"),
                    format!("{who} ha aceptado {title}."),
                    Some(format!("Firmado por {signer}.")),
                )
            } else {
                (
                    format!("{title} accepted · {who}"),
                    format!("{who} accepted {title}."),
                    Some(format!("Signed by {signer}.")),
                )
            }
        }
        K::QuoteRejected => {
            let reason = doc.rejection.as_ref().and_then(|r| r.reason.clone());
            if es {
                (
                    format!("{title} rechazado · {who}"),
                    format!("{who} ha rechazado {title}."),
                    reason.map(|r| format!("Motivo: {r}")),
                )
            } else {
                (
                    format!("{title} rejected · {who}"),
                    format!("{who} rejected {title}."),
                    reason.map(|r| format!("Reason: {r}")),
                )
            }
        }
        K::PurchaseOrderConfirmed => {
            let confirmation = doc.supplier_confirmation.as_ref();
            let mut detail = Vec::new();
            if let Some(day) = confirmation.and_then(|c| c.delivery_date) {
                detail.push(format!(
                    "{}: {}.",
                    if es { "Entrega prevista" } else { "Expected delivery" },
                    facts.locale.format_date(day)
                ));
            }
            if let Some(note) = confirmation.and_then(|c| c.note.clone()) {
                detail.push(format!("{}: {note}", if es { "Nota" } else { "Note" }));
            }
            let detail = (!detail.is_empty()).then(|| detail.join(" "));
            if es {
                (format!("{title} confirmado · {who}"), format!("{who} ha confirmado {title}."), detail)
            } else {
                (format!("{title} confirmed · {who}"), format!("{who} confirmed {title}."), detail)
            }
        }
        K::ContactCommented | K::StaffReplied => {
            let comment = facts.comment;
            let author = comment.map(|c| c.author.as_str()).unwrap_or(who);
            let body = comment.map(|c| format!("«{}»", c.body.as_str()));
            if es {
                (format!("Nuevo comentario en {title}"), format!("{author} ha escrito en {title}:"), body)
            } else {
                (format!("New comment on {title}"), format!("{author} wrote on {title}:"), body)
            }
        }
        K::AcceptanceReceipt => {
            let when = doc.acceptance.as_ref().map(|a| date(a.at)).unwrap_or_default();
            if es {
                (
                    format!("Has aceptado {title}"),
                    format!("Confirmamos que aceptaste {title} el {when}."),
                    Some("Gracias por tu confianza.".into()),
                )
            } else {
                (
                    format!("You accepted {title}"),
                    format!("This confirms you accepted {title} on {when}."),
                    Some("Thank you for your trust.".into()),
                )
            }
        }
        K::PaymentReceived | K::PaymentReceipt => {
            let money = |minor: i64| facts.locale.format_money(portal_domain::Money::new(minor, doc.currency));
            let due = doc.amount_due(&doc.totals());
            let state = match (due.is_zero(), es) {
                (true, true) => "La factura está pagada.".to_string(),
                (true, false) => "The invoice is paid.".to_string(),
                (false, true) => format!("Pagado: {}. Pendiente: {}.", money(doc.paid_minor), money(due.minor)),
                (false, false) => format!("Paid: {}. Still due: {}.", money(doc.paid_minor), money(due.minor)),
            };
            match (facts.kind, es) {
                (K::PaymentReceived, true) => (
                    format!("Pago recibido · {title} · {who}"),
                    format!("{who} ha pagado {title} en línea."),
                    Some(state),
                ),
                (K::PaymentReceived, false) => {
                    (format!("Payment received · {title} · {who}"), format!("{who} paid {title} online."), Some(state))
                }
                (_, true) => (
                    format!("Recibo de tu pago · {title}"),
                    format!("Hemos recibido tu pago de {title}. Gracias."),
                    Some(state),
                ),
                (_, false) => (
                    format!("Receipt for your payment · {title}"),
                    format!("We received your payment for {title}. Thank you."),
                    Some(state),
                ),
            }
        }
        K::PaymentNeedsAttention => {
            if es {
                (
                    format!("Pago por revisar · {title} · {who}"),
                    format!("Ha llegado un pago de {who} para {title} que no se ha podido aplicar."),
                    Some("El motivo está en el historial del documento.".into()),
                )
            } else {
                (
                    format!("Payment to review · {title} · {who}"),
                    format!("A payment from {who} for {title} arrived but could not be applied."),
                    Some("The reason is in the document's history.".into()),
                )
            }
        }
        K::OrderPlaced | K::OrderReceipt => {
            let total = facts.locale.format_money(doc.totals().total_money());
            let lines = doc
                .lines
                .iter()
                .map(|l| format!("{} × {}", facts.locale.format_decimal(l.quantity.thousandths(), 3), l.description))
                .collect::<Vec<_>>()
                .join("\n");
            let detail = Some(format!("{lines}\nTotal: {total}"));
            // "order" is already in the sentence: the number alone names it.
            let number = doc.number.as_str();
            match (facts.kind, es) {
                (K::OrderPlaced, true) => {
                    (format!("Nuevo pedido {number} · {who}"), format!("{who} ha hecho el pedido {number}:"), detail)
                }
                (K::OrderPlaced, false) => {
                    (format!("New order {number} · {who}"), format!("{who} placed order {number}:"), detail)
                }
                (_, true) => (
                    format!("Hemos recibido tu pedido {number}"),
                    format!("Gracias. Hemos recibido tu pedido {number} y te avisaremos cuando lo confirmemos:"),
                    detail,
                ),
                (_, false) => (
                    format!("We received your order {number}"),
                    format!("Thank you. We received your order {number} and will let you know when it is confirmed:"),
                    detail,
                ),
            }
        }
    };
    let business = facts.settings.display_name();
    let subject = format!("{subject} · {business}");
    let mut text = format!("{lead}\n\n");
    if let Some(detail) = &detail {
        text.push_str(detail);
        text.push_str("\n\n");
    }
    text.push_str(&format!("{}: {}\n\n— {business}\n", t.open_document, facts.link));
    let html = html! {
        (DOCTYPE)
        html lang=(facts.locale.tag()) {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family:Arial,sans-serif;color:#1d2327" {
                p { (lead) }
                @if let Some(detail) = &detail {
                    @for line in detail.lines() { p { (line) } }
                }
                p {
                    a href=(facts.link) style={"display:inline-block;padding:10px 18px;border-radius:4px;color:#fff;text-decoration:none;background:" (facts.settings.brand_colour.as_str())} {
                        (t.open_document)
                    }
                }
                p style="font-size:13px;color:#4a5560" { (facts.link) }
                p { "— " (business) }
            }
        }
    };
    MailContent { subject, text, html: html.into_string() }
}
