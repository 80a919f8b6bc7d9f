//! Test support: the local server spawned on a free loopback port with its own
//! data folder and demo data, and a small browser-like client that keeps
//! cookies the way a browser does (by name and path) and never follows redirects,
//! so tests can see every step.

pub mod calls;
pub mod lambda;

use mail_parser::MimeHeaders;
use portal_adapters::TableStore;
use portal_adapters::mail::{StoredMail, read_outbox};
use portal_adapters::system::{RandomIds, SystemClock};
use portal_adapters::table::Table;
use portal_dev_server::{RunningServer, demo};
use portal_domain::ports::Mailer;
use portal_runtime::{EmbeddedPaths, aws_backends, embedded_backends};
use portal_web::AppState;
use portal_web::config::{Backends, Config};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

static NEXT_APP: AtomicU32 = AtomicU32::new(0);

/// `PORTAL_TEST_BACKENDS=aws` runs the suites on the AWS backends against the
/// emulator at `PORTAL_TEST_AWS_ENDPOINT` (started by `infra/scripts/with-emulator.sh`).
pub const ENV_TEST_BACKENDS: &str = "PORTAL_TEST_BACKENDS";
pub const ENV_TEST_AWS_ENDPOINT: &str = "PORTAL_TEST_AWS_ENDPOINT";
pub const EMULATOR_REGION: &str = "eu-west-1";

/// The emulator endpoint, or a panic that says how to start one.
pub fn emulator_endpoint() -> String {
    std::env::var(ENV_TEST_AWS_ENDPOINT).unwrap_or_else(|_| {
        panic!("{ENV_TEST_AWS_ENDPOINT} is not set: run this suite through infra/scripts/with-emulator.sh (or infra/scripts/test-all.sh)")
    })
}

/// AWS clients pointed at the emulator.
pub fn emulator_clients() -> portal_aws::AwsClients {
    portal_aws::AwsClients::new(&portal_aws::clients::emulator_config(&emulator_endpoint(), EMULATOR_REGION), true)
}

/// `template.yaml`, whose table definition the emulator tables are created from.
pub fn template_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml")
}

/// A unique lowercase name for this process and call (tables, buckets, senders).
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}-{}-{}", std::process::id(), NEXT_APP.fetch_add(1, Ordering::SeqCst))
}

/// Which backends a test app runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestBackends {
    Embedded,
    Aws { endpoint: String, sender: String },
}

/// A running portal with demo data, removed when dropped.
pub struct TestApp {
    pub server: RunningServer,
    pub data_dir: PathBuf,
    /// Removes `data_dir` when the app is dropped.
    _data: tempfile::TempDir,
    pub table: Arc<dyn Table>,
    pub backends: TestBackends,
}

/// The Stripe API key test portals use with their stand-in.
pub const STRIPE_SECRET_KEY: &str = "sk_test_e2e";
/// Two active webhook secrets, as during a rotation: events signed with either verify.
pub const STRIPE_WEBHOOK_SECRETS: [&str; 2] = ["whsec_e2e_previous", "whsec_e2e_current"];

impl TestApp {
    /// A portal on the backends named by `PORTAL_TEST_BACKENDS` (embedded by default).
    pub async fn spawn() -> TestApp {
        let aws = std::env::var(ENV_TEST_BACKENDS).is_ok_and(|v| v == "aws");
        TestApp::spawn_on(aws).await
    }

    pub async fn spawn_on(aws: bool) -> TestApp {
        TestApp::spawn_with(aws, |mailer| mailer, &[]).await
    }

    /// A portal taking card payments through a Stripe API at `api_url` (a
    /// stand-in started by the test), with [`STRIPE_WEBHOOK_SECRETS`] active.
    pub async fn spawn_with_stripe(api_url: &str) -> TestApp {
        let aws = std::env::var(ENV_TEST_BACKENDS).is_ok_and(|v| v == "aws");
        TestApp::spawn_with_stripe_on(aws, api_url).await
    }

