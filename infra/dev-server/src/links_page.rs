//! `/dev/links`: the shareable link of every demo contact's documents, so a
//! developer can try link access without the staff API. Local server only.

use crate::demo;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use maud::html;
use portal_domain::ports::DocumentListQuery;
use portal_domain::{ContactId, DocumentFilter, DocumentKind, Locale};
use portal_web::routes::url;
use portal_web::views::{Frame, layout};
use portal_web::{AppState, respond};

pub const PATH: &str = "/dev/links";

pub async fn serve(state: &AppState) -> Response<Body> {
    let mut rows = Vec::new();
    for contact in demo::contacts() {
        for kind in DocumentKind::ALL.into_iter().filter(|k| contact.role.sees(*k)) {
            let query = DocumentListQuery {
                contact: ContactId::clone(&contact.id),
                kind,
                filter: DocumentFilter::All,
                today: state.clock.today(),
                cursor: None,
                limit: 100,
            };
            let Ok(page) = state.store.list_documents(&query).await else { continue };
            for summary in page.items {
                if let Ok(Some(document)) = state.store.document(&summary.id).await {
                    let token = state.keys.document_link_token(&document.id, &document.access_link.nonce);
                    rows.push((contact.name.clone(), document.number.as_str().to_string(), url::document_link(&token)));
                }
            }
        }
    }
    let frame = Frame { locale: Locale::En, settings: None, title: "Document links", nav: None, language_switch: None };
    let page = layout(
        frame,
        html! {
            h1 { "Document links" }
            p.muted { "Each link opens one document without logging in. This page exists only in local runs." }
            table {
                thead { tr { th scope="col" { "Contact" } th scope="col" { "Document" } } }
                tbody { @for (contact, number, href) in &rows { tr { td { (contact) } td { a href=(href) { (number) } } } } }
            }
        },
    );
    let mut response = respond::page(StatusCode::OK, page);
    respond::add_security_headers(&mut response);
    response
}
