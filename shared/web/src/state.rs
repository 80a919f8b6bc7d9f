//! Everything a handler needs, built once per cold start.

use crate::config::{Config, ConfigError, StorageBackend};
use crate::tokens::Keys;
use portal_adapters::TableStore;
use portal_adapters::blob::FsBlobStore;
use portal_adapters::file_table::FileTable;
use portal_adapters::mail::OutboxMailer;
use portal_adapters::system::{RandomIds, SystemClock};
use portal_domain::ports::{BlobStore, Clock, IdGenerator, Mailer, Store};
use std::path::PathBuf;
use std::sync::Arc;

pub struct AppState {
    pub config: Config,
    pub keys: Keys,
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub blobs: Arc<dyn BlobStore>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the embedded backends under {path}: {cause}")]
    Embedded { path: PathBuf, cause: String },
}

/// The embedded backends' layout under the data folder.
pub struct EmbeddedPaths {
    pub table: PathBuf,
    pub outbox: PathBuf,
    pub blobs: PathBuf,
}

impl EmbeddedPaths {
    pub fn under(data_dir: &std::path::Path) -> Self {
        EmbeddedPaths {
            table: data_dir.join("table.jsonl"),
            outbox: data_dir.join("outbox"),
            blobs: data_dir.join("blobs"),
        }
    }
}

impl AppState {
    /// Reads the configuration and builds the backends it names. A production
    /// configuration never gets here with an embedded backend (`ConfigError`).
    pub async fn from_env() -> Result<AppState, StartError> {
        AppState::from_config(Config::from_env()?)
    }

    pub fn from_config(config: Config) -> Result<AppState, StartError> {
        match config.storage {
            StorageBackend::Embedded => AppState::embedded(config),
        }
    }

    fn embedded(config: Config) -> Result<AppState, StartError> {
        let paths = EmbeddedPaths::under(&config.data_dir);
        let failed = |path: &PathBuf, cause: String| StartError::Embedded { path: path.clone(), cause };
        let clock = SystemClock;
        let table = FileTable::open(&paths.table, clock.now().unix_timestamp())
            .map_err(|e| failed(&paths.table, e.to_string()))?;
        let mailer = OutboxMailer::new(&paths.outbox).map_err(|e| failed(&paths.outbox, e.to_string()))?;
        Ok(AppState::with_backends(
            config,
            Arc::new(TableStore::new(Arc::new(table))),
            Arc::new(mailer),
            Arc::new(FsBlobStore::new(&paths.blobs)),
            Arc::new(clock),
            Arc::new(RandomIds),
        ))
    }

    /// The business's settings; a deployment without them cannot serve pages.
    pub async fn business_settings(&self) -> Result<portal_domain::BusinessSettings, crate::WebError> {
        self.store
            .business_settings()
            .await?
            .ok_or_else(|| crate::WebError::Internal("business settings are missing: import them first".into()))
    }

    pub fn with_backends(
        config: Config,
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        blobs: Arc<dyn BlobStore>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> AppState {
        AppState { keys: Keys::new(&config.secret_key), config, store, mailer, blobs, clock, ids }
    }
}

/// Structured JSON logs (CloudWatch-friendly), level from `RUST_LOG` (default info).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // A second initialisation (tests, the local server) is harmless.
    let _ = tracing_subscriber::fmt().json().with_env_filter(filter).with_target(false).without_time().try_init();
}
