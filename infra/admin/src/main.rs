//! `portal-admin create-staff-key --name NAME` | `portal-admin import FILE.json`.
//! Wiring only: configuration from the environment, work in the library.

const USAGE: &str = "usage: portal-admin create-staff-key --name NAME\n       portal-admin import FILE.json";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: &[String]) -> Result<(), String> {
    let command: Vec<&str> = args.iter().map(String::as_str).collect();
    match command.as_slice() {
        ["create-staff-key", "--name", name] => {
            let state = portal_runtime::from_env().await.map_err(|e| e.to_string())?;
            let token = portal_admin::create_staff_key(&state, name).await?;
            println!("{token}");
            eprintln!("Keep this token now: it is not shown again. Send it as `Authorization: Bearer <token>`.");
            Ok(())
        }
        ["import", path] => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let file = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
            let state = portal_runtime::from_env().await.map_err(|e| e.to_string())?;
            let report = portal_admin::import(&state, file).await?;
            println!("{} records written, {} refused", report.written, report.refused.len());
            for refusal in &report.refused {
                println!("refused: {refusal}");
            }
            if report.refused.is_empty() { Ok(()) } else { Err("some records were refused".into()) }
        }
        _ => Err(USAGE.into()),
    }
}
