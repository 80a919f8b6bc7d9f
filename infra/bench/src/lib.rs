//! Benchmarks of the portal's pages and actions, in process: each request goes
//! to the function handler the local server mounts for its route (what a warm
//! Lambda runs, without the network), and is timed and counted.
//!
//! Storage calls are counted twice over: on the embedded backends by wrapping
//! the table and blob ports, and on the AWS backends by an SDK interceptor on
//! the DynamoDB and S3 clients (every operation the SDK executes, so retries
//! inside one call count once). Nothing here asserts a time: it measures and
//! prints (see `docs/benchmarks/pages.md`).

use async_trait::async_trait;
use lambda_http::http::{Method, Request as HttpRequest};
use lambda_http::{Body, Request};
use portal_adapters::TableStore;
use portal_adapters::blob::FsBlobStore;
use portal_adapters::file_table::FileTable;
use portal_adapters::mail::OutboxMailer;
use portal_adapters::system::{RandomIds, SystemClock};
use portal_adapters::table::{Item, Key, Query, QueryPage, Table, TableError, Write};
use portal_dev_server::Handler;
use portal_domain::contact::ContactId;
use portal_domain::document::{AccessLink, DocumentNumber};
use portal_domain::ports::{Blob, BlobError, BlobStore, Disposition};
use portal_domain::totals::{Discount, Quantity};
use portal_domain::{
    Contact, ContactRole, Currency, Document, DocumentId, DocumentKind, DocumentStatus, EmailAddress, Line, Locale,
    PriceCondition, VatRate,
};
use portal_runtime::{aws_backends, blob_url_key};
use portal_web::config::{Backends, Config};
use portal_web::http::ClientIp;
use portal_web::routes::Route;
use portal_web::{AppState, auth, csrf, tokens};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A shared count of storage operations.
#[derive(Debug, Clone, Default)]
pub struct CallCount(Arc<AtomicU64>);

impl CallCount {
    pub fn add(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The table port, counting every call (one call is one DynamoDB request).
pub struct CountingTable {
    pub inner: Arc<dyn Table>,
    pub calls: CallCount,
}

#[async_trait]
impl Table for CountingTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        self.calls.add();
        self.inner.get(key).await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        self.calls.add();
        self.inner.transact(writes).await
    }

    async fn write(&self, write: Write) -> Result<(), TableError> {
        self.calls.add();
        self.inner.write(write).await
    }

    async fn query(&self, query: &Query) -> Result<QueryPage, TableError> {
        self.calls.add();
        self.inner.query(query).await
    }

    async fn increment(&self, key: &Key, expires_at: i64) -> Result<u64, TableError> {
        self.calls.add();
        self.inner.increment(key, expires_at).await
    }
}

/// The blob port, counting the calls that reach storage (presigning is local).
pub struct CountingBlobs {
    pub inner: Arc<dyn BlobStore>,
    pub calls: CallCount,
}

#[async_trait]
impl BlobStore for CountingBlobs {
    async fn put(&self, key: &str, blob: &Blob) -> Result<(), BlobError> {
        self.calls.add();
        self.inner.put(key, blob).await
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        self.calls.add();
        self.inner.get(key).await
    }

    async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        self.calls.add();
        self.inner.exists(key).await
    }

    async fn presigned_get(
        &self,
        key: &str,
        file_name: &str,
        disposition: Disposition,
        expires_in: Duration,
    ) -> Result<String, BlobError> {
        self.inner.presigned_get(key, file_name, disposition, expires_in).await
    }
}

/// Counts every operation an AWS SDK client executes (DynamoDB, S3).
#[derive(Debug, Clone)]
pub struct CountOperations(pub CallCount);

impl aws_sdk_dynamodb::config::Intercept for CountOperations {
    fn name(&self) -> &'static str {
        "CountOperations"
    }

    fn read_before_execution(
        &self,
        _context: &aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        self.0.add();
        Ok(())
    }
}

/// Which backends the portal runs on.
#[derive(Debug, Clone)]
pub enum BenchBackends {
    Embedded,
    /// An AWS endpoint (the emulator): tables, bucket and sender are provisioned.
    Aws {
        endpoint: String,
    },
}

