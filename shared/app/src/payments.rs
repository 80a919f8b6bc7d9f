//! Recording payments: a bank transfer staff saw arrive, a gateway's
//! confirmation of a checkout. Each confirmation is written once, however
//! often or concurrently it arrives, in the same write as the invoice's new
//! amount due and status, its event and its mail.

use crate::stamps::Stamps;
use crate::write::{self, ATTEMPTS, WriteError};
use portal_domain::interaction::NotificationKind;
use portal_domain::payment::{Gateway, Payment, PaymentReference, PaymentRefusal};
use portal_domain::ports::{
    ContactStore, DocumentStore, DocumentUpdate, PaymentRecord, PaymentStore, Recorded, SettingsStore, StoreError,
};
use portal_domain::{ActivityKind, Document, DocumentId, Money};
use time::OffsetDateTime;

/// The key a confirmation is recorded under, once: `{gateway}#{reference}`.
pub fn record_key(gateway: Gateway, reference: &PaymentReference) -> String {
    format!("{}#{}", gateway.slug(), reference.as_str())
}

/// Writes the record `decide` makes from the invoice as stored; a lost race
/// (the invoice changed between read and write) reads it again and decides
/// again. The one loop every payment goes through.
async fn record<S, E>(
    store: &S,
    first: Document,
    mut decide: impl FnMut(&Document) -> Result<PaymentRecord, E>,
) -> Result<(Recorded, PaymentRecord), E>
where
    S: DocumentStore + PaymentStore + ?Sized,
    E: From<WriteError>,
{
    let id = first.id.clone();
    let mut read = Some(first);
    for _ in 0..ATTEMPTS {
        let invoice = match read.take() {
            Some(invoice) => invoice,
            None => write::load(store, &id).await?,
        };
        let record = decide(&invoice)?;
        match store.record_payment(&record).await {
            Ok(recorded) => return Ok((recorded, record)),
            Err(StoreError::Conflict(cause)) => tracing::debug!(invoice = %id, cause, "lost a race; deciding again"),
            Err(other) => return Err(WriteError::Store(other).into()),
        }
    }
    Err(WriteError::KeptChanging(id).into())
}

/// The record of `payment` applied to `invoice`, with its event and the
/// notifications of `owed`.
fn applied(
    stamps: Stamps<'_>,
    invoice: &Document,
    payment: Payment,
    applied: portal_domain::payment::Applied,
    notifications: Vec<portal_domain::interaction::Notification>,
) -> PaymentRecord {
    let update = DocumentUpdate::edit(invoice, |edited| {
        edited.status = applied.status;
        edited.paid_minor = applied.paid_minor;
    });
    PaymentRecord {
        invoice: invoice.id.clone(),
        key: record_key(payment.gateway, &payment.reference),
        events: vec![stamps.event(invoice, ActivityKind::PaymentReceived { amount: payment.amount })],
        payment: Some(payment),
        document: Some(update),
        notifications,
    }
}

/// A bank transfer staff saw arrive on the business's account.
#[derive(Debug, Clone)]
pub struct TransferReceived {
    /// In the invoice's currency.
    pub amount_minor: i64,
    /// The bank's reference: recording it again changes nothing.
    pub reference: PaymentReference,
    /// When the money arrived; now when absent.
    pub received_at: Option<OffsetDateTime>,
}

