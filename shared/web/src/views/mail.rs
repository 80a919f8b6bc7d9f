//! Emails: an HTML part and a plain-text part, in the recipient's language.

use crate::i18n;
use maud::{DOCTYPE, html};
use portal_domain::{BusinessSettings, Locale};

pub struct MailContent {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The magic-link email. `link` is absolute.
pub fn login_link(locale: Locale, settings: &BusinessSettings, link: &str) -> MailContent {
    let t = i18n::texts(locale);
    let business = settings.display_name();
    let subject = format!("{} · {business}", t.mail_login_subject);
    let text = format!("{}\n\n{link}\n\n{}\n\n— {business}\n", t.mail_login_intro, t.mail_login_ignore);
    let html = html! {
        (DOCTYPE)
        html lang=(locale.tag()) {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family:Arial,sans-serif;color:#1d2327" {
                p { (t.mail_login_intro) }
                p {
                    a href=(link) style={"display:inline-block;padding:10px 18px;border-radius:4px;color:#fff;text-decoration:none;background:" (settings.brand_colour.as_str())} {
                        (t.mail_login_button)
                    }
                }
                p style="font-size:13px;color:#4a5560" { (link) }
                p style="font-size:13px;color:#4a5560" { (t.mail_login_ignore) }
                p { "— " (business) }
            }
        }
    };
    MailContent { subject, text, html: html.into_string() }
}
