//! `/dev/outbox`: the mail the embedded mailer "sent", readable in a browser so
//! a developer can follow login links and notifications. Local server only.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use maud::html;
use portal_adapters::mail::{StoredMail, read_outbox};
use portal_domain::Locale;
use portal_runtime::EmbeddedPaths;
use portal_web::config::Backends;
use portal_web::views::{Frame, layout};
use portal_web::{AppState, respond};

pub const LIST_PATH: &str = "/dev/outbox";
pub const MESSAGE_PATH: &str = "/dev/outbox/{id}";

/// The outbox of the embedded mailer; with the AWS backends mail goes to SES
/// (or the emulator) and this list is empty.
fn messages(state: &AppState) -> Vec<StoredMail> {
    match &state.config.backends {
        Backends::Embedded { data_dir } => read_outbox(&EmbeddedPaths::under(data_dir).outbox).unwrap_or_default(),
        Backends::Aws(_) => Vec::new(),
    }
}

/// Serves the outbox pages, or `None` if the path is not one of them.
pub async fn serve(state: &AppState, request: &Request) -> Option<Response<Body>> {
    let path = request.uri().path();
    let html = if path == LIST_PATH {
        list(state)
    } else {
        let id = path.strip_prefix("/dev/outbox/")?;
        let mail = messages(state).into_iter().find(|m| m.id == id)?;
        message(&mail)
    };
    let mut response = respond::page(StatusCode::OK, html);
    respond::add_security_headers(&mut response);
    Some(response)
}

fn frame(title: &str) -> Frame<'_> {
    Frame { locale: Locale::En, settings: None, title, nav: None, language_switch: None }
}

fn list(state: &AppState) -> portal_web::views::Html {
    let mails = messages(state);
    layout(
        frame("Dev outbox"),
        html! {
            h1 { "Dev outbox" }
            p.muted { "Mail sent by the local server, newest first. This page exists only in local runs." }
            @if mails.is_empty() { p { "No mail yet." } } @else {
                table {
                    thead { tr { th scope="col" { "Sent" } th scope="col" { "To" } th scope="col" { "Subject" } } }
                    tbody {
                        @for mail in &mails {
                            tr {
                                td { (mail.sent_at.time().to_string()) }
                                td { (mail.to) }
                                td { a href={"/dev/outbox/" (mail.id)} { (mail.subject) } }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// One message: its text part, with every URL made a link.
fn message(mail: &StoredMail) -> portal_web::views::Html {
    layout(
        frame(&mail.subject),
        html! {
            h1 { (mail.subject) }
            p { "To: " (mail.to) }
            @if let Some(reply_to) = &mail.reply_to { p { "Reply-To: " (reply_to) } }
            div.card {
                @for line in mail.text.lines() {
                    p {
                        @for word in line.split(' ') {
                            @if word.starts_with("http://") || word.starts_with("https://") {
                                a href=(word) { (word) } " "
                            } @else {
                                (word) " "
                            }
                        }
                    }
                }
            }
            p { a href="/dev/outbox" { "Back to the outbox" } }
        },
    )
}
