//! `portal-staff-api`: the JSON API the business's own systems call
//! (`/api/v1/...`), authenticated by staff API keys. Every route is an
//! `portal_web::routes::Api` endpoint and described in `openapi.json` (served at
//! `/api/v1/openapi.json`; a test keeps the two identical).

pub mod catalog;
pub mod contacts;
pub mod documents;
pub mod keys;
pub mod settings;

use lambda_http::http::StatusCode;
use portal_web::api::{self, ApiError, ApiResult};
use portal_web::routes::{self, Api, Endpoint};
use portal_web::{AppState, Body, Request, Response};

/// The OpenAPI 3 description of this API.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Serves every `/api/v1` route.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = route(state, &request).await;
    api::finish(&request, result)
}

async fn route(state: &AppState, request: &Request) -> ApiResult {
    let Some((route, params)) = routes::resolve(request.method(), request.uri().path()) else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such endpoint."));
    };
    let Endpoint::Api(endpoint) = route.endpoint else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such endpoint."));
    };
    if endpoint == Api::Openapi {
        return openapi();
    }
    let caller = api::authenticate(state, request).await?;
    let param = |name: &str| params.get(name).unwrap_or_default().to_string();
    match endpoint {
        Api::Openapi => openapi(),
        Api::Keys => keys::list(state).await,
        Api::KeyCreate => api::once(state, &caller, request, keys::create(state, request)).await,
        Api::KeyRevoke => keys::revoke(state, &param("id")).await,
        Api::Settings => settings::show(state).await,
        Api::SettingsUpdate => settings::update(state, request).await,
        Api::ContactCreate => api::once(state, &caller, request, contacts::create(state, request)).await,
        Api::Contact => contacts::show(state, &param("id")).await,
        Api::ContactUpdate => contacts::update(state, request, &param("id")).await,
        Api::ContactInvite => contacts::invite(state, &param("id")).await,
        Api::ContactDocuments => contacts::documents(state, request, &param("id")).await,
        Api::DocumentCreate => api::once(state, &caller, request, documents::create(state, request)).await,
        Api::Document => documents::show(state, &param("id")).await,
        Api::DocumentUpdate => documents::update(state, request, &param("id")).await,
        Api::DocumentVoid => documents::void(state, &param("id")).await,
        Api::DocumentPayments => documents::payments(state, &param("id")).await,
        Api::DocumentPaymentRecord => documents::record_transfer(state, request, &param("id")).await,
        Api::DocumentActivity => documents::activity(state, request, &param("id")).await,
        Api::DocumentComments => documents::comments(state, request, &param("id")).await,
        Api::DocumentReply => api::once(state, &caller, request, documents::reply(state, request, &param("id"))).await,
        Api::DocumentLink => documents::link(state, &param("id")).await,
        Api::DocumentLinkRotate => documents::rotate_link(state, &param("id")).await,
        Api::DocumentLinkExpiry => documents::set_link_expiry(state, request, &param("id")).await,
        Api::Product => catalog::show_product(state, &param("id")).await,
        Api::ProductSave => catalog::save_product(state, request, &param("id")).await,
        Api::PriceList => catalog::show_price_list(state, &param("name")).await,
        Api::PriceListSave => catalog::save_price_list(state, request, &param("name")).await,
    }
}

/// `GET /api/v1/openapi.json`: the description, public like any API's docs.
pub fn openapi() -> ApiResult {
    let mut response = Response::new(Body::Text(OPENAPI.to_string()));
    response.headers_mut().insert(
        lambda_http::http::header::CONTENT_TYPE,
        lambda_http::http::HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// Text fields: trimmed, 1..=`max` characters, no control characters except newlines.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let value = value.trim();
    let count = value.chars().count();
    if count == 0 || count > max || value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::invalid(field, format!("{field} has 1 to {max} characters and no control characters.")));
    }
    Ok(value.to_string())
}

/// Like [`text`], for a field that may be left out or empty.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => text(field, value, max).map(Some),
    }
}

/// For PATCH bodies: an absent field is `None`, an explicit `null` is `Some(None)`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_is_json_and_names_every_route() {
        let spec: serde_json::Value = serde_json::from_str(OPENAPI).expect("openapi.json parses");
        assert_eq!(spec["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        let mut described = std::collections::BTreeSet::new();
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    described.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        let served: std::collections::BTreeSet<(String, String)> =
            routes::API.iter().map(|r| (r.method.to_string(), r.path.to_string())).collect();
        assert_eq!(described, served, "openapi.json and routes::API must list the same operations");
    }

    #[test]
    fn text_fields_are_trimmed_and_bounded() {
        assert_eq!(text("name", "  Ana ", 10).unwrap(), "Ana");
        assert_eq!(text("name", "", 10).unwrap_err().field.as_deref(), Some("name"));
        assert!(text("name", "a\u{0}b", 10).is_err());
        assert!(text("name", &"x".repeat(11), 10).is_err());
        assert_eq!(optional_text("notes", Some("  "), 10).unwrap(), None);
    }
}
