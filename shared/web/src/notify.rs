//! Delivering the notification outbox: claim, compose, send, mark delivered.
//!
//! Every path that delivers — the stream consumer in AWS, the local server's
//! drain — goes through [`deliver`], whose claim/mark steps are conditional
//! writes: a replayed or concurrent delivery of one notification sends at most
//! once, and a failed send leaves it pending for the next attempt.

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

/// What happened to one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Delivered before, or being delivered by someone else: nothing to do.
    Skipped,
    /// The send failed; the notification stays pending.
    Failed(String),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    pub skipped: usize,
    pub failed: usize,
}

/// The absolute URL that opens `document` for a recipient: the portal page for
/// contacts with portal access, the document's link for everyone else.
pub fn document_url(state: &AppState, document: &portal_domain::Document, portal_user: bool) -> String {
    let path = if portal_user {
        url::document(document.kind, &document.id)
    } else {
        url::document_link(&state.keys.document_link_token(&document.id, &document.access_link.nonce))
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
            state.store.mark_delivered(&claim, state.clock.now()).await?;
            tracing::info!(notification = %id, kind = ?notification.kind, "notification sent");
            Ok(Delivery::Sent)
        }
        Err(why) => {
            tracing::warn!(notification = %id, attempts = claim.entry.attempts, cause = %why, "notification not sent; will retry");
            state.store.release_claim(&claim, &why).await?;
            Ok(Delivery::Failed(why))
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
    let portal_user = !notification.kind.to_staff() && contact.portal_access;
    let link = document_url(state, &document, portal_user);
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
pub async fn drain(state: &AppState) -> Result<DrainReport, StoreError> {
    let mut report = DrainReport::default();
    for id in state.store.pending_notifications(DRAIN_BATCH).await? {
        match deliver(state, &id).await? {
            Delivery::Sent => report.sent += 1,
            Delivery::Skipped => report.skipped += 1,
            Delivery::Failed(_) => report.failed += 1,
        }
    }
    Ok(report)
}