/// What recording a transfer did.
#[derive(Debug)]
pub struct TransferOutcome {
    pub document: Document,
    pub payment: Option<Payment>,
    /// `false`: this reference had been recorded before; nothing changed.
    pub recorded_now: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("a transfer cannot arrive in the future")]
    InTheFuture,
    #[error("the document is not an invoice waiting for payment")]
    NotPayable,
    #[error("the amount is more than the {due} (minor units) still due")]
    MoreThanDue { due: i64 },
    #[error("{0}")]
    InvalidAmount(PaymentRefusal),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Records a transfer against an invoice: its amount due goes down (paid at
/// zero) and the contact gets a receipt. The same reference twice records
/// one payment.
pub async fn record_transfer<S>(
    store: &S,
    stamps: Stamps<'_>,
    invoice_id: &DocumentId,
    transfer: TransferReceived,
) -> Result<TransferOutcome, TransferError>
where
    S: DocumentStore + PaymentStore + ContactStore + ?Sized,
{
    let now = stamps.now();
    let at = transfer.received_at.unwrap_or(now);
    if at > now {
        return Err(TransferError::InTheFuture);
    }
    let invoice = write::load(store, invoice_id).await?;
    if let Some(outcome) = recorded_before(store, &invoice, &transfer.reference).await? {
        return Ok(outcome);
    }
    let contact = write::owner(store, &invoice).await?;
    let reference = transfer.reference.clone();
    let recorded = record(store, invoice, |invoice| {
        let amount = Money::new(transfer.amount_minor, invoice.currency);
        let change = invoice.apply_payment(amount).map_err(|refusal| match refusal {
            PaymentRefusal::NotPayable => TransferError::NotPayable,
            PaymentRefusal::Overpayment { due, .. } => TransferError::MoreThanDue { due },
            other => TransferError::InvalidAmount(other),
        })?;
        let payment = Payment {
            invoice: invoice.id.clone(),
            gateway: Gateway::BankTransfer,
            reference: transfer.reference.clone(),
            amount,
            at,
        };
        let receipt = stamps.to_contact(&contact, NotificationKind::PaymentReceipt, invoice, None);
        Ok::<_, TransferError>(applied(stamps, invoice, payment, change, receipt))
    })
    .await;
    let (recorded, record) = match recorded {
        Ok(recorded) => recorded,
        // A concurrent request with this reference may have paid the invoice
        // between our reads: that is this transfer, recorded before.
        Err(refused @ (TransferError::NotPayable | TransferError::MoreThanDue { .. })) => {
            let invoice = write::load(store, invoice_id).await?;
            return recorded_before(store, &invoice, &reference).await?.ok_or(refused);
        }
        Err(other) => return Err(other),
    };
    match recorded {
        Recorded::Now => {
            tracing::info!(invoice = %record.invoice, amount = transfer.amount_minor, "bank transfer recorded");
            let document = record.document.map(DocumentUpdate::into_document);
            Ok(TransferOutcome {
                document: document.ok_or(WriteError::Missing(record.invoice))?,
                payment: record.payment,
                recorded_now: true,
            })
        }
        // A concurrent request recorded this reference first: answer with its payment.
        Recorded::Before => {
            let invoice = write::load(store, &record.invoice).await?;
            let earlier = recorded_before(store, &invoice, &transfer.reference).await?;
            Ok(earlier.unwrap_or(TransferOutcome { document: invoice, payment: None, recorded_now: false }))
        }
    }
}

/// The earlier transfer with `reference` on `invoice`, if there is one.
async fn recorded_before<S>(
    store: &S,
    invoice: &Document,
    reference: &PaymentReference,
) -> Result<Option<TransferOutcome>, WriteError>
where
    S: PaymentStore + ?Sized,
{
    let earlier = store
        .payments(&invoice.id)
        .await?
        .into_iter()
        .find(|p| p.gateway == Gateway::BankTransfer && p.reference == *reference);
    Ok(earlier.map(|payment| TransferOutcome {
        document: invoice.clone(),
        payment: Some(payment),
        recorded_now: false,
    }))
}

/// What became of a gateway's confirmation of a checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// Applied to the invoice; staff and the contact are told.
    Recorded,
    /// It could not apply (more than due, another currency, the invoice no
    /// longer open): nothing changed but the history, and staff are told.
    RefusedForStaff,
    /// A failed payment, noted in the invoice's history.
    FailureNoted,
    /// This confirmation had been recorded before.
    AlreadyRecorded,
    /// The portal never opened this checkout.
    UnknownCheckout,
    /// The checkout names an invoice that no longer exists.
    UnknownInvoice,
}