/// The portal under measurement and its storage call counter.
pub struct Bench {
    pub state: AppState,
    pub calls: CallCount,
    mounts: Vec<(Route, Handler)>,
    data_dir: PathBuf,
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// What one scenario measured.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: String,
    pub statuses: Vec<u16>,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub calls_min: u64,
    pub calls_max: u64,
}

impl Sample {
    /// `n` or `min–max` storage calls per request.
    pub fn calls(&self) -> String {
        if self.calls_min == self.calls_max {
            self.calls_min.to_string()
        } else {
            format!("{}–{}", self.calls_min, self.calls_max)
        }
    }

    pub fn statuses(&self) -> String {
        self.statuses.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
    }
}

fn template_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml")
}

/// How many of a scale contact's invoices are still open.
pub const OPEN_INVOICES: usize = 3;

/// The public URL: `PORTAL_PUBLIC_URL` when set (the cold-start script mints
/// cookies for an https, production portal), else [`PUBLIC_URL`].
fn public_url() -> String {
    std::env::var("PORTAL_PUBLIC_URL").unwrap_or_else(|_| PUBLIC_URL.to_string())
}

/// The public URL the benchmarked portal believes it has.
pub const PUBLIC_URL: &str = "http://127.0.0.1:3000";

impl Bench {
    /// A portal with the demo data and catalog on `backends`.
    pub async fn start(backends: &BenchBackends) -> Result<Bench, String> {
        let name = format!("portal-bench-{}-{}", std::process::id(), time::OffsetDateTime::now_utc().unix_timestamp());
        let data_dir = std::env::temp_dir().join(&name);
        let mut vars = vec![("PORTAL_DATA_DIR", data_dir.display().to_string()), ("PORTAL_PUBLIC_URL", public_url())];
        // The throughput script mints cookies for a local server started with the same key.
        if let Ok(secret) = std::env::var(portal_web::config::ENV_SECRET_KEY) {
            vars.push((portal_web::config::ENV_SECRET_KEY, secret));
        }
        if let BenchBackends::Aws { endpoint } = backends {
            vars.extend([
                ("PORTAL_BACKENDS", "aws".to_string()),
                ("PORTAL_TABLE", name.clone()),
                ("PORTAL_BUCKET", name.clone()),
                ("PORTAL_MAIL_FROM", format!("{name}@ebro-instalaciones.es")),
                ("PORTAL_AWS_ENDPOINT_URL", endpoint.clone()),
            ]);
        }
        let config = Config::from_lookup(|key| vars.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()))
            .map_err(|e| e.to_string())?;
        let calls = CallCount::default();
        let (table, mailer, blobs): (Arc<dyn Table>, Arc<dyn portal_domain::ports::Mailer>, Arc<dyn BlobStore>) =
            match &config.backends {
                Backends::Embedded { data_dir } => {
                    let mailer = OutboxMailer::new(data_dir.join("outbox")).map_err(|e| e.to_string())?;
                    let blobs = FsBlobStore::new(data_dir.join("blobs"), &config.public_url, &blob_url_key(&config));
                    (
                        Arc::new(CountingTable { inner: Arc::new(FileTable::in_memory()), calls: calls.clone() }),
                        Arc::new(mailer),
                        Arc::new(CountingBlobs { inner: Arc::new(blobs), calls: calls.clone() }),
                    )
                }
                Backends::Aws(settings) => {
                    let endpoint = settings.endpoint_url.clone().unwrap_or_default();
                    let sdk = portal_aws::clients::emulator_config(&endpoint, "eu-west-1");
                    let plain = portal_aws::AwsClients::new(&sdk, true);
                    portal_aws::provision::provision_all(
                        &plain,
                        &template_path(),
                        &settings.table,
                        &settings.bucket,
                        "eu-west-1",
                        &settings.mail_from,
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                    let counted = CountOperations(calls.clone());
                    let dynamo = aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(counted.clone()).build();
                    let s3 =
                        aws_sdk_s3::config::Builder::from(&sdk).force_path_style(true).interceptor(counted).build();
                    let clients = portal_aws::AwsClients {
                        dynamo: aws_sdk_dynamodb::Client::from_conf(dynamo),
                        s3: aws_sdk_s3::Client::from_conf(s3),
                        ses: plain.ses.clone(),
                    };
                    let set = aws_backends(settings, &clients).map_err(|e| e.to_string())?;
                    (set.table, set.mailer, set.blobs)
                }
            };
        let state = portal_runtime::assemble(
            config,
            Arc::new(TableStore::new(table)),
            mailer,
            blobs,
            Arc::new(SystemClock),
            Arc::new(RandomIds),
        );
        portal_dev_server::demo::seed_if_empty(&state).await.map_err(|e| e.to_string())?;
        portal_dev_server::demo::seed_catalog(&state).await.map_err(|e| e.to_string())?;
        Ok(Bench { state, calls, mounts: portal_dev_server::mounts(), data_dir })
    }