    /// [`TestApp::spawn_with_stripe`] on the embedded (`aws: false`) or AWS backends.
    pub async fn spawn_with_stripe_on(aws: bool, api_url: &str) -> TestApp {
        let vars = [
            ("PORTAL_STRIPE_SECRET_KEY", STRIPE_SECRET_KEY.to_string()),
            ("PORTAL_STRIPE_WEBHOOK_SECRETS", STRIPE_WEBHOOK_SECRETS.join(",")),
            ("PORTAL_STRIPE_API_URL", api_url.to_string()),
        ];
        TestApp::spawn_with(aws, |mailer| mailer, &vars).await
    }

    /// A portal on the backends named by the environment, its mailer wrapped
    /// (e.g. by one that fails on purpose).
    pub async fn spawn_wrapping_mailer(wrap: impl FnOnce(Arc<dyn Mailer>) -> Arc<dyn Mailer>) -> TestApp {
        let aws = std::env::var(ENV_TEST_BACKENDS).is_ok_and(|v| v == "aws");
        TestApp::spawn_with(aws, wrap, &[]).await
    }

    async fn spawn_with(
        aws: bool,
        wrap: impl FnOnce(Arc<dyn Mailer>) -> Arc<dyn Mailer>,
        extra: &[(&'static str, String)],
    ) -> TestApp {
        let name = unique_name("portal-e2e");
        let data = tempfile::Builder::new().prefix("portal-e2e-").tempdir().expect("temp dir");
        let data_dir = data.path().to_path_buf();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let mut vars =
            vec![("PORTAL_DATA_DIR", data_dir.display().to_string()), ("PORTAL_PUBLIC_URL", format!("http://{addr}"))];
        vars.extend(extra.iter().cloned());
        let backends = if aws {
            let sender = format!("{name}@ebro-instalaciones.es");
            vars.extend([
                ("PORTAL_BACKENDS", "aws".to_string()),
                ("PORTAL_TABLE", name.clone()),
                ("PORTAL_BUCKET", name.clone()),
                ("PORTAL_MAIL_FROM", sender.clone()),
                // As in AWS, mail goes through the stack's configuration set.
                ("PORTAL_SES_CONFIGURATION_SET", name.clone()),
                ("PORTAL_AWS_ENDPOINT_URL", emulator_endpoint()),
            ]);
            TestBackends::Aws { endpoint: emulator_endpoint(), sender }
        } else {
            TestBackends::Embedded
        };
        let config = Config::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))
            .expect("test config");
        let set = match &config.backends {
            Backends::Embedded { data_dir } => embedded_backends(&config, data_dir).expect("embedded backends"),
            Backends::Aws(settings) => {
                let clients = calls::recorded(emulator_clients());
                portal_aws::provision::provision_all(
                    &clients,
                    &template_path(),
                    &settings.table,
                    &settings.bucket,
                    EMULATOR_REGION,
                    &settings.mail_from,
                )
                .await
                .expect("provision the emulator");
                if let Some(set) = &settings.ses_configuration_set {
                    portal_aws::provision::create_configuration_set(&clients, set)
                        .await
                        .expect("the emulator's configuration set");
                }
                aws_backends(settings, &clients).expect("aws backends")
            }
        };
        let state = Arc::new(portal_runtime::assemble(
            config,
            Arc::new(TableStore::new(set.table.clone())),
            wrap(set.mailer),
            set.blobs,
            Arc::new(SystemClock),
            Arc::new(RandomIds),
        ));
        demo::seed_if_empty(&state).await.expect("demo data");
        let server = portal_dev_server::spawn(listener, state).await.expect("spawn server");
        TestApp { server, data_dir, _data: data, table: set.table, backends }
    }

