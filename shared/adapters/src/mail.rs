//! The embedded mailer: every message lands as a JSON file in an outbox folder
//! that the local server shows at a dev-only page.

use async_trait::async_trait;
use portal_domain::ports::{MailError, Mailer, OutgoingMail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use time::OffsetDateTime;

/// A message as kept in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMail {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    pub to: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// File names of the attachments (their bytes are kept beside the message).
    #[serde(default)]
    pub attachments: Vec<String>,
}

pub struct OutboxMailer {
    folder: PathBuf,
    sequence: AtomicU64,
}

impl OutboxMailer {
    pub fn new(folder: impl Into<PathBuf>) -> std::io::Result<Self> {
        let folder = folder.into();
        std::fs::create_dir_all(&folder)?;
        let existing = std::fs::read_dir(&folder)?.count() as u64;
        Ok(OutboxMailer { folder, sequence: AtomicU64::new(existing) })
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Every message in the outbox, newest first.
    pub fn messages(&self) -> std::io::Result<Vec<StoredMail>> {
        read_outbox(&self.folder)
    }
}

/// Reads an outbox folder, newest first (file names sort by sequence).
pub fn read_outbox(folder: &Path) -> std::io::Result<Vec<StoredMail>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    names.reverse();
    let mut messages = Vec::with_capacity(names.len());
    for path in names {
        let text = std::fs::read_to_string(&path)?;
        if let Ok(mail) = serde_json::from_str(&text) {
            messages.push(mail);
        }
    }
    Ok(messages)
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let number = self.sequence.fetch_add(1, Ordering::SeqCst) + 1;
        let stored = StoredMail {
            id: format!("m{number:08}"),
            sent_at: OffsetDateTime::now_utc(),
            to: mail.to.to_string(),
            reply_to: mail.reply_to.as_ref().map(ToString::to_string),
            subject: mail.subject.clone(),
            text: mail.text.clone(),
            html: mail.html.clone(),
            attachments: mail.attachments.iter().map(|a| a.file_name.clone()).collect(),
        };
        for (index, attachment) in mail.attachments.iter().enumerate() {
            let path = self.folder.join(format!("{}.{index}.attachment", stored.id));
            tokio::fs::write(&path, &attachment.bytes)
                .await
                .map_err(|e| MailError(format!("{}: {e}", path.display())))?;
        }
        let json = serde_json::to_vec_pretty(&stored).map_err(|e| MailError(e.to_string()))?;
        let path = self.folder.join(format!("{}.json", stored.id));
        tokio::fs::write(&path, json).await.map_err(|e| MailError(format!("{}: {e}", path.display())))
    }
}
