//! Record ids: UUID v4 in simple form (32 lowercase hex characters), shown
//! as their shortest unique prefix, like git and jj.

use rusqlite::Connection;

use crate::{Error, Result};

/// The shortest prefix ever shown.
const MIN_SHORT: usize = 4;

/// Which short ids a session's view looks up: each is a seek in its
/// table's id index (at ten years, a page read of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortIds {
    /// Every item's: the terminal and JSON show them all.
    All,
    /// Only the member's own actions': the only ones an email prints,
    /// for a reply to check them off. The others stay empty.
    MemberActions,
}

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

/// Fresh ids in ascending order, for a bulk insert of about `expected`
/// rows.
///
/// Random ids land all over a table's id index, so a bulk insert into a
/// large table touches most of the index's pages, again for every batch,
/// and needs a page cache as large as the index to be fast. These ids are
/// the order statistics of `expected` uniform draws: spread over the whole
/// id space as random ids are (so short ids stay as short), but drawn in
/// ascending order, so the index is written left to right, page after
/// page, with a small cache. The first 48 bits ascend; the rest of each id
/// is random (from [`new_uuid`], so a seeded sequence stays reproducible)
/// and it is a valid UUID v4. Beyond `expected` ids, the next ones crowd
/// at the end of the space, still after the others.
pub struct AscendingIds {
    /// Where the last id's first 48 bits were, in [0, 1).
    at: f64,
    /// How many draws are still expected.
    left: f64,
    /// The random bits: SplitMix64 from a seed drawn once ([`new_uuid`]),
    /// not a system call per id, which cost more than writing the row.
    state: u64,
}

impl AscendingIds {
    pub fn new(expected: u64) -> AscendingIds {
        let seed = new_uuid().as_u64_pair();
        AscendingIds {
            at: 0.0,
            left: expected.max(1) as f64,
            state: seed.0 ^ seed.1.rotate_left(32),
        }
    }

    pub fn next_uuid(&mut self) -> uuid::Uuid {
        const TOP: f64 = (1u64 << 48) as f64;
        let (a, state) = splitmix64(self.state);
        let (b, state) = splitmix64(state);
        self.state = state;
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a.to_le_bytes());
        bytes[8..].copy_from_slice(&b.to_le_bytes());
        // A uniform draw in (0, 1] from 52 of the random bits.
        let tail = u64::from_be_bytes([
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15],
        ]);
        let draw = ((tail & ((1 << 52) - 1)) as f64 + 1.0) / (1u64 << 52) as f64;
        // The smallest of `left` uniform draws in (at, 1): 1 - draw^(1/left)
        // of the way there.
        self.at += (1.0 - self.at) * -(draw.ln() / self.left).exp_m1();
        self.left = (self.left - 1.0).max(1.0);
        let top = ((self.at * TOP) as u64).min((1 << 48) - 1);
        bytes[..6].copy_from_slice(&top.to_be_bytes()[2..]);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
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

/// Refuses an id prefix shorter than the shortest short id shown
/// ([`MIN_SHORT`] characters) for a command that changes or removes what
/// it names (`rm`, `delete`, `done`, `edit`): one or two characters match
/// whatever happens to start with them today. Text that is not an id at
/// all is left to the lookup, which says so.
pub fn check_long_enough(query: &str) -> Result<()> {
    match normalize_prefix(query) {
        Some(prefix) if prefix.len() < MIN_SHORT => Err(Error::input(format!(
            "\"{query}\" is too short to name what to change: give at least {MIN_SHORT} characters of the id"
        ))
        .with_hint("the lists show each id's shortest unique beginning")),
        _ => Ok(()),
    }
}

/// The shortest unique prefix of `id` among all ids of `table` (tombstones
/// included, so a short id never changes meaning when something is deleted).
///
/// One range read of the id index: the ids that begin with the same
/// [`MIN_SHORT`] characters (see [`bucket_sql`]).
pub(super) fn short_id(conn: &Connection, table: &'static str, id: &str) -> Result<String> {
    let mut stmt = conn.prepare_cached(&bucket_sql(table))?;
    Ok(id[..prefix_len(id, shared_in_bucket(&mut stmt, id)?)].to_string())
}

