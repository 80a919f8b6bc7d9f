//! The catalog and the cart, for contacts with the catalog option.

use super::pages::tax_table;
use super::{Frame, Html, Nav, Section, layout};
use crate::routes::url;
use maud::{Markup, html};
use portal_domain::catalog::{Availability, Category, ContactPrice, OrderError, PricedLine, Product};
use portal_domain::{BusinessSettings, Contact, Locale, Money, Totals};

/// The catalog's and cart's words, per language.
pub struct CatalogTexts {
    pub catalog: &'static str,
    pub cart: &'static str,
    pub all_categories: &'static str,
    pub categories_label: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub results_for: &'static str,
    pub no_products: &'static str,
    pub search_limited: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub sku: &'static str,
    pub price: &'static str,
    pub price_with_vat: &'static str,
    pub per: &'static str,
    pub instead_of: &'static str,
    pub in_stock: &'static str,
    pub on_request: &'static str,
    pub unavailable: &'static str,
    pub quantity: &'static str,
    pub add_to_cart: &'static str,
    pub view_cart: &'static str,
    pub cart_empty: &'static str,
    pub back_to_catalog: &'static str,
    pub product: &'static str,
    pub unit_price: &'static str,
    pub line_total: &'static str,
    pub update: &'static str,
    pub remove: &'static str,
    pub note_label: &'static str,
    pub place_order: &'static str,
    pub order_terms: &'static str,
    pub tax_base: &'static str,
    pub vat: &'static str,
    pub recargo: &'static str,
    pub total: &'static str,
    pub reorder: &'static str,
    pub added: &'static str,
    pub reordered: &'static str,
    pub products_heading: &'static str,
}

pub const ES: CatalogTexts = CatalogTexts {
    catalog: "Catálogo",
    cart: "Cesta",
    all_categories: "Todo",
    categories_label: "Categorías",
    search_label: "Buscar por nombre o referencia",
    search_button: "Buscar",
    results_for: "Resultados para",
    no_products: "No hay productos que mostrar.",
    search_limited: "Se muestran los primeros resultados; afina la búsqueda para ver otros.",
    next_page: "Siguientes",
    first_page: "Volver al principio",
    sku: "Ref.",
    price: "Precio",
    price_with_vat: "con IVA",
    per: "por",
    instead_of: "antes",
    in_stock: "En stock",
    on_request: "Bajo pedido",
    unavailable: "No disponible",
    quantity: "Cantidad",
    add_to_cart: "Añadir a la cesta",
    view_cart: "Ver la cesta",
    cart_empty: "Tu cesta está vacía.",
    back_to_catalog: "Seguir comprando",
    product: "Producto",
    unit_price: "Precio unitario",
    line_total: "Importe",
    update: "Actualizar",
    remove: "Quitar",
    note_label: "Observaciones para el pedido (opcional)",
    place_order: "Hacer el pedido",
    order_terms: "Los precios se confirman al hacer el pedido; te avisaremos cuando lo confirmemos.",
    tax_base: "Base imponible",
    vat: "IVA",
    recargo: "Recargo de equivalencia",
    total: "Total",
    reorder: "Repetir este pedido",
    added: "Producto añadido a la cesta.",
    products_heading: "Productos",
    reordered: "Hemos puesto en la cesta los productos de ese pedido que siguen a la venta, a tus precios de hoy.",
};

