//! Secrets read once at cold start from SSM Parameter Store (SecureString), so
//! they live neither in the template nor in the repository.

use crate::describe;
use aws_config::SdkConfig;

#[derive(Debug, thiserror::Error)]
#[error("cannot read the secret parameter {name}: {cause}")]
pub struct SecretError {
    pub name: String,
    pub cause: String,
}

/// The decrypted value of the SSM parameter `name`.
pub async fn read_parameter(config: &SdkConfig, name: &str) -> Result<String, SecretError> {
    let client = aws_sdk_ssm::Client::new(config);
    let output = client
        .get_parameter()
        .name(name)
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| SecretError { name: name.to_string(), cause: describe(&e) })?;
    output
        .parameter()
        .and_then(|p| p.value())
        .map(str::to_string)
        .ok_or_else(|| SecretError { name: name.to_string(), cause: "the parameter has no value".into() })
}
