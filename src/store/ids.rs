//! Record ids: UUID v4 in simple form (32 lowercase hex characters), shown
//! as their shortest unique prefix, like git and jj.

use rusqlite::Connection;

use crate::{Error, Result};

/// The shortest prefix ever shown.
const MIN_SHORT: usize = 4;

/// A new record id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
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
