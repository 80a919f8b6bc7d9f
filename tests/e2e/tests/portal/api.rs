//! The staff JSON API over HTTP: keys and refusals, contacts, documents,
//! bank transfers, replies, access links, catalog and settings.

use portal_dev_server::demo::{CUSTOMER_EMAIL, CUSTOMER_ID, SUPPLIER_ID};
use portal_domain::staff::KeyName;
use portal_e2e::TestApp;
use serde_json::{Value, json};

/// A caller of the staff API with one key.
struct Api {
    client: reqwest::Client,
    base: String,
    token: Option<String>,
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Api {
    async fn with_new_key(app: &TestApp) -> Api {
        let created = portal_staff_api::keys::create_key(app.state(), KeyName::parse("e2e").unwrap()).await.unwrap();
        Api::with_token(app, Some(created.token))
    }

    fn with_token(app: &TestApp, token: Option<String>) -> Api {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Api { client, base: app.server.url(""), token }
    }

    async fn send(&self, method: &str, path: &str, body: Option<&Value>, headers: &[(&str, &str)]) -> Reply {
        let url = format!("{}{path}", self.base.trim_end_matches('/'));
        let mut request = self.client.request(method.parse().unwrap(), url);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("API reachable");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        // Paths no function serves get the platform's 404 (HTML locally), not JSON.
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, headers, body }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, &[]).await
    }

    async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send("POST", path, Some(body), &[]).await
    }

    async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send("PUT", path, Some(body), &[]).await
    }
}

fn invoice_for_ana(number: &str) -> Value {
    json!({
        "kind": "invoice",
        "contact_id": CUSTOMER_ID,
        "number": number,
        "issue_date": "2026-11-20",
        "due_date": "2026-12-20",
        "lines": [
            { "description": "Instalación de fontanería", "quantity": 2000, "unit_price_minor": 4500, "vat": 2100 },
            { "description": "Material", "quantity": 1500, "unit_price_minor": 1000, "vat": 2100, "discount": 1000 }
        ],
        "notes": "Pago por transferencia"
    })
}

