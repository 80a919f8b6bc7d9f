//! `portal-staff`: the pages staff reach from their notification mails.
//!
//! Staff log in with a magic link sent to an address listed in the
//! settings' staff emails. The staff home lists what waits for them and the
//! business's recent activity; the staff view of a document shows what the
//! contact sees plus the full history, payments, the thread with a reply box,
//! the shareable-link controls and quick actions. Actions share their rules
//! with the staff API (`portal_app::staff_documents`, `portal_app::payments`).

use lambda_http::http::StatusCode;
use portal_app::login::{self, Audience, LinkReader, LinkRequestError, SpendError};
use portal_app::payments::{self, TransferReceived};
use portal_app::staff_documents::{self, LinkEdit};
use portal_domain::interaction::CommentBody;
use portal_domain::payment::PaymentReference;
use portal_domain::{Currency, DocumentId, EmailAddress};
use portal_web::api::{self, ApiError};
use portal_web::auth::{self, StaffMember};
use portal_web::error::Problem;
use portal_web::i18n;
use portal_web::routes::{self, Endpoint, StaffPage, url};
use portal_web::views::{mail, staff};
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, csrf, http, respond, tokens};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime, Time};

/// How many recent events the staff home reads (what waits is found among them).
pub const RECENT_EVENTS: u32 = 100;
/// History entries and comments shown on the staff view of a document.
pub const HISTORY_SHOWN: u32 = 200;
/// Events the staff home lists.
pub const RECENT_SHOWN: usize = 20;
/// Documents checked for "waiting for you".
pub const WAITING_CHECKED: usize = 20;
/// The staff login form: the address, and the staff page to return to.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StaffLoginForm {
    pub email: String,
    pub next: String,
}

/// The staff confirm button's form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StaffConfirmForm {
    pub token: String,
    pub next: String,
}

/// The forms of the staff view's actions (each uses its own fields).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StaffActionForm {
    /// A reply.
    pub body: String,
    /// A link expiry, `YYYY-MM-DD`; empty for never.
    pub expires_on: String,
    /// A transfer's amount as staff type it (`1.234,56`).
    pub amount: String,
    /// A transfer's bank reference.
    pub reference: String,
}

/// Serves every `/staff` route.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = route(state, &request).await;
    respond::finish(state, &request, result)
}

async fn route(state: &AppState, request: &Request) -> WebResult {
    let Some((route, params)) = routes::resolve(request.method(), request.uri().path()) else {
        return Err(Problem::NotFound.into());
    };
    let Endpoint::StaffPage(page) = route.endpoint else { return Err(Problem::NotFound.into()) };
    let id = params.get("id").unwrap_or_default().to_string();
    match page {
        StaffPage::LoginForm => login_form(state, request).await,
        StaffPage::LoginRequest => request_link(state, request).await,
        StaffPage::LoginConfirmForm => confirm_form(state, request).await,
        StaffPage::LoginConfirm => confirm(state, request).await,
        StaffPage::Logout => logout(state, request).await,
        StaffPage::Home => home(state, request).await,
        StaffPage::Document => document(state, request, &id).await,
        StaffPage::Reply
        | StaffPage::LinkRotate
        | StaffPage::LinkExpiry
        | StaffPage::Transfer
        | StaffPage::OrderConfirm => act(state, request, page, &id).await,
    }
}

fn next_of(values: &HashMap<String, String>) -> String {
    url::safe_staff_next(values.get("next").map(String::as_str).unwrap_or_default())
}

/// `GET /staff/login?next=`.
pub async fn login_form(state: &AppState, request: &Request) -> WebResult {
    if auth::current_staff(state, request).await?.is_some() {
        return Ok(http::see_other(&next_of(&http::query(request))));
    }
    let settings = state.business_settings().await?;
    let csrf = csrf::prepare(state, request);
    let page = staff::login_form(&settings, &csrf.token, &next_of(&http::query(request)), "", None);
    let mut response = respond::page(StatusCode::OK, page);
    csrf.apply(state, &mut response);
    Ok(response)
}

