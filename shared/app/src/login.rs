//! Magic-link login, for contacts and for staff: asking for a link, and
//! spending it.
//!
//! The answer to a request is the same, after the same time, whether or not
//! the address may log in, so the form cannot tell strangers who is a
//! customer or who works for the business. Requests are limited per client
//! address and per email address; the link is mailed only within the
//! address's allowance, and kept by its digest only.

use crate::limits;
use crate::stamps::Stamps;
use crate::write::WriteError;
use portal_domain::ports::{ContactStore, LoginToken, LoginTokenStore, Mailer, OutgoingMail, StaffStore};
use portal_domain::{BusinessSettings, Contact, EmailAddress, Locale};
use std::time::Duration as Wait;
use time::Duration;

/// How long a login link works.
pub const LINK_LIFETIME: Duration = Duration::minutes(15);
/// How long an invitation (a login link staff send) works.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);
/// The least time the "check your email" answer takes, whether or not a link
/// was sent (longer than a typical mail send, so both look alike).
pub const ANSWER_TIME: Wait = Wait::from_millis(250);

/// The allowances of a login form.
#[derive(Debug, Clone, Copy)]
pub struct LinkLimits {
    /// Links mailed to one address per window; further requests answer the same but send nothing.
    pub per_address: u64,
    /// Requests accepted from one client address per window.
    pub per_client: u64,
    pub window_seconds: i64,
}

/// The limits both login forms use.
pub const LINK_LIMITS: LinkLimits = LinkLimits { per_address: 5, per_client: 30, window_seconds: 15 * 60 };

/// The secret half of links and keys: fresh unguessable tokens, and the
/// digest the store keeps instead of the token.
pub trait Secrets: Send + Sync {
    fn new_token(&self) -> String;
    fn digest(&self, token: &str) -> String;
}

/// Who logs in with the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Contact,
    Staff,
}

impl Audience {
    fn bucket(self) -> &'static str {
        match self {
            Audience::Contact => "login",
            Audience::Staff => "staff-login",
        }
    }
}

/// What the mail with the link needs to know about its reader.
#[derive(Debug, Clone)]
pub struct LinkReader {
    pub to: EmailAddress,
    pub locale: Locale,
    pub reply_to: Option<EmailAddress>,
}

#[derive(Debug, thiserror::Error)]
pub enum LinkRequestError {
    #[error("too many login requests from this client")]
    TooManyRequests,
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl From<portal_domain::ports::StoreError> for LinkRequestError {
    fn from(error: portal_domain::ports::StoreError) -> Self {
        LinkRequestError::Write(error.into())
    }
}

/// The ports asking for a link uses.
pub struct LinkServices<'a, S: ?Sized> {
    pub store: &'a S,
    pub stamps: Stamps<'a>,
    pub mailer: &'a dyn Mailer,
    pub secrets: &'a dyn Secrets,
}

/// Mails a single-use login link to `email` if it may log in as `audience`,
/// then answers after [`ANSWER_TIME`] in every case. `compose` writes the
/// mail for a reader and a token.
pub async fn request_link<S>(
    services: LinkServices<'_, S>,
    settings: &BusinessSettings,
    audience: Audience,
    email: &EmailAddress,
    client: &str,
    compose: impl FnOnce(&LinkReader, &str) -> OutgoingMail,
) -> Result<(), LinkRequestError>
where
    S: LoginTokenStore + ContactStore + StaffStore + ?Sized,
{
    let LinkServices { store, stamps, mailer, secrets } = services;
    let now = stamps.now();
    let window = LINK_LIMITS.window_seconds;
    let bucket = audience.bucket();
    if limits::count_attempt(store, &format!("{bucket}-ip#{client}"), now, window).await? > LINK_LIMITS.per_client {
        return Err(LinkRequestError::TooManyRequests);
    }
    let address = secrets.digest(email.as_str());
    let count = limits::count_attempt(store, &format!("{bucket}-email#{address}"), now, window).await?;
    let started = std::time::Instant::now();
    if count <= LINK_LIMITS.per_address {
        if let Some(reader) = grant(store, secrets, settings, audience, email, now).await? {
            let mail = compose(&reader.0, &reader.1);
            // A failed send is logged, not shown: showing it would tell
            // strangers that this address may log in.
            if let Err(error) = mailer.send(&mail).await {
                tracing::error!(audience = ?audience, cause = %error, "login link not sent");
            }
        }
    } else {
        tracing::warn!(email_digest = %address, "login links for this address are rate-limited");
    }
    // Known and unknown addresses answer after the same time, so the time
    // taken by a mail send does not tell strangers who may log in.
    tokio::time::sleep(ANSWER_TIME.saturating_sub(started.elapsed())).await;
    Ok(())
}

