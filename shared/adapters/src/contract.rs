//! The behaviour every [`Table`] backend must show, as one runnable suite.
//!
//! [`table_contract`] is written against `Arc<dyn Table>` only, so the embedded
//! twin and the DynamoDB backend are held to exactly the same semantics. Every
//! partition key it writes (table and index keys alike) starts with the
//! caller's `namespace`, so it can run again and again against one shared,
//! non-empty table, as long as each run uses a fresh namespace.

use crate::table::{Condition, Index, IndexKey, Item, Key, Query, QueryPage, SortCondition, Table, TableError, Write};
use std::collections::BTreeSet;
use std::sync::Arc;

/// A TTL far in the future (2100-01-01), so no backend expires the suite's items.
const FAR_FUTURE: i64 = 4_102_444_800;

/// How many tasks race in the concurrency checks.
const RACERS: usize = 20;

/// Runs the whole behaviour suite against `table`, panicking with a message
/// naming the broken behaviour. `namespace` must be unique per run (for
/// example a test name plus a random suffix) and is used as the prefix of every
/// partition key the suite touches.
pub async fn table_contract(table: Arc<dyn Table>, namespace: &str) {
    let ns = namespace;
    put_get_round_trip(&table, ns).await;
    conditions(&table, ns).await;
    deletes(&table, ns).await;
    transactions(&table, ns).await;
    table_queries(&table, ns).await;
    index_queries(&table, ns).await;
    index_follows_item_changes(&table, ns).await;
    pagination(&table, ns).await;
    cursors_are_checked(&table, ns).await;
    increments(&table, ns).await;
    concurrent_increments(&table, ns).await;
    concurrent_conditional_writes(&table, ns).await;
}

fn key(ns: &str, pk: &str, sk: &str) -> Key {
    Key::new(format!("{ns}#{pk}"), sk)
}

fn item(ns: &str, pk: &str, sk: &str, data: &str) -> Item {
    Item::new(key(ns, pk, sk), data.to_string())
}

fn put(item: Item, condition: Condition) -> Write {
    Write::Put { item, condition }
}

async fn get(table: &Arc<dyn Table>, key: &Key, what: &str) -> Option<Item> {
    match table.get(key).await {
        Ok(found) => found,
        Err(e) => panic!("{what}: get {key:?} failed: {e}"),
    }
}

async fn must_write(table: &Arc<dyn Table>, write: Write, what: &str) {
    if let Err(e) = table.write(write).await {
        panic!("{what}: the write should apply but failed: {e}");
    }
}

async fn must_transact(table: &Arc<dyn Table>, writes: Vec<Write>, what: &str) {
    if let Err(e) = table.transact(writes).await {
        panic!("{what}: the transaction should apply but failed: {e}");
    }
}

fn expect_condition_failed(result: Result<(), TableError>, failed: &[usize], what: &str) {
    match result {
        Err(TableError::ConditionFailed { failed: got }) => {
            assert_eq!(got, failed, "{what}: ConditionFailed should name exactly the failing write positions");
        }
        Ok(()) => panic!("{what}: the write should fail its condition but was applied"),
        Err(other) => {
            panic!("{what}: expected ConditionFailed {{ failed: {failed:?} }}, got {other:?}")
        }
    }
}

async fn query(table: &Arc<dyn Table>, query: &Query, what: &str) -> QueryPage {
    match table.query(query).await {
        Ok(page) => page,
        Err(e) => panic!("{what}: query {query:?} failed: {e}"),
    }
}

fn sort_keys(items: &[Item]) -> Vec<&str> {
    items.iter().map(|i| i.key.sk.as_str()).collect()
}

/// Follows `next` from `start` until there is none and returns every page.
async fn walk(table: &Arc<dyn Table>, start: &Query, what: &str) -> Vec<Vec<Item>> {
    let mut pages = Vec::new();
    let mut q = start.clone();
    loop {
        let page = query(table, &q, what).await;
        assert!(
            page.items.len() <= start.limit as usize,
            "{what}: a page holds {} items, more than the limit {}",
            page.items.len(),
            start.limit
        );
        pages.push(page.items);
        assert!(pages.len() <= 100, "{what}: pagination does not terminate");
        match page.next {
            Some(next) => q.cursor = Some(next),
            None => return pages,
        }
    }
}

