//! `portal-document-pdf`: a document as PDF, for download or printing.
//!
//! The PDF is rendered on first need and kept in the blob store under a key
//! derived from the document's content version and a digest of exactly what
//! the PDF shows (so a changed document, status or business address gets a new
//! PDF and an unchanged one is never rendered twice); the browser is then
//! redirected to a short-lived presigned URL. Only this function links typst;
//! fonts and template load once per cold start.

use portal_domain::ports::{Blob, Disposition};
use portal_domain::{Document, DocumentId, DocumentKind, i18n};
use portal_pdf::{PdfData, PdfInput, Renderer, TEMPLATE_VERSION, logo_bytes, pdf_data};
use portal_web::error::Problem;
use portal_web::routes::DOCUMENT_PDF;
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, auth, http, respond, tokens};
use std::sync::LazyLock;
use std::time::Duration;

/// How long a download link works: long enough to start a slow download.
pub const URL_LIFETIME: Duration = Duration::from_secs(5 * 60);

static RENDERER: LazyLock<Renderer> = LazyLock::new(Renderer::new);

/// Serves `GET /documents/{kind}/{id}/pdf` (`?print=1` opens it in the browser to print).
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = pdf(state, &request).await;
    respond::finish(state, &request, result)
}

/// The blob key of a document's PDF: its content version plus a digest of the
/// rendered data, the logo and the template version.
pub fn pdf_key(document: &Document, data: &PdfData, logo_url: Option<&str>) -> String {
    let json = serde_json::to_string(data).unwrap_or_default();
    let digest = tokens::digest_hex(&format!("{TEMPLATE_VERSION}\n{json}\n{}", logo_url.unwrap_or_default()));
    format!("pdf/{}/v{}-{}.pdf", document.id, document.content_version, &digest[..16])
}

/// Checks access like the document page, renders if needed, redirects to the file.
pub async fn pdf(state: &AppState, request: &Request) -> WebResult {
    let params = DOCUMENT_PDF.matches(request.uri().path()).ok_or(Problem::NotFound)?;
    let kind = params.get("kind").and_then(DocumentKind::from_slug).ok_or(Problem::NotFound)?;
    let id = params.get("id").and_then(|id| DocumentId::parse(id).ok()).ok_or(Problem::NotFound)?;
    let Some(document) = state.store.document(&id).await?.filter(|d| d.kind == kind) else {
        return match auth::current_contact(state, request).await? {
            Some(_) => Err(Problem::NotFound.into()),
            None => Err(WebError::LoginRequired),
        };
    };
    // Staff (from the staff view) may download any document; everyone else
    // as on the document page.
    if auth::current_staff(state, request).await?.is_none() {
        auth::document_accessor(state, request, &document).await?;
    }
    let (settings, contact) =
        tokio::join!(state.business_settings(), portal_app::write::owner(state.store.as_ref(), &document));
    let settings = settings?;
    let contact = contact?;
    let data =
        pdf_data(&PdfInput { settings: &settings, contact: &contact, document: &document, today: state.clock.today() });
    let key = pdf_key(&document, &data, settings.logo_data_url.as_deref());
    let blob_error = WebError::fault;
    if !state.blobs.exists(&key).await.map_err(blob_error)? {
        let logo = logo_bytes(&settings);
        let rendered = tokio::task::spawn_blocking(move || RENDERER.render(&data, logo.as_deref()))
            .await
            .map_err(WebError::fault)?
            .map_err(WebError::fault)?;
        let blob = Blob { content_type: "application/pdf".into(), bytes: rendered };
        state.blobs.put(&key, &blob).await.map_err(blob_error)?;
        tracing::info!(document = %document.id, key = %key, "PDF rendered");
    }
    let file_name = format!("{} {}.pdf", i18n::kind_name(contact.locale, document.kind), document.number.as_str());
    let disposition =
        if http::query(request).contains_key("print") { Disposition::Inline } else { Disposition::Attachment };
    let url = state.blobs.presigned_get(&key, &file_name, disposition, URL_LIFETIME).await.map_err(blob_error)?;
    Ok(http::see_other(&url))
}