/// `POST /staff/login`: mails a login link to a staff address; every address
/// gets the same answer after the same time.
pub async fn request_link(state: &AppState, request: &Request) -> WebResult {
    let form: StaffLoginForm = csrf::form(state, request)?;
    let settings = state.business_settings().await?;
    let next = url::safe_staff_next(&form.next);
    let typed = form.email.as_str();
    let Ok(email) = EmailAddress::parse(typed) else {
        let csrf = csrf::prepare(state, request);
        let message = Problem::InvalidEmail.message(settings.default_locale);
        let typed: String = typed.chars().take(254).collect();
        let page = staff::login_form(&settings, &csrf.token, &next, &typed, Some(message));
        return Ok(respond::page(StatusCode::BAD_REQUEST, page));
    };
    let ip = http::client_ip(request);
    let compose = |reader: &LinkReader, token: &str| {
        let link = format!("{}{}", state.config.public_url, url::staff_login_confirm_with(token, &next));
        mail::login_link_mail(reader, &settings, &link)
    };
    login::request_link(state.link_services(), &settings, Audience::Staff, &email, &ip, compose).await.map_err(
        |e| match e {
            LinkRequestError::TooManyRequests => WebError::from(Problem::TooManyRequests),
            LinkRequestError::Write(e) => e.into(),
        },
    )?;
    Ok(respond::page(StatusCode::OK, staff::login_sent(&settings, email.as_str())))
}

/// `GET /staff/login/confirm?token=&next=`: a button (link scanners must not spend the link).
pub async fn confirm_form(state: &AppState, request: &Request) -> WebResult {
    let query = http::query(request);
    let token = query.get("token").filter(|t| tokens::is_random_token_shaped(t)).ok_or(Problem::LoginLinkInvalid)?;
    let settings = state.business_settings().await?;
    let csrf = csrf::prepare(state, request);
    let mut response =
        respond::page(StatusCode::OK, staff::login_confirm(&settings, &csrf.token, token, &next_of(&query)));
    csrf.apply(state, &mut response);
    Ok(response)
}

/// `POST /staff/login/confirm`: spends the link and starts the staff session.
pub async fn confirm(state: &AppState, request: &Request) -> WebResult {
    let form: StaffConfirmForm = csrf::form(state, request)?;
    let token = Some(&form.token).filter(|t| tokens::is_random_token_shaped(t)).ok_or(Problem::LoginLinkInvalid)?;
    let settings = state.business_settings().await?;
    let email = login::spend_staff_link(state.store.as_ref(), state.stamps(), &tokens::RandomSecrets, &settings, token)
        .await
        .map_err(|e| match e {
            SpendError::Spent => WebError::from(Problem::LoginLinkSpent),
            SpendError::AccessDisabled => Problem::AccessDisabled.into(),
            SpendError::Write(e) => e.into(),
        })?;
    let mut response = http::see_other(&url::safe_staff_next(&form.next));
    auth::start_staff_session(state, &mut response, &email)?;
    Ok(response)
}

/// `POST /staff/logout`.
pub async fn logout(state: &AppState, request: &Request) -> WebResult {
    let _: csrf::NoFields = csrf::form(state, request)?;
    let mut response = http::see_other(&url::staff_login());
    auth::end_staff_session(state, &mut response);
    Ok(response)
}

fn page_with_csrf(
    state: &AppState,
    request: &Request,
    render: impl FnOnce(&str) -> portal_web::views::Html,
) -> WebResult {
    let csrf = csrf::prepare(state, request);
    let mut response = respond::page(StatusCode::OK, render(&csrf.token));
    csrf.apply(state, &mut response);
    Ok(response)
}

/// `GET /staff`: what waits for staff, and the business's recent activity.
pub async fn home(state: &AppState, request: &Request) -> WebResult {
    let member = auth::require_staff(state, request).await?;
    let events = state.store.business_activity(RECENT_EVENTS).await?;
    let mut candidates = Vec::new();
    for event in &events {
        let acts = matches!(
            event.kind,
            portal_domain::ActivityKind::OrderPlaced
                | portal_domain::ActivityKind::Accepted { .. }
                | portal_domain::ActivityKind::Confirmed
                | portal_domain::ActivityKind::Commented
                | portal_domain::ActivityKind::PaymentRefused { .. }
                | portal_domain::ActivityKind::PaymentFailed
        );
        if acts && !candidates.iter().any(|e: &&portal_domain::ActivityEvent| e.document_id == event.document_id) {
            candidates.push(event);
        }
        if candidates.len() == WAITING_CHECKED {
            break;
        }
    }
    let checks = candidates.into_iter().map(|event| async move {
        let document = state.store.document(&event.document_id).await?;
        let last_by_contact = if matches!(event.kind, portal_domain::ActivityKind::Commented) {
            let thread = state.store.comments(&event.document_id, 200).await?;
            thread.last().is_some_and(|c| c.origin != portal_domain::interaction::Origin::Staff)
        } else {
            false
        };
        Ok::<_, portal_domain::ports::StoreError>(document.and_then(|document| {
            let summary = document.summary();
            staff::Waiting::still_waits(event, &summary, last_by_contact)
                .then(|| staff::Waiting { event: event.clone(), document: summary })
        }))
    });
    let mut waiting = Vec::new();
    for result in futures::future::join_all(checks).await {
        if let Some(item) = result? {
            waiting.push(item);
        }
    }
    let recent: Vec<_> = events.into_iter().take(RECENT_SHOWN).collect();
    let today = state.clock.today();
    page_with_csrf(state, request, |csrf| {
        staff::home(staff::StaffHome {
            settings: &member.settings,
            email: member.email.as_str(),
            csrf,
            waiting,
            recent,
            today,
        })
    })
}