/// The short ids of many ids of `table`, in the order given, each as
/// [`short_id`] (see [`short_id_lens`]).
pub(super) fn short_ids(
    conn: &Connection,
    table: &'static str,
    ids: &[&str],
) -> Result<Vec<String>> {
    let lens = short_id_lens(conn, table, ids.len(), |i| ids[i])?;
    Ok(ids
        .iter()
        .zip(lens)
        .map(|(id, len)| id[..len as usize].to_string())
        .collect())
}

/// The lengths of the short ids of `n` ids of `table`, the `i`th being
/// `id(i)`, in that order: each short id is `&id[..len]`, as [`short_id`]
/// makes it, without a `String` per id (lists of thousands), nor a copy
/// of the ids. The lookups go in id order, so that consecutive ones land
/// on the same index pages, already in the page cache: a list of
/// thousands of rows otherwise reads the index pages at random, each many
/// times over. Lengths and positions are u32: SQLite holds no text of more
/// than a billion bytes, and a list of more than 4 billion ids is refused.
pub(super) fn short_id_lens<'a>(
    conn: &Connection,
    table: &'static str,
    n: usize,
    id: impl Fn(usize) -> &'a str,
) -> Result<Vec<u32>> {
    if u32::try_from(n).is_err() {
        return Err(Error::database("too many ids to shorten in one list"));
    }
    // Sorted on their first 4 bytes as a number first (hex ids never hold a
    // NUL, so the zero padding of a shorter id keeps the text order): a
    // comparison of strings per step was a sixth of a long list's short ids.
    // 8 bytes an id, with its position: 16 bytes an id in all, with the
    // lengths and the walk's, for the whole history at ten years (63,220).
    let mut order: Vec<(u32, u32)> = (0..n)
        .map(|i| {
            let id = id(i).as_bytes();
            let mut head = [0u8; 4];
            let len = id.len().min(4);
            head[..len].copy_from_slice(&id[..len]);
            (u32::from_be_bytes(head), i as u32)
        })
        .collect();
    let at = |i: u32| id(i as usize);
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| at(a.1).cmp(at(b.1))));
    let sorted = |j: usize| at(order[j].1);
    let mut lens = vec![0u32; n];
    // When the list is a good part of the table (all open actions, say),
    // one walk through the table's ids in order costs less than a lookup
    // per listed id. The walk is bounded by SCAN_RATIO times the list's
    // length, so its cost still follows the list, not the history.
    // max(rowid) counts the rows ever inserted, in one index step; a short
    // list never walks, so it does not ask.
    let walk = n >= 64 && {
        let rows: i64 = conn
            .prepare_cached(&format!("SELECT max(rowid) FROM {table}"))?
            .query_row([], |r| r.get::<_, Option<i64>>(0))?
            .unwrap_or(0);
        usize::try_from(rows).unwrap_or(usize::MAX) / SCAN_RATIO <= n
    };
    if walk {
        let shared = shared_in_order(conn, table, n, sorted)?;
        for (j, shared) in shared.into_iter().enumerate() {
            lens[order[j].1 as usize] = prefix_len(sorted(j), shared as usize) as u32;
        }
    } else {
        let mut stmt = conn.prepare_cached(&bucket_sql(table))?;
        for (j, &(_, i)) in order.iter().enumerate() {
            let shared = shared_in_bucket(&mut stmt, sorted(j))?;
            lens[i as usize] = prefix_len(sorted(j), shared) as u32;
        }
    }
    Ok(lens)
}

/// How many ids of the table per listed id a walk may read (see
/// [`short_id_lens`]): reading an id in order costs about 850
/// instructions, a lookup about 6,500 (10,098 open actions of 63,220:
/// 53 M walked, 67 M looked up).
const SCAN_RATIO: usize = 8;

