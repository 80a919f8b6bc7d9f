//! What every document action shares at the HTTP edge: parsing the request
//! once (route, form, CSRF), deciding who acts, and telling the contact why
//! the use case refused.

use crate::auth::{self, DocumentAccessor};
use crate::csrf;
use crate::error::{Problem, WebError};
use crate::http;
use crate::routes::{Route, url};
use crate::state::AppState;
use lambda_http::{Body, Request, Response};
use portal_app::answers::{AnswerError, OnDocument};
use portal_domain::interaction::Origin;
use portal_domain::{BusinessSettings, Contact, Document, DocumentId, DocumentKind};
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

    /// The action as the use cases take it: who acts, from where, on what
    /// they were shown (the content version the form carries).
    pub fn on_document(&self) -> OnDocument<'_> {
        OnDocument {
            document: self.document.clone(),
            actor: self.accessor.actor(&self.document),
            origin: self.origin(),
            contact: &self.contact,
            settings: &self.settings,
            seen_version: self.field(VERSION_FIELD).trim().parse().ok(),
        }
    }

    /// What the contact is told when an answer is not recorded.
    pub fn refuse_answer(&self, error: AnswerError) -> WebError {
        let problem = match error {
            AnswerError::NotPermitted => return Problem::NotFound.into(),
            AnswerError::Expired => Problem::QuoteExpired,
            AnswerError::AlreadyAnswered if self.document.kind == DocumentKind::PurchaseOrder => {
                Problem::AlreadyConfirmed
            }
            AnswerError::AlreadyAnswered => Problem::AlreadyAnswered,
            AnswerError::Unavailable => Problem::ActionUnavailable,
            AnswerError::DocumentChanged => Problem::DocumentChanged,
            AnswerError::Write(error) => return error.into(),
        };
        self.refuse(problem)
    }
}

/// The hidden form field that carries the content version an answer was given to.
pub const VERSION_FIELD: &str = portal_views::fields::VERSION;

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
    let form: HashMap<String, String> = csrf::form(state, request)?;
    let Some(document) = state.store.document(&id).await?.filter(|d| d.kind == kind) else {
        return match auth::current_contact(state, request).await? {
            Some(_) => Err(Problem::NotFound.into()),
            None => Err(WebError::LoginRequired),
        };
    };
    let accessor = auth::document_accessor(state, request, &document).await?;
    let (settings, contact) =
        tokio::join!(state.business_settings(), portal_app::write::owner(state.store.as_ref(), &document));
    Ok(ActionRequest { document, accessor, contact: contact?, settings: settings?, form })
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