    pub fn state(&self) -> &AppState {
        &self.server.state
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.server.url(""))
    }

    /// Every mail this app sent, newest first: from the outbox folder, or
    /// from what the emulator received from this app's sender.
    pub async fn outbox(&self) -> Vec<StoredMail> {
        match &self.backends {
            TestBackends::Embedded => read_outbox(&EmbeddedPaths::under(&self.data_dir).outbox).unwrap_or_default(),
            TestBackends::Aws { endpoint, sender } => emulator_mail(endpoint, sender).await,
        }
    }

    /// Logs `email` in through the real flow (form, outbox, confirm) and returns the browser.
    pub async fn logged_in(&self, email: &str) -> Browser {
        let browser = self.browser();
        let form = browser.get("/login").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let sent = browser.post("/login", &[("csrf", &form.csrf()), ("email", email)]).await;
        assert_eq!(sent.status, 200, "{}", sent.body);
        let mail = self.outbox().await.into_iter().find(|m| m.to == email).expect("a login mail");
        let confirm = browser.get(&confirm_path(&mail.text)).await;
        assert_eq!(confirm.status, 200, "{}", confirm.body);
        let token = confirm.hidden("token");
        let done = browser.post("/login/confirm", &[("csrf", &confirm.csrf()), ("token", &token)]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        browser
    }
}

/// The mail the emulator's SES received from `sender`, parsed from raw MIME, newest first.
pub async fn emulator_mail(endpoint: &str, sender: &str) -> Vec<StoredMail> {
    let raw = emulator_raw_mail(endpoint).await;
    let mut mails: Vec<StoredMail> = raw
        .iter()
        .filter(|m| m["source"].as_str() == Some(sender))
        .filter_map(|m| {
            let mime = m["raw_data"].as_str()?;
            let parsed = mail_parser::MessageParser::default().parse(mime.as_bytes())?;
            Some(StoredMail {
                id: m["id"].as_str().unwrap_or_default().to_string(),
                sent_at: time::OffsetDateTime::now_utc(),
                to: m["destinations"][0].as_str().unwrap_or_default().to_string(),
                reply_to: parsed.reply_to().and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_string),
                subject: parsed.subject().unwrap_or_default().to_string(),
                text: parsed.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
                html: parsed.body_html(0).map(|t| t.to_string()).unwrap_or_default(),
                attachments: parsed.attachments().filter_map(|a| a.attachment_name().map(str::to_string)).collect(),
            })
        })
        .collect();
    mails.reverse();
    mails
}

/// The raw messages from the emulator's SES endpoint (see `infra/scripts/moto_serial.py`).
/// A busy emulator can drop a connection now and then, so a failed read is retried.
async fn emulator_raw_mail(endpoint: &str) -> Vec<serde_json::Value> {
    let url = format!("{endpoint}/_portal/ses/raw-messages");
    let mut last_error = String::new();
    for attempt in 0..5u64 {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
        }
        match reqwest::get(&url).await.and_then(reqwest::Response::error_for_status) {
            Ok(response) => match response.json().await {
                Ok(messages) => return messages,
                Err(error) => last_error = error.to_string(),
            },
            Err(error) => last_error = error.to_string(),
        }
    }
    panic!("the emulator's sent mail could not be read from {url}: {last_error}");
}

/// The `/login/confirm?token=...` path inside a login mail's text.
pub fn confirm_path(text: &str) -> String {
    let start = text.find("/login/confirm?token=").expect("a confirm link in the mail");
    text[start..].split_whitespace().next().unwrap_or_default().to_string()
}

#[derive(Debug, Clone)]
struct StoredCookie {
    name: String,
    value: String,
    path: String,
}

/// A response as a test sees it.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok().map(str::to_string)).collect()
    }

    /// The value of a hidden input by name.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start =
            self.body.find(&marker).unwrap_or_else(|| panic!("no field {name} in {}", self.body)) + marker.len();
        self.body[start..].split('"').next().unwrap_or_default().to_string()
    }

    pub fn csrf(&self) -> String {
        self.hidden("csrf")
    }
}

