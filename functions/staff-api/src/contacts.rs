//! Contacts: create, read, change (including portal access and the catalog
//! option), invite to the portal, and list their documents.

use crate::{nullable, text};
use lambda_http::http::StatusCode;
use portal_app::login::{self, InviteError, LinkReader};
use portal_domain::ports::{DocumentListQuery, StoreError};
use portal_domain::settings::Address;
use portal_domain::{
    Contact, ContactId, ContactRole, DocumentFilter, DocumentKind, EmailAddress, Locale, PriceCondition, TaxId,
};
use portal_web::api::{self, ApiError, ApiResult};
use portal_web::routes::url;
use portal_web::views::mail;
use portal_web::{AppState, Request, http};
use serde::Deserialize;

/// How long an invitation's login link lasts (a normal login link: 15 minutes).
pub const MAX_EMAILS: usize = 10;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    /// Your system's id for the contact (lowercase letters, digits, `-`); generated when absent.
    #[serde(default)]
    pub id: Option<ContactId>,
    pub name: String,
    #[serde(default)]
    pub tax_id: Option<TaxId>,
    pub role: ContactRole,
    pub emails: Vec<EmailAddress>,
    #[serde(default)]
    pub locale: Locale,
    #[serde(default)]
    pub portal_access: bool,
    #[serde(default)]
    pub catalog: bool,
    #[serde(default)]
    pub price_condition: PriceCondition,
    #[serde(default)]
    pub recargo_equivalencia: bool,
    #[serde(default)]
    pub address: Option<Address>,
}

/// A partial change: absent fields stay as they are; `null` clears the optional ones.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactChange {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub tax_id: Option<Option<TaxId>>,
    pub role: Option<ContactRole>,
    pub emails: Option<Vec<EmailAddress>>,
    pub locale: Option<Locale>,
    pub portal_access: Option<bool>,
    pub catalog: Option<bool>,
    pub price_condition: Option<PriceCondition>,
    pub recargo_equivalencia: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub address: Option<Option<Address>>,
}

/// What serde cannot check on its own.
pub fn checked(mut contact: Contact) -> Result<Contact, ApiError> {
    contact.name = text("name", &contact.name, 200)?;
    let mut seen = std::collections::BTreeSet::new();
    contact.emails.retain(|email| seen.insert(email.clone()));
    if contact.emails.is_empty() || contact.emails.len() > MAX_EMAILS {
        return Err(ApiError::invalid("emails", format!("List 1 to {MAX_EMAILS} email addresses.")));
    }
    if let PriceCondition::PriceList { name } = &contact.price_condition {
        text("price_condition.name", name, 80)?;
    }
    if let Some(address) = &contact.address {
        text("address.street", &address.street, 200)?;
        text("address.city", &address.city, 100)?;
    }
    Ok(contact)
}

async fn find(state: &AppState, id: &str) -> Result<Contact, ApiError> {
    let id = ContactId::parse(id).map_err(|_| ApiError::not_found("contact"))?;
    state.store.contact(&id).await?.ok_or_else(|| ApiError::not_found("contact"))
}

/// `POST /api/v1/contacts` → 201 with the contact.
pub async fn create(state: &AppState, request: &Request) -> ApiResult {
    let body: NewContact = api::body(request)?;
    let id = match body.id {
        Some(id) => id,
        None => {
            ContactId::parse(&format!("c-{}", state.ids.new_id())).map_err(|e| ApiError::internal(e.to_string()))?
        }
    };
    let contact = checked(Contact {
        id,
        name: body.name,
        tax_id: body.tax_id,
        role: body.role,
        emails: body.emails,
        locale: body.locale,
        portal_access: body.portal_access,
        catalog: body.catalog,
        price_condition: body.price_condition,
        recargo_equivalencia: body.recargo_equivalencia,
        address: body.address,
    })?;
    match state.store.create_contact(&contact).await {
        Ok(()) => api::json(StatusCode::CREATED, &contact),
        Err(StoreError::Conflict(cause)) => Err(ApiError {
            cause: Some(cause),
            ..ApiError::conflict("contact_exists", "A contact with this id or one of these emails already exists.")
        }),
        Err(other) => Err(other.into()),
    }
}

/// `GET /api/v1/contacts/{id}`.
pub async fn show(state: &AppState, id: &str) -> ApiResult {
    api::json(StatusCode::OK, &find(state, id).await?)
}

