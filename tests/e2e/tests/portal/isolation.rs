//! Isolation under random requests: whichever contact's session and whichever
//! document's link a request carries, it never shows another contact's data or
//! another document, and never changes a document it may not act on.
//!
//! Requests go straight to the local server's dispatcher (no sockets), so the
//! default 2,000 cases take seconds; `PROPTEST_CASES=50000` runs longer.
//! The inputs come from a fixed seed, so a failure reproduces.

use lambda_http::http::{Method, Request as HttpRequest};
use lambda_http::{Body, Request};
use portal_domain::contact::ContactId;
use portal_domain::document::{AccessLink, DocumentNumber};
use portal_domain::totals::{Discount, Quantity};
use portal_domain::{
    Contact, ContactRole, Currency, Document, DocumentId, DocumentKind, DocumentStatus, EmailAddress, Line, Locale,
    PriceCondition, VatRate,
};
use portal_e2e::TestApp;
use portal_web::http::ClientIp;
use portal_web::{AppState, auth, csrf, tokens};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use time::Duration;

const CONTACTS: usize = 10;
const DOCUMENTS_PER_CONTACT: usize = 4;
const DEFAULT_CASES: u32 = 2_000;

/// One generated contact and its documents, with the text that marks them.
struct Owner {
    contact: Contact,
    documents: Vec<Document>,
}

fn name_of(contact: usize) -> String {
    format!("Empresa Aislada {contact:02} S.L.")
}

/// A line description that appears only on this document's pages.
fn marker(contact: usize, document: usize) -> String {
    format!("Partida reservada c{contact:02} d{document} fin")
}

fn kinds_for(role: ContactRole) -> &'static [DocumentKind] {
    match role {
        ContactRole::Supplier => &[DocumentKind::PurchaseOrder],
        _ => &[
            DocumentKind::Invoice,
            DocumentKind::Quote,
            DocumentKind::SalesOrder,
            DocumentKind::CreditNote,
            DocumentKind::Proforma,
            DocumentKind::DeliveryNote,
        ],
    }
}

/// The state a new document of `kind` is in, the one the contact can act on.
fn open_status(kind: DocumentKind) -> DocumentStatus {
    match kind {
        DocumentKind::Quote | DocumentKind::PurchaseOrder => DocumentStatus::Sent,
        DocumentKind::SalesOrder => DocumentStatus::Pending,
        _ => DocumentStatus::Issued,
    }
}

async fn seed(state: &AppState) -> Vec<Owner> {
    let today = state.clock.today();
    let mut owners = Vec::new();
    for c in 0..CONTACTS {
        let role = if c % 4 == 3 { ContactRole::Supplier } else { ContactRole::Customer };
        let contact = Contact {
            id: ContactId::parse(&format!("c-iso-{c:02}")).unwrap(),
            name: name_of(c),
            tax_id: None,
            role,
            emails: vec![EmailAddress::parse(&format!("iso{c:02}@example.es")).unwrap()],
            locale: if c % 2 == 0 { Locale::Es } else { Locale::En },
            portal_access: true,
            catalog: c % 3 == 0,
            price_condition: PriceCondition::BasePrices,
            recargo_equivalencia: false,
            address: None,
        };
        state.store.create_contact(&contact).await.unwrap();
        let kinds = kinds_for(role);
        let mut documents = Vec::new();
        for d in 0..DOCUMENTS_PER_CONTACT {
            let kind = kinds[(c + d) % kinds.len()];
            let document = Document {
                id: DocumentId::parse(&format!("d-iso-c{c:02}-d{d}")).unwrap(),
                kind,
                number: DocumentNumber::parse(&format!("ISO-{c:02}{d}")).unwrap(),
                contact_id: contact.id.clone(),
                status: open_status(kind),
                issue_date: today - Duration::days(2),
                due_date: (kind == DocumentKind::Invoice).then_some(today + Duration::days(30)),
                valid_until: (kind == DocumentKind::Quote).then_some(today + Duration::days(30)),
                currency: Currency::EUR,
                lines: vec![Line {
                    description: marker(c, d),
                    quantity: Quantity::parse("2").unwrap(),
                    unit_price_minor: 1_250 + (c * 100 + d) as i64,
                    discount: Discount::try_from(0).unwrap(),
                    vat: VatRate::General21,
                    irpf: None,
                    product: None,
                }],
                recargo: false,
                notes: None,
                paid_minor: 0,
                access_link: AccessLink { nonce: tokens::new_link_nonce(), expires_at: None },
                content_version: 1,
                revision: 0,
                acceptance: None,
                rejection: None,
                supplier_confirmation: None,
            };
            state.store.create_document(&document, &[]).await.unwrap();
            documents.push(document);
        }
        owners.push(Owner { contact, documents });
    }
    owners
}