/// For `n` ids in ascending order (`sorted(j)`), the longest prefix each
/// shares with its neighbours in `table`, from one walk through the
/// table's ids in order.
fn shared_in_order<'a>(
    conn: &Connection,
    table: &'static str,
    n: usize,
    sorted: impl Fn(usize) -> &'a str,
) -> Result<Vec<u32>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT id FROM {table} ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut shared = vec![0u32; n];
    // Listed ids found in the table, waiting for the id after them.
    let mut waiting: Vec<usize> = Vec::new();
    // Bytes, not text: comparing them is all the walk does.
    let mut previous: Vec<u8> = Vec::new();
    let mut next = 0;
    while let Some(row) = rows.next()? {
        // An id that is not text (a crafted file) is never typed as a
        // prefix: it lengthens no short id.
        let rusqlite::types::ValueRef::Text(id) = row.get_ref(0)? else {
            continue;
        };
        for &j in &waiting {
            shared[j] = shared[j].max(common_prefix_len(sorted(j).as_bytes(), id) as u32);
        }
        waiting.clear();
        while next < n && sorted(next).as_bytes() <= id {
            let listed = sorted(next).as_bytes();
            if !previous.is_empty() {
                shared[next] = common_prefix_len(listed, &previous) as u32;
            }
            if listed == id {
                waiting.push(next);
            } else {
                // Not in the table (it cannot happen): between its neighbours.
                shared[next] = shared[next].max(common_prefix_len(listed, id) as u32);
            }
            next += 1;
        }
        if next == n && waiting.is_empty() {
            break;
        }
        previous.clear();
        previous.extend_from_slice(id);
    }
    if !previous.is_empty() {
        for (j, shared) in shared.iter_mut().enumerate().skip(next) {
            *shared = common_prefix_len(sorted(j).as_bytes(), &previous) as u32;
        }
    }
    Ok(shared)
}

/// The ids of a table from ?1 (included) to ?2 (excluded): with the bounds
/// of [`bucket`], those that begin as an id does.
fn bucket_sql(table: &str) -> String {
    format!("SELECT id FROM {table} WHERE id >= ?1 AND id < ?2")
}

/// The bounds of the ids that share an id's first [`MIN_SHORT`] bytes, as
/// text for SQLite (bytes, so that a crafted id cut inside a character
/// still bounds its range); `None` for an id shorter than that, which is
/// shown whole.
fn bucket(id: &str) -> Option<(&[u8], Vec<u8>)> {
    let head = id.as_bytes().get(..MIN_SHORT)?;
    let mut upper = head.to_vec();
    // No byte of UTF-8 text is above 0xF4, so one more cannot wrap.
    let last = upper.len() - 1;
    upper[last] += 1;
    Some((head, upper))
}

/// The longest prefix `id` shares with another id of the table (`stmt` is
/// [`bucket_sql`]), or 0 when it is not longer than [`MIN_SHORT`]: an id
/// that shares more than that begins with the same [`MIN_SHORT`] bytes, so
/// it is in the bucket; one that shares less does not lengthen the short
/// id, which is at least [`MIN_SHORT`] long.
fn shared_in_bucket(stmt: &mut rusqlite::CachedStatement<'_>, id: &str) -> Result<usize> {
    use rusqlite::types::{ToSqlOutput, ValueRef};
    let Some((head, upper)) = bucket(id) else {
        return Ok(0);
    };
    let bounds = [head, &upper].map(|b| ToSqlOutput::Borrowed(ValueRef::Text(b)));
    let mut rows = stmt.query(bounds)?;
    let mut shared = 0;
    while let Some(row) = rows.next()? {
        if let ValueRef::Text(other) = row.get_ref(0)? {
            if other != id.as_bytes() {
                shared = shared.max(common_prefix_len(id.as_bytes(), other));
            }
        }
    }
    Ok(shared)
}

