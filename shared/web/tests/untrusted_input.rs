//! Property tests (bounded fuzzing) of every parser that reads untrusted input:
//! the values typed into forms and API bodies, form bodies and query strings,
//! cookies and tokens, and Stripe webhook bodies and signatures.
//!
//! Each property runs `PROPTEST_CASES` cases (256 by default, seeded by
//! proptest); `PROPTEST_CASES=100000 cargo test -p portal-web --test untrusted_input`
//! fuzzes longer.

use lambda_http::http::Request as HttpRequest;
use lambda_http::{Body, Request};
use portal_domain::catalog::{OrderQuantity, ProductId, Sku};
use portal_domain::document::LinkNonce;
use portal_domain::interaction::{CommentBody, SignerName};
use portal_domain::payment::PaymentReference;
use portal_domain::settings::BrandColour;
use portal_domain::staff::KeyName;
use portal_domain::{ContactId, Currency, DocumentId, DocumentNumber, EmailAddress, Quantity, TaxId};
use portal_payments::stripe::{parse_event, signature_header, verify_signature};
use portal_web::http;
use portal_web::tokens::Keys;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use time::OffsetDateTime;

/// Text an attacker might send: any Unicode, plus the characters parsers split on.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ -~]{0,80}", "[a-z0-9@.,;=&%+ \\-_<>\"'\u{0}\u{202e}\u{feff}ñ€]{0,60}",]
}

/// A string newtype parses once and canonically: what it accepts, it accepts
/// again as written back, and JSON bodies (serde) accept exactly what `parse` does.
fn check_newtype<T, E>(text: &str, parse: fn(&str) -> Result<T, E>) -> Result<(), TestCaseError>
where
    T: Clone + PartialEq + Debug + DeserializeOwned + Into<String>,
{
    let parsed = parse(text);
    let from_json = serde_json::from_value::<T>(serde_json::Value::String(text.to_string()));
    prop_assert_eq!(parsed.is_ok(), from_json.is_ok(), "parse and JSON disagree on {:?}", text);
    if let Ok(value) = parsed {
        let written: String = value.clone().into();
        let again = parse(&written);
        prop_assert!(again.as_ref().is_ok_and(|v| *v == value), "{:?} -> {:?} does not re-parse", text, written);
        prop_assert!(!written.chars().any(char::is_control) || written.contains('\n'), "control characters kept");
    }
    Ok(())
}

proptest! {
    #[test]
    fn typed_values_parse_once_and_canonically(text in hostile_text()) {
        check_newtype(&text, EmailAddress::parse)?;
        check_newtype(&text, TaxId::parse)?;
        check_newtype(&text, ContactId::parse)?;
        check_newtype(&text, DocumentId::parse)?;
        check_newtype(&text, ProductId::parse)?;
        check_newtype(&text, DocumentNumber::parse)?;
        check_newtype(&text, SignerName::parse)?;
        check_newtype(&text, CommentBody::parse)?;
        check_newtype(&text, Currency::parse)?;
        check_newtype(&text, PaymentReference::parse)?;
        check_newtype(&text, BrandColour::parse)?;
        check_newtype(&text, KeyName::parse)?;
        check_newtype(&text, Sku::parse)?;
        // Quantities are typed as text in forms and kept as numbers.
        if let Ok(quantity) = Quantity::parse(&text) {
            let stored = serde_json::to_value(quantity).unwrap();
            prop_assert_eq!(serde_json::from_value::<Quantity>(stored).unwrap(), quantity);
        }
        let _ = OrderQuantity::parse(&text);
    }

    #[test]
    fn emails_are_lowercase_trimmed_and_hold_one_at(text in "[ ]{0,2}[A-Za-z0-9_%+-]{1,12}(\\.[A-Za-z0-9_%+-]{1,8})?@[A-Za-z0-9]{1,12}(-[A-Za-z0-9]{1,6})?\\.[A-Za-z]{2,6}[ ]{0,2}") {
        let email = EmailAddress::parse(&text).unwrap();
        let written: String = email.into();
        prop_assert_eq!(written.clone(), text.trim().to_lowercase());
        prop_assert_eq!(written.matches('@').count(), 1);
    }
}

fn form_request(body: Vec<u8>, content_type: &str) -> Request {
    HttpRequest::builder()
        .method("POST")
        .uri("/documents/quotes/d-1/comments")
        .header("content-type", content_type)
        .body(Body::Binary(body))
        .unwrap()
}

