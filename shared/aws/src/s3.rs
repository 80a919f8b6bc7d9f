//! Blobs in a private S3 bucket, served through short-lived presigned GETs.

use crate::describe;
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use portal_adapters::blob::content_disposition;
use portal_domain::ports::{Blob, BlobError, BlobStore, Disposition, check_blob_key};
use std::time::Duration;

/// S3 refuses presigned URLs valid for longer than a week.
const MAX_PRESIGN: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Clone, Debug)]
pub struct S3Blobs {
    client: Client,
    bucket: String,
}

impl S3Blobs {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        S3Blobs { client, bucket: bucket.into() }
    }
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn put(&self, key: &str, blob: &Blob) -> Result<(), BlobError> {
        check_blob_key(key)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(&blob.content_type)
            .body(ByteStream::from(blob.bytes.clone()))
            .send()
            .await
            .map_err(|e| BlobError::Unavailable(format!("S3 PutObject failed: {}", describe(&e))))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        check_blob_key(key)?;
        let output = match self.client.get_object().bucket(&self.bucket).key(key).send().await {
            Ok(output) => output,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(BlobError::Unavailable(format!("S3 GetObject failed: {}", describe(&e)))),
        };
        let content_type = output.content_type().unwrap_or("application/octet-stream").to_string();
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|e| BlobError::Unavailable(format!("S3 GetObject body: {e}")))?
            .into_bytes()
            .to_vec();
        Ok(Some(Blob { content_type, bytes }))
    }

    async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        check_blob_key(key)?;
        match self.client.head_object().bucket(&self.bucket).key(key).send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(false),
            // Without s3:ListBucket, S3 answers a missing key with 403, not
            // 404. The deployed functions hold it, so a 403 is a permission or
            // configuration fault: reporting it as "missing" would hide it.
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 403) => {
                Err(BlobError::Unavailable(format!(
                    "S3 HeadObject answered 403 Forbidden for {key} in bucket {}: the function needs s3:GetObject \
                     on the key and s3:ListBucket on the bucket to tell a missing object from a forbidden one ({})",
                    self.bucket,
                    describe(&e)
                )))
            }
            Err(e) => Err(BlobError::Unavailable(format!("S3 HeadObject failed: {}", describe(&e)))),
        }
    }

    async fn presigned_get(
        &self,
        key: &str,
        file_name: &str,
        disposition: Disposition,
        expires_in: Duration,
    ) -> Result<String, BlobError> {
        check_blob_key(key)?;
        let config = PresigningConfig::expires_in(expires_in.min(MAX_PRESIGN))
            .map_err(|e| BlobError::Unavailable(format!("presigning config: {e}")))?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(content_disposition(file_name, disposition))
            .presigned(config)
            .await
            .map_err(|e| BlobError::Unavailable(format!("S3 presign failed: {}", describe(&e))))?;
        Ok(request.uri().to_string())
    }
}