pub const EN: CatalogTexts = CatalogTexts {
    catalog: "Catalog",
    cart: "Cart",
    all_categories: "All",
    categories_label: "Categories",
    search_label: "Search by name or SKU",
    search_button: "Search",
    results_for: "Results for",
    no_products: "No products to show.",
    search_limited: "Showing the first results; refine the search to see others.",
    next_page: "Next",
    first_page: "Back to the start",
    sku: "SKU",
    price: "Price",
    price_with_vat: "incl. VAT",
    per: "per",
    instead_of: "was",
    in_stock: "In stock",
    on_request: "On request",
    unavailable: "Unavailable",
    quantity: "Quantity",
    add_to_cart: "Add to cart",
    view_cart: "View cart",
    cart_empty: "Your cart is empty.",
    back_to_catalog: "Continue shopping",
    product: "Product",
    unit_price: "Unit price",
    line_total: "Amount",
    update: "Update",
    remove: "Remove",
    note_label: "Notes for the order (optional)",
    place_order: "Place order",
    order_terms: "Prices are set when you place the order; we will tell you when it is confirmed.",
    tax_base: "Taxable base",
    vat: "VAT",
    recargo: "Equivalence surcharge",
    total: "Total",
    reorder: "Order this again",
    added: "Added to your cart.",
    products_heading: "Products",
    reordered: "The products of that order still on sale are in your cart, at today's prices.",
};

pub fn texts(locale: Locale) -> &'static CatalogTexts {
    match locale {
        Locale::Es => &ES,
        Locale::En => &EN,
    }
}

/// Why the cart cannot be ordered, naming the product.
pub fn order_problem(locale: Locale, problem: &OrderError) -> String {
    let es = locale == Locale::Es;
    match problem {
        OrderError::Empty => texts(locale).cart_empty.to_string(),
        OrderError::Inactive(name) if es => {
            format!("«{name}» ya no está a la venta: quítalo de la cesta para continuar.")
        }
        OrderError::Inactive(name) => format!("«{name}» is no longer sold: remove it from the cart to continue."),
        OrderError::Unavailable(name) if es => {
            format!("«{name}» no está disponible ahora: quítalo de la cesta para continuar.")
        }
        OrderError::Unavailable(name) => format!("«{name}» is not available now: remove it from the cart to continue."),
        OrderError::MixedCurrencies if es => "La cesta mezcla monedas: haz un pedido por moneda.".into(),
        OrderError::MixedCurrencies => "The cart mixes currencies: place one order per currency.".into(),
    }
}

fn availability(locale: Locale, availability: Availability) -> Markup {
    let t = texts(locale);
    let (class, label) = match availability {
        Availability::InStock => ("badge paid", t.in_stock),
        Availability::OnRequest => ("badge issued", t.on_request),
        Availability::Unavailable => ("badge cancelled", t.unavailable),
    };
    html! { span class=(class) { (label) } }
}

/// A product on a catalog page, priced for the contact.
pub struct CatalogEntry {
    pub product: Product,
    pub price: ContactPrice,
}

/// What the catalog page shows.
pub struct CatalogPage<'a> {
    pub settings: &'a BusinessSettings,
    pub contact: &'a Contact,
    pub csrf: &'a str,
    pub categories: &'a [Category],
    pub category: Option<&'a Category>,
    pub search: Option<&'a str>,
    pub entries: Vec<CatalogEntry>,
    /// Search results were cut at their limit.
    pub search_limited: bool,
    pub first_page: bool,
    pub next_cursor: Option<String>,
    pub cart_lines: usize,
    /// A message after an action (added to the cart).
    pub notice: Option<&'a str>,
}

