//! Every route of the portal, in one place: which function serves which
//! method and path. The table is the router (each route an endpoint value,
//! matched by `matchit`), the URL builders fill its paths, the local server
//! mounts it, and `template.yaml` is checked against it.

pub use http::Method;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use portal_domain::{DocumentId, DocumentKind};
use std::sync::OnceLock;

/// The Lambda functions that serve HTTP routes (the notification consumer
/// serves none), named as their crates and binaries are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    Login,
    LoginConfirm,
    Logout,
    Dashboard,
    DocumentList,
    DocumentView,
    DocumentPdf,
    DocumentComment,
    QuoteAnswer,
    OrderConfirm,
    DocumentLink,
    Catalog,
    Cart,
    OrderPlace,
    InvoicePay,
    StripeWebhook,
    Staff,
    StaffApi,
}

impl Function {
    /// The crate, binary and template name (`portal-quote-answer`).
    pub const fn name(self) -> &'static str {
        match self {
            Function::Login => "portal-login",
            Function::LoginConfirm => "portal-login-confirm",
            Function::Logout => "portal-logout",
            Function::Dashboard => "portal-dashboard",
            Function::DocumentList => "portal-document-list",
            Function::DocumentView => "portal-document-view",
            Function::DocumentPdf => "portal-document-pdf",
            Function::DocumentComment => "portal-document-comment",
            Function::QuoteAnswer => "portal-quote-answer",
            Function::OrderConfirm => "portal-order-confirm",
            Function::DocumentLink => "portal-document-link",
            Function::Catalog => "portal-catalog",
            Function::Cart => "portal-cart",
            Function::OrderPlace => "portal-order-place",
            Function::InvoicePay => "portal-invoice-pay",
            Function::StripeWebhook => "portal-stripe-webhook",
            Function::Staff => "portal-staff",
            Function::StaffApi => "portal-staff-api",
        }
    }
}

impl std::fmt::Display for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A route as API Gateway (HTTP API) declares it: `{name}` marks a path parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// What the route does: the value a function dispatches on.
    pub endpoint: Endpoint,
    /// The function (and Lambda function) that serves the route.
    pub function: Function,
    pub method: Method,
    pub path: &'static str,
}

/// Declares one group of endpoints: an enum, a `Route` constant per endpoint
/// and the group's table, from one line per route.
macro_rules! endpoints {
    ($(#[$doc:meta])* $group:ident, $table:ident { $($variant:ident $name:ident = $function:ident $method:ident $path:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $group {
            $($variant,)*
        }

        $(pub const $name: Route = Route {
            endpoint: Endpoint::$group($group::$variant),
            function: Function::$function,
            method: Method::$method,
            path: $path,
        };)*

        #[doc = concat!("Every route of [`", stringify!($group), "`].")]
        pub const $table: &[Route] = &[$($name,)*];

        impl $group {
            pub fn route(self) -> &'static Route {
                // Variants and table entries are declared in the same order.
                &$table[self as usize]
            }
        }
    };
}

/// A route's meaning, per function group; a function matches its group
/// exhaustively, so a route without a handler does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Portal(Portal),
    StaffPage(StaffPage),
    Api(Api),
}

endpoints! {
    /// The contact portal: one function per action.
    Portal, PORTAL {
        LoginForm LOGIN_FORM = Login GET "/login";
        LoginRequest LOGIN_REQUEST = Login POST "/login";
        LoginConfirmForm LOGIN_CONFIRM_FORM = LoginConfirm GET "/login/confirm";
        LoginConfirm LOGIN_CONFIRM = LoginConfirm POST "/login/confirm";
        Logout LOGOUT = Logout POST "/logout";
        Dashboard DASHBOARD = Dashboard GET "/";
        DocumentList DOCUMENT_LIST = DocumentList GET "/documents/{kind}";
        DocumentView DOCUMENT_VIEW = DocumentView GET "/documents/{kind}/{id}";
        DocumentPdf DOCUMENT_PDF = DocumentPdf GET "/documents/{kind}/{id}/pdf";
        DocumentComment DOCUMENT_COMMENT = DocumentComment POST "/documents/{kind}/{id}/comments";
        QuoteAccept QUOTE_ACCEPT = QuoteAnswer POST "/documents/quotes/{id}/accept";
        QuoteReject QUOTE_REJECT = QuoteAnswer POST "/documents/quotes/{id}/reject";
        OrderConfirm ORDER_CONFIRM = OrderConfirm POST "/documents/purchase-orders/{id}/confirm";
        DocumentLink DOCUMENT_LINK = DocumentLink GET "/links/{token}";
        Catalog CATALOG = Catalog GET "/catalog";
        ProductImage PRODUCT_IMAGE = Catalog GET "/catalog/products/{id}/image";
        Cart CART = Cart GET "/cart";
        CartAdd CART_ADD = Cart POST "/cart/items";
        CartUpdate CART_UPDATE = Cart POST "/cart/items/{id}";
        Reorder REORDER = Cart POST "/documents/sales-orders/{id}/reorder";
        OrderPlace ORDER_PLACE = OrderPlace POST "/cart/order";
        InvoicePay INVOICE_PAY = InvoicePay POST "/documents/invoices/{id}/pay";
        StripeWebhook STRIPE_WEBHOOK = StripeWebhook POST "/webhooks/stripe";
    }
}

