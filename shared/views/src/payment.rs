//! The invoice's "pay" section: card payment through the hosted checkout,
//! the transfer details, and what happened after a checkout.

use maud::{Markup, html};
use portal_domain::{Document, Locale, Money};
use portal_routes::url;

/// What the invoice page offers for paying it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentOptions {
    /// Card payment (Stripe Checkout) is enabled and configured.
    pub card: bool,
    /// The IBAN to transfer to, when the business takes transfers.
    pub transfer_iban: Option<String>,
    /// The payer is back from the checkout (`?payment=processing`).
    pub returning: bool,
    /// The payer gave up at the checkout (`?payment=cancelled`).
    pub cancelled: bool,
}

/// The section, or nothing when there is nothing to pay and nothing to say.
pub fn section(locale: Locale, csrf: &str, doc: &Document, options: &PaymentOptions) -> Markup {
    let t = &portal_domain::i18n::texts(locale).pay;
    let due: Money = doc.amount_due(&doc.totals());
    html! {
        @if options.returning && due.is_zero() {
            p.notice role="status" { (t.confirmed) }
        } @else if options.returning {
            p.notice role="status" { (t.processing) }
        } @else if options.cancelled && !due.is_zero() {
            p.notice role="status" { (t.cancelled) }
        }
        @if !due.is_zero() && (options.card || options.transfer_iban.is_some()) {
            section.answer.no-print aria-labelledby="pay-heading" {
                h2 #pay-heading { (t.heading) }
                @if options.card {
                    form method="post" action=(url::invoice_pay(&doc.id)) {
                        input type="hidden" name=(crate::fields::CSRF) value=(csrf);
                        button.button type="submit" { (t.pay_by_card) " · " (locale.format_money(due)) }
                    }
                }
                @if let Some(iban) = &options.transfer_iban {
                    p { (t.transfer_intro) }
                    dl.facts {
                        div { dt { (t.iban) } dd { (iban) } }
                        div { dt { (t.amount) } dd { (locale.format_money(due)) } }
                        div { dt { (t.reference) } dd { (doc.number.as_str()) } }
                    }
                }
            }
        }
    }
}
