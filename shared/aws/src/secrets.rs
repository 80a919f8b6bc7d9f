//! Secrets read once at cold start from SSM Parameter Store (SecureString), so
//! they live neither in the template nor in the repository.

use crate::describe;
use aws_config::SdkConfig;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
#[error("cannot read the secret parameters {names}: {cause}")]
pub struct SecretError {
    /// The parameters that could not be read, comma-separated.
    pub names: String,
    pub cause: String,
}

/// The decrypted values of the SSM parameters `names` (at most 10, SSM's
/// limit per call), by name. One `GetParameters` call whatever their number:
/// each call is a round trip every cold start waits for. Any parameter that
/// is missing or has no value is an error naming it.
pub async fn read_parameters(config: &SdkConfig, names: &[String]) -> Result<HashMap<String, String>, SecretError> {
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    let all = || names.join(", ");
    let output = aws_sdk_ssm::Client::new(config)
        .get_parameters()
        .set_names(Some(names.to_vec()))
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| SecretError { names: all(), cause: describe(&e) })?;
    let values: HashMap<String, String> =
        output.parameters().iter().filter_map(|p| Some((p.name()?.to_string(), p.value()?.to_string()))).collect();
    let missing: Vec<&str> = names.iter().map(String::as_str).filter(|name| !values.contains_key(*name)).collect();
    if !missing.is_empty() {
        return Err(SecretError { names: missing.join(", "), cause: "no such parameter, or it has no value".into() });
    }
    Ok(values)
}