pub fn catalog(p: CatalogPage<'_>) -> Html {
    let locale = p.contact.locale;
    let t = texts(locale);
    let category_slug = p.category.map(|c| c.id.as_str());
    let title = match p.category {
        Some(category) => format!("{} · {}", t.catalog, category.name.get(locale)),
        None => t.catalog.to_string(),
    };
    let nav = Nav { contact: p.contact, current: Section::Catalog, csrf_token: p.csrf };
    let frame = Frame { locale, settings: Some(p.settings), title: &title, nav: Some(nav), language_switch: None };
    layout(
        frame,
        html! {
            div.heading-row {
                h1 { (title) }
                a.button.secondary href=(url::cart()) { (t.view_cart) " (" (p.cart_lines) ")" }
            }
            @if let Some(notice) = p.notice { p.notice role="status" { (notice) } }
            form.search role="search" method="get" action=(url::catalog()) {
                label for="q" { (t.search_label) }
                input #q type="search" name="q" value=(p.search.unwrap_or_default()) maxlength="80";
                button.button type="submit" { (t.search_button) }
            }
            @if !p.categories.is_empty() {
                nav.filters aria-label=(t.categories_label) {
                    a href=(url::catalog()) aria-current=[(category_slug.is_none() && p.search.is_none()).then_some("page")] { (t.all_categories) }
                    @for category in p.categories {
                        a href=(url::catalog_page(Some(category.id.as_str()), None, None))
                            aria-current=[(category_slug == Some(category.id.as_str())).then_some("page")] { (category.name.get(locale)) }
                    }
                }
            }
            // Product names are h3: a section heading always precedes them.
            @if let Some(search) = p.search { h2 { (t.results_for) " «" (search) "»" } }
            @else { h2.visually-hidden { (t.products_heading) } }
            @if p.entries.is_empty() {
                p.muted { (t.no_products) }
            } @else {
                ul.products {
                    @for entry in &p.entries { (product_card(locale, p.csrf, entry)) }
                }
            }
            @if p.search_limited { p.muted { (t.search_limited) } }
            nav.pager {
                @if !p.first_page { a href=(url::catalog_page(category_slug, None, None)) { (t.first_page) } }
                @if let Some(cursor) = &p.next_cursor {
                    a href=(url::catalog_page(category_slug, None, Some(cursor))) rel="next" { (t.next_page) }
                }
            }
        },
    )
}

fn product_card(locale: Locale, csrf: &str, entry: &CatalogEntry) -> Markup {
    let t = texts(locale);
    let product = &entry.product;
    let name = product.name.get(locale);
    let field = format!("qty-{}", product.id);
    html! {
        li.product {
            @if product.image.is_some() {
                img src=(url::product_image(&product.id)) alt="" width="96" height="96" loading="lazy";
            }
            div.product-body {
                h3 { (name) }
                p.muted { (t.sku) " " (product.sku.as_str()) " · " (availability(locale, product.availability)) }
                @let description = product.description.get(locale);
                @if !description.is_empty() { p { (description) } }
                p.price {
                    strong data-price { (locale.format_money(entry.price.net)) }
                    " " (t.per) " " (product.unit.label(locale))
                    @if let Some(base) = entry.price.base { " " s.muted { (t.instead_of) " " (locale.format_money(base)) } }
                    br;
                    span.muted { (locale.format_money(entry.price.with_vat)) " " (t.price_with_vat) }
                }
            }
            @if product.availability.orderable() {
                form.add method="post" action=(url::cart_add()) {
                    input type="hidden" name=(crate::csrf::FIELD) value=(csrf);
                    input type="hidden" name="product" value=(product.id);
                    label for=(field) { (t.quantity) span.visually-hidden { " · " (name) } }
                    input id=(field) type="text" inputmode="decimal" name="quantity" value="1" size="5" required;
                    button.button type="submit" { (t.add_to_cart) span.visually-hidden { " · " (name) } }
                }
            }
        }
    }
}

/// What the cart page shows.
pub struct CartPage<'a> {
    pub settings: &'a BusinessSettings,
    pub contact: &'a Contact,
    pub csrf: &'a str,
    pub lines: &'a [PricedLine],
    pub totals: Option<&'a Totals>,
    /// The stored cart's version: the order is placed for exactly this cart.
    pub version: u64,
    /// Why the cart cannot be ordered as it is (a product no longer sold...).
    pub blocked: Option<&'a str>,
}