#[tokio::test]
async fn only_active_staff_keys_open_the_api_and_they_open_nothing_else() {
    let app = TestApp::spawn().await;
    let anonymous = Api::with_token(&app, None);
    let refused = anonymous.get("/api/v1/settings").await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.body["code"], "unauthorized");
    assert_eq!(refused.headers.get("www-authenticate").unwrap(), "Bearer");

    let staff = Api::with_new_key(&app).await;
    assert_eq!(staff.get("/api/v1/settings").await.status, 200);
    let token = staff.token.clone().unwrap();
    let (id, secret) = token.strip_prefix("ptl_").unwrap().split_once('.').unwrap();
    let forged = format!("ptl_{id}.{}", secret.chars().rev().collect::<String>());
    for bad in [forged, format!("ptl_nokey.{secret}"), "ptl_".into(), secret.to_string(), format!("{token}x")] {
        let reply = Api::with_token(&app, Some(bad.clone())).get("/api/v1/settings").await;
        assert_eq!(reply.status, 401, "{bad}");
    }

    // A contact's session is no credential here, and a staff key is none on contact pages.
    let ana = app.logged_in(CUSTOMER_EMAIL).await;
    let session = ana.cookie("portal_session").expect("session cookie");
    let with_cookie = reqwest::Client::new()
        .get(app.server.url("/api/v1/settings"))
        .header("cookie", format!("portal_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(with_cookie.status(), 401);
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.server.url("/"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303, "a staff key does not log in to contact pages");

    // Revoked keys stop at once; the list never shows secrets.
    let other = staff.post("/api/v1/keys", &json!({ "name": "  Contabilidad " })).await;
    assert_eq!(other.status, 201);
    assert_eq!(other.body["key"]["name"], "Contabilidad");
    let other_token = other.body["token"].as_str().unwrap().to_string();
    let other_api = Api::with_token(&app, Some(other_token.clone()));
    assert_eq!(other_api.get("/api/v1/keys").await.status, 200);
    let listed = staff.get("/api/v1/keys").await;
    let text = listed.body.to_string();
    assert!(!text.contains(&other_token) && !text.contains("digest"), "{text}");
    let entry = listed.body["items"].as_array().unwrap().iter().find(|k| k["name"] == "Contabilidad").unwrap().clone();
    assert!(entry["last_used_at"].is_string(), "use is recorded: {entry}");
    let key_id = entry["id"].as_str().unwrap();
    assert_eq!(staff.send("DELETE", &format!("/api/v1/keys/{key_id}"), None, &[]).await.status, 204);
    assert_eq!(other_api.get("/api/v1/keys").await.status, 401);
    assert_eq!(staff.send("DELETE", &format!("/api/v1/keys/{key_id}"), None, &[]).await.status, 204);
    assert_eq!(staff.send("DELETE", "/api/v1/keys/unknown", None, &[]).await.status, 404);
    let bad_name = staff.post("/api/v1/keys", &json!({ "name": "" })).await;
    assert_eq!((bad_name.status, bad_name.body["field"].as_str()), (422, Some("name")));

    // The description is public and names every operation.
    let spec = anonymous.get("/api/v1/openapi.json").await;
    assert_eq!(spec.status, 200);
    assert!(spec.body["paths"]["/api/v1/documents/{id}/link/rotate"]["post"].is_object());
    assert_eq!(anonymous.get("/api/v1/nothing").await.status, 404);
}

#[tokio::test]
async fn contacts_are_created_once_changed_and_invited() {
    let app = TestApp::spawn().await;
    let staff = Api::with_new_key(&app).await;
    let body = json!({
        "id": "c-taller-mora",
        "name": "Taller Mora",
        "tax_id": "B12345674",
        "role": "customer",
        "emails": ["Compras@Taller-Mora.es"],
        "locale": "es",
        "portal_access": true
    });
    let first = staff.send("POST", "/api/v1/contacts", Some(&body), &[("idempotency-key", "import-7")]).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["emails"][0], "compras@taller-mora.es");
    let again = staff.send("POST", "/api/v1/contacts", Some(&body), &[("idempotency-key", "import-7")]).await;
    assert_eq!((again.status, &again.body), (201, &first.body), "a retry gets the first answer");
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    let mut other = body.clone();
    other["name"] = json!("Otro");
    let reused = staff.send("POST", "/api/v1/contacts", Some(&other), &[("idempotency-key", "import-7")]).await;
    assert_eq!((reused.status, reused.body["code"].as_str()), (422, Some("idempotency_key_reused")));
    let duplicate = staff.post("/api/v1/contacts", &body).await;
    assert_eq!((duplicate.status, duplicate.body["code"].as_str()), (409, Some("contact_exists")));

    // Bad input is named and changes nothing.
    let mut bad = body.clone();
    bad["id"] = json!("c-nuevo");
    bad["emails"] = json!(["compras@taller-mora.es", "no-es-correo"]);
    let refused = staff.post("/api/v1/contacts", &bad).await;
    assert_eq!((refused.status, refused.body["field"].as_str()), (422, Some("emails[1]")), "{}", refused.body);
    bad["emails"] = json!(["x@y.es"]);
    bad["colour"] = json!("red");
    assert_eq!(staff.post("/api/v1/contacts", &bad).await.status, 422);
    assert_eq!(staff.get("/api/v1/contacts/c-nuevo").await.status, 404);
    // A refused create leaves its idempotency key free: the corrected retry runs.
    let refused = staff.send("POST", "/api/v1/contacts", Some(&bad), &[("idempotency-key", "import-8")]).await;
    assert_eq!(refused.status, 422);
    bad.as_object_mut().unwrap().remove("colour");
    let corrected = staff.send("POST", "/api/v1/contacts", Some(&bad), &[("idempotency-key", "import-8")]).await;
    assert_eq!(corrected.status, 201, "{}", corrected.body);
    let text = reqwest::Client::new()
        .post(app.server.url("/api/v1/contacts"))
        .bearer_auth(staff.token.as_deref().unwrap())
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);

    // Invited, the contact logs in with the mailed link.
    let invited = staff.post("/api/v1/contacts/c-taller-mora/invitation", &json!({})).await;
    assert_eq!(invited.status, 202, "{}", invited.body);
    let mail = app.outbox().await.into_iter().find(|m| m.to == "compras@taller-mora.es").expect("invitation");
    assert!(mail.subject.contains("portal de clientes"), "{}", mail.subject);
    let browser = app.browser();
    let confirm = browser.get(&portal_e2e::confirm_path(&mail.text)).await;
    assert_eq!(confirm.status, 200);
    let done = browser.post("/login/confirm", &[("csrf", &confirm.csrf()), ("token", &confirm.hidden("token"))]).await;
    assert_eq!(done.status, 303);
    assert_eq!(browser.get("/").await.status, 200);

    // A new email moves the login; turning access off ends the session at once.
    let changed = staff
        .send(
            "PATCH",
            "/api/v1/contacts/c-taller-mora",
            Some(&json!({ "emails": ["pedidos@taller-mora.es"], "tax_id": null })),
            &[],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert!(changed.body["tax_id"].is_null());
    let taken =
        staff.send("PATCH", "/api/v1/contacts/c-taller-mora", Some(&json!({ "emails": [CUSTOMER_EMAIL] })), &[]).await;
    assert_eq!((taken.status, taken.body["code"].as_str()), (409, Some("contact_conflict")));
    let off =
        staff.send("PATCH", "/api/v1/contacts/c-taller-mora", Some(&json!({ "portal_access": false })), &[]).await;
    assert_eq!(off.status, 200);
    assert_eq!(browser.get("/").await.status, 303, "the session ends with the access");
    let not_now = staff.post("/api/v1/contacts/c-taller-mora/invitation", &json!({})).await;
    assert_eq!((not_now.status, not_now.body["code"].as_str()), (409, Some("access_disabled")));
}