/// Checks that `pages` split `expected` in order into full pages of `limit`
/// items: the last non-empty page may be short, and may be followed by one
/// empty page (a backend may only learn that the end was reached then).
fn check_pages(pages: &[Vec<Item>], expected: &[&Key], limit: usize, what: &str) {
    let all: Vec<&Key> = pages.iter().flatten().map(|i| &i.key).collect();
    assert_eq!(all, expected, "{what}: the pages together should return every item exactly once, in order");
    let non_empty = pages.iter().take_while(|p| !p.is_empty()).count();
    assert!(
        pages[non_empty..].len() <= 1,
        "{what}: after the items ran out, at most one empty page may follow (page sizes: {:?})",
        pages.iter().map(Vec::len).collect::<Vec<_>>()
    );
    for (n, page) in pages[..non_empty.saturating_sub(1)].iter().enumerate() {
        assert_eq!(page.len(), limit, "{what}: page {n} is not the last one yet holds fewer than limit items");
    }
}

async fn put_get_round_trip(table: &Arc<dyn Table>, ns: &str) {
    let what = "put/get round trip";
    let mut full = item(ns, "RT", "FULL", "{\"name\":\"Ana Núñez\",\"note\":\"line 1\\nline 2 «€»\"}");
    full.gsi1 = Some(IndexKey::new(format!("{ns}#RT-G1"), "2026-01-01#a"));
    full.gsi2 = Some(IndexKey::new(format!("{ns}#RT-G2"), "OPEN#b"));
    full.expires_at = Some(FAR_FUTURE);
    full.version = 7;
    full.summary = Some("{\"total\":\"12,10 €\"}".to_string());
    must_write(table, put(full.clone(), Condition::NotExists), what).await;
    assert_eq!(
        get(table, &full.key, what).await,
        Some(full.clone()),
        "{what}: every field (gsi keys, expires_at, version, data, summary) should come back as written"
    );

    let bare = item(ns, "RT", "BARE", "x");
    must_write(table, put(bare.clone(), Condition::Always), what).await;
    assert_eq!(
        get(table, &bare.key, what).await,
        Some(bare.clone()),
        "{what}: an item without index keys, TTL or summary should come back as written"
    );

    assert_eq!(get(table, &key(ns, "RT", "MISSING"), what).await, None, "{what}: a missing key in a used partition");
    assert_eq!(get(table, &key(ns, "RT-NONE", "FULL"), what).await, None, "{what}: a missing partition");

    let mut replaced = item(ns, "RT", "FULL", "replaced");
    replaced.version = 8;
    must_write(table, put(replaced.clone(), Condition::Always), what).await;
    assert_eq!(
        get(table, &full.key, what).await,
        Some(replaced),
        "{what}: a put replaces the whole item (index keys, TTL and summary dropped too)"
    );
    assert_eq!(get(table, &bare.key, what).await, Some(bare), "{what}: a put touches only its own key");
}

async fn conditions(table: &Arc<dyn Table>, ns: &str) {
    let mut original = item(ns, "COND", "A", "original");
    original.version = 3;
    original.summary = Some("s".into());
    must_write(table, put(original.clone(), Condition::NotExists), "NotExists on a new item").await;

    let mut intruder = item(ns, "COND", "A", "intruder");
    intruder.version = 4;
    expect_condition_failed(
        table.write(put(intruder.clone(), Condition::NotExists)).await,
        &[0],
        "NotExists on an existing item",
    );
    expect_condition_failed(
        table.write(put(intruder.clone(), Condition::VersionIs(2))).await,
        &[0],
        "VersionIs with a stale version",
    );
    expect_condition_failed(
        table.write(put(intruder.clone(), Condition::VersionIs(4))).await,
        &[0],
        "VersionIs with a future version",
    );
    assert_eq!(
        get(table, &original.key, "failed conditions").await,
        Some(original.clone()),
        "a put whose condition failed must leave the item unchanged"
    );

    let missing = item(ns, "COND", "MISSING", "x");
    expect_condition_failed(
        table.write(put(missing.clone(), Condition::Exists)).await,
        &[0],
        "Exists on a missing item",
    );
    expect_condition_failed(
        table.write(put(missing.clone(), Condition::VersionIs(1))).await,
        &[0],
        "VersionIs on a missing item",
    );
    assert_eq!(
        get(table, &missing.key, "failed conditions").await,
        None,
        "a put whose condition failed must not create the item"
    );

    must_write(table, put(intruder.clone(), Condition::VersionIs(3)), "VersionIs with the current version").await;
    assert_eq!(
        get(table, &original.key, "VersionIs").await,
        Some(intruder.clone()),
        "VersionIs(current) applies the put"
    );

    let mut again = item(ns, "COND", "A", "again");
    again.version = 5;
    must_write(table, put(again.clone(), Condition::Exists), "Exists on an existing item").await;
    assert_eq!(get(table, &original.key, "Exists").await, Some(again), "Exists on an existing item applies the put");
}