    /// Calls the handler mounted for the request's route, as its Lambda function would.
    pub async fn call(&self, request: Request) -> u16 {
        let path = request.uri().path().to_string();
        let Some((_, handler)) = self.mounts.iter().find(|(route, _)| route.serves(request.method(), &path).is_some())
        else {
            return 404;
        };
        handler(&self.state, request).await.status().as_u16()
    }

    /// Times `iterations` requests built by `request` (after `warmup` untimed ones)
    /// and counts the storage calls each one makes.
    pub async fn measure(
        &self,
        name: &str,
        warmup: usize,
        iterations: usize,
        request: impl Fn(usize) -> Request,
    ) -> Sample {
        for i in 0..warmup {
            self.call(request(i)).await;
        }
        let mut durations = Vec::with_capacity(iterations);
        let mut calls = Vec::with_capacity(iterations);
        let mut statuses = Vec::new();
        for i in warmup..warmup + iterations {
            let request = request(i);
            let before = self.calls.get();
            let started = Instant::now();
            let status = self.call(request).await;
            durations.push(started.elapsed());
            calls.push(self.calls.get() - before);
            if !statuses.contains(&status) {
                statuses.push(status);
            }
        }
        durations.sort();
        let at = |percent: usize| durations[(durations.len() * percent / 100).min(durations.len() - 1)];
        Sample {
            name: name.to_string(),
            statuses,
            p50: at(50),
            p99: at(99),
            max: *durations.last().unwrap_or(&Duration::ZERO),
            calls_min: calls.iter().copied().min().unwrap_or(0),
            calls_max: calls.iter().copied().max().unwrap_or(0),
        }
    }

    /// A session cookie for `contact`.
    pub fn contact_cookie(&self, contact: &str) -> String {
        let id = ContactId::parse(contact).expect("contact id");
        let (token, _) = self.state.keys.issue_session(&id, self.state.clock.now());
        format!("{}={token}", auth::session_cookie_name(&self.state))
    }

    /// A staff session cookie for `email`.
    pub fn staff_cookie(&self, email: &str) -> String {
        let email = EmailAddress::parse(email).expect("staff email");
        let (token, _) = self.state.keys.issue_staff_session(&email, self.state.clock.now()).expect("a staff secret");
        format!("{}={token}", auth::staff_cookie_name(&self.state))
    }

    /// A CSRF cookie and the form token that goes with it.
    pub fn csrf_pair(&self) -> (String, String) {
        let value = tokens::random_token();
        let token = self.state.keys.csrf_token(&value);
        (format!("{}={value}", csrf::cookie_name(&self.state)), token)
    }

