//! AWS implementations of the portal's ports, on the official SDK crates:
//! [`dynamo::DynamoTable`] (the single table), [`s3::S3Blobs`] (private
//! bucket, presigned GETs) and [`ses::SesMailer`] (raw MIME through SES).
//!
//! Clients are built once per cold start ([`clients::AwsClients`]) with short
//! timeouts, so an unreachable or slow endpoint is a clear error, not a hang.

pub mod clients;
pub mod dynamo;
pub mod provision;
pub mod s3;
pub mod secrets;
pub mod ses;

pub use clients::AwsClients;
pub use dynamo::DynamoTable;
pub use s3::S3Blobs;
pub use ses::SesMailer;

/// The full chain of an SDK error ("dispatch failure: connection refused ..."),
/// for logs and `Unavailable` messages.
pub fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    aws_smithy_types::error::display::DisplayErrorContext(error).to_string()
}