async fn deletes(table: &Arc<dyn Table>, ns: &str) {
    let mut target = item(ns, "DEL", "A", "keep me");
    target.version = 2;
    let neighbour = item(ns, "DEL", "B", "neighbour");
    must_transact(
        table,
        vec![put(target.clone(), Condition::NotExists), put(neighbour.clone(), Condition::NotExists)],
        "delete setup",
    )
    .await;

    expect_condition_failed(
        table.write(Write::Delete { key: target.key.clone(), condition: Condition::VersionIs(1) }).await,
        &[0],
        "delete with a stale version",
    );
    expect_condition_failed(
        table.write(Write::Delete { key: target.key.clone(), condition: Condition::NotExists }).await,
        &[0],
        "delete with NotExists on an existing item",
    );
    assert_eq!(
        get(table, &target.key, "failed delete").await,
        Some(target.clone()),
        "a delete whose condition failed must leave the item in place"
    );

    must_write(
        table,
        Write::Delete { key: target.key.clone(), condition: Condition::VersionIs(2) },
        "delete with the current version",
    )
    .await;
    assert_eq!(get(table, &target.key, "delete").await, None, "a delete whose condition held removes the item");
    assert_eq!(get(table, &neighbour.key, "delete").await, Some(neighbour.clone()), "a delete removes only its key");

    expect_condition_failed(
        table.write(Write::Delete { key: target.key.clone(), condition: Condition::Exists }).await,
        &[0],
        "delete with Exists on a missing item",
    );
    must_write(
        table,
        Write::Delete { key: target.key.clone(), condition: Condition::Always },
        "unconditional delete of a missing item",
    )
    .await;
    must_write(
        table,
        Write::Delete { key: neighbour.key.clone(), condition: Condition::Exists },
        "delete with Exists on an existing item",
    )
    .await;
    assert_eq!(get(table, &neighbour.key, "delete").await, None, "delete with Exists removes the item");
}

