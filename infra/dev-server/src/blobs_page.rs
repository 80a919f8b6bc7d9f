//! `/dev/blobs/{key}`: serves the embedded blob store's presigned URLs, checking
//! signature and expiry as S3 does. Local server, embedded backends only.

use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, Response};
use portal_adapters::blob::{FsBlobStore, PRESIGNED_PREFIX};
use portal_runtime::{EmbeddedPaths, blob_url_key};
use portal_web::config::Backends;
use portal_web::{AppState, http};

/// Serves a presigned blob, or `None` if the path is not under the prefix.
pub async fn serve(state: &AppState, request: &Request) -> Option<Response<Body>> {
    let key = request.uri().path().strip_prefix(PRESIGNED_PREFIX)?;
    let Backends::Embedded { data_dir } = &state.config.backends else { return None };
    let store =
        FsBlobStore::new(EmbeddedPaths::under(data_dir).blobs, &state.config.public_url, &blob_url_key(&state.config));
    let query = http::query(request);
    let expires = query.get("expires").and_then(|e| e.parse::<i64>().ok()).unwrap_or(0);
    let disposition = query.get("disposition").cloned().unwrap_or_default();
    let signature = query.get("signature").cloned().unwrap_or_default();
    let opened = store.open_presigned(key, expires, &disposition, &signature, state.clock.now()).await;
    let mut response = match opened {
        Ok(Some(blob)) => {
            let mut response = Response::new(Body::Binary(blob.bytes));
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&blob.content_type) {
                headers.insert(header::CONTENT_TYPE, value);
            }
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        // Like S3: a bad signature, an expired URL or a missing key is 403.
        Ok(None) | Err(_) => {
            let mut response = Response::new(Body::Text("Access denied".into()));
            *response.status_mut() = StatusCode::FORBIDDEN;
            response
        }
    };
    // Like S3: no page CSP on a file (the browser's PDF viewer must be able to show it).
    response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    Some(response)
}