#[tokio::test]
async fn documents_are_created_changed_with_their_version_and_voided() {
    let app = TestApp::spawn().await;
    let staff = Api::with_new_key(&app).await;
    let created = staff.post("/api/v1/documents", &invoice_for_ana("F2026-0200")).await;
    assert_eq!(created.status, 201, "{}", created.body);
    // 2 × 45,00 + 1,5 × 10,00 − 10 % = 103,50 base; 21 % IVA; 5,2 % recargo (Ana is a retailer).
    assert_eq!(created.body["base_minor"], 10350);
    assert_eq!(created.body["vat_minor"], 2174);
    assert_eq!(created.body["recargo_minor"], 538);
    assert_eq!(created.body["total_minor"], 13062);
    assert_eq!(created.body["amount_due_minor"], 13062);
    let id = created.body["id"].as_str().unwrap().to_string();

    let ana = app.logged_in(CUSTOMER_EMAIL).await;
    let page = ana.get(&format!("/documents/invoices/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("F2026-0200") && page.body.contains("130,62"), "the contact sees it");
    let listed =
        staff.get(&format!("/api/v1/contacts/{CUSTOMER_ID}/documents?kind=invoices&filter=open&limit=2")).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);
    assert!(listed.body["next_cursor"].is_string());
    let next = listed.body["next_cursor"].as_str().unwrap();
    let second = staff
        .get(&format!("/api/v1/contacts/{CUSTOMER_ID}/documents?kind=invoices&filter=open&limit=2&cursor={next}"))
        .await;
    assert_eq!(second.status, 200);
    assert_ne!(second.body["items"][0]["id"], listed.body["items"][0]["id"]);
    assert_eq!(staff.get(&format!("/api/v1/contacts/{CUSTOMER_ID}/documents?kind=bills")).await.status, 422);
    // Without a filter: every invoice of the contact, the new one among them.
    let all = staff.get(&format!("/api/v1/contacts/{CUSTOMER_ID}/documents?kind=invoices&limit=50")).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(all.body["items"].as_array().unwrap().iter().any(|d| d["id"] == id.as_str()), "{}", all.body);

    // Changes need the version read; the new version shows and is in the history.
    let mut change = invoice_for_ana("F2026-0200");
    for field in ["kind", "contact_id"] {
        change.as_object_mut().unwrap().remove(field);
    }
    change["lines"][0]["quantity"] = json!(3000);
    change["version"] = json!(99);
    let stale = staff.put(&format!("/api/v1/documents/{id}"), &change).await;
    assert_eq!((stale.status, stale.body["code"].as_str()), (409, Some("version_mismatch")));
    change["version"] = created.body["version"].clone();
    let updated = staff.put(&format!("/api/v1/documents/{id}"), &change).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["base_minor"], 14850);
    assert_eq!(updated.body["version"], created.body["version"].as_u64().unwrap() + 1);
    let history = staff.get(&format!("/api/v1/documents/{id}/activity")).await;
    let kinds: Vec<&str> =
        history.body["items"].as_array().unwrap().iter().filter_map(|e| e["kind"]["type"].as_str()).collect();
    assert_eq!(kinds, ["issued", "updated"]);
    let first = staff.get(&format!("/api/v1/documents/{id}/activity?limit=1")).await;
    assert_eq!(first.body["items"][0]["kind"]["type"], "issued");
    let cursor = first.body["next_cursor"].as_str().expect("a next page").to_string();
    let second = staff.get(&format!("/api/v1/documents/{id}/activity?limit=1&cursor={cursor}")).await;
    assert_eq!(second.body["items"][0]["kind"]["type"], "updated");
    let bad_cursor = staff.get(&format!("/api/v1/documents/{id}/activity?cursor=nonsense")).await;
    assert_eq!((bad_cursor.status, bad_cursor.body["field"].as_str()), (422, Some("cursor")));
    let mut moved = change.clone();
    moved["contact_id"] = json!(SUPPLIER_ID);
    let refused = staff.put(&format!("/api/v1/documents/{id}"), &moved).await;
    assert_eq!((refused.status, refused.body["field"].as_str()), (422, Some("contact_id")));

    // Invalid documents are refused with the field, and nothing is written.
    let mut bad = invoice_for_ana("F2026-0201");
    bad["id"] = json!("d-bad");
    bad["lines"][0]["vat"] = json!(2200);
    let refused = staff.post("/api/v1/documents", &bad).await;
    assert_eq!((refused.status, refused.body["field"].as_str()), (422, Some("lines[0].vat")), "{}", refused.body);
    bad["lines"] = json!([]);
    assert_eq!(staff.post("/api/v1/documents", &bad).await.body["field"], "lines");
    bad = invoice_for_ana("F2026-0201");
    bad["id"] = json!("d-bad");
    bad["lines"][0]["unit_price_minor"] = json!(i64::MAX);
    assert_eq!(staff.post("/api/v1/documents", &bad).await.body["field"], "lines[0].unit_price_minor");
    bad = invoice_for_ana("F2026-0201");
    bad["id"] = json!("d-bad");
    bad["contact_id"] = json!(SUPPLIER_ID);
    assert_eq!(staff.post("/api/v1/documents", &bad).await.body["field"], "contact_id");
    bad["contact_id"] = json!("c-nadie");
    assert_eq!(staff.post("/api/v1/documents", &bad).await.body["field"], "contact_id");
    assert_eq!(staff.get("/api/v1/documents/d-bad").await.status, 404);

    // Voided: the contact sees it voided; it cannot be voided or changed again.
    let voided = staff.post(&format!("/api/v1/documents/{id}/void"), &json!({})).await;
    assert_eq!((voided.status, voided.body["status"].as_str()), (200, Some("void")));
    let again = staff.post(&format!("/api/v1/documents/{id}/void"), &json!({})).await;
    assert_eq!((again.status, again.body["code"].as_str()), (409, Some("transition_not_allowed")));
    change["version"] = voided.body["version"].clone();
    let locked = staff.put(&format!("/api/v1/documents/{id}"), &change).await;
    assert_eq!((locked.status, locked.body["code"].as_str()), (409, Some("document_locked")));
}