impl Settlement {
    pub fn describe(self) -> &'static str {
        match self {
            Settlement::Recorded => "recorded",
            Settlement::RefusedForStaff => "refused for staff",
            Settlement::FailureNoted => "failure noted",
            Settlement::AlreadyRecorded => "already recorded",
            Settlement::UnknownCheckout => "unknown session",
            Settlement::UnknownInvoice => "unknown invoice",
        }
    }
}

/// Applies a paid checkout's `amount` to its invoice, once. Confirmations
/// out of order never regress an invoice: a paid invoice takes no further
/// payment.
pub async fn settle_checkout<S>(
    store: &S,
    stamps: Stamps<'_>,
    gateway: Gateway,
    session: &PaymentReference,
    amount: Money,
) -> Result<Settlement, WriteError>
where
    S: DocumentStore + PaymentStore + ContactStore + SettingsStore + ?Sized,
{
    let Some(checkout) = store.checkout(gateway, session).await? else {
        return Ok(Settlement::UnknownCheckout);
    };
    let Some(invoice) = store.document(&checkout.invoice).await? else {
        tracing::error!(invoice = %checkout.invoice, "paid checkout names a missing invoice");
        return Ok(Settlement::UnknownInvoice);
    };
    let (settings, contact) = tokio::join!(write::settings(store), write::owner(store, &invoice));
    let (settings, contact) = (settings?, contact?);
    let (recorded, record) = record(store, invoice, |invoice| {
        Ok::<_, WriteError>(match invoice.apply_payment(amount) {
            Ok(change) => {
                let payment = Payment {
                    invoice: invoice.id.clone(),
                    gateway,
                    reference: session.clone(),
                    amount,
                    at: stamps.now(),
                };
                let mut owed = stamps.to_staff(&settings, NotificationKind::PaymentReceived, invoice, None);
                owed.extend(stamps.to_contact(&contact, NotificationKind::PaymentReceipt, invoice, None));
                applied(stamps, invoice, payment, change, owed)
            }
            Err(refusal) => {
                tracing::warn!(invoice = %invoice.id, cause = %refusal, "payment not applied");
                PaymentRecord {
                    invoice: invoice.id.clone(),
                    key: record_key(gateway, session),
                    payment: None,
                    document: None,
                    events: vec![stamps.event(invoice, ActivityKind::PaymentRefused { reason: refusal.to_string() })],
                    notifications: stamps.to_staff(&settings, NotificationKind::PaymentNeedsAttention, invoice, None),
                }
            }
        })
    })
    .await?;
    Ok(match (recorded, record.payment.is_some()) {
        (Recorded::Before, _) => Settlement::AlreadyRecorded,
        (Recorded::Now, true) => Settlement::Recorded,
        (Recorded::Now, false) => Settlement::RefusedForStaff,
    })
}

/// Notes on the invoice, once, that a gateway reported a checkout's payment
/// as failed.
pub async fn note_failed_checkout<S>(
    store: &S,
    stamps: Stamps<'_>,
    gateway: Gateway,
    session: &PaymentReference,
) -> Result<Settlement, WriteError>
where
    S: DocumentStore + PaymentStore + ?Sized,
{
    let Some(checkout) = store.checkout(gateway, session).await? else {
        return Ok(Settlement::UnknownCheckout);
    };
    let Some(invoice) = store.document(&checkout.invoice).await? else { return Ok(Settlement::UnknownInvoice) };
    let record = PaymentRecord {
        invoice: invoice.id.clone(),
        key: format!("{}#failed", record_key(gateway, session)),
        payment: None,
        document: None,
        events: vec![stamps.event(&invoice, ActivityKind::PaymentFailed)],
        notifications: Vec::new(),
    };
    Ok(match store.record_payment(&record).await? {
        Recorded::Now => Settlement::FailureNoted,
        Recorded::Before => Settlement::AlreadyRecorded,
    })
}
