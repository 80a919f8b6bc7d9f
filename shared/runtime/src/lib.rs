//! The composition root: the only crate that links the AWS SDK, the embedded
//! backends and the payment gateway. It reads the configuration, builds the
//! backends it names, and runs a function's handler on Lambda.
//!
//! A function crate's `main.rs` is one line: `portal_runtime::run_lambda(handle)`.

use portal_adapters::TableStore;
use portal_adapters::blob::FsBlobStore;
use portal_adapters::file_table::FileTable;
use portal_adapters::mail::OutboxMailer;
use portal_adapters::system::{RandomIds, SystemClock};
use portal_adapters::table::Table;
use portal_aws::{AwsClients, DynamoTable, S3Blobs, SesMailer};
use portal_domain::EmailAddress;
use portal_domain::payment::CheckoutGateway;
use portal_domain::ports::{BlobStore, Clock, IdGenerator, Mailer, Store};
use portal_web::config::{AwsSettings, Backends, Config, ConfigError, ExposeSecret};
use portal_web::{AppState, Body, Request, Response, tokens};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the embedded backends under {path}: {cause}")]
    Embedded { path: PathBuf, cause: String },
    #[error("PORTAL_MAIL_FROM is not a valid email address")]
    InvalidSender,
    #[error("{0}")]
    Secret(String),
}

/// The embedded backends' layout under the data folder.
pub struct EmbeddedPaths {
    pub table: PathBuf,
    pub outbox: PathBuf,
    pub blobs: PathBuf,
}

impl EmbeddedPaths {
    pub fn under(data_dir: &Path) -> Self {
        EmbeddedPaths {
            table: data_dir.join("table.jsonl"),
            outbox: data_dir.join("outbox"),
            blobs: data_dir.join("blobs"),
        }
    }
}

/// One implementation of each backend port, before the repository wraps the table.
pub struct BackendSet {
    pub table: Arc<dyn Table>,
    pub mailer: Arc<dyn Mailer>,
    pub blobs: Arc<dyn BlobStore>,
}

/// The key that signs the embedded blob store's presigned URLs.
pub fn blob_url_key(config: &Config) -> Vec<u8> {
    tokens::derive(config.secret_key.expose_secret(), "portal/blob-url/v1")
}

/// The embedded backends under `data_dir`.
pub fn embedded_backends(config: &Config, data_dir: &Path) -> Result<BackendSet, StartError> {
    let paths = EmbeddedPaths::under(data_dir);
    let failed = |path: &PathBuf, cause: String| StartError::Embedded { path: path.clone(), cause };
    let table = FileTable::open(&paths.table, SystemClock.now().unix_timestamp())
        .map_err(|e| failed(&paths.table, e.to_string()))?;
    let mailer = OutboxMailer::new(&paths.outbox).map_err(|e| failed(&paths.outbox, e.to_string()))?;
    let blobs = FsBlobStore::new(&paths.blobs, &config.public_url, &blob_url_key(config));
    Ok(BackendSet { table: Arc::new(table), mailer: Arc::new(mailer), blobs: Arc::new(blobs) })
}

/// The AWS backends, on clients built once from `clients`.
pub fn aws_backends(settings: &AwsSettings, clients: &AwsClients) -> Result<BackendSet, StartError> {
    let sender = EmailAddress::parse(&settings.mail_from).map_err(|_| StartError::InvalidSender)?;
    Ok(BackendSet {
        table: Arc::new(DynamoTable::new(clients.dynamo.clone(), &settings.table)),
        mailer: Arc::new(
            SesMailer::new(clients.ses.clone(), sender, settings.mail_from_name.clone())
                .with_configuration_set(settings.ses_configuration_set.clone()),
        ),
        blobs: Arc::new(S3Blobs::new(clients.s3.clone(), &settings.bucket)),
    })
}

/// Reads the configuration and builds the backends it names. A production
/// configuration never gets here with an embedded backend (`ConfigError`).
pub async fn from_env() -> Result<AppState, StartError> {
    from_lookup(|name| std::env::var(name).ok()).await
}

