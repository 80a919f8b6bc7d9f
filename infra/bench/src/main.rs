//! `portal-bench`: warm latency and storage calls of every page and action, and
//! the scale curve (10 / 1,000 / 10,000 documents). Prints Markdown tables.
//!
//! Backends: embedded (default) or, with `PORTAL_BENCH_AWS_ENDPOINT`, the AWS
//! backends on that endpoint (the emulator). Knobs: `ITERATIONS` (default 500),
//! `WARMUP` (50), `SCALE` (comma-separated document counts, default 10,1000,10000).
//! Run it through `infra/bench/pages.sh`, which builds it in release mode.

use portal_bench::{Bench, BenchBackends, Sample, get, ms, post_form};
use portal_dev_server::demo;
use portal_web::routes::url;

const INVOICE: &str = "d-f2026-0125";
const QUOTE: &str = "d-p2026-0040";
const STAFF_EMAIL: &str = "oficina@ebro-instalaciones.es";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn print_table(title: &str, samples: &[Sample]) {
    println!("\n### {title}\n");
    println!("| request | status | p50 ms | p99 ms | max ms | storage calls |");
    println!("|---|---|---:|---:|---:|---:|");
    for s in samples {
        println!("| {} | {} | {} | {} | {} | {} |", s.name, s.statuses(), ms(s.p50), ms(s.p99), ms(s.max), s.calls());
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let backends = match std::env::var("PORTAL_BENCH_AWS_ENDPOINT") {
        Ok(endpoint) => BenchBackends::Aws { endpoint },
        Err(_) => BenchBackends::Embedded,
    };
    let iterations = env_number("ITERATIONS", 500);
    let warmup = env_number("WARMUP", 50);
    let scale: Vec<usize> = std::env::var("SCALE")
        .unwrap_or_else(|_| "10,1000,10000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();

    let bench = Bench::start(&backends).await?;
    // `portal-bench session-cookie CONTACT`: a session cookie for a local server
    // sharing this process's PORTAL_SECRET_KEY (the throughput script's login).
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [command, contact] = args.as_slice()
        && command == "session-cookie"
    {
        println!("{}", bench.contact_cookie(contact));
        return Ok(());
    }
    // `portal-bench provision` (AWS backends): the tables, bucket and sender now
    // provisioned and seeded, as the variables a function reads.
    if args.first().is_some_and(|command| command == "provision") {
        if let portal_web::config::Backends::Aws(settings) = &bench.state.config.backends {
            println!("PORTAL_TABLE={}", settings.table);
            println!("PORTAL_BUCKET={}", settings.bucket);
            println!("PORTAL_MAIL_FROM={}", settings.mail_from);
            return Ok(());
        }
        return Err("provision needs PORTAL_BENCH_AWS_ENDPOINT".into());
    }
    println!("backends: {backends:?}; {iterations} timed requests per row after {warmup} untimed");
    let ana = bench.contact_cookie(demo::CUSTOMER_ID);
    let staff = bench.staff_cookie(STAFF_EMAIL);
    let api_key = portal_admin::create_staff_key(&bench.state, "bench").await?;
    let bearer = format!("Bearer {api_key}");
    let invoice = portal_domain::DocumentId::parse(INVOICE).map_err(|e| e.to_string())?;
    let invoice_doc = bench.state.store.document(&invoice).await.map_err(|e| e.to_string())?.ok_or("no invoice")?;
    let link = url::document_link(&bench.state.keys.document_link_token(&invoice, &invoice_doc.access_link.nonce));

    let mut pages = Vec::new();
    let page = |path: &'static str, cookie: &str| {
        let cookie = cookie.to_string();
        move |_| get(path, &[&cookie], &[])
    };
    pages.push(bench.measure("GET /login", warmup, iterations, |_| get("/login", &[], &[])).await);
    pages.push(bench.measure("GET / (dashboard)", warmup, iterations, page("/", &ana)).await);
    pages.push(bench.measure("GET /documents/invoices", warmup, iterations, page("/documents/invoices", &ana)).await);
    let view = format!("/documents/invoices/{INVOICE}");
    pages.push(bench.measure("GET invoice view", warmup, iterations, |_| get(&view, &[&ana], &[])).await);
    let quote = format!("/documents/quotes/{QUOTE}");
    pages.push(bench.measure("GET quote view", warmup, iterations, |_| get(&quote, &[&ana], &[])).await);
    let pdf = format!("/documents/invoices/{INVOICE}/pdf");
    pages.push(
        bench
            .measure("GET invoice PDF (rendered once, then cached)", warmup, iterations, |_| get(&pdf, &[&ana], &[]))
            .await,
    );
    pages.push(bench.measure("GET /links/{token} (document link)", warmup, iterations, |_| get(&link, &[], &[])).await);
    pages.push(bench.measure("GET /catalog", warmup, iterations, page("/catalog", &ana)).await);
    pages.push(bench.measure("GET /cart", warmup, iterations, page("/cart", &ana)).await);
    pages.push(bench.measure("GET /staff (staff home)", warmup, iterations, page("/staff", &staff)).await);
    let staff_doc = format!("/staff/documents/{INVOICE}");
    pages.push(bench.measure("GET staff document view", warmup, iterations, |_| get(&staff_doc, &[&staff], &[])).await);
    let api_doc = format!("/api/v1/documents/{INVOICE}");
    pages.push(
        bench
            .measure("GET /api/v1/documents/{id}", warmup, iterations, |_| {
                get(&api_doc, &[], &[("authorization", &bearer)])
            })
            .await,
    );
    print_table("Pages (warm, in process)", &pages);

    let mut actions = Vec::new();
    actions.push(
        bench
            .measure("POST /login (unknown addresses)", warmup, iterations, |i| {
                let (cookie, token) = bench.csrf_pair();
                let email = format!("bench{i}@example.es");
                let ip = format!("10.{}.{}.{}", i / 65_536 % 256, i / 256 % 256, i % 256);
                post_form("/login", &[&cookie], &[("csrf", &token), ("email", &email)], &ip)
            })
            .await,
    );
    actions.push(
        bench
            .measure("POST /cart/items (add to cart)", warmup, iterations, |_| {
                let (cookie, token) = bench.csrf_pair();
                post_form(
                    "/cart/items",
                    &[&cookie, &ana],
                    &[("csrf", &token), ("product", "led-panel"), ("quantity", "1")],
                    "127.0.0.1",
                )
            })
            .await,
    );
    let quotes = bench.seed_open_quotes(demo::CUSTOMER_ID, warmup + iterations).await?;
    actions.push(
        bench
            .measure("POST comment on a document", warmup, iterations, |i| {
                let (cookie, token) = bench.csrf_pair();
                let path = format!("/documents/quotes/{}/comments", quotes[i]);
                post_form(
                    &path,
                    &[&cookie, &ana],
                    &[("csrf", &token), ("body", "¿Podéis confirmar el plazo?")],
                    "127.0.0.1",
                )
            })
            .await,
    );
    actions.push(
        bench
            .measure("POST accept a quote", warmup, iterations, |i| {
                let (cookie, token) = bench.csrf_pair();
                let path = format!("/documents/quotes/{}/accept", quotes[i]);
                post_form(
                    &path,
                    &[&cookie, &ana],
                    &[("csrf", &token), ("signer", "Ana López"), ("version", "1")],
                    "127.0.0.1",
                )
            })
            .await,
    );
    print_table("Actions (warm, in process; the notification consumer's work is not included)", &actions);

    println!("\n### Scale curve (one contact with N invoices)\n");
    println!(
        "| documents | dashboard p50 / p99 ms | calls | invoice list p50 / p99 ms | calls | invoice view p50 / p99 ms | calls |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for count in scale {
        let contact = format!("c-scale-{count}");
        let ids = bench.seed_contact_with_invoices(&contact, count).await?;
        let cookie = bench.contact_cookie(&contact);
        let newest = format!("/documents/invoices/{}", ids.last().ok_or("no documents")?);
        let dashboard = bench.measure("dashboard", warmup, iterations, |_| get("/", &[&cookie], &[])).await;
        let list = bench.measure("list", warmup, iterations, |_| get("/documents/invoices", &[&cookie], &[])).await;
        let view = bench.measure("view", warmup, iterations, |_| get(&newest, &[&cookie], &[])).await;
        println!(
            "| {count} | {} / {} | {} | {} / {} | {} | {} / {} | {} |",
            ms(dashboard.p50),
            ms(dashboard.p99),
            dashboard.calls(),
            ms(list.p50),
            ms(list.p99),
            list.calls(),
            ms(view.p50),
            ms(view.p99),
            view.calls()
        );
    }
    Ok(())
}