/// A cookie-keeping client that does not follow redirects.
pub struct Browser {
    client: reqwest::Client,
    base: String,
    cookies: Mutex<Vec<StoredCookie>>,
}

fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/') || request_path[cookie_path.len()..].starts_with('/')))
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http client");
        Browser { client, base: base.trim_end_matches('/').to_string(), cookies: Mutex::new(Vec::new()) }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().iter().find(|c| c.name == name).map(|c| c.value.clone())
    }

    /// Forgets every cookie (a fresh browser context).
    pub fn clear_cookies(&self) {
        self.cookies.lock().unwrap().clear();
    }

    pub fn set_cookie(&self, name: &str, value: &str, path: &str) {
        let mut jar = self.cookies.lock().unwrap();
        jar.retain(|c| !(c.name == name && c.path == path));
        jar.push(StoredCookie { name: name.into(), value: value.into(), path: path.into() });
    }

    fn cookie_header(&self, path: &str) -> String {
        let path = path.split('?').next().unwrap_or(path);
        let jar = self.cookies.lock().unwrap();
        jar.iter()
            .filter(|c| path_matches(&c.path, path))
            .map(|c| format!("{}={}", c.name, c.value))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&self, page: &Page) {
        for header in page.set_cookies() {
            let mut parts = header.split(';').map(str::trim);
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else { continue };
            let mut path = "/".to_string();
            let mut delete = false;
            for attribute in parts {
                if let Some(p) = attribute.strip_prefix("Path=") {
                    path = p.to_string();
                }
                if attribute == "Max-Age=0" {
                    delete = true;
                }
            }
            let mut jar = self.cookies.lock().unwrap();
            jar.retain(|c| !(c.name == name && c.path == path));
            if !delete {
                jar.push(StoredCookie { name: name.into(), value: value.into(), path });
            }
        }
    }

    async fn finish(&self, request: reqwest::RequestBuilder) -> Page {
        let response = request.send().await.expect("request sent");
        let page = Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap_or_default(),
        };
        self.remember(&page);
        page
    }

    pub async fn get(&self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base)).header("cookie", self.cookie_header(path));
        self.finish(request).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let request =
            self.client.post(format!("{}{path}", self.base)).header("cookie", self.cookie_header(path)).form(form);
        self.finish(request).await
    }

    /// A POST with extra headers (e.g. a forged Origin).
    pub async fn post_with(&self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Page {
        let mut request =
            self.client.post(format!("{}{path}", self.base)).header("cookie", self.cookie_header(path)).form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.finish(request).await
    }
}

/// A staff reply in `document`'s thread, stored with the notification it owes
/// the contact (as the staff pages store it), not yet delivered. Returns the contact.
pub async fn store_staff_reply(
    state: &AppState,
    document: &str,
    comment: &str,
    body: &str,
) -> portal_domain::contact::Contact {
    use portal_domain::interaction::{Comment, CommentBody, CommentId, NotificationKind, Origin};
    let document = state.store.document(&portal_domain::DocumentId::parse(document).unwrap()).await.unwrap().unwrap();
    let contact = state.store.contact(&document.contact_id).await.unwrap().unwrap();
    let comment = Comment {
        id: CommentId::parse(comment).unwrap(),
        document_id: document.id.clone(),
        contact_id: contact.id.clone(),
        author: "Ebro Instalaciones".into(),
        origin: Origin::Staff,
        body: CommentBody::parse(body).unwrap(),
        at: state.clock.now(),
    };
    let stamps = state.stamps();
    let event = stamps.event(&document, portal_domain::ActivityKind::Commented);
    let owed = stamps.to_contact(&contact, NotificationKind::StaffReplied, &document, Some(&comment));
    state.store.add_comment(&comment, &event, &owed).await.unwrap();
    contact
}
