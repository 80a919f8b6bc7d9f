//! Payments: what a confirmed payment does to an invoice, and the gateways
//! that take them. An invoice becomes paid only by a verified confirmation
//! (a gateway's signed event, or staff recording a transfer) — never by a
//! browser coming back from a checkout page.

use crate::contact::EmailAddress;
use crate::document::{Document, DocumentId, DocumentKind, DocumentNumber, DocumentStatus};
use crate::locale::Locale;
use crate::money::Money;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// How a payment reached the business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gateway {
    /// Stripe Checkout (card and whatever the account enables).
    Stripe,
    /// A bank transfer staff saw arrive.
    BankTransfer,
}

impl Gateway {
    pub fn slug(self) -> &'static str {
        match self {
            Gateway::Stripe => "stripe",
            Gateway::BankTransfer => "bank_transfer",
        }
    }
}

/// The payment methods the business offers (secrets live in configuration,
/// never here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PaymentMethods {
    /// Card payments through Stripe Checkout.
    #[serde(default)]
    pub stripe: bool,
    /// Transfers to the business's IBAN, quoting the invoice number.
    #[serde(default)]
    pub bank_transfer: bool,
}

/// A gateway's id for one payment: printable, 1..=255 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PaymentReference(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a payment reference")]
pub struct InvalidPaymentReference;

impl PaymentReference {
    pub fn parse(text: &str) -> Result<Self, InvalidPaymentReference> {
        let ok = (1..=255).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic());
        if ok { Ok(PaymentReference(text.to_string())) } else { Err(InvalidPaymentReference) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PaymentReference {
    type Error = InvalidPaymentReference;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PaymentReference::parse(&value)
    }
}

impl From<PaymentReference> for String {
    fn from(value: PaymentReference) -> Self {
        value.0
    }
}

/// A payment recorded against an invoice. One per (gateway, reference): the
/// same confirmation arriving twice records nothing the second time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub invoice: DocumentId,
    pub gateway: Gateway,
    pub reference: PaymentReference,
    pub amount: Money,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Why a confirmed payment cannot be applied to the invoice as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentRefusal {
    #[error("the document is not an invoice waiting for payment")]
    NotPayable,
    #[error("the payment is in {got}, the invoice in {expected}")]
    CurrencyMismatch { expected: String, got: String },
    #[error("the payment ({offered}) is more than the amount due ({due})")]
    Overpayment { due: i64, offered: i64 },
    #[error("the amount must be positive")]
    NotPositive,
}

/// The invoice after a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub status: DocumentStatus,
    pub paid_minor: i64,
}

impl Document {
    /// Applies a payment of `amount`: it reduces the amount due, and the
    /// invoice is paid when nothing is left. Refused: documents that are not
    /// open invoices, another currency, nothing or more than is due.
    pub fn apply_payment(&self, amount: Money) -> Result<Applied, PaymentRefusal> {
        if self.kind != DocumentKind::Invoice
            || !matches!(self.status, DocumentStatus::Issued | DocumentStatus::PartiallyPaid)
        {
            return Err(PaymentRefusal::NotPayable);
        }
        if amount.currency != self.currency {
            return Err(PaymentRefusal::CurrencyMismatch {
                expected: self.currency.code().into(),
                got: amount.currency.code().into(),
            });
        }
        if amount.minor <= 0 {
            return Err(PaymentRefusal::NotPositive);
        }
        let due = self.amount_due(&self.totals()).minor;
        if amount.minor > due {
            return Err(PaymentRefusal::Overpayment { due, offered: amount.minor });
        }
        let paid_minor = self.paid_minor + amount.minor;
        let status = if amount.minor == due { DocumentStatus::Paid } else { DocumentStatus::PartiallyPaid };
        Ok(Applied { status, paid_minor })
    }
}

/// What a hosted checkout is asked to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    pub invoice: DocumentId,
    pub number: DocumentNumber,
    pub amount: Money,
    pub customer_email: Option<EmailAddress>,
    pub locale: Locale,
    /// Where the payer returns after paying, and after giving up.
    pub success_url: String,
    pub cancel_url: String,
    /// The same request retried (a double click, a timeout) carries the same
    /// key, so the gateway creates one session.
    pub idempotency_key: String,
}

/// A hosted checkout the payer is sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutSession {
    pub id: PaymentReference,
    pub url: String,
}

/// A checkout the portal opened for an invoice: what the gateway's later
/// confirmation is matched against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkout {
    pub session: PaymentReference,
    pub invoice: DocumentId,
    pub gateway: Gateway,
    pub amount: Money,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("payment gateway: {0}")]
pub struct GatewayError(pub String);

/// A gateway that hosts a checkout page (Stripe Checkout).
#[async_trait]
pub trait CheckoutGateway: Send + Sync {
    async fn create_checkout(&self, request: &CheckoutRequest) -> Result<CheckoutSession, GatewayError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Line;
    use crate::money::Currency;
    use crate::tax::VatRate;

    fn invoice(total_net: i64, paid: i64, status: DocumentStatus) -> Document {
        let mut invoice = crate::testkit::document("d1", DocumentKind::Invoice, "c1");
        invoice.lines = vec![Line { vat: VatRate::Zero, ..crate::testkit::line(1, total_net) }];
        invoice.status = status;
        invoice.paid_minor = paid;
        invoice
    }

    #[test]
    fn partial_payments_reduce_the_amount_due_until_the_invoice_is_paid() {
        let eur = |minor| Money::new(minor, Currency::EUR);
        let open = invoice(10_000, 0, DocumentStatus::Issued);
        assert_eq!(
            open.apply_payment(eur(4_000)),
            Ok(Applied { status: DocumentStatus::PartiallyPaid, paid_minor: 4_000 })
        );
        let part = invoice(10_000, 4_000, DocumentStatus::PartiallyPaid);
        assert_eq!(part.apply_payment(eur(6_000)), Ok(Applied { status: DocumentStatus::Paid, paid_minor: 10_000 }));
        assert_eq!(part.apply_payment(eur(6_001)), Err(PaymentRefusal::Overpayment { due: 6_000, offered: 6_001 }));
        assert_eq!(part.apply_payment(eur(0)), Err(PaymentRefusal::NotPositive));
        let usd = Money::new(100, Currency::parse("USD").unwrap());
        assert!(matches!(part.apply_payment(usd), Err(PaymentRefusal::CurrencyMismatch { .. })));
        let paid = invoice(10_000, 10_000, DocumentStatus::Paid);
        assert_eq!(paid.apply_payment(eur(1)), Err(PaymentRefusal::NotPayable), "a paid invoice never regresses");
        let void = invoice(10_000, 0, DocumentStatus::Void);
        assert_eq!(void.apply_payment(eur(1)), Err(PaymentRefusal::NotPayable));
    }

    #[test]
    fn payment_references_are_printable_and_bounded() {
        assert!(PaymentReference::parse("cs_test_a1B2").is_ok());
        assert!(PaymentReference::parse("").is_err());
        assert!(PaymentReference::parse("with space").is_err());
        assert!(PaymentReference::parse(&"x".repeat(256)).is_err());
    }
}