proptest! {
    #[test]
    fn any_form_body_is_parsed_or_refused_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = http::form(&form_request(body, "application/x-www-form-urlencoded"));
    }

    #[test]
    fn forms_keep_the_first_value_of_each_field(
        fields in proptest::collection::vec((hostile_text(), hostile_text()), 0..12)
    ) {
        let body = serde_urlencoded::to_string(&fields).unwrap();
        let parsed = http::form(&form_request(body.into_bytes(), "application/x-www-form-urlencoded; charset=UTF-8"));
        let parsed = parsed.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        for (name, value) in &fields {
            let first = &fields.iter().find(|(n, _)| n == name).unwrap().1;
            prop_assert_eq!(parsed.get(name), Some(first), "field {:?} (sent {:?})", name, value);
        }
    }

    #[test]
    fn forms_of_another_type_or_too_large_are_refused(body in "[a-z=&]{0,64}", extra in 0usize..64) {
        prop_assert!(http::form(&form_request(body.clone().into_bytes(), "multipart/form-data")).is_err());
        let oversized = format!("{body}{}", "a".repeat(http::MAX_FORM_BYTES + 1 + extra));
        prop_assert!(http::form(&form_request(oversized.into_bytes(), "application/x-www-form-urlencoded")).is_err());
    }

    #[test]
    fn any_query_string_and_cookie_header_is_read_without_panicking(
        query in "[ -~]{0,200}",
        cookies in any::<String>(),
        name in "[a-z_]{1,12}",
    ) {
        let uri = format!("/documents/invoices?{}", query.replace([' ', '#', '"', '<', '>', '\\', '^', '`', '{', '|', '}'], "%20"));
        let Ok(builder) = HttpRequest::builder().uri(uri.as_str()).body(()) else { return Ok(()) };
        let mut request: Request = builder.map(|()| Body::Empty);
        if let Ok(value) = lambda_http::http::HeaderValue::from_str(&cookies) {
            request.headers_mut().insert("cookie", value);
        }
        let _ = http::query(&request);
        let _ = http::cookie(&request, &name);
    }
}

fn keys() -> Keys {
    Keys::new(b"0123456789abcdef0123456789abcdef", Some(b"staff-secret-staff-secret-staff-".as_slice()))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
}

proptest! {
    #[test]
    fn random_strings_are_never_tokens(token in prop_oneof![any::<String>(), "[A-Za-z0-9_.-]{0,300}", "ey[A-Za-z0-9_-]{10,80}\\.ey[A-Za-z0-9_-]{10,80}\\.[A-Za-z0-9_-]{0,60}"]) {
        let k = keys();
        prop_assert!(k.verify_session(&token, now()).is_none());
        prop_assert!(k.verify_staff_session(&token, now()).is_none());
        prop_assert!(k.verify_document_access(&token, now()).is_none());
        prop_assert!(!k.verify_csrf("cookie-value-cookie-value-cookie-value-abc", &token));
        if let Some((document, mac)) = Keys::parse_document_link(&token) {
            prop_assert!(!k.verify_document_link(&document, &LinkNonce("n".repeat(43)), &mac));
        }
    }

    #[test]
    fn a_changed_character_breaks_any_token(position in any::<prop::sample::Index>(), replacement in "[A-Za-z0-9_.-]") {
        let k = keys();
        let contact = ContactId::parse("c-ferreteria-lopez").unwrap();
        let (session, _) = k.issue_session(&contact, now());
        let document = DocumentId::parse("d-f2026-0125").unwrap();
        let nonce = LinkNonce("q".repeat(43));
        let link = k.document_link_token(&document, &nonce);
        for token in [session.clone(), link.clone()] {
            let at = position.index(token.len());
            let mut changed = token.clone();
            changed.replace_range(at..at + 1, &replacement);
            if changed == token {
                continue;
            }
            prop_assert!(k.verify_session(&changed, now()).is_none(), "{:?}", changed);
            if let Some((id, mac)) = Keys::parse_document_link(&changed) {
                prop_assert!(!k.verify_document_link(&id, &nonce, &mac), "{:?}", changed);
            }
        }
    }
}

const SECRET: &str = "whsec_fuzz";

proptest! {
    #[test]
    fn any_webhook_body_is_parsed_or_refused_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = parse_event(&body);
    }

    #[test]
    fn any_json_shaped_webhook_body_is_parsed_or_refused(
        kind in prop_oneof![Just("checkout.session.completed".to_string()), Just("checkout.session.async_payment_failed".to_string()), "[a-z._]{0,40}"],
        amount in prop_oneof![Just(serde_json::json!(null)), any::<i64>().prop_map(serde_json::Value::from), "[0-9a-z]{0,8}".prop_map(serde_json::Value::from)],
        status in prop_oneof![Just(serde_json::json!("paid")), Just(serde_json::json!(7)), "[a-z_]{0,12}".prop_map(serde_json::Value::from)],
        session in "[ -~]{0,70}",
    ) {
        let body = serde_json::json!({
            "id": "evt_fuzz", "type": kind,
            "data": {"object": {"id": session, "amount_total": amount, "currency": "eur", "payment_status": status}}
        });
        let _ = parse_event(body.to_string().as_bytes());
    }

    #[test]
    fn only_an_untouched_body_with_a_fresh_signature_verifies(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        flip in any::<prop::sample::Index>(),
        age in 0i64..600,
        header_noise in "[ -~]{0,80}",
    ) {
        let secrets = vec!["whsec_old".to_string(), SECRET.to_string()];
        let header = signature_header(&body, SECRET, now().unix_timestamp() - age);
        let fresh = age <= 300;
        prop_assert_eq!(verify_signature(Some(&header), &body, &secrets, now()).is_ok(), fresh);
        if !body.is_empty() {
            let mut tampered = body.clone();
            let at = flip.index(body.len());
            tampered[at] ^= 0x01;
            prop_assert!(verify_signature(Some(&header), &tampered, &secrets, now()).is_err());
        }
        prop_assert!(verify_signature(Some(&header), &body, &["whsec_other".to_string()], now()).is_err());
        prop_assert!(verify_signature(Some(&header_noise), &body, &secrets, now()).is_err());
    }
}
