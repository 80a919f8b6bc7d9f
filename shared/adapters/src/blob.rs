//! The embedded blob store: files under a folder, one per key, and presigned
//! URLs served by the local server (`/dev/blobs/...`) with an HMAC signature
//! and an expiry, like S3's.

use async_trait::async_trait;
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portal_domain::ports::{Blob, BlobError, BlobStore, Disposition, check_blob_key};
use std::path::PathBuf;
use std::time::Duration;
use time::OffsetDateTime;

/// The path prefix under which the local server serves presigned blobs.
pub const PRESIGNED_PREFIX: &str = "/dev/blobs/";

pub struct FsBlobStore {
    root: PathBuf,
    /// Origin of the server that serves presigned URLs (the local server).
    base_url: String,
    signing_key: hmac::Key,
}

/// `attachment; filename="..."; filename*=UTF-8''...` — a plain-ASCII fallback
/// for old clients and the exact UTF-8 name for the rest (RFC 6266).
pub fn content_disposition(file_name: &str, disposition: Disposition) -> String {
    let kind = match disposition {
        Disposition::Attachment => "attachment",
        Disposition::Inline => "inline",
    };
    let fallback: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || " ._-()".contains(c) { c } else { '_' }).collect();
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}", percent_encode(file_name))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl FsBlobStore {
    pub fn new(root: impl Into<PathBuf>, base_url: &str, secret: &[u8]) -> Self {
        FsBlobStore {
            root: root.into(),
            base_url: base_url.trim_end_matches('/').to_string(),
            signing_key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        }
    }

    fn path_of(&self, key: &str) -> Result<PathBuf, BlobError> {
        check_blob_key(key)?;
        Ok(self.root.join(key))
    }

    fn message(key: &str, expires: i64, disposition: &str) -> String {
        format!("{key}\n{expires}\n{disposition}")
    }

    /// Serves a presigned request: the blob and its Content-Disposition, if the
    /// signature matches and the URL has not expired at `now`; `None` otherwise.
    pub async fn open_presigned(
        &self,
        key: &str,
        expires: i64,
        disposition: &str,
        signature: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Blob>, BlobError> {
        let Ok(mac) = URL_SAFE_NO_PAD.decode(signature) else { return Ok(None) };
        let message = Self::message(key, expires, disposition);
        if hmac::verify(&self.signing_key, message.as_bytes(), &mac).is_err() || now.unix_timestamp() >= expires {
            return Ok(None);
        }
        self.get(key).await
    }
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn put(&self, key: &str, blob: &Blob) -> Result<(), BlobError> {
        let path = self.path_of(key)?;
        let unavailable = |e: std::io::Error| BlobError::Unavailable(format!("{}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(unavailable)?;
        }
        let meta = serde_json::json!({ "content_type": blob.content_type }).to_string();
        tokio::fs::write(path.with_extension("meta"), meta).await.map_err(unavailable)?;
        tokio::fs::write(&path, &blob.bytes).await.map_err(unavailable)
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        let path = self.path_of(key)?;
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(BlobError::Unavailable(format!("{}: {e}", path.display()))),
        };
        let content_type = tokio::fs::read_to_string(path.with_extension("meta"))
            .await
            .ok()
            .and_then(|meta| serde_json::from_str::<serde_json::Value>(&meta).ok())
            .and_then(|v| v["content_type"].as_str().map(str::to_string))
            .unwrap_or_else(|| "application/octet-stream".to_string());
        Ok(Some(Blob { content_type, bytes }))
    }

    async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        let path = self.path_of(key)?;
        tokio::fs::try_exists(&path).await.map_err(|e| BlobError::Unavailable(format!("{}: {e}", path.display())))
    }

    async fn presigned_get(
        &self,
        key: &str,
        file_name: &str,
        disposition: Disposition,
        expires_in: Duration,
    ) -> Result<String, BlobError> {
        check_blob_key(key)?;
        let expires = OffsetDateTime::now_utc().unix_timestamp() + expires_in.as_secs() as i64;
        let disposition = content_disposition(file_name, disposition);
        let signature = hmac::sign(&self.signing_key, Self::message(key, expires, &disposition).as_bytes());
        Ok(format!(
            "{}{PRESIGNED_PREFIX}{key}?expires={expires}&disposition={}&signature={}",
            self.base_url,
            percent_encode(&disposition),
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blobs_round_trip_and_keys_cannot_escape_the_root() {
        let root = tempfile::tempdir().expect("temp dir");
        let store = FsBlobStore::new(root.path(), "http://127.0.0.1:1", b"k");
        let blob = Blob { content_type: "application/pdf".into(), bytes: b"%PDF-1.7".to_vec() };
        store.put("pdf/d1/v3.pdf", &blob).await.unwrap();
        assert_eq!(store.get("pdf/d1/v3.pdf").await.unwrap(), Some(blob));
        assert_eq!(store.get("pdf/d1/v4.pdf").await.unwrap(), None);
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "", "a/b c"] {
            assert!(matches!(store.get(bad).await, Err(BlobError::InvalidKey(_))), "{bad}");
        }
    }

    #[test]
    fn dispositions_carry_ascii_and_utf8_names() {
        assert_eq!(
            content_disposition("Factura F2026-0001 Ñandú.pdf", Disposition::Attachment),
            "attachment; filename=\"Factura F2026-0001 _and_.pdf\"; filename*=UTF-8''Factura%20F2026-0001%20%C3%91and%C3%BA.pdf"
        );
        assert_eq!(
            content_disposition("a\"b.pdf", Disposition::Inline),
            "inline; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf"
        );
    }
}
