//! Everything a handler needs, built once per cold start by `portal-runtime`:
//! configuration, keys, and the ports the use cases run on.

use crate::config::{Config, ExposeSecret};
use crate::tokens::{self, Keys};
use portal_domain::payment::CheckoutGateway;
use portal_domain::ports::{BlobStore, Clock, IdGenerator, Mailer, Store};
use std::sync::Arc;

pub struct AppState {
    pub config: Config,
    pub keys: Keys,
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub blobs: Arc<dyn BlobStore>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    /// Stripe Checkout, when this function holds the API key: read through
    /// [`AppState::stripe_checkout`], which notes the secret's use.
    checkout: Option<Arc<dyn CheckoutGateway>>,
}

impl AppState {
    /// The clock and id generator use cases stamp their records with.
    pub fn stamps(&self) -> portal_app::Stamps<'_> {
        portal_app::Stamps::new(self.clock.as_ref(), self.ids.as_ref())
    }

    /// What the login-link use cases run on.
    pub fn link_services(&self) -> portal_app::login::LinkServices<'_, dyn Store> {
        portal_app::login::LinkServices {
            store: self.store.as_ref(),
            stamps: self.stamps(),
            mailer: self.mailer.as_ref(),
            secrets: &tokens::RandomSecrets,
        }
    }

    /// Stripe Checkout, when this function holds Stripe's API key.
    pub fn stripe_checkout(&self) -> Option<&Arc<dyn CheckoutGateway>> {
        let checkout = self.checkout.as_ref()?;
        tokens::note_secret_use(tokens::SecretUse::StripeApiKey);
        Some(checkout)
    }

    /// The active Stripe webhook signing secrets, when this function holds them.
    pub fn stripe_webhook_secrets(&self) -> Option<Vec<&str>> {
        let stripe = self.config.stripe.as_ref().filter(|s| !s.webhook_secrets.is_empty())?;
        tokens::note_secret_use(tokens::SecretUse::StripeWebhook);
        Some(stripe.webhook_secrets.iter().map(|secret| secret.expose_secret()).collect())
    }

    /// The business's settings; a deployment without them cannot serve pages.
    pub async fn business_settings(&self) -> Result<portal_domain::BusinessSettings, crate::WebError> {
        self.store
            .business_settings()
            .await?
            .ok_or_else(|| crate::WebError::broken("business settings are missing: import them first"))
    }

    /// The state over ports built elsewhere (`portal-runtime` builds them
    /// from the environment; tests and benchmarks bring their own).
    pub fn new(
        config: Config,
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        blobs: Arc<dyn BlobStore>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        checkout: Option<Arc<dyn CheckoutGateway>>,
    ) -> AppState {
        let keys = Keys::new(
            config.secret_key.expose_secret(),
            config.staff_secret_key.as_ref().map(|key| key.expose_secret()),
        );
        AppState { keys, config, store, mailer, blobs, clock, ids, checkout }
    }
}
