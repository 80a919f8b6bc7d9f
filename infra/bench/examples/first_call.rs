//! Where a cold function's time goes, step by step in one fresh process: SDK
//! configuration, client construction, storage calls, the first and second
//! random token (aws-lc's generator starts on first use), the portal's state,
//! and a page served twice. Run against the emulator by `infra/bench/first-call.sh`.

use std::time::Instant;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Instant::now();
    let endpoint = std::env::var("PORTAL_BENCH_AWS_ENDPOINT").expect("PORTAL_BENCH_AWS_ENDPOINT");
    let table = std::env::var("PORTAL_TABLE").expect("PORTAL_TABLE");
    let lap = |what: &str, since: &mut Instant| {
        println!("{what:<28} {:>8.2} ms", since.elapsed().as_secs_f64() * 1000.0);
        *since = Instant::now();
    };
    let mut at = Instant::now();
    let _fixed = portal_aws::clients::emulator_config(&endpoint, "eu-west-1");
    lap("SDK configuration, fixed", &mut at);
    let sdk = portal_aws::clients::sdk_config_from_env(Some(&endpoint)).await;
    lap("SDK configuration, defaults", &mut at);
    let clients = portal_aws::AwsClients::new(&sdk, true);
    lap("three clients", &mut at);
    let key = |pk: &str| {
        [
            ("pk".to_string(), aws_sdk_dynamodb::types::AttributeValue::S(pk.into())),
            ("sk".to_string(), aws_sdk_dynamodb::types::AttributeValue::S("SETTINGS".into())),
        ]
        .into_iter()
        .collect()
    };
    for n in 1..=3 {
        let result = clients.dynamo.get_item().table_name(&table).set_key(Some(key("BUSINESS"))).send().await;
        lap(&format!("GetItem {n} ({})", if result.is_ok() { "ok" } else { "error" }), &mut at);
    }
    let _ = portal_web::tokens::random_token();
    lap("first random token", &mut at);
    let _ = portal_web::tokens::random_token();
    lap("second random token", &mut at);
    let state = portal_runtime::from_env().await.expect("configuration");
    lap("AppState::from_env", &mut at);
    let mounts = portal_dev_server::mounts();
    for path in ["/login", "/login", "/staff/login", "/staff/login"] {
        let request = portal_bench::get(path, &[], &[]);
        let handler = mounts.iter().find(|(route, _)| route.serves(request.method(), path).is_some()).unwrap().1;
        let status = handler(&state, request).await.status();
        lap(&format!("GET {path} ({status})"), &mut at);
    }
    println!("{:<28} {:>8.2} ms", "total", started.elapsed().as_secs_f64() * 1000.0);
}
