//! The admin CLI's library: staff keys and imports on a running deployment's backends.

use portal_admin::ImportFile;
use portal_dev_server::demo::CUSTOMER_ID;
use portal_domain::{ContactId, DocumentId};
use portal_e2e::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_created_staff_key_opens_the_api() {
    let app = TestApp::spawn().await;
    let token = portal_admin::create_staff_key(app.state(), "Contabilidad").await.unwrap();
    let ok = reqwest::Client::new().get(app.server.url("/api/v1/keys")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(portal_admin::create_staff_key(app.state(), "").await.is_err());
}

#[tokio::test]
async fn imports_write_valid_records_report_bad_ones_and_leave_no_key_behind() {
    let app = TestApp::spawn().await;
    let file: ImportFile = serde_json::from_value(json!({
        "contacts": [
            { "id": "c-import-1", "name": "Importada S.L.", "role": "customer", "emails": ["hola@importada.es"], "portal_access": true },
            { "id": "c-import-2", "name": "Mala", "role": "customer", "emails": ["no-es-correo"] }
        ],
        "products": [
            { "id": "p-import", "sku": "IMP-1", "name": { "es": "Tornillo" }, "unit": "box", "base_price_minor": 350, "vat": 2100, "availability": "in_stock" }
        ],
        "price_lists": [ { "name": "mayoristas", "prices": { "p-import": 300 } } ],
        "documents": [
            { "id": "d-import-1", "kind": "invoice", "contact_id": "c-import-1", "number": "F2026-0300", "issue_date": "2026-11-01",
              "lines": [ { "description": "Tornillos", "quantity": 10000, "unit_price_minor": 350, "vat": 2100 } ] },
            { "id": "d-import-2", "kind": "invoice", "contact_id": CUSTOMER_ID, "number": "F2026-0301", "issue_date": "2026-11-01", "lines": [] }
        ]
    }))
    .unwrap();
    let report = portal_admin::import(app.state(), file).await.unwrap();
    assert_eq!(report.written, 4, "{:?}", report.refused);
    assert_eq!(report.refused.len(), 2, "{:?}", report.refused);
    assert!(report.refused[0].starts_with("contact c-import-2: 422"), "{:?}", report.refused);
    assert!(report.refused[1].contains("\"field\":\"lines\""), "{:?}", report.refused);

    let store = &app.state().store;
    assert!(store.contact(&ContactId::parse("c-import-1").unwrap()).await.unwrap().is_some());
    assert!(store.contact(&ContactId::parse("c-import-2").unwrap()).await.unwrap().is_none());
    assert!(store.document(&DocumentId::parse("d-import-1").unwrap()).await.unwrap().is_some());
    assert!(store.document(&DocumentId::parse("d-import-2").unwrap()).await.unwrap().is_none());
    assert_eq!(store.price_list("mayoristas").await.unwrap().unwrap().prices.len(), 1);
    let keys = store.api_keys().await.unwrap();
    assert!(keys.iter().all(|k| !k.is_active()), "the import's key is revoked: {keys:?}");
}