/// [`AppState::from_env`] over any source of variables (tests).
pub async fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<AppState, StartError> {
    // Secrets may live in SSM (`{NAME}_PARAMETER`): read them first, all in
    // one call, then parse the configuration as usual.
    let parameters: Vec<(&str, String)> = portal_web::config::SECRETS_IN_SSM
        .into_iter()
        .filter_map(|name| Some((name, get(&format!("{name}_PARAMETER")).filter(|p| !p.is_empty())?)))
        .collect();
    let mut secrets = std::collections::HashMap::new();
    // Built for the SSM read, then reused for the backends: one SDK
    // configuration per start.
    let mut sdk = None;
    if !parameters.is_empty() {
        let endpoint = portal_web::config::aws_endpoint_url(&get);
        let config = portal_aws::clients::sdk_config_from_env(endpoint.as_deref()).await;
        let names: Vec<String> = parameters.iter().map(|(_, parameter)| parameter.clone()).collect();
        let mut values = portal_aws::secrets::read_parameters(&config, &names)
            .await
            .map_err(|e| StartError::Secret(e.to_string()))?;
        for (name, parameter) in parameters {
            if let Some(value) = values.remove(&parameter) {
                secrets.insert(name, value);
            }
        }
        sdk = Some(config);
    }
    let config = Config::from_lookup(|name| secrets.get(name).cloned().or_else(|| get(name)))?;
    build(config, sdk).await
}

pub async fn from_config(config: Config) -> Result<AppState, StartError> {
    build(config, None).await
}

/// `sdk`: an SDK configuration already built from the same environment.
async fn build(config: Config, sdk: Option<portal_aws::clients::SdkConfig>) -> Result<AppState, StartError> {
    let set = match &config.backends {
        Backends::Embedded { data_dir } => embedded_backends(&config, data_dir)?,
        Backends::Aws(settings) => {
            let sdk = match sdk {
                Some(sdk) => sdk,
                None => portal_aws::clients::sdk_config_from_env(settings.endpoint_url.as_deref()).await,
            };
            let clients = AwsClients::new(&sdk, settings.endpoint_url.is_some());
            aws_backends(settings, &clients)?
        }
    };
    Ok(assemble(
        config,
        Arc::new(TableStore::new(set.table)),
        set.mailer,
        set.blobs,
        Arc::new(SystemClock),
        Arc::new(RandomIds),
    ))
}

/// The notification a table stream record's partition key names, if it is an
/// outbox item (the key format lives in `portal_adapters::keys` only).
pub fn outbox_notification_in_key(pk: &str) -> Option<&str> {
    portal_adapters::keys::outbox_notification(pk)
}

/// The state over the given ports, with Stripe Checkout when the
/// configuration holds Stripe's API key.
pub fn assemble(
    config: Config,
    store: Arc<dyn Store>,
    mailer: Arc<dyn Mailer>,
    blobs: Arc<dyn BlobStore>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
) -> AppState {
    let checkout = config.stripe.as_ref().and_then(|stripe| {
        let key = stripe.secret_key.as_ref()?.expose_secret();
        Some(Arc::new(portal_payments::stripe::StripeCheckout::new(&stripe.api_url, key)) as Arc<dyn CheckoutGateway>)
    });
    AppState::new(config, store, mailer, blobs, clock, ids, checkout)
}

/// Structured JSON logs (CloudWatch-friendly), level from `RUST_LOG` (default info).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // A second initialisation (tests, the local server) is harmless.
    let _ = tracing_subscriber::fmt().json().with_env_filter(filter).with_target(false).without_time().try_init();
}

/// Runs a handler as a Lambda function: logging set up once, state built once
/// per cold start, then every event served by `handler`.
pub async fn run_lambda<F>(handler: F) -> Result<(), lambda_http::Error>
where
    F: for<'a> AsyncHandler<'a>,
{
    init_tracing();
    let state = Arc::new(from_env().await?);
    let handler = Arc::new(handler);
    lambda_http::run(lambda_http::service_fn(move |request: Request| {
        let state = state.clone();
        let handler = handler.clone();
        async move { Ok::<_, std::convert::Infallible>(handler.call(&state, request).await) }
    }))
    .await
}

/// A function-crate handler: `async fn handle(&AppState, Request) -> Response<Body>`.
pub trait AsyncHandler<'a>: Send + Sync + 'static {
    type Future: std::future::Future<Output = Response<Body>> + Send + 'a;
    fn call(&self, state: &'a AppState, request: Request) -> Self::Future;
}

impl<'a, F, Fut> AsyncHandler<'a> for F
where
    F: Fn(&'a AppState, Request) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Response<Body>> + Send + 'a,
{
    type Future = Fut;
    fn call(&self, state: &'a AppState, request: Request) -> Fut {
        self(state, request)
    }
}