#[tokio::test]
async fn the_largest_invoices_the_api_takes_add_up_exactly_on_the_dashboard() {
    let app = TestApp::spawn().await;
    let api = Api::with_new_key(&app).await;
    // At every bound: 500 lines of 1,000,000 units at 100,000,000.00 € each,
    // 63,100,000,000,000,000.00 € with IVA and Ana's recargo; two are beyond an i64.
    let line = json!({ "description": "Máximo", "quantity": 1_000_000_000, "unit_price_minor": 10_000_000_000i64, "vat": 2100 });
    for number in ["F2026-MAX1", "F2026-MAX2"] {
        let mut invoice = invoice_for_ana(number);
        invoice["lines"] = Value::Array(vec![line.clone(); 500]);
        let created = api.post("/api/v1/documents", &invoice).await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.body["total_minor"], json!(6_310_000_000_000_000_000i64));
    }
    let contact = portal_domain::ContactId::parse(CUSTOMER_ID).unwrap();
    let open = app.state().store.open_documents(&contact, portal_domain::DocumentKind::Invoice, 100).await.unwrap();
    let owed: i128 = open.iter().map(|s| i128::from(s.amount_due.minor)).sum();
    assert!(owed > i128::from(i64::MAX));
    let expected = portal_domain::Locale::Es.format_amount(owed, portal_domain::Currency::EUR);

    let browser = app.logged_in(CUSTOMER_EMAIL).await;
    let dashboard = browser.get("/").await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    assert!(dashboard.body.contains(&expected), "the dashboard owes {expected}");
}