/// The outcome named by `?done=` after an action, in the staff's language.
fn notice(locale: portal_domain::Locale, done: &str) -> Option<&'static str> {
    let t = &i18n::texts(locale).staff;
    Some(match done {
        "replied" => t.replied,
        "rotated" => t.link_rotated,
        "expiry" => t.expiry_saved,
        "transfer" => t.transfer_recorded,
        "transfer-known" => t.transfer_known,
        "confirmed" => t.order_confirmed,
        _ => return None,
    })
}

/// `GET /staff/documents/{id}`: the staff view of a document.
pub async fn document(state: &AppState, request: &Request, id: &str) -> WebResult {
    let member = auth::require_staff(state, request).await?;
    let id = DocumentId::parse(id).map_err(|_| Problem::NotFound)?;
    let document = portal_app::write::load(state.store.as_ref(), &id).await?;
    let (contact, history, comments, payments) = tokio::join!(
        portal_app::write::owner(state.store.as_ref(), &document),
        state.store.document_activity(&document.id, HISTORY_SHOWN),
        state.store.comments(&document.id, HISTORY_SHOWN),
        state.store.payments(&document.id),
    );
    let contact = contact?;
    let link = api::link_view(state, &document);
    let locale = member.settings.default_locale;
    let done = http::query(request).get("done").cloned().unwrap_or_default();
    let today = state.clock.today();
    let (history, comments, payments) = (history?, comments?, payments?);
    page_with_csrf(state, request, |csrf| {
        staff::document(staff::StaffDocument {
            settings: &member.settings,
            email: member.email.as_str(),
            csrf,
            document: &document,
            contact: &contact,
            history,
            comments,
            payments,
            link_url: link.url,
            link_expires_at: link.expires_at,
            today,
            notice: notice(locale, &done),
        })
    })
}

/// A refusal from a shared staff action, in the staff's language.
fn refused(member: &StaffMember, back: &str, error: ApiError) -> WebError {
    if error.status.is_server_error() {
        return WebError::broken(error.cause.unwrap_or(error.message));
    }
    let t = &i18n::texts(member.settings.default_locale).staff;
    let message = match (error.code, error.field.as_deref()) {
        ("not_found", _) => return Problem::NotFound.into(),
        ("not_payable", _) => t.not_payable,
        ("invalid", Some("amount_minor")) => t.amount_invalid,
        ("invalid", Some("expires_at")) => t.expiry_invalid,
        ("invalid", Some("body")) => t.reply_invalid,
        ("transition_not_allowed", _) => t.transition_refused,
        _ => t.action_failed,
    };
    WebError::Message { status: error.status, message: message.to_string(), back: back.to_string() }
}

/// Parses an amount as staff type it (`1.234,56`, `1234.56`, `80 €`) into minor units.
pub fn parse_amount(text: &str, currency: Currency) -> Option<i64> {
    let decimals = usize::from(currency.minor_units());
    let cleaned: String =
        text.chars().filter(|c| !c.is_whitespace() && !currency.symbol().contains(*c) && *c != '€').collect();
    let cleaned = cleaned.trim_start_matches(currency.code()).trim_end_matches(currency.code());
    // The last separator is the decimal mark when the digits after it could be
    // this currency's decimals; otherwise every separator groups thousands.
    let decimal_at = cleaned.rfind([',', '.']).filter(|&i| decimals > 0 && cleaned.len() - i - 1 <= decimals);
    let (whole, fraction) = match decimal_at {
        Some(i) => (&cleaned[..i], &cleaned[i + 1..]),
        None => (cleaned, ""),
    };
    let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let units: i64 = whole.parse().ok()?;
    let minor: i64 = if decimals == 0 { 0 } else { format!("{fraction:0<decimals$}").parse().ok()? };
    units.checked_mul(10_i64.checked_pow(u32::try_from(decimals).ok()?)?)?.checked_add(minor)
}

/// A link expiry typed as a date: the link works through that day (UTC).
pub fn expiry_from_date(text: &str) -> Result<Option<OffsetDateTime>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || ApiError::invalid("expires_at", "The expiry is a date like 2026-12-31.");
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = Date::parse(text, format).map_err(|_| invalid())?;
    let end = day.checked_add(Duration::days(1)).ok_or_else(invalid)?;
    Ok(Some(end.with_time(Time::MIDNIGHT).assume_utc()))
}

