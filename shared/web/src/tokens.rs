//! Every token the portal issues. Each kind has its own audience and its own key,
//! derived from a configured secret, so no token can stand in for another.
//! Staff sessions are derived from a secret of their own ([`SecretUse::Staff`]),
//! given only to the functions that sign or check them: a function that never
//! handles staff sessions cannot forge one, whatever it leaks.
//!
//! - **Session** (cookie): a signed JWT, audience `portal-session`.
//! - **Document access** (cookie, scoped to one document's path): a signed JWT,
//!   audience `document-access`, bound to the document's current link nonce.
//! - **Document link** (URL): `{document id}.{HMAC(document id, link nonce)}`;
//!   rotating the nonce invalidates every earlier link and access cookie.
//! - **Magic link** (URL, single use): 256 random bits; only its SHA-256 is stored.
//! - **CSRF** (form field): HMAC of the browser's CSRF cookie.

use aws_lc_rs::{digest, hmac};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use portal_domain::document::LinkNonce;
use portal_domain::{ContactId, DocumentId};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use time::{Duration, OffsetDateTime};

pub const SESSION_AUDIENCE: &str = "portal-session";
pub const DOCUMENT_ACCESS_AUDIENCE: &str = "document-access";
pub const STAFF_SESSION_AUDIENCE: &str = "portal-staff";
/// Staff sessions are a working day.
pub const STAFF_SESSION_LIFETIME: Duration = Duration::hours(10);
pub const SESSION_LIFETIME: Duration = Duration::hours(8);
pub const DOCUMENT_ACCESS_LIFETIME: Duration = Duration::hours(12);
pub const MAGIC_LINK_LIFETIME: Duration = portal_app::login::LINK_LIFETIME;

/// Random tokens and their SHA-256 digests, for the login-link and API-key use cases.
pub struct RandomSecrets;

impl portal_app::login::Secrets for RandomSecrets {
    fn new_token(&self) -> String {
        random_token()
    }

    fn digest(&self, token: &str) -> String {
        digest_hex(token)
    }
}

/// Keys derived once per cold start.
pub struct Keys {
    session_encoding: EncodingKey,
    session_decoding: DecodingKey,
    access_encoding: EncodingKey,
    access_decoding: DecodingKey,
    /// Only in functions configured with the staff secret.
    staff: Option<(EncodingKey, DecodingKey)>,
    link: hmac::Key,
    csrf: hmac::Key,
}

/// Which configured secret a token operation relied on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretUse {
    /// `PORTAL_SECRET_KEY`: contacts' sessions, document links and access, CSRF.
    Portal,
    /// `PORTAL_STAFF_SECRET_KEY`: staff sessions.
    Staff,
    /// `PORTAL_STRIPE_SECRET_KEY`: calls to Stripe's API.
    StripeApiKey,
    /// `PORTAL_STRIPE_WEBHOOK_SECRETS`: checking Stripe's webhook signatures.
    StripeWebhook,
}

static SECRET_USE_OBSERVER: OnceLock<fn(SecretUse)> = OnceLock::new();

/// Registers, once per process, a function told of every secret use. The
/// deploy test records them per function to prove each function is given
/// exactly the secrets it uses (docs/deploy.md); nothing observes them in Lambda.
pub fn observe_secret_use(observer: fn(SecretUse)) {
    let _ = SECRET_USE_OBSERVER.set(observer);
}

/// Tells the observer, if any, that `secret` was used.
pub fn note_secret_use(secret: SecretUse) {
    if let Some(observer) = SECRET_USE_OBSERVER.get() {
        observer(secret);
    }
}

/// A key for one purpose, derived from the configured secret.
pub fn derive(secret: &[u8], purpose: &str) -> Vec<u8> {
    let master = hmac::Key::new(hmac::HMAC_SHA256, secret);
    hmac::sign(&master, purpose.as_bytes()).as_ref().to_vec()
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    aud: String,
    sub: String,
    iat: i64,
    exp: i64,
    /// Document access: the link nonce the cookie was issued for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    /// Never issued; honoured (as a number) if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
}

