//! Record ids: UUID v4 in simple form (32 lowercase hex characters), shown
//! as their shortest unique prefix, like git and jj.

use rusqlite::Connection;

use crate::{Error, Result};

/// The shortest prefix ever shown.
const MIN_SHORT: usize = 4;

thread_local! {
    /// The state of a seeded id sequence, when one was asked for.
    static SEED: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// A new record id: a random UUID v4, or the next one of a seeded sequence.
pub fn new_id() -> String {
    new_uuid().simple().to_string()
}

/// The UUID behind [`new_id`], for code that formats many ids itself
/// without an allocation each (bulk imports).
pub fn new_uuid() -> uuid::Uuid {
    let seeded = SEED.with(|seed| {
        seed.get().map(|state| {
            let (a, state) = splitmix64(state);
            let (b, state) = splitmix64(state);
            seed.set(Some(state));
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&a.to_le_bytes());
            bytes[8..].copy_from_slice(&b.to_le_bytes());
            uuid::Builder::from_random_bytes(bytes).into_uuid()
        })
    });
    seeded.unwrap_or_else(uuid::Uuid::new_v4)
}

/// Makes the ids created on this thread a reproducible sequence (still
/// valid UUID v4). For building benchmark datasets; never used by commands.
pub fn seed_ids(seed: u64) {
    SEED.with(|s| s.set(Some(seed)));
}

/// One step of SplitMix64: a small, well-known generator, good enough for
/// reproducible ids (not for secrets).
fn splitmix64(state: u64) -> (u64, u64) {
    let state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31), state)
}

/// Turns what a user typed as an id (any case, with or without the hyphens
/// of the UUID form) into a prefix to look up, or `None` if it cannot be an
/// id at all.
pub fn normalize_prefix(input: &str) -> Option<String> {
    let prefix: String = input
        .trim()
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let valid =
        !prefix.is_empty() && prefix.len() <= 32 && prefix.chars().all(|c| c.is_ascii_hexdigit());
    valid.then_some(prefix)
}

/// The shortest unique prefix of `id` among all ids of `table` (tombstones
/// included, so a short id never changes meaning when something is deleted).
///
/// Two index lookups: the ids just before and just after `id` are the only
/// ones that can share a longer prefix with it.
pub(super) fn short_id(conn: &Connection, table: &'static str, id: &str) -> Result<String> {
    let sql = format!(
        "SELECT (SELECT max(id) FROM {table} WHERE id < ?1), (SELECT min(id) FROM {table} WHERE id > ?1)"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let (before, after): (Option<String>, Option<String>) =
        stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let shared = [before, after]
        .iter()
        .flatten()
        .map(|other| common_prefix_len(id, other))
        .max()
        .unwrap_or(0);
    let len = (shared + 1).clamp(MIN_SHORT, id.len());
    Ok(id[..len].to_string())
}

/// The live ids of `table` starting with `prefix`, at most `limit`.
pub(super) fn with_prefix(
    conn: &Connection,
    table: &'static str,
    prefix: &str,
    limit: usize,
) -> Result<Vec<String>> {
    if normalize_prefix(prefix).as_deref() != Some(prefix) {
        return Err(Error::input(format!("\"{prefix}\" is not an id")));
    }
    // All ids are [0-9a-f]; the character after the last one of the prefix
    // bounds the range, so the primary key index answers it.
    let upper = match prefix.as_bytes().last() {
        Some(&last) => format!("{}{}", &prefix[..prefix.len() - 1], (last + 1) as char),
        None => return Ok(Vec::new()),
    };
    let sql = format!(
        "SELECT id FROM {table} WHERE id >= ?1 AND id < ?2 AND deleted_at IS NULL ORDER BY id LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(rusqlite::params![prefix, upper, limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn common_prefix_len(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_accept_uuid_forms_and_reject_names() {
        assert_eq!(normalize_prefix("AB12-cd").as_deref(), Some("ab12cd"));
        assert_eq!(normalize_prefix("alex"), None);
        assert_eq!(normalize_prefix(""), None);
        assert_eq!(normalize_prefix(&"a".repeat(33)), None);
    }

    #[test]
    fn short_ids_grow_only_as_far_as_needed() {
        let conn = Connection::open_in_memory().expect("db");
        conn.execute_batch(
            "CREATE TABLE t (id TEXT PRIMARY KEY, deleted_at TEXT);
             INSERT INTO t (id) VALUES ('aaaa1111'), ('aaaa1122'), ('bbbb0000');",
        )
        .expect("schema");
        assert_eq!(short_id(&conn, "t", "aaaa1111").expect("short"), "aaaa111");
        assert_eq!(short_id(&conn, "t", "bbbb0000").expect("short"), "bbbb");
        assert_eq!(
            with_prefix(&conn, "t", "aaaa", 10).expect("ids"),
            vec!["aaaa1111", "aaaa1122"]
        );
        assert_eq!(
            with_prefix(&conn, "t", "f", 10).expect("ids"),
            Vec::<String>::new()
        );
    }
}