/// What one random request carries and asks for (indices into the seeded world).
#[derive(Debug, Clone)]
struct Case {
    /// The contact whose session cookie is sent, if any.
    session: Option<usize>,
    /// The document whose access cookie is sent, if any (contact, document).
    link_cookie: Option<(usize, usize)>,
    /// The document the request is about (contact, document).
    target: (usize, usize),
    /// Ask for it under another kind's path.
    wrong_kind: bool,
    request: Kind,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Dashboard,
    List,
    View,
    Pdf,
    /// `/links/{token}`: the target's genuine link, or one whose MAC belongs to another document.
    Link {
        forged_from: Option<(usize, usize)>,
    },
    Comment,
    Accept,
    Reject,
    Confirm,
    Pay,
}

fn index() -> impl Strategy<Value = (usize, usize)> {
    (0..CONTACTS, 0..DOCUMENTS_PER_CONTACT)
}

fn any_case() -> impl Strategy<Value = Case> {
    let kind = prop_oneof![
        2 => Just(Kind::Dashboard),
        2 => Just(Kind::List),
        6 => Just(Kind::View),
        1 => Just(Kind::Pdf),
        1 => Just(Kind::Link { forged_from: None }),
        1 => index().prop_map(|other| Kind::Link { forged_from: Some(other) }),
        2 => Just(Kind::Comment),
        1 => Just(Kind::Accept),
        1 => Just(Kind::Reject),
        1 => Just(Kind::Confirm),
        1 => Just(Kind::Pay),
    ];
    (
        proptest::option::weighted(0.7, 0..CONTACTS),
        proptest::option::weighted(0.4, index()),
        index(),
        prop::bool::weighted(0.1),
        kind,
    )
        .prop_map(|(session, link_cookie, target, wrong_kind, request)| Case {
            session,
            link_cookie,
            target,
            wrong_kind,
            request,
        })
}

struct World {
    app: TestApp,
    owners: Vec<Owner>,
    mounts: Vec<(portal_web::routes::Route, portal_dev_server::Handler)>,
}

impl World {
    fn document(&self, (c, d): (usize, usize)) -> &Document {
        &self.owners[c].documents[d]
    }

    /// Whether the case's credentials may see document `(c, d)`.
    fn may_see(&self, case: &Case, (c, d): (usize, usize)) -> bool {
        case.session == Some(c) || case.link_cookie == Some((c, d))
    }

