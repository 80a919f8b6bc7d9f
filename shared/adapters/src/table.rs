//! The storage port shaped like one DynamoDB table: what every backend implements.

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// The primary key of an item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Key { pk: pk.into(), sk: sk.into() }
    }
}

/// An item's key in a secondary index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IndexKey {
    pub pk: String,
    pub sk: String,
}

impl IndexKey {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        IndexKey { pk: pk.into(), sk: sk.into() }
    }
}

/// One stored item. `data` is the entity (read by key); `summary` is what the
/// secondary indexes project, so list pages never read whole entities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub key: Key,
    pub gsi1: Option<IndexKey>,
    pub gsi2: Option<IndexKey>,
    /// Unix seconds after which the item is dead (DynamoDB TTL attribute).
    pub expires_at: Option<i64>,
    /// Optimistic-locking version, starting at 1.
    pub version: u64,
    pub data: String,
    pub summary: Option<String>,
}

impl Item {
    pub fn new(key: Key, data: String) -> Self {
        Item { key, gsi1: None, gsi2: None, expires_at: None, version: 1, data, summary: None }
    }

    pub fn index_key(&self, index: Index) -> Option<IndexKey> {
        match index {
            Index::Table => Some(IndexKey::new(self.key.pk.clone(), self.key.sk.clone())),
            Index::Gsi1 => self.gsi1.clone(),
            Index::Gsi2 => self.gsi2.clone(),
        }
    }

    /// The item as a secondary index returns it: keys, version and summary only.
    pub fn projected(&self, index: Index) -> Item {
        match index {
            Index::Table => self.clone(),
            Index::Gsi1 | Index::Gsi2 => Item { data: String::new(), ..self.clone() },
        }
    }
}

/// What must hold for a write to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    NotExists,
    Exists,
    VersionIs(u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Put {
        item: Item,
        condition: Condition,
    },
    Delete {
        key: Key,
        condition: Condition,
    },
    /// Asserts a condition on an item the transaction does not change.
    Check {
        key: Key,
        condition: Condition,
    },
}

impl Write {
    pub fn key(&self) -> &Key {
        match self {
            Write::Put { item, .. } => &item.key,
            Write::Delete { key, .. } | Write::Check { key, .. } => key,
        }
    }

    pub fn condition(&self) -> Condition {
        match self {
            Write::Put { condition, .. } | Write::Delete { condition, .. } | Write::Check { condition, .. } => {
                *condition
            }
        }
    }
}

/// The table itself or one of its two overloaded global secondary indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Index {
    Table,
    Gsi1,
    Gsi2,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortCondition {
    Any,
    BeginsWith(String),
    /// Sort key strictly below.
    Below(String),
    /// Sort key at or above.
    AtLeast(String),
}

impl SortCondition {
    pub fn matches(&self, sk: &str) -> bool {
        match self {
            SortCondition::Any => true,
            SortCondition::BeginsWith(prefix) => sk.starts_with(prefix.as_str()),
            SortCondition::Below(bound) => sk < bound.as_str(),
            SortCondition::AtLeast(bound) => sk >= bound.as_str(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub index: Index,
    pub pk: String,
    pub sort: SortCondition,
    pub descending: bool,
    /// At most this many items (1..=1000).
    pub limit: u32,
    pub cursor: Option<String>,
}

impl Query {
    pub fn new(index: Index, pk: impl Into<String>) -> Self {
        Query { index, pk: pk.into(), sort: SortCondition::Any, descending: false, limit: 100, cursor: None }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPage {
    pub items: Vec<Item>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// A condition did not hold; `failed` are the positions of the writes whose
    /// condition failed. Nothing was written.
    #[error("condition failed on write(s) {failed:?}")]
    ConditionFailed { failed: Vec<usize> },
    #[error("invalid page cursor")]
    InvalidCursor,
    #[error("table unavailable: {0}")]
    Unavailable(String),
    #[error("corrupt item: {0}")]
    Corrupt(String),
}

/// The position after which the next page starts. Backends encode their last
/// evaluated key as this, so cursors are opaque to callers and checked on use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub key: Key,
    pub index: Option<IndexKey>,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Decodes a cursor and checks that it belongs to `query`'s partition, so a
    /// crafted cursor can never move a query into another partition.
    pub fn decode_for(text: &str, query: &Query) -> Result<Cursor, TableError> {
        if text.len() > 2048 {
            return Err(TableError::InvalidCursor);
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| TableError::InvalidCursor)?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| TableError::InvalidCursor)?;
        let partition = match query.index {
            Index::Table => Some(cursor.key.pk.as_str()),
            Index::Gsi1 | Index::Gsi2 => cursor.index.as_ref().map(|k| k.pk.as_str()),
        };
        let position = match query.index {
            Index::Table => Some(cursor.key.sk.as_str()),
            Index::Gsi1 | Index::Gsi2 => cursor.index.as_ref().map(|k| k.sk.as_str()),
        };
        match (partition, position) {
            (Some(pk), Some(sk)) if pk == query.pk && query.sort.matches(sk) => Ok(cursor),
            _ => Err(TableError::InvalidCursor),
        }
    }
}

/// A single DynamoDB-style table.
#[async_trait]
pub trait Table: Send + Sync {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError>;

    /// Applies all writes or none; conditions are checked atomically with the writes.
    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError>;

    /// One conditional write.
    async fn write(&self, write: Write) -> Result<(), TableError> {
        self.transact(vec![write]).await
    }

    async fn query(&self, query: &Query) -> Result<QueryPage, TableError>;

    /// Atomically adds one to a counter item (creating it), returning the new count.
    async fn increment(&self, key: &Key, expires_at: i64) -> Result<u64, TableError>;
}
