//! The catalog and the cart, for contacts with the catalog option.

use super::pages::tax_table;
use super::{Frame, Html, Nav, Section, layout};
use maud::{Markup, html};
use portal_domain::catalog::{Availability, Category, ContactPrice, OrderError, PricedLine, Product};
use portal_domain::i18n::{self, CatalogTexts};
use portal_domain::{BusinessSettings, Contact, Locale, Money, Totals};
use portal_routes::url;

/// The catalog's and cart's words: a shortcut to [`i18n::texts`]'s `catalog`.
pub fn texts(locale: Locale) -> &'static CatalogTexts {
    &i18n::texts(locale).catalog
}

/// Why the cart cannot be ordered, naming the product.
pub fn order_problem(locale: Locale, problem: &OrderError) -> String {
    let t = texts(locale);
    match problem {
        OrderError::Empty => t.cart_empty.to_string(),
        OrderError::Inactive(name) => (t.no_longer_sold)(name),
        OrderError::Unavailable(name) => (t.not_available_now)(name),
        OrderError::MixedCurrencies => t.mixed_currencies.to_string(),
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
                    input type="hidden" name=(crate::fields::CSRF) value=(csrf);
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
                        input type="hidden" name=(crate::fields::CSRF) value=(p.csrf);
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
                    input type="hidden" name=(crate::fields::CSRF) value=(csrf);
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
            input type="hidden" name=(crate::fields::CSRF) value=(csrf);
            button.button.secondary type="submit" { (texts(locale).reorder) }
        }
    }
}