async fn transactions(table: &Arc<dyn Table>, ns: &str) {
    let existing = item(ns, "TX", "EXISTING", "v1");
    let doomed = item(ns, "TX", "DOOMED", "to delete");
    let guard = item(ns, "TX", "GUARD", "checked, never written");
    must_transact(
        table,
        vec![
            put(existing.clone(), Condition::NotExists),
            put(doomed.clone(), Condition::NotExists),
            put(guard.clone(), Condition::NotExists),
        ],
        "transaction setup",
    )
    .await;

    let new = item(ns, "TX", "NEW", "new");
    let mut updated = item(ns, "TX", "EXISTING", "v2");
    updated.version = 2;
    let good_writes = |check: Write| {
        vec![
            put(new.clone(), Condition::NotExists),
            put(updated.clone(), Condition::VersionIs(1)),
            check,
            Write::Delete { key: doomed.key.clone(), condition: Condition::Exists },
        ]
    };
    let unchanged = |table: Arc<dyn Table>, what: &'static str| {
        let (new, existing, doomed, guard) = (new.clone(), existing.clone(), doomed.clone(), guard.clone());
        async move {
            assert_eq!(get(&table, &new.key, what).await, None, "{what}: a failed transaction must not create items");
            assert_eq!(
                get(&table, &existing.key, what).await,
                Some(existing),
                "{what}: a failed transaction must not update items"
            );
            assert_eq!(
                get(&table, &doomed.key, what).await,
                Some(doomed),
                "{what}: a failed transaction must not delete items"
            );
            assert_eq!(get(&table, &guard.key, what).await, Some(guard), "{what}: a Check never changes its item");
        }
    };

    // A failing Check in the middle cancels the writes before and after it.
    let failing_check = Write::Check { key: guard.key.clone(), condition: Condition::NotExists };
    expect_condition_failed(table.transact(good_writes(failing_check)).await, &[2], "transaction with a failing Check");
    unchanged(table.clone(), "transaction with a failing Check").await;

    // A failing put condition in first position.
    let writes = vec![
        put(item(ns, "TX", "EXISTING", "clobber"), Condition::NotExists),
        put(new.clone(), Condition::NotExists),
        Write::Delete { key: doomed.key.clone(), condition: Condition::Always },
    ];
    expect_condition_failed(table.transact(writes).await, &[0], "transaction with a failing first put");
    unchanged(table.clone(), "transaction with a failing first put").await;

    // A failing delete condition in last position.
    let mut writes = good_writes(Write::Check { key: guard.key.clone(), condition: Condition::Exists });
    writes[3] = Write::Delete { key: doomed.key.clone(), condition: Condition::VersionIs(9) };
    expect_condition_failed(table.transact(writes).await, &[3], "transaction with a failing last delete");
    unchanged(table.clone(), "transaction with a failing last delete").await;

    // A Check on a missing item with Exists fails too.
    let missing_check = Write::Check { key: key(ns, "TX", "NOBODY"), condition: Condition::Exists };
    expect_condition_failed(
        table.transact(good_writes(missing_check)).await,
        &[2],
        "transaction with Check Exists on a missing item",
    );
    unchanged(table.clone(), "transaction with Check Exists on a missing item").await;

    // With every condition holding, every write applies.
    let passing_check = Write::Check { key: guard.key.clone(), condition: Condition::VersionIs(1) };
    must_transact(table, good_writes(passing_check), "transaction whose conditions all hold").await;
    let what = "applied transaction";
    assert_eq!(get(table, &new.key, what).await, Some(new.clone()), "{what}: the put of a new item applied");
    assert_eq!(get(table, &existing.key, what).await, Some(updated), "{what}: the versioned update applied");
    assert_eq!(get(table, &doomed.key, what).await, None, "{what}: the delete applied");
    assert_eq!(get(table, &guard.key, what).await, Some(guard), "{what}: the checked item is unchanged");
}

async fn table_queries(table: &Arc<dyn Table>, ns: &str) {
    let pk = format!("{ns}#Q");
    let sks = ["A#1", "A#2", "A#3", "B#1", "B#2"];
    let mut writes = Vec::new();
    for (n, sk) in sks.iter().enumerate() {
        let mut it = item(ns, "Q", sk, &format!("data {sk}"));
        it.summary = Some(format!("summary {n}"));
        writes.push(put(it, Condition::NotExists));
    }
    // Neighbouring partitions whose keys share a prefix with `pk` must never leak in.
    writes.push(put(item(ns, "QX", "A#1", "neighbour"), Condition::NotExists));
    writes.push(put(item(ns, "Q#", "A#1", "neighbour"), Condition::NotExists));
    writes.push(put(item(ns, "Q#A", "A#1", "neighbour"), Condition::NotExists));
    must_transact(table, writes, "query setup").await;

    let cases: [(SortCondition, &[&str]); 6] = [
        (SortCondition::Any, &["A#1", "A#2", "A#3", "B#1", "B#2"]),
        (SortCondition::BeginsWith("A#".into()), &["A#1", "A#2", "A#3"]),
        (SortCondition::BeginsWith("C".into()), &[]),
        (SortCondition::Below("B".into()), &["A#1", "A#2", "A#3"]),
        (SortCondition::Below("A#2".into()), &["A#1"]),
        (SortCondition::AtLeast("A#3".into()), &["A#3", "B#1", "B#2"]),
    ];
    for (sort, expected) in cases {
        for descending in [false, true] {
            let what = format!("table query {sort:?} descending={descending}");
            let mut q = Query::new(Index::Table, pk.clone());
            q.sort = sort.clone();
            q.descending = descending;
            let page = query(table, &q, &what).await;
            let mut expected = expected.to_vec();
            if descending {
                expected.reverse();
            }
            assert_eq!(sort_keys(&page.items), expected, "{what}: wrong items or order");
            assert_eq!(page.next, None, "{what}: everything fits in one page, so there is no next cursor");
            for it in &page.items {
                assert_eq!(it.key.pk, pk, "{what}: an item from another partition leaked in");
                assert_eq!(it.data, format!("data {}", it.key.sk), "{what}: table queries return whole items");
                assert!(it.summary.is_some(), "{what}: table queries return the summary too");
            }
        }
    }

    let what = "table query with a limit";
    let mut q = Query::new(Index::Table, pk.clone());
    q.limit = 3;
    q.descending = true;
    let page = query(table, &q, what).await;
    assert_eq!(sort_keys(&page.items), ["B#2", "B#1", "A#3"], "{what}: returns the first `limit` items in order");
    assert!(page.next.is_some(), "{what}: more items remain, so there is a next cursor");

    let what = "table query on an empty partition";
    let page = query(table, &Query::new(Index::Table, format!("{ns}#Q-EMPTY")), what).await;
    assert_eq!(page, QueryPage { items: vec![], next: None }, "{what}");
}

