//! The catalog, the cart and placing orders: who sees what at which price,
//! what a tampered form can (not) do, and numbering under concurrent orders.

use portal_dev_server::demo;
use portal_domain::catalog::{Availability, ProductId};
use portal_domain::contact::ContactId;
use portal_domain::{
    Contact, ContactRole, DocumentId, DocumentKind, DocumentStatus, EmailAddress, Locale, PriceCondition,
};
use portal_e2e::{Browser, TestApp};

const STAFF: &str = "oficina@ebro-instalaciones.es";

/// The local server with the demo data and the demo catalog.
async fn shop() -> TestApp {
    let app = TestApp::spawn().await;
    demo::seed_catalog(app.state()).await.expect("demo catalog");
    app
}

fn euros(text: &str) -> String {
    format!("{text}\u{a0}€")
}

/// A catalog contact with the given price condition, logged in without the
/// mail round trip (a session cookie minted with the app's keys).
async fn shopper(app: &TestApp, id: &str, condition: PriceCondition) -> Browser {
    let state = app.state();
    let contact = Contact {
        id: ContactId::parse(id).unwrap(),
        name: format!("Cliente {id}"),
        tax_id: None,
        role: ContactRole::Customer,
        emails: vec![EmailAddress::parse(&format!("{id}@example.es")).unwrap()],
        locale: Locale::Es,
        portal_access: true,
        catalog: true,
        price_condition: condition,
        recargo_equivalencia: false,
        address: None,
    };
    state.store.create_contact(&contact).await.unwrap();
    let browser = app.browser();
    let (token, _) = state.keys.issue_session(&contact.id, state.clock.now());
    browser.set_cookie(portal_web::auth::session_cookie_name(state), &token, "/");
    browser
}

async fn add(browser: &Browser, product: &str, quantity: &str) -> portal_e2e::Page {
    let page = browser.get("/catalog").await;
    browser.post("/cart/items", &[("csrf", &page.csrf()), ("product", product), ("quantity", quantity)]).await
}

async fn place(browser: &Browser) -> portal_e2e::Page {
    let cart = browser.get("/cart").await;
    assert_eq!(cart.status, 200, "{}", cart.body);
    browser.post("/cart/order", &[("csrf", &cart.csrf()), ("cart_version", &cart.hidden("cart_version"))]).await
}

