//! The embedded blob store: files under a folder, one per key.

use async_trait::async_trait;
use portal_domain::ports::{Blob, BlobError, BlobStore};
use std::path::PathBuf;

pub struct FsBlobStore {
    root: PathBuf,
}

impl FsBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FsBlobStore { root: root.into() }
    }

    /// Keys are `/`-separated segments of `[A-Za-z0-9._-]`, none `.` or `..`,
    /// so a key can never name a file outside the root.
    fn path_of(&self, key: &str) -> Result<PathBuf, BlobError> {
        let valid = !key.is_empty()
            && key.len() <= 512
            && key.split('/').all(|segment| {
                !segment.is_empty()
                    && segment != "."
                    && segment != ".."
                    && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            });
        if valid { Ok(self.root.join(key)) } else { Err(BlobError::InvalidKey(key.chars().take(80).collect())) }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blobs_round_trip_and_keys_cannot_escape_the_root() {
        let root = std::env::temp_dir().join(format!("portal-blobs-{}", std::process::id()));
        let store = FsBlobStore::new(&root);
        let blob = Blob { content_type: "application/pdf".into(), bytes: b"%PDF-1.7".to_vec() };
        store.put("pdf/d1/v3.pdf", &blob).await.unwrap();
        assert_eq!(store.get("pdf/d1/v3.pdf").await.unwrap(), Some(blob));
        assert_eq!(store.get("pdf/d1/v4.pdf").await.unwrap(), None);
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "", "a/b c"] {
            assert!(matches!(store.get(bad).await, Err(BlobError::InvalidKey(_))), "{bad}");
        }
        std::fs::remove_dir_all(root).ok();
    }
}