endpoints! {
    /// The staff pages (reached from staff notification mails): one function.
    StaffPage, STAFF {
        LoginForm STAFF_LOGIN_FORM = Staff GET "/staff/login";
        LoginRequest STAFF_LOGIN_REQUEST = Staff POST "/staff/login";
        LoginConfirmForm STAFF_LOGIN_CONFIRM_FORM = Staff GET "/staff/login/confirm";
        LoginConfirm STAFF_LOGIN_CONFIRM = Staff POST "/staff/login/confirm";
        Logout STAFF_LOGOUT = Staff POST "/staff/logout";
        Home STAFF_HOME = Staff GET "/staff";
        Document STAFF_DOCUMENT = Staff GET "/staff/documents/{id}";
        Reply STAFF_REPLY = Staff POST "/staff/documents/{id}/comments";
        LinkRotate STAFF_LINK_ROTATE = Staff POST "/staff/documents/{id}/link/rotate";
        LinkExpiry STAFF_LINK_EXPIRY = Staff POST "/staff/documents/{id}/link/expiry";
        Transfer STAFF_TRANSFER = Staff POST "/staff/documents/{id}/payments";
        OrderConfirm STAFF_ORDER_CONFIRM = Staff POST "/staff/documents/{id}/confirm";
    }
}

endpoints! {
    /// The staff JSON API: one function serves every `/api/v1` route.
    Api, API {
        Openapi API_OPENAPI = StaffApi GET "/api/v1/openapi.json";
        Keys API_KEYS = StaffApi GET "/api/v1/keys";
        KeyCreate API_KEY_CREATE = StaffApi POST "/api/v1/keys";
        KeyRevoke API_KEY_REVOKE = StaffApi DELETE "/api/v1/keys/{id}";
        Settings API_SETTINGS = StaffApi GET "/api/v1/settings";
        SettingsUpdate API_SETTINGS_UPDATE = StaffApi PUT "/api/v1/settings";
        ContactCreate API_CONTACT_CREATE = StaffApi POST "/api/v1/contacts";
        Contact API_CONTACT = StaffApi GET "/api/v1/contacts/{id}";
        ContactUpdate API_CONTACT_UPDATE = StaffApi PATCH "/api/v1/contacts/{id}";
        ContactInvite API_CONTACT_INVITE = StaffApi POST "/api/v1/contacts/{id}/invitation";
        ContactDocuments API_CONTACT_DOCUMENTS = StaffApi GET "/api/v1/contacts/{id}/documents";
        DocumentCreate API_DOCUMENT_CREATE = StaffApi POST "/api/v1/documents";
        Document API_DOCUMENT = StaffApi GET "/api/v1/documents/{id}";
        DocumentUpdate API_DOCUMENT_UPDATE = StaffApi PUT "/api/v1/documents/{id}";
        DocumentVoid API_DOCUMENT_VOID = StaffApi POST "/api/v1/documents/{id}/void";
        DocumentPayments API_DOCUMENT_PAYMENTS = StaffApi GET "/api/v1/documents/{id}/payments";
        DocumentPaymentRecord API_DOCUMENT_PAYMENT_RECORD = StaffApi POST "/api/v1/documents/{id}/payments";
        DocumentActivity API_DOCUMENT_ACTIVITY = StaffApi GET "/api/v1/documents/{id}/activity";
        DocumentComments API_DOCUMENT_COMMENTS = StaffApi GET "/api/v1/documents/{id}/comments";
        DocumentReply API_DOCUMENT_REPLY = StaffApi POST "/api/v1/documents/{id}/comments";
        DocumentLink API_DOCUMENT_LINK = StaffApi GET "/api/v1/documents/{id}/link";
        DocumentLinkRotate API_DOCUMENT_LINK_ROTATE = StaffApi POST "/api/v1/documents/{id}/link/rotate";
        DocumentLinkExpiry API_DOCUMENT_LINK_EXPIRY = StaffApi PUT "/api/v1/documents/{id}/link/expiry";
        Product API_PRODUCT = StaffApi GET "/api/v1/products/{id}";
        ProductSave API_PRODUCT_SAVE = StaffApi PUT "/api/v1/products/{id}";
        PriceList API_PRICE_LIST = StaffApi GET "/api/v1/price-lists/{name}";
        PriceListSave API_PRICE_LIST_SAVE = StaffApi PUT "/api/v1/price-lists/{name}";
    }
}