/// The length of the short id of `id`, which shares `shared` characters
/// with its closest neighbour. An id that is not 32 hex characters (a
/// damaged or crafted file) is shown whole rather than cut.
fn prefix_len(id: &str, shared: usize) -> usize {
    let len = (shared + 1).max(MIN_SHORT);
    if id.get(..len).is_some() {
        len
    } else {
        id.len()
    }
}

/// The live ids of `table` starting with `prefix`, at most `limit`; with
/// a `filter` (column, value), only those whose column holds the value.
pub(super) fn with_prefix(
    conn: &Connection,
    table: &'static str,
    prefix: &str,
    filter: Option<(&'static str, &str)>,
    limit: usize,
) -> Result<Vec<String>> {
    if normalize_prefix(prefix).as_deref() != Some(prefix) {
        return Err(Error::input(format!("\"{prefix}\" is not an id")));
    }
    let also = filter.map_or(String::new(), |(column, _)| format!(" AND {column} = ?4"));
    let sql = format!(
        "SELECT id FROM {table} WHERE id >= ?1 AND id < ?2 AND deleted_at IS NULL{also}
         ORDER BY id LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let (upper, limit) = (
        upper_bound(prefix),
        i64::try_from(limit).unwrap_or(i64::MAX),
    );
    let mut params: Vec<&dyn rusqlite::ToSql> = vec![&prefix, &upper, &limit];
    if let Some((_, value)) = &filter {
        params.push(value);
    }
    let rows = stmt.query_map(params.as_slice(), |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The smallest id after every id that starts with `prefix` (ids are
/// lowercase hex, so the next character after the prefix's last one bounds
/// them), so that the primary key index answers a prefix as a range.
fn upper_bound(prefix: &str) -> String {
    match prefix.as_bytes().last() {
        Some(&last) => format!("{}{}", &prefix[..prefix.len() - 1], (last + 1) as char),
        None => String::new(),
    }
}

/// Whether `table` holds a live record with this full id.
pub(super) fn is_live(conn: &Connection, table: &'static str, id: &str) -> Result<bool> {
    let sql = format!("SELECT 1 FROM {table} WHERE id = ?1 AND deleted_at IS NULL");
    Ok(conn.prepare_cached(&sql)?.exists([id])?)
}

/// How many live ids of `table` start with `prefix` (already normalized).
pub(super) fn count_with_prefix(
    conn: &Connection,
    table: &'static str,
    prefix: &str,
) -> Result<u64> {
    if prefix.is_empty() {
        return Ok(0);
    }
    let upper = upper_bound(prefix);
    let sql =
        format!("SELECT count(*) FROM {table} WHERE id >= ?1 AND id < ?2 AND deleted_at IS NULL");
    let mut stmt = conn.prepare_cached(&sql)?;
    let count: i64 = stmt.query_row(rusqlite::params![prefix, upper], |r| r.get(0))?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// The most candidates an ambiguous lookup lists.
pub const MAX_CANDIDATES: usize = 10;

/// The error for `query` matching `total` records: the first
/// [`MAX_CANDIDATES`] of `listed` named, and how many more there are.
pub fn ambiguous(query: &str, plural: &str, listed: &[String], total: u64) -> Error {
    let shown = &listed[..listed.len().min(MAX_CANDIDATES)];
    let more = total.saturating_sub(shown.len() as u64);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    Error::input(format!(
        "\"{query}\" matches several {plural}: {}{tail}",
        shown.join(", ")
    ))
    .with_hint("type more of it")
}

fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
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
            with_prefix(&conn, "t", "aaaa", None, 10).expect("ids"),
            vec!["aaaa1111", "aaaa1122"]
        );
        assert_eq!(
            with_prefix(&conn, "t", "f", None, 10).expect("ids"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_upper_bound_follows_every_id_with_the_prefix() {
        assert_eq!(upper_bound("ab"), "ac");
        assert_eq!(upper_bound("a9"), "a:");
        assert_eq!(upper_bound("ff"), "fg");
        assert!("a9ff" < upper_bound("a9").as_str() && "aa00" > upper_bound("a9").as_str());
    }

    #[test]
    fn a_short_or_odd_id_is_shown_whole_not_cut() {
        assert_eq!(prefix_len("ab", 0), 2);
        assert_eq!(prefix_len("", 3), 0);
        assert_eq!(prefix_len("aéééé", 0), "aéééé".len());
        assert_eq!(prefix_len("abcdef", 1), 4);
    }

    #[test]
    fn ascending_ids_ascend_and_spread_over_the_whole_space() {
        let mut ids = AscendingIds::new(10_000);
        let all: Vec<String> = (0..10_000)
            .map(|_| ids.next_uuid().simple().to_string())
            .collect();
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert!(all.iter().all(|id| id.len() == 32 && &id[12..13] == "4"));
        // Each sixteenth of the space holds about a sixteenth of them.
        for digit in "0123456789abcdef".chars() {
            let n = all.iter().filter(|id| id.starts_with(digit)).count();
            assert!((450..800).contains(&n), "{digit}: {n}");
        }
        // More than expected: still ascending, at the end.
        let mut few = AscendingIds::new(10);
        let more: Vec<String> = (0..20)
            .map(|_| few.next_uuid().simple().to_string())
            .collect();
        assert!(more.windows(2).all(|w| w[0][..12] <= w[1][..12]));
    }

    #[test]
    fn short_ids_are_the_shortest_prefixes_no_other_id_has() {
        let conn = Connection::open_in_memory().expect("db");
        conn.execute_batch("CREATE TABLE t (id TEXT PRIMARY KEY, deleted_at TEXT);")
            .expect("schema");
        let mut state = 7u64;
        let mut all = Vec::new();
        for _ in 0..3000 {
            let (a, next) = splitmix64(state);
            state = next;
            // Few distinct beginnings, so that prefixes are shared far
            // beyond the first four characters.
            all.push(format!("{:04x}{a:016x}", a % 97));
        }
        // Crafted ones: shorter than a short id, cut inside a character,
        // one a prefix of another, and what sorts around them.
        for odd in [
            "ab",
            "",
            "abc\u{e9}x",
            "abc\u{e9}y",
            "ab\u{e9}",
            "0000",
            "00001",
            "\u{7f}\u{7f}\u{7f}\u{7f}1",
        ] {
            all.push(odd.to_string());
        }
        for id in &all {
            conn.execute("INSERT INTO t (id) VALUES (?1)", [id])
                .expect("insert");
        }
        // What a short id is, by its definition: one more character than
        // the most it shares with any other id, at least MIN_SHORT, and
        // the whole id when that would cut it.
        let oracle = |id: &str| -> String {
            let shared = all
                .iter()
                .filter(|other| other.as_str() != id)
                .map(|other| common_prefix_len(id.as_bytes(), other.as_bytes()))
                .max()
                .unwrap_or(0);
            let len = (shared + 1).max(MIN_SHORT);
            id.get(..len).unwrap_or(id).to_string()
        };
        // A large list is walked (unsorted, with duplicates), a small one
        // and each id alone are looked up.
        let large: Vec<&str> = all
            .iter()
            .rev()
            .step_by(7)
            .chain(&all[2995..])
            .chain(&all[..2])
            .map(String::as_str)
            .collect();
        let small: Vec<&str> = all
            .iter()
            .step_by(97)
            .chain(&all[3000..])
            .map(String::as_str)
            .collect();
        assert!(large.len() * SCAN_RATIO >= all.len() && small.len() < 64);
        for list in [large, small] {
            let expected: Vec<String> = list.iter().map(|id| oracle(id)).collect();
            assert_eq!(short_ids(&conn, "t", &list).expect("shorts"), expected);
            for (id, short) in list.iter().zip(&expected) {
                assert_eq!(&short_id(&conn, "t", id).expect("short"), short);
            }
        }
        assert_eq!(short_id(&conn, "t", "0000").expect("short"), "0000");
        assert_eq!(
            short_id(&conn, "t", "abc\u{e9}x").expect("short"),
            "abc\u{e9}x"
        );
    }
}
