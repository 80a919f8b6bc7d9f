//! The embedded twin of the DynamoDB table: in memory, persisted to an
//! append-only log so a restarted local server keeps its data.
//!
//! Conditions are checked and writes applied under one lock, so conditional
//! writes and transactions have the same all-or-nothing semantics as DynamoDB.

use crate::table::{Condition, Cursor, Index, IndexKey, Item, Key, Query, QueryPage, Table, TableError, Write};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write as _};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

type IndexEntry = (String, String, Key);

#[derive(Default)]
struct State {
    items: BTreeMap<Key, Item>,
    table: BTreeSet<IndexEntry>,
    gsi1: BTreeSet<IndexEntry>,
    gsi2: BTreeSet<IndexEntry>,
    log: Option<File>,
}

/// One logged change; a transaction is one log line, so replay is atomic too.
#[derive(Serialize, Deserialize)]
enum Change {
    Put(Item),
    Delete(Key),
}

pub struct FileTable {
    state: Mutex<State>,
    path: Option<PathBuf>,
}

impl FileTable {
    /// A table that lives only in memory (tests).
    pub fn in_memory() -> Self {
        FileTable { state: Mutex::new(State::default()), path: None }
    }

    /// Opens (or creates) the table logged at `path`, replaying and compacting
    /// the log and dropping items whose TTL passed before `now_unix`.
    pub fn open(path: &Path, now_unix: i64) -> Result<Self, TableError> {
        let unavailable = |e: std::io::Error| TableError::Unavailable(format!("{}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(unavailable)?;
        }
        let mut state = State::default();
        if path.exists() {
            let reader = BufReader::new(File::open(path).map_err(unavailable)?);
            // Lines are read as bytes: a crash can cut the last line inside a
            // multi-byte character, which must not make the whole log unreadable.
            for line in reader.split(b'\n') {
                let line = line.map_err(unavailable)?;
                // A torn last line (crash mid-write) is a transaction that never committed.
                let Ok(changes) = serde_json::from_slice::<Vec<Change>>(&line) else { break };
                for change in changes {
                    state.apply(change);
                }
            }
        }
        let expired: Vec<Key> = state
            .items
            .values()
            .filter(|item| item.expires_at.is_some_and(|at| at < now_unix))
            .map(|item| item.key.clone())
            .collect();
        for key in expired {
            state.apply(Change::Delete(key));
        }
        // Compact: rewrite the log as one put per live item, then swap it in.
        let compacted = path.with_extension("compacting");
        {
            let mut out = File::create(&compacted).map_err(unavailable)?;
            for item in state.items.values() {
                let line = serde_json::to_string(&[Change::Put(item.clone())])
                    .map_err(|e| TableError::Corrupt(e.to_string()))?;
                writeln!(out, "{line}").map_err(unavailable)?;
            }
            out.sync_all().map_err(unavailable)?;
        }
        std::fs::rename(&compacted, path).map_err(unavailable)?;
        state.log = Some(OpenOptions::new().append(true).open(path).map_err(unavailable)?);
        Ok(FileTable { state: Mutex::new(state), path: Some(path.to_path_buf()) })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>, TableError> {
        self.state.lock().map_err(|_| TableError::Unavailable("table lock poisoned".into()))
    }
}

impl State {
    fn index_mut(&mut self, index: Index) -> &mut BTreeSet<IndexEntry> {
        match index {
            Index::Table => &mut self.table,
            Index::Gsi1 => &mut self.gsi1,
            Index::Gsi2 => &mut self.gsi2,
        }
    }

    fn index(&self, index: Index) -> &BTreeSet<IndexEntry> {
        match index {
            Index::Table => &self.table,
            Index::Gsi1 => &self.gsi1,
            Index::Gsi2 => &self.gsi2,
        }
    }

    fn unindex(&mut self, item: &Item) {
        for index in [Index::Table, Index::Gsi1, Index::Gsi2] {
            if let Some(k) = item.index_key(index) {
                self.index_mut(index).remove(&(k.pk, k.sk, item.key.clone()));
            }
        }
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::Put(item) => {
                if let Some(old) = self.items.remove(&item.key) {
                    self.unindex(&old);
                }
                for index in [Index::Table, Index::Gsi1, Index::Gsi2] {
                    if let Some(k) = item.index_key(index) {
                        self.index_mut(index).insert((k.pk, k.sk, item.key.clone()));
                    }
                }
                self.items.insert(item.key.clone(), item);
            }
            Change::Delete(key) => {
                if let Some(old) = self.items.remove(&key) {
                    self.unindex(&old);
                }
            }
        }
    }

    fn holds(&self, key: &Key, condition: Condition) -> bool {
        let current = self.items.get(key);
        match condition {
            Condition::Always => true,
            Condition::NotExists => current.is_none(),
            Condition::Exists => current.is_some(),
            Condition::VersionIs(version) => current.is_some_and(|item| item.version == version),
        }
    }

    fn commit(&mut self, changes: Vec<Change>) -> Result<(), TableError> {
        if let Some(log) = self.log.as_mut() {
            let line = serde_json::to_string(&changes).map_err(|e| TableError::Corrupt(e.to_string()))?;
            writeln!(log, "{line}").map_err(|e| TableError::Unavailable(format!("table log: {e}")))?;
        }
        for change in changes {
            self.apply(change);
        }
        Ok(())
    }
}

/// The index range holding exactly partition `pk`: every entry `(pk, sk, key)`
/// sorts at or above `(pk, "", _)` and below `(pk + "\0", "", _)`, and no other
/// partition key falls between the two.
fn partition_bounds(pk: &str) -> (Bound<IndexEntry>, Bound<IndexEntry>) {
    let lower = (pk.to_string(), String::new(), Key::default());
    let upper = (format!("{pk}\u{0}"), String::new(), Key::default());
    (Bound::Included(lower), Bound::Excluded(upper))
}

#[async_trait]
impl Table for FileTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        Ok(self.lock()?.items.get(key).cloned())
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        let mut state = self.lock()?;
        let mut seen = BTreeSet::new();
        for write in &writes {
            if !seen.insert(write.key().clone()) {
                return Err(TableError::Unavailable("a transaction may touch each item once".into()));
            }
        }
        let failed: Vec<usize> =
            writes.iter().enumerate().filter(|(_, w)| !state.holds(w.key(), w.condition())).map(|(i, _)| i).collect();
        if !failed.is_empty() {
            return Err(TableError::ConditionFailed { failed });
        }
        let changes = writes
            .into_iter()
            .filter_map(|w| match w {
                Write::Put { item, .. } => Some(Change::Put(item)),
                Write::Delete { key, .. } => Some(Change::Delete(key)),
                Write::Check { .. } => None,
            })
            .collect();
        state.commit(changes)
    }

    async fn query(&self, query: &Query) -> Result<QueryPage, TableError> {
        let limit = query.limit.clamp(1, 1000) as usize;
        let cursor = query.cursor.as_deref().map(|c| Cursor::decode_for(c, query)).transpose()?;
        let state = self.lock()?;
        let (mut lower, mut upper) = partition_bounds(&query.pk);
        if let Some(cursor) = &cursor {
            let position = match query.index {
                Index::Table => IndexKey::new(cursor.key.pk.clone(), cursor.key.sk.clone()),
                _ => cursor.index.clone().ok_or(TableError::InvalidCursor)?,
            };
            let after = (position.pk, position.sk, cursor.key.clone());
            if query.descending {
                upper = Bound::Excluded(after);
            } else {
                lower = Bound::Excluded(after);
            }
        }
        let range = state.index(query.index).range((lower, upper));
        let matching = |entry: &&IndexEntry| query.sort.matches(&entry.1);
        let entries: Vec<&IndexEntry> = if query.descending {
            range.rev().filter(matching).take(limit + 1).collect()
        } else {
            range.filter(matching).take(limit + 1).collect()
        };
        let has_more = entries.len() > limit;
        let mut items = Vec::with_capacity(limit.min(entries.len()));
        for (_, _, key) in entries.into_iter().take(limit) {
            let item =
                state.items.get(key).ok_or_else(|| TableError::Corrupt("index points at a missing item".into()))?;
            items.push(item.projected(query.index));
        }
        let next = if has_more {
            items.last().map(|last| {
                Cursor {
                    key: last.key.clone(),
                    index: last.index_key(query.index).filter(|_| query.index != Index::Table),
                }
                .encode()
            })
        } else {
            None
        };
        Ok(QueryPage { items, next })
    }

    async fn increment(&self, key: &Key, expires_at: i64) -> Result<u64, TableError> {
        let mut state = self.lock()?;
        let count = state.items.get(key).map_or(0, |item| item.version) + 1;
        let mut item = Item::new(key.clone(), count.to_string());
        item.version = count;
        item.expires_at = Some(expires_at);
        state.commit(vec![Change::Put(item)])?;
        Ok(count)
    }
}
