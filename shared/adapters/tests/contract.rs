//! The table contract against the embedded twin, in memory and on disk, and
//! the twin's own persistence: replay, TTL on open, torn last lines.

use portal_adapters::contract::table_contract;
use portal_adapters::file_table::FileTable;
use portal_adapters::table::{Condition, Index, IndexKey, Item, Key, Query, Table, TableError, Write};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(tempfile::TempDir);

impl TempDir {
    fn new(name: &str) -> Self {
        TempDir(tempfile::Builder::new().prefix(&format!("portal-adapters-{name}-")).tempdir().expect("temp dir"))
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

const NOW: i64 = 1_800_000_000;

fn open(path: &Path, now: i64) -> Arc<dyn Table> {
    Arc::new(FileTable::open(path, now).expect("open file table"))
}

fn item(pk: &str, sk: &str, data: &str) -> Item {
    Item::new(Key::new(pk, sk), data.to_string())
}

fn put(item: Item, condition: Condition) -> Write {
    Write::Put { item, condition }
}

/// Every item of the given partitions, read through a table query, so the
/// rebuilt index is checked along with the items.
async fn contents(table: &Arc<dyn Table>, partitions: &[&str]) -> Vec<Item> {
    let mut all = Vec::new();
    for pk in partitions {
        let mut q = Query::new(Index::Table, *pk);
        q.limit = 1000;
        let page = table.query(&q).await.expect("query");
        assert_eq!(page.next, None, "test partitions fit in one page");
        all.extend(page.items);
    }
    all
}

#[tokio::test(flavor = "multi_thread")]
async fn contract_in_memory() {
    table_contract(Arc::new(FileTable::in_memory()), "mem").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn contract_runs_repeatedly_on_one_shared_table() {
    let table: Arc<dyn Table> = Arc::new(FileTable::in_memory());
    table_contract(table.clone(), "run-1").await;
    table_contract(table.clone(), "run-2").await;
    // A namespace that is a prefix of another must not see the other's items.
    table_contract(table.clone(), "run").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn contract_on_a_file_and_again_after_reopening() {
    let dir = TempDir::new("contract");
    let path = dir.file("table.log");
    table_contract(open(&path, NOW), "file-1").await;
    // Reopening replays everything the first run wrote; the table stays usable.
    let reopened = open(&path, NOW);
    assert_eq!(
        reopened.increment(&Key::new("file-1#COUNT", "RACE"), NOW).await,
        Ok(22),
        "the first run's counter survived the restart"
    );
    table_contract(reopened, "file-2").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn data_survives_reopening() {
    let dir = TempDir::new("persist");
    let path = dir.file("nested/table.log");
    let expected = {
        let table = open(&path, NOW);
        let mut rich = item("P", "rich", "«datos» ñ €\n\"quoted\"");
        rich.gsi1 = Some(IndexKey::new("P-G1", "2026-01-01#rich"));
        rich.gsi2 = Some(IndexKey::new("P-G2", "OPEN#rich"));
        rich.expires_at = Some(NOW + 3600);
        rich.version = 4;
        rich.summary = Some("summary".into());
        table.write(put(rich.clone(), Condition::NotExists)).await.unwrap();
        table.write(put(item("P", "gone", "deleted later"), Condition::NotExists)).await.unwrap();
        table.write(put(item("P", "updated", "v1"), Condition::NotExists)).await.unwrap();
        let mut updated = item("P", "updated", "v2");
        updated.version = 2;
        table
            .transact(vec![
                put(updated.clone(), Condition::VersionIs(1)),
                put(item("P", "tx-a", "a"), Condition::NotExists),
                put(item("Q", "tx-b", "b"), Condition::NotExists),
                Write::Check { key: rich.key.clone(), condition: Condition::Exists },
            ])
            .await
            .unwrap();
        table.write(Write::Delete { key: Key::new("P", "gone"), condition: Condition::Exists }).await.unwrap();
        // A failed transaction must not be replayed either.
        let failed = table
            .transact(vec![
                put(item("P", "never", "never"), Condition::NotExists),
                Write::Delete { key: Key::new("P", "tx-a"), condition: Condition::Always },
                Write::Check { key: Key::new("P", "gone"), condition: Condition::Exists },
            ])
            .await;
        assert_eq!(failed, Err(TableError::ConditionFailed { failed: vec![2] }));
        assert_eq!(table.increment(&Key::new("C", "count"), NOW + 60).await, Ok(1));
        assert_eq!(table.increment(&Key::new("C", "count"), NOW + 60).await, Ok(2));
        contents(&table, &["P", "Q", "C"]).await
    };
    assert_eq!(
        expected.iter().map(|i| (i.key.pk.as_str(), i.key.sk.as_str())).collect::<Vec<_>>(),
        [("P", "rich"), ("P", "tx-a"), ("P", "updated"), ("Q", "tx-b"), ("C", "count")],
        "what was written before the restart"
    );

    for round in 0..2 {
        let table = open(&path, NOW);
        assert_eq!(contents(&table, &["P", "Q", "C"]).await, expected, "round {round}: same contents after reopening");
        assert_eq!(table.get(&Key::new("P", "gone")).await, Ok(None), "round {round}: the delete was replayed");
        assert_eq!(table.get(&Key::new("P", "never")).await, Ok(None), "round {round}: failed transaction replayed");
        let g1 = table.query(&Query::new(Index::Gsi1, "P-G1")).await.unwrap();
        assert_eq!(g1.items.len(), 1, "round {round}: gsi1 rebuilt on open");
        assert_eq!(g1.items[0].summary.as_deref(), Some("summary"), "round {round}: gsi1 projects the summary");
        let g2 = table.query(&Query::new(Index::Gsi2, "P-G2")).await.unwrap();
        assert_eq!(g2.items.len(), 1, "round {round}: gsi2 rebuilt on open");
    }
    let table = open(&path, NOW);
    assert_eq!(table.increment(&Key::new("C", "count"), NOW + 60).await, Ok(3), "counters continue after reopening");
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_items_are_dropped_on_open() {
    let dir = TempDir::new("ttl");
    let path = dir.file("table.log");
    {
        let table = open(&path, NOW);
        for (sk, expires_at) in [("past", Some(NOW + 10)), ("future", Some(NOW + 1000)), ("forever", None)] {
            let mut it = item("T", sk, sk);
            it.expires_at = expires_at;
            it.gsi1 = Some(IndexKey::new("T-G1", sk));
            table.write(put(it, Condition::NotExists)).await.unwrap();
        }
        table.increment(&Key::new("T", "counter"), NOW + 10).await.unwrap();
    }
    let later = NOW + 100;
    let table = open(&path, later);
    let left: Vec<String> = contents(&table, &["T"]).await.into_iter().map(|i| i.key.sk).collect();
    assert_eq!(left, ["forever", "future"], "items whose TTL passed before the open are dropped, the rest kept");
    let g1 = table.query(&Query::new(Index::Gsi1, "T-G1")).await.unwrap();
    assert_eq!(g1.items.len(), 2, "expired items also leave the indexes");
    assert_eq!(
        table.increment(&Key::new("T", "counter"), later + 10).await,
        Ok(1),
        "an expired counter starts again from 1"
    );
    drop(table);
    let table = open(&path, later);
    let left: Vec<String> = contents(&table, &["T"]).await.into_iter().map(|i| i.key.sk).collect();
    assert_eq!(left, ["counter", "forever", "future"], "the drop is persistent and later writes survive");
}

/// Appends `tail` to the log, as a crash in the middle of writing a line leaves it.
fn tear(path: &Path, tail: &[u8]) {
    let mut log = std::fs::OpenOptions::new().append(true).open(path).expect("open log");
    log.write_all(tail).expect("append torn line");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_torn_last_line_is_ignored() {
    let dir = TempDir::new("torn");
    let path = dir.file("table.log");
    {
        let table = open(&path, NOW);
        table.write(put(item("X", "a", "a"), Condition::NotExists)).await.unwrap();
        table
            .transact(vec![
                put(item("X", "b", "b"), Condition::NotExists),
                put(item("X", "c", "c"), Condition::NotExists),
            ])
            .await
            .unwrap();
    }
    let before = contents(&open(&path, NOW), &["X"]).await;
    assert_eq!(before.len(), 3);

    // A transaction cut off halfway through its line.
    tear(&path, br#"[{"Put":{"key":{"pk":"X","sk":"d"},"gsi1":null,"gsi2":null,"expi"#);
    let table = open(&path, NOW);
    assert_eq!(contents(&table, &["X"]).await, before, "a torn last line is ignored");
    // Writes after the torn line are not glued onto it: they survive the next open.
    table.write(put(item("X", "e", "e"), Condition::NotExists)).await.unwrap();
    drop(table);
    let after: Vec<String> = contents(&open(&path, NOW), &["X"]).await.into_iter().map(|i| i.key.sk).collect();
    assert_eq!(after, ["a", "b", "c", "e"], "a write made after recovering from a torn line persists");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_line_torn_inside_a_multibyte_character_is_ignored() {
    let dir = TempDir::new("torn-utf8");
    let path = dir.file("table.log");
    {
        let table = open(&path, NOW);
        table.write(put(item("U", "a", "10 €"), Condition::NotExists)).await.unwrap();
    }
    // The log stores non-ASCII text as raw UTF-8, so a crash can cut a line
    // between the bytes of one character ("€" is E2 82 AC).
    let mut torn =
        br#"[{"Put":{"key":{"pk":"U","sk":"b"},"gsi1":null,"gsi2":null,"expires_at":null,"version":1,"data":"20 "#
            .to_vec();
    torn.extend_from_slice(&[0xE2, 0x82]);
    tear(&path, &torn);
    let table = FileTable::open(&path, NOW).expect("a log whose last line is torn inside a character still opens");
    let table: Arc<dyn Table> = Arc::new(table);
    let left: Vec<String> = contents(&table, &["U"]).await.into_iter().map(|i| i.data).collect();
    assert_eq!(left, ["10 €"], "the torn line is ignored, the committed item kept");
}
