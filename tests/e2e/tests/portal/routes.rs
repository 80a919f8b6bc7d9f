//! `template.yaml`, the route table and the local server agree on every route.

use portal_web::routes::every_route;
use std::collections::BTreeSet;
use std::path::Path;

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().and_then(Path::parent).expect("workspace root")
}

/// (function, METHOD, path) for every HttpApi event of every function in the template.
fn template_routes() -> BTreeSet<(String, String, String)> {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).expect("template.yaml");
    let template: serde_norway::Value = serde_norway::from_str(&text).expect("template parses");
    let mut routes = BTreeSet::new();
    let resources = template["Resources"].as_mapping().expect("Resources");
    for (_, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let Some(binary) = resource["Metadata"]["BuildProperties"]["Binary"].as_str() else { continue };
        let Some(events) = resource["Properties"]["Events"].as_mapping() else { continue };
        for (_, event) in events {
            if event["Type"].as_str() == Some("HttpApi") {
                let properties = &event["Properties"];
                routes.insert((
                    binary.to_string(),
                    properties["Method"].as_str().expect("Method").to_uppercase(),
                    properties["Path"].as_str().expect("Path").to_string(),
                ));
            }
        }
    }
    routes
}

#[test]
fn every_template_route_is_mounted_by_the_local_server_and_vice_versa() {
    let mounted: BTreeSet<(String, String, String)> = portal_dev_server::mounts()
        .iter()
        .map(|(route, _)| (route.function.to_string(), route.method.to_string(), route.path.to_string()))
        .collect();
    assert_eq!(template_routes(), mounted);
    let declared: BTreeSet<_> =
        every_route().map(|r| (r.function.to_string(), r.method.to_string(), r.path.to_string())).collect();
    assert_eq!(declared, mounted, "the local server mounts exactly the route table");
}

#[test]
fn every_function_crate_has_a_template_entry() {
    let functions: BTreeSet<String> = std::fs::read_dir(workspace_root().join("functions"))
        .expect("functions/")
        .filter_map(|entry| {
            let manifest = std::fs::read_to_string(entry.ok()?.path().join("Cargo.toml")).ok()?;
            let name = manifest.lines().find_map(|l| l.strip_prefix("name = "))?;
            Some(name.trim_matches('"').to_string())
        })
        .collect();
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).expect("template.yaml");
    let template: serde_norway::Value = serde_norway::from_str(&text).expect("template parses");
    let in_template: BTreeSet<String> = template["Resources"]
        .as_mapping()
        .expect("Resources")
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .filter_map(|r| r["Metadata"]["BuildProperties"]["Binary"].as_str().map(str::to_string))
        .collect();
    assert_eq!(functions, in_template);
}

#[tokio::test]
async fn unmounted_paths_and_methods_are_404_pages() {
    let app = portal_e2e::TestApp::spawn().await;
    let browser = app.browser();
    for path in ["/nope", "/documents", "/documents/invoices/x/y", "/links/", "/dev/outbox/m99999999"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 404, "{path}");
    }
    let page = browser.post("/", &[]).await;
    assert_eq!(page.status, 404);
}