/// `PATCH /api/v1/contacts/{id}`. Turning portal access off ends the
/// contact's sessions at once (every request checks it).
pub async fn update(state: &AppState, request: &Request, id: &str) -> ApiResult {
    let change: ContactChange = api::body(request)?;
    let before = find(state, id).await?;
    let mut after = before.clone();
    if let Some(name) = change.name {
        after.name = name;
    }
    if let Some(tax_id) = change.tax_id {
        after.tax_id = tax_id;
    }
    if let Some(role) = change.role {
        after.role = role;
    }
    if let Some(emails) = change.emails {
        after.emails = emails;
    }
    if let Some(locale) = change.locale {
        after.locale = locale;
    }
    if let Some(access) = change.portal_access {
        after.portal_access = access;
    }
    if let Some(catalog) = change.catalog {
        after.catalog = catalog;
    }
    if let Some(condition) = change.price_condition {
        after.price_condition = condition;
    }
    if let Some(recargo) = change.recargo_equivalencia {
        after.recargo_equivalencia = recargo;
    }
    if let Some(address) = change.address {
        after.address = address;
    }
    let after = checked(after)?;
    if after != before {
        match state.store.update_contact(&before, &after).await {
            Ok(()) => {}
            Err(StoreError::Conflict(cause)) => {
                return Err(ApiError {
                    cause: Some(cause),
                    ..ApiError::conflict(
                        "contact_conflict",
                        "Another contact has one of these emails, or the contact changed meanwhile; read it and retry.",
                    )
                });
            }
            Err(other) => return Err(other.into()),
        }
    }
    api::json(StatusCode::OK, &after)
}

/// `POST /api/v1/contacts/{id}/invitation`: mails the contact a login link
/// valid for 7 days, in their language (`portal_app::login::invite_contact`).
/// → 202 `{"sent_to"}`.
pub async fn invite(state: &AppState, id: &str) -> ApiResult {
    let id = ContactId::parse(id).map_err(|_| ApiError::not_found("contact"))?;
    let settings = state.store.business_settings().await?.ok_or_else(|| ApiError::internal("settings missing"))?;
    let compose = |reader: &LinkReader, token: &str| {
        let link = format!("{}{}", state.config.public_url, url::login_confirm_with_token(token));
        mail::invitation_mail(reader, &settings, &link)
    };
    let sent_to = login::invite_contact(state.link_services(), &settings, &id, compose).await.map_err(|e| match e {
        InviteError::NotFound => ApiError::not_found("contact"),
        InviteError::AccessDisabled => {
            ApiError::conflict("access_disabled", "Turn on the contact's portal access before inviting them.")
        }
        InviteError::NoEmail => ApiError::conflict("no_email", "The contact has no email address to invite."),
        InviteError::NotSent(cause) => ApiError {
            cause: Some(cause.to_string()),
            ..ApiError::new(StatusCode::BAD_GATEWAY, "mail_failed", "The invitation could not be sent; retry later.")
        },
        InviteError::Write(error) => error.into(),
    })?;
    api::json(StatusCode::ACCEPTED, &serde_json::json!({ "sent_to": sent_to }))
}

/// `GET /api/v1/contacts/{id}/documents?kind=invoices&filter=all&cursor=&limit=`:
/// the contact's documents of one kind, newest first, a page at a time.
pub async fn documents(state: &AppState, request: &Request, id: &str) -> ApiResult {
    let contact = find(state, id).await?;
    let query = http::query(request);
    let kind = query.get("kind").and_then(|slug| DocumentKind::from_slug(slug)).ok_or_else(|| {
        ApiError::invalid(
            "kind",
            "kind is one of invoices, credit-notes, quotes, proformas, sales-orders, delivery-notes, purchase-orders.",
        )
    })?;
    let filter = match query.get("filter") {
        None => DocumentFilter::All,
        Some(slug) => DocumentFilter::parse_for(kind, slug)
            .ok_or_else(|| ApiError::invalid("filter", "That filter does not exist for this kind of document."))?,
    };
    let page = state
        .store
        .list_documents(&DocumentListQuery {
            contact: contact.id,
            kind,
            filter,
            today: state.clock.today(),
            cursor: query.get("cursor").cloned(),
            limit: api::page_size(&query)?,
        })
        .await?;
    api::json(StatusCode::OK, &serde_json::json!({ "items": page.items, "next_cursor": page.next }))
}