#[tokio::test]
async fn a_bank_transfer_marked_received_pays_the_invoice_once_and_sends_a_receipt() {
    let app = TestApp::spawn().await;
    let staff = Api::with_new_key(&app).await;
    let path = "/api/v1/documents/d-f2026-0125";
    let invoice = staff.get(path).await;
    let due = invoice.body["amount_due_minor"].as_i64().unwrap();
    assert!(due > 100);

    let part = json!({ "amount_minor": 100, "reference": "TRF-0001" });
    let first = staff.post(&format!("{path}/payments"), &part).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["document"]["status"], "partially_paid");
    assert_eq!(first.body["document"]["amount_due_minor"], due - 100);
    let replay = staff.post(&format!("{path}/payments"), &part).await;
    assert_eq!(replay.status, 200, "the same transfer again records nothing");
    assert_eq!(replay.body["document"]["amount_due_minor"], due - 100);

    let too_much =
        staff.post(&format!("{path}/payments"), &json!({ "amount_minor": due, "reference": "TRF-0002" })).await;
    assert_eq!((too_much.status, too_much.body["field"].as_str()), (422, Some("amount_minor")));
    let rest =
        staff.post(&format!("{path}/payments"), &json!({ "amount_minor": due - 100, "reference": "TRF-0003" })).await;
    assert_eq!(rest.status, 201);
    assert_eq!(rest.body["document"]["status"], "paid");
    let paid_again =
        staff.post(&format!("{path}/payments"), &json!({ "amount_minor": 1, "reference": "TRF-0004" })).await;
    assert_eq!((paid_again.status, paid_again.body["code"].as_str()), (409, Some("not_payable")));

    let payments = staff.get(&format!("{path}/payments")).await;
    let items = payments.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|p| p["gateway"] == "bank_transfer"));
    let receipts =
        app.outbox().await.into_iter().filter(|m| m.to == CUSTOMER_EMAIL && m.subject.contains("F2026-0125")).count();
    assert_eq!(receipts, 2, "a receipt per payment");
    let ana = app.logged_in(CUSTOMER_EMAIL).await;
    let page = ana.get("/documents/invoices/d-f2026-0125").await;
    assert!(page.body.contains("Pagada"), "the contact sees it paid");
}

