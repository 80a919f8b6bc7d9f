//! Who is asking: a logged-in contact (session cookie), or a holder of one
//! document's link (a cookie scoped to that document's path).

use crate::error::{Problem, WebError};
use crate::http::{self, SetCookie};
use crate::routes::url;
use crate::state::AppState;
use crate::tokens::{DOCUMENT_ACCESS_LIFETIME, Session};
use lambda_http::{Body, Request, Response};
use portal_domain::{Actor, Contact, Document};

pub fn session_cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies { "__Host-portal_session" } else { "portal_session" }
}

pub fn document_cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies { "__Secure-portal_doc" } else { "portal_doc" }
}

/// A logged-in contact.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub contact: Contact,
    pub session: Session,
}

impl Viewer {
    pub fn actor(&self) -> Actor {
        Actor::Contact { id: self.contact.id.clone(), role: self.contact.role }
    }
}

/// The logged-in contact, if the session cookie is valid and the contact still
/// has portal access (disabling access ends every session at once).
pub async fn current_contact(state: &AppState, request: &Request) -> Result<Option<Viewer>, WebError> {
    let Some(token) = http::cookie(request, session_cookie_name(state)) else { return Ok(None) };
    let Some(session) = state.keys.verify_session(&token, state.clock.now()) else { return Ok(None) };
    let contact = state.store.contact(&session.contact_id).await?;
    Ok(contact.filter(|c| c.portal_access).map(|contact| Viewer { contact, session }))
}

pub async fn require_contact(state: &AppState, request: &Request) -> Result<Viewer, WebError> {
    current_contact(state, request).await?.ok_or(WebError::LoginRequired)
}

pub fn start_session(state: &AppState, response: &mut Response<Body>, contact: &Contact) {
    let now = state.clock.now();
    let (token, expires_at) = state.keys.issue_session(&contact.id, now);
    let max_age = (expires_at - now).whole_seconds();
    let cookie = SetCookie {
        name: session_cookie_name(state),
        value: &token,
        path: "/",
        max_age: Some(max_age),
        secure: state.config.secure_cookies,
    };
    http::add_cookie(response, &cookie);
}

pub fn end_session(state: &AppState, response: &mut Response<Body>) {
    let cookie = SetCookie {
        name: session_cookie_name(state),
        value: "",
        path: "/",
        max_age: Some(0),
        secure: state.config.secure_cookies,
    };
    http::add_cookie(response, &cookie);
}

/// How someone reached a document.
#[derive(Debug, Clone)]
pub enum DocumentAccessor {
    Contact(Box<Viewer>),
    LinkHolder,
}

impl DocumentAccessor {
    pub fn actor(&self, document: &Document) -> Actor {
        match self {
            DocumentAccessor::Contact(viewer) => viewer.actor(),
            DocumentAccessor::LinkHolder => Actor::LinkHolder { document: document.id.clone() },
        }
    }
}

/// Decides who may open `document`: its contact with a session, or a holder of
/// its current, unexpired link. Anyone else is refused as if it did not exist.
pub async fn document_accessor(
    state: &AppState,
    request: &Request,
    document: &Document,
) -> Result<DocumentAccessor, WebError> {
    let viewer = current_contact(state, request).await?;
    if let Some(viewer) = viewer.clone().filter(|v| v.actor().may_see(document)) {
        return Ok(DocumentAccessor::Contact(Box::new(viewer)));
    }
    let now = state.clock.now();
    let link_ok = http::cookie(request, document_cookie_name(state))
        .and_then(|token| state.keys.verify_document_access(&token, now))
        .is_some_and(|access| {
            access.document_id == document.id
                && access.nonce == document.access_link.nonce
                && document.access_link.is_usable(now)
        });
    match (link_ok, viewer) {
        (true, _) => Ok(DocumentAccessor::LinkHolder),
        (false, Some(_)) => Err(Problem::NotFound.into()),
        (false, None) => Err(WebError::LoginRequired),
    }
}

/// Grants the browser access to `document` through a cookie that only its own
/// path receives, so the link token itself never stays in the address bar.
pub fn grant_document_access(state: &AppState, response: &mut Response<Body>, document: &Document) {
    let now = state.clock.now();
    let mut expires_at = now + DOCUMENT_ACCESS_LIFETIME;
    if let Some(link_expiry) = document.access_link.expires_at {
        expires_at = expires_at.min(link_expiry);
    }
    let token = state.keys.issue_document_access(&document.id, &document.access_link.nonce, now, expires_at);
    let path = url::document(document.kind, &document.id);
    let cookie = SetCookie {
        name: document_cookie_name(state),
        value: &token,
        path: &path,
        max_age: Some((expires_at - now).whole_seconds().max(0)),
        secure: state.config.secure_cookies,
    };
    http::add_cookie(response, &cookie);
}

pub fn staff_cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies { "__Host-portal_staff" } else { "portal_staff" }
}

/// A logged-in staff member, and the settings that list them.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub email: portal_domain::EmailAddress,
    pub settings: portal_domain::BusinessSettings,
}

/// The logged-in staff member, if the staff cookie is valid and their email
/// is still among the settings' staff emails (removing it ends the session).
pub async fn current_staff(state: &AppState, request: &Request) -> Result<Option<StaffMember>, WebError> {
    let Some(token) = http::cookie(request, staff_cookie_name(state)) else { return Ok(None) };
    let Some(email) = state.keys.verify_staff_session(&token, state.clock.now()) else { return Ok(None) };
    let settings = state.business_settings().await?;
    Ok(settings.staff_emails.contains(&email).then_some(StaffMember { email, settings }))
}

/// The staff member, or a redirect to the staff login that comes back here.
pub async fn require_staff(state: &AppState, request: &Request) -> Result<StaffMember, WebError> {
    current_staff(state, request)
        .await?
        .ok_or_else(|| WebError::StaffLoginRequired { next: request.uri().path().to_string() })
}

/// Sets the staff session cookie. Fails only in a function deployed without
/// the staff secret (a configuration fault: the template gives it to the staff pages).
pub fn start_staff_session(
    state: &AppState,
    response: &mut Response<Body>,
    email: &portal_domain::EmailAddress,
) -> Result<(), WebError> {
    let now = state.clock.now();
    let (token, expires_at) = state.keys.issue_staff_session(email, now).ok_or_else(|| {
        WebError::broken(format!("this function has no staff secret ({})", crate::config::ENV_STAFF_SECRET_KEY))
    })?;
    let cookie = SetCookie {
        name: staff_cookie_name(state),
        value: &token,
        path: "/",
        max_age: Some((expires_at - now).whole_seconds()),
        secure: state.config.secure_cookies,
    };
    http::add_cookie(response, &cookie);
    Ok(())
}

pub fn end_staff_session(state: &AppState, response: &mut Response<Body>) {
    let cookie = SetCookie {
        name: staff_cookie_name(state),
        value: "",
        path: "/",
        max_age: Some(0),
        secure: state.config.secure_cookies,
    };
    http::add_cookie(response, &cookie);
}