pub fn cart(p: CartPage<'_>) -> Html {
    let locale = p.contact.locale;
    let t = texts(locale);
    let nav = Nav { contact: p.contact, current: Section::Cart, csrf_token: p.csrf };
    let frame = Frame { locale, settings: Some(p.settings), title: t.cart, nav: Some(nav), language_switch: None };
    layout(
        frame,
        html! {
            h1 { (t.cart) }
            @if let Some(why) = p.blocked { p.notice.error role="alert" { (why) } }
            @if p.lines.is_empty() {
                p { (t.cart_empty) }
                p { a href=(url::catalog()) { (t.back_to_catalog) } }
            } @else {
                table.lines {
                    caption.visually-hidden { (t.cart) }
                    thead { tr {
                        th scope="col" { (t.product) }
                        th.num scope="col" { (t.unit_price) }
                        th scope="col" { (t.quantity) }
                        th.num scope="col" { (t.line_total) }
                    } }
                    tbody {
                        @for line in p.lines { (cart_row(locale, p.csrf, line)) }
                    }
                }
                @if let Some(totals) = p.totals {
                    (tax_table(locale, totals, totals.currency, p.contact.recargo_equivalencia))
                    dl.totals {
                        div { dt { (t.tax_base) } dd.num { (locale.format_money(Money::new(totals.base, totals.currency))) } }
                        div { dt { (t.vat) } dd.num { (locale.format_money(Money::new(totals.vat, totals.currency))) } }
                        @if p.contact.recargo_equivalencia {
                            div { dt { (t.recargo) } dd.num { (locale.format_money(Money::new(totals.recargo, totals.currency))) } }
                        }
                        div.grand { dt { (t.total) } dd.num data-total { (locale.format_money(totals.total_money())) } }
                    }
                }
                @if p.blocked.is_none() {
                    form.stack method="post" action=(url::order_place()) {
                        input type="hidden" name=(crate::csrf::FIELD) value=(p.csrf);
                        input type="hidden" name="cart_version" value=(p.version);
                        label for="note" { (t.note_label) }
                        textarea #note name="note" rows="2" maxlength="500" {}
                        p.muted { (t.order_terms) }
                        button.button type="submit" { (t.place_order) }
                    }
                }
                p { a href=(url::catalog()) { (t.back_to_catalog) } }
            }
        },
    )
}

fn cart_row(locale: Locale, csrf: &str, line: &PricedLine) -> Markup {
    let t = texts(locale);
    let product = &line.product;
    let name = product.name.get(locale);
    let field = format!("qty-{}", product.id);
    html! {
        tr {
            td {
                (name) br; span.muted { (t.sku) " " (product.sku.as_str()) }
                @if !product.active { " " (availability(locale, Availability::Unavailable)) }
                @else if !product.availability.orderable() { " " (availability(locale, product.availability)) }
            }
            td.num { (locale.format_money(line.price.net)) " / " (product.unit.label(locale)) }
            td {
                form.inline method="post" action=(url::cart_update(&product.id)) {
                    input type="hidden" name=(crate::csrf::FIELD) value=(csrf);
                    label.visually-hidden for=(field) { (t.quantity) " · " (name) }
                    input id=(field) type="text" inputmode="decimal" name="quantity" size="5" required
                        value=(locale.format_decimal(line.quantity.quantity().thousandths(), 3));
                    button.linkbutton type="submit" { (t.update) }
                    button.linkbutton type="submit" name="remove" value="1" formnovalidate { (t.remove) span.visually-hidden { " · " (name) } }
                }
            }
            td.num { (locale.format_money(Money::new(line.amounts().base_minor(), product.currency))) }
        }
    }
}

/// The re-order button on a sales order placed from the catalog.
pub fn reorder_form(locale: Locale, csrf: &str, order: &portal_domain::Document) -> Markup {
    html! {
        form.no-print method="post" action=(url::reorder(&order.id)) {
            input type="hidden" name=(crate::csrf::FIELD) value=(csrf);
            button.button.secondary type="submit" { (texts(locale).reorder) }
        }
    }
}