#[tokio::test]
async fn staff_replies_reach_the_contact_in_the_thread_and_by_mail() {
    let app = TestApp::spawn().await;
    let staff = Api::with_new_key(&app).await;
    let path = "/api/v1/documents/d-f2026-0125/comments";
    let reply = staff
        .send(
            "POST",
            path,
            Some(&json!({ "body": "Recibido, gracias. Lo revisamos hoy.", "author": "Lucía (Administración)" })),
            &[("idempotency-key", "r1")],
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["origin"], "staff");
    let retried = staff
        .send(
            "POST",
            path,
            Some(&json!({ "body": "Recibido, gracias. Lo revisamos hoy.", "author": "Lucía (Administración)" })),
            &[("idempotency-key", "r1")],
        )
        .await;
    assert_eq!(retried.body["id"], reply.body["id"]);
    let thread = staff.get(path).await;
    assert_eq!(thread.body["items"].as_array().unwrap().len(), 1, "one reply despite the retry");
    let mail = app.outbox().await.into_iter().find(|m| m.to == CUSTOMER_EMAIL).expect("reply mail");
    assert!(mail.text.contains("Lo revisamos hoy"), "{}", mail.text);
    let ana = app.logged_in(CUSTOMER_EMAIL).await;
    let page = ana.get("/documents/invoices/d-f2026-0125").await;
    assert!(page.body.contains("Lo revisamos hoy") && page.body.contains("Lucía (Administración)"));
    let empty = staff.post(path, &json!({ "body": "   " })).await;
    assert_eq!((empty.status, empty.body["field"].as_str()), (422, Some("body")));
}

#[tokio::test]
async fn a_rotated_link_stops_working_at_once_and_expiry_is_kept() {
    let app = TestApp::spawn().await;
    let staff = Api::with_new_key(&app).await;
    let path = "/api/v1/documents/d-f2026-0125/link";
    let link = staff.get(path).await;
    assert_eq!(link.status, 200);
    assert!(link.body["expires_at"].is_null());
    let old_url = link.body["url"].as_str().unwrap().to_string();
    let old_path = old_url.trim_start_matches(&app.server.url("")).to_string();
    let old_path = format!("/{}", old_path.trim_start_matches('/'));

    let holder = app.browser();
    let opened = holder.get(&old_path).await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    assert_eq!(holder.get("/documents/invoices/d-f2026-0125").await.status, 200);

    let rotated = staff.post(&format!("{path}/rotate"), &json!({})).await;
    assert_eq!(rotated.status, 200);
    assert_ne!(rotated.body["url"], link.body["url"]);
    assert_ne!(holder.get("/documents/invoices/d-f2026-0125").await.status, 200, "the opened browser is out");
    assert_eq!(app.browser().get(&old_path).await.status, 404, "the old link is refused");
    let new_url = rotated.body["url"].as_str().unwrap();
    let new_path = format!("/{}", new_url.trim_start_matches(&app.server.url("")).trim_start_matches('/'));
    let fresh = app.browser();
    assert_eq!(fresh.get(&new_path).await.status, 303);
    assert_eq!(fresh.get("/documents/invoices/d-f2026-0125").await.status, 200);

    let past = staff.put(&format!("{path}/expiry"), &json!({ "expires_at": "2020-01-01T00:00:00Z" })).await;
    assert_eq!((past.status, past.body["field"].as_str()), (422, Some("expires_at")));
    let later = staff.put(&format!("{path}/expiry"), &json!({ "expires_at": "2099-01-01T00:00:00Z" })).await;
    assert_eq!(later.status, 200);
    assert_eq!(later.body["expires_at"], "2099-01-01T00:00:00Z");
    assert_eq!(later.body["url"], rotated.body["url"], "an expiry keeps the link");
    let cleared = staff.put(&format!("{path}/expiry"), &json!({ "expires_at": null })).await;
    assert!(cleared.body["expires_at"].is_null());
    assert_eq!(staff.get("/api/v1/documents/d-nothing/link").await.status, 404);
}