/// Every route of every function: the portal's, the staff pages' and the staff API's.
pub fn every_route() -> impl Iterator<Item = &'static Route> {
    PORTAL.iter().chain(STAFF).chain(API)
}

/// Path parameters matched by a route, percent-decoded, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// One router per method over [`every_route`], built once per process.
fn routers() -> &'static [(Method, matchit::Router<&'static Route>)] {
    static ROUTERS: OnceLock<Vec<(Method, matchit::Router<&'static Route>)>> = OnceLock::new();
    ROUTERS.get_or_init(|| {
        let mut routers: Vec<(Method, matchit::Router<&'static Route>)> = Vec::new();
        for route in every_route() {
            let index = match routers.iter().position(|(method, _)| *method == route.method) {
                Some(index) => index,
                None => {
                    routers.push((route.method.clone(), matchit::Router::new()));
                    routers.len() - 1
                }
            };
            // The table is static and its test inserts every route: a conflict
            // cannot reach a running function.
            if let Err(conflict) = routers[index].1.insert(route.path, route) {
                tracing::error!(path = route.path, %conflict, "route not routable");
            }
        }
        routers
    })
}

/// The route serving `method` + `path`, with its parameters. Parameters match
/// one non-empty segment and are percent-decoded; a malformed escape or
/// non-UTF-8 value matches nothing.
pub fn resolve(method: &Method, path: &str) -> Option<(&'static Route, Params)> {
    let (_, router) = routers().iter().find(|(m, _)| m == method)?;
    let matched = router.at(path).ok()?;
    let mut params = Vec::new();
    for (name, raw) in matched.params.iter() {
        if raw.is_empty() || !well_escaped(raw) {
            return None;
        }
        let value = percent_decode_str(raw).decode_utf8().ok()?;
        params.push((name.to_string(), value.into_owned()));
    }
    Some((*matched.value, Params(params)))
}

/// Every `%` starts a two-hex-digit escape.
fn well_escaped(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes
        .iter()
        .enumerate()
        .all(|(i, b)| *b != b'%' || (bytes.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))))
}

/// What a path parameter's value may not carry unescaped.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

impl Route {
    /// The route's parameters in `path`, if this route is the one serving it.
    pub fn matches(&self, path: &str) -> Option<Params> {
        self.serves(&self.method, path)
    }

    /// Serves `method` + `path`.
    pub fn serves(&self, method: &Method, path: &str) -> Option<Params> {
        resolve(method, path).filter(|(route, _)| *route == self).map(|(_, params)| params)
    }