    /// Adds `count` invoices to a new customer `contact`, oldest first; all but
    /// the newest [`OPEN_INVOICES`] are paid.
    pub async fn seed_contact_with_invoices(&self, contact: &str, count: usize) -> Result<Vec<DocumentId>, String> {
        let customer = Contact {
            id: ContactId::parse(contact).map_err(|e| e.to_string())?,
            name: format!("Cliente {contact}"),
            tax_id: None,
            role: ContactRole::Customer,
            emails: vec![EmailAddress::parse(&format!("{contact}@example.es")).map_err(|e| e.to_string())?],
            locale: Locale::Es,
            portal_access: true,
            catalog: false,
            price_condition: PriceCondition::BasePrices,
            recargo_equivalencia: false,
            address: None,
        };
        self.state.store.create_contact(&customer).await.map_err(|e| e.to_string())?;
        let mut ids = Vec::with_capacity(count);
        for n in 0..count {
            let mut document =
                self.document(&customer.id, DocumentKind::Invoice, &format!("{contact}-{n:05}"), n, count);
            // History is paid; the newest few are open, as for a real customer.
            if n + OPEN_INVOICES < count {
                document.status = DocumentStatus::Paid;
                document.paid_minor = document.totals().total;
            }
            self.state.store.create_document(&document, &[]).await.map_err(|e| e.to_string())?;
            ids.push(document.id);
        }
        Ok(ids)
    }

    /// Quotes waiting for an answer from `contact`, one per action to measure.
    pub async fn seed_open_quotes(&self, contact: &str, count: usize) -> Result<Vec<DocumentId>, String> {
        let id = ContactId::parse(contact).map_err(|e| e.to_string())?;
        let mut ids = Vec::with_capacity(count);
        for n in 0..count {
            let document = self.document(&id, DocumentKind::Quote, &format!("bq-{n:05}"), count, count);
            self.state.store.create_document(&document, &[]).await.map_err(|e| e.to_string())?;
            ids.push(document.id);
        }
        Ok(ids)
    }

    /// A document issued `count - n` days before today (the last one today).
    fn document(&self, contact: &ContactId, kind: DocumentKind, suffix: &str, n: usize, count: usize) -> Document {
        let today = self.state.clock.today();
        let issued = today - time::Duration::days((count - n.min(count)) as i64 / 10);
        Document {
            id: DocumentId::parse(&format!("d-{suffix}")).expect("document id"),
            kind,
            number: DocumentNumber::parse(&suffix.to_uppercase()).expect("document number"),
            contact_id: contact.clone(),
            status: if kind == DocumentKind::Quote { DocumentStatus::Sent } else { DocumentStatus::Issued },
            issue_date: issued,
            due_date: (kind == DocumentKind::Invoice).then_some(issued + time::Duration::days(30)),
            valid_until: (kind == DocumentKind::Quote).then_some(today + time::Duration::days(30)),
            currency: Currency::EUR,
            lines: (0..5)
                .map(|line| Line {
                    description: format!("Material de instalación, partida {line}"),
                    quantity: Quantity::parse("3").expect("quantity"),
                    unit_price_minor: 1_990 + line,
                    discount: Discount::try_from(0).expect("discount"),
                    vat: VatRate::General21,
                    irpf: None,
                    product: None,
                })
                .collect(),
            recargo: false,
            notes: None,
            paid_minor: 0,
            access_link: AccessLink { nonce: tokens::new_link_nonce(), expires_at: None },
            content_version: 1,
            revision: 0,
            acceptance: None,
            rejection: None,
            supplier_confirmation: None,
        }
    }
}

/// A GET for `path` with the given cookies and headers.
pub fn get(path: &str, cookies: &[&str], headers: &[(&str, &str)]) -> Request {
    request(Method::GET, path, cookies, headers, Body::Empty)
}

/// A form POST for `path`.
pub fn post_form(path: &str, cookies: &[&str], form: &[(&str, &str)], client_ip: &str) -> Request {
    let body = Body::Text(serde_urlencoded::to_string(form).expect("form"));
    let mut request = request(
        Method::POST,
        path,
        cookies,
        &[("content-type", "application/x-www-form-urlencoded"), ("origin", &public_url())],
        body,
    );
    request.extensions_mut().insert(ClientIp(client_ip.to_string()));
    request
}

fn request(method: Method, path: &str, cookies: &[&str], headers: &[(&str, &str)], body: Body) -> Request {
    let mut builder = HttpRequest::builder().method(method).uri(path).header("host", "127.0.0.1:3000");
    if !cookies.is_empty() {
        builder = builder.header("cookie", cookies.join("; "));
    }
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut request = builder.body(body).expect("request");
    request.extensions_mut().insert(ClientIp("127.0.0.1".into()));
    request
}

/// Milliseconds with two decimals.
pub fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}
