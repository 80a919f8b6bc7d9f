//! Server-rendered HTML (maud escapes every interpolated value). No script.

/// The names of the form fields pages render and handlers read.
pub mod fields {
    /// The CSRF token every POST form carries.
    pub const CSRF: &str = "csrf";
    /// The content version an answer was given to (quote, purchase-order forms).
    pub const VERSION: &str = "version";
}

pub mod catalog;
pub mod mail;
pub mod pages;
pub mod payment;
pub mod staff;
pub mod style;

use maud::{DOCTYPE, Markup, PreEscaped, html};
use portal_domain::document::DisplayStatus;
use portal_domain::i18n::{self, Texts};
use portal_domain::{BusinessSettings, Contact, DocumentKind, Locale};
use portal_routes::url;

/// A rendered page and the hash of its stylesheet (for the CSP).
pub struct Html {
    pub body: String,
    pub style_hash: String,
}

/// The colour used before settings are known (error pages) — dark enough for
/// white text to pass WCAG AA.
pub const DEFAULT_BRAND: &str = "#1a5c4c";

/// What the left navigation needs.
pub struct Nav<'a> {
    pub contact: &'a Contact,
    /// The section being shown.
    pub current: Section,
    pub csrf_token: &'a str,
}

/// A section of the left navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Documents(DocumentKind),
    Catalog,
    Cart,
}

/// Everything around a page's content.
pub struct Frame<'a> {
    pub locale: Locale,
    pub settings: Option<&'a BusinessSettings>,
    pub title: &'a str,
    pub nav: Option<Nav<'a>>,
    /// Offer `?lang=` switching (pages before login).
    pub language_switch: Option<&'a str>,
}

pub fn layout(frame: Frame<'_>, content: Markup) -> Html {
    let t = i18n::texts(frame.locale);
    let brand = frame.settings.map_or(DEFAULT_BRAND, |s| s.brand_colour.as_str());
    let (css, style_hash) = style::stylesheet(brand);
    let business = frame.settings.map(BusinessSettings::display_name).unwrap_or("Portal");
    let markup = html! {
        (DOCTYPE)
        html lang=(frame.locale.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                link rel="icon" href="data:,";
                title { (frame.title) " · " (business) }
                style { (PreEscaped(css)) }
            }
            body {
                a.skip href="#main" { (t.skip_to_content) }
                header.topbar {
                    span.brand {
                        @if let Some(logo) = frame.settings.and_then(|s| s.logo_data_url.as_deref()) {
                            img src=(logo) alt="";
                        }
                        (business)
                    }
                    @if let Some(nav) = &frame.nav {
                        div.who {
                            span { (nav.contact.name) }
                            form method="post" action=(url::logout()) {
                                input type="hidden" name=(crate::fields::CSRF) value=(nav.csrf_token);
                                button.linkbutton type="submit" { (t.log_out) }
                            }
                        }
                    }
                    @if let Some(href) = frame.language_switch {
                        a href=(href) lang=(t.language_switch_to.tag()) { (t.language_switch) }
                    }
                }
                @if let Some(nav) = &frame.nav {
                    div.shell {
                        (navigation(t, frame.locale, nav))
                        main #main { (content) }
                    }
                } @else {
                    main #main { (content) }
                }
                @if let Some(settings) = frame.settings {
                    footer {
                        (settings.legal_name) " · " (t.tax_id) " " (settings.tax_id.as_str()) " · "
                        (settings.address.lines().join(", "))
                    }
                }
            }
        }
    };
    Html { body: markup.into_string(), style_hash }
}

fn navigation(t: &Texts, locale: Locale, nav: &Nav<'_>) -> Markup {
    html! {
        nav.sidebar aria-label=(t.nav_label) {
            ul {
                li { a href=(url::dashboard()) aria-current=[(nav.current == Section::Dashboard).then_some("page")] { (t.nav_dashboard) } }
                @for kind in DocumentKind::ALL.into_iter().filter(|k| nav.contact.role.sees(*k)) {
                    li {
                        a href=(url::document_list(kind)) aria-current=[(nav.current == Section::Documents(kind)).then_some("page")] {
                            (i18n::kind_plural(locale, kind))
                        }
                    }
                }
                // Only contacts with the catalog option see it (its pages refuse the others).
                @if nav.contact.catalog {
                    @let c = catalog::texts(locale);
                    li { a href=(url::catalog()) aria-current=[(nav.current == Section::Catalog).then_some("page")] { (c.catalog) } }
                    li { a href=(url::cart()) aria-current=[(nav.current == Section::Cart).then_some("page")] { (c.cart) } }
                }
            }
        }
    }
}

/// A status pill.
/// The email field of a login form, with the problem (if any) announced
/// and tied to it for screen readers.
pub fn email_field(label: &str, email: &str, problem: Option<&str>) -> Markup {
    html! {
        label for="email" { (label) }
        @if let Some(problem) = problem {
            p.error #email-error role="alert" { (problem) }
            input #email type="email" name="email" value=(email) autocomplete="email" required aria-invalid="true" aria-describedby="email-error";
        } @else {
            input #email type="email" name="email" value=(email) autocomplete="email" required;
        }
    }
}

pub fn status_badge(locale: Locale, kind: DocumentKind, status: DisplayStatus) -> Markup {
    html! { span class={"badge " (status.slug())} { (i18n::status_name(locale, kind, status)) } }
}
