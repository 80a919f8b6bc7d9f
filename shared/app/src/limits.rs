//! Rate limits over a sliding window, on the store's attempt counters.
//!
//! A fixed window lets a caller spend the whole allowance just before the
//! boundary and again just after it. Each counter is therefore kept for one
//! window more, and the estimate adds the previous window's count weighted by
//! how much of it still lies within the last `window` (rounded up).

use portal_domain::ports::{LoginTokenStore, StoreResult};
use time::OffsetDateTime;

/// Counts one more attempt under `name` and returns the attempts in the last
/// `window_seconds`, this one included.
pub async fn count_attempt<S: LoginTokenStore + ?Sized>(
    store: &S,
    name: &str,
    now: OffsetDateTime,
    window_seconds: i64,
) -> StoreResult<u64> {
    let index = now.unix_timestamp().div_euclid(window_seconds);
    let started = index * window_seconds;
    let keep_until = OffsetDateTime::from_unix_timestamp(started + 2 * window_seconds).unwrap_or(now);
    let current_bucket = format!("{name}#{index}");
    let previous_bucket = format!("{name}#{}", index - 1);
    let (current, previous) =
        tokio::join!(store.count_attempt(&current_bucket, keep_until), store.attempts_so_far(&previous_bucket, now));
    let remaining = u64::try_from(window_seconds - (now.unix_timestamp() - started)).unwrap_or(0);
    let window = u64::try_from(window_seconds).unwrap_or(1).max(1);
    Ok(current? + (previous? * remaining).div_ceil(window))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_adapters::TableStore;
    use portal_adapters::file_table::FileTable;
    use std::sync::Arc;

    fn store() -> TableStore {
        TableStore::new(Arc::new(FileTable::in_memory()))
    }

    #[tokio::test]
    async fn the_allowance_is_not_doubled_at_a_window_boundary() {
        let store = store();
        let hour = 3600;
        let before = OffsetDateTime::from_unix_timestamp(100 * hour - 10).unwrap();
        for n in 1..=30 {
            assert_eq!(count_attempt(&store, "c", before, hour).await.unwrap(), n);
        }
        let after = OffsetDateTime::from_unix_timestamp(100 * hour + 10).unwrap();
        assert_eq!(count_attempt(&store, "c", after, hour).await.unwrap(), 31, "the last hour still holds 30");
        let half = OffsetDateTime::from_unix_timestamp(100 * hour + hour / 2).unwrap();
        assert_eq!(count_attempt(&store, "c", half, hour).await.unwrap(), 2 + 15);
        let later = OffsetDateTime::from_unix_timestamp(102 * hour).unwrap();
        assert_eq!(count_attempt(&store, "c", later, hour).await.unwrap(), 1, "old windows are forgotten");
    }
}
