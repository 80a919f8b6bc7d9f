//! Every route of the portal, in one place: which function serves which method
//! and path. `template.yaml` and the local server are both checked against [`ALL`].

use lambda_http::http::Method;
use portal_domain::{DocumentId, DocumentKind};

/// A route as API Gateway (HTTP API) declares it: `{name}` marks a path parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The function crate (and Lambda function) that serves the route.
    pub function: &'static str,
    pub method: Method,
    pub path: &'static str,
}

pub const LOGIN_FORM: Route = Route { function: "portal-login", method: Method::GET, path: "/login" };
pub const LOGIN_REQUEST: Route = Route { function: "portal-login", method: Method::POST, path: "/login" };
pub const LOGIN_CONFIRM_FORM: Route =
    Route { function: "portal-login-confirm", method: Method::GET, path: "/login/confirm" };
pub const LOGIN_CONFIRM: Route =
    Route { function: "portal-login-confirm", method: Method::POST, path: "/login/confirm" };
pub const LOGOUT: Route = Route { function: "portal-logout", method: Method::POST, path: "/logout" };
pub const DASHBOARD: Route = Route { function: "portal-dashboard", method: Method::GET, path: "/" };
pub const DOCUMENT_LIST: Route =
    Route { function: "portal-document-list", method: Method::GET, path: "/documents/{kind}" };
pub const DOCUMENT_VIEW: Route =
    Route { function: "portal-document-view", method: Method::GET, path: "/documents/{kind}/{id}" };
pub const DOCUMENT_PDF: Route =
    Route { function: "portal-document-pdf", method: Method::GET, path: "/documents/{kind}/{id}/pdf" };
pub const DOCUMENT_COMMENT: Route =
    Route { function: "portal-document-comment", method: Method::POST, path: "/documents/{kind}/{id}/comments" };
pub const QUOTE_ACCEPT: Route =
    Route { function: "portal-quote-answer", method: Method::POST, path: "/documents/quotes/{id}/accept" };
pub const QUOTE_REJECT: Route =
    Route { function: "portal-quote-answer", method: Method::POST, path: "/documents/quotes/{id}/reject" };
pub const ORDER_CONFIRM: Route =
    Route { function: "portal-order-confirm", method: Method::POST, path: "/documents/purchase-orders/{id}/confirm" };
pub const DOCUMENT_LINK: Route =
    Route { function: "portal-document-link", method: Method::GET, path: "/links/{token}" };
pub const CATALOG: Route = Route { function: "portal-catalog", method: Method::GET, path: "/catalog" };
pub const PRODUCT_IMAGE: Route =
    Route { function: "portal-catalog", method: Method::GET, path: "/catalog/products/{id}/image" };
pub const CART: Route = Route { function: "portal-cart", method: Method::GET, path: "/cart" };
pub const CART_ADD: Route = Route { function: "portal-cart", method: Method::POST, path: "/cart/items" };
pub const CART_UPDATE: Route = Route { function: "portal-cart", method: Method::POST, path: "/cart/items/{id}" };
pub const REORDER: Route =
    Route { function: "portal-cart", method: Method::POST, path: "/documents/sales-orders/{id}/reorder" };
pub const ORDER_PLACE: Route = Route { function: "portal-order-place", method: Method::POST, path: "/cart/order" };
pub const INVOICE_PAY: Route =
    Route { function: "portal-invoice-pay", method: Method::POST, path: "/documents/invoices/{id}/pay" };
pub const STRIPE_WEBHOOK: Route =
    Route { function: "portal-stripe-webhook", method: Method::POST, path: "/webhooks/stripe" };

/// Staff pages (reached from staff notification mails): one function.
pub const STAFF_PAGES_FUNCTION: &str = "portal-staff";
pub const STAFF_LOGIN_FORM: Route = Route { function: STAFF_PAGES_FUNCTION, method: Method::GET, path: "/staff/login" };
pub const STAFF_LOGIN_REQUEST: Route =
    Route { function: STAFF_PAGES_FUNCTION, method: Method::POST, path: "/staff/login" };