/// A verified session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub contact_id: ContactId,
    pub expires_at: OffsetDateTime,
    /// Random per login: what server-side session state (the cart) is kept under.
    pub id: String,
}

/// A verified document-access cookie: still to be checked against the document's nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentAccess {
    pub document_id: DocumentId,
    pub nonce: LinkNonce,
}

impl Keys {
    /// `staff_secret`: `None` in functions that never handle staff sessions;
    /// they then refuse every staff token and cannot issue one.
    pub fn new(secret: &[u8], staff_secret: Option<&[u8]>) -> Keys {
        let session = derive(secret, "portal/session/v1");
        let access = derive(secret, "portal/document-access/v1");
        let staff = staff_secret.map(|staff_secret| {
            let key = derive(staff_secret, "portal/staff-session/v1");
            (EncodingKey::from_secret(&key), DecodingKey::from_secret(&key))
        });
        Keys {
            session_encoding: EncodingKey::from_secret(&session),
            session_decoding: DecodingKey::from_secret(&session),
            access_encoding: EncodingKey::from_secret(&access),
            access_decoding: DecodingKey::from_secret(&access),
            staff,
            link: hmac::Key::new(hmac::HMAC_SHA256, &derive(secret, "portal/document-link/v1")),
            csrf: hmac::Key::new(hmac::HMAC_SHA256, &derive(secret, "portal/csrf/v1")),
        }
    }

    fn sign(&self, key: &EncodingKey, claims: &Claims) -> String {
        // HS256 over a serialisable struct cannot fail with a valid key.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, key).unwrap_or_default()
    }