    fn request(&self, case: &Case, method: Method, path: &str, form: &[(&str, &str)]) -> Request {
        let state = self.app.state();
        let now = state.clock.now();
        let mut cookies = Vec::new();
        if let Some(c) = case.session {
            let (token, _) = state.keys.issue_session(&self.owners[c].contact.id, now);
            cookies.push(format!("{}={token}", auth::session_cookie_name(state)));
        }
        if let Some(granted) = case.link_cookie {
            let document = self.document(granted);
            let token = state.keys.issue_document_access(
                &document.id,
                &document.access_link.nonce,
                now,
                now + Duration::hours(1),
            );
            cookies.push(format!("{}={token}", auth::document_cookie_name(state)));
        }
        let csrf_cookie = tokens::random_token();
        let mut fields = vec![(csrf::FIELD.to_string(), state.keys.csrf_token(&csrf_cookie))];
        fields.extend(form.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        cookies.push(format!("{}={csrf_cookie}", csrf::cookie_name(state)));
        let body = if method == Method::POST {
            Body::Text(serde_urlencoded::to_string(&fields).unwrap())
        } else {
            Body::Empty
        };
        let mut request = HttpRequest::builder()
            .method(method)
            .uri(path)
            .header("cookie", cookies.join("; "))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .unwrap();
        request.extensions_mut().insert(ClientIp("127.0.0.1".into()));
        request
    }

    async fn check(&self, case: &Case) -> Result<(), String> {
        let state = self.app.state();
        let target = self.document(case.target);
        let kind = if case.wrong_kind {
            DocumentKind::ALL.into_iter().find(|k| *k != target.kind).unwrap()
        } else {
            target.kind
        };
        let document_path = format!("/documents/{}/{}", kind.slug(), target.id);
        let version = target.content_version.to_string();
        let (method, path, form): (Method, String, Vec<(&str, &str)>) = match case.request {
            Kind::Dashboard => (Method::GET, "/".into(), vec![]),
            Kind::List => (Method::GET, format!("/documents/{}", kind.slug()), vec![]),
            Kind::View => (Method::GET, document_path.clone(), vec![]),
            Kind::Pdf => (Method::GET, format!("{document_path}/pdf"), vec![]),
            Kind::Link { forged_from } => {
                let token = match forged_from {
                    None => state.keys.document_link_token(&target.id, &target.access_link.nonce),
                    Some(other) => {
                        let other = self.document(other);
                        let genuine = state.keys.document_link_token(&other.id, &other.access_link.nonce);
                        let mac = genuine.rsplit_once('.').unwrap().1;
                        format!("{}.{mac}", target.id)
                    }
                };
                (Method::GET, format!("/links/{token}"), vec![])
            }
            Kind::Comment => (Method::POST, format!("{document_path}/comments"), vec![("body", "¿Me lo confirmáis?")]),
            Kind::Accept => (
                Method::POST,
                format!("{document_path}/accept"),
                vec![("signer", "Persona Ajena"), ("version", &version)],
            ),
            Kind::Reject => {
                (Method::POST, format!("{document_path}/reject"), vec![("reason", ""), ("version", &version)])
            }
            Kind::Confirm => {
                (Method::POST, format!("{document_path}/confirm"), vec![("delivery_date", ""), ("note", "")])
            }
            Kind::Pay => (Method::POST, format!("{document_path}/pay"), vec![("gateway", "stripe")]),
        };
        let before = state.store.document(&target.id).await.unwrap().unwrap();
        let comments_before = state.store.comments(&target.id, 500).await.unwrap().len();

        let request = self.request(case, method.clone(), &path, &form);
        let response = portal_dev_server::dispatch(state, &self.mounts, request).await;
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let body = match response.body() {
            Body::Text(text) => text.clone(),
            Body::Binary(bytes) if content_type.starts_with("application/pdf") => pdf_text(bytes),
            Body::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            _ => String::new(),
        };

        // Who the credentials cover: the session's contact, the owners of the documents it may see.
        let seen_by_link = match case.request {
            Kind::Link { forged_from: None } => Some(case.target),
            _ => None,
        };
        for (c, owner) in self.owners.iter().enumerate() {
            let mut may_see_contact = case.session == Some(c);
            for d in 0..owner.documents.len() {
                let allowed = self.may_see(case, (c, d)) || seen_by_link == Some((c, d));
                may_see_contact |= allowed;
                if !allowed && body.contains(&marker(c, d)) {
                    return Err(format!("{method} {path} ({status}) showed document c{c:02}/d{d}"));
                }
            }
            if !may_see_contact && body.contains(&name_of(c)) {
                return Err(format!("{method} {path} ({status}) showed contact {c:02}'s name"));
            }
        }

        let may_see_target = self.may_see(case, case.target) && !case.wrong_kind;
        match case.request {
            Kind::View
                if may_see_target && (status != 200 || !body.contains(&marker(case.target.0, case.target.1))) =>
            {
                return Err(format!("GET {path} was refused ({status}) to credentials that cover it"));
            }
            Kind::View | Kind::Pdf if !may_see_target && (200..300).contains(&status) => {
                return Err(format!("GET {path} answered {status} to credentials that do not cover it"));
            }
            Kind::Link { forged_from: Some(other) } if other != case.target && status < 400 => {
                return Err(format!("a link forged from another document's MAC answered {status}"));
            }
            _ => {}
        }

        if method == Method::POST && !may_see_target {
            let after = state.store.document(&target.id).await.unwrap().unwrap();
            let comments_after = state.store.comments(&target.id, 500).await.unwrap().len();
            if after != before || comments_after != comments_before {
                return Err(format!("POST {path} ({status}) changed a document the credentials do not cover"));
            }
        }
        Ok(())
    }
}

/// The text of a PDF, or its bytes as text when it cannot be read.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(portal_e2e::unique_name("isolation-pdf"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("document.pdf");
    std::fs::write(&file, bytes).unwrap();
    let output = std::process::Command::new("pdftotext").arg(&file).arg("-").output();
    let _ = std::fs::remove_dir_all(&dir);
    match output {
        Ok(output) if output.status.success() => String::from_utf8_lossy(&output.stdout).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[test]
fn no_credential_ever_reaches_another_contact_or_document() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    // The rules live above the storage layer, so the embedded backends are enough (and fast).
    let app = runtime.block_on(TestApp::spawn_on(false));
    let owners = runtime.block_on(seed(app.state()));
    let world = World { app, owners, mounts: portal_dev_server::mounts() };

    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES);
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let result = runner.run(&any_case(), |case| runtime.block_on(world.check(&case)).map_err(TestCaseError::fail));
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