pub const STAFF_LOGIN_CONFIRM_FORM: Route =
    Route { function: STAFF_PAGES_FUNCTION, method: Method::GET, path: "/staff/login/confirm" };
pub const STAFF_LOGIN_CONFIRM: Route =
    Route { function: STAFF_PAGES_FUNCTION, method: Method::POST, path: "/staff/login/confirm" };
pub const STAFF_LOGOUT: Route = Route { function: STAFF_PAGES_FUNCTION, method: Method::POST, path: "/staff/logout" };
pub const STAFF_HOME: Route = Route { function: STAFF_PAGES_FUNCTION, method: Method::GET, path: "/staff" };
pub const STAFF_DOCUMENT: Route =
    Route { function: STAFF_PAGES_FUNCTION, method: Method::GET, path: "/staff/documents/{id}" };
pub const STAFF_REPLY: Route =
    Route { function: STAFF_PAGES_FUNCTION, method: Method::POST, path: "/staff/documents/{id}/comments" };
pub const STAFF_LINK_ROTATE: Route =
    Route { function: STAFF_PAGES_FUNCTION, method: Method::POST, path: "/staff/documents/{id}/link/rotate" };
pub const STAFF_LINK_EXPIRY: Route =
    Route { function: STAFF_PAGES_FUNCTION, method: Method::POST, path: "/staff/documents/{id}/link/expiry" };
pub const STAFF_TRANSFER: Route =
    Route { function: STAFF_PAGES_FUNCTION, method: Method::POST, path: "/staff/documents/{id}/payments" };
pub const STAFF_ORDER_CONFIRM: Route =
    Route { function: STAFF_PAGES_FUNCTION, method: Method::POST, path: "/staff/documents/{id}/confirm" };

/// The staff JSON API: one function serves every `/api/v1` route.
pub const STAFF_API_FUNCTION: &str = "portal-staff-api";
pub const API_OPENAPI: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/openapi.json" };
pub const API_KEYS: Route = Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/keys" };
pub const API_KEY_CREATE: Route = Route { function: STAFF_API_FUNCTION, method: Method::POST, path: "/api/v1/keys" };
pub const API_KEY_REVOKE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::DELETE, path: "/api/v1/keys/{id}" };
pub const API_SETTINGS: Route = Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/settings" };
pub const API_SETTINGS_UPDATE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::PUT, path: "/api/v1/settings" };
pub const API_CONTACT_CREATE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::POST, path: "/api/v1/contacts" };
pub const API_CONTACT: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/contacts/{id}" };
pub const API_CONTACT_UPDATE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::PATCH, path: "/api/v1/contacts/{id}" };
pub const API_CONTACT_INVITE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::POST, path: "/api/v1/contacts/{id}/invitation" };
pub const API_CONTACT_DOCUMENTS: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/contacts/{id}/documents" };
pub const API_DOCUMENT_CREATE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::POST, path: "/api/v1/documents" };
pub const API_DOCUMENT: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/documents/{id}" };
pub const API_DOCUMENT_UPDATE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::PUT, path: "/api/v1/documents/{id}" };
pub const API_DOCUMENT_VOID: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::POST, path: "/api/v1/documents/{id}/void" };
pub const API_DOCUMENT_PAYMENTS: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/documents/{id}/payments" };
pub const API_DOCUMENT_PAYMENT_RECORD: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::POST, path: "/api/v1/documents/{id}/payments" };
pub const API_DOCUMENT_ACTIVITY: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/documents/{id}/activity" };
pub const API_DOCUMENT_COMMENTS: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/documents/{id}/comments" };
pub const API_DOCUMENT_REPLY: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::POST, path: "/api/v1/documents/{id}/comments" };
pub const API_DOCUMENT_LINK: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/documents/{id}/link" };
pub const API_DOCUMENT_LINK_ROTATE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::POST, path: "/api/v1/documents/{id}/link/rotate" };
pub const API_DOCUMENT_LINK_EXPIRY: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::PUT, path: "/api/v1/documents/{id}/link/expiry" };
pub const API_PRODUCT: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/products/{id}" };
pub const API_PRODUCT_SAVE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::PUT, path: "/api/v1/products/{id}" };
pub const API_PRICE_LIST: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::GET, path: "/api/v1/price-lists/{name}" };
pub const API_PRICE_LIST_SAVE: Route =
    Route { function: STAFF_API_FUNCTION, method: Method::PUT, path: "/api/v1/price-lists/{name}" };