    /// Verifies signature, algorithm (HS256 only) and audience; expiry is checked
    /// against the portal's clock so time has one source.
    fn verify(&self, key: &DecodingKey, audience: &str, token: &str, now: OffsetDateTime) -> Option<Claims> {
        if token.len() > 4096 {
            return None;
        }
        // The portal issues HS256 without a key id: anything else is not ours.
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::HS256 || header.kid.is_some() {
            return None;
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        validation.validate_exp = false;
        // Typed claims: a string `exp` or `nbf` fails to decode instead of being skipped.
        let claims = jsonwebtoken::decode::<Claims>(token, key, &validation).ok()?.claims;
        let started = claims.nbf.is_none_or(|nbf| nbf <= now.unix_timestamp());
        (started && now.unix_timestamp() < claims.exp).then_some(claims)
    }

    pub fn issue_session(&self, contact: &ContactId, now: OffsetDateTime) -> (String, OffsetDateTime) {
        note_secret_use(SecretUse::Portal);
        let expires_at = now + SESSION_LIFETIME;
        let claims = Claims {
            aud: SESSION_AUDIENCE.into(),
            sub: contact.to_string(),
            iat: now.unix_timestamp(),
            exp: expires_at.unix_timestamp(),
            nonce: Some(random_token()),
            nbf: None,
        };
        (self.sign(&self.session_encoding, &claims), expires_at)
    }

    pub fn verify_session(&self, token: &str, now: OffsetDateTime) -> Option<Session> {
        note_secret_use(SecretUse::Portal);
        let claims = self.verify(&self.session_decoding, SESSION_AUDIENCE, token, now)?;
        Some(Session {
            contact_id: ContactId::parse(&claims.sub).ok()?,
            expires_at: OffsetDateTime::from_unix_timestamp(claims.exp).ok()?,
            id: claims.nonce.filter(|n| is_random_token_shaped(n))?,
        })
    }

    /// A staff member's session (subject: their email, as listed in settings);
    /// `None` in a function without the staff secret.
    pub fn issue_staff_session(
        &self,
        email: &portal_domain::EmailAddress,
        now: OffsetDateTime,
    ) -> Option<(String, OffsetDateTime)> {
        note_secret_use(SecretUse::Staff);
        let (encoding, _) = self.staff.as_ref()?;
        let expires_at = now + STAFF_SESSION_LIFETIME;
        let claims = Claims {
            aud: STAFF_SESSION_AUDIENCE.into(),
            sub: email.to_string(),
            iat: now.unix_timestamp(),
            exp: expires_at.unix_timestamp(),
            nonce: None,
            nbf: None,
        };
        Some((self.sign(encoding, &claims), expires_at))
    }

    /// The staff email of a valid staff session token.
    pub fn verify_staff_session(&self, token: &str, now: OffsetDateTime) -> Option<portal_domain::EmailAddress> {
        note_secret_use(SecretUse::Staff);
        let (_, decoding) = self.staff.as_ref()?;
        let claims = self.verify(decoding, STAFF_SESSION_AUDIENCE, token, now)?;
        portal_domain::EmailAddress::parse(&claims.sub).ok()
    }

    /// A cookie granting one document, valid until `expires_at`.
    pub fn issue_document_access(
        &self,
        document: &DocumentId,
        nonce: &LinkNonce,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> String {
        note_secret_use(SecretUse::Portal);
        let claims = Claims {
            aud: DOCUMENT_ACCESS_AUDIENCE.into(),
            sub: document.to_string(),
            iat: now.unix_timestamp(),
            exp: expires_at.unix_timestamp(),
            nonce: Some(nonce.0.clone()),
            nbf: None,
        };
        self.sign(&self.access_encoding, &claims)
    }

    pub fn verify_document_access(&self, token: &str, now: OffsetDateTime) -> Option<DocumentAccess> {
        note_secret_use(SecretUse::Portal);
        let claims = self.verify(&self.access_decoding, DOCUMENT_ACCESS_AUDIENCE, token, now)?;
        Some(DocumentAccess { document_id: DocumentId::parse(&claims.sub).ok()?, nonce: LinkNonce(claims.nonce?) })
    }

    fn link_mac(&self, document: &DocumentId, nonce: &LinkNonce) -> hmac::Tag {
        note_secret_use(SecretUse::Portal);
        let message = format!("{document}\u{0}{}", nonce.0);
        hmac::sign(&self.link, message.as_bytes())
    }

    /// The shareable token of a document's current link.
    pub fn document_link_token(&self, document: &DocumentId, nonce: &LinkNonce) -> String {
        format!("{document}.{}", URL_SAFE_NO_PAD.encode(self.link_mac(document, nonce).as_ref()))
    }

    /// Splits a link token into the document it names and its MAC, without
    /// trusting either yet.
    pub fn parse_document_link(token: &str) -> Option<(DocumentId, Vec<u8>)> {
        let (id, mac) = token.split_once('.')?;
        let mac = URL_SAFE_NO_PAD.decode(mac).ok().filter(|m| m.len() == 32)?;
        Some((DocumentId::parse(id).ok()?, mac))
    }

    /// Checks a link's MAC against the document's *current* nonce (constant time).
    pub fn verify_document_link(&self, document: &DocumentId, nonce: &LinkNonce, mac: &[u8]) -> bool {
        note_secret_use(SecretUse::Portal);
        let message = format!("{document}\u{0}{}", nonce.0);
        hmac::verify(&self.link, message.as_bytes(), mac).is_ok()
    }

    pub fn csrf_token(&self, cookie_value: &str) -> String {
        note_secret_use(SecretUse::Portal);
        URL_SAFE_NO_PAD.encode(hmac::sign(&self.csrf, cookie_value.as_bytes()).as_ref())
    }

    pub fn verify_csrf(&self, cookie_value: &str, submitted: &str) -> bool {
        note_secret_use(SecretUse::Portal);
        let Ok(mac) = URL_SAFE_NO_PAD.decode(submitted) else { return false };
        hmac::verify(&self.csrf, cookie_value.as_bytes(), &mac).is_ok()
    }
}

/// 256 random bits, base64url: the secret half of a magic link or cookie.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    random_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A random link nonce for a new or rotated document link.
pub fn new_link_nonce() -> LinkNonce {
    let mut bytes = [0u8; 16];
    random_bytes(&mut bytes);
    LinkNonce(URL_SAFE_NO_PAD.encode(bytes))
}

/// A token that could be one [`random_token`] made: 43 base64url characters.
pub fn is_random_token_shaped(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Staff API tokens: `ptl_{key id}.{secret}` (minted by
/// `portal_app::keys::create_key`); the id finds the key, the secret's digest proves it.
pub use portal_domain::staff::API_KEY_PREFIX;

/// Splits an API token into the key id and the secret, without trusting either.
pub fn parse_api_token(token: &str) -> Option<(portal_domain::staff::ApiKeyId, &str)> {
    let (id, secret) = token.strip_prefix(API_KEY_PREFIX)?.split_once('.')?;
    is_random_token_shaped(secret).then_some(())?;
    Some((portal_domain::staff::ApiKeyId::parse(id).ok()?, secret))
}

/// The secret matches the stored digest (compared in constant time).
pub fn api_secret_matches(secret: &str, digest: &str) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(digest_hex(secret).as_bytes(), digest.as_bytes()).is_ok()
}

/// Lowercase hex SHA-256: what is stored in place of a magic-link token.
pub fn digest_hex(token: &str) -> String {
    digest::digest(&digest::SHA256, token.as_bytes()).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Fills `buffer` from AWS-LC's CSPRNG (seeded by the operating system; see
/// `portal_adapters::system::random_bytes` on why without jitter entropy).
pub fn random_bytes(buffer: &mut [u8]) {
    use aws_lc_rs::rand::SecureRandom;
    // It only fails if the OS cannot provide entropy, which leaves nothing
    // safe to do but stop.
    aws_lc_rs::rand::SystemRandom::new().fill(buffer).expect("operating system random source failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(b"0123456789abcdef0123456789abcdef", Some(b"staff-secret-staff-secret-staff-".as_slice()))
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    #[test]
    fn sessions_round_trip_and_expire() {
        let k = keys();
        let contact = ContactId::parse("c1").unwrap();
        let (token, _) = k.issue_session(&contact, now());
        assert_eq!(k.verify_session(&token, now()).unwrap().contact_id, contact);
        assert!(k.verify_session(&token, now() + SESSION_LIFETIME + Duration::seconds(1)).is_none());
        assert!(Keys::new(b"another-secret-another-secret-xx", None).verify_session(&token, now()).is_none());
    }

    #[test]
    fn audiences_do_not_mix() {
        let k = keys();
        let doc = DocumentId::parse("d1").unwrap();
        let access = k.issue_document_access(&doc, &LinkNonce("n".into()), now(), now() + Duration::hours(1));
        assert!(k.verify_session(&access, now()).is_none());
        let (session, _) = k.issue_session(&ContactId::parse("d1").unwrap(), now());
        assert!(k.verify_document_access(&session, now()).is_none());
    }

    #[test]
    fn tampered_and_unsigned_tokens_are_refused() {
        let k = keys();
        let (token, _) = k.issue_session(&ContactId::parse("c1").unwrap(), now());
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        // Swap the payload for one naming another contact.
        let forged = URL_SAFE_NO_PAD
            .encode(format!(r#"{{"aud":"portal-session","sub":"c2","iat":0,"exp":{}}}"#, now().unix_timestamp() + 999));
        parts[1] = forged.clone();
        assert!(k.verify_session(&parts.join("."), now()).is_none());
        let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        assert!(k.verify_session(&format!("{none_header}.{forged}."), now()).is_none());
        let string_exp = URL_SAFE_NO_PAD.encode(r#"{"aud":"portal-session","sub":"c1","iat":0,"exp":"99999999999"}"#);
        parts[1] = string_exp;
        assert!(k.verify_session(&parts.join("."), now()).is_none());
        assert!(k.verify_session("garbage", now()).is_none());
    }

    /// A token with any header and claims, signed with the session key (as a
    /// signing bug or a leaked key would), or with `alg: none`.
    fn forge(header: &str, claims: &str, key: Option<&[u8]>) -> String {
        let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
        let signature = key
            .map(|key| {
                URL_SAFE_NO_PAD.encode(hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), signing_input.as_bytes()))
            })
            .unwrap_or_default();
        format!("{signing_input}.{signature}")
    }

    #[test]
    fn token_attacks_are_refused() {
        let k = keys();
        let secret = b"0123456789abcdef0123456789abcdef";
        let key = derive(secret, "portal/session/v1");
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let nonce = "a".repeat(43);
        let claims = |aud: &str, exp: &str, extra: &str| {
            format!(r#"{{"aud":"{aud}","sub":"c1","iat":1,"exp":{exp},"nonce":"{nonce}"{extra}}}"#)
        };
        let good = forge(r#"{"alg":"HS256","typ":"JWT"}"#, &claims(SESSION_AUDIENCE, "1800000100", ""), Some(&key));
        assert!(k.verify_session(&good, now).is_some(), "the forging helper makes valid tokens");

        let (issued, _) = k.issue_session(&ContactId::parse("c1").unwrap(), now);
        let mut parts: Vec<String> = issued.split('.').map(str::to_string).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(claims(SESSION_AUDIENCE, "1800000100", "").replace("c1", "c2"));
        let cases = [
            ("tampered claims", parts.join(".")),
            ("expired", forge(r#"{"alg":"HS256"}"#, &claims(SESSION_AUDIENCE, "1800000000", ""), Some(&key))),
            (
                "wrong audience",
                forge(r#"{"alg":"HS256"}"#, &claims(DOCUMENT_ACCESS_AUDIENCE, "1800000100", ""), Some(&key)),
            ),
            ("alg none", forge(r#"{"alg":"none"}"#, &claims(SESSION_AUDIENCE, "1800000100", ""), None)),
            ("alg none, signed", forge(r#"{"alg":"none"}"#, &claims(SESSION_AUDIENCE, "1800000100", ""), Some(&key))),
            (
                "RS256 header, HMAC signature",
                forge(r#"{"alg":"RS256"}"#, &claims(SESSION_AUDIENCE, "1800000100", ""), Some(&key)),
            ),
            ("HS512", forge(r#"{"alg":"HS512"}"#, &claims(SESSION_AUDIENCE, "1800000100", ""), Some(&key))),
            (
                "unknown kid",
                forge(r#"{"alg":"HS256","kid":"other"}"#, &claims(SESSION_AUDIENCE, "1800000100", ""), Some(&key)),
            ),
            ("string exp", forge(r#"{"alg":"HS256"}"#, &claims(SESSION_AUDIENCE, "\"9999999999\"", ""), Some(&key))),
            (
                "string nbf",
                forge(r#"{"alg":"HS256"}"#, &claims(SESSION_AUDIENCE, "1800000100", r#","nbf":"0""#), Some(&key)),
            ),
            (
                "future nbf",
                forge(
                    r#"{"alg":"HS256"}"#,
                    &claims(SESSION_AUDIENCE, "1800000100", r#","nbf":1800000050"#),
                    Some(&key),
                ),
            ),
            (
                "missing exp",
                forge(
                    r#"{"alg":"HS256"}"#,
                    &format!(r#"{{"aud":"{SESSION_AUDIENCE}","sub":"c1","iat":1,"nonce":"{nonce}"}}"#),
                    Some(&key),
                ),
            ),
            (
                "another key",
                forge(
                    r#"{"alg":"HS256"}"#,
                    &claims(SESSION_AUDIENCE, "1800000100", ""),
                    Some(b"not the key".as_slice()),
                ),
            ),
            ("oversized", format!("{good}{}", "A".repeat(5000))),
            ("garbage", "not.a.jwt".to_string()),
        ];
        for (attack, token) in cases {
            assert!(k.verify_session(&token, now).is_none(), "{attack} was accepted");
            assert!(k.verify_staff_session(&token, now).is_none(), "{attack} opened a staff session");
            assert!(k.verify_document_access(&token, now).is_none(), "{attack} opened a document");
        }
    }

    #[test]
    fn staff_sessions_are_their_own_kind_of_token() {
        let k = keys();
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let email = portal_domain::EmailAddress::parse("oficina@ebro.es").unwrap();
        let (staff, _) = k.issue_staff_session(&email, now).expect("a staff secret");
        assert_eq!(k.verify_staff_session(&staff, now), Some(email.clone()));
        assert_eq!(k.verify_staff_session(&staff, now + STAFF_SESSION_LIFETIME), None, "expired");
        assert!(k.verify_session(&staff, now).is_none(), "a staff session is no contact session");
        let (contact, _) = k.issue_session(&ContactId::parse("c1").unwrap(), now);
        assert!(k.verify_staff_session(&contact, now).is_none(), "a contact session is no staff session");
    }

    #[test]
    fn staff_sessions_need_the_staff_secret_not_the_portal_one() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let email = portal_domain::EmailAddress::parse("oficina@ebro.es").unwrap();
        let (staff, _) = keys().issue_staff_session(&email, now).unwrap();
        // The same portal secret without the staff one: no staff session either way.
        let without = Keys::new(b"0123456789abcdef0123456789abcdef", None);
        assert!(without.issue_staff_session(&email, now).is_none());
        assert!(without.verify_staff_session(&staff, now).is_none());
        // Another staff secret (a rotation) ends every earlier staff session.
        let rotated =
            Keys::new(b"0123456789abcdef0123456789abcdef", Some(b"rotated-staff-secret-rotated-sta".as_slice()));
        assert!(rotated.verify_staff_session(&staff, now).is_none());
        // Staff sessions are not derived from the portal secret: rotating it leaves them valid.
        let portal_rotated =
            Keys::new(b"another-secret-another-secret-xx", Some(b"staff-secret-staff-secret-staff-".as_slice()));
        assert_eq!(portal_rotated.verify_staff_session(&staff, now), Some(email));
    }

    #[test]
    fn api_tokens_carry_their_key_and_only_the_digest_is_kept() {
        let id = portal_domain::staff::ApiKeyId::parse("k-1").unwrap();
        let secret = random_token();
        let token = format!("{API_KEY_PREFIX}{id}.{secret}");
        let digest = digest_hex(&secret);
        assert!(!token.contains(&digest));
        let (parsed, presented) = parse_api_token(&token).unwrap();
        assert_eq!(parsed, id);
        assert!(api_secret_matches(presented, &digest));
        let other = format!("{API_KEY_PREFIX}{id}.{}", random_token());
        assert!(!api_secret_matches(parse_api_token(&other).unwrap().1, &digest));
        for bad in ["", "ptl_", "ptl_k-1", "ptl_k-1.short", "xyz_k-1.", "ptl_K!.aaaa", &token.replace("ptl_", "")] {
            assert!(parse_api_token(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn document_links_die_with_rotation() {
        let k = keys();
        let doc = DocumentId::parse("d1").unwrap();
        let old = LinkNonce("old".into());
        let token = k.document_link_token(&doc, &old);
        let (parsed, mac) = Keys::parse_document_link(&token).unwrap();
        assert_eq!(parsed, doc);
        assert!(k.verify_document_link(&doc, &old, &mac));
        assert!(!k.verify_document_link(&doc, &LinkNonce("new".into()), &mac));
        assert!(!k.verify_document_link(&DocumentId::parse("d2").unwrap(), &old, &mac));
        assert!(Keys::parse_document_link("d1").is_none());
        assert!(Keys::parse_document_link("d1.short").is_none());
        assert!(Keys::parse_document_link("../x.AAAA").is_none());
    }

    #[test]
    fn csrf_tokens_bind_to_their_cookie() {
        let k = keys();
        let t = k.csrf_token("cookie-a");
        assert!(k.verify_csrf("cookie-a", &t));
        assert!(!k.verify_csrf("cookie-b", &t));
        assert!(!k.verify_csrf("cookie-a", "not base64 !"));
    }

    #[test]
    fn magic_tokens_are_random_and_stored_as_digests() {
        let a = random_token();
        assert!(is_random_token_shaped(&a));
        assert_ne!(a, random_token());
        assert_eq!(digest_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
