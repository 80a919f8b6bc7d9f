//! Emails: an HTML part and a plain-text part, in the recipient's language.

use maud::{DOCTYPE, html};
use portal_domain::i18n;
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
    outgoing(reader, login_link(reader.locale, settings, link))
}

/// The invitation mail (a longer-lived login link) to its reader. `link` is absolute.
pub fn invitation_mail(
    reader: &portal_app::login::LinkReader,
    settings: &BusinessSettings,
    link: &str,
) -> portal_domain::ports::OutgoingMail {
    outgoing(reader, invitation(reader.locale, settings, link))
}

fn outgoing(reader: &portal_app::login::LinkReader, content: MailContent) -> portal_domain::ports::OutgoingMail {
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
    let n = &t.notification;
    let doc = facts.document;
    let title = format!("{} {}", i18n::kind_name(facts.locale, doc.kind), doc.number.as_str());
    let who = facts.contact_name;
    let date = |at: time::OffsetDateTime| facts.locale.format_date(at.date());
    // Where the invoice stands after a payment, for both payment emails.
    let payment_state = || {
        let money = |minor: i64| facts.locale.format_money(portal_domain::Money::new(minor, doc.currency));
        let due = doc.amount_due(&doc.totals());
        if due.is_zero() {
            n.invoice_paid.to_string()
        } else {
            (n.invoice_partly_paid)(&money(doc.paid_minor), &money(due.minor))
        }
    };
    // What was ordered, for both order emails.
    let order_detail = || {
        let total = facts.locale.format_money(doc.totals().total_money());
        let lines = doc
            .lines
            .iter()
            .map(|l| format!("{} × {}", facts.locale.format_decimal(l.quantity.thousandths(), 3), l.description))
            .collect::<Vec<_>>()
            .join("\n");
        Some(format!("{lines}\n{}: {total}", t.total))
    };
    // "order" is already in the order emails' sentences: the number alone names it.
    let number = doc.number.as_str();
    let (subject, lead, detail): (String, String, Option<String>) = match facts.kind {
        K::QuoteAccepted => {
            let signer = doc.acceptance.as_ref().map(|a| a.signer.as_str().to_string()).unwrap_or_default();
            (
                (n.quote_accepted_subject)(&title, who),
                (n.quote_accepted_lead)(&title, who),
                Some((n.signed_by)(&signer)),
            )
        }
        K::QuoteRejected => {
            let reason = doc.rejection.as_ref().and_then(|r| r.reason.clone());
            (
                (n.quote_rejected_subject)(&title, who),
                (n.quote_rejected_lead)(&title, who),
                reason.map(|r| (n.rejection_reason)(&r)),
            )
        }
        K::PurchaseOrderConfirmed => {
            let confirmation = doc.supplier_confirmation.as_ref();
            let mut detail = Vec::new();
            if let Some(day) = confirmation.and_then(|c| c.delivery_date) {
                detail.push(format!("{}: {}.", n.expected_delivery, facts.locale.format_date(day)));
            }
            if let Some(note) = confirmation.and_then(|c| c.note.clone()) {
                detail.push(format!("{}: {note}", n.note));
            }
            let detail = (!detail.is_empty()).then(|| detail.join(" "));
            ((n.purchase_order_confirmed_subject)(&title, who), (n.purchase_order_confirmed_lead)(&title, who), detail)
        }
        K::ContactCommented | K::StaffReplied => {
            let comment = facts.comment;
            let author = comment.map(|c| c.author.as_str()).unwrap_or(who);
            let body = comment.map(|c| format!("«{}»", c.body.as_str()));
            ((n.comment_subject)(&title), (n.comment_lead)(&title, author), body)
        }
        K::AcceptanceReceipt => {
            let when = doc.acceptance.as_ref().map(|a| date(a.at)).unwrap_or_default();
            (
                (n.acceptance_receipt_subject)(&title),
                (n.acceptance_receipt_lead)(&title, &when),
                Some(n.acceptance_receipt_thanks.into()),
            )
        }
        K::PaymentReceived => {
            ((n.payment_received_subject)(&title, who), (n.payment_received_lead)(&title, who), Some(payment_state()))
        }
        K::PaymentReceipt => {
            ((n.payment_receipt_subject)(&title), (n.payment_receipt_lead)(&title), Some(payment_state()))
        }
        K::PaymentNeedsAttention => (
            (n.payment_to_review_subject)(&title, who),
            (n.payment_to_review_lead)(&title, who),
            Some(n.payment_to_review_detail.into()),
        ),
        K::OrderPlaced => ((n.order_placed_subject)(number, who), (n.order_placed_lead)(number, who), order_detail()),
        K::OrderReceipt => ((n.order_receipt_subject)(number), (n.order_receipt_lead)(number), order_detail()),
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
