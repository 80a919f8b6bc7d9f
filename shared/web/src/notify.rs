//! Delivering the notification outbox: claim, compose, send, mark delivered.
//!
//! Every path that delivers — the stream consumer in AWS, the local server's
//! drain — goes through [`deliver`], whose claim/mark steps are conditional
//! writes: a replayed or concurrent delivery of one notification sends once,
//! and a failed send leaves it pending for the next attempt, up to
//! [`MAX_ATTEMPTS`]; then it is abandoned (kept, with its last error, out of
//! the queue) so one undeliverable mail cannot hold up the rest.
//!
//! The one window for a second send: the mail went out but recording that
//! failed even after [`MARK_ATTEMPTS`] tries; when the claim's lease runs out
//! the notification is sent again. A duplicate mail is the better failure
//! than a lost one.

use crate::routes::url;
use crate::state::AppState;
use crate::views::mail::{self, NotificationFacts};
use portal_domain::interaction::NotificationId;
use portal_domain::ports::{OutgoingMail, StoreError};
use time::Duration;

/// How long a claim keeps other consumers away from a notification.
pub const LEASE: Duration = Duration::seconds(60);
/// Notifications read per drain pass.
pub const DRAIN_BATCH: u32 = 50;
/// A drain pass starts no new delivery after this long (the consumer's
/// timeout is twice this), leaving the rest for the next pass.
pub const DRAIN_BUDGET: std::time::Duration = std::time::Duration::from_secs(30);
/// Sends tried before a notification is abandoned.
pub const MAX_ATTEMPTS: u32 = 8;
/// Tries at recording a sent mail as delivered.
pub const MARK_ATTEMPTS: u32 = 3;

/// What happened to one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Delivered before, or being delivered by someone else: nothing to do.
    Skipped,
    /// The send failed; the notification stays pending.
    Failed(String),
    /// The send failed for the last allowed time; the notification left the queue.
    Abandoned(String),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    pub skipped: usize,
    pub failed: usize,
    pub abandoned: usize,
    /// Notifications the store could not claim or update (retried next pass).
    pub storage_errors: usize,
}

/// Who a mail about a document goes to, which decides the link it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Staff: the staff view (history, reply box, link controls, quick actions).
    Staff,
    /// A contact with portal access: the portal page.
    PortalContact,
    /// A contact without portal access: the document's shareable link.
    LinkHolder,
}

/// The absolute URL that opens `document` for `reader`.
pub fn document_url(state: &AppState, document: &portal_domain::Document, reader: Reader) -> String {
    let path = match reader {
        Reader::Staff => url::staff_document(&document.id),
        Reader::PortalContact => url::document(document.kind, &document.id),
        Reader::LinkHolder => {
            url::document_link(&state.keys.document_link_token(&document.id, &document.access_link.nonce))
        }
    };
    format!("{}{path}", state.config.public_url)
}

/// Delivers one notification at most once.
pub async fn deliver(state: &AppState, id: &NotificationId) -> Result<Delivery, StoreError> {
    let now = state.clock.now();
    let Some(claim) = state.store.claim_notification(id, now, now + LEASE).await? else {
        return Ok(Delivery::Skipped);
    };
    let notification = &claim.entry.notification;
    let composed = compose(state, notification).await;
    let result = match composed {
        Ok(message) => state.mailer.send(&message).await.map_err(|e| e.to_string()),
        Err(why) => Err(why),
    };
    match result {
        Ok(()) => {
            mark_delivered(state, &claim).await?;
            tracing::info!(notification = %id, kind = ?notification.kind, "notification sent");
            Ok(Delivery::Sent)
        }
        Err(why) if claim.entry.attempts >= MAX_ATTEMPTS => {
            tracing::error!(notification = %id, attempts = claim.entry.attempts, cause = %why, "notification abandoned");
            state.store.abandon_notification(&claim, &why, state.clock.now()).await?;
            Ok(Delivery::Abandoned(why))
        }
        Err(why) => {
            tracing::warn!(notification = %id, attempts = claim.entry.attempts, cause = %why, "notification not sent; will retry");
            state.store.release_claim(&claim, &why).await?;
            Ok(Delivery::Failed(why))
        }
    }
}

/// Records a sent mail, retrying a storage hiccup: until it is recorded, the
/// mail could be sent again once the lease ends.
async fn mark_delivered(state: &AppState, claim: &portal_domain::ports::Claim) -> Result<(), StoreError> {
    let mut attempt = 1;
    loop {
        match state.store.mark_delivered(claim, state.clock.now()).await {
            Ok(()) => return Ok(()),
            Err(error) if attempt < MARK_ATTEMPTS && !matches!(error, StoreError::Conflict(_)) => {
                tracing::warn!(notification = %claim.entry.notification.id, attempt, cause = %error, "recording a sent mail failed; retrying");
                tokio::time::sleep(std::time::Duration::from_millis(100 * u64::from(attempt))).await;
                attempt += 1;
            }
            Err(error) => {
                tracing::error!(notification = %claim.entry.notification.id, cause = %error, "sent mail not recorded; it may be sent again after the lease");
                return Err(error);
            }
        }
    }
}

async fn compose(
    state: &AppState,
    notification: &portal_domain::interaction::Notification,
) -> Result<OutgoingMail, String> {
    let settings = state.business_settings().await.map_err(|e| e.to_string())?;
    let document = state
        .store
        .document(&notification.document_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("document {} is gone", notification.document_id))?;
    let contact = state
        .store
        .contact(&document.contact_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("contact {} is gone", document.contact_id))?;
    let reader = if notification.kind.to_staff() {
        Reader::Staff
    } else if contact.portal_access {
        Reader::PortalContact
    } else {
        Reader::LinkHolder
    };
    let link = document_url(state, &document, reader);
    let content = mail::notification(&NotificationFacts {
        kind: notification.kind,
        locale: notification.locale,
        settings: &settings,
        document: &document,
        contact_name: &contact.name,
        comment: notification.comment.as_ref(),
        link: &link,
    });
    Ok(OutgoingMail {
        to: notification.to.clone(),
        reply_to: settings.reply_to.clone(),
        subject: content.subject,
        text: content.text,
        html: content.html,
        attachments: Vec::new(),
    })
}

/// Delivers every pending notification once (the local server's consumer, and
/// a sweeper for anything the stream consumer could not send).
/// One notification's storage error does not stop the others; only failing
/// to read the queue at all is an error.
pub async fn drain(state: &AppState) -> Result<DrainReport, StoreError> {
    let started = std::time::Instant::now();
    let mut report = DrainReport::default();
    for id in state.store.pending_notifications(DRAIN_BATCH).await? {
        if started.elapsed() > DRAIN_BUDGET {
            break;
        }
        match deliver(state, &id).await {
            Ok(Delivery::Sent) => report.sent += 1,
            Ok(Delivery::Skipped) => report.skipped += 1,
            Ok(Delivery::Failed(_)) => report.failed += 1,
            Ok(Delivery::Abandoned(_)) => report.abandoned += 1,
            Err(error) => {
                tracing::error!(notification = %id, cause = %error, "outbox storage failed");
                report.storage_errors += 1;
            }
        }
    }
    Ok(report)
}