async fn index_queries(table: &Arc<dyn Table>, ns: &str) {
    let g1 = format!("{ns}#IDX-G1");
    let g2 = format!("{ns}#IDX-G2");
    // (table sort key, gsi1 sort key, gsi2 sort key): index order differs from table order.
    let rows = [
        ("1", "2026-03", "OPEN#3"),
        ("2", "2026-01", "OPEN#1"),
        ("3", "2026-02", "DONE#2"),
        ("4", "2025-12", "OPEN#2"),
    ];
    let mut writes = Vec::new();
    for (sk, s1, s2) in rows {
        let mut it = item(ns, "IDX", sk, &format!("secret data {sk}"));
        it.gsi1 = Some(IndexKey::new(g1.clone(), s1));
        it.gsi2 = Some(IndexKey::new(g2.clone(), s2));
        it.summary = Some(format!("summary {sk}"));
        it.version = 10 + sk.parse::<u64>().unwrap_or_default();
        writes.push(put(it, Condition::NotExists));
    }
    // Items in the index partition of another namespace-local key, or in no index at all.
    let mut only_g1 = item(ns, "IDX", "5", "only in gsi1");
    only_g1.gsi1 = Some(IndexKey::new(g1.clone(), "2026-04"));
    only_g1.summary = Some("summary 5".into());
    writes.push(put(only_g1, Condition::NotExists));
    let mut elsewhere = item(ns, "IDX", "6", "other index partitions");
    elsewhere.gsi1 = Some(IndexKey::new(format!("{g1}X"), "2026-01"));
    elsewhere.gsi2 = Some(IndexKey::new(format!("{g2}#"), "OPEN#0"));
    writes.push(put(elsewhere, Condition::NotExists));
    writes.push(put(item(ns, "IDX", "7", "in no index"), Condition::NotExists));
    must_transact(table, writes, "index query setup").await;

    let cases: [(Index, &str, SortCondition, &[&str]); 8] = [
        (Index::Gsi1, &g1, SortCondition::Any, &["4", "2", "3", "1", "5"]),
        (Index::Gsi1, &g1, SortCondition::BeginsWith("2026-0".into()), &["2", "3", "1", "5"]),
        (Index::Gsi1, &g1, SortCondition::Below("2026-02".into()), &["4", "2"]),
        (Index::Gsi1, &g1, SortCondition::AtLeast("2026-02".into()), &["3", "1", "5"]),
        (Index::Gsi2, &g2, SortCondition::Any, &["3", "2", "4", "1"]),
        (Index::Gsi2, &g2, SortCondition::BeginsWith("OPEN#".into()), &["2", "4", "1"]),
        (Index::Gsi2, &g2, SortCondition::Below("OPEN#2".into()), &["3", "2"]),
        (Index::Gsi2, &g2, SortCondition::AtLeast("OPEN#2".into()), &["4", "1"]),
    ];
    for (index, pk, sort, expected) in cases {
        for descending in [false, true] {
            let what = format!("{index:?} query {sort:?} descending={descending}");
            let mut q = Query::new(index, pk);
            q.sort = sort.clone();
            q.descending = descending;
            let page = query(table, &q, &what).await;
            let mut expected = expected.to_vec();
            if descending {
                expected.reverse();
            }
            assert_eq!(sort_keys(&page.items), expected, "{what}: wrong items or order");
            assert_eq!(page.next, None, "{what}: everything fits in one page, so there is no next cursor");
            for it in &page.items {
                let sk = &it.key.sk;
                assert_eq!(it.key.pk, format!("{ns}#IDX"), "{what}: index items carry their table key");
                assert_eq!(
                    it.index_key(index).map(|k| k.pk),
                    Some(pk.to_string()),
                    "{what}: item from another partition"
                );
                assert!(it.data.is_empty(), "{what}: index results are projected, yet item {sk} carries its data");
                assert_eq!(it.summary, Some(format!("summary {sk}")), "{what}: index results carry the summary");
                if sk != "5" {
                    assert_eq!(it.version, 10 + sk.parse::<u64>().unwrap_or_default(), "{what}: version of {sk}");
                }
            }
        }
    }
}