    /// The path with its parameters filled in order, each percent-encoded.
    pub fn to(&self, values: &[&str]) -> String {
        let mut values = values.iter();
        self.path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') && segment.ends_with('}') {
                    let value = values.next().copied().unwrap_or_default();
                    utf8_percent_encode(value, SEGMENT).to_string()
                } else {
                    segment.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// URL builders: every path comes from the route table.
pub mod url {
    use super::*;

    pub fn dashboard() -> String {
        DASHBOARD.path.to_string()
    }

    pub fn login() -> String {
        LOGIN_FORM.path.to_string()
    }

    pub fn logout() -> String {
        LOGOUT.path.to_string()
    }

    pub fn login_confirm() -> String {
        LOGIN_CONFIRM.path.to_string()
    }

    pub fn login_confirm_with_token(token: &str) -> String {
        format!("{}?token={token}", LOGIN_CONFIRM_FORM.path)
    }

    pub fn catalog() -> String {
        CATALOG.path.to_string()
    }

    /// A catalog page: a category or a search, from a cursor (values encoded).
    pub fn catalog_page(category: Option<&str>, search: Option<&str>, cursor: Option<&str>) -> String {
        let params: Vec<(&str, &str)> = [("category", category), ("q", search), ("cursor", cursor)]
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        match serde_urlencoded::to_string(&params) {
            Ok(query) if !query.is_empty() => format!("{}?{query}", CATALOG.path),
            _ => catalog(),
        }
    }

    pub fn product_image(id: &portal_domain::catalog::ProductId) -> String {
        PRODUCT_IMAGE.to(&[id.as_str()])
    }

    pub fn cart() -> String {
        CART.path.to_string()
    }

    pub fn cart_add() -> String {
        CART_ADD.path.to_string()
    }

    pub fn cart_update(id: &portal_domain::catalog::ProductId) -> String {
        CART_UPDATE.to(&[id.as_str()])
    }

    pub fn reorder(id: &DocumentId) -> String {
        REORDER.to(&[id.as_str()])
    }

    pub fn invoice_pay(id: &DocumentId) -> String {
        INVOICE_PAY.to(&[id.as_str()])
    }

    /// Where a payer lands back from the hosted checkout: the invoice, saying
    /// the payment is being confirmed (or was given up).
    pub fn invoice_after_checkout(id: &DocumentId, outcome: &str) -> String {
        format!("{}?payment={outcome}", document(DocumentKind::Invoice, id))
    }

    pub fn order_place() -> String {
        ORDER_PLACE.path.to_string()
    }

    pub fn document_list(kind: DocumentKind) -> String {
        DOCUMENT_LIST.to(&[kind.slug()])
    }

    pub fn document_list_page(kind: DocumentKind, filter: &str, cursor: Option<&str>) -> String {
        let mut url = format!("{}?filter={filter}", document_list(kind));
        if let Some(cursor) = cursor {
            url.push_str("&cursor=");
            url.push_str(cursor);
        }
        url
    }

    pub fn document(kind: DocumentKind, id: &DocumentId) -> String {
        DOCUMENT_VIEW.to(&[kind.slug(), id.as_str()])
    }

    pub fn document_pdf(kind: DocumentKind, id: &DocumentId) -> String {
        DOCUMENT_PDF.to(&[kind.slug(), id.as_str()])
    }

    pub fn document_print(kind: DocumentKind, id: &DocumentId) -> String {
        format!("{}?print=1", document_pdf(kind, id))
    }

    pub fn document_comments(kind: DocumentKind, id: &DocumentId) -> String {
        DOCUMENT_COMMENT.to(&[kind.slug(), id.as_str()])
    }

    pub fn quote_accept(id: &DocumentId) -> String {
        QUOTE_ACCEPT.to(&[id.as_str()])
    }

    pub fn quote_reject(id: &DocumentId) -> String {
        QUOTE_REJECT.to(&[id.as_str()])
    }

    pub fn order_confirm(id: &DocumentId) -> String {
        ORDER_CONFIRM.to(&[id.as_str()])
    }

    pub fn document_link(token: &str) -> String {
        DOCUMENT_LINK.to(&[token])
    }

    pub fn staff_home() -> String {
        STAFF_HOME.path.to_string()
    }

    pub fn staff_login() -> String {
        STAFF_LOGIN_FORM.path.to_string()
    }

    /// The staff login form, returning to `next` (a staff page) after login.
    pub fn staff_login_then(next: &str) -> String {
        match serde_urlencoded::to_string([("next", next)]) {
            Ok(query) => format!("{}?{query}", STAFF_LOGIN_FORM.path),
            Err(_) => staff_login(),
        }
    }

    pub fn staff_login_confirm() -> String {
        STAFF_LOGIN_CONFIRM.path.to_string()
    }

    pub fn staff_login_confirm_with(token: &str, next: &str) -> String {
        match serde_urlencoded::to_string([("token", token), ("next", next)]) {
            Ok(query) => format!("{}?{query}", STAFF_LOGIN_CONFIRM_FORM.path),
            Err(_) => staff_login(),
        }
    }

    pub fn staff_logout() -> String {
        STAFF_LOGOUT.path.to_string()
    }

    pub fn staff_document(id: &DocumentId) -> String {
        STAFF_DOCUMENT.to(&[id.as_str()])
    }

    pub fn staff_reply(id: &DocumentId) -> String {
        STAFF_REPLY.to(&[id.as_str()])
    }

    pub fn staff_link_rotate(id: &DocumentId) -> String {
        STAFF_LINK_ROTATE.to(&[id.as_str()])
    }

    pub fn staff_link_expiry(id: &DocumentId) -> String {
        STAFF_LINK_EXPIRY.to(&[id.as_str()])
    }

    pub fn staff_transfer(id: &DocumentId) -> String {
        STAFF_TRANSFER.to(&[id.as_str()])
    }

    pub fn staff_order_confirm(id: &DocumentId) -> String {
        STAFF_ORDER_CONFIRM.to(&[id.as_str()])
    }

    /// A staff page to return to after login: only paths under `/staff`, so
    /// the login never redirects elsewhere.
    pub fn safe_staff_next(next: &str) -> String {
        let staff_page = (next == STAFF_HOME.path || next.starts_with("/staff/"))
            && !next.contains("//")
            && !next.contains('\\')
            && next.bytes().all(|b| b.is_ascii_graphic());
        if staff_page { next.to_string() } else { staff_home() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_domain::catalog::ProductId;

    #[test]
    fn patterns_match_whole_segments() {
        let p = DOCUMENT_VIEW.matches("/documents/invoices/abc").unwrap();
        assert_eq!(p.get("kind"), Some("invoices"));
        assert_eq!(p.get("id"), Some("abc"));
        assert!(DOCUMENT_VIEW.matches("/documents/invoices").is_none());
        assert!(DOCUMENT_VIEW.matches("/documents/invoices/").is_none());
        assert!(DOCUMENT_VIEW.matches("/documents/invoices/a/b").is_none());
        assert!(DASHBOARD.matches("/").is_some());
        assert!(DASHBOARD.matches("/x").is_none());
        assert_eq!(DOCUMENT_LINK.matches("/links/a%2Eb").unwrap().get("token"), Some("a.b"));
        assert!(DOCUMENT_LINK.matches("/links/%zz").is_none());
        assert!(DOCUMENT_LINK.matches("/links/%ff").is_none(), "not UTF-8");
    }

    #[test]
    fn every_route_is_routable_and_method_and_path_are_unique() {
        for route in every_route() {
            let sample = route.to(&["p1", "p2", "p3"]);
            let (found, _) = resolve(&route.method, &sample).unwrap_or_else(|| panic!("{route:?} unroutable"));
            assert_eq!(found, route, "{sample}");
        }
        let all: Vec<&Route> = every_route().collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(!(a.method == b.method && a.path == b.path), "{a:?} and {b:?}");
                assert_ne!(a.endpoint, b.endpoint);
            }
        }
        for route in PORTAL.iter().chain(STAFF).chain(API) {
            let group_route = match route.endpoint {
                Endpoint::Portal(e) => e.route(),
                Endpoint::StaffPage(e) => e.route(),
                Endpoint::Api(e) => e.route(),
            };
            assert_eq!(group_route, route);
        }
    }

    #[test]
    fn specific_paths_win_and_the_general_ones_still_serve_the_rest() {
        let post = |path: &str| resolve(&Method::POST, path).map(|(route, _)| route.clone());
        assert_eq!(post("/documents/quotes/q1/accept"), Some(QUOTE_ACCEPT));
        assert_eq!(post("/documents/quotes/q1/comments"), Some(DOCUMENT_COMMENT));
        assert_eq!(post("/documents/invoices/i1/pay"), Some(INVOICE_PAY));
        assert_eq!(post("/documents/invoices/i1/comments"), Some(DOCUMENT_COMMENT));
        assert_eq!(post("/cart/items"), Some(CART_ADD));
        assert_eq!(post("/cart/items/p1"), Some(CART_UPDATE));
        let get = |path: &str| resolve(&Method::GET, path).map(|(route, _)| route.clone());
        assert_eq!(get("/documents/quotes"), Some(DOCUMENT_LIST));
        assert_eq!(get("/documents/quotes/q1/pdf"), Some(DOCUMENT_PDF));
        assert_eq!(get("/api/v1/openapi.json"), Some(API_OPENAPI));
        assert_eq!(resolve(&Method::DELETE, "/"), None);
    }

    #[test]
    fn every_url_builder_is_served_by_its_route_with_its_values() {
        let id = DocumentId::parse("d-1").unwrap();
        let product = ProductId::parse("p-1").unwrap();
        let kind = DocumentKind::PurchaseOrder;
        /// A built URL, the route that must serve it, and the parameters it must carry.
        type Built<'a> = (String, &'a Route, &'a [(&'a str, &'a str)]);
        let built: Vec<Built> = vec![
            (url::dashboard(), &DASHBOARD, &[]),
            (url::login(), &LOGIN_FORM, &[]),
            (url::logout(), &LOGOUT, &[]),
            (url::login_confirm(), &LOGIN_CONFIRM, &[]),
            (url::login_confirm_with_token("t"), &LOGIN_CONFIRM_FORM, &[]),
            (url::catalog(), &CATALOG, &[]),
            (url::catalog_page(Some("c"), Some("q"), Some("x")), &CATALOG, &[]),
            (url::product_image(&product), &PRODUCT_IMAGE, &[("id", "p-1")]),
            (url::cart(), &CART, &[]),
            (url::cart_add(), &CART_ADD, &[]),
            (url::cart_update(&product), &CART_UPDATE, &[("id", "p-1")]),
            (url::reorder(&id), &REORDER, &[("id", "d-1")]),
            (url::invoice_pay(&id), &INVOICE_PAY, &[("id", "d-1")]),
            (url::invoice_after_checkout(&id, "paid"), &DOCUMENT_VIEW, &[("kind", "invoices"), ("id", "d-1")]),
            (url::order_place(), &ORDER_PLACE, &[]),
            (url::document_list(kind), &DOCUMENT_LIST, &[("kind", "purchase-orders")]),
            (url::document_list_page(kind, "open", Some("c")), &DOCUMENT_LIST, &[("kind", "purchase-orders")]),
            (url::document(kind, &id), &DOCUMENT_VIEW, &[("kind", "purchase-orders"), ("id", "d-1")]),
            (url::document_pdf(kind, &id), &DOCUMENT_PDF, &[("kind", "purchase-orders"), ("id", "d-1")]),
            (url::document_print(kind, &id), &DOCUMENT_PDF, &[("kind", "purchase-orders"), ("id", "d-1")]),
            (url::document_comments(kind, &id), &DOCUMENT_COMMENT, &[("kind", "purchase-orders"), ("id", "d-1")]),
            (url::quote_accept(&id), &QUOTE_ACCEPT, &[("id", "d-1")]),
            (url::quote_reject(&id), &QUOTE_REJECT, &[("id", "d-1")]),
            (url::order_confirm(&id), &ORDER_CONFIRM, &[("id", "d-1")]),
            (url::document_link("d-1.a/b c"), &DOCUMENT_LINK, &[("token", "d-1.a/b c")]),
            (url::staff_home(), &STAFF_HOME, &[]),
            (url::staff_login(), &STAFF_LOGIN_FORM, &[]),
            (url::staff_login_then("/staff"), &STAFF_LOGIN_FORM, &[]),
            (url::staff_login_confirm(), &STAFF_LOGIN_CONFIRM, &[]),
            (url::staff_login_confirm_with("t", "/staff"), &STAFF_LOGIN_CONFIRM_FORM, &[]),
            (url::staff_logout(), &STAFF_LOGOUT, &[]),
            (url::staff_document(&id), &STAFF_DOCUMENT, &[("id", "d-1")]),
            (url::staff_reply(&id), &STAFF_REPLY, &[("id", "d-1")]),
            (url::staff_link_rotate(&id), &STAFF_LINK_ROTATE, &[("id", "d-1")]),
            (url::staff_link_expiry(&id), &STAFF_LINK_EXPIRY, &[("id", "d-1")]),
            (url::staff_transfer(&id), &STAFF_TRANSFER, &[("id", "d-1")]),
            (url::staff_order_confirm(&id), &STAFF_ORDER_CONFIRM, &[("id", "d-1")]),
        ];
        for (url, route, values) in built {
            let path = url.split('?').next().unwrap_or_default();
            let (found, params) = resolve(&route.method, path).unwrap_or_else(|| panic!("{url} unroutable"));
            assert_eq!(found, route, "{url}");
            for (name, value) in values {
                assert_eq!(params.get(name), Some(*value), "{url}: {name}");
            }
        }
    }

    #[test]
    fn staff_logins_return_only_to_staff_pages() {
        assert_eq!(url::safe_staff_next("/staff/documents/d1"), "/staff/documents/d1");
        assert_eq!(url::safe_staff_next("/staff"), "/staff");
        for other in [
            "https://evil.example/",
            "//evil.example",
            "/staff//evil",
            "/",
            "/documents/invoices/d1",
            "/staffx",
            "/staff/\\evil",
        ] {
            assert_eq!(url::safe_staff_next(other), "/staff", "{other}");
        }
    }
}
