//! `portal-dev-server`: runs the whole portal locally on 127.0.0.1 with the
//! embedded backends and demo data. Wiring only; see the library.

use portal_dev_server::demo;
use portal_web::AppState;
use portal_web::config::{Config, ENV_PUBLIC_URL};
use portal_web::state::init_tracing;
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
    let config =
        Config::from_lookup(
            |name| {
                if name == ENV_PUBLIC_URL { Some(public_url.clone()) } else { std::env::var(name).ok() }
            },
        )?;
    let state = Arc::new(AppState::from_config(config)?);
    if demo::seed_if_empty(&state).await? {
        println!("Seeded demo data into {}", state.config.data_dir.display());
    }
    println!();
    println!("Portal running at {public_url}/");
    println!("  Log in at {public_url}/login with one of:");
    println!("    {}  (customer, Spanish, catalog)", demo::CUSTOMER_EMAIL);
    println!("    {}  (customer, English)", demo::ENGLISH_CUSTOMER_EMAIL);
    println!("    {}  (supplier)", demo::SUPPLIER_EMAIL);
    println!("  then open the mailed link from the outbox: {public_url}{}", portal_dev_server::outbox::LIST_PATH);
    println!("  Shareable document links (no login needed): {public_url}{}", portal_dev_server::links_page::PATH);
    println!("  Stop with Ctrl-C.");
    tokio::select! {
        _ = portal_dev_server::serve(listener, state) => {}
        _ = tokio::signal::ctrl_c() => println!("Stopped."),
    }
    Ok(())
}