async fn index_follows_item_changes(table: &Arc<dyn Table>, ns: &str) {
    let what = "index after an item changes";
    let old = format!("{ns}#MOVE-OLD");
    let new = format!("{ns}#MOVE-NEW");
    let mut it = item(ns, "MOVE", "A", "a");
    it.gsi1 = Some(IndexKey::new(old.clone(), "1"));
    it.summary = Some("first".into());
    must_write(table, put(it.clone(), Condition::NotExists), what).await;
    let page = query(table, &Query::new(Index::Gsi1, old.clone()), what).await;
    assert_eq!(page.items.len(), 1, "{what}: a new item appears in its index partition");

    let mut moved = it.clone();
    moved.gsi1 = Some(IndexKey::new(new.clone(), "2"));
    moved.summary = Some("second".into());
    moved.version = 2;
    must_write(table, put(moved.clone(), Condition::VersionIs(1)), what).await;
    let page = query(table, &Query::new(Index::Gsi1, old.clone()), what).await;
    assert!(page.items.is_empty(), "{what}: the old index position is gone after the index key changed");
    let page = query(table, &Query::new(Index::Gsi1, new.clone()), what).await;
    assert_eq!(page.items.len(), 1, "{what}: the item appears under its new index key");
    assert_eq!(page.items[0].summary.as_deref(), Some("second"), "{what}: the index shows the new summary");

    let mut dropped = moved.clone();
    dropped.gsi1 = None;
    dropped.version = 3;
    must_write(table, put(dropped, Condition::VersionIs(2)), what).await;
    let page = query(table, &Query::new(Index::Gsi1, new.clone()), what).await;
    assert!(page.items.is_empty(), "{what}: an item without an index key leaves the index");

    let mut back = moved;
    back.version = 4;
    must_write(table, put(back.clone(), Condition::VersionIs(3)), what).await;
    must_write(table, Write::Delete { key: back.key.clone(), condition: Condition::VersionIs(4) }, what).await;
    let page = query(table, &Query::new(Index::Gsi1, new), what).await;
    assert!(page.items.is_empty(), "{what}: a deleted item leaves the index");
}

