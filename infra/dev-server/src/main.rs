//! `portal-dev-server`: runs the whole portal locally on 127.0.0.1 — with the
//! embedded backends by default, or the AWS backends (`PORTAL_BACKENDS=aws`),
//! e.g. against a local emulator (`PORTAL_AWS_ENDPOINT_URL`). Wiring only.

use portal_dev_server::demo;
use portal_dev_server::stripe_standin;
use portal_runtime::init_tracing;
use portal_web::config::{
    Backends, Config, ENV_PUBLIC_URL, ENV_STRIPE_API_URL, ENV_STRIPE_SECRET_KEY, ENV_STRIPE_WEBHOOK_SECRETS,
};
use std::path::Path;
use std::sync::Arc;

/// `PORTAL_PORT` (default 3000).
const ENV_PORT: &str = "PORTAL_PORT";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    init_tracing();
    let port: u16 = std::env::var(ENV_PORT).ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let public_url = std::env::var(ENV_PUBLIC_URL).unwrap_or_else(|_| format!("http://{addr}"));
    // Card payments go to the built-in Stripe stand-in unless real keys are given.
    let standin = std::env::var(ENV_STRIPE_SECRET_KEY).is_err();
    let standin_value = |name: &str| match name {
        ENV_STRIPE_SECRET_KEY => Some(stripe_standin::LOCAL_SECRET_KEY.to_string()),
        ENV_STRIPE_WEBHOOK_SECRETS => Some(stripe_standin::LOCAL_WEBHOOK_SECRET.to_string()),
        ENV_STRIPE_API_URL => Some(format!("{public_url}{}", stripe_standin::API_PREFIX)),
        _ => None,
    };
    let config = Config::from_lookup(|name| {
        if name == ENV_PUBLIC_URL {
            Some(public_url.clone())
        } else if standin && let Some(value) = standin_value(name) {
            Some(value)
        } else {
            std::env::var(name).ok()
        }
    })?;
    if config.environment == portal_web::config::Environment::Production {
        // The dev server serves /dev/outbox and /dev/links: never in production.
        return Err("portal-dev-server is for local runs only; unset PORTAL_ENV=production".into());
    }
    if let Backends::Aws(settings) = &config.backends
        && let Some(endpoint) = &settings.endpoint_url
    {
        // An emulator starts empty: create what template.yaml defines.
        let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "eu-west-1".into());
        let sdk = portal_aws::clients::sdk_config_from_env(Some(endpoint)).await;
        let clients = portal_aws::AwsClients::new(&sdk, true);
        let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml");
        portal_aws::provision::provision_all(
            &clients,
            &template,
            &settings.table,
            &settings.bucket,
            &region,
            &settings.mail_from,
        )
        .await?;
        println!("Provisioned {} and {} on {endpoint}", settings.table, settings.bucket);
    }
    let state = Arc::new(portal_runtime::from_config(config).await?);
    if demo::seed_if_empty(&state).await? {
        demo::seed_catalog(&state).await?;
        println!("Seeded demo data");
    }
    println!();
    println!("Portal running at {public_url}/");
    println!("  Log in at {public_url}/login with one of:");
    println!("    {}  (customer, Spanish, catalog)", demo::CUSTOMER_EMAIL);
    println!("    {}  (customer, English)", demo::ENGLISH_CUSTOMER_EMAIL);
    println!("    {}  (supplier)", demo::SUPPLIER_EMAIL);
    println!("  then open the mailed link from the outbox: {public_url}{}", portal_dev_server::outbox::LIST_PATH);
    println!("  Shareable document links (no login needed): {public_url}{}", portal_dev_server::links_page::PATH);
    // A key per run, so the staff API can be tried at once (the admin CLI makes lasting ones).
    let key_name = portal_domain::staff::KeyName::parse("local dev server").expect("a valid key name");
    let key = portal_staff_api::keys::create_key(&state, key_name).await?;
    println!("  Staff API: {public_url}/api/v1 (described at {public_url}{})", portal_web::routes::API_OPENAPI.path);
    println!("    with this run's key: Authorization: Bearer {}", key.token);
    println!("  Stop with Ctrl-C.");
    tokio::select! {
        _ = portal_dev_server::serve(listener, state) => {}
        _ = tokio::signal::ctrl_c() => println!("Stopped."),
    }
    Ok(())
}