/// Stores a new link's digest for an address that may log in, returning its
/// reader and token; `None` for anyone else.
async fn grant<S>(
    store: &S,
    secrets: &dyn Secrets,
    settings: &BusinessSettings,
    audience: Audience,
    email: &EmailAddress,
    now: time::OffsetDateTime,
) -> Result<Option<(LinkReader, String)>, LinkRequestError>
where
    S: LoginTokenStore + ContactStore + StaffStore + ?Sized,
{
    let token = secrets.new_token();
    let expires_at = now + LINK_LIFETIME;
    let reader = match audience {
        Audience::Contact => {
            let Some(contact) = store.contact_by_email(email).await?.filter(|c| c.portal_access) else {
                return Ok(None);
            };
            let record = LoginToken { digest: secrets.digest(&token), contact_id: contact.id.clone(), expires_at };
            store.save_login_token(&record).await?;
            LinkReader { to: email.clone(), locale: contact.locale, reply_to: settings.reply_to.clone() }
        }
        Audience::Staff => {
            if !settings.staff_emails.contains(email) {
                return Ok(None);
            }
            store.save_staff_login(&secrets.digest(&token), email, expires_at).await?;
            LinkReader { to: email.clone(), locale: settings.default_locale, reply_to: None }
        }
    };
    Ok(Some((reader, token)))
}

#[derive(Debug, thiserror::Error)]
pub enum SpendError {
    #[error("the link was used before, expired, or never existed")]
    Spent,
    #[error("the address may no longer log in")]
    AccessDisabled,
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl From<portal_domain::ports::StoreError> for SpendError {
    fn from(error: portal_domain::ports::StoreError) -> Self {
        SpendError::Write(error.into())
    }
}

/// Spends a contact's link, once: the contact it logs in, if they still have portal access.
pub async fn spend_contact_link<S>(
    store: &S,
    stamps: Stamps<'_>,
    secrets: &dyn Secrets,
    token: &str,
) -> Result<Contact, SpendError>
where
    S: LoginTokenStore + ContactStore + ?Sized,
{
    let login = store.spend_login_token(&secrets.digest(token), stamps.now()).await?.ok_or(SpendError::Spent)?;
    let contact = store.contact(&login.contact_id).await?.filter(|c| c.portal_access);
    let contact = contact.ok_or(SpendError::AccessDisabled)?;
    tracing::info!(contact = %contact.id, "contact logged in");
    Ok(contact)
}

/// Spends a staff link, once: the staff address it logs in, if it is still one.
pub async fn spend_staff_link<S>(
    store: &S,
    stamps: Stamps<'_>,
    secrets: &dyn Secrets,
    settings: &BusinessSettings,
    token: &str,
) -> Result<EmailAddress, SpendError>
where
    S: StaffStore + ?Sized,
{
    let email = store.spend_staff_login(&secrets.digest(token), stamps.now()).await?.ok_or(SpendError::Spent)?;
    if !settings.staff_emails.contains(&email) {
        return Err(SpendError::AccessDisabled);
    }
    tracing::info!(staff = %secrets.digest(email.as_str()), "staff logged in");
    Ok(email)
}

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("no contact with this id")]
    NotFound,
    #[error("the contact's portal access is off")]
    AccessDisabled,
    #[error("the contact has no email address")]
    NoEmail,
    #[error("the invitation mail was not sent: {0}")]
    NotSent(portal_domain::ports::MailError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl From<portal_domain::ports::StoreError> for InviteError {
    fn from(error: portal_domain::ports::StoreError) -> Self {
        InviteError::Write(error.into())
    }
}

/// Staff invite a contact with portal access: a login link that lasts
/// [`INVITATION_LIFETIME`], mailed to their first address in their language.
/// Returns the address it was sent to. `compose` writes the mail.
pub async fn invite_contact<S>(
    services: LinkServices<'_, S>,
    settings: &BusinessSettings,
    contact: &portal_domain::ContactId,
    compose: impl FnOnce(&LinkReader, &str) -> OutgoingMail,
) -> Result<EmailAddress, InviteError>
where
    S: LoginTokenStore + ContactStore + ?Sized,
{
    let LinkServices { store, stamps, mailer, secrets } = services;
    let contact = store.contact(contact).await?.ok_or(InviteError::NotFound)?;
    if !contact.portal_access {
        return Err(InviteError::AccessDisabled);
    }
    let to = contact.primary_email().cloned().ok_or(InviteError::NoEmail)?;
    let token = secrets.new_token();
    let record = LoginToken {
        digest: secrets.digest(&token),
        contact_id: contact.id.clone(),
        expires_at: stamps.now() + INVITATION_LIFETIME,
    };
    store.save_login_token(&record).await?;
    let reader = LinkReader { to: to.clone(), locale: contact.locale, reply_to: settings.reply_to.clone() };
    mailer.send(&compose(&reader, &token)).await.map_err(InviteError::NotSent)?;
    tracing::info!(contact = %contact.id, "portal invitation sent");
    Ok(to)
}
