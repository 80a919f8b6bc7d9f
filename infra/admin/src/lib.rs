//! `portal-admin`: bootstrapping a deployment from the command line, on the
//! backends the environment names (the same variables the functions read).
//!
//! Imports go through the staff API's own handlers, in process, with a key
//! that exists only for the import: every record gets exactly the checks an
//! API call gets, and a bad record is reported without being written.

use lambda_http::http::{Method, header};
use portal_domain::staff::KeyName;
use portal_web::routes::{self, Route};
use portal_web::{AppState, Body, Request};
use serde::Deserialize;
use serde_json::Value;

/// What an import file holds; every part is optional. Records have the
/// shapes the staff API takes (see `functions/staff-api/openapi.json`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    #[serde(default)]
    pub settings: Option<Value>,
    #[serde(default)]
    pub contacts: Vec<Value>,
    /// Each with its `id`.
    #[serde(default)]
    pub products: Vec<Value>,
    /// Each `{"name", "prices"}`.
    #[serde(default)]
    pub price_lists: Vec<Value>,
    #[serde(default)]
    pub documents: Vec<Value>,
}

/// How an import went: records written, and each refusal with its reason.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub written: usize,
    pub refused: Vec<String>,
}

/// Creates a staff API key and returns its token (shown once).
pub async fn create_staff_key(state: &AppState, name: &str) -> Result<String, String> {
    let name = KeyName::parse(name).map_err(|e| e.to_string())?;
    let created = portal_staff_api::keys::create_key(state, name).await.map_err(|e| e.to_string())?;
    Ok(created.token)
}

/// Imports `file` in dependency order: settings, contacts, products, price
/// lists, documents. Records that exist already are reported, not changed.
pub async fn import(state: &AppState, file: ImportFile) -> Result<ImportReport, String> {
    let key = portal_staff_api::keys::create_key(state, KeyName::parse("import (temporary)").expect("valid name"))
        .await
        .map_err(|e| e.to_string())?;
    let mut report = ImportReport::default();
    let mut calls: Vec<(String, Route, String, Value)> = Vec::new();
    if let Some(settings) = file.settings {
        calls.push(("settings".into(), routes::API_SETTINGS_UPDATE, routes::API_SETTINGS_UPDATE.path.into(), settings));
    }
    for contact in file.contacts {
        calls.push((
            label("contact", &contact, "id"),
            routes::API_CONTACT_CREATE,
            routes::API_CONTACT_CREATE.path.into(),
            contact,
        ));
    }
    for mut product in file.products {
        let label = label("product", &product, "id");
        let id = product.as_object_mut().and_then(|p| p.remove("id")).and_then(|id| id.as_str().map(str::to_string));
        let path = format!("/api/v1/products/{}", id.unwrap_or_default());
        calls.push((label, routes::API_PRODUCT_SAVE, path, product));
    }
    for mut list in file.price_lists {
        let label = label("price list", &list, "name");
        let name = list.as_object_mut().and_then(|l| l.remove("name")).and_then(|n| n.as_str().map(str::to_string));
        let path = format!("/api/v1/price-lists/{}", name.unwrap_or_default());
        calls.push((label, routes::API_PRICE_LIST_SAVE, path, list));
    }
    for document in file.documents {
        calls.push((
            label("document", &document, "number"),
            routes::API_DOCUMENT_CREATE,
            routes::API_DOCUMENT_CREATE.path.into(),
            document,
        ));
    }
    for (label, route, path, body) in calls {
        let response = portal_staff_api::handle(state, api_request(&route.method, &path, &key.token, &body)).await;
        if response.status().is_success() {
            report.written += 1;
        } else {
            let why = match response.body() {
                Body::Text(text) => text.clone(),
                _ => String::new(),
            };
            report.refused.push(format!("{label}: {} {why}", response.status().as_u16()));
        }
    }
    let revoked = portal_staff_api::keys::revoke(state, key.key.id.as_str()).await;
    if revoked.is_err() {
        return Err(format!("the temporary import key {} could not be revoked: revoke it by hand", key.key.id));
    }
    Ok(report)
}

fn label(what: &str, record: &Value, field: &str) -> String {
    format!("{what} {}", record.get(field).and_then(Value::as_str).unwrap_or("(without id)"))
}

fn api_request(method: &Method, path: &str, token: &str, body: &Value) -> Request {
    lambda_http::http::Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::Text(body.to_string()))
        .expect("a valid request")
}