/// The staff actions on a document (POST), each ending back on the staff view.
async fn act(state: &AppState, request: &Request, action: StaffPage, id: &str) -> WebResult {
    let document_id = DocumentId::parse(id).map_err(|_| Problem::NotFound)?;
    let back = url::staff_document(&document_id);
    // After logging in, staff land on the document, not on the action's URL.
    let member = auth::current_staff(state, request)
        .await?
        .ok_or_else(|| WebError::StaffLoginRequired { next: back.clone() })?;
    let form: StaffActionForm = csrf::form(state, request)?;
    let (store, stamps) = (state.store.as_ref(), state.stamps());
    let done = match action {
        StaffPage::Reply => {
            let body = CommentBody::parse(&form.body)
                .map_err(|_| refused(&member, &back, ApiError::invalid("body", "empty")))?;
            staff_documents::reply(store, stamps, &document_id, body, None)
                .await
                .map_err(|e| refused(&member, &back, e.into()))?;
            "replied"
        }
        StaffPage::LinkRotate => {
            staff_documents::edit_link(store, stamps, &document_id, LinkEdit::Rotate(tokens::new_link_nonce()))
                .await
                .map_err(|e| refused(&member, &back, e.into()))?;
            "rotated"
        }
        StaffPage::LinkExpiry => {
            let expires_at = expiry_from_date(&form.expires_on).map_err(|e| refused(&member, &back, e))?;
            staff_documents::edit_link(store, stamps, &document_id, LinkEdit::Expire(expires_at))
                .await
                .map_err(|e| refused(&member, &back, e.into()))?;
            "expiry"
        }
        StaffPage::Transfer => {
            let invalid = || refused(&member, &back, ApiError::invalid("amount_minor", "amount"));
            // Typed in the invoice's currency, with its decimals.
            let invoice = portal_app::write::load(store, &document_id).await?;
            let amount_minor = parse_amount(&form.amount, invoice.currency).ok_or_else(invalid)?;
            let reference = PaymentReference::parse(form.reference.trim())
                .map_err(|_| refused(&member, &back, ApiError::invalid("reference", "reference")))?;
            let transfer = TransferReceived { amount_minor, reference, received_at: None };
            let outcome = payments::record_transfer(store, stamps, &document_id, transfer)
                .await
                .map_err(|e| refused(&member, &back, e.into()))?;
            if outcome.recorded_now { "transfer" } else { "transfer-known" }
        }
        StaffPage::OrderConfirm => {
            staff_documents::confirm_sales_order(store, stamps, &document_id)
                .await
                .map_err(|e| refused(&member, &back, e.into()))?;
            "confirmed"
        }
        StaffPage::LoginForm
        | StaffPage::LoginRequest
        | StaffPage::LoginConfirmForm
        | StaffPage::LoginConfirm
        | StaffPage::Logout
        | StaffPage::Home
        | StaffPage::Document => return Err(Problem::NotFound.into()),
    };
    Ok(http::see_other(&format!("{back}?done={done}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_staff_type_them() {
        let eur = Currency::EUR;
        assert_eq!(parse_amount("80", eur), Some(8000));
        assert_eq!(parse_amount("80,5", eur), Some(8050));
        assert_eq!(parse_amount("1.234,56 €", eur), Some(123456));
        assert_eq!(parse_amount("1,234.56", eur), Some(123456));
        assert_eq!(parse_amount("0.07", eur), Some(7));
        for bad in ["", "€", "-5", "12,345,6x", "1e3", "99999999999999999999"] {
            assert_eq!(parse_amount(bad, eur), None, "{bad}");
        }
    }

    #[test]
    fn amounts_follow_the_invoices_currency_decimals() {
        let yen = Currency::parse("JPY").unwrap();
        assert_eq!(parse_amount("1.500", yen), Some(1500), "no decimals: every separator groups");
        assert_eq!(parse_amount("1500 JPY", yen), Some(1500));
        let dinar = Currency::parse("KWD").unwrap();
        assert_eq!(parse_amount("1,250", dinar), Some(1250), "three decimals");
        assert_eq!(parse_amount("12", dinar), Some(12000));
    }

    #[test]
    fn a_link_expiry_date_keeps_the_link_through_that_day() {
        assert_eq!(expiry_from_date(""), Ok(None));
        let end = expiry_from_date("2026-12-01").unwrap().unwrap();
        assert_eq!(end, time::macros::datetime!(2026-12-02 00:00 UTC));
        assert!(expiry_from_date("01/12/2026").is_err());
    }
}