/// How many lines the cart holds, as the catalog's cart link says.
async fn cart_len(browser: &Browser) -> usize {
    let page = browser.get("/catalog").await;
    let marker = "Ver la cesta (";
    let start = page.body.find(marker).expect("cart link") + marker.len();
    page.body[start..].split(')').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_contact_without_the_catalog_option_finds_no_catalog() {
    let app = shop().await;
    let tom = app.logged_in(demo::ENGLISH_CUSTOMER_EMAIL).await;
    let home = tom.get("/").await;
    assert!(!home.body.contains("href=\"/catalog\""), "no catalog in the navigation");
    assert!(!home.body.contains("href=\"/cart\""), "no cart in the navigation");
    for path in ["/catalog", "/cart", "/catalog/products/tal-850/image"] {
        assert_eq!(tom.get(path).await.status, 404, "{path}");
    }
    let csrf = home.csrf();
    let added = tom.post("/cart/items", &[("csrf", &csrf), ("product", "tal-850"), ("quantity", "1")]).await;
    assert_eq!(added.status, 404);
    assert_eq!(tom.post("/cart/order", &[("csrf", &csrf), ("cart_version", "0")]).await.status, 404);
    // Without a session the catalog asks for a login.
    assert_eq!(app.browser().get("/catalog").await.status, 303);

    let ana = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let home = ana.get("/").await;
    assert!(home.body.contains("href=\"/catalog\""), "catalog contacts see it");
}

#[tokio::test]
async fn each_contact_sees_active_products_at_their_own_prices() {
    let app = shop().await;
    let ana = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = ana.get("/catalog").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Taladro percutor 850 W"));
    assert!(!page.body.contains("Foco halógeno"), "inactive products are not listed");
    // Ana has 5 % off: 89,50 → 85,03 (85,025 rounded half away); with IVA 102,89.
    assert!(page.body.contains(&euros("85,03")), "discounted price");
    assert!(page.body.contains(&euros("102,89")), "price with IVA");
    assert!(page.body.contains(&euros("89,50")), "the base price shown as before");

    let listed =
        shopper(&app, "instalador", PriceCondition::PriceList { name: demo::INSTALLERS_PRICE_LIST.into() }).await;
    let page = listed.get("/catalog").await;
    assert!(page.body.contains(&euros("79,00")), "price-list price for the drill");
    assert!(page.body.contains(&euros("1,60")), "price-list price for the cable");
    assert!(page.body.contains(&euros("11,25")), "base price where the list has none");

    let plain = shopper(&app, "particular", PriceCondition::BasePrices).await;
    let page = plain.get("/catalog").await;
    assert!(page.body.contains(&euros("89,50")) && page.body.contains(&euros("108,30")), "base price and with IVA");
    assert!(!page.body.contains(&euros("85,03")), "nobody else's discount");

    let lighting = ana.get("/catalog?category=iluminacion").await;
    assert!(lighting.body.contains("Panel LED 60x60 40 W") && !lighting.body.contains("Taladro"), "one category");
    assert_eq!(ana.get("/catalog?category=nope").await.status, 404);
    let search = ana.get("/catalog?q=panel%20led").await;
    assert!(search.body.contains("Panel LED 60x60") && !search.body.contains("Luminaria LED"), "every word must match");
    let by_sku = ana.get("/catalog?q=tal").await;
    assert!(by_sku.body.contains("Taladro percutor"), "found by SKU or name prefix");
    let folded = ana.get("/catalog?q=MAGNETOTERMICO").await;
    assert!(folded.body.contains("Interruptor magnetotérmico"), "case and accents folded");
    let none = ana.get("/catalog?q=halogeno").await;
    assert!(none.body.contains("No hay productos"), "inactive products are not found either");

    let image = ana.get("/catalog/products/tal-850/image").await;
    assert_eq!(image.status, 303, "images are served through a short-lived URL");
    assert_eq!(ana.get("/catalog/products/bas-schuko/image").await.status, 404, "no image, no URL");
}

#[tokio::test]
async fn placing_an_order_numbers_it_mails_staff_and_contact_and_empties_the_cart() {
    let app = shop().await;
    let ana = app.logged_in(demo::CUSTOMER_EMAIL).await;
    assert_eq!(add(&ana, "tal-850", "2").await.status, 303);
    assert_eq!(add(&ana, "cab-rz1-25", "10,5").await.status, 303);
    assert_eq!(add(&ana, "tal-850", "1").await.status, 303, "adding again merges the line");
    let cart = ana.get("/cart").await;
    // 3 × 85,03 = 255,09; 10,5 m × 1,80 (1,7955 → 1,80) = 18,90; base 273,99;
    // IVA 21 % 57,54; recargo 5,2 % 14,25; total 345,78.
    assert!(cart.body.contains(&euros("273,99")), "{}", cart.body);
    assert!(cart.body.contains(&euros("14,25")), "recargo for a retailer under it");
    assert!(cart.body.contains(&euros("345,78")));

    let placed = place(&ana).await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let location = placed.location().unwrap().to_string();
    let year = app.state().clock.today().year();
    let expected = if year == 2026 { "d-ped2026-0053".to_string() } else { format!("d-ped{year}-0001") };
    assert_eq!(location, format!("/documents/sales-orders/{expected}"), "the next number of the sequence");
    let order = app.state().store.document(&DocumentId::parse(&expected).unwrap()).await.unwrap().unwrap();
    assert_eq!(order.status, DocumentStatus::Pending);
    assert_eq!(order.kind, DocumentKind::SalesOrder);
    assert!(order.recargo);
    assert_eq!(order.lines.len(), 2);
    assert_eq!(order.lines[0].unit_price_minor, 8_503, "priced on the server for the contact");
    assert_eq!(order.lines[0].product, Some(ProductId::parse("tal-850").unwrap()));
    assert_eq!(order.totals().total, 34_578);

    let view = ana.get(&location).await;
    assert!(view.body.contains("Pendiente"), "{}", view.body);
    let orders = ana.get("/documents/sales-orders").await;
    assert!(orders.body.contains(order.number.as_str()), "in the Orders list");
    assert_eq!(cart_len(&ana).await, 0, "the cart is empty");

    let mails = app.outbox().await;
    let staff = mails.iter().find(|m| m.to == STAFF && m.subject.contains(order.number.as_str())).expect("staff mail");
    assert_eq!(
        staff.subject,
        format!("Nuevo pedido {} · Ferretería Hermanos López S.L. · Ebro Instalaciones", order.number.as_str())
    );
    assert!(staff.text.contains("/staff/documents/"), "links straight to the order's staff view: {}", staff.text);
    let receipt = mails
        .iter()
        .find(|m| m.to == demo::CUSTOMER_EMAIL && m.subject.contains(order.number.as_str()))
        .expect("receipt");
    assert!(
        receipt.subject.starts_with(&format!("Hemos recibido tu pedido {} ·", order.number.as_str())),
        "{}",
        receipt.subject
    );
    assert!(receipt.text.contains("10,5 × Cable RZ1-K 3x2,5 mm²"), "{}", receipt.text);

    // Re-ordering puts the same products back in the cart.
    assert!(view.body.contains(&format!("action=\"{location}/reorder\"")), "re-order offered");
    let again = ana.post(&format!("{location}/reorder"), &[("csrf", &view.csrf())]).await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(cart_len(&ana).await, 2);
    let old = ana.get("/documents/sales-orders/d-ped2026-0051").await;
    assert!(!old.body.contains("/reorder\""), "orders not placed from the catalog have no re-order");
}

#[tokio::test]
async fn tampered_or_stale_forms_are_refused_and_write_nothing() {
    let app = shop().await;
    let ana = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = ana.get("/catalog").await;
    let csrf = page.csrf();
    let post = |product: &'static str, quantity: &'static str| {
        let (ana, csrf) = (&ana, csrf.clone());
        async move { ana.post("/cart/items", &[("csrf", &csrf), ("product", product), ("quantity", quantity)]).await }
    };
    for (product, quantity, status) in [
        ("hal-antiguo", "1", 409),
        ("dif-2p40", "1", 409),
        ("no-such-product", "1", 409),
        ("../../etc", "1", 409),
        ("tal-850", "0", 400),
        ("tal-850", "-2", 400),
        ("tal-850", "100000", 400),
        ("tal-850", "1e3", 400),
        ("tal-850", "", 400),
    ] {
        let refused = post(product, quantity).await;
        assert_eq!(refused.status, status, "{product} × {quantity}: {}", refused.body);
    }
    assert_eq!(cart_len(&ana).await, 0, "nothing was added");

    // A price in the form is not a price.
    let added = ana
        .post("/cart/items", &[("csrf", &csrf), ("product", "tal-850"), ("quantity", "1"), ("unit_price_minor", "1")])
        .await;
    assert_eq!(added.status, 303);
    let cart = ana.get("/cart").await;
    let version = cart.hidden("cart_version");
    let placed =
        ana.post("/cart/order", &[("csrf", &cart.csrf()), ("cart_version", &version), ("unit_price_minor", "1")]).await;
    assert_eq!(placed.status, 303);
    let id = placed.location().unwrap().rsplit('/').next().unwrap().to_string();
    let order = app.state().store.document(&DocumentId::parse(&id).unwrap()).await.unwrap().unwrap();
    assert_eq!(order.lines[0].unit_price_minor, 8_503);

    // A cart changed in another tab after the page was shown.
    add(&ana, "tal-850", "1").await;
    let shown = ana.get("/cart").await;
    add(&ana, "led-panel", "1").await;
    let stale =
        ana.post("/cart/order", &[("csrf", &shown.csrf()), ("cart_version", &shown.hidden("cart_version"))]).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("La cesta ha cambiado"));

    // A product that stopped being available after it was added.
    let state = app.state();
    let mut panel = state.store.product(&ProductId::parse("led-panel").unwrap()).await.unwrap().unwrap();
    panel.availability = Availability::Unavailable;
    state.store.save_product(&panel).await.unwrap();
    let blocked = ana.get("/cart").await;
    assert!(blocked.body.contains("«Panel LED 60x60 40 W» no está disponible ahora"), "{}", blocked.body);
    assert!(!blocked.body.contains("action=\"/cart/order\""), "no order form");
    let documents_before = state.store.open_documents(&order.contact_id, DocumentKind::SalesOrder, 100).await.unwrap();
    // A hand-made order post (the page offers none): refused whatever version it names.
    let mut said_blocked = false;
    for version in 0..8 {
        let refused =
            ana.post("/cart/order", &[("csrf", &blocked.csrf()), ("cart_version", &version.to_string())]).await;
        assert_eq!(refused.status, 409, "{}", refused.body);
        said_blocked |= refused.body.contains("ya no se pueden pedir");
    }
    assert!(said_blocked, "the current version is refused because of the product");
    let cart = ana.get("/cart").await;
    let documents_after = state.store.open_documents(&order.contact_id, DocumentKind::SalesOrder, 100).await.unwrap();
    assert_eq!(documents_before.len(), documents_after.len(), "no order written");
    // Removing it unblocks the cart.
    let removed = ana.post("/cart/items/led-panel", &[("csrf", &cart.csrf()), ("remove", "1")]).await;
    assert_eq!(removed.status, 303);
    assert!(ana.get("/cart").await.body.contains("action=\"/cart/order\""));
}