#[tokio::test]
async fn products_price_lists_and_settings_are_managed_with_checks() {
    let app = TestApp::spawn().await;
    let staff = Api::with_new_key(&app).await;
    let product = json!({
        "sku": "GRIFO-01",
        "name": { "es": "Grifo monomando", "en": "Single-lever tap" },
        "unit": "piece",
        "base_price_minor": 4990,
        "vat": 2100,
        "availability": "in_stock"
    });
    let saved = staff.put("/api/v1/products/p-grifo", &product).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["currency"], "EUR");
    assert_eq!(staff.get("/api/v1/products/p-grifo").await.body["name"]["es"], "Grifo monomando");
    let ana = app.logged_in(CUSTOMER_EMAIL).await;
    let catalog = ana.get("/catalog?q=grifo").await;
    assert!(catalog.body.contains("Grifo monomando"), "the catalog lists it");
    let mut bad = product.clone();
    bad["base_price_minor"] = json!(-1);
    assert_eq!(staff.put("/api/v1/products/p-grifo", &bad).await.body["field"], "base_price_minor");
    bad["base_price_minor"] = json!(10);
    bad["name"] = json!({ "es": "" });
    assert_eq!(staff.put("/api/v1/products/p-grifo", &bad).await.body["field"], "name.es");
    assert_eq!(staff.get("/api/v1/products/p-grifo").await.body["base_price_minor"], 4990, "refusals write nothing");
    // Renamed, it is found by its new name and no longer by the old one.
    let mut renamed = product.clone();
    renamed["name"] = json!({ "es": "Grifo termostático", "en": "Thermostatic tap" });
    assert_eq!(staff.put("/api/v1/products/p-grifo", &renamed).await.status, 200);
    assert!(ana.get("/catalog?q=termostatico").await.body.contains("Grifo termostático"));
    assert!(!ana.get("/catalog?q=monomando").await.body.contains("Grifo"), "the old name no longer finds it");

    let list = staff.put("/api/v1/price-lists/instaladores", &json!({ "prices": { "p-grifo": 3990 } })).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(staff.get("/api/v1/price-lists/instaladores").await.body["prices"]["p-grifo"], 3990);
    let negative = staff.put("/api/v1/price-lists/instaladores", &json!({ "prices": { "p-grifo": -5 } })).await;
    assert_eq!(negative.status, 422);
    assert_eq!(staff.get("/api/v1/price-lists/nadie").await.status, 404);

    let mut settings = staff.get("/api/v1/settings").await.body;
    settings["trade_name"] = json!("Ebro Clima");
    settings["iban"] = json!("ES00 0000 0000 0000 0000 0000");
    let refused = staff.put("/api/v1/settings", &settings).await;
    assert_eq!((refused.status, refused.body["field"].as_str()), (422, Some("iban")));
    settings["iban"] = json!("es9121000418450200051332");
    let saved = staff.put("/api/v1/settings", &settings).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["iban"], "ES91 2100 0418 4502 0005 1332");
    assert!(app.browser().get("/login").await.body.contains("Ebro Clima"));
}

#[tokio::test]
async fn every_endpoint_refuses_missing_revoked_and_contact_credentials_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let staff = Api::with_new_key(&app).await;
    let revoked = staff.post("/api/v1/keys", &json!({ "name": "to revoke" })).await;
    let revoked_id = revoked.body["key"]["id"].as_str().unwrap().to_string();
    let revoked_token = revoked.body["token"].as_str().unwrap().to_string();
    assert_eq!(staff.send("DELETE", &format!("/api/v1/keys/{revoked_id}"), None, &[]).await.status, 204);
    let ana = app.logged_in(CUSTOMER_EMAIL).await;
    let session = ana.cookie("portal_session").expect("session cookie");
    let before = staff.get("/api/v1/documents/d-f2026-0125").await.body;

    let client = reqwest::Client::new();
    for route in portal_web::routes::API.iter().filter(|r| **r != portal_web::routes::API_OPENAPI) {
        let path = route.path.replace("{id}", "d-f2026-0125").replace("{name}", "instaladores");
        for credential in ["none", "revoked", "contact session"] {
            let mut request = client.request(route.method.clone(), app.server.url(&path)).json(&json!({}));
            request = match credential {
                "revoked" => request.bearer_auth(&revoked_token),
                "contact session" => request.header("cookie", format!("portal_session={session}")),
                _ => request,
            };
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 401, "{} {path} with {credential}", route.method);
        }
    }
    assert_eq!(staff.get("/api/v1/documents/d-f2026-0125").await.body, before, "nothing changed");
}
