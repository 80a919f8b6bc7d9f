//! What every document action shares: parsing the request once (route, form,
//! CSRF), deciding who acts, and building the events and notifications an
//! action writes in the same atomic change.

use crate::auth::{self, DocumentAccessor};
use crate::csrf;
use crate::error::{Problem, WebError};
use crate::http;
use crate::routes::{Route, url};
use crate::state::AppState;
use lambda_http::{Body, Request, Response};
use portal_domain::interaction::{Comment, Notification, NotificationId, NotificationKind, Origin};
use portal_domain::{ActivityEvent, ActivityKind, BusinessSettings, Contact, Document, DocumentId, DocumentKind};
use std::collections::HashMap;

/// A verified request to act on a document.
pub struct ActionRequest {
    pub document: Document,
    pub accessor: DocumentAccessor,
    pub contact: Contact,
    pub settings: BusinessSettings,
    pub form: HashMap<String, String>,
}

impl ActionRequest {
    pub fn origin(&self) -> Origin {
        match self.accessor {
            DocumentAccessor::Contact(_) => Origin::Portal,
            DocumentAccessor::LinkHolder => Origin::Link,
        }
    }

    /// A refusal that links back to the document.
    pub fn refuse(&self, problem: Problem) -> WebError {
        WebError::Refused { problem, back: url::document(self.document.kind, &self.document.id) }
    }

    pub fn field(&self, name: &str) -> &str {
        self.form.get(name).map(String::as_str).unwrap_or_default()
    }

    /// The answer was given to the content now stored: the form carries the
    /// content version its page showed, so an edit in between (new lines, a
    /// new price) is never accepted unseen.
    pub fn require_seen_version(&self) -> Result<(), WebError> {
        match self.field(VERSION_FIELD).trim().parse::<u32>() {
            Ok(seen) if seen == self.document.content_version => Ok(()),
            _ => Err(self.refuse(Problem::DocumentChanged)),
        }
    }
}

/// The hidden form field that carries the content version an answer was given to.
pub const VERSION_FIELD: &str = "version";

/// Parses and authorises an action on the document named by `route`'s path:
/// form body, CSRF, the document, and who may act on it. A route without a
/// `{kind}` parameter is for `fixed_kind` only.
pub async fn prepare(
    state: &AppState,
    request: &Request,
    route: &Route,
    fixed_kind: Option<DocumentKind>,
) -> Result<ActionRequest, WebError> {
    let params = route.matches(request.uri().path()).ok_or(Problem::NotFound)?;
    let kind = match fixed_kind {
        Some(kind) => kind,
        None => params.get("kind").and_then(DocumentKind::from_slug).ok_or(Problem::NotFound)?,
    };
    let id = params.get("id").and_then(|id| DocumentId::parse(id).ok()).ok_or(Problem::NotFound)?;
    let form = http::form(request)?;
    csrf::verify(state, request, &form)?;
    let Some(document) = state.store.document(&id).await?.filter(|d| d.kind == kind) else {
        return match auth::current_contact(state, request).await? {
            Some(_) => Err(Problem::NotFound.into()),
            None => Err(WebError::LoginRequired),
        };
    };
    let accessor = auth::document_accessor(state, request, &document).await?;
    let (settings, contact) = tokio::join!(state.business_settings(), state.store.contact(&document.contact_id));
    let contact =
        contact?.ok_or_else(|| WebError::Internal(format!("document {} names a missing contact", document.id)))?;
    Ok(ActionRequest { document, accessor, contact, settings: settings?, form })
}

/// An activity event on `document` now.
pub fn event(state: &AppState, document: &Document, kind: ActivityKind) -> ActivityEvent {
    ActivityEvent {
        id: state.ids.new_id(),
        document_id: document.id.clone(),
        document_kind: document.kind,
        document_number: document.number.clone(),
        contact_id: document.contact_id.clone(),
        at: state.clock.now(),
        kind,
    }
}

fn notification(
    state: &AppState,
    kind: NotificationKind,
    document: &Document,
    to: &portal_domain::EmailAddress,
    locale: portal_domain::Locale,
    comment: Option<&Comment>,
) -> Option<Notification> {
    Some(Notification {
        id: NotificationId::parse(&state.ids.new_id()).ok()?,
        kind,
        document_id: document.id.clone(),
        to: to.clone(),
        locale,
        comment: comment.cloned(),
        created_at: state.clock.now(),
    })
}

/// One notification per staff address, in the business's language.
pub fn to_staff(
    state: &AppState,
    settings: &BusinessSettings,
    kind: NotificationKind,
    document: &Document,
    comment: Option<&Comment>,
) -> Vec<Notification> {
    settings
        .staff_emails
        .iter()
        .filter_map(|to| notification(state, kind, document, to, settings.default_locale, comment))
        .collect()
}

/// A notification to the contact's first address, in their language.
pub fn to_contact(
    state: &AppState,
    contact: &Contact,
    kind: NotificationKind,
    document: &Document,
    comment: Option<&Comment>,
) -> Vec<Notification> {
    contact
        .primary_email()
        .and_then(|to| notification(state, kind, document, to, contact.locale, comment))
        .into_iter()
        .collect()
}

/// Back to the document after an action (POST → redirect → GET).
pub fn back_to(document: &Document) -> Response<Body> {
    http::see_other(&url::document(document.kind, &document.id))
}

/// A short, stable fingerprint of the user agent and address for the record
/// (kept whole but bounded).
pub fn client_details(request: &Request) -> (String, String) {
    let agent = http::header_str(request, lambda_http::http::header::USER_AGENT).unwrap_or_default();
    (http::client_ip(request), agent.chars().take(300).collect())
}