async fn pagination(table: &Arc<dyn Table>, ns: &str) {
    let pk = format!("{ns}#PAGE");
    let g1 = format!("{ns}#PAGE-G1");
    // Two items share a GSI1 sort key: index keys are not unique.
    let rows = [("a", "1", "S#x"), ("b", "2", "S#w"), ("c", "2", "S#v"), ("d", "3", "S#u"), ("e", "4", "S#t")];
    let mut writes = Vec::new();
    for (sk, s1, s2) in rows {
        let mut it = item(ns, "PAGE", sk, sk);
        it.gsi1 = Some(IndexKey::new(g1.clone(), s1));
        it.gsi2 = Some(IndexKey::new(format!("{ns}#PAGE-G2"), s2));
        it.summary = Some(sk.into());
        writes.push(put(it, Condition::NotExists));
    }
    writes.push(put(item(ns, "PAGE", "z-other", "other"), Condition::NotExists));
    must_transact(table, writes, "pagination setup").await;

    let keys: Vec<Key> = ["a", "b", "c", "d", "e"].iter().map(|sk| key(ns, "PAGE", sk)).collect();
    let ascending: Vec<&Key> = keys.iter().collect();
    let descending: Vec<&Key> = keys.iter().rev().collect();

    for (desc, expected) in [(false, &ascending), (true, &descending)] {
        let what = format!("table pages of 2, descending={desc}");
        let mut q = Query::new(Index::Table, pk.clone());
        q.sort = SortCondition::Below("z".into());
        q.descending = desc;
        q.limit = 2;
        let pages = walk(table, &q, &what).await;
        check_pages(&pages, expected, 2, &what);

        let what = format!("gsi2 pages of 2, descending={desc}");
        let mut q = Query::new(Index::Gsi2, format!("{ns}#PAGE-G2"));
        q.sort = SortCondition::BeginsWith("S#".into());
        q.descending = !desc;
        q.limit = 2;
        let pages = walk(table, &q, &what).await;
        check_pages(&pages, expected, 2, &what);
        assert!(pages.iter().flatten().all(|i| i.data.is_empty()), "{what}: index pages are projected");
    }

    // Equal index sort keys: every item exactly once, sort keys in order.
    for desc in [false, true] {
        let what = format!("gsi1 pages of 2 over a duplicate sort key, descending={desc}");
        let mut q = Query::new(Index::Gsi1, g1.clone());
        q.descending = desc;
        q.limit = 2;
        let pages = walk(table, &q, &what).await;
        let items: Vec<&Item> = pages.iter().flatten().collect();
        let got: BTreeSet<&str> = items.iter().map(|i| i.key.sk.as_str()).collect();
        assert_eq!(items.len(), 5, "{what}: every item exactly once (got {:?})", sort_keys(&pages.concat()));
        assert_eq!(got, BTreeSet::from(["a", "b", "c", "d", "e"]), "{what}: every item exactly once");
        let index_sks: Vec<String> = items.iter().filter_map(|i| i.gsi1.as_ref()).map(|k| k.sk.clone()).collect();
        let mut sorted = index_sks.clone();
        sorted.sort();
        if desc {
            sorted.reverse();
        }
        assert_eq!(index_sks, sorted, "{what}: pages come in index sort-key order");
    }

    let what = "one page holding everything";
    let mut q = Query::new(Index::Table, pk.clone());
    q.limit = 6;
    let page = query(table, &q, what).await;
    assert_eq!(page.items.len(), 6, "{what}: limit 6 returns all 6 items of the partition");
    if let Some(next) = page.next {
        q.cursor = Some(next);
        let rest = query(table, &q, what).await;
        assert_eq!(
            rest,
            QueryPage { items: vec![], next: None },
            "{what}: a cursor past the end gives an empty last page"
        );
    }
}