#[tokio::test]
async fn concurrent_orders_get_distinct_consecutive_numbers_and_none_is_lost() {
    let app = shop().await;
    const ORDERS: usize = 8;
    let mut shoppers = Vec::new();
    for n in 0..ORDERS {
        let browser = shopper(&app, &format!("tienda-{n}"), PriceCondition::BasePrices).await;
        assert_eq!(add(&browser, "bas-schuko", &format!("{}", n + 1)).await.status, 303);
        let cart = browser.get("/cart").await;
        shoppers.push((browser, cart.csrf(), cart.hidden("cart_version")));
    }
    let shoppers = std::sync::Arc::new(shoppers);
    let mut tasks = Vec::new();
    for n in 0..ORDERS {
        let shoppers = shoppers.clone();
        tasks.push(tokio::spawn(async move {
            let (browser, csrf, version) = &shoppers[n];
            let placed = browser.post("/cart/order", &[("csrf", csrf), ("cart_version", version)]).await;
            (placed.status, placed.location().map(str::to_string))
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        let (status, location) = task.await.unwrap();
        assert_eq!(status, 303, "every order is placed");
        let id = location.unwrap().rsplit('/').next().unwrap().to_string();
        let sequence: u64 = id.rsplit('-').next().unwrap().parse().unwrap();
        numbers.push(sequence);
    }
    numbers.sort();
    let first = numbers[0];
    assert_eq!(numbers, (first..first + ORDERS as u64).collect::<Vec<_>>(), "distinct and consecutive");
    for (n, (browser, _, _)) in shoppers.iter().enumerate() {
        let contact = ContactId::parse(&format!("tienda-{n}")).unwrap();
        let orders = app.state().store.open_documents(&contact, DocumentKind::SalesOrder, 10).await.unwrap();
        assert_eq!(orders.len(), 1, "tienda-{n} has its order");
        assert_eq!(cart_len(browser).await, 0, "tienda-{n}'s cart was emptied");
    }
}