/// Every route of the staff API.
pub const API: &[Route] = &[
    API_OPENAPI,
    API_KEYS,
    API_KEY_CREATE,
    API_KEY_REVOKE,
    API_SETTINGS,
    API_SETTINGS_UPDATE,
    API_CONTACT_CREATE,
    API_CONTACT,
    API_CONTACT_UPDATE,
    API_CONTACT_INVITE,
    API_CONTACT_DOCUMENTS,
    API_DOCUMENT_CREATE,
    API_DOCUMENT,
    API_DOCUMENT_UPDATE,
    API_DOCUMENT_VOID,
    API_DOCUMENT_PAYMENTS,
    API_DOCUMENT_PAYMENT_RECORD,
    API_DOCUMENT_ACTIVITY,
    API_DOCUMENT_COMMENTS,
    API_DOCUMENT_REPLY,
    API_DOCUMENT_LINK,
    API_DOCUMENT_LINK_ROTATE,
    API_DOCUMENT_LINK_EXPIRY,
    API_PRODUCT,
    API_PRODUCT_SAVE,
    API_PRICE_LIST,
    API_PRICE_LIST_SAVE,
];

/// Every route served by a Lambda function (the staff API's are in [`API`]).
pub const ALL: &[Route] = &[
    LOGIN_FORM,
    LOGIN_REQUEST,
    LOGIN_CONFIRM_FORM,
    LOGIN_CONFIRM,
    LOGOUT,
    DASHBOARD,
    DOCUMENT_LIST,
    DOCUMENT_VIEW,
    DOCUMENT_PDF,
    DOCUMENT_COMMENT,
    QUOTE_ACCEPT,
    QUOTE_REJECT,
    ORDER_CONFIRM,
    DOCUMENT_LINK,
    CATALOG,
    PRODUCT_IMAGE,
    CART,
    CART_ADD,
    CART_UPDATE,
    REORDER,
    ORDER_PLACE,
    INVOICE_PAY,
    STRIPE_WEBHOOK,
    STAFF_LOGIN_FORM,
    STAFF_LOGIN_REQUEST,
    STAFF_LOGIN_CONFIRM_FORM,
    STAFF_LOGIN_CONFIRM,
    STAFF_LOGOUT,
    STAFF_HOME,
    STAFF_DOCUMENT,
    STAFF_REPLY,
    STAFF_LINK_ROTATE,
    STAFF_LINK_EXPIRY,
    STAFF_TRANSFER,
    STAFF_ORDER_CONFIRM,
];

/// Every route of every function: the portal's and the staff API's.
pub fn every_route() -> impl Iterator<Item = &'static Route> {
    ALL.iter().chain(API.iter())
}

/// Path parameters matched by a route, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }
}

impl Route {
    /// Matches a request path against this route's pattern. Parameters match one
    /// non-empty segment; percent-encoded segments are decoded.
    pub fn matches(&self, path: &str) -> Option<Params> {
        let pattern: Vec<&str> = self.path.split('/').collect();
        let actual: Vec<&str> = path.split('/').collect();
        if pattern.len() != actual.len() {
            return None;
        }
        let mut params = Vec::new();
        for (p, a) in pattern.iter().zip(&actual) {
            if let Some(name) = p.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
                if a.is_empty() {
                    return None;
                }
                let decoded = percent_decode(a)?;
                params.push((name, decoded));
            } else if p != a {
                return None;
            }
        }
        Some(Params(params))
    }

    /// Serves `method` + `path`.
    pub fn serves(&self, method: &Method, path: &str) -> Option<Params> {
        if *method == self.method { self.matches(path) } else { None }
    }
}

fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// URL builders: the only place paths are written out.
pub mod url {
    use super::*;

    pub fn dashboard() -> String {
        "/".to_string()
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
        format!("/catalog/products/{id}/image")
    }

    pub fn cart() -> String {
        CART.path.to_string()
    }

    pub fn cart_add() -> String {
        CART_ADD.path.to_string()
    }

    pub fn cart_update(id: &portal_domain::catalog::ProductId) -> String {
        format!("/cart/items/{id}")
    }

    pub fn reorder(id: &DocumentId) -> String {
        format!("/documents/sales-orders/{id}/reorder")
    }

    pub fn invoice_pay(id: &DocumentId) -> String {
        format!("/documents/invoices/{id}/pay")
    }

    /// Where a payer lands back from the hosted checkout: the invoice, saying
    /// the payment is being confirmed (or was given up).
    pub fn invoice_after_checkout(id: &DocumentId, outcome: &str) -> String {
        format!("/documents/invoices/{id}?payment={outcome}")
    }

    pub fn order_place() -> String {
        ORDER_PLACE.path.to_string()
    }

    pub fn document_list(kind: DocumentKind) -> String {
        format!("/documents/{}", kind.slug())
    }

    pub fn document_list_page(kind: DocumentKind, filter: &str, cursor: Option<&str>) -> String {
        let mut url = format!("/documents/{}?filter={filter}", kind.slug());
        if let Some(cursor) = cursor {
            url.push_str("&cursor=");
            url.push_str(cursor);
        }
        url
    }

    pub fn document(kind: DocumentKind, id: &DocumentId) -> String {
        format!("/documents/{}/{id}", kind.slug())
    }

    pub fn document_pdf(kind: DocumentKind, id: &DocumentId) -> String {
        format!("/documents/{}/{id}/pdf", kind.slug())
    }

    pub fn document_print(kind: DocumentKind, id: &DocumentId) -> String {
        format!("/documents/{}/{id}/pdf?print=1", kind.slug())
    }

    pub fn document_comments(kind: DocumentKind, id: &DocumentId) -> String {
        format!("/documents/{}/{id}/comments", kind.slug())
    }

    pub fn quote_accept(id: &DocumentId) -> String {
        format!("/documents/quotes/{id}/accept")
    }

    pub fn quote_reject(id: &DocumentId) -> String {
        format!("/documents/quotes/{id}/reject")
    }

    pub fn order_confirm(id: &DocumentId) -> String {
        format!("/documents/purchase-orders/{id}/confirm")
    }

    pub fn document_link(token: &str) -> String {
        format!("/links/{token}")
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
        format!("/staff/documents/{id}")
    }

    pub fn staff_reply(id: &DocumentId) -> String {
        format!("/staff/documents/{id}/comments")
    }

    pub fn staff_link_rotate(id: &DocumentId) -> String {
        format!("/staff/documents/{id}/link/rotate")
    }

    pub fn staff_link_expiry(id: &DocumentId) -> String {
        format!("/staff/documents/{id}/link/expiry")
    }

    pub fn staff_transfer(id: &DocumentId) -> String {
        format!("/staff/documents/{id}/payments")
    }

    pub fn staff_order_confirm(id: &DocumentId) -> String {
        format!("/staff/documents/{id}/confirm")
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
    }

    #[test]
    fn method_and_path_are_unique() {
        let all: Vec<&Route> = every_route().collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(!(a.method == b.method && a.path == b.path), "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn built_urls_are_served_by_their_routes() {
        let id = DocumentId::parse("d1").unwrap();
        assert!(DOCUMENT_VIEW.matches(&url::document(DocumentKind::Quote, &id)).is_some());
        assert!(DOCUMENT_LIST.matches(&url::document_list(DocumentKind::PurchaseOrder)).is_some());
        assert!(DOCUMENT_LINK.matches(&url::document_link("d1.xyz")).is_some());
        assert!(STAFF_DOCUMENT.matches(&url::staff_document(&id)).is_some());
        assert!(STAFF_TRANSFER.matches(&url::staff_transfer(&id)).is_some());
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
