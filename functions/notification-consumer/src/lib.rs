//! `portal-notification-consumer`: delivers the notification outbox in AWS.
//!
//! Fed by the table's stream (new `OUTBOX#` items) and by a schedule that
//! sweeps anything still pending. Delivery goes through
//! `portal_web::notify::deliver`, whose conditional claim makes a replayed or
//! retried record send nothing twice; a record whose send failed is reported
//! back as a batch item failure so the stream retries it (and, after the
//! retries, it goes to the dead-letter queue while the item stays pending for
//! the sweeper).

use portal_domain::interaction::NotificationId;
use portal_web::AppState;
use portal_web::notify::{self, Delivery};
use serde_json::{Value, json};

/// The notification an `INSERT` stream record announces, if it is one.
pub fn notification_of(record: &Value) -> Option<NotificationId> {
    if record["eventName"].as_str() != Some("INSERT") {
        return None;
    }
    let pk = record["dynamodb"]["Keys"]["pk"]["S"].as_str()?;
    NotificationId::parse(portal_runtime::outbox_notification_in_key(pk)?).ok()
}

/// Handles one invocation: a stream batch (`Records`) or a scheduled sweep.
/// Returns the partial-batch response the stream expects.
pub async fn handle(state: &AppState, event: Value) -> Value {
    let Some(records) = event["Records"].as_array() else {
        // A scheduled sweep.
        match notify::drain(state).await {
            Ok(report) => tracing::info!(?report, "outbox sweep"),
            Err(error) => tracing::error!(cause = %error, "outbox sweep failed"),
        }
        return json!({ "batchItemFailures": [] });
    };
    let mut failures = Vec::new();
    for record in records {
        let Some(id) = notification_of(record) else { continue };
        let failed = match notify::deliver(state, &id).await {
            // An abandoned notification is done with: retrying the record cannot help.
            Ok(Delivery::Sent | Delivery::Skipped | Delivery::Abandoned(_)) => false,
            Ok(Delivery::Failed(_)) => true,
            Err(error) => {
                tracing::error!(notification = %id, cause = %error, "outbox storage failed");
                true
            }
        };
        if failed && let Some(sequence) = record["dynamodb"]["SequenceNumber"].as_str() {
            failures.push(json!({ "itemIdentifier": sequence }));
        }
    }
    json!({ "batchItemFailures": failures })
}