async fn cursors_are_checked(table: &Arc<dyn Table>, ns: &str) {
    let mut writes = Vec::new();
    for pk in ["CUR-A", "CUR-B"] {
        for sk in ["1", "2", "3"] {
            let mut it = item(ns, pk, sk, "x");
            it.gsi1 = Some(IndexKey::new(format!("{ns}#{pk}-G1"), sk));
            it.summary = Some("s".into());
            writes.push(put(it, Condition::NotExists));
        }
    }
    must_transact(table, writes, "cursor setup").await;

    let expect_invalid = |result: Result<QueryPage, TableError>, what: &str| match result {
        Err(TableError::InvalidCursor) => {}
        other => panic!("{what}: expected TableError::InvalidCursor, got {other:?}"),
    };

    let mut a = Query::new(Index::Table, format!("{ns}#CUR-A"));
    a.limit = 1;
    let cursor = query(table, &a, "cursor source").await.next.expect("a page of 1 out of 3 items has a next cursor");
    let mut g = Query::new(Index::Gsi1, format!("{ns}#CUR-A-G1"));
    g.limit = 1;
    let index_cursor = query(table, &g, "index cursor source")
        .await
        .next
        .expect("an index page of 1 out of 3 items has a next cursor");

    let mut b = Query::new(Index::Table, format!("{ns}#CUR-B"));
    b.cursor = Some(cursor.clone());
    expect_invalid(table.query(&b).await, "a table cursor used on another partition");
    let mut gb = Query::new(Index::Gsi1, format!("{ns}#CUR-B-G1"));
    gb.cursor = Some(index_cursor.clone());
    expect_invalid(table.query(&gb).await, "an index cursor used on another index partition");

    for garbage in ["not a cursor!", "bm90IGpzb24", "e30"] {
        let mut q = Query::new(Index::Table, format!("{ns}#CUR-A"));
        q.cursor = Some(garbage.to_string());
        expect_invalid(table.query(&q).await, &format!("garbage cursor {garbage:?}"));
    }

    a.cursor = Some(cursor);
    let page = query(table, &a, "a cursor on its own query").await;
    assert_eq!(sort_keys(&page.items), ["2"], "a cursor continues its own query after the last item returned");
}

async fn increments(table: &Arc<dyn Table>, ns: &str) {
    let counter = key(ns, "COUNT", "ONE");
    for expected in 1..=3 {
        match table.increment(&counter, FAR_FUTURE).await {
            Ok(n) => assert_eq!(n, expected, "increment should count 1, 2, 3"),
            Err(e) => panic!("increment failed: {e}"),
        }
    }
    let stored = get(table, &counter, "counter item").await.expect("increment creates its counter item");
    assert_eq!(stored.expires_at, Some(FAR_FUTURE), "increment sets the counter's TTL");
    let other = key(ns, "COUNT", "TWO");
    assert_eq!(table.increment(&other, FAR_FUTURE).await, Ok(1), "each counter counts on its own");
}

async fn concurrent_increments(table: &Arc<dyn Table>, ns: &str) {
    let counter = key(ns, "COUNT", "RACE");
    let tasks: Vec<_> = (0..RACERS)
        .map(|_| {
            let (table, counter) = (table.clone(), counter.clone());
            tokio::spawn(async move { table.increment(&counter, FAR_FUTURE).await })
        })
        .collect();
    let mut seen = BTreeSet::new();
    for task in tasks {
        let n = task.await.expect("increment task panicked").expect("concurrent increment failed");
        assert!(seen.insert(n), "concurrent increments returned {n} twice");
    }
    let expected: BTreeSet<u64> = (1..=RACERS as u64).collect();
    assert_eq!(seen, expected, "{RACERS} concurrent increments return exactly 1..={RACERS}");
    assert_eq!(
        table.increment(&counter, FAR_FUTURE).await,
        Ok(RACERS as u64 + 1),
        "after {RACERS} concurrent increments the counter stands at {RACERS}"
    );
}

async fn concurrent_conditional_writes(table: &Arc<dyn Table>, ns: &str) {
    let what = "concurrent VersionIs(1) puts";
    let base = item(ns, "RACE", "ITEM", "base");
    must_write(table, put(base.clone(), Condition::NotExists), what).await;
    let tasks: Vec<_> = (0..RACERS)
        .map(|n| {
            let table = table.clone();
            let mut next = base.clone();
            next.version = 2;
            next.data = format!("winner {n}");
            tokio::spawn(async move { (n, table.write(put(next, Condition::VersionIs(1))).await) })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        let (n, result) = task.await.expect("writer task panicked");
        match result {
            Ok(()) => winners.push(n),
            Err(TableError::ConditionFailed { failed }) => {
                assert_eq!(failed, [0], "{what}: a loser's ConditionFailed names write 0")
            }
            Err(other) => panic!("{what}: a loser should get ConditionFailed, got {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "{what}: exactly one of {RACERS} writers should win, winners: {winners:?}");
    let stored = get(table, &base.key, what).await.expect("the raced item exists");
    assert_eq!(stored.data, format!("winner {}", winners[0]), "{what}: the stored item is the winner's");
    assert_eq!(stored.version, 2, "{what}: the stored version is the winner's");
}
